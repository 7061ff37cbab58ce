"""Who the person is, said before the name, is no part of it: "send 200 dollars to my flatmate
Priya" sent the money to "my flatmate Priya", and "my sister Anna Lee" at the recipient question
(the model tagged "my sister" as the recipient and "Anna Lee" as a name) to "my sister" (trial,
session 23). "my landlord" (a saved payee) stays as said. framework.slots.context.tidy_span and
complete_cut_name; engine turns with set entities."""
from __future__ import annotations

import pytest

from framework.nlu.interface import Entity
from framework.slots.context import complete_cut_name, tidy_span
from framework.spec import load_assistant
from tests.support.engine_turns import start, turns
from tests.support.example_domains import banking  # noqa: F401 (fixtures)

en = turns(default_intent="transfer_money", runner_up=("inform",))


def _tagged(text: str, surface: str, entity: str) -> Entity:
    return Entity(entity, surface, surface, text.index(surface), text.index(surface) + len(surface), "model", 0.9)


@pytest.mark.parametrize("said, value", [
    ("my flatmate Priya", "Priya"), ("my little sister Anna Lee", "Anna Lee"), ("my landlord", "my landlord"),
    ("Tom Hardy", "Tom Hardy"), ("my mum", "my mum"),
])
def test_tidy_span_english(banking, said, value):
    assert tidy_span(banking, banking.slots["recipient"], said) == value


@pytest.mark.parametrize("said, value", [("我妈刘桂芬", "刘桂芬"), ("我同事王小明", "王小明"), ("刘桂芬", "刘桂芬"),
                                         ("我妈", "我妈")])
def test_tidy_span_chinese(said, value):
    telecom = load_assistant("domains/telecom_zh")
    assert tidy_span(telecom, telecom.slots["name"], said) == value


def test_a_bare_relation_is_completed_by_the_name_after_it():
    text = "my sister Anna Lee"
    span = complete_cut_name(text, _tagged(text, "my sister", "recipient"))
    assert span.value == "my sister Anna Lee" and span.end == len(text)
    text = "my sister, she knows"
    assert complete_cut_name(text, _tagged(text, "my sister", "recipient")).value == "my sister"


def test_the_recipient_is_the_name(banking):
    text = "send $200 to my flatmate Priya"
    state = en(banking, start(), text, "transfer_money", entities=(_tagged(text, "my flatmate Priya", "recipient"),)).state
    assert state.slots["recipient"] == "Priya"
    text = "send $200 to my sister Anna Lee"
    entities = (_tagged(text, "my sister", "recipient"), _tagged(text, "Anna Lee", "name"))
    state = en(banking, start(), text, "transfer_money", entities=entities).state
    assert state.slots["recipient"] == "Anna Lee"


def test_the_full_name_at_another_question_completes_the_recipient(banking):
    """"Priya Sharma" at "How much would you like to send?" after "send money to my flatmate
    Priya" was the amount's error (trial, session 23); a name that does not complete the
    recipient is no change there."""
    text = "send money to my flatmate Priya"
    state = en(banking, start(), text, "transfer_money", entities=(_tagged(text, "my flatmate Priya", "recipient"),)).state
    assert state.frame.waiting_for == "slot:amount"
    other = en(banking, state, "Tom Hardy", "inform", 0.99, entities=(_tagged("Tom Hardy", "Tom Hardy", "name"),))
    assert other.state.slots["recipient"] == "Priya"
    result = en(banking, state, "Priya Sharma", "inform", 0.99, entities=(_tagged("Priya Sharma", "Priya Sharma", "name"),))
    assert result.state.slots["recipient"] == "Priya Sharma" and result.state.frame.waiting_for == "slot:amount"
