"""Readers for the public intent benchmarks in ../shared/benchmarks (see its README)."""
from __future__ import annotations

import csv
from pathlib import Path

from framework.nlu.data import LabelledText

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT.parent / "shared" / "benchmarks"


def banking77(split: str) -> list[LabelledText]:
    with (BENCH / "banking77" / f"{split}.csv").open(newline="", encoding="utf-8") as f:
        return [LabelledText(r["text"], r["category"]) for r in csv.DictReader(f)]


def snips(split: str) -> list[LabelledText]:
    d = BENCH / "snips" / split
    texts = (d / "seq.in").read_text(encoding="utf-8").splitlines()
    labels = (d / "label").read_text(encoding="utf-8").splitlines()
    assert len(texts) == len(labels)
    return [LabelledText(t.strip(), l.strip()) for t, l in zip(texts, labels)]


def cais(split: str) -> list[LabelledText]:
    d = BENCH / "cais" / split
    utterances, chars = [], []
    for line in (d / f"ch.{split}").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if chars:
                utterances.append("".join(chars))
                chars = []
            continue
        chars.append(line.split()[0] if line.split() else " ")
    if chars:
        utterances.append("".join(chars))
    labels = [l.strip() for l in (d / f"ch.{split}.intent").read_text(encoding="utf-8").splitlines() if l.strip()]
    assert len(utterances) == len(labels), (len(utterances), len(labels))
    return [LabelledText(t, l) for t, l in zip(utterances, labels)]


def load(name: str) -> tuple[list[LabelledText], list[LabelledText] | None, list[LabelledText]]:
    """(train, valid or None, test)."""
    if name == "banking77":
        return banking77("train"), None, banking77("test")
    reader = {"snips": snips, "cais": cais}[name]
    return reader("train"), reader("valid"), reader("test")
