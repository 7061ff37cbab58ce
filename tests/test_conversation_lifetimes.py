"""Issue 8, item 3: slots end with their flow (unless `persist: true` or the flow's
`keep:`), and PII slots are erased as soon as no active flow uses them."""
from __future__ import annotations

import dataclasses

from framework.compile.machine import frozen_map
from framework.engine.lifetimes import owned_slots
from framework.spec import load_assistant
from tests.support.example_chat import BANKING_TABLE, ID, ROOT, TELECOM_TABLE, World, example


def with_slot(world: World, name: str, **changes) -> World:
    a = world.assistant
    slots = frozen_map({**a.slots, name: dataclasses.replace(a.slots[name], **changes)})
    return dataclasses.replace(world, assistant=dataclasses.replace(a, slots=slots))


def with_flow(world: World, name: str, **changes) -> World:
    a = world.assistant
    flows = frozen_map({**a.flows, name: dataclasses.replace(a.flows[name], **changes)})
    return dataclasses.replace(world, assistant=dataclasses.replace(a, flows=flows))


async def test_banking_a_lost_cards_digits_are_not_reused_for_a_balance_check():
    async with example("banking_en") as world:
        chat = world.chat(BANKING_TABLE)
        await chat.say("I lost my card")
        await chat.say("1234")
        assert "is blocked" in (await chat.say("yes"))[0]
        assert chat.state.slots == {} and "slots_cleared" in chat.events
        assert await chat.say("what's my balance") in (
            ["What are the last four digits of the card?"], ["Please tell me the last 4 digits of your card number."])


async def test_telecom_a_second_query_asks_for_the_number_again():
    async with example("telecom_zh") as world:
        chat = world.chat(TELECOM_TABLE)
        await chat.say("查一下话费余额")  # "话费余额" fills query_type
        assert "余额" in (await chat.say("13912345678"))[0]
        assert chat.state.slots == {}
        await chat.say("查一下话费余额")
        assert chat.waiting == "slot:phone"


async def test_persist_keeps_a_slot_and_so_does_the_flows_keep_list():
    # (phone is `pii: true` in the domain: a flow's `keep` does not override that, `persist` does)
    async with example("telecom_zh") as base:
        for world in (with_slot(base, "phone", persist=True), with_flow(with_slot(base, "phone", pii=False), "query", keep=("phone",))):
            chat = world.chat(TELECOM_TABLE)
            await chat.say("查一下话费余额")
            await chat.say("13912345678")
            assert chat.state.slots == {"phone": "13912345678"}
            replies = await chat.say("查一下话费余额")  # no question: the kept number is used
            assert "139****5678" in replies[0] and chat.state.stack == ()  # masked in replies since session 26


async def test_slots_of_an_interrupted_flow_live_until_it_ends():
    async with example("telecom_zh") as world:
        chat = world.chat(TELECOM_TABLE)
        await chat.say("我想办理业务")
        await chat.say("开户")
        await chat.say("张三")
        await chat.say(ID)
        await chat.say("查一下话费余额")  # business waits on the stack
        await chat.say("13912345678")
        assert [f.flow for f in chat.state.stack] == ["business"]
        assert chat.state.slots == {"business": "开户", "name": "张三", "id_number": ID}
        await chat.say("取消")
        assert chat.state.slots == {} and chat.state.stack == ()


async def test_pii_given_outside_any_flow_is_not_kept():
    async with example("telecom_zh") as world:
        chat = world.chat(TELECOM_TABLE)
        await chat.say(f"我叫张三，身份证{ID}")
        assert chat.state.slots == {}
        cleared = [e for e in chat.turn.events if e.name == "slots_cleared"]
        assert [(e.data["slots"], e.data["reason"]) for e in cleared] == [(("id_number", "name"), "pii")]
        # a flow that does not use it does not keep it either (the complaint flow asks for the ID now)
        await chat.say("查一下话费余额")
        await chat.say(f"营业厅的人把我的身份证号{ID}念出来了")
        assert "id_number" not in chat.state.slots


def test_a_flow_owns_what_it_collects_and_what_its_actions_set():
    assistant = load_assistant(ROOT / "domains" / "banking_en")
    assert owned_slots(assistant, assistant.flows["lost_card"]) == {"card_last4", "case_number", "delivery_window"}


async def test_pii_values_of_a_turn_can_be_masked_although_erased():
    from framework.engine.lifetimes import pii_values

    async with example("telecom_zh") as world:
        chat = world.chat(TELECOM_TABLE)
        await chat.say(f"我叫张三，身份证{ID}")
        assert chat.state.slots == {}
        assert sorted(pii_values(world.assistant, chat.turn.events)) == sorted([ID, "张三"])


async def test_banking_a_second_balance_check_asks_for_the_card_again():
    async with example("banking_en") as world:
        chat = world.chat(BANKING_TABLE)
        await chat.say("what's my balance")
        assert "$42.35" in (await chat.say("1234"))[0]
        assert chat.state.slots == {}
        await chat.say("what's my balance")
        assert chat.waiting == "slot:card_last4"
