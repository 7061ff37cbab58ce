"""A request refused by a flow that cannot be interrupted starts when that flow ends: the busy
reply promises "Let's finish this first; I'll help with the other request right after.", and in
a customer trial (session 19) the balance asked for while a lost card was blocked was never
checked (framework.engine.turn._busy). The example banking domain and its demo backend."""
from __future__ import annotations

from tests.support.example_chat import BANKING_TABLE, example

TABLE = {**BANKING_TABLE, "what is my balance?": "check_balance", "yes": "affirm", "cancel that": "cancel"}
BUSY = "Let's finish this first; I'll help with the other request right after."


async def test_the_refused_request_starts_when_the_flow_ends():
    async with example("banking_en") as world:
        chat = world.chat(TABLE)
        await chat.say("I lost my card")
        replies = await chat.say("what is my balance?")
        assert replies[0] == BUSY and "flow_deferred" in chat.events
        assert [f.flow for f in chat.state.stack] == ["check_balance", "lost_card"]
        await chat.say("1234")
        replies = await chat.say("yes")
        assert "flow_resumed" in chat.events
        # the blocked card's balance: its money is still there (customer trial, session 21: the demo
        # backend had answered 404 for a blocked card, "I couldn't find a card ending 1234")
        assert replies[0].startswith("Your card ending 1234 is blocked"), replies
        assert replies[1] == "The balance on your card ending 1234 is $42.35." and replies[2].startswith("This card is blocked")


async def test_asked_twice_it_waits_once_and_a_cancel_starts_it():
    async with example("banking_en") as world:
        chat = world.chat(TABLE)
        await chat.say("I lost my card")
        await chat.say("what is my balance?")
        await chat.say("what is my balance?")
        assert [f.flow for f in chat.state.stack] == ["check_balance", "lost_card"]
        replies = await chat.say("cancel that")
        assert [f.flow for f in chat.state.stack] == ["check_balance"], replies
