"""Whole conversations through the Agent: the fixture domain tests/fixtures/engine/bank,
the deterministic FakeClassifier, the real entity extractors, and a real local aiohttp
server standing in for the bank's backend."""
from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from framework.actions import ActionExecutor
from framework.agent import Agent, classifier_parser
from framework.engine import SessionState
from tests.support.bank_domain import ID, PHONE, bank
from tests.support.fake_classifier import FakeClassifier

ID_WRONG_CHECK = "110105194912310021"

TABLE = {
    "我想开户": "开户", "查余额": "查余额", "我要转账": "转账", "我要投诉": "投诉",
    "取消": "取消", "帮助": "帮助", "转人工": "转人工", "讲个笑话": "其他",
    "是的": "肯定", "不是": "否定", "你好": "问候", "开户吧": ("开户", 0.4),
    f"我要开户，身份证{ID}，手机{PHONE}": "开户",
}


class Conversation:
    """One user talking to the agent; the clock moves one second per message."""

    def __init__(self, assistant, executor=None, sender="u1", channel=None):
        classifier = FakeClassifier(TABLE, labels=assistant.intents)
        self.agent = Agent(assistant, classifier_parser(classifier, assistant), executor)
        self.sender, self.channel = sender, channel
        self.state: SessionState | None = None
        self.now = 1_700_000_000.0
        self.turn = None

    async def say(self, text: str, wait: float = 1.0) -> list[str]:
        self.now += wait
        self.turn = await self.agent.handle(self.state, self.sender, text, channel=self.channel, now=self.now)
        self.state = self.turn.state
        return [r.text for r in self.turn.replies]

    @property
    def events(self) -> list[str]:
        return [e.name for e in self.turn.events]


class Backend:
    """The bank's account service: behaviour set per test, requests recorded."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list = []  # one per request: a dict (200 JSON), an int status, or "slow"

    async def accounts(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(await request.json())
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if answer == "slow":
            await asyncio.sleep(2)
            return web.json_response({})
        if answer == "not json":
            return web.Response(text="<html>oops</html>")
        if isinstance(answer, int):
            return web.json_response({"error": "boom"}, status=answer)
        return web.json_response(answer)


@pytest.fixture
async def backend():
    state = Backend()
    app = web.Application()
    app.router.add_post("/accounts", state.accounts)
    async with TestServer(app, host="127.0.0.1") as server:
        state.url = str(server.make_url("")).rstrip("/")
        yield state


@pytest.fixture
async def talk(backend):
    assistant = bank(backend.url)
    async with ActionExecutor(assistant) as executor:
        yield Conversation(assistant, executor)


async def reach_confirm(c: Conversation) -> None:
    await c.say("我想开户")
    await c.say("张三")
    await c.say(ID)
    assert await c.say(PHONE) == [f"张三，身份证 {ID}，手机 {PHONE}，确认开户吗？"]


async def test_happy_path(talk, backend):
    backend.answers = [{"slots": {"account_no": "A001"}}]
    assert await talk.say("我想开户") == ["请问您的姓名？"]
    assert talk.events == ["flow_started"]
    assert await talk.say("张三") == ["张三，请提供身份证号。"]
    assert await talk.say(ID.lower()) == ["请提供手机号。"]
    assert await talk.say("139-1234-5678") == [f"张三，身份证 {ID}，手机 {PHONE}，确认开户吗？"]
    assert [b.payload for b in talk.turn.replies[0].buttons] == ["/肯定", "/否定"]
    assert await talk.say("是的") == ["开户成功，账号 A001。"]
    assert talk.events == ["confirmed", "action_requested", "slot_set", "action_succeeded", "flow_completed",
                           "slots_cleared"]
    assert talk.state.stack == () and talk.state.slots == {}  # the flow's slots end with it
    (request,) = backend.requests
    assert request == {
        "action": "open_account", "sender_id": "u1", "flow": "open_account", "state": "submit",
        "slots": {"name": "张三", "id_number": ID, "phone": PHONE},
        "latest_message": {"text": "是的", "intent": "肯定"},
    }


async def test_button_payload_names_the_intent(talk, backend):
    backend.answers = [{"slots": {"account_no": "A002"}}]
    await reach_confirm(talk)
    assert await talk.say("/否定") == ["好的，不开户了。"]
    assert talk.turn.nlu.intent.name == "否定" and backend.requests == []


async def test_invalid_value_reprompts_then_accepts(talk):
    await talk.say("我想开户")
    await talk.say("张三")
    assert await talk.say(ID_WRONG_CHECK) == ["身份证号不正确，请重新输入。"]
    assert talk.events == ["slot_invalid"]
    assert talk.state.stack[-1].attempts == 1
    assert await talk.say(ID) == ["请提供手机号。"]


async def test_max_attempts_takes_the_failure_branch(talk):
    await talk.say("我想开户")
    assert await talk.say("张") == ["姓名需要 2 到 10 个字。"]
    assert await talk.say("李") == ["多次输入无效，为您转人工。"]
    assert "collect_failed" in talk.events and "handoff" in talk.events
    assert talk.state.handoff and talk.state.stack == ()


async def test_cancel_forgets_the_flow_and_its_slots(talk):
    await talk.say("我想开户")
    await talk.say("张三")
    assert await talk.say("取消") == ["好的，已取消。"]
    assert talk.state.stack == () and "name" not in talk.state.slots
    assert await talk.say("我想开户") == ["请问您的姓名？"]


async def test_digression_and_resume(talk):
    await talk.say("我想开户")
    await talk.say("张三")
    await talk.say(ID)
    assert await talk.say("查余额") == ["您的余额是 100 元。", "请提供手机号。"]
    assert talk.events[:2] == ["flow_interrupted", "flow_started"]
    assert talk.events[-3:] == ["flow_completed", "slots_cleared", "flow_resumed"]
    assert [f.flow for f in talk.state.stack] == ["open_account"]
    assert await talk.say(PHONE) == [f"张三，身份证 {ID}，手机 {PHONE}，确认开户吗？"]


async def test_condition_transition_after_python_action(talk):
    await talk.say("我想开户")
    await talk.say("张三")
    await talk.say(ID)
    await talk.say("13812345678")  # this phone has 5.5 in the domain's actions.py
    # the interrupted flow's phone is still there for the python action
    assert await talk.say("查余额") == ["您的余额是 5.5 元。", "余额不足 10 元，请及时充值。",
                                     f"张三，身份证 {ID}，手机 13812345678，确认开户吗？"]
    assert "balance" not in talk.state.slots and talk.state.slots["phone"] == "13812345678"


async def test_non_interruptible_flow(talk):
    assert await talk.say("我要转账") == ["转多少钱？"]
    assert await talk.say("查余额") == ["金额需在 1 到 50000 之间。"]
    assert "interruption_refused" in talk.events and "flow_interrupted" not in talk.events
    assert await talk.say("两千") == ["转到哪个账号（6 位数字）？"]
    assert await talk.say("123456") == ["已向 123456 转账 2000 元。"]
    await talk.say("我要转账")
    assert await talk.say("取消") == ["好的，已取消。"]  # global intents still work


async def test_low_confidence_fallback(talk):
    assert await talk.say("嗯嗯啊") == ["抱歉，我没有听懂。"]
    # the right intent, but at 0.4 < 0.6; a second misunderstanding in a row offers a person (session 27)
    assert await talk.say("开户吧") == ["抱歉，我没有听懂。", "看来我没能理解您的意思，抱歉。需要的话可以说“转人工”，我帮您联系人工客服。"]
    assert talk.events == ["fallback", "person_offered"] and talk.state.stack == ()
    await reach_confirm(talk)
    # "随便吧" leaves it to the assistant: a hedge since session 27, asked for a clear answer
    assert await talk.say("随便吧") == ["这一步需要您明确答复：要办就回复“确认”，不办就回复“不用”。"]
    assert await talk.say("嗯嗯啊") == ["抱歉，我没有听懂。", f"张三，身份证 {ID}，手机 {PHONE}，确认开户吗？"]


async def test_handoff(talk):
    await talk.say("我想开户")
    assert await talk.say("转人工") == ["正在为您转接人工客服。"]
    assert talk.state.handoff and talk.state.stack == () and "handoff" in talk.events


async def test_help_greet_and_out_of_scope(talk):
    assert await talk.say("你好") == ["您好，我是银行助手。"]
    assert await talk.say("讲个笑话") == ["这个问题我回答不了。"]
    await talk.say("我想开户")
    assert await talk.say("帮助") == ["我可以帮您开户、查余额和转账。", "请问您的姓名？"]
    assert await talk.say("你好") == ["您好，我是银行助手。", "请问您的姓名？"]  # not taken as a name


async def test_several_slots_from_one_utterance(talk):
    assert await talk.say(f"我要开户，身份证{ID}，手机{PHONE}") == ["请问您的姓名？"]
    assert talk.state.slots == {"id_number": ID, "phone": PHONE}
    assert await talk.say("张三") == [f"张三，身份证 {ID}，手机 {PHONE}，确认开户吗？"]


async def test_entity_inside_a_sentence_fills_the_collected_slot(talk):
    await talk.say("我想开户")
    await talk.say("张三")
    assert await talk.say(f"我的身份证号是 {ID} 谢谢") == ["请提供手机号。"]
    assert talk.state.slots["id_number"] == ID


async def test_intent_transitions(talk):
    assert await talk.say("我要投诉") == ["很抱歉给您带来不便，需要为您转人工吗？"]
    assert talk.state.stack[-1].waiting_for == "intent"
    assert await talk.say("是的") == ["正在为您转接人工客服。"]
    await talk.say("我要投诉")
    assert await talk.say("没事了") == ["好的，有需要再找我。"]


async def test_session_expiry(talk):
    await talk.say("我想开户")
    await talk.say("张三")
    assert await talk.say("我想开户", wait=601) == ["请问您的姓名？"]
    assert talk.events[0] == "session_expired"
    assert talk.state.slots == {} and talk.state.turn_count == 1


async def test_json_round_trip_mid_flow(talk):
    await talk.say("我想开户")
    await talk.say("张三")
    await talk.say("张")  # an invalid id: attempts = 1
    restored = SessionState.from_json(talk.state.to_json())
    assert restored == talk.state and restored.stack[-1].attempts == 1
    original = talk.state
    first = await talk.say(ID)
    talk.state, talk.now = restored, talk.now - 1
    assert await talk.say(ID) == first
    assert talk.state.to_json() == (await talk.agent.handle(original, "u1", ID, now=talk.now)).state.to_json()


async def test_history_is_capped(talk):
    for _ in range(7):
        await talk.say("你好")
    assert len(talk.state.history) == 5 and talk.state.turn_count == 7
    last = talk.state.history[-1]
    assert (last.text, last.intent, last.replies) == ("你好", "问候", ("您好，我是银行助手。",))


async def test_channel_variant():
    c = Conversation(bank(), channel="telegram")
    assert await c.say("我想开户") == ["Your name, please?"]


async def test_webhook_next_chooses_the_state(talk, backend):
    backend.answers = [{"slots": {"account_no": "V9"}, "next": "vip", "responses": ["已为您加急处理。"]}]
    await reach_confirm(talk)
    assert await talk.say("是的") == ["已为您加急处理。", "尊贵客户 张三，账号 V9。"]


@pytest.mark.parametrize("answers,attempts", [
    (["slow"], 2),            # timeout 0.5 s per attempt, 1 retry
    ([500], 2),
    ([404], 1),               # a 4xx is not retried
    (["not json"], 1),
    ([{"slots": {"balance": 1}}], 1),   # a slot outside `sets`
    ([{"slots": {"account_no": "A"}, "next": "nowhere"}], 1),
])
async def test_webhook_failures_take_on_failure(talk, backend, answers, attempts):
    backend.answers = answers
    await reach_confirm(talk)
    assert await talk.say("是的") == ["开户系统暂时不可用，请稍后再试。"]
    assert len(backend.requests) == attempts
    assert "action_failed" in talk.events and talk.state.stack == ()
    assert "account_no" not in talk.state.slots and talk.state.pending_action is None


async def test_webhook_retry_after_500_succeeds(talk, backend):
    backend.answers = [500, {"slots": {"account_no": "A7"}}]
    await reach_confirm(talk)
    assert await talk.say("是的") == ["开户成功，账号 A7。"]
    assert len(backend.requests) == 2


async def test_unreachable_backend_fails_without_raising():
    assistant = bank("http://127.0.0.1:9")  # nothing listens on the discard port
    async with ActionExecutor(assistant) as executor:
        c = Conversation(assistant, executor)
        await reach_confirm(c)
        assert await c.say("是的") == ["开户系统暂时不可用，请稍后再试。"]


async def test_cancel_during_a_digression_resumes_the_interrupted_flow(talk):
    await talk.say("我想开户")
    await talk.say("张三")
    await talk.say("我要投诉")
    # back to the opening: no "已取消" alone, which reads as the whole request dropped (customer trial, session 34)
    assert await talk.say("取消") == ["好的，这个不办了。我们接着刚才那件事：", "张三，请提供身份证号。"]
    assert talk.events == ["flow_cancelled", "flow_resumed"]
    assert [f.flow for f in talk.state.stack] == ["open_account"] and talk.state.slots["name"] == "张三"
