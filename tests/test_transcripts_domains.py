"""Conversations with the example domains (domains/, flows/) through the Agent, their demo
backend and python actions. Intents are looked up from the flows' triggers so the test
follows the domain rather than repeating it; the classifier is the test fake."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest

from framework.actions import ActionExecutor
from framework.actions.demo_backend import start_demo_backend
from framework.agent import Agent, classifier_parser
from framework.spec import load_assistant
from tests.support.fake_classifier import FakeClassifier

ROOT = Path(__file__).resolve().parent.parent
TELECOM = ROOT / "domains" / "telecom_zh"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def telecom():
    port = free_port()
    assistant = load_assistant(TELECOM, {"TELECOM_BACKEND_URL": f"http://127.0.0.1:{port}"})
    runner = await start_demo_backend(TELECOM, port=port)
    try:
        async with ActionExecutor(assistant) as executor:
            yield assistant, executor
    finally:
        await runner.cleanup()


def trigger(assistant, flow: str) -> str:
    return assistant.flows[flow].triggers[0]


async def converse(assistant, executor, script: list[tuple[str, str | None]]):
    table = {text: intent for text, intent in script if intent}
    agent = Agent(assistant, classifier_parser(FakeClassifier(table, assistant.intents, threshold=0.5), assistant), executor)
    state, events = None, []
    for text, _ in script:
        turn = await agent.handle(state, "tester", text, now=1_700_000_000.0)
        assert turn.replies, f"no reply to {text!r}"
        state = turn.state
        events += [e.name for e in turn.events]
    return state, events


async def test_telecom_complaint_reaches_the_demo_backend(telecom):
    assistant, executor = telecom
    state, events = await converse(assistant, executor, [
        ("我要投诉", trigger(assistant, "complaint")),
        ("网速太慢了，晚上根本没法用", trigger(assistant, "complaint")),  # its own trigger: still the complaint text
        ("我叫张三，身份证号是 110101199003074514，损失大概三千五", None),  # name, ID and loss at once
        ("确认", None),  # the read-back before it is filed (session 27)
        ("不用了", None),
    ])
    assert "action_succeeded" in events and "slots_cleared" in events
    assert state.stack == () and state.slots == {}  # the complaint's slots ended with it


async def test_telecom_query_runs_the_python_action(telecom):
    assistant, executor = telecom
    state, events = await converse(assistant, executor, [
        ("查一下话费余额", trigger(assistant, "query")),
        ("13912345678", None),
    ])
    assert "action_succeeded" in events
    said = [t.replies for t in state.history][-1]
    assert any("139****5678" in r and "余额" in r for r in said)  # the number masked in replies (session 26)


BANKING = ROOT / "domains" / "banking_en"


async def test_telecom_name_is_taken_out_of_the_sentence(telecom):
    assistant, executor = telecom
    state, _ = await converse(assistant, executor, [
        ("我想办理业务", trigger(assistant, "business")),
        ("开户", None),
        ("我叫张三吧", None),
    ])
    assert state.slots["name"] == "张三" and state.stack[-1].state == "ask_id"


async def test_telecom_name_given_with_the_request_skips_the_question(telecom):
    assistant, executor = telecom
    state, _ = await converse(assistant, executor, [("我叫张三丰，想开户", trigger(assistant, "business"))])
    assert state.slots["name"] == "张三丰" and state.stack[-1].state == "ask_id"


async def test_banking_name_is_taken_out_of_the_sentence():
    assistant = load_assistant(BANKING, {"BANKING_BACKEND_URL": "http://127.0.0.1:9"})
    state, _ = await converse(assistant, None, [
        ("I want to activate my card", trigger(assistant, "activate_card")),
        ("it ends in 4821", None),
        ("My name is John Smith.", None),
    ])
    assert state.slots["name"] == "John Smith" and state.stack[-1].state == "confirm"
