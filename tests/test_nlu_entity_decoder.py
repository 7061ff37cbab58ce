"""The entity head's decoder on crafted tag probabilities (no model, no torch): the BIO
constraint (Viterbi), same-label spans that touch, and spans shorter than any value taught.

The telecom_zh cases are the probabilities a trained telecom_zh model (seed 13, session 4)
gave for the customer-trial sentences that showed stray spans (户, 五 | 十九块, BENCHMARKS.md)."""
from __future__ import annotations

import math

import pytest

from framework.nlu.tagging import Span, constrained_tags, read_entities, shortest_values, tag_names

LABELS = ["business", "plan"]  # tags: O, B-business, I-business, B-plan, I-plan


def rows(*probs: dict[str, float]) -> list[list[float]]:
    """Log-probabilities per token from {tag name: probability}; the rest shares what is left."""
    names = tag_names(LABELS)
    out = []
    for p in probs:
        rest = (1.0 - sum(p.values())) / max(1, len(names) - len(p))
        out.append([math.log(p.get(n, rest)) for n in names])
    return out


def chars(text: str) -> list[tuple[int, int]]:
    return [(i, i + 1) for i in range(len(text))]


def test_the_argmax_is_kept_where_bio_allows_it():
    lp = rows({"B-plan": 0.7}, {"I-plan": 0.8}, {"O": 0.9})
    assert constrained_tags(lp) == [3, 4, 0]


def test_an_inside_tag_after_outside_is_never_chosen():
    # argmax O, I-plan, I-plan: "O O O" (0.6*0.3*0.3) beats "O B-plan I-plan" (0.6*0.1*0.4)
    lp = rows({"O": 0.6}, {"O": 0.3, "I-plan": 0.4, "B-plan": 0.1}, {"O": 0.3, "I-plan": 0.4, "B-plan": 0.1})
    assert constrained_tags(lp) == [0, 0, 0]
    # ... and "O B-plan I-plan" when the entity reading is the likelier path
    lp = rows({"O": 0.6}, {"O": 0.1, "I-plan": 0.5, "B-plan": 0.3}, {"I-plan": 0.8})
    assert constrained_tags(lp) == [0, 3, 4]


def test_an_inside_tag_never_starts_the_text_nor_follows_another_label():
    assert constrained_tags(rows({"I-plan": 0.5, "B-plan": 0.3})) == [3]
    lp = rows({"B-business": 0.9}, {"I-plan": 0.5, "I-business": 0.3})
    assert constrained_tags(lp) == [1, 2]


def test_skipped_tokens_are_transparent_and_tagged_outside():
    lp = rows({"O": 0.9}, {"B-plan": 0.8}, {"O": 0.99}, {"I-plan": 0.7})
    assert constrained_tags(lp, [True, False, True, False]) == [0, 3, 0, 4]
    assert constrained_tags([], []) == []
    assert constrained_tags(rows({"O": 0.9}), [True]) == [0]


def test_read_entities_with_either_decoder():
    text = "我想换个五十八的套餐"
    # token by token as the telecom_zh model gave them (套餐 is one token)
    offsets = chars(text)[:8] + [(8, 10)]
    lp = rows({"O": 0.9}, {"O": 0.9}, {"O": 0.466, "B-business": 0.313}, {"O": 0.949},
              {"B-plan": 0.381, "I-plan": 0.204}, {"B-plan": 0.357, "I-plan": 0.197}, {"B-plan": 0.36, "I-plan": 0.2},
              {"O": 0.976}, {"I-plan": 0.379, "I-business": 0.299, "B-business": 0.093, "O": 0.083, "B-plan": 0.05})
    argmax = read_entities(text, offsets, lp, LABELS, decoder="argmax")
    assert [(s.label, text[s.start:s.end]) for s in argmax] == [("plan", "五十八"), ("plan", "套餐")]
    got = read_entities(text, offsets, lp, LABELS)
    # "五|十|八" tagged B, B, B is one span (same label, nothing between); the lone I-plan
    # over 套餐 opens nothing, so the best allowed path reads it as business
    assert [(s.label, text[s.start:s.end]) for s in got] == [("plan", "五十八"), ("business", "套餐")]
    assert got[0].confidence == pytest.approx(0.357, abs=1e-3)
    assert got[1].confidence < 0.1  # far below any entity threshold: never stored unasked


def test_same_label_spans_separated_by_a_space_stay_two():
    text = "Paris Rome"
    lp = rows({"B-plan": 0.9}, {"B-plan": 0.9})
    got = read_entities(text, [(0, 5), (6, 10)], lp, LABELS)
    assert [(s.start, s.end) for s in got] == [(0, 5), (6, 10)]
    # a word's next piece touches it: one span
    got = read_entities("Parisian", [(0, 5), (5, 8)], lp, LABELS)
    assert [(s.start, s.end) for s in got] == [(0, 8)]


def test_a_span_shorter_than_every_value_taught_is_dropped():
    """我想开个户: 开 and 户 each tagged business, 个 outside; every business value learnt had
    two characters or more, so neither is kept; 开户 would be."""
    text = "我想开个户"
    lp = rows({"O": 0.99}, {"O": 0.99}, {"B-business": 0.4246}, {"O": 0.8}, {"B-business": 0.4305})
    min_chars = shortest_values([Span("business", 0, 2), Span("business", 5, 8), Span("plan", 0, 3)])
    assert min_chars == {"business": 2, "plan": 3}
    assert [text[s.start:s.end] for s in read_entities(text, chars(text), lp, LABELS)] == ["开", "户"]
    assert read_entities(text, chars(text), lp, LABELS, min_chars=min_chars) == []
    lp[3] = rows({"I-business": 0.8})[0]
    kept = read_entities(text, chars(text), lp, LABELS, min_chars=min_chars)
    assert [text[s.start:s.end] for s in kept] == ["开个户"]
    # a label never annotated (not in min_chars) keeps one-character spans
    assert read_entities("五", [(0, 1)], rows({"B-plan": 0.9}), LABELS, min_chars={"business": 2}) != []
