"""The engine fills money, date and count slots from one natural sentence, through the
rule-based extractors, in each language."""
import datetime as dt
import os
from pathlib import Path

import pytest

from framework.engine.state import SessionState
from framework.engine.turn import handle_message
from framework.nlu.interface import IntentScore, NLUResult
from framework.slots import extract_entities
from framework.spec import load_assistant

NOW = dt.datetime(2026, 12, 2, 10, 0)

DOMAIN = """\
version: "1"
language: %(language)s
flows: [flows]
intents:
  transfer: {examples: [send money, 转账]}
slots:
  amount: {type: money, currency: %(currency)s, min: 1, max: 50000}
  when: {type: date, min: today, max: +30d, range_error: utter_when_range}
  people: {type: integer, min: 1, max: 10}
responses:
  utter_ask_amount: [{text: "How much?"}]
  utter_ask_when: [{text: "When?"}]
  utter_when_range: [{text: "A day within the next 30 days, please."}]
  utter_ask_people: [{text: "For how many?"}]
  utter_done: [{text: "Done."}]
"""
FLOW = """\
flows:
  transfer:
    trigger: transfer
    states:
      ask_amount: {collect: amount, next: ask_when}
      ask_when: {collect: when, next: ask_people}
      ask_people: {collect: people, next: done}
      done: {end: utter_done}
"""


@pytest.fixture
def make(tmp_path):
    def build(language, currency):
        (tmp_path / "flows").mkdir(exist_ok=True)
        (tmp_path / "flows" / "transfer.yml").write_text(FLOW, encoding="utf-8")
        (tmp_path / "domain.yml").write_text(DOMAIN % {"language": language, "currency": currency}, encoding="utf-8")
        cwd = os.getcwd()
        os.chdir(tmp_path)
        try:
            return load_assistant(Path("."), environ={})
        finally:
            os.chdir(cwd)
    return build


def turn(assistant, state, text, intent=None):
    ranking = (IntentScore(intent, 0.99),) if intent else ()
    nlu = NLUResult(text, ranking, extract_entities(assistant, text, today=NOW.date()))
    return handle_message(assistant, state, nlu, now=NOW)


def set_slots(result):
    return {e.data["slot"]: e.data["value"] for e in result.events if e.name == "slot_set"}


@pytest.mark.parametrize("language,currency,text,amount", [
    ("en", "USD", "send 50 dollars to John tomorrow, for two people", 50),
    ("zh", "CNY", "明天转三千五块给张三，两个人", 3500),
])
def test_three_slots_from_one_utterance(make, language, currency, text, amount):
    assistant = make(language, currency)
    result = turn(assistant, SessionState.new("u", NOW), text, "transfer")
    slots = result.state.slots
    assert slots["amount"] == {"amount": amount, "currency": currency}
    assert slots["when"] == "2026-12-03"
    assert [r.response for r in result.replies] == ["utter_ask_people"]  # a count is only taken when asked
    result = turn(assistant, result.state, "two" if language == "en" else "两个")
    assert set_slots(result) == {"people": 2}  # then the flow ends (and clears its slots)
    assert [r.response for r in result.replies] == ["utter_done"]


def test_a_bare_amount_fills_only_the_asked_slot_and_a_wrong_currency_is_refused(make):
    assistant = make("zh", "CNY")
    state = turn(assistant, SessionState.new("u", NOW), "我要转账", "transfer").state
    result = turn(assistant, state, "$50")
    assert "amount" not in result.state.slots or result.state.slots["amount"] is None  # no silent conversion
    result = turn(assistant, result.state, "损失大概三千五")
    assert result.state.slots["amount"] == {"amount": 3500, "currency": "CNY"}


def test_a_date_out_of_bounds_is_not_stored(make):
    assistant = make("zh", "CNY")
    state = turn(assistant, SessionState.new("u", NOW), "转五十元", "transfer").state
    assert state.slots["amount"] == {"amount": 50, "currency": "CNY"}
    result = turn(assistant, state, "昨天")  # before `min: today`
    assert result.state.slots.get("when") is None
    assert [r.response for r in result.replies] == ["utter_when_range"]  # the bound's own message
    result = turn(assistant, result.state, "下周三")
    assert result.state.slots["when"] == "2026-12-09"
