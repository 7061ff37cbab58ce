"""Issue 9 probes for masking and the Redis store, printed as tables (no assertions; the
tests check behaviour, this measures it).

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/hardening_store.py

1. Masking and e-mail extraction of adversarial 300k-character messages (the old e-mail
   pattern is timed on 20k and 40k letters only: it is quadratic).
2. A redis-server restart under load (24 senders, pool of 16): turns failed during the
   outage, and turns started after Redis answered again that failed.
3. 1,000 concurrent turns through a pool of 16 connections.
"""
from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from framework.masking import Masker  # noqa: E402
from framework.store import SessionStore, close_redis, open_redis  # noqa: E402
from framework.text_scan import EMAIL_PATTERN  # noqa: E402
from tests.support.redis_server import RedisServer  # noqa: E402

OLD_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
SHAPES = {
    "letters": lambda n: "a" * n, "chinese": lambda n: "我" * n, "a@ pairs": lambda n: "a@" * (n // 2),
    "spaced digits": lambda n: "1 " * (n // 2), "full-width １＠": lambda n: "１＠" * (n // 2),
    "dotted domain": lambda n: "x@" + "a." * (n // 2 - 2) + "1", "real e-mails": lambda n: "a@b.cc " * (n // 7),
}


def masking_table() -> None:
    print("| input | characters | old e-mail pattern | mask + extract now |")
    print("|---|---|---|---|")
    for n in (20_000, 40_000):
        started = time.perf_counter()
        OLD_EMAIL.sub("x", "a" * n)
        print(f"| letters | {n:,} | {time.perf_counter() - started:.2f} s | |")
    masker = Masker()
    for name, make in SHAPES.items():
        text = make(300_000)
        started = time.perf_counter()
        masker.mask(text)
        list(EMAIL_PATTERN.finditer(text))
        print(f"| {name} | 300,000 | | {1000 * (time.perf_counter() - started):.0f} ms |")


async def turn(store: SessionStore, sender: str) -> None:
    async with store.checkout(sender) as held:
        await store.put(sender, {"history": []}, lock=held, release=True)


async def redis_table() -> None:
    with RedisServer(tempfile.mkdtemp()) as server:
        client = open_redis(server.url, max_connections=16)
        store = SessionStore(client, "bench", lock_wait=2.0)
        outcomes: list[tuple[float, bool]] = []
        stop = asyncio.Event()

        async def sender(i: int) -> None:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    await turn(store, f"s{i}")
                    outcomes.append((started, True))
                except Exception:  # noqa: BLE001 - counted
                    outcomes.append((started, False))
                    await asyncio.sleep(0.01)

        workers = [asyncio.create_task(sender(i)) for i in range(24)]
        await asyncio.sleep(1.0)
        await asyncio.to_thread(server.stop)
        down = time.monotonic()
        await asyncio.sleep(0.5)
        await asyncio.to_thread(server.start)
        back = time.monotonic()
        await asyncio.sleep(2.0)
        stop.set()
        await asyncio.gather(*workers)
        after = [ok for started, ok in outcomes if started > back]
        during = [ok for started, ok in outcomes if started <= back]
        results = await asyncio.gather(*(turn(store, f"u{i}") for i in range(1000)), return_exceptions=True)
        await close_redis(client)
    print("\n| probe | turns | failed |")
    print("|---|---|---|")
    print(f"| restart, before Redis answered again ({back - down:.1f} s outage) | {len(during)} | "
          f"{during.count(False)} (503 store_unavailable) |")
    print(f"| restart, started after Redis answered again | {len(after)} | {after.count(False)} |")
    print(f"| 1,000 concurrent turns, pool of 16 | 1000 | {sum(r is not None for r in results)} |")


if __name__ == "__main__":
    masking_table()
    asyncio.run(redis_table())
