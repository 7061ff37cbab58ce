"""Numbers written in Arabic digits ("1,000", "2.5", "3万") or Chinese numerals ("十二", "两千零五")."""
from __future__ import annotations

import re

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
          "七": 7, "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6,
          "柒": 7, "捌": 8, "玖": 9}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}
CHINESE_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS)

# An Arabic number: thousands separators, optional decimals, optional 万/千/亿 multiplier.
ARABIC = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[万萬千亿])?"
ARABIC_RE = re.compile(ARABIC)
CHINESE_RE = re.compile(f"[{CHINESE_CHARS}]+(?:点[{''.join(DIGITS)}]+)?")


def chinese_to_int(text: str) -> int | None:
    """'十二' -> 12, '两千零五' -> 2005, '一亿二千万' -> 120000000, '二零二四' -> 2024."""
    if not text or any(ch not in DIGITS and ch not in SMALL_UNITS and ch not in BIG_UNITS for ch in text):
        return None
    if all(ch in DIGITS for ch in text):  # digit by digit: 二零二四
        return int("".join(str(DIGITS[ch]) for ch in text))
    total = section = number = 0
    previous_was_unit = False
    for ch in text:
        if ch in DIGITS:
            number = DIGITS[ch]
            previous_was_unit = False
        elif ch in SMALL_UNITS:
            if number == 0 and ch in "十拾":
                number = 1  # 十二 = 12
            elif number == 0 and previous_was_unit is False and section == 0 and total == 0:
                return None  # 百 alone is not a number
            section += number * SMALL_UNITS[ch]
            number = 0
            previous_was_unit = True
        else:
            section += number
            if section == 0 and total == 0:
                return None
            total = (total + section) * BIG_UNITS[ch] if BIG_UNITS[ch] > 10_000 else total + section * BIG_UNITS[ch]
            section = number = 0
            previous_was_unit = True
    return total + section + number


def parse_number(text: str) -> float | int | None:
    """A whole string as a number (int when integral), or None."""
    text = text.strip()
    if ARABIC_RE.fullmatch(text):
        multiplier = 1
        if text[-1] in "万萬千亿":
            multiplier = {"万": 10_000, "萬": 10_000, "千": 1000, "亿": 100_000_000}[text[-1]]
            text = text[:-1]
        try:
            value = float(text.replace(",", "")) * multiplier
        except ValueError:
            return None
        return int(value) if value.is_integer() else value
    if CHINESE_RE.fullmatch(text):
        whole, _, frac = text.partition("点")
        integer = chinese_to_int(whole)
        if integer is None:
            return None
        if frac:
            return float(f"{integer}.{''.join(str(DIGITS[c]) for c in frac)}")
        return integer
    return None


def find_numbers(text: str) -> list[tuple[int, int, float | int]]:
    """(start, end, value) for every number in a longer utterance."""
    found = []
    for regex in (ARABIC_RE, CHINESE_RE):
        for m in regex.finditer(text):
            value = parse_number(m.group())
            if value is not None:
                found.append((m.start(), m.end(), value))
    return sorted(found)
