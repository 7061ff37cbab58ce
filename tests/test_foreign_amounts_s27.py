"""Amounts in another currency than a money slot's (customer trial of banking_en, session 27):
"R500", "1000 rs", "1 lakh" were no amount, a card's four digits or one US dollar, and a bare
number the model read inside "500 rand" filled the USD amount as $500. An amount named in any
other currency is refused like GBP and EUR ("Please tell me the amount in US dollars ..."), and
no number of it fills a number, money or card-digits slot.
"""
from __future__ import annotations

import pytest

from framework.nlu.interface import Entity
from framework.slots import extract_entities
from framework.slots.money import find_money, parse_money
from tests.support.engine_turns import NOW, replies, start, turns
from tests.support.example_domains import banking  # noqa: F401 (fixtures)

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
US_DOLLARS = "Please tell me the amount in US dollars (the only currency I can send), for example $50 or fifty dollars."


def _money(text):
    return [(m.amount, m.currency, text[m.start:m.end]) for m in find_money(text)]


@pytest.mark.parametrize("text,found", [
    ("send R500 to Sipho Mabaso", [(500, "ZAR", "R500")]),
    ("R 1,500.50", [(1500.5, "ZAR", "R 1,500.50")]),
    ("send Rs500 now", [(500, "INR", "Rs500")]),
    ("send 1000 rs to Anil Kumar", [(1000, "INR", "1000 rs")]),
    ("1000rs", [(1000, "INR", "1000rs")]),
    ("200AUD", [(200, "AUD", "200AUD")]),
    ("AU$200", [(200, "AUD", "AU$200")]),
    ("200 aussie bucks", [(200, "AUD", "200 aussie bucks")]),
    ("send 1 lakh to Suresh Iyer", [(100000, "INR", "1 lakh")]),
    ("1.5 lakh rupees", [(150000, "INR", "1.5 lakh rupees")]),
    ("one lakh", [(100000, "INR", "one lakh")]),
    ("a lakh", [(100000, "INR", "a lakh")]),
    ("send 1 crore", [(10000000, "INR", "1 crore")]),
    ("2 lakh 50 thousand", [(250000, "INR", "2 lakh 50 thousand")]),
    ("1 crore 20 lakh", [(12000000, "INR", "1 crore 20 lakh")]),
    ("1,00,000 rupees", [(100000, "INR", "1,00,000 rupees")]),
])
def test_foreign_amounts_are_read_with_their_currency(text, found):
    assert _money(text) == found
    # and the ones already read stay as they were
    assert _money("send 500 to Bob") == [(500, None, "500")]
    assert _money("$500") == [(500, "USD", "$500")]
    assert _money("500 dollars") == [(500, "USD", "500 dollars")]
    assert _money("3500元") == [(3500, "CNY", "3500元")]
    assert _money("三块五") == [(3.5, "CNY", "三块五")]


@pytest.mark.parametrize("text,currency", [("r500", "ZAR"), ("1 lakh", "INR"), ("1000 rs", "INR"),
                                           ("rs500", "INR")])
def test_a_whole_answer_in_another_currency_is_not_dollars(text, currency):
    assert parse_money(text, "USD").currency == currency
    assert parse_money("500", "USD").currency == "USD"


@pytest.mark.parametrize("text", ["send 1000 rs to Anil Kumar", "send R 1500 to Sipho Mabaso"])
def test_a_foreign_amounts_digits_are_no_card(banking, text):
    found = {e.entity: e.value for e in extract_entities(banking, text, today=NOW.date())}
    assert "card_last4" not in found and found["amount"].split()[1] in ("INR", "ZAR")


@pytest.mark.parametrize("text", ["send R500 to Sipho Mabaso", "send 1000 rs to Anil Kumar",
                                  "send 1 lakh to Suresh Iyer", "send 2 crore to Suresh Iyer",
                                  "send Rs500 to Anil Kumar", "send 200AUD to Bob"])
def test_a_transfer_in_another_currency_is_refused(banking, text):
    result = en(banking, start(), text, "transfer_money")
    assert replies(result) == [US_DOLLARS]
    assert result.state.slots.get("amount") is None and result.state.slots.get("card_last4") is None


def _learnt(text, said, entity="amount"):
    """The model's entity head tagging `said` inside `text`."""
    at = text.index(said)
    return (Entity(entity, said, said, at, at + len(said), "model", 0.97),)


@pytest.mark.parametrize("text,said", [("500 rand", "500"), ("R500", "500"), ("2 lakh 50 thousand", "50 thousand"),
                                       ("1 lakh", "1"), ("1000 rs", "1000"), ("200 AUD", "200")])
def test_the_models_number_inside_a_foreign_amount_is_no_dollars(banking, text, said):
    """"R500", then "500 rand" at the amount question: '500 ZAR' refused, and the model's bare '500'
    filled the slot as $500."""
    asked = en(banking, start(), "send money to Sipho Mabaso", "transfer_money").state
    assert asked.stack[-1].waiting_for == "slot:amount"
    result = en(banking, asked, text, entities=_learnt(text, said))
    assert replies(result) == [US_DOLLARS] and result.state.slots.get("amount") is None
    # a dollar amount after it is taken as before
    assert en(banking, result.state, "$300").state.slots["amount"] == {"amount": 300, "currency": "USD"}


def test_r500_tagged_as_card_digits_is_refused_as_rand(banking):
    text = "send R500 to Sipho Mabaso"
    result = en(banking, start(), text, "transfer_money", entities=_learnt(text, "R500", "card_last4"))
    assert replies(result) == [US_DOLLARS]
    assert result.state.slots.get("card_last4") is None and result.state.slots.get("amount") is None

