"""Slack Events API.

Requests are signed: `X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret,
"v0:<X-Slack-Request-Timestamp>:<raw body>")>`; requests older than 5 minutes are refused,
a request whose timestamp and signature were seen before is a replay, refused with a 403
(framework.channels.replays), and a retry (the same `event_id`, signed anew with
`X-Slack-Retry-Num`) is not run again (see framework.store.deliveries). The first request is a `url_verification` answered with its
challenge. Slack wants an answer within 3 seconds and retries otherwise, so replies go out
through `chat.postMessage` (`api_base` configurable, for tests), and a turn that outlives
the budget is acknowledged at once and its replies posted when it ends.

Rasa's rich responses, as Rasa's Slack channel posts them: buttons as an actions block
under the text, an image as a message with an image block, an attachment object as a
(legacy) attachment and a URL as a link, and custom JSON as the chat.postMessage arguments
themselves (`blocks`, `attachments` ...), in this channel.
"""
from __future__ import annotations

import hashlib
import hmac
from typing import Any

import aiohttp
from aiohttp import web

from framework.channels.base import (MAX_TEXT, ChannelError, Incoming, attachment_url, fresh, json_object,
                                     signatures_match)
from framework.channels.replays import unique

# The parts of an Events API request the channel reads; documented in /openapi.json.
EVENT = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"enum": ["event_callback", "url_verification"]},
        "challenge": {"type": "string"},
        "event_id": {"type": "string", "description": "a redelivered event_id runs no second turn"},
        "event": {"type": "object", "required": ["type", "channel", "user", "text"], "properties": {
            "type": {"enum": ["message"]}, "channel": {"type": "string"}, "user": {"type": "string"},
            "text": {"type": "string", "maxLength": MAX_TEXT}, "subtype": {"type": "string"},
            "bot_id": {"type": "string"}}},
    },
}


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def slack_messages(channel: str, reply: dict[str, Any]) -> list[dict[str, Any]]:
    """The chat.postMessage bodies that say one reply, in Rasa's order."""
    text, buttons, image = reply.get("text") or "", reply.get("buttons") or [], reply.get("image")
    messages: list[dict[str, Any]] = []
    if text or buttons:
        body: dict[str, Any] = {"channel": channel, "text": text}
        if buttons:
            body["blocks"] = [
                {"type": "section", "text": {"type": "mrkdwn", "text": text or " "}},
                {"type": "actions", "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": b["title"]}, "value": b["payload"]}
                    for b in buttons]},
            ]
        messages.append(body)
    if image:
        messages.append({"channel": channel, "text": image,
                         "blocks": [{"type": "image", "image_url": image, "alt_text": text or image}]})
    attachment = reply.get("attachment")
    if isinstance(attachment, dict):
        messages.append({"channel": channel, "text": attachment_url(attachment) or "", "attachments": [attachment]})
    elif isinstance(attachment, str) and attachment:
        messages.append({"channel": channel, "text": attachment})
    custom = reply.get("custom")
    if isinstance(custom, dict):
        messages.append({**custom, "channel": custom.get("channel", channel)})
    return messages


class SlackChannel:
    name = "slack"
    reply_budget = 2.5
    rich = True
    can_push = True  # replies of a late turn are posted when it ends

    def __init__(self, signing_secret: str, bot_token: str, session: aiohttp.ClientSession,
                 api_base: str = "https://slack.com/api", max_age: int = 300) -> None:
        if not signing_secret or not bot_token:
            raise ValueError("the Slack channel needs the app's signing secret and a bot token")
        self.signing_secret, self.bot_token, self.session = signing_secret, bot_token, session
        self.api_base, self.max_age = api_base.rstrip("/"), max_age

    def verify(self, request: web.Request, body: bytes) -> None:
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        if not fresh(timestamp, self.max_age):
            raise ChannelError(403, "bad_signature", "missing or stale X-Slack-Request-Timestamp")
        expected = slack_signature(self.signing_secret, timestamp, body)
        if not signatures_match(expected, request.headers.get("X-Slack-Signature", "")):
            raise ChannelError(403, "bad_signature", "X-Slack-Signature does not match the signing secret")

    def immediate(self, request: web.Request, body: bytes) -> web.Response | None:
        """Answers that need no turn: the URL handshake, and Slack's retries of a request
        we already acknowledged (the first delivery's turn is running or done)."""
        if request.headers.get("X-Slack-Retry-Num"):
            return web.Response(status=200)
        data = json_object(body, "a Slack event")
        if data.get("type") == "url_verification":
            return web.json_response({"challenge": data.get("challenge", "")})
        return None

    def parse(self, request: web.Request, body: bytes) -> Incoming | None:
        data = json_object(body, "a Slack event")
        event = data.get("event") if data.get("type") == "event_callback" else None
        if not isinstance(event, dict) or event.get("type") != "message":
            return None
        if event.get("bot_id") or event.get("subtype") or not isinstance(event.get("text"), str):
            return None  # our own messages, edits, joins ...
        channel, user = event.get("channel"), event.get("user")
        if not isinstance(channel, str) or not channel or not isinstance(user, str) or not user:
            raise ChannelError(400, "invalid_request", "a message event names its channel and user")
        event_id = data.get("event_id")
        # One conversation per user and Slack channel (a DM or a channel the bot is in).
        return Incoming(f"{channel}:{user}", event["text"], {"channel": channel},
                        event_id if isinstance(event_id, str) and event_id else None)

    async def respond(self, incoming: Incoming, replies: list[dict[str, Any]]) -> web.Response:
        for reply in replies:
            await self.post_message(incoming.meta["channel"], reply)
        return web.Response(status=200)

    async def post_message(self, channel: str, reply: dict[str, Any]) -> None:
        headers = {"Authorization": f"Bearer {self.bot_token}"}
        for body in slack_messages(channel, reply):
            async with self.session.post(f"{self.api_base}/chat.postMessage", json=body, headers=headers,
                                         timeout=aiohttp.ClientTimeout(total=10)) as resp:
                data = await resp.json(content_type=None)
                if resp.status >= 400 or not data.get("ok"):
                    raise ChannelError(502, "slack_error", f"chat.postMessage answered {resp.status}: {data}")

    def replay_key(self, request: web.Request, body: bytes) -> str:
        """The signed values that make a request unique (framework.channels.replays): Slack
        signs timestamp and body together, and signs a retry anew."""
        return unique(request.headers.get("X-Slack-Request-Timestamp", ""),
                      request.headers.get("X-Slack-Signature", ""))

    def ignored(self) -> web.Response:
        return web.Response(status=200)

    def late_response(self, incoming: Incoming) -> web.Response:
        return web.Response(status=200)
