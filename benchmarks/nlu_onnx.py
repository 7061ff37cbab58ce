"""Is ONNX Runtime worth an optional backend here? Latency and throughput of one trained
model under PyTorch float32, PyTorch dynamic int8 and ONNX Runtime float32, measured
interleaved in one process (needs `pip install onnxruntime onnx onnxscript`).

    python benchmarks/nlu_onnx.py MODEL_DIR [--threads 2] [--rounds 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model_dir")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args(argv)

    import numpy as np
    import onnxruntime as ort
    import torch

    from framework.nlu.model import load_classifier

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import nlu_datasets

    texts = [r.text for r in nlu_datasets.banking77("test")[:288]]
    clf = load_classifier(a.model_dir, threads=a.threads)
    q = load_classifier(a.model_dir, quantize=True, threads=a.threads)
    tok = clf.tokenizer
    onnx_path = Path(tempfile.mkdtemp()) / "model.onnx"
    ids = tok(texts[:2], padding=True, return_tensors="pt")
    # the eager network: the torch.export-based ONNX exporter takes no TorchScript module
    from framework.nlu.model import load_network, read_artifact

    eager, _ = load_network(a.model_dir, read_artifact(a.model_dir))
    torch.onnx.export(eager, (ids["input_ids"], ids["attention_mask"]), str(onnx_path),
                      input_names=["input_ids", "attention_mask"], output_names=["logits"],
                      dynamic_axes={"input_ids": {0: "b", 1: "t"}, "attention_mask": {0: "b", 1: "t"}})
    so = ort.SessionOptions()
    so.intra_op_num_threads = a.threads
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(onnx_path), so, providers=["CPUExecutionProvider"])

    def ort_predict(batch):
        enc = tok(batch, padding=True, truncation=True, max_length=clf.max_length, return_tensors="np")
        return sess.run(None, {"input_ids": enc["input_ids"].astype(np.int64),
                               "attention_mask": enc["attention_mask"].astype(np.int64)})[0]

    check = ort_predict(texts[:32]).argmax(1)
    ref = np.array([clf.labels.index(r[0].name) for r in clf.predict(texts[:32])])
    agree = float((check == ref).mean())

    backends = {"pytorch float32": lambda b: clf.predict(b), "pytorch int8 (dynamic)": lambda b: q.predict(b),
                "onnxruntime float32": ort_predict}
    res = {k: ([], []) for k in backends}
    for _ in range(a.rounds):
        for name, fn in backends.items():
            fn(texts[:4])
            t = time.perf_counter()
            for s in texts[:64]:
                fn([s])
            res[name][0].append((time.perf_counter() - t) / 64 * 1000)
            t = time.perf_counter()
            for s in range(0, 288, 32):
                fn(texts[s:s + 32])
            res[name][1].append(288 / (time.perf_counter() - t))
    base1, base32 = statistics.median(res["pytorch float32"][0]), statistics.median(res["pytorch float32"][1])
    print(f"\n{a.model_dir}, {a.threads} threads, median of {a.rounds} rounds; ONNX top-1 agreement {agree:.0%}\n")
    print("| backend | ms/sentence batch 1 | sentences/s batch 32 | vs PyTorch float (b1 / b32) |")
    print("|---|---|---|---|")
    for name, (b1, b32) in res.items():
        m1, m32 = statistics.median(b1), statistics.median(b32)
        print(f"| {name} | {m1:.1f} | {m32:.0f} | {base1 / m1:.2f}x / {m32 / base32:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
