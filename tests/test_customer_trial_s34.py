"""Items left by earlier customer trials and found in session 34's, fixed in session 34."""
from __future__ import annotations

import pytest

from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)
from tests.test_customer_trial_s32 import learnt

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


def test_also_with_a_corrected_value_alone_is_no_second_request(banking):
    text = "send 50 to Tom, also make it 60 actually"
    result = en(banking, start(), text, "transfer_money", 0.99,
                entities=[learnt(text, "50", "amount"), learnt(text, "Tom", "recipient"), learnt(text, "60", "amount")])
    assert "second_request" not in [e.name for e in result.events]
    assert [f.flow for f in result.state.stack] == ["transfer_money"] and result.state.slots["amount"]["amount"] == 60


def at_read_back(banking, text="send 50 to Ana tomorrow", recipient="Ana"):
    return en(banking, start(), text, "transfer_money", 0.99, entities=[learnt(text, recipient, "recipient")]).state


# "wrong person, its Anna with two n" at "Send $50.00 to Ana …?" changed the amount to $2, and "yes" sent $2 to Ana
# (customer trial, session 34): letters counted are no amount
def test_letters_counted_are_no_amount(banking):
    result = en(banking, at_read_back(banking), "wrong person, its Anna with two n", "deny", 0.99)
    assert result.state.slots["amount"]["amount"] == 50


# "wrong person, its Maria" lost Maria, and "Maria" alone at "What would you like to change?" heard "I'm not sure I
# understood"; "yes" then sent the $50 to Ana (customer trial, session 34)
@pytest.mark.parametrize("text", ["wrong person, its Maria", "Wrong name, it should be Maria", "no, its Maria"])
def test_the_wrong_person_and_the_right_one(banking, text):
    result = en(banking, at_read_back(banking), text, "deny", 0.99)
    assert result.state.slots["recipient"] == "Maria" and result.state.frame.waiting_for == "confirm"


@pytest.mark.parametrize("text, recipient", [("Maria", "Maria"), ("its Maria Lopez", "Maria Lopez"),
                                             ("Yes", "Ana"), ("Amount", "Ana"), ("Sure", "Ana")])
def test_a_name_alone_at_which_item(banking, text, recipient):
    state = en(banking, at_read_back(banking), "no", "deny", 0.99).state
    assert state.frame.waiting_for == "which"
    intent = "affirm" if text in ("Yes", "Sure") else "inform"
    assert en(banking, state, text, intent, 0.95).state.slots["recipient"] == recipient


# "no tomorrow is a holiday, do it the day after" (out_of_scope 0.99) at "Send $50.00 to Ana on Monday 7 December?" read
# the same date back, and "yes" sent it on the day refused (customer trial, session 34)
def test_the_day_after_the_date_refused(banking):
    state = at_read_back(banking)
    held = state.slots["date"]
    result = en(banking, state, "no tomorrow is a holiday, do it the day after", "out_of_scope", 0.99)
    assert result.state.slots["date"] > held and result.state.frame.waiting_for == "confirm"


# "4532123456784821" at "I need its last four digits" blocked the card ending 4532, its first four (customer trial,
# session 34): a whole card number's last four, and a word about typing it
@pytest.mark.parametrize("text", ["4532123456784821", "its 4532 1234 5678 4821"])
def test_a_whole_card_number_gives_its_last_four(banking, text):
    state = en(banking, start(), "I lost my card", "lost_card", 0.99).state
    result = en(banking, state, text, "inform", 0.99, entities=[learnt(text, "4532", "card_last4")])
    assert result.state.slots["card_last4"] == "4821" and "full card number" in replies(result)[0]


# "nothing its fine, send it" (cancel 0.72) at "What would you like to change?" cancelled the transfer (session 34)
def test_nothing_to_change_read_as_cancel(banking):
    state = en(banking, at_read_back(banking), "no", "deny", 0.99).state
    result = en(banking, state, "nothing its fine, send it", "cancel", 0.72)
    assert result.state.stack and result.state.frame.waiting_for == "confirm"
    assert not en(banking, state, "nothing, just cancel it", "cancel", 0.9).state.stack


# "i already sent 200 last week, now send 30 to my sister Priya" asked which of $200 and $30 (session 34)
def test_a_sum_sent_before_is_past(banking):
    text = "i already sent 200 last week, now send 30 to my sister Priya"
    result = en(banking, start(), text, "transfer_money", 0.99,
                entities=[learnt(text, "200", "amount"), learnt(text, "30", "amount"), learnt(text, "Priya", "recipient")])
    assert result.state.slots["amount"]["amount"] == 30


# "send 50 to ana" said again at "Send $50.00 to ana …?" heard "I'm not sure I understood" twice and a person was
# offered (customer trial, session 34): the same request, nothing changed, is the one read back
def test_the_same_request_again_at_its_read_back(banking):
    text = "send 50 to Ana tomorrow"
    state = at_read_back(banking, text)
    result = en(banking, state, text, "transfer_money", 0.99, entities=[learnt(text, "Ana", "recipient")])
    assert "request_restated" in [e.name for e in result.events] and "fallback" not in [e.name for e in result.events]
    assert replies(result)[0] == "That's the one I have ready:" and result.state.frame.waiting_for == "confirm"
    assert result.state.frame.attempts == state.frame.attempts


# "4821, I want to make sure I still have 1000 after" at the balance's card question, asked in the middle of a transfer
# of $200, made it $1,000 without a word, and "yes" sent it; "500" typed there made it $500 (customer trial, session 34)
@pytest.mark.parametrize("text, said", [("4821, I want to make sure I still have 1000 after", "1000"), ("500", "500")])
def test_an_interrupted_flows_value_stays(banking, text, said):
    state = at_read_back(banking, "send 200 to Fiona", "Fiona")
    state = en(banking, state, "whats my balance", "check_balance", 0.99).state
    assert [f.flow for f in state.stack] == ["transfer_money", "check_balance"]
    result = en(banking, state, text, "check_balance", 0.9, entities=[learnt(text, said, "amount")])
    assert result.state.slots["amount"]["amount"] == 200
    assert any(e.name == "entity_ignored" and e.data["reason"] == "interrupted_flows" for e in result.events)


# "sharp sharp, tomorrow" (greet 0.86) at "Send $40.00 to Emeka on Sunday 6 December?" heard a greeting and the same
# read-back, and "yes" sent it today (customer trial, session 34): the date not taken is said to stay
def test_a_value_not_taken_at_a_read_back_is_said_to_stay(banking):
    text = "sharp sharp, tomorrow"
    result = en(banking, at_read_back(banking, "send 40 dollars to Ana"), text, "greet", 0.86)
    said = replies(result)
    assert said[0].startswith("The date stays") and said[-1].startswith("Send $40.00 to Ana")


# "send 200 to Chioma abeg": $200 went to "Chioma abeg" (customer trial, session 34)
def test_pidgin_please_is_no_part_of_a_name(banking):
    text = "send 200 to Chioma abeg"
    result = en(banking, start(), text, "transfer_money", 0.99, entities=[learnt(text, "Chioma abeg", "recipient")])
    assert result.state.slots["recipient"] == "Chioma"


# "no no, Len" right after "no, Ken" was lost: the recipient stayed Ken (customer trial, session 34)
def test_a_second_no_with_a_name(banking):
    state = en(banking, at_read_back(banking, "send 45 to Ben", "Ben"), "no, Ken", "deny", 0.6).state
    assert state.slots["recipient"] == "Ken"
    assert en(banking, state, "no no, Len", "deny", 0.99).state.slots["recipient"] == "Len"


# "算了" at a price offer that interrupted an opening's read-back heard "好的，已为您取消。还有其他需要吗？" and the read-back,
# and "好的" opened the account (customer trial, session 34): going back to a flow says so, with no "anything else?"
def test_a_cancel_that_goes_back_says_so(telecom):
    state = zh(telecom, start(), "开户，我叫黄磊，身份证370202195511112224，要129的", "办理", 0.99).state
    assert state.frame.waiting_for == "confirm"
    state = zh(telecom, state, "等下，先帮我查下话费", "查询", 0.99).state
    assert [f.flow for f in state.stack][0] == "business" and len(state.stack) == 2
    result = zh(telecom, state, "算了", "取消", 1.0)  # the menu asks whether to stop (it heard the menu again)
    assert replies(result) == ["要取消这次查询吗？"]
    result = zh(telecom, result.state, "是", "肯定", 1.0)
    said = replies(result)
    assert said[0] == "好的，这个不办了。我们接着刚才那件事：" and "还有其他需要吗" not in "".join(said)
    assert result.state.frame.waiting_for == "confirm" and result.action is None


# "就是我本人啊" at "麻烦告诉我您的真实姓名" opened an account for "我本人" (customer trial, session 34)
@pytest.mark.parametrize("text", ["就是我本人啊", "机主本人", "我自己", "本人"])
def test_oneself_is_no_name(telecom, text):
    state = zh(telecom, start(), "开户", "办理", 0.99).state
    result = zh(telecom, state, text, "肯定", 0.53)
    assert "name" not in result.state.slots and "完整的姓名" in replies(result)[0]


# "那网老断，干啥啥不行" (投诉 1.00) at the complaint's name question filed the complaint under the name "那网老断"
# (customer trial, session 34): more of the complaint, added to it
def test_more_of_the_complaint_at_its_name_question(telecom):
    state = zh(telecom, start(), "我要整个投诉，你们那网贼拉垮", "投诉", 0.99).state
    assert state.frame.waiting_for == "slot:name"
    result = zh(telecom, state, "那网老断，干啥啥不行", "投诉", 1.0)
    assert "name" not in result.state.slots and "干啥啥不行" in result.state.slots["complaint"]
    assert replies(result)[0] == "好的，这个情况我也记下了。"


# "少了个零，是一万五" at a read-back of a 1500 元 loss heard "没听明白", and "对" filed 1500 (customer trial, session 34)
def test_a_zero_missing_is_a_correction(telecom):
    state = zh(telecom, start(), "投诉，手机被停机两天耽误生意，我叫马云飞，身份证610103198810241354，损失一千五", "投诉", 0.99).state
    assert state.frame.waiting_for == "confirm" and state.slots["loss"]["amount"] == 1500
    text = "少了个零，是一万五"
    result = zh(telecom, state, text, "提供信息", 1.0, entities=[learnt(text, "一万五", "loss")])
    assert result.state.slots["loss"]["amount"] == 15000


def test_a_story_told_up_to_its_complaint_is_all_of_it(telecom):
    text = ("上个礼拜三我去你们营业厅，那个小姑娘态度特别差，她就不耐烦，然后给我推荐了一个129的套餐，"
            "这个月扣了我129，我要投诉那个服务员")
    result = zh(telecom, start(), text, "投诉", 1.0)
    assert result.state.slots["complaint"].startswith("上个礼拜三我去你们营业厅")


# "名字错了，是张伟不是张玮" at an opening's read-back asked the name again (customer trial, session 34)
@pytest.mark.parametrize("text, name", [("名字错了，是张伟不是张玮", "张伟"), ("名字错了，应该叫张伟", "张伟"),
                                        ("名字错了，是我老婆的名字", "张玮")])
def test_the_wrong_name_and_the_right_one(telecom, text, name):
    state = zh(telecom, start(), "开户，我叫张玮，身份证110101199003074514，要39的", "办理", 0.99).state
    assert state.frame.waiting_for == "confirm" and state.slots["name"] == "张玮"
    assert zh(telecom, state, text, "否定", 0.9).state.slots.get("name", "张玮") == name


# "not yet" at "Send $50.00 to Ana …?" opened "What would you like to change?", and "ok now yes" then heard "Sorry, I didn't
# quite get that"; "先不了" at an opening's read-back opened the change menu (customer trials, session 34): a wait
@pytest.mark.parametrize("text", ["not yet", "no not now", "not right now thanks"])
def test_not_yet_at_a_read_back_waits(banking, text):
    result = en(banking, at_read_back(banking), text, "deny", 1.0)
    assert "hold_on" in [e.name for e in result.events] and result.state.frame.waiting_for == "confirm"
    assert en(banking, result.state, "ok now yes", "affirm", 1.0).action is not None


@pytest.mark.parametrize("text", ["先不了", "暂时不用了", "先不急"])
def test_not_now_at_a_read_back_waits_zh(telecom, text):
    state = zh(telecom, start(), "开户，我叫张玮，身份证110101199003074514，要39的", "办理", 0.99).state
    result = zh(telecom, state, text, "否定", 1.0)
    assert "hold_on" in [e.name for e in result.events] and result.state.frame.waiting_for == "confirm"


def at_opening_read_back(telecom, plan="129"):
    state = zh(telecom, start(), f"开户，我叫黄磊，身份证320102199512305670，要{plan}的", "办理", 0.99).state
    assert state.frame.waiting_for == "confirm" and state.slots["plan"] == plan
    return state


# "哦不，还是99吧", "嗯…要不还是39吧" (肯定 0.68-0.75) at a read-back of 129 / 59 heard "没听明白", and "确认" opened the
# account on the plan given up (customer trial, session 34)
@pytest.mark.parametrize("text, plan", [("哦不，还是99吧", "99"), ("嗯…要不还是39吧", "39")])
def test_going_back_to_a_plan_is_a_correction(telecom, text, plan):
    result = zh(telecom, at_opening_read_back(telecom), text, "肯定", 0.7, entities=[learnt(text, plan, "plan")])
    assert result.state.slots["plan"] == plan and result.action is None


# "你们把我的39套餐换成129的了" (办理 1.00) started a plan change to 129, and "确认" made it (customer trial, session 34)
@pytest.mark.parametrize("text", ["你们把我的39套餐换成129的了", "没经过我同意就给我换了套餐"])
def test_a_plan_changed_without_consent_is_no_request(telecom, text):
    result = zh(telecom, start(), text, "办理", 1.0)
    assert not result.state.stack and "投诉" in replies(result)[0]


# "这是帮我妈办的" at an opening's read-back heard "没听明白", and "确认" opened it in the mother's name (session 34)
def test_for_someone_else_at_the_read_back_ends_it(telecom):
    result = zh(telecom, at_opening_read_back(telecom), "这是帮我妈办的", "办理", 0.86)
    assert not result.state.stack and "本人" in replies(result)[0]
    assert zh(telecom, result.state, "确认", "肯定", 1.0).action is None


# "我的59元套餐被改成了99元的，没人通知我" at "请详细描述一下遇到的问题" was filed as "了99元的，没人通知我" (session 34)
def test_a_free_text_is_all_of_it(telecom):
    state = zh(telecom, start(), "我要投诉", "投诉", 0.99).state
    text = "我的59元套餐被改成了99元的，没人通知我"
    assert zh(telecom, state, text, "投诉", 0.99).state.slots["complaint"] == text


# "对了，还有客服电话一直打不通" (肯定 1.00) at the complaint's name question was dropped without a word (session 34)
def test_more_of_the_complaint_after_oh_right(telecom):
    state = zh(telecom, start(), "我家宽带断网三天了，我要投诉", "投诉", 0.99).state
    result = zh(telecom, state, "对了，还有客服电话一直打不通", "肯定", 1.0)
    assert "客服电话一直打不通" in result.state.slots["complaint"] and "name" not in result.state.slots


# "我儿子叫王浩" (refused), then an ID number at the name question: taken as the customer's, and "王建国" … "对" opened the
# account with it (customer trial, session 34): said right after another person's value, and not asked, it is no one's
def test_an_id_right_after_a_relatives_name_is_not_taken(telecom):
    state = zh(telecom, start(), "我要开户", "办理", 0.99).state
    text = "我儿子叫王浩"
    state = zh(telecom, state, text, "提供信息", 0.99, entities=[learnt(text, "王浩", "name")]).state
    assert "name" not in state.slots
    result = zh(telecom, state, "510107199206153215", "提供信息", 0.94)
    assert "id_number" not in result.state.slots and "本人的身份证号" in replies(result)[0]
    result = zh(telecom, state, "我的身份证510107199206153215", "提供信息", 0.94)
    assert result.state.slots["id_number"] == "510107199206153215"


# "I lost my card, please cancel it" heard "Okay, I'll leave it then." and the card stayed active (customer trial,
# session 34, two of 27 ordinary customers): after a card said lost, "cancel it" cancels the card
@pytest.mark.parametrize("text", ["I lost my card, please cancel it", "I can't find my card anywhere, please cancel it"])
def test_cancel_it_after_a_lost_card_is_the_block(banking, text):
    result = en(banking, start(), text, "lost_card", 0.95)
    assert [f.flow for f in result.state.stack] == ["lost_card"]
    assert "request_withdrawn" not in [e.name for e in result.events]


# "用我老婆的身份证吧，33010219650315002X" opened an account with the wife's ID (customer trial, session 34)
def test_a_relatives_id_offered_with_a_particle(telecom):
    state = zh(telecom, zh(telecom, start(), "办张新卡，59的", "办理", 0.99).state, "张伟").state
    result = zh(telecom, state, "用我老婆的身份证吧，33010219650315002X", "提供信息", 0.98)
    assert "id_number" not in result.state.slots and "本人的身份证号" in replies(result)[0]


# "没有损失" at the complaint's name question was stored as the name (customer trial, session 34)
def test_another_items_word_is_no_name(telecom):
    state = zh(telecom, start(), "我要投诉，网太差了", "投诉", 0.99).state
    assert "name" not in zh(telecom, state, "没有损失", "否定", 0.9).state.slots


# "算了，还是帮我转人工吧" (转人工 1.00) cancelled the opening and handed no one over (customer trial, session 34)
def test_a_person_asked_for_after_a_dismissal(telecom):
    state = zh(telecom, start(), "我要开户", "办理", 0.99).state
    assert zh(telecom, state, "算了，还是帮我转人工吧", "转人工", 1.0).state.handoff


# "12月的账单" and "11月份的账单" on 6 December heard that only this month's and last month's bills can be looked up here
# (customer trial, session 34): the bill-month slot's `months` ({本月: 0, 上月: -1}) reads a month named alone
@pytest.mark.parametrize("text, month", [("12月的账单", "本月"), ("11月份的账单", "上月"), ("十二月的账单", "本月"),
                                         ("十一月份", "上月")])
def test_this_and_last_month_by_name(telecom, text, month):
    result = zh(telecom, start(), f"查13812345678 {text}", "查询", 0.95)  # the tests' today: 2 December 2026
    assert "choice_unavailable" not in [e.name for e in result.events]
    assert result.action is not None and dict(result.action.slots)["bill_month"] == month


def test_other_months_are_still_not_served():
    import datetime as dt

    from framework.slots.entities import _months
    from framework.spec import load_assistant

    slot = load_assistant("domains/telecom_zh").slots["bill_month"]
    today = dt.date(2026, 1, 15)
    assert [c for _, _, c in _months(slot, "12月的账单", today)] == ["上月"]  # December is last month in January
    assert _months(slot, "10月份的账单", today) == [] and _months(slot, "12月5日那天", today) == []


def test_months_name_choices(tmp_path):
    from tests.test_customer_trial_s28 import _telecom_copy
    from framework.spec import SpecErrors, load_assistant

    domain = _telecom_copy(tmp_path, "months: {本月: 0, 上月: -1}", "months: {本月: 0, 前月: -1}")
    with pytest.raises(SpecErrors) as err:
        load_assistant(domain, environ={})
    assert "'前月' is no choice of this slot" in str(err.value) and "domain.yml:" in str(err.value)


# "用我爸的身份证行不，3101…" opened an account with the father's ID (customer trial, session 34, round 4)
@pytest.mark.parametrize("text", ["用我爸的身份证行不，310115197806152340", "我妈的可以不？310115197806152340"])
def test_a_relatives_id_asked_about_is_not_taken(telecom, text):
    state = zh(telecom, zh(telecom, start(), "我要开户", "办理", 0.99).state, "郑爽").state
    result = zh(telecom, state, text, "提供信息", 0.98)
    assert "id_number" not in result.state.slots and "本人的身份证号" in replies(result)[0]
