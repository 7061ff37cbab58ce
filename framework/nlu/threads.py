"""How many threads torch may use, on a machine that other processes share.

Two things made training collapse when another process kept one core busy (`--threads 2`
on 2 cores: over 35 minutes instead of 143 s):

- torch's OpenMP threads spin after each parallel region, waiting for work; with more
  threads than free cores, the spinning threads and the busy process take turns, and every
  barrier waits for a descheduled thread. `OMP_WAIT_POLICY=PASSIVE` makes waiting threads
  sleep. It must be in the environment before libgomp is loaded, i.e. before torch is
  imported: `prepare_openmp()` runs when `framework.nlu` is imported (torch-free).
- the default thread count was the CPU count. It is now the CPUs this process may run on
  (`os.sched_getaffinity`, which honours taskset and container cpusets) less the ones other
  processes keep busy (the 1-minute load average), at least 1 and at most 8.

`$DIALOG_NLU_THREADS` overrides the count; `--threads N` overrides both.
"""
from __future__ import annotations

import math
import os

MAX_THREADS = 8


def prepare_openmp() -> None:
    """Passive OpenMP waiting unless the user chose a policy (before torch is imported)."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def busy_cpus() -> int:
    """Cores other processes keep busy: the 1-minute load average, rounded down."""
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
    return max(1, min(MAX_THREADS, cpus - min(busy_cpus(), cpus - 1)))


def serving_threads(workers: int = 1) -> int:
    """torch threads per server worker: $DIALOG_NLU_THREADS, else the free CPUs less one
    for the event loops, shared among the workers (1 to 8)."""
    env = os.environ.get("DIALOG_NLU_THREADS")
    if env:
        return max(1, int(env))
    cpus = available_cpus()
    free = cpus - min(busy_cpus(), cpus - 1)
    return max(1, min(MAX_THREADS, (free - 1) // max(1, workers)))
