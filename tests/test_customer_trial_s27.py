"""Misbehaviours found in session 27 (items left by session 26, then the trials of session 27),
each replayed as pure engine turns, pure extraction or an Agent over a lookup-table classifier."""
from __future__ import annotations

import pytest

from framework.spec import load_assistant
from tests.conftest import ROOT
from tests.support.engine_turns import replies, start, turns

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))


@pytest.fixture(scope="module")
def banking():
    return load_assistant(ROOT / "domains" / "banking_en", environ={})


@pytest.fixture(scope="module")
def telecom():
    return load_assistant(ROOT / "domains" / "telecom_zh", environ={})


def _names(result):
    return [e.name for e in result.events]


def _set(result, slot):
    return [e.data.get("value") for e in result.events if e.name == "slot_set" and e.data.get("slot") == slot]


# "查上上个月的账单" heard that older bills are elsewhere, then the phone question, then this month's
# bill: the month's default was taken at the next turn. "查3月份的账单" got this month's bill with no
# word (left by session 26): months by number are `patterns` of bill_month's `unavailable`.
@pytest.mark.parametrize("text", ["查上上个月的账单", "查3月份的账单", "我想看下十月份的账单", "帮我查下5月的话费账单"])
def test_an_older_month_is_asked_not_defaulted(telecom, text):
    result = zh(telecom, start(), text, "查询", 0.99)
    assert replies(result)[0].startswith("这里能查本月和上个月的账单")
    assert result.state.slots.get("query_type") == "账单" and "bill_month" not in result.state.slots
    result = zh(telecom, result.state, "13912345678", "提供信息", 0.99)
    assert "action_requested" not in _names(result) and "bill_month" not in result.state.slots
    assert result.state.frame.waiting_for == "slot:bill_month"
    result = zh(telecom, result.state, "上个月", "提供信息", 0.99)
    assert _set(result, "bill_month") == ["上月"] and "action_requested" in _names(result)


@pytest.mark.parametrize("text", ["查一下账单", "查下这个月的账单", "我想看看本月账单，3个月以来都很贵"])
def test_this_months_bill_still_needs_no_question(telecom, text):
    state = zh(telecom, start(), text, "查询", 0.99).state
    result = zh(telecom, state, "13912345678", "提供信息", 0.99)
    assert result.state.slots["bill_month"] == "本月" and "action_requested" in _names(result)


def test_a_payment_check_is_said_to_be_elsewhere(telecom):
    result = zh(telecom, start(), "我5月20号交的话费到账了吗", "查询", 0.99)
    assert "缴费记录" in replies(result)[0]


def test_undefaulted_slots_survive_the_store():
    from framework.engine.state import Frame

    frame = Frame("query", "ask_phone", undefaulted=("bill_month",))
    assert Frame.from_dict(frame.to_dict()) == frame
    assert "undefaulted" not in Frame("query", "ask_phone").to_dict()


def test_a_bad_unavailable_pattern_names_its_place(tmp_path):
    import shutil

    from framework.spec.errors import SpecErrors

    shutil.copytree(ROOT / "domains" / "telecom_zh", tmp_path / "d", ignore=shutil.ignore_patterns("eval", "tests"))
    path = tmp_path / "d" / "domain.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("patterns: ['(?:", "patterns: ['((?:", 1), encoding="utf-8")
    with pytest.raises(SpecErrors) as err:
        load_assistant(tmp_path / "d", environ={})
    assert "patterns" in str(err.value) and "domain.yml" in str(err.value)


# "查一下我老婆的号码余额 15800001111，还有我自己的13812345678" heard both numbers whole in "您说了不止一个
# 手机号（15800001111、13812345678）"; a corrected phone number was said back whole too.
def test_two_phone_numbers_are_named_masked(telecom):
    result = zh(telecom, start(), "查一下我老婆的号码余额 15800001111，还有我自己的13812345678", "查询", 0.99)
    text = "".join(replies(result))
    assert "158****1111" in text and "138****5678" in text
    assert "15800001111" not in text and "13812345678" not in text


def test_a_corrected_phone_number_is_said_masked(telecom):
    state = zh(telecom, start(), "查余额", "查询", 0.99).state
    state = zh(telecom, state, "13912345678", "提供信息", 0.99).state
    result = zh(telecom, state, "不对，号码是13812345678", "否定", 0.99)
    text = "".join(replies(result))
    assert "13812345678" not in text
