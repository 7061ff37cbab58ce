"""The value a slot already has, said again at a confirmation: "to my landlord" at "Send $450.00
to my landlord on Saturday 5 December?" heard "I'm not sure I understood" (customer trial,
session 20). It is no change and no yes or no: the assistant says the value stays
(`utter_value_unchanged`) and asks the confirmation again, no attempt used
(framework.engine.corrections.restated)."""
from __future__ import annotations

import pytest

from tests.support.example_chat import BANKING_TABLE, TELECOM_TABLE, banking_confirm, example, telecom_confirm

CONFIRM_EN = "Activate the card ending 4821 for John Smith?"


@pytest.mark.parametrize("text", ["John Smith", "it's John Smith", "for John Smith", "4821", "just 4821"])
async def test_english(text):
    async with example("banking_en") as world:
        chat = world.chat({**BANKING_TABLE, text: ("inform", 0.9)})
        first = await banking_confirm(chat)
        replies = await chat.say(text)
        assert replies[-1] == first[-1] and len(replies) == 2
        assert replies[0].endswith("stays John Smith.") or replies[0].endswith("stays 4821.")
        assert "value_unchanged" in chat.events and chat.turn.state.frame.attempts == 0


@pytest.mark.parametrize("text", ["张三", "是张三", "还是张三"])
async def test_chinese(text):
    async with example("telecom_zh") as world:
        chat = world.chat({**TELECOM_TABLE, text: ("提供信息", 0.9)})
        first = await telecom_confirm(chat)
        replies = await chat.say(text)
        assert replies == ["姓名还是 张三，没有变。", first[-1]]


@pytest.mark.parametrize("text", ["John Smith's card is fine", "Jane Smith", "why John Smith?"])
async def test_more_than_the_value_is_no_restatement(text):
    async with example("banking_en") as world:
        chat = world.chat({**BANKING_TABLE, text: ("inform", 0.9)})
        await banking_confirm(chat)
        await chat.say(text)
        assert "value_unchanged" not in chat.events
