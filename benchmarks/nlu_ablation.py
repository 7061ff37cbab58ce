"""What makes CPU fine-tuning fast, and what the defaults buy in accuracy.

    python benchmarks/nlu_ablation.py speed      # training sentences/s per setting, one run
    python benchmarks/nlu_ablation.py accuracy   # Banking77 few-shot subset, one knob at a time

Speed: the same 256 Banking77 utterances (8 batches of 32) are trained on under each
setting, interleaved over rounds so that CPU noise (a shared machine) hits all alike; the
table gives the median sentences/s and the ratio to the plain baseline.
"""
from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import nlu_datasets  # noqa: E402


def speed(rounds: int, threads: list[int]) -> None:
    import random

    import torch

    from framework.nlu.fit import _Batches, _freeze_base_embeddings, load_base_model
    from framework.nlu.model import build_network

    encoder, tokenizer = load_base_model()
    rows = nlu_datasets.banking77("train")[:256]
    ids = tokenizer([r.text for r in rows], truncation=True, max_length=64)["input_ids"]
    labels = sorted({r.intent for r in rows})
    batches = _Batches(ids, [labels.index(r.intent) for r in rows], 0)
    padded = _Batches([i + [0] * (64 - len(i)) for i in ids], batches.labels, 0)  # as if padding="max_length"

    settings = {
        "pad to 64, full fine-tune (baseline)": dict(src=padded, bucket=False, freeze=False),
        "dynamic padding": dict(src=batches, bucket=False, freeze=False),
        "dynamic padding + length bucketing": dict(src=batches, bucket=True, freeze=False),
        "+ frozen word embeddings (default)": dict(src=batches, bucket=True, freeze=True),
    }
    base = build_network(encoder, len(labels))
    results = {(name, t): [] for name in settings for t in threads}
    for _ in range(rounds):
        for t in threads:
            torch.set_num_threads(t)
            for name, s in settings.items():
                net = copy.deepcopy(base)
                net.train()
                restore = lambda: None  # noqa: E731
                if s["freeze"]:
                    _, _, restore = _freeze_base_embeddings(net.encoder)
                params = [p for p in net.parameters() if p.requires_grad]
                opt = torch.optim.AdamW(params, lr=1e-4)
                order = s["src"].epoch(32, random.Random(0), s["bucket"])
                start = time.perf_counter()
                for idx in order:
                    x, m, y = s["src"].batch(idx)
                    loss = torch.nn.functional.cross_entropy(net(x, m), y)
                    loss.backward()
                    opt.step()
                    opt.zero_grad(set_to_none=True)
                results[(name, t)].append(len(rows) / (time.perf_counter() - start))
                restore()
    ref = statistics.median(results[(next(iter(settings)), threads[0])])
    print(f"\nTraining speed, MiniLM-L6, Banking77 utterances, batch 32, median of {rounds} rounds\n")
    print("| setting | threads | sentences/s | vs baseline |")
    print("|---|---|---|---|")
    for (name, t), v in results.items():
        med = statistics.median(v)
        print(f"| {name} | {t} | {med:.1f} | {med / ref:.2f}x |")


def accuracy(per_class: int, epochs: int) -> None:
    """One knob at a time from the defaults, on a Banking77 subset (`per_class` training
    examples per intent, validated on 1000 held-out training examples, tested on test)."""
    import random

    from framework.nlu.fit import load_base_model, train_and_save
    from framework.nlu.model import load_classifier
    from framework.nlu.train import ModelArguments, TrainingArguments
    import tempfile

    rows = nlu_datasets.banking77("train")
    random.Random(0).shuffle(rows)
    by = {}
    train, rest = [], []
    for r in rows:
        (train if len(by.setdefault(r.intent, [])) < per_class else rest).append(r)
        by[r.intent].append(r)
    valid = rest[:1000]
    test = nlu_datasets.banking77("test")
    knobs = {
        "defaults": ({}, {}),
        "learning rate 5e-5 (instead of 1e-4)": ({}, {"learning_rate": 5e-5}),
        "learning rate 2e-4": ({}, {"learning_rate": 2e-4}),
        "random head (instead of centroid init)": ({}, {"head_init": "random"}),
        "[CLS] pooling (instead of mean)": ({"pooling": "cls"}, {}),
        "word embeddings trained": ({}, {"freeze_embeddings": False}),
    }
    print(f"\nBanking77, {per_class} training examples per intent ({len(train)}), {epochs} epochs, test accuracy\n")
    print("| variant | test accuracy | macro-F1 | train s |")
    print("|---|---|---|---|", flush=True)
    for name, (margs, targs) in knobs.items():
        encoder, tokenizer = load_base_model()
        with tempfile.TemporaryDirectory() as tmp:
            t = time.time()
            train_and_save(encoder, tokenizer, train, tmp, model_args=ModelArguments(**margs),
                           train_args=TrainingArguments(epochs=epochs, progress=False, patience=99, **targs),
                           valid=valid, name="ablation")
            secs = time.time() - t
            clf = load_classifier(tmp)
            from framework.nlu.evaluate import evaluate_classifier

            r = evaluate_classifier(clf, test)
        print(f"| {name} | {100 * r['accuracy']:.2f} | {100 * r['macro_f1']:.2f} | {secs:.0f} |", flush=True)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("what", choices=["speed", "accuracy"])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, nargs="+", default=[2])
    p.add_argument("--per-class", type=int, default=10)
    p.add_argument("--epochs", type=int, default=4)
    a = p.parse_args(argv)
    if a.what == "speed":
        speed(a.rounds, a.threads)
    else:
        accuracy(a.per_class, a.epochs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
