"""Session 47: what customer trials and hand tries found, each with the message that found it."""
from __future__ import annotations

import pytest

from framework.nlu.interface import Entity  # noqa: F401 (used by later tests)
from tests.support.engine_turns import done, replies, start, turns  # noqa: F401
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


@pytest.mark.parametrize("text, plan", [("我想从三十九的换到五十九的", "59"), ("套餐从59降到39", "39"),
                                        ("我那个套餐从39的升级到129的", "129"), ("从五十九调成九十九的", "99")])
def test_a_move_from_one_plan_to_another_takes_the_second(telecom, text, plan):
    """Hand try, session 46: "从三十九的换到五十九的" asked which of the two plans (换到 was no move's word)."""
    result = zh(telecom, start(), text, "办理")
    assert result.state.slots.get("plan") == plan, text
    assert "values_ambiguous" not in _events(result)


def test_asking_which_plan_was_just_changed_to_hears_the_change_again(telecom):
    """Hand try, session 46: "刚才办的是多少的来着" right after a plan change asked 余额还是账单."""
    said = [("我要换套餐，换59的", "办理"), ("王小明", "提供信息"), ("11010519491231002X", "提供信息"), ("确认", "肯定")]
    state = done(telecom, _through(zh, telecom, said).state).state
    for text in ("刚才办的是多少的来着", "刚刚换的是几块的？"):
        result = zh(telecom, state, text, "查询")
        assert "outcome_said_again" in _events(result), text
        assert "59" in " ".join(replies(result))


def _model(name, value, text, message):
    at = message.index(text)
    return Entity(name, value, text, at, at + len(text), "model", 0.99)


_TO_TOM = "I want to send 300 dollars to Tom Baker on the 15th"


def _transfer_read_back(banking, message=_TO_TOM, payee="Tom Baker"):
    result = en(banking, start(), message, "transfer_money", entities=(_model("recipient", payee, payee, message),))
    assert replies(result)[-1].startswith("Send $")
    return result.state


@pytest.mark.parametrize("text, changed", [
    ("actually make it the 20th, payday is the 18th", "20 December"),
    ("actually make it 50, she owes me 20 anyway", "$50.00"),
    ("actually make it friday, no, saturday", "Saturday"),
    ("oops make it 60. no wait 70", "$70.00"),
])
def test_a_corrected_value_with_a_reason_after_it_keeps_the_corrected_one(banking, text, changed):
    """Customer trial, session 47: "actually make it the 20th, payday is the 18th" at a read-back of the 15th moved the
    transfer to the 18th, and "perfect, do it" sent it then."""
    result = en(banking, _transfer_read_back(banking), text, "inform")
    assert changed in replies(result)[-1], replies(result)


@pytest.mark.parametrize("text, start_of_warning", [
    ("Hello dear. My grandson Kevin called me this morning crying, he was in a car accident abroad and is in jail. His "
     "lawyer Mr. Daniel Hughes needs 1200 dollars for bail today and Kevin begged me not to tell his parents. Can you send "
     "the money to the lawyer please", "Please stop before sending anything"),
    ("I got this email, can you pay it for me? --- From: billing@netflix-accounts-support.com Subject: Your membership is "
     "on hold. Dear Customer, we were unable to process your last payment. To avoid suspension of your account, please "
     "send $89.99 to our billing partner Global Pay Services within 24 hours. Reference: NFX-22871. Thank you, The "
     "Netflix Team", "That message isn't from us"),
    ("I met someone wonderful online 3 months ago, we've never met in person yet but he's finally coming to visit! he "
     "just needs help with the plane ticket because his bank account is frozen while he works on the oil rig. can you "
     "send 900 to Anthony Rossi today", "Please be careful: someone you have only met online"),
])
def test_grandparent_phishing_email_and_romance_scams_are_warned_of(banking, text, start_of_warning):
    """Customer trial, session 47: $1,200 "bail" went to Kevin, a pasted Netflix email was paid to "NFX", and the oil-rig
    boyfriend met online got $900; none heard a warning."""
    result = en(banking, start(), text, "transfer_money", 0.95)
    assert replies(result)[0].startswith(start_of_warning) and not result.state.stack


def test_a_pasted_bank_alert_asked_about_is_warned_of_not_blocked(banking):
    """Customer trial, session 47: a pasted "verify your details … give the code we send you" text about card 1234, and "is
    this from you guys? should I call them?", offered to block 1234."""
    text = ("got this text just now: 'BANK ALERT: Unusual activity on your card ending 1234. To keep your card active "
            "verify your details at secure-bank-verify.co or call 1-800-555-0199 and give the code we send you.' is this "
            "from you guys? should I call them?")
    result = en(banking, start(), text, "lost_card", 0.95)
    assert replies(result)[0].startswith("That message isn't from us") and not result.state.stack


@pytest.mark.parametrize("text", ["send 50 to my son Tom for his birthday", "I want to send 300 to my nephew, he got a new job",
                                  "send 100 to my daughter, she's buying her school books"])
def test_family_payments_are_not_taken_for_scams(banking, text):
    result = en(banking, start(), text, "transfer_money", 0.95)
    assert "request_not_served" not in _events(result) and result.state.stack


@pytest.mark.parametrize("text", ["oh wait actually one more thing", "I have another question", "can I ask you something?",
                                  "also one more thing"])
def test_one_more_thing_after_a_goodbye_is_asked_for(banking, text):
    """Customer trial, session 47: "oh wait actually one more thing" right after a goodbye heard "I'm not sure I
    understood"."""
    state = _through(en, banking, [("ok thanks, bye", "goodbye")]).state
    result = en(banking, state, text, "out_of_scope", 0.6)
    assert replies(result) == ["Sure, go ahead: what else can I do for you?"]


@pytest.mark.parametrize("text", ["对了还有一件事", "我还有个问题", "哦对了，我还想问个事", "等等，还有一件事要麻烦你"])
def test_one_more_thing_in_chinese_is_asked_for(telecom, text):
    result = zh(telecom, start(), text, "其他", 0.6)
    assert replies(result) == ["好的，您请说，还需要办什么？"]


@pytest.mark.parametrize("text", ["one more thing", "I have one more question", "two more questions"])
def test_one_more_thing_at_the_amount_question_is_no_amount(banking, text):
    """Hand try, session 47: "one more thing" at "How much would you like to send?" was read as $1."""
    state = _through(en, banking, [("I want to send money", "transfer_money")]).state
    result = en(banking, state, text, "out_of_scope", 0.6)
    assert result.state.slots.get("amount") is None


def test_anything_else_to_do_after_a_balance_is_not_told_of_a_block(banking):
    """Customer trial, session 47: "great, anything else I need to do?" after a balance and a transfer heard "You're all
    set: the card is blocked and the new one is on its way"."""
    state = done(banking, _through(en, banking, [("what's the balance on 1234", "check_balance")]).state,
                 balance=42.35).state
    result = en(banking, state, "great, anything else I need to do?", "out_of_scope", 0.6)
    assert replies(result) == ["That's all: nothing more is needed from you. Is there anything else I can help you with?"]
    blocked = done(banking, _through(en, banking, [("I lost my card 1234", "lost_card"), ("yes", "affirm")]).state).state
    after_block = en(banking, blocked, "do I need to do anything else?", "out_of_scope", 0.6)
    assert replies(after_block)[0].startswith("You're all set: the card is blocked")


def test_a_name_spelt_anew_at_the_read_back_changes_that_word(banking):
    """Customer trial, session 47: "oops its Johnson with an h" at "Send $150.00 to Sarah Jonson …?" offered to stop, and
    "and make it two hundred fifty instead, she's covering dinner too" then started a second transfer after the first."""
    message = "send 150 to Sarah Jonson on friday"
    state = _transfer_read_back(banking, message, "Sarah Jonson")
    spelt = en(banking, state, "oops its Johnson with an h", "goodbye", 0.84)
    assert replies(spelt)[-1].startswith("Send $150.00 to Sarah Johnson")
    changed = en(banking, spelt.state, "and make it two hundred fifty instead, she's covering dinner too", "inform")
    assert replies(changed)[-1].startswith("Send $250.00 to Sarah Johnson")
    assert "utter_one_at_a_time" not in str(replies(changed)) and "value_not_taken" not in _events(changed)


def test_who_the_payee_is_beside_the_name_keeps_the_name(banking):
    """Customer trial, session 47: "can you send 40 to John Smith tomorrow, it's my son" was read back and sent "to my
    son"."""
    message = "can you send 40 to John Smith tomorrow, it's my son"
    result = en(banking, start(), message, "transfer_money", entities=(
        _model("recipient", "John Smith", "John Smith", message), _model("recipient", "my son", "my son", message)))
    assert replies(result)[-1].startswith("Send $40.00 to John Smith")


@pytest.mark.parametrize("text", [
    "【中国移动】尊敬的客户，您的积分即将清零，请点击 http://10086-jf.cn/dh 兑换现金红包，逾期作废。",
    "您好，【XX银行】您尾号6621的信用卡积分可兑换话费100元，回复短信验证码即可办理。这个能帮我兑换成话费吗",
    "那我点了链接填了银行卡号咋办",
])
def test_points_and_red_packet_texts_are_warned_of(telecom, text):
    """Customer trial, session 47: a pasted points-expiry text with a link heard "暂时回答不了" three times, and a "reply
    with the code to swap points for credit" text started an opening's questions."""
    result = zh(telecom, start(), text, "办理", 0.95)
    assert replies(result)[0].startswith("这条短信很可能是诈骗") and not result.state.stack


def test_the_holder_handed_the_phone_gives_her_own_name(telecom):
    """Customer trial, session 47: after "帮我妈办换套餐，她叫王小明…" (refused), "我妈就在我旁边，手机给她了" and "我是王小明，换九十九的"
    asked the name again, and the holder was read back as "王小明本人"."""
    first = "我帮我妈办换套餐，她叫王小明，身份证11010519491231002X，换成九十九的"
    said = [(first, "办理", (_model("name", "王小明", "王小明", first),)), ("我妈就在我旁边，手机给她了", "其他", ())]
    state = start()
    for text, intent, entities in said:
        state = zh(telecom, state, text, intent, entities=entities).state
    own = "我是王小明，换九十九的"
    result = zh(telecom, state, own, "办理", entities=(_model("name", "王小明", "王小明", own),))
    assert result.state.slots.get("name") == "王小明", replies(result)
    assert replies(result)[-1].startswith("请输入本人身份证号") or replies(result)[-1].startswith("请提供您的 18 位身份证号码")


def test_the_last_digits_of_an_id_alone_ask_for_the_whole_number(telecom):
    """Customer trial, session 47: "不对不对，身份证后四位是1237，我说错了" at the ID question asked again after an invalid number
    offered to stop the opening (否定 1.00)."""
    said = [("我要开个户，办九十九的", "办理"), ("孙悦", "提供信息"), ("320102198808081273", "提供信息")]
    state = _through(zh, telecom, said).state
    result = zh(telecom, state, "不对不对，身份证后四位是1237，我说错了", "否定", 1.0)
    assert replies(result) == ["好的，后几位是 1237。请把完整的身份证号再发我一次，我需要全部的号码。"]
    assert result.state.stack and "tail_only" in _events(result)


def test_a_surprised_lead_before_the_request_again_changes_the_plan(telecom):
    """Customer trial, session 47: "啊？我是要开户啊，五十九的" at an opening's read-back of 99 heard "套餐还是 99，没有变"."""
    said = [("我要开个户，办九十九的", "办理"), ("孙悦", "提供信息"), ("320102198808081237", "提供信息")]
    state = _through(zh, telecom, said).state
    result = zh(telecom, state, "啊？我是要开户啊，五十九的", "办理")
    assert "套餐 59 元/月" in replies(result)[-1]


def test_a_cheaper_one_at_an_openings_question_keeps_the_opening(telecom):
    """Customer trial, session 47: "算了还是换成便宜点的吧" at an opening's ID question turned it into a plan change."""
    said = [("我要开个户，办九十九的", "办理"), ("孙悦", "提供信息")]
    state = _through(zh, telecom, said).state
    result = zh(telecom, state, "算了还是换成便宜点的吧", "办理", 0.91)
    assert result.state.slots.get("business") == "开户"


def test_the_most_to_send_in_one_day_is_answered_with_no_flow(banking):
    """Customer trial, session 47: "what's the most I can transfer in one day?" was out of scope ("in one day" read as a
    date for the transfer)."""
    result = en(banking, start(), "Hi there, what's the most I can transfer in one day?", "out_of_scope", 0.6)
    assert replies(result) == ["You can send from $1 up to your daily limit of $2,500, as long as your main account has "
                               "the money."]


def _after_a_transfer(banking):
    message = "send 200 dollars to Rajesh Kumar for friday"
    state = _transfer_read_back(banking, message, "Rajesh Kumar")
    return done(banking, en(banking, state, "yes is correct", "affirm").state, transfer_id="TR-50001").state


def test_how_many_days_right_after_a_transfer_is_answered(banking):
    """Customer trial, session 47: "how many day he receive?" right after a transfer was out of scope."""
    result = en(banking, _after_a_transfer(banking), "how many day he receive?", "out_of_scope", 0.6)
    assert replies(result)[0].startswith("Money sent today usually arrives within minutes")


@pytest.mark.parametrize("text", ["and 2k to Carl Meyer", "and 2000 to Carl Meyer"])
def test_a_bare_amount_before_the_next_payee_is_the_amount(banking, text):
    """Customer trial, session 47: "and 2k to Carl Meyer" right after two transfers asked "How much would you like to
    send?"."""
    result = en(banking, _after_a_transfer(banking), text, "transfer_money",
                entities=(_model("recipient", "Carl Meyer", "Carl Meyer", text),))
    assert replies(result)[-1].startswith("Send $2,000.00 to Carl Meyer")


def test_what_ronghe_means_at_the_plan_question_is_answered(telecom):
    """Customer trial, session 47: "融合是什么意思啊" at the plan question heard "这个问题我在这里回答不了", though the plan list
    names "不限量融合"."""
    said = [("我要开户", "办理"), ("李娜", "提供信息"), ("440306198506153219", "提供信息")]
    state = _through(zh, telecom, said).state
    result = zh(telecom, state, "融合是什么意思啊", "咨询", 0.9)
    assert replies(result)[0].startswith("融合就是手机套餐和家里的宽带合在一起") and replies(result)[-1].startswith("请选择套餐")


def test_what_5g_means_is_answered(telecom):
    result = zh(telecom, start(), "5G是啥意思", "咨询", 0.9)
    assert replies(result)[0].startswith("5G 是第五代移动网络")


def test_how_much_is_left_in_sichuanese_is_the_balance(telecom):
    """Customer trial, session 47: "我要查哈我滴话费还剩好多嘛，号码是…" asked 余额还是账单."""
    result = zh(telecom, start(), "我要查哈我滴话费还剩好多嘛，号码是15812345678", "查询")
    assert result.state.slots.get("query_type") == "余额"


@pytest.mark.parametrize("text, start_of_warning", [
    ("I need to send 980 today to Officer David Miller at the tax office. He called me and said I have unpaid taxes and "
     "there will be a warrant for my arrest by 5pm if I dont pay. please hurry", "Please stop: this sounds like a scam. Tax"),
    ("the IRS called and said I owe back taxes and will be arrested unless I pay 980 today. can you send it to David "
     "Miller", "Please stop: this sounds like a scam. Tax"),
    ("hi, I got hired for a remote data entry job through WhatsApp!! the recruiter says I need to pay a 350 training fee "
     "for the software before I start, refundable after first paycheck. can you send 350 to Priya Sharma today",
     "Please be careful: a real employer"),
    ("my new landlord wants a 600 deposit before he'll show me the apartment, he's abroad right now so can't meet. send "
     "600 to Mark Lewis please", "Please be careful: a seller or landlord"),
])
def test_tax_job_and_rental_scams_are_warned_of(banking, text, start_of_warning):
    """Customer trial, session 47 (round 2): a "tax office" arrest threat, a WhatsApp job's training fee and a deposit
    before any viewing were sent with no warning."""
    result = en(banking, start(), text, "transfer_money", 0.95)
    assert replies(result)[0].startswith(start_of_warning) and not result.state.stack


@pytest.mark.parametrize("text", ["send my landlord the rent, 950 to Greenfield Lettings",
                                  "my landlord lives abroad, send him the rent, 700 to Mark Lewis",
                                  "I need to pay my speeding fine, 100 to City Court"])
def test_ordinary_rent_and_fines_are_not_taken_for_scams(banking, text):
    result = en(banking, start(), text, "transfer_money", 0.95)
    assert "request_not_served" not in _events(result) and result.state.stack


def test_a_scam_named_at_a_transfers_read_back_stops_it(banking):
    """Session 47: a warning is heard while a flow waits too; the transfer it guards ends with nothing sent."""
    state = _transfer_read_back(banking, "send 600 to Mark Lewis", "Mark Lewis")
    result = en(banking, state, "he's my landlord, he wants the deposit before he'll show me the flat", "inform")
    assert replies(result)[0].startswith("Please be careful: a seller or landlord") and not result.state.stack
    assert "flow_cancelled" in _events(result)


def test_the_card_named_right_after_the_phishing_warning_is_offered_a_block(banking):
    """Customer trial, session 47 (round 2): "oh no. I already typed it in for my card ending 7777 about an hour ago" right
    after the phishing warning heard "I'm not sure I understood", and "yes do it" that nothing was done."""
    warned = en(banking, start(), "got a text from 'Royal Parcel Services' saying my package is held and i need to pay a "
                "2.99 redelivery fee, they want my card number and the code on the back. is that legit?", "out_of_scope")
    assert "warned" in _events(warned)
    offered = en(banking, warned.state, "oh no. I already typed it in for my card ending 7777 about an hour ago", "inform",
                 0.5)
    assert replies(offered) == ["I'll block the card ending 7777 and order a replacement. This can't be undone. Go ahead?"]


@pytest.mark.parametrize("text, entities", [("sorry its Kathryn not Katherine", ("its Kathryn",)),
                                            ("oops, Kathryn with a y, not Katherine", ("Kathryn with a y",)),
                                            ("oops typo, Kathryn", ()), ("what? no, Kathryn Johnson", ("Kathryn Johnson",))])
def test_a_first_name_spelt_anew_keeps_the_surname(banking, text, entities):
    """Customer trial, session 47 (round 2): "sorry its Kathryn not Katherine" at a read-back made the payee "its
    Kathryn", "what? no, Kathryn Johnson" heard "I can't answer that here", and $250 went to "its Kathryn"."""
    message = "send 250 to Katherine Johnson on friday, it's for the babysitting"
    state = _transfer_read_back(banking, message, "Katherine Johnson")
    result = en(banking, state, text, "inform", 0.7, entities=tuple(_model("recipient", e, e, text) for e in entities))
    assert replies(result)[-1].startswith("Send $250.00 to Kathryn Johnson"), replies(result)


def test_losing_the_money_on_a_blocked_card_is_answered(banking):
    """Customer trial, session 47 (round 2): "wait will i lose the 880 that was on it? can i move it to the 1234 card?"
    right after a block heard that the card's digits could not be changed."""
    blocked = done(banking, _through(en, banking, [("I lost my card 7777", "lost_card"), ("yes", "affirm")]).state).state
    result = en(banking, blocked, "wait will i lose the 880 that was on it? can i move it to the 1234 card?", "check_balance")
    assert replies(result)[0].startswith("Your money is safe")


def test_did_it_go_through_after_a_warning_is_not_told_of_a_block(banking):
    """Customer trial, session 47 (round 2): "wait, did it go through already?" heard "No, the card isn't blocked yet"
    (the block's own answer) with no block under way."""
    warned = en(banking, start(), "my new landlord wants a 600 deposit before he'll show me the apartment. send 600 to "
                "Mark Lewis", "transfer_money")
    result = en(banking, warned.state, "wait, did it go through already? why are you asking again", "affirm", 0.9)
    assert not any("isn't blocked" in r for r in replies(result))


@pytest.mark.parametrize("text, start_of_warning", [
    ("刚接到个电话，说是顺丰的，我的快递丢了要给我理赔300块，让我加他微信然后开通什么备用金，说要验证码。这个靠谱吗", "这是冒充快递"),
    ("问一下，我在网上找了个刷单兼职，说是日结300，但是要先交680的培训费，还要我办张你们的新卡专门用来接单，办卡要多少钱啊", "刷单"),
    ("刚才有个自称京东金融客服的人打电话，说我大学时候开了校园贷，现在国家要求注销，不注销会影响征信，让我把钱转到他们指定账户走流水。"
     "我号码是15011112222，你们能帮我看下是不是真的吗", "这是冒充金融平台客服"),
    ("我们王总刚加我微信，说在开会不方便接电话，让我先给一个供应商转8万块，等会儿他报销。他还让我帮他充200话费到13566667777，你们能直接充吗",
     "这很可能是冒充领导的诈骗"),
    ("收到一条短信说我的号码13912345678存在异常，24小时内将被停机，让我点链接重新实名认证，还要填银行卡号。是你们发的吗",
     "这条短信很可能是诈骗"),
])
def test_courier_job_loan_boss_and_fake_operator_scams_are_warned_of(telecom, text, start_of_warning):
    """Customer trial, session 47 (round 2): none of these heard a warning (the plans' menu, the shop list, how to top
    up, "超出我的服务范围")."""
    result = zh(telecom, start(), text, "其他", 0.9)
    assert replies(result)[0].startswith(start_of_warning) and not result.state.stack


def test_a_code_given_said_at_a_flows_question_is_warned_of(telecom):
    """Customer trial, session 47 (round 2): "那我已经把验证码给他了怎么办" at the plans' question heard "回答不了"."""
    state = zh(telecom, start(), "59的套餐多少钱", "咨询").state
    result = zh(telecom, state, "那我已经把验证码给他了怎么办", "其他")
    assert replies(result)[0].startswith("验证码已经给出去的话") and result.state.stack


def test_the_last_two_digits_corrected_after_a_balance_ask_the_number_again(telecom):
    """Customer trial, session 47 (round 2): "sorry打错了，最后两位是78不是87" after a balance heard "没听明白", and the
    next bill was the mistyped number's."""
    state = done(telecom, zh(telecom, start(), "hi，帮我check一下balance，号码13912345687", "查询").state,
                 balance=267.17).state
    result = zh(telecom, state, "sorry打错了，最后两位是78不是87", "否定")
    assert replies(result) == ["请提供要查询的手机号码。"]


def test_the_given_name_said_again_keeps_the_surname(telecom):
    """Customer trial, session 47 (round 2): "哦打错了，是小明，大小的小" at an opening's read-back of 王晓明 renamed the customer
    "小明"."""
    said = [("换套餐，换129的", "办理"), ("王晓明", "提供信息"), ("11010519491231002X", "提供信息")]
    state = start()
    for text, intent in said:
        ents = (_model("name", text, text, text),) if text == "王晓明" else ()
        state = zh(telecom, state, text, intent, entities=ents).state
    text = "哦打错了，是小明，大小的小"
    result = zh(telecom, state, text, "否定", entities=(_model("name", "小明", "小明", text),))
    assert result.state.slots.get("name") == "王小明", replies(result)


@pytest.mark.parametrize("text", ["我帮我妈打的字，她不认字。她说上个月交了100块，前天又交了50，可是昨天收到短信说欠费了，她的号是13800138000，"
                                  "我的是13698765432，帮她看看还剩多少钱", "她的号是13800138000，我的是13698765432，帮她看看还剩多少钱"])
def test_the_typists_own_number_beside_the_mothers_is_not_looked_up(telecom, text):
    """Customer trial, session 47 (round 2): both numbers were looked up, and "那上个月花了多少" gave the typist's bill."""
    result = zh(telecom, start(), text, "查询")
    assert result.state.slots.get("phone") == "13800138000" and "second_request" not in _events(result)
    assert "values_ambiguous" not in _events(result)


def test_back_after_fetching_the_id_hears_the_question_again(telecom):
    """Customer trial, session 47 (round 2): "我回来了" right after "好的，不着急，准备好身份证号后直接发给我就行" asked whether to
    stop the change."""
    said = [("我要换套餐，换59的", "办理"), ("王小明", "提供信息"), ("等一下啊，我去拿身份证", "其他")]
    state = start()
    for text, intent in said:
        ents = (_model("name", text, text, text),) if text == "王小明" else ()
        state = zh(telecom, state, text, intent, entities=ents).state
    result = zh(telecom, state, "我回来了", "问候")
    assert replies(result) == ["请输入本人身份证号（18 位，最后一位可能是 X）。"] or replies(result) == ["请提供您的 18 位身份证号码。"]
    assert "stop_offered" not in _events(result)


def test_a_colleagues_number_beside_ones_own_is_not_looked_up(telecom):
    """Customer trial, session 47 (round 2): "我同事用13800138000，…帮我查查我的余额，我的号码是15912340000" asked which
    number, and "我的啊，159那个" heard that a phone number has 11 digits."""
    result = zh(telecom, start(), "我同事用13800138000，他说他话费老是莫名其妙没了，我有点担心我的，帮我查查我的余额，我的号码是15912340000",
                "查询")
    assert result.state.slots.get("phone") == "15912340000" or "action_requested" in _events(result)
    assert "values_ambiguous" not in _events(result)
    asked = zh(telecom, start(), "帮我查下13800138000还是15912340000的余额", "查询")
    assert "values_ambiguous" in _events(asked)
    chosen = zh(telecom, asked.state, "我的啊，159那个", "提供信息")
    assert "action_requested" in _events(chosen)


def test_what_one_id_five_numbers_means_at_a_question_is_answered(telecom):
    """Customer trial, session 47 (round 2): "一证五号是啥意思" at an opening's question heard "回答不了" (and the rule with "要
    取消当前的办理吗？" by hand)."""
    state = zh(telecom, start(), "我要开户", "办理").state
    result = zh(telecom, state, "一证五号是啥意思", "其他")
    assert replies(result)[0].startswith('按照"一证五号"的规定') and "stop_offered" not in _events(result)


@pytest.mark.parametrize("text, intent, start_of_warning", [
    ("I bought a kettle online and the shop said they refunded me too much by mistake, $600 instead of $60. They asked me "
     "to send back the $540 to their account manager Kevin Lo. Can you do that", "transfer_money", "Please be careful: \"I paid"),
    ("got an email saying they have videos of me from my webcam and will send them to my contacts unless I pay. I just "
     "want this over with. send 1000 to Alex Morgan", "transfer_money", "Please don't pay"),
    ("Whats the balance on card 7777? I need to know how much I can load into the bitcoin machine at the petrol station, "
     "the guy from Amazon security said I have to do it to protect my account", "check_balance", "Please stop: no bank"),
    ("I won a lottery in Spain and need to pay a 300 dollar processing fee to claim it, send it to Euro Claims Office",
     "out_of_scope", "Please stop: a real lottery"),
    ("I'm buying a puppy off Facebook marketplace, the seller wants a 250 deposit before I can see it, his name is Gary "
     "Bell", "transfer_money", "Please be careful: a seller or landlord"),
])
def test_overpayment_sextortion_crypto_prize_and_deposit_scams_are_warned_of(banking, text, intent, start_of_warning):
    """Customer trial, session 47 (round 3): an overpaid "refund", a sextortion email, a Bitcoin machine for "Amazon
    security" and a lottery fee were sent or read back with no warning; a puppy deposit heard of landlords."""
    result = en(banking, start(), text, intent, 0.95)
    assert replies(result)[0].startswith(start_of_warning) and not result.state.stack


@pytest.mark.parametrize("text", ["send my mum 100, she paid for my groceries twice so I owe her",
                                  "what's the balance on 7777, I want to buy some bitcoin on coinbase",
                                  "actually double it"])
def test_everyday_messages_near_those_scams_are_not_warned_of(banking, text):
    result = en(banking, start(), text, "transfer_money", 0.95)
    assert "warned" not in _events(result)


def test_a_hundred_percent_is_a_yes(banking):
    """Customer trial, session 47 (round 3): "100%" at a transfer's read-back heard "I'm not sure I understood"."""
    state = _transfer_read_back(banking, "can I send 75 bucks to Carla Ruiz for the concert tickets", "Carla Ruiz")
    result = en(banking, state, "100%", "out_of_scope", 0.5)
    assert "confirmed" in _events(result)


def test_maybe_another_card_at_a_blocks_read_back_is_read_back(banking):
    """Customer trial, session 47 (round 3): "oh sorry, maybe 9876?" at the block of 5678 heard "I need a clear yes or
    no"."""
    state = _through(en, banking, [("I lost my card", "lost_card"), ("5678", "inform")]).state
    result = en(banking, state, "oh sorry, maybe 9876?", "inform", 0.6)
    assert replies(result)[-1].startswith("I'll block the card ending 9876")


def test_her_husband_named_instead_is_the_name(banking):
    """Customer trial, session 47 (round 3): "wait, actually send it to her husband Raj instead" made the payee "husband
    Raj"."""
    state = _transfer_read_back(banking, "send 300 to Priya on Friday", "Priya")
    text = "wait, actually send it to her husband Raj instead"
    result = en(banking, state, text, "inform", entities=(_model("recipient", "husband Raj", "husband Raj", text),))
    assert replies(result)[-1].startswith("Send $300.00 to Raj on")


def test_a_firm_with_and_co_is_one_payee(banking):
    """Customer trial, session 47 (round 3): "Bloom & Co" asked which of "Bloom" and "Co"."""
    text = "send 100 to Bloom & Co"
    result = en(banking, start(), text, "transfer_money", entities=(_model("recipient", "Bloom & Co", "Bloom & Co", text),))
    assert replies(result)[-1].startswith("Send $100.00 to Bloom & Co")


def test_sending_from_it_after_a_cards_balance_says_the_main_account_pays(banking):
    """Customer trial, session 47 (round 3): "and can I send 100 from it to my mum?" after a card's balance was sent from
    the main account without a word."""
    result = en(banking, start(), "and can I send 100 from it to my mum?", "transfer_money",
                entities=(_model("recipient", "my mum", "my mum", "and can I send 100 from it to my mum?"),))
    assert any("main account" in r for r in replies(result))


@pytest.mark.parametrize("text, start_of_warning", [
    ("问一下哈，我妈接了个电话，对方说是市医保局的，说她医保卡被人在外地盗刷了，涉嫌违规，要配合调查，让她加个QQ视频做笔录，这个靠谱不", "这是冒充公检法"),
    ("我外甥刚用一个新号给我发消息，说他在外面打架把人打伤了，人在派出所，要两万块私了，让我先别告诉他妈，转到一个律师的账户", "这很像冒充亲友"),
    ("有个京东金融的客服说我大学时候开了个学生会员，现在不关掉每个月要从话费里扣八百，还会上征信，让我下个APP共享屏幕帮我关", "这是冒充金融平台"),
])
def test_health_office_family_and_student_member_scams_are_warned_of(telecom, text, start_of_warning):
    """Customer trial, session 47 (round 3): none heard its warning ("超出我的服务范围", "没太理解", the generic one)."""
    result = zh(telecom, start(), text, "其他", 0.9)
    assert replies(result)[0].startswith(start_of_warning)


@pytest.mark.parametrize("first, then", [
    ("有个京东金融的客服说我大学时候开了个学生会员，现在不关掉每个月要从话费里扣八百，还会上征信，让我下个APP共享屏幕帮我关", "他说的挺对的，连我学校名字都知道，我要不就照做吧"),
    ("我在淘宝买的衣服，客服打电话说商品有质量问题要给我三倍理赔，让我打开支付宝的备用金借出来再转给他们走流程", "他说不操作的话会影响我的征信"),
])
def test_going_along_or_the_scammers_threat_hears_the_warning_again(telecom, first, then):
    """Customer trial, session 47 (round 3): "我要不就照做吧" right after a warning heard "好的，感谢您的咨询…再见！", and "他说不
    操作的话会影响我的征信" started a complaint."""
    warned = zh(telecom, start(), first, "其他", 0.9)
    again = zh(telecom, warned.state, then, "肯定", 0.9)
    assert replies(again) == replies(warned)[:1]


def test_the_plan_chosen_with_a_reason_at_a_read_back_changes_it(telecom):
    """Customer trial, session 47 (round 3): "算了算了，三十九的就行，反正我也不怎么用" at a read-back of 59 heard "套餐还是 59", and
    "嗯呐" opened the account on 59."""
    text = "我叫李建国，身份证320102198808081237，想办张新卡，套餐要那个一百二十九块的"
    state = zh(telecom, start(), text, "办理", entities=(_model("name", "李建国", "李建国", text),)).state
    state = zh(telecom, state, "哦不对，还是五十九的吧", "否定").state
    for intent in ("其他", "办理", "肯定", "取消"):
        result = zh(telecom, state, "算了算了，三十九的就行，反正我也不怎么用", intent, 0.8)
        assert "套餐 39 元/月" in replies(result)[-1], intent


def test_whether_129_has_broadband_is_answered_at_the_read_back(telecom):
    """Customer trial, session 47 (round 3): "你先回答我，带不带宽带，能不能给我装" at a change's read-back heard "回答不了"."""
    text = "我想把套餐换成129的，我是王小明，证件号11010519491231002X"
    state = zh(telecom, start(), text, "办理", entities=(_model("name", "王小明", "王小明", text),)).state
    result = zh(telecom, state, "你先回答我，带不带宽带，能不能给我装", "咨询")
    assert replies(result)[0].startswith("宽带只在 129 元不限量融合套餐里含") and result.state.stack


def test_a_stop_asked_in_a_complaint_hears_where_it_is_done(telecom):
    """Customer trial, session 47 (round 3): "那先帮我把号停了挂失，万一被人拿去用咋整" at the complaint's name question heard "好的，
    这个情况我也记下了" (the customer thought the number was stopped)."""
    state = zh(telecom, start(), "你们这破信号真是烂透了，我要投诉", "投诉").state
    result = zh(telecom, state, "那先帮我把号停了挂失，万一被人拿去用咋整", "投诉")
    assert replies(result)[0].startswith("补卡、挂失") and "detail_added" not in _events(result)


def test_that_one_after_the_plans_compared_is_a_plan_change(telecom):
    """Customer trial, session 47 (round 3): "那就换这个吧" after the plans were compared asked 开户还是变更套餐 four times."""
    state = zh(telecom, start(), "我现在是39的套餐，流量老不够用，换哪个合适", "咨询").state
    result = zh(telecom, state, "那就换这个吧", "办理")
    assert result.state.slots.get("business") == "换套餐"
