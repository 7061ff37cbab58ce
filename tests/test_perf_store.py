"""What a turn costs Redis (issue 11), counted by a real redis-server (INFO commandstats
and stats), never timed: the turn's end (fenced write, unlock, active set) is one round
trip with no SCRIPT command, a Redis that forgot the script still saves, and the active
set is pruned at most once per `prune_every` seconds."""
from __future__ import annotations

import time

import pytest
import redis.asyncio as redis

from framework.store import SessionStore, close_redis, open_redis
from tests.support.serving import redis_server  # noqa: F401 (fixture)


@pytest.fixture
async def client(redis_server):  # noqa: F811 (fixture)
    client = open_redis(redis_server.url)
    await client.flushall()
    yield client
    await close_redis(client)


@pytest.fixture
async def probe(redis_server):  # noqa: F811 (fixture)
    """A second connection reading the server's counters."""
    probe = redis.Redis.from_url(redis_server.url, decode_responses=True)
    yield probe
    await probe.aclose()


async def counted(probe, action) -> tuple[dict[str, int], int]:
    """(calls by command, round trips) that `action` cost the server, this probe's own left out."""
    await probe.config_resetstat()
    await action()
    reads = int((await probe.info("stats"))["total_reads_processed"])
    calls = {name.removeprefix("cmdstat_"): int(stat["calls"])
             for name, stat in (await probe.info("commandstats")).items()}
    for own in ("config|resetstat", "config", "info"):  # Redis 6 counts CONFIG as one
        calls.pop(own, None)
    return calls, reads - 1  # the INFO stats read above is one


async def turn(store: SessionStore, sender: str, text: str) -> None:
    async with store.checkout(sender) as held:
        history = (held.state or {}).get("history", [])
        await store.put(sender, {"history": history + [{"user": text}]}, lock=held, release=True)


async def test_a_turn_is_two_round_trips_and_sends_no_script_command(client, probe):
    store = SessionStore(client, "a", prune_every=3600)
    await turn(store, "warm", "hi")  # the connection's HELLO and the first pruning
    calls, round_trips = await counted(probe, lambda: turn(store, "u1", "hello"))
    assert round_trips == 2  # checkout (lock + read), then write + unlock + active set
    assert "script" not in calls and "script|exists" not in calls
    assert calls["evalsha"] == 2 and calls["zadd"] == 1 and "zremrangebyscore" not in calls
    assert (await store.get("u1"))["history"] == [{"user": "hello"}]
    assert not await client.exists(store.key("u1", "lock"))  # released in the same round trip


async def test_a_redis_that_forgot_the_script_still_saves_and_unlocks(client):
    store = SessionStore(client, "a")
    await turn(store, "u1", "one")
    await client.script_flush()  # as after a restart without persistence of scripts
    await turn(store, "u1", "two")
    assert [h["user"] for h in (await store.get("u1"))["history"]] == ["one", "two"]
    assert not await client.exists(store.key("u1", "lock"))


async def test_the_active_set_is_pruned_at_most_once_per_interval(client, probe):
    ended = "ended"  # a conversation whose timeout passed an hour ago
    store = SessionStore(client, "a", ttl=60, prune_every=3600)
    await client.zadd(store.active_key, {ended: time.time() - 3600})
    calls, _ = await counted(probe, lambda: turn(store, "u1", "hi"))
    assert calls["zremrangebyscore"] == 1  # the first write prunes
    assert await client.zscore(store.active_key, ended) is None
    await client.zadd(store.active_key, {ended: time.time() - 3600})
    calls, _ = await counted(probe, lambda: turn(store, "u2", "hi"))
    assert "zremrangebyscore" not in calls  # not again within the interval
    assert await store.active_sessions() == 2  # reading the gauge prunes whatever is due


async def test_every_write_prunes_with_no_interval(client):
    store = SessionStore(client, "a", ttl=60, prune_every=0)
    await turn(store, "u1", "hi")
    await client.zadd(store.active_key, {"ended": time.time() - 3600})
    await turn(store, "u2", "hi")
    assert await client.zscore(store.active_key, "ended") is None


async def test_keeping_a_conversation_alive_is_one_round_trip(client, probe):
    store = SessionStore(client, "a", ttl=60)
    await turn(store, "u1", "hi")
    await client.pexpire(store.key("u1"), 5_000)
    calls, round_trips = await counted(probe, lambda: store.touch("u1"))
    assert round_trips == 1 and calls == {"pexpire": 1, "zadd": 1}
    assert await client.pttl(store.key("u1")) > 5_000  # the TTL is the session timeout again
