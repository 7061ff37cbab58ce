"""Session 39: what hand tries and customer trials found, each with the message that found it."""
from __future__ import annotations

import dataclasses

import pytest

from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))
# the classifier's runner-up is 办理 (opening, changing a plan): what a long 咨询-sounding request has next
zh_or_business = turns(default_intent="提供信息", runner_up=("办理", "其他"))

_STORY = "客服你好，我用你们家卡好几年了，每个月都不够用，朋友说你们有更大的套餐，想问问能不能换个大一点的套餐，九十九的那个就行"


def _checked(telecom):
    """The story read as 咨询 0.55 (办理 0.44) below a threshold of 0.66: "您是想了解…吗？"."""
    assistant = dataclasses.replace(telecom, settings=dataclasses.replace(telecom.settings, fallback_threshold=0.66))
    state = zh_or_business(assistant, start(), _STORY, "咨询", 0.55, 0.44).state
    assert state.stack and state.stack[-1].waiting_for == "check" and state.stack[-1].other == "business"
    return assistant, state


def test_a_name_at_the_check_goes_to_the_runner_ups_flow(telecom):
    """Tried by hand (session 38): the story, then "我叫孙丽华" at "您是想了解套餐…吗？" heard "回答不了", and so did
    the ID and "还是一百二十九的吧": the request was lost."""
    assistant, state = _checked(telecom)
    result = zh(assistant, state, "我叫孙丽华")
    assert result.state.stack[-1].flow == "business"
    assert result.state.slots["name"] == "孙丽华" and result.state.slots["plan"] == "99"
    assert "身份证" in replies(result)[-1]
    result = zh(assistant, result.state, "11010519491231002X")
    assert "孙丽华" in replies(result)[-1] and "99" in replies(result)[-1]


def test_a_yes_at_the_check_is_still_the_checked_flow(telecom):
    assistant, state = _checked(telecom)
    result = zh(assistant, state, "是的", "肯定", 0.98)
    assert result.state.stack and result.state.stack[-1].flow != "business"


def test_the_runner_up_survives_the_store(telecom):
    from framework.engine.state import SessionState

    _, state = _checked(telecom)
    assert SessionState.from_dict(state.to_dict()).stack[-1].other == "business"
