"""Session 42: what hand tries and customer trials found, each with the message that found it."""
from __future__ import annotations

import dataclasses

import pytest

from framework.engine.turn import handle_message
from framework.nlu.interface import IntentScore, NLUResult
from framework.slots import extract_entities
from framework.slots.answers import yes_no
from tests.support.engine_turns import NOW, replies, start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))


def ranked(assistant, state, text, *ranking):
    """One turn with the whole ranking given: intent, confidence, intent, confidence, ..."""
    scores = tuple(IntentScore(ranking[i], ranking[i + 1]) for i in range(0, len(ranking), 2))
    found = tuple(extract_entities(assistant, text, today=NOW.date()))
    return handle_message(assistant, state, NLUResult(text, scores, found), now=NOW)


@pytest.mark.parametrize("text", ["grand, go", "grand", "Grand so", "go", "that's grand", "grand, go ahead"])
def test_irish_yes_at_a_read_back(banking, text):
    """Tried by hand, session 41: "grand, go" at a transfer's read-back (goodbye 1.00) asked whether to stop it."""
    assert yes_no(text, "en") is True
    state = en(banking, start(), "pls wire seventy five bucks to Priya Nair on thursday", "transfer_money").state
    result = en(banking, state, text, "goodbye", 0.99)
    assert [e.name for e in result.events] == ["confirmed", "action_requested"]


@pytest.mark.parametrize("text", ["go away", "no go", "let go"])
def test_go_beside_other_words_is_no_yes(text):
    assert yes_no(text, "en") is not True


MOTHER = "你好呀😊 我妈让我帮她问一下，她那个号一三八零零一三八零零零这个月话费扣了多少，她总说扣得不对"


def _at(assistant, threshold: float = 0.64):
    """`assistant` with the fallback threshold a trained model gives it (t16-13's 0.6421)."""
    return dataclasses.replace(assistant, settings=dataclasses.replace(assistant.settings, fallback_threshold=threshold))


def _checked(telecom):
    """The long message below the threshold: "是要投诉吗？" with the bill query kept beside it."""
    result = ranked(telecom, start(), MOTHER, "投诉", 0.52, "查询", 0.40)
    assert [e.name for e in result.events if e.name == "intent_check"] == ["intent_check"]
    return result.state


def test_the_runner_ups_values_wait_with_the_check(telecom):
    """Tried by hand, session 41: the message above asked "是要投诉吗？", and "那上个月的呢" started the bill query but
    asked again for the number the first message gave (it had been erased as personal data no flow used)."""
    telecom = _at(telecom)
    state = _checked(telecom)
    assert state.slots.get("phone") == "13800138000"
    result = zh(telecom, state, "那上个月的呢", "提供信息", 0.87)
    assert "请提供要查询的手机号码。" not in replies(result)
    assert any(e.name == "action_requested" for e in result.events)
    assert result.state.slots.get("bill_month") == "上月"


def test_a_yes_to_the_check_drops_the_runner_ups_values(telecom):
    """The complaint chosen: the bill query's values do not stay for a later request."""
    telecom = _at(telecom)
    result = zh(telecom, _checked(telecom), "对", "肯定", 0.99)
    assert any(e.name == "flow_started" and e.data.get("flow") == "complaint" for e in result.events)
    assert result.state.slots.get("phone") is None and result.state.slots.get("bill_month") is None
