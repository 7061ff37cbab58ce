"""Issue 8, items 5 and 7: no silent turns (a flow out of attempts says so), and the
built-in commands /restart, /session_start and '/intent{"slot": "value"}' payloads."""
from __future__ import annotations

import pytest

from framework.engine.commands import command, parse_payload
from tests.support.example_chat import BANKING_TABLE, ID, TELECOM_TABLE, banking_confirm, example, telecom_confirm

GAVE_UP = {
    "telecom_zh": "抱歉，这件事我们没能办成。您可以稍后再试，或者说“转人工”。",
    "banking_en": "Sorry, I couldn't get that done. You can try again later, or ask for an agent.",
}
RESTARTED = {"telecom_zh": "好的，我们重新开始。请问有什么可以帮您？", "banking_en": "Okay, let's start over. How can I help?"}
TABLES = {"telecom_zh": TELECOM_TABLE, "banking_en": BANKING_TABLE}
TO_CONFIRM = {"telecom_zh": telecom_confirm, "banking_en": banking_confirm}


# --------------------------------------------------------------------------- no silent turns

async def test_telecom_a_collect_step_out_of_attempts_without_on_failure_says_so():
    async with example("telecom_zh") as world:
        chat = world.chat(TELECOM_TABLE)
        await chat.say("我想办理业务")  # ask_business has no on_failure
        for _ in range(2):  # "随便" until session 33, now a hedge that uses no attempt
            assert await chat.say("手机") == ['目前线上只能办理"开户"或"换套餐"，请选择其中一项。']
        assert await chat.say("手机") == [GAVE_UP["telecom_zh"]]
        assert chat.events == ["slot_invalid", "collect_failed", "flow_completed"]
        assert chat.state.stack == () and chat.state.slots == {}


async def test_banking_a_collect_step_out_of_attempts_without_on_failure_says_so():
    async with example("banking_en") as world:
        chat = world.chat(BANKING_TABLE)
        await chat.say("what's my balance")  # ask_last4 has no on_failure
        for _ in range(2):
            assert await chat.say("my card") == ["That doesn't look right. I need exactly four digits, for example 4821."]
        assert await chat.say("the blue one") == [GAVE_UP["banking_en"]]
        assert "collect_failed" in chat.events and chat.state.stack == ()


async def test_a_flow_that_ends_without_a_word_still_answers():
    async with example("telecom_zh") as world:
        chat = world.chat(TELECOM_TABLE)
        await chat.say("这个套餐不错")  # consult: overview, then "which plan?" (max 2, on_failure: END)
        await chat.say("都行")
        assert await chat.say("都行") == ["还有什么可以帮您的吗？"]
        assert "silence_filled" in chat.events and chat.state.stack == ()


# --------------------------------------------------------------------------- /restart, /session_start

@pytest.mark.parametrize("domain", ["telecom_zh", "banking_en"])
async def test_restart_resets_the_conversation(domain):
    async with example(domain) as world:
        chat = world.chat(TABLES[domain])
        await TO_CONFIRM[domain](chat)
        assert await chat.say("/restart") == [RESTARTED[domain]]
        assert chat.events == ["session_restarted"]
        assert chat.state.stack == () and chat.state.slots == {} and len(chat.state.history) == 1
        assert "confirmed" not in chat.events and chat.turn.nlu.ranking == ()  # no model was asked


@pytest.mark.parametrize("domain,greeting", [
    ("telecom_zh", "您好"), ("banking_en", "H"),
])
async def test_session_start_greets_in_a_fresh_session(domain, greeting):
    async with example(domain) as world:
        chat = world.chat(TABLES[domain])
        await TO_CONFIRM[domain](chat)
        replies = await chat.say("/session_start")
        assert len(replies) == 1 and replies[0].startswith(greeting)
        assert chat.events == ["session_started"] and chat.state.stack == ()


# --------------------------------------------------------------------------- payloads

async def test_telecom_payload_with_slots_starts_the_flow_filled():
    async with example("telecom_zh") as world:
        chat = world.chat(TELECOM_TABLE)
        replies = await chat.say('/办理{"business": "开户", "plan": "59"}')
        assert chat.state.slots == {"business": "开户", "plan": "59"} and chat.waiting == "slot:name"
        assert replies in (["请问您的姓名是？"], ["麻烦告诉我您的真实姓名（与身份证一致）。"])
        await chat.say("张三")
        await chat.say(ID)
        assert chat.waiting == "confirm"
        assert "开户成功" in (await chat.say("/肯定"))[-1]


async def test_banking_payload_with_slots_and_an_invalid_value():
    async with example("banking_en") as world:
        chat = world.chat(BANKING_TABLE)
        await chat.say('/activate_card{"card_last4": "4821", "name": "Maria Garcia"}')
        assert chat.waiting == "confirm" and chat.state.slots == {"card_last4": "4821", "name": "Maria Garcia"}
        assert await chat.say("/deny") == ["What would you like to change? You can change: last four digits, name."]
        await chat.say("/restart")
        await chat.say('/activate_card{"card_last4": "48"}')  # not four digits: not taken
        assert chat.state.slots == {} and chat.waiting == "slot:card_last4"


def test_payload_parsing():
    intents = ["affirm", "办理"]
    one = parse_payload('/办理{"plan": "59", "n": 3}', intents)
    assert [(s.name, s.confidence) for s in one.ranking] == [("办理", 1.0)]
    assert [(e.entity, e.value, e.extractor) for e in one.entities] == [("plan", "59", "payload"), ("n", 3, "payload")]
    assert parse_payload("/affirm", intents).entities == ()
    assert parse_payload('/affirm{not json', intents).entities == ()  # still the intent
    assert parse_payload("/unknown", intents) is None and parse_payload("affirm", intents) is None
    assert parse_payload('/affirm{"x": [1]}', intents).entities == ()  # only plain values
    assert command(" /restart ") == "/restart" and command("/session_start") == "/session_start"
    assert command("/restart now") is None and command(None) is None
