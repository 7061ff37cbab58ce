"""A correction after an action has sent the value (framework.engine.corrections.too_late).

Session 14's trial: after the complaint was filed with a loss of 50, "损失大概五十块，不对，是八十块"
at "需要为您转接人工客服进一步处理吗？" answered "已将损失金额改为 80 CNY", but the filed ticket
still said 50. The value that was sent stays; the assistant says it cannot be changed here,
and asks its question again. Before the action, the same correction changes the value. Pure
engine turns on the real telecom_zh domain with hand-written rankings."""
from __future__ import annotations

import pytest

from framework.engine import ActionResult, handle_action_result
from framework.compile.machine import frozen_map
from tests.support.engine_turns import NOW, replies, start, turns
from tests.support.example_domains import telecom  # noqa: F401 (fixtures)

turn = turns(default_intent="提供信息", runner_up=("其他", "否定"))
OFFER = "需要为您转接人工客服进一步处理吗？"
CORRECTION = "损失大概五十块，不对，是八十块"


def _at_loss(assistant):
    state = turn(assistant, start(), "我要投诉，你们上个月多扣了我话费，客服也不给解释", "投诉").state
    state = turn(assistant, state, "张三").state
    return turn(assistant, state, "11010519491231002X").state


def _filed(assistant, loss_text="五十块"):
    read_back = turn(assistant, _at_loss(assistant), loss_text)  # read back before it is filed (session 27)
    result = turn(assistant, read_back.state, "确认", "肯定")
    assert result.state.pending_action is not None and result.state.pending_action.action == "record_complaint"
    done = handle_action_result(assistant, result.state, ActionResult(True, frozen_map({"ticket_no": "T1"})), now=NOW)
    assert replies(done)[-1] == OFFER
    return done.state


def test_a_correction_after_the_complaint_was_filed_keeps_the_filed_value(telecom):
    state = _filed(telecom)
    assert state.slots["loss"] == {"amount": 50, "currency": "CNY"}
    result = turn(telecom, state, CORRECTION, "否定", 0.9)
    assert result.state.slots["loss"] == {"amount": 50, "currency": "CNY"}
    assert replies(result) == ["损失金额已经随前面的申请提交了，这里改不了。如需更改，可以联系人工客服。", OFFER]
    names = [e.name for e in result.events]
    assert "correction_too_late" in names and "slot_corrected" not in names and "slot_set" not in names
    assert "loss" not in dict(result.state.history[-1].slot_changes)
    # the question still works: yes hands over, as before
    assert "handoff" in [e.name for e in turn(telecom, result.state, "需要", "肯定").events]


def test_the_same_correction_before_the_action_changes_the_value(telecom):
    state = turn(telecom, _at_loss(telecom), "五十块").state  # read back, not filed
    # at the loss question itself a correction inside the answer keeps its last value
    result = turn(telecom, _at_loss(telecom), CORRECTION)
    assert result.state.slots["loss"] == {"amount": 80, "currency": "CNY"}
    assert state.slots["loss"] == {"amount": 50, "currency": "CNY"}


TOP_UP_DOMAIN = """\
version: "1"
language: en
flows: [flows]
settings: {fallback_threshold: 0.6}
intents:
  top_up: {examples: [top up my phone]}
  affirm: {examples: ["yes"]}
  deny: {examples: ["no"]}
  inform: {examples: ["20 dollars"]}
slots:
  amount: {type: number, label: amount}
  tip: {type: number, label: tip}
actions:
  top_up: {type: webhook, url: "http://127.0.0.1:9/top_up", sends: [amount]}
responses:
  utter_ask_amount: [{text: How much?}]
  utter_ask_tip: [{text: Any tip?}]
  utter_again: [{text: Another top-up?}]
  utter_done: [{text: Done.}]
"""

TOP_UP_FLOWS = """\
flows:
  top_up:
    trigger: top_up
    states:
      ask_amount: {collect: amount, prompt: utter_ask_amount, skip_if_filled: false, next: ask_tip}
      ask_tip: {collect: tip, prompt: utter_ask_tip, next: send}
      send: {action: top_up, on_success: again, on_failure: again}
      again: {confirm: utter_again, on_yes: AGAIN, on_no: done}
      done: {end: utter_done}
"""


@pytest.mark.parametrize("on_yes, text, slot, value, late", [
    ("done", "actually make the amount 30", "amount", 30, True),    # sent, and never sent again
    ("ask_amount", "actually make the amount 30", "amount", 30, False),  # the next top-up sends it
    ("done", "actually make the tip 5", "tip", 5, False),           # the action never sent the tip
])
def test_only_what_the_action_sent_and_only_when_it_cannot_run_again(tmp_path, on_yes, text, slot, value, late):
    from tests.support.engine_turns import write_domain

    flows = TOP_UP_FLOWS.replace("AGAIN", on_yes)
    assistant = write_domain(tmp_path, {"domain.yml": TOP_UP_DOMAIN, "flows/top_up.yml": flows})
    en = turns(default_intent="inform", runner_up=("inform", "deny"))
    state = en(assistant, start(), "top up my phone", "top_up").state
    state = en(assistant, state, "20").state
    result = en(assistant, state, "2")
    done = handle_action_result(assistant, result.state, ActionResult(True), now=NOW)
    assert replies(done)[-1] == "Another top-up?"
    before = done.state.slots[slot]
    changed = en(assistant, done.state, text, "deny", 0.9)
    assert changed.state.slots[slot] == (before if late else value)
    assert ("correction_too_late" in [e.name for e in changed.events]) is late
    assert replies(changed)[-1] == "Another top-up?"
