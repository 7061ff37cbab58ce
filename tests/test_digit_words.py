"""Phone and ID numbers said digit by digit (issue 10), as a customer dictates them and as
speech-to-text writes them: "一三八一二三四五六七八", "幺三八，幺二三四，五六七八" (pauses as
commas), "一 三 八 ...", an ID number's X said 叉 or written apart ("... two X"); typed
with an IME's full-width digits (１３８...) or grouped ("110105 19491231 002X"). The phone
and ID checks still decide (prefix, length, birth date, check digit), so ordinary words
never become a number: 第一, 一下, 文三路, 一五一十, 三三两两."""
from __future__ import annotations

import datetime as dt

import pytest

from framework.slots import extract_entities, parse_value
from framework.slots.digit_words import digits_only, spell_digits
from tests.support.example_chat import TELECOM_TABLE, example
from tests.support.example_domains import telecom  # noqa: F401 (fixtures)

TODAY = dt.date(2026, 12, 2)
PHONE, ID = "13812345678", "11010519491231002X"


def found(assistant, text: str, entity: str) -> list[tuple[str, str]]:
    return [(e.value, e.text) for e in extract_entities(assistant, text, TODAY) if e.entity == entity]


@pytest.mark.parametrize("text", [
    "一三八一二三四五六七八", "幺三八幺二三四五六七八", "一三八，一二三四，五六七八", "幺三八、幺二三四、五六七八",
    "一 三 八 一 二 三 四 五 六 七 八", "一三八 - 一二三四 - 五六七八", "138一二三四5678",
    "one three eight one two three four five six seven eight", "１３８１２３４５６７８",
])
def test_a_phone_number_said_digit_by_digit_is_the_answer(telecom, text):
    assert parse_value(telecom.slots["phone"], text, "zh").value == PHONE


@pytest.mark.parametrize("text", [
    "一一零一零五一九四九一二三一零零二X", "幺幺零幺零五幺九四九幺二三幺零零二叉", "一一零一 零五一九 四九一二 三一零零 二x",
    "一一零一零五，一九四九一二三一，零零二，叉", "one one zero one oh five one nine four nine one two three one zero zero two X",
    "１１０１０５１９４９１２３１００２Ｘ", "110105 19491231 002X", "110105-19491231-002x",
])
def test_an_id_number_said_digit_by_digit_is_the_answer(telecom, text):
    assert parse_value(telecom.slots["id_number"], text, "zh").value == ID


def test_a_digit_by_digit_id_number_with_a_wrong_check_digit_is_refused(telecom):
    # 11010519491231002X with its last character said 一: the check digit does not fit.
    result = parse_value(telecom.slots["id_number"], "一一零一零五一九四九一二三一零零二一", "zh")
    assert not result.ok and "check digit" in result.error
    assert found(telecom, "身份证号一一零一零五一九四九一二三一零零二一", "id_number") == []


@pytest.mark.parametrize("text,number,said", [
    ("我的手机号是一三八，一二三四，五六七八。", PHONE, "一三八，一二三四，五六七八"),
    ("手机 幺三八 幺二三四 五六七八 谢谢", PHONE, "幺三八 幺二三四 五六七八"),
    ("我的手机号是１３８１２３４５６７８，谢谢", PHONE, "１３８１２３４５６７８"),
    ("身份证号是幺幺零幺零五幺九四九幺二三幺零零二叉，谢谢", ID, "幺幺零幺零五幺九四九幺二三幺零零二叉"),
    ("my ID is one one zero one zero five one nine four nine one two three one zero zero two X please", ID,
     "one one zero one zero five one nine four nine one two three one zero zero two X"),
])
def test_a_number_said_inside_a_sentence_is_found_with_its_span(telecom, text, number, said):
    entity = "phone" if number == PHONE else "id_number"
    assert found(telecom, text, entity) == [(number, said)]


def test_an_id_and_a_phone_said_back_to_back_are_both_found(telecom):
    """Read across the pause they would be one 29-digit run; piece by piece they are two."""
    text = "一一零一零一一九九零零三零七七七七四，一三八一二三四五六七八"
    assert found(telecom, text, "id_number") == [("110101199003077774", "一一零一零一一九九零零三零七七七七四")]
    assert found(telecom, text, "phone") == [(PHONE, "一三八一二三四五六七八")]


@pytest.mark.parametrize("text", ["第一", "一下", "我想查一下", "文三路", "三千五", "我有两张卡", "叉烧饭", "X光"])
def test_ordinary_words_stay_words(telecom, text):
    assert spell_digits(text, join=True)[0] == text
    assert digits_only(text) is None and digits_only(text, check_x=True) is None
    assert found(telecom, text, "phone") == found(telecom, text, "id_number") == []


@pytest.mark.parametrize("text", ["一五一十地说", "三三两两", "一一对应", "十一二十"])
def test_words_made_of_digit_characters_are_no_number(telecom, text):
    """Spelled inside ("一一对应" reads "11对应" to the patterns), but no phone, ID or answer."""
    assert digits_only(text) is None and digits_only(text, check_x=True) is None
    assert found(telecom, text, "phone") == found(telecom, text, "id_number") == []


@pytest.mark.parametrize("text", ["第一，二楼", "一、二、三号线都能到", "我一 三点到"])
def test_digit_words_across_a_pause_are_no_phone_or_id(telecom, text):
    assert found(telecom, text, "phone") == found(telecom, text, "id_number") == []
    assert not parse_value(telecom.slots["phone"], text, "zh").ok


async def test_the_telecom_assistant_takes_dictated_numbers():
    async with example("telecom_zh") as world:
        chat = world.chat(TELECOM_TABLE)
        await chat.say("查一下话费余额")
        assert await chat.say("幺三八，零零幺三八，零零零") == [
            "您的手机 138****8000 当前话费余额为 5.35 元。",
            "余额不多了，建议尽快充值以免停机。微信、支付宝或营业厅都可以充值。"]
        chat = world.chat(TELECOM_TABLE)
        await chat.say("我想办理业务")
        await chat.say("开户")
        await chat.say("张三")
        assert await chat.say("幺幺零幺零五幺九四九幺二三幺零零二叉") == [
            "请选择套餐：39元（基础）、59元、99元（5G）、129元（不限量融合）。"]
        assert chat.state.slots["id_number"] == ID
