#!/usr/bin/env python3
"""Where a serving process's memory goes (loopback only, bounded): prints a Markdown table.

    python benchmarks/serve_memory.py domains/banking_en --model M [--model M2 ...] [--turns 300]
    python benchmarks/serve_memory.py domains/telecom_zh --model M --env DIALOG_EMBEDDINGS=float32

For each model (and each --env setting) this starts `python -m framework serve` (embedded
Redis, rate limits and the answer cache off, log level WARNING, as serve_benchmark.py),
waits for /ready, runs --turns full turns over the domain's texts (a fresh sender each,
8 at a time) so that every buffer a busy server holds exists, and then reads the server's
`/proc/PID/smaps`: RSS, PSS and USS (private pages, what each extra worker costs), and
RSS by mapping: the C heap and anonymous memory (Python objects, torch's registries, the
model's tensors), the shared libraries (libtorch_cpu ...), everything else. RSS is read at
the end of the run, so it includes what the turns left allocated.

`--steps` also loads the model inside this script, stage by stage, and prints the RSS each
stage adds (the server's own imports, torch, the network, the tokenizer, the first
batches): the split of the total above by cause.

`--check-answers CSV ...` parses the domain's examples and the texts of these CSV files
(a `text` column) with the model's table on the heap and then mapped
(framework/nlu/mapped_embeddings.py), and counts the answers that differ (ranking scores
and entities compared exactly).
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from serve_benchmark import closed_loop, texts_of  # noqa: E402
from side_by_side import WEBHOOK, first_answer, free_port, spawn, stop  # noqa: E402

MB = 1024  # smaps counts kB


def smaps(pid: int | str) -> dict[str, collections.Counter]:
    """kB by mapping name (a library's file name, [heap], [anon], ...) and field."""
    by_name: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    name = "[anon]"
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                parts = line.split()
                name = parts[5].rsplit("/", 1)[-1] if len(parts) > 5 else "[anon]"
            else:
                key, *value = line.split()
                if key in ("Rss:", "Pss:", "Private_Clean:", "Private_Dirty:", "Anonymous:"):
                    by_name[name][key[:-1]] += int(value[0])
    return by_name


def summary(by_name: dict[str, collections.Counter]) -> dict[str, float]:
    total = collections.Counter()
    for counts in by_name.values():
        total.update(counts)
    group = collections.Counter()
    for name, counts in by_name.items():
        if name in ("[heap]", "[anon]"):
            key = "heap + anonymous"
        elif name.startswith("libtorch"):
            key = "libtorch*.so"
        elif ".so" in name:
            key = "other libraries"
        else:
            key = "other (files, stacks)"
        group[key] += counts["Rss"]
    return {"RSS": total["Rss"] / MB, "PSS": total["Pss"] / MB,
            "USS": (total["Private_Clean"] + total["Private_Dirty"]) / MB,
            **{k: v / MB for k, v in sorted(group.items())}}


async def measure(args, model: str, env: dict[str, str]) -> dict:
    texts = texts_of(args.domain)
    work = Path(tempfile.mkdtemp(prefix="serve_memory_"))
    port = free_port()
    log = work / "serve.log"
    proc = spawn([sys.executable, "-m", "framework", "serve", args.domain, "--model", model, "--port", str(port),
                  "--rate-limit-ip", "0", "--rate-limit-sender", "0", "--no-answer-cache", "--log-level", "WARNING",
                  "--redis-dir", str(work / "redis"), *args.serve_args.split()], ROOT, log, env=env)
    try:
        ready = await first_answer(port, proc, texts[0], log)
        run = await closed_loop(f"http://127.0.0.1:{port}{WEBHOOK}", "turn", texts, 8, args.turns, 120)
        time.sleep(0.5)
        result = summary(smaps(proc.pid))
        result.update(ready_s=ready, turns=run["requests"], errors=run["errors"])
        return result
    finally:
        stop(proc)


def steps(domain: str, model: str) -> list[tuple[str, float]]:
    """RSS added by each loading stage, measured in a fresh interpreter."""
    code = f"""
import ctypes, gc, json, sys
sys.path.insert(0, {str(ROOT)!r})
def rss():
    gc.collect(); ctypes.CDLL("libc.so.6").malloc_trim(0)
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024
out = [("interpreter", rss())]
import framework.server.app
from framework.spec import load_assistant
assistant = load_assistant({domain!r})
out.append(("the server's imports and the domain", rss()))
import torch, tokenizers
out.append(("import torch, tokenizers", rss()))
from framework.nlu.model import load_classifier
from framework.nlu.precision import int8_recommended
classifier = load_classifier({model!r}, assistant, quantize=int8_recommended({model!r}), threads=1)
out.append(("the model and its tokenizer", rss()))
from framework.nlu.interface import parse_texts
texts = [e.text for i in assistant.intents.values() for e in i.examples][:160]
for s in range(0, len(texts), 16):
    parse_texts(classifier, texts[s:s + 16])
out.append(("ten batches of 16", rss()))
print(json.dumps(out))
"""
    import json

    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    points = json.loads(done.stdout.strip().splitlines()[-1])
    return [(name, points[i][1] - (points[i - 1][1] if i else 0)) for i, (name, _) in enumerate(points)]


def check_answers(domain: str, model: str, files: list[str]) -> str:
    """How many of the texts' answers change when the table is mapped (exact comparison)."""
    import csv

    from framework.nlu.mapped_embeddings import map_word_embeddings
    from framework.nlu.model import load_classifier
    from framework.nlu.precision import int8_recommended
    from framework.spec import load_assistant

    assistant = load_assistant(domain)
    texts = [e.text for i in assistant.intents.values() for e in i.examples]
    for name in files:
        with open(name, encoding="utf-8") as f:
            texts += [row["text"] for row in csv.DictReader(f)]
    classifier = load_classifier(model, assistant, quantize=int8_recommended(model), threads=1)
    before = [p for s in range(0, len(texts), 16) for p in classifier.parse(texts[s:s + 16])]
    with tempfile.TemporaryDirectory() as cache:
        moved = map_word_embeddings(classifier.network, Path(cache))
        after = [p for s in range(0, len(texts), 16) for p in classifier.parse(texts[s:s + 16])]
    changed = sum(a != b for a, b in zip(before, after))
    worst = max(abs(x.confidence - y.confidence) for a, b in zip(before, after)
                for x, y in zip(a.ranking, b.ranking))
    return (f"{model}: {len(texts)} texts, table {moved / 2**20:.0f} MB mapped, {changed} answers changed, "
            f"largest |score difference| {worst:g}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("domain")
    p.add_argument("--model", action="append", required=True, help="model folder (repeat to compare)")
    p.add_argument("--env", action="append", default=[], metavar="NAME=VALUE[,NAME=VALUE]",
                   help="environment of one server run (repeat: one run each; default: one run as is)")
    p.add_argument("--serve-args", default="", help="extra `serve` options, e.g. '--int8'")
    p.add_argument("--turns", type=int, default=300)
    p.add_argument("--steps", action="store_true", help="also the RSS each loading stage adds (in-process)")
    p.add_argument("--check-answers", nargs="*", default=None, metavar="CSV",
                   help="also compare the answers heap vs mapped table on the examples and these files' texts")
    args = p.parse_args(argv)
    envs = [dict(kv.split("=", 1) for kv in e.split(",")) for e in args.env] or [{}]
    started, load = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.getloadavg()[0]
    rows = []
    for model in args.model:
        for env in envs:
            r = asyncio.run(measure(args, model, env))
            rows.append((model, ",".join(f"{k}={v}" for k, v in env.items()) or "-", r))
            print(f"  {model} {rows[-1][1]}: RSS {r['RSS']:.0f} MB", flush=True)
    print(f"\n{started}, load average {load:.1f}; `serve {args.serve_args or '(defaults)'}`, {args.turns} turns, "
          f"8 clients, then /proc/PID/smaps (MB)\n")
    cols = ["RSS", "PSS", "USS", "heap + anonymous", "libtorch*.so", "other libraries", "other (files, stacks)"]
    print("| model | env | " + " | ".join(cols) + " | ready s | turns (errors) |")
    print("|---|---|" + "---:|" * (len(cols) + 2))
    for model, env, r in rows:
        print(f"| {model} | {env} | " + " | ".join(f"{r.get(c, 0):.0f}" for c in cols)
              + f" | {r['ready_s']:.1f} | {r['turns']} ({r['errors']}) |")
    if args.check_answers is not None:
        print()
        for model in args.model:
            print(check_answers(args.domain, model, args.check_answers))
    if args.steps:
        for model in args.model:
            print(f"\nRSS added by each loading stage, in-process ({model}):\n\n| stage | MB |\n|---|---:|")
            for name, mb in steps(args.domain, model):
                print(f"| {name} | {mb:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
