"""The interrupted flow's answer given at the interrupting flow's question: "查话费" asked for the
phone number, "你们有哪些套餐？" interrupted it with the plans and "想了解哪一档？", and the phone
number then heard "这看起来是手机号，这里需要的是套餐。" with an attempt used (customer trial,
session 19). Now the interrupting flow is left and the query goes on with the number."""
from __future__ import annotations

import pytest

from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import telecom  # noqa: F401 (fixtures)

turn = turns(default_intent="提供信息", runner_up=("其他",))


def _interrupted(telecom):
    state = start()
    for text, intent in [("查一下话费", "查询"), ("余额", "提供信息"), ("你们有哪些套餐？", "咨询")]:
        state = turn(telecom, state, text, intent, 0.95).state
    assert [(f.flow, f.waiting_for) for f in state.stack] == [("query", "slot:phone"), ("consult", "slot:plan")]
    return state


def test_the_phone_number_at_the_plan_question_goes_to_the_query(telecom):
    result = turn(telecom, _interrupted(telecom), "13800138000", "提供信息", 0.9)
    names = [e.name for e in result.events]
    assert "flow_left" in names and "slot_invalid" not in names
    assert [f.flow for f in result.state.stack] == ["query"] and result.state.slots["phone"] == "13800138000"
    assert result.state.pending_action is not None  # the balance lookup


def test_the_interrupting_flows_own_answer_stays_its_own(telecom):
    result = turn(telecom, _interrupted(telecom), "59", "提供信息", 0.9)
    assert "flow_left" not in [e.name for e in result.events]
    # 59's details, then the offer to apply for it (session 26), the query waiting under it
    assert any("59" in r for r in replies(result)) and [f.flow for f in result.state.stack] == ["query", "consult"]
    assert replies(result)[-1].startswith("需要帮您办理59元套餐吗")


def test_a_value_the_active_flow_collects_itself_keeps_it(telecom):
    """A complaint interrupting an account being opened, at its name question: an ID number
    is the complaint's own later answer, not the account's."""
    state = start()
    for text, intent in [("我要开户", "办理"), ("我叫李小龙", "提供信息"), ("网速太慢了我要投诉", "投诉")]:
        state = turn(telecom, state, text, intent, 0.95).state
    flows = [f.flow for f in state.stack]
    if flows[-1] != "complaint":
        pytest.skip(f"the complaint did not interrupt: {flows}")
    result = turn(telecom, state, "11010519491231002X", "提供信息", 0.9)
    assert "flow_left" not in [e.name for e in result.events] and result.state.stack[-1].flow == "complaint"
