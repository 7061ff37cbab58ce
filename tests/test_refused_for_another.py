"""A refusal that opens the message, then another request: "no I dont want to send money, I want a
refund" at "How much would you like to send?" was read as deny 0.62 by session 23's banking_en
model (a customer trial) and got the amount's error. What follows the refusal is ranked on its
own (framework.agent.ClassifierParser, NLUResult.instead); when it is out of scope or another
flow's trigger at or above the threshold, the active flow is withdrawn and the message answered
as that request (framework.engine.turn._refused_for, event `request_withdrawn`)."""
from __future__ import annotations

import pytest

from framework.slots.answers import after_refusal
from tests.support.example_chat import example

REFUND = "no I dont want to send money, I want a refund"


async def test_a_refusal_then_an_out_of_scope_request_withdraws_the_flow():
    table = {"send money to my mum": ("transfer_money", 0.99), REFUND: ("deny", 0.62),
             "I want a refund": ("out_of_scope", 0.9)}
    async with example("banking_en") as world:
        chat = world.chat(table)
        await chat.say("send money to my mum")
        assert chat.waiting == "slot:amount"
        said = await chat.say(REFUND)
        assert chat.state.frame is None and "recipient" not in chat.state.slots
        assert chat.events[:2] == ["request_withdrawn", "flow_cancelled"] and "out_of_scope" in chat.events
        assert said == ["No problem, stopped. What else can I do for you?",
                        "Sorry, I can only help with card services, like activating a card, reporting a lost one, "
                        "checking a balance or sending money."]


async def test_a_refusal_then_another_flow_starts_that_flow():
    table = {"我要开户": ("办理", 0.99), "我不想开户了，帮我查下话费": ("否定", 0.7), "帮我查下话费": ("查询", 0.97)}
    async with example("telecom_zh") as world:
        chat = world.chat(table)
        await chat.say("我要开户")
        await chat.say("我不想开户了，帮我查下话费")
        assert [f.flow for f in chat.state.stack] == ["query"]
        assert "request_withdrawn" in chat.events and "flow_cancelled" in chat.events


async def test_the_same_request_again_is_a_correction_not_a_withdrawal():
    table = {"send money to my mum": ("transfer_money", 0.99),
             "I dont want to send it to mum, send it to dad": ("transfer_money", 0.8),
             "send it to dad": ("transfer_money", 0.9)}
    async with example("banking_en") as world:
        chat = world.chat(table)
        await chat.say("send money to my mum")
        await chat.say("I dont want to send it to mum, send it to dad")
        assert chat.state.frame.flow == "transfer_money" and "request_withdrawn" not in chat.events


async def test_an_unsure_rest_or_no_flow_keeps_the_reading():
    table = {"send money to my mum": ("transfer_money", 0.99), REFUND: ("deny", 0.62),
             "I want a refund": ("out_of_scope", 0.3)}
    async with example("banking_en") as world:
        chat = world.chat(table)
        await chat.say("send money to my mum")
        await chat.say(REFUND)
        assert chat.state.frame.flow == "transfer_money" and "request_withdrawn" not in chat.events


async def test_a_message_without_a_refusal_is_ranked_once():
    table = {"send money to my mum": ("transfer_money", 0.99)}
    async with example("banking_en") as world:
        chat = world.chat(table)
        await chat.say("send money to my mum")
        assert chat.agent.parse.classifier.calls == ["send money to my mum"]


@pytest.mark.parametrize("text, language, rest", [
    (REFUND, "en", "I want a refund"),
    ("nah i dont wanna transfer anything. whats my balance", "en", "whats my balance"),
    ("I don't want to send it to mum, send it to dad", "en", "send it to dad"),
    ("I dont want to cancel", "en", None), ("no", "en", None), ("I don't want that", "en", None),
    ("I don't want to send it, I don't want to", "en", None),
    ("我不想换套餐了，帮我查下话费", "zh", "帮我查下话费"), ("不是，我不要办宽带，我要投诉", "zh", "我要投诉"),
    ("不要了", "zh", None), ("我要投诉", "zh", None),
])
def test_after_refusal(text, language, rest):
    assert after_refusal(text, language) == rest


async def test_an_out_of_scope_question_after_a_refusal_keeps_the_flow():
    text = "I don't want to say, can I just give his phone number?"
    table = {"send money to my mum": ("transfer_money", 0.99), text: ("deny", 0.7),
             "can I just give his phone number?": ("out_of_scope", 0.9)}
    async with example("banking_en") as world:
        chat = world.chat(table)
        await chat.say("send money to my mum")
        await chat.say(text)
        assert chat.state.frame.flow == "transfer_money" and "request_withdrawn" not in chat.events
