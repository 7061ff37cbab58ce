"""Resident ID numbers in the customer trial of session 27 (domains/telecom_zh, slot id_number).

- "110105203006011230" (born 2030, check digit right) went through to the confirmation: a
  birth date after the turn's date, or before 1900, makes an ID number invalid
  (framework.slots.identity.check_id_number, given `today`).
- "身份证 110105 19800101 123X" (a wrong check digit, typed in groups) heard "这看起来是手机号，
  这里需要的是身份证号": its middle was read as a phone number. A run of digits of an ID
  number's length (18 with a last X, or 15), spaces and hyphens removed, holds no phone number
  (framework.slots.identity.id_shaped_spans).
"""
from __future__ import annotations

import datetime as dt

import pytest

from framework.slots import extract_entities
from framework.slots.identity import check_id_number, id_check_char
from tests.support.engine_turns import NOW, replies, start, turns
from tests.support.example_domains import telecom  # noqa: F401 (fixtures)

zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))

INVALID_ID = {"这个身份证号好像不对（位数、出生日期或校验位有误），请核对后重新输入。",
              "没能认出有效的身份证号，请输入 18 位身份证号码（最后一位可能是 X）。"}


def _id(birth: dt.date, serial: str = "123") -> str:
    first17 = f"110105{birth:%Y%m%d}{serial}"
    return first17 + id_check_char(first17)


@pytest.fixture
def at_id_question(telecom):
    state = zh(telecom, start(), "我要开户", "办理").state
    state = zh(telecom, state, "我叫张伟").state
    assert state.frame.waiting_for == "slot:id_number"
    return state


def test_a_birth_date_after_today_is_invalid():
    today = NOW.date()
    assert check_id_number(_id(today - dt.timedelta(days=1)), today)[0] == _id(today - dt.timedelta(days=1))
    assert check_id_number(_id(today), today)[0] == _id(today)
    assert check_id_number(_id(today + dt.timedelta(days=1)), today)[0] is None
    assert check_id_number("110105203006011230", today)[0] is None
    assert check_id_number(_id(dt.date(1899, 12, 31)), today)[0] is None


def test_a_future_id_number_is_no_entity(telecom):
    assert [e for e in extract_entities(telecom, "身份证110105203006011230", today=NOW.date())
            if e.entity == "id_number"] == []


@pytest.mark.parametrize("text", ["110105203006011230", "身份证号 110105 20300601 1230"])
def test_an_id_number_born_in_the_future_hears_the_invalid_id_reply(telecom, at_id_question, text):
    result = zh(telecom, at_id_question, text)
    assert "id_number" not in result.state.slots
    assert replies(result)[0] in INVALID_ID
    assert result.state.frame.waiting_for == "slot:id_number"


def test_a_future_id_given_ahead_is_not_kept(telecom):
    result = zh(telecom, start(), "我要开户，我叫张伟，身份证110105203006011230", "办理")
    assert "id_number" not in result.state.slots


@pytest.mark.parametrize("text", ["身份证 110105 19800101 123X", "110105-19800101-123X", "身份证 1101 1381 2345 678"])
def test_an_id_shaped_run_holds_no_phone_number(telecom, text):
    assert [e for e in extract_entities(telecom, text, today=NOW.date()) if e.entity == "phone"] == []
    # phone numbers as such are still found
    for phone in ["电话 138 1234 5678", "0086 13812345678", "+86 138-1234-5678", "手机13812345678 身份证110105198001011234"]:
        assert [e.value for e in extract_entities(telecom, phone, today=NOW.date()) if e.entity == "phone"] == ["13812345678"]


def test_a_grouped_id_with_a_wrong_check_digit_is_no_phone_number(telecom, at_id_question):
    result = zh(telecom, at_id_question, "身份证 110105 19800101 123X")
    said = replies(result)
    assert not any("手机号" in s for s in said)
    assert said[0] in INVALID_ID
    assert "id_number" not in result.state.slots and "phone" not in result.state.slots
