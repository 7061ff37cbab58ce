"""A message that declines to give the value asked for ("不告诉你", "保密", "I'd rather not say"):
"不告诉你" (否定 1.00) was stored as the customer's name and the flow went on, "保密" at the ID
question heard "身份证号校验没有通过" and used an attempt (customer trial, session 19). Now
`utter_value_refused` says what cannot go on without it, then the stop question; a no to that
asks the question again, no attempt used (framework.engine.stop_question)."""
from __future__ import annotations

import pytest

from framework.slots.answers import refuses
from framework.spec import load_assistant
from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import telecom  # noqa: F401 (fixtures)

turn = turns(default_intent="提供信息", runner_up=("其他", "否定"))


def _at(telecom, texts):
    state = start()
    for text, intent in texts:
        state = turn(telecom, state, text, intent, 0.95).state
    return state


def test_a_refused_name_is_no_name(telecom):
    state = _at(telecom, [("我要开户", "办理")])
    result = turn(telecom, state, "不告诉你", "否定", 1.0)
    assert replies(result) == ["没有姓名的话，这件事没法继续办理。", "要取消当前的办理吗？"]
    assert "name" not in result.state.slots and result.state.frame.attempts == 0
    again = turn(telecom, result.state, "不", "否定", 0.99)
    assert again.state.frame.waiting_for == "slot:name" and "name" not in again.state.slots
    stopped = turn(telecom, result.state, "是的", "肯定", 0.99)
    assert not stopped.state.stack


@pytest.mark.parametrize("text", ["凭什么要给你我的名字，不给", "为什么要名字啊，我不想说"])
def test_a_refusal_that_ends_a_longer_message(telecom, text):
    """Stored as the name ("不给", "什么要名字") in a customer trial, session 20."""
    state = _at(telecom, [("我要开户", "办理")])
    result = turn(telecom, state, text, "否定", 0.9)
    assert replies(result)[0] == "没有姓名的话，这件事没法继续办理。" and "name" not in result.state.slots


@pytest.mark.parametrize("text", ["保密", "凭什么告诉你", "我不想说"])
def test_a_refused_id_number_uses_no_attempt(telecom, text):
    state = _at(telecom, [("我要开户", "办理"), ("我叫李小龙", "提供信息")])
    result = turn(telecom, state, text, "否定", 0.9)
    assert replies(result)[0] == "没有身份证号的话，这件事没法继续办理。"
    assert result.state.frame.attempts == 0 and "id_number" not in result.state.slots


@pytest.mark.parametrize("text", ["我不想告诉你身份证号", "我不想提供身份证号码"])
def test_a_refusal_naming_what_it_withholds(telecom, text):
    """"我不想告诉你手机号" heard "手机号应为 11 位数字…" (customer trial, session 21)."""
    state = _at(telecom, [("我要开户", "办理"), ("我叫李小龙", "提供信息")])
    result = turn(telecom, state, text, "否定", 0.9)
    assert replies(result)[0] == "没有身份证号的话，这件事没法继续办理。" and "id_number" not in result.state.slots


def test_english():
    banking = load_assistant("domains/banking_en")
    en = turns(default_intent="affirm", runner_up=("deny", "out_of_scope"))
    state = en(banking, start(), "I want to activate my card", "activate_card").state
    state = en(banking, state, "4821").state
    result = en(banking, state, "I'd rather not say", "deny", 0.9)
    assert replies(result)[0].startswith("I'm afraid I can't go on without the") and "name" not in result.state.slots


@pytest.mark.parametrize("text,language,expected", [
    ("不告诉你", "zh", True), ("就不告诉你！", "zh", True), ("不方便透露", "zh", True), ("关你什么事", "zh", True),
    ("张三", "zh", False), ("不是", "zh", False), ("不知道", "zh", False), ("不想办了", "zh", False), ("我不说了，取消吧", "zh", False),
    ("I'd rather not say", "en", True), ("none of your business", "en", True), ("no, I don't want to tell you", "en", True),
    ("no", "en", False), ("John Smith", "en", False), ("I don't know", "en", False),
    # with what is declined (customer trial, session 21: the slot's format error instead)
    ("我不想告诉你手机号", "zh", True), ("不想给你我的名字", "zh", True), ("我不想提供身份证号", "zh", True),
    ("不要给我办这个", "zh", False),
    ("I'd rather not give you my card number tbh", "en", True), ("i dont want to share my phone number", "en", True),
    ("I'm not giving you my name", "en", True), ("I don't want to give you the wrong number", "en", False),
    ("I want to give you my number", "en", False),
])
def test_refuses(text, language, expected):
    assert refuses(text, language) is expected


def test_starting_over_at_the_name_question_is_no_name(telecom):
    """"重新来" at the name question was stored as the name (customer trial, session 21, read as
    再见 0.57): it is the cancel command."""
    state = _at(telecom, [("我要开户", "办理")])
    result = turn(telecom, state, "重新来", "再见", 0.3)  # below the threshold, as the trial model read it
    assert "name" not in result.state.slots and not result.state.stack
