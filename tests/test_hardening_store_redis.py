"""Redis connections under restarts and load (issue 9, finding 4), against a real
redis-server: a dead pooled connection is retried once, transparently, and more requests
than the pool holds wait for a connection instead of failing."""
from __future__ import annotations

import asyncio
import time

import pytest

from framework.store import UNAVAILABLE_ERRORS, SessionStore, close_redis, open_redis
from tests.support.redis_server import RedisServer


@pytest.fixture
def server(tmp_path):
    with RedisServer(tmp_path / "redis") as server:
        yield server


async def turn(store: SessionStore, sender: str) -> None:
    """What a server does per message: checkout (lock + read), then write and release."""
    async with store.checkout(sender) as held:
        count = (held.state or {}).get("count", 0)
        await store.put(sender, {"count": count + 1, "history": []}, lock=held, release=True)


async def test_an_idle_pool_survives_a_redis_restart(server):
    """Every pooled connection is dead after the restart; none of them fails a request."""
    client = open_redis(server.url)
    store = SessionStore(client, "a")
    try:
        await asyncio.gather(*(turn(store, f"u{i}") for i in range(40)))  # fill the pool
        server.restart()
        results = await asyncio.gather(*(turn(store, f"u{i}") for i in range(40)), return_exceptions=True)
        assert [r for r in results if r is not None] == []
        assert await client.ping()
    finally:
        await close_redis(client)


async def test_no_request_fails_once_redis_answers_again(server):
    """A restart under bounded load: requests during the outage fail as 'unavailable'
    (a 503 for the server), every request started after Redis answers again succeeds."""
    client = open_redis(server.url, max_connections=16)
    store = SessionStore(client, "a", lock_wait=2.0)
    outcomes: list[tuple[float, BaseException | None]] = []
    stop = asyncio.Event()

    async def sender(i: int) -> None:
        for n in range(2000):  # bounded: stops with the event long before this
            if stop.is_set():
                return
            started = time.monotonic()
            try:
                await turn(store, f"s{i}")
                outcomes.append((started, None))
            except Exception as err:  # noqa: BLE001 - every failure is recorded and checked
                outcomes.append((started, err))
                await asyncio.sleep(0.01)

    workers = [asyncio.create_task(sender(i)) for i in range(24)]
    try:
        await asyncio.sleep(0.3)
        await asyncio.to_thread(server.stop)
        await asyncio.sleep(0.3)
        await asyncio.to_thread(server.start)  # returns once the server answers PING
        back = time.monotonic()
        await asyncio.sleep(0.8)
    finally:
        stop.set()
        await asyncio.gather(*workers)
        await close_redis(client)
    after = [err for started, err in outcomes if started > back]
    during = [err for started, err in outcomes if started <= back and err is not None]
    assert len(after) > 50 and [e for e in after if e is not None] == []
    assert all(isinstance(err, UNAVAILABLE_ERRORS) for err in during), {type(e).__name__ for e in during}


async def test_a_thousand_concurrent_turns_through_a_pool_of_16(server):
    # the point is the pool's bound, not its timeouts: on a loaded CI machine 1,000 waking
    # coroutines can keep the loop from a connect's completion past the default 1 s
    client = open_redis(server.url, max_connections=16, socket_connect_timeout=10.0, socket_timeout=10.0)
    store = SessionStore(client, "a")
    try:
        results = await asyncio.gather(*(turn(store, f"u{i}") for i in range(1000)), return_exceptions=True)
        assert [r for r in results if r is not None] == []
        assert await store.active_sessions() == 1000
        assert (await client.info("clients"))["connected_clients"] <= 16  # the pool stayed within its size
    finally:
        await close_redis(client)
