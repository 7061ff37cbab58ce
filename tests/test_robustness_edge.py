"""Hardening of the HTTP edge and the channels (issue 9), one regression test per finding,
through the real server (real Redis, real tiny model, local stand-ins for the platforms):

  #1 every channel bounds the length of a message (413 `message_too_long`, no turn);
  #2 WeChat XML is parsed safely: a signed UTF-16 body with an entity is refused;
  #3 one bad text does not fail the others in its inference batch;
  #6 malformed requests get a 4xx with a JSON reason, never a 500;
  #8 replays and redeliveries: timestamp windows, one turn per platform message id.
"""
from __future__ import annotations

import asyncio
import json
import time

import pytest
import redis.asyncio as redis

from framework.channels.base import MAX_TEXT
from framework.channels.slack import slack_signature
from tests.support.platforms import (SLACK_SECRET, TG_SECRET, WECHAT_TOKEN, Rest, Slack, Telegram, WeChat, slack_event,
                                     slack_headers, telegram_update, wechat_query, wechat_xml)
from tests.support.platforms import telegram_api  # noqa: F401 (fixture)
from tests.support.serving import backend_port, classifier, domain, make_client, redis_server  # noqa: F401 (fixtures)

TG_HEADERS = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}


async def all_channels(make_client, telegram_api):
    base = telegram_api[0]
    return await make_client(telegram_api_base=base, slack_api_base=base, **WeChat.config, **Telegram.config,
                             **Slack.config)


async def turns(client, channel: str) -> int:
    text = await (await client.get("/metrics")).text()
    for line in text.splitlines():
        if line.startswith(f'df_turns_total{{channel="{channel}"}}'):
            return int(float(line.split()[-1]))
    return 0


async def stored_senders(redis_server) -> list[bytes]:
    return sorted(await redis.Redis.from_url(redis_server.url).keys("df:shop_zh:{*}:state"))


# ----------------------------------------------------------------------------- 1: bounded length

@pytest.mark.parametrize("channel", [Rest(), WeChat(), Telegram(), Slack()], ids=lambda c: type(c).__name__)
async def test_too_long_message_is_refused_on_every_channel(channel, make_client, telegram_api, redis_server):
    client = await all_channels(make_client, telegram_api)
    resp = await client.post(channel.path, **channel.request("long", "长" * (MAX_TEXT + 1)))
    assert resp.status == 413
    assert await resp.json() == {"error": "message_too_long",
                                 "detail": "the message has 5001 characters; at most 5000 are accepted"}
    assert await stored_senders(redis_server) == [] and telegram_api[1] == []
    ok = await client.post(channel.path, **channel.request("long", "长" * MAX_TEXT))  # the limit itself is fine
    assert ok.status == 200


# ----------------------------------------------------------------------------- 2: safe XML

async def test_wechat_utf16_body_with_an_entity_is_refused_and_nothing_stored(make_client, redis_server):
    """The old byte filter looked for b"<!DOCTYPE"; in UTF-16 those bytes never occur."""
    client = await make_client(wechat_token=WECHAT_TOKEN)
    xml = ('<?xml version="1.0" encoding="UTF-16"?>'
           '<!DOCTYPE xml [<!ENTITY big "' + "x" * 3000 + '">]>'
           "<xml><ToUserName>gh_account</ToUserName><FromUserName>utf16</FromUserName>"
           "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&big;&big;</Content>"
           "<MsgId>1</MsgId></xml>").encode("utf-16")
    assert b"<!DOCTYPE" not in xml
    resp = await client.post(WeChat.path, params=wechat_query(), data=xml, headers={"Content-Type": "text/xml"})
    assert resp.status == 400
    assert await resp.json() == {"error": "malformed_xml", "detail": "DTDs and entity declarations are not accepted"}
    assert await stored_senders(redis_server) == []


async def test_wechat_utf16_body_without_a_dtd_is_still_understood(make_client):
    client = await make_client(wechat_token=WECHAT_TOKEN)
    xml = wechat_xml("utf16", "我想办理一张新卡").decode().encode("utf-16")
    resp = await client.post(WeChat.path, params=wechat_query(), data=xml, headers={"Content-Type": "text/xml"})
    assert resp.status == 200 and "请问您的姓名是" in await resp.text()


# ----------------------------------------------------------------------------- 3: batch isolation

async def test_one_bad_text_does_not_fail_its_batch():
    from concurrent.futures import ThreadPoolExecutor

    from framework.server.batching import MicroBatcher

    calls: list[int] = []

    def predict(texts):  # like a tokenizer that cannot encode a lone surrogate
        calls.append(len(texts))
        if any("\ud800" in t for t in texts):
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        return [t.upper() for t in texts]

    with ThreadPoolExecutor(1) as pool:
        batcher = MicroBatcher(predict, pool, max_batch=16, max_wait=0.05)
        batcher.start()
        texts = [f"t{i}" for i in range(10)] + ["hi \ud800"] + [f"u{i}" for i in range(5)]
        results = await asyncio.gather(*(batcher.predict(t) for t in texts), return_exceptions=True)
        await batcher.stop()
    assert results[:10] == [f"T{i}" for i in range(10)] and results[11:] == [f"U{i}" for i in range(5)]
    assert isinstance(results[10], UnicodeEncodeError)
    assert calls[0] == 16  # they did share a batch


async def test_a_lone_surrogate_is_refused_and_concurrent_predictions_succeed(make_client):
    client = await make_client(rate_limit_ip=0)
    bad = '{"text": "hi \\ud800"}'

    async def post(body):
        resp = await client.post("/api/v1/predict", data=body, headers={"Content-Type": "application/json"})
        return resp.status, await resp.json()

    results = await asyncio.gather(*(post(json.dumps({"text": f"你好 {i}"})) for i in range(20)), post(bad))
    assert [s for s, _ in results[:20]] == [200] * 20
    assert results[20] == (400, {"error": "invalid_request",
                                 "detail": "the text is not valid Unicode: a lone surrogate U+D800 at position 3"})


# ----------------------------------------------------------------------------- 6: no 500s

REST, PREDICT, TG, WX = "/webhooks/rest/webhook", "/api/v1/predict", Telegram.path, WeChat.path
JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize("path, body, headers, status, error, detail", [
    (REST, b"[" * 10000, JSON, 400, "malformed_json", "the JSON is nested too deeply"),
    (PREDICT, b"[" * 10000, JSON, 400, "malformed_json", "the JSON is nested too deeply"),
    (TG, b"[" * 10000, TG_HEADERS, 400, "malformed_json", "the JSON is nested too deeply"),
    (REST, b'{"sender": "a\\udc00", "message": "hi"}', JSON, 400, "invalid_request",
     "the sender id is not valid Unicode: a lone surrogate U+DC00 at position 1"),
    (REST, b'{"sender": "a", "message": "hi \\ud800"}', JSON, 400, "invalid_request",
     "the message is not valid Unicode: a lone surrogate U+D800 at position 3"),
    (REST, json.dumps({"sender": "a", "message": "x" * 6000}).encode(), JSON, 413, "message_too_long",
     "the message has 6000 characters; at most 5000 are accepted"),
    (PREDICT, json.dumps({"text": "x" * 5001}).encode(), JSON, 413, "message_too_long",
     "the message has 5001 characters; at most 5000 are accepted"),
    (REST, json.dumps({"sender": "s" * 129, "message": "hi"}).encode(), JSON, 400, "invalid_request",
     "at $.sender: longer than 128 characters"),
    (TG, b'{"update_id": 1, "message": {"text": "hi", "chat": {}}}', TG_HEADERS, 400, "invalid_request",
     "message.chat.id is required (an integer)"),
    (TG, b'{"update_id": 2, "callback_query": {"id": "1", "data": "/x", "message": "gone"}}', TG_HEADERS, 400,
     "invalid_request", "callback_query.message.chat.id is required (an integer)"),
    (TG, b'{"update_id": 3, "callback_query": {"id": "1", "data": "/x", "from": ["id"]}}', TG_HEADERS, 400,
     "invalid_request", "callback_query.message.chat.id is required (an integer)"),
    (TG, b'{"update_id": 4, "callback_query": {"id": "1", "data": "/x", "message": {"chat": "id"}}}', TG_HEADERS,
     400, "invalid_request", "callback_query.message.chat.id is required (an integer)"),
    (TG, b'{"update_id": 5, "message": {"text": "hi \\ud800", "chat": {"id": 1}}}', TG_HEADERS, 400,
     "invalid_request", "the message is not valid Unicode: a lone surrogate U+D800 at position 3"),
], ids=["rest-deep", "predict-deep", "telegram-deep", "rest-surrogate-sender", "rest-surrogate-message",
        "rest-6000", "predict-5001", "rest-long-sender", "telegram-chat-without-id", "telegram-callback-message-str",
        "telegram-callback-from-list", "telegram-callback-chat-str", "telegram-surrogate"])
async def test_malformed_requests_get_a_4xx_with_a_reason(make_client, telegram_api, path, body, headers, status,
                                                          error, detail):
    client = await all_channels(make_client, telegram_api)
    resp = await client.post(path, data=body, headers=headers)
    assert (resp.status, await resp.json()) == (status, {"error": error, "detail": detail})


async def test_non_ascii_signatures_are_refused_not_crashed(make_client, telegram_api):
    client = await all_channels(make_client, telegram_api)
    query = {**wechat_query(), "signature": "é", "echostr": "1"}
    resp = await client.get(WX, params=query)
    assert (resp.status, (await resp.json())["error"]) == (403, "bad_signature")
    body = json.dumps(slack_event("U1", "hi")).encode()
    headers = {**slack_headers(body), "X-Slack-Signature": "v0=é"}
    resp = await client.post(Slack.path, data=body, headers=headers)
    assert (resp.status, (await resp.json())["error"]) == (403, "bad_signature")


@pytest.mark.parametrize("path, header", [(TG, b"X-Telegram-Bot-Api-Secret-Token"), (Slack.path, b"X-Slack-Signature"),
                                          (Slack.path, b"X-Slack-Request-Timestamp")])
async def test_non_utf8_header_bytes_are_refused_not_crashed(make_client, telegram_api, path, header):
    """aiohttp hands undecodable header bytes over as lone surrogates ("\\udcff")."""
    client = await all_channels(make_client, telegram_api)
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    fresh = b"" if header == b"X-Slack-Request-Timestamp" else b"X-Slack-Request-Timestamp: %d\r\n" % time.time()
    writer.write(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: t\r\n" + header + b": \xff\xfe\r\n" + fresh +
                 b"Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 403") and json.loads(body)["error"] == "bad_signature"


# ----------------------------------------------------------------------------- 8: replays, redeliveries

@pytest.mark.parametrize("timestamp", ["978307200", "", "١٧٠٠٠٠٠٠٠٠", "9" * 5000],
                         ids=["2001", "none", "arabic-digits", "5000-digits"])
async def test_wechat_refuses_a_stale_or_missing_timestamp(make_client, timestamp):
    from framework.channels.wechat import wechat_signature

    client = await make_client(wechat_token=WECHAT_TOKEN)
    query = {"timestamp": timestamp, "nonce": "n", "signature": wechat_signature(WECHAT_TOKEN, timestamp, "n")}
    resp = await client.post(WX, params=query, data=wechat_xml("old", "你好"))
    assert resp.status == 403
    assert await resp.json() == {"error": "bad_signature", "detail": "missing timestamp, or more than 300s from now"}
    assert (await client.get(WX, params={**query, "echostr": "e"})).status == 403


async def test_slack_refuses_a_huge_timestamp(make_client, telegram_api):
    client = await all_channels(make_client, telegram_api)
    body = json.dumps(slack_event("U1", "hi")).encode()
    huge = "9" * 5000  # int(huge) raises ValueError: more digits than Python converts
    headers = {"X-Slack-Request-Timestamp": huge, "X-Slack-Signature": slack_signature(SLACK_SECRET, huge, body)}
    resp = await client.post(Slack.path, data=body, headers=headers)
    assert resp.status == 403


async def test_a_wechat_message_delivered_three_times_runs_one_turn(make_client):
    client = await make_client(wechat_token=WECHAT_TOKEN)
    body = wechat_xml("dup", "我想办理一张新卡", msg_id=777)
    resps = await asyncio.gather(*(client.post(WX, params=wechat_query(), data=body) for _ in range(3)))
    texts = [await r.text() for r in resps]
    assert [r.status for r in resps] == [200] * 3
    assert texts.count("success") == 2 and sum("请问您的姓名是" in t for t in texts) == 1
    assert await turns(client, "wechat") == 1
    assert 'df_duplicate_deliveries_total{channel="wechat"} 2' in await (await client.get("/metrics")).text()


async def test_a_redelivery_to_another_server_runs_no_second_turn(make_client):
    """Two servers on one Redis (a load balancer spreads WeChat's retries): still one turn."""
    servers = [await make_client(wechat_token=WECHAT_TOKEN) for _ in range(2)]
    body = wechat_xml("dup2", "我想办理一张新卡", msg_id=778)
    resps = await asyncio.gather(*(c.post(WX, params=wechat_query(), data=body) for c in servers * 2))
    assert [r.status for r in resps] == [200] * 4
    assert [await turns(c, "wechat") for c in servers] in ([1, 0], [0, 1])


async def test_a_repeated_telegram_update_runs_one_turn(make_client, telegram_api):
    client = await all_channels(make_client, telegram_api)
    update = telegram_update(99, "我想办理一张新卡")
    for _ in range(2):
        resp = await client.post(TG, json=update, headers=TG_HEADERS)
        assert resp.status == 200
    assert [m["text"] for m in telegram_api[1]] == ["请问您的姓名是？"]
    assert await turns(client, "telegram") == 1


async def test_a_replayed_slack_event_runs_one_turn(make_client, telegram_api):
    client = await all_channels(make_client, telegram_api)
    body = json.dumps(slack_event("U9", "我想办理一张新卡")).encode()
    headers = slack_headers(body)
    first = await client.post(Slack.path, data=body, headers=headers)
    again = await client.post(Slack.path, data=body, headers=headers)  # the same signed request, within 5 min
    assert (first.status, again.status) == (200, 403)  # a replay (framework.channels.replays)
    assert [m["text"] for m in telegram_api[1]] == ["请问您的姓名是？"]
    assert await turns(client, "slack") == 1


async def test_a_failed_turn_releases_its_delivery_so_the_retry_is_served(make_client, telegram_api):
    """The platform retries a delivery we failed; that retry must run, not be dropped."""
    from framework.server import keys

    client = await all_channels(make_client, telegram_api)
    conversations = client.server.app[keys.CONVERSATIONS]
    handle = conversations.handle

    async def broken(*args, **kwargs):
        raise RuntimeError("store write failed")

    conversations.handle = broken
    update = telegram_update(98, "我想办理一张新卡")
    resp = await client.post(TG, json=update, headers=TG_HEADERS)
    assert resp.status == 500 and telegram_api[1] == []
    conversations.handle = handle
    resp = await client.post(TG, json=update, headers=TG_HEADERS)  # Telegram's retry
    assert resp.status == 200 and [m["text"] for m in telegram_api[1]] == ["请问您的姓名是？"]


async def test_deliveries_claim_once_with_a_ttl(redis_server):
    from framework.store.deliveries import Deliveries

    client = redis.Redis.from_url(redis_server.url)
    deliveries = Deliveries(client, "df:t", ttl=60)
    claims = await asyncio.gather(*(deliveries.claim("wechat", "m1") for _ in range(10)))
    assert sorted(claims) == [False] * 9 + [True]
    assert 0 < await client.ttl("df:t:dlv:wechat:m1") <= 60
    assert await deliveries.claim("telegram", "m1")  # ids are per channel
    await deliveries.release("wechat", "m1")
    assert await deliveries.claim("wechat", "m1")


def test_timestamp_window_is_five_minutes_either_way():
    from framework.channels.base import fresh

    now = 1_700_000_000
    assert fresh(str(now - 300), 300, now) and fresh(str(now + 300), 300, now)
    assert not fresh(str(now - 301), 300, now) and not fresh(str(now + 301), 300, now)
    assert not fresh("", 300, now) and not fresh("-1", 300, now) and not fresh("1e9", 300, now)
