"""Which asyncio event loop a serving process runs on: uvloop where it is installed.

With an int8 model about half of a turn's CPU is the event-loop thread's, and about 40% of
that is asyncio's own machinery (tasks, futures, callbacks, socket reads and writes for
HTTP and Redis; benchmarks/turn_profile.py). uvloop (MagicStack/uvloop: libuv under the
asyncio API, in compiled code) is a drop-in replacement: aiohttp's `web.run_app(app,
loop=...)` takes any asyncio loop, and nothing here depends on the loop's class. Measured
on banking_en int8 (BENCHMARKS.md, "CPU per turn"): event-loop CPU per turn 0.93x at c = 1
and 0.95x at c = 8, within the run-to-run spread of a loaded machine, so a small gain, not
a proven one. Session 19 (2026-12-04, today's defaults: ONNX Runtime / torch int8, two
workers, c = 8, five interleaved rounds): 1.03x req/s and 0.97x server CPU per turn, again
small. It is a dependency since then (not on Windows): Rasa 3.6's Sanic server runs on
uvloop, and the side-by-side benchmark should compare like with like. It is passed as a
loop, not installed as a policy: event loop policies are deprecated from Python 3.14.

`--event-loop asyncio` keeps the standard library's loop (to compare, or on a platform
uvloop does not support, such as Windows, where `auto` falls back to it by itself).
"""
from __future__ import annotations

import asyncio

CHOICES = ("auto", "uvloop", "asyncio")


def new_event_loop(kind: str = "auto") -> asyncio.AbstractEventLoop:
    """A new loop of `kind`: `auto` is uvloop when importable, else asyncio's own;
    `uvloop` without uvloop installed raises ImportError with what to install."""
    if kind not in CHOICES:
        raise ValueError(f"event loop {kind!r}: expected one of {', '.join(CHOICES)}")
    if kind != "asyncio":
        try:
            import uvloop
        except ImportError:
            if kind == "uvloop":
                raise ImportError("--event-loop uvloop needs the uvloop package: pip install 'uvloop>=0.21'") from None
        else:
            return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def loop_name(loop: asyncio.AbstractEventLoop) -> str:
    """'uvloop' or 'asyncio', as /ready reports it."""
    return "uvloop" if type(loop).__module__.startswith("uvloop") else "asyncio"
