"""What a turn costs Redis (issue 11), counted by a real redis-server (INFO commandstats
and stats), never timed: the turn's end (fenced write, unlock, active set) is one round
trip with no SCRIPT command, a Redis that forgot the script still saves, and the active
set is pruned at most once per `prune_every` seconds."""
from __future__ import annotations

import time

import pytest
import redis.asyncio as redis

from framework.store import SessionStore, close_redis, open_redis
from framework.store.locks import ConversationLocks
from tests.support.fake_classifier import FakeClassifier
from tests.support.serving import backend_port, domain, make_config, redis_server  # noqa: F401 (fixtures)


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


@pytest.mark.parametrize("pipelines", [True, False])  # False: as on a Redis Cluster, side by side
async def test_a_checkout_reads_other_keys_in_its_round_trip(client, probe, pipelines):
    store = SessionStore(client, "a")
    store.locks = ConversationLocks(client, store.key, pipelines=pipelines)
    await client.set("df:a:answers:k1", "[1]")
    await client.script_flush()  # the take's script is loaded on the way

    async def checkout():
        async with store.checkout("u1", prefetch=("df:a:answers:k1", "df:a:answers:none")) as held:
            got.append(dict(held.prefetched))
            await store.put("u1", {"history": []}, lock=held, release=True)

    got: list = []
    await checkout()
    calls, round_trips = await counted(probe, checkout)
    assert got[-1] == {"df:a:answers:k1": b"[1]", "df:a:answers:none": None}
    assert round_trips == (2 if pipelines else 4)  # take + GETs, then the write; or each alone
    assert calls["get"] >= 2 and "script" not in calls


async def test_a_cached_answer_to_a_new_conversation_costs_one_round_trip_less(domain, redis_server, probe):  # noqa: F811
    """serve's defaults (rate limits and answer cache on): the limit per address, the
    checkout with the sender's limit and the cache entry, the unlock: 3 round trips (5
    before the cache entry and then the sender's limit joined the checkout)."""
    from aiohttp.test_utils import TestClient, TestServer

    from framework.server.app import init

    _, assistant = domain
    classifier = FakeClassifier({"你好": "问候"}, assistant.intents, threshold=0.4)
    client = TestClient(TestServer(init(make_config(domain, classifier, redis_server.url))))
    await client.start_server()
    try:
        first = await client.post("/webhooks/rest/webhook", json={"sender": "first", "message": "你好"})
        replies = await first.json()

        async def second():
            answer = await client.post("/webhooks/rest/webhook", json={"sender": f"s{len(seen)}", "message": "你好"})
            seen.append(await answer.json())

        seen: list = []
        await second()  # the first cache hit also loads the unlock's script into Redis
        calls, round_trips = await counted(probe, second)
    finally:
        await client.close()
    assert [r["text"] for r in seen[0]] == [r["text"] for r in replies]
    # EVALSHA: the address limit, the take (counting the sender; the cache entry's GET in
    # its pipeline), the unlock
    assert round_trips == 3 and calls["evalsha"] == 3
