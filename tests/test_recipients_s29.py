"""A transfer's recipient, from a customer trial of session 29 (banking_en), replayed as pure
engine turns (tests.support.engine_turns: a hand-written intent ranking, the rule-based and template
extractors on the text, the entity head's spans given by hand) and pure functions:

- words after a name were kept in it: "send 10 to Ali asap" sent money to "Ali asap" ("immediately",
  "urgent", "thx", "ty", "right away", "nxt tuesday" alike): framework.slots.context._POLITE_RE;
- "yes send it to Kenji not Yuki" and "make it Kenji not Yuki" at "Send $60.00 to Yuki …?" changed the
  recipient to "yes send it to Kenji": framework.engine.slot_filling._INSTEAD;
- "split 100 between Tom and Jerry" sent $100 to Jerry alone: two people joined by "and" are two
  values of the one recipient, and neither is taken (framework.slots.person_names.joined_people).
"""
from __future__ import annotations

import pytest

from framework.nlu.interface import Entity
from framework.slots.context import tidy_span
from framework.slots.person_names import joined_people, name_after_title
from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import banking  # noqa: F401 (fixture)

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
WHICH = "You gave more than one recipient ({}), and I can take one at a time. Which one should I use?"


def _tagged(text: str, *said: str, entity: str = "recipient") -> tuple[Entity, ...]:
    """The entity head's spans of `said` in `text` (the model's value is its span)."""
    return tuple(Entity(entity, s, s, text.index(s), text.index(s) + len(s), "model", 0.9) for s in said)


# ---------------------------------------------------------------- words after a name

@pytest.mark.parametrize("said", [
    "Ali asap", "Ali immediately", "Ali urgent", "Ali urgently", "Ali thx", "Ali ty", "Ali pls",
    "Ali right away", "Ali straight away", "Ali nxt tuesday", "Ali nxt", "Ali tmrw", "Ali Tuesday",
    "Ali on fri", "Ali next week", "Ali asap thx", "Ali cheers", "Tom and", "Ali now please",
])
def test_words_after_a_name_are_no_part_of_it(banking, said):
    assert tidy_span(banking, banking.slots["recipient"], said) == ("Ali" if said.startswith("Ali") else "Tom")


@pytest.mark.parametrize("said", [
    "Ali Ty", "Wei Sun", "Nguyen Thi Thu", "Hope May", "Ali Nowak", "Andy Anderson", "Tuesday", "Now",
    "Li Monday-Smith", "Tom & Jerry",
])
def test_names_that_end_in_such_words_stay(banking, said):
    assert tidy_span(banking, banking.slots["recipient"], said) == said


@pytest.mark.parametrize("words", ["asap", "immediately", "urgent", "urgently", "thx", "ty", "right away",
                                   "straight away", "pls", "tmrw"])
def test_a_transfer_to_a_name_said_with_words_after_it(banking, words):
    text = f"send 10 to Ali {words}"
    result = en(banking, start(), text, "transfer_money", entities=_tagged(text, f"Ali {words}"))
    assert result.state.slots["recipient"] == "Ali"
    assert replies(result)[-1].startswith("Send $10.00 to Ali on ")


def test_a_name_and_a_date_after_it(banking):
    text = "send 10 to Ali nxt tuesday"
    result = en(banking, start(), text, "transfer_money", entities=_tagged(text, "Ali nxt"))
    assert result.state.slots["recipient"] == "Ali"


def test_a_name_after_a_title_ends_before_how_soon():
    text = "send 10 to Ms Hope May immediately"
    at = text.index("Ms")
    assert text[at:name_after_title(text, at, at + 2)] == "Ms Hope May"


def test_the_answer_to_the_recipient_question(banking):
    state = en(banking, start(), "send 10 dollars", "transfer_money").state
    assert state.stack[-1].waiting_for == "slot:recipient"
    result = en(banking, state, "Ali asap")
    assert result.state.slots["recipient"] == "Ali"


# ---------------------------------------------------------------- a new recipient at the confirmation

def _yuki(banking):
    state = en(banking, start(), "send 60 dollars to Yuki", "transfer_money",
               entities=_tagged("send 60 dollars to Yuki", "Yuki")).state
    assert state.stack[-1].waiting_for == "confirm" and state.slots["recipient"] == "Yuki"
    return state


@pytest.mark.parametrize("text, who", [
    ("yes send it to Kenji not Yuki", "Kenji"), ("make it Kenji not Yuki", "Kenji"),
    ("change it to Kenji not Yuki", "Kenji"), ("yes, Kenji not Yuki", "Kenji"),
    ("ok make that Kenji instead of Yuki", "Kenji"), ("to Kenji Sato not Yuki", "Kenji Sato"),
    ("sorry i meant Kenji not Yuki", "Kenji"),
])
def test_a_new_recipient_named_instead_of_the_one_held(banking, text, who):
    result = en(banking, _yuki(banking), text, "deny", 0.9)
    assert result.state.slots["recipient"] == who
    assert replies(result)[-1] == f"Send $60.00 to {who} on Wednesday 2 December?"


def test_an_amount_named_instead_still_changes_the_amount(banking):
    result = en(banking, _yuki(banking), "make it 50 not 60", "deny", 0.9)
    assert result.state.slots["amount"]["amount"] == 50 and result.state.slots["recipient"] == "Yuki"


def test_yes_alone_still_sends(banking):
    result = en(banking, _yuki(banking), "yes", "affirm")
    assert "confirmed" in [e.name for e in result.events]


# ---------------------------------------------------------------- two recipients

@pytest.mark.parametrize("text, spans, names", [
    ("split 100 between Tom and Jerry", [(18, 21, "Tom"), (26, 31, "Jerry")], ["Tom", "Jerry"]),
    ("send 50 each to Tom and Jerry", [(16, 23, "Tom"), (24, 29, "Jerry")], ["Tom", "Jerry"]),
    ("send 100 to Tom & Jerry", [(12, 23, "Tom & Jerry")], ["Tom", "Jerry"]),
    ("send 100 to Tom and Jerry", [(12, 15, "Tom")], ["Tom", "Jerry"]),
    ("split 100 between Tom and Jerry", [(26, 31, "Jerry")], ["Tom", "Jerry"]),
    ("send 100 to Tom Hanks and Jerry Lewis", [(12, 21, "Tom Hanks"), (26, 37, "Jerry Lewis")],
     ["Tom Hanks", "Jerry Lewis"]),
    ("send 100 to Tom, Dick and Harry", [(12, 15, "Tom"), (17, 21, "Dick"), (26, 31, "Harry")],
     ["Tom", "Dick", "Harry"]),
    ("Send Tom and Jerry 100", [(13, 18, "Jerry")], ["Tom", "Jerry"]),
])
def test_people_joined_by_and(text, spans, names):
    assert joined_people(text, spans) == names


@pytest.mark.parametrize("text, spans", [
    ("send 100 to Tom", [(12, 15, "Tom")]),
    ("send 100 to Jane Doe", [(12, 20, "Jane Doe")]),
    ("send 100 to Tom and I will pay later", [(12, 15, "Tom")]),
    ("send 100 to Tom and Thanks", [(12, 15, "Tom")]),
    ("send 100 to Anna and her husband", [(12, 16, "Anna")]),
    ("send 100 to Tom and Tom", [(12, 15, "Tom"), (20, 23, "Tom")]),
    ("send 100 to Tom tomorrow or Jerry", [(12, 15, "Tom"), (28, 33, "Jerry")]),  # no joiner next to both
    ("send 100 to Smith, John", [(12, 23, "John Smith")]),
    ("send 100 to Andy Anderson", [(12, 25, "Andy Anderson")]),
])
def test_one_person_is_no_list(text, spans):
    assert joined_people(text, spans) == []


@pytest.mark.parametrize("text, said, shown", [
    ("split 100 between Tom and Jerry", ("Tom", "Jerry"), "Tom, Jerry"),
    ("send 100 to Tom and Jerry", ("Tom and", "Jerry"), "Tom, Jerry"),
    ("send 100 to Tom & Jerry", ("Tom & Jerry",), "Tom, Jerry"),
    ("send 100 to Tom Hanks and Jerry Lewis", ("Tom Hanks", "Jerry Lewis"), "Tom Hanks, Jerry Lewis"),
])
def test_two_recipients_are_neither_taken(banking, text, said, shown):
    tags = _tagged(text, *said) + _tagged(text, "100", entity="amount")  # "split 100": no amount without the tag
    result = en(banking, start(), text, "transfer_money", entities=tags)
    assert "recipient" not in result.state.slots and result.state.slots["amount"]["amount"] == 100
    assert "values_ambiguous" in [e.name for e in result.events]
    assert replies(result) == [WHICH.format(shown)]
    result = en(banking, result.state, "Tom")
    assert result.state.slots["recipient"] == "Tom"
    assert replies(result)[-1] == "Send $100.00 to Tom on Wednesday 2 December?"


def test_two_transfers_said_at_once_stay_two(banking):
    text = "send 50 dollars to Tom and 30 dollars to Jerry"
    result = en(banking, start(), text, "transfer_money", entities=_tagged(text, "Tom", "Jerry"))
    assert result.state.slots["recipient"] == "Tom" and result.state.slots["amount"]["amount"] == 50
    assert "values_ambiguous" not in [e.name for e in result.events]


@pytest.mark.parametrize("text, said, who", [
    ("send 100 to Anna and her husband", "Anna", "Anna"),
    ("send 100 to Tom and thanks", "Tom", "Tom"),
    ("send 100 to Chidi Eze", "Chidi Eze", "Chidi Eze"),
])
def test_one_recipient_stays(banking, text, said, who):
    result = en(banking, start(), text, "transfer_money", entities=_tagged(text, said))
    assert result.state.slots["recipient"] == who
