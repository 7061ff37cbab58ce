"""Where the served network changes float32's answers, and how many it would change on new messages.

    python benchmarks/precision_near_threshold.py domains/telecom_zh \
        --test domains/telecom_zh/eval/fresh_test_25.csv --test domains/telecom_zh/eval/fresh_test_26.csv \
        /tmp/s23/m2/telecom_zh-1 /tmp/s23/m2/telecom_zh-13 /tmp/s23/m2/telecom_zh-2

For each model folder: the served network (ONNX Runtime where the folder's file passed its check) and
torch float32 answer the precision check's texts (the domain's released eval files, less the --test
files) and the --test files (held-out files, released since their scoring), each answer as the user
gets it (below the threshold: out of scope). The check's texts are bucketed by how far float32's top
confidence is from the threshold (log-odds distance, BUCKETS); each bucket's share of changed answers,
weighted by the share of the model's own out-of-fold training predictions (evaluation.json: the
confidences of messages it had not seen) in that bucket, estimates the share changed on new messages.
Prints one table row per model, then the buckets (issue 11, BENCHMARKS.md session 24).
"""
from __future__ import annotations

import argparse
import csv
import json
import math
from pathlib import Path

BUCKETS = (0.25, 0.5, 1.0, 2.0, 4.0)  # log-odds distance from the threshold: 6 buckets


def bucket(confidence: float, threshold: float) -> int:
    def logit(p: float) -> float:
        p = min(max(p, 1e-6), 1 - 1e-6)
        return math.log(p / (1 - p))

    distance = abs(logit(confidence) - logit(threshold))
    return sum(distance >= edge for edge in BUCKETS)


def shares(values: list[int]) -> list[float]:
    return [values.count(k) / max(1, len(values)) for k in range(len(BUCKETS) + 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("domain")
    parser.add_argument("models", nargs="+", help="trained model folders (with evaluation.json)")
    parser.add_argument("--test", action="append", default=[], help="held-out CSV (text,intent); repeatable")
    args = parser.parse_args(argv)

    from framework.nlu.model import load_classifier
    from framework.nlu.precision import answered, labelled_texts
    from framework.spec import load_assistant

    assistant = load_assistant(args.domain)
    test = [row for name in args.test for row in csv.DictReader(open(name, encoding="utf-8"))]
    held = {row["text"] for row in test}
    check = list(dict.fromkeys((t, i) for t, i in labelled_texts(assistant) if t not in held))
    print(f"{len(check)} check texts, {len(test)} test texts; buckets by log-odds distance from the threshold: "
          f"<{' <'.join(str(b) for b in BUCKETS)} >={BUCKETS[-1]}\n")
    print("| model | served | changed on the check's texts | estimate (out-of-fold weights) | changed on the test files |")
    print("|---|---|---:|---:|---:|")
    details = []
    for folder in args.models:
        reference = load_classifier(folder, assistant)
        served = load_classifier(folder, assistant, runtime="auto")
        threshold = reference.threshold

        def changed(texts: list[str]) -> tuple[list[bool], list[int]]:
            want, got = reference.predict(texts), served.predict(texts)
            flips = [answered(w, threshold, assistant) != answered(g, served.threshold, assistant)
                     for w, g in zip(want, got)]
            return flips, [bucket(w[0].confidence, threshold) for w in want]

        flips, buckets = changed([t for t, _ in check])
        rates = [sum(f for f, b in zip(flips, buckets) if b == k) / max(1, buckets.count(k))
                 for k in range(len(BUCKETS) + 1)]
        report = json.loads((Path(folder) / "evaluation.json").read_text(encoding="utf-8"))
        oof = shares([bucket(p[2], threshold) for p in report.get("predictions", [])])
        estimate = sum(r * s for r, s in zip(rates, oof))
        test_flips, test_buckets = changed([row["text"] for row in test]) if test else ([], [])
        on_test = f"{100 * sum(test_flips) / len(test_flips):.2f} %" if test_flips else "-"
        precision = served.quantized if served.runtime != "torch" else f"torch {served.quantized or 'float32'}"
        print(f"| {Path(folder).name} | {precision} | {100 * sum(flips) / max(1, len(flips)):.2f} % | "
              f"{100 * estimate:.2f} % | {on_test} |")
        details.append((Path(folder).name, [buckets.count(k) for k in range(len(BUCKETS) + 1)], rates, oof,
                        shares(test_buckets) if test else None))
    print("\n| model | check texts per bucket | changed per bucket (%) | out-of-fold share (%) | test share (%) |")
    print("|---|---|---|---|---|")
    for name, counts, rates, oof, tshare in details:
        fmt = lambda xs: " / ".join(f"{100 * x:.1f}" for x in xs)  # noqa: E731
        print(f"| {name} | {' / '.join(map(str, counts))} | {fmt(rates)} | {fmt(oof)} | "
              f"{fmt(tshare) if tshare else '-'} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
