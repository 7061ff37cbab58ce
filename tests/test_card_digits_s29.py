"""Card digits from a customer trial of banking_en (session 29): four-digit numbers that are no card's
("I live at 1234 Elm Street", "the number 1530 bus") were taken as the card to block; digits typed one by
one after a word ("the finish numbers is 4 8 2 1") were read as the model's "8 2 1"; and the digits said
two by two ("forty eight twenty one") were refused as no four digits."""
from __future__ import annotations

import datetime as dt

import pytest

from framework.masking import Masker
from framework.nlu.interface import Entity
from framework.slots import extract_entities, parse_value
from framework.slots.digit_words import digits_only, may_spell, spell_digits
from framework.slots.entities import unnamed_numbers
from tests.support.engine_turns import NOW, replies, start, turns
from tests.support.example_domains import banking  # noqa: F401 (fixtures)

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
TODAY = NOW.date()
ASK = "To block a lost or stolen card, I need its last four digits. What are they?"
ADDRESS = "hi I live at 1234 Elm Street and I think I dropped my debit card on the way home"
BUS = "I took the number 1530 bus home and I think I lost my card on it"


def cards(assistant, text: str) -> list[tuple[str, str]]:
    return [(e.value, e.text) for e in extract_entities(assistant, text, TODAY) if e.entity == "card_last4"]


def model(text: str, said: str) -> Entity:
    start = text.index(said)
    return Entity("card_last4", said, said, start, start + len(said), "model", 0.99)


# --- 1. a house number, a bus, a room, a year or a time is no card's four digits

@pytest.mark.parametrize("text", [
    ADDRESS, BUS, "1234 elm street", "I live at 1234 North Elm Road", "we're at 1234 Oak Ave.",
    "it fell out at 1234 Maple Drive", "dropped it outside 5520 Sunset Blvd",
    "took bus 1530 home", "I was on the 1530 train and lost my card", "my flight 2210 landed and my card was gone",
    "left it on platform 1234", "I'm in apt 1234", "it's in room 2210 of the hotel", "suite 1100",
    "I lost my card at 1530", "lost it around 0930", "I lost it 1130 pm", "lost it at 1530 hours",
    "lost my card at fifteen thirty", "the card I got in 2019", "I've had that card since 2020",
    "I got it in twenty nineteen", "the card from nineteen ninety nine",
])
def test_a_number_named_as_a_place_a_bus_or_a_time_is_no_card(banking, text):
    assert cards(banking, text) == []


@pytest.mark.parametrize("text, value", [
    ("I lost the card ending 4821 on the way home", "4821"), ("card 4821 by the way", "4821"),
    ("4821 right away please", "4821"), ("card 4821 stolen close it", "4821"), ("block 4821 and close it", "4821"),
    ("my card ending at 4821", "4821"), ("look at 4821 please", "4821"), ("the card ending 2359", "2359"),
    ("card ending in 2019", "2019"), ("the card ending twenty nineteen", "2019"), ("block 1530", "1530"),
    ("my card 4821 in 2019", "4821"), ("my card 4821, I live at 99 Oak Road", "4821"),
    ("it's the card ending 4821 on my way to Elm Street", "4821"),
])
def test_a_card_said_beside_such_words_is_still_found(banking, text, value):
    assert [v for v, _ in cards(banking, text)] == [value]


def test_the_model_s_house_number_is_dropped_too(banking):
    """The model tagged "1234" of the address as the card (both extractors took it in the trial)."""
    for text, said in ((ADDRESS, "1234"), (BUS, "1530"), ("I lost it at 1530", "1530")):
        assert unnamed_numbers(banking, text, [model(text, said)]) == ()
    kept = model("lost card ending 4821 on the way home", "4821")
    assert unnamed_numbers(banking, "lost card ending 4821 on the way home", [kept]) == (kept,)


def test_an_address_starts_the_lost_card_flow_without_a_card(banking):
    result = en(banking, start(), ADDRESS, "lost_card", 1.0)
    assert "card_last4" not in result.state.slots and replies(result)[-1] == ASK
    result = en(banking, start(), BUS, "lost_card", 1.0)
    assert "card_last4" not in result.state.slots and replies(result)[-1] == ASK


def test_a_count_or_an_amount_beside_such_words_is_untouched(banking):
    """The words after a number refuse only a pattern slot's digits: "2 train tickets" is a count."""
    from framework.slots.number_labels import named_otherwise
    from framework.compile.machine import Slot
    count = Slot("tickets", "integer", {"min": 1})
    text = "I need 2 train tickets at 1530"
    assert not named_otherwise(count, text, 7, "en", 8)
    assert not named_otherwise(count, text, text.index("1530"), "en", len(text))


# --- 2. digits typed one by one, after a word

@pytest.mark.parametrize("text, said, value", [
    ("I lost my card yesterday, the finish numbers is 4 8 2 1", "4 8 2 1", "4821"),
    ("no its 4 8 2 7", "4 8 2 7", "4827"), ("ends in 4-8-2-1", "4-8-2-1", "4821"),
])
def test_digits_typed_one_by_one_are_read_whole(banking, text, said, value):
    assert cards(banking, text) == [(value, said)]


def test_spaced_digits_win_over_the_model_s_part_of_them(banking):
    text = "I lost my card yesterday, the finish numbers is 4 8 2 1"
    result = en(banking, start(), text, "lost_card", 0.99, entities=[model(text, "8 2 1")])
    assert result.state.slots["card_last4"] == "4821"
    state = en(banking, start(), "I lost my card", "lost_card").state
    result = en(banking, state, "no its 4 8 2 7", "deny", entities=[model("no its 4 8 2 7", "8 2 7")])
    assert result.state.slots["card_last4"] == "4827"


@pytest.mark.parametrize("text", ["12 3 4", "1 2 2024", "version 1.2 3 4", "1, 2, 3, 4", "4 8", "48 2 1"])
def test_numbers_that_are_no_digits_one_by_one_stay_apart(text):
    assert spell_digits(text)[0] == text


# --- 3. digits said two by two as number words

@pytest.mark.parametrize("text", ["forty eight twenty one", "forty-eight twenty-one", "Forty Eight, Twenty One",
                                  "forty eight two one", "four eight twenty one", "fourty eight twenty one"])
def test_digits_said_two_by_two_are_the_digits(banking, text):
    assert digits_only(text) == "4821"
    assert parse_value(banking.slots["card_last4"], text, "en").value == "4821"
    assert cards(banking, f"my card ends in {text}") == [("4821", text)]


@pytest.mark.parametrize("text, digits", [
    ("nineteen eighty four", "1984"), ("twenty twenty one", "2021"), ("forty oh five", "4005"),
    ("ten twelve", "1012"), ("seventy seventy", "7070"),
])
def test_pairs_read_as_their_digits(text, digits):
    assert digits_only(text) == digits


@pytest.mark.parametrize("text", ["twenty one", "I am twenty one", "forty eight dollars", "seventeen", "twenty",
                                  "three point five", "a hundred and twenty five", "sıxty sıx"])
def test_a_quantity_alone_stays_words(text):
    assert spell_digits(text)[0] == text and spell_digits(text, join=True)[0] == text
    assert digits_only(text) is None


def test_the_answer_said_two_by_two_asks_to_block_that_card(banking):
    state = en(banking, start(), "I lost my card", "lost_card").state
    result = en(banking, state, "forty eight twenty one")
    assert result.state.slots["card_last4"] == "4821"
    assert "ending 4821" in replies(result)[-1]


def test_a_phone_number_said_two_by_two_is_masked():
    text = "call me on one three eight twelve thirty four fifty six seventy eight"
    assert may_spell("forty twenty") and may_spell("twelve fifteen")
    assert Masker().mask(text) == "call me on 138****5678"
    assert Masker().mask("I am twenty one") == "I am twenty one"


def test_reading_pairs_stays_linear():
    import time
    for text in ("twenty " * 30000, "forty-" * 30000, "4 " * 30000, "twenty" + " " * 80000 + "x"):
        began = time.perf_counter()
        spell_digits(text, join=True)
        assert time.perf_counter() - began < 1.0
