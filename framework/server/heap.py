"""The long-lived objects of a serving process are moved out of the garbage collector's way.

A loaded server holds ~210,000 objects that live as long as it does (torch's modules and
their Python wrappers, the compiled domain, aiohttp's routes ...). CPython's full
collection walks every one of them: measured 325-378 ms in a banking_en int8 process
(2-core machine at load 6; benchmarks/turn_profile.py). Such a collection is rare (its
trigger counts objects promoted to the oldest generation, and a turn leaves nearly none
behind), but when it comes every turn in flight waits for it: one is enough to set the p99
of a 10-second run. `gc.freeze()` after start-up parks those objects where no collection
looks (a full collection then takes well under a millisecond); the young generations, where a turn's garbage
dies, are collected as before.

What is frozen is never collected as cyclic garbage, so the heap is collected once before
freezing, and a model replaced by a hot reload is unfrozen when it is closed (its cycles
become collectable again), with a fresh collect-and-freeze a moment later.
"""
from __future__ import annotations

import asyncio
import gc
from typing import AsyncIterator

REFREEZE_AFTER = 1.0  # seconds after a model is closed: the turns holding it have let go
_serving = 0  # apps of this process between start-up and shutdown (tests start several)
# Test-only hook: whether start-up runs full collections (here and in app.release_free_memory).
# Always in a server. tests/conftest.py turns it off: the suite starts hundreds of apps in one
# pytest process, whose heap (torch, hypothesis, every test module) made each app's two full
# collections cost ~1 s of CPU; tests/test_perf_serve_heap.py turns it back on.
COLLECT = True


def collect() -> None:
    """A full collection (unless a test turned COLLECT off)."""
    if COLLECT:
        gc.collect()


def freeze_heap() -> int:
    """Collect, then freeze everything that survived; the number of objects frozen."""
    collect()
    gc.freeze()
    return gc.get_freeze_count()


def thaw_heap(refreeze_after: float = REFREEZE_AFTER) -> None:
    """Make frozen objects collectable again (a closed model's); while an app is serving,
    collect and freeze anew `refreeze_after` seconds later."""
    gc.unfreeze()
    asyncio.get_running_loop().call_later(refreeze_after, _refreeze)


def _refreeze() -> None:
    if _serving:  # not after shutdown: the process is ending, or goes on with other things
        freeze_heap()


async def heap_ctx(app) -> AsyncIterator[None]:
    """Last of the cleanup contexts: what the others opened is frozen once they all have."""
    global _serving
    _serving += 1
    freeze_heap()
    try:
        yield
    finally:
        _serving -= 1
        gc.unfreeze()
