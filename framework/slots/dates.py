"""Dates: ISO, 2024/5/1, 2024年5月1日, 5月1日, today/tomorrow, 今天/明天/后天; normalised to ISO.

Relative dates are resolved against a `today` argument so parsing stays a pure function.
"""
from __future__ import annotations

import datetime as dt
import re

from framework.slots.numerals import chinese_to_int

RELATIVE = {
    "today": 0, "tomorrow": 1, "yesterday": -1, "day after tomorrow": 2,
    "今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3, "昨天": -1, "前天": -2,
}
_N = r"(?:\d{1,2}|[零一二两三四五六七八九十]{1,3})"
DATE_RE = re.compile(
    r"(?P<iso>(?<!\d)\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d))"
    rf"|(?P<cn>(?:(?P<year>\d{{4}}|[零〇一二三四五六七八九]{{4}})年)?(?P<month>{_N})月(?P<day>{_N})[日号])"
    r"|(?P<rel>" + "|".join(sorted(map(re.escape, RELATIVE), key=len, reverse=True)) + ")",
    re.IGNORECASE,
)


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else chinese_to_int(text)


def _from_match(m: re.Match, today: dt.date) -> dt.date | None:
    try:
        if m.group("iso"):
            y, mo, d = re.split(r"[-/.]", m.group("iso"))
            return dt.date(int(y), int(mo), int(d))
        if m.group("cn"):
            year = _int(m.group("year")) if m.group("year") else today.year
            month, day = _int(m.group("month")), _int(m.group("day"))
            if year is None or month is None or day is None:
                return None
            return dt.date(year, month, day)
        return today + dt.timedelta(days=RELATIVE[m.group("rel").lower()])
    except ValueError:
        return None


def parse_date(text: str, today: dt.date) -> str | None:
    """The whole text as a date, ISO formatted, or None."""
    m = DATE_RE.fullmatch(text.strip())
    date = _from_match(m, today) if m else None
    return date.isoformat() if date else None


def find_dates(text: str, today: dt.date) -> list[tuple[int, int, str]]:
    found = []
    for m in DATE_RE.finditer(text):
        date = _from_match(m, today)
        if date:
            found.append((m.start(), m.end(), date.isoformat()))
    return found
