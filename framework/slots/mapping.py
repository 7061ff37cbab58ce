"""Which slots an entity fills, and which entity wins when several fill one slot. Pure.

Mapping (a slot's `mappings:`, Rasa's `from_entity`; docs/DESIGN.md, "Slots from entities"):
an entity fills a slot when its name is a mapping's entity and its role and group are the
mapping's; a mapping without a role takes only entities without one (as Rasa). One
relaxation: the rule-based extractors find no roles, so an entity without a role or group
fills a role-mapped slot when that slot is the one being collected: the question ("Where
are you flying from?") gives the role.

The combine rule, when several entities of one message would fill the same slot:

    rank 0  a validated pattern value: ID number (check digit), phone, e-mail, date, money
            with a currency, a regex or categorical slot's own pattern or choices, an
            imported regex or lookup table, a button payload;
    rank 1  a learnt span (extractor "model");
    rank 2  a context template's guess ("我叫[张三](name)");
    rank 3  a bare number or amount (generic: it could be any number slot's).

The lowest rank wins; within a rank the later entity (as the message reads). Why: a
pattern value has passed a check the model never makes (a GB 11643 check digit, a date
that exists), so a learnt span that disagrees with it is the likelier error; the model was
trained on the very annotations the context templates are read from, but sees the whole
sentence rather than a fixed left and right context; a bare number names no slot at all.
A learnt span that overlaps a validated pattern value of another entity is dropped too:
"11010519491231002X" is an ID number, whatever the model tags it. So is a context template's
guess that is only a number where another extractor read that number as another entity:
"change the amount to 900" gave the recipient "900" from the template "to [X](recipient)"
(customer trial, session 16; the transfer went to "900"). So is any value but a
validated pattern one that cuts a number short: its edge falls between two numeral characters
of a longer value that another extractor read for the same entity (the model's "三千" of
"大概三千五", which the context template reads as 3500; a context template's "50" of the
model's "-50", which is out of bounds and said so).
"""
from __future__ import annotations

import bisect

from dataclasses import replace

from framework.compile.machine import Slot
from framework.nlu.interface import Entity

MODEL_EXTRACTOR = "model"
CONTEXT_EXTRACTOR = "context"
GENERIC_EXTRACTORS = frozenset({"number", "amount"})

PATTERN_RANK, MODEL_RANK, CONTEXT_RANK, GENERIC_RANK = 0, 1, 2, 3


def rank(entity: Entity) -> int:
    if entity.extractor == MODEL_EXTRACTOR:
        return MODEL_RANK
    if entity.extractor == CONTEXT_EXTRACTOR:
        return CONTEXT_RANK
    if entity.extractor in GENERIC_EXTRACTORS:
        return GENERIC_RANK
    return PATTERN_RANK


def fills(slot: Slot, entity: Entity, collecting: str | None) -> bool:
    """True when `entity` is one of `slot`'s mappings (see the module doc)."""
    for m in slot.entity_mappings():
        if m.entity != entity.entity:
            continue
        if m.role == entity.role and m.group == entity.group:
            return True
        if entity.role is None and entity.group is None and slot.name == collecting:
            return True
    return False


# Characters of a written number: digits (ASCII and full-width), Chinese numerals, and a sign
# ("50" of "-50" drops the minus that made the amount out of bounds).
_NUMERAL = frozenset("0123456789０１２３４５６７８９.,零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟-−+")


def _cuts_a_number(entity: Entity, other: Entity, text: str) -> bool:
    """`entity`'s span lies inside `other`'s, longer, and one of its edges splits a numeral."""
    if not (other.start <= entity.start and entity.end <= other.end) or \
            (other.start, other.end) == (entity.start, entity.end):
        return False
    inner = text[entity.start:entity.end]
    if not inner:
        return False
    left = entity.start > other.start and text[entity.start - 1] in _NUMERAL and inner[0] in _NUMERAL
    right = entity.end < other.end and text[entity.end] in _NUMERAL and inner[-1] in _NUMERAL
    return left or right


def _is_numeral(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and all(ch in _NUMERAL or ch.isspace() for ch in stripped)


def cut_before_pattern(entity: Entity, entities: tuple[Entity, ...], text: str) -> Entity:
    """A learnt span whose end runs into a validated pattern value of another entity, cut before
    it: "send 50 dolars to [Ramesh Gupta tmrw](recipient)" lost the recipient whole, since "tmrw" is a
    date (customer trial, session 27); now "Ramesh Gupta" is kept and "tmrw" is the date. Only when
    the other value starts after a word of the span and what is left has two letters or more; else
    the span as it is (and `overruled` drops it)."""
    if entity.extractor != MODEL_EXTRACTOR or not text:
        return entity
    for other in entities:
        if (rank(other) == PATTERN_RANK and other.entity != entity.entity
                and entity.start < other.start < entity.end and text[other.start - 1:other.start].isspace()):
            kept = text[entity.start:other.start].rstrip(" ,;")
            if sum(ch.isalpha() for ch in kept) >= 2:
                return replace(entity, value=kept, text=kept, end=entity.start + len(kept))
    return entity


class Overlaps:
    """The entities touching a span, found by binary search: every rule of `overruled` compares overlapping spans
    only, and comparing each entity with all of them was quadratic (a 5,000-character message of numbers: 1.8 s of
    a 3.5 s turn, session 31's hostile-input check)."""

    def __init__(self, entities) -> None:
        self.by_start = sorted(entities, key=lambda e: e.start)
        self.starts = [e.start for e in self.by_start]
        self.longest = max((e.end - e.start for e in self.by_start), default=0)

    def around(self, entity: Entity) -> list[Entity]:
        lo = bisect.bisect_left(self.starts, entity.start - self.longest)
        hi = bisect.bisect_right(self.starts, entity.end)
        return [o for o in self.by_start[lo:hi] if o.end >= entity.start]


def overruled(entity: Entity, entities: tuple[Entity, ...], text: str = "", numeric: bool = False) -> bool:
    """A learnt span overlapping a validated pattern value of another entity; a context
    template's guess that is only a number, which another extractor read as another entity;
    or any value
    but a validated pattern one that cuts short a number another extractor read for the same
    entity (`text`: the message)."""
    if rank(entity) == PATTERN_RANK:
        return False
    learnt = entity.extractor == MODEL_EXTRACTOR
    bare_number = entity.extractor == CONTEXT_EXTRACTOR and _is_numeral(entity.text)
    return any(
        (learnt and rank(other) == PATTERN_RANK and other.entity != entity.entity
         and other.start < entity.end and entity.start < other.end
         # "send 1000 to Dad": bare digits a card pattern matched overrule no learnt amount (`numeric`: the
         # entity fills a number slot; session 26)
         and not (numeric and other.extractor == "regex" and other.text.isdigit()))
        or (bare_number and other.extractor != CONTEXT_EXTRACTOR and other.entity != entity.entity
            and other.start < entity.end and entity.start < other.end
            # "send 1234 to Bob Marley": the template's amount stands against digits a card pattern read
            # (customer trial, session 27: the amount was asked again)
            and not (numeric and other.extractor == "regex" and other.text.isdigit()))
        or (text and other.extractor != entity.extractor and other.entity == entity.entity
            and _cuts_a_number(entity, other, text))
        # "transfer half a grand to Mike": the model's "a grand" inside the amount read whole ($500) sent $1,000
        # (customer trial, session 29, second round): a learnt part of an amount the readers took whole is none
        or (learnt and _reads_an_amount(other) and other.entity == entity.entity
            and other.start <= entity.start and entity.end <= other.end
            and (other.start, other.end) != (entity.start, entity.end))
        for other in entities)


_AMOUNT_READERS = ("money", "amount")


def _reads_an_amount(entity: Entity) -> bool:
    """An amount the rule-based readers took: theirs, or a context template's whose value is a number."""
    value = str(entity.value).split(" ")[0]
    return entity.extractor in _AMOUNT_READERS or (
        entity.extractor == CONTEXT_EXTRACTOR and value.replace(".", "", 1).isdigit())
