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
