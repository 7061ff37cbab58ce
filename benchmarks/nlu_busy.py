"""Training on a busy machine: `python train.py DOMAIN` with the defaults, alone and while a
second process keeps one core busy (a bounded busy loop started and stopped here), in one
run so that the ratio compares like with like. Optionally also the old defaults (threads =
CPU count, OpenMP threads spinning) under the same busy loop, stopped after --old-limit s.

    nice -n 10 python benchmarks/nlu_busy.py domains/telecom_zh [--train-args "--epochs 2"] [--old]

Prints a table: configuration, threads, wall seconds, ratio to the first row, CPU seconds of
the training's process tree (with the threshold folds in processes, theirs too). With the
threads given (`--train-args "--threads 2"`) both rows train as a quiet 2-core machine's
defaults would: the folds in processes (framework.nlu.parallel_folds).
"""
from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUSY = "import time\nend = time.time() + {limit}\nwhile time.time() < end:\n    pass\n"


def train(domain: str, extra: list[str], env: dict, limit: float) -> tuple[float, str, bool, float]:
    """(wall seconds, threads line, finished, CPU seconds of its process tree) of one training
    in a fresh process (the threshold folds' processes, reaped by it, are counted)."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "train.py", domain, "--out", str(Path(tmp) / "m"), "--no-progress", *extra]
        t = time.perf_counter()
        with tempfile.TemporaryFile("w+") as log:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
                                    start_new_session=True)
            deadline = time.monotonic() + limit
            while (done := os.wait4(proc.pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
                time.sleep(0.5)
            if done[0] == 0:  # over the limit: stop it and its fold processes
                os.killpg(proc.pid, 9)
                _, _, usage = os.wait4(proc.pid, 0)
                return time.perf_counter() - t, "", False, usage.ru_utime + usage.ru_stime
            wall = time.perf_counter() - t
            _, status, usage = done
            log.seek(0)
            out = log.read()
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(out[-2000:])
        threads = next((ln for ln in out.splitlines() if ln.startswith("threads:")), "")
        return wall, threads, True, usage.ru_utime + usage.ru_stime


def with_busy_core(fn, limit: float):
    """Run fn() while another process spins on one core (killed afterwards, bounded anyway)."""
    busy = subprocess.Popen([sys.executable, "-c", BUSY.format(limit=limit)])
    try:
        time.sleep(1.0)
        return fn()
    finally:
        busy.kill()
        busy.wait()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("domain")
    p.add_argument("--train-args", default="", help="extra train.py arguments, e.g. \"--epochs 2\"")
    p.add_argument("--old", action="store_true", help="also the old defaults (threads = CPU count, OMP active wait)")
    p.add_argument("--old-limit", type=float, default=1800, help="stop the old-defaults run after this many seconds")
    args = p.parse_args()
    extra = shlex.split(args.train_args)
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "DIALOG_NLU_THREADS")}
    rows = []
    wall, threads, _, cpu = train(args.domain, extra, env, 7200)
    rows.append(("defaults, no extra load", threads, wall, True, cpu))
    wall, threads, _, cpu = with_busy_core(lambda: train(args.domain, extra, env, 7200), 7200)
    rows.append(("defaults, one core kept busy", threads, wall, True, cpu))
    if args.old:
        old_env = {**env, "OMP_WAIT_POLICY": "ACTIVE"}
        old_extra = extra + ["--threads", str(os.cpu_count() or 1)]
        wall, threads, done, cpu = with_busy_core(lambda: train(args.domain, old_extra, old_env, args.old_limit),
                                                  args.old_limit + 60)
        rows.append((f"old defaults (--threads {os.cpu_count()}, OMP active wait), one core busy",
                     threads or f"threads: {os.cpu_count()}", wall, done, cpu))
    load = os.getloadavg()
    print(f"\n{args.domain}, train.py {args.train_args or '(defaults)'}; load average at the end "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs\n")
    print("| configuration | threads | wall s | vs first row | CPU s |")
    print("|---|---|---|---|---|")
    for name, threads, wall, done, cpu in rows:
        shown = re.sub(r"^threads: ", "", threads).split(" (")[0] or "(given)"
        print(f"| {name} | {shown} | {wall:.0f}{'' if done else ' (stopped, unfinished)'} | "
              f"{'>' if not done else ''}{wall / rows[0][2]:.2f}x | {cpu:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
