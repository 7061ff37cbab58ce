"""aiohttp apps served on free loopback ports from a background thread with its own event
loop, for clients that are not async (schemathesis, requests) and for module-scoped
fixtures. `with LiveServers() as live: url = live.serve(make_app)`."""
from __future__ import annotations

import asyncio
import threading
from typing import Callable

from aiohttp import web

from tests.support.redis_server import free_port


class LiveServers:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._runners: list[web.AppRunner] = []

    def __enter__(self) -> "LiveServers":
        self._thread.start()
        return self

    def serve(self, make_app: Callable[[], web.Application], timeout: float = 60) -> str:
        """Build the app in the server's loop (cleanup contexts run there), serve it, and
        return its base URL."""
        async def start() -> str:
            runner = web.AppRunner(make_app())
            await runner.setup()
            port = free_port()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            self._runners.append(runner)
            return f"http://127.0.0.1:{port}"

        return asyncio.run_coroutine_threadsafe(start(), self.loop).result(timeout)

    def __exit__(self, *exc) -> None:
        async def stop() -> None:
            for runner in reversed(self._runners):
                await runner.cleanup()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()
