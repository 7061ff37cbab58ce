"""What the dialog engine needs from natural-language understanding.

This module is torch-free on purpose: the engine, the validator and the server's request
path import it; only `framework.nlu.model` (and the training code) import torch, lazily.

The real implementation is `framework.nlu.model.BertIntentClassifier`, a fine-tuned
transformers encoder. There is deliberately no keyword-matching fallback in the product: a
domain without a trained model refuses to start and says how to train one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, NamedTuple, Protocol, Sequence, runtime_checkable


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
    extractor: str  # which extractor found it, e.g. "id_number", "categorical", "model"
    # Set by the trained entity head (extractor "model"): the entity's confidence (the
    # minimum over its sub-word tokens of the predicted tag's probability), and the Rasa
    # role / group it was annotated with. None for the rule-based extractors.
    confidence: float | None = None
    role: str | None = None
    group: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {"entity": self.entity, "value": self.value, "text": self.text,
                "start": self.start, "end": self.end, "extractor": self.extractor}
        # The optional fields only when set, so answers and caches of rule-based
        # entities keep their old shape.
        for name in ("confidence", "role", "group"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Entity":
        return cls(
            entity=data["entity"], value=data["value"], text=data["text"],
            start=int(data["start"]), end=int(data["end"]), extractor=data["extractor"],
            confidence=None if data.get("confidence") is None else float(data["confidence"]),
            role=data.get("role"), group=data.get("group"),
        )


@dataclass(frozen=True)
class NLUResult:
    text: str
    ranking: tuple[IntentScore, ...]  # sorted by confidence, highest first
    entities: tuple[Entity, ...] = ()
    model: str | None = None  # the model's id, for logs and the answer cache
    # The ranking of the part after an "also" ("block my card and also tell me my balance",
    # "帮我查下余额顺便把套餐换成99的"): a second request the engine keeps for after the first
    # (framework.engine.turn._defer_also); empty when the message has no such part
    also: tuple[IntentScore, ...] = ()
    # The ranking of what a message asks for after a refusal that opens it ("no I dont want to
    # send money, I want a refund": the part after the comma): with a flow active, another
    # request there withdraws the flow (framework.engine.turn._refused_for); empty when none
    instead: tuple[IntentScore, ...] = ()
    # Where in the text the `also` request is said (start, end): its values are its own, not the
    # first request's ("我想开户，另外129套餐是什么内容" opened the account with 129: session 26)
    also_span: tuple[int, int] | None = None
    # The requests said after those two ("block 1234, and also send $400 to Peter, and could you tell me the balance
    # on 7777": the balance), each its ranking and its span, in the order said; they wait under `also`'s
    later: tuple[tuple[tuple[IntentScore, ...], tuple[int, int]], ...] = ()

    @property
    def intent(self) -> IntentScore | None:
        return self.ranking[0] if self.ranking else None

    def to_dict(self) -> dict[str, Any]:
        top = self.intent
        return {
            "text": self.text,
            "intent": {"name": top.name, "confidence": top.confidence} if top else None,
            "intent_ranking": [{"name": s.name, "confidence": s.confidence} for s in self.ranking],
            "entities": [e.to_dict() for e in self.entities],
            "model": self.model,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "NLUResult":
        return cls(
            text=data["text"],
            ranking=tuple(IntentScore(r["name"], float(r["confidence"])) for r in data.get("intent_ranking", [])),
            entities=tuple(Entity.from_dict(e) for e in data.get("entities", [])),
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

    # Optional, on models trained with an entity head (framework.nlu.model checks it with
    # `has_entities`); not part of the protocol so that fakes with only `predict` still fit:
    #
    #   entity_labels: tuple[str, ...]    the entity tags it learnt ("city", "city:to", ...)
    #   entity_threshold: float | None    learnt entities below it should be confirmed
    #   parse(texts) -> list[Parsed]      the ranking AND the learnt entities of each text
    #                                     from ONE forward pass (intent-only models return
    #                                     no entities)
    #
    # Use `parse_texts` below to call a classifier that may or may not have them.


class Parsed(NamedTuple):
    """One text's result from a classifier's `parse`: the intent ranking and the entities
    its entity head found (extractor "model", value = the surface text, exact character
    offsets into the text as given, `confidence` set)."""

    ranking: tuple[IntentScore, ...]
    entities: tuple[Entity, ...] = ()


def parse_texts(classifier: Any, texts: Sequence[str]) -> list[Parsed]:
    """`classifier.parse(texts)` where it has one, else its `predict` with no entities."""
    parse = getattr(classifier, "parse", None)
    if parse is not None:
        return list(parse(texts))
    return [Parsed(tuple(ranking)) for ranking in classifier.predict(texts)]


def as_parsed(result: Any) -> Parsed:
    """A `Parsed`, or a bare ranking (what `predict` gives), as a `Parsed`."""
    return result if isinstance(result, Parsed) else Parsed(tuple(result))
