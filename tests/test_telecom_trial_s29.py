"""telecom_zh in session 29's customer trial (models of 1407 examples): another person's name filed as the
customer's, an age filed as the loss, "700人民币" no amount, "我要换成99的" asking which business, "好了，继续
刚才的投诉" taken as a name, "叫我老王就行" opening an account in the name 老王. Engine turns."""
from __future__ import annotations

import pytest

from framework.slots.money import find_money
from framework.slots.person_names import another_persons_name
from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import telecom  # noqa: F401 (fixtures)

zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))
FULL_NAME = "请告诉我完整的姓名，姓和名都要。"


@pytest.mark.parametrize("text, name", [
    ("我朋友李娜推荐我来开户的", "李娜"), ("营业厅有个叫孙丽的态度很差", "孙丽"), ("对了我老婆叫王丽", "王丽"),
    ("那个营业员王强骂我", "王强"), ("我妈是刘桂兰", "刘桂兰"),
])
def test_another_persons_name(text, name):
    assert another_persons_name(text, text.index(name), "zh")


@pytest.mark.parametrize("text, name", [("我叫张伟", "张伟"), ("张伟", "张伟"), ("本人王芳", "王芳"), ("名字是冯磊", "冯磊")])
def test_the_customers_own_name(text, name):
    assert not another_persons_name(text, text.index(name), "zh")


def test_a_clerks_name_is_no_complainants_name(telecom):
    result = zh(telecom, start(), "我要投诉，营业厅有个叫孙丽的态度很差", "投诉", 0.99)
    assert "name" not in result.state.slots and result.state.frame.waiting_for == "slot:name"


def test_a_friends_name_is_no_account_holders_name(telecom):
    result = zh(telecom, start(), "我叫张伟，我朋友李娜推荐我来开户的", "办理", 0.99)
    assert result.state.slots["name"] == "张伟"


def test_a_wifes_name_renames_nobody(telecom):
    state = zh(telecom, start(), "开户，我叫张伟", "办理", 0.99).state
    result = zh(telecom, state, "对了我老婆叫王丽，她下次也想来办")
    assert result.state.slots["name"] == "张伟"


def _at_loss(telecom):
    state = zh(telecom, start(), "我要投诉 乱扣费", "投诉", 0.99).state
    for text in ["张三", "110105199003071239"]:
        state = zh(telecom, state, text).state
    return state


def test_an_age_is_no_loss(telecom):
    text = "我要投诉啊，我今年七十三了，上个月交了一百块话费，结果两天就没了，我叫石秀兰"
    result = zh(telecom, start(), text, "投诉", 0.99)
    assert result.state.slots.get("loss") != {"amount": 73, "currency": "CNY"}


@pytest.mark.parametrize("text, amount", [("损失都50了", 50), ("700人民币", 700), ("七百人民币", 700), ("大概三百元", 300)])
def test_losses_still_losses(telecom, text, amount):
    result = zh(telecom, _at_loss(telecom), text)
    assert result.state.slots["loss"] == {"amount": amount, "currency": "CNY"}


@pytest.mark.parametrize("text", ["来了3人", "3个人"])
def test_people_are_no_money(text):
    assert find_money(text) == []


@pytest.mark.parametrize("text", ["我要换成99的", "我现在想改成99的套餐", "把我的套餐改回39"])
def test_a_change_to_a_plan_is_a_plan_change(telecom, text):
    result = zh(telecom, start(), text, "办理", 0.99)
    assert result.state.slots["business"] == "换套餐"


def test_changing_the_plan_during_an_opening_opens_still(telecom):
    state = zh(telecom, start(), "我要开户", "办理", 0.99).state
    for text in ["张伟", "110101199003070011", "59"]:
        state = zh(telecom, state, text).state
    result = zh(telecom, state, "套餐换成99的")
    assert result.state.slots["business"] == "开户" and result.state.slots["plan"] == "99"


def test_ok_go_on_with_the_complaint_resumes_it(telecom):
    state = zh(telecom, start(), "我要投诉 信号差", "投诉", 0.99).state
    state = zh(telecom, state, "我要开户", "办理", 0.99).state
    result = zh(telecom, state, "好了，继续刚才的投诉", "投诉", 0.9)
    assert "name" not in result.state.slots or result.state.slots["name"] != "继续刚才的投诉"


def test_a_nickname_asks_for_the_full_name(telecom):
    state = zh(telecom, start(), "我要开户", "办理", 0.99).state
    result = zh(telecom, state, "叫我老王就行")
    assert "name" not in result.state.slots and FULL_NAME in replies(result)
    assert zh(telecom, result.state, "王建国").state.slots["name"] == "王建国"


def test_own_is_a_text_slots_option(tmp_path):
    from framework.spec import load_assistant
    from framework.spec.errors import SpecErrors
    from tests.test_customer_trial_s28 import _telecom_copy

    domain = _telecom_copy(tmp_path, "  loss:                          #", "  loss:\n    own: true\n   #")
    with pytest.raises(SpecErrors) as err:
        load_assistant(domain, environ={})
    assert "domain.yml:" in str(err.value) and "own" in str(err.value)


def _after_bill(telecom):
    from tests.test_customer_trial_s28 import _done

    state = zh(telecom, start(), "查下账单 13912345678", "查询", 0.99).state
    return _done(telecom, state, balance=158.0, bill_amount=59.0)


# "上上个月呢" after a bill (问候 0.95) was greeted; "不对，号码输错了，应该是13912345679" got the fallback
@pytest.mark.parametrize("text", ["上上个月呢", "上上个月的呢"])
def test_an_earlier_month_read_as_a_greeting_is_still_a_follow_up(telecom, text):
    result = zh(telecom, _after_bill(telecom), text, "问候", 0.95)
    assert "follow_up" in [e.name for e in result.events] and replies(result)[-1] == "请问要查本月还是上月的账单？"


def test_a_corrected_number_after_a_bill_is_looked_up(telecom):
    result = zh(telecom, _after_bill(telecom), "不对，号码输错了，应该是13912345679", "否定", 0.95)
    assert result.state.slots["phone"] == "13912345679" and result.state.pending_action is not None


# "我要打12300投诉你们" filed a loss of 12300 (the model tagged it)
def test_a_number_to_call_is_no_loss(telecom):
    from framework.nlu.interface import Entity

    text = "我要打12300投诉你们"
    learnt = (Entity("loss", "12300", "12300", 3, 8, "model", 0.9),)
    result = zh(telecom, start(), text, "投诉", 0.99, entities=learnt)
    assert "loss" not in result.state.slots
