"""A request withdrawn at the end of a longer message, mid-flow: "携号转网我反悔了，别给我办了" and
"算了我反悔了，不办了" were read as 投诉 0.51-0.95 by all three telecom_zh models of session 22
(held-out file), which would start a complaint. The last clause withdrawing the request reads
the message as the cancel intent (framework.engine.turn._withdrawal_read, event
`request_withdrawn`); a request after the withdrawal, a question, or no flow active keep the
classifier's reading. Pure engine turns with set rankings."""
from __future__ import annotations

import pytest

from framework.slots.command_words import withdrawn
from framework.spec import load_assistant
from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import telecom  # noqa: F401 (fixtures)

zh = turns(default_intent="办理", runner_up=("其他",))


@pytest.mark.parametrize("text", ["携号转网我反悔了，别给我办了", "算了我反悔了，不办了", "想了想还是先不办了",
                                  "亲情网加号那个申请帮我撤销一下"])
def test_a_withdrawal_mid_flow_cancels(telecom, text):
    state = zh(telecom, start(), "我要开户", "办理").state
    result = zh(telecom, state, text, "投诉", 0.9)
    assert result.state.frame is None and replies(result) == ["已取消，有需要随时叫我。"]
    assert ("request_withdrawn", "投诉") in [(e.name, e.data.get("intent")) for e in result.events]


def test_a_request_after_the_withdrawal_is_the_request(telecom):
    state = zh(telecom, start(), "我要开户", "办理").state
    result = zh(telecom, state, "不办了，我要投诉你们", "投诉", 0.9)
    assert result.state.frame.flow == "complaint"


def test_no_flow_active_starts_no_complaint_either(telecom):
    """Since session 23 a withdrawal with no flow active starts no flow (it had kept the reading
    and started a complaint); a question stays a question."""
    result = zh(telecom, start(), "携号转网我反悔了，别给我办了", "投诉", 0.9)
    assert result.state.frame is None and replies(result) == ["好的，那就先不办了。还有什么可以帮您的吗？"]
    result = zh(telecom, start(), "为什么我说别给我办了你们还是办了？", "投诉", 0.9)
    assert result.state.frame.flow == "complaint"


@pytest.mark.parametrize("text, language, expected", [
    ("别给我办了", "zh", True), ("我不办了", "zh", True), ("那就不要了", "zh", True), ("我要办宽带", "zh", False),
    ("为什么不给我办了", "zh", False), ("不要取消", "zh", False),
    ("那个申请撤回吧", "zh", True), ("把多扣的钱撤销一下", "zh", False), ("我要投诉，申请了三次都没办好", "zh", False),
    ("actually, don't do it after all", "en", True), ("block my card, never mind", "en", True),
    ("never mind the weather", "en", False), ("I changed my mind about the amount, make it 50", "en", False),
])
def test_withdrawn(text, language, expected):
    assert withdrawn(text, language) is expected


def test_a_request_withdrawn_in_the_same_message_starts_nothing():
    """"hey can you block my card, its the one ending in 4821... wait no dont, i found it" asked
    to block the card (a trial, session 23). Said and withdrawn at once: no flow, and no
    "nothing to cancel" either."""
    en = turns(default_intent="lost_card", runner_up=("inform",))
    banking = load_assistant("domains/banking_en")
    text = "hey can you block my card, its the one ending in 4821... wait no dont, i found it"
    result = en(banking, start(), text, "lost_card", 0.99)
    assert result.state.frame is None and replies(result) == ["Okay, I'll leave it then. Anything else I can help with?"]
    assert ("request_withdrawn", "lost_card") in [(e.name, e.data.get("intent")) for e in result.events]
    assert en(banking, start(), "block my card, i found it in my bag though, it's cracked", "lost_card", 0.99).state.frame


def test_found_it_mid_flow_is_no_withdrawal():
    """"ok found it" after "hold on, let me grab my card" is readiness, not a withdrawal."""
    en = turns(default_intent="activate_card", runner_up=("inform",))
    banking = load_assistant("domains/banking_en")
    state = en(banking, start(), "activate my card", "activate_card").state
    result = en(banking, state, "ok found it", "inform", 0.6)
    assert result.state.frame is not None and "request_withdrawn" not in [e.name for e in result.events]


@pytest.mark.parametrize("text, expected", [
    ("block my card, wait no dont, i found it", True), ("never mind, found it", True),
    ("i found my card but it's broken", False), ("i want to block my card", False),
])
def test_withdrawn_on_asking(text, expected):
    from framework.slots.command_words import withdrawn_on_asking
    assert withdrawn_on_asking(text, "en") is expected
