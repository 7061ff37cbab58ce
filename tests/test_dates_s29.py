"""Days the customer named that the transfer did not read (customer trial, session 29): "send 50 to Grace Hall
next week" then "yes" sent the money today (the date step's `default: today` filled the date), and so did "pls
wire 75 dollers to kofi on teh 12th", "in a fortnight", "monday week" and "on 24.12.". Pure parser cases against
the tests' fixed today (engine_turns.NOW, Wednesday 2 December 2026; the trial's Saturday 5 December for the
weekday ones), the times that name no single day (framework.slots.dates.vague_time), the ones that must stay
as they were, and the transfer itself (framework.engine.steps._take_default)."""
from __future__ import annotations

import datetime as dt

import pytest

from framework.slots.dates import find_dates, parse_date, vague_time
from tests.support.engine_turns import NOW, replies, start, turns
from tests.support.example_domains import banking  # noqa: F401 (fixtures)

TODAY = NOW.date()  # Wednesday 2 December 2026
SATURDAY = dt.date(2026, 12, 5)  # the trial's day
en = turns(default_intent="inform", runner_up=("affirm", "deny"))
ASK_DATE = "When should I send it? Today, or a day within the next 30 days."


@pytest.mark.parametrize("text, today, iso", [
    # a fortnight: fourteen days
    ("in a fortnight", TODAY, "2026-12-16"), ("a fortnight from now", TODAY, "2026-12-16"),
    ("in two weeks", TODAY, "2026-12-16"), ("in a fortnight", SATURDAY, "2026-12-19"),
    # "monday week": the Monday after the coming one (said on Saturday 5 December: Monday 14 December)
    ("monday week", SATURDAY, "2026-12-14"), ("tuesday week", SATURDAY, "2026-12-15"),
    ("on monday week", SATURDAY, "2026-12-14"), ("saturday week", SATURDAY, "2026-12-12"),
    ("monday week", TODAY, "2026-12-14"), ("friday week", TODAY, "2026-12-11"),
    # the day of next week ("friday next week" said on a Wednesday was this week's Friday)
    ("friday next week", TODAY, "2026-12-11"), ("friday of next week", TODAY, "2026-12-11"),
    ("next week on friday", TODAY, "2026-12-11"), ("monday next week", SATURDAY, "2026-12-07"),
    # "teh" as typed
    ("teh 12th", TODAY, "2026-12-12"), ("on teh 12th", TODAY, "2026-12-12"), ("on teh twenty fourth", TODAY, "2026-12-24"),
    # day.month with no year, after on / by / until / before
    ("on 24.12.", TODAY, "2026-12-24"), ("on 24.12", TODAY, "2026-12-24"), ("by 31.12.", TODAY, "2026-12-31"),
    ("until 5.1.", TODAY, "2027-01-05"),
    # kept
    ("24.12.2026", TODAY, "2026-12-24"), ("the 12th", TODAY, "2026-12-12"), ("next Friday", TODAY, "2026-12-04"),
    ("monday", SATURDAY, "2026-12-07"), ("in 3 days", TODAY, "2026-12-05"),
])
def test_days_the_parser_reads(text, today, iso):
    assert parse_date(text, today) == iso


@pytest.mark.parametrize("text, span, iso", [
    ("pls wire 75 dollers to kofi on teh 12th", "on teh 12th", "2026-12-12"),
    ("send 20 to Ann Lee on 24.12.", "on 24.12.", "2026-12-24"),
    ("send 20 to Ann Lee on 24.12, thanks", "on 24.12", "2026-12-24"),
    ("send 50 to Grace Hall in a fortnight", "in a fortnight", "2026-12-16"),
    ("send 50 to Grace Hall monday week please", "monday week", "2026-12-14"),
])
def test_days_inside_a_message(text, span, iso):
    assert [(text[s:e], value) for s, e, value in find_dates(text, TODAY)] == [(span, iso)]


# Numbers that stay amounts, and words that stay no dates
@pytest.mark.parametrize("text", [
    "send 24.12 to Bob", "24.12", "by 24.12 dollars", "on 24.12 usd", "send 20 by 10.50", "on 24.12,50",
    "monday weekly", "the first week", "a fortnight ago is when I paid",
])
def test_no_new_dates(text):
    assert [d for _, _, d in find_dates(text, TODAY) if d not in ("2026-12-07", "2026-11-18")] == []


@pytest.mark.parametrize("text, said", [
    ("send 50 to Grace Hall next week", "next week"), ("sometime next week", "sometime"), ("later", "later"),
    ("later this week", "later"), ("this weekend", "this weekend"), ("on payday", "on payday"),
    ("on her birthday", "on her birthday"), ("send it on mum's birthday", "on mum's birthday"),
    ("end of next week", "next week"), ("in a few days", "a few days"), ("in a couple of days", "a couple of days"),
    ("soon", "soon"), ("next month", "next month"), ("at the end of the week", "end of the week"),
])
def test_times_that_name_no_single_day(text, said):
    assert vague_time(text, "en", TODAY) == said


@pytest.mark.parametrize("text, said", [
    ("下周转给他", "下周"), ("下个月", "下个月"), ("过几天再转", "过几天"), ("改天吧", "改天"), ("月初", "月初"),
    ("发工资那天", "发工资那天"), ("这周", "这周"),
])
def test_chinese_times_that_name_no_single_day(text, said):
    assert vague_time(text, "zh-CN", TODAY) == said


@pytest.mark.parametrize("text, language", [
    # now: today
    ("asap", "en"), ("as soon as possible", "en"), ("right away", "en"), ("send it now", "en"), ("马上转", "zh"),
    # a day the parser reads, the vague words inside it
    ("the 1st of next month", "en"), ("end of next month", "en"), ("friday next week", "en"), ("monday week", "en"),
    ("two days later", "en"), ("下周五", "zh"), ("下周末", "zh"), ("下个月5号", "zh"), ("下个月底", "zh"),
    # a month or week that is no time of sending, a question, a purpose
    ("send 50 to Ann for next month's rent", "en"), ("send 50 to Ann for next months rent", "en"), ("it's for this week's groceries", "en"),
    ("how soon will it arrive", "en"), ("as soon as you can", "en"), ("no later than friday", "en"),
    ("later today", "en"), ("it's for her birthday", "en"), ("send 50 to Grace Hall", "en"), ("", "en"),
])
def test_no_vague_time(text, language):
    assert vague_time(text, language, TODAY) is None


def test_a_transfer_next_week_asks_the_day(banking):
    result = en(banking, start(), "send 50 next week to Grace Hall", "transfer_money", 0.99)
    assert "date" not in result.state.slots and result.state.frame.waiting_for == "slot:date"
    assert replies(result) == [ASK_DATE]
    assert "default_not_taken" in [e.name for e in result.events]
    result = en(banking, result.state, "friday next week")
    assert result.state.slots["date"] == "2026-12-11"


@pytest.mark.parametrize("text", ["send 50 to Grace Hall on payday", "send 50 to Grace Hall this weekend",
                                  "send 50 to Grace Hall later", "send 50 to Grace Hall in a few days"])
def test_a_transfer_on_a_vague_day_asks_the_day(banking, text):
    result = en(banking, start(), text, "transfer_money", 0.99)
    assert "date" not in result.state.slots and replies(result) == [ASK_DATE]


@pytest.mark.parametrize("text", ["send 50 to Grace Hall", "send 50 to Grace Hall asap",
                                  "send 50 to Grace Hall for next month's rent", "send 50 to Grace Hall right now"])
def test_a_transfer_with_no_day_is_still_today(banking, text):
    result = en(banking, start(), text, "transfer_money", 0.99)
    assert result.state.slots["date"] == "2026-12-02" and ASK_DATE not in replies(result)


@pytest.mark.parametrize("text, iso", [
    ("pls wire 75 dollers to Kofi Mensah on teh 12th", "2026-12-12"),
    ("send 20 to Ann Lee on 24.12.", "2026-12-24"),
    ("send 20 on monday week to Ann Lee", "2026-12-14"),
    ("send 20 in a fortnight to Ann Lee", "2026-12-16"),
])
def test_a_transfer_on_a_day_now_read(banking, text, iso):
    result = en(banking, start(), text, "transfer_money", 0.99)
    assert result.state.slots["date"] == iso


def test_24_12_after_on_is_no_second_amount(banking):
    result = en(banking, start(), "send 20 to Ann Lee on 24.12.", "transfer_money", 0.99)
    assert result.state.slots["amount"] == {"amount": 20, "currency": "USD"}
    assert result.state.frame.waiting_for == "confirm"
    # and with no "on" it stays the amount
    result = en(banking, start(), "send 24.12 to Ann Lee", "transfer_money", 0.99)
    assert result.state.slots["amount"] == {"amount": 24.12, "currency": "USD"}
