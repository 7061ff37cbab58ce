"""An item said to be wrong at a confirmation: "名字错了", "套餐不对", "the amount is wrong" go
straight to that item's question (no "请问要修改哪一项？" first), and "对，不过名字错了", read as
提供信息 (session 22), is no fallback; "名字没错" is no complaint about the name; a corrected
value said with it is applied as before. Pure engine turns with set rankings."""
from __future__ import annotations

import pytest

from framework.nlu.interface import Entity
from framework.spec import load_assistant
from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import telecom  # noqa: F401 (fixtures)

zh = turns(default_intent="办理", runner_up=("其他",))
en = turns(default_intent="transfer_money", runner_up=("inform",))


def at_confirmation(telecom):
    state = zh(telecom, start(), "我要开户", "办理").state
    for text in ("我叫赵一鸣", "11010519491231002X", "59"):
        state = zh(telecom, state, text, "提供信息").state
    assert state.frame.waiting_for == "confirm"
    return state


@pytest.mark.parametrize("text, intent, slot", [
    ("名字错了", "否定", "name"), ("对，不过名字错了", "提供信息", "name"), ("基本对，就是名字写错了", "否定", "name"),
    ("套餐不对", "否定", "plan"), ("身份证号有误", "否定", "id_number"),
])
def test_the_wrong_item_is_asked_at_once(telecom, text, intent, slot):
    result = zh(telecom, at_confirmation(telecom), text, intent, 0.9)
    assert [e.data.get("slot") for e in result.events if e.name == "change_requested"] == [slot]
    assert result.state.frame.waiting_for == f"slot:{slot}"


def test_right_is_no_wrong_item(telecom):
    result = zh(telecom, at_confirmation(telecom), "名字没错", "肯定", 0.9)
    assert "change_requested" not in [e.name for e in result.events] and "confirmed" in [e.name for e in result.events]


def test_a_bare_no_still_asks_which_item(telecom):
    assert replies(zh(telecom, at_confirmation(telecom), "不对", "否定", 0.9)) == [
        "请问要修改哪一项？可以改：业务、姓名、身份证号、套餐。"]


def test_a_corrected_value_with_it_is_applied(telecom):
    text = "名字错了，是赵亦鸣"
    name = Entity("name", "赵亦鸣", "赵亦鸣", text.index("赵"), len(text), "model", 0.9)
    result = zh(telecom, at_confirmation(telecom), text, "否定", 0.9, entities=(name,))
    assert result.state.slots["name"] == "赵亦鸣" and replies(result)[0] == "好的，已将姓名改为 赵亦鸣。"


def test_english_amount():
    banking = load_assistant("domains/banking_en")
    text = "send $50 to Anna tomorrow"
    anna = Entity("recipient", "Anna", "Anna", text.index("Anna"), text.index("Anna") + 4, "model", 0.9)
    state = en(banking, start(), text, "transfer_money", entities=(anna,)).state
    assert state.frame.waiting_for == "confirm"
    result = en(banking, state, "the amount is wrong", "deny", 0.9)
    assert [e.data.get("slot") for e in result.events if e.name == "change_requested"] == ["amount"]
    result = en(banking, state, "no wait the name is wrong", "deny", 0.9)  # the recipient's everyday word
    assert [e.data.get("slot") for e in result.events if e.name == "change_requested"] == ["recipient"]


def _tagged(text: str, surface: str, entity: str) -> Entity:
    return Entity(entity, surface, surface, text.index(surface), text.index(surface) + len(surface), "model", 0.9)


@pytest.mark.parametrize("text", ["Tom Hardy", "Tom Hardy please", "no, Tom Hardy", "the recipient is Tom Hardy"])
def test_a_name_tagged_for_another_slot_changes_the_recipient(text):
    """"Tom Hardy" at "What would you like to change? You can change: date, amount, recipient."
    was tagged `name` (the cardholder's name, which the transfer does not collect) and got
    the fallback (customer trial, session 22)."""
    banking = load_assistant("domains/banking_en")
    said = "send $60 to Tom Baker"
    state = en(banking, start(), said, "transfer_money", entities=(_tagged(said, "Tom Baker", "recipient"),)).state
    state = en(banking, state, "no", "deny", 0.99).state
    assert state.frame.waiting_for == "which"
    result = en(banking, state, text, "inform", 0.99, entities=(_tagged(text, "Tom Hardy", "name"),))
    assert result.state.slots["recipient"] == "Tom Hardy"
    said = replies(result)
    assert said[0] == "Okay, I've changed the recipient to Tom Hardy." and said[1].startswith("Send $60.00 to Tom Hardy")
    assert result.state.frame.waiting_for == "confirm"


def test_a_name_with_other_words_is_no_change():
    """A name inside a longer message that neither names the item nor corrects stays out."""
    banking = load_assistant("domains/banking_en")
    said = "send $60 to Tom Baker"
    state = en(banking, start(), said, "transfer_money", entities=(_tagged(said, "Tom Baker", "recipient"),)).state
    text = "my brother Tom Hardy told me about this app"
    result = en(banking, state, text, "inform", 0.99, entities=(_tagged(text, "Tom Hardy", "name"),))
    assert result.state.slots["recipient"] == "Tom Baker"
