"""Money: an amount and its currency, found in text ("$50", "50 dollars", "三块五", "￥3500",
"fifty euros", "50美元"). Pure.

A money slot's value is `{"amount": 3.5, "currency": "CNY"}` (JSON, so it is stored as it is).
The currency comes from the words (￥/元/块/$/dollars/USD/欧元 ...); an amount said without
one ("三千五") takes the slot's `currency` option, or stays `None` when the slot has none.
A slot with a `currency` refuses an amount in another currency: it is never converted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from framework.slots.numerals import (ENGLISH_SCALES, ENGLISH_TENS, ENGLISH_UNITS, MEASURE_WORDS, Quantity,
                                      normalise_digits, parse_number, scan)

# Symbols and codes written before the amount.
PREFIXES = {"￥": "CNY", "¥": "CNY", "rmb": "CNY", "cny": "CNY", "us$": "USD", "$": "USD", "usd": "USD",
            "hk$": "HKD", "hkd": "HKD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP", "jpy": "JPY",
            # "transfer rupees five thousand" was read as $5,000 and refused as over the limit (customer
            # trial, session 25): a currency the slot does not take is said so
            "₹": "INR", "rs": "INR", "rs.": "INR", "inr": "INR", "rupees": "INR", "₱": "PHP", "php": "PHP",
            "₦": "NGN", "ngn": "NGN", "zar": "ZAR", "a$": "AUD", "aud": "AUD", "c$": "CAD", "cad": "CAD",
            "j$": "JMD", "jmd": "JMD", "s$": "SGD", "sgd": "SGD", "nz$": "NZD", "nzd": "NZD", "tt$": "TTD",
            "au$": "AUD", "ca$": "CAD"}
# Words written after it. 块 and 毛 are read by the numerals with the amount, which know
# that 两块蛋糕 is two pieces; 元 is here too for "3500 元".
SUFFIXES = {"元人民币": "CNY", "人民币": "CNY", "元": "CNY", "rmb": "CNY", "cny": "CNY",
            "yuan": "CNY", "美元": "USD", "美金": "USD", "dollars": "USD", "dollar": "USD", "bucks": "USD", "buck": "USD",
            "usd": "USD", "欧元": "EUR", "euros": "EUR", "euro": "EUR", "eur": "EUR", "英镑": "GBP",
            "pounds": "GBP", "pound": "GBP", "quid": "GBP", "gbp": "GBP", "港币": "HKD", "港元": "HKD", "hkd": "HKD",
            "日元": "JPY", "yen": "JPY", "jpy": "JPY", "rupees": "INR", "rupee": "INR", "inr": "INR",
            "pesos": "PHP", "peso": "PHP", "php": "PHP", "naira": "NGN", "ngn": "NGN", "rand": "ZAR", "zar": "ZAR",
            "rs": "INR",  # "send 1000 rs to Anil" (session 27's trial: a card's four digits, no word of dollars)
            # misspelt: "snd 30 dolars to jake" lost the amount (customer trial, session 28)
            "dolars": "USD", "dolar": "USD", "dollers": "USD", "doller": "USD", "dollas": "USD",
            "aud": "AUD", "australian dollars": "AUD", "cad": "CAD", "canadian dollars": "CAD",
            # "500 Jamaican dollars" was taken as US$500 and sent (customer trial, session 25): other dollars
            **{f"{country} {unit}": code for country, code in (
                ("jamaican", "JMD"), ("australian", "AUD"), ("aussie", "AUD"), ("canadian", "CAD"),
                ("singapore", "SGD"), ("singaporean", "SGD"), ("hong kong", "HKD"), ("new zealand", "NZD"),
                ("nz", "NZD"), ("kiwi", "NZD"), ("trinidad", "TTD"), ("tt", "TTD"), ("barbados", "BBD"),
                ("bajan", "BBD"), ("bahamian", "BSD"), ("namibian", "NAD"), ("fijian", "FJD"), ("guyanese", "GYD"),
                ("belize", "BZD"), ("east caribbean", "XCD"), ("ec", "XCD"), ("taiwan", "TWD"), ("liberian", "LRD"),
                ("us", "USD"), ("u.s.", "USD"), ("american", "USD"))
               for unit in ("dollars", "dollar", "bucks")}}


def _alternatives(words) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


_PREFIX_RE = re.compile(rf"(?:(?<![A-Za-z])(?:{_alternatives(PREFIXES)}))\s*$", re.IGNORECASE)
_SUFFIX_RE = re.compile(rf"\s*(?:{_alternatives(SUFFIXES)})(?![A-Za-z])", re.IGNORECASE)


@dataclass(frozen=True)
class Money:
    start: int
    end: int
    amount: int | float
    currency: str | None

    def value(self) -> dict:
        return {"amount": self.amount, "currency": self.currency}

    def text(self) -> str:
        """The canonical text ("50 USD", "3500"), which `parse_money` reads back."""
        return f"{self.amount} {self.currency}" if self.currency else str(self.amount)


# A currency word taken back at once: "forty two quid, sorry dollars" was refused as pounds (found by hand,
# session 27); "五十英镑 不对 人民币"
_CURRENCY_FIX_RE = re.compile(
    # "one thousand rupees no sorry dollars" (customer trial, session 37: two words of it)
    r"\s*[,;.\-–—，、]?\s*(?:(?:(?:sorry|oops|no|nope|wait|er+m*|um+|uh+)\b[,!.]?\s*)+(?:(?:i\s+)?mean(?:t)?\s+)?"
    r"|(?:i\s+)?mean(?:t)?\s+|(?:哦|噢|啊)?(?:不对|不是|说错了|错了)[,，、]?\s*(?:是)?)"
    rf"(?P<currency>{_alternatives(SUFFIXES)})(?![A-Za-z])", re.IGNORECASE)


def _with_currency(text: str, q: Quantity) -> Money:
    start, end, currency = q.start, q.end, q.currency
    after = _SUFFIX_RE.match(text, end)
    if after and currency in (None, SUFFIXES[after.group().strip().lower()]):  # 3500元人民币
        end, currency = after.end(), SUFFIXES[after.group().strip().lower()]
        fixed = _CURRENCY_FIX_RE.match(text, end)
        if fixed:
            end, currency = fixed.end(), SUFFIXES[fixed.group("currency").lower()]
    before = _PREFIX_RE.search(text[max(0, start - 12):start])  # "rupees five thousand"
    if before:
        symbol = before.group().strip().lower()
        if currency is None or currency == PREFIXES[symbol]:  # "$50 USD" is fine, "$50元" is not one currency
            start, currency = start - len(before.group()), PREFIXES[symbol]
    return Money(start, end, q.value, currency)


# Hundredths said after the amount: "50 dollars and 50 cents", "$5 and 20 cents", "3 pounds 20
# pence", "twelve dollars fifty"; and "50 cents" / "20p" alone (never 50 dollars).
_HUNDREDTHS = frozenset({"USD", "EUR", "HKD", "GBP"})  # currencies whose hundredths are said this way
_UNIT_CURRENCY = {"cent": None, "cents": None, "pence": "GBP", "p": "GBP"}  # None: any of the others
_UNIT_RE = re.compile(r"\s*(?P<unit>cents?|pence|p)(?![A-Za-z])", re.IGNORECASE)
_JOIN_RE = re.compile(r"\s*,?\s*(?:and\s+)?", re.IGNORECASE)
# a bare number after "12 dollars" is its cents only where the amount ends there ("12 dollars
# 50 to Bob"; not "20 dollars 3 days from now")
_ENDS_RE = re.compile(r"\s*(?:$|[,.;!?，。！？]|(?:to|for|please|today|tomorrow|now|and|thanks?)\b)", re.IGNORECASE)


def _unit(text: str, q: Quantity) -> re.Match | None:
    unit = _UNIT_RE.match(text, q.end)
    return unit if unit and isinstance(q.value, int) and 0 < q.value < 100 else None


def _hundredths(text: str, found: list[Money], quantities: list[Quantity]) -> list[Money]:
    out: list[Money] = []
    i = 0
    while i < len(found):
        money, q = found[i], quantities[i]
        nxt = quantities[i + 1] if i + 1 < len(quantities) else None
        unit = _unit(text, q) if money.currency is None else None
        if unit:  # "50 cents", "20p": hundredths of the currency the slot takes (pence: pounds)
            currency = _UNIT_CURRENCY[unit.group("unit").lower()]
            out.append(Money(money.start, unit.end(), round(q.value / 100, 2), currency))
            i += 1
            continue
        if (nxt is not None and money.currency in _HUNDREDTHS and isinstance(money.amount, int)
                and _JOIN_RE.fullmatch(text, money.end, nxt.start) and isinstance(nxt.value, int)
                and 0 < nxt.value < 100 and found[i + 1].currency is None):
            unit = _unit(text, nxt)
            fits = unit is not None and _UNIT_CURRENCY[unit.group("unit").lower()] == (
                "GBP" if money.currency == "GBP" else None)
            said_as_word = text[q.end:money.end].strip() != ""  # "12 dollars 50", not "$12 50"
            if fits or (unit is None and said_as_word and _ENDS_RE.match(text, nxt.end)):
                end = unit.end() if unit else nxt.end
                out.append(Money(money.start, end, round(money.amount + nxt.value / 100, 2), money.currency))
                i += 2
                continue
        out.append(money)
        i += 1
    return out


# Euros written the European way, a comma before the cents: "12,50 €", "€ 1.234,56", "7,99
# euros" (only beside a euro sign or word: "1,500 dollars" is fifteen hundred). Read as two
# numbers, "12,50 €" was 50 euros.
_EURO_DECIMAL_RE = re.compile(
    r"(?P<pre>€\s?|eur\s)?(?<![\d.,])(?P<int>\d{1,3}(?:\.\d{3})+|\d+),(?P<dec>\d{2})(?![\d,.])"
    r"(?P<post>\s?(?:€|euros?|eur)(?![A-Za-z]))?", re.IGNORECASE)


# ... and a comma before exactly two digits in any currency ("quiero send 12,50 dollars to Pedro" sent $50: customer
# trial, session 30): two digits after a comma are no group of thousands
_OTHER_DECIMAL_RE = re.compile(
    r"(?P<pre>\$\s?|£\s?|usd\s|gbp\s)?(?<![\d.,])(?P<int>\d{1,3}(?:\.\d{3})+|\d+),(?P<dec>\d{2})(?![\d,.])"
    r"(?P<post>\s?(?:dollars?|bucks|usd|pounds?|quid|gbp|元|块|rmb|yuan)(?![A-Za-z]))?", re.IGNORECASE)
_DECIMAL_CURRENCY = {"$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "bucks": "USD", "£": "GBP",
                     "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "quid": "GBP", "元": "CNY", "块": "CNY",
                     "rmb": "CNY", "yuan": "CNY"}


def _euro_decimals(text: str) -> list[Money]:
    found = [Money(m.start(), m.end(), _amount(m.group("int").replace(".", "") + "." + m.group("dec")), "EUR")
             for m in _EURO_DECIMAL_RE.finditer(text) if m.group("pre") or m.group("post")]
    for m in _OTHER_DECIMAL_RE.finditer(text):
        if not (m.group("pre") or m.group("post")) or any(f.start < m.end() and m.start() < f.end for f in found):
            continue  # a currency beside it, as for euros ("send 1,50 to bob" stays two numbers)
        word = (m.group("pre") or m.group("post") or "").strip().lower()
        found.append(Money(m.start(), m.end(), _amount(m.group("int").replace(".", "") + "." + m.group("dec")),
                           _DECIMAL_CURRENCY.get(word)))
    return sorted(found, key=lambda f: f.start)


def _amount(digits: str) -> int | float:
    value = float(digits)
    return int(value) if value.is_integer() else value


# A number that counts something else is no amount of money: "断网一个月损失了两千" read "一" (of
# 一个月) as a second amount beside 两千 and the loss was left unfilled; "3 months", "两次".
_MONEY_MEASURES = set("块元圆角毛分")
# ... and "pay two suppliers today: 400 to Acme Flour Ltd and 350 to Bob's Plumbing" read "two" as a third amount, so the
# two payments were asked one by one and the second lost (customer trial, session 43): things and people counted
_COUNTED_EN_RE = re.compile(r"\s*(?:months?|days?|weeks?|years?|hours?|minutes?|times|people|persons?|calls?|texts?"
                            r"|(?:sim )?cards|accounts|payments|transfers|bills|invoices|things|items|kids|children|sons"
                            r"|daughters|friends|guys|staff|phones|sims|numbers|lines|orders|questions|requests|ways"
                            r"|(?!cents\b)[a-z]+(?:ers|ors|ees|ants|ents|ists))\b", re.IGNORECASE)


def _counts_something(text: str, q: Quantity) -> bool:
    if q.currency is not None:
        return False
    after = text[q.end:q.end + 2]
    if after[:1] in _MONEY_MEASURES or _SUFFIX_RE.match(text, q.end):
        return False  # "700人民币": 人 is a counter of people too (customer trial, session 29: no amount)
    return after[:1] in MEASURE_WORDS or after in MEASURE_WORDS or bool(_COUNTED_EN_RE.match(text, q.end))


# Amounts the numerals do not read, all in another currency than US dollars or yuan (customer
# trial, session 27: "send R500 to Sipho" and "1 lakh" were no amount or one US dollar, "200AUD"
# none): a code glued to the digits ("R500", "Rs500", "ZAR500", "200AUD", "1000rs"), Indian
# numbering ("1,00,000"; "1 lakh" = 100000 and "1 crore" = 10000000, rupees unless the words
# name another currency). Each is an amount with its currency, so a slot in another currency
# refuses it and none of its digits is left over as a bare number.
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_GLUED_PREFIXES = {k: v for k, v in PREFIXES.items() if k.rstrip(".").isalpha()}
_GLUED_SUFFIXES = {k: v for k, v in SUFFIXES.items() if k.isascii() and k.isalpha()}
_INDIAN_SCALES = {"lakh": 100_000, "lakhs": 100_000, "lac": 100_000, "lacs": 100_000, "crore": 10_000_000,
                  "crores": 10_000_000}
_GLUED_BEFORE_RE = re.compile(
    rf"(?<![A-Za-z0-9.,$])(?:(?i:(?P<code>{_alternatives(_GLUED_PREFIXES)}))|(?P<rand>R ?|r))(?P<num>{_NUM})"
    r"(?![A-Za-z0-9]|[.,]\d)")
_GLUED_AFTER_RE = re.compile(
    rf"(?<![A-Za-z0-9.,])(?P<num>{_NUM})(?P<code>{_alternatives(_GLUED_SUFFIXES)})(?![A-Za-z])", re.IGNORECASE)
_INDIAN_GROUPS_RE = re.compile(r"(?<![\d.,])\d{1,2},(?:\d{2},)+\d{3}(?:\.\d+)?(?![\d]|[.,]\d)")
_SCALE_AFTER_RE = re.compile(rf"\s*(?:{_alternatives(_INDIAN_SCALES)})(?![A-Za-z])", re.IGNORECASE)
_A_SCALE_RE = re.compile(rf"(?<![A-Za-z])an?\s+(?P<scale>{_alternatives(_INDIAN_SCALES)})(?![A-Za-z])",
                         re.IGNORECASE)


def _decimal(digits: str) -> Decimal:
    return Decimal(digits.replace(",", ""))


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _written(text: str) -> list[Quantity]:
    """The amounts above, as quantities with their currency (lakh and crore ones below)."""
    found = [Quantity(m.start(), m.end(), _number(_decimal(m.group("num"))),
                      PREFIXES[m.group("code").lower()] if m.group("code") else "ZAR")
             for m in _GLUED_BEFORE_RE.finditer(text)]
    found += [Quantity(m.start(), m.end(), _number(_decimal(m.group("num"))), SUFFIXES[m.group("code").lower()])
              for m in _GLUED_AFTER_RE.finditer(text)]
    found += [Quantity(m.start(), m.end(), _number(_decimal(m.group())), "INR")
              for m in _INDIAN_GROUPS_RE.finditer(text)]
    found += [Quantity(m.start(), m.end(), _INDIAN_SCALES[m.group("scale").lower()], "INR")
              for m in _A_SCALE_RE.finditer(text)]
    kept: list[Quantity] = []
    for q in sorted(found, key=lambda q: (q.start, -q.end)):  # of overlapping ones, the first
        if not kept or kept[-1].end <= q.start:
            kept.append(q)
    return kept


def _in_lakhs(text: str, q: Quantity) -> Quantity:
    """"1 lakh", "2.5 crore", "ten lakh": the number times its scale, in rupees."""
    scale = _SCALE_AFTER_RE.match(text, q.end)
    if scale is None or q.currency not in (None, "INR"):
        return q
    value = _decimal(str(q.value)) * _INDIAN_SCALES[scale.group().strip().lower()]
    return Quantity(q.start, scale.end(), _number(value), "INR")


_SCALE_END_RE = re.compile(rf"(?:{_alternatives(_INDIAN_SCALES)})$", re.IGNORECASE)
_AND_RE = re.compile(r"\s*(?:and\s+)?", re.IGNORECASE)


def _joined_lakhs(text: str, quantities: list[Quantity]) -> list[Quantity]:
    """"2 lakh 50 thousand", "1 crore 20 lakh": one amount, no bare number left after the first part."""
    out: list[Quantity] = []
    for q in quantities:
        last = out[-1] if out else None
        scale = _SCALE_END_RE.search(text, last.start, last.end) if last is not None else None
        if (scale and q.currency in (None, "INR") and q.value < _INDIAN_SCALES[scale.group().lower()]
                and _AND_RE.fullmatch(text, last.end, q.start) and not _GLUED_BEFORE_RE.match(text, q.start)):
            out[-1] = Quantity(last.start, q.end, _number(_decimal(str(last.value)) + _decimal(str(q.value))), "INR")
        else:
            out.append(q)
    return out


# Thousands written with dots, as much of Europe and Latin America writes them: "send 1.000 to Fatima" was
# offered as $1.00 (customer trial, session 29). A dot and exactly three digits, once or more ("2.500",
# "10.000", "1.250.000"), and no other dot or digit after: no one writes one dollar as "1.000", amounts
# have two decimals ("12.50", "$1.00", "1.5", "0.75" and "0.500", with no thousand to count, stay
# decimals). One group of three that does not end in 0 stays a decimal too: "25.999" is refused as finer
# than a cent and asked again (session 12), not guessed as $25,999; sums written in thousands are round.
# A comma and two digits after are the cents, the European way: "1.000,50" is 1000.50 (beside a euro
# sign or word _euro_decimals reads it first, in euros).
_DOTTED_RE = re.compile(r"(?<![A-Za-z\d.,])(?P<int>[1-9]\d{0,2}(?:\.\d{3})+)(?:,(?P<dec>\d{2}))?(?!\d|[.,]\d)")


def _dotted_thousands(text: str) -> list[Quantity]:
    return [Quantity(m.start(), m.end(), _number(Decimal(f"{m.group('int').replace('.', '')}.{m.group('dec') or 0}")))
            for m in _DOTTED_RE.finditer(text)
            if m.group("int").count(".") > 1 or m.group("int").endswith("0") or m.group("dec")]


# Hundreds said as two numbers, as Americans say amounts: "send two fifty to my mum" (250), "one fifty",
# "three-fifty", "two fifty five" (255) were no amount (customer trial, session 29). The first number is
# one to nineteen, the second twenty to ninety-nine: "twelve fifty" is 1250 too, how a transfer amount
# is said ("the rent is twelve fifty"); a price of $12.50 is said so as well, but a transfer of $12.50
# is rarer than one of $1,250 and the confirmation shows the figure; "twelve dollars fifty" stays 12.50
# (_hundredths). "seventy five fifty" (a number before) is left unread: 7550? 75.50? Only in a money
# context, for "two thirty" is a time as often: right after send / transfer / pay ... (up to three words
# between, "send my mum two fifty"), before a currency word ("two fifty dollars", "three-fifty bucks"),
# or as the whole text (the answer to "How much would you like to send?", or the model's amount span).
_TEEN_WORDS = {w: v for w, v in ENGLISH_UNITS.items() if 1 <= v <= 19}
_ONE_WORDS = {w: v for w, v in ENGLISH_UNITS.items() if 1 <= v <= 9}
_NUMBER_WORDS = _alternatives([*ENGLISH_UNITS, *ENGLISH_TENS, *ENGLISH_SCALES])
# The second number may be ten to nineteen as well, or "oh" and a digit: "make it one fifteen" (115) was no
# amount and the correction asked what to change (hand tries, session 39); "two oh five" is 205.
_TEN_TO_NINETEEN = {w: v for w, v in ENGLISH_UNITS.items() if 10 <= v <= 19}
_SAID_HUNDREDS_RE = re.compile(
    rf"(?<![\w-])(?P<h>{_alternatives(_TEEN_WORDS)})(?:\s+|-)"
    rf"(?:(?P<t>{_alternatives(ENGLISH_TENS)})(?:(?:\s+|-)(?P<u>{_alternatives(_ONE_WORDS)}))?"
    rf"|(?P<tn>{_alternatives(_TEN_TO_NINETEEN)})|(?:oh|o)(?:\s+|-)(?P<oh>{_alternatives(_ONE_WORDS)}))(?![\w-])",
    re.IGNORECASE)
# a number right before ("seventy five fifty", "100 two fifty") or after ("two fifty thousand", "two fifty
# and five"), a time ("two fifty pm") or cents ("two fifty cents"): no hundreds said so
_NUMBER_BEFORE_RE = re.compile(rf"(?:\d|(?<![\w-])(?:{_NUMBER_WORDS}|point|and))[\s,-]*$", re.IGNORECASE)
_NOT_HUNDREDS_AFTER_RE = re.compile(
    rf"[\s-]*(?:\d|(?:{_NUMBER_WORDS}|point|and\s+(?:{_NUMBER_WORDS}|\d)|cents?|pence|p|am|pm|o'?clock)(?![\w-])"
    r"|[ap]\.m\.?)", re.IGNORECASE)
_MONEY_VERB_BEFORE_RE = re.compile(
    # "please put one fifty in my son's account" sent $50 (customer trial, session 45)
    r"(?<![\w-])(?:send|sending|transfer|transferring|pay|paying|wire|wiring|give|lend|loan|move|withdraw|deposit|put|putting"
    r"|make\s+it|change\s+it\s+to|amount(?:\s+(?:is|of|to))?:?)"
    r"(?:\s+(?!(?:at|on|by|in|until|till|before|after|from|around)\b)[A-Za-z'.]+){0,3}\s+$", re.IGNORECASE)


def _said_in_money_context(text: str, m: re.Match) -> bool:
    return (_MONEY_VERB_BEFORE_RE.search(text, 0, m.start()) is not None
            or _SUFFIX_RE.match(text, m.end()) is not None
            or text[:m.start()].strip(" \t,.!?") == "" and text[m.end():].strip(" \t,.!?") == "")


def _said_hundreds(text: str) -> list[Quantity]:
    found = []
    for m in _SAID_HUNDREDS_RE.finditer(text):
        if (_NUMBER_BEFORE_RE.search(text, 0, m.start()) or _NOT_HUNDREDS_AFTER_RE.match(text, m.end())
                or not _said_in_money_context(text, m)):
            continue
        h, t, u, tn, oh = (m.group(g).lower() if m.group(g) else None for g in ("h", "t", "u", "tn", "oh"))
        rest = ENGLISH_TENS[t] + (_ONE_WORDS[u] if u else 0) if t else _TEN_TO_NINETEEN[tn] if tn else _ONE_WORDS[oh]
        found.append(Quantity(m.start(), m.end(), _TEEN_WORDS[h] * 100 + rest))
    return found


def _overlaps(q, others) -> bool:
    return any(q.start < o.end and o.start < q.end for o in others)


# "make it a buck fifty" was read as $50 (customer trial, session 37): "a buck" is one, as "two bucks fifty" is 2.50
_A_BUCK = re.compile(r"\b[Aa](?= bucks?\b)")


def find_money(text: str) -> list[Money]:
    """Every amount in `text`, with its currency when the words give one; numbers that count
    something else ("一个月", "3 days") are none."""
    text = _A_BUCK.sub("1", normalise_digits(text))  # one character for one: the offsets hold
    euros = _euro_decimals(text)
    written = [w for w in _written(text) if not _overlaps(w, euros)]
    written += [q for q in _dotted_thousands(text) + _said_hundreds(text) if not _overlaps(q, euros + written)]
    taken = euros + written
    quantities = sorted([_in_lakhs(text, q) for q in scan(text)
                         if not any(q.start < e.end and e.start < q.end for e in taken)
                         and not _counts_something(text, q)] + written, key=lambda q: q.start)
    quantities = _joined_lakhs(text, quantities)
    found = _hundredths(text, [_with_currency(text, q) for q in quantities], quantities)
    return sorted(found + euros, key=lambda m: m.start) if euros else found


def parse_money(text: str, default_currency: str | None = None) -> Money | None:
    """The whole text as an amount of money ("$50", "三块五", "3500", "50 USD"), or None."""
    text = normalise_digits(text.strip())
    found = find_money(text)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(text):
        money = found[0]
    else:
        value = parse_number(text)  # "-5", a lone "三"
        if value is None:
            return None
        money = Money(0, len(text), value, None)
    if money.currency is None and default_currency:
        money = Money(money.start, money.end, money.amount, default_currency)
    return money


# A currency alone, as a reply to "the amount in US dollars, please" after an amount in another currency was refused:
# "oops sorry i meant dollars", "no, dollars", "in USD please", "我说的是人民币"
_CURRENCY_MEANT_RE = re.compile(
    r"^\s*(?:(?:oops|oh|ah|sorry|no|nope|wait|er+m*|um+|uh+|my bad|i\s+mean[t]?|i\s+said|in|it'?s|its|it\s+is|"
    r"哦|噢|啊|不对|不是|抱歉|我说的是|我是说|说错了|是)[\s,.!，。！、]*)*"
    rf"(?P<currency>{_alternatives(SUFFIXES)}|{_alternatives(PREFIXES)})"
    r"[\s,.!，。！]*(?:please|pls|plz|of course|obviously|sorry|吧|啊|的|呀)?[\s,.!，。！]*$", re.IGNORECASE)


def currency_meant(text: str) -> str | None:
    """The currency a message says and nothing else of substance ("oops sorry i meant dollars" -> "USD"), or None."""
    m = _CURRENCY_MEANT_RE.match(text)
    if not m:
        return None
    word = m.group("currency").lower()
    return SUFFIXES.get(word) or PREFIXES.get(word)
