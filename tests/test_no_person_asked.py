"""A handoff intent for a message that answers the question: "to my landlord" and "the guy who
fixes my car, Dave" at "Who should I send it to?" were read as human_agent, handed the customer
off and dropped the transfer (customer trial, session 20). Where the message holds a value of
the collected slot and has no word asking for a person (framework.slots.command_words.
asks_for_person), the intent is ignored (`intent_ignored`) and the message is the answer; a
request for a person in words still hands off. Pure engine turns with set rankings."""
from __future__ import annotations

import pytest

from framework.slots.command_words import asks_for_person
from framework.spec import load_assistant
from tests.support.engine_turns import replies, start, turns

en = turns(default_intent="inform", runner_up=("out_of_scope",))
zh = turns(default_intent="提供信息", runner_up=("其他",))


@pytest.fixture(scope="module")
def at_recipient():
    banking = load_assistant("domains/banking_en")
    state = en(banking, start(), "I want to send money", "transfer_money").state
    result = en(banking, state, "50 dollars", "inform")
    assert replies(result) == ["Who should I send it to?"]
    return banking, result.state


@pytest.mark.parametrize("text, recipient", [("to my landlord", "my landlord"), ("the guy who fixes my car, Dave", "Dave")])
def test_an_answer_read_as_a_handoff_is_the_answer(at_recipient, text, recipient):
    banking, state = at_recipient
    result = en(banking, state, text, "human_agent", 0.95)
    assert not result.state.handoff and result.state.slots["recipient"] == recipient
    assert "intent_ignored" in [e.name for e in result.events]


@pytest.mark.parametrize("text", ["I want to talk to a person", "agent", "can someone call me"])
def test_a_request_for_a_person_still_hands_off(at_recipient, text):
    banking, state = at_recipient
    assert en(banking, state, text, "human_agent", 0.95).state.handoff


def test_chinese():
    telecom = load_assistant("domains/telecom_zh")
    state = zh(telecom, start(), "我要开户", "办理", 0.95).state
    result = zh(telecom, state, "李娜", "转人工", 0.95)
    assert not result.state.handoff and result.state.slots["name"] == "李娜"
    assert zh(telecom, state, "给我转人工", "转人工", 0.95).state.handoff


@pytest.mark.parametrize("text, language, expected", [
    ("人工", "zh", True), ("找个真人", "zh", True), ("李娜", "zh", False),
    ("speak to someone", "en", True), ("to my landlord", "en", False), ("real person please", "en", True),
])
def test_asks_for_person(text, language, expected):
    assert asks_for_person(text, language) is expected
