"""Slot types: parsing whole values and finding typed entities inside utterances."""
import datetime as dt

import pytest

from framework.compile.machine import Assistant, Behaviours, Settings, Slot, frozen_map
from framework.slots import extract_entities, id_check_char, parse_value, yes_no

TODAY = dt.date(2024, 5, 1)


def weighted_check(first17: str) -> str:
    """GB 11643-1999 check character, computed independently of the code under test."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
    remainder = sum(int(d) * w for d, w in zip(first17, weights)) % 11
    return "10X98765432"[remainder]


def valid_id(first17: str) -> str:
    return first17 + weighted_check(first17)


# A well-known published example (GB 11643 annex) and a few synthesised ones.
KNOWN_VALID = "11010519491231002X"
IDS = [valid_id("11010119900307777"), valid_id("44030419851215123"), valid_id("32010620001001456")]


def slot(name, type, **options):
    return Slot(name=name, type=type, options=frozen_map(options))


def test_check_digit_matches_the_standard():
    assert weighted_check(KNOWN_VALID[:17]) == "X"
    for first17 in ("11010119900307777", "44030419851215123", "34052419800101001"):
        assert id_check_char(first17) == weighted_check(first17)


@pytest.mark.parametrize("text", [KNOWN_VALID, KNOWN_VALID.lower(), *IDS, f"  {IDS[0]} "])
def test_valid_id_numbers(text):
    result = parse_value(slot("id", "id_number"), text, "zh")
    assert result.ok and result.value == text.strip().upper()


def wrong_check(number: str) -> str:
    return number[:17] + next(c for c in "0123456789X" if c != number[17])


@pytest.mark.parametrize("text,error", [
    (wrong_check(IDS[0]), "check digit"),
    (wrong_check(KNOWN_VALID), "check digit"),
    (valid_id("11010119901307777"), "birth date"),   # month 13
    (valid_id("11010119900230777"), "birth date"),   # 30 February
    (IDS[0][:17], "18 characters"),
    ("11010119900307777A", "17 digits"),
    ("01010119900307777X", "17 digits"),
])
def test_invalid_id_numbers(text, error):
    result = parse_value(slot("id", "id_number"), text, "zh")
    assert not result.ok and error in result.error


@pytest.mark.parametrize("text,value", [
    ("3", 3), ("十二", 12), ("两千", 2000), ("1,000", 1000), ("三", 3), ("一百零八", 108),
    ("3张", 3), ("二十万", 200000), ("5 ", 5), ("5 people", 5), ("20块钱", 20),
])
def test_integers(text, value):
    result = parse_value(slot("n", "integer"), text, "zh")
    assert result.ok and result.value == value and isinstance(result.value, int)


@pytest.mark.parametrize("text", ["abc", "2.5", "", "百", "12abc", "5km"])
def test_not_integers(text):
    assert not parse_value(slot("n", "integer"), text, "zh").ok


def test_number_bounds():
    amount = slot("amount", "number", min=0, max=100000)
    assert parse_value(amount, "2.5", "zh").value == 2.5
    assert parse_value(amount, "1.5万", "zh").value == 15000
    assert parse_value(amount, "1000元", "zh").value == 1000
    assert "at most" in parse_value(amount, "200000", "zh").error
    assert "at least" in parse_value(amount, "-1", "zh").error


@pytest.mark.parametrize("text,value", [
    ("yes", True), ("Yes!", True), ("是", True), ("是的。", True), ("对", True), ("好的", True),
    ("no", False), ("否", False), ("不是", False), ("不要", False), ("不用了", False),
])
def test_booleans(text, value):
    assert parse_value(slot("b", "boolean"), text, "zh").value is value
    assert yes_no(text) is value


@pytest.mark.parametrize("text,value", [
    ("对👌", True), ("好的😊", True), ("yes 👍🏽", True), ("不是🙅", False), ("no 👎", False),
    ("👌", None), ("👍", None), ("好的👎", None), ("no 👍", None), ("对❌", None),
])
def test_emoji_beside_a_yes_or_no_word(text, value):
    """"对👌" at a menu was no yes (customer trial, session 18); an emoji alone is none, and one
    that says the other answer makes the message unclear."""
    assert yes_no(text) is value


def test_boolean_rejects_other_text():
    assert not parse_value(slot("b", "boolean"), "maybe later", "en").ok
    assert yes_no("我想办理") is None


def test_categorical_choices_and_synonyms():
    plan = slot("plan", "categorical", choices={"50": ("五十", "50元套餐"), "Gold": ("金卡",)})
    assert parse_value(plan, "五十", "zh").value == "50"
    assert parse_value(plan, "gold", "zh").value == "Gold"
    assert parse_value(plan, "金卡", "zh").value == "Gold"
    assert not parse_value(plan, "silver", "zh").ok
    listed = slot("c", "categorical", choices=("red", "blue"))
    assert parse_value(listed, "BLUE", "en").value == "blue"


def test_regex_text_email():
    order = slot("order_no", "regex", pattern=r"^[A-Z]{2}\d{8}$")
    assert parse_value(order, "AB12345678", "zh").ok
    assert not parse_value(order, "AB1234567", "zh").ok
    name = slot("name", "text", min_length=2, max_length=4)
    assert parse_value(name, " 张三 ", "zh").value == "张三"
    assert not parse_value(name, "张", "zh").ok
    assert not parse_value(name, "张三李四王五", "zh").ok
    assert parse_value(slot("e", "email"), "a.b@example.com", "en").ok
    assert not parse_value(slot("e", "email"), "a.b@", "en").ok


@pytest.mark.parametrize("text,value", [
    ("13812345678", "13812345678"), ("+86 138 1234 5678", "13812345678"),
    ("86-138-1234-5678", "13812345678"), ("199 1234 5678", "19912345678"),
])
def test_phones(text, value):
    assert parse_value(slot("p", "phone"), text, "zh").value == value


@pytest.mark.parametrize("text", ["12812345678", "1381234567", "138123456789", "abc"])
def test_not_phones(text):
    assert not parse_value(slot("p", "phone"), text, "zh").ok


@pytest.mark.parametrize("text,value", [
    ("2024-05-01", "2024-05-01"), ("2024/5/1", "2024-05-01"), ("2024年5月1日", "2024-05-01"),
    ("6月3号", "2024-06-03"), ("五月二十日", "2024-05-20"), ("today", "2024-05-01"),
    ("tomorrow", "2024-05-02"), ("明天", "2024-05-02"), ("后天", "2024-05-03"),
    ("大后天", "2024-05-04"),
])
def test_dates(text, value):
    assert parse_value(slot("d", "date"), text, "zh", today=TODAY).value == value


@pytest.mark.parametrize("text", ["2024-02-30", "13月1日", "someday"])
def test_not_dates(text):
    assert not parse_value(slot("d", "date"), text, "zh", today=TODAY).ok


def assistant(**slots):
    return Assistant(
        name="t", language="zh", settings=Settings(), intents=frozen_map(), slots=frozen_map(slots),
        responses=frozen_map(), actions=frozen_map(), flows=frozen_map(), behaviours=Behaviours(),
        intent_fingerprint="", examples_fingerprint="",
    )


def test_several_entities_from_one_utterance():
    a = assistant(
        id_number=slot("id_number", "id_number"), phone=slot("phone", "phone"),
        email=slot("email", "email"), visit_date=slot("visit_date", "date"),
        count=slot("count", "integer", min=1, max=10),
        plan=slot("plan", "categorical", choices={"50": ("五十元",), "100": ("一百元",)}),
    )
    text = f"身份证{IDS[0]}，手机 138-1234-5678，邮箱 a@b.cn，明天来，要3张，办五十元的"
    found = {e.entity: e for e in extract_entities(a, text, today=TODAY)}
    assert found["id_number"].value == IDS[0]
    assert found["phone"].value == "13812345678"
    assert found["email"].value == "a@b.cn"
    assert found["visit_date"].value == "2024-05-02"
    assert found["count"].value == 3 and found["count"].extractor == "number"
    assert found["plan"].value == "50"
    for e in found.values():
        assert text[e.start:e.end] == e.text
    # the ID number's and phone's digits are not also read as numbers
    assert [e.value for e in extract_entities(a, text, today=TODAY) if e.entity == "count"] == [3]


def test_invalid_id_in_text_is_not_an_entity():
    a = assistant(id_number=slot("id_number", "id_number"))
    assert extract_entities(a, f"我的身份证是{wrong_check(IDS[1])}", today=TODAY) == ()


def test_slot_entity_name_and_regex_search():
    a = assistant(order=Slot("order", "regex", frozen_map({"pattern": r"^[A-Z]{2}\d{8}$"}), entity="order_no"))
    (e,) = extract_entities(a, "查一下订单AB12345678的状态", today=TODAY)
    assert (e.entity, e.value, e.extractor) == ("order_no", "AB12345678", "regex")
    assert extract_entities(a, "订单XAB123456789", today=TODAY) == ()


def test_categorical_ascii_choice_needs_word_boundary():
    a = assistant(plan=slot("plan", "categorical", choices=("50", "100")))
    assert [e.value for e in extract_entities(a, "150 or 50", today=TODAY)] == ["50"]
