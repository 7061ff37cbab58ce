"""A checked value of another slot as the answer to a question: "13812345678" at the ID
question heard "身份证号校验没有通过，请检查是否输错了某一位" (customer trial, session 16), as if one
digit were wrong. Now the assistant says what it saw and what it needs
(`utter_other_kind_of_value`), then the question; a wrong ID number keeps its own error.
At a text slot the same number was stored as the customer's name or as the complaint
(session 17); now it gets that reply too (framework.engine.value_guard.other_kind).
Pure engine turns with set rankings.
"""
from __future__ import annotations

from tests.support.engine_turns import replies, start, turns, write_domain

DOMAIN = """\
version: "1"
language: %s
flows: [flows]
settings: {fallback_threshold: 0.5}
intents:
  complain: {examples: [我要投诉]}
  report: {examples: [我要反映问题]}
  inform: {examples: [张三]}
slots:
  id_number: {type: id_number, error: utter_invalid_id, label: 身份证号}
  phone: {type: phone, label: 手机号}
  email: {type: email, label: e-mail address}
  name: {type: text, min_length: 2, max_length: 20, label: 姓名}
  complaint: {type: text, min_length: 4, max_length: 500, label: 投诉内容}
responses:
  utter_ask_id_number: [{text: 请输入身份证号。}]
  utter_invalid_id: [{text: 身份证号校验没有通过。}]
  utter_done: [{text: 好的。}]
  utter_ask_name: [{text: 请问您的姓名是？}]
  utter_ask_complaint: [{text: 请描述您的问题。}]
"""
FLOW = """\
flows:
  complain:
    trigger: complain
    states:
      ask_id: {collect: id_number, next: done}
      done: {end: utter_done}
  report:
    trigger: report
    states:
      ask_complaint: {collect: complaint, next: ask_name}
      ask_name: {collect: name, next: ask_id}
      ask_id: {collect: id_number, next: done}
      done: {end: utter_done}
"""
turn = turns(default_intent="inform", runner_up=("complain", "report"))


def test_a_phone_number_at_the_id_question(tmp_path):
    zh = write_domain(tmp_path, {"domain.yml": DOMAIN % "zh", "flows/f.yml": FLOW})
    state = turn(zh, start(), "我要投诉", "complain").state
    result = turn(zh, state, "13812345678")
    assert replies(result) == ["这看起来是手机号，这里需要的是身份证号。", "请输入身份证号。"]
    assert result.state.frame.attempts == 1
    assert replies(turn(zh, state, "110105194912310021")) == ["身份证号校验没有通过。"]  # a wrong check digit
    assert replies(turn(zh, state, "11010519491231002X")) == ["好的。"]


def test_english_and_a_value_inside_a_longer_message(tmp_path):
    en = write_domain(tmp_path, {"domain.yml": DOMAIN % "en", "flows/f.yml": FLOW})
    state = turn(en, start(), "我要投诉", "complain").state
    assert replies(turn(en, state, "jane.doe@example.com")) == [
        "That looks like your e-mail address, but I need the 身份证号 here.", "请输入身份证号。"]
    long = "sorry I really do not have the number with me right now, my phone is 13812345678"
    assert replies(turn(en, state, long))[0] != "That looks like your 手机号, but I need the 身份证号 here."


def test_a_phone_number_is_no_name_and_no_complaint(tmp_path):
    zh = write_domain(tmp_path, {"domain.yml": DOMAIN % "zh", "flows/f.yml": FLOW})
    state = turn(zh, start(), "我要反映问题", "report").state
    for text in ("13812345678", "我的手机号13812345678"):
        result = turn(zh, state, text)
        assert replies(result) == ["这看起来是手机号，这里需要的是投诉内容。", "请描述您的问题。"]
        assert "complaint" not in result.state.slots and result.state.frame.attempts == 0
    about_a_number = turn(zh, state, "号码13812345678一直收到骚扰电话")  # a complaint about that number
    assert replies(about_a_number) == ["请问您的姓名是？"]
    state = about_a_number.state
    result = turn(zh, state, "13812345678")
    assert replies(result) == ["这看起来是手机号，这里需要的是姓名。", "请问您的姓名是？"]
    assert "name" not in result.state.slots
    assert replies(turn(zh, state, "张三")) == ["请输入身份证号。"]


def test_an_id_number_ahead_of_its_question_is_kept(tmp_path):
    zh = write_domain(tmp_path, {"domain.yml": DOMAIN % "zh", "flows/f.yml": FLOW})
    state = turn(zh, start(), "我要反映问题", "report").state
    result = turn(zh, state, "11010519491231002X")  # the flow asks for it later: kept, not the complaint
    assert replies(result) == ["好的，身份证号记下了。", "请描述您的问题。"]  # acknowledged (customer trial, session 43)
    assert result.state.slots == {"id_number": "11010519491231002X"}
