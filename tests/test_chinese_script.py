"""Traditional Chinese typed to a Simplified-Chinese assistant (framework.chinese_script), found in session 30's
customer trial: "我想查下話費餘額，號碼是13812345678" asked "余额还是账单？" again, "餘額" at that menu was refused, and
"我要換套餐" was no plan change."""
from __future__ import annotations

import asyncio

import pytest

from framework.chinese_script import simplified, simplifies
from tests.support.example_domains import table_agent, telecom  # noqa: F401 (fixtures)


@pytest.mark.parametrize("language, yes", [("zh", True), ("zh-CN", True), ("zh-Hans", True), ("zh-SG", True),
                                           ("zh-TW", False), ("zh-HK", False), ("zh-Hant", False), ("en", False),
                                           (None, False)])
def test_which_domains_read_simplified(language, yes):
    assert simplifies(language) is yes


def test_the_conversion_keeps_every_offset():
    assert simplified("我想查下話費餘額，號碼是13812345678", "zh") == "我想查下话费余额，号码是13812345678"
    assert simplified("我要換套餐，換成99嘅", "zh") == "我要换套餐，换成99嘅"
    assert simplified("餘額", "zh-TW") == "餘額" and simplified("hello 1234", "zh") == "hello 1234"


def test_a_traditional_message_fills_what_its_simplified_twin_fills(telecom):
    agent = table_agent(telecom, {"我想查下话费余额，号码是13812345678": ("查询", 0.99)})
    turn = asyncio.run(agent.handle(None, "u", "我想查下話費餘額，號碼是13812345678"))
    assert turn.state.last_flow == "query" and turn.state.last_values["query_type"] == "余额"
    assert turn.state.history[-1].text == "我想查下话费余额，号码是13812345678"
