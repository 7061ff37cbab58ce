"""Each YAML construct of docs/DESIGN.md loads into the right frozen machine objects."""
import dataclasses
import hashlib
from pathlib import Path

import pytest

from framework import conditions
from framework.compile import machine as m
from framework.spec import load_assistant

VALID = Path(__file__).resolve().parent / "fixtures" / "spec" / "valid"


@pytest.fixture(scope="module")
def assistant() -> m.Assistant:
    return load_assistant(VALID, environ={"SPEC_TEST_KEY": "k-123"})


def test_domain_files_are_merged(assistant):
    assert assistant.name == "valid" and assistant.language == "zh"
    assert set(assistant.slots) >= {"name", "plan"}  # slots.yml
    assert "open_account" in assistant.actions  # responses.yml
    assert set(assistant.flows) == {"open_account", "balance"}  # flows/*.yml


def test_settings(assistant):
    assert assistant.settings == m.Settings(fallback_threshold=0.6, session_timeout=600, history_limit=50,
                                            max_attempts=2, pii_masking=True)


def test_intents_and_inline_entity_annotations(assistant):
    intent = assistant.intents["办理"]
    assert intent.description == "办理业务"
    assert intent.examples[0] == m.Example("我想办理一张新卡")
    assert intent.examples[1] == m.Example("我叫张三，想开户", (m.EntitySpan("name", "张三", 2, 4),))
    assert intent.examples[2].entities == (m.EntitySpan("id_number", "110101199003077777", 0, 18),)
    assert intent.examples[3] == m.Example("给我开五十元", (m.EntitySpan("plan", "50", 3, 6),))
    assert intent.source.file.endswith("domain.yml") and (intent.source.line, intent.source.column) == (12, 3)


def test_fingerprints(assistant):
    names = "\n".join(sorted(assistant.intents))
    assert assistant.intent_fingerprint == hashlib.sha256(names.encode()).hexdigest()
    assert len(assistant.examples_fingerprint) == 64


def test_slots(assistant):
    name = assistant.slots["name"]
    assert (name.type, dict(name.options), name.error_response, name.pii, name.entity) == \
        ("text", {"min_length": 2, "max_length": 20}, "utter_invalid_name", True, "name")
    plan = assistant.slots["plan"]
    assert dict(plan.options["choices"]) == {"50": ("五十", "50元套餐"), "100": ("一百", "100元")}
    assert assistant.slots["order_no"].options["pattern"] == r"^[A-Z]{2}\d{8}$"
    assert assistant.slots["balance"].initial == 0


def test_responses(assistant):
    confirm = assistant.responses["utter_confirm"]
    assert confirm.variants[0] == m.ResponseVariant("{name}，身份证号 {id_number}，确认办理吗？")
    assert confirm.variants[1] == m.ResponseVariant(
        "Please confirm: {name}", "telegram", (m.Button("是", "/肯定"), m.Button("否", "/否定")))
    assert len(assistant.responses["utter_ask_name"].variants) == 2


def test_actions_with_environment_expansion(assistant):
    hook = assistant.actions["open_account"]
    assert isinstance(hook, m.WebhookAction)
    assert hook.url == "http://127.0.0.1:5055/accounts"  # the default: SPEC_TEST_BACKEND is unset
    assert dict(hook.headers) == {"X-Api-Key": "k-123"}
    assert (hook.method, hook.timeout, hook.retries, hook.sets) == ("POST", 3.0, 1, ("account_no",))
    python = assistant.actions["lookup_balance"]
    # no `sends:`: the slots of the flows that call it (framework.compile.sends)
    assert python == m.PythonAction("lookup_balance", "actions:lookup_balance", ("balance", "amount"), python.source,
                                    sends=("amount", "balance"))
    assert hook.sends == ("account_no", "amount", "id_number", "name")
    other = load_assistant(VALID, environ={"SPEC_TEST_BACKEND": "https://api.example"})
    assert other.actions["open_account"].url == "https://api.example/accounts"


def test_behaviours(assistant):
    b = assistant.behaviours
    assert b.cancel == m.Behaviour(("取消",), "utter_cancelled")
    assert b.deny == m.Behaviour(("否定",), None)
    assert b.fallback == m.Behaviour((), "utter_failed")
    assert b.help == m.Behaviour()


def test_flow_and_every_step(assistant):
    flow = assistant.flows["open_account"]
    assert (flow.description, flow.triggers, flow.start, flow.interruptible) == ("办理开户", ("办理",), "ask_name", False)
    s = flow.states
    assert s["ask_name"].step == m.Collect("name", "utter_ask_name", "utter_invalid_name", 3, "too_many")
    assert s["ask_name"].transitions == (m.Transition("ask_id", source=s["ask_name"].transitions[0].source),)
    # prompt defaults to utter_ask_<slot>, max_attempts to settings.max_attempts
    assert s["ask_id"].step == m.Collect("id_number", "utter_ask_id_number", None, 2, None)
    assert s["confirm"].step == m.Confirm("utter_confirm", "submit", "ask_name", max_attempts=2)  # settings
    assert s["submit"].step == m.CallAction("open_account", "route", "failed")
    assert s["big"].step == m.Say("utter_big")
    assert s["too_many"].step == m.Handoff("utter_handoff")
    assert s["failed"].step == m.End("utter_failed")
    assert s["complain"].step == m.Link("balance")
    assert s["done"].transitions[0].to == m.END
    assert assistant.flows["balance"].triggers == ("查询",)
    assert assistant.flows["balance"].start == "lookup"  # default: the first state


def test_transitions_carry_parsed_conditions(assistant):
    route = assistant.flows["open_account"].states["route"]
    assert route.step is None and route.listens
    first, second, third = route.transitions
    assert first.condition == conditions.parse("slots.amount > 1000 and slots.id_number is set")
    assert first.condition_text == "slots.amount > 1000 and slots.id_number is set"
    assert conditions.evaluate(first.condition, {"amount": 2000, "id_number": "x"})
    assert (second.intent, second.to, second.condition) == ("投诉", "complain", None)
    assert (third.intent, third.condition, third.to) == (None, None, "done")
    assert first.source.file.endswith("open_account.yml") and first.source.line == 28


def test_everything_is_frozen(assistant):
    with pytest.raises(dataclasses.FrozenInstanceError):
        assistant.name = "x"
    with pytest.raises(TypeError):
        assistant.flows["x"] = None
    with pytest.raises(TypeError):
        assistant.slots["plan"].options["choices"]["x"] = ()
