"""Last month's bill (telecom_zh's query flow, slot bill_month): "上个月的" at the phone
question was read as a wrong phone number in session 14's trial, and the demo answered this
month's bill. The month is never asked (the step's `default: 本月`); said anywhere in the
flow, it is kept, and the demo action answers that month. Engine turns with hand-written
rankings on the real domain and its real Python action."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from framework.compile.machine import frozen_map
from framework.engine import ActionResult, handle_action_result
from tests.support.engine_turns import NOW, replies, start, turns
from tests.support.example_domains import telecom  # noqa: F401 (fixtures)

turn = turns(default_intent="提供信息", runner_up=("其他", "否定"))
DOMAIN = Path("domains/telecom_zh")


@pytest.fixture(scope="module")
def lookup():
    spec = importlib.util.spec_from_file_location("telecom_actions", DOMAIN / "actions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.lookup_account


def answered(assistant, lookup, state):
    assert state.pending_action is not None and state.pending_action.action == "lookup_account"
    slots = lookup(dict(state.slots), {})["slots"]
    return replies(handle_action_result(assistant, state, ActionResult(True, frozen_map(slots)), now=NOW))


def test_this_months_bill_without_a_question(telecom, lookup):
    state = turn(telecom, start(), "查账单", "查询").state
    result = turn(telecom, state, "13800138000")
    assert answered(telecom, lookup, result.state)[0] == "您的手机 138****8000 本月账单金额为 268.45 元。"


@pytest.mark.parametrize("first, second", [
    ("帮我查一下上个月的账单", "13912345678"),     # in the request
    ("查账单", "13912345678，查上个月的"),           # beside the number
])
def test_last_month_said_with_the_request_or_the_number(telecom, lookup, first, second):
    state = turn(telecom, start(), first, "查询").state
    result = turn(telecom, state, second)
    assert result.state.slots["bill_month"] == "上月"
    said = answered(telecom, lookup, result.state)
    assert said[0].startswith("您的手机 139****5678 上月账单金额为 ") and said[0] != "您的手机 139****5678 上月账单金额为 59.0 元。"


def test_last_month_at_the_phone_question_is_kept_and_the_number_asked_again(telecom, lookup):
    state = turn(telecom, start(), "查账单", "查询").state
    result = turn(telecom, state, "上个月的")
    assert result.state.slots["bill_month"] == "上月" and result.state.frame.waiting_for == "slot:phone"
    assert result.state.frame.attempts == 0  # no wrong number: no attempt used up
    done = turn(telecom, result.state, "13912345678")
    assert answered(telecom, lookup, done.state)[0].startswith("您的手机 139****5678 上月账单金额为 ")
