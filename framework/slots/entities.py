"""Pattern-based entity extraction for typed slots (like Rasa's RegexEntityExtractor/Duckling).

This finds values *inside* a longer utterance ("我叫张三，身份证110...，手机138...") so one
message can fill several slots. It is not intent classification: intents come only from the
trained model. Extractors run in priority order and a span already claimed by a more specific
extractor (an ID number's digits) is not reused by a general one (numbers).
"""
from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from dataclasses import replace

from framework.compile.machine import Assistant, Slot
from framework.nlu.interface import Entity
from framework.slots.context import context_entities, from_user
from framework.slots.dates import MONTHS_EN, day_first, find_dates
from framework.slots.digit_words import original_span, spell_readings
from framework.slots.identity import (EMAIL_RE, ID_RE, PHONE_RE, check_email, check_id_number, check_phone,
                                      id_shaped_spans)
from framework.slots.mapping import GENERIC_EXTRACTORS
from framework.slots.memo import IdentityMemo
from framework.slots.money import find_money
from framework.slots.patterns import EntityPatterns
from framework.slots.number_labels import card_end, named_otherwise
from framework.slots.numerals import chinese_to_int, find_numbers, numeral_slips
from framework.slots.values import compiled_pattern, choices_of, parse_value

# GENERIC_EXTRACTORS (framework.slots.mapping): extractors whose values cannot tell which of
# several same-typed slots they belong to: the engine uses their entities only for the slot
# it is collecting. "amount" is a bare number for a money slot ("三千五"); "money" has a
# currency in the words ("$50") and fills its slot whatever is being asked. Its value is
# the canonical text ("50 USD"), which the engine parses with the slot's own rules.

# Slot types whose numbers the words before them may name as another kind of number
# ("订单号是510107…" has an ID number's shape).
_NAMED_KINDS = frozenset({"regex", "integer", "number", "id_number"})

_ORDER = ("id_number", "phone", "email", "date", "regex", "categorical", "money", "integer", "number")


def _entity_name(slot: Slot) -> str:
    return slot.entity or slot.name


def _matches(pattern: re.Pattern, check, text: str):
    for m in pattern.finditer(text):
        value, error = check(m.group())
        if error is None:
            yield m.start(), m.end(), value


def _search_pattern(pattern: str) -> re.Pattern:
    """A slot's full-match pattern made searchable inside a sentence: drop ^/$ anchors and
    forbid letters or digits right next to the match."""
    core = pattern[1:] if pattern.startswith("^") else pattern
    if core.endswith("$") and not core.endswith("\\$"):
        core = core[:-1]
    return compiled_pattern(rf"(?<![A-Za-z0-9])(?:{core})(?![A-Za-z0-9])")


def _choice_words(slot: Slot) -> tuple[tuple[str, str, re.Pattern], ...]:
    """(word lower-cased, canonical value, its search pattern) of every choice and synonym,
    longest first."""
    words = [(w, value) for value, synonyms in choices_of(slot).items() for w in (value, *synonyms) if w]
    return tuple((word.lower(), value, re.compile(re.escape(word.lower())))
                 for word, value in sorted(words, key=lambda item: -len(item[0])))


_CJK_WORD = re.compile(r"[\u4e00-\u9fff]{3,}")
# What Chinese puts between a verb and its object: a measure word ("换个套餐", "办一张卡")
# and an attribute ending in 的 ("换个便宜点的套餐", "换个不限流量的套餐"), or either alone;
# never a clause break or other words ("换手机的话套餐", "不换，套餐挺好" stay no match).
_GAP = r"(?:一?[个张下]|一下|成)?(?:[\u4e00-\u9fff]{1,5}?的)?"


def _gapped_words(slot: Slot) -> tuple[tuple[str, re.Pattern], ...]:
    """(canonical value, pattern) for each choice or synonym of three or more Chinese
    characters read as a verb and its object with words between them: "换套餐" in
    "我想换个便宜点的套餐" (a customer trial of session 14 filled no business from it)."""
    out = []
    for value, synonyms in choices_of(slot).items():
        for word in (value, *synonyms):
            if word and _CJK_WORD.fullmatch(word):
                out.append((value, re.compile(rf"{re.escape(word[0])}({_GAP}){re.escape(word[1:])}")))
    return tuple(out)


_gapped_words_of = IdentityMemo(_gapped_words)


def _gapped(slot: Slot, text: str, taken: list[tuple[int, int]]):
    for value, pattern in _gapped_words_of(slot):
        for m in pattern.finditer(text):
            start, end = m.span()
            if not m.group(1):
                continue  # no gap: the word as written, matched already
            if not any(start < e and s < end for s, e in taken):
                taken.append((start, end))
                yield start, end, value


# Once per Slot object, not per message (framework.slots.memo; a hot reload's new slots
# start afresh): a categorical slot runs on every message, most of its words absent.
_choice_words_of = IdentityMemo(_choice_words)


def _categorical(slot: Slot, text: str):
    lowered = text.lower()
    taken: list[tuple[int, int]] = []
    for w, value, pattern in _choice_words_of(slot):
        if w not in lowered:
            continue
        ascii_word = w.isascii()
        for m in pattern.finditer(lowered):
            # ASCII choices ("50", "gold") must stand alone: "50" is not inside "150".
            if ascii_word and (
                (m.start() > 0 and lowered[m.start() - 1].isascii() and lowered[m.start() - 1].isalnum())
                or (m.end() < len(lowered) and lowered[m.end()].isascii() and lowered[m.end()].isalnum())
            ):
                continue
            # ... and a choice that starts or ends with a digit never sits inside a longer number: "99元" of
            # "199元的套餐" opened an account on plan 99 (customer trial, session 35)
            if ((w[:1].isdigit() and m.start() > 0 and lowered[m.start() - 1].isdigit())
                    or (w[-1:].isdigit() and m.end() < len(lowered) and lowered[m.end()].isdigit())):
                continue
            taken.append(m.span())
            yield m.start(), m.end(), value
    yield from _gapped(slot, lowered, taken)


def _spelled(find, text: str):
    """`find`'s (start, end, value) in `text`, and in it with digit words as digits ("four
    three two one", "幺三八..."), spans mapped back to `text`; a spelled match overlapping
    an earlier one is not repeated. Runs are read piece by piece first, then across the
    pauses speech-to-text writes ("一三八，一二三四，五六七八"; framework.slots.digit_words)."""
    plain = list(find(text))
    for spelled, offsets in spell_readings(text):
        if spelled == text:
            continue
        for start, end, value in find(spelled):
            start, end = original_span(offsets, start, end, spelled, text)
            if not any(start < e and s < end for s, e, _ in plain):
                plain.append((start, end, value))
    return sorted(plain, key=lambda c: c[0])


def _candidates(slot: Slot, text: str, language: str, today: dt.date):
    kind = slot.type
    if kind == "id_number":  # "订单号是510107…" is no ID number
        return [c for c in _spelled(lambda t: _matches(ID_RE, lambda v: check_id_number(v, today), t), text)
                if not named_otherwise(slot, text, c[0], language, c[1])]
    if kind == "phone":  # none inside a run of digits of an ID number's length, valid or not
        return _spelled(lambda t: [(s, e, v) for s, e, v in _matches(PHONE_RE, check_phone, t)
                                   if not any(a <= s and e <= b for a, b in id_shaped_spans(t))], text)
    if kind == "email":
        return _matches(EMAIL_RE, check_email, text)
    if kind == "date":
        # Out of bounds ("max: today" and 明天): not this slot's value, unless the slot has a
        # range_error to say why (the engine stores it nowhere and says it,
        # framework.engine.slot_filling).
        return ((start, end, value) for start, end, value in (_in_bounds_reading(slot, text, f, language, today)
                                                              for f in find_dates(text, today))
                if _understood(parse_value(slot, value, language, today=today)))
    if kind == "money":
        found = [(m.start, m.end, m.text()) for m in find_money(text) if _understood(parse_value(slot, m.text(), language))]
        return found + _zero_clauses(slot, text, language)
    if kind == "regex":
        pattern = _search_pattern(slot.options.get("pattern", ""))
        # "send 1000 dollars": digits written with a currency are an amount, not the four
        # digits of a card (the regex slots run before money, _ORDER)
        amounts = [(m.start, m.end) for m in find_money(text) if " " in m.text()]
        return ((start, end, value) for start, end, value in
                _spelled(lambda t: ((m.start(), m.end(), m.group()) for m in pattern.finditer(t)), text)
                if not any(s <= start and end <= e and (s, e) != (start, end) for s, e in amounts)
                # "I live at 1234 Elm Street", "the 1530 bus": no card's digits (customer trial, session 29)
                if not named_otherwise(slot, text, start, language, end))
    if kind == "categorical":
        return list(_categorical(slot, text)) + _months(slot, text, today)
    if kind in ("integer", "number"):
        return (
            (start, end, value) for start, end, value in find_numbers(text)
            if parse_value(slot, str(value), language).ok and not named_otherwise(slot, text, start, language, end)
            and not _in_foreign_amount(slot, text, start, end)
        )
    return ()  # text slots: context templates (below); boolean: the whole utterance when collected


# A month named alone (not a date: "12月5日", "12月份的5号"): "12月的账单", "11月份", "十一月", "in November"
_MONTH_ZH = re.compile(r"(?<![\d一二三四五六七八九十])(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月(?:份)?(?![\d一二三四五六七八九十]+\s*[号日])")
_MONTH_EN = re.compile(r"\b(?P<en>" + "|".join(sorted(MONTHS_EN, key=len, reverse=True)) + r")\b(?!\s*\d)", re.IGNORECASE)


def _months(slot: Slot, text: str, today: dt.date) -> list:
    """A month named in the message, as the choice the slot's `months` gives that month counted from today."""
    offsets = {offset: choice for choice, offset in (slot.options.get("months") or {}).items()}
    if not offsets:
        return []
    found = []
    for m in _MONTH_ZH.finditer(text):
        said = m.group("m")
        found.append((m.start(), m.end(), int(said) if said.isdigit() else chinese_to_int(said)))
    for m in _MONTH_EN.finditer(text):
        found.append((m.start(), m.end(), MONTHS_EN[m.group("en").lower()]))
    out = []
    for start, end, month in found:
        offset = month - today.month
        if offset > 0:
            offset -= 12  # a month after this one is last year's
        if offset in offsets:
            out.append((start, end, offsets[offset]))
    return out


_CLAUSES = re.compile(r"[^，,。.!！;；、\s]+")


def _zero_clauses(slot: Slot, text: str, language: str) -> list:
    """A clause that is one of the slot's `zero_words`, inside a longer message: "张三，1101…，没有损失"
    at the name question (the loss was asked again: customer trial, session 26), as zero in the
    slot's currency (a value naming its slot, not a bare amount)."""
    words = slot.options.get("zero_words") or ()
    currency = slot.options.get("currency")
    if not words or not currency:
        return []
    specific = {w.lower() for w in words if len(w) >= 3}  # "没有损失", not a bare "没有" (a no to anything)
    # ... or a clause holding one of four characters or more, with no digit and no "不是" before it: "…钱后来退回来了，所以
    # 没有经济损失，我叫许晴" (the loss was asked again: customer trial, session 35)
    long = [w for w in specific if len(w) >= 4]
    found = []
    for m in _CLAUSES.finditer(text):
        clause = m.group().lower()
        if m.group() == text.strip() or any(ch.isdigit() for ch in clause):
            continue
        if clause in specific:
            found.append((m.start(), m.end(), f"0 {currency}"))
            continue
        at = next((clause.find(w) for w in long if w in clause), -1)
        if at >= 0 and not re.search(r"(?:不是|并非|not)\s*$", clause[:at]):
            found.append((m.start(), m.end(), f"0 {currency}"))
    return found


def _in_bounds_reading(slot: Slot, text: str, found: tuple[int, int, str], language: str,
                       today: dt.date) -> tuple[int, int, str]:
    """A slash date whose first reading (month first) the slot's bounds refuse, read day first when
    they allow that ("on 10/12" for a transfer within 30 days, said on 5 December: 10 December)."""
    start, end, value = found
    if parse_value(slot, value, language, today=today).ok:
        return found
    other = day_first(text, start, end, today)
    if other is not None and parse_value(slot, other, language, today=today).ok:
        return start, end, other
    return found


def _understood(parsed) -> bool:
    """A valid value, or one out of bounds whose slot says so (its range_error)."""
    return parsed.ok or parsed.response is not None


class _Claims:
    """Spans sorted by start, so the ones near a candidate are found by binary search (a
    5000-character message of numbers stays fast, not quadratic)."""

    def __init__(self):
        self.starts: list[int] = []
        self.spans: list[tuple[int, int, str]] = []
        self.longest = 0

    def add(self, start: int, end: int, kind: str) -> None:
        i = bisect.bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.spans.insert(i, (start, end, kind))
        self.longest = max(self.longest, end - start)

    def near(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """Every span that may overlap [start, end) (and perhaps a few that do not)."""
        lo = bisect.bisect_left(self.starts, start - self.longest)
        return self.spans[lo:bisect.bisect_left(self.starts, end)]


def _named(extractor: str, value) -> str:
    """A money value without a currency ("3500", not "50 USD") is a bare amount: generic."""
    return "amount" if extractor == "money" and " " not in str(value) else extractor


def _introduced(assistant: Assistant, slot: Slot, text: str, candidates, extractor: str, today) -> set:
    """Spans of bare numbers that the slot's context templates introduce ("损失大概[三千五](loss)"
    -> "损失大概三千五"): they name their slot, so they are context entities, not generic ones
    that only the slot being asked may take."""
    if extractor == "context" or slot.type not in ("integer", "number", "money"):
        return set()
    spans = [(s, e) for s, e, _ in context_entities(assistant, slot, text, today=today)]
    return {(start, end) for start, end, value in candidates
            if _named(extractor, value) in GENERIC_EXTRACTORS
            if any(s <= start and end <= e for s, e in spans)
            or (slot.type == "money" and (_PAY_SOMEONE.search(text, max(0, start - 48), start)
                                          or _TO_PAYEE_AFTER.match(text, end)))}


# "pay Will 45", "send Hope 45 on friday", "give my mum 30" asked "How much would you like to send?" (customer trial,
# session 38; "send 50 to Sarah" was read): a bare number right after paying (someone) is the amount
_PAY_SOMEONE = re.compile(r"\b(?:[Pp]ay|[Ss]end|[Tt]ransfer|[Ww]ire)\s+\$?$"  # "pay 45 to Will" too
                          r"|\b(?:[Pp]ay|[Ss]end|[Tt]ransfer|[Gg]ive|[Ww]ire)\s+"
                          r"(?:[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+)?|him|her|them|"
                          r"(?:my|our) (?:mum|mom|dad|brother|sister|son|daughter|wife|husband|friend|landlord|cousin|"
                          r"aunt|uncle|nan|gran|boss|neighbour|neighbor|partner))\s+\$?$")


# "and 2k to Carl Meyer", "and 2000 to Carl Meyer" right after a transfer asked "How much would you like to send?" (customer
# trial, session 47): a bare number before "to" and a payee is the amount
_TO_PAYEE_AFTER = re.compile(r"\s*(?:dollars?|bucks|usd|quid)?\s+to\s+(?:[A-Z][a-z'-]+|(?:my|our)\s+[a-z]+|him|her|them)\b")


def _ordered_slots(assistant: Assistant) -> tuple[Slot, ...]:
    """The slots users may fill, most specific extractor first (_ORDER)."""
    return tuple(sorted((s for s in assistant.slots.values() if from_user(s)),
                        key=lambda s: _ORDER.index(s.type) if s.type in _ORDER else 99))


_slots_in_order = IdentityMemo(_ordered_slots)


def extract_entities(assistant: Assistant, text: str, today: dt.date | None = None, *,
                     patterns: EntityPatterns | None = None) -> tuple[Entity, ...]:
    """Every typed value found in `text`, one Entity per slot it could fill, by start offset.
    Slots marked `from_user: false` are never looked for. `patterns` (imported regexes and
    lookup tables, framework.slots.patterns; by default the domain's `rasa_nlu:` ones) add
    their entities where no slot's own extractor already found a value at the same place."""
    today = today or dt.date.today()
    text = numeral_slips(text)  # "五十久": 五十九, one character for one (offsets hold)
    patterns = assistant.entity_patterns if patterns is None else patterns
    claimed = _Claims()
    found: list[Entity] = []
    for slot in _slots_in_order(assistant):
        extractor = "number" if slot.type == "integer" else slot.type
        candidates = list(_candidates(slot, text, assistant.language, today))
        if not candidates and slot.type != "boolean":
            # Text slots, and typed ones whose pattern found nothing ("我叫张三", "名字是..."):
            # the words around a value in the annotated examples.
            extractor = "context"
            candidates = context_entities(assistant, slot, text, today=today)
        introduced = _introduced(assistant, slot, text, candidates, extractor, today)
        accepted, taken = [], _Claims()
        for start, end, value in candidates:
            # A span overlapping one claimed by an earlier (more specific) extractor is
            # skipped; two slots of the same type may both take the same span.
            if any(start < c_end and c_start < end and kind != extractor
                   and not (extractor == "context" and kind in GENERIC_EXTRACTORS)  # 张三 is no number
                   and kind != "amount"  # a bare amount may as well be a count: 三张
                   # "send 1000 to Dad": four digits a card pattern took are an amount as well (the amount
                   # was dropped and asked again: customer trial, session 26); the engine picks the slot
                   and not (kind == "regex" and slot.type in ("money", "integer", "number")
                            and text[c_start:c_end].isdigit()
                            and ((start, end) in introduced
                                 # "now send another 1000 to Oscar Reyes" lost its amount (customer trial, s45)
                                 or (slot.type == "money" and MONEY_VERB_BEFORE.search(text, max(0, start - 40), start))))
                   for c_start, c_end, kind in claimed.near(start, end)):
                continue
            if any(start < a_end and a_start < end for a_start, a_end, _ in taken.near(start, end)):
                continue
            if slot.type == "money" and (pronoun_one(text, start, end) or counts_things(text, start, end)):
                continue
            accepted.append((start, end, value))
            taken.add(start, end, "")
        # Context templates are learnt per role ("from [London] to [Tokyo]"): their
        # entities carry the slot's role and group, so they fill that slot alone.
        mapping = slot.entity_mappings()[0]
        for start, end, value in accepted:
            named = "context" if (start, end) in introduced else _named(extractor, value)
            role = (mapping.role, mapping.group) if named == "context" else (None, None)
            found.append(Entity(_entity_name(slot), value, text[start:end], start, end, named, None, *role))
        for s, e, v in accepted:
            claimed.add(s, e, _named(extractor, v))
    if patterns is not None:
        found += [e for e in patterns.extract(text)
                  if not any(e.start < f.end and f.start < e.end and f.entity == e.entity for f in found)]
    return tuple(sorted(found, key=lambda e: (e.start, e.entity)))


# A money verb right before a number: "send another 1000", "pay them the other 2000"
MONEY_VERB_BEFORE = re.compile(r"\b(?:send|sent|pay|paid|transfer|wire|give|put)\b(?:\s+(?:him|her|them|me|it|another|an|extra|further"
                   r"|additional|the|other|remaining|rest|again|just|only|over))*\s+$", re.IGNORECASE)


# Currencies a number slot reads with its number ("500 dollars", "3500元": framework.slots.values)
_NUMBER_CURRENCIES = frozenset({"USD", "CNY"})


@functools.lru_cache(maxsize=64)
def _amounts(text: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((m.start, m.end, m.currency) for m in find_money(text) if m.currency)


def _foreign(slot: Slot, currency: str) -> bool:
    if slot.type == "money":
        wanted = slot.options.get("currency")
        return bool(wanted) and currency != wanted
    if slot.type in ("integer", "number"):
        return currency not in _NUMBER_CURRENCIES
    return slot.type == "regex"  # "send 1000 rs": no card's four digits


def _in_foreign_amount(slot: Slot, text: str, start: int, end: int) -> bool:
    return any(s <= start and end <= e and _foreign(slot, currency) for s, e, currency in _amounts(text))


def in_foreign_amount(slot: Slot, text: str, entity: Entity) -> bool:
    """Whether `entity` is (part of) an amount said in a currency `slot` does not take: "500" of "500
    rand", "R500" (customer trial, session 27: "500 ZAR" was refused and the model's bare "500" then
    filled the USD amount as $500). The slot takes no number of it; a money slot refuses the amount
    itself (its own extractor's entity, parsed as usual). For number, money and pattern slots only."""
    if slot.type not in ("money", "integer", "number", "regex") or not text:
        return False
    if slot.type == "money" and entity.extractor == "money":
        return False
    return _in_foreign_amount(slot, text, entity.start, entity.end)


def unnamed_numbers(assistant: Assistant, text: str, learnt) -> tuple[Entity, ...]:
    """The model's entities less the numbers the words before them name as another kind
    than their slot's ("my reference number is [9981]" tagged card_last4;
    framework.slots.number_labels): the pattern extractors above drop those already. A money span holds its amount
    only (_money_core)."""
    by_entity = {_entity_name(s): s for s in assistant.slots.values()}
    learnt = [_money_core(e) if getattr(by_entity.get(e.entity), "type", None) == "money" else e for e in learnt]
    return tuple(e for e in learnt
                 if not (e.entity in by_entity and by_entity[e.entity].type in _NAMED_KINDS
                         and named_otherwise(by_entity[e.entity], text, e.start, assistant.language, e.end))
                 and not (e.entity in by_entity and by_entity[e.entity].type == "money"
                          and (card_end(text, e.start, assistant.language) or pronoun_one(text, e.start, e.end))))


def _money_core(entity: Entity) -> Entity:
    """"and another 1000 to her brother Luis Lopez too" tagged "another 1000", no amount, and the transfer asked how much
    (customer trial, session 44): words before the one amount of a money span are left out of it (what they say, such
    as "another" at a read-back, is read around it: framework.slots.relative_amounts)."""
    from framework.slots.money import find_money

    found = find_money(entity.text)
    if len(found) != 1 or found[0].start == 0 or found[0].end != len(entity.text.rstrip()):
        return entity
    if any(ch.isdigit() for ch in entity.text[:found[0].start]):
        return entity
    kept = entity.text[found[0].start:found[0].end]
    start = entity.start + found[0].start
    return replace(entity, value=kept if entity.value == entity.text else entity.value, text=kept, start=start,
                   end=start + len(kept))


# "wait is there a fee for the new one? 😬" at a block's read-back: the model tagged "one" as an amount, and the
# question was queued as a transfer (customer trial, session 40): "one" after a determiner or an adjective stands
# for a thing, no number
_ONE_AS_PRONOUN = re.compile(r"\b(?:the|a|an|new|old|other|this|that|which|another|same|right|wrong|first|last|next"
                             r"|replacement|only|each|every|no|any|blue|black|red|gold|silver|green|virtual|physical"
                             r"|debit|credit|main|current|previous|older|newer|expired|lost|stolen)\s+$", re.IGNORECASE)


# "one more thing" at the amount question sent $1 on (customer trial, session 47): a number word that counts things
# ("one more thing", "two questions", "one sec") is no amount
_COUNTED = re.compile(r"\s+(?:(?:more|last|other|quick|small|little|of my|of the|different)\s+)?(?:things?|questions?|requests?|quer(?:y|ies)"
                      r"|secs?|seconds?|moments?|minutes?|mins?|hours?|days?|weeks?|months?|years?|times?|cards?|people|persons?"
                      r"|transfers?|payments?|accounts?|problems?|issues?|of (?:them|those|these|my|the))\b", re.IGNORECASE)


def counts_things(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]`, a number in words, counts the things named after it ("one more thing"), no amount."""
    return not any(ch.isdigit() for ch in text[start:end]) and _COUNTED.match(text, end) is not None


def pronoun_one(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` is "one" standing for a thing ("the new one"), no number."""
    return text[start:end].strip().lower() == "one" and _ONE_AS_PRONOUN.search(text, 0, start) is not None
