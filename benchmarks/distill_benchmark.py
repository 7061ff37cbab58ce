#!/usr/bin/env python3
"""A distilled student against its teacher and the same small base fine-tuned directly.

    python benchmarks/distill_benchmark.py domains/telecom_zh \\
        teacher_13=/tmp/s6/base/zh_13 direct6_13=/tmp/s6/distill/l6_13 distilled_13=/tmp/s6/distill/st_13 \\
        --data domains/telecom_zh/eval/fresh_test.csv --data domains/telecom_zh/eval/fresh_test_2.csv

Per model, file and precision, scored as `dialog evaluate` scores (framework.nlu.evaluate:
below the model's threshold = out of scope): in-scope accuracy, out-of-scope caught,
confidently wrong; for a distilled model also at its teacher's threshold (the number its
own threshold was carried over from). Then speed: texts/s for all the files' texts in one
call, and ms for one text (median of 40), float32 and int8, with --threads torch threads.
Only the files named are read: never name a held-out file you are not meant to look at.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def scope(classifier, data, threshold=None) -> dict:
    from framework.nlu.evaluate import evaluate_classifier

    kept = classifier.threshold
    if threshold is not None:
        classifier.threshold = threshold
    try:
        return evaluate_classifier(classifier, data)["scope"]
    finally:
        classifier.threshold = kept


def speed(classifier, texts) -> dict:
    classifier.predict(texts[:8])  # warm-up
    started = time.perf_counter()
    classifier.predict(texts)
    batch_s = time.perf_counter() - started
    single = []
    for text in texts[:40]:
        t = time.perf_counter()
        classifier.predict([text])
        single.append(time.perf_counter() - t)
    return {"texts_per_s": len(texts) / batch_s, "one_text_ms": 1000 * statistics.median(single)}


def pct(x) -> str:
    return "-" if x is None else f"{100 * x:.2f}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("domain")
    p.add_argument("models", nargs="+", help="NAME=MODEL_DIR")
    p.add_argument("--data", action="append", required=True, help="CSV text,intent (repeatable)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--no-speed", dest="speed", action="store_false")
    p.add_argument("--results", help="append one JSON line per model here")
    args = p.parse_args(argv)
    from framework.nlu.data import read_data_file
    from framework.nlu.model import load_classifier
    from framework.spec import load_assistant

    assistant = load_assistant(args.domain)
    files = {Path(f).name: read_data_file(f) for f in args.data}
    texts = [d.text for rows in files.values() for d in rows]
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, load average "
          f"{open('/proc/loadavg').read().split()[0]}, {args.threads} thread(s)\n")
    print("| model | precision | threshold | file | in scope | OOS caught | confidently wrong |")
    print("|---|---|---|---|---:|---:|---:|")
    speeds = {}
    for pair in args.models:
        name, model_dir = pair.split("=", 1)
        record = {"model": name, "dir": model_dir, "files": {}}
        for precision, quantize in (("float32", False), ("int8", True)):
            clf = load_classifier(model_dir, assistant, quantize=quantize, threads=args.threads)
            teacher_t = (clf.meta.get("distillation") or {}).get("teacher_threshold")
            thresholds = [("own", None)] + ([("teacher's", teacher_t)] if teacher_t is not None else [])
            for label, t in thresholds:
                rows = {}
                for fname, data in files.items():
                    rows[fname] = s = scope(clf, data, t)
                    print(f"| {name} | {precision} | {label} {s['threshold']:.4f} | {fname} | "
                          f"{pct(s['in_scope_accuracy'])} | {pct(s['oos_recall'])} | {pct(s['confidently_wrong'])} |")
                mean = {k: statistics.mean(r[k] for r in rows.values())
                        for k in ("in_scope_accuracy", "oos_recall", "confidently_wrong")}
                print(f"| **{name}** | {precision} | {label} | **mean of {len(rows)}** | "
                      f"**{pct(mean['in_scope_accuracy'])}** | **{pct(mean['oos_recall'])}** | "
                      f"**{pct(mean['confidently_wrong'])}** |", flush=True)
                record["files"][f"{precision}/{label}"] = {"per_file": rows, "mean": mean}
            if args.speed:
                speeds[(name, precision)] = record.setdefault("speed", {})[precision] = speed(clf, texts)
        if args.results:
            with open(args.results, "a", encoding="utf-8") as f:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
    if speeds:
        print(f"\n| model | precision | texts/s ({len(texts)} texts, one call) | one text ms (median of 40) |")
        print("|---|---|---:|---:|")
        for (name, precision), s in speeds.items():
            print(f"| {name} | {precision} | {s['texts_per_s']:.0f} | {s['one_text_ms']:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
