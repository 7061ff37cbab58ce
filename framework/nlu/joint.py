"""Training-side glue for the joint intent + entity model: which examples teach the entity
head, their sub-word tag targets, and entity predictions on held-out texts.

Which examples teach the entity head (`entity_targets`):

- a benchmark file's example (`LabelledText.tagged`, BIO / BIOES): always, "all O" included;
- an example with annotations: always;
- an example with none, of an intent that has no annotated example anywhere (greetings,
  "talk to a person"): yes, as "all O". These are true negatives, and without them the
  head would tag words in texts unlike anything it saw;
- an example with none, of an intent that has annotated examples elsewhere: no. A domain
  author annotates some of an intent's examples and leaves others plain (often the very
  same values), so "all O" there would teach the head to miss what it is meant to find.
"""
from __future__ import annotations

from typing import Sequence

from framework.nlu.data import LabelledText
from framework.nlu.tagging import (
    IGNORE, Span, entity_label, read_entities, shortest_values, span_scores, token_tags,
)


def example_spans(example: LabelledText) -> list[Span]:
    return [Span(entity_label(e.entity, e.role, e.group), e.start, e.end) for e in example.entities]


def entity_labels(examples: Sequence[LabelledText]) -> list[str]:
    """The sorted entity labels annotated anywhere in `examples`; [] means intent-only."""
    return sorted({s.label for e in examples for s in example_spans(e)})


def entity_min_chars(examples: Sequence[LabelledText]) -> dict[str, int]:
    """Label -> its shortest annotated value in characters (served spans shorter are dropped)."""
    return shortest_values([s for e in examples for s in example_spans(e)])


def entity_targets(examples: Sequence[LabelledText]) -> list[bool]:
    """Whether each example's tags enter the entity loss (see the module docstring)."""
    annotated_intents = {e.intent for e in examples if e.entities}
    return [e.tagged or bool(e.entities) or e.intent not in annotated_intents for e in examples]


def encode_with_tags(tokenizer, examples: Sequence[LabelledText], labels: Sequence[str], max_length: int):
    """(token id lists, tag id lists): tags are IGNORE throughout for examples that do not
    teach the entity head."""
    enc = tokenizer([e.text for e in examples], truncation=True, max_length=max_length,
                    return_offsets_mapping=True, return_special_tokens_mask=True)
    index = {label: k for k, label in enumerate(labels)}
    tags = []
    for i, (example, use) in enumerate(zip(examples, entity_targets(examples))):
        offsets, special = enc["offset_mapping"][i], enc["special_tokens_mask"][i]
        if use:
            tags.append(token_tags(offsets, example_spans(example), index, special))
        else:
            tags.append([IGNORE] * len(offsets))
    return enc["input_ids"], tags


def predict_spans(network, tokenizer, texts: Sequence[str], labels: Sequence[str], max_length: int,
                  batch_size: int = 64, decoder: str = "constrained",
                  min_chars: dict[str, int] | None = None) -> list[list[Span]]:
    """Predicted entity spans of each text (eager network, transformers tokenizer), read as
    the served model reads them (framework.nlu.tagging.read_entities)."""
    import torch

    out: list[list[Span]] = [[] for _ in texts]
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    network.eval()
    with torch.inference_mode():
        for s in range(0, len(order), batch_size):
            idx = order[s:s + batch_size]
            enc = tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=max_length,
                            return_tensors="pt", return_offsets_mapping=True, return_special_tokens_mask=True)
            _, tag_logits = network(enc["input_ids"], enc["attention_mask"])
            log_probs = torch.log_softmax(tag_logits.float(), -1).tolist()
            for r, i in enumerate(idx):
                special = (enc["special_tokens_mask"][r] | (enc["attention_mask"][r] == 0)).tolist()
                out[i] = read_entities(texts[i], enc["offset_mapping"][r].tolist(), log_probs[r], labels, special,
                                       decoder, min_chars)
    return out


def entity_report(examples: Sequence[LabelledText], predicted: Sequence[Sequence[Span]]) -> dict:
    """Entity-level micro P/R/F1 (exact span and label), overall and per label, and the
    (correct, confidence) of every prediction for the threshold."""
    gold = [{(s.label, s.start, s.end) for s in example_spans(e)} for e in examples]
    pred = [{(s.label, s.start, s.end) for s in p} for p in predicted]
    report = span_scores(gold, pred)
    per_label = {}
    for label in sorted({g[0] for gs in gold for g in gs} | {p[0] for ps in pred for p in ps}):
        per_label[label] = span_scores([{g for g in gs if g[0] == label} for gs in gold],
                                       [{p for p in ps if p[0] == label} for ps in pred])
    report["per_label"] = per_label
    report["judged"] = [((s.label, s.start, s.end) in g, s.confidence) for g, p in zip(gold, predicted) for s in p]
    report["errors"] = [{"text": e.text, "gold": sorted(g), "predicted": sorted(p)}
                        for e, g, p in zip(examples, gold, pred) if g != p][:100]
    return report
