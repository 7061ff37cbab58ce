"""Filler words around a value at its question: "ok 2000 then" at "How much would you like to
send?" (after a limit error) heard "Please tell me the amount in dollars" where "2000" alone was
taken (customer trial, session 20). Typed slots read the message without its filler words
(framework.slots.answers.without_filler) when the whole message is no value; text slots (a
name, a recipient) read the whole message as before. Pure engine turns."""
from __future__ import annotations

import pytest

from framework.slots.answers import without_filler
from framework.spec import load_assistant
from tests.support.engine_turns import replies, start, turns

en = turns(default_intent="inform", runner_up=("out_of_scope",))
zh = turns(default_intent="提供信息", runner_up=("其他",))


def test_an_amount_with_filler_words():
    banking = load_assistant("domains/banking_en")
    state = en(banking, start(), "I want to send money", "transfer_money").state
    result = en(banking, state, "ok 2000 then", "inform", 0.9)
    assert result.state.slots["amount"] == {"amount": 2000, "currency": "USD"}
    assert replies(result) == ["Who should I send it to?"]
    over = en(banking, state, "fine, 3000 then", "inform", 0.9)  # out of bounds: said why, as "3000" is
    assert "amount" not in over.state.slots and "daily limit" in replies(over)[0]


def test_a_plan_with_filler_words():
    telecom = load_assistant("domains/telecom_zh")
    state = zh(telecom, start(), "我要换套餐", "办理", 0.95).state
    state = zh(telecom, state, "李娜", "提供信息", 0.95).state
    state = zh(telecom, state, "11010519491231002X", "提供信息", 0.95).state
    assert state.frame.waiting_for == "slot:plan"
    assert zh(telecom, state, "那就99吧", "提供信息", 0.95).state.slots["plan"] == "99"


@pytest.mark.parametrize("text, language, bare", [
    ("ok 2000 then", "en", "2000"), ("make it 2000 please", "en", "2000"), ("2000", "en", "2000"),
    ("okay", "en", "okay"), ("那就99吧", "zh", "99"), ("好吧", "zh", "好吧"),
])
def test_without_filler(text, language, bare):
    assert without_filler(text, language) == bare
