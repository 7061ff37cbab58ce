"""Entities found by imported regexes and lookup tables (Rasa's RegexEntityExtractor), their
values normalised by synonyms. Pure.

Built from a Rasa `nlu.yml` (`RasaData.patterns()`), or from plain mappings. A regex is used
as written; a lookup entry matches as a whole word, case-insensitively (Latin text) or as a
substring (CJK, which has no spaces). The longest match wins where two overlap; a value that
is a synonym's variant becomes its canonical value ("checking account" -> "current").
The entities fill slots by entity name, as the domain's own extractors' do.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from framework.nlu.interface import Entity


def _lookup_pattern(values: Sequence[str]) -> re.Pattern | None:
    words = sorted({v.strip() for v in values if v.strip()}, key=len, reverse=True)
    if not words:
        return None
    parts = [rf"(?<!\w){re.escape(w)}(?!\w)" if w.isascii() else re.escape(w) for w in words]
    return re.compile("|".join(parts), re.IGNORECASE)


@dataclass(frozen=True)
class EntityPatterns:
    rules: tuple[tuple[str, str, re.Pattern], ...]  # (entity, extractor name, pattern)
    spellings: Mapping[str, str]  # a lookup entry, lower-cased -> as the table writes it
    synonyms: Mapping[str, str]  # lower-cased variant -> canonical value

    @classmethod
    def build(cls, regexes: Mapping[str, Sequence[str]], lookups: Mapping[str, Sequence[str]],
              synonyms: Mapping[str, str] | None = None) -> "EntityPatterns":
        rules = [(entity, "regex", re.compile(p)) for entity, patterns in regexes.items() for p in patterns]
        spellings = {}
        for entity, values in lookups.items():
            pattern = _lookup_pattern(values)
            if pattern is not None:
                rules.append((entity, "lookup", pattern))
                spellings.update((v.strip().lower(), v.strip()) for v in values)
        return cls(tuple(rules), spellings, dict((k.lower(), v) for k, v in (synonyms or {}).items()))

    def normalise(self, value: str) -> str:
        """A synonym's canonical value, else a lookup entry as the table spells it ("MEXICAN"
        -> "mexican"), else the value as found."""
        key = value.strip().lower()
        return self.synonyms.get(key) or self.spellings.get(key, value)

    def extract(self, text: str) -> tuple[Entity, ...]:
        """Every match, longest first where matches of one entity overlap, by start offset."""
        found: list[Entity] = []
        for entity, extractor, pattern in self.rules:
            for m in pattern.finditer(text):
                if m.end() > m.start():
                    found.append(Entity(entity, self.normalise(m.group()), m.group(), m.start(), m.end(), extractor))
        kept: list[Entity] = []
        for e in sorted(found, key=lambda e: (-(e.end - e.start), e.start)):
            if not any(k.entity == e.entity and e.start < k.end and k.start < e.end for k in kept):
                kept.append(e)
        return tuple(sorted(kept, key=lambda e: (e.start, e.entity)))
