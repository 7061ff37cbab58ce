"""Days of a month said in ordinal words after the month or after "the" (customer trial, session 28):
"send forty dollars on december twenty-fourth to Jo Ann Smith" and "send $40 to Jo Smith on the twenty
fourth" sent the money today, and "on december twenty-fourth" at the confirmation was no correction.
Pure parser cases against the tests' fixed today (engine_turns.NOW, Wednesday 2 December 2026), the
ordinal words that are no dates, and the transfer itself."""
from __future__ import annotations

import pytest

from framework.slots.dates import find_dates, no_such_day, parse_date
from tests.support.engine_turns import NOW, replies, start, turns
from tests.support.example_domains import banking  # noqa: F401 (fixtures)

TODAY = NOW.date()
en = turns(default_intent="inform", runner_up=("affirm", "deny"))


# The whole text as a date (what a learnt date entity's text goes through)
@pytest.mark.parametrize("text, iso", [
    # <month> <ordinal words>: the nearest such day (January's are next year's, said in December)
    ("december twenty-fourth", "2026-12-24"), ("December twenty fourth", "2026-12-24"),
    ("Dec twenty fourth", "2026-12-24"), ("dec. twenty-fourth", "2026-12-24"), ("january first", "2027-01-01"),
    ("march the third", "2027-03-03"), ("december the thirty-first", "2026-12-31"), ("Jan thirtieth", "2027-01-30"),
    ("december twentieth", "2026-12-20"), ("november thirtieth", "2026-11-30"), ("march first", "2027-03-01"),
    ("Dec twenty fourth, 2027", "2027-12-24"), ("Friday, December twenty-fourth", "2026-12-24"),
    # the <ordinal words>: this month's day, or next month's when it has passed (as "the 20th")
    ("the twenty fourth", "2026-12-24"), ("on the twenty-fourth", "2026-12-24"), ("on the third", "2026-12-03"),
    ("the second", "2026-12-02"), ("the first", "2027-01-01"), ("on the thirty first", "2026-12-31"),
    ("the eleventh", "2026-12-11"), ("the first of next month", "2027-01-01"), ("on the third at 3pm", "2026-12-03"),
    ("Friday the eighteenth", "2026-12-18"),
    # kept: ordinal words before "of <month>", digits after a month, "the 20th"
    ("first of jan", "2027-01-01"), ("twenty first of december", "2026-12-21"), ("twenty-first of Dec", "2026-12-21"),
    ("dec 24th", "2026-12-24"), ("December 24", "2026-12-24"), ("the 20th", "2026-12-20"), ("on the 1st", "2027-01-01"),
])
def test_a_day_in_ordinal_words_is_a_date(text, iso):
    assert parse_date(text, TODAY) == iso


# Inside a longer message: the span found and its date
@pytest.mark.parametrize("text, span, iso", [
    ("I would like to send forty dollars on december twenty-fourth to Jo Ann Smith", "december twenty-fourth",
     "2026-12-24"),
    ("send $40 to Jo Smith on the twenty fourth", "on the twenty fourth", "2026-12-24"),
    ("send $40 to Jo on the fifth please", "on the fifth", "2026-12-05"),
    ("pay Ann on march first", "march first", "2027-03-01"),
    ("on december twenty-fourth works for me", "december twenty-fourth", "2026-12-24"),
    ("send 40 on the first of january to Jo", "first of january", "2027-01-01"),
])
def test_a_day_in_ordinal_words_inside_a_message(text, span, iso):
    assert [(text[s:e], value) for s, e, value in find_dates(text, TODAY)] == [(span, iso)]


# An ordinal word is a date only after a month or "the", and only where a date may end
@pytest.mark.parametrize("text", [
    "the first one", "the second card", "first of all", "my third transfer", "for the first time",
    "the second to last", "the first time I paid", "First, send 40 to Jo", "send it to my second account",
    "I may second that", "we march first thing", "we march first to the bank", "June first asked me",
    "the third one please", "pay the fourth bill",
])
def test_ordinal_words_that_are_no_dates(text):
    assert find_dates(text, TODAY) == []


def test_a_day_in_words_that_does_not_exist_is_said_as_one():
    assert parse_date("february thirtieth", TODAY) is None and no_such_day("february thirtieth", TODAY)
    assert no_such_day("the thirty first of february", TODAY)


def test_a_transfer_on_a_day_said_in_words(banking):
    result = en(banking, start(), "send $40 to Jo Smith on december twenty-fourth", "transfer_money", 0.99)
    assert result.state.slots["date"] == "2026-12-24"
    assert result.state.frame.waiting_for == "confirm"
    # and said as a correction at the confirmation
    result = en(banking, en(banking, start(), "send $40 to Jo Smith", "transfer_money", 0.99).state,
                "on december twenty-fourth", "deny", 0.9)
    assert result.state.slots["date"] == "2026-12-24"
    assert replies(result)[0] == "Okay, I've changed the date to Thursday 24 December."
