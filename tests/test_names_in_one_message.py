"""Names as customers say them (customer trial, session 13), on the real example domains:

- a name corrected inside one message ("我叫赵六，不对，我叫赵大六") is the corrected one; the
  entity head tagged only 赵六, and it used to be stored;
- a surname alone ("我姓李", "王女士", "Mr Smith") is no full name: the built-in
  `utter_full_name` asks for it, without using up an attempt, and a full name after it is
  stored.

Engine turns; the intent and the model's entities are set by hand, as the trained models
read these messages (telecom_zh seed 13: 否定 1.00 with name = 赵六; 提供信息 0.99 with
name = 王女士)."""
from __future__ import annotations

import datetime as dt

import pytest

from framework.engine.state import SessionState
from framework.engine.turn import handle_message
from framework.nlu.interface import Entity, IntentScore, NLUResult
from framework.slots import extract_entities
from framework.slots.answers import corrected_tail
from framework.slots.partial_names import partial_name
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)

NOW = dt.datetime(2026, 12, 3, 10, 0)


def say(assistant, state, text, intent, *learnt):
    found = extract_entities(assistant, text, today=NOW.date())
    model = tuple(Entity(name, value, value, text.index(value), text.index(value) + len(value), "model", 0.97)
                  for name, value in learnt)
    return handle_message(assistant, state, NLUResult(text, (IntentScore(intent, 0.99),), (*found, *model)), now=NOW)


def replies(result):
    return [r.response for r in result.replies]


def at_name(telecom):
    result = say(telecom, SessionState.new("u", NOW), "我要开户", "办理")
    assert result.state.stack[-1].waiting_for == "slot:name"
    return result.state


@pytest.mark.parametrize("text, intent, learnt, name", [
    ("我叫赵六，不对，我叫赵大六", "否定", [("name", "赵六")], "赵大六"),
    ("张三，不对，是张珊", "否定", [], "张珊"),
    ("张三，说错了，张珊", "提供信息", [("name", "张三")], "张珊"),
    ("我叫张三，不是张珊", "提供信息", [("name", "张三")], "张三"),  # 不是 negates what follows
    ("我姓李，叫李明", "提供信息", [], "李明"),
    ("叫我王建国就行", "提供信息", [], "王建国"),  # a carrier phrase (a nickname, "叫我老王就行", asks for the full name since session 29)
])
def test_telecom_the_name_said_last_after_a_correction(telecom, text, intent, learnt, name):
    result = say(telecom, at_name(telecom), text, intent, *learnt)
    assert result.state.slots["name"] == name
    assert replies(result) == ["utter_ask_id_number"]


@pytest.mark.parametrize("text, learnt", [
    ("我姓李", []), ("免贵姓王。", []), ("王女士", [("name", "王女士")]), ("我是张先生", [("name", "张先生")]),
])
def test_telecom_a_surname_alone_asks_for_the_full_name(telecom, text, learnt):
    result = say(telecom, at_name(telecom), text, "提供信息", *learnt)
    assert replies(result) == ["utter_full_name"]
    assert result.replies[0].text == "请告诉我完整的姓名，姓和名都要。"
    assert "name" not in result.state.slots
    frame = result.state.stack[-1]
    assert frame.waiting_for == "slot:name" and frame.attempts == 0
    result = say(telecom, result.state, "李明", "提供信息")
    assert result.state.slots["name"] == "李明"


def test_telecom_a_surname_in_the_first_message_is_not_stored(telecom):
    result = say(telecom, SessionState.new("u", NOW), "我要开户，我是王女士", "办理", ("name", "王女士"))
    assert "name" not in result.state.slots
    assert "partial_value" in [e.name for e in result.events]


def _at_recipient(banking):
    result = say(banking, SessionState.new("u", NOW), "send 50 dollars", "transfer_money")
    assert result.state.stack[-1].waiting_for == "slot:recipient"
    return result.state


@pytest.mark.parametrize("text, learnt", [
    ("Mr Smith", [("recipient", "Mr Smith")]), ("his last name is Smith", []), ("Mrs. Lee", []),
])
def test_banking_a_surname_alone_asks_for_the_full_name(banking, text, learnt):
    result = say(banking, _at_recipient(banking), text, "inform", *learnt)
    assert replies(result) == ["utter_full_name"]
    assert result.replies[0].text == "I need the full name for the recipient, first and last name. Could you give it to me?"
    assert "recipient" not in result.state.slots


@pytest.mark.parametrize("text, learnt, recipient", [
    ("Mr John Smith", [("recipient", "Mr John Smith")], "John Smith"),  # the title dropped (session 28)
    ("Drew", [], "Drew"),
    ("Jane, no wait, Janet Doe", [("recipient", "Jane")], "Janet Doe"),
    ("my mum", [], "my mum"),
])
def test_banking_names_and_a_correction_in_one_message(banking, text, learnt, recipient):
    result = say(banking, _at_recipient(banking), text, "inform", *learnt)
    assert result.state.slots["recipient"] == recipient


@pytest.mark.parametrize("text, value, language, partial", [
    ("我姓李", "我姓李", "zh", True), ("本人姓欧阳", "本人姓欧阳", "zh", True), ("李女士", "李女士", "zh", True),
    ("我姓李，叫李明", "李明", "zh", False), ("张三", "张三", "zh", False), ("姓名是张三", "张三", "zh", False),
    ("Dr. Who", "Dr. Who", "en", True), ("surname Li", "surname Li", "en", True),
    ("Missy", "Missy", "en", False), ("Drew Barry", "Drew Barry", "en", False),
])
def test_partial_names(text, value, language, partial):
    assert partial_name(text, value, language) is partial


@pytest.mark.parametrize("text, language, tail", [
    ("我叫赵六，不对，我叫赵大六", "zh", "我叫赵大六"), ("张三，不对，是张珊", "zh", "张珊"),
    ("张三，不是张珊", "zh", None), ("不对", "zh", None),
    ("4821, no wait, 4321", "en", "4321"), ("Alice instead", "en", None),
])
def test_the_corrected_tail(text, language, tail):
    found = corrected_tail(text, language)
    assert (found[1] if found else None) == tail


def test_telecom_another_slots_answer_at_the_name_question_is_kept_and_the_name_asked_again(telecom):
    """Customer trial, session 14: "大概损失了八百块吧" at the complaint's name question was asked
    about as a name ("您说的姓名是大概损失了八百块吗？")."""
    state = say(telecom, SessionState.new("u", NOW), "我要投诉，网络老是断", "投诉").state
    assert state.stack[-1].waiting_for == "slot:name"
    result = say(telecom, state, "大概损失了八百块吧", "提供信息")
    assert result.state.slots["loss"] == {"amount": 800, "currency": "CNY"} and "name" not in result.state.slots
    assert replies(result) == ["utter_ask_complaint_name"]
    assert ("not_a_value", "answered_other") in [(e.name, e.data.get("kind")) for e in result.events]
    result = say(telecom, result.state, "我叫张三，损失八百", "提供信息")
    assert result.state.slots["name"] == "张三"


def test_telecom_more_of_the_complaint_at_the_name_question_is_added_to_it(telecom):
    """Customer trial, session 14: "断网断了两天，影响我工作了" (the complaint flow's own intent) at the
    name question got "好的，正在为您办理这件事。" and was lost from the complaint."""
    state = say(telecom, SessionState.new("u", NOW), "你好，我想投诉，你们的网络这两天老是断", "投诉").state
    assert state.slots["complaint"] == "你们的网络这两天老是断"  # greeting and request left out (session 37)
    result = say(telecom, state, "断网断了两天，影响我工作了", "投诉")
    assert result.state.slots["complaint"] == "你们的网络这两天老是断；断网断了两天，影响我工作了"
    assert replies(result) == ["utter_detail_added", "utter_ask_complaint_name"]
    assert result.replies[0].text == "好的，这个情况我也记下了。"
    assert replies(say(telecom, result.state, "断网断了两天，影响我工作了", "投诉")) == [  # said twice: once in it
        "utter_already_in_flow", "utter_ask_complaint_name"]


@pytest.mark.parametrize("text, learnt", [
    ("我叫刘洋，身份证11010519491231002X，换成99元的", [("name", "刘洋"), ("plan", "99元的")]),
    ("我叫刘洋，身份证11010519491231002X，换成99元的", [("name", "刘洋")]),
    ("我叫刘洋，身份证11010519491231002X，换成99的那个", [("name", "刘洋")]),
])
def test_a_choice_after_a_change_word_is_no_new_name(telecom, text, learnt):
    """Customer trial (session 21): "我叫刘洋，身份证…，换成99元的" at the name question stored
    "99元的" as the name (换成 read as a correction of the name being asked), and the plan
    change was submitted with it. The words after the marker give the plan: the name stays."""
    result = say(telecom, at_name(telecom), text, "提供信息", *learnt)
    assert result.state.slots["name"] == "刘洋" and result.state.slots["plan"] == "99"


@pytest.mark.parametrize("text", ["营业员对我很不耐烦，还把我的业务办错了，多收了200元",
                                  "莫名其妙开通了一个视频会员，每个月扣我15元，我从来没订过"])
def test_telecom_a_clause_of_the_complaint_is_no_name(telecom, text):
    """Customer trial, session 21: at the complaint's name question these stored the names
    "多收了200元" (no annotated name holds a digit) and "我从来没订过" (a clause that starts
    with 我 says something about the speaker, it names no one); the detail is the complaint's."""
    state = say(telecom, SessionState.new("u", NOW), "我要投诉你们乱扣费", "投诉").state
    result = say(telecom, state, text, "投诉")
    assert "name" not in result.state.slots
    assert replies(result) == ["utter_detail_added", "utter_ask_complaint_name"]
    assert text in result.state.slots["complaint"]


def test_telecom_a_name_after_i_still_counts(telecom):
    result = say(telecom, at_name(telecom), "我叫张三", "提供信息")
    assert result.state.slots["name"] == "张三"
