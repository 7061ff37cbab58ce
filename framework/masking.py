"""PII masking for log lines and stored transcripts.

Customers' transcripts carry Chinese resident ID numbers, mainland mobile numbers, bank
cards and emails; none of them may reach a log file or a stored history in clear text.
`Masker.mask(text)` replaces each with a partially starred form that keeps just enough to
tell two values apart when reading a log (`138****5678`), never enough to reconstruct one.

`install_log_masking()` wraps the logging record factory, so *every* record is masked
when it is created, whichever handler (file, console, pytest's caplog) later formats it.
A handler-level `MaskingFilter` would miss handlers added after it was installed.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

KINDS = ("id_number", "phone", "bank_card", "email")

# 18-digit resident ID (GB 11643): region, birth date 18xx-20xx, sequence, check digit.
# The check digit is not verified on purpose: a mistyped ID is still personal data.
_ID = re.compile(
    r"(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[0-9]{3}[0-9Xx](?![0-9])"
    # the old 15-digit form: region, yymmdd, sequence
    r"|(?<![0-9])[1-9][0-9]{5}[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}(?![0-9])"
)
# Mainland mobile numbers, optionally +86 / 0086 and spaced or dashed as 3-4-4.
_PHONE = re.compile(r"(?<![0-9])(?:(?:\+|00)86[- ]?)?1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}(?![0-9])")
# 13-19 digits, optionally grouped by spaces or dashes; masked only when Luhn-valid.
_CARD = re.compile(r"(?<![0-9])[0-9](?:[- ]?[0-9]){12,18}(?![0-9])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _star(value: str, keep_start: int, keep_end: int) -> str:
    hidden = len(value) - keep_start - keep_end
    if hidden <= 0:
        return "*" * len(value)
    return value[:keep_start] + "*" * hidden + value[len(value) - keep_end:]


def _mask_id(m: re.Match) -> str:
    return _star(m.group(0), 3, 2)


def _mask_phone(m: re.Match) -> str:
    digits = re.sub(r"[^0-9]", "", m.group(0))[-11:]
    return digits[:3] + "****" + digits[-4:]


def _mask_card(m: re.Match) -> str:
    digits = re.sub(r"[^0-9]", "", m.group(0))
    if not luhn_valid(digits):
        return m.group(0)
    return "*" * (len(digits) - 4) + digits[-4:]


def _mask_email(m: re.Match) -> str:
    local, _, domain = m.group(0).partition("@")
    return local[:1] + "***@" + domain


_RULES: dict[str, tuple[re.Pattern, Callable[[re.Match], str]]] = {
    # Order matters: an ID number is also 18 digits a card pattern could claim.
    "id_number": (_ID, _mask_id),
    "phone": (_PHONE, _mask_phone),
    "bank_card": (_CARD, _mask_card),
    "email": (_EMAIL, _mask_email),
}


@dataclass(frozen=True)
class Masker:
    kinds: tuple[str, ...] = KINDS

    def __post_init__(self) -> None:
        unknown = [k for k in self.kinds if k not in _RULES]
        if unknown:
            raise ValueError(f"unknown PII kinds {unknown}; expected some of {list(KINDS)}")

    def mask(self, text: str) -> str:
        if not text:
            return text
        for kind in self.kinds:
            pattern, replace = _RULES[kind]
            text = pattern.sub(replace, text)
        return text

    def mask_tree(self, value: Any) -> Any:
        """Mask every string inside JSON-like data (dicts, lists); keys are left alone."""
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, dict):
            return {k: self.mask_tree(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.mask_tree(v) for v in value]
        return value


def mask_values(text: str, values: Iterable[Any]) -> str:
    """Replace known secret values (e.g. the slots a domain marks `pii: true`, such as a
    name, which no pattern can recognise) by stars."""
    for value in values:
        if isinstance(value, str) and len(value) >= 2:
            text = text.replace(value, value[:1] + "*" * (len(value) - 1))
    return text


class MaskingFilter(logging.Filter):
    """Masks a record in place; for handlers that need it explicitly."""

    def __init__(self, masker: Masker | None = None) -> None:
        super().__init__()
        self.masker = masker or Masker()

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record, self.masker)
        return True


def mask_record(record: logging.LogRecord, masker: Masker) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: leave it to the formatter to report
        return
    record.msg, record.args = masker.mask(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = masker.mask(record.exc_text)
    if record.stack_info:
        record.stack_info = masker.mask(record.stack_info)


_installed: dict[str, Any] = {}


def install_log_masking(masker: Masker | None = None) -> None:
    """Mask every log record of this process from now on (idempotent)."""
    masker = masker or Masker()
    if _installed:
        _installed["masker"] = masker
        return
    previous = logging.getLogRecordFactory()
    _installed.update(masker=masker, previous=previous)

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        mask_record(record, _installed["masker"])
        return record

    logging.setLogRecordFactory(factory)


def uninstall_log_masking() -> None:
    if _installed:
        logging.setLogRecordFactory(_installed["previous"])
        _installed.clear()
