"""The HTTP server end to end: a real redis-server, a real tiny model, a small Chinese
domain, and a local aiohttp app standing in for the business backend (all set up in
tests/support/serving.py)."""
from __future__ import annotations

import asyncio
import json
import logging
import re

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from tests.support.redis_server import RedisServer, free_port
from tests.support.serving import ID_NUMBER, PHONE, backend_app, make_config, say
from tests.support.serving import backend_port, classifier, domain, make_client, redis_server  # noqa: F401 (fixtures)

ID_RE, PHONE_RE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"), re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


# ----------------------------------------------------------------------------- conversations

async def test_full_conversation_with_webhook_action(make_client):
    client = await make_client()
    assert await say(client, "u1", "我想办理一张新卡") == ["请问您的姓名是？"]
    assert await say(client, "u1", "张三") == ["请提供您的身份证号码。"]
    assert await say(client, "u1", ID_NUMBER) == ["请提供您的手机号码。"]
    assert await say(client, "u1", PHONE) == ["办理成功，账号 A5678。"]


async def test_failing_webhook_takes_the_failure_branch(make_client):
    client = await make_client()
    for text in ("我想办理一张新卡", "王五", ID_NUMBER):
        await say(client, "u2", text)
    assert await say(client, "u2", PHONE) == ["系统繁忙，办理失败，请稍后再试。"]
    metrics = await (await client.get("/metrics")).text()
    assert "df_action_failures_total" in metrics


async def test_pii_never_reaches_logs_or_stored_transcripts(make_client, caplog, redis_server):
    import redis

    client = await make_client()
    with caplog.at_level(logging.DEBUG):
        for text in ("我想办理一张新卡", "我叫张三", f"身份证{ID_NUMBER}", f"电话 {PHONE}"):
            await say(client, "pii", text)
    assert "turn sender=pii" in caplog.text  # the turns were logged ...
    assert not ID_RE.search(caplog.text) and not PHONE_RE.search(caplog.text), caplog.text  # ... masked
    assert "张三" not in caplog.text  # a pii slot's value, masked by value
    raw = redis.Redis.from_url(redis_server.url).get("df:shop_zh:{pii}:state").decode()
    stored = json.loads(raw)
    history = json.dumps(stored["history"], ensure_ascii=False)
    assert "身份证110*************74" in history and not ID_RE.search(history) and not PHONE_RE.search(history)
    assert "张三" not in history  # the name slot's value, masked by value
    assert ID_NUMBER not in raw and PHONE not in raw and "张三" not in raw  # none at rest (issue 9, #5)


async def test_answer_cache_serves_frequent_questions(make_client):
    client = await make_client()
    assert await say(client, "c1", "你好") == ["您好，请问有什么可以帮您？"]
    assert await say(client, "c2", "你好！") == ["您好，请问有什么可以帮您？"]  # normalised text
    metrics = await (await client.get("/metrics")).text()
    assert 'df_answer_cache_total{result="hit"} 1' in metrics


# ----------------------------------------------------------------------------- API

async def test_predict(make_client):
    client = await make_client()
    resp = await client.post("/api/v1/predict", json={"text": f"我的电话是{PHONE}"})
    body = await resp.json()
    assert resp.status == 200 and body["intent"]["name"] == "告知"
    assert [e["value"] for e in body["entities"] if e["entity"] == "phone"] == [PHONE]
    assert abs(sum(r["confidence"] for r in body["intent_ranking"]) - 1) < 1e-3


async def test_health_ready_metrics_openapi(make_client):
    client = await make_client()
    assert (await client.get("/health")).status == 200
    ready = await client.get("/ready")
    assert ready.status == 200 and (await ready.json())["checks"] == {"model": True, "store": True}
    await say(client, "m1", "你好")
    text = await (await client.get("/metrics")).text()
    for name in ("df_http_requests_total{route=\"/webhooks/rest/webhook\",method=\"POST\",status=\"200\"} 1",
                 "df_http_request_duration_seconds_bucket", "df_intents_total{intent=\"问候\"} 1",
                 "df_inference_batch_size_count", "df_inference_seconds_sum", "df_active_sessions 1",
                 "df_store_errors_total", "df_fallbacks_total"):
        assert name in text, name
    spec = await (await client.get("/openapi.json")).json()
    assert spec["openapi"].startswith("3.") and "/webhooks/rest/webhook" in spec["paths"]


@pytest.mark.parametrize("kwargs, status, error", [
    (dict(data=b"{not json", headers={"Content-Type": "application/json"}), 400, "malformed_json"),
    (dict(data=b"sender=a", headers={"Content-Type": "application/x-www-form-urlencoded"}), 415, "unsupported_media_type"),
    (dict(json={"sender": "a"}), 400, "invalid_request"),
    (dict(json={"sender": True, "message": "hi"}), 400, "invalid_request"),  # a number is Rasa's, accepted (issue 13)
    (dict(json=["sender", "message"]), 400, "invalid_request"),
    (dict(json={"sender": "a", "message": "x" * 70_000}), 413, "payload_too_large"),
])
async def test_bad_requests_get_json_errors(make_client, kwargs, status, error):
    client = await make_client()
    resp = await client.post("/webhooks/rest/webhook", **kwargs)
    body = await resp.json()
    assert (resp.status, body["error"]) == (status, error)


async def test_schema_error_says_where(make_client):
    client = await make_client()
    body = await (await client.post("/webhooks/rest/webhook", json={"sender": 5.5, "message": "hi"})).json()
    assert body["detail"] == "at $.sender: 5.5 is not of type 'string', 'integer'"
    body = await (await client.post("/api/v1/predict", json={"txt": "hi"})).json()
    assert body["error"] == "invalid_request" and "'text' is a required property" in body["detail"]


async def test_unknown_route_and_method_are_json(make_client):
    client = await make_client()
    resp = await client.get("/nope")
    assert resp.status == 404 and (await resp.json())["error"] == "not_found"
    resp = await client.get("/webhooks/rest/webhook")
    assert resp.status == 405 and (await resp.json())["error"] == "method_not_allowed"


async def test_rate_limit_per_sender(make_client):
    client = await make_client(rate_limit_sender=2)
    await say(client, "r1", "你好")
    await say(client, "r1", "你好")
    resp = await client.post("/webhooks/rest/webhook", json={"sender": "r1", "message": "你好"})
    assert resp.status == 429 and 1 <= int(resp.headers["Retry-After"]) <= 60
    assert (await resp.json())["error"] == "rate_limited"
    await say(client, "r2", "你好")  # other senders are not affected


async def test_rate_limit_per_address(make_client):
    client = await make_client(rate_limit_ip=3)
    statuses = [(await client.post("/api/v1/predict", json={"text": "你好"})).status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


# ----------------------------------------------------------------------------- resilience

async def test_redis_down_gives_503_then_recovers(make_client, tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    try:
        client = await make_client(redis_url=server.url)
        await say(client, "o1", "我想办理一张新卡")
        server.stop()
        resp = await client.post("/webhooks/rest/webhook", json={"sender": "o1", "message": "张三"})
        assert resp.status == 503 and (await resp.json())["error"] == "store_unavailable"
        assert (await client.get("/ready")).status == 503
        assert (await client.get("/health")).status == 200
        server.start()  # same port, empty (no persistence): the conversation starts over
        for _ in range(50):
            if (await client.get("/ready")).status == 200:
                break
            await asyncio.sleep(0.05)
        assert await say(client, "o1", "我想办理一张新卡") == ["请问您的姓名是？"]
        assert "df_store_errors_total 1" in await (await client.get("/metrics")).text()
    finally:
        server.stop()


async def test_graceful_shutdown_finishes_in_flight_turns(domain, classifier, redis_server, tmp_path):
    """A turn waiting on a slow backend when the server shuts down still completes and
    saves its state."""
    import redis.asyncio as redis
    from framework.server.app import init
    from framework.spec import load_assistant

    port = free_port()
    slow = web.AppRunner(backend_app(delay=0.5))
    await slow.setup()
    await web.TCPSite(slow, "127.0.0.1", port).start()
    mp = pytest.MonkeyPatch()
    mp.setenv("SHOP_BACKEND", f"http://127.0.0.1:{port}")
    assistant = load_assistant(domain[0])
    mp.undo()
    client = TestClient(TestServer(init(make_config((domain[0], assistant), classifier, redis_server.url))))
    await client.start_server()
    try:
        for text in ("我想办理一张新卡", "张三", ID_NUMBER):
            await say(client, "g1", text)
        in_flight = asyncio.ensure_future(client.post("/webhooks/rest/webhook", json={"sender": "g1", "message": PHONE}))
        await asyncio.sleep(0.2)
    finally:
        await client.close()  # shutdown while the action is running
    in_flight.cancel()
    raw = await redis.Redis.from_url(redis_server.url).get("df:shop_zh:{g1}:state")
    saved = json.loads(raw)  # the finished flow's slots are cleared; its reply was saved
    assert saved["stack"] == [] and saved["history"][-1]["replies"] == ["办理成功，账号 A5678。"]
    await slow.cleanup()


async def test_answer_cache_key_changes_with_the_model(redis_server):
    import redis.asyncio as redis
    from framework.server.answer_cache import AnswerCache, normalise

    assert normalise("  Hello，  World！ ") == normalise("hello, world")
    cache = AnswerCache(redis.Redis.from_url(redis_server.url), "df:t", ttl=60)
    await cache.put("model-a", "rest", "你好", [{"text": "hi"}])
    assert await cache.get("model-a", "rest", "你好 ") == [{"text": "hi"}]
    assert await cache.get("model-b", "rest", "你好") is None  # retrained: nothing stale
    assert await cache.get("model-a", "wechat", "你好") is None  # per-channel variants


async def test_without_redis_url_the_embedded_server_is_used(domain, classifier, tmp_path):
    from framework.server.app import init

    config = make_config(domain, classifier, None, redis_dir=str(tmp_path / "var" / "redis"))
    client = TestClient(TestServer(init(config)))
    await client.start_server()
    try:
        assert (await client.get("/ready")).status == 200
        assert await say(client, "e1", "我想办理一张新卡") == ["请问您的姓名是？"]
    finally:
        await client.close()
    assert (tmp_path / "var" / "redis" / "appendonly.aof").exists()


# ----------------------------------------------------------------------------- micro-batching (pure unit)

async def test_micro_batcher_batches_concurrent_texts():
    from concurrent.futures import ThreadPoolExecutor

    from framework.server.batching import MicroBatcher

    sizes = []

    def predict(texts):
        sizes.append(len(texts))
        return [t.upper() for t in texts]

    with ThreadPoolExecutor(1) as pool:
        batcher = MicroBatcher(predict, pool, max_batch=8, max_wait=0.005)
        batcher.start()
        results = await asyncio.gather(*(batcher.predict(f"t{i}") for i in range(20)))
        await batcher.stop()
    assert results == [f"T{i}" for i in range(20)]
    assert max(sizes) == 8 and len(sizes) <= 4  # not 20 calls of one text


async def test_micro_batcher_timeout_and_errors():
    import time as _time
    from concurrent.futures import ThreadPoolExecutor

    from framework.server.batching import InferenceTimeout, MicroBatcher

    def slow(texts):
        _time.sleep(0.3)
        return texts

    def broken(texts):
        raise RuntimeError("model exploded")

    with ThreadPoolExecutor(1) as pool:
        batcher = MicroBatcher(slow, pool, timeout=0.05)
        batcher.start()
        with pytest.raises(InferenceTimeout):
            await batcher.predict("x")
        await batcher.stop()
        batcher = MicroBatcher(broken, pool)
        batcher.start()
        with pytest.raises(RuntimeError, match="exploded"):
            await batcher.predict("x")
        await batcher.stop()


def test_metrics_of_several_workers_are_summed(tmp_path):
    """framework.server.metrics.SharedMetrics: each worker's counters and histograms in its
    slot's file; any worker's /metrics answers the sum (gauges are its own, read at scrape)."""
    from framework.server.metrics import Metrics, SharedMetrics

    a, b = Metrics(), Metrics()
    a.turns.inc("rest"), a.turns.inc("rest"), b.turns.inc("rest"), b.turns.inc("wechat")
    a.latency.observe(0.002, "/webhooks/rest/webhook", "200"), b.latency.observe(0.3, "/webhooks/rest/webhook", "200")
    a.active_sessions.set(7)
    SharedMetrics(str(tmp_path), 1).write(b)
    (tmp_path / "worker-2.json").write_text("{not json", encoding="utf-8")  # being replaced: skipped
    text = SharedMetrics(str(tmp_path), 0).render(a)
    assert 'df_turns_total{channel="rest"} 3' in text and 'df_turns_total{channel="wechat"} 1' in text
    assert 'df_http_request_duration_seconds_count{route="/webhooks/rest/webhook",status="200"} 2' in text
    assert 'df_http_request_duration_seconds_bucket{route="/webhooks/rest/webhook",status="200",le="0.005"} 1' in text
    assert "df_active_sessions 7" in text
    assert sorted(p.name for p in tmp_path.glob("worker-*.json")) == ["worker-0.json", "worker-1.json", "worker-2.json"]
    assert a.render().count("df_turns_total{") == 1  # the worker's own registry is untouched
