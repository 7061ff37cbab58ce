"""Session 41: what hand tries and customer trials found, each with the message that found it."""
from __future__ import annotations

import pytest

from framework.engine.turn import handle_message
from framework.nlu.interface import IntentScore, NLUResult
from framework.slots import extract_entities
from framework.slots.answers import is_question
from tests.support.engine_turns import NOW, replies, start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))


def ranked(assistant, state, text, *ranking, entities=()):
    """One turn with the whole ranking given: intent, confidence, intent, confidence, ..."""
    scores = tuple(IntentScore(ranking[i], ranking[i + 1]) for i in range(0, len(ranking), 2))
    found = tuple(extract_entities(assistant, text, today=NOW.date())) + tuple(entities)
    return handle_message(assistant, state, NLUResult(text, scores, found), now=NOW)


@pytest.mark.parametrize("text", ["I dont understand, what is activating", "i dont get it what does activating mean",
                                  "I'm confused, what does activating it do?"])
def test_not_understanding_then_what_activating_is(banking, text):
    """Customer trial, session 40: "I dont understand, what is activating" at the digits' question (help 0.99) heard
    the help list; a question after "I don't understand" is a question."""
    state = en(banking, start(), "i need to activate my card", "activate_card", 0.99).state
    said = replies(en(banking, state, text, "help", 0.99))
    assert said[0].startswith("A new card is sent switched off")
    assert "last 4 digits" in said[-1] or "last four digits" in said[-1]


@pytest.mark.parametrize("text, asks", [("I dont understand, what is activating", True),
                                        ("i'm lost, how do i do this", True), ("I don't understand", False),
                                        ("i dont get it", False)])
def test_a_question_after_not_understanding(text, asks):
    assert is_question(text, "en") is asks
