#!/usr/bin/env python3
"""What serving through ONNX Runtime costs in accuracy on a public benchmark's test split
(issue 11: the served model within 0.5 points of the float model on Banking77 and CAIS).

    python benchmarks/onnx_accuracy.py MODEL_DIR banking77|snips|cais [--threads 1] [--sample 200]

MODEL_DIR is a model trained on the data set's train split (`python benchmarks/nlu_benchmark.py
banking77 --model-out DIR`). The same network is run as torch float32, as torch in the
precision its int8 check chose (or int8), and as the three ONNX Runtime variants that
`framework.nlu.onnx_runtime` tries in order (int8, int8 with the lower third of the layers in
float32, fused float32); each is scored on the test split (top-1 intent: these sets have no
out-of-scope class) and on answers that change between a text alone and in a batch of 32
(the first --sample test texts). It prints one Markdown table, and which variant
`serve` would run by the rule of framework.nlu.onnx_runtime (at most 0.5 points lost and at
most 1 % of answers changed in a batch).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def top1(classifier, texts: list[str], size: int = 32) -> list[str]:
    out: list[str] = []
    for i in range(0, len(texts), size):
        out.extend(r[0].name for r in classifier.predict(texts[i:i + size]))
    return out


def score(name: str, classifier, texts: list[str], gold: list[str], reference: list[str] | None,
          sample: int) -> dict:
    started = time.perf_counter()
    got = top1(classifier, texts)
    seconds = time.perf_counter() - started
    alone = [classifier.predict([t])[0][0].name for t in texts[:sample]]
    changed = sum(a != b for a, b in zip(alone, got[:sample]))
    return {"name": name, "accuracy": 100.0 * sum(g == y for g, y in zip(got, gold)) / len(gold),
            "agree": None if reference is None else 100.0 * sum(a == b for a, b in zip(got, reference)) / len(got),
            "changed": changed, "sample": min(sample, len(texts)), "texts_per_s": len(texts) / seconds, "answers": got}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model_dir")
    p.add_argument("dataset", choices=["banking77", "snips", "cais"])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--sample", type=int, default=200, help="texts compared alone and in a batch of 32")
    args = p.parse_args(argv)

    import nlu_datasets

    from framework.nlu import onnx_runtime
    from framework.nlu.model import BertIntentClassifier, load_classifier, read_artifact
    from framework.nlu.precision import BOUND_PCT, served_precision
    from framework.nlu.text_prefix import wrap
    from framework.nlu.torchscript import JsonTokenizer

    test = nlu_datasets.load(args.dataset)[2]
    texts, gold = [r.text for r in test], [r.intent for r in test]
    meta = read_artifact(args.model_dir)
    rows = []
    float32 = score("torch float32", load_classifier(args.model_dir, quantize=False, threads=args.threads),
                    texts, gold, None, args.sample)
    rows.append(float32)
    precision = served_precision(args.model_dir)
    precision = "int8" if precision == "float32" else precision  # no check: int8 is what is measured
    rows.append(score(f"torch {precision} (our per-token int8)",
                      load_classifier(args.model_dir, quantize=precision, threads=args.threads),
                      texts, gold, float32["answers"], args.sample))
    tokenizer = wrap(JsonTokenizer(Path(args.model_dir), int(meta.get("max_length", 64)), meta.get("pad_token_id")),
                     meta.get("text_prefix"))
    with tempfile.TemporaryDirectory(prefix="onnx_accuracy_") as tmp:
        tmp = Path(tmp)
        chosen = None
        for precision, make in onnx_runtime.variants(Path(args.model_dir), meta, tmp).items():
            network = onnx_runtime.OrtNetwork(make(), args.threads)
            classifier = BertIntentClassifier(network, tokenizer, meta, quantized=f"onnx-{precision}",
                                              threads=args.threads)
            row = score(f"ONNX Runtime {precision}", classifier, texts, gold, float32["answers"], args.sample)
            row["loss"] = float32["accuracy"] - row["accuracy"]
            row["passes"] = row["loss"] <= BOUND_PCT and 100.0 * row["changed"] / row["sample"] <= onnx_runtime.BATCH_MATES_MAX_PCT
            chosen = chosen or (precision if row["passes"] else None)
            rows.append(row)
    print(f"\n{args.dataset} test ({len(texts)} texts), model {args.model_dir}, {args.threads} thread(s), "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    print("| network | accuracy | points lost vs float32 | agreement with float32 | changed alone vs batch of 32 | texts/s (b32) |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        lost = "" if r is float32 else f"{float32['accuracy'] - r['accuracy']:+.2f}".replace("+", "")
        agree = "" if r["agree"] is None else f"{r['agree']:.2f}"
        print(f"| {r['name']} | {r['accuracy']:.2f} | {lost} | {agree} | {r['changed']}/{r['sample']} | {r['texts_per_s']:.0f} |")
    if chosen == "float32":
        print("\nonly ONNX Runtime's float32 graph passes: `serve` runs torch in the precision its own check chose")
    else:
        print(f"\n`serve` would run ONNX Runtime {chosen}" if chosen else "\nno ONNX Runtime variant passes: torch serves")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
