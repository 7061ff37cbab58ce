"""A request and a correction in one message, with no flow active (customer trial, session
14): "我要开户，我叫赵六，不对，赵大六" was read as 否定 at 0.99 (its 不对) and heard "有需要随时找
我，再见"; the account was never opened. The agent now reads the part before the first
correction marker (then the part after the last) on its own and, when the model is sure it
starts a flow, handles the message with that reading: the flow starts, and the name is the
one the correction says. telecom_zh with a lookup-table classifier (tests only)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from framework.agent import Agent, classifier_parser
from framework.slots.answers import before_correction
from framework.spec import load_assistant
from tests.support.fake_classifier import FakeClassifier

ROOT = Path(__file__).resolve().parent.parent
NOW = 1_790_000_000.0


@pytest.fixture(scope="module")
def telecom():
    assistant = load_assistant(ROOT / "domains" / "telecom_zh", environ={})
    return dataclasses.replace(assistant, settings=dataclasses.replace(assistant.settings, fallback_threshold=0.7))


async def handle(telecom, table, text):
    agent = Agent(telecom, classifier_parser(FakeClassifier(table, telecom.intents), telecom))
    return await agent.handle(None, "u", text, now=NOW)


async def test_the_request_before_a_correction_starts_its_flow_with_the_corrected_name(telecom):
    text = "我要开户，我叫赵六，不对，赵大六"
    turn = await handle(telecom, {text: ("否定", 0.99), "我要开户，我叫赵六": ("办理", 0.98)}, text)
    assert turn.state.stack[-1].flow == "business" and turn.state.stack[-1].waiting_for == "slot:id_number"
    assert turn.state.slots["name"] == "赵大六" and turn.state.slots["business"] == "开户"
    assert [e.name for e in turn.events][0] == "request_before_correction"


async def test_the_request_after_a_correction_when_the_part_before_is_none(telecom):
    text = "张三，不对，我要查话费"
    turn = await handle(telecom, {text: ("否定", 0.99), "张三": ("提供信息", 0.9), "我要查话费": ("查询", 0.97)}, text)
    assert turn.state.stack[-1].flow == "query"
    assert "acknowledged" not in [e.name for e in turn.events]


@pytest.mark.parametrize("text, rest, intent, flow", [
    ("不是咨询，我就是要办个副卡", "我就是要办个副卡", "办理", "business"),
    ("我不是来咨询的，我要投诉！", "我要投诉！", "投诉", "complaint"),
])
async def test_not_this_but_that_starts_that(telecom, text, rest, intent, flow):
    """fresh_test_23 (session 21): read as 否定 0.92-0.99 by all three models, answered "好的，感谢您的
    咨询…再见！" and the request lost; the clauses after the first are read alone."""
    turn = await handle(telecom, {text: ("否定", 0.97), rest: (intent, 0.95)}, text)
    assert turn.state.stack and turn.state.stack[-1].flow == flow
    # read as the request before a correction, or (since session 40, "我不是来…的" a refusal) the request after it
    assert [e.name for e in turn.events][0] in ("request_before_correction", "flow_started")


@pytest.mark.parametrize("text, table", [
    ("不对", {"不对": ("否定", 0.99)}),                                            # a bare no: "take care" as before
    ("我要开户，不对", {"我要开户，不对": ("否定", 0.99), "我要开户": ("办理", 0.5)}),  # not sure of the request
])
async def test_otherwise_one_reading(telecom, text, table):
    turn = await handle(telecom, table, text)
    assert turn.state.stack == () and "request_before_correction" not in [e.name for e in turn.events]


def test_before_a_correction():
    assert before_correction("我要开户，我叫赵六，不对，赵大六", "zh") == "我要开户，我叫赵六"
    assert before_correction("不对，赵大六", "zh") is None
    assert before_correction("send 50 to Jane, no wait, to John", "en") == "send 50 to Jane"
