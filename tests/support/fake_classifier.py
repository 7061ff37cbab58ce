"""A deterministic intent classifier FOR TESTS ONLY (engine and transcript tests).

The product never matches keywords: intents come from the trained model (framework.nlu).
This fake implements the same IntentClassifier protocol from a lookup table so that
conversation tests are exact and fast:

    FakeClassifier({"我想开户": "开户", "嗯": ("肯定", 0.4)}, labels=assistant.intents)

A text in the table gets its intent at confidence 0.95 (or the given confidence); the rest
of the probability is spread over the other labels. A text not in the table gets a flat
ranking (1 / number of labels), which is below any sensible threshold, or, with
`default=("肯定", 0.64)`, that intent: a confidently wrong model, as the fine-tuned one was
on emoji it had never seen. An entry may also give several intents' confidences,
`{"affirm": 0.55, "deny": 0.40}`, the rest spread over the other labels.

With `entities=` it also stands in for a joint intent + entity model: `parse(texts)`
gives each text's ranking and the learnt entities the table names for it, as
(surface text, entity, confidence[, role[, group]]) tuples, found at the surface text's
first occurrence (extractor "model", value = surface text), and `entity_threshold` is the
model's:

    FakeClassifier(table, labels, entities={"London to Tokyo": [("London", "city", 0.9, "from")]},
                   entity_threshold=0.6)
"""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from framework.nlu.interface import Entity, IntentScore, Parsed


class FakeClassifier:
    def __init__(self, table: Mapping[str, str | tuple[str, float] | Mapping[str, float]], labels: Iterable[str],
                 threshold: float | None = None, model_id: str = "fake-classifier",
                 default: tuple[str, float] | None = None,
                 entities: Mapping[str, Sequence[tuple]] | None = None, entity_threshold: float | None = None):
        self.table = dict(table)
        self.entities = dict(entities or {})
        self.entity_threshold = entity_threshold
        self.default = default
        self.labels = tuple(labels)
        self.threshold = threshold
        self.model_id = model_id
        self.calls: list[str] = []
        entries = list(self.table.values()) + ([default] if default else [])
        named = [v if isinstance(v, str) else v[0] if isinstance(v, tuple) else n for v in entries
                 for n in (v if isinstance(v, Mapping) else [None])]
        unknown = set(named) - set(self.labels)
        if unknown:
            raise ValueError(f"table intents not among the labels: {sorted(unknown)}")

    def _ranking(self, text: str) -> tuple[IntentScore, ...]:
        entry = self.table.get(text, self.default)
        if entry is None:
            flat = 1.0 / len(self.labels)
            return tuple(IntentScore(label, flat) for label in self.labels)
        given = dict(entry) if isinstance(entry, Mapping) else {entry: 0.95} if isinstance(entry, str) else dict([entry])
        rest = (1.0 - sum(given.values())) / max(len(self.labels) - len(given), 1)
        scores = [IntentScore(l, given.get(l, rest)) for l in self.labels]
        return tuple(sorted(scores, key=lambda s: -s.confidence))

    def predict(self, texts: Sequence[str]) -> list[tuple[IntentScore, ...]]:
        self.calls.extend(texts)
        return [self._ranking(t) for t in texts]

    def _learnt(self, text: str) -> tuple[Entity, ...]:
        out = []
        for surface, entity, confidence, *rest in self.entities.get(text, ()):
            start = text.index(surface)
            role, group = (list(rest) + [None, None])[:2]
            out.append(Entity(entity, surface, surface, start, start + len(surface), "model", confidence, role, group))
        return tuple(out)

    def parse(self, texts: Sequence[str]) -> list[Parsed]:
        rankings = self.predict(texts)
        return [Parsed(ranking, self._learnt(text)) for ranking, text in zip(rankings, texts)]
