"""The threshold folds' fine-tunings in parallel processes (issue 11 item 4, issue 7 item 4).

What it is: a runner for the K fold models of `framework.nlu.fit.train_and_save` (the pooled
out-of-fold threshold). With two or more free CPUs each fold trains in a forked child
process with one torch thread, all K at once; the runner reads each child's epochs as they
end and says the final model's epoch count (the folds' median best epoch) as soon as their
progress fixes it, so that the final model trains in the parent while the last fold is
still running. With one free CPU the folds train one after another in this process, as they
always did (a busy machine must not get more runnable threads than it has cores).

What it is not: a change to any fold's training. A child runs the very function the
sequential path runs (same data, seed and head; `fit` seeds itself), so with one thread per
fold the out-of-fold predictions, the threshold and the final model's epochs are those of
`--threads 1`, bit for bit (tests/test_parallel_folds.py compares them).

Why processes and not threads: a batch of 16 short utterances is too small for torch's
intra-op threads (2 threads gave banking_en ~1.1x, BENCHMARKS.md "Training time"); two
single-threaded processes use both cores fully. Why fork: a child starts with the tokenized
data, the extended vocabulary and the base weights already in memory (shared until written)
instead of importing torch and loading the model again (seconds of CPU each). It is safe
here because a child only ever runs torch with one thread (no OpenMP pool is reused after
the fork) and the tokenizers' own threads are off (TOKENIZERS_PARALLELISM=false).

When the median is known early: a fold that finished has its best epoch; one still running
has logged epoch t, so it did not stop after epoch t - 1, so (early stopping after
`patience` epochs without a better score) its best epoch is at least t - patience, and at
most its epoch limit. The median is monotone in each fold's value, so once the median of
the lower bounds equals the median of the upper bounds, it is the final answer.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from typing import Callable

# Memory a fold child needs beyond what it shares with the parent, as a multiple of the
# encoder's parameter bytes (gradients, AdamW's two moments, the best epoch's copy,
# activations; measured RSS growth of a child: BENCHMARKS.md section of issue 11 item 4).
CHILD_MEMORY_FACTOR = 6


def fold_processes(folds: int, cpus: int, requested: int = 0, parameter_bytes: int = 0) -> int:
    """How many fold models train at once in child processes: 0 = one after another in this
    process. `requested` (train.py --fold-processes): 1 = sequential, N >= 2 = N at once,
    0 = auto: all K folds at once when 2 or more CPUs are free (`cpus`: the trainer's thread
    budget, framework.nlu.threads) and memory allows, else sequential."""
    if folds < 2 or not _fork_available():
        return 0
    if requested:
        return 0 if requested == 1 else min(folds, requested)
    if cpus < 2:
        return 0
    if parameter_bytes and _available_memory() < folds * CHILD_MEMORY_FACTOR * parameter_bytes:
        return 0
    return folds


def _fork_available() -> bool:
    # Linux only: macOS's system libraries are not fork-safe, Windows has no fork
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _available_memory() -> int:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 1 << 62  # unknown: do not refuse


def median_epoch(values) -> int:
    """The final model's epoch count rule of train_and_save: int(median of the best epochs)."""
    import numpy as np

    return int(np.median(values))


class FoldProcesses:
    """Runs `run_fold(k, log)` for k in range(folds), `processes` at a time in forked children
    (0: sequentially here, when `results()` is called). `run_fold` returns a picklable
    outcome whose first element is the fold's history dict (with "best_epoch"); `log` is
    called with each epoch's record. `max_epochs[k]` bounds fold k's best epoch."""

    def __init__(self, run_fold: Callable, folds: int, processes: int, *, patience: int,
                 max_epochs: list[int], on_epoch: Callable | None = None):
        self.run_fold, self.folds, self.processes = run_fold, folds, processes
        self.patience, self.max_epochs, self.on_epoch = patience, max_epochs, on_epoch
        self.outcomes: dict[int, object] = {}
        self.epochs_done = [0] * folds
        self.children: dict[int, tuple] = {}  # k -> (process, connection)
        self.pending = list(range(folds))
        self.clock_marked = False  # threads_when_done: the CPU clock's window started

    # --- context: children never outlive the trainer ---------------------------------------
    def __enter__(self):
        if self.processes:
            self._start_children()
        return self

    def __exit__(self, *exc):
        getattr(self.on_epoch, "close", lambda: None)()
        for process, conn in self.children.values():
            if process.is_alive():
                process.kill()
            process.join()
            conn.close()
        self.children.clear()
        return False

    # --- what the trainer asks ------------------------------------------------------------
    def all_done(self) -> bool:
        return len(self.outcomes) == self.folds

    def median_best_epoch(self) -> int:
        """Blocks until the folds' median best epoch is fixed (parallel mode only)."""
        while True:
            low, high = self._bounds()
            if median_epoch(low) == median_epoch(high):
                return median_epoch(low)
            self.poll(block=True)

    def results(self) -> list:
        """Every fold's outcome, in fold order (trains them here when sequential)."""
        if not self.processes:
            for k in self.pending:
                self.outcomes[k] = self.run_fold(k, lambda record, k=k: self._epoch(k, record))
            self.pending = []
        while not self.all_done():
            self.poll(block=True)
        return [self.outcomes[k] for k in range(self.folds)]

    def poll(self, block: bool = False) -> None:
        """Read whatever the children sent; start waiting folds in freed slots."""
        from multiprocessing.connection import wait

        if not self.children:
            return
        conns = {conn: k for k, (_, conn) in self.children.items()}
        sentinels = {process.sentinel: k for k, (process, _) in self.children.items()}
        for ready in wait(list(conns) + list(sentinels), timeout=None if block else 0):
            k = conns.get(ready, sentinels.get(ready))
            if k in self.children:
                self._read(k)
        self._start_children()

    # --- internals ------------------------------------------------------------------------
    def _bounds(self) -> tuple[list[int], list[int]]:
        low, high = [], []
        for k in range(self.folds):
            if k in self.outcomes:
                best = self.outcomes[k][0]["best_epoch"]
                low.append(best)
                high.append(best)
            else:  # logged epoch t: it did not stop after t - 1, so best >= t - patience
                low.append(max(1, self.epochs_done[k] - self.patience))
                high.append(self.max_epochs[k])
        return low, high

    def _epoch(self, k: int, record: dict) -> None:
        self.epochs_done[k] = max(self.epochs_done[k], int(record.get("epoch", 0)))
        if self.on_epoch:
            self.on_epoch(k, record)

    def _read(self, k: int) -> None:
        process, conn = self.children[k]
        while True:
            try:
                if not conn.poll():
                    break
                kind, payload = conn.recv()
            except (EOFError, OSError):
                break
            if kind == "epoch":
                self._epoch(k, payload)
            elif kind == "done":
                self.outcomes[k] = payload
            else:  # "error": the child's traceback
                raise RuntimeError(f"threshold fold {k + 1} of {self.folds} failed in its process:\n{payload}")
        if k in self.outcomes:
            process.join()
            conn.close()
            del self.children[k]
        elif not process.is_alive():
            process.join()
            raise RuntimeError(f"threshold fold {k + 1} of {self.folds}: its process ended without a result "
                               f"(exit code {process.exitcode}; out of memory? --fold-processes 1 trains the "
                               f"folds one after another in one process)")

    def _start_children(self) -> None:
        ctx = multiprocessing.get_context("fork")
        while self.pending and len(self.children) < self.processes:
            k = self.pending.pop(0)
            receiver, sender = ctx.Pipe(duplex=False)
            process = ctx.Process(target=_child, args=(self.run_fold, k, sender), daemon=True,
                                  name=f"threshold-fold-{k + 1}")
            process.start()
            sender.close()
            self.children[k] = (process, receiver)


def _child(run_fold: Callable, k: int, conn) -> None:
    """A fold's process: one torch thread, epochs and the outcome sent to the parent."""
    import torch

    torch.set_num_threads(1)
    try:
        outcome = run_fold(k, lambda record: conn.send(("epoch", dict(record))))
        conn.send(("done", outcome))
    except BaseException:  # the parent raises it with the traceback
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()
        os._exit(0)  # no atexit handlers or finalizers of the parent's objects in a fork


def threads_when_done(runner: FoldProcesses, threads: int) -> None:
    """Called after each epoch of the final model: read the folds' news; once they are all
    done their cores are free, so the final model takes up to `threads` threads: as many as
    the CPUs that no other process kept busy (framework.nlu.threads: first over a short
    window once the folds are reaped, then over each epoch of the final model; a second
    thread beside a busy core is what made training collapse)."""
    import math

    import torch

    from framework.nlu.threads import available_cpus, busy_count, busy_cores_now, mark_cpu_clock

    runner.poll()
    if not runner.all_done():
        return
    if not runner.clock_marked:  # the folds' CPU, reaped, is now counted as this process's own
        mark_cpu_clock()
        runner.clock_marked = True
        cores = busy_cores_now()
    else:  # the epoch just trained is the window
        cores = busy_cores_now(stale=math.inf)
    wanted = max(1, min(threads, available_cpus() - busy_count(cores or 0.0)))
    if torch.get_num_threads() != wanted:
        torch.set_num_threads(wanted)


def without_progress(train_args):
    """The arguments for a fold in a child process: no progress bar of its own (the parent
    draws one for all folds; K bars redrawn on one terminal line would be garbled)."""
    import copy

    args = copy.copy(train_args)
    args.progress = False
    return args


def fold_bar(train_args, folds: int, processes: int, epochs: int):
    """The parent's progress bar over the fold models' epochs (parallel mode; sequentially
    each fold draws its own bar in fit): the on_epoch callback, or None."""
    if not processes or not getattr(train_args, "progress", False):
        return None
    return _FoldBar(folds, epochs)


class _FoldBar:
    def __init__(self, folds: int, epochs: int):
        from tqdm.auto import tqdm

        self.bar = tqdm(total=epochs, unit="epoch", dynamic_ncols=True,
                        desc=f"training {folds} threshold models at once (each stops when held-out accuracy "
                             f"stops improving)")

    def __call__(self, k: int, record: dict) -> None:
        self.bar.update(1)
        if "valid_accuracy" in record:
            self.bar.set_postfix(fold=k + 1, epoch=record.get("epoch"), val_acc=f"{record['valid_accuracy']:.3f}")

    def close(self) -> None:
        self.bar.close()
