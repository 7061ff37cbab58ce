"""A request refused by a flow that cannot be interrupted starts when that flow ends: the busy
reply promises "Let's finish this first; I'll help with the other request right after.", and in
a customer trial (session 19) the balance asked for while a lost card was blocked was never
checked (framework.engine.turn._busy). The example banking domain and its demo backend."""
from __future__ import annotations

from tests.support.example_chat import BANKING_TABLE, example

TABLE = {**BANKING_TABLE, "what is my balance?": "check_balance", "yes": "affirm", "cancel that": "cancel"}
BUSY = "Let's finish this first; I'll help with the other request right after."
BOTH = "Sure, I've got both: this one first, then the other right after."  # both in one message (session 23)


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


async def test_a_second_request_after_also_waits_for_the_first():
    """"block my card and also tell me my balance" (customer trial, session 21): the card was
    blocked and the balance never mentioned. The part after "also" is ranked on its own; the
    balance waits under the lost-card flow and is given when it ends."""
    text = "block my card and also tell me my balance"
    table = {**TABLE, text: ("lost_card", 0.83), "block my card": "lost_card", "tell me my balance": "check_balance",
             "1234": ("inform", 0.9)}
    async with example("banking_en") as world:
        chat = world.chat(table)
        replies = await chat.say(text)
        assert replies[0] == BOTH and ("last 4 digits" in replies[1] or "last four digits" in replies[1])
        assert [f.flow for f in chat.state.stack] == ["check_balance", "lost_card"]
        await chat.say("1234")
        replies = await chat.say("yes")
        assert replies[0].startswith("Your card ending 1234 is blocked") and "The balance on your card ending 1234" in replies[1]


async def test_the_first_request_is_kept_when_the_whole_message_reads_as_the_second():
    """"帮我查下余额顺便把套餐换成99的" was read as 办理 (the plan change), and the balance dropped; the customer's
    order since session 35 ("block 4821 and send 50 to Ana" read the transfer back first): the balance, then the
    plan change."""
    text = "帮我查下余额顺便把套餐换成99的"
    table = {text: ("办理", 0.95), "帮我查下余额": "查询", "把套餐换成99的": "办理"}
    async with example("telecom_zh") as world:
        chat = world.chat(table)
        await chat.say(text)
        assert [f.flow for f in chat.state.stack] == ["business", "query"]
        assert "flow_deferred" in chat.events


async def test_no_also_no_second_ranking():
    from framework.slots.answers import also_part

    assert also_part("I also lost my card", "en") is None and also_part("还有吗", "zh") is None
    assert also_part("我现在话费还有多少", "zh") is None  # 还有 = still have
    assert also_part("我要投诉，还有我要赔偿", "zh") == ("我要投诉", "我要赔偿")
    assert also_part("block my card and also tell me my balance", "en") == ("block my card", "tell me my balance")
    assert also_part("帮我查下余额顺便把套餐换成99的", "zh") == ("帮我查下余额", "把套餐换成99的")


async def test_two_requests_go_in_the_customers_order():
    """"block 4821 and send 50 to Ana" (the whole read as the transfer, 0.95; the block alone 0.94) read the transfer
    back first while the card stayed open (customer trial, session 34): the block first, the transfer with its 50 and
    Ana right after."""
    text = "block 4821 and send 50 to Ana"
    table = {**TABLE, text: ("transfer_money", 0.95), "block 4821": ("lost_card", 0.94),
             "send 50 to Ana": "transfer_money"}
    async with example("banking_en") as world:
        chat = world.chat(table)
        replies = await chat.say(text)
        assert replies[0] == BOTH and "block the card ending 4821" in replies[1]
        assert [f.flow for f in chat.state.stack] == ["transfer_money", "lost_card"]


async def test_a_second_request_after_zai_waits_with_its_values():
    """"帮我开个户办59的，再查一下13812345678上个月的账单" (the whole 办理 0.60: "您是想办理业务吗？") dropped the bill and
    its number (customer trial, session 35): 再 after a clause break joins a second request."""
    text = "帮我开个户办59的，再查一下13812345678上个月的账单"
    table = {text: ("办理", 0.6), "帮我开个户办59的": "办理", "查一下13812345678上个月的账单": "查询"}
    async with example("telecom_zh") as world:
        chat = world.chat(table)
        await chat.say(text)
        assert [f.flow for f in chat.state.stack] == ["query", "business"] and "flow_deferred" in chat.events
        saved = dict(chat.state.stack[0].saved["slots"])
        assert saved.get("phone") == "13812345678" and saved.get("bill_month") == "上月"
