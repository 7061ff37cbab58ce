"""Session 43: what hand tries, held-out files and customer trials found, each with the message that found it."""
from __future__ import annotations

import pytest

from framework.slots.answers import yes_no
from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))

NEW_CARD = "g'day 🙂 my new card came, the one ending four eight two one, name on it is Maria Garcia"


def test_a_card_and_a_name_with_no_request_start_the_activation(banking):
    """Tried by hand, session 42: the card's digits and the name on it (inform 0.95) heard "That's outside what I
    can do"; the one flow that collects both starts at its read-back."""
    result = en(banking, start(), NEW_CARD, "inform", 0.95)
    assert result.state.stack[-1].flow == "activate_card"
    assert result.state.slots == {"card_last4": "4821", "name": "Maria Garcia"}
    assert "4821" in replies(result)[-1] and "Maria Garcia" in replies(result)[-1]


def test_the_digits_alone_still_name_no_flow(banking):
    """A card's digits alone are asked by three flows: nothing starts."""
    result = en(banking, start(), "it's the one ending 4821", "inform", 0.95)
    assert not result.state.stack


@pytest.mark.parametrize("text", ["sound", "Sound so", "sound out", "that's sound", "Sho nuff", "abeg do am", "fr fr"])
def test_regional_yes_words(banking, text):
    """Tried by hand, session 42: "sound" (Irish) at a read-back was not understood; fresh_test_57: "Sho nuff" (deny
    0.96-1.00 on all three models), "Abeg do am"."""
    assert yes_no(text, "en") is True
    state = en(banking, start(), NEW_CARD, "inform", 0.95).state
    result = en(banking, state, text, "deny", 0.96)
    assert [e.name for e in result.events][:2] == ["confirmed", "action_requested"]


@pytest.mark.parametrize("text", ["sound is broken on the app", "that sounds wrong", "no sound"])
def test_sound_in_a_sentence_is_no_yes(text):
    assert yes_no(text, "en") is not True
