"""Entity tags for the joint model's token-classification head: the tag scheme, character
spans <-> sub-word tags, and entity-level scores. Torch-free (plain lists and numbers).

Labels and tags (stored in artifact.json as `entity_labels`; the tags follow from them):

    label   `entity`, `entity:role`, `entity#group` or `entity:role#group` (Rasa's roles and
            groups are part of the label: `[Paris]{"entity": "city", "role": "to"}` is learnt
            as `city:to`, so one forward pass tells `from` and `to` apart). Entity names are
            `[\\w-]+` (framework.spec.annotation), so `:` and `#` cannot clash with them.
    tags    BIO: index 0 is `O`, then `B-<label>`, `I-<label>` for each label in order.

Every sub-word token is tagged (not only a word's first piece): the multilingual base's
sentencepiece tokens and Chinese characters have no reliable word boundaries, so the
decoder reads the tokens as they are. A token that overlaps an annotated span belongs to it
(its first such token `B-`, the rest `I-`). Special tokens and padding get `IGNORE`.

Decoding (conlleval's lenient reading): `B-x` opens an entity, `I-x` continues an open `x`
and opens one otherwise, `O` closes. The entity's characters run from its first token's
start offset to its last token's end offset in the text as given (the fast tokenizer's
offset mapping, so lower-casing, accents, full-width letters and a leading `▁` never
change what is returned), with surrounding whitespace trimmed. Its confidence is the
*minimum* over its tokens of the probability of the tag chosen there: an entity is only as
sure as its least sure piece (a mean would let one confident token hide a doubtful edge).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

IGNORE = -100  # torch's cross-entropy ignore_index: special tokens, padding, unlabelled examples
OUTSIDE = "O"


def entity_label(entity: str, role: str | None = None, group: str | None = None) -> str:
    return entity + (f":{role}" if role else "") + (f"#{group}" if group else "")


def split_label(label: str) -> tuple[str, str | None, str | None]:
    """`city:to#1` -> ("city", "to", "1")."""
    rest, _, group = label.partition("#")
    entity, _, role = rest.partition(":")
    return entity, role or None, group or None


def tag_names(labels: Sequence[str]) -> list[str]:
    return [OUTSIDE] + [f"{p}-{label}" for label in labels for p in ("B", "I")]


@dataclass(frozen=True)
class Span:
    """A labelled character span: gold (from annotations) or predicted (with confidence)."""
    label: str
    start: int
    end: int
    confidence: float = 1.0


def token_tags(offsets: Sequence[tuple[int, int]], spans: Iterable[Span], label_index: dict[str, int],
               special: Sequence[bool] | None = None) -> list[int]:
    """One tag id per token. `offsets` are the tokenizer's (start, end) character offsets;
    tokens with an empty offset (or marked `special`) get IGNORE. A label missing from
    `label_index` is tagged O (it cannot be learnt)."""
    tags = [IGNORE if a == b or (special is not None and special[i]) else 0 for i, (a, b) in enumerate(offsets)]
    for span in sorted(spans, key=lambda s: s.start):
        k = label_index.get(span.label)
        if k is None:
            continue
        first = True
        for i, (a, b) in enumerate(offsets):
            if tags[i] == IGNORE or b <= span.start or a >= span.end:
                continue
            tags[i] = 1 + 2 * k + (0 if first else 1)
            first = False
    return tags


def decode(text: str, offsets: Sequence[tuple[int, int]], tag_ids: Sequence[int], tag_probs: Sequence[float],
           labels: Sequence[str], special: Sequence[bool] | None = None) -> list[Span]:
    """Predicted spans of `text` from each token's chosen tag id and its probability."""
    spans: list[Span] = []
    current: list | None = None  # [label index, start, end, min probability]

    def close():
        nonlocal current
        if current is not None:
            start, end = current[1], current[2]
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                spans.append(Span(labels[current[0]], start, end, round(float(current[3]), 4)))
        current = None

    for i, ((a, b), tag, p) in enumerate(zip(offsets, tag_ids, tag_probs)):
        if a == b or (special is not None and special[i]):
            continue
        if tag <= 0:
            close()
            continue
        k, inside = divmod(tag - 1, 2)
        # a token overlapping the open entity continues it whatever its prefix: a lone "▁"
        # piece of the multilingual tokenizer carries the next character's offsets
        overlaps = current is not None and a < current[2]
        if (inside or overlaps) and current is not None and current[0] == k:
            current[1], current[2] = min(current[1], a), max(current[2], b)
            current[3] = min(current[3], p)
        else:
            close()
            current = [k, a, b, p]
    close()
    return spans


def token_spans(tags: Sequence[int]) -> set[tuple[int, int, int]]:
    """(label index, first token, last token) of each entity in a tag id sequence, read as
    `decode` reads it; IGNORE tokens are skipped. For validation scores during training."""
    out, current = set(), None
    for i, t in enumerate(tags):
        if t == IGNORE:
            continue
        if t <= 0:
            if current:
                out.add(tuple(current))
            current = None
            continue
        k, inside = divmod(t - 1, 2)
        if inside and current is not None and current[0] == k:
            current[2] = i
        else:
            if current:
                out.add(tuple(current))
            current = [k, i, i]
    if current:
        out.add(tuple(current))
    return out


def span_scores(gold: Sequence[Iterable], pred: Sequence[Iterable]) -> dict:
    """Entity-level micro precision / recall / F1 (conlleval): a predicted entity counts
    only when its span and label both match a gold one. Items are any hashable spans
    (e.g. (label, start, end)), one collection per text."""
    tp = n_gold = n_pred = 0
    for g, p in zip(gold, pred):
        g, p = set(g), set(p)
        tp += len(g & p)
        n_gold += len(g)
        n_pred += len(p)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "gold": n_gold, "predicted": n_pred, "correct": tp}


def choose_entity_threshold(correct: Sequence[bool], confidence: Sequence[float], quantile: float = 0.05) -> dict:
    """The confidence under which a learnt value is confirmed with the user: the `quantile`
    of the held-out *correct* predictions' confidences (95% of right values pass unasked),
    with the share of wrong predictions it catches. None without held-out predictions."""
    right = sorted(c for c, ok in zip(confidence, correct) if ok)
    wrong = [c for c, ok in zip(confidence, correct) if not ok]
    if not right:
        return {"threshold": None, "method": "none (no correct held-out entity predictions)",
                "predictions": len(confidence)}
    threshold = round(right[min(len(right) - 1, int(quantile * len(right)))], 4)
    return {"threshold": threshold,
            "method": f"{quantile:.0%} quantile of the correct held-out entity predictions' confidences",
            "predictions": len(confidence), "correct": len(right),
            "wrong_below_threshold": sum(c < threshold for c in wrong), "wrong": len(wrong)}
