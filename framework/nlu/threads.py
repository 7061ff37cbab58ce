"""How many threads torch may use, on a machine that other processes share.

Two things made training collapse when another process kept one core busy (`--threads 2`
on 2 cores: over 35 minutes instead of 143 s):

- torch's OpenMP threads spin after each parallel region, waiting for work; with more
  threads than free cores, the spinning threads and the busy process take turns, and every
  barrier waits for a descheduled thread. `OMP_WAIT_POLICY=PASSIVE` makes waiting threads
  sleep. It must be in the environment before libgomp is loaded, i.e. before torch is
  imported: `prepare_openmp()` runs when `framework.nlu` is imported (torch-free).
- the default thread count was the CPU count. It is the CPUs this process may run on
  (`os.sched_getaffinity`, which honours taskset and container cpusets) less the ones other
  processes keep busy, at least 1 and at most 8.

Busy cores are measured, not averaged over a minute: the CPU time /proc/stat counts on this
process's CPUs over a short window, less this process's own CPU time (`os.times`), is the
work of other processes, in cores. The 1-minute load average, used before, still counts a
job for a minute after it ended: training started right after a benchmark chose 1 thread on
an idle machine (143.7 s instead of 101.9 s, BENCHMARKS.md). The window starts when
`framework.nlu` is imported (`mark_cpu_clock`), so the imports of torch and transformers
are the window and a trainer or server waits for nothing; where no fresh mark exists, the
sampler sleeps `WINDOW` seconds. Without /proc/stat (not Linux) the load average stays the
fallback. Measured on the shared 2-core machine: BENCHMARKS.md, `benchmarks/nlu_busy.py
--sampler`.

`$DIALOG_NLU_THREADS` overrides the count; `--threads N` overrides both.
"""
from __future__ import annotations

import math
import os
import time
from typing import NamedTuple

MAX_THREADS = 8
WINDOW = 0.15  # seconds of CPU accounting: 15 clock ticks per CPU at Linux's usual 100 Hz
STALE_MARK = 3.0  # a mark older than this averages over too long a past: sample afresh
BUSY_FROM = 0.5  # a CPU counts as busy when other processes used at least half of it


def prepare_openmp() -> None:
    """Passive OpenMP waiting unless the user chose a policy (before torch is imported)."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    mark_cpu_clock()


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


class CpuClock(NamedTuple):
    """A reading of the CPU accounting: ticks busy and in all on this process's CPUs, this
    process's own CPU seconds (with its reaped children), and when (time.monotonic)."""

    busy_ticks: int
    total_ticks: int
    cpus: int
    own_seconds: float
    at: float


def parse_cpu_ticks(stat_text: str, cpus: set[int] | None = None) -> tuple[int, int, int] | None:
    """(busy ticks, all ticks, CPUs counted) from /proc/stat's text, over the per-CPU lines
    of `cpus` (all when None; the summary line when the text has no per-CPU lines). Busy is
    user + nice + system + irq + softirq + steal; idle and iowait are not. None when no line
    could be read."""
    busy = total = counted = 0
    summary = None
    for line in stat_text.splitlines():
        name, _, rest = line.partition(" ")
        if not name.startswith("cpu"):
            continue
        try:
            fields = [int(x) for x in rest.split()[:8]]
        except ValueError:
            continue
        if len(fields) < 4:
            continue
        fields += [0] * (8 - len(fields))
        user, nice, system, idle, iowait, irq, softirq, steal = fields
        ticks = (user + nice + system + irq + softirq + steal, user + nice + system + idle + iowait + irq + softirq + steal)
        if name == "cpu":
            summary = ticks
        elif name[3:].isdigit() and (cpus is None or int(name[3:]) in cpus):
            busy, total, counted = busy + ticks[0], total + ticks[1], counted + 1
    if counted:
        return busy, total, counted
    if summary is not None:
        return summary[0], summary[1], 1 if cpus is None else len(cpus)
    return None


def others_busy_cores(before: CpuClock, after: CpuClock, hz: float) -> float:
    """Cores that other processes kept busy between two readings: the busy CPU seconds less
    this process's own, over the wall time per CPU (from the same tick counts, so the two
    are rounded alike)."""
    per_cpu_ticks = (after.total_ticks - before.total_ticks) / max(1, after.cpus)
    if per_cpu_ticks <= 0:
        return 0.0
    others = (after.busy_ticks - before.busy_ticks) - (after.own_seconds - before.own_seconds) * hz
    return max(0.0, others / per_cpu_ticks)


def busy_count(cores: float) -> int:
    """Whole CPUs taken by other processes: a CPU counts from BUSY_FROM of it."""
    return int(math.floor(cores + (1 - BUSY_FROM)))


def read_cpu_clock(stat_path: str = "/proc/stat") -> CpuClock | None:
    try:
        with open(stat_path) as f:
            text = f.read()
        cpus = os.sched_getaffinity(0)
    except (OSError, AttributeError):
        return None
    ticks = parse_cpu_ticks(text, cpus)
    if ticks is None:
        return None
    t = os.times()
    return CpuClock(*ticks, t.user + t.system + t.children_user + t.children_system, time.monotonic())


_mark: CpuClock | None = None


def mark_cpu_clock() -> None:
    """Start the window of the next `busy_cpus()` (framework.nlu's import does)."""
    global _mark
    _mark = read_cpu_clock()


def busy_cores_now(window: float = WINDOW, stale: float = STALE_MARK) -> float | None:
    """Cores other processes keep busy, in fractions: over the time since the last mark (or
    call) when it is at most `stale` seconds old (sleeping until it is `window` old), else
    over a `window` slept now. None without /proc/stat."""
    global _mark
    start = _mark
    age = time.monotonic() - start.at if start is not None else math.inf
    if age > stale:
        start = read_cpu_clock()
        if start is None:
            return None
        age = 0.0
    if age < window:
        time.sleep(window - age)
    end = read_cpu_clock()
    if end is None:
        return None
    _mark = end  # the next call's window starts here
    return others_busy_cores(start, end, os.sysconf("SC_CLK_TCK"))


def busy_cpus() -> int:
    """Whole cores other processes keep busy now (the 1-minute load average where /proc/stat
    cannot be read)."""
    cores = busy_cores_now()
    if cores is not None:
        return busy_count(cores)
    try:
        return int(math.floor(os.getloadavg()[0]))
    except (AttributeError, OSError):
        return 0


def default_threads() -> int:
    """$DIALOG_NLU_THREADS, else the free CPUs of this process (1 to 8)."""
    env = os.environ.get("DIALOG_NLU_THREADS")
    if env:
        return max(1, int(env))
    cpus = available_cpus()
    if cpus == 1:  # nothing to measure
        return 1
    return max(1, min(MAX_THREADS, cpus - min(busy_cpus(), cpus - 1)))


def serving_threads(workers: int = 1) -> int:
    """torch threads per server worker: $DIALOG_NLU_THREADS, else the free CPUs less one
    for the event loops, shared among the workers (1 to 8)."""
    env = os.environ.get("DIALOG_NLU_THREADS")
    if env:
        return max(1, int(env))
    cpus = available_cpus()
    if (cpus - 1) // max(1, workers) <= 1:  # 1 however busy the machine: no window to wait for at start
        return 1
    free = cpus - min(busy_cpus(), cpus - 1)
    return max(1, min(MAX_THREADS, (free - 1) // max(1, workers)))
