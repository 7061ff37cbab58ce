"""An ID number typed in groups inside a sentence: "我叫欧阳娜娜 身份证 110105 19491231 002x" kept the
name and dropped the ID without a word (customer trial, session 20): the extractors read "110105"
as an amount and "19491231 002" as a phone number. ID numbers are now found with single spaces
or hyphens between their digits (framework.slots.identity.ID_RE)."""
from __future__ import annotations

import pytest

from framework.slots.entities import extract_entities
from tests.support.engine_turns import start, turns
from tests.support.example_domains import telecom  # noqa: F401 (fixtures)

zh = turns(default_intent="提供信息", runner_up=("其他",))


@pytest.mark.parametrize("text", ["身份证 110105 19491231 002x", "110105 1949 1231 002X", "110105-19491231-002X"])
def test_grouped_id_numbers_are_found(telecom, text):
    assert [(e.entity, e.value) for e in extract_entities(telecom, text)] == [("id_number", "11010519491231002X")]


def test_a_grouped_id_given_ahead_is_kept(telecom):
    """(The name comes from the model's entity head, absent in these pure turns.)"""
    state = zh(telecom, start(), "我要开户", "办理", 0.95).state
    result = zh(telecom, state, "我叫欧阳娜娜 身份证 110105 19491231 002x", "提供信息", 0.95)
    assert result.state.slots["id_number"] == "11010519491231002X"
    assert "phone" not in result.state.slots and "loss" not in result.state.slots


def test_separate_numbers_stay_separate(telecom):
    found = {e.entity: e.value for e in extract_entities(telecom, "损失 110105 元 电话 13812345678")}
    assert found["phone"] == "13812345678" and "id_number" not in found
