"""The micro-batcher's short path for a lone request gives the same answers as batches."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from framework.server.batching import MicroBatcher


def rank(texts):
    """A deterministic stand-in for classifier.predict: each text's answer depends on it alone."""
    return [(t.upper(), len(t)) for t in texts]


def run_batcher(coro_factory, max_wait: float):
    async def main():
        sizes: list[int] = []
        with ThreadPoolExecutor(1) as pool:
            batcher = MicroBatcher(rank, pool, max_batch=8, max_wait=max_wait, timeout=3600,
                                   on_batch=lambda size, seconds: sizes.append(size))
            batcher.start()
            try:
                return await coro_factory(batcher), sizes
            finally:
                await batcher.stop()

    return asyncio.run(main())


def test_a_lone_request_does_not_wait_for_company():
    # With an hour's batch wait, a lone request that waited would never finish here.
    async def one(batcher):
        return await asyncio.wait_for(batcher.predict("hello"), 30)

    answer, sizes = run_batcher(one, max_wait=3600)
    assert answer == ("HELLO", 5)
    assert sizes == [1]


def test_lone_and_batched_requests_get_identical_answers():
    texts = [f"text number {i}" for i in range(20)]

    async def mixed(batcher):
        alone = [await batcher.predict(t) for t in texts[:3]]  # one at a time: batches of one
        together = await asyncio.gather(*(batcher.predict(t) for t in texts))
        return alone, together

    (alone, together), sizes = run_batcher(mixed, max_wait=0.002)
    assert alone == rank(texts[:3])
    assert list(together) == rank(texts)
    assert sizes[:3] == [1, 1, 1]
    assert max(sizes) > 1  # concurrent requests still share batches
