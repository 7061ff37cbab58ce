"""A value the model found for a slot, which the slot refuses, said before its question
(customer trial, session 13): "what's the balance on the card ending 12345" started the
balance flow and asked "What are the last four digits of the card?" as if nothing had been
said. Now the slot's `error` response says what is wrong. Engine turns on the real banking_en
domain; the intent and the model's entity are set by hand (as its trained model reads the
message: card_last4 = "12345")."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from framework.engine.state import SessionState
from framework.engine.turn import handle_message
from framework.nlu.interface import Entity, IntentScore, NLUResult
from framework.slots import extract_entities
from framework.spec import load_assistant
from tests.support.example_domains import banking  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2026, 12, 3, 10, 0)


def say(assistant, state, text, intent, *learnt):
    found = extract_entities(assistant, text, today=NOW.date())
    model = tuple(Entity(name, value, value, text.index(value), text.index(value) + len(value), "model", confidence)
                  for name, value, confidence in learnt)
    return handle_message(assistant, state, NLUResult(text, (IntentScore(intent, 0.99),), (*found, *model)), now=NOW)


def replies(result):
    return [r.response for r in result.replies]


def test_a_refused_value_the_model_is_sure_of_is_said_before_the_question(banking):
    text = "what's the balance on the card ending 12345"
    result = say(banking, SessionState.new("u", NOW), text, "check_balance", ("card_last4", "12345", 0.97))
    assert replies(result) == ["utter_invalid_last4"]
    assert "card_last4" not in result.state.slots and result.state.stack[-1].waiting_for == "slot:card_last4"
    assert "value_out_of_range" in [e.name for e in result.events]
    result = say(banking, result.state, "4821", "inform")
    assert result.action is not None and result.state.slots["card_last4"] == "4821"


def test_an_unsure_reading_asks_the_plain_question(banking):
    text = "what's the balance on the card ending 12345"
    result = say(banking, SessionState.new("u", NOW), text, "check_balance", ("card_last4", "12345", 0.05))
    assert replies(result) == ["utter_ask_last4"]
    assert "value_out_of_range" not in [e.name for e in result.events]


def test_a_valid_value_beside_it_is_taken_without_a_complaint(banking):
    text = "block the card ending 12345, no wait, 4321"
    result = say(banking, SessionState.new("u", NOW), text, "lost_card", ("card_last4", "12345", 0.97))
    assert result.state.slots["card_last4"] == "4321"
    assert "utter_invalid_last4" not in replies(result)


def texts(result):
    return [r.text for r in result.replies]


def test_two_cards_in_one_message_are_asked_about_not_one_blocked(banking):
    """Customer trial, session 13: "block card 4821 and 1234" was about to block 1234 (the last
    value won) without a word about 4821. Nothing is stored; the bot asks which one."""
    result = say(banking, SessionState.new("u", NOW), "block card 4821 and 1234", "lost_card")
    assert "card_last4" not in result.state.slots
    assert texts(result) == ["You gave more than one last four digits (4821, 1234), and I can take one at a time. "
                             "Which one should I use?"]
    assert [e.data for e in result.events if e.name == "values_ambiguous"] == [{"slot": "card_last4", "count": 2}]
    result = say(banking, result.state, "4821", "inform")
    assert result.state.slots["card_last4"] == "4821" and result.state.stack[-1].waiting_for == "confirm"


@pytest.mark.parametrize("text", ["it ends 1234, no wait, 4321", "it ends 1234, I mean 4321", "1234, or rather 4321"])
def test_a_correction_keeps_the_last_value(banking, text):
    result = say(banking, SessionState.new("u", NOW), f"I lost my card. {text}", "lost_card")
    assert result.state.slots["card_last4"] == "4321"
    assert "values_ambiguous" not in [e.name for e in result.events]


def test_the_same_value_twice_is_one_value(banking):
    result = say(banking, SessionState.new("u", NOW), "block card 4821, the one ending 4821", "lost_card")
    assert result.state.slots["card_last4"] == "4821"


def test_a_refused_choice_of_a_categorical_slot_is_no_wrong_answer():
    """The rule is for slots with a format. telecom_zh's model tags a fragment of "我的合约哪天到期"
    as the query type (余额 / 账单): that is no wrong answer, and the flow asks its question
    (domains/telecom_zh/tests/service.yml, which the first version of the rule broke)."""
    telecom = load_assistant(ROOT / "domains" / "telecom_zh", environ={})
    result = say(telecom, SessionState.new("u", NOW), "我的合约哪天到期", "查询", ("query_type", "合约", 0.9))
    # 到期: where to look it up (session 23); since session 41 the request, only for that, ends there
    assert replies(result) == ["utter_query_offline"]
