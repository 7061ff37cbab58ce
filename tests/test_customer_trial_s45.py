"""Session 45: what customer trials and hand tries found, each with the message that found it."""
from __future__ import annotations

import pytest

from framework.nlu.interface import Entity
from tests.support.engine_turns import done, replies, start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))


def _events(result):
    return [e.name for e in result.events]


def test_digits_alone_are_noted_and_used_by_the_next_request(banking):
    """Tried by hand, session 44: "1234" alone heard "Sorry, I didn't quite get that" and the digits were dropped."""
    noted = en(banking, start(), "1234", "inform", 1.0)
    assert replies(noted) == ["Noted: last four digits 1234. What would you like me to do with it?"]
    assert "value_noted" in _events(noted) and "fallback" not in _events(noted)
    asked = en(banking, noted.state, "block it", "lost_card")
    assert "card_last4" not in " ".join(r.response or "" for r in asked.replies)
    assert asked.state.slots.get("card_last4") == "1234"


def test_a_value_with_corrections_and_no_request_is_noted_not_out_of_scope(banking):
    """Tried by hand, session 44: "it's 1234, no wait 4321... actually 1234" heard the out-of-scope reply."""
    text = "it's 1234, no wait 4321... actually 1234"
    said = [Entity("card_last4", v, v, i, i + 4, "model", 0.99) for v, i in (("1234", 5), ("4321", 19), ("1234", 36))]
    result = en(banking, start(), text, "inform", 0.99, entities=said)
    assert "out_of_scope" not in _events(result) and "value_noted" in _events(result)
    assert replies(result)[0].startswith("Noted: last four digits 1234.")


def test_a_message_not_understood_still_forgets_its_values(banking):
    """Session 30's rule stays: "I was charged 89 dollars twice at the grocery store" gives no amount to a later
    transfer."""
    text = "I was charged 89 dollars twice at the grocery store"
    result = en(banking, start(), text, "inform", 0.2)
    assert "value_noted" not in _events(result)
    assert result.state.slots.get("amount") is None


def test_a_personal_value_alone_is_not_said_to_be_kept(telecom):
    """An ID number alone outside a flow is erased at the end of the turn (pii): it is not "noted"."""
    result = zh(telecom, start(), "11010519491231002X", "提供信息", 0.99)
    assert "value_noted" not in _events(result) and result.state.slots.get("id_number") is None


def test_a_plan_alone_is_noted_and_used_by_the_change_that_follows(telecom):
    noted = zh(telecom, start(), "99元", "提供信息", 0.99)
    assert replies(noted) == ["好的，记下了：套餐 99。请问要帮您办理什么？"]
    started = zh(telecom, noted.state, "换套餐", "办理", 0.99)
    assert started.state.slots.get("plan") == "99"


def _model(entity, value, text, conf=0.99):
    at = text.index(value)
    return Entity(entity, value, value, at, at + len(value), "model", conf)


def _transfer_read_back(banking, text, recipient):
    return en(banking, start(), text, "transfer_money", 1.0, entities=[_model("recipient", recipient, text)])


def test_dictated_punctuation_is_no_part_of_a_name(banking):
    """Customer trial, session 45: $250 went to "Michael Johnson period" (voice typing)."""
    text = "okay so I want to send two hundred and fifty dollars to Michael Johnson period on the fifteenth of December"
    result = _transfer_read_back(banking, text, "Michael Johnson period")
    assert result.state.slots["recipient"] == "Michael Johnson"
    assert replies(result)[-1] == "Send $250.00 to Michael Johnson on Tuesday 15 December?"


def test_an_apology_after_a_correction_is_no_new_value(banking):
    """Customer trial, session 45: "oops i mean John Davis, sorry typo" changed the recipient to "typo"."""
    state = _transfer_read_back(banking, "pls send 75 to jonh daviss", "jonh daviss").state
    text = "oops i mean John Davis, sorry typo"
    result = en(banking, state, text, "deny", 0.93, entities=[_model("recipient", "John Davis", text)])
    assert result.state.slots["recipient"] == "John Davis"
    assert replies(result)[-1] == "Send $75.00 to John Davis on Wednesday 2 December?"


def test_a_given_name_alone_for_the_cardholder_keeps_the_surname(banking):
    """Customer trial, session 45: "it's Maria on the card, Mary is what my friends call me" after "Mary Garcia" did
    not match was read back as "Maria on the card"."""
    from framework.engine import ActionResult, handle_action_result
    from tests.support.engine_turns import NOW
    state = en(banking, start(), "hi i want to activate my card 4821", "activate_card").state
    state = en(banking, state, "Mary Garcia", "inform", entities=[_model("name", "Mary Garcia", "Mary Garcia")]).state
    asked = en(banking, state, "yes", "affirm")
    refused = handle_action_result(banking, asked.state, ActionResult.failure("403", kind="refused", status=403), now=NOW)
    text = "oh sorry, it's Maria on the card, Mary is what my friends call me"
    result = en(banking, refused.state, text, "inform", 0.86)
    assert replies(result)[-1] == "Activate the card ending 4821 for Maria Garcia?"


def test_a_payee_given_by_first_name_alone_gets_no_surname(banking):
    """The surname is kept only for the customer's own name: a payee may be someone else."""
    state = _transfer_read_back(banking, "send 75 to Sarah Lee", "Sarah Lee").state
    result = en(banking, state, "no, Tom", "deny", 0.9, entities=[_model("recipient", "Tom", "no, Tom")])
    assert result.state.slots["recipient"] != "Tom Lee"


def test_a_transfer_set_for_a_later_day_is_not_said_to_have_gone(banking):
    """Customer trial, session 45: "Actually can I cancel that?" after a transfer set for Wednesday heard "That has
    already gone through"."""
    text = "Can you schedule $400 to Daniel Kim for the day after tomorrow"
    state = _transfer_read_back(banking, text, "Daniel Kim").state
    state = done(banking, en(banking, state, "Yes", "affirm").state, transfer_id="TR-50001").state
    result = en(banking, state, "Actually can I cancel that? He said he'll pay me back instead", "cancel", 0.99)
    assert replies(result) == ["That is set for Friday 4 December, so it hasn't gone out yet, but I can't cancel "
                               "it here. Say \"agent\" and a colleague can stop it before then."]
    today = _transfer_read_back(banking, "send $40 to Daniel Kim", "Daniel Kim").state
    today = done(banking, en(banking, today, "Yes", "affirm").state, transfer_id="TR-50002").state
    assert replies(en(banking, today, "cancel that", "cancel", 0.99))[0].startswith("That has already gone through")


PLANS_ASKED = "家人们谁懂啊😭 每个月流量都不够用 刷个抖音就没了 有啥套餐推荐不 预算一百以内🙏"


def test_a_change_asked_at_the_plans_menu_starts_the_change(telecom):
    """Customer trial, session 45: "那就它了 帮我换" at "想详细了解哪一档？" heard "还有什么可以帮您的吗？"."""
    state = zh(telecom, start(), PLANS_ASKED, "咨询", 0.99).state
    assert state.stack[-1].flow == "consult"
    result = zh(telecom, state, "那就它了 帮我换", "肯定", 0.69)
    assert result.state.stack[-1].flow == "business" and result.state.slots.get("business") == "换套餐"
    assert replies(result)[-1] == "请问您的姓名是？"


def test_who_to_turn_to_after_an_unserved_question_offers_a_person(telecom, banking):
    """Customer trial, session 45: "那我到底找谁啊" heard only "这个问题我暂时回答不了"."""
    result = zh(telecom, start(), "那我到底找谁啊", "其他", 0.95)
    assert "person_offered" in _events(result) and "转人工" in replies(result)[-1]
    said = en(banking, start(), "so who do I talk to about that then?", "out_of_scope", 0.95)
    assert replies(said)[-1] == "A colleague can look into that for you: just say \"agent\" and I'll put you through."


def test_the_complaint_says_it_is_filing_a_complaint(telecom):
    """Customer trial, session 45: "我手机屏幕摔碎了，你们营业厅能修吗" (投诉) was asked for a name with no word that a
    complaint was being filed."""
    result = zh(telecom, start(), "我手机屏幕摔碎了，你们营业厅能修吗", "投诉", 0.9)
    assert replies(result)[-1].startswith("我来为您登记投诉。") and "取消" in replies(result)[-1]


def test_the_other_part_of_a_split_keeps_its_own_day(banking):
    """Customer trial, session 45 (round 2): "fine send 1000 today and the other 500 tomorrow" at the amount question asked
    which date, and the $500 went out today."""
    text = "I need to send a ton of money to my contractor, Kowalski Renovations"
    state = en(banking, start(), text, "transfer_money", 1.0, entities=[_model("recipient", "my contractor", text)]).state
    assert state.slots["recipient"] == "Kowalski Renovations"
    split = "fine send 1000 today and the other 500 tomorrow"
    result = en(banking, state, split, "transfer_money", 1.0,
                entities=[_model("amount", "1000", split), _model("amount", "500", split)])
    assert "values_ambiguous" not in _events(result)
    assert replies(result)[-1] == "Send $1,000.00 to Kowalski Renovations on Wednesday 2 December?"
    second = done(banking, en(banking, result.state, "yes", "affirm").state, transfer_id="TR-1")
    assert replies(second)[-1] == "Send $500.00 to Kowalski Renovations on Thursday 3 December?"


def test_a_relation_without_a_name_after_it_stays(banking):
    text = "send 50 dollars to my mum, she needs it"
    result = en(banking, start(), text, "transfer_money", 1.0, entities=[_model("recipient", "my mum", text)])
    assert result.state.slots["recipient"] == "my mum"


def test_another_amount_after_a_money_verb_is_the_amount(banking):
    """Customer trial, session 45 (round 2): "now send another 1000 to Oscar Reyes" asked how much."""
    text = "now send another 1000 to Oscar Reyes"
    result = en(banking, start(), text, "transfer_money", 1.0, entities=[_model("recipient", "Oscar Reyes", text)])
    assert replies(result)[-1] == "Send $1,000.00 to Oscar Reyes on Wednesday 2 December?"


def test_a_question_whether_another_card_still_works_blocks_nothing(banking):
    """Customer trial, session 45 (round 2): "and 1234 is still working right?" after 7777 was blocked was offered a
    block of 1234."""
    result = en(banking, start(), "and 1234 is still working right?", "lost_card", 0.95)
    assert not result.state.stack and replies(result)[0].startswith("I only block a card you ask me to block")
    assert en(banking, start(), "my card 1234 is stolen but it's still active, block it", "lost_card").state.stack


def test_the_customers_own_bill_after_the_mothers_balance_is_his_own_number(telecom):
    """Customer trial, session 45 (round 2): "那我自己的账单呢" after the mother's balance gave the mother's bill."""
    state = done(telecom, zh(telecom, start(), "我查一下我的话费余额 13912345678", "查询").state, balance=158).state
    state = done(telecom, zh(telecom, state, "帮我妈也查一下 她的号是13800138000", "查询").state, balance=5.35).state
    asked = zh(telecom, state, "那我自己的账单呢", "查询", 0.95)
    assert asked.action is not None and asked.action.slots["phone"] == "13912345678"
    assert asked.action.slots["query_type"] == "账单"


def test_porting_a_number_from_another_operator_is_said_to_be_offline(telecom):
    """Customer trial, session 45 (round 2): "我现在用的是移动的号 能不能转到你们这 号码不变" was led into an opening."""
    result = zh(telecom, start(), "我现在用的是移动的号 能不能转到你们这 号码不变", "办理", 0.95)
    assert "携号转网" in replies(result)[0]


def test_an_opening_refused_then_asked_again_with_new_details_starts_over(telecom):
    """Customer trial, session 45 (round 2): after "名下已有 5 个号码", "不用转人工 那重新开户 用我闺女的 陈思思 3201…
    还是39的" heard "这里改不了身份证号" and "这里改不了姓名", and "确认" then handed over to a person."""
    from framework.engine import ActionResult, handle_action_result
    from tests.support.engine_turns import NOW
    text = "给我闺女办张卡 用我的身份证 110101199003077774 名字陈刚 套餐39"
    state = zh(telecom, start(), text, "办理", 0.99, entities=[_model("name", "陈刚", text)]).state
    asked = zh(telecom, state, "确认", "肯定")
    refused = handle_action_result(telecom, asked.state, ActionResult.failure("409", kind="refused", status=409),
                                   now=NOW)
    again = "不用转人工 那重新开户 用我闺女的 陈思思 320102198808081237 还是39的"
    result = zh(telecom, refused.state, again, "办理", 0.9, entities=[_model("name", "陈思思", again)])
    said = replies(result)
    assert said[0] == "好的，用新的信息重新办理。" and "flow_restarted" in _events(result)
    assert "陈思思" in said[-1] and "320102********1237" in said[-1] and "39" in said[-1]
    assert result.state.frame.waiting_for == "confirm"


def test_what_did_you_just_do_says_what_was_done(banking, telecom):
    """Customer trials, session 45: "what did you just do?" after an activation heard the help text, "wait was that
    dollars or pounds?" after a transfer asked for card digits, "你刚才给我办了啥" after a change heard the menu."""
    text = "Maria Garcia here, card 4821, it's brand new, please activate"
    state = en(banking, start(), text, "activate_card", entities=[_model("name", "Maria Garcia", text)]).state
    state = done(banking, en(banking, state, "yep", "affirm").state).state
    result = en(banking, state, "what did you just do?", "help", 0.9)
    assert "outcome_said_again" in _events(result) and "4821" in replies(result)[0]
    state = _transfer_read_back(banking, "send $65 to Dave Wilson", "Dave Wilson").state
    state = done(banking, en(banking, state, "yes", "affirm").state, transfer_id="TR-50001").state
    result = en(banking, state, "wait was that dollars or pounds?", "check_balance", 0.7)
    assert "outcome_said_again" in _events(result) and "$65.00" in replies(result)[0]


def test_a_plan_the_customer_has_is_not_noted_for_a_request(telecom):
    """Customer trial, session 45 (round 2): "我这是129的融合套餐 宽带是你们的啊" heard "好的，记下了：套餐 129"."""
    result = zh(telecom, start(), "我这是129的融合套餐 宽带是你们的啊", "提供信息", 0.9)
    assert "value_noted" not in _events(result)


def test_how_long_until_the_person_answers_is_a_nudge(telecom):
    """Customer trial, session 45 (round 2): "多久能接通" after "正在为您转接人工客服" heard when an opening takes effect."""
    state = zh(telecom, start(), "转人工", "转人工", 0.99).state
    result = zh(telecom, state, "多久能接通", "咨询", 0.9)
    assert "handoff_nudged" in _events(result)


SCAM = ("hi a man from your fraud department just called me and said my account is compromised and I need to move all my "
        "money to a safe account right now, he gave me the details. can you help me send 1500 to account 44019932 name "
        "Secure Holding Ltd quickly please he is still on the line")


def test_the_safe_account_scam_is_warned_of_and_nothing_is_sent(banking):
    """Customer trial, session 45 (round 3): the safe-account scam sent $1,500 to "Secure Holding Ltd"."""
    from framework.engine.turn import handle_message
    from tests.support.engine_turns import NOW, message
    for intent, confidence in (("transfer_money", 0.56), ("transfer_money", 0.99), ("out_of_scope", 0.9)):
        nlu = message(banking, SCAM, intent, confidence, 0.05, runner_up=("transfer_money", "affirm"))
        result = handle_message(banking, start(), nlu, now=NOW)
        assert replies(result)[0].startswith("Please stop: this sounds like a scam.") and not result.state.stack
    later = "no nothing was taken yet, I just need to move it now before they take it. send 1500 to Secure Holding Ltd"
    assert replies(en(banking, start(), later, "transfer_money", 0.99))[0].startswith("Please stop")


def test_a_person_refused_is_not_put_through(banking):
    """Customer trial, session 45 (round 3): "no I don't want to talk to another useless person, just fix it" after an
    offer of a person for a double charge was handed over."""
    text = ("this is the THIRD time I'm trying to get help today, your stupid app charged me twice at the supermarket "
            "and now I'm overdrawn!!! I want my money back NOW")
    state = en(banking, start(), text, "out_of_scope", 0.95).state
    result = en(banking, state, "no I don't want to talk to another useless person, just fix it", "human_agent", 0.9)
    assert not result.state.handoff and "handoff" not in _events(result)
    assert replies(result) == ["Okay, I won't put you through. I can't fix that one myself, only our team can, so if you "
                               "change your mind, just say \"agent\"."]


def test_a_surname_added_completes_the_name(banking):
    """Customer trial, session 45 (round 3): "and her surname is Okafor" at "Send $15.00 to jenny …?" sent the money to
    "Okafor"."""
    state = _transfer_read_back(banking, "pay jenny $15", "jenny").state
    text = "and her surname is Okafor"
    result = en(banking, state, text, "inform", 0.9, entities=[_model("recipient", "Okafor", text)])
    assert result.state.slots["recipient"] == "Jenny Okafor"


def test_the_latest_day_is_named_and_a_question_about_it_is_no_date(banking):
    """Customer trial, session 45 (round 3): "the latest is 30 days from today" named no day, and "what date is 30 days
    from today??" was read as today."""
    text = "can I schedule $100 to Anna Kowalski for January 15th, it's her birthday"
    state = _transfer_read_back(banking, text, "Anna Kowalski").state
    assert state.frame.waiting_for == "slot:date"
    asked = en(banking, state, "what date is 30 days from today??", "inform", 0.8)
    assert asked.state.slots.get("date") is None
    assert "the latest is Friday 1 January" in replies(asked)[0]


@pytest.mark.parametrize("text, intent, confidence", [
    ("有人打电话说我的号要被停了让我转账", "办理", 0.9),
    ("有个说是你们客服的人打电话说我套餐多收费了要给我退款，让我把手机收到的验证码告诉他，能告诉吗？", "投诉", 0.95),
    ("刚才有个自称电信的人打电话给我说我的号码涉嫌违法，2小时内要被停机，让我把钱转到安全账户，我该怎么办？要不要转？", "其他", 0.74)])
def test_a_phone_scam_is_warned_of_whatever_the_reading(telecom, text, intent, confidence):
    """Customer trial, session 45 (round 3): a caller asking for a transfer or the SMS code heard 开户还是换套餐, the
    complaint's name question, or what a shop does."""
    result = zh(telecom, start(), text, intent, confidence)
    assert replies(result)[0].startswith("请注意防范诈骗") and not result.state.stack


def test_a_question_at_a_read_back_keeps_the_request(telecom):
    """Customer trial, session 45 (round 3): "这个要额外交钱吗？还是免费升级" at a plan change's read-back heard how to top
    up, and the change was dropped without a word."""
    state = zh(telecom, start(), "换129", "办理").state
    state = zh(telecom, state, "王小明 11010519491231002X", "提供信息", entities=[_model("name", "王小明", "王小明")]).state
    assert state.frame.waiting_for == "confirm"
    result = zh(telecom, state, "这个要额外交钱吗？还是免费升级", "咨询", 0.99)
    assert result.state.frame is not None and result.state.frame.waiting_for == "confirm"
    assert replies(result)[0].startswith("套餐月费就是档位的价格")


def test_a_complaint_said_in_short_messages_is_joined(telecom):
    """Customer trial, session 45 (round 3): "扣费", then "乱扣" were each too short, and the complaint was never filed."""
    state = zh(telecom, start(), "投诉", "投诉").state
    state = zh(telecom, state, "扣费", "投诉", 0.67).state
    result = zh(telecom, state, "乱扣", "投诉", 0.38)
    assert result.state.slots.get("complaint") == "扣费，乱扣"


def test_a_long_complaint_naming_a_refund_is_the_complaint(telecom):
    """Customer trial, session 45 (round 3): a pasted complaint ending "你们必须给我退钱，不然我就去工信部投诉" at the
    complaint's question was answered how refunds go, and the question came again."""
    state = zh(telecom, start(), "投诉", "投诉").state
    text = ("我上个月根本没用什么流量，结果账单多扣了我86块钱，打了三次10000号都说会回电，到现在一个电话都没有！"
            "你们必须给我退钱，不然我就去工信部投诉")
    result = zh(telecom, state, text, "投诉", 0.99)
    assert "question_answered" not in _events(result) and result.state.slots.get("complaint")


def test_a_yes_on_a_condition_is_answered_then_asked_again(banking):
    """Customer trial, session 45 (round 3): "yes if there's no fee" at a transfer's read-back heard "I'm not sure I
    understood"."""
    state = _transfer_read_back(banking, "send $50 to Tom Baker", "Tom Baker").state
    result = en(banking, state, "yes if there's no fee", "affirm", 0.8)
    assert result.action is None and "question_answered" in _events(result)
    assert replies(result)[-1] == "Send $50.00 to Tom Baker on Wednesday 2 December?"


def test_will_she_get_it_today_is_answered_at_the_read_back(banking):
    """Customer trial, session 45 (round 3): "Will she get it today?" at a transfer's read-back heard "I can't answer
    that here"."""
    state = _transfer_read_back(banking, "send $50 to Sarah Lee", "Sarah Lee").state
    result = en(banking, state, "Will she get it today?", "check_balance", 0.6)
    assert "question_answered" in _events(result) and replies(result)[0].startswith("Money sent today")


def test_after_a_scam_warning_the_transfer_is_not_started_again(banking):
    """Customer trial, session 45: after the safe-account warning, "ok fine just send 1500 to Secure Holding Ltd" read
    the transfer back; for a few turns the warning is said again instead, other requests go on."""
    state = en(banking, start(), SCAM, "transfer_money", 0.99).state
    again = en(banking, state, "ok fine just send 1500 to Secure Holding Ltd", "transfer_money", 0.99)
    assert replies(again)[0].startswith("Please stop") and not again.state.stack and again.action is None
    balance = en(banking, again.state, "what's my balance on 1234", "check_balance", 0.99)
    assert balance.action is not None and balance.action.action == "get_balance"


def test_the_scam_warning_holds_when_the_customer_insists(banking):
    """Customer trial, session 45 (round 4): "but they knew my name and my card number, so it must be real. please just
    send the 1400 to Secure Holdings Ltd" (read as activate_card) after the warning started an activation, and the
    $1,400 was sent two messages later."""
    first = ("hello, someone from your fraud department just rang me and said my account is compromised and I need to "
             "move 1400 dollars to a safe account in the name of Secure Holdings Ltd. can you do that quickly?")
    state = en(banking, start(), first, "transfer_money", 0.9).state
    insist = "but they knew my name and my card number, so it must be real. please just send the 1400 to Secure Holdings Ltd"
    result = en(banking, state, insist, "activate_card", 0.8)
    assert replies(result)[0].startswith("Please stop") and not result.state.stack


def test_the_new_number_text_scam_is_warned_of(banking):
    """Customer trial, session 45 (round 4): $900 went to "my grandson" who "texted me from a new number"."""
    text = ("ok. also my grandson texted me from a new number, he lost his phone and needs 900 dollars urgently for his "
            "rent. can you send it to the account he gave me, name Tyler Brooks")
    result = en(banking, start(), text, "transfer_money", 0.99)
    assert replies(result)[0].startswith("Please be careful: a message from a new number") and not result.state.stack


def test_a_value_in_a_question_at_the_read_back_changes_nothing(banking):
    """Customer trial, session 45 (round 4): "wait, I only have 42 dollars? how can you send 100 then?" changed the amount
    to $42, and "ok yes send it" sent $42."""
    state = _transfer_read_back(banking, "send $100 to Mike Ross", "Mike Ross").state
    result = en(banking, state, "wait, I only have 42 dollars? how can you send 100 then?", "inform", 0.8)
    assert result.state.slots["amount"]["amount"] == 100 and "slot_corrected" not in _events(result)
    changed = en(banking, state, "can you make it 80?", "inform", 0.8)
    assert changed.state.slots["amount"]["amount"] == 80


@pytest.mark.parametrize("text, starts", [("我已经转了两千了怎么办", "如果已经把钱转给了对方"),
                                          ("快递客服说理赔要跟我共享屏幕", "请注意防范诈骗")])
def test_a_scam_victim_and_screen_sharing_are_warned_of(telecom, text, starts):
    """Customer trial, session 45 (round 4): "我已经转了两千了怎么办" asked 余额还是账单, screen sharing for a courier's
    refund heard how complaints are followed up."""
    result = zh(telecom, start(), text, "查询", 0.93)
    assert replies(result)[0].startswith(starts) and not result.state.stack


def test_one_fifty_put_in_an_account_is_150(banking):
    """Customer trial, session 45 (round 4): "please put one fifty in my son's account" (the model tagged "fifty")
    read back $50."""
    text = "please put one fifty in my son's account on the 23rd, it's for his birthday. Daniel Okafor"
    result = en(banking, start(), text, "transfer_money", 0.99,
                entities=[_model("amount", "fifty", text, 0.9), _model("recipient", "Daniel Okafor", text)])
    assert replies(result)[-1] == "Send $150.00 to Daniel Okafor on Wednesday 23 December?"


def test_next_thursday_week_is_the_thursday_after_next(banking):
    """Customer trial, session 45 (round 4): "can it go next Thursday week instead of today?" moved the transfer to the
    coming Thursday."""
    state = _transfer_read_back(banking, "send $125 to Jamie Lee", "Jamie Lee").state
    result = en(banking, state, "can it go next Thursday week instead of today?", "inform", 0.8)
    assert result.state.slots["date"] == "2026-12-10"  # the harness's today is Wednesday 2 December


def test_fourty_five_dollars_is_45(banking):
    """Tried by hand, session 45: "can u send fourty five dollars to my flatmate Oluwaseun Adeyemi" read back $5.00."""
    text = "can u send fourty five dollars to my flatmate Oluwaseun Adeyemi on saturday"
    result = en(banking, start(), text, "transfer_money", 0.99, entities=[_model("recipient", "Oluwaseun Adeyemi", text)])
    assert replies(result)[-1] == "Send $45.00 to Oluwaseun Adeyemi on Saturday 5 December?"
