"""One suite for every SessionStore backend: the embedded redis-server the product starts,
a plain redis-server started by the tests, and a real three-node Redis Cluster reached
through a `redis+cluster://` URL. All are real servers over TCP."""
from __future__ import annotations

import asyncio
import json

import pytest

from framework.masking import Masker
from framework.store import EmbeddedRedis, LockLost, LockTimeout, SessionStore, close_redis, open_redis
from tests.support.redis_server import RedisClusterServers, RedisServer

SERVERS = {"embedded": EmbeddedRedis, "test-server": RedisServer, "cluster": RedisClusterServers}


@pytest.fixture(scope="module", params=list(SERVERS))
def redis_url(request, tmp_path_factory):
    server = SERVERS[request.param](tmp_path_factory.mktemp(f"redis-{request.param}"))
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
async def client(redis_url):
    client = open_redis(redis_url)
    await client.flushdb()
    yield client
    await close_redis(client)


async def test_round_trip_and_key_layout(client):
    store = SessionStore(client, "telecom_zh", ttl=60)
    assert await store.get("u1") is None
    await store.put("u1", {"sender_id": "u1", "slots": {"name": "张三"}, "history": []})
    assert (await store.get("u1"))["slots"] == {"name": "张三"}
    assert store.key("u1") == "df:telecom_zh:{u1}:state"
    assert 0 < await client.pttl(store.key("u1")) <= 60_000
    assert await store.active_sessions() == 1


async def test_ttl_expiry(client):
    store = SessionStore(client, "a", ttl=1)
    await store.put("u1", {"history": []})
    await client.pexpire(store.key("u1"), 50)  # don't wait a whole second
    await asyncio.sleep(0.1)
    assert await store.get("u1") is None


async def test_history_capped_and_masked(client):
    store = SessionStore(client, "a", history_limit=3, masker=Masker())
    history = [{"user": f"我的电话是1381234567{i}"} for i in range(5)]
    await store.put("u1", {"slots": {"phone": "13812345678"}, "history": history})
    saved = await store.get("u1")
    assert [h["user"] for h in saved["history"]] == ["我的电话是138****5672", "我的电话是138****5673", "我的电话是138****5674"]
    assert saved["slots"]["phone"] == "13812345678"  # the working state keeps real values


async def test_lock_serialises_read_modify_write(client, redis_url):
    """50 concurrent increments of one conversation through two clients (as two
    processes would have): every increment survives."""
    stores = [SessionStore(client, "a"), SessionStore(open_redis(redis_url), "a")]

    async def increment(store: SessionStore) -> None:
        async with store.lock("u1") as held:
            state = await store.get("u1") or {"count": 0}
            await asyncio.sleep(0)  # let the others try to interleave
            await store.put("u1", {"count": state["count"] + 1}, lock=held)

    await asyncio.gather(*(increment(stores[i % 2]) for i in range(50)))
    assert (await stores[0].get("u1"))["count"] == 50
    await close_redis(stores[1].client)


async def test_lock_wait_times_out(client):
    store = SessionStore(client, "a", lock_wait=0.1)
    async with store.lock("u1"):
        with pytest.raises(LockTimeout):
            async with store.lock("u1"):
                pass
    async with store.lock("u1"):  # released
        pass


async def test_expired_lock_refuses_the_write(client):
    store = SessionStore(client, "a")
    async with store.lock("u1") as held:
        await client.delete(store.key("u1", "lock"))  # our lease ran out (a stalled process)
        async with SessionStore(client, "a").lock("u1"):
            with pytest.raises(LockLost):
                await store.put("u1", {"count": 1}, lock=held)
    assert await store.get("u1") is None


async def test_state_is_stored_as_json(client):
    store = SessionStore(client, "a")
    await store.put("u1", {"text": "你好"})
    assert json.loads(await client.get(store.key("u1"))) == {"text": "你好"}


def test_embedded_redis_persists_across_restarts(tmp_path):
    import redis

    with EmbeddedRedis(tmp_path) as server:
        redis.Redis.from_url(server.url).set("k", "v")
        port = server.port
    with EmbeddedRedis(tmp_path, port=port) as server:
        assert redis.Redis.from_url(server.url).get("k") == b"v"
    assert (tmp_path / "appendonly.aof").exists() or (tmp_path / "dump.rdb").exists()


async def test_pii_slot_values_masked_in_history(client):
    store = SessionStore(client, "a", masker=Masker())
    await store.put("u1", {"slots": {"name": "张三"}, "history": [{"text": "我叫张三"}]}, secrets=["张三"])
    assert (await store.get("u1"))["history"] == [{"text": "我叫张*"}]


def test_keys_of_one_conversation_share_a_cluster_slot():
    from redis.crc import key_slot

    store = SessionStore.__new__(SessionStore)
    store.prefix = "df:telecom_zh"
    keys = [store.key("user:42"), store.key("user:42", "lock")]
    assert keys[0] == "df:telecom_zh:{user:42}:state"
    assert len({key_slot(k.encode()) for k in keys}) == 1


def test_cluster_url_selects_the_cluster_client():
    from redis.asyncio.cluster import RedisCluster

    # Constructing a cluster client does not connect (it does on first use).
    assert isinstance(open_redis("redis+cluster://127.0.0.1:7000"), RedisCluster)


async def test_checkout_reads_and_put_releases_in_one_trip(client):
    store = SessionStore(client, "a", lock_wait=0.1)
    await store.put("u1", {"count": 1})
    async with store.checkout("u1") as held:
        assert held.state == {"count": 1}
        await store.put("u1", {"count": 2}, lock=held, release=True)
        async with store.checkout("u1") as again:  # already free: the put released it
            assert again.state == {"count": 2}
    async with store.checkout("new") as held:
        assert held.state is None


async def test_conversations_live_on_different_cluster_nodes(client, redis_url):
    """On the three-node cluster, conversations spread over the nodes; each one's state
    and lock sit together on the node that owns its hash tag (checked on that node itself,
    with a plain client), and the active-sessions set counts them all."""
    if not redis_url.startswith("redis+cluster://"):
        pytest.skip("needs the cluster server")
    import redis

    store = SessionStore(client, "a", lock_wait=0.1)
    senders = [f"user:{i}" for i in range(12)]
    for sender in senders:
        async with store.checkout(sender) as held:
            assert held.state is None
            await store.put(sender, {"sender_id": sender}, lock=held)  # lock kept: still ours
            node = client.get_node_from_key(store.key(sender))
            with redis.Redis(host=node.host, port=node.port) as direct:
                assert direct.exists(store.key(sender), store.key(sender, "lock")) == 2
    assert len({client.get_node_from_key(store.key(s)).name for s in senders}) == 3
    assert [(await store.get(s))["sender_id"] for s in senders] == senders
    assert await store.active_sessions() == len(senders)
