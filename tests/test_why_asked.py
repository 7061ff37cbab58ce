""""Why do you need my ID?" at a question (framework.engine.why_asked): the domain's
utter_why_<slot>, else a built-in reason (another for a pii slot), then the question again;
no attempt used up; a value in the message wins; a sure cancel runs as itself. Pure engine
turns with set rankings, on both example domains."""
from __future__ import annotations

import pytest

from framework.engine.why_asked import asks_why
from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)

zh = turns(default_intent="其他", runner_up=("提供信息",))
en = turns(default_intent="out_of_scope", runner_up=("inform",))


def at_id(telecom):
    state = zh(telecom, start(), "我要投诉，你们乱扣我话费", "投诉").state
    return zh(telecom, state, "我叫李明", "提供信息").state


def test_why_the_id_number_then_the_question_again(telecom):
    """Customer trial, session 21: "为什么要我的身份证号？" (其他 0.75) was answered "抱歉，这个问题
    我暂时回答不了"."""
    state = at_id(telecom)
    result = zh(telecom, state, "为什么要我的身份证号？", "其他", 0.75)
    assert replies(result) == ["按实名制规定，办理业务和登记投诉都要核实机主身份。身份证号只用于这次核实，记录里会打码保存。",
                               "请提供您的 18 位身份证号码。"]  # the step's reprompt
    assert result.state.frame.attempts == state.frame.attempts and "reason_asked" in [e.name for e in result.events]
    result = zh(telecom, result.state, "11010519491231002X", "提供信息")
    assert result.state.slots["id_number"] == "11010519491231002X"


def test_a_value_beside_the_question_is_the_answer(telecom):
    result = zh(telecom, at_id(telecom), "为什么要这个？11010519491231002X", "提供信息", 0.6)
    assert result.state.slots["id_number"] == "11010519491231002X"
    assert "reason_asked" not in [e.name for e in result.events]


def test_a_sure_cancel_runs_as_itself(telecom):
    result = zh(telecom, at_id(telecom), "为什么要身份证，算了不投诉了", "取消", 0.97)
    assert "reason_asked" not in [e.name for e in result.events] and result.state.frame is None


def test_english_card_digits(banking):
    state = en(banking, start(), "I lost my card", "lost_card").state
    result = en(banking, state, "why do you need the card number?", "out_of_scope", 0.8)
    assert replies(result)[0] == "The last four digits tell me which of your cards you mean. I never need the full card number."
    assert len(replies(result)) == 2


def test_the_built_in_reason_for_a_pii_slot(banking):
    state = en(banking, start(), "activate my new card", "activate_card").state
    state = en(banking, state, "4821", "inform").state
    result = en(banking, state, "what do you need my name for?", "out_of_scope", 0.8)
    assert replies(result) == ["I need your name to check it's you and go on with this request; it is used for nothing "
                               "else and is masked in our records.", "What's the cardholder's name, as printed on the card?"]
    assert "name" not in result.state.slots


def test_a_complaint_that_asks_why_is_the_complaint(telecom):
    state = zh(telecom, start(), "我要投诉", "投诉").state
    result = zh(telecom, state, "为什么要扣我这么多话费", "投诉", 0.9)
    assert result.state.slots["complaint"] == "为什么要扣我这么多话费"


def test_a_why_about_another_value_is_no_reason_asked(telecom):
    """At "余额还是账单？" (a menu), "为什么要手机号？" asks nothing about the question."""
    state = zh(telecom, start(), "查一下我的话费", "查询").state
    result = zh(telecom, state, "为什么要手机号？", "其他", 0.7)
    assert "reason_asked" not in [e.name for e in result.events]


@pytest.mark.parametrize("text, language, slot, label, expected", [
    ("为什么要我的身份证号？", "zh", "id_number", "身份证号", True), ("要我手机号干嘛", "zh", "phone", "手机号", True),
    ("身份证号有什么用", "zh", "id_number", "身份证号", True), ("为啥还得提供身份证", "zh", "id_number", "身份证号", True),
    ("为什么要这个", "zh", "id_number", "身份证号", True), ("为什么要手机号？", "zh", "id_number", "身份证号", False),
    ("我的身份证号是11010519491231002X", "zh", "id_number", "身份证号", False),
    ("为什么要扣我话费", "zh", "complaint", "投诉内容", False),
    ("why do you need my ID?", "en", "id_number", "ID number", True), ("what's that for?", "en", "name", "name", True),
    ("why do you need the card number?", "en", "card_last4", "last four digits", True),
    ("what do you need my name for?", "en", "name", "name", True),
    ("why do you need my phone number?", "en", "card_last4", "last four digits", False),
    ("why is my card blocked", "en", "card_last4", "last four digits", False), ("my name is Jane", "en", "name", "name", False),
])
def test_asks_why(text, language, slot, label, expected):
    assert asks_why(text, language, slot, label) is expected
