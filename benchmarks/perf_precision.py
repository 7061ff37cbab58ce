#!/usr/bin/env python3
"""Accuracy and speed of trained models in float32 and int8 variants on labelled CSV files (text,intent).

    python benchmarks/perf_precision.py models/banking_en=domains/banking_en/eval/fresh_test.csv \\
        models/telecom_zh=domains/telecom_zh/eval/fresh_test.csv,domains/telecom_zh/eval/fresh_test_2.csv

Variants (`--variants`, default all but int8-ffn-out):
  float32       the float model
  int8-torch    torch's default dynamic int8 (per-tensor weights, 7-bit activations): served before int8-batch
  int8-batch    torch's dynamic int8 with per-channel weights and 8-bit activations, one activation scale per
                batch (answers depend on batch-mates): served until 2026-12-02
  int8          framework.nlu.int8's scheme (per-channel weights, per-token activation scales): served now
  int8-ffn-out  the scheme with each layer's FFN output Linear in float32 (`--float-modules` to change)
  float16       float16 Linear weights (served when int8 fails its check and float16 passes)

Per model and variant: accuracy as users get the answers (below the model's threshold = out of
scope, framework.nlu.precision.answered; the domain is the CSV's `domains/<name>/eval/` parent),
the answers that differ from float32, texts/s for all texts in one predict call, and ms for one
text (median over the first 40 texts), with --threads torch threads (TorchScript path). The
variants are timed interleaved, round after round, and the table gives medians and the speed-up
against float32 (the machine may be shared: the ratios are what counts).

`--batches 1,8,32` instead times CPU seconds per text (this process's, one torch thread) with
the texts predicted in batches of each size, variants and sizes interleaved round after round,
and prints one row per model, variant and batch size with the ratio to the first variant.
"""
from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

VARIANTS = ("float32", "int8-torch", "int8-batch", "int8", "int8-ffn-out", "float16")
FFN_OUT = r"layer\.\d+\.output\.dense$"  # BERT's FFN output Linear (not attention.output.dense)


def load_variant(model_dir: str, variant: str, threads: int, float_modules: str):
    """A classifier of `model_dir` in `variant` precision (the TorchScript serving path)."""
    import torch

    from framework.nlu import int8
    from framework.nlu.model import BertIntentClassifier, load_classifier, read_artifact
    from framework.nlu.torchscript import TORCHSCRIPT_FILE, JsonTokenizer
    from framework.nlu.text_prefix import wrap

    if variant in ("float32", "int8", "float16"):
        return load_classifier(model_dir, None, quantize=variant != "float32" and variant, threads=threads)
    meta = read_artifact(model_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        network = torch.jit.load(str(Path(model_dir) / TORCHSCRIPT_FILE), map_location="cpu").eval()
        if variant == "int8-torch":
            from torch.ao.quantization import default_dynamic_qconfig, quantize_dynamic_jit

            network = quantize_dynamic_jit(network, {"": default_dynamic_qconfig})
        elif variant == "int8-batch":
            network = per_batch_int8(network)
        else:
            network = int8.quantize_script(network, float_modules)
    tokenizer = wrap(JsonTokenizer(Path(model_dir), int(meta.get("max_length", 64)), meta.get("pad_token_id")),
                     meta.get("text_prefix"))
    return BertIntentClassifier(network, tokenizer, meta, quantized=True, threads=threads)


def per_batch_int8(network):
    """The scheme served until 2026-12-02: torch's dynamic int8 Linear with per-channel weights
    and 8-bit activations (`reduce_range=False`; exact on a CPU with VNNI), one activation scale
    per call, so per batch."""
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig
    from torch.ao.quantization.quantize_jit import convert_dynamic_jit, prepare_dynamic_jit

    network = convert_dynamic_jit(prepare_dynamic_jit(network, {"": per_channel_dynamic_qconfig}), True)
    graph = network.graph
    false = graph.insertConstant(False)
    false.node().moveBefore(next(iter(graph.nodes())))
    for node in graph.findAllNodes("quantized::linear_dynamic"):
        node.replaceInput(2, false)
    torch._C._jit_pass_dce(graph)
    return network


def read_pairs(files: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for name in files:
        with open(name, encoding="utf-8", newline="") as f:
            pairs += [(r["text"], r["intent"]) for r in csv.DictReader(f)]
    return pairs


def domain_of(files: list[str]):
    """The assistant whose eval/ folder holds the first file, else None."""
    folder = Path(files[0]).resolve().parent.parent
    if not (folder / "domain.yml").exists():
        return None
    from framework.spec import load_assistant

    return load_assistant(folder)


def measure(model: str, files: list[str], variants: list[str], threads: int, rounds: int,
            float_modules: str) -> list[dict]:
    from framework.nlu.precision import answered

    pairs = read_pairs(files)
    texts = [t for t, _ in pairs]
    assistant = domain_of(files)
    classifiers = {v: load_variant(model, v, threads, float_modules) for v in variants}
    answers, batch_s, single_s = {}, {v: [] for v in variants}, {v: [] for v in variants}
    for v, c in classifiers.items():  # the answers, and one warm-up call each
        answers[v] = [answered(r, c.threshold, assistant) for r in c.predict(texts)]
    for _ in range(rounds):  # interleaved: each round times every variant once
        for v, c in classifiers.items():
            started = time.perf_counter()
            c.predict(texts)
            batch_s[v].append(time.perf_counter() - started)
            for text in texts[:40]:
                t = time.perf_counter()
                c.predict([text])
                single_s[v].append(time.perf_counter() - t)
    n = len(pairs)
    rows = []
    for v in variants:
        correct = sum(a == i for a, (_, i) in zip(answers[v], pairs))
        rows.append({"model": model, "variant": v, "n": n, "accuracy": 100 * correct / n,
                     "differ": sum(a != b for a, b in zip(answers[v], answers[variants[0]])),
                     "texts_per_s": n / statistics.median(batch_s[v]),
                     "one_text_ms": 1000 * statistics.median(single_s[v])})
    return rows


def cpu_per_text(model: str, files: list[str], variants: list[str], threads: int, rounds: int,
                 float_modules: str, batches: list[int], texts_per_size: int) -> list[dict]:
    """CPU ms per text of each variant at each batch size, interleaved: in each round every
    variant predicts the same `texts_per_size` texts in batches of each size."""
    texts = [t for t, _ in read_pairs(files)][:texts_per_size]
    classifiers = {v: load_variant(model, v, threads, float_modules) for v in variants}
    spent = {(v, b): [] for v in variants for b in batches}
    for c in classifiers.values():
        c.predict(texts[:max(batches)])  # warm-up
    for _ in range(rounds):
        for b in batches:
            for v, c in classifiers.items():
                started = time.process_time()
                for i in range(0, len(texts), b):
                    c.predict(texts[i:i + b])
                spent[v, b].append(time.process_time() - started)
    return [{"model": model, "variant": v, "batch": b, "texts": len(texts),
             "ms_per_text": 1000 * statistics.median(spent[v, b]) / len(texts),
             "ratio": statistics.median(spent[v, b]) / statistics.median(spent[variants[0], b])}
            for b in batches for v in variants]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("pairs", nargs="+", help="MODEL_DIR=CSV[,CSV...]")
    p.add_argument("--variants", default="float32,int8-torch,int8,float16",
                   help=f"comma-separated, the first is the reference (of {', '.join(VARIANTS)})")
    p.add_argument("--float-modules", default=FFN_OUT, help="regex of the modules int8-ffn-out keeps in float32")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--rounds", type=int, default=3, help="timing rounds (each variant once per round)")
    p.add_argument("--batches", default=None, help="comma-separated batch sizes: CPU ms per text at each instead")
    p.add_argument("--texts", type=int, default=96, help="with --batches: texts timed per size and round")
    args = p.parse_args(argv)
    variants = args.variants.split(",")
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        p.error(f"unknown variant(s) {', '.join(unknown)}; expected some of {', '.join(VARIANTS)}")
    if args.batches:
        batches = [int(b) for b in args.batches.split(",")]
        print(f"| model | variant | batch | texts | CPU ms per text | vs {variants[0]} |")
        print("|---|---|---:|---:|---:|---:|")
        for pair in args.pairs:
            model, data = pair.split("=", 1)
            for r in cpu_per_text(model, data.split(","), variants, args.threads, args.rounds, args.float_modules,
                                  batches, args.texts):
                print(f"| {r['model']} | {r['variant']} | {r['batch']} | {r['texts']} | {r['ms_per_text']:.2f} | "
                      f"{r['ratio']:.2f}x |", flush=True)
        return 0
    print(f"| model | variant | accuracy | loss vs {variants[0]} | answers differing | texts | texts/s (one call) "
          f"| one text ms | speed-up (call / one text) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for pair in args.pairs:
        model, data = pair.split("=", 1)
        rows = measure(model, data.split(","), variants, args.threads, args.rounds, args.float_modules)
        ref = rows[0]
        for r in rows:
            print(f"| {r['model']} | {r['variant']} | {r['accuracy']:.2f} | {ref['accuracy'] - r['accuracy']:+.2f} | "
                  f"{r['differ']} | {r['n']} | {r['texts_per_s']:.0f} | {r['one_text_ms']:.1f} | "
                  f"{r['texts_per_s'] / ref['texts_per_s']:.2f}x / {ref['one_text_ms'] / r['one_text_ms']:.2f}x |",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
