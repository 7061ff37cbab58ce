"""What the dialog engine needs from natural-language understanding.

This module is torch-free on purpose: the engine, the validator and the server's request
path import it; only `framework.nlu.model` (and the training code) import torch, lazily.

The real implementation is `framework.nlu.model.BertIntentClassifier`, a fine-tuned
transformers encoder. There is deliberately no keyword-matching fallback in the product: a
domain without a trained model refuses to start and says how to train one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Protocol, Sequence, runtime_checkable


@dataclass(frozen=True)
class IntentScore:
    name: str
    confidence: float


@dataclass(frozen=True)
class Entity:
    entity: str  # entity (usually slot) name
    value: Any  # normalised value (e.g. an int, an ISO date string, a canonical choice)
    text: str  # the surface text in the utterance
    start: int
    end: int
    extractor: str  # which extractor found it, e.g. "id_number", "categorical"


@dataclass(frozen=True)
class NLUResult:
    text: str
    ranking: tuple[IntentScore, ...]  # sorted by confidence, highest first
    entities: tuple[Entity, ...] = ()
    model: str | None = None  # the model's id, for logs and the answer cache

    @property
    def intent(self) -> IntentScore | None:
        return self.ranking[0] if self.ranking else None

    def to_dict(self) -> dict[str, Any]:
        top = self.intent
        return {
            "text": self.text,
            "intent": {"name": top.name, "confidence": top.confidence} if top else None,
            "intent_ranking": [{"name": s.name, "confidence": s.confidence} for s in self.ranking],
            "entities": [
                {"entity": e.entity, "value": e.value, "text": e.text, "start": e.start,
                 "end": e.end, "extractor": e.extractor}
                for e in self.entities
            ],
            "model": self.model,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "NLUResult":
        return cls(
            text=data["text"],
            ranking=tuple(IntentScore(r["name"], float(r["confidence"])) for r in data.get("intent_ranking", [])),
            entities=tuple(Entity(**e) for e in data.get("entities", [])),
            model=data.get("model"),
        )


@runtime_checkable
class IntentClassifier(Protocol):
    """A trained intent classifier.

    `labels` are the intents it knows; `threshold` is the fallback confidence threshold
    chosen on validation data at training time (None if the model has none).
    `predict` is batched, thread-safe, and returns one ranking per text covering all labels,
    sorted by confidence, highest first, confidences summing to 1.
    """

    labels: tuple[str, ...]
    threshold: float | None
    model_id: str

    def predict(self, texts: Sequence[str]) -> list[tuple[IntentScore, ...]]: ...
