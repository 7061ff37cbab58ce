"""A number or a value alone, with no flow active, is no goodbye: "99" as a first message was
read as 再见 0.94 and the conversation ended (customer trial, session 19). Digits alone trust
no intent (the fallback asks); a value alone read as a flow that ends the conversation is not
trusted either; a goodbye word ("88") still ends it, and inside a flow a number answers."""
from __future__ import annotations

import pytest

from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import telecom  # noqa: F401 (fixtures)

turn = turns(default_intent="再见", runner_up=("其他",))
FALLBACK = "抱歉，我没太理解您的意思，能换个说法吗？"


@pytest.mark.parametrize("text,intent", [("99", "再见"), ("99元", "再见"), ("2026", "办理")])
def test_a_bare_value_ends_nothing_and_starts_nothing(telecom, text, intent):
    """Since session 45 a value alone is noted and what to do with it asked (framework.engine.value_noted); a number
    that is no value (2026) still hears the fallback."""
    result = turn(telecom, start(), text, intent, 0.94)
    noted = "好的，记下了：套餐 99。请问要帮您办理什么？"
    assert replies(result) == [FALLBACK if text == "2026" else noted] and not result.state.stack


def test_a_phone_number_alone_starts_the_one_flow_that_asks_it(telecom):
    """Since session 32 (a customer trial: "13912345678" with nothing under way heard "没听明白"): an identifier that
    one flow asks is no bare number; that flow starts and asks what it needs besides."""
    result = turn(telecom, start(), "13800138000", "查询", 0.94)
    assert result.state.stack[-1].flow == "query" and replies(result) == ["请问您要查询话费余额还是账单？"]


@pytest.mark.parametrize("text", ["88", "好的再见", "拜拜"])
def test_a_goodbye_still_ends(telecom, text):
    assert "flow_completed" in [e.name for e in turn(telecom, start(), text, "再见", 0.94).events]


def test_other_intents_keep_a_value_with_words(telecom):
    result = turn(telecom, start(), "59元套餐", "咨询", 0.94)
    assert "flow_started" in [e.name for e in result.events]


def test_inside_a_flow_a_number_answers(telecom):
    state = start()
    for text, intent in [("我要开户", "办理"), ("我叫李小龙", "提供信息"), ("11010519491231002X", "提供信息")]:
        state = turn(telecom, state, text, intent, 0.95).state
    result = turn(telecom, state, "99", "再见", 0.99)
    assert result.state.slots.get("plan") == "99"
