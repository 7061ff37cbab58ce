"""Items left by earlier customer trials and found in session 38's, fixed in session 38."""
from __future__ import annotations

import pytest

from tests.support.engine_turns import NOW, replies, start, through, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))


def _refused(assistant, say, steps, status: int):
    from framework.engine import ActionResult, handle_action_result

    state = through(say, assistant, steps)
    return handle_action_result(assistant, state, ActionResult.failure("refused", kind="refused", status=status),
                                now=NOW).state


_NO_ACCOUNT = [("我要换套餐", "办理"), ("换成99的", "提供信息"), ("张伟", "提供信息"), ("11010519491231002X", "提供信息"),
               ("对的", "肯定")]


# "办好了没" at the ID question asked again after "没有查到身份证号…名下的账户" heard "这个问题我在这里回答不了" (tried by hand,
# end of session 37; read as 查询 it started a query): not done, said, and the question again, which says why
@pytest.mark.parametrize("text, intent, confidence", [("办好了没", "查询", 0.9), ("办好了没", "其他", 0.6),
                                                      ("所以到底换成了没有", "查询", 0.8)])
def test_whether_it_was_done_at_the_question_after_a_refusal(telecom, text, intent, confidence):
    state = _refused(telecom, zh, _NO_ACCOUNT, 404)
    result = zh(telecom, state, text, intent, confidence)
    assert [e.name for e in result.events] == ["not_done_refused"]
    assert replies(result)[0] == "还没有办成。" and "没有查到身份证号" in replies(result)[-1]
    assert result.state.stack[-1].waiting_for == "slot:id_number"
    again = zh(telecom, result.state, "11010519491231002X", "提供信息", 0.99)  # the question is still answered
    assert "确认办理吗" in replies(again)[-1]


def test_whether_it_was_done_at_the_card_question_after_no_card(banking):
    state = _refused(banking, en, [("I lost my card", "lost_card"), ("ending 4321", "inform"), ("yes", "affirm")], 404)
    result = en(banking, state, "did it go through?", "affirm", 0.8)
    assert replies(result)[0] == "No, it didn't go through." and "couldn't find a card ending 4321" in replies(result)[-1]


def test_a_question_after_a_new_flow_is_not_this_one(banking):
    state = _refused(banking, en, [("I lost my card", "lost_card"), ("ending 4321", "inform"), ("yes", "affirm")], 404)
    assert "not_done_refused" not in [e.name for e in en(banking, state, "what is my balance", "check_balance", 0.99).events]


# "I just found it" (affirm 0.8) at "I'll block the card ending 4321 … Go ahead?" blocked the card (session 38, reading
# the engine's confirmation rules): the reason for the block is gone, so it is the read-back's no
@pytest.mark.parametrize("text", ["I just found it", "oh wait, found my card", "actually I found it", "ok I found it again"])
def test_found_it_at_the_block_read_back_is_no(banking, text):
    state = through(en, banking, [("I lost my card", "lost_card"), ("ending 4321", "inform")])
    result = en(banking, state, text, "affirm", 0.8)
    assert "action_requested" not in [e.name for e in result.events]
    assert "denied" in [e.name for e in result.events] and "stays active" in replies(result)[0]


def test_a_yes_is_still_a_yes_at_the_block(banking):
    state = through(en, banking, [("I lost my card", "lost_card"), ("ending 4321", "inform")])
    assert "action_requested" in [e.name for e in en(banking, state, "yes block it", "affirm", 0.99).events]


def test_found_it_in_chinese():
    from framework.slots.command_words import says_found

    assert says_found("哦，卡找到了", "zh") and says_found("找到了", "zh") and not says_found("找到了吗", "zh")
    assert not says_found("block it, I found it but it's cracked", "en") and not says_found("found it?", "en")


# "好吧那先开个户，39的" after "没有查到…名下的账户" went on with a plan change to 39 (tried by hand, session 37): a choice
# word followed by another value across a comma is a value of its own, not a lead-in ("套餐改成99的" still is one)
@pytest.mark.parametrize("text, plan", [("好吧那先开个户，39的", "39"), ("那开个户吧，要39的", "39"), ("改成开户", "99")])
def test_an_opening_after_no_account(telecom, text, plan):
    result = zh(telecom, _refused(telecom, zh, _NO_ACCOUNT, 404), text, "办理", 0.95)
    assert (result.state.slots["business"], result.state.slots["plan"]) == ("开户", plan)
    assert "办理「开户」" in replies(result)[-1]


def test_the_no_account_reply_says_how_to_open(telecom):
    from framework.engine import ActionResult, handle_action_result

    state = through(zh, telecom, _NO_ACCOUNT)
    result = handle_action_result(telecom, state, ActionResult.failure("refused", kind="refused", status=404), now=NOW)
    assert "改成开户" in replies(result)[-1]


def test_a_plan_after_the_change_word_still_leads_in(telecom):
    state = through(zh, telecom, [("我要开户", "办理"), ("张伟", "提供信息"), ("11010519491231002X", "提供信息"), ("39的", "提供信息")])
    result = zh(telecom, state, "套餐改成99的", "办理", 0.9)
    assert (result.state.slots["business"], result.state.slots["plan"]) == ("开户", "99")


# "能带几张副卡" at "需要帮您办理39元套餐吗？" (read as 肯定) opened an account (customer trial, session 37): "几张" asks, and
# the consultation answers questions about secondary cards (utter_secondary_card) before the offer again
@pytest.mark.parametrize("intent, confidence", [("肯定", 0.8), ("咨询", 0.9), ("提供信息", 0.6)])
def test_a_question_about_secondary_cards_at_the_offer(telecom, intent, confidence):
    state = zh(telecom, start(), "39的套餐有什么内容", "咨询", 0.99).state
    result = zh(telecom, state, "能带几张副卡", intent, confidence)
    assert "confirmed" not in [e.name for e in result.events]
    assert "最多带 4 张副卡" in replies(result)[0] and replies(result)[-1].startswith("需要帮您办理39元套餐吗")
    assert "confirmed" in [e.name for e in zh(telecom, result.state, "好的", "肯定", 0.99).events]  # the offer still works


def test_how_many_is_a_question():
    from framework.slots.answers import is_question

    assert is_question("能带几张副卡", "zh") and is_question("要等几天", "zh") and not is_question("办副卡", "zh")


# "名字输错了，是张玮" at "需要为您转接人工客服进一步处理吗？" after the backend said the name is not the ID's holder ended the
# request (tried by hand, session 37): the offer now says a wrong name or ID can be given again, once; "名字错了" asks the
# name, and the read-back comes again; a second mismatch only offers a person (no guessing the holder's name)
@pytest.mark.parametrize("steps", [[("名字输错了，是张玮", "否定", 0.8), ("张玮", "提供信息", 0.99)],
                                   [("名字错了", "否定", 0.9), ("张玮", "提供信息", 0.99)],
                                   [("我叫张玮", "提供信息", 0.9)]])
def test_a_name_given_again_after_a_mismatch(telecom, steps):
    from framework.engine import ActionResult, handle_action_result

    state = _refused(telecom, zh, _NO_ACCOUNT, 403)
    for text, intent, confidence in steps:
        result = zh(telecom, state, text, intent, confidence)
        state = result.state
    assert state.slots["name"] == "张玮" and "请核对：张玮" in replies(result)[-1]
    state = zh(telecom, state, "对", "肯定", 0.99).state
    again = handle_action_result(telecom, state, ActionResult.failure("refused", kind="refused", status=403), now=NOW)
    assert replies(again)[-1] == "需要为您转接人工客服进一步处理吗？"
    closed = zh(telecom, again.state, "名字错了", "否定", 0.9)
    assert not closed.state.stack


def test_the_mismatch_offer_still_hands_off(telecom):
    state = _refused(telecom, zh, _NO_ACCOUNT, 403)
    assert "handoff" in [e.name for e in zh(telecom, state, "需要", "肯定", 0.99).events]
    assert not zh(telecom, state, "不用了", "否定", 0.99).state.stack


# Review of session 37: turn's own "ok + thanks" pattern now builds on stop_question's thanks words (one list)
@pytest.mark.parametrize("text, expected", [("好的谢谢", True), ("好的，谢谢你啊", True), ("ok thanks", True),
                                            ("Got it, thank you so much!", True), ("ok thank you a lot", True),
                                            ("谢谢", False), ("好的", False), ("ok thanks, and my balance?", False),
                                            ("好的谢谢，再见", False)])
def test_an_ok_and_thanks(text, expected):
    from framework.engine.stop_question import ack_and_thanks, thanks_only

    assert ack_and_thanks(text) is expected
    assert not (ack_and_thanks(text) and thanks_only(text))  # "ok thanks" is no thanks alone


def test_ok_thanks_at_an_offer_takes_the_information(telecom):
    state = zh(telecom, start(), "39的套餐有什么内容", "咨询", 0.99).state
    result = zh(telecom, state, "好的谢谢", "肯定", 0.9)
    assert "confirmed" not in [e.name for e in result.events] and not result.state.stack


# "没有经济损失，就是态度问题" at the complaint's name question stored the name 态度问题, "好的办理" at the opening's the name
# 好的办理 (customer trial, session 38): everyday words beside the loss, or glued to a yes word, are no name
# (framework.engine.value_guard); names, also rare ones, and any name after "我叫" still are
@pytest.mark.parametrize("steps, text", [([("你们客服态度太差了，我要投诉", "投诉")], "没有经济损失，就是态度问题"),
                                         ([("我要开户", "办理")], "好的办理")])
def test_everyday_words_are_no_name(telecom, steps, text):
    state = through(zh, telecom, steps)
    result = zh(telecom, state, text, "肯定", 0.9)
    assert "name" not in result.state.slots and "姓名" in replies(result)[-1]
    assert zh(telecom, result.state, "黄晓明", "提供信息", 0.99).state.slots["name"] == "黄晓明"


@pytest.mark.parametrize("text, name", [("张伟", "张伟"), ("阿依古丽", "阿依古丽"), ("我叫欧阳娜娜", "欧阳娜娜"),
                                        ("我叫万明明", "万明明")])
def test_names_are_still_names(telecom, text, name):
    state = zh(telecom, start(), "我要开户", "办理", 0.99).state
    assert zh(telecom, state, text, "提供信息", 0.99).state.slots["name"] == name


# "pay Will 45" and "pay Hope 45 on friday" asked "How much would you like to send?" (customer trial, session 38); so
# did "pay 45 to Will": a bare number right after paying (someone) is the amount
@pytest.mark.parametrize("text, amount", [("pay Will 45", 45), ("pay Hope 45 on friday", 45), ("send my mum 30", 30),
                                          ("send Anna Lee 45", 45), ("pay 45 to Will", 45)])
def test_a_bare_number_after_paying_someone_is_the_amount(banking, text, amount):
    result = en(banking, start(), text, "transfer_money", 0.99)
    assert result.state.slots["amount"] == {"amount": amount, "currency": "USD"}


def test_a_bare_number_elsewhere_is_still_no_amount(banking):
    result = en(banking, start(), "I want to send money, my card is the 4821 one", "transfer_money", 0.99)
    assert "amount" not in result.state.slots


# "cancel", "did it go through?" ("nothing went through"), then "ok send it after all" (cancel 0.81) heard "There's
# nothing in progress to cancel" and the transfer was lost (customer trial, session 38): the outcome question in between
# keeps what was stopped for the next message
def test_after_all_after_asking_whether_it_went_through(banking):
    state = start()
    for text, intent, confidence in [("send 80 dollars on thursday", "transfer_money", 0.99), ("Chris", "inform", 0.99),
                                     ("cancel", "cancel", 0.99), ("did it go through?", "affirm", 0.95)]:
        state = en(banking, state, text, intent, confidence).state
    result = en(banking, state, "ok send it after all", "cancel", 0.81)
    assert "cancel_taken_back" in [e.name for e in result.events]
    assert replies(result)[-1].startswith("Send $80.00 to Chris")
    assert "action_requested" in [e.name for e in en(banking, result.state, "yes", "affirm", 0.99).events]


# "did it go thru" at "How much would you like to send?" heard "I can't answer that here" (customer trial, session 38):
# nothing is done yet, said, and the question again; not when something was done in the last few turns
@pytest.mark.parametrize("text", ["did it go thru", "did it go through?", "has it been sent?"])
def test_whether_it_was_done_before_the_read_back(banking, text):
    state = en(banking, start(), "I want to send money to Tom", "transfer_money", 0.99).state
    result = en(banking, state, text, "affirm", 0.7)
    assert [e.name for e in result.events] == ["not_done_yet"]
    assert replies(result) == ["Not yet: nothing is done until you say yes.", "How much would you like to send?"]


def test_whether_it_was_done_in_chinese_before_the_read_back(telecom):
    state = zh(telecom, start(), "我要开户", "办理", 0.99).state
    result = zh(telecom, state, "办好了没", "查询", 0.8)
    assert [e.name for e in result.events] == ["not_done_yet"] and "姓名" in replies(result)[-1]


# "算了，帮我换成99的吧" right after an account was opened heard "这件事刚才已经办好了，这里撤销不了" (customer trial,
# session 38): a request after the dismissal is a new request; "算了不办了" still hears that it cannot be undone
def _opened(telecom):
    from tests.support.engine_turns import done

    state = through(zh, telecom, [("我要开户", "办理"), ("王芳", "提供信息"), ("110105194912310038", "提供信息"), ("39的", "提供信息"),
                         ("对", "肯定")])
    return done(telecom, state).state


def test_a_request_after_a_dismissal_right_after_an_opening(telecom):
    result = zh(telecom, _opened(telecom), "算了，帮我换成99的吧", "办理", 1.0)
    assert "already_done" not in [e.name for e in result.events]
    assert (result.state.slots["business"], result.state.slots["plan"]) == ("换套餐", "99")


def test_a_dismissal_right_after_an_opening_cannot_undo_it(telecom):
    assert "already_done" in [e.name for e in zh(telecom, _opened(telecom), "算了不办了", "取消", 1.0).events]


# "身份证要给你吗，安全吗" at the ID question heard "这个问题我在这里回答不了" (customer trial, session 38): whether it is
# safe to give a value is answered like why it is needed, then the question again
def test_is_it_safe_at_the_id_question(telecom):
    state = through(zh, telecom, [("我要开户", "办理"), ("王芳", "提供信息")])
    result = zh(telecom, state, "身份证要给你吗，安全吗", "咨询", 0.6)
    # (the business flow's answers take it since they name the ID's safety; the why-answer is the same text)
    assert [e.name for e in result.events] in (["reason_asked"], ["question_answered"]) and "打码" in replies(result)[0]


def test_is_it_safe_at_the_card_question(banking):
    state = en(banking, start(), "I lost my card", "lost_card", 0.99).state
    assert [e.name for e in en(banking, state, "is it safe to give you my card digits?", "help", 0.6).events] == [
        "reason_asked"]


# "那卡什么时候能到" right after an opening asked "您是想查询自己账户的情况吗？" (customer trial, session 38)
def test_when_the_card_arrives_right_after_an_opening(telecom):
    result = zh(telecom, _opened(telecom), "那卡什么时候能到", "查询", 0.7)
    assert [e.name for e in result.events] == ["question_answered"] and "3 个工作日" in replies(result)[0]


# "what do I do about payments until the new one comes?" right after a block started a transfer (customer trial,
# session 38): the lost-card flow answers it (utter_meanwhile)
@pytest.mark.parametrize("text, intent", [("what do I do about payments until the new one comes?", "transfer_money"),
                                          ("what do I do in the meantime?", "help")])
def test_payments_until_the_new_card_comes(banking, text, intent):
    from tests.support.engine_turns import done

    state = through(en, banking, [("I lost my card", "lost_card"), ("4821", "inform"), ("yes", "affirm")])
    result = en(banking, done(banking, state).state, text, intent, 0.9)
    assert [e.name for e in result.events] == ["question_answered"] and "keeps working" in replies(result)[0]


# Second trial round of session 38.
# "oh forget the agent, just block my card 4821 it's gone" (lost_card 0.86) right after a handoff heard "Is there
# anything else I can help you with?" and the card stayed active (A): the handoff is taken back and the block starts
def test_a_request_said_with_taking_back_a_handoff(banking):
    state = en(banking, start(), "agent please", "human_agent", 0.99).state
    result = en(banking, state, "oh forget the agent, just block my card 4821 it's gone", "lost_card", 0.86)
    assert [e.name for e in result.events][:1] == ["handoff_taken_back"]
    assert replies(result) == ["Okay, I won't connect you.",
                               "I'll block the card ending 4821 and order a replacement. This can't be undone. Go ahead?"]
    assert "action_requested" in [e.name for e in en(banking, result.state, "yes", "affirm", 0.99).events]


def test_taking_back_a_handoff_alone(banking):
    state = en(banking, start(), "agent please", "human_agent", 0.99).state
    result = en(banking, state, "never mind, I'll stay here", "cancel", 0.86)
    assert replies(result) == ["Okay, I won't connect you.", "Is there anything else I can help you with?"]


# "no, don't send it, I changed my mind" / "no don't send it" at a transfer's read-back asked "What would you like to
# change?" (B): withdrawn; "don't send it yet" still withholds the yes (the read-back's no)
@pytest.mark.parametrize("text, cancelled", [("no, don't send it, I changed my mind", True), ("no don't send it", True),
                                             ("don't send it yet", False), ("don't submit it yet", False)])
def test_dont_send_it_at_the_read_back(banking, text, cancelled):
    state = through(en, banking, [("send 50 dollars tomorrow", "transfer_money"), ("Tom", "inform")])
    result = en(banking, state, text, "deny", 0.95)
    assert ("flow_cancelled" in [e.name for e in result.events]) is cancelled
    assert "action_requested" not in [e.name for e in result.events]


# "我叫刘德明噻" (a Sichuanese particle) opened the account for 刘德明噻 (A)
@pytest.mark.parametrize("text", ["我叫刘德明噻", "刘德明嘛", "我叫刘德明哈"])
def test_a_particle_after_a_name(telecom, text):
    state = zh(telecom, start(), "我要开户", "办理", 0.99).state
    assert zh(telecom, state, text, "提供信息", 0.99).state.slots["name"] == "刘德明"


# "营业员爱答不理还翻白眼" at the complaint's name question heard "这看起来不像是姓名" (B, from a rule of this session
# that is gone again): more of the complaint, added, and the name asked again (read as 投诉); read as 提供信息, asked
# whether it is the name ("您说的姓名是…吗？")
@pytest.mark.parametrize("intent, confidence", [("投诉", 0.9)])
def test_more_of_the_complaint_at_the_name_question(telecom, intent, confidence):
    state = zh(telecom, start(), "你们营业厅服务太差了，我要投诉", "投诉", 0.99).state
    result = zh(telecom, state, "营业员爱答不理还翻白眼", intent, confidence)
    assert "营业员爱答不理还翻白眼" in result.state.slots["complaint"] and "name" not in result.state.slots
    assert "姓名" in replies(result)[-1]


# "有哪几种套餐", "哪个套餐划算", "什么时候开始算钱" at an opening's plan question or read-back heard what an opening needs
# (B): the consultation started and read the opening's business (开户); now the business flow answers them, and a flow
# that interrupts another no longer reads the values the other holds in its conditions (they are set aside)
@pytest.mark.parametrize("text, words", [("哪个套餐划算", "区别")])
def test_plan_questions_at_the_plan_question(telecom, text, words):
    state = through(zh, telecom, [("我要开户", "办理"), ("王芳", "提供信息"), ("110105194912310038", "提供信息")])
    result = zh(telecom, state, text, "咨询", 0.9)
    assert "question_answered" in [e.name for e in result.events] and words in replies(result)[0]
    assert result.state.slots["business"] == "开户" and result.state.stack[-1].flow == "business"


def test_a_consultation_interrupting_an_opening_does_not_read_its_business(telecom):
    state = through(zh, telecom, [("我要开户", "办理"), ("王芳", "提供信息"), ("110105194912310038", "提供信息")])
    result = zh(telecom, state, "介绍一下你们的套餐吧", "咨询", 0.99)
    assert "开户（办新卡或副卡）需要" not in " ".join(replies(result))
    assert "slots_set_aside" in [e.name for e in result.events]


# "好，那我开一张129的" asked "开户还是变更套餐" three times (B); Shanghainese "上个号头个账单" gave this month's bill (B)
def test_open_one_card_with_a_plan(telecom):
    result = zh(telecom, start(), "好，那我开一张129的", "办理", 0.9)
    assert (result.state.slots["business"], result.state.slots["plan"]) == ("开户", "129")


@pytest.mark.parametrize("text", ["帮我查下上个号头个账单", "查一下上各月的帐单"])
def test_last_month_in_dialect_and_with_a_typo(telecom, text):
    assert zh(telecom, start(), text, "查询", 0.9).state.slots["bill_month"] == "上月"


# "我的身份证号你们会保存吗" heard the plan list; "搞定没得" / "搞掂未呀" after an opening heard "还有什么可以帮您的吗" (B/C)
@pytest.mark.parametrize("steps", [[], [("我要开户", "办理")]])
def test_will_you_keep_my_id(telecom, steps):
    state = through(zh, telecom, steps)
    result = zh(telecom, state, "我的身份证号你们会保存吗", "咨询", 0.7)
    assert "question_answered" in [e.name for e in result.events] and "打码保存" in replies(result)[0]


@pytest.mark.parametrize("text", ["搞定没得", "搞掂未呀", "整好没"])
def test_whether_it_was_done_in_dialect(telecom, text):
    result = zh(telecom, _opened(telecom), text, "肯定", 0.8)
    assert [e.name for e in result.events] == ["outcome_said_again"] and replies(result)[0].startswith("开户成功")


# "is it ready to use now?" right after an activation started another; "did that go through ok?" after a transfer was
# out of scope; "great, thank you" at the cardholder's name question was stored as the name "great" (B)
def _activated(banking):
    from tests.support.engine_turns import done

    state = through(en, banking, [("activate my card", "activate_card"), ("1234", "inform"), ("John Smith", "inform"),
                         ("yes", "affirm")])
    return done(banking, state).state


@pytest.mark.parametrize("text, intent", [("is it ready to use now?", "activate_card"), ("is it working now?", "affirm"),
                                          ("did that go through ok?", "out_of_scope")])
def test_whether_the_card_is_ready(banking, text, intent):
    result = en(banking, _activated(banking), text, intent, 0.9)
    assert [e.name for e in result.events] == ["outcome_said_again"] and "1234 is active" in replies(result)[0]


def test_great_thank_you_at_the_name_question(banking):
    state = en(banking, en(banking, start(), "activate my card", "activate_card", 0.99).state, "4821", "inform", 0.99).state
    result = en(banking, state, "great, thank you", "inform", 0.8)
    assert "name" not in result.state.slots and replies(result) == ["Do you want to stop here?"]


# "will it get there today?" at a transfer's read-back heard "I can't answer that here"; "i guess so?" too (B)
def _read_back(banking):
    state = through(en, banking, [("send 50 dollars tomorrow", "transfer_money"), ("Tom", "inform")])
    return state


def test_will_it_get_there_today(banking):
    result = en(banking, _read_back(banking), "will it get there today?", "affirm", 0.7)
    assert "question_answered" in [e.name for e in result.events] and "arrives" in replies(result)[0]
    assert result.state.slots["date"] == "2026-12-03"  # "today" in the question changes no date


@pytest.mark.parametrize("text", ["i guess so?", "maybe?"])
def test_a_hedge_with_a_question_mark(banking, text):
    result = en(banking, _read_back(banking), text, "affirm", 0.8)
    assert [e.name for e in result.events] == ["hedged"] and "clear yes or no" in replies(result)[0]


# "有哪几种套餐" at an opening's plan question, "39的" at the consultation, "好的" at its offer: the read-back showed
# "办理「」" (the business set aside for the consultation was lost when the offer linked back): it comes back
@pytest.mark.parametrize("business, plan", [("开户", "39"), ("换套餐", "129")])
def test_a_consultation_at_the_plan_question_links_back_with_the_business(telecom, business, plan):
    state = start()
    for said, intent in [("我要开户" if business == "开户" else "我要换套餐", "办理"), ("王芳", "提供信息"),
                         ("110105194912310038", "提供信息"), ("有哪几种套餐", "咨询"), (f"{plan}的", "提供信息"),
                         ("好的", "肯定")]:
        result = zh(telecom, state, said, intent, 0.9)
        state = result.state
    assert (state.slots["business"], state.slots["plan"]) == (business, plan)
    assert f"办理「{business}」" in replies(result)[-1]


# "what's my card number again?" (lost_card) was offered a block; "what's the full number of that card then" heard the
# fallback (B/C): card numbers are not shown here, said (lost_card's not_for)
@pytest.mark.parametrize("text", ["what's my card number again?", "what's the full number of that card then"])
def test_the_card_number_is_not_shown(banking, text):
    result = en(banking, start(), text, "lost_card", 0.9)
    assert "flow_started" not in [e.name for e in result.events] and "can't show card numbers" in replies(result)[0]


def test_a_lost_card_is_still_blocked(banking):
    assert "flow_started" in [e.name for e in en(banking, start(), "I lost my card, what do I do", "lost_card").events]


# "为啥比上个月多这么多" right after a bill was a new query asking the phone number again (B, sessions 37 and 38): the
# query flow answers it (utter_bill_why); a complaint that says so ("…乱扣费了") still starts the complaint
def test_why_so_much_after_a_bill(telecom):
    from tests.support.engine_turns import done

    state = through(zh, telecom, [("查一下上个月的账单", "查询"), ("13812345678", "提供信息")])
    result = zh(telecom, done(telecom, state).state, "为啥比上个月多这么多", "查询", 0.8)
    assert [e.name for e in result.events] == ["question_answered"] and "账单查询" in replies(result)[0]


def test_a_complaint_about_the_bill_is_still_a_complaint(telecom):
    result = zh(telecom, start(), "我这个月话费怎么这么多，你们是不是乱扣费了", "投诉", 0.9)
    assert "flow_started" in [e.name for e in result.events] and result.state.stack[-1].flow == "complaint"


# "我的卡丢了怎么办" heard "超出服务范围" (B): what is done at a shop, and 转人工 to stop the card at once
def test_a_lost_sim_card(telecom):
    result = zh(telecom, start(), "我的卡丢了怎么办", "其他", 0.7)
    assert [e.name for e in result.events] == ["question_answered"] and "转人工" in replies(result)[0]


# Third trial round of session 38.
def _ranked(assistant, state, text, *ranking):
    from framework.engine.turn import handle_message
    from framework.nlu.interface import IntentScore, NLUResult
    from framework.slots import extract_entities

    scores = tuple(IntentScore(ranking[i], ranking[i + 1]) for i in range(0, len(ranking), 2))
    return handle_message(assistant, state, NLUResult(text, scores, tuple(extract_entities(assistant, text,
                                                                                           today=NOW.date()))), now=NOW)


# "ok forget the agent, send 25 to Maya instead" (cancel first) and "算了不用转了，你帮我查下13700001111的余额就行" right
# after a handoff heard "anything else?" and the request was lost (A): the request beside the take-back is read on
def test_a_request_ranked_second_beside_taking_back_a_handoff(banking):
    state = en(banking, start(), "agent please", "human_agent", 0.99).state
    result = _ranked(banking, state, "ok forget the agent, send 25 to Maya instead", "cancel", 0.7, "transfer_money", 0.2)
    assert replies(result) == ["Okay, I won't connect you.", "Send $25.00 to Maya on Wednesday 2 December?"]


def test_a_query_beside_taking_back_a_handoff_in_chinese(telecom):
    state = zh(telecom, start(), "给我转人工", "转人工", 0.99).state
    result = _ranked(telecom, state, "算了不用转了，你帮我查下13700001111的余额就行", "取消", 0.8, "查询", 0.15)
    assert replies(result)[0] == "好的，不转人工了。" and "action_requested" in [e.name for e in result.events]
    assert result.state.slots["phone"] == "13700001111"


# "我想换套参" over a query, "算了不换了" (the query resumed), "哦不对，还是换吧，换129" (否定): the change was lost (A)
def test_a_cancel_taken_back_over_the_flow_it_interrupted(telecom):
    state = through(zh, telecom, [("查话费", "查询"), ("13812345678", "提供信息"), ("我想换套参", "办理"), ("算了不换了", "取消")])
    result = zh(telecom, state, "哦不对，还是换吧，换129", "否定", 1.0)
    assert "cancel_taken_back" in [e.name for e in result.events]
    assert (result.state.slots["business"], result.state.slots["plan"]) == ("换套餐", "129")
    assert [f.flow for f in result.state.stack] == ["query", "business"]


# 'send {"amount": 9999, "to": "eve"}' sent $20 to 'eve"}' (A): what a value closes and never opened is no part of it
@pytest.mark.parametrize("raw, value", [('eve"}', "eve"), ("Anna (Lee)", "Anna (Lee)"), ("O'Neil", "O'Neil"),
                                        ("「张伟」", "「张伟」")])
def test_closing_characters_a_value_never_opened(banking, raw, value):
    from framework.slots.values import parse_value

    assert parse_value(banking.slots["recipient"], raw, "en").value == value


# "get me a human... actually no, forget that, I just want to block my card, it ends 1234" (human_agent) handed off and
# the block was lost (A): a handoff taken back later in the same message, with another request after it, is that request
def test_a_handoff_taken_back_in_the_same_message(banking):
    text = "get me a human... actually no, forget that, I just want to block my card, it ends 1234"
    result = _ranked(banking, start(), text, "human_agent", 0.9, "lost_card", 0.08)
    assert "handoff" not in [e.name for e in result.events] and "handoff_withdrawn" in [e.name for e in result.events]
    assert replies(result) == ["I'll block the card ending 1234 and order a replacement. This can't be undone. Go ahead?"]


@pytest.mark.parametrize("text", ["I want to talk to a human, never mind the bot", "agent please"])
def test_a_plain_handoff_still_hands_off(banking, text):
    assert "handoff" in [e.name for e in _ranked(banking, start(), text, "human_agent", 0.95, "cancel", 0.03).events]


# Third round (B/C): "莫得啥子损失" at the loss question was a question ("啥"); "and when will Ben get it?" and "wait, is it
# safe to do this over chat?" at read-backs heard "I can't answer that here"; "k ty" after a balance was the fallback
def test_no_loss_in_sichuanese(telecom):
    state = through(zh, telecom, [("你们客服态度太差了，我要投诉", "投诉"), ("黄晓明", "提供信息"), ("11010519491231002X", "提供信息")])
    result = zh(telecom, state, "莫得啥子损失", "否定", 0.7)
    assert result.state.slots["loss"] == {"amount": 0, "currency": "CNY"} and "请核对" in replies(result)[-1]


def test_when_will_a_name_get_it(banking):
    result = en(banking, _read_back(banking), "and when will Tom get it?", "affirm", 0.7)
    assert "question_answered" in [e.name for e in result.events] and "arrives" in replies(result)[0]


def test_is_it_safe_over_chat_at_a_block(banking):
    state = through(en, banking, [("I lost my card", "lost_card"), ("4821", "inform")])
    result = en(banking, state, "wait, is it safe to do this over chat?", "help", 0.7)
    assert [e.name for e in result.events] == ["question_answered"] and "never ask" in replies(result)[0]


def test_k_ty_after_a_balance(banking):
    from tests.support.engine_turns import done

    state = en(banking, start(), "what's my balance on 4821", "check_balance", 0.99).state
    result = en(banking, done(banking, state, balance=100).state, "k ty", "goodbye", 0.6)
    assert "fallback" not in [e.name for e in result.events]


# "谢谢" at "需要为您转接人工客服吗？" after a complaint was filed asked it again (B): at an offer, thanks alone takes the
# information, not the offer; at a read-back it is still no answer
def test_thanks_alone_at_an_offer(telecom):
    from tests.support.engine_turns import done

    state = through(zh, telecom, [("我要投诉，网络太差了", "投诉"), ("黄晓明", "提供信息"), ("11010519491231002X", "提供信息"),
                         ("没有", "提供信息"), ("对", "肯定")])
    result = zh(telecom, done(telecom, state, ticket_no="TS1").state, "谢谢", "再见", 0.7)
    assert "offer_put_off" in [e.name for e in result.events] and not result.state.stack


def test_thanks_alone_at_a_read_back(telecom):
    state = through(zh, telecom, [("我要开户", "办理"), ("王芳", "提供信息"), ("110105194912310038", "提供信息"), ("39的", "提供信息")])
    result = zh(telecom, state, "谢谢", "再见", 0.8)
    assert "confirmed" not in [e.name for e in result.events] and result.state.stack


# "and the balance?" right after the balance of 4821 asked the card's digits again (B): the same request again
def test_and_the_balance_again(banking):
    from tests.support.engine_turns import done

    state = en(banking, start(), "what's the balance on 4821", "check_balance", 0.99).state
    result = en(banking, done(banking, state, balance=100).state, "and the balance?", "check_balance", 0.85)
    assert result.state.slots["card_last4"] == "4821" and "action_requested" in [e.name for e in result.events]


def test_and_my_other_card_still_asks(banking):
    from tests.support.engine_turns import done

    state = en(banking, start(), "what's the balance on 4821", "check_balance", 0.99).state
    result = en(banking, done(banking, state, balance=100).state, "and my other card?", "check_balance", 0.85)
    assert "card_last4" not in result.state.slots and "digits" in replies(result)[-1]


# "嗯……应该吧" at a read-back heard the help menu; "系咪搞掂咗？" at a read-back was "回答不了"; "现在是99的了吗" after a
# change was "没听明白" (B/C, third round)
def _opening_read_back(telecom):
    state = through(zh, telecom, [("我要开户", "办理"), ("王芳", "提供信息"), ("110105194912310038", "提供信息"), ("39的", "提供信息")])
    return state


def test_a_hedge_after_a_filler_at_a_read_back(telecom):
    result = zh(telecom, _opening_read_back(telecom), "嗯……应该吧", "肯定", 0.6)
    assert [e.name for e in result.events] == ["hedged"]


def test_a_plain_yes_word_is_still_a_yes(telecom):
    assert "confirmed" in [e.name for e in zh(telecom, _opening_read_back(telecom), "嗯", "肯定", 0.9).events]


def test_whether_it_is_done_in_cantonese_at_a_read_back(telecom):
    result = zh(telecom, _opening_read_back(telecom), "系咪搞掂咗？", "肯定", 0.6)
    assert [e.name for e in result.events] == ["not_done_yet"]


def test_is_it_99_now_after_a_change(telecom):
    from tests.support.engine_turns import done

    state = through(zh, telecom, [("我要换套餐", "办理"), ("王芳", "提供信息"), ("110105194912310038", "提供信息"), ("99的", "提供信息"),
                         ("对", "肯定")])
    result = zh(telecom, done(telecom, state, account_no="TZ1").state, "现在是99的了吗", "查询", 0.7)
    assert [e.name for e in result.events] == ["outcome_said_again"] and "下月 1 日" in replies(result)[0]


def test_a_typo_for_opening(telecom):
    assert zh(telecom, start(), "我要开护", "办理", 0.9).state.slots["business"] == "开户"
