"""Header bytes that are not UTF-8 in DingTalk's and Feishu's signature headers (aiohttp
hands them over as lone surrogates) are refused with a 403, never a 500: raw HTTP over a
socket, as a client that is not a well-behaved library would send them."""
from __future__ import annotations

import asyncio
import json

import pytest

from tests.support import fake_dingtalk, fake_feishu
from tests.support.dingtalk_feishu_world import serve_telecom, store_keys
from tests.support.serving import redis_server  # noqa: F401 (fixture)


@pytest.fixture
async def both(redis_server):
    client = await serve_telecom(redis_server.url, dingtalk_app_key=fake_dingtalk.APP_KEY,
                                 dingtalk_app_secret=fake_dingtalk.APP_SECRET, feishu_app_id=fake_feishu.APP_ID,
                                 feishu_app_secret=fake_feishu.APP_SECRET, feishu_encrypt_key=fake_feishu.ENCRYPT_KEY,
                                 feishu_verification_token=fake_feishu.VERIFICATION_TOKEN)
    yield client
    await client.close()


def dingtalk_headers() -> dict[str, str]:
    return {k: v for k, v in fake_dingtalk.signed().items() if k != "Content-Type"}


def feishu_headers(body: bytes) -> dict[str, str]:
    return {k: v for k, v in fake_feishu.signature_headers(body).items() if k != "Content-Type"}


DINGTALK_BODY = json.dumps(fake_dingtalk.FakeDingTalk().message("我想办理业务")).encode()
FEISHU_BODY = fake_feishu.request(fake_feishu.message_event("我想办理业务"))["data"]


@pytest.mark.parametrize("path, body, headers, broken", [
    ("/webhooks/dingtalk/webhook", DINGTALK_BODY, dingtalk_headers, "timestamp"),
    ("/webhooks/dingtalk/webhook", DINGTALK_BODY, dingtalk_headers, "sign"),
    ("/webhooks/feishu/webhook", FEISHU_BODY, lambda: feishu_headers(FEISHU_BODY), "X-Lark-Request-Timestamp"),
    ("/webhooks/feishu/webhook", FEISHU_BODY, lambda: feishu_headers(FEISHU_BODY), "X-Lark-Request-Nonce"),
    ("/webhooks/feishu/webhook", FEISHU_BODY, lambda: feishu_headers(FEISHU_BODY), "X-Lark-Signature"),
], ids=["dingtalk-timestamp", "dingtalk-sign", "feishu-timestamp", "feishu-nonce", "feishu-signature"])
async def test_non_utf8_header_bytes_are_refused_not_crashed(both, redis_server, path, body, headers, broken):
    fields = headers()
    lines = b"".join(k.encode() + b": " + (b"\xff\xfe" if k == broken else v.encode()) + b"\r\n"
                     for k, v in fields.items())
    reader, writer = await asyncio.open_connection("127.0.0.1", both.server.port)
    writer.write(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: t\r\n" + lines +
                 b"Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    head, _, reply = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 403"), head
    assert json.loads(reply)["error"] == "bad_signature"
    assert await store_keys(redis_server.url) == []
