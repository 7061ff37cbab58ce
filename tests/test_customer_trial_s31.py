"""Items left by earlier customer trials and found in session 31's, fixed in session 31."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from framework.agent import Agent, classifier_parser
from framework.spec import load_assistant
from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)
from tests.support.fake_classifier import FakeClassifier

ROOT = Path(__file__).resolve().parent.parent
NOW = 1_790_000_000.0
en = turns(default_intent="inform", runner_up=("affirm", "deny"))
zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))


@pytest.fixture(scope="module")
def banking_agent_domain():
    assistant = load_assistant(ROOT / "domains" / "banking_en", environ={})
    return dataclasses.replace(assistant, settings=dataclasses.replace(assistant.settings, fallback_threshold=0.7))


# "actually wait, what is my balance first?" at a transfer's read-back: "actually wait" alone is cancel 0.9, so the
# transfer was cancelled before the balance was asked (customer trial, session 30, left then). A wait is no cancel:
# the balance interrupts the transfer, which comes back after it.
@pytest.mark.parametrize("opening", ["actually wait", "wait", "hold on", "oh wait"])
async def test_a_wait_before_another_request_keeps_the_flow(banking_agent_domain, opening):
    banking = banking_agent_domain
    first, text = "send 50 dollars to Maria", f"{opening}, what is my balance first?"
    classifier = FakeClassifier({first: "transfer_money", text: ("check_balance", 0.99),
                                 opening: ("cancel", 0.95)}, banking.intents)
    agent = Agent(banking, classifier_parser(classifier, banking))
    state = (await agent.handle(None, "u", first, now=NOW)).state
    turn = await agent.handle(state, "u", text, now=NOW + 5)
    assert [f.flow for f in turn.state.stack] == ["transfer_money", "check_balance"]
    assert turn.state.slots["recipient"] == "Maria"
    assert "cancel_before_request" not in [e.name for e in turn.events]


# At "Do you want to stop this transfer?", "let us go back to the transfer" (cancel 0.94) stopped it (customer
# trial, session 30)
@pytest.mark.parametrize("text", ["let us go back to the transfer", "let's get back to the payment", "resume please",
                                  "go back to that one"])
def test_going_back_at_the_stop_question_goes_on(banking, text):
    state = en(banking, start(), "send 50 dollars to Maria", "transfer_money", 0.99).state
    result = en(banking, state, "ok thanks", "goodbye", 0.87)
    assert "stop" in replies(result)[-1]
    result = en(banking, result.state, text, "cancel", 0.94)
    assert result.state.stack and result.state.slots["recipient"] == "Maria"
    assert "Send $50.00 to Maria" in replies(result)[-1]


# "send some money to Mum" at "Send $500.00 to Dad …?" changed the recipient: "Send $500.00 to Mum?", and "yes" sent
# Dad's $500 to Mum (customer trial, session 30, left then). Some money, or "also": a second transfer after this one
@pytest.mark.parametrize("text", ["send some money to Mum", "also send some money to Mum", "I want to send a bit of cash to Mum",
                                  "and also send to Mum"])
def test_some_money_to_another_person_is_a_second_transfer(banking, text):
    state = en(banking, start(), "send 500 dollars to Dad", "transfer_money", 0.99).state
    result = en(banking, state, text, "transfer_money", 0.99)
    assert result.state.slots["recipient"] == "Dad" and "Send $500.00 to Dad" in replies(result)[-1]
    assert [f.flow for f in result.state.stack] == ["transfer_money", "transfer_money"]
    result = en(banking, result.state, "yes", "affirm")
    assert result.action is not None and result.action.slots["recipient"] == "Dad"


@pytest.mark.parametrize("text", ["send it to Mum", "send it to Mum instead", "no, to Mum", "make it to Mum"])
def test_the_same_money_to_another_person_is_a_change(banking, text):
    state = en(banking, start(), "send 500 dollars to Dad", "transfer_money", 0.99).state
    result = en(banking, state, text, "transfer_money", 0.99)
    assert result.state.slots["recipient"] == "Mum" and "Send $500.00 to Mum" in replies(result)[-1]
