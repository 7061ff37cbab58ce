"""Readers for the public intent benchmarks in ../shared/benchmarks (see its README);
$DIALOG_BENCHMARK_DATA points elsewhere (a copy, or the tests' small files in the same formats)."""
from __future__ import annotations

import csv
import os
from pathlib import Path

from framework.nlu.data import LabelledText, read_bio_tokens, read_bioes_chars

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(os.environ.get("DIALOG_BENCHMARK_DATA") or ROOT.parent / "shared" / "benchmarks")


def banking77(split: str) -> list[LabelledText]:
    with (BENCH / "banking77" / f"{split}.csv").open(newline="", encoding="utf-8") as f:
        return [LabelledText(r["text"], r["category"]) for r in csv.DictReader(f)]


def snips(split: str) -> list[LabelledText]:
    """Utterances with their BIO slot annotations as character spans (tagged=True)."""
    d = BENCH / "snips" / split
    return read_bio_tokens(d / "seq.in", d / "seq.out", d / "label")


def cais(split: str) -> list[LabelledText]:
    """Utterances (characters joined) with their BIOES slot annotations (tagged=True)."""
    d = BENCH / "cais" / split
    return read_bioes_chars(d / f"ch.{split}", d / f"ch.{split}.intent")


def load(name: str) -> tuple[list[LabelledText], list[LabelledText] | None, list[LabelledText]]:
    """(train, valid or None, test)."""
    if name == "banking77":
        return banking77("train"), None, banking77("test")
    reader = {"snips": snips, "cais": cais}[name]
    return reader("train"), reader("valid"), reader("test")
