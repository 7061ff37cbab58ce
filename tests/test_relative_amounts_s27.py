"""A change of an amount said relative to the one given (customer trial, session 27), replayed as
pure engine turns and pure extraction.

- "send a hundred and fifty to Grace Kim", then "actually add another 20" (cancel 0.82): "Okay,
  I've changed the amount to $20.00." and "yes" sent $20, not $170; "plus 50" (inform 0.93) to
  $200 and "hmm thats too much, 20 less" (deny 0.99) did the same with 50 and 20. A number said
  with "add (another)", "plus", "more", "less", "minus", "take off", "再加", "多", "少", "减" is how
  much to add or take off (framework.slots.relative_amounts, framework.engine.corrections.relative);
  a total of 0 or less is refused as a value out of range, a change with no direction ("change it
  by 20", "差20") keeps the value and asks which way.
"""
from __future__ import annotations

import dataclasses
import re

import pytest

from framework.spec import load_assistant
from tests.conftest import ROOT
from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import telecom  # noqa: F401 (fixtures)

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))


@pytest.fixture(scope="module")
def banking():
    assistant = load_assistant(ROOT / "domains" / "banking_en", environ={})
    return dataclasses.replace(assistant, settings=dataclasses.replace(assistant.settings, fallback_threshold=0.71))


def _amount(result, slot="amount"):
    return result.state.slots[slot]["amount"]


def _names(result):
    return [e.name for e in result.events]


def _at_confirmation(banking, text):
    state = en(banking, start(), text, "transfer_money").state
    assert state.stack[-1].waiting_for == "confirm"
    return state


# ---------------------------------------------------------------- the words (pure)

def _spans(text):
    return [m.span() for m in re.finditer(r"\$?\d+(?:\s*(?:dollars|bucks|块钱?|元))?", text)]


@pytest.mark.parametrize("text,language,sign", [
    ("actually add another 20", "en", 1), ("plus 50", "en", 1), ("20 more", "en", 1), ("another 20", "en", 1),
    ("add an extra 20 bucks", "en", 1), ("increase it by 20", "en", 1), ("make it 20 dollars more", "en", 1),
    ("hmm thats too much, 20 less", "en", -1), ("minus 20", "en", -1), ("take off 20", "en", -1),
    ("take 20 off", "en", -1), ("reduce the amount by 20", "en", -1),
    ("change it by 20", "en", 0), ("add 20 or take off 20", "en", 0),
    ("再加20", "zh", 1), ("多加50块", "zh", 1), ("多20", "zh", 1), ("再多给20", "zh", 1),
    ("少20", "zh", -1), ("减掉20", "zh", -1), ("少给20块钱", "zh", -1), ("扣掉20", "zh", -1), ("差20", "zh", 0)])
def test_a_relative_change_is_read(text, language, sign):
    from framework.slots.relative_amounts import relative_change
    found = relative_change(text, _spans(text), language)
    assert found is not None and found[0] == sign and found[1] == _spans(text)[0]


@pytest.mark.parametrize("text,language", [
    ("make it 200", "en"), ("increase it to 200", "en"), ("at least 20", "en"), ("less than 20", "en"),
    ("20 more days", "en"), ("not 20 more, make it 200", "en"), ("改成200", "zh"), ("加到200", "zh"),
    ("至少20", "zh"), ("最多20", "zh"), ("差不多20", "zh"), ("20多", "zh")])
def test_no_relative_change_otherwise(text, language):
    from framework.slots.relative_amounts import relative_change
    assert relative_change(text, _spans(text), language) is None


# ---------------------------------------------------------------- at the confirmation

def test_add_another_twenty_is_added(banking):
    state = _at_confirmation(banking, "send a hundred and fifty to Grace Kim")
    result = en(banking, state, "actually add another 20", "cancel", 0.82)
    assert _amount(result) == 170 and result.state.slots["amount"]["currency"] == "USD"
    assert replies(result) == ["Okay, I've changed the amount to $170.00.",
                               "Send $170.00 to Grace Kim on Wednesday 2 December?"]
    assert "slot_corrected" in _names(result)
    sent = en(banking, result.state, "yes", "affirm")
    assert sent.state.pending_action is not None and sent.state.pending_action.slots["amount"]["amount"] == 170


@pytest.mark.parametrize("text,intent,confidence,total", [
    ("plus 50", "inform", 0.93, 250), ("hmm thats too much, 20 less", "deny", 0.99, 180),
    ("20 more", "inform", 0.9, 220), ("take off 20", "inform", 0.9, 180)])
def test_plus_and_less_change_the_amount(banking, text, intent, confidence, total):
    result = en(banking, _at_confirmation(banking, "send 200 to Grace Kim"), text, intent, confidence)
    assert _amount(result) == total
    assert replies(result)[-1] == f"Send ${total:,}.00 to Grace Kim on Wednesday 2 December?"
    assert result.state.pending_action is None


def test_a_total_of_nothing_is_refused(banking):
    state = _at_confirmation(banking, "send 20 to Grace Kim")
    result = en(banking, state, "take off 20", "inform", 0.9)
    assert _amount(result) == 20 and "slot_corrected" not in _names(result)
    # session 29: the range error's question waits for its answer (the old confirmation said at once was sent on "yes")
    assert replies(result) == ["I can send from $1 up to your daily limit of $2,500. How much would you like to send?"]
    over = en(banking, _at_confirmation(banking, "send 2400 dollars to Grace Kim"), "plus 200", "inform", 0.9)
    assert _amount(over) == 2400 and "slot_corrected" not in _names(over)


def test_no_direction_keeps_the_amount_and_asks(banking):
    state = _at_confirmation(banking, "send 200 to Grace Kim")
    result = en(banking, state, "change it by 20", "inform", 0.9)
    assert _amount(result) == 200 and "change_unclear" in _names(result)
    assert replies(result) == ["The amount is $200 now. Should I add $20 or take $20 off?",
                               "Send $200.00 to Grace Kim on Wednesday 2 December?"]
    # no relative words: the amount said is the new one, as before
    assert _amount(en(banking, result.state, "make it 300", "inform", 0.9)) == 300


# ---------------------------------------------------------------- at a question

def test_more_at_another_question(banking):
    state = en(banking, start(), "send $200", "transfer_money").state
    assert state.stack[-1].waiting_for == "slot:recipient"
    result = en(banking, state, "actually 20 more", "inform", 0.9)
    assert _amount(result) == 220 and result.state.stack[-1].waiting_for == "slot:recipient"
    assert replies(result) == ["Okay, I've changed the amount to $220.00.", "Who should I send it to?"]


def test_more_at_the_amounts_question_asked_again(banking):
    state = _at_confirmation(banking, "send 200 to Grace Kim")
    state = en(banking, state, "no", "deny").state
    state = en(banking, state, "amount", "inform").state
    assert state.stack[-1].waiting_for == "slot:amount"
    result = en(banking, state, "20 more", "inform")
    assert _amount(result) == 220 and replies(result) == ["Send $220.00 to Grace Kim on Wednesday 2 December?"]
    refused = en(banking, state, "take off 300", "inform")
    assert _amount(refused) == 200 and refused.state.stack[-1].waiting_for == "slot:amount"


@pytest.mark.parametrize("text,intent,total", [("再加20", "提供信息", 70), ("多加50块", "提供信息", 100),
                                               ("少20", "否定", 30), ("减掉20", "提供信息", 30)])
def test_chinese_relative_changes(telecom, text, intent, total):
    state = zh(telecom, start(), "你们多扣了我五十块钱话费，我要投诉", "投诉").state
    assert state.slots["loss"]["amount"] == 50 and state.stack[-1].waiting_for == "slot:name"
    result = zh(telecom, state, text, intent, 0.9)
    assert _amount(result, "loss") == total and result.state.slots["loss"]["currency"] == "CNY"
    assert replies(result)[0] == f"好的，已将损失金额改为 {total}元。"
    assert result.state.stack[-1].waiting_for == "slot:name"


def test_chinese_no_direction_asks(telecom):
    state = zh(telecom, start(), "你们多扣了我五十块钱话费，我要投诉", "投诉").state
    result = zh(telecom, state, "差20", "提供信息", 0.9)
    assert _amount(result, "loss") == 50 and replies(result)[0] == "损失金额现在是 50元。请问是加 20元，还是减 20元？"
