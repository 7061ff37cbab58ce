"""Items left by earlier customer trials and found in session 35's, fixed in session 35."""
from __future__ import annotations

import pytest

from tests.support.engine_turns import done, replies, start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)
from tests.test_customer_trial_s32 import learnt

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))

MAIN_ACCOUNT = "transfers are paid from your main account"


# "send 80 to Priya from card 1234" dropped the card without a word, and "yes" sent the money from the main account
# (customer trial, session 34, left then): the transfer's `notices` say where a transfer is paid from, before the
# read-back; at the read-back, a card named decides nothing
@pytest.mark.parametrize("text", ["send 80 to Priya from card 1234", "now send 80 to Priya using my other card, the 4821 one",
                                  "ok I need to send 80 to Priya from the other card", "send 80 to Priya, take it from my savings",
                                  "send 80 to priya from 4821"])
def test_a_card_named_to_pay_from_is_answered_before_the_read_back(banking, text):
    payee = text[text.lower().index("priya"):][:5]
    result = en(banking, start(), text, "transfer_money", 0.99,
                entities=[learnt(text, payee, "recipient"), learnt(text[:text.index(payee)], "80", "amount")])
    said = replies(result)
    assert MAIN_ACCOUNT in said[-2] and said[-1].startswith(f"Send $80.00 to {payee}")
    assert "noticed" in [e.name for e in result.events]
    assert result.state.stack[-1].waiting_for == "confirm"


def test_a_card_named_while_a_question_waits(banking):
    state = en(banking, start(), "I want to send money", "transfer_money", 0.99).state
    result = en(banking, state, "50 dollars, from my credit card", "inform", 0.9)
    said = replies(result)
    assert MAIN_ACCOUNT in said[-2] and "Who should I send it to?" in said[-1]
    assert result.state.slots["amount"]["amount"] == 50


def test_yes_with_a_card_at_the_read_back_is_no_yes(banking):
    state = en(banking, start(), "send 80 to Priya", "transfer_money", 0.99,
               entities=[learnt("send 80 to Priya", "Priya", "recipient")]).state
    result = en(banking, state, "yes but take it from card 4821", "affirm", 0.97)
    assert result.action is None and MAIN_ACCOUNT in replies(result)[0]
    assert replies(result)[-1].startswith("Send $80.00 to Priya")
    assert en(banking, result.state, "yes", "affirm", 0.99).action is not None


@pytest.mark.parametrize("text", ["send 80 to Priya", "send 1500 to my landlord", "send 80 to Priya's account",
                                  "transfer 50 dollars from my account to Ana", "send 2000 dollars to mum on friday"])
def test_no_card_named_no_notice(banking, text):
    result = en(banking, start(), text, "transfer_money", 0.99)
    assert "noticed" not in [e.name for e in result.events]


def test_a_card_named_in_another_flow_is_no_transfer_notice(banking):
    result = en(banking, start(), "whats the balance on my other card 4821", "check_balance", 0.99)
    assert "noticed" not in [e.name for e in result.events]


@pytest.mark.parametrize("old, new, words", [
    ("- response: utter_transfer_from_main_account", "- response: utter_transfer_from_main", ["unknown response"]),
    ("- response: utter_transfer_from_main_account\n        patterns:", "- response: utter_transfer_from_main_account\n        x:",
     ["what the flow does differently"]),
])
def test_a_bad_notices_entry_names_its_place(tmp_path, old, new, words):
    from framework.spec import load_assistant
    from framework.spec.errors import SpecErrors
    from tests.test_side_questions import _copy_with

    domain = _copy_with(tmp_path, old, new)
    with pytest.raises(SpecErrors) as err:
        load_assistant(domain, environ={})
    message = str(err.value)
    assert "transfer_money.yml:" in message and all(w in message for w in words), message


def _sent(banking):
    state = en(banking, start(), "send 80 to Priya", "transfer_money", 0.99,
               entities=[learnt("send 80 to Priya", "Priya", "recipient")]).state
    result = done(banking, en(banking, state, "yes", "affirm", 0.99).state, transfer_id="TR-50001")
    assert "TR-50001" in replies(result)[-1]
    return result.state


# "did it go through?" right after "Done: $80.00 to Priya" (affirm 0.85) heard "That's outside what I can do", and
# "what was the reference again?" a turn later the same (customer trial, session 34, left then): the replies that
# ended the transfer again
@pytest.mark.parametrize("text, intent", [("did it go through?", "affirm"), ("what was the reference again?", "out_of_scope"),
                                          ("so is it done?", "affirm"), ("whats the reference number", "inform"),
                                          ("has the money been sent", "transfer_money")])
def test_did_it_go_through_after_a_transfer(banking, text, intent):
    result = en(banking, _sent(banking), text, intent, 0.85)
    assert "outcome_said_again" in [e.name for e in result.events] and "TR-50001" in replies(result)[-1]
    assert not result.state.stack


def test_the_reference_after_a_goodbye_in_between(banking):
    state = en(banking, _sent(banking), "thanks", "goodbye", 0.99).state
    result = en(banking, state, "wait what was the reference again?", "out_of_scope", 0.6)
    assert "TR-50001" in replies(result)[-1]


def test_no_outcome_once_another_flow_started(banking):
    state = en(banking, _sent(banking), "what's my balance", "check_balance", 0.99).state
    state = en(banking, state, "cancel", "cancel", 0.99).state
    result = en(banking, state, "did it go through?", "affirm", 0.85)
    assert "outcome_said_again" not in [e.name for e in result.events]


@pytest.mark.parametrize("text", ["send another 20 to Priya", "did Priya get the email?", "is it raining", "done"])
def test_other_messages_after_a_transfer_are_read_as_before(banking, text):
    result = en(banking, _sent(banking), text, "out_of_scope", 0.9)
    assert "outcome_said_again" not in [e.name for e in result.events]


@pytest.mark.parametrize("text", ["办好了吗", "那个单号是多少", "开成功了没", "所以办好了没有？"])
def test_an_opening_asked_about_again(telecom, text):
    from tests.test_customer_trial_s27 import _opened

    ended = _opened(telecom)
    said = ended.history[-1].replies[-1]
    result = zh(telecom, ended, text, "查询", 0.8)
    assert "outcome_said_again" in [e.name for e in result.events] and replies(result)[-1] == said


# "工单号多少来着" after a complaint was filed and the offer of a person turned down (customer trial, session 34)
@pytest.mark.parametrize("text", ["工单号多少来着", "那个工单号是多少", "提交成功了没"])
def test_a_complaints_number_asked_again(telecom, text):
    state = zh(telecom, start(), "我要投诉，网速太慢了，三天了都没修好", "投诉", 0.99).state
    for answer in ("张伟", "310115198807042316", "没有", "确认"):
        state = zh(telecom, state, answer, "肯定" if answer == "确认" else "提供信息", 0.99).state
    assert state.pending_action is not None, state.history[-1].replies
    state = done(telecom, state, ticket_no="TS-1001").state
    state = zh(telecom, state, "不用了", "否定", 0.99).state
    assert not state.stack
    result = zh(telecom, state, text, "查询", 0.8)
    assert "outcome_said_again" in [e.name for e in result.events] and "TS-1001" in replies(result)[-1]
    assert "转人工" not in "".join(replies(result))
