"""Items left by earlier customer trials and found in session 34's, fixed in session 34."""
from __future__ import annotations

import pytest

from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))


# "我要开户，另外把我老号的套餐换成39的" opened the account's flow on 换套餐 and 39, and the opening was never mentioned again
# (customer trial, session 33, left then): a second request joined by "also" is one, confirmed on its own
def test_a_second_business_joined_by_also_waits_for_its_own_run(telecom):
    result = zh(telecom, start(), "我要开户，另外把我老号的套餐换成39的", "办理", 0.99)
    assert result.state.slots["business"] == "开户" and "plan" not in result.state.slots
    assert "second_request" in [e.name for e in result.events] and "一件一件来" in replies(result)[0]
    assert [f.flow for f in result.state.stack] == ["business", "business"]
    assert dict(result.state.stack[0].saved["slots"]) == {"business": "换套餐", "plan": "39"}


def test_two_cards_to_block_joined_by_also_are_two_blocks(banking):
    result = en(banking, start(), "block my card 1234, and also 9876 please", "lost_card", 0.99)
    assert result.state.slots["card_last4"] == "1234" and "9876" in str(result.state.stack[0].saved["slots"])


# "姓zhang，弓长张，名字叫伟" at the name question was read as the name "叫伟" (customer trial, session 33, left then)
@pytest.mark.parametrize("text, name", [("姓zhang，弓长张，名字叫伟", "张伟"), ("我姓李，木子李，名叫娜", "李娜"),
                                        ("姓陈，耳东陈，名字是建国", "陈建国")])
def test_a_name_said_in_its_parts(telecom, text, name):
    state = zh(telecom, start(), "我要开户", "办理", 0.99).state
    assert zh(telecom, state, text).state.slots["name"] == name


@pytest.mark.parametrize("text", ["张伟，弓长张", "姓张，弓长张，姓李", "我叫王芳"])
def test_no_parts_no_guess(text):
    from framework.engine.slot_filling import spelled_name
    assert spelled_name(text) is None


# "I want to dispute a charge on my card, I never bought this" heard only "That's outside what I can do" (customer trial,
# session 33, left then): money taken, a person is offered
@pytest.mark.parametrize("text", ["I want to dispute a charge on my card, I never bought this",
                                  "someone made unauthorized purchases with my card", "i was charged twice at the gym"])
def test_money_taken_out_of_scope_offers_a_person(banking, text):
    result = en(banking, start(), text, "out_of_scope", 0.98)
    assert "person_offered" in [e.name for e in result.events] and '"agent"' in replies(result)[-1]
    assert en(banking, result.state, "agent", "human_agent", 0.99).state.handoff


@pytest.mark.parametrize("text", ["what's the weather like", "I didn't dispute anything, what's a good pizza place"])
def test_other_out_of_scope_messages_offer_no_person(banking, text):
    result = en(banking, start(), text, "out_of_scope", 0.98)
    assert "person_offered" not in [e.name for e in result.events] or "dispute" in text


def test_chinese_money_trouble(telecom):
    result = zh(telecom, start(), "有人冒用我的身份办了卡", "其他", 0.98)
    assert "转人工" in replies(result)[-1]
