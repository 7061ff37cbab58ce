"""One suite for every channel, through the real server: the platform's documented payload
is accepted with a good signature and refused with a bad one, and the replies come back in
the platform's format. Then each channel's particulars."""
from __future__ import annotations

import asyncio
import json
import time

import pytest

from framework.channels.wechat import wechat_signature
from framework.server import keys
from tests.support.platforms import (CHANNELS, SLACK_SECRET, SLACK_TOKEN, TG_SECRET, WECHAT_TOKEN, Rest, Slack,
                                     Telegram, slack_event, slack_headers, wechat_query, wechat_xml)
from tests.support.platforms import platform_bases
from tests.support.platforms import telegram_api  # noqa: F401 (fixture)
from tests.support.serving import backend_port, classifier, domain, make_client, redis_server  # noqa: F401 (fixtures)


@pytest.fixture(params=CHANNELS, ids=lambda c: type(c).__name__)
async def channel_client(request, make_client, telegram_api):
    channel = request.param
    if hasattr(channel, "bind"):  # its requests name the fake's URL (DingTalk's sessionWebhook)
        channel.bind(telegram_api[0])
    client = await make_client(**platform_bases(telegram_api[0]), **channel.config)
    return channel, client, telegram_api[1]


async def test_signed_message_is_answered(channel_client):
    channel, client, sent = channel_client
    resp = await client.post(channel.path, **channel.request("user-1", "我想办理一张新卡"))
    assert resp.status == 200
    assert await channel.replies(resp, sent) == ["请问您的姓名是？"]


async def test_bad_signature_is_refused(channel_client):
    channel, client, sent = channel_client
    if isinstance(channel, Rest):
        pytest.skip("the REST channel has no signature (it sits behind the customer's gateway)")
    resp = await client.post(channel.path, **channel.request("user-1", "我想办理一张新卡", good=False))
    assert resp.status == 403 and (await resp.json())["error"] == "bad_signature"
    assert not sent


# ----------------------------------------------------------------------------- WeChat

async def test_wechat_url_verification(make_client):
    client = await make_client(wechat_token=WECHAT_TOKEN)
    ok = await client.get("/webhooks/wechat/webhook", params={**wechat_query(), "echostr": "5837397520"})
    assert ok.status == 200 and await ok.text() == "5837397520"
    bad = await client.get("/webhooks/wechat/webhook", params={**wechat_query("x"), "echostr": "5837397520"})
    assert bad.status == 403


def test_wechat_signature_is_sha1_of_sorted_parts():
    import hashlib

    assert wechat_signature("tok", "1409304348", "xxxxxx") == hashlib.sha1(b"1409304348tokxxxxxx").hexdigest()


async def test_wechat_non_text_and_malformed(make_client):
    client = await make_client(wechat_token=WECHAT_TOKEN)
    event = await client.post("/webhooks/wechat/webhook", params=wechat_query(), data=wechat_xml("u", "", "image"))
    assert event.status == 200 and await event.text() == "success"
    bad = await client.post("/webhooks/wechat/webhook", params=wechat_query(), data=b"<xml><oops")
    assert bad.status == 400 and (await bad.json())["error"] == "malformed_xml"
    dtd = await client.post("/webhooks/wechat/webhook", params=wechat_query(),
                            data=b'<!DOCTYPE x [<!ENTITY a "b">]><xml><Content>&a;</Content></xml>')
    assert dtd.status == 400


async def test_wechat_slow_turn_answers_within_budget_and_keeps_state(make_client, redis_server):
    """A turn longer than the budget: WeChat gets "success" at once (no retry), and the turn
    still completes and saves its state."""
    import redis.asyncio as redis

    client = await make_client(wechat_token=WECHAT_TOKEN, wechat_reply_budget=0.0)
    started = time.monotonic()
    resp = await client.post("/webhooks/wechat/webhook", params=wechat_query(), data=wechat_xml("slow", "我想办理一张新卡"))
    assert resp.status == 200 and await resp.text() == "success" and time.monotonic() - started < 1
    store = redis.Redis.from_url(redis_server.url)
    for _ in range(100):
        raw = await store.get("df:shop_zh:{slow}:state")
        if raw:
            break
        await asyncio.sleep(0.02)
    assert json.loads(raw)["stack"][0]["flow"] == "open_account"


# ----------------------------------------------------------------------------- Telegram

async def test_telegram_buttons_become_an_inline_keyboard(make_client, telegram_api):
    base, sent = telegram_api
    client = await make_client(telegram_api_base=base, **Telegram.config)
    for text in ("我想办理一张新卡", "张三", "110101199003077774"):
        resp = await client.post(Telegram.path, **Telegram().request("u", text))
        assert resp.status == 200
    assert sent[-1]["text"] == "Your phone number?"  # the telegram variant of the response
    assert sent[-1]["reply_markup"] == {"inline_keyboard": [[{"text": "skip", "callback_data": "/取消"}]]}
    # Pressing the button: a callback_query whose data is the payload.
    press = {"update_id": 2, "callback_query": {"id": "1", "from": {"id": 4242}, "data": "/取消",
                                                "message": {"message_id": 5, "chat": {"id": 4242, "type": "private"}}}}
    resp = await client.post(Telegram.path, json=press, headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET})
    assert resp.status == 200 and sent[-1]["text"] == "好的，已取消。"


async def test_telegram_update_without_text_is_ignored(make_client, telegram_api):
    client = await make_client(telegram_api_base=telegram_api[0], **Telegram.config)
    update = {"update_id": 3, "message": {"message_id": 1, "chat": {"id": 1, "type": "private"}, "sticker": {}}}
    resp = await client.post(Telegram.path, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET})
    assert resp.status == 200 and telegram_api[1] == []


# ----------------------------------------------------------------------------- Slack

async def test_slack_url_verification_stale_timestamp_and_retries(make_client, telegram_api):
    client = await make_client(slack_api_base=telegram_api[0], **Slack.config)
    body = json.dumps({"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"}).encode()
    resp = await client.post(Slack.path, data=body, headers=slack_headers(body))
    assert (await resp.json())["challenge"].startswith("3eZbrw1aBm2r")
    stale = await client.post(Slack.path, data=body, headers=slack_headers(body, timestamp=int(time.time()) - 600))
    assert stale.status == 403
    event = json.dumps(slack_event("U1", "我想办理一张新卡")).encode()
    retry = await client.post(Slack.path, data=event, headers={**slack_headers(event), "X-Slack-Retry-Num": "1"})
    assert retry.status == 200 and telegram_api[1] == []  # acknowledged, not run twice


async def test_slack_late_turn_replies_are_posted_when_it_ends(make_client, telegram_api):
    client = await make_client(slack_api_base=telegram_api[0], slack_signing_secret=SLACK_SECRET,
                               slack_bot_token=SLACK_TOKEN)
    channel = client.server.app[keys.CHANNELS]["slack"]
    channel.reply_budget = 0.0  # every turn is "late"
    event = json.dumps(slack_event("U2", "我想办理一张新卡")).encode()
    resp = await client.post(Slack.path, data=event, headers=slack_headers(event))
    assert resp.status == 200
    for _ in range(100):
        if telegram_api[1]:
            break
        await asyncio.sleep(0.02)
    assert [m["text"] for m in telegram_api[1]] == ["请问您的姓名是？"]
