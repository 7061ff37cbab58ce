"""Telegram Bot API webhooks.

Telegram sends each update as JSON with the header `X-Telegram-Bot-Api-Secret-Token`
(the `secret_token` given to setWebhook); replies go out through `sendMessage` on the
Bot API (`api_base` is configurable, so tests point it at a local fake). Buttons become an
inline keyboard; pressing one sends a callback_query whose data is the payload.
"""
from __future__ import annotations

import hmac
from typing import Any

import aiohttp
from aiohttp import web

from framework.channels.base import ChannelError, Incoming, json_object

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramChannel:
    name = "telegram"
    reply_budget = None

    def __init__(self, bot_token: str, secret_token: str, session: aiohttp.ClientSession,
                 api_base: str = "https://api.telegram.org") -> None:
        if not bot_token or not secret_token:
            raise ValueError("the Telegram channel needs a bot token and a webhook secret token")
        self.bot_token, self.secret_token, self.session = bot_token, secret_token, session
        self.api_base = api_base.rstrip("/")

    def verify(self, request: web.Request, body: bytes) -> None:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret_token.encode()):
            raise ChannelError(403, "bad_signature", f"missing or wrong {SECRET_HEADER} header")

    def parse(self, request: web.Request, body: bytes) -> Incoming | None:
        update = json_object(body, "an update")
        message = update.get("message") or update.get("edited_message")
        if isinstance(message, dict) and isinstance(message.get("text"), str) and isinstance(message.get("chat"), dict):
            return Incoming(str(message["chat"]["id"]), message["text"], {"chat_id": message["chat"]["id"]})
        callback = update.get("callback_query")
        if isinstance(callback, dict) and isinstance(callback.get("data"), str):
            chat = (callback.get("message") or {}).get("chat") or callback.get("from") or {}
            if "id" in chat:
                return Incoming(str(chat["id"]), callback["data"], {"chat_id": chat["id"]})
        return None

    async def respond(self, incoming: Incoming, replies: list[dict[str, Any]]) -> web.Response:
        for reply in replies:
            await self.send_message(incoming.meta["chat_id"], reply)
        return web.json_response({"ok": True})

    async def send_message(self, chat_id: Any, reply: dict[str, Any]) -> None:
        body: dict[str, Any] = {"chat_id": chat_id, "text": reply["text"]}
        if reply.get("buttons"):
            body["reply_markup"] = {"inline_keyboard": [[{"text": b["title"], "callback_data": b["payload"]}]
                                                        for b in reply["buttons"]]}
        url = f"{self.api_base}/bot{self.bot_token}/sendMessage"
        async with self.session.post(url, json=body, timeout=aiohttp.ClientTimeout(total=10)) as resp:
            if resp.status >= 400:
                raise ChannelError(502, "telegram_error", f"sendMessage answered {resp.status}: {await resp.text()}")

    def ignored(self) -> web.Response:
        return web.json_response({"ok": True})

    def late_response(self, incoming: Incoming) -> web.Response:
        return web.json_response({"ok": True})
