"""Parsing and validating one slot value from text, per slot type (see docs/DESIGN.md)."""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping

from framework.compile.machine import Slot
from framework.slots.answers import yes_no  # moved to framework.slots.answers; re-exported
from framework.slots import bounds
from framework.slots.dates import no_such_day, parse_date
from framework.slots.digit_words import digits_only
from framework.slots.identity import check_email, check_id_number, check_phone
from framework.slots.money import find_money, parse_money
from framework.slots.numerals import indefinite, normalise_digits, parse_number, ranges


@dataclass(frozen=True)
class ParseResult:
    ok: bool
    value: Any = None
    error: str | None = None  # why the text is not a valid value (for logs and debug output)
    # The response to say instead of the slot's `error` one: its `range_error` when the
    # value was understood but is out of the slot's bounds ("a date in the future").
    response: str | None = None


# Trailing/leading punctuation and particles people add to a one-word answer: 是的！ / 好的呢
_PUNCT = " \t\r\n,.!?;:~，。！？；：、…～\"'“”‘’"


def _bare(text: str) -> str:
    return text.strip(_PUNCT).lower()


def choices_of(slot: Slot) -> Mapping[str, tuple[str, ...]]:
    """Categorical choices as {canonical value: synonyms}, whichever form the spec gave."""
    choices = slot.options.get("choices") or {}
    if isinstance(choices, Mapping):
        return {str(k): tuple(str(s) for s in (v or ())) for k, v in choices.items()}
    return {str(c): () for c in choices}


@functools.lru_cache(maxsize=256)
def compiled_pattern(pattern: str) -> re.Pattern:
    return re.compile(pattern)


_WITH_UNIT = re.compile(
    r"(.+?)\s*(?:[个张元块岁次天位份台件人号]|块钱|个月|rmb|yuan|cny|usd|dollars?|pcs|items?"
    r"|people|persons?|years?|days?|times?|nights?)?")


# What may follow a zero word in its own clause: "没啥损失就是很烦" at "损失了多少钱？" asked whether to
# drop the complaint (customer trial, session 21). A space between Chinese words parts clauses too
# ("没有损失 就是耽误事"); one between Latin words does not ("no loss").
_AFTER_ZERO = re.compile(r"[，,。.!！;；、？?]+|就是|只是|但是|不过|主要是|(?<=[\u3400-\u9fff])\s+|\s+(?=[\u3400-\u9fff])"
                         r"|\s+(?:but|just|only)\b", re.IGNORECASE)
# Words around a zero word in its clause that say nothing more (customer trial, session 27: "没什么损失吧，
# 就是耽误事", "其实也没啥损失" with 否定 1.00 asked whether to drop the complaint): a lead ("其实也") and
# the particles of its end ("吧", "啊")
# "钱倒没损失，就是耽误时间" (customer trial, session 33): what kind of loss, said first
_ZERO_LEAD = re.compile(r"^(?:其实|实际上|说实话|老实说|嗯+|呃+|额|那个|那|好像|应该|估计|目前|暂时|倒是|倒|也|都|还|真的|真|确实"
                        r"|钱上|钱|经济上|金钱上|钱方面)+")
# "钱倒没损失什么" heard "这个问题我在这里回答不了" (customer trial, session 40): "没损失什么" is "没什么损失"
_ZERO_TAIL = re.compile(r"(?:什么|啥|啥子)?(?:吧|啊|呀|呢|哈|嘛|哦|噢|啦|呗|了)*$")
# The thing a zero word denies, said first ("损失倒没有", "损失嘛，没有"): the rest of a zero word after
# its negation ("没有损失" -> "损失"), then adverbs and a bare negation
_NEGATIONS = ("没有", "没什么", "没啥", "没", "无")
_TOPIC_FIRST = re.compile(r"^(?P<topic>.+?)(?:的话|嘛|呢|啊)?(?:倒是|倒|也|都|是|可|真|确实|根本|基本上|基本|还|就|暂时|目前)*"
                          r"(?:没有|没|无)$")


# "没有钱的损失" (否定 0.99) at "经济损失大概是多少钱？" asked whether to drop the complaint (customer trial, session 33):
# what kind of loss it denies says nothing more
_KIND_OF_LOSS = re.compile(r"(?:钱|金钱|经济|财产|钱财|实际|实质)(?:上|性)?的?(?=损失)")


def _zero_topics(words: set[str]) -> set[str]:
    """What the zero words deny: "损失" of "没有损失" (one character is a particle: "的" of "没有的")."""
    return {w[len(n):] for w in words for n in _NEGATIONS if w.startswith(n) and len(w) - len(n) >= 2}


def _zero_clause(clause: str, words: set[str], topics: set[str]) -> bool:
    """One clause that says zero: a zero word, with a lead and end particles ("其实也没啥损失吧"), or
    with what it denies said first ("损失倒没有")."""
    # "没有什么损失，就是烦" heard "这个问题我在这里回答不了" (customer trial, session 41): "没有什么" is "没什么"
    bare = _KIND_OF_LOSS.sub("", _bare(clause)).replace("没有什么", "没什么").replace("没有啥", "没啥")
    if bare in words:
        return True
    bare = _ZERO_TAIL.sub("", _ZERO_LEAD.sub("", bare))
    if bare in words:
        return True
    m = _TOPIC_FIRST.match(bare)
    return m is not None and m.group("topic") in topics


def _zero(slot: Slot, text: str) -> bool:
    """The answer is one of the slot's `zero_words` ("没有" to "how much was lost?"), as a whole
    or as its first clause ("没啥损失就是很烦", "none, just annoyed", "其实也没啥损失，就是浪费时间",
    "损失倒没有"; the thing denied may be said on its own before it: "损失？没有损失啊"), with no
    amount anywhere: no digit, no amount in words, no amount without its figure ("没啥损失，就几块钱"
    is a small loss, not none). Whatever the classifier made of it: "没什么损失吧" read as 否定 is
    zero, not a wish to stop."""
    words = {_bare(w) for w in slot.options.get("zero_words") or ()}
    if not words:
        return False
    if _bare(text) in words:
        return True
    if any(ch.isdigit() for ch in text) or find_money(text) or indefinite(text):
        return False
    topics = _zero_topics(words)
    clauses = [c for c in _AFTER_ZERO.split(text.strip()) if _bare(c)]
    while clauses and _ZERO_TAIL.sub("", _bare(clauses[0])) in topics and len(clauses) > 1:
        clauses.pop(0)  # "损失？" repeats what was asked
    return bool(clauses) and _zero_clause(clauses[0], words, topics)


def _number(slot: Slot, text: str, integer: bool) -> ParseResult:
    if _zero(slot, text):
        return _bounded(slot, 0, 0, slot.options.get("min"), slot.options.get("max"))
    bare = _bare(text)
    # Allow a unit after the number: 3张, 1000元, 20块钱, 5 people.
    m = _WITH_UNIT.fullmatch(bare)
    value = parse_number(m.group(1)) if m else None
    if value is None:
        value = parse_number(bare)
    if value is None:
        return ParseResult(False, error="not a number")
    if integer:
        if isinstance(value, float) and not value.is_integer():
            return ParseResult(False, error="not a whole number")
        value = int(value)
    return _bounded(slot, value, value, slot.options.get("min"), slot.options.get("max"))


def _bounded(slot: Slot, value: Any, key: Any, low: Any, high: Any, shown=str) -> ParseResult:
    """`value` when `key` lies within [low, high]; otherwise an error naming the bound and
    the slot's `range_error` response."""
    if low is not None and key < low:
        return ParseResult(False, error=f"must be at least {shown(low)}", response=slot.options.get("range_error"))
    if high is not None and key > high:
        return ParseResult(False, error=f"must be at most {shown(high)}", response=slot.options.get("range_error"))
    return ParseResult(True, value)


def _date(slot: Slot, text: str, today: dt.date) -> ParseResult:
    value = parse_date(text, today)
    if value is None and no_such_day(text, today):  # said, so no default is taken for it
        return ParseResult(False, error="no such day", response=slot.error_response)
    if value is None:
        return ParseResult(False, error="not a date")
    low, high = (bounds.resolve(slot.options.get(k), today) for k in ("min", "max"))
    return _bounded(slot, value, dt.date.fromisoformat(value), low, high, shown=dt.date.isoformat)


_NOT_AN_AMOUNT = re.compile(r"余额|还剩|就剩|只剩|剩下|身份证|证件号|手机号|电话号|尾号|卡号|后四位|最后四位|"
                            r"\b(?:balance|bal|available|card (?:number|ending|ends)|ends? in|last (?:four|4)|phone|id number)\b",
                            re.IGNORECASE)
_AN_AMOUNT = re.compile(r"损失|赔|亏了|扣了|多扣|花了|\b(?:lost|loss|send|pay|transfer|charged|cost)\b", re.IGNORECASE)


def _money(slot: Slot, text: str) -> ParseResult:
    wanted = slot.options.get("currency")
    if _zero(slot, text):
        return _bounded(slot, {"amount": 0, "currency": wanted}, 0, slot.options.get("min"), slot.options.get("max"))
    if ranges(text):
        # "五六十", "50到60": two amounts, no one of them, and no middle made up (55 was stored for "扣了我大概
        # 五六十吧": customer trial, session 27); the question is asked again (framework.engine.turn)
        return ParseResult(False, error="a range of two amounts, not one")
    if _NOT_AN_AMOUNT.search(text) and not _AN_AMOUNT.search(text):
        # "余额还剩30", "卡里就剩三十块钱了", "身份证最后四位是3218" at "经济损失大概是多少钱？" were filed as losses
        # (customer trial, session 32): what is left, or an identifier's digits, is no amount
        return ParseResult(False, error="a balance or an identifier's digits, not an amount")
    money = parse_money(_bare(text), wanted)
    if money is None:
        return ParseResult(False, error="not an amount of money")
    if wanted and money.currency != wanted:  # understood, refused: the slot's error says why
        return ParseResult(False, error=f"expected an amount in {wanted}, found {money.currency}",
                           response=slot.error_response)
    if _finer_than_the_currency(money.amount, money.currency):  # "$25.999": refused, never rounded
        return ParseResult(False, error=f"more decimals than {money.currency} has", response=slot.error_response)
    return _bounded(slot, money.value(), money.amount, slot.options.get("min"), slot.options.get("max"))


# Decimals of each currency's smallest unit (ISO 4217); two for any other.
_MINOR_UNITS = {"JPY": 0, "KRW": 0}


def _finer_than_the_currency(amount, currency: str | None) -> bool:
    """"25.999" in dollars: the confirmation would show $26.00 while the backend got 25.999."""
    if currency is None:
        return False
    scaled = Decimal(str(amount)) * 10 ** _MINOR_UNITS.get(currency, 2)
    return scaled != scaled.to_integral_value()


TEXT_TOO_LONG = "utter_text_too_long"  # built in (framework.engine.builtin_responses); a domain's own wins


_SEPARATORS = "，,、；;：:"


def _symbols_at_edges(text: str) -> str:
    """`text` without the emoji and symbols at its ends: "for my frend Mia Wong 😊" sent money to "Mia Wong 😊"
    (customer trial, session 30); nor the punctuation that separated it from what came before ("，张伟" opened an
    account for that name: customer trial, session 32) or after ("张伟，")."""
    def symbol(ch: str) -> bool:
        return unicodedata.category(ch) in ("So", "Sk", "Cf") or ch in "\ufe0f\u20e3"

    def leading(ch: str) -> bool:  # not an opening bracket or quote: "「张伟」" keeps them
        category = unicodedata.category(ch)
        return category.startswith("P") and category not in ("Ps", "Pi")
    start, end = 0, len(text)
    while start < end and (symbol(text[start]) or text[start].isspace() or leading(text[start])):
        start += 1
    while end > start and (symbol(text[end - 1]) or text[end - 1].isspace() or text[end - 1] in _SEPARATORS
                           or _unopened(text, start, end)):
        end -= 1
    return text[start:end]


_OPENER = {"}": "{", "]": "[", ")": "(", ">": "<"}


def _unopened(text: str, start: int, end: int) -> bool:
    """The last character closes what the value never opened: `eve"}` of 'send {"amount": 9999, "to": "eve"}' was
    sent $20 (customer trial, session 38); "「张伟」" and "Anna (Lee)" keep theirs."""
    last, inner = text[end - 1], text[start:end - 1]
    if last in _OPENER:
        return inner.count(_OPENER[last]) <= inner.count(last)
    return last in "\"'" and inner.count(last) % 2 == 0


def _text(slot: Slot, text: str) -> ParseResult:
    value = _symbols_at_edges(text.strip())
    low, high = slot.options.get("min_length"), slot.options.get("max_length")
    if not value:
        return ParseResult(False, error="empty")
    if low is not None and len(value) < low:
        return ParseResult(False, error=f"must be at least {low} characters")
    if high is not None and len(value) > high:
        # not the slot's `error`, which is written for a short answer ("请再具体描述一下问题（至少
        # 4 个字）" answered a 564-character complaint: customer trial, session 19)
        return ParseResult(False, error=f"must be at most {high} characters", response=TEXT_TOO_LONG)
    if any(re.fullmatch(p, value, re.IGNORECASE) for p in slot.options.get("refuse") or ()):
        return ParseResult(False, error="names nobody in particular")
    return ParseResult(True, value)


def _categorical(slot: Slot, text: str) -> ParseResult:
    bare = _bare(text)
    for value, synonyms in choices_of(slot).items():
        if bare == value.lower() or bare in (s.lower() for s in synonyms):
            return ParseResult(True, value)
    return ParseResult(False, error="not one of " + ", ".join(choices_of(slot)))


def _checked(check, text: str) -> ParseResult:
    value, error = check(text)
    return ParseResult(True, value) if error is None else ParseResult(False, error=error)


def parse_value(slot: Slot, text: str, language: str = "zh", *, today: dt.date | None = None) -> ParseResult:
    """Parse `text` (a whole utterance or an entity's text) as a value of `slot`.

    `today` anchors relative dates (明天, tomorrow); it defaults to the local date only when
    the caller gives none, so the engine passes the turn's own date and stays pure.
    """
    kind = slot.type
    if kind == "text":
        return _text(slot, text)
    if kind in ("integer", "number"):
        return _number(slot, text, integer=kind == "integer")
    if kind == "boolean":
        answer = yes_no(text)
        return ParseResult(False, error="not a yes or no") if answer is None else ParseResult(True, answer)
    if kind == "categorical":
        return _categorical(slot, text)
    if kind == "regex":
        value = normalise_digits(text.strip())  # full-width ４３２１ is 4321
        pattern = compiled_pattern(slot.options.get("pattern", ""))
        if pattern.fullmatch(value):
            return ParseResult(True, value)
        digits = digits_only(value)  # "four three two one", "四三二一" for a digits pattern
        if digits is not None and pattern.fullmatch(digits):
            return ParseResult(True, digits)
        return ParseResult(False, error="does not match the pattern")
    if kind == "id_number":
        check = lambda value: check_id_number(value, today)  # noqa: E731 (born after today: invalid)
        parsed = _checked(check, text)
        digits = None if parsed.ok else digits_only(text, check_x=True)  # "幺幺零幺零五...二叉"
        return _checked(check, digits) if digits is not None else parsed
    if kind == "phone":
        parsed = _checked(check_phone, text)
        digits = None if parsed.ok else digits_only(text)  # "幺三八 幺二三四 五六七八"
        return _checked(check_phone, digits) if digits is not None else parsed
    if kind == "email":
        return _checked(check_email, text)
    if kind == "date":
        return _date(slot, text, today or dt.date.today())
    if kind == "money":
        return _money(slot, text)
    raise ValueError(f"unknown slot type {kind!r} for slot {slot.name!r}")
