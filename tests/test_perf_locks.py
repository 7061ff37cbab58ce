"""A conversation lock's renewal starts only when a turn outlives a third of the lease
(issue 11): a short turn creates no task; a long one is renewed as before (the lease
itself: tests/test_hardening_store_locks.py). On a real redis-server."""
from __future__ import annotations

import asyncio

import pytest

from framework.store import SessionStore, close_redis, open_redis
from tests.support.redis_server import redis_server_fixture


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    yield from redis_server_fixture(tmp_path_factory)


@pytest.fixture
async def client(redis_server):
    client = open_redis(redis_server.url)
    yield client
    await close_redis(client)


def _renewals() -> list[asyncio.Task]:
    return [t for t in asyncio.all_tasks() if "_keep_renewed" in repr(t.get_coro())]


async def test_a_short_turn_creates_no_renewal_task(client):
    store = SessionStore(client, "short", lock_timeout=30)
    async with store.checkout("u1") as held:
        assert _renewals() == []
        await store.put("u1", {"count": 1}, lock=held, release=True)
    assert _renewals() == []
    async with store.checkout("u1") as held:  # free again: the next turn takes it at once
        assert held.state == {"count": 1}


async def test_a_long_turn_is_renewed_and_its_renewal_ends_with_it(client):
    store = SessionStore(client, "long", lock_timeout=0.3)
    async with store.lock("u1") as held:
        await asyncio.sleep(0.5)  # past the first renewal (0.1 s) and the lease itself
        assert len(_renewals()) == 1
        assert await client.get(store.key("u1", "lock")) in (held.token, held.token.encode())
        await store.put("u1", {"count": 1}, lock=held)  # still ours: no LockLost
    assert _renewals() == []
    assert await client.exists(store.key("u1", "lock")) == 0


async def test_a_renewal_whose_cancellation_is_swallowed_still_ends(client):
    """A full test run hung here for 12 minutes: the turn's end cancelled the renewal while it
    was inside a Redis call, the client swallowed the CancelledError, and the loop renewed on
    while the turn waited for it. The loop now also reads the task's pending cancellation,
    and the wait is bounded by the lease."""
    store = SessionStore(client, "swallowed", lock_timeout=0.3)
    renew = store.locks._renew
    calls = []

    async def swallowing_renew(*args, **kwargs):
        calls.append(1)
        try:
            await asyncio.sleep(0.05)
        except asyncio.CancelledError:
            pass  # what a client that swallows the cancellation does
        return await renew(*args, **kwargs)

    store.locks._renew = swallowing_renew

    async def turn():
        async with store.lock("u1") as held:
            await asyncio.sleep(0.15)  # the first renewal (at 0.1 s) is inside its Redis call now
            await store.put("u1", {"count": 1}, lock=held)

    await asyncio.wait_for(turn(), timeout=5)  # hung forever before
    assert calls and _renewals() == []
    assert await client.exists(store.key("u1", "lock")) == 0
