"""DingTalk (钉钉) robot of an internal app (企业内部机器人), HTTP callback mode.

- Requests: DingTalk POSTs each message a user sends the robot (a 1:1 chat, or an
  @mention in a group) as JSON, with the headers `timestamp` (Unix milliseconds) and
  `sign` = base64(HmacSHA256(key=appSecret, "<timestamp>\\n<appSecret>")). A timestamp
  more than an hour (`max_age`) from now is refused, as the documentation says.
  The signature covers the timestamp only, not the body: a captured pair could carry
  another body within the hour. Hence a request whose timestamp, sign and msgId were seen
  before is refused as a replay (403, framework.channels.replays), `msgId` is a delivery
  id (a redelivery signed anew runs no second turn, see framework.store.deliveries),
  and a `sessionWebhook` outside
  DingTalk's own host is never called (the body could otherwise make the server POST
  anywhere).
- Replies: through the conversation's `sessionWebhook` (no token, valid until
  `sessionWebhookExpiredTime`); once it has expired (or refuses), through the robot's send API
  (`oToMessages/batchSend` for a 1:1 chat, `groupMessages/send` for a group) with an
  access token cached in Redis (framework.channels.platform_tokens) and refreshed once
  when DingTalk refuses it as invalid (platform_tokens.EXPIRED_TOKEN). A send failing for
  a passing reason (network, 5xx) is tried again; one that still fails is a WARNING line
  (framework.channels.send_retries).
- Buttons: an ActionCard whose buttons are `dtmd://dingtalkclient/sendMessage?content=`
  links: pressing one makes the user's client send the payload as the user's message,
  which reaches this channel as an ordinary text message. With interactive cards
  configured (framework.channels.dingtalk_cards), buttons are a StandardCard whose
  buttons call back instead, sent through the robot API.
- Images (Rasa's `image`, or an attachment of type image) are shown as images: through
  the sessionWebhook a `markdown` message with `![图片](url)` after the text; through the
  send API `sampleImageMsg` {photoURL} for an image alone, `sampleMarkdown` for text and
  image together (one message, so a retried send never repeats half a reply). With
  buttons, the image goes into the ActionCard's text (which is markdown). An attachment
  that is not an image is its URL on a line after the text; custom JSON is left out.
  DingTalk fetches the image URL itself: nothing is uploaded.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp import web

from framework.channels.base import MAX_TEXT, ChannelError, Incoming, attachment_url, json_object, signatures_match
from framework.channels.platform_tokens import PlatformTokens, expired_token
from framework.channels.replays import unique
from framework.channels.send_retries import Transient, read_json, seconds, send_all

log = logging.getLogger("framework.channels")

WEBHOOK_MARGIN_MS = 10_000  # a sessionWebhook this close to its expiry is not used
SEND_MESSAGE_LINK = "dtmd://dingtalkclient/sendMessage?content="

# The parts of a received message the channel reads (open.dingtalk.com "接收消息");
# documented in /openapi.json. Other message types are acknowledged and ignored.
MESSAGE = {
    "type": "object",
    "required": ["msgtype", "msgId", "conversationId", "senderId"],
    "properties": {
        "msgtype": {"type": "string", "description": "only `text` is conversed with"},
        "msgId": {"type": "string", "description": "a redelivered or replayed msgId runs no second turn"},
        "conversationId": {"type": "string"}, "conversationType": {"enum": ["1", "2"]},
        "senderId": {"type": "string"}, "senderStaffId": {"type": "string"},
        "sessionWebhook": {"type": "string"}, "sessionWebhookExpiredTime": {"type": "integer"},
        "text": {"type": "object", "properties": {"content": {"type": "string", "maxLength": MAX_TEXT}}},
    },
}


def dingtalk_signature(app_secret: str, timestamp: str) -> str:
    digest = hmac.new(app_secret.encode(), f"{timestamp}\n{app_secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def check_signed(request: web.Request, secret: str, max_age: int, whose: str) -> None:
    """A 403 `bad_signature` unless the headers `timestamp` (ms, within `max_age` seconds of
    now) and `sign` = Base64(HmacSHA256(secret, "timestamp\\nsecret")) are DingTalk's."""
    timestamp = request.headers.get("timestamp", "")
    if not (0 < len(timestamp) <= 16 and timestamp.isascii() and timestamp.isdigit()) \
            or abs(time.time() * 1000 - int(timestamp)) > max_age * 1000:
        raise ChannelError(403, "bad_signature", f"missing timestamp header, or more than {max_age}s from now")
    if not signatures_match(dingtalk_signature(secret, timestamp), request.headers.get("sign", "")):
        raise ChannelError(403, "bad_signature", f"the sign header does not match {whose}")


def button_link(payload: str) -> str:
    """The link that makes the user's DingTalk send `payload` as a message."""
    return SEND_MESSAGE_LINK + quote(payload, safe="")


def shown(reply: dict[str, Any]) -> dict[str, Any] | None:
    """A turn's reply as this channel shows it, {"text", "buttons", "image"}; None when
    nothing is left to show (a reply with only custom JSON, meant for another platform)."""
    attachment, image = reply.get("attachment"), reply.get("image")
    image = image if isinstance(image, str) and image else None
    lines = [reply["text"]] if reply.get("text") else []
    url = attachment_url(attachment)
    if url and image is None and isinstance(attachment, dict) and attachment.get("type") == "image":
        image = url
    elif url:
        lines.append(url)
    message = {"text": "\n".join(lines), "buttons": reply.get("buttons") or [], "image": image}
    return message if message["text"] or message["buttons"] or image else None


def markdown_image(url: str) -> str:
    """`![图片](url)`, with the characters that would end the link escaped."""
    return "![图片](" + url.replace(" ", "%20").replace("(", "%28").replace(")", "%29") + ")"


def message_markdown(message: dict[str, Any]) -> str:
    """The text, then the image (if any) on its own paragraph."""
    parts = [message["text"]] if message["text"] else []
    return "\n\n".join(parts + ([markdown_image(message["image"])] if message.get("image") else []))


def webhook_message(message: dict[str, Any]) -> dict[str, Any]:
    """A message (`shown`) in the sessionWebhook's format: text, markdown, or an ActionCard."""
    buttons, text = message.get("buttons") or [], message_markdown(message)
    if buttons:
        return {"msgtype": "actionCard", "actionCard": {
            "title": card_title(message["text"]), "text": text, "btnOrientation": "0",
            "btns": [{"title": b["title"], "actionURL": button_link(b["payload"])} for b in buttons]}}
    if message.get("image"):
        return {"msgtype": "markdown", "markdown": {"title": card_title(message["text"] or "图片"), "text": text}}
    return {"msgtype": "text", "text": {"content": message["text"]}}


def api_message(message: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """A message (`shown`) as the send API's (msgKey, msgParam): sampleText, sampleImageMsg
    (an image alone), sampleMarkdown (text and image), sampleActionCard (one button),
    sampleActionCard2..5 (two to five), or sampleMarkdown with the links beyond."""
    buttons, image, text = message.get("buttons") or [], message.get("image"), message_markdown(message)
    title = card_title(message["text"] or "图片")
    if not buttons:
        if image and not message["text"]:
            return "sampleImageMsg", {"photoURL": image}
        return ("sampleMarkdown", {"title": title, "text": text}) if image else ("sampleText", {"content": text})
    if len(buttons) == 1:
        return "sampleActionCard", {"title": title, "text": text, "singleTitle": buttons[0]["title"],
                                    "singleURL": button_link(buttons[0]["payload"])}
    if len(buttons) <= 5:
        param = {"title": title, "text": text}
        for i, b in enumerate(buttons, 1):
            param[f"actionTitle{i}"], param[f"actionURL{i}"] = b["title"], button_link(b["payload"])
        return f"sampleActionCard{len(buttons)}", param
    links = "\n\n".join(f"[{b['title']}]({button_link(b['payload'])})" for b in buttons)
    return "sampleMarkdown", {"title": title, "text": f"{text}\n\n{links}"}


def card_title(text: str) -> str:
    """The card title shown in the conversation list: the text's first line, shortened."""
    first = text.strip().splitlines()[0] if text.strip() else "消息"
    return first if len(first) <= 30 else first[:29] + "…"


def _refused(detail: str) -> ChannelError:
    return ChannelError(502, "dingtalk_error", detail)


class DingTalkChannel:
    name = "dingtalk"
    reply_budget = 2.5  # the HTTP answer carries no reply; a late turn's replies are pushed
    can_push = True
    rich = True  # images are shown as images (`shown`)

    def __init__(self, app_key: str, app_secret: str, session: aiohttp.ClientSession, tokens: PlatformTokens,
                 robot_code: str | None = None, api_base: str = "https://api.dingtalk.com",
                 webhook_base: str = "https://oapi.dingtalk.com", max_age: int = 3600) -> None:
        if not app_key or not app_secret:
            raise ValueError("the DingTalk channel needs the app's AppKey (Client ID) and AppSecret (Client Secret)")
        self.app_key, self.app_secret, self.session, self.tokens = app_key, app_secret, session, tokens
        self.robot_code = robot_code or app_key  # an internal app's robotCode is its AppKey unless set apart
        self.api_base, self.max_age = api_base.rstrip("/"), max_age
        self.webhook_prefix = webhook_base.rstrip("/") + "/robot/sendBySession"
        self.cards = None  # framework.channels.dingtalk_cards.DingTalkCards, when configured

    # ------------------------------------------------------------------ receiving

    def verify(self, request: web.Request, body: bytes) -> None:
        check_signed(request, self.app_secret, self.max_age, "the app's AppSecret")

    def replay_key(self, request: web.Request, body: bytes) -> str:
        """The values that make a request unique (framework.channels.replays): the sign
        covers only the timestamp, so the msgId (or, in a body that is not a message, the
        body's digest) keeps apart two messages signed in the same millisecond."""
        try:
            msg_id = json.loads(body).get("msgId")
        except (ValueError, AttributeError, RecursionError):
            msg_id = None
        if not isinstance(msg_id, str):
            msg_id = "sha256:" + hashlib.sha256(body).hexdigest()
        return unique(request.headers.get("timestamp", ""), request.headers.get("sign", ""), msg_id)

    def parse(self, request: web.Request, body: bytes) -> Incoming | None:
        data = json_object(body, "a DingTalk message")
        fields = {k: data.get(k) for k in ("msgId", "conversationId", "senderId")}
        missing = [k for k, v in fields.items() if not isinstance(v, str) or not v]
        if missing:
            raise ChannelError(400, "invalid_request", f"a DingTalk message has {', '.join(missing)} (strings)")
        text = data.get("text")
        if data.get("msgtype") != "text" or not isinstance(text, dict) or not isinstance(text.get("content"), str):
            return None  # pictures, rich text, audio ...: nothing to converse about
        staff_id = data.get("senderStaffId") if isinstance(data.get("senderStaffId"), str) else ""
        webhook, expires = data.get("sessionWebhook"), data.get("sessionWebhookExpiredTime")
        if not (isinstance(webhook, str) and webhook.startswith(self.webhook_prefix)
                and isinstance(expires, int) and not isinstance(expires, bool)):
            webhook, expires = None, 0  # no usable webhook: the send API answers
        meta = {"conversation_id": fields["conversationId"], "group": data.get("conversationType") == "2",
                "staff_id": staff_id, "webhook": webhook, "webhook_expires": expires}
        # One conversation per user and chat (a 1:1 chat, or a group the robot is in).
        sender = f"{fields['conversationId']}:{staff_id or fields['senderId']}"
        # A group message starts with the @mention, which DingTalk turns into a space.
        return Incoming(sender, text["content"].strip(), meta, fields["msgId"])

    # ------------------------------------------------------------------ replying

    async def respond(self, incoming: Incoming, replies: list[dict[str, Any]]) -> web.Response:
        messages = [m for m in map(shown, replies) if m is not None]
        await send_all(self.name, incoming.sender_id, messages, lambda message: self.deliver(incoming.meta, message))
        return web.json_response({})

    async def deliver(self, meta: dict[str, Any], message: dict[str, Any]) -> None:
        if message["buttons"] and self.cards is not None and await self.cards.send(meta, message):
            return  # an interactive card whose buttons call back
        if meta.get("webhook") and meta["webhook_expires"] > time.time() * 1000 + WEBHOOK_MARGIN_MS:
            async with self.session.post(meta["webhook"], json=webhook_message(message),
                                         timeout=aiohttp.ClientTimeout(total=10)) as resp:
                data = await read_json(resp)
                if resp.status == 200 and isinstance(data, dict) and data.get("errcode") == 0:
                    return
                if resp.status >= 500:
                    raise Transient(f"sessionWebhook answered {resp.status}: {data}")
            # Refused (the session closed early, a rate limit ...): the send API may still reach the user.
            log.info("dingtalk: sessionWebhook answered %s: %s; sending through the robot API", resp.status, data)
        await self.send_by_api(meta, message)

    async def send_by_api(self, meta: dict[str, Any], message: dict[str, Any]) -> None:
        msg_key, param = api_message(message)
        body: dict[str, Any] = {"robotCode": self.robot_code, "msgKey": msg_key,
                                "msgParam": json.dumps(param, ensure_ascii=False)}
        if meta["group"]:
            path, body["openConversationId"] = "/v1.0/robot/groupMessages/send", meta["conversation_id"]
        elif meta["staff_id"]:
            path, body["userIds"] = "/v1.0/robot/oToMessages/batchSend", [meta["staff_id"]]
        else:
            raise _refused("the sessionWebhook expired and the sender has no senderStaffId")
        await self.call_api(path, body)

    async def call_api(self, path: str, body: dict[str, Any]) -> Any:
        """POST to api.dingtalk.com with the cached access token (fetched again once when
        refused as expired); the answer's JSON, or Transient / a 502 ChannelError."""
        token = await self.tokens.get(self.name, self.app_key, self.fetch_token)
        for attempt in range(2):
            status, data = await self._post(path, body, token)
            if status == 200:
                return data
            if not expired_token(self.name, status, data) or attempt:
                raise (Transient if status >= 500 else _refused)(f"{path} answered {status}: {data}")
            token = await self.tokens.refresh(self.name, self.app_key, self.fetch_token, rejected=token)

    async def _post(self, path: str, body: dict[str, Any], token: str) -> tuple[int, Any]:
        async with self.session.post(self.api_base + path, json=body, headers={"x-acs-dingtalk-access-token": token},
                                     timeout=aiohttp.ClientTimeout(total=10)) as resp:
            return resp.status, await read_json(resp)

    async def fetch_token(self) -> tuple[str, int]:
        """POST /v1.0/oauth2/accessToken {appKey, appSecret} -> {accessToken, expireIn}."""
        async with self.session.post(f"{self.api_base}/v1.0/oauth2/accessToken",
                                     json={"appKey": self.app_key, "appSecret": self.app_secret},
                                     timeout=aiohttp.ClientTimeout(total=10)) as resp:
            data = await read_json(resp)
            if resp.status != 200 or not isinstance(data, dict) or not isinstance(data.get("accessToken"), str):
                raise (Transient if resp.status >= 500 else _refused)(f"accessToken answered {resp.status}: {data}")
            return data["accessToken"], seconds(data.get("expireIn"))

    def ignored(self) -> web.Response:
        return web.json_response({})

    def late_response(self, incoming: Incoming) -> web.Response:
        return web.json_response({})
