#!/usr/bin/env python3
"""Which ONNX Runtime fusions pay on this CPU: prints two Markdown tables (loopback-free, bounded).

    python benchmarks/onnx_fusions.py                                   # the operators alone
    python benchmarks/onnx_fusions.py --model MODEL_DIR --domain domains/telecom_zh   # and a model

1. The operators alone, one intra-op thread: 24 SkipLayerNormalization nodes (com.microsoft)
   against 24 Add + LayerNormalization pairs on (batch, 12 tokens, hidden) float32 tensors,
   microseconds per normalisation, best of --rounds.
2. With --model: the model's network exported and quantised twice, as training does
   (framework.nlu.onnx_runtime._export_fused_int8: plain int8, no smoothing), once with every
   fusion of onnxruntime.transformers (SkipLayerNormalization, BiasGelu: what training made
   before session 21) and once with the project's fusion options (neither; the session does
   not fuse them back); each run by framework.nlu.onnx_runtime.OrtNetwork with one thread on
   the domain's eval texts (tokenised once, batches of 1, 4 and 8 in file order, padded to
   the batch's longest), ms per text as the best of --rounds rounds, alternating the two files
   within a round; and the share of texts whose top intent is the same in both.

The ratio within a round is the figure to read on a shared machine.
"""
from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _norm_graph(fused: bool, hidden: int, nodes: int = 24) -> bytes:
    import numpy as np
    from onnx import TensorProto, helper

    shape = ["b", "t", hidden]
    graph_nodes = []
    for i in range(nodes):
        source, out = "x" if i == 0 else f"y{i - 1}", f"y{i}" if i < nodes - 1 else "y"
        if fused:
            graph_nodes.append(helper.make_node("SkipLayerNormalization", [source, "s", "g", "b0"], [out],
                                                domain="com.microsoft", epsilon=1e-12))
        else:
            graph_nodes.append(helper.make_node("Add", [source, "s"], [f"a{i}"]))
            graph_nodes.append(helper.make_node("LayerNormalization", [f"a{i}", "g", "b0"], [out], axis=-1,
                                                epsilon=1e-12))
    graph = helper.make_graph(
        graph_nodes, "norms",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape),
         helper.make_tensor_value_info("s", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)],
        [helper.make_tensor("g", TensorProto.FLOAT, [hidden], np.ones(hidden, np.float32)),
         helper.make_tensor("b0", TensorProto.FLOAT, [hidden], np.zeros(hidden, np.float32))])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    return model.SerializeToString()


def operators(hidden: int, rounds: int) -> list[tuple]:
    import numpy as np
    import onnxruntime as ort

    rows = []
    sessions = {}
    for fused in (True, False):
        options = ort.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        sessions[fused] = ort.InferenceSession(_norm_graph(fused, hidden), options, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    for batch in (1, 4):
        feed = {"x": rng.standard_normal((batch, 12, hidden), dtype=np.float32),
                "s": rng.standard_normal((batch, 12, hidden), dtype=np.float32)}
        best = {True: float("inf"), False: float("inf")}
        for _ in range(rounds):
            for fused, session in sessions.items():
                for _ in range(10):
                    session.run(None, feed)
                start = time.perf_counter()
                for _ in range(100):
                    session.run(None, feed)
                best[fused] = min(best[fused], (time.perf_counter() - start) / 100 / 24 * 1e6)
        rows.append((batch, best[True], best[False], best[False] / best[True]))
    return rows


def _texts(domain: Path, limit: int) -> list[str]:
    texts = []
    for path in sorted((domain / "eval").glob("*.csv")):
        with path.open(encoding="utf-8") as f:
            texts += [row["text"] for row in csv.DictReader(f) if row.get("text")]
    return texts[:limit]


def model_rows(model_dir: Path, domain: Path, rounds: int, limit: int) -> tuple[list[tuple], float, float]:
    import numpy as np

    from framework.nlu import onnx_runtime
    from framework.nlu.model import read_artifact

    meta = read_artifact(model_dir)
    files = {}
    with tempfile.TemporaryDirectory(prefix="onnx_fusions_") as tmp:
        ours = onnx_runtime._fusion_options
        for name, options in (("every fusion", lambda: None), ("project's", ours)):
            folder = Path(tmp) / name.replace(" ", "_").replace("'", "")
            folder.mkdir()
            onnx_runtime._fusion_options = options
            try:
                files[name] = onnx_runtime._export_fused_int8(model_dir, meta, folder)[1]
            finally:
                onnx_runtime._fusion_options = ours
        networks = {name: onnx_runtime.OrtNetwork(path) for name, path in files.items()}
        tokenizer = onnx_runtime._tokenizer(model_dir, meta)
        encoded = [tokenizer([t])["input_ids"][0] for t in _texts(domain, limit)]
        lengths = float(np.mean([len(e) for e in encoded]))

        def batch(chunk):
            width = max(len(e) for e in chunk)
            ids = np.zeros((len(chunk), width), np.int64)
            mask = np.zeros_like(ids)
            for j, e in enumerate(chunk):
                ids[j, :len(e)], mask[j, :len(e)] = e, 1
            return ids, mask

        tops = {name: np.concatenate([net(*batch(encoded[i:i + 8]))[0] for i in range(0, len(encoded), 8)]).argmax(1)
                for name, net in networks.items()}
        agree = float((tops["every fusion"] == tops["project's"]).mean() * 100)
        rows = []
        for size in (1, 4, 8):
            best = {name: float("inf") for name in networks}
            ratios = []
            for _ in range(rounds):
                spent = {}
                for name, net in networks.items():
                    start = time.perf_counter()
                    for i in range(0, len(encoded), size):
                        net(*batch(encoded[i:i + size]))
                    spent[name] = (time.perf_counter() - start) / len(encoded) * 1000
                    best[name] = min(best[name], spent[name])
                ratios.append(spent["project's"] / spent["every fusion"])
            rows.append((size, best["every fusion"], best["project's"], min(ratios), max(ratios)))
    return rows, agree, lengths


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, help="a trained model folder (with model.torchscript.pt)")
    p.add_argument("--domain", type=Path, help="its domain: the eval/*.csv texts are timed")
    p.add_argument("--hidden", type=int, default=384, help="hidden size of the operator test (e5-small, MiniLM: 384)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--texts", type=int, default=320, help="eval texts timed per round")
    args = p.parse_args(argv)
    if args.model and not args.domain:
        p.error("--model needs --domain (its eval texts are timed)")
    print(f"\nSkipLayerNormalization against Add + LayerNormalization (hidden {args.hidden}, 12 tokens, 1 thread, "
          f"best of {args.rounds}):\n")
    print("| batch | SkipLayerNormalization us | Add + LayerNormalization us | ratio |")
    print("|---:|---:|---:|---:|")
    for batch, fused, plain, ratio in operators(args.hidden, args.rounds):
        print(f"| {batch} | {fused:.1f} | {plain:.1f} | {ratio:.2f}x |")
    if args.model:
        rows, agree, lengths = model_rows(args.model, args.domain, args.rounds, args.texts)
        print(f"\n{args.model} (plain int8, 1 thread, {args.texts} eval texts of {args.domain}, mean {lengths:.1f} tokens; "
              f"same top intent on {agree:.2f} %):\n")
        print("| batch | every fusion ms/text | project's fusions ms/text | ratio (per round, min-max) |")
        print("|---:|---:|---:|---|")
        for size, every, ours, low, high in rows:
            print(f"| {size} | {every:.3f} | {ours:.3f} | {ours / every:.2f}x ({low:.2f}-{high:.2f}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
