"""How long `python train.py DOMAIN` takes under several settings, measured interleaved in
one run (each round runs every setting once, in alternating order), so that a shared, noisy
machine slows them alike and the ratios compare like with like.

    nice -n 5 python benchmarks/train_time.py domains/banking_en --rounds 2 \\
        --setting "one after another=--threads 2 --fold-processes 1" --setting "folds in processes=--threads 2"

A setting's arguments may start with `@DIR`: train.py of another checkout (e.g. the code
before a change, from `git archive HEAD | tar -x -C DIR`) runs for it, so old and new code
are timed interleaved on the same load:

    nice -n 5 python benchmarks/train_time.py domains/banking_en --rounds 1 \
        --setting "old code=@/tmp/old_tree" --setting "new code="

Prints a table per run (wall seconds, CPU seconds of the whole process tree, peak RSS of the
largest process, the 1-minute load average before it, threshold, out-of-fold accuracy, the
final model's epochs) and the median wall time per setting with its ratio to the first.
Models go to --out/<setting number>_<round> (kept for `dialog evaluate`), with train.py's
output in train.log.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(domain: str, extra: list[str], out: Path) -> dict:
    tree = ROOT
    if extra and extra[0].startswith("@"):  # another checkout's train.py (same domain folder)
        tree, extra = Path(extra[0][1:]), extra[1:]
    cmd = [sys.executable, "train.py", str((ROOT / domain).resolve()), "--out", str(out.resolve()), "--no-progress", *extra]
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)  # the fold processes are reaped by train.py: counted here
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.mkdir(parents=True, exist_ok=True)
    (out / "train.log").write_text(log, encoding="utf-8")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{log[-3000:]}")
    meta = json.loads((out / "artifact.json").read_text(encoding="utf-8"))
    m = meta["metrics"]
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024, "load": load,
            "threshold": meta["threshold"], "oof_accuracy": m["validation_accuracy"],
            "fold_best": [f["best_epoch"] for f in m["history"].get("folds", [])],
            "final_epochs": (m.get("refit") or {}).get("epochs_used"),
            "threads": next((ln for ln in log.splitlines() if ln.startswith("threads:")), "threads: (given)")}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("domain")
    p.add_argument("--setting", action="append", required=True, metavar="NAME=ARGS",
                   help="a name and the train.py arguments of one setting; repeatable (the first is the reference)")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--out", default="/tmp/train_time", help="where the models go")
    p.add_argument("--results", help="append each run as a JSON line to this file")
    args = p.parse_args()
    settings = [s.split("=", 1) for s in args.setting]
    rows = []
    print(f"{args.domain}, seed {args.seed}, {os.cpu_count()} CPUs, started {time.strftime('%H:%M:%S', time.gmtime())} UTC")
    print("| round | setting | wall s | CPU s | peak RSS MB | load before | threshold | out-of-fold acc. | fold best epochs | final epochs |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in range(args.rounds):
        order = list(range(len(settings)))
        if r % 2:
            order.reverse()
        for i in order:
            name, extra = settings[i]
            out = Path(args.out) / f"{i}_{r}"
            row = {"round": r + 1, "setting": name, "args": extra, "seed": args.seed,
                   "utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                   **run(args.domain, shlex.split(extra) + ["--seed", str(args.seed)], out)}
            rows.append(row)
            print(f"| {r + 1} | {name} | {row['wall']:.1f} | {row['cpu']:.1f} | {row['rss_mb']:.0f} | {row['load']:.1f} "
                  f"| {row['threshold']} | {row['oof_accuracy']:.4f} | {row['fold_best']} | {row['final_epochs']} |",
                  flush=True)
            if args.results:
                with open(args.results, "a", encoding="utf-8") as f:
                    f.write(json.dumps(row) + "\n")
    print(f"\nfinished {time.strftime('%H:%M:%S', time.gmtime())} UTC, load average {os.getloadavg()[0]:.1f}\n")
    print("| setting | median wall s | vs first | median CPU s |")
    print("|---|---|---|---|")
    ref = statistics.median(r["wall"] for r in rows if r["setting"] == settings[0][0])
    for name, _ in settings:
        walls = [r["wall"] for r in rows if r["setting"] == name]
        cpus = [r["cpu"] for r in rows if r["setting"] == name]
        print(f"| {name} | {statistics.median(walls):.1f} | {statistics.median(walls) / ref:.2f}x "
              f"| {statistics.median(cpus):.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
