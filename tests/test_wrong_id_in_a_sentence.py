"""An ID number with a wrong check digit said before its question (customer trial, session
12): "我叫张三，身份证号110105194912310021" at telecom_zh's name question stored the name and
then asked "请输入本人身份证号" as if no number had been given. Now the slot's error says
what is wrong. Engine turns on the real domain, intents set by hand."""
from __future__ import annotations

import datetime as dt

from framework.engine.state import SessionState
from framework.engine.turn import handle_message
from framework.nlu.interface import IntentScore, NLUResult
from framework.slots import extract_entities
from tests.support.example_domains import telecom  # noqa: F401 (fixtures)

NOW = dt.datetime(2026, 12, 3, 10, 0)


def say(assistant, state, text, intent):
    nlu = NLUResult(text, (IntentScore(intent, 0.99),), extract_entities(assistant, text, today=NOW.date()))
    return handle_message(assistant, state, nlu, now=NOW)


def at_name(telecom):
    result = say(telecom, SessionState.new("u", NOW), "我要开户", "办理")
    assert result.state.stack[-1].waiting_for == "slot:name"
    return result.state


def test_a_wrong_id_number_said_early_is_said_to_be_wrong(telecom):
    result = say(telecom, at_name(telecom), "我叫张三，身份证号110105194912310021", "提供信息")
    assert result.state.slots["name"] == "张三" and "id_number" not in result.state.slots
    assert [r.response for r in result.replies] == ["utter_invalid_id_number"]
    assert "value_out_of_range" in [e.name for e in result.events]
    result = say(telecom, result.state, "11010519491231002X", "提供信息")
    assert result.state.slots["id_number"] == "11010519491231002X"


def test_a_valid_id_number_said_early_is_taken(telecom):
    result = say(telecom, at_name(telecom), "我叫张三，身份证号11010519491231002X", "提供信息")
    assert result.state.slots["id_number"] == "11010519491231002X"
    assert "value_out_of_range" not in [e.name for e in result.events]


def test_at_the_id_question_the_step_says_its_own_reprompt(telecom):
    state = say(telecom, at_name(telecom), "张三", "提供信息").state
    result = say(telecom, state, "110105194912310021", "提供信息")
    assert [r.response for r in result.replies] == ["utter_invalid_id_number"] and result.state.frame.attempts == 1
