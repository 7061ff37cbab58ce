"""Identity-like values: Chinese resident ID numbers (GB 11643), mainland mobile numbers, emails."""
from __future__ import annotations

import datetime as dt
import re

from framework.text_scan import EMAIL_PATTERN

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"  # index: weighted sum mod 11 (ISO 7064 MOD 11-2)

# grouped as people type them ("110105 19491231 002x"): in a sentence it was read as an amount and
# a phone number made of its middle (customer trial, session 20)
ID_RE = re.compile(r"(?<![0-9A-Za-z])[1-9](?:[ -]?\d){16}[ -]?[\dXx](?![0-9A-Za-z])")
PHONE_RE = re.compile(r"(?<![\d+])(?:(?:\+|00)?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)")
# a run of digits from 1-9 (single spaces or hyphens between them, perhaps an X last; "0086
# 138…" is a phone number): one of an ID number's length (18 or 15) holds no phone number, checksum right or wrong ("身份证 110105
# 19800101 123X" heard "这看起来是手机号", customer trial, session 27)
_DIGIT_RUN_RE = re.compile(r"(?<![0-9A-Za-z])[1-9](?:[ -]?\d)*(?:[ -]?[Xx])?(?![0-9A-Za-z])")
# Not a plain regex: `[local]+@...` is quadratic on a long run of letters (see text_scan).
EMAIL_RE = EMAIL_PATTERN


def id_check_char(first17: str) -> str:
    """The 18th character of a resident ID number for its first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS))
    return ID_CHECK_CHARS[total % 11]


def id_shaped_spans(text: str) -> list[tuple[int, int]]:
    """Spans of digit runs in `text` of an ID number's length (18 with a last X, or 15),
    once spaces and hyphens are removed, valid or not."""
    return [m.span() for m in _DIGIT_RUN_RE.finditer(text)
            if len(re.sub(r"[ -]", "", m.group())) in (15, 18)]


def check_id_number(text: str, today: dt.date | None = None) -> tuple[str | None, str | None]:
    """(normalised value, None) or (None, why it is invalid). A birth date before 1900, or
    after `today` (the turn's date; not checked without one), is invalid."""
    value = re.sub(r"[\s-]", "", text).upper()
    if len(value) != 18:
        return None, f"an ID number has 18 characters, found {len(value)}"
    if not re.fullmatch(r"[1-9]\d{16}[\dX]", value):
        return None, "an ID number is 17 digits followed by a digit or X"
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None, "the birth date in the ID number is not a valid date"
    if birth.year < 1900:
        return None, "the birth date in the ID number is not a valid date"
    if today is not None and birth > today:
        return None, "the birth date in the ID number is in the future"
    if id_check_char(value[:17]) != value[17]:
        return None, "the ID number's check digit is wrong"
    return value, None


def check_phone(text: str) -> tuple[str | None, str | None]:
    digits = re.sub(r"[\s-]", "", text.strip())
    digits = re.sub(r"^(?:\+86|0086|86)(?=\d{11}$)", "", digits)
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        return digits, None
    return None, "a mobile number is 11 digits starting with 13-19"


def check_email(text: str) -> tuple[str | None, str | None]:
    value = text.strip()
    if EMAIL_RE.fullmatch(value):
        return value, None
    return None, "not an email address"
