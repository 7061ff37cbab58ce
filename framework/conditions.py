"""The condition language of flow transitions (`if: slots.amount > 1000 and slots.id is set`).

A small hand-written tokenizer and recursive-descent parser turn the text into frozen
dataclasses; `evaluate` walks them. Nothing is ever passed to `eval`. Errors carry the
0-based character offset so `framework.spec` can point at the exact column in the YAML.

Grammar:
    expr       := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | atom
    atom       := "(" expr ")" | operand [test]
    test       := OP operand | "is" ["not"] "set" | ["not"] "in" "[" [literal ("," literal)*] "]"
    operand    := "slots" "." NAME | literal
    literal    := NUMBER | STRING | "true" | "false" | "null"
A bare operand is a truth test (`slots.agree`): true when the slot is set and truthy.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Union

__all__ = [
    "And", "Compare", "Condition", "ConditionSyntaxError", "In", "IsSet", "Literal", "Not",
    "Or", "SlotRef", "Truthy", "evaluate", "parse", "referenced_slots",
]


class ConditionSyntaxError(ValueError):
    def __init__(self, message: str, offset: int, expected: str, found: str):
        super().__init__(message)
        self.message = message
        self.offset = offset  # 0-based character index into the condition text
        self.expected = expected
        self.found = found

    def __str__(self) -> str:
        return f"{self.message} (at character {self.offset + 1}: expected {self.expected}, found {self.found})"


# --------------------------------------------------------------------------- the tree

@dataclass(frozen=True)
class SlotRef:
    name: str
    key: str | None = None  # slots.price.currency: one key of a mapping value


@dataclass(frozen=True)
class Literal:
    value: Any  # int, float, str, bool or None


Operand = Union[SlotRef, Literal]


@dataclass(frozen=True)
class Compare:
    left: Operand
    op: str  # one of ==, !=, <, <=, >, >=
    right: Operand


@dataclass(frozen=True)
class IsSet:
    slot: SlotRef
    negated: bool = False  # `is not set`


@dataclass(frozen=True)
class In:
    left: Operand
    values: tuple[Any, ...]
    negated: bool = False  # `not in`


@dataclass(frozen=True)
class Truthy:
    operand: Operand


@dataclass(frozen=True)
class Not:
    operand: "Condition"


@dataclass(frozen=True)
class And:
    left: "Condition"
    right: "Condition"


@dataclass(frozen=True)
class Or:
    left: "Condition"
    right: "Condition"


Condition = Union[Compare, IsSet, In, Truthy, Not, And, Or]

# --------------------------------------------------------------------------- tokenizer

_COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")
_PUNCTUATION = ("(", ")", "[", "]", ",", ".")
_KEYWORDS = {"and", "or", "not", "is", "set", "in", "true", "false", "null", "slots"}


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "str", "name", "kw", "op", "punct", "end"
    value: Any
    offset: int
    text: str

    def describe(self) -> str:
        return "end of condition" if self.kind == "end" else repr(self.text)


def _is_name_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        two = text[i:i + 2]
        if two in _COMPARISONS:
            tokens.append(_Token("op", two, start, two))
            i += 2
        elif ch in "<>":
            tokens.append(_Token("op", ch, start, ch))
            i += 1
        elif ch == "=":
            raise ConditionSyntaxError("Use '==' to compare", start, "'=='", "'='")
        elif ch in _PUNCTUATION:
            tokens.append(_Token("punct", ch, start, ch))
            i += 1
        elif ch in "'\"":
            i += 1
            chars = []
            while i < n and text[i] != ch:
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                chars.append(text[i])
                i += 1
            if i >= n:
                raise ConditionSyntaxError("Unterminated string", start, f"a closing {ch}", "end of condition")
            i += 1
            tokens.append(_Token("str", "".join(chars), start, text[start:i]))
        elif ch.isdigit() or (ch == "-" and i + 1 < n and text[i + 1].isdigit()):
            i += 1
            while i < n and (text[i].isdigit() or text[i] == "."):
                i += 1
            raw = text[start:i]
            try:
                value: Any = float(raw) if "." in raw else int(raw)
            except ValueError:
                raise ConditionSyntaxError(f"Invalid number {raw!r}", start, "a number", repr(raw)) from None
            tokens.append(_Token("num", value, start, raw))
        elif _is_name_char(ch):
            while i < n and _is_name_char(text[i]):
                i += 1
            word = text[start:i]
            tokens.append(_Token("kw" if word in _KEYWORDS else "name", word, start, word))
        else:
            raise ConditionSyntaxError(f"Unexpected character {ch!r}", start, "a slot, a value or an operator", repr(ch))
    tokens.append(_Token("end", None, n, ""))
    return tokens


# --------------------------------------------------------------------------- parser

class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokenize(text)
        self.pos = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.pos]

    def _advance(self) -> _Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def _is(self, kind: str, value: Any = None) -> bool:
        return self.tok.kind == kind and (value is None or self.tok.value == value)

    def _fail(self, expected: str, message: str | None = None) -> ConditionSyntaxError:
        found = self.tok.describe()
        return ConditionSyntaxError(message or f"Expected {expected}, found {found}", self.tok.offset, expected, found)

    def _expect(self, kind: str, value: Any, expected: str) -> _Token:
        if not self._is(kind, value):
            raise self._fail(expected)
        return self._advance()

    def parse(self) -> Condition:
        if self._is("end"):
            raise self._fail("a condition", "Empty condition")
        cond = self._or()
        if not self._is("end"):
            raise self._fail("'and', 'or' or end of condition")
        return cond

    def _or(self) -> Condition:
        cond = self._and()
        while self._is("kw", "or"):
            self._advance()
            cond = Or(cond, self._and())
        return cond

    def _and(self) -> Condition:
        cond = self._not()
        while self._is("kw", "and"):
            self._advance()
            cond = And(cond, self._not())
        return cond

    def _not(self) -> Condition:
        if self._is("kw", "not"):
            self._advance()
            return Not(self._not())
        return self._atom()

    def _atom(self) -> Condition:
        if self._is("punct", "("):
            self._advance()
            cond = self._or()
            self._expect("punct", ")", "')'")
            return cond
        left = self._operand()
        if self._is("op"):
            op = self._advance().value
            return Compare(left, op, self._operand())
        if self._is("kw", "is"):
            is_tok = self._advance()
            negated = False
            if self._is("kw", "not"):
                self._advance()
                negated = True
            self._expect("kw", "set", "'set'")
            if not isinstance(left, SlotRef):
                raise ConditionSyntaxError("'is set' applies to a slot", is_tok.offset, "a slot before 'is'", "a literal")
            return IsSet(left, negated)
        if self._is("kw", "in") or (self._is("kw", "not") and self.tokens[self.pos + 1].value == "in"):
            negated = self._advance().value == "not"
            if negated:
                self._advance()
            return In(left, self._list(), negated)
        return Truthy(left)

    def _operand(self) -> Operand:
        tok = self.tok
        if self._is("kw", "slots"):
            self._advance()
            self._expect("punct", ".", "'.' after 'slots'")
            if self.tok.kind not in ("name", "kw"):
                raise self._fail("a slot name")
            name = self._advance().value
            if self._is("punct", "."):
                self._advance()
                if self.tok.kind not in ("name", "kw"):
                    raise self._fail("a key of the slot's value, such as 'currency'")
                return SlotRef(name, self._advance().value)
            return SlotRef(name)
        if tok.kind == "name":
            raise ConditionSyntaxError(
                f"Unknown name {tok.text!r}; slots are written slots.{tok.text}",
                tok.offset, "'slots.<name>' or a literal", repr(tok.text))
        return Literal(self._literal("a slot (slots.<name>) or a value"))

    def _literal(self, expected: str) -> Any:
        tok = self.tok
        if tok.kind in ("num", "str"):
            self._advance()
            return tok.value
        if tok.kind == "kw" and tok.value in ("true", "false", "null"):
            self._advance()
            return {"true": True, "false": False, "null": None}[tok.value]
        raise self._fail(expected)

    def _list(self) -> tuple[Any, ...]:
        self._expect("punct", "[", "'[' starting a list")
        values = []
        if not self._is("punct", "]"):
            values.append(self._literal("a value"))
            while self._is("punct", ","):
                self._advance()
                values.append(self._literal("a value"))
        self._expect("punct", "]", "',' or ']'")
        return tuple(values)


def parse(text: str) -> Condition:
    """Parse a condition; raises ConditionSyntaxError with the offset of the problem."""
    return _Parser(text).parse()


# --------------------------------------------------------------------------- evaluation

_UNSET = object()


def _value(operand: Operand, slots: Mapping[str, Any]) -> Any:
    if isinstance(operand, SlotRef):
        value = slots.get(operand.name)
        if operand.key is not None:
            value = value.get(operand.key) if isinstance(value, Mapping) else None
        return _UNSET if value is None else value
    return operand.value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _as_number(value: Any) -> Any:
    """Numeric strings compare as numbers against numbers ('1000' > 999)."""
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", ""))
        except ValueError:
            return value
    return value


def _coerce(a: Any, b: Any) -> tuple[Any, Any]:
    if _is_number(a) and isinstance(b, str):
        return a, _as_number(b)
    if _is_number(b) and isinstance(a, str):
        return _as_number(a), b
    return a, b


def _amount(value: Any) -> Any:
    """A money value compares by its amount with a number ('slots.price > 1000')."""
    if isinstance(value, Mapping) and set(value) == {"amount", "currency"}:
        return value["amount"]
    return value


def _compare(a: Any, op: str, b: Any) -> bool:
    if _is_number(b) or _is_number(a):
        a, b = _amount(a), _amount(b)
    a, b = _coerce(a, b)
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if not ((_is_number(a) and _is_number(b)) or (isinstance(a, str) and isinstance(b, str))):
        return False  # ordering between unrelated types is simply false, never an error
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def evaluate(cond: Condition, slots: Mapping[str, Any]) -> bool:
    """Evaluate against slot values; a slot whose value is None is unset."""
    if isinstance(cond, And):
        return evaluate(cond.left, slots) and evaluate(cond.right, slots)
    if isinstance(cond, Or):
        return evaluate(cond.left, slots) or evaluate(cond.right, slots)
    if isinstance(cond, Not):
        return not evaluate(cond.operand, slots)
    if isinstance(cond, IsSet):
        is_set = _value(cond.slot, slots) is not _UNSET
        return not is_set if cond.negated else is_set
    if isinstance(cond, Compare):
        a, b = _value(cond.left, slots), _value(cond.right, slots)
        if a is _UNSET or b is _UNSET:
            return False
        return _compare(a, cond.op, b)
    if isinstance(cond, In):
        a = _value(cond.left, slots)
        if a is _UNSET:
            return False
        found = any(_compare(a, "==", v) for v in cond.values)
        return not found if cond.negated else found
    if isinstance(cond, Truthy):
        value = _value(cond.operand, slots)
        return value is not _UNSET and bool(value)
    raise TypeError(f"not a condition: {cond!r}")


def referenced_slots(cond: Condition) -> frozenset[str]:
    """Names of all slots a condition reads (for the validator's unknown-slot check)."""
    if isinstance(cond, (And, Or)):
        return referenced_slots(cond.left) | referenced_slots(cond.right)
    if isinstance(cond, Not):
        return referenced_slots(cond.operand)
    operands: tuple[Any, ...]
    if isinstance(cond, IsSet):
        operands = (cond.slot,)
    elif isinstance(cond, Compare):
        operands = (cond.left, cond.right)
    elif isinstance(cond, (In,)):
        operands = (cond.left,)
    else:
        operands = (cond.operand,)
    return frozenset(o.name for o in operands if isinstance(o, SlotRef))
