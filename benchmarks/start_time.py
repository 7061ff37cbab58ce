#!/usr/bin/env python3
"""Start to first answer and RSS of `serve`, the working tree beside another revision, interleaved.

    python benchmarks/start_time.py domains/banking_en=MODEL_EN domains/telecom_zh=MODEL_ZH \
        [--baseline REV_OR_DIR] [--tree DIR] [--starts 5] [--serve-args "--threads 1"] \
        [--compare-args "--runtime onnx"]

For each tree (this working tree, or --tree, and --baseline: a git revision unpacked by
`git archive`, or a checkout's folder) and each domain, `python -m framework serve DOMAIN
--model MODEL` is started in that tree, as benchmarks/side_by_side.py starts it (its
`spawn` and `first_answer`: seconds from the process start until the REST webhook gives a
non-empty answer to the domain's first example; one shared Redis, rate limits and the
answer cache off). Measured per start: those seconds, the server's CPU seconds (user +
sys) up to then, and its RSS just after the first answer.

Each tree gets its own empty serving cache ($DIALOG_SERVING_CACHE): its first start per
domain fills it (reported apart, "cold"), then --starts starts per tree and domain run
interleaved (tree A, tree B, tree A, ...), so that a change in the shared machine's load
hits both. The domain folder is this tree's for both trees: only the code differs.
`--compare-args ARGS` adds the same tree started with ARGS besides --serve-args (one
option against another, e.g. `--runtime onnx`), with its own serving cache.
Prints one Markdown table: median (min-max) of each figure.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from serve_benchmark import texts_of  # noqa: E402
from side_by_side import first_answer, free_port, rss_mb, spawn, stop  # noqa: E402


def cpu_seconds(process: subprocess.Popen) -> float:
    """user + sys of the server and its children (workers) so far."""
    parent = psutil.Process(process.pid)
    total = 0.0
    for p in [parent] + parent.children(recursive=True):
        times = p.cpu_times()
        total += times.user + times.system
    return total


def tree_of(rev_or_dir: str, into: Path) -> Path:
    """A checkout folder as it is, else the git revision unpacked into `into`."""
    return Path(rev_or_dir).resolve() if Path(rev_or_dir).is_dir() else unpack_revision(rev_or_dir, into)


def unpack_revision(rev: str, into: Path) -> Path:
    """`git archive REV` of this repository, unpacked into `into`."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


async def one_start(tree: Path, domain: Path, model: Path, redis_url: str, cache: Path, serve_args: list[str],
                    log: Path, text: str) -> dict:
    port = free_port()
    proc = spawn([sys.executable, "-m", "framework", "serve", str(domain), "--model", str(model), "--port", str(port),
                  "--redis-url", redis_url, "--rate-limit-ip", "0", "--rate-limit-sender", "0", "--no-answer-cache",
                  "--log-level", "WARNING", *serve_args], tree, log,
                 env={"DIALOG_SERVING_CACHE": str(cache), "PYTHONPATH": str(tree)})
    try:
        ready = await first_answer(port, proc, text, log)
        return {"ready_s": ready, "cpu_s": cpu_seconds(proc), "rss_mb": rss_mb(proc)}
    finally:
        stop(proc)


def fmt(values: list[float], digits: int) -> str:
    if not values:
        return "-"
    med = statistics.median(values)
    return f"{med:.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


async def run(args) -> list[dict]:
    from framework.store import EmbeddedRedis

    work = Path(tempfile.mkdtemp(prefix="start_time_"))
    trees = {"working tree": ROOT} if args.tree is None else {args.tree: tree_of(args.tree, work / "tree")}
    if args.baseline:
        trees[f"baseline {args.baseline}"] = tree_of(args.baseline, work / "baseline")
    serve_args = {name: args.serve_args.split() for name in trees}
    if args.compare_args:
        name = f"{next(iter(trees))}, serve {args.compare_args}"
        trees[name], serve_args[name] = next(iter(trees.values())), [*args.serve_args.split(),
                                                                      *args.compare_args.split()]
    pairs = []
    for spec in args.domain_models:
        domain, _, model = spec.partition("=")
        if not model:
            raise SystemExit(f"expected DOMAIN=MODEL, got {spec!r}")
        pairs.append((Path(domain).resolve(), Path(model).resolve()))
    redis = EmbeddedRedis(str(work / "redis")).start()
    rows: dict[tuple[str, str], dict] = {}
    try:
        caches = {name: work / f"cache-{i}" for i, name in enumerate(trees)}
        texts = {domain: texts_of(str(domain))[0] for domain, _ in pairs}
        for round_ in range(args.starts + 1):  # round 0: each tree's first start, empty cache
            for domain, model in pairs:
                for name, tree in trees.items():
                    log = work / f"{domain.name}-{caches[name].name}-{round_}.log"
                    r = await one_start(tree, domain, model, redis.url, caches[name], serve_args[name], log,
                                        texts[domain])
                    row = rows.setdefault((domain.name, name), {"domain": domain.name, "tree": name, "starts": []})
                    if round_ == 0:
                        row["cold"] = r
                    else:
                        row["starts"].append(r)
                    print(f"  [{round_}] {domain.name:12s} {name:40s} ready {r['ready_s']:5.2f} s  cpu "
                          f"{r['cpu_s']:5.2f} s  RSS {r['rss_mb']:4.0f} MB  (load {os.getloadavg()[0]:.1f})",
                          flush=True)
    finally:
        redis.stop()
    return list(rows.values())


def table(rows: list[dict]) -> str:
    lines = ["| domain | tree | starts | ready s, median (min-max) | CPU s to ready | RSS after first answer, MB "
             "| first start, empty serving cache: ready s / CPU s |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        s = r["starts"]
        cold = r.get("cold")
        lines.append(f"| {r['domain']} | {r['tree']} | {len(s)} | {fmt([x['ready_s'] for x in s], 2)} | "
                     f"{fmt([x['cpu_s'] for x in s], 2)} | {fmt([x['rss_mb'] for x in s], 0)} | "
                     + (f"{cold['ready_s']:.2f} / {cold['cpu_s']:.2f} |" if cold else "- |"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("domain_models", nargs="+", metavar="DOMAIN=MODEL", help="a domain folder and its trained model")
    p.add_argument("--baseline", default=None, help="a git revision (unpacked with git archive) or a checkout folder")
    p.add_argument("--tree", default=None, help="measure this revision or checkout folder instead of this working tree")
    p.add_argument("--starts", type=int, default=5, help="measured starts per tree and domain, after the cold one")
    p.add_argument("--serve-args", default="", help="extra `serve` options, e.g. '--threads 1'")
    p.add_argument("--compare-args", default="", help="also the same tree with these `serve` options added, "
                                                       "e.g. '--runtime onnx'")
    args = p.parse_args(argv)
    began, load = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), os.getloadavg()
    rows = asyncio.run(run(args))
    ended, load_end = time.strftime("%H:%M:%S UTC", time.gmtime()), os.getloadavg()
    print(f"\nStart to first answer, {began} to {ended}, {os.cpu_count()} CPU cores, load average "
          f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} before, {load_end[0]:.2f} / {load_end[1]:.2f} / "
          f"{load_end[2]:.2f} after; serve {args.serve_args or '(defaults)'}\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
