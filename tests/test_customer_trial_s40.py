"""Session 40: what hand tries and customer trials found, each with the message that found it."""
from __future__ import annotations

import datetime

import pytest

from framework.slots import extract_entities
from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))
TODAY = datetime.date(2026, 12, 1)


def _amounts(assistant, text):
    return [e.value for e in extract_entities(assistant, text, today=TODAY) if e.entity == "amount"]


@pytest.mark.parametrize("text, amount", [("make it one fifteen", "115"), ("one fifteen", "115"),
                                          ("send anna two oh five", "205"), ("twelve ten dollars", "1210 USD")])
def test_hundreds_said_with_a_teen_or_oh(banking, text, amount):
    """Tried by hand (session 39): "no sorry make it one fifteen" at a read-back asked what to change."""
    assert _amounts(banking, text) == [amount]


@pytest.mark.parametrize("text", ["meet me at one fifteen", "send it at one fifteen pm"])
def test_a_time_is_no_amount(banking, text):
    assert _amounts(banking, text) == []


def test_one_fifteen_corrects_the_amount_at_the_read_back(banking):
    state = en(banking, start(), "send money to Anna", "transfer_money").state
    state = en(banking, state, "two hundred").state
    result = en(banking, state, "no sorry make it one fifteen", "deny", 0.98)
    assert result.state.slots["amount"]["amount"] == 115
    assert "$115.00" in replies(result)[-1]


# --------------------------------------------------------------------------- telecom_zh, hand tries

def test_changing_a_mothers_plan_is_no_own_request(telecom):
    """Tried by hand (session 39): "我妈妈的套餐太贵了，想帮她换成五十九的…" asked the customer's own name and ID, and "确认"
    then failed at the backend's holder check; the holder or 营业厅 is the answer."""
    result = zh(telecom, start(), "你好，我妈妈的套餐太贵了，想帮她换成五十九的，她叫李秀英，身份证号是440306198506153219", "办理", 0.99)
    assert not result.state.stack and "营业厅代办" in replies(result)[0]


def test_my_mothers_number_at_the_name_question_is_no_name(telecom):
    """"可是是我妈的号码啊，她年纪大了不方便过来" at "请问您的姓名是？" asked "您说的姓名是我妈的号码吗？"."""
    state = zh(telecom, start(), "我要换套餐", "办理", 1.0).state
    result = zh(telecom, state, "可是是我妈的号码啊，她年纪大了不方便过来", "否定", 0.54)
    assert "name" not in result.state.slots
    assert "营业厅代办" in replies(result)[0] and "取消" in replies(result)[-1]


@pytest.mark.parametrize("text", ["那投诉一下，你们上个月多扣了我二十块钱", "那就投诉吧，你们上个月多扣了我二十块钱"])
def test_a_complaint_lead_is_no_part_of_the_complaint(telecom, text):
    """Tried by hand (session 39): a complaint said after a query kept "那投诉一下，" in its text."""
    result = zh(telecom, start(), text, "投诉", 1.0)
    assert result.state.slots["complaint"] == "你们上个月多扣了我二十块钱"


# --------------------------------------------------------------------------- banking_en, hand tries

@pytest.mark.parametrize("text", ["can you cancel it?", "could you please cancel the transfer?", "ok can u stop it"])
def test_a_cancel_asked_as_a_question_at_the_read_back_cancels(banking, text):
    """Tried by hand (session 39): "can you cancel it?" at "Send $200.00 to Anna …?" heard "I can't answer that here"."""
    state = en(banking, start(), "send money to Anna", "transfer_money").state
    state = en(banking, state, "two hundred").state
    result = en(banking, state, text, "cancel", 0.96)
    assert not result.state.stack and "cancelled" in replies(result)[0]


def test_a_question_about_cancelling_later_still_waits(banking):
    state = en(banking, start(), "send money to Anna", "transfer_money").state
    state = en(banking, state, "two hundred").state
    result = en(banking, state, "ok and can I cancel it later?", "cancel", 0.92)
    assert result.state.stack and result.state.slots["amount"]["amount"] == 200


def test_a_cancel_asked_as_a_question_in_chinese(telecom):
    state = zh(telecom, start(), "我要换套餐", "办理", 1.0).state
    for answer in ("张伟", "11010519491231002X", "59"):
        state = zh(telecom, state, answer).state
    assert state.stack[-1].waiting_for == "confirm"
    result = zh(telecom, state, "能不能帮我取消一下？", "取消", 0.97)
    assert not result.state.stack
