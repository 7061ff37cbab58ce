"""Items left by earlier customer trials and found in session 36's, fixed in session 36."""
from __future__ import annotations

import pytest

from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)
from tests.test_customer_trial_s32 import learnt

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))


def _refused_quid(banking):
    text = "hey can you send two hundred and fifty quid to my mate Dave Okonkwo on friday"
    result = en(banking, start(), text, "transfer_money", 1.0, entities=[learnt(text, "Dave Okonkwo", "recipient")])
    assert "US dollars" in replies(result)[-1] and "amount" not in result.state.slots
    return result.state


# "oops sorry i meant dollars" (deny 0.93) after "two hundred and fifty quid" was refused as not dollars asked whether
# to stop the transfer (tried by hand, end of session 35): the amount refused for its currency, in the slot's currency
@pytest.mark.parametrize("text, intent", [("oops sorry i meant dollars", "deny"), ("dollars", "inform"),
                                          ("sorry, US dollars", "deny"), ("i meant usd", "inform"),
                                          ("in dollars please", "inform"), ("no, dollars", "deny")])
def test_the_currency_meant_takes_the_amount_refused(banking, text, intent):
    result = en(banking, _refused_quid(banking), text, intent, 0.93)
    assert result.state.slots["amount"] == {"amount": 250, "currency": "USD"}
    assert replies(result)[-1].startswith("Send $250.00 to Dave Okonkwo")


@pytest.mark.parametrize("text, intent", [("no, cancel it", "cancel"), ("pounds", "inform"), ("100 dollars", "inform")])
def test_no_currency_meant(banking, text, intent):
    result = en(banking, _refused_quid(banking), text, intent, 0.93)
    assert (result.state.slots.get("amount") or {}).get("amount") != 250


def _read_back(banking, text="send 50 to Priya"):
    result = en(banking, start(), text, "transfer_money", 0.99, entities=[learnt(text, "Priya", "recipient")])
    assert result.state.stack[-1].waiting_for == "confirm"
    return result.state


# "make it double" at the read-back of $50 was not understood (customer trial, session 35, left then): the amount
# given, multiplied
@pytest.mark.parametrize("text, intent, amount", [("make it double", "inform", 100), ("actually double it", "deny", 100),
                                                  ("make it half", "inform", 25), ("half of that please", "inform", 25),
                                                  ("twice that", "affirm", 100)])
def test_a_multiple_of_the_amount_given(banking, text, intent, amount):
    result = en(banking, _read_back(banking), text, intent, 0.8)
    assert result.state.slots["amount"]["amount"] == amount
    assert replies(result)[-1].startswith(f"Send ${amount}.00 to Priya")


def test_a_multiple_over_the_limit_is_refused(banking):
    result = en(banking, _read_back(banking, "send 2000 to Priya"), "make it double", "inform", 0.8)
    assert result.state.slots["amount"]["amount"] == 2000 and result.action is None


def test_double_check_is_no_multiple(banking):
    result = en(banking, _read_back(banking), "can you double check the name", "inform", 0.8)
    assert result.state.slots["amount"]["amount"] == 50


# "yes, and also what is the balance on 4821" at a transfer's read-back (tried in session 35, left then)
@pytest.mark.parametrize("text", ["yes, and also what is the balance on 4821", "yes and whats the balance on 4821",
                                  "yes go ahead, also what's my balance on card 4821?"])
def test_yes_and_a_balance_at_the_read_back(banking, text):
    from dataclasses import replace

    from framework.engine import handle_message
    from framework.nlu.interface import IntentScore
    from tests.support.engine_turns import NOW, message

    at = text.index("what")
    nlu = replace(message(banking, text, "affirm", 0.9, runner_up=("check_balance",)),
                  also=(IntentScore("check_balance", 0.99),), also_span=(at, len(text)))
    result = handle_message(banking, _read_back(banking), nlu, now=NOW)
    assert result.action is not None and "confirmed" in [e.name for e in result.events]
    assert [f.flow for f in result.state.stack][0] == "check_balance"


# "the friday after that" at a read-back of a transfer on Friday 4 December (left in session 35): the next Friday
@pytest.mark.parametrize("text, day", [("the friday after that", "2026-12-11"), ("no, the week after that", "2026-12-11"),
                                       ("make it the monday after that", "2026-12-07"), ("the day after that", "2026-12-05")])
def test_a_day_counted_from_the_date_given(banking, text, day):
    said = "send 50 to Priya on friday"
    state = en(banking, start(), said, "transfer_money", 0.99, entities=[learnt(said, "Priya", "recipient")]).state
    assert state.slots["date"] == "2026-12-04"
    result = en(banking, state, text, "inform", 0.8)
    assert result.state.slots["date"] == day


# "两三百" at the loss question was asked again without a word of why (customer trial, session 35)
@pytest.mark.parametrize("text", ["两三百吧", "一两百", "五六十块"])
def test_an_amount_that_is_no_one_amount_says_why(telecom, text):
    state = start()
    for said, intent in [("我要投诉，你们乱扣我话费", "投诉"), ("张伟", "提供信息"), ("11010519491231002X", "提供信息")]:
        state = zh(telecom, state, said, intent, 0.95).state
    result = zh(telecom, state, text, "提供信息", 0.95)
    said = replies(result)
    assert said[0].startswith("需要一个确切的总金额") and "经济损失" in said[-1] and "loss" not in result.state.slots


# "now" at "Send $20.00 to Tom on Sunday 6 December?" (goodbye 1.00) offered to stop, and "no I want to send it now"
# (cancel 0.95) at "Do you want to stop this transfer?" stopped it (customer trial, session 36)
def test_no_i_want_to_send_it_at_the_stop_question(banking):
    state = en(banking, _read_back(banking), "bye", "goodbye", 1.0).state
    result = en(banking, state, "no I want to send it now", "cancel", 0.95)
    assert result.state.stack and replies(result)[-1].startswith("Send $50.00 to Priya")


@pytest.mark.parametrize("said, date", [("send 50 to Priya", "2026-12-02"), ("send 50 to Priya on friday", "2026-12-02")])
def test_now_at_the_read_back_is_today(banking, said, date):
    result = en(banking, _read_back(banking, said), "now", "goodbye", 1.0)
    assert "stop_offered" not in [e.name for e in result.events]
    assert result.state.slots["date"] == date and replies(result)[-1].startswith("Send $50.00 to Priya on Wednesday")


def test_today_is_fine_at_the_read_back(banking):
    result = en(banking, _read_back(banking), "today is fine", "inform", 0.6)
    assert replies(result) == ["The date stays Wednesday 2 December.", "Send $50.00 to Priya on Wednesday 2 December?"]


# "wait did the money go out?" after a cancelled transfer (check_balance 1.00) started a balance check, and the
# customer was stuck at its card question (customer trial, session 36)
@pytest.mark.parametrize("text", ["wait did the money go out?", "forget the card. was the 45 dollars sent or not?",
                                  "no I mean the transfer to Emma, did it go?"])
def test_did_the_money_go_out_after_a_cancel(banking, text):
    said = "transfer 45 dollars to Emma Stone"
    state = en(banking, start(), said, "transfer_money", 1.0, entities=[learnt(said, "Emma Stone", "recipient")]).state
    state = en(banking, state, "no cancel it", "cancel", 1.0).state
    result = en(banking, state, text, "check_balance", 1.0)
    assert "outcome_said_again" in [e.name for e in result.events] and not result.state.stack
    assert "nothing went through" in replies(result)[-1]


# "pay Mr. Peterson, my landlord, 950 dollars" and "to my landlord, Mr. Peterson" at "Who should I send it to?" sent the
# money to "my landlord" (customer trial, session 36): the full name is asked, as for "Mr. Peterson" alone
FULL_NAME = "I need the full name for the recipient, first and last name. Could you give it to me?"


def test_a_relation_beside_a_title_and_surname_asks_the_full_name(banking):
    text = "Hi I want to pay Mr. Peterson, my landlord, 950 dollars on the first of january"
    result = en(banking, start(), text, "transfer_money", 1.0,
                entities=[learnt(text, "Mr. Peterson", "recipient"), learnt(text, "my landlord", "recipient")])
    assert replies(result) == [FULL_NAME] and "recipient" not in result.state.slots
    result = en(banking, result.state, "John Peterson", "inform", 1.0,
                entities=[learnt("John Peterson", "John Peterson", "recipient")])
    assert replies(result)[-1].startswith("Send $950.00 to John Peterson")


def test_a_relation_and_a_title_at_the_recipient_question(banking):
    state = en(banking, start(), "hi, can you help me transfer money", "transfer_money", 1.0).state
    state = en(banking, state, "100", "inform", 1.0).state
    text = "to my landlord, Mr. Peterson"
    result = en(banking, state, text, "inform", 1.0,
                entities=[learnt(text, "my landlord", "recipient"), learnt(text, "Mr. Peterson", "name")])
    assert replies(result) == [FULL_NAME] and "recipient" not in result.state.slots


def test_a_relation_alone_is_still_a_payee(banking):
    text = "send 50 to my landlord"
    result = en(banking, start(), text, "transfer_money", 1.0, entities=[learnt(text, "my landlord", "recipient")])
    assert result.state.slots["recipient"] == "my landlord"


# "her name is Grace" at the amount's question of a transfer to "my daughter" was taken for no amount (customer trial,
# session 36)
def test_her_name_after_a_relation(banking):
    text = "I want to send money to my daughter"
    state = en(banking, start(), text, "transfer_money", 1.0, entities=[learnt(text, "my daughter", "recipient")]).state
    result = en(banking, state, "her name is Grace", "inform", 0.99)
    assert result.state.slots["recipient"] == "Grace" and replies(result)[-1] == "How much would you like to send?"


def test_a_name_given_does_not_become_another_by_context(banking):
    text = "send money to Tom Baker"
    state = en(banking, start(), text, "transfer_money", 1.0, entities=[learnt(text, "Tom Baker", "recipient")]).state
    result = en(banking, state, "her name is Grace", "inform", 0.99)
    assert result.state.slots["recipient"] == "Tom Baker"


# "can it go on 12/20?" at a read-back heard "I can't answer that here" (customer trial, session 36): a change asked
@pytest.mark.parametrize("text, intent, slot, value", [
    ("can it go on 12/20?", "affirm", "date", "2026-12-20"), ("could you make it 60?", "inform", "amount", 60),
    ("can it be tomorrow instead?", "affirm", "date", "2026-12-03")])
def test_a_change_asked_at_the_read_back(banking, text, intent, slot, value):
    result = en(banking, _read_back(banking), text, intent, 0.87)
    got = result.state.slots[slot]
    assert (got["amount"] if isinstance(got, dict) else got) == value
    assert replies(result)[-1].startswith("Send $")


# "no, my balance" at "Do you want to send money to someone?" (asked for "i want to chek my ballance", read as a
# transfer 0.51) heard "Sorry, I got that wrong" (customer trial, session 36): what follows the no is ranked on its own
def test_no_and_what_is_wanted_at_the_intent_check(banking):
    import dataclasses
    from dataclasses import replace

    from framework.engine import handle_message
    from framework.nlu.interface import IntentScore
    from framework.slots.answers import after_refusal
    from tests.support.engine_turns import NOW, message

    banking = dataclasses.replace(banking, settings=dataclasses.replace(banking.settings, fallback_threshold=0.7))
    state = en(banking, start(), "i want to chek my ballance", "transfer_money", 0.51).state
    assert replies(en(banking, state, "no", "deny", 1.0))[-1].startswith("Sorry, I got that wrong")
    assert after_refusal("no, my balance", "en") == "my balance"
    nlu = replace(message(banking, "no, my balance", "deny", 1.0, runner_up=("affirm",)),
                  instead=(IntentScore("check_balance", 0.99),))
    result = handle_message(banking, state, nlu, now=NOW)
    assert [f.flow for f in result.state.stack] == ["check_balance"]
    assert replies(result)[-1] == "Please tell me the last 4 digits of your card number."


# "now I also want to send money to Kate Moss" after a transfer: "now I" ranked on its own as a goodbye, and the
# conversation ended (customer trial, session 36)
@pytest.mark.parametrize("text, parts", [("now I also want to send money to Kate Moss", None),
                                         ("so I also need to send 20 to Bob", None),
                                         ("yes, and also what is the balance", ("yes", "what is the balance")),
                                         ("block my card and also tell me my balance", ("block my card", "tell me my balance"))])
def test_no_first_request_before_also(text, parts):
    from framework.slots.answers import also_part

    assert also_part(text, "en") == parts


# "how much can I still send today?" at "…over your daily limit… How much would you like to send instead?" started a
# balance check, and "ok send her 500 then" was dropped there (customer trial, session 36)
def test_how_much_can_i_still_send_after_the_limit(banking):
    from tests.support.engine_turns import NOW

    state = _read_back(banking, "send 600 to Priya")
    state = en(banking, state, "yes", "affirm", 1.0).state
    from framework.engine import ActionResult, handle_action_result

    result = handle_action_result(banking, state, ActionResult.failure("over", kind="refused", status=409), now=NOW)
    assert "daily limit" in replies(result)[-1]
    result = en(banking, result.state, "how much can I still send today?", "check_balance", 1.0)
    assert "question_answered" in [e.name for e in result.events]
    assert [f.flow for f in result.state.stack] == ["transfer_money"]
    result = en(banking, result.state, "ok send her 500 then", "transfer_money", 0.98)
    assert result.state.slots["amount"]["amount"] == 500 and replies(result)[-1].startswith("Send $500.00 to Priya")


# "did you block it?" after "found it! nevermind" at a block's read-back heard "That's outside what I can do" (customer
# trial, session 36)
def test_did_you_block_it_after_a_cancel(banking):
    state = en(banking, start(), "I lost my card", "lost_card", 1.0).state
    state = en(banking, state, "1234", "inform", 1.0).state
    state = en(banking, state, "found it! nevermind", "cancel", 0.95).state
    result = en(banking, state, "did you block it?", "lost_card", 0.9)
    assert "outcome_said_again" in [e.name for e in result.events] and "nothing went through" in replies(result)[-1]
