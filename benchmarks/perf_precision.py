#!/usr/bin/env python3
"""Accuracy and speed of trained models in float32 and int8 on labelled CSV files (text,intent).

    python benchmarks/perf_precision.py models/banking_en=domains/banking_en/eval/fresh_test.csv \\
        models/telecom_zh=domains/telecom_zh/eval/fresh_test.csv

Per model and precision: accuracy on the file, texts/s for the whole file in one predict
call, and ms for one text (median of the first 40), with --threads torch threads.
Both precisions of a model are measured in the same minute (the machine may be shared).
"""
from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def measure(model: str, data: str, int8: bool, threads: int) -> dict:
    from framework.nlu.model import load_classifier

    with open(data, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    classifier = load_classifier(model, None, quantize=int8, threads=threads)
    started = time.perf_counter()
    predictions = classifier.predict([r["text"] for r in rows])
    batch_s = time.perf_counter() - started
    single = []
    for r in rows[:40]:
        t = time.perf_counter()
        classifier.predict([r["text"]])
        single.append(time.perf_counter() - t)
    correct = sum(p[0].name == r["intent"] for p, r in zip(predictions, rows))
    return {"model": model, "precision": "int8" if int8 else "float32", "n": len(rows),
            "accuracy": 100 * correct / len(rows), "texts_per_s": len(rows) / batch_s,
            "one_text_ms": 1000 * statistics.median(single)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("pairs", nargs="+", help="MODEL_DIR=CSV")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    print("| model | precision | accuracy | texts | texts/s (one batch) | one text ms |")
    print("|---|---|---:|---:|---:|---:|")
    for pair in args.pairs:
        model, data = pair.split("=", 1)
        for int8 in (False, True):
            r = measure(model, data, int8, args.threads)
            print(f"| {r['model']} | {r['precision']} | {r['accuracy']:.2f} | {r['n']} | {r['texts_per_s']:.0f} | "
                  f"{r['one_text_ms']:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
