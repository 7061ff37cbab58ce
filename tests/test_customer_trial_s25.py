"""Misbehaviours found by customers' messages in session 24's end trial (models of session 24),
each replayed with the ranking the model gave: pure engine turns.

- "send fifty quid to my nan for her birthday" stored the recipient "her" (the later of the
  model's spans "my nan" and "her"): a pronoun names nobody (slot_filling._pronoun).
- "its for Gran not my nan" then set the recipient to "my nan": the words before the new value
  ("its for") and the model's span of the value named as wrong are no new value
  (slot_filling._instead_of_current).
- A 75-word lost-card story with the card digits, read as lost_card 0.66 below the threshold
  (0.71), heard "Sorry, I didn't quite get that": now "Did you mean: …?", yes starts the flow
  with the digits kept (framework.engine.intent_check).
"""
from __future__ import annotations

import dataclasses

import pytest

from framework.nlu.interface import Entity
from framework.spec import load_assistant
from tests.conftest import ROOT
from tests.support.engine_turns import replies, start, turns

en = turns(default_intent="transfer_money", runner_up=("inform",))
zh = turns(default_intent="办理", runner_up=("提供信息",))
STORY = ("So I went to the shops this morning with my daughter and when I got home I realised my debit card is "
         "missing and I would really like it stopped before anyone uses it, the last four digits are 4821 I believe")


def _with_threshold(assistant, value):
    return dataclasses.replace(assistant, settings=dataclasses.replace(assistant.settings, fallback_threshold=value))


@pytest.fixture(scope="module")
def banking():
    return _with_threshold(load_assistant(ROOT / "domains" / "banking_en", environ={}), 0.71)


@pytest.fixture(scope="module")
def telecom():
    return _with_threshold(load_assistant(ROOT / "domains" / "telecom_zh", environ={}), 0.7)


def _model(name, value, text, said):
    start = text.index(said)
    return Entity(name, value, said, start, start + len(said), "model", 0.9)


NAN = "send fifty dollars to my nan for her birthday"


def test_a_pronoun_is_no_recipient(banking):
    spans = (_model("recipient", "my nan", NAN, "my nan"), _model("recipient", "her", NAN, "her"))
    result = en(banking, start(), NAN, entities=spans)
    assert result.state.slots["recipient"] == "my nan"
    alone = "send fifty dollars to her"
    result = en(banking, start(), alone, entities=(_model("recipient", "her", alone, "her"),))
    assert result.state.slots.get("recipient") is None and replies(result) == ["Who should I send it to?"]


def test_for_someone_not_the_current_one(banking):
    spans = (_model("recipient", "my nan", NAN, "my nan"),)
    state = en(banking, start(), NAN, entities=spans).state
    assert state.frame.waiting_for == "confirm"
    text = "its for Gran not my nan"
    result = en(banking, state, text, "deny", 0.97, entities=(_model("recipient", "my nan", text, "my nan"),))
    assert result.state.slots["recipient"] == "Gran"
    assert replies(result)[0] == "Okay, I've changed the recipient to Gran."


def test_a_request_below_the_threshold_is_asked_about(banking):
    result = en(banking, start(), STORY, "lost_card", 0.66, 0.2)
    assert replies(result) == ["Do you want to report a lost or stolen card and block it?"]
    assert "intent_check" in [e.name for e in result.events]
    result = en(banking, result.state, "yes", "affirm", 0.99)
    assert result.state.frame.flow == "lost_card" and result.state.slots["card_last4"] == "4821"
    assert replies(result) == ["I'll block the card ending 4821 and order a replacement. This can't be undone. Go ahead?"]


def test_no_to_the_check_asks_to_say_it_again(banking):
    state = en(banking, start(), STORY, "lost_card", 0.66, 0.2).state
    result = en(banking, state, "no", "deny", 0.99)
    assert result.state.frame is None and replies(result) == ["Sorry, I got that wrong. Could you say it another way?"]


def test_another_request_at_the_check_is_read_as_any_other(banking):
    state = en(banking, start(), "my card might be gone i dunno", "lost_card", 0.6, 0.3).state
    result = en(banking, state, "whats my balance", "check_balance", 0.98)
    assert result.state.frame.flow == "check_balance"
    assert "intent_check_dropped" in [e.name for e in result.events]


@pytest.mark.parametrize("intent, confidence", [("lost_card", 0.4), ("help", 0.6), ("goodbye", 0.6),
                                                ("out_of_scope", 0.6)])
def test_not_asked(banking, intent, confidence):
    result = en(banking, start(), "whatever this is", intent, confidence, 0.2)
    assert "intent_check" not in [e.name for e in result.events]


def test_not_asked_while_a_flow_waits(banking):
    state = en(banking, start(), "send money to Tom").state
    result = en(banking, state, "hmm my card", "lost_card", 0.6, 0.2)
    assert "intent_check" not in [e.name for e in result.events]


def test_chinese_check(telecom):
    result = zh(telecom, start(), "我那个号码想弄给我儿子用", "办理", 0.6, 0.3)
    assert replies(result) == ["请问您是想办理业务吗？比如开户或换套餐。"]
    result = zh(telecom, result.state, "对", "肯定", 0.99)
    assert result.state.frame.flow is not None and "flow_started" in [e.name for e in result.events]


def test_built_in_question_names_the_description():
    from framework.engine.intent_check import label

    class Ctx:  # label() reads only ctx.assistant
        assistant = load_assistant(ROOT / "domains" / "banking_en", environ={})

    assert label(Ctx, "lost_card") == "report a lost or stolen card and block it"

    class Zh:
        assistant = load_assistant(ROOT / "domains" / "telecom_zh", environ={})

    assert label(Zh, "办理") == "要求办理业务"


# session 25's held-out file (banking_en fresh_test_19), at "I'll block the card ending 4821 … Go ahead?"
def _at_block(banking):
    state = en(banking, start(), "i lost my card ending 4821", "lost_card").state
    assert state.frame.waiting_for == "confirm"
    return state


@pytest.mark.parametrize("text, intent, confidence", [
    ("wait my bad, dont freeze the card, just found it in my jacket pocket", "lost_card", 0.97),
    ("uh-uh", "affirm", 1.0),  # a no word; was taken for a hesitation ("uh"): no answer
    ("hard pass", "affirm", 0.95),
    ("actually no, call the whole thing off", "deny", 0.99),
])
def test_no_at_the_block_question(banking, text, intent, confidence):
    result = en(banking, _at_block(banking), text, intent, confidence)
    assert "denied" in [e.name for e in result.events] and result.state.frame is None
    assert "action_requested" not in [e.name for e in result.events]


def test_a_warning_about_blocking_is_no_no(banking):
    from framework.slots.command_words import negated_command

    assert negated_command("they told me dont block the card unless you are sure", "en") is None
    assert negated_command("haan ji", "en") is None


def test_haan_ji_is_yes(banking):
    result = en(banking, _at_block(banking), "haan ji", "goodbye", 0.83)
    assert "action_requested" in [e.name for e in result.events]


def test_how_to_open_an_account_is_answered(telecom):
    """"开户要带啥证件啊" (咨询) was answered with the plan prices (trial of session 24)."""
    result = zh(telecom, start(), "开户要带啥证件啊", "咨询", 0.95)
    assert replies(result)[0].startswith("开户（办新卡或副卡）需要机主本人的身份证")
    result = zh(telecom, start(), "开户的话59元套餐包含什么", "咨询", 0.95)
    assert replies(result)[0].startswith("59元畅享套餐")


# A helper talking to banking_en as customers (session 25, its models), replayed with the ranking the model gave
KOFI = "send 75 dollars to Kofi Mensah tomorrow"


def _at_transfer(banking, text=KOFI, entities=None):
    if entities is None:
        entities = (_model("recipient", "Kofi Mensah", KOFI, "Kofi Mensah"),)
    state = en(banking, start(), text, entities=entities).state
    assert state.frame.waiting_for == "confirm"
    return state


def test_another_request_with_card_digits_is_no_new_amount(banking):
    text = "wait forget that, I just realised my wallet is gone, block my card 1234"
    result = en(banking, _at_transfer(banking), text, "lost_card", 1.0)
    assert "slot_corrected" not in [e.name for e in result.events]
    assert result.state.frame.flow == "lost_card" and result.state.slots["card_last4"] == "1234"


def test_yes_with_another_requests_verb_is_no_yes(banking):
    result = en(banking, _at_transfer(banking), "yes block it", "affirm", 1.0)
    assert "action_requested" not in [e.name for e in result.events]
    result = en(banking, _at_transfer(banking), "yes send it", "affirm", 1.0)
    assert "action_requested" in [e.name for e in result.events]


MARIA = "send 200 dollars to Maria Santos on Friday"


def test_part_of_the_current_name_named_as_wrong(banking):
    state = _at_transfer(banking, MARIA, (_model("recipient", "Maria Santos", MARIA, "Maria Santos"),))
    text = "hmm wait, it should go to my sister Ana not Maria"
    spans = (_model("recipient", "my sister Ana", text, "my sister Ana"), _model("recipient", "Maria", text, "Maria"))
    result = en(banking, state, text, "deny", 0.44, entities=spans)
    assert result.state.slots["recipient"] in ("Ana", "my sister Ana")
    result = en(banking, state, "not Maria, Ana", "deny", 0.92)
    assert result.state.slots["recipient"] == "Ana"


def test_a_name_and_its_parts(banking):
    text = "send money to Chidi Eze"
    spans = tuple(_model("recipient", v, text, v) for v in ("Chidi Eze", "Chidi", "Eze"))
    assert en(banking, start(), text, entities=spans).state.slots["recipient"] == "Chidi Eze"


def test_a_span_cut_inside_a_word():
    from framework.slots.context import complete_cut_name

    text = "hello po, can u send 1k to my tita Lorna tmrw"
    assert complete_cut_name(text, _model("recipient", "my ti", text, "my ti")).text == "my tita Lorna"


@pytest.mark.parametrize("text, amount, currency", [
    ("two and a half grand", 2500, None), ("half a grand", 500, None), ("a grand and a half", 1500, None),
    ("two and a half thousand dollars", 2500, "USD"), ("transfer rupees five thousand", 5000, "INR"),
    ("send Rs 500", 500, "INR"), ("1000 pesos", 1000, "PHP"), ("₦5000", 5000, "NGN"),
])
def test_amounts_people_say(text, amount, currency):
    from framework.slots.money import find_money

    found = find_money(text)
    assert [(m.amount, m.currency) for m in found] == [(amount, currency)]


# A helper talking to telecom_zh as customers (session 25)
def test_an_older_bill_is_said_to_be_elsewhere(telecom):
    result = zh(telecom, start(), "查一下18600001111上上个月的账单", "查询", 0.99)
    assert "bill_month" not in result.state.slots and "action_requested" not in [e.name for e in result.events]
    assert replies(result)[0].startswith("这里能查本月和上个月的账单")
    result = zh(telecom, result.state, "上个月的", "肯定", 0.99)
    assert ("slot_set", "bill_month", "上月") in [(e.name, e.data.get("slot"), e.data.get("value")) for e in result.events]


def test_the_common_spelling_of_the_bill(telecom):
    assert zh(telecom, start(), "查下帐单", "查询", 0.99).state.slots["query_type"] == "账单"


def test_a_first_message_read_as_no_hears_no_goodbye(telecom):
    result = zh(telecom, start(), "我不太会用这个", "否定", 0.81)
    assert "acknowledged" not in [e.name for e in result.events] and "再见" not in "".join(replies(result))
    state = zh(telecom, start(), "你好", "问候", 0.99).state
    assert "acknowledged" in [e.name for e in zh(telecom, state, "没有了", "否定", 0.99).events]


@pytest.mark.parametrize("text", ["不对，是张玮，王字旁那个玮", "不对，是张玮"])
def test_the_name_just_given_corrected_at_the_next_question(telecom, text):
    state = zh(telecom, start(), "办个新卡", "办理", 0.99).state
    state = zh(telecom, state, "张伟", "提供信息", 0.99).state
    assert state.slots["name"] == "张伟" and state.frame.waiting_for == "slot:id_number"
    result = zh(telecom, state, text, "否定", 1.0)
    assert result.state.slots["name"] == "张玮" and result.state.frame.waiting_for == "slot:id_number"
    assert replies(result)[0] == "好的，已将姓名改为 张玮。"


@pytest.mark.parametrize("text", ["不对，是开户", "不对，是王女士"])
def test_no_name_after_not_that(telecom, text):
    state = zh(telecom, start(), "办个新卡", "办理", 0.99).state
    state = zh(telecom, state, "张伟", "提供信息", 0.99).state
    assert zh(telecom, state, text, "否定", 1.0).state.slots["name"] == "张伟"


ID = "11010519491231002X"


def test_no_need_at_the_opening_confirmation_withdraws(telecom):
    state = zh(telecom, start(), f"开户，我叫林小北，身份证{ID}，要39的", "办理", 0.99).state
    assert state.frame.waiting_for == "confirm"
    result = zh(telecom, state, "不用了", "否定", 1.0)
    assert result.state.frame is None and "request_withdrawn" in [e.name for e in result.events]


def test_no_need_where_the_no_just_ends_is_that_no(telecom):
    from framework.engine.state import Frame

    state = zh(telecom, start(), "我要投诉", "投诉", 0.99).state
    flow = telecom.flows["complaint"]
    offer = next(n for n, st in flow.states.items() if type(st.step).__name__ == "Confirm"
                 and st.step.on_no == "closed")  # the agent offer, not the read-back before filing (session 27)
    state = dataclasses.replace(state, stack=(Frame("complaint", offer, waiting_for="confirm"),))
    result = zh(telecom, state, "不用了", "否定", 1.0)
    assert "request_withdrawn" not in [e.name for e in result.events] and "denied" in [e.name for e in result.events]


# session 25's held-out file telecom_zh fresh_test_29, at "确认办理吗？"
def _at_opening(telecom):
    state = zh(telecom, start(), f"开户，我叫林小北，身份证{ID}，要39的", "办理", 0.99).state
    assert state.frame.waiting_for == "confirm"
    return state


@pytest.mark.parametrize("text, intent, confidence, done", [
    ("可不嘛", "否定", 1.0, True), ("甭了甭了", "肯定", 0.99, False), ("我改主意了 开户的事先放放", "办理", 1.0, False),
])
def test_zh_answers_at_the_opening_confirmation(telecom, text, intent, confidence, done):
    result = zh(telecom, _at_opening(telecom), text, intent, confidence)
    assert ("action_requested" in [e.name for e in result.events]) is done


def test_id_number_shown_masked(telecom):
    said = " ".join(replies(zh(telecom, start(), f"开户，我叫林小北，身份证{ID}，要39的", "办理", 0.99)))
    assert ID not in said and "110105********002X" in said


@pytest.mark.parametrize("value, shown", [("11010519491231002X", "110105********002X"), ("13812345678", "138****5678"),
                                          ("card 4111111111111234", "card ************1234"), ("张伟", "张伟")])
def test_masked_format(value, shown):
    from framework.engine.render import masked

    assert masked(value) == shown


# Second customer trials of session 25 (the code above, models of this session)
def test_other_dollars_are_no_us_dollars(banking):
    state = en(banking, start(), "send money to my granny").state
    assert state.frame.waiting_for == "slot:amount"
    result = en(banking, state, "500 Jamaican dollars", "inform", 0.83)
    assert "amount" not in result.state.slots
    assert "US dollars (the only currency I can send)" in " ".join(replies(result))


def test_not_this_number_but_that(banking):
    state = _at_transfer(banking)
    result = en(banking, state, "not 75, 15", "deny", 1.0)
    assert result.state.slots["amount"]["amount"] == 15
    assert replies(result)[0] == "Okay, I've changed the amount to $15.00."


def test_two_transfers_in_one_message_guess_no_recipient(banking):
    text = "send 50 dollars to Sarah and 80 dollars to Tom"
    spans = (_model("recipient", "Sarah", text, "Sarah"), _model("recipient", "Tom", text, "Tom"))
    result = en(banking, start(), text, entities=spans)
    # since session 26, one at a time: Sarah's $50 now, Tom's $80 waiting under it (never crossed)
    assert result.state.slots["recipient"] == "Sarah" and result.state.slots["amount"]["amount"] == 50
    assert dict(result.state.stack[0].saved["slots"]) == {"amount": {"amount": 80, "currency": "USD"}, "recipient": "Tom"}


def test_no_no_said_twice_at_a_plan_confirmation(telecom):
    state = zh(telecom, start(), f"我要改套餐，我叫何静，身份证{ID}，要最便宜的那个", "办理", 0.99).state
    assert state.frame.waiting_for == "confirm" and state.slots["plan"] == "39"
    result = zh(telecom, state, "不对不对，要带宽带的那个", "否定", 1.0)
    assert "action_requested" not in [e.name for e in result.events]
    assert result.state.slots["plan"] == "129"


def test_a_plan_at_the_stop_question_is_no_goodbye(telecom):
    state = zh(telecom, start(), "开户", "办理", 0.99).state
    state = zh(telecom, state, "我叫杨帆", "提供信息", 0.99).state
    state = zh(telecom, state, "不", "否定", 1.0).state
    assert (state.frame.waiting_for or "").startswith("stop:")
    result = zh(telecom, state, "99", "再见", 0.97)
    assert result.state.frame is not None and result.state.frame.flow == "business"


@pytest.mark.parametrize("text, intent", [("那好吧，我姓林", "肯定"), ("上个月的呢", "肯定")])
def test_no_name_from_a_yes_or_a_question(telecom, text, intent):
    state = zh(telecom, start(), "投诉你们客服电话永远打不通", "投诉", 0.99).state
    assert state.frame.waiting_for == "slot:name"
    result = zh(telecom, state, text, intent, 0.9)
    assert "name" not in result.state.slots and result.state.frame.waiting_for == "slot:name"


@pytest.mark.parametrize("text, slot, value", [("套餐太贵了，给我降到39的", "business", "换套餐"),
                                               ("闺女让我问问这个月的话费单子", "query_type", "账单")])
def test_more_ways_to_name_a_choice(telecom, text, slot, value):
    intent = "办理" if slot == "business" else "查询"
    assert zh(telecom, start(), text, intent, 0.99).state.slots[slot] == value


def test_a_dropped_check_drops_its_values(telecom):
    # (session 37: "开户要带啥" itself is now answered, the consultation's answer, with no check)
    state = zh(telecom, start(), "想了解一下开户", "咨询", 0.66, 0.2).state
    assert state.frame.waiting_for == "check" and state.slots.get("business") == "开户"
    result = zh(telecom, state, "老年人有优惠没", "咨询", 0.95)
    assert "business" not in result.state.slots and not replies(result)[0].startswith("开户")


@pytest.mark.parametrize("text, days", [("this arvo", 0), ("bukas na lang", 1), ("the morra", 1)])
def test_regional_days(banking, text, days):
    import datetime as dt

    from framework.slots import extract_entities

    today = dt.date(2026, 12, 5)
    dates = [e.value for e in extract_entities(banking, text, today=today) if e.entity == "date"]
    assert dates == [(today + dt.timedelta(days=days)).isoformat()]


@pytest.mark.parametrize("text, taken", [("投诉，你们乱扣费", True), ("投诉 宽带老掉线", True), ("我要投诉", False),
                                         ("我要投诉你们", False), ("我想投诉一下", False), ("帮我投诉一下", False)])
def test_a_short_complaint_is_the_complaint(telecom, text, taken):
    state = zh(telecom, start(), text, "投诉", 0.99).state
    # a leading clause of the request alone is left out of the text (session 37): "投诉，你们乱扣费" -> "你们乱扣费"
    assert (state.slots.get("complaint") == text.removeprefix("投诉，")) is taken
    assert state.frame.waiting_for == ("slot:name" if taken else "slot:complaint")


@pytest.mark.parametrize("text, intent", [("不换套餐了 还是用原来那个吧", "肯定"), ("算球 不整了", "取消"),
                                          ("这个流程先停一下吧 我回去问问家里人再说", "再见")])
def test_withdrawn_at_a_plan_change(telecom, text, intent):
    """session 25's second held-out file (telecom_zh fresh_test_30): "不换套餐了 还是用原来那个吧" was
    read as 肯定 0.93 by one model (at this confirmation: the plan changed)."""
    state = zh(telecom, start(), f"我要换套餐，我叫何静，身份证{ID}，换成99的", "办理", 0.99).state
    assert state.frame.waiting_for == "confirm"
    result = zh(telecom, state, text, intent, 0.93)
    assert "action_requested" not in [e.name for e in result.events] and result.state.frame is None


def test_a_payee_by_title_and_surname_is_not_dropped_without_a_word(banking):
    text = "send fifty dollars to my landlord Mr Patel tomorrow"
    result = en(banking, start(), text, entities=(_model("recipient", "my landlord Mr Patel", text, "my landlord Mr Patel"),))
    assert "recipient" not in result.state.slots and result.state.frame.waiting_for == "slot:recipient"
    assert replies(result) == ["I need the full name for the recipient, first and last name. Could you give it to me?"]
