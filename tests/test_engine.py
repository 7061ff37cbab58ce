"""The pure turn functions and session state, without the Agent."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from framework.compile.machine import (
    END, Assistant, Behaviour, Behaviours, Flow, Link, Response, ResponseVariant, Say, Settings,
    State, Transition, frozen_map,
)
from framework.engine import (
    ActionResult, Frame, SessionState, SessionStateError, handle_action_result, handle_message, render,
)
from framework.engine.render import interpolate
from framework.nlu.interface import IntentScore, NLUResult
from tests.support.bank_domain import bank

NOW = 1_700_000_000.0


def nlu(text: str, intent: str | None = None, confidence: float = 0.95, entities=()) -> NLUResult:
    return NLUResult(text, (IntentScore(intent, confidence),) if intent else (), tuple(entities))


def test_turn_is_pure_and_deterministic():
    assistant = bank()
    state = SessionState.new("u", NOW)
    before = state.to_json()
    one = handle_message(assistant, state, nlu("我想开户", "开户"), now=NOW + 1)
    two = handle_message(assistant, state, nlu("我想开户", "开户"), now=NOW + 1)
    assert state.to_json() == before
    assert one == two
    assert one.state.stack == (Frame("open_account", "ask_name", 0, "slot:name"),)
    assert one.state.updated_at == NOW + 1 and one.state.turn_count == 1


def test_now_is_required_and_datetimes_are_accepted():
    assistant, state = bank(), SessionState.new("u", NOW)
    with pytest.raises(ValueError, match="never reads the clock"):
        handle_message(assistant, state, nlu("你好", "问候"), now=None)
    when = dt.datetime(2024, 5, 1, 12, tzinfo=dt.timezone.utc)
    assert handle_message(assistant, state, nlu("你好", "问候"), now=when).state.updated_at == when.timestamp()


def test_action_call_and_result():
    assistant = bank()
    state = SessionState.new("u", NOW)
    result = handle_message(assistant, state, nlu("查余额", "查余额"), now=NOW)
    call = result.action
    assert call.action == "lookup_balance" and result.state.pending_action == call
    assert call.request_json()["latest_message"] == {"text": "查余额", "intent": "查余额"}
    # the pending action survives a JSON round trip (the edge may crash in between)
    restored = SessionState.from_json(result.state.to_json())
    done = handle_action_result(assistant, restored, ActionResult(True, frozen_map({"balance": 42})), now=NOW)
    assert [r.text for r in done.replies] == ["您的余额是 42 元。"]
    assert done.state.pending_action is None and done.action is None
    assert done.state.turn_count == 1 and done.state.history[-1].replies == ("您的余额是 42 元。",)
    # set, said, and cleared when check_balance ended (slot lifetimes)
    assert done.state.history[-1].slot_changes == {"balance": None}
    assert [e.data["slots"] for e in done.events if e.name == "slots_cleared"] == [("balance",)]


def test_action_result_without_pending_action_is_ignored():
    state = SessionState.new("u", NOW)
    result = handle_action_result(bank(), state, ActionResult(True), now=NOW)
    assert result.state is state and [e.name for e in result.events] == ["action_result_ignored"]


def test_a_message_while_an_action_is_pending_abandons_it():
    assistant = bank()
    pending = handle_message(assistant, SessionState.new("u", NOW), nlu("查余额", "查余额"), now=NOW).state
    result = handle_message(assistant, pending, nlu("你好", "问候"), now=NOW + 1)
    assert "action_abandoned" in [e.name for e in result.events] and result.state.pending_action is None


def test_frames_of_removed_flows_are_dropped():
    state = dataclasses.replace(SessionState.new("u", NOW), stack=(Frame("gone", "x", 0, "intent"),))
    result = handle_message(bank(), state, nlu("你好", "问候"), now=NOW)
    assert result.state.stack == () and result.events[0].name == "flow_dropped"


def test_unknown_schema_version_is_refused():
    data = json.loads(SessionState.new("u", NOW).to_json())
    data["schema_version"] = 99
    with pytest.raises(SessionStateError, match="schema version 99"):
        SessionState.from_json(json.dumps(data))
    with pytest.raises(SessionStateError):
        SessionState.from_json("{not json")


def tiny(flows: dict[str, Flow], **responses: str) -> Assistant:
    return Assistant(
        name="tiny", language="en", settings=Settings(fallback_threshold=0.5), intents=frozen_map(),
        slots=frozen_map(), actions=frozen_map(), flows=frozen_map(flows),
        responses=frozen_map({k: Response(k, (ResponseVariant(v),)) for k, v in responses.items()}),
        behaviours=Behaviours(fallback=Behaviour(response="utter_fallback")),
        intent_fingerprint="", examples_fingerprint="",
    )


def test_link_replaces_the_flow():
    flows = {
        "a": Flow("a", "", ("go",), "s", frozen_map({"s": State("s", Link("b"))})),
        "b": Flow("b", "", (), "t", frozen_map({"t": State("t", Say("utter_b"), (Transition(END),))})),
    }
    result = handle_message(tiny(flows, utter_b="in b"), SessionState.new("u", NOW), nlu("go", "go"), now=NOW)
    assert [r.text for r in result.replies] == ["in b"]
    assert [e.name for e in result.events] == ["flow_started", "flow_completed", "flow_started", "flow_completed"]


def test_a_cycle_of_say_states_stops():
    states = {"s": State("s", Say("utter_x"), (Transition("t"),)), "t": State("t", None, (Transition("s"),))}
    flows = {"a": Flow("a", "", ("go",), "s", frozen_map(states))}
    result = handle_message(tiny(flows, utter_x="x"), SessionState.new("u", NOW), nlu("go", "go"), now=NOW)
    assert "loop_detected" in [e.name for e in result.events] and result.state.stack == ()


def test_render_prefers_the_channel_variant_and_is_seeded():
    assistant = bank()
    slots = {"name": "张三"}
    assert render(assistant, "utter_ask_name", slots, channel="telegram").text == "Your name, please?"
    assert render(assistant, "utter_ask_name", slots, channel="slack").text == "请问您的姓名？"
    many = tiny({}, utter_x="x")
    variants = tuple(ResponseVariant(f"v{i}") for i in range(5))
    many = dataclasses.replace(many, responses=frozen_map({"r": Response("r", variants)}))
    picks = [render(many, "r", {}, seed=f"u:{turn}").text for turn in range(20)]
    assert picks == [render(many, "r", {}, seed=f"u:{turn}").text for turn in range(20)]
    assert len(set(picks)) > 1
    assert render(many, "missing", {}).text == "missing"


@pytest.mark.parametrize("text,expected", [
    ("{name}，你好", "张三，你好"),
    ("{missing}!", "!"),
    ("{{literal}} {amount}", "{literal} 2000"),
    ("broken {name", "broken {name"),
    ("{name.__class__}", ""),
    ("{amount:,.2f}", "2,000.00"), ("{amount:,}", "2,000"), ("{amount:d}", "2000"), ("{count:,}", "1,234,567"),
    ("{balance:.2f} 元", "12.50 元"), ("{count:_x}", "12_d687"), ("[{name:>4}]", "[  张三]"),
    ("{name:.2f}", "张三"),  # a format that does not fit the type: the plain value
    ("{agree:.2f}", "True"),  # booleans are not numbers here
    ("{amount:{width}}", "2000"), ("{amount:999999}", "2000"),  # nested / huge specs: plain
    ("{name.__class__:.2f}", ""), ("{missing:.2f}", ""), ("{name!r}", "张三"),
])
def test_interpolate(text, expected):
    slots = {"name": "张三", "amount": 2000.0, "count": 1234567, "balance": 12.5, "agree": True}
    assert interpolate(text, slots) == expected


@pytest.mark.parametrize("language,text,expected", [
    ("zh", "损失{loss}", "损失80元"), ("zh-CN", "{loss:,.2f}", "3,500.00元"), ("zh", "{usd}", "50美元"),
    ("zh", "{chf}", "9 CHF"),  # no Chinese word listed: the code
    ("zh", "{loss.currency}", "CNY"),  # the code itself, when a response asks for it
    ("en", "lost {loss}", "lost 80 CNY"), (None, "{usd:.2f}", "50.00 USD"),
    # "changed the amount to 500 USD" after "Send $500.00?" (customer trial, session 20): an English reply
    # writes a dollar, euro or pound amount with its symbol
    ("en", "{usd}", "$50"), ("en-US", "{usd:.2f}", "$50.00"), ("en", "{big}", "$1,150"), ("en", "{eur}", "€3.50"),
    ("en", "{neg}", "-£5"),
])
def test_money_names_its_currency_in_the_replys_language(language, text, expected):
    """A Chinese reply said "已将损失金额改为 80 CNY" (session 14 trial): 80元 as Chinese writes it."""
    slots = {"loss": {"amount": 80.0, "currency": "CNY"}, "usd": {"amount": 50, "currency": "USD"},
             "chf": {"amount": 9.0, "currency": "CHF"}, "big": {"amount": 1150, "currency": "USD"},
             "eur": {"amount": 3.5, "currency": "EUR"}, "neg": {"amount": -5, "currency": "GBP"}}
    if text == "{loss:,.2f}":
        slots["loss"] = {"amount": 3500, "currency": "CNY"}
    assert interpolate(text, slots, language=language) == expected


def test_a_url_keeps_the_currency_code():
    assert interpolate("https://x.example/p?a={loss}", {"loss": {"amount": 80, "currency": "CNY"}},
                       url=True, language="zh") == "https://x.example/p?a=80%20CNY"


def with_slot_options(assistant: Assistant, name: str, **options) -> Assistant:
    """The assistant with extra options on one slot (options the schema may not accept yet)."""
    slot = assistant.slots[name]
    slots = {**assistant.slots, name: dataclasses.replace(slot, options=frozen_map({**slot.options, **options}))}
    return dataclasses.replace(assistant, slots=frozen_map(slots))


def test_a_slot_not_from_the_user_is_filled_only_by_actions_and_initial():
    assistant = with_slot_options(bank(), "phone", from_user=False)
    assistant = with_slot_options(assistant, "balance", from_user=False)
    state = SessionState.new("u", NOW)
    start = Entity("phone", "13912345678", "13912345678", 7, 18, "phone")
    result = handle_message(assistant, state, nlu("我要开户，手机13912345678", "开户", entities=[start]), now=NOW)
    assert "phone" not in result.state.slots  # the entity is ignored
    for text in ("张三", "11010519491231002X"):
        result = handle_message(assistant, result.state, nlu(text), now=NOW)
    assert result.state.frame.waiting_for == "slot:phone"
    phone = Entity("phone", "13912345678", "13912345678", 0, 11, "phone")
    result = handle_message(assistant, result.state, nlu("13912345678", entities=[phone]), now=NOW)
    assert "phone" not in result.state.slots and result.events[0].name == "slot_invalid"
    assert "actions only" in result.events[0].data["error"]
    # an action may still set a from_user: false slot
    result = handle_message(assistant, SessionState.new("v", NOW), nlu("查余额", "查余额"), now=NOW)
    done = handle_action_result(assistant, result.state, ActionResult(True, frozen_map({"balance": 3})), now=NOW)
    assert [r.text for r in done.replies][0] == "您的余额是 3 元。"


def test_collecting_a_name_takes_it_out_of_the_sentence():
    assistant = bank()
    state = handle_message(assistant, SessionState.new("u", NOW), nlu("我想开户", "开户"), now=NOW).state
    result = handle_message(assistant, state, nlu("我叫张三吧"), now=NOW)
    assert result.state.slots["name"] == "张三" and [r.text for r in result.replies] == ["张三，请提供身份证号。"]


def test_a_context_guess_for_the_collected_slot_comes_after_global_intents():
    assistant = bank()
    state = handle_message(assistant, SessionState.new("u", NOW), nlu("我想开户", "开户"), now=NOW).state
    guess = Entity("name", "想转人工", "想转人工", 2, 6, "context")
    result = handle_message(assistant, state, nlu("我是想转人工", "转人工", entities=[guess]), now=NOW)
    assert result.state.handoff and "name" not in result.state.slots


def in_transfer(assistant: Assistant) -> SessionState:
    return handle_message(assistant, SessionState.new("u", NOW), nlu("我要转账", "转账"), now=NOW).state


def test_a_refused_trigger_says_busy_when_the_domain_has_it():
    plain = bank()
    busy = dataclasses.replace(plain, behaviours=dataclasses.replace(
        plain.behaviours, busy=Behaviour(response="utter_busy")))
    busy = dataclasses.replace(busy, responses=frozen_map(
        {**busy.responses, "utter_busy": Response("utter_busy", (ResponseVariant("请先完成当前的转账。"),))}))
    result = handle_message(busy, in_transfer(busy), nlu("我想开户", "开户"), now=NOW)
    assert [r.text for r in result.replies] == ["请先完成当前的转账。", "转多少钱？"]
    assert [e.name for e in result.events] == ["interruption_refused", "busy", "flow_deferred"]
    assert result.state.frame.attempts == 0  # not counted as an invalid amount
    assert [f.flow for f in result.state.stack] == ["open_account", "transfer"]  # waits under it
    # a valid value is still a value, even when it was also classified as a trigger
    result = handle_message(busy, result.state, nlu("100", "开户"), now=NOW)
    assert result.state.slots["amount"] == 100
    # without `busy` the collect step's error response is said, as before
    result = handle_message(plain, in_transfer(plain), nlu("我想开户", "开户"), now=NOW)
    assert [r.text for r in result.replies] == ["金额需在 1 到 50000 之间。"]


from hypothesis import given, settings, strategies as st  # noqa: E402

from framework.nlu.interface import Entity  # noqa: E402

TEXTS = ["张三", "11010519491231002X", "13912345678", "两千", "123456", "是的", "不是", "嗯", "", "x" * 30]
INTENTS = [None, "开户", "查余额", "转账", "投诉", "取消", "帮助", "转人工", "其他", "肯定", "否定", "问候"]
message = st.tuples(st.sampled_from(TEXTS), st.sampled_from(INTENTS), st.floats(0, 1),
                    st.booleans(), st.floats(0, 2000))
outcome = st.one_of(
    st.builds(lambda n: ActionResult(True, frozen_map({"account_no": f"A{n}"})), st.integers(0, 9)),
    st.builds(lambda n: ActionResult(True, frozen_map({"balance": n})), st.integers(0, 20)),
    st.builds(lambda s: ActionResult(True, next_state=s), st.sampled_from(["vip", "done", "nowhere", END])),
    st.just(ActionResult.failure("down")),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(message, max_size=12), st.lists(outcome, min_size=1, max_size=3))
def test_any_conversation_keeps_a_consistent_state(messages, outcomes):
    assistant = bank()
    state, now = SessionState.new("p", NOW), NOW
    for i, (text, intent, confidence, with_entity, wait) in enumerate(messages):
        now += wait
        entities = (Entity("phone", "13912345678", text, 0, len(text), "phone"),) if with_entity else ()
        result = handle_message(assistant, state, nlu(text, intent, confidence, entities), now=now)
        for j in range(3):
            if result.action is None:
                break
            result = handle_action_result(assistant, result.state, outcomes[(i + j) % len(outcomes)], now=now)
        state = result.state
        assert state.pending_action is None or j == 2
        for frame in state.stack:  # every frame points at a real state that waits for something
            assert frame.state in assistant.flows[frame.flow].states
            assert frame.waiting_for or state.pending_action
        assert SessionState.from_json(state.to_json()) == state
        assert len(state.history) <= assistant.settings.history_limit
