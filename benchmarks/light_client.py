"""A load generator's HTTP client that costs the machine little: JSON POSTs over HTTP/1.1
keep-alive connections, one asyncio protocol per connection, on uvloop when it is installed.

Why: the servers and the client share the machine's 2 cores, so whatever CPU the client
spends on a request is taken from the server it measures, more so the faster that server
answers. `benchmarks/side_by_side.py` prints the client's CPU per request beside each level
(BENCHMARKS.md, session 42, has both clients measured). The same client drives both servers.

It speaks only what the benchmarks need: POST with a Content-Length body, answers with a
Content-Length (aiohttp's and Sanic's JSON answers; a chunked answer is an error), and
`Connection: close` honoured.
"""
from __future__ import annotations

import asyncio
import json
import urllib.parse


class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future | None = None
        self.open = True
        self.keep_alive = True

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            try:
                status = self._answer()
            except ValueError as e:
                waiter.set_exception(e)
                return
            if status is not None:
                waiter.set_result(status)

    def connection_lost(self, exc) -> None:
        self.open = False
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc or ConnectionError("the server closed the connection"))

    def _answer(self) -> int | None:
        """The status of the answer the buffer holds whole (taken out of it), else None."""
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = bytes(self.buffer[:end]).lower()
        length = None
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value:
                raise ValueError("a chunked answer (the light client reads Content-Length answers only)")
            elif name == b"connection" and b"close" in value:
                self.keep_alive = False
        if length is None:
            raise ValueError("an answer without Content-Length")
        if len(self.buffer) < end + 4 + length:
            return None
        del self.buffer[:end + 4 + length]
        return int(head[9:12])

    def request(self, data: bytes) -> asyncio.Future:
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        return self.waiter


class LightClient:
    """`await client.post(body)` -> the answer's HTTP status; connections are reused, opened as needed."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = parts.hostname, parts.port or 80, parts.path or "/"
        self.idle: list[_Connection] = []
        self.all: list[_Connection] = []

    async def post(self, body) -> int:
        connection = self.idle.pop() if self.idle else await self._connect()
        payload = json.dumps(body).encode()
        head = (f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n").encode()
        try:
            status = await connection.request(head + payload)
        except BaseException:
            connection.transport.close()
            raise
        if connection.keep_alive and connection.open:
            self.idle.append(connection)
        else:
            connection.transport.close()
        return status

    async def _connect(self) -> _Connection:
        _, connection = await asyncio.get_running_loop().create_connection(_Connection, self.host, self.port)
        self.all.append(connection)
        return connection

    async def close(self) -> None:
        for connection in self.all:
            if connection.open:
                connection.transport.close()
        self.idle.clear()
        self.all.clear()
        await asyncio.sleep(0)

    async def __aenter__(self) -> "LightClient":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop's loop when it is installed (it is a dependency of the project), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def run(coroutine):
    """asyncio.run on new_event_loop()'s loop."""
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(coroutine)
