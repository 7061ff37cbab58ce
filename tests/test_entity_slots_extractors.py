"""The customer-trial bugs of issue 10 in the rule-based extractors, and their neighbours:
a name after an introduction ("Name on it is Jane Doe" stored "on it is Jane Doe"), and
digits said as words ("four three two one", 四三二一, 幺 for 1) in digit-string slots."""
from __future__ import annotations

import datetime as dt

import pytest

from framework.engine.state import SessionState
from framework.engine.turn import handle_message
from framework.nlu.interface import IntentScore, NLUResult
from framework.slots import extract_entities, parse_value
from framework.slots.context import collect_text
from framework.slots.digit_words import digits_only, spell_digits
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)

TODAY = dt.date(2026, 12, 2)


@pytest.mark.parametrize("text", [
    "Name on it is Jane Doe", "the name on it is Jane Doe", "name on the card is Jane Doe",
    "The card says Jane Doe", "name: Jane Doe", "it's under Jane Doe", "my name is Jane Doe", "Jane Doe",
    "Jane Doe.",
])
def test_a_name_after_an_introduction(banking, text):
    assert collect_text(banking, banking.slots["name"], text).value == "Jane Doe"


@pytest.mark.parametrize("text,name", [
    ("名字写的是张三", "张三"), ("我的名字叫做李四", "李四"), ("我叫做王五", "王五"), ("姓名：赵六", "赵六"),
    ("张三吧", "张三"), ("名字是张是非", "张是非"),
])
def test_a_chinese_name_after_an_introduction(telecom, text, name):
    assert collect_text(telecom, telecom.slots["name"], text).value == name


def test_a_name_said_mid_flow_is_found_after_the_introduction(banking):
    found = extract_entities(banking, "Name on it is Jane Doe, ending 4821", TODAY)
    assert [(e.entity, e.value) for e in found] == [("name", "Jane Doe"), ("card_last4", "4821")]


def test_no_name_taken_from_ordinary_words(banking):
    for text in ("name is wrong", "it's under my bed", "this is about my card"):
        assert [e for e in extract_entities(banking, text, TODAY) if e.entity == "name"] == []


@pytest.mark.parametrize("text,digits", [
    ("four three two one", "4321"), ("Four-three-two-one.", "4321"),
    ("double seven one two", "7712"), ("four oh two one", "4021"), ("四三二一", "4321"), ("幺二三四", "1234"),
    ("４３２１", "4321"), ("4 3 2 1", "4321"),
])
def test_digit_words_fill_a_digits_slot(banking, text, digits):
    assert parse_value(banking.slots["card_last4"], text, "en").value == digits


def test_digit_words_are_found_inside_a_sentence(banking):
    found = extract_entities(banking, "card ending four three two one, name Jane Doe", TODAY)
    assert [(e.entity, e.value, e.text) for e in found] == [
        ("card_last4", "4321", "four three two one"), ("name", "Jane Doe", "Jane Doe")]


def test_a_phone_number_dictated_with_yao(telecom):
    for text in ("幺三八幺二三四五六七八", "一三八 一二三四 五六七八", "手机号是幺三八 幺二三四 五六七八"):
        found = [e for e in extract_entities(telecom, text, TODAY) if e.entity == "phone"]
        assert [e.value for e in found] == ["13812345678"], text
    assert parse_value(telecom.slots["phone"], "幺三八 幺二三四 五六七八", "zh").value == "13812345678"


@pytest.mark.parametrize("text", ["I have two cards", "three people", "我有两张卡", "三千五", "一下", "第一", "文三路",
                                  "oh no", "one"])
def test_counts_and_words_are_not_digit_strings(text):
    assert spell_digits(text)[0] == text
    assert digits_only(text) is None


def test_the_engine_fills_the_digits_slot_from_words(banking):
    state = SessionState.new("u", dt.datetime(2026, 12, 2, 10))
    flow = next(f for f in banking.flows.values() if any(
        getattr(s.step, "slot", None) == "card_last4" for s in f.states.values()))
    trigger = flow.triggers[0]
    nlu = NLUResult("activate my card", (IntentScore(trigger, 0.99),), ())
    state = handle_message(banking, state, nlu, now=dt.datetime(2026, 12, 2, 10)).state
    while state.stack and state.stack[-1].waiting_for != "slot:card_last4":
        text = "Jane Doe"
        nlu = NLUResult(text, (), extract_entities(banking, text, TODAY))
        state = handle_message(banking, state, nlu, now=dt.datetime(2026, 12, 2, 10)).state
    text = "four three two one"
    result = handle_message(banking, state, NLUResult(text, (), extract_entities(banking, text, TODAY)),
                            now=dt.datetime(2026, 12, 2, 10))
    changes = {e.data["slot"]: e.data["value"] for e in result.events if e.name == "slot_set"}
    assert changes["card_last4"] == "4321"


def test_a_recipient_after_a_preposition(tmp_path):
    """'send 50 dollars to John' stored the recipient 'to John' (issue 10)."""
    from tests.test_entity_slots import SEND_EN, write_domain

    assistant = write_domain(tmp_path, SEND_EN)
    for text in ("to John", "send it to John", "to John please", "John, thanks", "John"):
        assert collect_text(assistant, assistant.slots["recipient"], text).value == "John", text
    assert collect_text(assistant, assistant.slots["recipient"], "for Mary Smith").value == "Mary Smith"


@pytest.mark.parametrize("text", ["转给李四", "给李四", "李四"])
def test_a_chinese_recipient_after_gei(telecom, text):
    assert collect_text(telecom, telecom.slots["name"], text).value == "李四"
