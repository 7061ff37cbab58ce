"""Bounds of date slots written relative to the turn's date: `max: today`, `min: -30d`.

A bound is `today`, an offset from today (`-30d`, `+2w`, `-6m`, `1y`: days, weeks, months,
years; no sign means later) or a fixed ISO date (`2024-01-01`). It is resolved against the
`today` the engine passes in, so a bound moves with the calendar and parsing stays pure.
"""
from __future__ import annotations

import datetime as dt
import re

_OFFSET_RE = re.compile(r"(?:today\s*)?(?P<sign>[+-])?\s*(?P<n>\d{1,5})\s*(?P<unit>[dwmy])", re.IGNORECASE)
EXPECTED = "'today', an offset such as -30d, +2w, -6m or 1y, or a date such as 2024-01-01"


def resolve(bound: object, today: dt.date) -> dt.date | None:
    """The date a bound means on `today`, or None when it is not a bound."""
    if isinstance(bound, dt.datetime):
        return bound.date()
    if isinstance(bound, dt.date):
        return bound
    if not isinstance(bound, str):
        return None
    text = bound.strip().lower()
    if text == "today":
        return today
    m = _OFFSET_RE.fullmatch(text)
    if m:
        n = int(m.group("n")) * (-1 if m.group("sign") == "-" else 1)
        unit = m.group("unit")
        if unit in "dw":
            return today + dt.timedelta(days=n * (7 if unit == "w" else 1))
        months = n * (12 if unit == "y" else 1)
        index = today.year * 12 + today.month - 1 + months
        year, month = divmod(index, 12)
        month += 1
        for day in (today.day, 30, 29, 28):  # 31 March - 1 month is the end of February
            try:
                return dt.date(year, month, day)
            except ValueError:
                continue
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def problem(bound: object) -> str:
    """Why a bound written in YAML is not one ('' when it is); checked by the validator."""
    return "" if resolve(bound, dt.date(2000, 1, 31)) is not None else EXPECTED
