"""The condition language: parsing with offsets, evaluation, referenced slots."""
import pytest
from hypothesis import given, strategies as st

from framework.conditions import (
    And, Compare, ConditionSyntaxError, In, IsSet, Literal, Not, Or, SlotRef, Truthy,
    evaluate, parse, referenced_slots,
)


def test_parses_comparison_into_frozen_tree():
    assert parse("slots.amount > 1000") == Compare(SlotRef("amount"), ">", Literal(1000))
    assert parse("slots.x is not set") == IsSet(SlotRef("x"), negated=True)
    assert parse('slots.p in ["a", \'b\', 3]') == In(SlotRef("p"), ("a", "b", 3))
    assert parse("slots.p not in []") == In(SlotRef("p"), (), negated=True)
    assert parse("slots.ok") == Truthy(SlotRef("ok"))


def test_precedence_not_and_or():
    cond = parse("not slots.a is set or slots.b == 1 and slots.c != null")
    assert cond == Or(
        Not(IsSet(SlotRef("a"))),
        And(Compare(SlotRef("b"), "==", Literal(1)), Compare(SlotRef("c"), "!=", Literal(None))),
    )
    assert parse("(slots.a == 1 or slots.b == 2) and slots.c") == And(
        Or(Compare(SlotRef("a"), "==", Literal(1)), Compare(SlotRef("b"), "==", Literal(2))),
        Truthy(SlotRef("c")),
    )


@pytest.mark.parametrize("text,slots,expected", [
    ("slots.amount > 1000", {"amount": 1500}, True),
    ("slots.amount > 1000", {"amount": 1000}, False),
    ("slots.amount >= 1000", {"amount": 1000.0}, True),
    ("slots.amount < 10", {"amount": "9"}, True),          # numeric string vs number
    ("slots.amount == 5", {"amount": "5.0"}, True),
    ("slots.amount > 1000", {}, False),                     # unset: comparisons are false
    ("slots.amount != 1", {}, False),
    ("slots.amount > 1000", {"amount": None}, False),
    ("slots.amount is set", {"amount": 0}, True),
    ("slots.amount is not set", {"amount": None}, True),
    ("slots.plan in ['50', '100']", {"plan": "50"}, True),
    ("slots.plan in [50, 100]", {"plan": "50"}, True),
    ("slots.plan not in ['50']", {"plan": "100"}, True),
    ("slots.plan not in ['50']", {}, False),
    ("slots.agree == true", {"agree": True}, True),
    ("slots.agree", {"agree": False}, False),
    ("slots.name == \"张三\"", {"name": "张三"}, True),
    ("slots.name > 5", {"name": "abc"}, False),            # unrelated types: false, no error
    ("slots.x > -1.5", {"x": -1}, True),
    ("not slots.x is set", {}, True),
    ("slots.a is set and slots.a > 1000", {"a": 2000}, True),
    ("slots.余额 < 0", {"余额": -3}, True),
])
def test_evaluate(text, slots, expected):
    assert evaluate(parse(text), slots) is expected


@pytest.mark.parametrize("text,offset,expected,found", [
    ("", 0, "a condition", "end of condition"),
    ("slots.amount >", 14, "a slot (slots.<name>) or a value", "end of condition"),
    ("slots.amount = 3", 13, "'=='", "'='"),
    ("amount > 3", 0, "'slots.<name>' or a literal", "'amount'"),
    ("slots.a > 1 and", 15, "a slot (slots.<name>) or a value", "end of condition"),
    ("(slots.a > 1", 12, "')'", "end of condition"),
    ("slots.a > 1 slots.b", 12, "'and', 'or' or end of condition", "'slots'"),
    ("slots.a is sett", 11, "'set'", "'sett'"),
    ("slots.a in ['x' 'y']", 16, "',' or ']'", "\"'y'\""),
    ("slots.a == 'open", 11, "a closing '", "end of condition"),
    ("slots.a ~ 1", 8, "a slot, a value or an operator", "'~'"),
    ("slots. > 1", 7, "a slot name", "'>'"),
])
def test_syntax_errors_carry_offset_expected_found(text, offset, expected, found):
    with pytest.raises(ConditionSyntaxError) as info:
        parse(text)
    err = info.value
    assert (err.offset, err.expected, err.found) == (offset, expected, found)
    assert str(err).startswith(err.message)


def test_error_message_text():
    with pytest.raises(ConditionSyntaxError) as info:
        parse("slots.a > 1 and")
    assert str(info.value) == (
        "Expected a slot (slots.<name>) or a value, found end of condition "
        "(at character 16: expected a slot (slots.<name>) or a value, found end of condition)")


def test_referenced_slots():
    cond = parse("slots.a > slots.b or not (slots.c is set and slots.d in [1]) or slots.e")
    assert referenced_slots(cond) == frozenset("abcde")
    assert referenced_slots(parse("1 == 1")) == frozenset()


@given(st.integers(-10**6, 10**6), st.integers(-10**6, 10**6))
def test_integer_comparisons_agree_with_python(a, b):
    for op, fn in [(">", a.__gt__), ("<=", a.__le__), ("==", a.__eq__), ("!=", a.__ne__)]:
        assert evaluate(parse(f"slots.x {op} {b}"), {"x": a}) is fn(b)
        assert evaluate(parse(f"slots.x {op} '{b}'"), {"x": a}) is fn(b)


@given(st.text(max_size=30))
def test_parser_never_raises_anything_but_syntax_errors(text):
    try:
        cond = parse(text)
    except ConditionSyntaxError as err:
        assert 0 <= err.offset <= len(text)
    else:
        evaluate(cond, {})
