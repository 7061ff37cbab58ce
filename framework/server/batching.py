"""Micro-batching of model inference, off the event loop.

Concurrent requests each `await batcher.predict(text)`; a collector task gathers up to
`max_batch` texts (waiting at most `max_wait` seconds for more once one is queued) and
runs one `classifier.predict(texts)` call in a bounded thread pool. A transformer encodes
32 short texts in barely more time than one, so under load this multiplies throughput,
and the event loop never blocks on torch. It waits for more texts only under load (the
previous batch held more than one): a lone request runs at once, without the wait.

One text must not fail the others it happens to share a batch with (a text the tokenizer
refuses, say): when a batch fails, each of its texts is run again on its own, and only the
texts that fail alone get the error.
"""
from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Sequence


class InferenceTimeout(Exception):
    """The model did not answer within the configured time."""


class Overloaded(Exception):
    """Too many texts are already waiting for the model."""


class MicroBatcher:
    def __init__(
        self,
        predict: Callable[[Sequence[str]], list[Any]],
        executor: ThreadPoolExecutor,
        max_batch: int = 32,
        max_wait: float = 0.002,
        timeout: float = 10.0,
        max_pending: int = 2048,
        concurrency: int = 1,
        on_batch: Callable[[int, float], None] | None = None,
    ) -> None:
        self._predict = predict
        self._executor = executor
        self.max_batch, self.max_wait, self.timeout, self.max_pending = max_batch, max_wait, timeout, max_pending
        self._on_batch = on_batch
        self._pending: list[tuple[str, asyncio.Future]] = []
        self._wakeup = asyncio.Event()
        self._slots = asyncio.Semaphore(concurrency)  # batches in flight at once
        self._task: asyncio.Task | None = None
        self._running: set[asyncio.Task] = set()
        self._last_size = 0  # texts in the last batch run: 1 means no load, so no waiting

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._collect())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await asyncio.gather(*self._running, return_exceptions=True)
        for _, future in self._pending:
            future.cancel()

    async def predict(self, text: str) -> Any:
        if len(self._pending) >= self.max_pending:
            raise Overloaded(f"{len(self._pending)} texts are waiting for the model")
        future = asyncio.get_running_loop().create_future()
        self._pending.append((text, future))
        self._wakeup.set()
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.timeout)
        except asyncio.TimeoutError:
            raise InferenceTimeout(f"the model did not answer within {self.timeout}s") from None

    async def _collect(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._pending:
                await self._slots.acquire()
                if len(self._pending) < self.max_batch and self.max_wait > 0 and self._last_size > 1:
                    # Under load, let concurrent requests join. A lone request (the last
                    # batch held one text) runs at once: waiting would only add max_wait.
                    await asyncio.sleep(self.max_wait)
                batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch:]
                batch = [(t, f) for t, f in batch if not f.done()]
                if not batch:
                    self._slots.release()
                    continue
                task = asyncio.get_running_loop().create_task(self._run(batch))
                self._running.add(task)
                task.add_done_callback(self._running.discard)

    async def _run(self, batch: list[tuple[str, asyncio.Future]]) -> None:
        try:
            texts = [t for t, _ in batch]
            start = time.perf_counter()
            try:
                results = await self._call(texts)
            except Exception as exc:
                if len(batch) == 1:
                    _settle(batch[0][1], exc=exc)
                    return
                await self._run_alone(batch)  # find the culprit; the others still get answers
                return
            if self._on_batch:
                self._on_batch(len(texts), time.perf_counter() - start)
            self._last_size = len(texts)
            for (_, future), result in zip(batch, results):
                _settle(future, result)
        finally:
            self._slots.release()

    async def _run_alone(self, batch: list[tuple[str, asyncio.Future]]) -> None:
        for text, future in batch:
            if future.done():  # its caller timed out or went away
                continue
            try:
                (result,) = await self._call([text])
            except Exception as exc:
                _settle(future, exc=exc)
            else:
                _settle(future, result)

    async def _call(self, texts: list[str]) -> list[Any]:
        results = await asyncio.get_running_loop().run_in_executor(self._executor, self._predict, texts)
        if len(results) != len(texts):
            raise RuntimeError(f"the model answered {len(results)} results for {len(texts)} texts")
        return results


def _settle(future: asyncio.Future, result: Any = None, exc: BaseException | None = None) -> None:
    if future.done():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)
