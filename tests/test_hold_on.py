""""Hold on, let me find it" at a question: "take your time", no attempt used, the same question
waits (framework.engine.hold_on). In a trial (session 23) "身份证号码我得去找一下" at the ID question
was answered "没能认出有效的身份证号" and used one of three attempts. Pure engine turns."""
from __future__ import annotations

import pytest

from framework.engine.hold_on import asks_to_wait
from framework.spec import load_assistant
from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import telecom  # noqa: F401 (fixtures)

zh = turns(default_intent="办理", runner_up=("其他",))
en = turns(default_intent="activate_card", runner_up=("inform",))


def at_id_question(telecom):
    state = zh(telecom, start(), "我要开户", "办理").state
    state = zh(telecom, state, "我叫刘桂芬", "提供信息").state
    assert state.frame.waiting_for == "slot:id_number"
    return state


@pytest.mark.parametrize("text, intent", [("稍等，我去找一下", "提供信息"), ("身份证号码我得去找一下", "其他"),
                                          ("等我一下哈", "肯定"), ("稍等，我去拿下身份证", "办理")])  # the flow's own trigger
def test_asking_for_time_waits_without_using_an_attempt(telecom, text, intent):
    result = zh(telecom, at_id_question(telecom), text, intent, 0.9)
    assert replies(result) == ["好的，不着急，准备好身份证号后直接发给我就行。"]
    assert "hold_on" in [e.name for e in result.events]
    assert result.state.frame.waiting_for == "slot:id_number" and result.state.frame.attempts == 0
    done = zh(telecom, result.state, "11010519491231002X", "提供信息", 0.9)
    assert done.state.slots["id_number"] == "11010519491231002X"


def test_a_request_after_wait_is_the_request(telecom):
    result = zh(telecom, at_id_question(telecom), "等一下，我要投诉", "投诉", 0.95)
    assert "hold_on" not in [e.name for e in result.events] and result.state.frame.flow == "complaint"


def test_a_value_said_with_it_is_taken(telecom):
    result = zh(telecom, at_id_question(telecom), "稍等…找到了 11010519491231002X", "提供信息", 0.9)
    assert result.state.slots["id_number"] == "11010519491231002X" and "hold_on" not in [e.name for e in result.events]


def test_english():
    banking = load_assistant("domains/banking_en")
    state = en(banking, start(), "I want to activate my card", "activate_card").state
    assert state.frame.waiting_for == "slot:card_last4"
    result = en(banking, state, "hold on, let me grab my card", "inform", 0.6)
    assert replies(result) == ["Sure, take your time. Send me the last four digits when you have it."]


@pytest.mark.parametrize("text, language, expected", [
    ("稍等", "zh", True), ("让我想想", "zh", True), ("等下次再办吧", "zh", False), ("我叫王小明", "zh", False),
    ("one sec", "en", True), ("hold on, let me grab my card", "en", True),
    ("i cant hold on any longer, this is a complaint about your terrible service honestly", "en", False),
])
def test_asks_to_wait(text, language, expected):
    assert asks_to_wait(text, language) is expected


def test_at_a_confirmation_it_waits_too(telecom):
    """"hang on" at "Send $30.00 to Jake …?" got the fallback and used an attempt (trial, session 23)."""
    state = at_id_question(telecom)
    for text in ("11010519491231002X", "59"):
        state = zh(telecom, state, text, "提供信息").state
    assert state.frame.waiting_for == "confirm"
    result = zh(telecom, state, "等一下", "否定", 0.4)
    assert replies(result) == ["好的，不着急，想好了告诉我就行。"] and result.state.frame.attempts == 0
    assert result.state.frame.waiting_for == "confirm"
    assert "confirmed" in [e.name for e in zh(telecom, result.state, "确认", "肯定", 0.99).events]


def test_not_at_a_menu(telecom):
    """"稍等哈我问下他身份证号" at "开户还是变更套餐？" heard "准备好业务后直接发给我就行" (a trial of the
    first version): a menu is no value to go and find."""
    state = zh(telecom, start(), "我要办业务", "办理").state
    assert state.frame.waiting_for == "slot:business"
    result = zh(telecom, state, "稍等哈我问下他身份证号", "其他", 0.6)
    assert "hold_on" not in [e.name for e in result.events]
