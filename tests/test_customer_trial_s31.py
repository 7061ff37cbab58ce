"""Items left by earlier customer trials and found in session 31's, fixed in session 31."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from framework.agent import Agent, classifier_parser
from framework.spec import load_assistant
from tests.support.engine_turns import done, replies, start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)
from tests.support.fake_classifier import FakeClassifier

ROOT = Path(__file__).resolve().parent.parent
NOW = 1_790_000_000.0
en = turns(default_intent="inform", runner_up=("affirm", "deny"))
zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))


@pytest.fixture(scope="module")
def banking_agent_domain():
    assistant = load_assistant(ROOT / "domains" / "banking_en", environ={})
    return dataclasses.replace(assistant, settings=dataclasses.replace(assistant.settings, fallback_threshold=0.7))


# "actually wait, what is my balance first?" at a transfer's read-back: "actually wait" alone is cancel 0.9, so the
# transfer was cancelled before the balance was asked (customer trial, session 30, left then). A wait is no cancel:
# the balance interrupts the transfer, which comes back after it.
@pytest.mark.parametrize("opening", ["actually wait", "wait", "hold on", "oh wait"])
async def test_a_wait_before_another_request_keeps_the_flow(banking_agent_domain, opening):
    banking = banking_agent_domain
    first, text = "send 50 dollars to Maria", f"{opening}, what is my balance first?"
    classifier = FakeClassifier({first: "transfer_money", text: ("check_balance", 0.99),
                                 opening: ("cancel", 0.95)}, banking.intents)
    agent = Agent(banking, classifier_parser(classifier, banking))
    state = (await agent.handle(None, "u", first, now=NOW)).state
    turn = await agent.handle(state, "u", text, now=NOW + 5)
    assert [f.flow for f in turn.state.stack] == ["transfer_money", "check_balance"]
    assert turn.state.slots["recipient"] == "Maria"
    assert "cancel_before_request" not in [e.name for e in turn.events]


# At "Do you want to stop this transfer?", "let us go back to the transfer" (cancel 0.94) stopped it (customer
# trial, session 30)
@pytest.mark.parametrize("text", ["let us go back to the transfer", "let's get back to the payment", "resume please",
                                  "go back to that one"])
def test_going_back_at_the_stop_question_goes_on(banking, text):
    state = en(banking, start(), "send 50 dollars to Maria", "transfer_money", 0.99).state
    # "ok thanks" here until session 33, whose trial made it a hedge at a read-back ("I need a clear yes or no")
    result = en(banking, state, "ok bye for now", "goodbye", 0.87)
    assert "stop" in replies(result)[-1]
    result = en(banking, result.state, text, "cancel", 0.94)
    assert result.state.stack and result.state.slots["recipient"] == "Maria"
    assert "Send $50.00 to Maria" in replies(result)[-1]


# "send some money to Mum" at "Send $500.00 to Dad …?" changed the recipient: "Send $500.00 to Mum?", and "yes" sent
# Dad's $500 to Mum (customer trial, session 30, left then). Some money, or "also": a second transfer after this one
@pytest.mark.parametrize("text", ["send some money to Mum", "also send some money to Mum", "I want to send a bit of cash to Mum",
                                  "and also send to Mum"])
def test_some_money_to_another_person_is_a_second_transfer(banking, text):
    state = en(banking, start(), "send 500 dollars to Dad", "transfer_money", 0.99).state
    result = en(banking, state, text, "transfer_money", 0.99)
    assert result.state.slots["recipient"] == "Dad" and "Send $500.00 to Dad" in replies(result)[-1]
    assert [f.flow for f in result.state.stack] == ["transfer_money", "transfer_money"]
    result = en(banking, result.state, "yes", "affirm")
    assert result.action is not None and result.action.slots["recipient"] == "Dad"


@pytest.mark.parametrize("text", ["send it to Mum", "send it to Mum instead", "no, to Mum", "make it to Mum"])
def test_the_same_money_to_another_person_is_a_change(banking, text):
    state = en(banking, start(), "send 500 dollars to Dad", "transfer_money", 0.99).state
    result = en(banking, state, text, "transfer_money", 0.99)
    assert result.state.slots["recipient"] == "Mum" and "Send $500.00 to Mum" in replies(result)[-1]


# "my card was stolen, can you freeze it" got "I can't freeze a card for a while" and the digits that followed the
# fallback (customer trial, session 30, left then): a lost or stolen card's freeze is its block, confirmed as such
@pytest.mark.parametrize("text, served", [("my card was stolen, can you freeze it", True),
                                          ("I lost my wallet, freeze card 4821 please", True),
                                          ("can you freeze my card for a while", False),
                                          ("temporarily block my card, I think it's in the car", False)])
def test_a_freeze_of_a_stolen_card_is_its_block(banking, text, served):
    result = en(banking, start(), text, "lost_card", 0.99)
    names = [e.name for e in result.events]
    assert ("flow_started" in names) is served and ("request_not_served" in names) is not served


# "this is ridiculous, let me talk to a real person" (human_agent 1.00) at "Send $100.00 to Paul …?" changed the
# recipient to "ridiculous", no handoff, and "yes" sent the money (customer trial, session 31)
@pytest.mark.parametrize("text, intent", [("this is ridiculous, let me talk to a real person", "human_agent"),
                                          ("this is ridiculous, cancel it", "cancel")])
def test_a_sure_command_takes_no_name_from_its_words(banking, text, intent):
    state = en(banking, start(), "send 100 dollars to Paul", "transfer_money", 0.99).state
    result = en(banking, state, text, intent, 1.0)
    assert result.state.stack == () and "ridiculous" not in " ".join(replies(result))


def test_a_correction_said_with_a_cancel_word_still_corrects(banking):
    state = en(banking, start(), "send 100 dollars to Paul", "transfer_money", 0.99).state
    result = en(banking, state, "no, I meant to Hans", "cancel", 0.9)
    assert result.state.slots.get("recipient") == "Hans"


# "my wallet was stolen, they already took 1234 from my account" offered the block of the card ending 1234, and
# "yes" blocked it (customer trial, session 31)
@pytest.mark.parametrize("text", ["my wallet was stolen, they already took 1234 from my account",
                                  "I lost my card and there was like 1500 on it, please help",
                                  "my card is gone and someone spent 2000 dollars"])
def test_money_taken_is_no_card_number(text):
    from framework.slots.number_labels import named_otherwise
    from framework.compile.machine import Slot
    slot = Slot(name="card_last4", type="regex", options={"pattern": r"\d{4}"})
    number = next(m for m in __import__("re").finditer(r"\d{4}", text))
    assert named_otherwise(slot, text, number.start(), "en", number.end())


@pytest.mark.parametrize("text", ["my card ending 4821 is lost, they spent 300 on it", "block card 1234 please",
                                  "the card that ends in 1500 was stolen"])
def test_a_card_number_stays_a_card_number(text):
    from framework.slots.number_labels import named_otherwise
    from framework.compile.machine import Slot
    slot = Slot(name="card_last4", type="regex", options={"pattern": r"\d{4}"})
    number = next(m for m in __import__("re").finditer(r"\d{4}", text))
    assert not named_otherwise(slot, text, number.start(), "en", number.end())


# "send Alice twenty 5 dollars" was sent as $5 (customer trial, session 31)
@pytest.mark.parametrize("text, value", [("twenty 5 dollars", 25), ("ninety-9 bucks", 99), ("thirty 2.50", None),
                                         ("twenty 55", None)])
def test_a_tens_word_and_a_digit(text, value):
    from framework.slots.numerals import scan
    found = scan(text)
    if value is None:
        assert len(found) == 2
    else:
        assert [q.value for q in found] == [value]


# "no wait, the 13th" at "Send $50.00 to Tom on Sunday 3 January?" became 13 December (customer trial, session 31)
def test_a_day_alone_corrects_the_held_dates_day(banking):
    state = en(banking, start(), "send 50 dollars to Tom on the 1st of January", "transfer_money", 0.99).state
    assert state.slots["date"] == "2027-01-01"  # NOW is 2 December 2026: the last day within 30
    result = en(banking, state, "no wait, the 2nd", "inform", 0.9)  # 2 January: out of range, not 2 December
    assert result.state.slots["date"] == "2027-01-01" and "within the next 30 days" in " ".join(replies(result))
    result = en(banking, start(), "send 50 dollars to Tom on the 23rd", "transfer_money", 0.99)
    result = en(banking, result.state, "no, the 24th", "inform", 0.9)
    assert result.state.slots["date"] == "2026-12-24"


# "hold on, let me check" (cancel) dropped a lost card's block and its digits got the fallback (customer trial,
# session 31)
@pytest.mark.parametrize("text", ["hold on, let me check", "hang on let me look", "wait, let me find it",
                                  "one sec, I need to check my wallet"])
def test_a_wait_to_check_keeps_the_block(banking, text):
    state = en(banking, start(), "my card is lost", "lost_card", 0.99).state
    result = en(banking, state, text, "cancel", 0.95)
    assert result.state.stack and "hold_on" in [e.name for e in result.events]
    result = en(banking, result.state, "4821", "inform")
    assert "ending 4821" in replies(result)[-1]


# "actually make it 30 and send it to Hans" at "Who should I send it to?" changed the amount and asked again
def test_a_change_and_the_answer_together(banking):
    state = en(banking, start(), "I want to send 50 dollars", "transfer_money", 0.99).state
    result = en(banking, state, "actually make it 30 and send it to Hans", "inform", 0.9)
    assert result.state.slots["recipient"] == "Hans" and result.state.slots["amount"]["amount"] == 30


# telecom_zh, customer trial of session 31

# "129的太贵了 我想换个套餐 但是别给我换99的 99的流量不够" set the plan to 99, the plan question was skipped and "好"
# changed the plan to 99; "那个五十九的太抠了" set 59
@pytest.mark.parametrize("text", ["129的太贵了 我想换个套餐 但是别给我换99的 99的流量不够",
                                  "整啥呢 俺寻思换个套餐 那个五十九的太抠了", "我想换套餐，别给我换成99的"])
def test_a_rejected_plan_is_no_choice(telecom, text):
    result = zh(telecom, start(), text, "办理", 0.99)
    assert "plan" not in result.state.slots and result.state.slots.get("business") == "换套餐"


# "跟刚才一样的套餐" at the name question: "您说的姓名是跟刚才一样的套餐吗？", and "对" opened an account under it
@pytest.mark.parametrize("text", ["跟刚才一样的套餐", "还是我 身份证跟刚才一样", "和上次一样"])
def test_words_pointing_back_are_no_name(telecom, text):
    state = zh(telecom, start(), "我要开户", "办理", 0.99).state
    result = zh(telecom, state, text, "肯定", 0.61)
    assert "name" not in result.state.slots and "value_check" not in [e.name for e in result.events]


# "再帮我老婆办一个 李娜 5101… 也要99的" right after an opening opened an account in the wife's name
def test_the_same_request_for_someone_else_is_refused(telecom):
    state = start()
    for text, intent in [("我要开户", "办理"), ("张伟", "提供信息"), ("11010519491231002X", "提供信息"), ("99", "提供信息")]:
        state = zh(telecom, state, text, intent, 0.99).state
    result = zh(telecom, state, "确认", "肯定")
    result = done(telecom, result.state)
    result = zh(telecom, result.state, "再帮我老婆办一个 李娜 510104198812120022 也要99的", "办理", 0.99)
    assert "request_not_served" in [e.name for e in result.events] and not result.state.stack
    assert "name" not in result.state.slots


# "整个一百二十九的" and "整个129的吧" at the read-back of 59 were not taken, and "妥了" opened 59
@pytest.mark.parametrize("text", ["整个一百二十九的", "整个129的吧", "来个129的"])
def test_dialect_make_it_changes_the_plan(telecom, text):
    state = zh(telecom, start(), "开户 王铁柱 110101199003074514 59", "办理", 0.99).state
    result = zh(telecom, state, text, "提供信息", 0.9)
    assert result.state.slots["plan"] == "129"


# "哎呀名字打错了" at the ID question offered to stop, and "对 我要改一下名字" cancelled the opening
@pytest.mark.parametrize("text", ["哎呀名字打错了", "名字输错了"])
def test_an_earlier_value_said_wrong_is_asked_again(telecom, text):
    state = zh(telecom, zh(telecom, start(), "我要开户", "办理", 0.99).state, "张为", "提供信息").state
    result = zh(telecom, state, text, "否定", 0.98)
    assert "stop_offered" not in [e.name for e in result.events] and result.state.stack[-1].waiting_for == "slot:name"
    result = zh(telecom, result.state, "张伟", "提供信息")
    assert result.state.slots["name"] == "张伟" and result.state.stack[-1].waiting_for == "slot:id_number"


def test_an_earlier_value_said_wrong_in_english(banking):
    state = en(banking, start(), "send 50 dollars", "transfer_money", 0.99).state
    state = en(banking, state, "the amount was wrong", "deny", 0.98).state
    assert state.stack[-1].waiting_for == "slot:amount"


# "谢谢 不用了" at "查余额还是账单？" heard the menu again and again
@pytest.mark.parametrize("text", ["谢谢 不用了", "不用了", "不需要了"])
def test_a_decline_at_a_menu_asks_to_stop(telecom, text):
    state = zh(telecom, start(), "我要查询", "查询", 0.99).state
    assert state.stack[-1].waiting_for == "slot:query_type"
    result = zh(telecom, state, text, "否定", 0.99)
    assert "stop_offered" in [e.name for e in result.events]
    result = zh(telecom, result.state, "是的", "肯定")
    assert not result.state.stack


# "我问问我老公" at the name question: the fallback
def test_asking_the_husband_is_a_wait(telecom):
    state = zh(telecom, start(), "我要开户", "办理", 0.99).state
    result = zh(telecom, state, "我问问我老公", "其他", 0.7)
    assert "hold_on" in [e.name for e in result.events]


# "算了 帮我查13800000000的余额" at "请问要查本月还是上月的账单？": the balance asks no month (it was asked again)
def test_a_bill_changed_to_a_balance_asks_no_month(telecom):
    state = zh(telecom, start(), "查13912345679三月份的账单", "查询", 0.99).state
    assert state.stack[-1].waiting_for == "slot:bill_month"
    result = zh(telecom, state, "算了 帮我查13800000000的余额", "查询", 0.99)
    assert "rerouted" in [e.name for e in result.events] and result.action is not None


# Round 2 of session 31's trial

# "a hundred and 5 dollars" was sent as $5, "make it 1 hundred and 10" became $100
@pytest.mark.parametrize("text, value", [("a hundred and 5 dollars", 105), ("1 hundred and 10", 110),
                                         ("2 hundred and fifty", 250), ("one hundred and 20", 120)])
def test_hundreds_in_words_and_digits(text, value):
    from framework.slots.numerals import scan
    assert [q.value for q in scan(text)] == [value]


# "no its 75 because he paid me back 25" set $25, and "yes" sent it
@pytest.mark.parametrize("text", ["no its 75 because he paid me back 25", "make it 75 since he gave me 25 back"])
def test_a_number_in_the_reason_is_not_the_value(banking, text):
    state = en(banking, start(), "send 100 dollars to Ben", "transfer_money", 0.99).state
    result = en(banking, state, text, "deny", 0.9)
    assert result.state.slots["amount"]["amount"] == 75


# "hmm actually the name I gave you was wrong" at the amount question, then "Kevin O Brien": the read-back had no
# amount ("Send $ to Kevin O Brien"), and "yes" failed at the backend
def test_a_name_asked_again_aside_comes_back_to_the_amount(banking):
    state = en(banking, start(), "I want to send money to Kevin", "transfer_money", 0.99).state
    assert state.stack[-1].waiting_for == "slot:amount"
    result = en(banking, state, "hmm actually the name I gave you was wrong", "deny", 0.9)
    assert replies(result)[-1] == "Who should I send it to?" and result.state.stack[-1].waiting_for == "slot:recipient"
    result = en(banking, result.state, "Kevin O Brien", "inform")
    assert result.state.slots["recipient"] == "Kevin O Brien"
    assert replies(result)[-1] == "How much would you like to send?"
    result = en(banking, result.state, "40", "inform")
    assert "Send $40.00 to Kevin O Brien" in replies(result)[-1]


# "sorry the name was wrong, it should be Kevin OBrien" (tagged `name`, the cardholder's) at the amount question:
# the name was dropped and the recipient asked three times
def test_a_cardholder_name_said_as_a_correction_is_the_recipient(banking):
    from framework.slots.entities import Entity
    state = en(banking, start(), "I want to send money to Kevin", "transfer_money", 0.99).state
    text = "sorry the name was wrong, it should be Kevin OBrien"
    at = text.index("Kevin")
    result = en(banking, state, text, "deny", 0.93,
                entities=[Entity("name", "Kevin OBrien", "Kevin OBrien", at, len(text), "model", confidence=0.9)])
    assert result.state.slots["recipient"] == "Kevin OBrien"


# "oh wait the 4th actually", "sorry I meant the 4th not the 2nd" at a read-back of 2 January: no date read, or the 2nd
@pytest.mark.parametrize("text", ["oh wait the 4th actually", "sorry I meant the 4th not the 2nd"])
def test_a_day_said_with_actually_or_not(text):
    import datetime as dt
    from framework.slots.dates import find_dates
    assert find_dates(text, dt.date(2026, 12, 6))[0][2] == "2027-01-04"


# "nope its gone, go ahead" after "take your time" at a block's read-back: "Okay, the card stays active"
@pytest.mark.parametrize("text", ["nope its gone, go ahead", "no, not there. block it", "nah it's definitely gone, do it"])
def test_not_found_then_go_ahead_is_a_yes(banking, text):
    state = en(banking, start(), "block card 1234 it was stolen", "lost_card", 0.99).state
    state = en(banking, state, "hang on let me check my wallet first", "cancel", 0.9).state
    result = en(banking, state, text, "deny", 0.97)
    assert result.action is not None and result.action.slots["card_last4"] == "1234"


# "我叫李建国我身份证号110101…" stored the name 李建国我, and an account was opened under it
@pytest.mark.parametrize("text, name", [("你好我叫李建国我身份证号110101199003074514我想开个户要39的", "李建国"),
                                        ("我叫马丽丽我身份证号是510104198812120022", "马丽丽")])
def test_a_self_opening_the_next_clause_is_no_part_of_the_name(text, name):
    from framework.slots.context import complete_cut_name
    from framework.slots.entities import Entity
    start_at = text.index(name)
    entity = Entity("name", name + "我", name + "我", start_at, start_at + len(name) + 1, "context")
    assert complete_cut_name(text, entity).value == name


# "哎呀39的不够用，整个99的" at the read-back of 39 was not taken, and "中" opened 39
def test_a_rejected_plan_then_another_is_a_change(telecom):
    state = start()
    for text in ["我要开户", "孙丽", "11010519491231002X", "39"]:
        state = zh(telecom, state, text, "办理" if text == "我要开户" else "提供信息", 0.99).state
    result = zh(telecom, state, "哎呀39的不够用，整个99的", "提供信息", 0.9)
    assert result.state.slots["plan"] == "99"


# "好了就这样吧" (再见 0.91) at the read-back offered to stop, and "是的" cancelled the opening
@pytest.mark.parametrize("text", ["好了就这样吧", "行，就这么办", "就按这个办吧"])
def test_that_is_it_is_a_yes(telecom, text):
    state = start()
    for said in ["我要开户", "郑强", "440308199001011239", "59"]:
        state = zh(telecom, state, said, "办理" if said == "我要开户" else "提供信息", 0.99).state
    result = zh(telecom, state, text, "再见", 0.91)
    assert result.action is not None


# "套餐想换一下", "我这套餐老贵了，给我整个便宜点的呗", "我要开个新户", "换个59的就行" asked 开户还是换套餐 five times
@pytest.mark.parametrize("text, business", [("套餐想换一下", "换套餐"), ("我这套餐老贵了，给我整个便宜点的呗", "换套餐"),
                                            ("我要开个新户", "开户")])
def test_more_ways_to_name_the_business(telecom, text, business):
    assert zh(telecom, start(), text, "办理", 0.99).state.slots.get("business") == business


# At a confirmation, "yep thats right. oh and my other card 7777 is missing, can you block it too" got the fallback
# (the block never done), "oh that was quick, thank you dear. also could you tell me how much I have on it" offered to
# stop the activation
async def test_a_yes_then_another_request_at_a_read_back(banking_agent_domain):
    banking = banking_agent_domain
    first = "send 35 dollars to Omar Haddad"
    text = "yep thats right. oh and my other card 7777 is missing, can you block it too"
    rest = "my other card 7777 is missing, can you block it too"
    classifier = FakeClassifier({first: "transfer_money", text: ("affirm", 0.6), "yep thats right": ("affirm", 0.99),
                                 rest: ("lost_card", 0.99), "can you block it too": ("lost_card", 0.9),
                                 " oh and my other card 7777 is missing": ("lost_card", 0.9),
                                 "oh and my other card 7777 is missing": ("lost_card", 0.9)}, banking.intents)
    agent = Agent(banking, classifier_parser(classifier, banking))
    state = (await agent.handle(None, "u", first, now=NOW)).state
    turn = await agent.handle(state, "u", text, now=NOW + 5)
    names = [e.name for e in turn.events]
    assert "answer_then_request" in names and "confirmed" in names
    assert turn.state.stack[-1].flow == "lost_card" and turn.state.slots["card_last4"] == "7777"


# Round 3 of session 31's trial

# "the same amount" / "him again" after a transfer were asked again
@pytest.mark.parametrize("text, amount, recipient", [("now send the same amount to Rahul", 45, "Rahul"),
                                                     ("send 60 to the same person", 60, "Priya")])
def test_the_same_amount_or_person_again(banking, text, amount, recipient):
    state = en(banking, start(), "send 45 dollars to Priya", "transfer_money", 0.99).state
    result = en(banking, state, "yes", "affirm")
    state = done(banking, result.state).state
    result = en(banking, state, text, "transfer_money", 0.99)
    assert result.state.slots["amount"]["amount"] == amount and result.state.slots["recipient"] == recipient


# "the day after tomorrow please", "next friday please" at a read-back were not taken, and "yes" sent it today
@pytest.mark.parametrize("text", ["the day after tomorrow please", "on the 20th please", "the 20th thanks"])
def test_a_date_with_please_at_the_read_back(banking, text):
    state = en(banking, start(), "send 50 dollars to Tommy", "transfer_money", 0.99).state
    result = en(banking, state, text, "inform", 0.98)
    assert result.state.slots["date"] != state.slots["date"]


# "my pension of 900 came in today so I want to send my grandson Tom some money": $900 was sent; "I am 82" in a
# greeting became the next transfer's amount
def test_a_number_said_in_passing_is_no_amount(banking):
    result = en(banking, start(), "my pension of 900 came in today so I want to send my grandson Tom some money",
                "transfer_money", 0.99)
    assert "amount" not in result.state.slots
    state = en(banking, start(), "hello dear, I am 82 and my grandson set this up", "greet", 0.99).state
    assert "amount" not in state.slots


# "send Peter 10 for the taxi" saved the recipient "Peter 10"; "my friend Siti leh" the recipient "Siti leh"
@pytest.mark.parametrize("said, name", [("Peter 10", "Peter"), ("Siti leh", "Siti"), ("Ah Meng", "Ah Meng")])
def test_what_trails_a_name(said, name):
    from framework.slots.context import _strip_trailing
    assert _strip_trailing(said) == name


# "send 2400 to Lola": the card's digits took 2400 and the amount was asked again
def test_four_digits_sent_are_money():
    import re
    from framework.compile.machine import Slot
    from framework.slots.number_labels import named_otherwise
    slot = Slot(name="card_last4", type="regex", options={"pattern": r"\d{4}"})
    text = "send 2400 to Lola"
    m = re.search(r"\d{4}", text)
    assert named_otherwise(slot, text, m.start(), "en", m.end())


# "我叫吴桂兰，口天吴" opened an account for 口天吴
@pytest.mark.parametrize("value, spelled", [("口天吴", True), ("桂花的桂", True), ("草字头的蕾", True), ("吴桂兰", False),
                                            ("王小的明", False)])
def test_a_character_spelled_is_no_name(value, spelled):
    from framework.engine.slot_filling import spells_a_character
    assert spells_a_character(value) is spelled


# "名字说错了" (asked aside), then a bill asked first: the complaint came back to the loss question and the read-back
# "请核对：，身份证号…" filed a ticket with no name; the old name now stays until a new one comes
def test_a_value_asked_aside_keeps_the_old_one_until_answered(telecom):
    state = zh(telecom, start(), "我要投诉，乱扣费", "投诉", 0.99).state
    for text in ["刘洋", "440308199001011239"]:
        state = zh(telecom, state, text, "提供信息").state
    assert state.stack[-1].waiting_for == "slot:loss"
    state = zh(telecom, state, "名字说错了", "否定", 0.9).state
    assert state.stack[-1].waiting_for == "slot:name" and state.slots["name"] == "刘洋"
    state = zh(telecom, state, "先帮我查一下13800138000上个月账单", "查询", 0.99).state
    state = done(telecom, state).state
    result = zh(telecom, state, "两百", "提供信息")
    assert "刘洋" in replies(result)[-1]


# "算了算了，还是三十九" at a read-back of 59 cancelled the plan change; "伍拾玖" had no such plan
@pytest.mark.parametrize("text, plan", [("算了算了，还是三十九", "39"), ("伍拾玖", "59")])
def test_still_that_plan_after_all(telecom, text, plan):
    state = start()
    for said in ["我要换套餐", "刘洋", "440308199001011239", "99"]:
        state = zh(telecom, state, said, "办理" if said == "我要换套餐" else "提供信息", 0.99).state
    assert zh(telecom, state, text, "取消", 0.9).state.slots.get("plan") == plan


# "哦不对，尾号是8001" right after the balance of 13800138000 was acknowledged with a goodbye, and the next bills were of
# 13800138000
@pytest.mark.parametrize("text", ["哦不对，尾号是8001", "错了错了，后四位是8001"])
def test_the_last_digits_said_anew_after_a_lookup(telecom, text):
    state = zh(telecom, start(), "查余额 13800138000", "查询", 0.99).state
    state = done(telecom, state).state
    result = zh(telecom, state, text, "否定", 0.9)
    # the whole number is asked (its first digits and the new end may be a stranger's: round 5 of the same trial)
    assert result.state.stack[-1].waiting_for == "slot:phone" and result.state.slots.get("query_type") == "余额"


# Round 4 of session 31's trial

# "yeah right, sure, send Tom 500 bucks, what a great idea" (affirm 0.64) sent $500; "好啊好啊，一个月129，你们可真会赚钱"
# opened the 129 account
def test_sarcasm_is_no_yes(banking, telecom):
    state = en(banking, start(), "send 500 dollars to Tom", "transfer_money", 0.99).state
    assert en(banking, state, "yeah right, sure, send Tom 500 bucks, what a great idea", "affirm", 0.64).action is None
    state = start()
    for said in ["我要开户", "张伟", "11010519491231002X", "129"]:
        state = zh(telecom, state, said, "办理" if said == "我要开户" else "提供信息", 0.99).state
    assert zh(telecom, state, "好啊好啊，一个月129，你们可真会赚钱", "肯定", 0.9).action is None


# "my rent of 850 is due on the 20th, so send Tom some money now" scheduled the transfer for the 20th
def test_a_date_said_before_now_is_not_the_transfers(banking):
    result = en(banking, start(), "my rent of 850 is due on the 20th, so send Tom some money now", "transfer_money", 0.99)
    assert result.state.slots.get("date") == "2026-12-02" and "amount" not in result.state.slots


# "四四零三零八一九九…" (an invalid ID read in numerals) set plan 99 from its "一九九"
def test_a_choice_inside_a_number_is_none(telecom):
    state = zh(telecom, zh(telecom, start(), "我要开户", "办理", 0.99).state, "王芳", "提供信息").state
    result = zh(telecom, state, "四四零三零八一九九零零一零一一二三八", "提供信息")
    assert "plan" not in result.state.slots


# "哦对了，这个是给我奶奶办的，她不在身边" at the plan question heard "没有这个套餐哦", and the account was opened
def test_someone_else_said_mid_flow(telecom):
    state = start()
    for said in ["我要开户", "吴桂兰", "510104198812120022"]:
        state = zh(telecom, state, said, "办理" if said == "我要开户" else "提供信息", 0.99).state
    result = zh(telecom, state, "哦对了，这个是给我奶奶办的，她不在身边", "提供信息", 0.6)
    assert [e.name for e in result.events][-2:] == ["request_not_served", "stop_offered"]


# "张伟，弓长张" at the name question opened an account for "张伟，弓长张"
def test_a_name_with_its_spelling_at_the_question(telecom):
    state = zh(telecom, start(), "我要开户", "办理", 0.99).state
    assert zh(telecom, state, "张伟，弓长张", "提供信息").state.slots["name"] == "张伟"


# "thanks, also what is my balance?" at a block's read-back (goodbye 1.00) kept the lost card active
async def test_thanks_and_a_question_at_a_block_keep_the_block(banking_agent_domain):
    banking = banking_agent_domain
    first, text = "I lost my card 1234", "thanks, also what is my balance?"
    classifier = FakeClassifier({first: "lost_card", text: ("goodbye", 1.0), "thanks": ("goodbye", 1.0),
                                 "what is my balance?": ("check_balance", 0.99),
                                 "also what is my balance?": ("check_balance", 0.99)}, banking.intents)
    agent = Agent(banking, classifier_parser(classifier, banking))
    state = (await agent.handle(None, "u", first, now=NOW)).state
    assert state.stack[-1].waiting_for == "confirm"
    turn = await agent.handle(state, "u", text, now=NOW + 5)
    assert turn.state.stack[-1].flow == "lost_card" and turn.state.stack[-1].waiting_for == "confirm"


# Round 5 of session 31's trial

# Right after "no" at a block's read-back ("Okay, the card stays active"), "ok now block it" (cancel 0.94) heard "nothing
# in progress to cancel" and "actually, yes please block it" the fallback: the card stayed active
@pytest.mark.parametrize("text, intent", [("ok now block it", "cancel"), ("actually, yes please block it", "affirm"),
                                          ("on second thought, block it", "deny")])
def test_a_go_ahead_after_a_no_asks_again(banking, text, intent):
    state = en(banking, start(), "I lost my card 7777", "lost_card", 0.99).state
    state = en(banking, state, "no", "deny").state
    assert not state.stack
    result = en(banking, state, text, intent, 0.94)
    assert result.state.stack[-1].waiting_for == "confirm" and result.state.slots["card_last4"] == "7777"


# "no wait, check my balance first" with nothing pending (out of scope): the balance was never given
async def test_a_no_word_then_a_request_with_nothing_pending(banking_agent_domain):
    banking = banking_agent_domain
    text = "no wait, check my balance first"
    classifier = FakeClassifier({text: ("out_of_scope", 0.9), "check my balance first": ("check_balance", 0.99),
                                 "no wait": ("deny", 0.9)}, banking.intents)
    agent = Agent(banking, classifier_parser(classifier, banking))
    turn = await agent.handle(None, "u", text, now=NOW)
    assert turn.state.stack and turn.state.stack[-1].flow == "check_balance"


# In a complaint, "陈晨，耳东陈" stored 东陈 (a learnt span inside the spelling) and "张伟，弓长张" asked "姓名是长张吗？"
def test_a_span_inside_a_spelling_is_no_name():
    from framework.engine.slot_filling import _cjk_run, spells_a_character
    from framework.slots.entities import Entity
    text = "陈晨，耳东陈"
    assert spells_a_character(_cjk_run(text, Entity("name", "东陈", "东陈", 4, 6, "model")))
    assert not spells_a_character(_cjk_run(text, Entity("name", "陈晨", "陈晨", 0, 2, "model")))


# "这个是给我妈办的" … "她身份证是440…" was stored as the customer's own ID ("她的身份证" was refused)
def test_her_id_without_de_is_someone_elses():
    from framework.slots.number_labels import someone_elses
    text = "她身份证是440308199001011239"
    assert someone_elses(text, text.index("440"), "zh")


# "send $100 to Tom and $200 to Anna tomorrow": "and" (tagged a recipient by the model) was listed as a person
def test_a_function_word_is_no_person(banking):
    from framework.slots.entities import Entity
    text = "send $100 to Tom and $200 to Anna tomorrow"
    at = text.index(" and ") + 1
    result = en(banking, start(), text, "transfer_money", 0.99,
                entities=[Entity("recipient", "and", "and", at, at + 3, "model", confidence=0.9)])
    assert " and, " not in " ".join(replies(result))


# "129的太贵了，不要" at the plan question heard "没有这个套餐哦", as if 129 did not exist
def test_a_choice_turned_down_at_the_menu(telecom):
    state = start()
    for said in ["我要开户", "王芳", "440308199001011239"]:
        state = zh(telecom, state, said, "办理" if said == "我要开户" else "提供信息", 0.99).state
    result = zh(telecom, state, "129的太贵了，不要", "否定", 0.9)
    assert replies(result)[0] == "好的，不选这个。请从其他几项里选一个：" and result.state.frame.attempts == 0


def test_thanks_after_a_no_restarts_nothing(banking):
    """"先不用了，谢谢" at an offer: the "谢谢" read again after the no restarted the offer (fresh-clone CI of session 31's
    round 5 fixes, domains/telecom_zh/tests/service.yml "听完介绍不办"); only a go-ahead that names doing it asks again."""
    state = en(banking, start(), "I lost my card 7777", "lost_card", 0.99).state
    state = en(banking, state, "no", "deny").state
    result = en(banking, state, "thanks", "goodbye", 0.9)
    assert not any(e.name == "follow_up" for e in result.events)


def test_the_day_before_yesterday_is_two_days_back():
    """Session 30's "next tomorrow" entry was written after a comment on the same line, which swallowed "the day before
    yesterday" and "day before yesterday": both were read as yesterday (found reading the session's change again)."""
    import datetime as dt
    from framework.slots.dates import find_dates
    today = dt.date(2026, 12, 6)
    assert [d for _, _, d in find_dates("the day before yesterday", today)] == ["2026-12-04"]
    assert [d for _, _, d in find_dates("day before yesterday", today)] == ["2026-12-04"]
    assert [d for _, _, d in find_dates("next tomorrow", today)] == ["2026-12-08"]
