"""Rendering a response: pick a variant (seeded, so the engine stays pure) and fill in slots."""
from __future__ import annotations

import datetime as dt
import random
import re
import string
from typing import Any, Mapping

from framework.compile.machine import Assistant, Button, ResponseVariant
from framework.engine.builtin_responses import builtin_text
from framework.engine.results import Reply
from framework.response_urls import encoded, origin_fixed
from framework.slots.answers import language_key

_FORMATTER = string.Formatter()
# Python's standard format-spec mini-language, without nested {fields}:
# [[fill]align][sign][z][#][0][width][grouping][.precision][type]
_SPEC_RE = re.compile(
    r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d+)?[,_]?(?:\.(?P<precision>\d+))?[bcdeEfFgGnosxX%]?")
_FLOAT_TYPES = frozenset("eEfFgG%")
_MAX_WIDTH = 200  # a response is a chat message: "{x:99999999}" must not build a huge string


def choose_variant(variants: tuple[ResponseVariant, ...], channel: str | None, seed: str) -> ResponseVariant:
    """Channel-specific variants win on their channel; elsewhere the channel-less ones are used."""
    pool = [v for v in variants if channel is not None and v.channel == channel]
    if not pool:
        pool = [v for v in variants if v.channel is None] or list(variants)
    if len(pool) == 1:
        return pool[0]
    return random.Random(seed).choice(pool)  # str seeds hash with sha512: stable across runs


def _is_money(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == {"amount", "currency"}


# How a Chinese reply names a currency: "80元", not "80 CNY" (the code stays for the rest)
_CURRENCY_WORDS = {"zh": {"CNY": "元", "USD": "美元", "EUR": "欧元", "HKD": "港元", "JPY": "日元",
                          "GBP": "英镑", "TWD": "新台币", "MOP": "澳门元"}}


# ... and an English one, by its symbol: "$1,150" as the confirmation's "${amount.amount:,.2f}" writes
# it, not "1150 USD" (customer trial, session 20: "changed the amount to 500 USD" after "Send $500.00?")
_CURRENCY_SYMBOLS = {"en": {"USD": "$", "EUR": "€", "GBP": "£"}}
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _with_currency(amount: str, currency: str | None, language: str | None, formatted: bool = False) -> str:
    if not currency:
        return amount
    key = language_key(language) or ""
    symbol = _CURRENCY_SYMBOLS.get(key, {}).get(currency)
    if symbol:
        if not formatted and _PLAIN_NUMBER.fullmatch(amount):  # 1150 -> 1,150; 3.5 -> 3.50; a spec's as it is
            number = float(amount)
            amount = f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"
        return f"-{symbol}{amount[1:]}" if amount.startswith("-") else f"{symbol}{amount}"
    word = _CURRENCY_WORDS.get(key, {}).get(currency)
    return f"{amount}{word}" if word else f"{amount} {currency}"  # "80元" as Chinese writes it


def display_value(value: Any, language: str | None = None) -> str:
    """A value as a reply shows it: 50.0 as 50, a money slot as "50 USD" (in a Chinese
    assistant's replies "50美元", "80元", in an English one "$50", "€3.50", "£1,200": the
    currency as the reply's language writes it)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if _is_money(value):  # a money slot: "50 CNY", "$50"; {amount.currency} for the code alone
        return _with_currency(display_value(value["amount"]), value["currency"], language)
    return str(value)


# A date slot's value is an ISO date ("2026-12-05"); "{date:%A %-d %B}" formats it with
# strftime directives ("Saturday 5 December"; "%-d" / "%-m" drop the leading zero on any
# platform). DATE_FORMATS: how built-in replies show a date ("I've changed the date to ...").
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_DATE_SPEC = 64
DATE_FORMATS = {"zh": "%-m月%-d日", "en": "%A %-d %B"}


def format_date(value: str, spec: str) -> str | None:
    """An ISO date formatted with strftime directives; None when `value` is no ISO date."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value) or len(spec) > _MAX_DATE_SPEC:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    spec = spec.replace("%-d", str(day.day)).replace("%-m", str(day.month))
    return day.strftime(spec)


def display_date(value: str, language: str | None = None) -> str:
    """A date slot's value as built-in replies say it: "Saturday 5 December", "12月5日"."""
    spec = DATE_FORMATS.get(language_key(language) or "", DATE_FORMATS["en"])
    return format_date(value, spec) or str(value)


# "{id_number:masked}": an identifier shown as "110101********4514", the region and the last four for
# the customer to check, the rest starred ("请核对：张伟，身份证号 110101199003074514" showed it whole to
# anyone reading the screen: customer trial, session 25); a phone as "138****5678", other text with
# digits with all but its last four digits starred.
MASKED = "masked"
_ID_SHAPE = re.compile(r"\d{17}[\dXx]|\d{15}")
_PHONE_SHAPE = re.compile(r"1\d{10}")


def masked(text: str) -> str:
    """`text` with its digits starred as MASKED says (a value without digits as it is)."""
    compact = text.replace(" ", "")
    if _ID_SHAPE.fullmatch(compact):
        return compact[:6] + "*" * (len(compact) - 10) + compact[-4:]
    if _PHONE_SHAPE.fullmatch(compact):
        return compact[:3] + "****" + compact[-4:]
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    hidden = set(digits[:-4])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def shown(slot: Any, value: Any, language: str | None = None) -> str:
    """A slot's value as a built-in reply shows it: a date as people say it ("Saturday 5 December",
    "12月5日"), an ID or phone number masked as `{x:masked}` ("110105********002X", "138****5678"),
    anything else as `display_value`. "您说了不止一个手机号（15800001111、13812345678）" showed
    both numbers whole (customer trial, session 27)."""
    kind = getattr(slot, "type", None)
    if kind == "date" and isinstance(value, str):
        return display_date(value, language)
    if kind in ("id_number", "phone") and isinstance(value, str):
        return masked(value)
    return display_value(value, language)


def _formatted(value: Any, spec: str, language: str | None = None) -> str:
    """`value` formatted with a format spec ("{balance:.2f}", "{amount:,}"); a spec outside
    the standard mini-language, or one that does not fit the value's type ("{name:.2f}"
    for a text), falls back to the plain display."""
    if value is None:
        return ""
    if spec == MASKED:
        return masked(display_value(value, language))
    if spec and "%" in spec and isinstance(value, str):  # "{date:%A %-d %B}": "Saturday 5 December"
        day = format_date(value, spec)
        if day is not None:
            return day
    if _is_money(value) and spec:  # "{price:,.2f}" formats the amount: "3,500.00 CNY"
        return _with_currency(_formatted(value["amount"], spec), value["currency"], language, formatted=True)
    m = _SPEC_RE.fullmatch(spec) if spec else None
    if m is None or isinstance(value, bool) or any(
            int(n) > _MAX_WIDTH for n in (m.group("width"), m.group("precision")) if n):
        return display_value(value, language)
    if (isinstance(value, float) and value.is_integer() and m.group("precision") is None
            and spec[-1:] not in _FLOAT_TYPES):
        value = int(value)  # 2000.0 with "{amount:,}" reads "2,000", as display_value would
    try:
        return format(value, spec)
    except (TypeError, ValueError):
        return display_value(value, language)


def _lookup(slots: Mapping[str, Any], name: str) -> Any:
    """A dict lookup, key by key for "amount.currency": "{x.__class__}" is just unknown."""
    value = slots.get(name)
    if value is not None or "." not in name:
        return value
    head, *keys = name.split(".")
    value = slots.get(head)
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def interpolate(text: str, slots: Mapping[str, Any], *, url: bool = False, language: str | None = None) -> str:
    """Replace {slot} and {slot:spec} placeholders; unknown or unset slots become empty,
    '{{' is a brace.

    Only plain names are looked up, and `{slot.key}` only inside a mapping value (a money
    slot's `{amount.amount}` and `{amount.currency}`): no attribute access or indexing, so
    a response text can never reach into Python objects the way str.format would allow;
    conversions (!r) are ignored.

    `url`: `text` is an image's or attachment's URL, so a value placed after its scheme and
    host is percent-encoded and cannot leave its own segment (framework.response_urls).
    `language`: the reply's language, for how a money value names its currency (not in URLs).
    """
    try:
        parts = list(_FORMATTER.parse(text))
    except ValueError:
        return text  # unbalanced braces: say the text as written
    out, written = [], ""  # written: the template before the placeholder, as the validator reads it
    for literal, name, spec, _conv in parts:
        out.append(literal)
        written += literal
        if name is not None:
            value = _formatted(_lookup(slots, name.strip()), spec or "", None if url else language)
            out.append(encoded(value) if url and origin_fixed(written) else value)
            written += "{}"
    return "".join(out)


def render(assistant: Assistant, response: str, slots: Mapping[str, Any], *,
           channel: str | None = None, seed: str = "", buttons: tuple[Button, ...] = ()) -> Reply:
    """The domain's response `response`, else the engine's built-in one of that name
    (framework.engine.builtin_responses); `buttons` are used when the variant has none."""
    spec = assistant.responses.get(response)
    if spec is None or not spec.variants:
        text = builtin_text(response, assistant.language)
        if text is not None:
            return Reply(interpolate(text, slots, language=assistant.language), response, buttons)
        return Reply(text=response, response=response)  # the validator reports unknown names
    variant = choose_variant(spec.variants, channel, f"{seed}:{response}")
    attachment = (interpolate(variant.attachment, slots, url=True) if isinstance(variant.attachment, str)
                  else variant.attachment)
    return Reply(interpolate(variant.text, slots, language=assistant.language), response, variant.buttons or buttons,
                 image=interpolate(variant.image, slots, url=True) if variant.image else None,
                 attachment=attachment, custom=variant.custom)
