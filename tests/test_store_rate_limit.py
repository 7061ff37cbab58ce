"""The sender's rate limit counted in the checkout's lock script (issue 11): one shared
suite on every store backend (embedded, a plain redis-server, a 3-node Redis Cluster,
where the counter must share the conversation's slot), then the server's side: a turn with
the limit on is 2 round trips on one Redis, and a refusal is still a 429 with its reason."""
from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as redis

from framework.store import Limit, RateLimited, SessionStore
from tests.support.fake_classifier import FakeClassifier
from tests.support.serving import backend_port, domain, make_config, redis_server  # noqa: F401 (fixtures)
from tests.test_perf_store import counted
from tests.test_store import client, redis_url  # noqa: F401 (fixtures: the three backends)


async def turn(store: SessionStore, sender: str, limit: Limit | None) -> None:
    async with store.checkout(sender, limit=limit) as held:
        history = (held.state or {}).get("history", [])
        await store.put(sender, {"history": history + [{"user": "hi"}]}, lock=held, release=True)


async def test_a_sender_over_its_limit_is_refused_before_anything_is_taken(client):  # noqa: F811
    store = SessionStore(client, "a")
    limit = Limit(2, 60)
    await turn(store, "u1", limit)
    await turn(store, "u1", limit)
    with pytest.raises(RateLimited) as refused:
        await turn(store, "u1", limit)
    assert refused.value.count == 3 and 1 <= refused.value.retry_after <= 60
    for kind in ("lock", "queue", "waiters"):  # not locked, not queued
        assert not await client.exists(store.key("u1", kind))
    assert len((await store.get("u1"))["history"]) == 2
    await turn(store, "u2", limit)  # another sender has its own count
    await turn(store, "u1", None)  # no limit given: not counted, not refused
    assert int(await client.get("df:a:rl:sender:{u1}")) == 3
    assert 0 < await client.pttl("df:a:rl:sender:{u1}") <= 60_000


async def test_a_message_waiting_for_the_lock_is_counted_once(client):  # noqa: F811
    store = SessionStore(client, "a")
    limit = Limit(10, 60)
    async with store.checkout("u1", limit=limit) as first:
        waiting = asyncio.create_task(turn(store, "u1", limit))
        await asyncio.sleep(0.2)  # it polls the lock script many times meanwhile
        assert not waiting.done()
        await store.put("u1", {"history": []}, lock=first, release=True)
    await waiting
    assert int(await client.get("df:a:rl:sender:{u1}")) == 2


@pytest.fixture
async def probe(redis_server):  # noqa: F811 (fixture)
    probe = redis.Redis.from_url(redis_server.url, decode_responses=True)
    await probe.flushdb()
    yield probe
    await probe.aclose()


@pytest.fixture
async def server(domain, redis_server):  # noqa: F811 (fixture)
    from aiohttp.test_utils import TestClient, TestServer

    from framework.server.app import init

    _, assistant = domain
    classifier = FakeClassifier({"你好": "问候"}, assistant.intents, threshold=0.4)
    config = make_config(domain, classifier, redis_server.url, rate_limit_sender=2, rate_limit_ip=0,
                         cache_enabled=False)
    client = TestClient(TestServer(init(config)))
    await client.start_server()
    yield client
    await client.close()


async def test_a_turn_with_the_sender_limit_on_is_two_round_trips(server, probe):
    async def say(sender: str):
        return await server.post("/webhooks/rest/webhook", json={"sender": sender, "message": "你好"})

    assert (await say("warm")).status == 200  # loads the scripts, opens the pool's connection
    calls, round_trips = await counted(probe, lambda: say("new"))
    assert round_trips == 2  # take (counting the sender, reading the state), write + unlock + active set
    assert calls["evalsha"] == 2 and calls["incr"] == 1 and "script" not in calls


async def test_over_the_limit_is_a_429_with_its_reason_and_no_turn(server, probe):
    for _ in range(2):
        assert (await server.post("/webhooks/rest/webhook", json={"sender": "r1", "message": "你好"})).status == 200
    resp = await server.post("/webhooks/rest/webhook", json={"sender": "r1", "message": "你好"})
    assert resp.status == 429 and 1 <= int(resp.headers["Retry-After"]) <= 60
    assert await resp.json() == {"error": "rate_limited", "detail": "more than 2 messages in 60s from this sender"}
    metrics = await (await server.get("/metrics")).text()
    assert 'df_rate_limited_total{scope="sender"} 1' in metrics
    keys = await probe.keys("*{r1}*")
    assert not [k for k in keys if k.endswith((":lock", ":queue", ":waiters"))]  # nothing locked or queued
    assert len([k for k in keys if k.endswith(":rl:sender:{r1}") or k.endswith(":{r1}:state")]) == 2
