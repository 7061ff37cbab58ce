"""Digits said as words, read as digits: "four three two one" -> "4321", "四三二一" -> "4321",
"幺三八" -> "138", "double seven" -> "77". Pure.

For digit-string slots only (a regex slot such as `^\\d{4}$`, a phone number, an ID
number): a card's last four digits or a phone number dictated digit by digit, as people
do on the phone and in speech-to-text transcripts. It is not number parsing: "三千五" is a
quantity (framework.slots.numerals) and is left alone, as are 十/百/千/万 and any run
that is not digit by digit.

`spell_digits(text)` returns the text with every run of digit words replaced by its
digits, and a map from each character of the new text to its offset in the original, so a
match in the new text gives the original span.
"""
from __future__ import annotations

import re

EN_DIGITS = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
             "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_REPEATS = {"double": 2, "triple": 3}
ZH_DIGITS = {"零": "0", "〇": "0", "洞": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3", "四": "4",
             "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
# "oh" and "o" are zero only between other digit words ("four oh two"), never alone.
_WEAK = {"oh", "o"}
_EN_WORD = r"zero|oh|o|one|two|three|four|five|six|seven|eight|nine"
# A run of English digit words: at least two, or one after "double"/"triple"; separated by
# spaces, hyphens or commas.
_EN_RUN = re.compile(
    rf"(?<![A-Za-z])(?:(?:double|triple)[\s-]+)?(?:{_EN_WORD})(?:[\s,-]+(?:(?:double|triple)[\s-]+)?(?:{_EN_WORD}))*"
    r"(?![A-Za-z])", re.IGNORECASE)
_ZH_RUN = re.compile("[" + "".join(ZH_DIGITS) + r"0-9]{2,}")


def _en_digits(run: str) -> str | None:
    words = re.split(r"[\s,-]+", run.lower().strip())
    out, repeat = [], 1
    for i, word in enumerate(words):
        if word in _REPEATS:
            repeat = _REPEATS[word]
            continue
        if word in _WEAK and not (out and i + 1 < len(words)):
            return None  # "oh" at an edge is an interjection
        out.append(EN_DIGITS[word] * repeat)
        repeat = 1
    digits = "".join(out)
    # One word alone is a count ("I have two cards"), not a digit string; "double seven" is.
    return digits if len(digits) >= 2 else None


def _zh_digits(run: str) -> str | None:
    if not any(ch in ZH_DIGITS for ch in run):
        return None  # plain ASCII digits: nothing to do
    if "两" in run and "幺" not in run:
        return None  # 两 is a count ("两张"); in a dictated number it comes with 幺
    return "".join(ZH_DIGITS.get(ch, ch) for ch in run)


def spell_digits(text: str) -> tuple[str, list[int]]:
    """(text with digit-word runs as digits, original offset of each new character; the
    map has one extra entry for the end)."""
    pieces: list[tuple[int, int, str]] = []
    for m in _EN_RUN.finditer(text):
        digits = _en_digits(m.group())
        if digits:
            pieces.append((m.start(), m.end(), digits))
    for m in _ZH_RUN.finditer(text):
        digits = _zh_digits(m.group())
        if digits:
            pieces.append((m.start(), m.end(), digits))
    pieces.sort()
    out, offsets, cursor = [], [], 0
    for start, end, digits in pieces:
        if start < cursor:
            continue
        out.append(text[cursor:start])
        offsets += range(cursor, start)
        out.append(digits)
        offsets += [start] * len(digits)  # a match that starts in the run starts at the run
        cursor = end
    out.append(text[cursor:])
    offsets += range(cursor, len(text))
    offsets.append(len(text))
    return "".join(out), offsets


def original_span(offsets: list[int], start: int, end: int, spelled: str, text: str) -> tuple[int, int]:
    """The span in the original text of spelled[start:end]."""
    first = offsets[start]
    if end >= len(spelled):
        return first, len(text)
    last = offsets[end]
    # `last` is where the next character came from; back over the separators in between.
    while last > first and text[last - 1].isspace():
        last -= 1
    return first, last


def digits_only(text: str) -> str | None:
    """The whole answer as a digit string ("four three two one", "四三二一", "4 3 2 1"),
    or None when it is not only digits and digit words."""
    spelled, _ = spell_digits(text.strip())
    compact = re.sub(r"[\s,-]+", "", spelled.strip(" .。!！"))
    return compact if compact.isdigit() and compact.isascii() else None
