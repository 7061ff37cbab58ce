"""The domain's demo backend in a thread of the `serve` parent process, for `--workers N`:
one backend on its port for all the workers (each worker starting its own would make all
but the first fail on the busy port)."""
from __future__ import annotations

import asyncio
import logging
import threading

log = logging.getLogger("framework.server")


class BackendThread:
    def __init__(self, domain_dir: str, port: int | None, host: str = "127.0.0.1") -> None:
        self.domain_dir, self.port, self.host = domain_dir, port, host
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="demo-backend", daemon=True)
        self._runner = None

    def start(self, timeout: float = 30) -> "BackendThread":
        from framework.actions.demo_backend import bound_port, start_demo_backend

        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(start_demo_backend(self.domain_dir, self.host, self.port), self.loop)
        try:
            self._runner = future.result(timeout)
        except BaseException:
            self.stop()
            raise
        log.info("demo backend listening on http://%s:%s (one for all workers)", self.host, bound_port(self._runner))
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(10)
            self._runner = None
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
