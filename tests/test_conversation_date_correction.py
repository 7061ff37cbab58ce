"""A correction of a date slot ("改成明天", "actually make it tomorrow") at a confirmation and
in the middle of a flow: the date is read against the turn's own day, the slot is updated,
the change is said, and the confirmation is asked again (issue 8, item 2)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from framework.engine.state import SessionState
from framework.engine.turn import handle_message
from framework.nlu.interface import IntentScore, NLUResult
from framework.slots import extract_entities
from framework.spec import load_assistant

NOW = dt.datetime(2026, 12, 2, 10, 0)  # a Wednesday

DOMAIN = """\
version: "1"
language: %(language)s
flows: [flows]
intents:
  book: {examples: [book a visit, 我要预约]}
slots:
  visit_date: {type: date, min: today, label: %(date_label)s}
  people: {type: integer, min: 1, max: 10, label: %(people_label)s}
responses:
  utter_ask_date: [{text: "Which day?"}]
  utter_ask_people: [{text: "How many?"}]
  utter_confirm: [{text: "{visit_date}, {people}: confirm?"}]
  utter_done: [{text: "Booked."}]
"""
FLOW = """\
flows:
  book:
    trigger: book
    states:
      ask_date: {collect: visit_date, prompt: utter_ask_date, next: ask_people}
      ask_people: {collect: people, prompt: utter_ask_people, next: confirm}
      confirm: {confirm: utter_confirm, on_yes: done, on_no: ask_what_to_change}
      done: {end: utter_done}
"""
LANGUAGES = {
    "zh": {"date_label": "日期", "people_label": "人数", "start": "我要预约", "day": "后天", "people": "三个人",
           "correction": "不对，改成明天", "yes": "是的"},
    "en": {"date_label": "date", "people_label": "people", "start": "book a visit", "day": "the day after tomorrow",
           "people": "3", "correction": "actually make it tomorrow", "yes": "yes"},
}


@pytest.fixture(params=sorted(LANGUAGES))
def booking(request, tmp_path: Path):
    words = LANGUAGES[request.param]
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "book.yml").write_text(FLOW, encoding="utf-8")
    (tmp_path / "domain.yml").write_text(DOMAIN % {"language": request.param, **words}, encoding="utf-8")
    return load_assistant(tmp_path, environ={}), words


def turn(assistant, state, text, intent=None):
    ranking = (IntentScore(intent, 0.99),) if intent else ()
    nlu = NLUResult(text, ranking, tuple(extract_entities(assistant, text, today=NOW.date())))
    return handle_message(assistant, state, nlu, now=NOW)


def test_a_date_corrected_at_the_confirmation_is_confirmed_again(booking):
    assistant, words = booking
    state = turn(assistant, SessionState.new("u", NOW), words["start"], "book").state
    state = turn(assistant, state, words["day"]).state
    assert state.slots["visit_date"] == "2026-12-04"
    result = turn(assistant, state, words["people"])
    assert [r.response for r in result.replies] == ["utter_confirm"]
    result = turn(assistant, result.state, words["correction"])
    assert result.state.slots["visit_date"] == "2026-12-03"
    assert result.state.slots["people"] == 3  # the other answer is kept
    assert [r.response for r in result.replies] == ["utter_corrected", "utter_confirm"]
    result = turn(assistant, result.state, words["yes"])
    assert [r.response for r in result.replies] == ["utter_done"]


def test_a_date_corrected_while_another_slot_is_asked(booking):
    assistant, words = booking
    state = turn(assistant, SessionState.new("u", NOW), words["start"], "book").state
    state = turn(assistant, state, words["day"]).state
    result = turn(assistant, state, words["correction"])  # the flow is asking for the people
    assert result.state.slots["visit_date"] == "2026-12-03"
    assert "people" not in result.state.slots or result.state.slots["people"] is None
    assert [r.response for r in result.replies][0] == "utter_corrected"
    assert [r.response for r in result.replies][-1] == "utter_ask_people"
