"""`from_trigger` (framework/engine/trigger_text.py): the message that started a flow as the
answer to its free-text question, only when it says more than the request; its spec errors
(E067, E012, E038); and telecom_zh's complaint flow filling the complaint, the name, the ID
number and the loss from what the customer already said, the ID masked in the log.

Pure engine turns with a fixed intent per text (no model); the telecom_zh part goes through
the Agent with the test FakeClassifier and the domain's demo backend.
"""
from __future__ import annotations

import datetime as dt
import logging

import pytest

from framework.engine.lifetimes import pii_values
from framework.engine.state import SessionState
from framework.engine.turn import handle_message
from framework.masking import install_log_masking, mask_values, uninstall_log_masking
from framework.nlu.interface import IntentScore, NLUResult
from framework.spec import SpecErrors
from tests.support.example_chat import TELECOM_TABLE, example
from tests.test_entity_slots import write_domain

NOW = dt.datetime(2026, 12, 2, 10, 0)
DOMAIN = """\
version: "1"
language: zh
flows: [flows]
settings: {fallback_threshold: 0.5}
intents:
  投诉: {examples: [我要投诉]}
  查询: {examples: [查余额]}
slots:
  complaint: {type: text, min_length: 4, max_length: 20}
  phone: {type: phone}
responses:
  utter_ask_complaint: [{text: 请描述一下问题。}]
  utter_ask_phone: [{text: 请提供手机号。}]
  utter_done: [{text: "已登记：{complaint}"}]
"""
FLOWS = """\
flows:
  complaint:
    trigger: 投诉
    states:
      ask_complaint:
        collect: complaint
        FROM_TRIGGER
        next: done
      done: {end: utter_done}
  query:
    trigger: 查询
    states:
      ask_phone: {collect: phone, next: END}
"""
LONG = "你们上个月多扣了我五十块钱话费，打了三次客服都没人处理，我要投诉"


def assistant_with(tmp_path, option: str, flows: str = FLOWS, domain: str = DOMAIN):
    return write_domain(tmp_path, {"domain.yml": domain, "flows/complaint.yml": flows.replace("FROM_TRIGGER", option)})


def turn(assistant, state, text, intent):
    nlu = NLUResult(text, (IntentScore(intent, 0.99),) if intent else (), ())
    return handle_message(assistant, state, nlu, now=NOW)


def start(assistant, text, intent="投诉"):
    return turn(assistant, SessionState.new("u", NOW.timestamp()), text, intent)


def replies(result) -> list[str]:
    return [r.text for r in result.replies]


@pytest.mark.parametrize("option,text,filled", [
    ("from_trigger: {min_length: 8}", "家里宽带三天都没修好，我要投诉", True),
    ("from_trigger: {min_length: 8}", "我要投诉", False),  # the bare request: asked
    ("from_trigger: {min_length: 8}", "我要投诉！！！😡😡😡😡", False),  # punctuation and emoji do not count
    ("from_trigger: {min_length: 8}", LONG, False),  # longer than the slot's max_length 20: asked
    ("from_trigger: true", "我要投诉", True),  # the slot's own min_length (4) alone
    ("from_trigger: true", "投诉！", False),
    ("from_trigger: false", "家里宽带三天都没修好，我要投诉", False),
    ("", "家里宽带三天都没修好，我要投诉", False),  # off by default
])
def test_the_triggering_message_fills_the_slot_only_when_it_says_enough(tmp_path, option, text, filled):
    result = start(assistant_with(tmp_path, option), text)
    if filled:
        assert replies(result) == [f"已登记：{text}"]
        assert [e.data["source"] for e in result.events if e.name == "slot_set"] == ["trigger"]
    else:
        assert replies(result) == ["请描述一下问题。"] and "complaint" not in result.state.slots


def test_also_when_the_flow_interrupts_another_but_never_on_a_later_turn(tmp_path):
    assistant = assistant_with(tmp_path, "from_trigger: {min_length: 8}")
    asking_phone = start(assistant, "查余额", "查询").state
    result = turn(assistant, asking_phone, "家里宽带三天都没修好，我要投诉", "投诉")
    assert replies(result) == ["已登记：家里宽带三天都没修好，我要投诉", "请提供手机号。"]  # the query resumes
    # asked after a bare request, the next message is an ordinary answer
    asked = start(assistant, "我要投诉").state
    later = turn(assistant, asked, "家里宽带三天都没修好，我要投诉", "投诉")  # its own trigger: the answer
    assert [e.data["source"] for e in later.events if e.name == "slot_set"] == ["collect"]


@pytest.mark.parametrize("option,domain,flows,expected", [
    ("from_trigger: true", DOMAIN, FLOWS.replace("collect: complaint", "collect: phone"),
     "flows/complaint.yml:7:9: E067 flows.complaint.states.ask_complaint.from_trigger: 'from_trigger' takes the "
     "whole message as the value of a text slot; 'phone' is a 'phone' slot. Expected a text slot (a free-text "
     "answer such as a complaint); found slot 'phone' of type phone. Typed values in the triggering message fill "
     "their slots from entities already: remove 'from_trigger'."),
    ("from_trigger: {min_length: 50}", DOMAIN, FLOWS,
     "flows/complaint.yml:7:36: E067 flows.complaint.states.ask_complaint.from_trigger.min_length: min_length 50 "
     "is above slot 'complaint''s max_length 20, so no message can fill it. Expected a min_length of at most 20; "
     "found 50."),
    ("from_trigger: true", DOMAIN, FLOWS.replace("    trigger: 投诉\n", "") + "      go: {link: complaint}\n",
     "flows/complaint.yml:6:9: E067 flows.complaint.states.ask_complaint.from_trigger: flow 'complaint' has no "
     "trigger, so no message starts it. Expected a flow with 'trigger: <intent>'; found no trigger (only a link "
     "starts it). Remove 'from_trigger', or give the flow a trigger intent."),
    ("from_trigger: 8", DOMAIN, FLOWS,
     "flows/complaint.yml:7:23: E012 flows.complaint.states.ask_complaint.from_trigger: wrong type of value. "
     "Expected true, or {min_length: N, request_words: [...]} (N letters, digits and CJK characters besides the "
     "request words); found the number 8."),
])
def test_spec_errors(tmp_path, option, domain, flows, expected):
    with pytest.raises(SpecErrors) as err:
        assistant_with(tmp_path, option, flows, domain)
    assert expected in str(err.value).splitlines()


def test_only_on_a_collect_step(tmp_path):
    flows = FLOWS.replace("        FROM_TRIGGER\n", "").replace("      done: {end: utter_done}",
                                                               "      done: {end: utter_done, from_trigger: true}")
    with pytest.raises(SpecErrors) as err:
        assistant_with(tmp_path, "", flows)
    assert "E038 flows.complaint.states.done.from_trigger: 'from_trigger' belongs to a collect step" in str(err.value)


ID = "110101199003074514"  # valid check digit
THREE = f"我叫张三，身份证号是 {ID}，损失大概三千五"


async def test_telecom_complaint_three_slots_at_once_and_the_id_masked_in_the_log(caplog):
    outage = "家里宽带断了三天，耽误了店里生意"
    async with example("telecom_zh") as world:
        ask_name = world.assistant.responses["utter_ask_complaint_name"].variants[0].text
        chat = world.chat({**TELECOM_TABLE, LONG: "投诉", outage: "投诉", THREE: "提供信息"})
        assert await chat.say(LONG) == [ask_name]  # the complaint is not asked for again
        assert chat.state.slots == {"complaint": LONG, "loss": {"amount": 50, "currency": "CNY"}}  # 五十块钱
        chat = chat.at(None)
        await chat.say("我要投诉")
        assert await chat.say(outage) == [ask_name]
        install_log_masking()
        try:
            with caplog.at_level(logging.INFO):
                replies = await chat.say(THREE)
                # what the served log writes of the turn (framework.server.conversation)
                logging.getLogger("framework.server").info("%s", mask_values(
                    f"text={THREE!r} replies={replies!r}", pii_values(world.assistant, chat.turn.events)))
        finally:
            uninstall_log_masking()
        assert {k: chat.state.slots[k] for k in ("name", "id_number", "loss")} == {
            "name": "张三", "id_number": ID, "loss": {"amount": 3500, "currency": "CNY"}}
        # none asked again: read back (the ID masked) before it is filed (session 27)
        assert replies == ["请核对：投诉「家里宽带断了三天，耽误了店里生意」，张三，身份证号 110101********4514，经济损失 3500元。确认登记这条投诉吗？"]
        assert (await chat.say("确认"))[0].startswith("您的投诉已登记，工单号") and chat.waiting == "confirm"
        assert ID not in caplog.text and "张三" not in caplog.text and "损失大概三千五" in caplog.text
