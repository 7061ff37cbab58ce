"""A whole card number typed at "the last 4 digits of your card number": "my card number is
4111 1111 1111 1234" heard "You gave more than one last four digits (4111, 1111, 1234) ...",
twelve digits of a card number said back (customer trial, session 20). The groups of one card
number (as the log masking finds it, framework.masking.card_spans) are one value: its end.
Two separate numbers still ask which one. Pure engine turns."""
from __future__ import annotations

from framework.masking import card_spans
from framework.spec import load_assistant
from tests.support.engine_turns import replies, start, turns

en = turns(default_intent="inform", runner_up=("out_of_scope",))


def test_the_card_numbers_last_group_is_the_last_four_digits():
    banking = load_assistant("domains/banking_en")
    state = en(banking, start(), "how much money do i have left", "check_balance").state
    result = en(banking, state, "my card number is 4111 1111 1111 1234", "inform", 0.9)
    assert result.state.slots["card_last4"] == "1234"
    assert not any("4111" in reply for reply in replies(result))
    two = en(banking, state, "card 4821 and 1234", "inform", 0.9)
    assert "card_last4" not in two.state.slots and "4821" in replies(two)[0]


def test_card_spans():
    text = "my card number is 4111 1111 1111 1234, phone 13812345678"
    assert [text[a:b] for a, b in card_spans(text)] == ["4111 1111 1111 1234"]
    assert card_spans("4821 and 1234") == []
