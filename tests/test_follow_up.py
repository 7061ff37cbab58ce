"""A follow-up to the flow that just ended (framework.engine.follow_up): "and for 1234?"
after a card's balance runs the balance flow again for 1234, whatever the classifier makes
of it (a customer trial of session 13 heard the out-of-scope reply), and so does a bare value
("5678"; "上个月的" after a bill got the fallback in a trial of session 23). Not without a
follow-up word or a bare value, not when the message gives none of that flow's slots, not when the classifier is sure
of another request, and only for the flow that ended last. Pure engine turns with
hand-written rankings (the domain of tests/test_nothing_pending.py)."""
from __future__ import annotations

import pytest

from framework.engine.follow_up import sounds_like_follow_up
from framework.engine.state import SessionState
from tests.support.engine_turns import replies, start
from tests.test_nothing_pending import after_a_flow, build, turn

BALANCE = "Your balance is $42."


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return build(tmp_path_factory.mktemp("follow_up"))


def test_the_ended_flow_is_remembered_and_stored(assistant):
    state = after_a_flow(assistant)
    assert state.last_flow == "balance"
    assert SessionState.from_json(state.to_json()).last_flow == "balance"
    assert "last_flow" not in start().to_dict()  # stored sessions keep their shape until a flow ends


@pytest.mark.parametrize("text, intent, confidence", [
    ("and for 5678?", "out_of_scope", 0.97),   # as the trial's model read it
    ("what about 5678", "inform", 0.99),
    ("how about the one ending 5678?", "inform", 0.4),
    ("ok and 5678?", "affirm", 0.6),
    ("same for 5678", "inform", 0.9),
    ("5678", "inform", 0.5),                   # a bare value of the flow (session 23: "上个月的" after a bill)
    ("the one ending 5678", "greet", 0.4),
])
def test_a_follow_up_runs_the_flow_again_with_the_new_value(assistant, text, intent, confidence):
    result = turn(assistant, after_a_flow(assistant), text, intent, confidence)
    assert replies(result) == [BALANCE]
    assert ("follow_up", {"flow": "balance", "slots": ("last4",)}) in [(e.name, dict(e.data)) for e in result.events]
    assert result.state.last_flow == "balance"  # it ended again: a third card may follow


@pytest.mark.parametrize("text, intent, expected", [
    ("my card 5678 is broken", "inform", "Sorry?"),      # no follow-up word, more than the value: as before
    ("and tell me a joke", "out_of_scope", "I only do balances."),  # no value of the flow
    ("and cancel 5678", "cancel", "There's nothing in progress to cancel. What can I do for you?"),  # sure of another
])
def test_anything_else_is_read_as_before(assistant, text, intent, expected):
    result = turn(assistant, after_a_flow(assistant), text, intent, 0.99 if intent != "inform" else 0.5)
    assert "follow_up" not in [e.name for e in result.events]
    assert expected in replies(result)


def test_no_follow_up_without_an_ended_flow_or_after_a_restart(assistant):
    assert "follow_up" not in [e.name for e in turn(assistant, start(), "and for 5678?", "out_of_scope", 0.97).events]
    state = turn(assistant, after_a_flow(assistant), "/restart").state
    assert state.last_flow is None


def test_chinese_follow_up_words():
    assert sounds_like_follow_up("那1234呢？", "zh") and sounds_like_follow_up("还有尾号1234的", "zh")
    assert sounds_like_follow_up("1234的呢", "zh-CN")
    assert not sounds_like_follow_up("1234", "zh") and not sounds_like_follow_up("我要投诉", "zh")
    assert not sounds_like_follow_up("android", "en") and sounds_like_follow_up("And for 1234?", "en")


STATEMENT_DOMAIN = """\
version: "1"
language: en
flows: [flows]
settings: {fallback_threshold: 0.6}
intents:
  statement: {examples: [send me a statement]}
  inform: {examples: ["1234"]}
  out_of_scope: {examples: [tell me a joke]}
slots:
  period: {type: categorical, choices: [monthly, yearly], label: period}
  last4: {type: regex, pattern: '^\\d{4}$'}
  email: {type: email, pii: true}
responses:
  utter_ask_period: [{text: "Monthly or yearly?"}]
  utter_ask_last4: [{text: "Which card?"}]
  utter_ask_email: [{text: "Which e-mail address?"}]
  utter_sent: [{text: "A {period} statement of card {last4} goes to {email}."}]
  utter_out_of_scope: [{text: "I only do statements."}]
  utter_fallback: [{text: "Sorry?"}]
global:
  out_of_scope: {intent: out_of_scope, response: utter_out_of_scope}
  fallback: {response: utter_fallback}
"""
STATEMENT_FLOW = """\
flows:
  statement:
    trigger: statement
    states:
      ask_period: {collect: period, next: ask_last4}
      ask_last4: {collect: last4, next: ask_email}
      ask_email: {collect: email, next: done}
      done: {end: utter_sent}
"""


def test_a_follow_up_keeps_what_the_last_run_was_asked_personal_data_too(tmp_path):
    """Personal data too since session 27 (a phone number asked again after every follow-up in three
    trial rounds); the store seals it at rest (tests/test_customer_trial_s27.py)."""
    from tests.support.engine_turns import write_domain

    statements = write_domain(tmp_path, {"domain.yml": STATEMENT_DOMAIN, "flows/statement.yml": STATEMENT_FLOW})
    state = turn(statements, start(), "send me a yearly statement", "statement").state
    state = turn(statements, state, "1234", "inform").state
    result = turn(statements, state, "jo@example.com", "inform")
    assert replies(result) == ["A yearly statement of card 1234 goes to jo@example.com."]
    assert dict(result.state.last_values) == {"last4": "1234", "period": "yearly", "email": "jo@example.com"}
    result = turn(statements, result.state, "and for 5678?", "out_of_scope", 0.95)
    assert replies(result) == ["A yearly statement of card 5678 goes to jo@example.com."]
    assert not result.state.last_values or result.state.last_values.get("last4") == "5678"
