"""Misbehaviours found by helpers talking to the example assistants as customers (session 24,
models of session 23), each replayed with the ranking the model gave: pure engine turns.

- "sorry i meant Tim not Tom" / "wait no, Tim" at "Send $30.00 to Tom …?" (deny 0.95-1.00) heard
  "What would you like to change?"; "not Tom, Tim" at the amount question (deny 0.99) asked
  whether to stop; the transfer then went to Tom (framework.engine.slot_filling._instead_of_current).
- "can i change the recipient" / "recipient" at the confirmation (human_agent 0.86-0.93)
  cancelled the transfer and handed off (framework.engine.confirm.change_asked).
- "nah leave it" / "算了吧" at a confirmation opened the change menu (command_words._WITHDRAWN).
- "我要开户，我叫赵六，身份证…，要99的" (办理 0.52, below the threshold) heard "没太理解", and its plan
  "99", kept outside any flow, was used unasked by a plan change two requests later
  (turn._implied_flow with an agreeing intent; lifetimes.drop_earlier_values).
"""
from __future__ import annotations

import pytest

from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)

en = turns(default_intent="transfer_money", runner_up=("inform",))
zh = turns(default_intent="办理", runner_up=("提供信息",))
ID = "11010519491231002X"


def _at_confirmation(banking):
    state = en(banking, start(), "send 30 dollars to Tom").state
    assert state.frame.waiting_for == "confirm" and state.slots["recipient"] == "Tom"
    return state


@pytest.mark.parametrize("text, confidence", [("sorry i meant Tim not Tom", 0.95), ("Tim, not Tom", 0.9),
                                              ("wait no, Tim", 1.0), ("no, Tim", 1.0), ("not Tom, it's Tim", 0.99)])
def test_a_name_instead_of_the_current_one_changes_it(banking, text, confidence):
    result = en(banking, _at_confirmation(banking), text, "deny", confidence)
    assert result.state.slots["recipient"] == "Tim"
    assert replies(result) == ["Okay, I've changed the recipient to Tim.", "Send $30.00 to Tim on Wednesday 2 December?"]


def test_instead_of_the_current_one_at_another_question(banking):
    state = en(banking, start(), "i want to send money to tom").state
    assert state.frame.waiting_for == "slot:amount"
    result = en(banking, state, "not tom, Tim", "deny", 0.99)
    assert result.state.slots["recipient"] == "Tim"
    assert replies(result) == ["Okay, I've changed the recipient to Tim.", "How much would you like to send?"]


@pytest.mark.parametrize("text", ["No, Thanks", "Jim, not Bob", "no, Cancel"])
def test_no_name_instead(banking, text):
    result = en(banking, _at_confirmation(banking), text, "deny", 0.99)
    assert result.state.slots.get("recipient", "Tom") == "Tom"


@pytest.mark.parametrize("text, intent, confidence, question", [
    ("can i change the recipient", "human_agent", 0.93, "Who should I send it to?"),
    ("recipient", "human_agent", 0.86, "Who should I send it to?"),
    ("can i change the amount", "help", 0.8, "How much would you like to send?"),
])
def test_an_item_to_change_at_the_confirmation_is_asked_for(banking, text, intent, confidence, question):
    result = en(banking, _at_confirmation(banking), text, intent, confidence)
    assert result.state.frame.flow == "transfer_money" and replies(result) == [question]


def test_asking_for_a_person_still_hands_off(banking):
    result = en(banking, _at_confirmation(banking), "I want to change the recipient, get me an agent", "human_agent")
    assert result.state.frame is None and "handoff" in [e.name for e in result.events]


def test_leave_it_at_the_confirmation_cancels(banking, telecom):
    result = en(banking, _at_confirmation(banking), "nah leave it", "deny", 1.0)
    assert result.state.frame is None and "flow_cancelled" in [e.name for e in result.events]
    state = zh(telecom, start(), f"我要开户，我叫赵六，身份证{ID}，要99的", "办理", 0.99).state
    assert state.frame.waiting_for == "confirm"
    result = zh(telecom, state, "算了吧", "否定", 0.72)
    assert result.state.frame is None and "flow_cancelled" in [e.name for e in result.events]


def test_a_whole_request_below_the_threshold_starts_the_flow_its_intent_agrees_with(telecom):
    result = zh(telecom, start(), f"我要开户，我叫赵六，身份证{ID}，要99的", "办理", 0.52)
    assert result.state.frame.flow == "business" and result.state.frame.waiting_for == "confirm"
    result = zh(telecom, start(), "开户，要99的", "其他", 0.52)  # the classifier does not agree: as before
    assert result.state.frame is None


def test_values_from_a_message_that_started_nothing_do_not_reach_a_later_flow(telecom):
    state = zh(telecom, start(), "要99的那个", "提供信息", 0.6).state
    assert state.frame is None and state.slots.get("plan") == "99"
    state = zh(telecom, state, "先查下余额", "查询", 0.95).state
    assert state.frame.flow == "query" and "plan" not in state.slots
    state = zh(telecom, state, "13812345678", "提供信息").state
    state = zh(telecom, state, "帮我换套餐", "办理").state
    assert "plan" not in state.slots


def test_a_value_given_first_still_serves_the_next_request(banking):
    state = en(banking, start(), "my card ends in 4821", "inform", 0.9).state
    result = en(banking, state, "activate my card", "activate_card")
    assert result.state.slots.get("card_last4") == "4821"


def test_a_yes_after_a_filler_accepts_the_offer_of_a_colleague(banking):
    state = en(banking, start(), "my card was stolen", "lost_card").state
    state = en(banking, state, "no idea what the numbers are", "deny", 0.9).state
    assert state.frame.waiting_for.startswith("unknown:")
    result = en(banking, state, "hmm ok", "affirm", 0.99)
    assert "handoff_accepted" in [e.name for e in result.events]
    state = en(banking, start(), "my card was stolen", "lost_card").state
    state = en(banking, state, "no idea what the numbers are", "deny", 0.9).state
    result = en(banking, state, "hmm let me think", "affirm", 0.9)  # still no answer
    assert "handoff_accepted" not in [e.name for e in result.events]


@pytest.mark.parametrize("text", ["都不改", "不用改了", "没有要改的"])
def test_nothing_to_change_at_which_item_goes_back_to_the_confirmation(telecom, text):
    state = zh(telecom, start(), f"我要开户，我叫赵六，身份证{ID}，要99的", "办理", 0.99).state
    state = zh(telecom, state, "不对", "否定").state
    assert state.frame.waiting_for == "which"
    result = zh(telecom, state, text, "否定", 0.81)
    assert result.state.frame.waiting_for == "confirm" and "fallback" not in [e.name for e in result.events]


@pytest.mark.parametrize("text", ["啊？", "什么？", "huh?", "pardon?"])
def test_pardon_at_a_question_asks_it_again(telecom, banking, text):
    if text.isascii():
        state = en(banking, start(), "activate my card", "activate_card").state
        result = en(banking, state, text, "affirm", 0.99)
    else:
        state = zh(telecom, start(), "开户", "办理").state
        result = zh(telecom, state, text, "肯定", 0.99)
    assert [e.name for e in result.events] == ["asked_again"] and result.state.frame.attempts == 0


def test_where_to_find_the_value_gets_the_hint(banking):
    state = en(banking, start(), "i need to activate my new card", "activate_card").state
    result = en(banking, state, "how do i find that", "help", 0.99)
    assert replies(result) == ["No problem: the last four digits are in the app under Cards and on your statements, "
                               "and on the front of the card if you have it.",
                               "Please tell me the last 4 digits of your card number."]
    assert "where_to_find" in [e.name for e in result.events]


# Session 24's held-out file, after its one scoring: "deffo, block it" was read as cancel 0.49-0.95 by
# all three banking_en models; at "Go ahead?" the stolen card would have stayed unblocked.
@pytest.mark.parametrize("text, intent, confidence", [
    ("deffo, block it", "cancel", 0.95), ("too right, block the flamin thing", "cancel", 0.46),
    ("opo, please proceed", "goodbye", 0.51), ("yes block it", "lost_card", 0.9)])
def test_a_yes_and_the_go_ahead_confirms_whatever_the_reading(banking, text, intent, confidence):
    lost = turns(default_intent="lost_card", runner_up=("inform",))
    state = lost(banking, lost(banking, start(), "I lost my card").state, "4821", "inform").state
    result = lost(banking, state, text, intent, confidence)
    assert [e.name for e in result.events][:1] == ["confirmed"]


@pytest.mark.parametrize("text, intent", [("sure, cancel it", "cancel"), ("yes, but not that card", "affirm")])
def test_no_go_ahead(banking, text, intent):
    lost = turns(default_intent="lost_card", runner_up=("inform",))
    state = lost(banking, lost(banking, start(), "I lost my card").state, "4821", "inform").state
    result = lost(banking, state, text, intent, 0.9)
    assert "confirmed" not in [e.name for e in result.events]


def test_a_yes_and_the_go_ahead_in_chinese(telecom):
    state = zh(telecom, start(), f"我要开户，我叫赵六，身份证{ID}，要99的", "办理", 0.99).state
    result = zh(telecom, state, "要得要得，帮我办嘛", "帮助", 0.66)
    assert [e.name for e in result.events][:1] == ["confirmed"]


def test_i_dont_know_again_at_the_offer_hears_the_offer_not_the_hint_again(banking):
    lost = turns(default_intent="lost_card", runner_up=("inform",))
    state = lost(banking, start(), "I lost my card").state
    first = lost(banking, state, "I do not know the numbers, the card is gone", "deny", 0.9)
    assert len(replies(first)) == 2  # the hint, then the offer
    again = lost(banking, first.state, "I dont know", "deny", 0.93)
    assert replies(again) == ["Would you like me to connect you with a colleague who can help without it?"]
    assert "handoff" in [e.name for e in lost(banking, again.state, "yes", "affirm").events]


# Session 24's second held-out files, after their one scoring: yeses read as other intents on all
# three models, at a confirmation.
@pytest.mark.parametrize("text, intent, confidence", [
    ("好滴好滴👌", "问候", 0.91), ("好嘞，麻烦你了", "问候", 0.65), ("成，给我开通", "办理", 0.95)])
def test_second_file_chinese_yeses_confirm(telecom, text, intent, confidence):
    state = zh(telecom, start(), f"我要开户，我叫赵六，身份证{ID}，要99的", "办理", 0.99).state
    result = zh(telecom, state, text, intent, confidence)
    assert [e.name for e in result.events][:1] == ["confirmed"]


@pytest.mark.parametrize("text, intent, confidence", [
    ("I agree, please proceed with the transfer", "cancel", 0.8), ("By all means, that would be lovely", "goodbye", 0.8)])
def test_second_file_english_yeses_confirm(banking, text, intent, confidence):
    result = en(banking, _at_confirmation(banking), text, intent, confidence)
    assert [e.name for e in result.events][:1] == ["confirmed"]


def test_a_bare_no_word_read_as_cancel_still_cancels(telecom):
    state = zh(telecom, start(), f"我要开户，我叫赵六，身份证{ID}，要99的", "办理", 0.99).state
    assert "flow_cancelled" in [e.name for e in zh(telecom, state, "算了", "取消", 0.9).events]


@pytest.mark.parametrize("domain, text, intent, handed_off", [
    ("telecom", "你听不懂 我要跟客服人员说", "帮助", True),
    ("banking", "I've tried explaining this three times and you're not understanding me. Please put me through "
                "to a human.", "help", True),
    ("telecom", "我不要跟人工说，你告诉我就行", "帮助", False), ("telecom", "你能做什么", "帮助", False),
    ("banking", "I don't want to talk to a human, what can you do", "help", False),
])
def test_a_person_asked_for_outright_read_as_help_hands_off(banking, telecom, domain, text, intent, handed_off):
    """Session 24's second held-out files: read as help 0.60-0.96 by all three models of each domain."""
    assistant, turn = (telecom, zh) if domain == "telecom" else (banking, en)
    result = turn(assistant, start(), text, intent, 0.95)
    assert ("handoff" in [e.name for e in result.events]) is handed_off
