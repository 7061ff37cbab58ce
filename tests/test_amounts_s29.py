"""Amounts of session 29's customer trial of banking_en (slot `amount`, US dollars):

- "send 1.000 to Fatima" was offered as $1.00: a dot and three digits are thousands ("1.000", "2.500",
  "1.250.000"); "12.50", "1.5", "0.75", "$1.00" stay decimals, "1.000,50" is 1000.50;
- "two fifty", "one fifty", "three-fifty" were no amount (and the reply hinted at a currency): hundreds
  said as two numbers, in a money context; "twelve fifty" is 1250 (framework.slots.money, the choice and
  why), "twelve dollars fifty" stays 12.50, "seventy five fifty" stays unread;
- "a couple hundred" offered $100: no figure, the question again;
- "100 or 150, not sure" stored $150: two amounts joined by "or" are no one amount, like "五六十".
"""
from __future__ import annotations

import pytest

from framework.nlu.interface import Entity
from framework.slots.money import find_money, parse_money
from framework.slots.numerals import indefinite, ranges, scan
from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import banking  # noqa: F401 (fixtures)

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
ASK_AMOUNT = "How much would you like to send?"
US_DOLLARS = "Please tell me the amount in US dollars (the only currency I can send), for example $50 or fifty dollars."


def _money(text):
    return [(m.amount, m.currency) for m in find_money(text)]


def _learnt(text, said, entity="amount"):
    """The model's entity head tagging `said` inside `text`."""
    at = text.index(said)
    return (Entity(entity, said, said, at, at + len(said), "model", 0.97),)


def _asked(banking):
    state = en(banking, start(), "send money to Tom Lee", "transfer_money").state
    assert state.stack[-1].waiting_for == "slot:amount"
    return state


# 1. thousands written with dots

@pytest.mark.parametrize("text, amount", [
    ("send 1.000 to Fatima Khan", 1000), ("2.500", 2500), ("10.000", 10000), ("1.250.000", 1250000),
    ("$1.000", 1000), ("1.000 dollars", 1000), ("send 1.000.", 1000), ("1.250", 1250), ("1.999.000", 1999000),
    ("send 1.000,50 to Fatima", 1000.5), ("1.000,50", 1000.5),
])
def test_dots_between_thousands_are_thousands(text, amount):
    assert [a for a, _ in _money(text)] == [amount]


@pytest.mark.parametrize("text, amount", [
    ("12.50", 12.5), ("1.5", 1.5), ("0.75", 0.75), ("$1.00", 1), ("0.500", 0.5), ("$25.99", 25.99),
    ("1,000", 1000), ("1,000.50", 1000.5),
    # one group not ending in 0: a decimal, refused as finer than a cent (session 12), not $25,999
    ("25.999", 25.999), ("$25.999", 25.999),
])
def test_decimals_stay_decimals(text, amount):
    assert [a for a, _ in _money(text)] == [amount]


def test_euros_with_a_comma_stay_euros():
    assert _money("€1.000,50") == [(1000.5, "EUR")]
    assert _money("12,50 €") == [(12.5, "EUR")]
    assert parse_money("1.000,50", "USD").value() == {"amount": 1000.5, "currency": "USD"}


def test_one_thousand_with_a_dot_is_offered_as_a_thousand(banking):
    text = "send 1.000 to Fatima Khan"
    result = en(banking, start(), text, "transfer_money", entities=_learnt(text, "1"))  # the model's "1"
    assert result.state.slots["amount"] == {"amount": 1000, "currency": "USD"}
    assert "$1,000.00" in replies(result)[-1]


# 2. hundreds said as two numbers

@pytest.mark.parametrize("text, amount", [
    ("send two fifty to my mum", 250), ("two fifty", 250), ("one fifty", 150), ("three-fifty", 350),
    ("Two fifty.", 250), ("send my mum two fifty", 250), ("pay Tom Lee two fifty please", 250),
    ("send two fifty five to Tom", 255), ("nine ninety nine", 999), ("one twenty-five", 125),
    # "twelve fifty" of a transfer is $1,250 (the confirmation shows the figure), see framework.slots.money
    ("twelve fifty", 1250), ("transfer twelve fifty to savings", 1250),
])
def test_hundreds_said_as_two_numbers(text, amount):
    assert [a for a, _ in _money(text)] == [amount]


def test_hundreds_with_a_currency_word_keep_it():
    assert _money("two fifty dollars") == [(250, "USD")]
    assert _money("three-fifty bucks") == [(350, "USD")]
    assert _money("two fifty euros") == [(250, "EUR")]


@pytest.mark.parametrize("text, found", [
    ("twelve dollars fifty", [(12.5, "USD")]), ("send twelve dollars fifty to Bob", [(12.5, "USD")]),
    ("send it at two thirty", []), ("meet me at two fifty", []), ("two thirty pm", []),
    ("send 50 at two thirty", [(50, None)]), ("seventy five fifty", []), ("twenty two fifty", []),
    ("two fifty thousand", []), ("send fifty two", [(52, None)]), ("send one hundred fifty", [(150, None)]),
    ("send two hundred", [(200, None)]),
])
def test_what_is_no_hundreds_said_so_stays(text, found):
    assert _money(text) == found


def test_two_fifty_is_sent_as_250(banking):
    text = "send two fifty to my mum"
    result = en(banking, start(), text, "transfer_money", entities=_learnt(text, "two fifty"))
    assert result.state.slots["amount"] == {"amount": 250, "currency": "USD"}


@pytest.mark.parametrize("text, amount", [("two fifty", 250), ("three-fifty", 350), ("twelve fifty", 1250)])
def test_hundreds_said_so_answer_the_amount_question(banking, text, amount):
    result = en(banking, _asked(banking), text, entities=_learnt(text, text))
    assert result.state.slots["amount"] == {"amount": amount, "currency": "USD"}
    assert US_DOLLARS not in replies(result)


# "a couple hundred": no figure

@pytest.mark.parametrize("text", ["a couple hundred", "a couple of hundred", "a few thousand", "several hundred"])
def test_a_vague_scale_is_no_number(text):
    assert scan(text) == [] and find_money(text) == [] and indefinite(text)


@pytest.mark.parametrize("text", ["a hundred", "two hundred", "one thousand", "send money to Tom", "hundred"])
def test_a_scale_with_its_count_is_no_vague_amount(text):
    assert not indefinite(text)
    assert text == "send money to Tom" or scan(text)


def test_a_couple_hundred_is_asked_again_without_a_currency_hint(banking):
    text = "a couple hundred"
    result = en(banking, _asked(banking), text, entities=_learnt(text, "couple hundred"))
    assert "amount" not in result.state.slots
    # why it is asked again (session 36), and no word of dollars
    assert replies(result) == ["I need one exact total amount (for example 250).", ASK_AMOUNT]


# 3. "100 or 150"

@pytest.mark.parametrize("text", [
    "100 or 150, not sure", "150 or 100", "$100 or $150", "100 dollars or maybe 150", "between 100 and 150",
    "$100-$150", "一百或者一百五", "50到60",
])
def test_two_amounts_joined_by_or_are_a_range(text):
    assert ranges(text)


@pytest.mark.parametrize("text", ["100 or rather 150", "2 or 3 days", "100 and 50 cents", "send 100 to Tom or Jerry",
                                  "100", "3到5天"])
def test_what_is_no_range_stays(text):
    assert ranges(text) == []


def test_100_or_150_is_no_amount_and_asked_again(banking):
    result = en(banking, _asked(banking), "100 or 150")
    assert "amount" not in result.state.slots
    assert replies(result) == ["I need one exact total amount (for example 250).", ASK_AMOUNT]


def test_100_or_150_not_sure_stores_no_amount(banking):
    result = en(banking, _asked(banking), "100 or 150, not sure")
    assert "amount" not in result.state.slots
    assert not any("$150" in r or "$100" in r for r in replies(result))


def test_a_correction_with_or_rather_keeps_the_second(banking):
    result = en(banking, _asked(banking), "100 or rather 150")
    assert result.state.slots["amount"] == {"amount": 150, "currency": "USD"}


# Second trial round: "transfer half a grand to Mike" asked "Did you mean $1,000?" and sent $1,000: the model's
# "half" and "a grand" inside the amount the readers took whole ($500) are no amounts of their own
def test_a_learnt_part_of_an_amount_read_whole_is_none(banking):
    from framework.nlu.interface import Entity
    from framework.slots.mapping import overruled
    from tests.support.engine_turns import start, turns

    text = "transfer half a grand to Mike Lee"
    learnt = (Entity("amount", "half", "half", 9, 13, "model", 0.9), Entity("amount", "a grand", "a grand", 14, 21, "model", 0.9))
    result = turns(default_intent="inform", runner_up=("affirm",))(banking, start(), text, "transfer_money", 0.99,
                                                                 entities=learnt)
    assert result.state.slots["amount"] == {"amount": 500, "currency": "USD"}
    whole = Entity("amount", "500", "half a grand", 9, 21, "context", None)
    assert overruled(learnt[1], (whole, *learnt), text) and not overruled(whole, (whole, *learnt), text)
