"""Misbehaviours found by talking to the example assistants as a customer would (models
trained on main's defaults: banking_en seed 13, telecom_zh seed 13), each replayed on the
real example domain with the ranking the model gave, written by hand: pure engine turns,
no model, so they hold whatever a retrained model says.
"""
from __future__ import annotations

from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)

turn = turns(default_intent="inform", runner_up=("check_balance", "inform"))


def test_make_it_60_at_the_recipient_question_corrects_the_amount(banking):
    # en_13: "actually make it 60" -> inform 0.65; it was stored as the recipient
    state = turn(banking, start(), "I want to send 50 dollars", "transfer_money").state
    result = turn(banking, state, "actually make it 60", "inform", 0.65, 0.13)
    assert replies(result) == ["Okay, I've changed the amount to $60.00.", "Who should I send it to?"]
    assert result.state.slots["amount"] == {"amount": 60, "currency": "USD"}
    assert "recipient" not in result.state.slots and result.state.frame.attempts == 0


def test_cancel_with_nothing_in_progress_claims_nothing_was_cancelled(banking, telecom):
    # en_13: "cancel" right after "Done: $45.00 to my mum ..." heard "Okay, I've cancelled that."
    state = turn(banking, start(), "what's my balance", "check_balance").state
    state = turn(banking, state, "cancel", "cancel").state
    assert state.frame is None
    result = turn(banking, state, "cancel", "cancel")
    assert replies(result) == ["There's nothing in progress to cancel. What can I do for you?"]
    assert [e.name for e in result.events] == ["nothing_to_cancel"]
    result = turn(telecom, start(), "取消", "取消")
    assert replies(result) == ["目前没有正在办理的事项。请问有什么可以帮您？"]
