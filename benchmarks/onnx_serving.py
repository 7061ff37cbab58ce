"""Would ONNX Runtime with int8 weights serve a trained model faster than what we serve today?

Measures, in one process and interleaved (ratios count more than absolute figures on a
shared machine), the served int8 network (`load_classifier(quantize=True)`: the TorchScript
trace with framework.nlu.int8's per-token scheme) and float32 against ONNX Runtime variants
of the same network: float32; float32 after onnxruntime.transformers' BERT fusions; and
`quantize_dynamic` int8 (QInt8 weights, per-tensor and per-channel) of both. For each: file
size, top-1 agreement with the served int8 and with float32 (each text alone, batch 1), the
entity tags' agreement, accuracy on a labelled CSV, whether a text's top-1 stays the same in
a batch of 32, and ms per text / texts per second of the network call alone at batch 1, 8
and 32 on the same pre-tokenized tensors (plus the served model's whole `predict` for
reference; ORT applies its own graph optimisations, some fusions included, to every session
as it loads). Then start times in fresh subprocesses: `import torch`, `import onnxruntime`,
the ORT int8 session + tokenizer, and `load_classifier(quantize=True)`.

    python benchmarks/onnx_serving.py MODEL_DIR --data CSV [--threads 1] [--rounds 3] [--out-dir DIR]

Needs `pip install onnxruntime onnx onnxscript` (not project dependencies). The network is
exported with eager attention (the same arithmetic as transformers' SDPA, whose exported
pattern ORT's attention fusion does not recognise) by torch's default exporter, and again
with `dynamo=False` where that one fails or gives a graph whose attention does not fuse.
"""
from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
BATCHES = (1, 8, 32)
SERVED, FLOAT, PREDICT = "PyTorch int8 (served)", "PyTorch float32", "PyTorch int8 (served), whole predict()"
NEEDED = ("onnxruntime", "onnx", "onnxscript")


def fuse(path: Path, config):
    """onnxruntime.transformers' BERT fusions of the model at `path` (an OnnxModel)."""
    from onnxruntime.transformers.optimizer import optimize_model

    return optimize_model(str(path), model_type="bert", num_heads=config.num_attention_heads,
                          hidden_size=config.hidden_size)


def fused_ops(model) -> dict:
    return {k: v for k, v in model.get_fused_operator_statistics().items() if v}


def export(network, example, path: Path, notes: list) -> tuple[float, str]:
    """Export to `path` (dynamic batch and length; the exporter's default opset); (seconds,
    exporter). The default exporter first; `dynamo=False` where it raises or its graph's
    attention does not fuse."""
    import onnx
    import torch

    network.encoder.set_attn_implementation("eager")
    inputs = ["input_ids", "attention_mask"]
    outputs = ["logits", "tag_logits"] if network.tagger is not None else ["logits"]
    axes = {"input_ids": {0: "b", 1: "t"}, "attention_mask": {0: "b", 1: "t"}, "logits": {0: "b"},
            "tag_logits": {0: "b", 1: "t"}}
    for dynamo in (True, False):
        exporter = "torch.onnx.export" + ("" if dynamo else "(dynamo=False)")
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(network, example, str(path), input_names=inputs,
                                  output_names=outputs, dynamic_axes={k: axes[k] for k in [*inputs, *outputs]},
                                  dynamo=dynamo, external_data=False)
        except Exception as err:
            notes.append(f"{exporter} failed: {type(err).__name__}: {str(err)[:300]}")
            continue
        seconds = time.perf_counter() - start
        opset = {o.domain or "ai.onnx": o.version for o in onnx.load(str(path), load_external_data=False).opset_import}
        if dynamo:
            try:
                fused = fused_ops(fuse(path, network.encoder.config))
            except Exception as err:
                fused = {"error": str(err)[:200]}
            if not fused.get("Attention"):
                notes.append(f"{exporter} ({seconds:.1f} s, opset {opset}): attention not fused ({fused}); "
                             f"exported again with dynamo=False")
                continue
        notes.append(f"exported by {exporter}, opset {opset}")
        return seconds, exporter
    raise SystemExit("no ONNX exporter could export the network")


def ort_variants(onnx_path: Path, config, notes: list) -> tuple[dict, dict]:
    """({backend name: .onnx path}, {step: seconds}) for the ORT variants made from `onnx_path`."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process

    paths, seconds, sources = {"ORT float32": onnx_path}, {}, {"": onnx_path}
    fused, typed = onnx_path.with_name("fused.onnx"), onnx_path.with_name("fused_typed.onnx")
    start = time.perf_counter()
    try:
        optimized = fuse(onnx_path, config)
        optimized.save_model_to_file(str(fused))
        seconds["optimize"] = time.perf_counter() - start
        paths["ORT float32 fused"] = fused
        notes.append(f"fused: {fused_ops(optimized)}")
        # quantize_dynamic needs each tensor's type, which ONNX's shape inference does not give
        # behind the fused (com.microsoft) operators: ORT's symbolic shape inference does
        start = time.perf_counter()
        quant_pre_process(str(fused), str(typed), skip_optimization=True, auto_merge=True, guess_output_rank=True)
        seconds["symbolic shape inference (to quantize the fused model)"] = time.perf_counter() - start
        sources[" fused"] = typed
    except Exception as err:
        notes.append(f"BERT fusion or its shape inference failed, fused int8 skipped: {type(err).__name__}: "
                     f"{str(err)[:300]}")
    for kind, source in sources.items():
        for per_channel in ("tensor", "channel"):
            name = f"ORT int8{kind} per-{per_channel}"
            out = onnx_path.with_name(f"int8{kind.replace(' ', '_')}_{per_channel}.onnx")
            start = time.perf_counter()
            try:
                quantize_dynamic(str(source), str(out), per_channel=per_channel == "channel",
                                 weight_type=QuantType.QInt8)
            except Exception as err:
                notes.append(f"{name}: quantize_dynamic failed: {type(err).__name__}: {str(err)[:300]}")
                continue
            seconds[f"quantize {name}"] = time.perf_counter() - start
            paths[name] = out
    return paths, seconds


def session(path: Path, threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def start_times(model_dir: Path, int8_path: Path, threads: int, runs: int = 3) -> dict:
    """Median wall seconds of fresh `python -c` processes, each including its imports."""
    ort = ("import onnxruntime as o, tokenizers; tokenizers.Tokenizer.from_file({tok!r}); s = o.SessionOptions(); "
           "s.intra_op_num_threads, s.inter_op_num_threads = {t}, 1; "
           "o.InferenceSession({onnx!r}, s, providers=['CPUExecutionProvider'])")
    codes = {"python -c pass": "pass", "import torch": "import torch", "import onnxruntime": "import onnxruntime",
             f"ORT int8 session + tokenizer ({int8_path.stem})":
                 ort.format(tok=str(model_dir / "tokenizer.json"), t=threads, onnx=str(int8_path)),
             "load_classifier(quantize=True)": f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
             f"from framework.nlu.model import load_classifier; load_classifier({str(model_dir)!r}, quantize=True, "
             f"threads={threads})"}
    got = {k: [] for k in codes}
    for _ in range(runs):  # interleaved
        for name, code in codes.items():
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)
            got[name].append(time.perf_counter() - start)
    return {k: statistics.median(v) for k, v in got.items()}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model_dir", type=Path)
    p.add_argument("--data", type=Path, required=True, help="CSV with columns text,intent (all rows are used)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--out-dir", type=Path, help="write <model>.json and the .onnx files here")
    a = p.parse_args(argv)
    missing = [m for m in NEEDED if importlib.util.find_spec(m) is None]
    if missing:
        print(f"missing {', '.join(missing)}: pip install {' '.join(NEEDED)} (not project dependencies)")
        return 2
    command = " ".join([Path(sys.executable).name, *sys.argv])
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")

    import numpy as np
    import torch

    from framework.nlu.model import intent_logits, load_classifier, load_network, read_artifact
    from framework.nlu.mapped_embeddings import serving_cache
    from framework.nlu.quantized_cache import cache_name, weights_fingerprint
    from framework.nlu.torchscript import TORCHSCRIPT_FILE

    served = load_classifier(a.model_dir, quantize=True, threads=a.threads)
    floats = load_classifier(a.model_dir, threads=a.threads)
    labels = list(served.labels)
    with open(a.data, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    texts = [r["text"] if r["text"].strip() else "." for r in rows]  # as _run reads a blank text
    gold = np.array([labels.index(r["intent"]) if r["intent"] in labels else -1 for r in rows])

    def encode(batch):  # as BertIntentClassifier._forward tokenizes
        enc = served.tokenizer(batch, padding=True, truncation=True, max_length=served.max_length, return_tensors="pt")
        return enc["input_ids"], enc["attention_mask"]

    out_dir = a.out_dir or Path(tempfile.mkdtemp())
    onnx_dir = out_dir / f"{a.model_dir.name}-onnx"
    onnx_dir.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    network, _ = load_network(a.model_dir, read_artifact(a.model_dir))
    export_s, exporter = export(network, encode(texts[:2]), onnx_dir / "model.onnx", notes)
    paths, seconds = ort_variants(onnx_dir / "model.onnx", network.encoder.config, notes)
    seconds = {f"export ({exporter})": export_s, **seconds}
    del network
    script = a.model_dir / TORCHSCRIPT_FILE
    sizes = {FLOAT: script.stat().st_size, **{k: v.stat().st_size for k, v in paths.items()}}
    cached = serving_cache() / cache_name(weights_fingerprint(script) or "", "int8")
    if cached.is_file():
        sizes[SERVED] = cached.stat().st_size
    sessions = {k: session(v, a.threads) for k, v in paths.items()}

    # per batch size: (texts, torch tensors, ORT feeds): the same ids for every backend
    batches = {}
    for size in BATCHES:
        batches[size] = []
        for s in range(0, len(texts), size):
            ids, mask = encode(texts[s:s + size])
            feeds = {"input_ids": ids.numpy(), "attention_mask": mask.numpy()}
            batches[size].append((texts[s:s + size], (ids, mask), feeds))

    # backend -> (the timed call on a batch, its output as (top-1 per text, tag argmax per token or None))
    def torch_read(out):
        return intent_logits(out).argmax(-1).numpy(), out[1].argmax(-1).numpy() if isinstance(out, tuple) else None

    def ort_read(out):
        return out[0].argmax(-1), out[1].argmax(-1) if len(out) > 1 else None

    def predict_read(out):
        return np.array([labels.index(ranking[0].name) for ranking in out]), None

    backends = {SERVED: (lambda b: served.network(*b[1]), torch_read),
                FLOAT: (lambda b: floats.network(*b[1]), torch_read),
                **{k: ((lambda b, s=s: s.run(None, b[2])), ort_read) for k, s in sessions.items()},
                PREDICT: (lambda b: served.predict(b[0]), predict_read)}
    names = list(backends)
    times = {k: {s: [] for s in BATCHES} for k in names}
    answers = {k: {} for k in names}  # backend -> batch size -> (top-1s, tags of real tokens) of the first round
    torch.set_num_threads(a.threads)
    with torch.inference_mode():
        for r in range(a.rounds):
            for size in BATCHES:
                for name in names[r % len(names):] + names[:r % len(names)]:  # each round another order
                    fn, read = backends[name]
                    fn(batches[size][0])  # warm
                    total, got = 0.0, []
                    for batch in batches[size]:
                        start = time.perf_counter()
                        out = fn(batch)
                        total += time.perf_counter() - start
                        top1, tags = read(out)
                        got.append((top1, None if tags is None else tags[batch[2]["attention_mask"].astype(bool)]))
                    times[name][size].append(total / len(texts))
                    if r == 0:
                        answers[name][size] = (np.concatenate([g[0] for g in got]),
                                               None if got[0][1] is None else np.concatenate([g[1] for g in got]))

    def agree(x, y):
        return None if x is None or y is None else float((x == y).mean())

    scope = gold >= 0
    results, disagreements = {}, {}
    for name in names:
        top1, tags = answers[name][1]
        ms = {s: statistics.median(times[name][s]) * 1000 for s in BATCHES}
        results[name] = {
            "file_mb": sizes[name] / 1e6 if name in sizes else None,
            "agree_served_int8": agree(top1, answers[SERVED][1][0]),
            "agree_float32": agree(top1, answers[FLOAT][1][0]),
            "tags_agree_served_int8": agree(tags, answers[SERVED][1][1]),
            "accuracy": float((top1 == gold)[scope].mean()),
            "same_top1_b1_b32": agree(top1, answers[name][32][0]), "ms_per_text": ms,
            "texts_per_s": {s: 1000 / ms[s] for s in BATCHES}}
        differ = np.flatnonzero(top1 != answers[SERVED][1][0])
        disagreements[name] = [{"text": texts[i], SERVED: labels[answers[SERVED][1][0][i]], name: labels[top1[i]],
                                "gold": rows[i]["intent"]} for i in differ]
    base = results[SERVED]["ms_per_text"]
    for x in results.values():
        x["speedup_vs_served_int8"] = {s: base[s] / x["ms_per_text"][s] for s in BATCHES}
    int8_names = [k for k in paths if "int8" in k]
    fastest = min(int8_names, key=lambda k: results[k]["ms_per_text"][1]) if int8_names else "ORT float32"
    starts = start_times(a.model_dir, paths[fastest], a.threads)

    def pct(x):
        return "-" if x is None else f"{x:.1%}"

    print(f"\n`{command}`  \n{when}, {len(texts)} texts ({int(scope.sum())} in scope; {int((~scope).sum())} with an "
          f"intent the model lacks, skipped for accuracy), {a.threads} thread(s), median of {a.rounds} rounds\n")
    print("| backend | file MB | top-1 agree vs served int8 | vs float32 | tags agree vs served int8 | accuracy | "
          "same top-1 b1 vs b32 | ms/text b1 | texts/s b8 | texts/s b32 | speed-up vs served int8 b1/b8/b32 |")
    print("|---" * 11 + "|")
    for name, x in results.items():
        mb = "-" if x["file_mb"] is None else f"{x['file_mb']:.1f}"
        up = " / ".join(f"{x['speedup_vs_served_int8'][s]:.2f}x" for s in BATCHES)
        print(f"| {name} | {mb} | {pct(x['agree_served_int8'])} | {pct(x['agree_float32'])} | "
              f"{pct(x['tags_agree_served_int8'])} | {pct(x['accuracy'])} | {pct(x['same_top1_b1_b32'])} | "
              f"{x['ms_per_text'][1]:.2f} | {x['texts_per_s'][8]:.0f} | {x['texts_per_s'][32]:.0f} | {up} |")
    print("\n| start (fresh process, median of 3) | seconds |\n|---|---|")
    for name, s in starts.items():
        print(f"| {name} | {s:.2f} |")
    print("\nPreparation seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))
    for line in notes:
        print(f"- {line}")
    for name, differing in disagreements.items():
        for d in differing[:10]:
            print(f"- {name} differs from served int8: {d['text']!r}: {d[SERVED]} -> {d[name]} (gold {d['gold']})")
    if a.out_dir:
        report = {"command": command, "utc": when, "texts": len(texts), "in_scope": int(scope.sum()),
                  "threads": a.threads, "rounds": a.rounds, "exporter": exporter, "seconds": seconds, "notes": notes,
                  "results": results, "start_seconds": starts, "disagreements_vs_served_int8": disagreements}
        (out_dir / f"{a.model_dir.name}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1),
                                                            encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
