"""Session 46: what customer trials and hand tries found, each with the message that found it."""
from __future__ import annotations

import pytest

from framework.nlu.interface import Entity
from tests.support.engine_turns import done, replies, start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))


def _events(result):
    return [e.name for e in result.events]


def _through(turn, assistant, said, state=None):
    state = state or start()
    for text, intent in said:
        result = turn(assistant, state, text, intent)
        state = result.state
    return result


def _complaint_cancelled_then_balance(telecom):
    said = [("我要投诉你们营业厅那个小姑娘，态度太差了", "投诉"), ("王小明", "提供信息"), ("110105 19491231 002x", "提供信息"),
            ("没什么损失，就是气人", "否定"), ("算了算了，不投诉了，查一下我13800138000还剩多少钱吧", "查询")]
    result = _through(zh, telecom, said)
    assert "flow_cancelled" in _events(result) and result.state.pending_action is not None
    return done(telecom, result.state, balance=5.35)


def test_asking_whether_a_cancelled_complaint_was_cancelled_hears_yes(telecom):
    """Customer trial, session 45: "投诉真的取消了吧？" after the complaint was cancelled at its read-back and a balance was
    looked up heard "这件事刚才已经办好了，这里撤销不了"."""
    state = _complaint_cancelled_then_balance(telecom).state
    for text, intent in (("投诉真的取消了吧？", "取消"), ("刚才那个投诉没登记上吧？", "查询")):
        result = zh(telecom, state, text, intent)
        assert replies(result) == ["是的，那件事在办理之前就取消了，什么都没有办。"], text
        assert "cancelled_confirmed" in _events(result)


def test_cancel_after_a_lookup_is_not_said_to_be_done(telecom):
    """A lookup undoes nothing: "取消" right after a balance (and nothing cancelled before it) is not "已经办好了"."""
    result = _through(zh, telecom, [("查一下13800138000的余额", "查询")])
    state = done(telecom, result.state, balance=5.35).state
    cancelled = zh(telecom, state, "取消", "取消")
    assert "already_done" not in _events(cancelled)
    assert "撤销不了" not in " ".join(replies(cancelled))


_SEND = "send 50 dollars to Tom Lee today"


def _read_back(banking):
    at = _SEND.index("Tom Lee")
    result = en(banking, start(), _SEND, "transfer_money",
                entities=(Entity("recipient", "Tom Lee", "Tom Lee", at, at + 7, "model", 0.99),))
    assert replies(result)[-1].startswith("Send $50.00 to Tom Lee")
    return result.state


def test_asking_whether_a_sent_transfer_was_cancelled_is_not_told_yes(banking):
    sent = en(banking, _read_back(banking), "yes", "affirm")
    state = done(banking, sent.state).state
    asked = en(banking, state, "so it was cancelled right?", "cancel")
    assert "cancelled_confirmed" not in _events(asked)


def test_asking_whether_a_cancelled_transfer_was_cancelled_hears_yes(banking):
    state = en(banking, _read_back(banking), "no, cancel it", "deny").state
    assert not state.stack
    asked = en(banking, state, "so it was cancelled right?", "cancel")
    assert replies(asked) == ["Yes: that was cancelled before anything was done, so nothing went through."]


@pytest.mark.parametrize("text, intent, confidence", [("ok just send it", "cancel", 0.73),
                                                      ("yes please stop it", "cancel", 0.9),
                                                      ("ok cancel it", "cancel", 0.95)])
def test_a_go_ahead_read_as_cancel_at_a_transfer(banking, text, intent, confidence):
    """"ok just block it to be safe" (cancel 0.73) cancelled a block (customer trial, session 46): a go-ahead in the flow's
    own words is its yes; "stop it" and "cancel it" still stop a transfer."""
    result = en(banking, _read_back(banking), text, intent, confidence)
    if "send" in text:
        assert "confirmed" in _events(result)
    else:
        assert "flow_cancelled" in _events(result) and result.state.pending_action is None


@pytest.mark.parametrize("text, intent, confidence", [("ok just block it to be safe", "cancel", 0.73),
                                                      ("yes block it then", "lost_card", 0.97)])
def test_a_go_ahead_read_as_cancel_at_a_block(banking, text, intent, confidence):
    asked = en(banking, start(), "I lost my card, it ends with 1234", "lost_card")
    result = en(banking, asked.state, text, intent, confidence)
    assert "confirmed" in _events(result) and result.state.pending_action is not None


def test_yes_please_stop_it_at_a_block_hears_the_read_back_again(banking):
    """"yes please stop it" (cancel 0.77): not cancelled, not done either; the read-back again."""
    asked = en(banking, start(), "I lost my card, it ends with 1234", "lost_card")
    result = en(banking, asked.state, "yes please stop it", "cancel", 0.77)
    assert result.state.stack and result.state.pending_action is None
    assert replies(result)[-1] == replies(asked)[-1]


def _name(text, value):
    at = text.index(value)
    return (Entity("name", value, value, at, at + len(value), "model", 0.99),)


def test_a_relatives_name_and_id_after_the_holder_rule_do_not_open_an_account_for_her(telecom):
    """Customer trial, session 45: "我想给我妈办张新卡" heard that the holder opens it; "她叫李秀兰" then started the opening,
    the mother's ID was kept, and "开户" with "李秀兰" at the name question opened the account in the mother's name."""
    rule = "开户和变更套餐需要机主本人办理"
    state = start()
    for text, intent, entities in (("我想给我妈办张新卡", "办理", ()), ("她叫李秀兰", "提供信息", _name("她叫李秀兰", "李秀兰")),
                                   ("身份证是4403 0619 8506 1532 19", "提供信息", ())):
        result = zh(telecom, state, text, intent, entities=entities)
        assert replies(result)[0].startswith(rule), text
        assert not result.state.stack and result.state.slots.get("id_number") is None, text
        state = result.state
    asked = zh(telecom, state, "开户", "办理")
    assert replies(asked) == ["请问您的姓名是？"]
    refused = zh(telecom, asked.state, "李秀兰", "提供信息", entities=_name("李秀兰", "李秀兰"))
    assert replies(refused)[0] == "这里需要您本人的姓名，不能用家人或别人的。"
    assert refused.state.slots.get("name") is None
    own = zh(telecom, refused.state, "那我自己的，王小明", "提供信息", entities=_name("那我自己的，王小明", "王小明"))
    assert own.state.slots.get("name") == "王小明"
    assert "身份证" in replies(own)[-1]


def test_a_worried_question_about_someone_using_a_lost_card_is_no_handoff(banking):
    """Customer trial, session 46: "Will somebody be able to use it? I am very worried" (human_agent 0.99) at the block's
    read-back handed over and dropped the block; "yes please stop it" (cancel 0.77) then heard "nothing in progress"."""
    asked = en(banking, start(), "I lost my card, it ends with 1234", "lost_card")
    assert "Go ahead?" in replies(asked)[-1]
    worried = en(banking, asked.state, "Will somebody be able to use it? I am very worried", "human_agent")
    assert "handoff" not in _events(worried) and worried.state.stack
    assert replies(worried)[0].startswith("The block stops any new payment.")
    blocked = en(banking, worried.state, "yes", "affirm")
    assert "confirmed" in _events(blocked) and blocked.state.pending_action is not None


def _said(turn, assistant, messages):
    state, said = start(), []
    for text, intent, confidence in messages:
        result = turn(assistant, state, text, intent, confidence)
        said.append(result)
        state = result.state
    return said


def test_a_caller_asking_for_the_texted_code_is_warned_of_codes_and_the_block_still_goes(banking):
    """Customer trial, session 46: the code scam heard the safe-account warning; "so what should I do" heard "I'm not sure
    I understood"; "ok can you just block 9876 then" heard the warning again, and the card was never looked for."""
    first, what, block = _said(en, banking, [
        ("A man phoned saying he's from your security team. He said my card ending 9876 was cloned and he needs me to "
         "read him the code you text me so he can cancel it. Is that normal?", "lost_card", 0.6),
        ("so what should I do, he said he would call back in 10 min", "out_of_scope", 0.5),
        ("ok can you just block 9876 then", "lost_card", 0.95)])
    assert replies(first)[0].startswith("Never share a code we text you")
    assert replies(what) == replies(first)[:1]
    assert "flow_started" in _events(block) and "9876" in replies(block)[-1]


def test_should_i_after_a_warning_hears_it_again(banking):
    first, _, should = _said(en, banking, [
        ("Someone from your fraud department just called me and said my account is compromised and I need to move my "
         "money to a safe account right away. Can you send 1400 dollars to Daniel Brooks?", "transfer_money", 0.9),
        ("they said it's urgent, they're still on the other line", "transfer_money", 0.6),
        ("ok so should I not do it?", "cancel", 0.7)])
    assert replies(should) == replies(first)[:1] and "nothing_to_cancel" not in _events(should)


def test_a_refund_by_wechat_with_the_six_digits_and_screen_sharing_is_warned_of(telecom):
    """Customer trial, session 46: "让我把手机上收到的那6位数字发给他" asked whether it was a complaint, "开个视频会议共享一下屏幕"
    which business."""
    for text in ("你们工作人员刚加了我微信，说我话费多扣了要给我退268块，让我把手机上收到的那6位数字发给他就行，是真的吗",
                 "他还说要我开个视频会议共享一下屏幕，方便他操作退款"):
        result = zh(telecom, start(), text, "投诉", 0.6)
        assert replies(result)[0].startswith("请注意防范诈骗"), text


def test_a_victim_who_transferred_hears_what_to_do_and_again_when_asking(telecom):
    """Customer trial, session 46: "让我往一个账户转了500块" started a complaint; asked again, the safe-account warning came
    instead of the victim's."""
    first, refund, what = _said(zh, telecom, [
        ("我好像被骗了，昨天有个人说是你们营业厅的，让我往一个账户转了500块说是办理套餐优惠，现在联系不上了", "投诉", 0.9),
        ("那这个钱你们能退给我吗？", "办理", 0.6), ("那我该怎么办啊", "帮助", 0.9)])
    assert "110" in replies(first)[0]
    assert replies(refund)[0] == replies(first)[0] and replies(what)[0] == replies(first)[0]


def test_the_current_plan_said_beside_the_wanted_one_is_not_saved_for_the_change(telecom):
    """Customer trial, session 46: "…麻烦帮我查一下账单，另外我现在39的套餐不够用，想换成59的" read back the change with 39
    (the plan the customer has), and "确认" ended it with "现在就是 39 元套餐"."""
    from dataclasses import replace

    from framework.engine import handle_message
    from framework.nlu.interface import IntentScore
    from tests.support.engine_turns import NOW, message

    text = "我是王小明，身份证11010519491231002X，手机13800138000，帮我查一下这个月账单，另外我现在39的套餐不够用，想换成59的"
    also = text.index("另外")

    def model(name, value, span):
        at = text.index(span)
        return Entity(name, value, span, at, at + len(span), "model", 0.99)

    nlu = message(telecom, text, "查询", runner_up=("其他",),
                  entities=(model("name", "王小明", "王小明"), model("plan", "39", "39的套餐"), model("plan", "59", "59"),
                            model("business", "换套餐", "换成")))
    nlu = replace(nlu, also=(IntentScore("办理", 0.98),), also_span=(also, len(text)))
    first = handle_message(telecom, start(), nlu, now=NOW)
    assert "flow_deferred" in _events(first) and first.state.pending_action is not None
    after = done(telecom, first.state, bill_amount=268.45)
    assert "59 元" in replies(after)[-1] and "39 元" not in replies(after)[-1]


def test_own_name_and_id_after_a_noted_plan_take_up_the_refused_opening(telecom):
    """Customer trial, session 46: after "我帮我妈开个新号…" (refused) and "她用39的就够了" (noted), "那行，用我的名字开给她用，我叫
    陈志强，440306198506153219" heard "回答不了"; "开户还是变更套餐？" was asked though the refusal named the opening."""
    text = "那行，用我的名字开给她用，我叫陈志强，440306198506153219"
    said = _said(zh, telecom, [("我帮我妈开个新号，她不太会弄手机，她叫刘芳，身份证320102198808081237", "办理", 1.0),
                               ("她用39的就够了", "提供信息", 1.0)])
    own = zh(telecom, said[-1].state, text, "提供信息", 0.94, entities=_name(text, "陈志强"))
    assert "request_taken_up" in _events(own)
    read_back = replies(own)[-1]
    assert all(part in read_back for part in ("陈志强", "「开户」", "39 元", "440306********3219")), read_back


def test_an_amount_of_another_sentence_is_not_the_vague_requests(banking):
    """Customer trial, session 46: "ugh only 42 bucks. ok I need to send a couple hundred to my sister Emma Smith" read
    back "Send $42.00 to Emma Smith"."""
    text = "ugh only 42 bucks. ok I need to send a couple hundred to my sister Emma Smith"
    at = text.index("Emma Smith")
    result = en(banking, start(), text, "transfer_money",
                entities=(Entity("recipient", "Emma Smith", "Emma Smith", at, at + 10, "model", 0.99),))
    assert result.state.slots.get("amount") is None
    assert replies(result)[-1] == "How much would you like to send?"


def test_the_current_plan_said_in_dialect_is_not_the_wanted_one(telecom):
    """Customer trial, session 46: "老铁，我寻思换个套餐，现在这39的流量嘎嘎不够用啊" read back a change to 39."""
    result = zh(telecom, start(), "老铁，我寻思换个套餐，现在这39的流量嘎嘎不够用啊", "办理")
    assert result.state.slots.get("plan") is None and result.state.slots.get("business") == "换套餐"


def test_asking_whether_a_stopped_change_was_made_hears_that_it_was_not(telecom):
    """Customer trial, session 46: "刚才没给我换吧？" after "算了吧，不换了" heard "没听明白"."""
    said = _said(zh, telecom, [("帮我把套餐换成129的", "办理", 0.99), ("王小明 11010519491231002X", "提供信息", 0.99),
                               ("算了吧，不换了", "取消", 0.99), ("刚才没给我换吧？", "否定", 0.6)])
    assert "flow_cancelled" in _events(said[2])
    assert replies(said[3]) == ["是的，那件事在办理之前就取消了，什么都没有办。"]


def test_should_i_transfer_after_the_safe_account_warning_hears_it_again(telecom):
    """Customer trial, session 46: "我是不是应该转" right after the warning heard "没听明白"."""
    first, should = _said(zh, telecom, [
        ("我接到一个电话说是公安局的，说我身份证被人冒用办了电话卡涉嫌洗钱，让我把钱转到安全账户配合调查", "投诉", 0.7),
        ("他说要保密不能告诉家里人，我现在很害怕，我是不是应该转", "其他", 0.6)])
    # (session 47: a "police" caller hears the warning of its own kind, utter_scam_authority)
    assert replies(first)[0].startswith("这是冒充公检法") and replies(should) == replies(first)[:1]


def test_hmm_actually_wait_at_a_read_back_waits(banking):
    """Customer trial, session 46: "hmm actually wait" at a transfer's read-back heard "I'm not sure I understood"."""
    result = en(banking, _read_back(banking), "hmm actually wait", "cancel", 0.6)
    assert result.state.stack and "fallback" not in _events(result) and "flow_cancelled" not in _events(result)
    assert "not sure I understood" not in " ".join(replies(result))


def test_charged_for_the_new_card_right_after_a_block_is_answered(banking):
    """Customer trial, session 46: "will I get charged for the new card?" right after the block (activate_card 0.72)
    started an activation."""
    state = en(banking, start(), "I lost my card, it ends with 1234", "lost_card").state
    state = done(banking, en(banking, state, "do it", "affirm").state, case_number="LC-40001").state
    result = en(banking, state, "will I get charged for the new card?", "activate_card", 0.72)
    assert replies(result) == ["Blocking a card and its replacement are free."] and not result.state.stack


def test_what_was_charged_after_a_bill_is_where_to_see_the_detail(telecom):
    """Customer trial, session 45: "怎么这么多？都扣了些啥" right after a bill (投诉) started a complaint."""
    state = zh(telecom, start(), "帮我查下13800138000上个月账单", "查询").state
    state = done(telecom, state, bill_amount=240.9).state
    result = zh(telecom, state, "怎么这么多？都扣了些啥", "投诉", 0.8)
    assert not result.state.stack and replies(result)[0].startswith("这里能查账单的总额")


def test_a_misspelt_hundred_is_a_hundred(banking):
    """Customer trial, session 46: "plese i want send 3 hundret dolar to my frend Ahmed Khan tomorow" sent $3.00."""
    from framework.slots.numerals import scan

    assert [q.value for q in scan("3 hundret dolar")] == [300]
    assert [q.value for q in scan("two hunderd dollars and 5 thousend")] == [200, 5000]
    result = en(banking, start(), "send 3 hundret dolar to my brother", "transfer_money")
    assert result.state.slots.get("amount") == {"amount": 300, "currency": "USD"}


def test_hmm_actually_no_with_a_reason_at_a_block_is_the_no(banking):
    """Customer trial, session 46: "hmm actually no, leave it, I'll look at home first" (deny 0.91) heard "I'm not sure I
    understood"; "so it's not blocked, right?" then "I can't answer that here"."""
    asked = en(banking, start(), "I can't find my card, I think I left it somewhere, it's the 7777 one", "lost_card")
    kept = en(banking, asked.state, "hmm actually no, leave it, I'll look at home first", "deny", 0.91)
    assert "denied" in _events(kept) and not kept.state.stack and kept.state.pending_action is None
    asked_again = en(banking, kept.state, "so it's not blocked, right?", "deny", 0.99)
    assert "cancelled_confirmed" in _events(asked_again)


def test_a_no_then_go_ahead_is_no_plain_no(banking):
    from framework.engine.confirm import _no_first

    assert _no_first("hmm actually no, leave it, I'll look at home first", "en")
    assert not _no_first("no, wait, do it", "en") and not _no_first("no, just block it", "en")
    assert not _no_first("yes, no problem", "en") and not _no_first("不，先别", "zh")


def test_a_scam_victim_hears_the_fraud_team_and_again_when_asking_for_the_money(banking):
    """Customer trial, session 46: "I think I've been scammed … I sent her 400 dollars yesterday" started a card block,
    and "can you get it back?" heard "I can't answer that here"."""
    first, back = _said(en, banking, [
        ("I think I've been scammed. Someone pretending to be my daughter on WhatsApp asked for money and I sent her 400 "
         "dollars yesterday from my account", "lost_card", 0.8),
        ("can you get it back?", "out_of_scope", 0.6)])
    assert replies(first)[0].startswith("I'm sorry this happened.") and not first.state.stack
    assert replies(back) == replies(first)[:1]


def test_is_this_safe_and_a_yes_after_the_new_number_warning_hear_it_again(banking):
    """Customer trial, session 46: "is this safe?" right after the warning heard "Yes: I never ask for your PIN…" and
    "ok yes send it" "Is there anything else I can help you with?"."""
    first, safe, yes = _said(en, banking, [
        ("hi my son texted me from a new number, he lost his phone and needs 900 for rent today, can you send it to the "
         "account he gave me", "transfer_money", 0.9),
        ("is this safe?", "out_of_scope", 0.6), ("ok yes send it", "affirm", 0.95)])
    assert replies(safe) == replies(first)[:1] and replies(yes) == replies(first)[:1]


def test_the_plan_said_as_what_the_customer_pays_now_is_not_the_change(telecom):
    """Customer trial, session 46: "…我那个套餐一个月三十九，老是不够用…我想换个大点的" read back a change to 39, and "对对对"
    ended it with "现在就是 39 元套餐"."""
    text = "喂，您好，我是王小明啊，今年七十多了，我那个套餐一个月三十九，老是不够用，上个月流量用超了，我想换个大点的"
    result = zh(telecom, start(), text, "办理")
    assert result.state.slots.get("plan") is None and result.state.slots.get("business") == "换套餐"


def test_a_code_already_given_and_a_screen_being_shared_hear_what_to_do_now(telecom):
    """Customer trial, session 46: "我已经告诉他一个验证码了怎么办" and "我已经共享了…我手机现在还连着" after the warning heard
    only "短信验证码不要告诉任何人"; "他知道我叫什么住哪，真的不是你们吗" heard "回答不了"."""
    first, given = _said(zh, telecom, [
        ("刚才有个自称你们客服的打电话给我，说我的号码涉嫌违规要停机，让我把收到的验证码告诉他", "投诉", 0.7),
        ("我已经告诉他一个验证码了怎么办", "其他", 0.6)])
    assert replies(first)[0].startswith("请注意防范诈骗") and replies(given)[0].startswith("验证码已经给出去的话")
    first, shared, really = _said(zh, telecom, [
        ("你好，刚才有个自称电信客服的说我开通了百万保障，不关闭每月扣500，让我下载个会议软件共享屏幕帮我关", "投诉", 0.7),
        ("我已经共享了，他让我打开银行APP，我手机现在还连着", "其他", 0.6),
        ("他知道我叫什么住哪，真的不是你们吗", "其他", 0.6)])
    assert replies(shared)[0].startswith("请马上挂断电话、结束屏幕共享") and replies(really) == replies(shared)[:1]


def test_a_balance_asked_after_a_scam_warning_is_looked_up(telecom):
    """Customer trial, session 46: "那我的话费到底有没有多交，你帮我查查，13800138000" after the refund-scam warning heard the
    warning four times."""
    _, asked = _said(zh, telecom, [
        ("今天来了个电话，说是电信的，说我去年多交了话费要给我退款三百多块，要我把收到的验证码念给他，你们是不是真的要退我钱啊",
         "查询", 0.8),
        ("那我的话费到底有没有多交，你帮我查查，13800138000", "查询", 0.95)])
    assert "warned" not in _events(asked) and asked.state.stack


def test_a_plan_question_at_the_read_back_is_about_that_plan_and_not_done_yet_is_said(telecom):
    """Customer trial, session 46: "129一个月有多少流量啊" at a change's read-back asked which plan (129 read as inside a
    number), and "刚才那个没办成吧？" heard "这个问题我在这里回答不了"."""
    text = "换套餐，王小明 11010519491231002X 换129的"
    state = zh(telecom, start(), text, "办理", entities=_name(text, "王小明")).state
    assert state.stack[-1].waiting_for == "confirm"
    asked = zh(telecom, state, "129一个月有多少流量啊", "咨询", 1.0)
    assert replies(asked)[0].startswith("129元不限量融合套餐")
    not_yet = zh(telecom, state, "刚才那个没办成吧？", "取消", 0.97)
    assert replies(not_yet)[0] == "还没有办理：您确认之后才会办。" and not_yet.state.stack


@pytest.mark.parametrize("text", ["tank you very much", "thnx", "多谢喔"])
def test_misspelt_and_dialect_thanks_are_thanks(text):
    """Customer trials, session 46: "tank you very much" after an activation heard the help menu; "多谢喔" (Hokkien) at a
    question asked whether to stop."""
    from framework.engine.stop_question import thanks_only

    assert thanks_only(text)


def test_misspelt_thanks_after_a_balance_is_a_goodbye(banking):
    state = en(banking, start(), "what's the balance on 1234", "check_balance").state
    state = done(banking, state, balance=42.35).state
    result = en(banking, state, "tank you very much", "help", 0.9)
    assert replies(result) == ["Thanks for chatting. Have a great day!"]


def test_a_doubt_after_the_new_number_warning_hears_it_again(banking):
    """Customer trial, session 46: "he really sounded like him in the text though" after the warning heard "I'm not sure
    I understood"."""
    first, doubt = _said(en, banking, [
        ("hi, my son texted me from a new number, he lost his phone and needs 800 dollars for rent today", "transfer_money",
         0.9), ("he really sounded like him in the text though", "out_of_scope", 0.6)])
    assert replies(doubt) == replies(first)[:1]


def test_the_romance_scam_is_warned_of(banking):
    """Customer trial, session 46: "…my boyfriend Lucas Ferreira, we met online a few months ago and he's stuck abroad …
    I haven't met him in person yet…" sent $900."""
    text = ("I need to send $900 to my boyfriend Lucas Ferreira, we met online a few months ago and he's stuck abroad and "
            "needs money for a flight home. I haven't met him in person yet but he promises he'll pay me back")
    result = en(banking, start(), text, "transfer_money", 0.99)
    assert replies(result)[0].startswith("Please be careful: someone you have only met online") and not result.state.stack


def test_which_day_is_that_at_a_read_back_keeps_the_day(banking):
    """Customer trial, session 46: "wait which monday is that" at "Send $1,000.00 … on Monday 14 December?" moved the
    transfer to today."""
    state = _read_back(banking)
    dated = en(banking, state, "make it next monday", "inform").state
    assert dated.slots.get("date") == "2026-12-07"  # (NOW is Wednesday 2 December: next Monday is the 7th)
    asked = en(banking, dated, "wait which monday is that", "inform", 0.8)
    assert asked.state.slots.get("date") == "2026-12-07" and "entity_ignored" in _events(asked)


def test_a_name_with_a_particle_is_one_name():
    """Customer trial, session 46: "Pay Siobhan Ní Bhriain $325.50" paid "Bhriain"."""
    from framework.nlu.tagging import Span, join_name_particles

    text = "Pay Siobhan Ní Bhriain $325.50 and Anke van der Berg"
    spans = [Span("recipient", 4, 11), Span("recipient", 15, 22), Span("recipient", 35, 39), Span("recipient", 48, 52)]
    assert [(s.start, s.end) for s in join_name_particles(text, spans)] == [(4, 22), (35, 52)]


def test_the_speaker_is_not_the_payee_of_a_later_request(banking):
    """Customer trial, session 46: "Hi, I'm Maria Garcia. … activate it, then tell me what's on it and send $60 to Jo
    O'Brien on the 15th?" sent the $60 to Maria Garcia."""
    from framework.engine.slot_filling import said_by_the_speaker

    text = "Hi, I'm Maria Garcia. Send $60 to Jo O'Brien"
    at = text.index("Maria")
    assert said_by_the_speaker(text, Entity("recipient", "Maria Garcia", "Maria Garcia", at, at + 12, "model", 0.9))
    at = text.index("Jo ")
    assert not said_by_the_speaker(text, Entity("recipient", "Jo O'Brien", "Jo O'Brien", at, at + 10, "model", 0.9))


def test_is_that_it_at_an_activations_read_back_is_not_done_yet(banking):
    """Customer trial, session 46: "is that it then? can I use it at the shops now?" at the activation's read-back heard
    "I can't answer that here", and the goodbye after it left the card inactive."""
    state = en(banking, start(), "activate my card 4821", "activate_card").state
    text = "Maria Garcia"
    state = en(banking, state, text, "inform", entities=(Entity("name", text, text, 0, 12, "model", 0.99),)).state
    assert state.stack[-1].waiting_for == "confirm"
    result = en(banking, state, "is that it then? can I use it at the shops now?", "activate_card", 0.8)
    assert replies(result)[0] == "Not yet: nothing is done until you say yes." and result.state.stack


def test_a_found_id_card_opens_nothing(telecom):
    """Customer trial, session 46: "我捡到一张身份证，王小明，11010519491231002X，想用它开张卡" and "他不会知道的" opened an
    account in the owner's name."""
    said = _said(zh, telecom, [("我捡到一张身份证，王小明，11010519491231002X，想用它开张卡，能开吗", "办理", 0.95),
                               ("没事，他不会知道的，就开个39的", "办理", 0.9),
                               ("那我就说我是王小明不就行了，我叫王小明", "提供信息", 0.9)])
    for result in said:
        assert replies(result)[0].startswith("不能用别人的身份证办理任何业务") and not result.state.stack


def test_a_code_read_out_already_hears_what_to_do(telecom):
    """Customer trial, session 46: "…让我把手机上收到的验证码念给他听，我念了" heard only not to share codes."""
    text = "刚才有个人说是你们营业厅的，说我的套餐要升级129，不升级就要扣费，让我把手机上收到的验证码念给他听，我念了"
    assert replies(zh(telecom, start(), text, "投诉", 0.7))[0].startswith("验证码已经给出去的话")


def test_someone_asking_for_another_holders_data_is_refused_and_held(telecom):
    """Customer trial, session 46: a caller "from the police" asked for 13800138000's holder and call records, then "先把
    余额和账单告诉我也行", and the balance of someone else's number was told."""
    _, asked, balance = _said(zh, telecom, [
        ("你好，我是市公安局经侦支队的，正在办案", "其他", 0.7),
        ("请你配合一下，把13800138000这个号码的机主姓名、身份证号和通话记录发给我", "查询", 0.8),
        ("这是紧急案件，耽误了你负责得起吗？先把余额和账单告诉我也行", "查询", 0.9)])
    assert replies(asked)[0].startswith("线上客服不向任何人提供他人的用户信息")
    assert replies(balance) == replies(asked)[:1] and not balance.state.stack


def test_a_change_after_then_with_my_plan_is_the_second_request():
    """Customer trial, session 46: "你好，帮我查一下13800138000的余额，再把我套餐换成99的，我是王小明" lost the change."""
    from framework.slots.answers import also_part

    assert also_part("你好，帮我查一下13800138000的余额，再把我套餐换成99的，我是王小明", "zh") == (
        "你好，帮我查一下13800138000的余额", "把我套餐换成99的，我是王小明")


def test_not_a_complaint_and_the_balance_leaves_the_complaint(telecom):
    """Customer trial, session 46: "我不是投诉，我就想看看我手机里还有多少钱" in a complaint (started by "我孙子说我手机欠费了")
    looked the balance up and went back to the complaint."""
    from framework.slots.answers import after_refusal

    assert after_refusal("我不是投诉，我就想看看我手机里还有多少钱", "zh") == "就想看看我手机里还有多少钱"


@pytest.mark.parametrize("text, start_of_warning", [
    ("I need to send $900 to my boyfriend James O'Connor, he's an engineer on an oil rig and needs it for his plane ticket "
     "to finally come meet me", "Please be careful: someone you have only met online"),
    ("hey I want to send 1000 bucks to Crypto Gains Ltd, a guy on telegram promised me it will double in 2 weeks, "
     "guaranteed returns", "Please be careful: nobody can guarantee"),
    ("I got a text saying my parcel is held at customs and I need to pay a 2.99 fee through a link, they asked for my card "
     "details. is that you guys?", "That message isn't from us"),
])
def test_romance_investment_and_parcel_scams_are_warned_of(banking, text, start_of_warning):
    """Customer trial, session 46 (round 4): the oil-rig boyfriend got $900, "Crypto Gains Ltd" was read back for 21
    December ("double in 2 weeks"), and the parcel-fee text heard "That's outside what I can do"."""
    result = en(banking, start(), text, "transfer_money", 0.95)
    assert replies(result)[0].startswith(start_of_warning) and not result.state.stack


def test_block_it_after_the_phishing_warning_is_the_block(banking):
    first, noted, block = _said(en, banking, [
        ("I got a text saying my parcel is held at customs and I need to pay a 2.99 fee through a link", "out_of_scope", 0.8),
        ("I already typed in my card number 7777 and the expiry date on their site", "inform", 0.6),
        ("yes please block it", "lost_card", 0.9)])
    # (session 47: the card named right after the warning is read back for its block at once, `then: lost_card`; the yes
    # blocks it)
    assert "7777" in replies(noted)[-1] and "action_requested" in _events(block)


def test_the_demo_bank_reads_a_name_with_its_accents_as_the_holders():
    """Customer trial, session 46 (round 4): "María García" was refused for Maria Garcia's card."""
    import importlib.util

    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location("_banking_backend_s46", ROOT / "domains" / "banking_en" / "backend.py")
    backend = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(backend)
    assert backend._same_name("María García", "Maria Garcia") and not backend._same_name("Marie Garcia", "Maria Garcia")


def test_just_to_be_sure_it_did_not_go_out_after_a_cancel(banking):
    """Customer trial, session 46 (round 4): "just to be sure, the 700 didn't go out right?" after "scrap that" heard "I'm
    not sure I understood"."""
    state = en(banking, _read_back(banking), "actually nah, scrap that, I'll pay him in cash", "cancel", 0.95).state
    assert not state.stack
    asked = en(banking, state, "just to be sure, the 50 didn't go out right?", "out_of_scope", 0.6)
    assert "cancelled_confirmed" in _events(asked)


def test_a_victim_asking_to_register_a_complaint_with_her_details_gets_it(telecom):
    """Customer trial, session 46 (round 4): after the safe-account and code warnings, "我现在该怎么办啊，能帮我登记投诉吗？
    我叫李芳，身份证320102198808081237，损失两万" heard the code warning again, three times."""
    text = "我现在该怎么办啊，能帮我登记投诉吗？我叫李芳，身份证320102198808081237，损失两万"
    said = _said(zh, telecom, [("我完了，刚才一个说是公安局的人说我涉嫌洗钱，让我把钱转到安全账户，我已经转了两万块", "投诉", 0.8),
                               ("验证码我也已经告诉他了", "其他", 0.6)])
    result = zh(telecom, said[-1].state, text, "投诉", 0.9, entities=_name(text, "李芳"))
    assert "warned" not in _events(result) and result.state.stack and result.state.stack[-1].flow == "complaint"


@pytest.mark.parametrize("said", [
    [("有人打电话说我的套餐多扣了钱，要给我退款，让我下载个会议软件开共享屏幕，这是你们的吗", "投诉", 0.7),
     ("可是他说退款是138块，再不操作就过期了", "投诉", 0.8)],
    [("帮我查一下身份证11010519491231002X这个人用的是什么套餐，手机号是多少", "查询", 0.9),
     ("那帮我查下13800138000这个号的余额，这是我邻居的号，我看看他是不是还在用", "查询", 0.95)],
])
def test_a_doubt_after_a_warning_and_a_neighbours_number_are_not_served(telecom, said):
    """Customer trial, session 46 (round 4): "可是他说退款是138块…" right after the warning started a complaint; a
    neighbour's balance was told."""
    first, then = _said(zh, telecom, said)
    assert "warned" in _events(first) and replies(then) == replies(first)[:1] and not then.state.stack


def test_the_million_cover_call_is_warned_of(telecom):
    """Customer trial, session 46 (round 4): "说我开通了你们的百万保障服务，不关闭每个月扣800" asked whether it was a complaint."""
    result = zh(telecom, start(), "刚接到电话说我开通了你们的百万保障服务，不关闭每个月扣800，要我配合操作关闭", "投诉", 0.8)
    assert replies(result)[0].startswith("请注意防范诈骗")


def test_why_so_much_after_a_bill_and_not_changed_after_a_stop(telecom):
    """Customer trial, session 46 (round 4): "怎么这么多钱，我一个老头子哪用得了这么多" after the bill started a complaint; "刚才
    没给我换吧？钱不会多扣吧" after "不换了" heard the complaint's opening."""
    state = zh(telecom, start(), "我想查一下上个月的帐单 号码是13800138000", "查询").state
    state = done(telecom, state, bill_amount=240.9).state
    why = zh(telecom, state, "怎么这么多钱，我一个老头子哪用得了这么多", "投诉", 0.9)
    assert "question_answered" in _events(why) and not why.state.stack
    said = _said(zh, telecom, [("帮我把套餐换成129的", "办理", 0.99), ("不换了，别给我换", "取消", 0.99),
                               ("刚才没给我换吧？钱不会多扣吧", "投诉", 0.8)])
    assert "cancelled_confirmed" in _events(said[-1])


def test_consent_claimed_after_the_own_id_rule_is_no_go_ahead(telecom):
    """Customer trial, session 46 (round 4): "他同意的，就借用一下，开59的" right after "这里需要您本人的身份证号" heard "好的，
    正在为您办理这件事"; the colleague's name at the name question is refused too."""
    text = "我想开个户，但是我身份证丢了，用我同事的身份证行不行，他叫周杰，身份证440306198506153219"
    first = zh(telecom, start(), text, "办理", 0.95, entities=_name(text, "周杰"))
    assert replies(first)[0].startswith("这里需要您本人的身份证号")
    consent = zh(telecom, first.state, "他同意的，就借用一下，开59的", "办理", 0.9)
    assert replies(consent)[0].startswith("这里需要您本人的") and "value_not_own" in _events(consent)
    named = zh(telecom, consent.state, "周杰", "提供信息", entities=_name("周杰", "周杰"))
    assert named.state.slots.get("name") is None


def test_shanghainese_was_it_changed_is_an_outcome_question():
    from framework.engine.outcome import asks_about_outcome

    assert asks_about_outcome("刚刚迭个到底换脱了伐？", "zh")


@pytest.mark.parametrize("text, start_of_warning", [
    ("hi so i sold my sofa on marketplace and the buyer accidentally sent me 900 instead of 400, he asked me to send the "
     "extra 500 back to his mover, Dale Price, today so they can pick it up", "Please be careful: \"I paid you too much"),
    ("Hello, I need to send 1000 dollars to Kevin Lam. He is my investment adviser from WhatsApp, my crypto account has "
     "grown to 40,000 but the platform says I must pay a 1000 withdrawal tax first before they release it",
     "Please be careful: nobody can guarantee"),
])
def test_overpayment_and_withdrawal_tax_scams_are_warned_of(banking, text, start_of_warning):
    """Customer trial, session 46 (round 5): $500 went to a buyer's "mover" and $1,000 to a WhatsApp "adviser"."""
    result = en(banking, start(), text, "transfer_money", 0.99)
    assert replies(result)[0].startswith(start_of_warning) and not result.state.stack


def test_is_this_safe_at_a_transfers_read_back_is_not_about_the_chat(banking):
    """Customer trial, session 46 (round 5): "Is this safe? He seems very professional" at a transfer's read-back heard
    "Yes: I never ask for your full card number…"."""
    result = en(banking, _read_back(banking), "Is this safe? He seems very professional", "out_of_scope", 0.6)
    assert replies(result)[0].startswith("A transfer can't be called back once it's sent")
    chat = en(banking, _read_back(banking), "wait, is it safe to do this over chat?", "out_of_scope", 0.6)
    assert replies(chat)[0].startswith("Yes: I never ask for your full card number")


def test_did_that_go_out_today_after_a_goodbye_is_answered(banking):
    """Customer trial, session 46 (round 5): "oh wait, one more thing, did that go out today or is it on the 1st? I don't
    want to pay her early" after "thanks, bye" started a new transfer."""
    from framework.engine.outcome import asks_about_outcome

    text = "oh wait, one more thing, did that go out today or is it on the 1st? I don't want to pay her early"
    assert asks_about_outcome(text, "en")
    assert not asks_about_outcome("did it go through? also send 50 to Tom", "en")


def test_cards_opened_for_someone_who_pays_are_refused(telecom):
    """Customer trial, session 46 (round 5): someone paying the customer to open a card for him went on to the opening."""
    result = zh(telecom, start(), "有人说给我200块，让我用我的身份证办张卡给他，我想开个户", "办理", 0.95)
    assert replies(result)[0].startswith("不能用自己的身份证替别人办卡") and not result.state.stack


def test_should_i_go_along_after_the_screen_warning_hears_it_again(telecom):
    """Customer trial, session 46 (round 5): "他报了工号，我要不要配合" after the warning heard "回答不了"."""
    first, asked = _said(zh, telecom, [("有个自称客服的让我下载会议软件共享屏幕，还要我报验证码", "投诉", 0.7),
                                       ("他报了工号，我要不要配合", "其他", 0.6)])
    assert replies(first)[0].startswith("请注意防范诈骗") and replies(asked) == replies(first)[:1]
