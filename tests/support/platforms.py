"""Chat platforms as the tests see them: each platform's documented payloads, signed
(or not) like the platform signs them, and a local aiohttp app standing in for the
platforms' send APIs (Telegram sendMessage, Slack chat.postMessage) that records what is
sent. One class per channel with the same interface (`path`, `config`, `request`,
`replies`), so one suite runs against every channel. Channels whose signature has a
nonce or timestamp also have `retry(sender, text)`: the first delivery of a message and
the platform's retry of it (the same message id, signed anew), and `ignored`: what the
platform gets for a retry (framework.channels.replays).
"""
from __future__ import annotations

import itertools
import json
import time

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from framework.channels.slack import slack_signature
from framework.channels.wechat import parse_reply, wechat_signature
from tests.support import fake_dingtalk, fake_feishu
from tests.support.fake_dingtalk import FakeDingTalk
from tests.support.fake_feishu import FakeFeishu
from tests.support.fake_wechat import OfficialAccount, WeComApp

WECHAT_TOKEN, TG_TOKEN, TG_SECRET = "wx-token", "123:ABC", "tg-secret"
SLACK_SECRET, SLACK_TOKEN = "8f742231b10e8888abcd99yyyzzz85a5", "xoxb-test"
# Platforms number their deliveries; a repeated id is a redelivery (handled once).
UPDATE_IDS, MSG_IDS, EVENT_IDS = itertools.count(10000), itertools.count(23637352235060880), itertools.count(1)
NONCES = itertools.count(1514711492)  # WeChat signs every request (a retry too) with a new nonce


def wechat_xml(sender: str, text: str, msg_type: str = "text", msg_id: int | None = None) -> bytes:
    # https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html
    return (f"<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[{sender}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>"
            f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id or next(MSG_IDS)}</MsgId></xml>").encode()


def wechat_query(token: str = WECHAT_TOKEN, timestamp: int | None = None) -> dict:
    timestamp, nonce = str(timestamp or int(time.time())), str(next(NONCES))
    return {"signature": wechat_signature(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
            "openid": "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"}


def telegram_update(chat_id: int, text: str) -> dict:
    # https://core.telegram.org/bots/api#update
    return {"update_id": next(UPDATE_IDS), "message": {
        "message_id": 1365, "date": int(time.time()), "text": text,
        "from": {"id": chat_id, "is_bot": False, "first_name": "Test"},
        "chat": {"id": chat_id, "type": "private", "first_name": "Test"}}}


def slack_event(user: str, text: str) -> dict:
    # https://api.slack.com/events/message.im
    return {"token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback", "event_id": f"Ev{next(EVENT_IDS)}",
            "event_time": int(time.time()), "event": {"type": "message", "channel": "D024BE91L", "user": user,
                                                       "text": text, "ts": "1355517523.000005", "channel_type": "im"}}


def slack_headers(body: bytes, secret: str = SLACK_SECRET, timestamp: int | None = None) -> dict:
    ts = str(timestamp or int(time.time()))
    return {"Content-Type": "application/json", "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": slack_signature(secret, ts, body)}


def platform_api(sent: list[dict]) -> web.Application:
    """A local stand-in for api.telegram.org (sendMessage) and slack.com/api
    (chat.postMessage), appending what is sent to `sent`."""
    async def send_message(request: web.Request) -> web.Response:
        assert request.match_info["token"] == TG_TOKEN
        sent.append(await request.json())
        return web.json_response({"ok": True, "result": {"message_id": len(sent)}})

    async def bot_api(request: web.Request) -> web.Response:  # sendPhoto, sendDocument ...: recorded with the method
        assert request.match_info["token"] == TG_TOKEN
        sent.append({"method": request.match_info["method"], **await request.json()})
        return web.json_response({"ok": True, "result": {"message_id": len(sent)}})

    async def post_message(request: web.Request) -> web.Response:
        assert request.headers["Authorization"] == f"Bearer {SLACK_TOKEN}"
        sent.append(await request.json())
        return web.json_response({"ok": True, "ts": "1.2"})

    app = web.Application()
    app.router.add_post("/bot{token}/sendMessage", send_message)
    app.router.add_post("/bot{token}/{method}", bot_api)
    app.router.add_post("/chat.postMessage", post_message)
    # DingTalk and Feishu: their fakes' APIs under a prefix each, recording into `sent` too.
    app.add_subapp("/dingtalk", FakeDingTalk(sent).app())
    app.add_subapp("/feishu", FakeFeishu(sent).app())
    return app


@pytest.fixture
async def telegram_api():
    """`platform_api` on a free port: (its base URL, the list of what was sent)."""
    sent: list[dict] = []
    server = TestServer(platform_api(sent))
    await server.start_server()
    yield str(server.make_url("")).rstrip("/"), sent
    await server.close()


class Rest:
    path, config = "/webhooks/rest/webhook", {}

    def request(self, sender, text, good=True):
        return dict(json={"sender": sender, "message": text})

    async def replies(self, resp, sent):
        return [r["text"] for r in await resp.json()]


class WeChat:
    path, config = "/webhooks/wechat/webhook", {"wechat_token": WECHAT_TOKEN}

    ignored = "success"

    def request(self, sender, text, good=True, msg_id=None):
        return dict(params=wechat_query(WECHAT_TOKEN if good else "other"), data=wechat_xml(sender, text, msg_id=msg_id),
                    headers={"Content-Type": "text/xml"})

    def retry(self, sender, text):
        msg_id = next(MSG_IDS)
        return self.request(sender, text, msg_id=msg_id), self.request(sender, text, msg_id=msg_id)

    async def replies(self, resp, sent):
        reply = parse_reply(await resp.text())
        assert reply["ToUserName"] == "user-1" and reply["FromUserName"] == "gh_account" and reply["MsgType"] == "text"
        return reply["Content"].split("\n\n")


class _Encrypted:
    """What the encrypted WeChat-family channels share: the fake platform
    (tests/support/fake_wechat.py) encrypts and signs, and reads the encrypted passive reply."""
    platform: OfficialAccount | WeComApp

    def request(self, sender, text, good=True):
        return self.platform.message(sender, text, token=None if good else "other")

    def retry(self, sender, text):
        msg_id = next(MSG_IDS)
        return self.platform.message(sender, text, msg_id), self.platform.message(sender, text, msg_id)

    async def replies(self, resp, sent):
        reply = self.platform.read_reply(await resp.text())
        assert reply["ToUserName"] == "user-1" and reply["MsgType"] == "text"
        return reply["Content"].split("\n\n")


class WeChatSafe(_Encrypted):
    """An Official Account in safe mode."""
    path, ignored = "/webhooks/wechat/webhook", "success"
    platform = OfficialAccount(mode="safe")
    config = {"wechat_token": platform.token, "wechat_aes_key": platform.aes_key, "wechat_app_id": platform.app_id}


class WeCom(_Encrypted):
    """A WeCom application."""
    path, ignored = "/webhooks/wecom/webhook", ""
    platform = WeComApp()
    config = {"wecom_corp_id": platform.corp_id, "wecom_token": platform.token, "wecom_aes_key": platform.aes_key,
              "wecom_agent_id": platform.agent_id}


class Telegram:
    path, config = "/webhooks/telegram/webhook", {"telegram_bot_token": TG_TOKEN, "telegram_secret": TG_SECRET}

    def request(self, sender, text, good=True):
        return dict(json=telegram_update(4242, text),
                    headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET if good else "nope"})

    async def replies(self, resp, sent):
        assert (await resp.json()) == {"ok": True}
        assert all(m["chat_id"] == 4242 for m in sent)
        texts = [m["text"] for m in sent]
        sent.clear()
        return texts


class Slack:
    path, config = "/webhooks/slack/webhook", {"slack_signing_secret": SLACK_SECRET, "slack_bot_token": SLACK_TOKEN}
    ignored = ""
    retries_answered_early = True  # X-Slack-Retry-Num: 200 before the body is read (framework/channels/slack.py)

    def request(self, sender, text, good=True):
        body = json.dumps(slack_event(sender, text)).encode()
        return dict(data=body, headers=slack_headers(body, SLACK_SECRET if good else "wrong"))

    def retry(self, sender, text):
        # Slack retries the same event (event_id) as a new request: a later timestamp, signed
        # anew, with X-Slack-Retry-Num.
        body = json.dumps(slack_event(sender, text)).encode()
        now = int(time.time())
        return (dict(data=body, headers=slack_headers(body, timestamp=now - 1)),
                dict(data=body, headers={**slack_headers(body, timestamp=now), "X-Slack-Retry-Num": "1",
                                         "X-Slack-Retry-Reason": "http_timeout"}))

    async def replies(self, resp, sent):
        assert resp.status == 200
        assert all(m["channel"] == "D024BE91L" for m in sent)
        texts = [m["text"] for m in sent]
        sent.clear()
        return texts


class DingTalk:
    """A DingTalk robot (tests/support/fake_dingtalk.py signs like DingTalk); the replies
    arrive at the fake's sessionWebhook, which `bind` points at the fake's URL."""
    path, ignored = "/webhooks/dingtalk/webhook", "{}"
    config = {"dingtalk_app_key": fake_dingtalk.APP_KEY, "dingtalk_app_secret": fake_dingtalk.APP_SECRET}
    platform = FakeDingTalk()

    def bind(self, base: str) -> None:
        self.platform.base = base + "/dingtalk"

    def request(self, sender, text, good=True):
        return self.platform.request(text, staff_id=sender, secret=fake_dingtalk.APP_SECRET if good else "wrong")

    def retry(self, sender, text):
        # DingTalk's sign covers the timestamp (ms) only: a redelivery is signed at its own time.
        body = json.dumps(self.platform.message(text, staff_id=sender), ensure_ascii=False).encode()
        now = int(time.time() * 1000)
        return (dict(data=body, headers=fake_dingtalk.signed(timestamp_ms=now)),
                dict(data=body, headers=fake_dingtalk.signed(timestamp_ms=now + 1500)))

    async def replies(self, resp, sent):
        assert resp.status == 200
        assert all(m["via"] == "sessionWebhook" for m in sent)
        texts = [m["text"] for m in sent]
        sent.clear()
        return texts


class Feishu:
    """A Feishu bot with an Encrypt Key and a Verification Token (tests/support/fake_feishu.py
    encrypts and signs like Feishu); the replies go through the fake's reply API."""
    path, ignored = "/webhooks/feishu/webhook", "{}"
    config = {"feishu_app_id": fake_feishu.APP_ID, "feishu_app_secret": fake_feishu.APP_SECRET,
              "feishu_encrypt_key": fake_feishu.ENCRYPT_KEY, "feishu_verification_token": fake_feishu.VERIFICATION_TOKEN}

    def request(self, sender, text, good=True):
        return fake_feishu.request(fake_feishu.message_event(text, open_id=f"ou_{sender}"),
                                   key=fake_feishu.ENCRYPT_KEY if good else "wrong key")

    def retry(self, sender, text):
        event = fake_feishu.message_event(text, open_id=f"ou_{sender}")  # one event_id, two signatures
        return fake_feishu.request(event), fake_feishu.request(event)

    async def replies(self, resp, sent):
        assert resp.status == 200
        assert all(m["via"] == "reply" for m in sent)
        texts = [m["text"] for m in sent]
        sent.clear()
        return texts


def platform_bases(base: str) -> dict[str, str]:
    """Server options pointing every platform's API at `platform_api` served on `base`."""
    return dict(telegram_api_base=base, slack_api_base=base, dingtalk_api_base=base + "/dingtalk",
                dingtalk_webhook_base=base + "/dingtalk", feishu_api_base=base + "/feishu")


CHANNELS = [Rest(), WeChat(), WeChatSafe(), WeCom(), Telegram(), Slack(), DingTalk(), Feishu()]
