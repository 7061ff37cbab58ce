"""Digits said as words, read as digits: "four three two one" -> "4321", "四三二一" -> "4321",
"幺三八" -> "138", "double seven" -> "77", "forty eight twenty one" -> "4821", "4 8 2 1" -> "4821". Pure.

For digit-string slots only (a regex slot such as `^\\d{4}$`, a phone number, an ID
number): a card's last four digits or a phone number dictated digit by digit, as people
do on the phone and in speech-to-text transcripts. It is not number parsing: "三千五" is a
quantity (framework.slots.numerals) and is left alone, as are 十/百/千/万 and any run
that is not digit by digit.

`spell_digits(text)` returns the text with every run of digit words replaced by its
digits, and a map from each character of the new text to its offset in the original, so a
match in the new text gives the original span.

Speech-to-text writes a dictated number with the pauses in it: "一三八，一二三四，五六七八",
"幺三八 幺二三四 五六七八", even "一 三 八 ...". `spell_digits(text, join=True)` also reads
such a run across its pauses (spaces, commas, 、 and hyphens) as one digit string; the
plain reading keeps each piece apart, so two numbers said one after the other are still
found (the extractors try both). A resident ID number ends in a check character that may
be X, said "叉" or written apart ("... zero zero two X"): after exactly 17 digits it joins
the run as "X". Full-width digits (１３８...) are read as digits too. None of this makes a digit string valid: the phone and ID checks (length,
prefix, birth date, check digit) and a regex slot's pattern decide, so "第一", "一下",
"文三路", "三三两两" or "一五一十" never become a value.
"""
from __future__ import annotations

import re

from framework.text_scan import fold_forms

EN_DIGITS = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
             "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_REPEATS = {"double": 2, "triple": 3}
ZH_DIGITS = {"零": "0", "〇": "0", "洞": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3", "四": "4",
             "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
# "oh" and "o" are zero only between other digit words ("four oh two"), never alone.
_WEAK = {"oh", "o"}
_EN_WORD = r"zero|oh|o|one|two|three|four|five|six|seven|eight|nine"
# Card digits said two by two, as number words: "forty eight twenty one" is 4821 (it was refused
# as no four digits: customer trial, session 29). A pair is a tens word with or without its unit
# ("forty-eight", "twenty") or ten to nineteen; it reads as two digits only among other pairs or
# digit words ("forty eight two one"): alone ("I'm twenty one", "forty eight dollars") it is a
# quantity, left to the number readers.
EN_TENS = {"twenty": "2", "thirty": "3", "forty": "4", "fourty": "4", "fifty": "5", "sixty": "6", "seventy": "7",
           "eighty": "8", "ninety": "9"}
EN_TEENS = {"ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
            "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19"}
_EN_UNIT = r"one|two|three|four|five|six|seven|eight|nine"
_EN_PAIR = (rf"(?:{'|'.join(EN_TENS)})(?:[\s-]+(?:{_EN_UNIT})(?![A-Za-z]))?(?![A-Za-z])"
            rf"|(?:{'|'.join(EN_TEENS)})(?![A-Za-z])")
_EN_TOKEN = rf"(?:{_EN_PAIR}|(?:(?:double|triple)[\s-]+)?(?:{_EN_WORD})(?![A-Za-z]))"
# A run of English digit words (or pairs): at least two digits, or one after "double"/"triple";
# separated by spaces, hyphens or commas.
# ASCII: Unicode case folding read "sıx" as six, a KeyError
_EN_RUN = re.compile(rf"(?<![A-Za-z]){_EN_TOKEN}(?:[\s,-]+{_EN_TOKEN})*", re.IGNORECASE | re.ASCII)
_EN_TOKENS = re.compile(rf"(?P<pair>{_EN_PAIR})|(?P<word>{_EN_WORD})(?![A-Za-z])|(?P<repeat>double|triple)",
                        re.IGNORECASE | re.ASCII)
# Typed digits one by one with spaces (or hyphens) between: "the finish numbers is 4 8 2 1" is 4821, not
# "8 2 1" (the model's span, no four digits: customer trial, session 29). Three single digits at least,
# each standing alone: "12 3 4" or "1 2 2024" are no such run, nor a list "1, 2, 3" (commas).
_SPACED_DIGITS = re.compile(r"(?<![\w.])[0-9](?:(?=[ \t-])[ \t]*(?:-[ \t]*)?[0-9](?![\w])){2,}(?![.,]?[0-9])")
_ZH_DIGIT = "[" + "".join(ZH_DIGITS) + "0-9]"
_ZH_RUN = re.compile(_ZH_DIGIT + "{2,}")
# The pauses speech-to-text writes inside a dictated number; a run across them has at
# least two digits too ("一 三" yes, a lone "一" no). Written so that a space can be read
# only one way (not `\s*[,，、-]?\s*`, the same strings, whose two `\s*` share the spaces
# of a pause between them: "一" and 80,000 spaces took a minute, and masking reads every log
# line with this pattern).
# "一三八杠一二三四杠五六七八": speech-to-text writes the dash it hears as 杠 (customer trial, session 30: read as
# three amounts of a loss, no phone number)
_PAUSE = r"\s*(?:(?:[,，、-]|杠|横杠)\s*)?"
_ZH_JOINED_RUN = re.compile(rf"{_ZH_DIGIT}(?:{_PAUSE}{_ZH_DIGIT})+")
_PAUSE_CHARS = re.compile(r"(?:[\s,，、-]|杠|横杠)+")
# The check character of an ID number after its 17 digits: X, x or 叉, maybe after a pause.
_CHECK_X = re.compile(rf"{_PAUSE}(?:[Xx](?![A-Za-z])|叉)")
ID_DIGITS = 17


# Every run spell_digits reads holds a Chinese digit or an English digit word other than
# "oh"/"o" (zero only between others) or a pair word ("forty", "twelve"), so a text with none
# reads as itself, but for typed digits spaced one by one ("4 8 2 1"), which the typed
# reading of a text finds as they are (a masker's digit runs take spaces). Two plain scans of
# lower-case text: an IGNORECASE alternation is four times slower.
_SAID_ZH = re.compile("[" + "".join(ZH_DIGITS) + "]")
_SAID_EN = re.compile("|".join([*(w for w in EN_DIGITS if w not in _WEAK), *EN_TENS, *EN_TEENS]))


def may_spell(text: str) -> bool:
    """False when `spell_digits(text)` (either way) finds no digit words (it may still join
    typed digits spaced one by one): scans at C speed, for callers that read every text
    (masking reads every log line)."""
    return _SAID_ZH.search(text) is not None or _SAID_EN.search(fold_forms(text).lower()) is not None


def _pair_digits(pair: str) -> str:
    """"forty eight" -> "48", "twenty" -> "20", "twelve" -> "12"."""
    words = re.split(r"[\s-]+", pair.lower())
    if words[0] in EN_TEENS:
        return EN_TEENS[words[0]]
    return EN_TENS[words[0]] + (EN_DIGITS[words[1]] if len(words) > 1 else "0")


def _en_digits(run: str) -> str | None:
    tokens = list(_EN_TOKENS.finditer(run))
    out, repeat, pairs = [], 1, 0
    for i, token in enumerate(tokens):
        if token.group("repeat"):
            repeat = _REPEATS[token.group().lower()]
            continue
        if token.group("pair"):
            out.append(_pair_digits(token.group()))
            pairs += 1
            continue
        word = token.group().lower()
        if word in _WEAK and not (out and i + 1 < len(tokens)):
            return None  # "oh" at an edge is an interjection
        out.append(EN_DIGITS[word] * repeat)
        repeat = 1
    if pairs and len(out) < 2:
        return None  # "twenty one", "forty eight": a quantity, not digits
    digits = "".join(out)
    # One word alone is a count ("I have two cards"), not a digit string; "double seven" is.
    return digits if len(digits) >= 2 else None


def _zh_digits(run: str) -> str | None:
    if not any(ch in ZH_DIGITS for ch in run):
        return None  # plain ASCII digits: nothing to do
    if "两" in run and "幺" not in run:
        return None  # 两 is a count ("两张"); in a dictated number it comes with 幺
    return "".join(ZH_DIGITS.get(ch, ch) for ch in _PAUSE_CHARS.sub("", run))


def _with_check_x(text: str, end: int, digits: str) -> tuple[int, str]:
    """An ID number's X said after its 17 digits joins the run."""
    if len(digits) == ID_DIGITS and (m := _CHECK_X.match(text, end)):
        return m.end(), digits + "X"
    return end, digits


def spell_digits(text: str, *, join: bool = False) -> tuple[str, list[int]]:
    """(text with digit-word runs as digits, original offset of each new character; the
    map has one extra entry for the end). `join`: a Chinese run goes on across pauses.
    Full-width and other Unicode digits (１３８, an IME's default) read as ASCII ones."""
    text = fold_forms(text)  # one character for one: offsets stay the original's
    return _spelled(text, _en_pieces(text), join)


def spell_readings(text: str) -> list[tuple[str, list[int]]]:
    """`spell_digits(text, join=False)` and `(..., join=True)`: the English scan, the
    costly part (masking reads every log line both ways), done once for the two."""
    text = fold_forms(text)
    english = _en_pieces(text)
    return [_spelled(text, english, join) for join in (False, True)]


def _en_pieces(text: str) -> list[tuple[int, int, str]]:
    pieces = []
    for m in _EN_RUN.finditer(text):
        digits = _en_digits(m.group())
        if digits:
            pieces.append((m.start(), *_with_check_x(text, m.end(), digits)))
    for m in _SPACED_DIGITS.finditer(text):
        pieces.append((m.start(), m.end(), re.sub(r"[^0-9]", "", m.group())))
    return pieces


def _spelled(text: str, english: list[tuple[int, int, str]], join: bool) -> tuple[str, list[int]]:
    pieces = list(english)
    for m in (_ZH_JOINED_RUN if join else _ZH_RUN).finditer(text):
        digits = _zh_digits(m.group())
        if digits:
            pieces.append((m.start(), *_with_check_x(text, m.end(), digits)))
    if not pieces:  # most texts (every log line is read): no map to build char by char
        return text, list(range(len(text) + 1))
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


def digits_only(text: str, *, check_x: bool = False) -> str | None:
    """The whole answer as a digit string ("four three two one", "四三二一", "4 3 2 1",
    "一三八，一二三四，五六七八"), or None when it is not only digits and digit words.
    `check_x`: it may end in an ID number's X ("...零零二X", "...二叉")."""
    spelled, _ = spell_digits(text.strip(), join=True)
    compact = _PAUSE_CHARS.sub("", spelled.strip(" .。!！"))
    body = compact[:-1] if check_x and compact[-1:] in ("X", "x") else compact
    return compact.upper() if body and body.isdigit() and body.isascii() else None
