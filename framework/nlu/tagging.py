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

Decoding (`read_entities`): the tags are chosen by the constrained decoder (Viterbi: the
likeliest tag sequence in which `I-x` only follows `B-x` or `I-x`; on validation data it
gave +2.7 slot F1 on CAIS and +1.4 on SNIPS over each token's argmax, BENCHMARKS.md), then
read as conlleval does: `B-x` opens an entity, `I-x` continues an open `x` and opens one
otherwise, `O` closes, and a token that overlaps or touches the open entity of its label (no
character between) continues it. A span shorter than every value of its label in the
training data is dropped (`entity_min_chars` in artifact.json). The entity's characters
run from its first token's start offset to its last token's end offset in the text as
given (the fast tokenizer's
offset mapping, so lower-casing, accents, full-width letters and a leading `▁` never
change what is returned), with surrounding whitespace trimmed. Its confidence is the
*minimum* over its tokens of the probability of the tag chosen there: an entity is only as
sure as its least sure piece (a mean would let one confident token hide a doubtful edge).
"""
from __future__ import annotations

import math
import re
import unicodedata
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


def _edge(ch: str) -> bool:
    """A character trimmed off the ends of a predicted span: whitespace, punctuation, or an emoji and its modifiers
    ("💵 40" of "send 💵 40 to Sam Green" was no amount, and the amount was asked: customer trial, session 35);
    currency signs stay."""
    return ch.isspace() or unicodedata.category(ch)[0] == "P" or unicodedata.category(ch) in ("So", "Sk", "Cf")


def decode(text: str, offsets: Sequence[tuple[int, int]], tag_ids: Sequence[int], tag_probs: Sequence[float],
           labels: Sequence[str], special: Sequence[bool] | None = None) -> list[Span]:
    """Predicted spans of `text` from each token's chosen tag id and its probability."""
    spans: list[Span] = []
    current: list | None = None  # [label index, start, end, min probability]

    def close():
        nonlocal current
        if current is not None:
            start, end = current[1], current[2]
            # spaces and punctuation at either end are no part of a value: "开户，张伟，1101…" stored the name
            # "，张伟" (the multilingual tokenizer joins "，" to the next characters) and an account was opened
            # for it (customer trial, session 32)
            while start < end and _edge(text[start]):
                start += 1
            while end > start and _edge(text[end - 1]):
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
        # piece of the multilingual tokenizer carries the next character's offsets; so does
        # one that touches it (no character between): a word's next piece, or the next
        # characters of a Chinese span that the head split ("五|十九块": the same label, no
        # separator: one value far more often than two, BENCHMARKS.md)
        touches = current is not None and a <= current[2]
        if (inside or touches) and current is not None and current[0] == k:
            current[1], current[2] = min(current[1], a), max(current[2], b)
            current[3] = min(current[3], p)
        else:
            close()
            current = [k, a, b, p]
    close()
    return spans


def constrained_tags(log_probs: Sequence[Sequence[float]], skip: Sequence[bool] | None = None) -> list[int]:
    """The tag sequence with the highest total log-probability among those BIO allows:
    `I-x` only right after `B-x` or `I-x` (skipped tokens are transparent), never first.
    Viterbi over (tokens x tags) with no learnt parameters: a CRF's transition constraints
    without its weights. Where the per-token argmax is already valid it is the answer; it
    differs where the argmax reads "O I-x" or "B-y I-x", whose lenient reading would open
    an entity on an inside tag. Skipped tokens (special, padding) get O.

    O(tokens x tags) in plain Python: for an `I-x` only `B-x` and `I-x` are candidates, for
    every other tag the best previous tag is the same one."""
    out = [0] * len(log_probs)
    score: list[float] | None = None  # best path score ending in each tag at the last token read
    back: list[tuple[int, list[int] | None]] = []  # (token, best previous tag for each tag)
    for t, row in enumerate(log_probs):
        if skip is not None and skip[t]:
            continue
        n = len(row)
        if score is None:
            score = [x if j % 2 or j == 0 else -math.inf for j, x in enumerate(row)]
            back.append((t, None))
            continue
        best = max(range(n), key=score.__getitem__)
        top = score[best]
        new, ptr = [0.0] * n, [best] * n
        for j in range(n):
            if j and j % 2 == 0:  # I-x (index 2 + 2k): after B-x (j - 1) or I-x (j)
                prev = j - 1 if score[j - 1] >= score[j] else j
                new[j], ptr[j] = row[j] + score[prev], prev
            else:
                new[j] = row[j] + top
        score = new
        back.append((t, ptr))
    if score is None:
        return out
    j = max(range(len(score)), key=score.__getitem__)
    for t, ptr in reversed(back):
        out[t] = j
        if ptr is not None:
            j = ptr[j]
    return out


def read_entities(text: str, offsets: Sequence[tuple[int, int]], log_probs: Sequence[Sequence[float]],
                  labels: Sequence[str], special: Sequence[bool] | None = None, decoder: str = "constrained",
                  min_chars: dict[str, int] | None = None) -> list[Span]:
    """Predicted spans of `text` from each token's tag log-probabilities: the tags chosen by
    `decoder` ("constrained": `constrained_tags`; "argmax": each token's most likely tag),
    then `decode` with each chosen tag's probability. With `min_chars` (label -> the
    shortest value annotated in training, `shortest_values`), a span shorter than every
    value its label was taught with is dropped: a lone "户" of "开个户" where every business
    value learnt had two characters or more is a fragment, not a value."""
    skip = [a == b or (special is not None and bool(special[i])) for i, (a, b) in enumerate(offsets)]
    if decoder == "argmax":
        tags = [max(range(len(row)), key=row.__getitem__) for row in log_probs]
    else:
        tags = constrained_tags(log_probs, skip)
    probs = [math.exp(row[t]) for row, t in zip(log_probs, tags)]
    spans = join_name_particles(text, decode(text, offsets, tags, probs, labels, skip))
    if min_chars:
        spans = [s for s in spans if s.end - s.start >= min_chars.get(s.label, 1)]
    return spans


# Particles inside a person's name, in lower or title case: "Siobhan Ní Bhriain" was tagged "Siobhan" and "Bhriain", and
# $325.50 went to "Bhriain" (customer trial, session 46); "Ana de Souza", "Tariq bin Saleh", "Anke van der Berg"
_NAME_PARTICLE = re.compile(r"\s+(?:(?:ní|nic|ó|ua|mac|mc|de|da|di|do|dos|das|del|della|van|von|der|den|ter|bin|binti|bint|"
                            r"ibn|al|el|la|le|du|st\.?|y)\s+)+", re.IGNORECASE)


def join_name_particles(text: str, spans: list[Span]) -> list[Span]:
    """Two spans of one label with only name particles between them, as one."""
    out: list[Span] = []
    for span in spans:
        last = out[-1] if out else None
        if (last is not None and last.label == span.label
                and _NAME_PARTICLE.fullmatch(text[last.end:span.start])):
            out[-1] = Span(last.label, last.start, span.end, min(last.confidence, span.confidence))
        else:
            out.append(span)
    return out


def shortest_values(spans: Iterable[Span]) -> dict[str, int]:
    """Label -> the length in characters of its shortest annotated value."""
    out: dict[str, int] = {}
    for s in spans:
        out[s.label] = min(out.get(s.label, s.end - s.start), s.end - s.start)
    return out


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
