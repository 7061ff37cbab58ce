"""Names with a title and names said "Surname, First" (customer trial, session 28, banking_en):
the money was sent to "Ms" ("send $50 to Ms. Hope May"), "Mr. Tom Hanks" at "Who should I send it
to?" was the recipient "Mr", "transfer $25 to ms hope may" sent it to "hope", and "Smith, John"
was "Smith" (or "John"). Pure engine turns; `learnt` spans are the ones the trial's model tagged."""
from __future__ import annotations

import pytest

from framework.nlu.interface import Entity
from framework.slots.context import clauses
from framework.slots.person_names import first_name_first, name_after_title, without_title
from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import banking  # noqa: F401 (fixtures)

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
FULL_NAME = "I need the full name for the recipient, first and last name. Could you give it to me?"


def _learnt(text, *spans):
    """The model's spans (entity, surface), each at its first place in `text`."""
    return tuple(Entity(entity, span, span, text.index(span), text.index(span) + len(span), "model", 0.95)
                 for entity, span in spans)


def _request(assistant, text, *spans):
    return en(assistant, start(), text, "transfer_money", 0.99, entities=_learnt(text, *spans))


def _at_question(assistant, flow="send money", intent="transfer_money", first="50"):
    state = en(assistant, start(), flow, intent, 0.99).state
    return en(assistant, state, first, "inform", 0.99).state


def _answer(assistant, text, *spans, flow="send money", intent="transfer_money", first="50"):
    return en(assistant, _at_question(assistant, flow, intent, first), text, "inform", 0.99,
              entities=_learnt(text, *spans))


@pytest.mark.parametrize("text, learnt, recipient", [
    ("send $50 to Ms. Hope May", [("recipient", "Ms")], "Hope May"),
    ("send $50 to Ms. Hope May", [], "Hope May"),  # a template's span, no model
    ("send $50 to Mr. Tom Hanks", [("recipient", "Mr.")], "Tom Hanks"),
    ("send $50 to Mrs. Carol Diaz", [("recipient", "Mrs")], "Carol Diaz"),
    ("send $50 to Dr Amelia Watson-Clarke tomorrow", [("recipient", "Dr")], "Amelia Watson-Clarke"),
    ("transfer $25 to ms hope may", [("recipient", "hope")], "hope may"),
    ("transfer $25 to MS HOPE MAY", [("recipient", "HOPE")], "HOPE MAY"),
    ("transfer forty-five dollars to Smith, John next friday", [("recipient", "Smith"), ("recipient", "John")],
     "John Smith"),
    ("transfer forty-five dollars to Smith, John next friday", [("recipient", "John")], "John Smith"),
    ("send $15 to May, Hope", [("recipient", "May")], "Hope May"),
])
def test_a_name_in_a_request_is_whole(banking, text, learnt, recipient):
    result = _request(banking, text, *learnt)
    assert result.state.slots.get("recipient") == recipient


def test_a_name_with_a_title_in_another_currency_is_kept(banking):
    result = _request(banking, "I want to send 50 euros to Ms. Hope May", ("recipient", "Ms"))
    assert result.state.slots.get("recipient") == "Hope May" and "amount" not in result.state.slots


@pytest.mark.parametrize("text, learnt, recipient", [
    ("Mr. Tom Hanks", [("name", "Tom Hanks")], "Tom Hanks"),
    ("Mr. Tom Hanks", [], "Tom Hanks"),
    ("Dr. Amelia Watson-Clarke", [("name", "Amelia Watson-Clarke")], "Amelia Watson-Clarke"),
    ("to Ms. Hope May please", [("recipient", "Ms")], "Hope May"),
    ("Mrs. Carol Diaz", [("name", "Carol Diaz")], "Carol Diaz"),
    ("Mr. Robert O'Neil", [], "Robert O'Neil"),
    ("Mr. John A. Smith", [("name", "John A. Smith")], "John A. Smith"),
    ("ms hope may", [], "hope may"),
    ("prof ada lovelace", [], "ada lovelace"),
    ("Smith, John", [], "John Smith"),
    ("it's Smith, John", [], "John Smith"),
    ("May, Hope.", [], "Hope May"),
])
def test_a_name_at_the_recipient_question_is_whole(banking, text, learnt, recipient):
    result = _answer(banking, text, *learnt)
    assert result.state.slots.get("recipient") == recipient
    assert replies(result)[0].startswith(f"Send $50.00 to {recipient} on")


@pytest.mark.parametrize("text, learnt", [
    ("Name on it is Ms. Hope May", [("name", "Ms")]),
    ("Name on it is Ms. Hope May", []),
    ("Smith, John", []),
])
def test_a_cardholders_name_is_whole(banking, text, learnt):
    result = _answer(banking, text, *learnt, flow="activate my card", intent="activate_card", first="4821")
    assert result.state.slots.get("name") in ("Hope May", "John Smith")
    assert replies(result) == [f"Activate the card ending 4821 for {result.state.slots['name']}?"]


@pytest.mark.parametrize("text, learnt", [
    ("dr watson", [("name", "dr watson")]), ("Ms. May", []), ("Mr Smith", [("recipient", "Mr Smith")]),
    ("Dr. Watson-Clarke", []),
])
def test_a_title_and_one_word_still_asks_for_the_full_name(banking, text, learnt):
    result = _answer(banking, text, *learnt)
    assert replies(result) == [FULL_NAME] and "recipient" not in result.state.slots


def test_a_title_and_a_surname_in_passing_still_asks_for_the_full_name(banking):
    text = "send $50 to my landlord Mr Patel"
    result = _request(banking, text, ("recipient", "my landlord"), ("recipient", "Mr Patel"))
    assert "recipient" not in result.state.slots and FULL_NAME in replies(result)


@pytest.mark.parametrize("text, recipient", [
    ("John, Mary", "John"),   # two people: as before
    ("Yes, John", "John"),    # no surname "Yes"
    ("Sorry, John", "John"),
    ("Ms", "Ms"),             # a title alone: as before
])
def test_not_one_name(banking, text, recipient):
    assert _answer(banking, text).state.slots.get("recipient") == recipient


def test_a_list_of_two_transfers_is_not_one_name(banking):
    result = _request(banking, "send 50 to Smith, and 20 to John", ("recipient", "Smith"), ("recipient", "John"))
    # no "John Smith"; since session 47 "20 to John" is an amount with its payee, and the two are two transfers, Smith's
    # first
    assert result.state.slots.get("recipient") == "Smith" and "second_request" in [e.name for e in result.events]


@pytest.mark.parametrize("value, expected", [
    ("Ms. Hope May", "Hope May"), ("MR tom hanks", "tom hanks"), ("Sir Elton John", "Elton John"),
    ("Mr. John A. Smith", "John A. Smith"), ("Mr Smith", "Mr Smith"), ("Dr.", "Dr."), ("Mrs Lee", "Mrs Lee"),
    ("Missy Elliott", "Missy Elliott"), ("Drew Barrymore", "Drew Barrymore"), ("my mum", "my mum"),
])
def test_without_title(value, expected):
    assert without_title(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("Smith, John", "John Smith"), ("smith, john", "john smith"), ("O'Neil, Mary", "Mary O'Neil"),
    ("John, Mary", None), ("Smith, Jones", None), ("Smith, John, Mary", None), ("Smith, and John", None),
    ("Yes, John", None), ("Smith, John and Mary", None), ("Smith John", None),
])
def test_first_name_first(value, expected):
    assert first_name_first(value) == expected


@pytest.mark.parametrize("text, span, whole", [
    ("send $50 to Ms. Hope May", "Ms", "Ms. Hope May"),
    ("transfer $25 to ms hope may", "hope", "hope may"),
    ("send it to Mr Tom Hanks on Friday", "Mr", "Mr Tom Hanks"),
    ("send it to Mr. John A. Smith please", "Mr.", "Mr. John A. Smith"),
    ("send it to Ms. Hope May.", "Ms", "Ms. Hope May"),
])
def test_name_after_title(text, span, whole):
    start = text.index(span)
    assert text[start:name_after_title(text, start, start + len(span))] == whole


@pytest.mark.parametrize("text", ["send it to Ms Hope and 20 to Tom", "send $50 to Hope May"])
def test_no_title_no_longer_name(text):
    start = text.index("Hope")
    end = name_after_title(text, start, start + 4)
    assert end is None or text[start:end] == "Hope"


@pytest.mark.parametrize("text, parts", [
    ("Ms. Hope May", ["Ms. Hope May"]),
    ("Mr. John A. Smith", ["Mr. John A. Smith"]),
    ("I sent it. Thanks", ["I sent it", " Thanks"]),
    ("I'm on Plan B. Thanks", ["I'm on Plan B", " Thanks"]),
    ("ask the Dr. Thanks", ["ask the Dr", " Thanks"]),
    ("I asked the Dr. He said no", ["I asked the Dr. He said no"]),  # a title's dot: the name may go on
    ("Smith, John", ["Smith", " John"]),
])
def test_a_titles_dot_ends_no_clause(text, parts):
    assert [text[a:b] for a, b in clauses(text)] == parts
