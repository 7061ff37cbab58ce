"""An amount said as a rate is a price, not a total: "你们给我开了个每个月五块钱的来电显示，扣了我
半年了" stored 5 yuan as the complaint's loss (customer trial, session 21). Said in passing, it
fills no money slot (event `entity_ignored`, reason `rate`) and the slot's own question asks for
the total; since session 27 ("每个月多扣10块 扣了半年" stored 10) also as the answer to that question,
unless the slot's value is itself a rate (月租, monthly fee). A number that counts
something else ("一个月", "3 days") is no amount of money at all. Pure engine turns."""
from __future__ import annotations

import pytest

from framework.slots.money import find_money
from tests.support.engine_turns import start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)

zh = turns(default_intent="投诉", runner_up=("其他",))
en = turns(default_intent="transfer_money", runner_up=("inform",))


def ignored(result) -> list:
    return [e.data.get("reason") for e in result.events if e.name == "entity_ignored"]


@pytest.mark.parametrize("text", [
    "我要投诉，你们给我开了个每个月五块钱的来电显示，我根本没要过，扣了我半年了",
    "投诉，彩铃一个月五块钱，我从来没开通过",
    "投诉，彩铃5元/月，我从来没开通过",
    "你们每月多扣我10元，我要投诉",
])
def test_a_monthly_fee_in_a_complaint_is_no_loss(telecom, text):
    result = zh(telecom, start(), text)
    assert "loss" not in result.state.slots and "rate" in ignored(result)


@pytest.mark.parametrize("text, amount", [("我要投诉，每天都掉线，损失两千", 2000), ("我要投诉，每天掉线损失了两千块", 2000)])
def test_a_loss_beside_a_period_is_still_the_loss(telecom, text, amount):
    assert zh(telecom, start(), text).state.slots["loss"]["amount"] == amount


def test_an_english_rate_is_no_transfer_amount(banking):
    result = en(banking, start(), "I pay $5 a month for this account and want to move money")
    assert "amount" not in result.state.slots and "rate" in ignored(result)
    assert en(banking, start(), "send $50 to my savings").state.slots["amount"]["amount"] == 50


@pytest.mark.parametrize("text, amounts", [
    ("断网一个月损失了两千", [2000]), ("3个月", []), ("50 dollars for 3 days", [50]), ("五块一斤", [5]),
    ("两块钱", [2]), ("一百块", [100]), ("损失3000", [3000]),
])
def test_a_number_that_counts_something_else_is_no_money(text, amounts):
    assert [m.amount for m in find_money(text)] == amounts
