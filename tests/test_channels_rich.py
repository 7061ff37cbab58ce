"""Rasa's rich responses (buttons, image, attachment, custom JSON) on each channel, through
the real server (aiohttp, real redis-server, fake classifier) and the local fakes of the
platforms' APIs (tests/support/platforms.py): Telegram's sendPhoto / sendDocument and inline
keyboard, Slack's image block and button actions, and the text-only channels (WeChat),
which get the URLs as text. REST and socket.io are in test_rasa_api.py and test_socketio.py;
the chat page in test_webchat_browser.py."""
from __future__ import annotations

import json

import pytest
from aiohttp.test_utils import TestClient, TestServer

from framework.channels.base import plain_replies
from framework.channels.slack import slack_messages
from framework.channels.telegram import bot_api_calls
from framework.channels.wechat import parse_reply
from framework.server.app import init
from tests.support.fake_classifier import FakeClassifier
from tests.support.platforms import (SLACK_SECRET, SLACK_TOKEN, TG_SECRET, TG_TOKEN, WECHAT_TOKEN, platform_bases,
                                     slack_event, slack_headers, telegram_update, wechat_query, wechat_xml)
from tests.support.platforms import telegram_api  # noqa: F401 (fixture)
from tests.support.rich_domain import CARD_IMAGE, STATEMENT, TABLE, rich  # noqa: F401 (fixture)
from tests.support.serving import make_config, redis_server  # noqa: F401 (fixture)

GREETING_BUTTONS = [{"title": "My card", "payload": "/show_card"}, {"title": "My statement", "payload": "/statement"}]


@pytest.fixture
async def client(rich, redis_server, telegram_api):
    import redis.asyncio as redis

    await redis.Redis.from_url(redis_server.url).flushdb()
    config = make_config(rich, FakeClassifier(TABLE, rich[1].intents, threshold=0.5), redis_server.url,
                         telegram_bot_token=TG_TOKEN, telegram_secret=TG_SECRET, slack_signing_secret=SLACK_SECRET,
                         slack_bot_token=SLACK_TOKEN, wechat_token=WECHAT_TOKEN, **platform_bases(telegram_api[0]))
    test_client = TestClient(TestServer(init(config)))
    await test_client.start_server()
    yield test_client, telegram_api[1]
    await test_client.close()


async def telegram(client, text: str, sent: list) -> list[dict]:
    resp = await client.post("/webhooks/telegram/webhook", json=telegram_update(4242, text),
                             headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET})
    assert resp.status == 200, await resp.text()
    calls = [dict(m) for m in sent]
    sent.clear()
    return calls


async def slack(client, text: str, sent: list) -> list[dict]:
    body = json.dumps(slack_event("U1", text)).encode()
    resp = await client.post("/webhooks/slack/webhook", data=body, headers=slack_headers(body))
    assert resp.status == 200, await resp.text()
    calls = [dict(m) for m in sent]
    sent.clear()
    return calls


async def test_telegram_photo_document_and_inline_keyboard(client):
    client, sent = client
    keyboard = {"inline_keyboard": [[{"text": "My card", "callback_data": "/show_card"}],
                                    [{"text": "My statement", "callback_data": "/statement"}]]}
    assert await telegram(client, "hi", sent) == [
        {"chat_id": 4242, "text": "Hello!\n\nWhat would you like to see?", "reply_markup": keyboard}]
    # the custom JSON here is Slack's (blocks): it names no Bot API method, so Telegram skips it
    assert await telegram(client, "/show_card", sent) == [
        {"method": "sendPhoto", "chat_id": 4242, "photo": CARD_IMAGE, "caption": "Here is your card:"}]
    assert await telegram(client, "/statement", sent) == [
        {"chat_id": 4242, "text": "Your statement:"}, {"method": "sendDocument", "chat_id": 4242, "document": STATEMENT}]


async def test_slack_image_block_attachment_custom_blocks_and_buttons(client):
    client, sent = client
    (greeting,) = await slack(client, "hi", sent)
    assert greeting["blocks"][1] == {"type": "actions", "elements": [
        {"type": "button", "text": {"type": "plain_text", "text": "My card"}, "value": "/show_card"},
        {"type": "button", "text": {"type": "plain_text", "text": "My statement"}, "value": "/statement"}]}
    assert await slack(client, "/show_card", sent) == [
        {"channel": "D024BE91L", "text": "Here is your card:"},
        {"channel": "D024BE91L", "text": CARD_IMAGE,
         "blocks": [{"type": "image", "image_url": CARD_IMAGE, "alt_text": "Here is your card:"}]},
        {"channel": "D024BE91L", "blocks": [{"type": "divider"}]}]
    assert await slack(client, "/statement", sent) == [
        {"channel": "D024BE91L", "text": "Your statement:"}, {"channel": "D024BE91L", "text": STATEMENT}]


async def test_text_only_channels_get_the_urls_as_text(client):
    client, _ = client
    resp = await client.post("/webhooks/wechat/webhook", params=wechat_query(), data=wechat_xml("w1", "/show_card"),
                             headers={"Content-Type": "text/xml"})
    assert parse_reply(await resp.text())["Content"] == f"Here is your card:\n{CARD_IMAGE}"


def test_shapes_of_each_platform():
    image_only = {"image": CARD_IMAGE}
    long_text = {"text": "x" * 1100, "image": CARD_IMAGE, "buttons": GREETING_BUTTONS[:1]}
    assert bot_api_calls(1, image_only) == [("sendPhoto", {"chat_id": 1, "photo": CARD_IMAGE})]
    assert [m for m, _ in bot_api_calls(1, long_text)] == ["sendMessage", "sendPhoto"]  # a caption holds 1024
    assert bot_api_calls(1, {"custom": {"latitude": 1.5, "longitude": 2.5}}) == [
        ("sendLocation", {"latitude": 1.5, "longitude": 2.5, "chat_id": 1})]  # Rasa's custom JSON on Telegram
    assert bot_api_calls(1, {"attachment": {"type": "video", "payload": {"src": "https://v/1.mp4"}}}) == [
        ("sendVideo", {"chat_id": 1, "video": "https://v/1.mp4"})]
    assert slack_messages("C1", {"attachment": {"title": "Statement", "title_link": STATEMENT}}) == [
        {"channel": "C1", "text": "", "attachments": [{"title": "Statement", "title_link": STATEMENT}]}]
    assert plain_replies([image_only, {"custom": {"x": 1}}, {"text": "Hi", "buttons": GREETING_BUTTONS}]) == [
        {"text": CARD_IMAGE}, {"text": "Hi", "buttons": GREETING_BUTTONS}]
