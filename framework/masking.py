"""PII masking for log lines and stored transcripts.

Customers' transcripts carry Chinese resident ID numbers, mainland mobile numbers, bank
cards and emails; none of them may reach a log file or a stored history in clear text.
`Masker.mask(text)` replaces each with a partially starred form that keeps just enough to
tell two values apart when reading a log (`138****5678`), never enough to reconstruct one.

Every form the slot types accept is recognised (see `framework.text_scan`): digits grouped
by any space, dash or ideographic space, full-width digits and `＠`, IDs with spaces. A
card number is masked whether or not it passes the Luhn check: a mistyped card is still
personal data. Masking is linear in the length of the text, whatever the text.

A number said digit by digit is recognised too, read by the slot extractors' own reader
(`framework.slots.digit_words.spell_digits`, never a second one): "一三八，一二三四，五六七八",
"幺幺零...二叉", "one three eight ...", mixed "138一二三四5678". The text is read three ways,
as `framework.slots.entities` reads it: as typed, with digit words piece by piece, and across
the pauses speech-to-text writes; a run of 11 or more digits in any reading is classified and
masked exactly as a typed one (`138****5678`, in place of the words). What stays words for the
extractors stays words here: 第一, 一下, 文三路, 一五一十, 三三两两, "one or two", 三千五.

`install_log_masking()` wraps the logging record factory, so *every* record is masked
when it is created, whichever handler (file, console, pytest's caplog) later formats it.
A handler-level `MaskingFilter` would miss handlers added after it was installed. The same
factory escapes control characters, so a sender or a message with a newline in it cannot
forge a second log line.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Iterable, NamedTuple

from framework.slots.digit_words import EN_DIGITS, may_spell, original_span, spell_digits, spell_readings
from framework.text_scan import digit_runs, find_emails, fold_forms

KINDS = ("id_number", "phone", "bank_card", "email", "secret")
_DIGIT_KINDS = frozenset(KINDS) - {"email", "secret"}
# A code the words before it name as secret: "my pin is 4321", "CVV: 123", "验证码是 834201", "密码123456"
# (a customer of session 26's trial typed a PIN; it was kept in clear in the stored history)
SECRET_RE = re.compile(
    r"(?:\b(?:pin(?:\s*(?:number|no\.?|code))?|passcode|password|passwd|pwd|cvv2?|cvc|security\s+code|otp"
    r"|one[- ]time\s+(?:pass)?code|verification\s+code"
    # "my secret code is 4821", "the 4 numbers I type at the ATM are 1234", "the code at the back is 482" were read as
    # a card's last four digits, read back and blocked (customer trial, session 33)
    r"|secret\s+(?:code|number|no\.?|digits)|(?:the\s+)?(?:4|four)\s+(?:numbers|digits)\s+i\s+(?:type|enter|put|use)"
    r"(?:\s+in)?\s+(?:at|on|in)\s+the\s+(?:atm|machine|cash\s+machine)|(?:the\s+)?(?:atm|cash\s+machine)\s+(?:code|number)"
    r"|(?:the\s+)?code\s+(?:at|on)\s+the\s+back(?:\s+of\s+(?:the|my)\s+card)?)\b"
    r"|支付密码|取款密码|服务密码|密码|验证码|动态码|校验码|安全码)"
    r"\s*(?:is|was|are|:|：|=|是|为)?\s*(?P<secret>[0-9０-９]{3,8})(?![0-9０-９])", re.IGNORECASE)


def secret_said(text: str) -> bool:
    """True when the text gives a PIN, password, CVV or one-time code (SECRET_RE)."""
    return bool(text) and SECRET_RE.search(text) is not None


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


_MOBILE = re.compile(r"(?:86|0086)?1[3-9][0-9]{9}")


def classify_digits(digits: str, grouped: bool = False) -> str | None:
    """What a run of digits (separators removed, maybe ending in X) may be, or None when
    it is too short to identify anyone. Runs of 11 to 12 digits are left alone unless they
    are a mobile number; from 13 digits on, every run is treated as personal: an 18-digit
    run is an ID number whatever its check digit, other lengths a card, Luhn or not. A
    `grouped` run (separators inside) of 12 digits may be a phone behind a stray digit
    ("选项1 13812345678"): masked too."""
    if len(digits) == 12 and grouped:
        return "bank_card"
    if _MOBILE.fullmatch(digits):
        return "phone"
    if len(digits) in (15, 18):
        return "id_number"
    if digits[-1] in "Xx":  # an X that does not end an ID number: classify the digits alone
        return classify_digits(digits[:-1]) if len(digits) > 1 else None
    if 13 <= len(digits) <= 19:
        return "bank_card"
    return "bank_card" if len(digits) > 19 else None  # an ID and a phone typed together, say


def _mask_digits(kind: str, digits: str) -> str:
    if kind == "phone":
        return digits[-11:-8] + "****" + digits[-4:]
    if kind == "id_number":
        return _star(digits, 3, 2)
    return "*" * (len(digits) - 4) + digits[-4:]


def _mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return local[:1] + "***@" + domain


class _Number(NamedTuple):
    """A number to mask: its span in the original text, its kind and its digits."""
    start: int
    end: int
    kind: str
    digits: str
    typed: bool = False  # read as typed (no digit words): never taken over by a longer reading


def _merged(kept: list[_Number], found: list[_Number]) -> list[_Number]:
    """`kept` (an earlier reading's numbers) with those of `found` that overlap none of
    them, or that cover all they overlap and read more digits ("一一零一 零五一九 ... 二x" is
    a 16-digit card piece by piece, an ID across pauses: the ID is masked whole). An ID and a
    phone said back to back stay two, not one 29-digit run. Both lists sorted, spans disjoint;
    one sweep, so a long text of numbers stays linear."""
    out, i = [], 0
    for number in found:
        while i < len(kept) and kept[i].end <= number.start:
            out.append(kept[i])
            i += 1
        j = i
        while j < len(kept) and kept[j].start < number.end:
            j += 1
        over = kept[i:j]
        # a number typed whole stays as typed: "张三 110105199003071239 一百五十八块" read 三 and 一 as digits
        # around the ID, and the complaint was stored as "张****************2391百五十八块" (trial, session 27)
        if not over or (number.start <= over[0].start and number.end >= over[-1].end
                         and len(number.digits) > sum(len(o.digits) for o in over)
                         and not any(o.typed for o in over)):
            out.append(number)
            i = j
    return out + kept[i:]


def _replace(text: str, numbers: list[_Number]) -> str:
    if not numbers:
        return text
    out, last = [], 0
    for number in numbers:
        out += [text[last:number.start], _mask_digits(number.kind, number.digits)]
        last = number.end
    out.append(text[last:])
    return "".join(out)


@dataclass(frozen=True)
class Masker:
    kinds: tuple[str, ...] = KINDS

    def __post_init__(self) -> None:
        unknown = [k for k in self.kinds if k not in KINDS]
        if unknown:
            raise ValueError(f"unknown PII kinds {unknown}; expected some of {list(KINDS)}")

    def mask(self, text: str) -> str:
        if not text:
            return text
        if _DIGIT_KINDS.intersection(self.kinds):
            text = self._mask_digit_runs(text)
        if "email" in self.kinds:
            text = self._mask_emails(text)
        if "secret" in self.kinds and SECRET_RE.search(text):
            text = SECRET_RE.sub(lambda m: m.group()[:m.start("secret") - m.start()] + "*" * len(m.group("secret")), text)
        return text

    def _mask_digit_runs(self, text: str) -> str:
        """The numbers of every reading masked, then the text read again: the digits a mask
        keeps (`138`, `5678`) could join digit words beside them into a number of another
        reading. Each pass that masks removes digits, so the passes end (two, in practice)."""
        while True:
            masked = _replace(text, self._numbers(text))
            if masked == text:
                return text
            text = masked

    def _numbers(self, text: str) -> list[_Number]:
        """The numbers to mask, sorted, none overlapping: read as typed, then with digit
        words piece by piece, then across pauses, as framework.slots.entities reads them."""
        found: list[_Number] = []
        readings: list[tuple[str, list[int] | None]] = [(fold_forms(text), None)]
        if may_spell(text):
            readings += spell_readings(text)
        for reading, offsets in readings:
            if offsets is not None and reading == readings[0][0]:
                continue  # no digit words read: the typed reading's numbers again
            numbers = []
            for run in digit_runs(reading):
                digits = "".join(ch for ch in run.group() if ch.isalnum())
                kind = classify_digits(digits, len(digits) < run.end() - run.start()) if len(digits) >= 11 else None
                if kind in self.kinds:
                    span = run.span() if offsets is None else original_span(offsets, *run.span(), reading, text)
                    numbers.append(_Number(*span, kind, digits, offsets is None))
            found = _merged(found, numbers)
        return found

    def _mask_emails(self, text: str) -> str:
        folded = fold_forms(text)
        out, last = [], 0
        for start, end in find_emails(folded):
            out.append(text[last:start])
            out.append(_mask_email(folded[start:end]))
            last = end
        if not out:
            return text
        out.append(text[last:])
        return "".join(out)

    def mask_tree(self, value: Any) -> Any:
        """Mask every string inside JSON-like data (dicts, lists); keys are left alone."""
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, dict):
            return {k: self.mask_tree(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.mask_tree(v) for v in value]
        return value


# In spelled text: the digits of a number and its pauses, maybe an ID's X read from 叉.
_TRAILING_DIGITS = re.compile(r"[0-9\s+,，、-]*[Xx]?$")
# A digit word cut in two ("ei" of eight, "doub" of double) ends no digit-word run.
_CUT_WORD = re.compile("(?<![A-Za-z])(?:" + "|".join(sorted(
    {w[:i] for w in (*EN_DIGITS, "double", "triple") for i in range(1, len(w))}, key=len, reverse=True)) + ")$",
    re.IGNORECASE)


def card_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each bank card number in `text`, as the log masking finds them."""
    return [(n.start, n.end) for n in Masker(kinds=("bank_card",))._numbers(text) if n.kind == "bank_card"]


def without_trailing_number(text: str) -> str:
    """`text` cut short (a log line's first characters) without the number it may end in,
    typed or said ("...138123", "...一三八一二三四", "...one three ei"): masking could not
    recognise half a number, and half is too much to show."""
    text = _CUT_WORD.sub("", text)
    spelled, offsets = spell_digits(text, join=True)
    m = _TRAILING_DIGITS.search(spelled)
    return text[:offsets[m.start()]] if m else text


# How far past a cut masked_prefix reads: a number that starts before the cut ends well
# within it (19 digits said as words with pauses are about 150 characters), and masking a
# backend's 5 MB error page whole, to show 40 characters of it, would cost seconds.
MASK_WINDOW = 4096


def masked_prefix(text: str, limit: int, more: str = "", masker: Masker | None = None) -> str:
    """At most `limit` characters of `text` for a log line or an error, masked before the
    cut: a number cut in half could not be recognised, and half is too much to show. Only
    `limit + MASK_WINDOW` characters are read; beyond them a number the cut goes through
    is dropped (without_trailing_number). `more` is appended when anything was cut."""
    window = text[:limit + MASK_WINDOW]
    masked = (masker or Masker()).mask(window)
    if len(masked) <= limit and len(window) == len(text):
        return masked
    kept = masked[:limit]
    return (without_trailing_number(kept) if len(window) < len(text) else kept) + more


# ID, phone and card numbers and secrets (no e-mail: an address is a detail a complaint may need)
_NUMBERS = Masker(kinds=("id_number", "phone", "bank_card", "secret"))


def mask_numbers(text: str) -> str:
    """`text` with its ID, phone and card numbers and secrets masked: what a free-text slot that is not
    `pii` keeps (framework.engine.context.TurnContext.set_slot)."""
    return _NUMBERS.mask(text)


def mask_values(text: str, values: Iterable[Any]) -> str:
    """Replace known secret values (e.g. the slots a domain marks `pii: true`, such as a
    name, which no pattern can recognise) by stars."""
    for value in values:
        if isinstance(value, str) and len(value) >= 2:
            text = text.replace(value, value[:1] + "*" * (len(value) - 1))
    return text


# C0 and C1 controls and the Unicode line and paragraph separators: anything a terminal or
# a log shipper may take for the end of a line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_control(m: re.Match) -> str:
    ch = m.group()
    return _ESCAPES.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")


def escape_control(text: str) -> str:
    """One log record, one line: control characters written as escapes (`\\n`)."""
    return _CONTROL.sub(_escape_control, text)


def escape_multiline(text: str) -> str:
    """A traceback keeps its lines, but every line after the first is indented, so no line
    of it can pass for a log record of its own (a record starts at column 0)."""
    lines = [escape_control(line) for line in text.split("\n")]
    return "\n".join(lines[:1] + [line if line[:1].isspace() else "  " + line for line in lines[1:]])


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
    record.msg, record.args = escape_control(masker.mask(message)), None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = escape_multiline(masker.mask(record.exc_text))
    if record.stack_info:
        record.stack_info = escape_multiline(masker.mask(record.stack_info))


_installed: dict[str, Any] = {}


def install_log_masking(masker: Masker | None = None) -> None:
    """Mask and escape every log record of this process from now on (idempotent)."""
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
