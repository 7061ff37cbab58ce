"""Dates and times, absolute and relative to an injected today; date bounds relative to
today declared in YAML (`max: today`, `min: -30d`) with their own response; money slots."""
import datetime as dt
import os
from pathlib import Path

import pytest

from framework.compile.machine import Slot, frozen_map
from framework.slots import bounds, parse_value
from framework.slots.dates import find_dates, parse_date, parse_datetime
from framework.spec import SpecErrors, load_assistant

NOW = dt.datetime(2026, 12, 2, 10, 0)  # a Wednesday
TODAY = NOW.date()


def slot(name, type, **options):
    return Slot(name=name, type=type, options=frozen_map(options))


@pytest.mark.parametrize("text,value", [
    ("昨天", "2026-12-01"), ("前天", "2026-11-30"), ("大前天", "2026-11-29"), ("今天", "2026-12-02"),
    ("上周五", "2026-11-27"), ("周五", "2026-12-04"), ("这周五", "2026-12-04"), ("下周三", "2026-12-09"),
    ("星期天", "2026-12-06"), ("礼拜一", "2026-11-30"), ("上上周一", "2026-11-16"),
    ("11月20日", "2026-11-20"), ("十一月二十号", "2026-11-20"), ("2024年5月1日", "2024-05-01"),
    ("去年3月1日", "2025-03-01"), ("下个月5号", "2027-01-05"), ("5号", "2026-12-05"),
    ("三天后", "2026-12-05"), ("两天前", "2026-11-30"), ("一周前", "2026-11-25"),
    ("today", "2026-12-02"), ("yesterday", "2026-12-01"), ("the day after tomorrow", "2026-12-04"),
    # as typed in a chat ("tmrw" at a transfer's confirmation: customer trial, session 21)
    ("tmrw", "2026-12-03"), ("tmr", "2026-12-03"), ("2moro", "2026-12-03"), ("yday", "2026-12-01"),
    ("two days ago", "2026-11-30"), ("in 3 days", "2026-12-05"), ("a week ago", "2026-11-25"),
    ("2 weeks from now", "2026-12-16"), ("next Friday", "2026-12-04"), ("last Friday", "2026-11-27"),
    ("Friday", "2026-12-04"), ("this Wednesday", "2026-12-02"), ("next Wednesday", "2026-12-09"),
    ("May 1", "2027-05-01"), ("1 May 2024", "2024-05-01"), ("Nov 20th, 2025", "2025-11-20"),
    ("2024-05-01", "2024-05-01"), ("2024/5/1", "2024-05-01"), ("２０２４-０５-０１", "2024-05-01"),
    ("明天下午三点", "2026-12-03"), ("next Friday 3pm", "2026-12-04"), ("周末", "2026-12-05"),
    ("下周末", "2026-12-12"), ("明早8点", "2026-12-03"),
])
def test_dates(text, value):
    assert parse_date(text, TODAY) == value


@pytest.mark.parametrize("text,value", [
    # customer trial, session 13: "transfer 20 dollars to Tom on the 5th" got "I didn't get the date"
    ("the 5th", "2026-12-05"), ("on the 5th", "2026-12-05"), ("5th", "2026-12-05"), ("the 2nd", "2026-12-02"),
    ("the 1st", "2027-01-01"), ("the 1st of next month", "2027-01-01"), ("the 20th of this month", "2026-12-20"),
    ("on the 5th at 3pm", "2026-12-05"), ("the 32nd", None),
    # a month and day without a year: the nearest such date (said in December, January is next year's)
    ("January 5", "2027-01-05"), ("1月5日", "2027-01-05"), ("1/5", "2027-01-05"), ("5 Jan", "2027-01-05"),
    ("November 20", "2026-11-20"), ("July 1", "2026-07-01"),
])
def test_a_day_of_the_month_and_a_month_day_without_a_year(text, value):
    """The May 1 of the list above is next year's for the same reason (215 days ago, 150 ahead)."""
    assert parse_date(text, TODAY) == value


@pytest.mark.parametrize("text", ["send it to the 2nd card", "for the 3rd time, send 20", "I live on the 5th floor",
                                  "the 2nd one"])
def test_an_ordinal_that_is_no_day_is_no_date(text):
    assert find_dates(text, TODAY) == []


@pytest.mark.parametrize("text,value", [
    ("明天下午三点", dt.datetime(2026, 12, 3, 15, 0)),
    ("next Friday 3pm", dt.datetime(2026, 12, 4, 15, 0)),
    ("next Friday at 3:30 pm", dt.datetime(2026, 12, 4, 15, 30)),
    ("tomorrow at 10am", dt.datetime(2026, 12, 3, 10, 0)),
    ("礼拜一上午10点", dt.datetime(2026, 11, 30, 10, 0)),
    ("今晚8点半", dt.datetime(2026, 12, 2, 20, 30)),
    ("后天中午12点", dt.datetime(2026, 12, 4, 12, 0)),
    ("凌晨两点一刻", dt.datetime(2026, 12, 2, 2, 15)),
    ("15:30", dt.datetime(2026, 12, 2, 15, 30)),
    ("12am", dt.datetime(2026, 12, 2, 0, 0)),
    ("noon", dt.datetime(2026, 12, 2, 12, 0)),
    ("明天", dt.date(2026, 12, 3)),
])
def test_dates_and_times(text, value):
    assert parse_datetime(text, NOW) == value


@pytest.mark.parametrize("text", ["2月30日", "13月1日", "someday", "3pm", "下午三点", "13pm", "25:00", "第5号",
                                  "I have 12days left", "utmrw", "yesterdays"])
def test_not_dates(text):
    assert parse_date(text, TODAY) is None


def test_dates_in_sentences_keep_their_spans():
    text = "我想查一下上周五的账单，还有11月20日那笔"
    found = find_dates(text, TODAY)
    assert [(text[s:e], v) for s, e, v in found] == [("上周五", "2026-11-27"), ("11月20日", "2026-11-20")]
    text = "send 50 dollars to John tomorrow"
    assert [(text[s:e], v) for s, e, v in find_dates(text, TODAY)] == [("tomorrow", "2026-12-03")]
    assert find_dates("我住3号楼，坐1号线", TODAY) == []  # a building and a metro line


def test_relative_dates_follow_the_injected_today_not_the_clock():
    assert parse_date("昨天", dt.date(2000, 3, 1)) == "2000-02-29"
    assert parse_date("上周五", dt.date(2000, 3, 1)) == "2000-02-25"


@pytest.mark.parametrize("bound,value", [
    ("today", "2026-12-02"), ("-30d", "2026-11-02"), ("+2w", "2026-12-16"), ("1y", "2027-12-02"),
    ("-6m", "2026-06-02"), ("2024-01-01", "2024-01-01"), (dt.date(2024, 1, 1), "2024-01-01"),
])
def test_bounds(bound, value):
    assert bounds.resolve(bound, TODAY).isoformat() == value


def test_month_offsets_clamp_to_the_month_end():
    assert bounds.resolve("-1m", dt.date(2026, 3, 31)) == dt.date(2026, 2, 28)
    assert bounds.problem("soon") and not bounds.problem("-30d")


def test_date_slot_bounds_relative_to_today_with_their_own_response():
    incident = slot("incident", "date", min="-30d", max="today", range_error="utter_incident_range")
    assert parse_value(incident, "昨天", today=TODAY).value == "2026-12-01"
    future = parse_value(incident, "明天", today=TODAY)
    assert (future.ok, future.error, future.response) == (False, "must be at most 2026-12-02", "utter_incident_range")
    old = parse_value(incident, "two months ago", today=TODAY)
    assert not old.ok and old.response is None  # no such phrase: unparsed, not out of range
    old = parse_value(incident, "10月1日", today=TODAY)
    assert (old.error, old.response) == ("must be at least 2026-11-02", "utter_incident_range")
    unknown = parse_value(incident, "某天", today=TODAY)
    assert (unknown.error, unknown.response) == ("not a date", None)


def test_entities_out_of_bounds_are_not_taken():
    from framework.compile.machine import Assistant, Behaviours, Settings
    from framework.slots import extract_entities

    a = Assistant(name="t", language="zh", settings=Settings(), intents=frozen_map(),
                  slots=frozen_map({"incident": slot("incident", "date", max="today")}),
                  responses=frozen_map(), actions=frozen_map(), flows=frozen_map(), behaviours=Behaviours(),
                  intent_fingerprint="", examples_fingerprint="")
    assert [e.value for e in extract_entities(a, "昨天丢的，明天去补办", today=TODAY)] == ["2026-12-01"]


# --------------------------------------------------------------------------- YAML

DOMAIN = """\
version: "1"
language: en
flows: [flows]
intents:
  book: {examples: [book a table]}
slots:
%s
responses:
  utter_ask_when: [{text: "When?"}]
  utter_when_range: [{text: "A date in the last 30 days, please."}]
  utter_done: [{text: "Done."}]
"""
FLOW = """\
flows:
  book:
    trigger: book
    states:
      ask_when:
        collect: when
        next: done
      done:
        end: utter_done
"""


def problems(tmp_path: Path, slots: str) -> str:
    (tmp_path / "flows").mkdir(exist_ok=True)
    (tmp_path / "flows" / "book.yml").write_text(FLOW, encoding="utf-8")
    (tmp_path / "domain.yml").write_text(DOMAIN % slots, encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        load_assistant(Path("."), environ={})
    except SpecErrors as err:
        return str(err)
    finally:
        os.chdir(cwd)
    return "OK"


def test_yaml_bounds_and_money_slots_validate(tmp_path):
    assert problems(tmp_path, "  when: {type: date, min: -30d, max: today, range_error: utter_when_range}\n"
                              "  fee: {type: money, currency: CNY, min: 0, max: 5000, range_error: utter_when_range}"
                    ) == "OK"


def test_yaml_bound_errors_golden(tmp_path):
    text = problems(tmp_path, "  when: {type: date, min: last month, max: today, range_error: utter_nope}\n"
                              "  fee: {type: money, currency: yuan, max: today}\n"
                              "  span: {type: date, min: today, max: -1w}")
    assert text == (
        "domain.yml:7:27: E052 slots.when.min: 'min' is not a bound of a date slot. Expected 'today', an offset "
        "such as -30d, +2w, -6m or 1y, or a date such as 2024-01-01; found 'last month'.\n"
        "domain.yml:7:64: E022 slots.when.range_error: unknown response 'utter_nope'. Expected one of "
        "'utter_ask_when', 'utter_done' or 'utter_when_range'; found 'utter_nope'. Did you mean 'utter_done'?\n"
        "domain.yml:8:32: E013 slots.fee.currency: value not allowed. Expected a currency code such as CNY or USD; "
        "found 'yuan'.\n"
        "domain.yml:8:43: E052 slots.fee.max: 'max' is not a bound of a money slot. Expected a number; "
        "found 'today'.\n"
        "domain.yml:9:39: E052 slots.span.max: 'max' is before 'min'. Expected a date on or after today; "
        "found -1w.\n"
        "5 problems found.")


@pytest.mark.parametrize("text, dates", [
    # customer trial, session 14: "Friday the 11th" gave two dates (the 4th and the 11th) and "which one?"
    ("transfer $1.2k on Friday the 11th", ["2026-12-11"]),
    ("on Friday, the 18th please", ["2026-12-18"]),
    ("friday and the 11th", ["2026-12-04", "2026-12-11"]),  # two days said
    ("send 20 to Jane at the end of the month", ["2026-12-31"]),
    ("by the end of next month", ["2027-01-31"]),
    ("月底前能办好吗", ["2026-12-31"]),
    ("下个月底交", ["2027-01-31"]),
])
def test_a_weekday_with_its_day_and_the_end_of_a_month(text, dates):
    assert [d for _, _, d in find_dates(text, dt.date(2026, 12, 3))] == dates
