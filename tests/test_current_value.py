"""A choice named as what the customer has now: "我想换个套餐，现在这个39的流量根本不够用" set the
new plan to 39 and skipped the plan question (customer trial, session 20). A categorical value
right after words naming the current one ("现在这个", "目前用的", "I'm currently on the") fills
no slot (event `entity_ignored`, reason `current_value`); "从39换成99" and "我现在是59的套餐，想换成
129的" give the new one. Pure engine turns."""
from __future__ import annotations

import pytest

from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import telecom  # noqa: F401 (fixtures)

zh = turns(default_intent="办理", runner_up=("其他",))


def test_the_current_plan_is_not_the_new_one(telecom):
    result = zh(telecom, start(), "我想换个套餐，现在这个39的流量根本不够用", "办理", 0.95)
    assert "plan" not in result.state.slots and result.state.slots["business"] == "换套餐"
    # (turned down as not enough since session 46, "根本不够用", before it is read as the current one)
    assert {("entity_ignored", "current_value"), ("entity_ignored", "rejected")} & {(e.name, e.data.get("reason"))
                                                                                   for e in result.events}


@pytest.mark.parametrize("text, plan", [("从39换成99", "99"), ("我现在是59的套餐，想换成129的", "129"),
                                        ("现在就要99的", "99"), ("我要换99的套餐", "99")])
def test_the_new_plan(telecom, text, plan):
    assert zh(telecom, start(), text, "办理", 0.95).state.slots["plan"] == plan


def test_now_alone_names_no_current_value(telecom):
    """"顺便问一下我现在话费还有多少" (customer trial, session 21): 现在 is "now" here; the balance
    asked for is the query type, not a current value to ignore."""
    result = zh(telecom, start(), "顺便问一下我现在话费还有多少", "查询", 0.95)
    assert result.state.slots["query_type"] == "余额"
    assert "entity_ignored" not in [e.name for e in result.events]


def test_a_second_card_is_an_account_opening(telecom):
    """"我想办张副卡给我老妈用" (a trial, session 22) asked "开户还是变更套餐？" and the menu came
    back after every answer: 副卡 is 开户, as the intent 办理's description says."""
    assert zh(telecom, start(), "您好～我想办张副卡给我老妈用😊", "办理", 0.95).state.slots["business"] == "开户"


@pytest.mark.parametrize("text", ["手机丢了要补卡", "我的卡丢了，要补卡", "我要开个流量包"])
def test_a_replacement_card_is_no_account_opening(telecom, text):
    """"我的卡丢了，要补卡" opened a new account with a new number and plan (customer trial, session
    25; session 22 had made 补卡 a synonym of 开户): a replacement keeps the old number, and is
    done at a shop, as are data packs; said so, and the menu of what is done here."""
    result = zh(telecom, start(), text, "办理", 0.95)
    assert "business" not in result.state.slots
    assert replies(result)[0].startswith("补卡、挂失、流量包")


@pytest.mark.parametrize("text", ["我想把套餐降一档，现在这个129的用不完", "帮我换个便宜点的"])
def test_a_downgrade_is_a_plan_change(telecom, text):
    """"我想把套餐降一档" (a trial, session 23) asked "开户还是变更套餐？": 降档 is 换套餐, as the
    intent 办理's description says; the current plan said with it is no new plan."""
    state = zh(telecom, start(), text, "办理", 0.95).state
    assert state.slots["business"] == "换套餐" and "plan" not in state.slots


def test_data_usage_is_not_the_money_balance(telecom):
    """"帮我查查流量还剩多少" (a trial, session 23) was answered with the money balance: the
    synonym 剩多少 of 余额 matched inside it."""
    result = zh(telecom, start(), "帮我查查流量还剩多少", "查询", 0.95)
    assert "query_type" not in result.state.slots
    assert replies(result)[0].startswith("流量、通话时长、积分、缴费记录和合约到期时间")


def test_now_with_de_is_no_current_value(telecom):
    """"算了，先不办了，我先查查我现在的余额" asked "余额还是账单？" again after every answer (customer
    trial, session 25): "现在的" alone names no current choice."""
    result = zh(telecom, start(), "我先查查我现在的余额", "查询", 0.95)
    assert result.state.slots["query_type"] == "余额"
