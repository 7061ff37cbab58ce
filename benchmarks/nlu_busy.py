"""Training on a busy machine: `python train.py DOMAIN` with the defaults, alone and while a
second process keeps one core busy (a bounded busy loop started and stopped here), in one
run so that the ratio compares like with like. Optionally also the old defaults (threads =
CPU count, OpenMP threads spinning) under the same busy loop, stopped after --old-limit s.

    nice -n 10 python benchmarks/nlu_busy.py domains/telecom_zh [--train-args "--epochs 2"] [--old]
    python benchmarks/nlu_busy.py --sampler [--samples 20]

`--sampler` trains nothing: it reads the busy-core signal of framework.nlu.threads (other
processes' CPU time on /proc/stat over a short window) and, for comparison, /proc/stat's
procs_running (runnable tasks, read 10 times over the same window, less this process) and
the 1-minute load average, as the machine is, with a bounded busy loop holding a core, and
with this process itself busy during the window (as train.py is, importing torch).

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
sys.path.insert(0, str(ROOT))
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


def procs_running() -> int:
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("procs_running"):
                return int(line.split()[1])
    return 0


def sample(own_busy: bool) -> tuple[float, float]:
    """(other processes' busy cores by framework.nlu.threads, mean runnable tasks but this
    one) over one window; with `own_busy` this process spins through the window."""
    from framework.nlu import threads

    threads.mark_cpu_clock()
    running = []
    end = time.monotonic() + threads.WINDOW
    while time.monotonic() < end:
        running.append(procs_running() - 1)  # this process is running while it reads
        if own_busy:
            stop = time.monotonic() + threads.WINDOW / 10
            while time.monotonic() < stop:
                pass
        else:
            time.sleep(threads.WINDOW / 10)
    return threads.busy_cores_now(), sum(running) / len(running)


def sampler_table(samples: int) -> int:
    from framework.nlu import threads

    print(f"busy-core signals, {samples} windows of {threads.WINDOW} s each, {os.cpu_count()} CPUs, "
          f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, /proc/loadavg {open('/proc/loadavg').read().strip()}\n")
    print("| situation | /proc/stat CPU time of others, cores: mean (min-max) | whole busy cores counted "
          "(busy_count) | procs_running - 1: mean (min-max) | 1-min load average |")
    print("|---|---|---|---|---|")
    for name, busy_loop, own_busy in (("as the machine is", False, False),
                                      ("+ a busy loop holding one core", True, False),
                                      ("this process busy in the window", False, True),
                                      ("busy loop + this process busy", True, True),
                                      ("as the machine is, again", False, False)):
        def run():
            return [sample(own_busy) for _ in range(samples)]
        rows = with_busy_core(run, 60) if busy_loop else run()
        cores = [c for c, _ in rows]
        running = [r for _, r in rows]
        counts = {}
        for c in cores:
            counts[threads.busy_count(c)] = counts.get(threads.busy_count(c), 0) + 1
        print(f"| {name} | {sum(cores) / len(cores):.2f} ({min(cores):.2f}-{max(cores):.2f}) | "
              f"{', '.join(f'{k}: {v}x' for k, v in sorted(counts.items()))} | "
              f"{sum(running) / len(running):.2f} ({min(running):.2f}-{max(running):.2f}) | {os.getloadavg()[0]:.2f} |",
              flush=True)
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("domain", nargs="?")
    p.add_argument("--sampler", action="store_true", help="measure the busy-core signals only (no training)")
    p.add_argument("--samples", type=int, default=20, help="windows per situation with --sampler")
    p.add_argument("--train-args", default="", help="extra train.py arguments, e.g. \"--epochs 2\"")
    p.add_argument("--old", action="store_true", help="also the old defaults (threads = CPU count, OMP active wait)")
    p.add_argument("--old-limit", type=float, default=1800, help="stop the old-defaults run after this many seconds")
    args = p.parse_args()
    if args.sampler:
        return sampler_table(args.samples)
    if not args.domain:
        p.error("give a DOMAIN (or --sampler)")
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
