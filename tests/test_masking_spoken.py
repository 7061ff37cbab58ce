"""Phone and ID numbers said digit by digit are masked like typed ones (issue 10's forms,
which fill the phone and id_number slots since framework.slots.digit_words): in a log line
and in the stored transcript, through the served telecom assistant of test_pii_at_rest; and
ordinary words made of digit characters (第一, 一下, 三千五, "one or two") stay readable."""
from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings, strategies as st

from framework.masking import Masker, install_log_masking, uninstall_log_masking, without_trailing_number
from framework.server import keys
from framework.slots.digit_words import may_spell, spell_digits
from framework.slots.identity import ID_RE, PHONE_RE
from framework.text_scan import fold_forms
from tests.test_pii_at_rest import redis_dump, say, served  # noqa: F401 (served: the fixture)

M = Masker()
PHONE_MASK, ID_MASK = "138****5678", "110*************2X"  # 13812345678, 11010519491231002X

# Each form the phone and id_number slots accept (tests/test_digit_words.py), and its mask.
SPOKEN = [
    ("我的手机号是一三八一二三四五六七八", f"我的手机号是{PHONE_MASK}"),
    ("幺三八，幺二三四，五六七八", PHONE_MASK),
    ("手机 幺三八 幺二三四 五六七八 谢谢", f"手机 {PHONE_MASK} 谢谢"),
    ("一 三 八 一 二 三 四 五 六 七 八", PHONE_MASK),
    ("一三八、一二三四、五六七八。", f"{PHONE_MASK}。"),
    ("一三八 - 一二三四 - 五六七八", PHONE_MASK),
    ("138一二三四5678", PHONE_MASK),
    ("call one three eight one two three four five six seven eight", f"call {PHONE_MASK}"),
    ("我的手机号是１３８１２３４５６７８，谢谢", f"我的手机号是{PHONE_MASK}，谢谢"),
    ("身份证号是幺幺零幺零五幺九四九幺二三幺零零二叉，谢谢", f"身份证号是{ID_MASK}，谢谢"),
    ("一一零一零五一九四九一二三一零零二X", ID_MASK),
    ("一一零一 零五一九 四九一二 三一零零 二x", "110*************2X"),
    ("一一零一零五，一九四九一二三一，零零二，叉", ID_MASK),
    ("my ID is one one zero one oh five one nine four nine one two three one zero zero two X please",
     f"my ID is {ID_MASK} please"),
    ("１１０１０５１９４９１２３１００２Ｘ", ID_MASK),
    ("110105 19491231 002X", ID_MASK),
    ("110105-19491231-002x", "110*************2x"),
]

ORDINARY = ["第一", "一下", "我想查一下", "文三路", "一五一十地说", "三三两两", "一一对应", "三千五", "我有两张卡",
            "one or two", "I have two cards", "第一，二楼", "一、二、三号线都能到", "我一 三点到", "叉烧饭", "X光",
            "价格三千五百元，两千九也行", "二零二六年十二月二日", "one two three four", "oh no", "someone",
            "one sıx", "ONE SİX"]  # a dotless / dotted i: spell_digits raised KeyError before


@pytest.mark.parametrize("text, masked", SPOKEN)
def test_a_number_said_digit_by_digit_is_masked_like_a_typed_one(text, masked):
    assert M.mask(text) == masked


def test_an_id_and_a_phone_said_back_to_back_are_masked_each():
    assert M.mask("一一零一零一一九九零零三零七七七七四，一三八一二三四五六七八") == "110*************74，138****5678"


def test_a_spoken_number_only_of_a_configured_kind_is_masked():
    assert Masker(kinds=("id_number",)).mask("一三八一二三四五六七八") == "一三八一二三四五六七八"
    assert Masker(kinds=("phone",)).mask("一三八一二三四五六七八") == PHONE_MASK


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_words_are_not_masked(text):
    assert M.mask(text) == text


def test_a_spoken_number_in_a_log_record_is_masked(caplog):
    install_log_masking()
    try:
        with caplog.at_level(logging.INFO):
            for text, _ in SPOKEN:
                logging.getLogger("x.spoken").info("user said %s", text)
    finally:
        uninstall_log_masking()
    assert [r.getMessage() for r in caplog.records] == [f"user said {masked}" for _, masked in SPOKEN]


def test_masking_an_adversarial_long_text_is_not_quadratic():
    """Shapes that made the pause between dictated digits backtrack (no timing asserted: a
    quadratic reading of these took minutes, and the suite would show it)."""
    for text in ("一" + " " * 100_000 + "x", "一，" * 50_000, "one " * 25_000 + "x", "double " * 15_000):
        masked = M.mask(text + " 一三八一二三四五六七八")  # "一，一，..." reads as one long number
        assert masked.endswith("****5678") and "一三八" not in masked


# ---------------------------------------------------------------- no number is left to read
TOKENS = [*"0123456789０１３８Xx叉零〇洞一幺二两三四五六七八九十千第下 ，,、-+a我*ıİｏｎｅ", "one ", "two ", "three ",
          "eight ", "zero ", "oh ", "o ", "double ", "nine ", "X ", "  ", "13812345678", "138", "5678", "一三八",
          "一二三四", "五六七八", "幺三八", "一一零一零五", "11010519491231002X", "六二二二零二"]


def readable_numbers(text: str) -> list[str]:
    """The phone- and ID-shaped numbers (11 digits, 18 characters) the slot extractors'
    patterns find in `text`, as typed or with its digit words read either way."""
    readings = (fold_forms(text), spell_digits(text)[0], spell_digits(text, join=True)[0])
    return [m.group() for reading in readings for pattern in (PHONE_RE, ID_RE) for m in pattern.finditer(reading)]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join) | st.text(max_size=40))
def test_a_masked_text_has_no_phone_or_id_number_left_to_read(text):
    masked = M.mask(text)
    assert readable_numbers(masked) == []
    assert M.mask(masked) == masked
    assert text.startswith(without_trailing_number(text))
    if not may_spell(text):  # masking skips the spelled readings of such a text
        assert spell_digits(text)[0] == spell_digits(text, join=True)[0] == fold_forms(text)


# ---------------------------------------------------------------- the served stack
async def test_spoken_numbers_are_masked_in_the_log_and_the_stored_transcript(served):
    client, tmp_path, log_path = served
    for text, _ in SPOKEN:  # said outside any flow: fallback turns, logged and stored
        await say(client, "spoken", text)
    for text in ORDINARY[:6]:
        await say(client, "words", text)
    # an ID said in words fills the slot, goes to the backend (webhook logs), is confirmed
    await say(client, "flow", "我想办理业务")
    await say(client, "flow", "开户")
    await say(client, "flow", "欧阳娜娜")
    await say(client, "flow", "幺幺零幺零五幺九四九幺二三幺零零二叉")
    confirm = await say(client, "flow", "59元")
    assert "110105********002X" in confirm[-1]  # the user sees the value, masked in the middle (session 25) ...
    assert "开户成功" in (await say(client, "flow", "是的"))[-1]

    log = log_path.read_text(encoding="utf-8")
    for _, masked in SPOKEN:  # ... each turn's log line shows the masked form
        assert f"text={masked!r}" in log, masked
    state = await client.server.app[keys.STORE].get("spoken")
    assert [turn["text"] for turn in state["history"]] == [masked for _, masked in SPOKEN]
    words = await client.server.app[keys.STORE].get("words")  # ordinary words stay readable
    assert [turn["text"] for turn in words["history"]] == ORDINARY[:6]
    assert all(f"text={text!r}" in log for text in ORDINARY[:6])

    pool = client.server.app[keys.REDIS].connection_pool
    stored = redis_dump(f"redis://{pool.connection_kwargs['host']}:{pool.connection_kwargs['port']}/0")
    for where, text in {"log": log, "redis keys and values": stored}.items():
        assert readable_numbers(text) == [], where
        assert [said for said, _ in SPOKEN if said in text] == [], where


@pytest.mark.parametrize("said", [
    "一三八一二三四五六七八", "幺三八，幺二三四，五六七八", "one three eight one two three four five six seven eight",
    "１３８１２３４５６７８", "13812345678", "一一零一零五一九四九一二三一零零二叉"])
def test_a_log_line_cut_through_a_spoken_number_shows_none_of_it(said):
    from framework.server.conversation import LOGGED_TEXT, logged_text

    for before in range(LOGGED_TEXT - len(said) + 1, LOGGED_TEXT):  # every cut inside the number
        text = "说" * before + said + "，谢谢" * 100
        kept = "说" * before
        first = said.split()[0] if said.isascii() else said[0]
        if logged_text(text).startswith(kept + first + "…"):
            kept += first  # one digit word alone ("one", "一") is no digit string
        assert logged_text(text) == f"{kept}…(+{len(text) - len(kept)} characters)"
