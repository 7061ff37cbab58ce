"""At a confirmation, customers change things in their own words (customer trial, session 14,
banking_en): "Tom Jenkins" as the whole answer to "Send $1,500.00 to my landlord?" (the
entity head tagged it `name`, the cardholder's name of another flow) changed nothing, heard
"I'm not sure I understood" and, three times over, cancelled the transfer; "wait, what
happens after?" at "This can't be undone. Go ahead?" used up one of its three attempts. Engine
turns on the real domain, the intent and the model's entities set by hand as its model reads
them."""
from __future__ import annotations

import datetime as dt

import pytest

from framework.engine.state import SessionState
from framework.engine.turn import handle_message
from framework.nlu.interface import Entity, IntentScore, NLUResult
from framework.slots import extract_entities
from tests.support.example_domains import banking  # noqa: F401 (fixtures)

NOW = dt.datetime(2026, 12, 3, 10, 0)


def say(assistant, state, text, intent, confidence=0.99, *learnt):
    found = extract_entities(assistant, text, today=NOW.date())
    model = tuple(Entity(name, value, value, text.index(value), text.index(value) + len(value), "model", 0.97)
                  for name, value in learnt)
    ranking = (IntentScore(intent, confidence), IntentScore("inform" if intent != "inform" else "help", 0.01))
    return handle_message(assistant, state, NLUResult(text, ranking, (*found, *model)), now=NOW)


def at_transfer_confirmation(banking):
    text = "i need to transfer 1500 dollars to my landlord"
    result = say(banking, SessionState.new("u", NOW), text, "transfer_money", 0.99, ("recipient", "my landlord"))
    assert result.state.stack[-1].waiting_for == "confirm" and result.state.slots["recipient"] == "my landlord"
    return result.state


def test_a_name_as_the_answer_to_a_confirmation_changes_the_flows_one_name(banking):
    result = say(banking, at_transfer_confirmation(banking), "Tom Jenkins", "inform", 1.0, ("name", "Tom Jenkins"))
    assert result.state.slots["recipient"] == "Tom Jenkins"
    assert [r.response for r in result.replies] == ["utter_corrected", "utter_confirm_transfer"]
    assert result.state.stack[-1].attempts == 0


@pytest.mark.parametrize("text", ["his name is Tom Jenkins", "her name's Tom Jenkins", "he's called Tom Jenkins"])
def test_a_name_introduced_at_a_confirmation(banking, text):
    """"his name is Tom Becker" at "Send $250.00 to my brother …?" heard "I'm not sure I understood"
    (customer trial, session 21; left in session 12)."""
    result = say(banking, at_transfer_confirmation(banking), text, "inform", 1.0, ("name", "Tom Jenkins"))
    assert result.state.slots["recipient"] == "Tom Jenkins"
    assert [r.response for r in result.replies] == ["utter_corrected", "utter_confirm_transfer"]


@pytest.mark.parametrize("text, learnt", [
    ("yes Tom Jenkins", [("name", "Tom Jenkins")]),  # not the whole message
    ("his brother is Tom Jenkins", [("name", "Tom Jenkins")]),
    ("Mr. Jenkins", [("name", "Mr. Jenkins")]),      # a surname alone
])
def test_not_a_new_name(banking, text, learnt):
    result = say(banking, at_transfer_confirmation(banking), text, "inform", 1.0, *learnt)
    assert result.state.slots.get("recipient") == "my landlord" or result.state.stack == ()


def test_a_question_at_a_confirmation_uses_no_attempt(banking):
    state = at_transfer_confirmation(banking)
    for _ in range(4):
        result = say(banking, state, "wait, what happens after?", "help", 0.5)
        assert result.state.stack and result.state.stack[-1].attempts == 0
        state = result.state
    result = say(banking, state, "hmm the weather is nice today", "inform", 0.5)
    assert result.state.stack[-1].attempts == 1  # no answer, no question: an attempt, as before ("not sure" is a hedge since session 27)
