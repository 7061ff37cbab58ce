"""Telegram Bot API webhooks.

Telegram sends each update as JSON with the header `X-Telegram-Bot-Api-Secret-Token`
(the `secret_token` given to setWebhook); replies go out through `sendMessage` on the
Bot API (`api_base` is configurable, so tests point it at a local fake). Buttons become an
inline keyboard; pressing one sends a callback_query whose data is the payload.
"""
from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp import web

from framework.channels.base import MAX_TEXT, ChannelError, Incoming, json_object, signatures_match

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

# The parts of an Update (https://core.telegram.org/bots/api#update) the channel reads;
# documented in /openapi.json. Other updates are acknowledged and ignored.
_CHAT = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}
_MESSAGE = {"type": "object", "properties": {
    "message_id": {"type": "integer"}, "text": {"type": "string", "maxLength": MAX_TEXT}, "chat": _CHAT}}
UPDATE = {
    "type": "object",
    "properties": {
        "update_id": {"type": "integer", "description": "a redelivered update_id runs no second turn"},
        "message": _MESSAGE,
        "edited_message": _MESSAGE,
        "callback_query": {"type": "object", "properties": {
            "id": {"type": "string"}, "data": {"type": "string", "description": "the pressed button's payload"},
            "from": {"type": "object", "properties": {"id": {"type": "integer"}}},
            "message": {"type": "object", "properties": {"chat": _CHAT}}}},
    },
}


def _chat_id(chat: Any, where: str) -> int | str:
    """A chat's id (an integer, or "@channelname"); a 400 for any other shape."""
    chat_id = chat.get("id") if isinstance(chat, dict) else None
    if isinstance(chat_id, bool) or not isinstance(chat_id, (int, str)) or chat_id == "":
        raise ChannelError(400, "invalid_request", f"{where} is required (an integer)")
    return chat_id


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
        if not signatures_match(self.secret_token, given):
            raise ChannelError(403, "bad_signature", f"missing or wrong {SECRET_HEADER} header")

    def parse(self, request: web.Request, body: bytes) -> Incoming | None:
        update = json_object(body, "an update")
        delivery = update.get("update_id")
        delivery_id = str(delivery) if isinstance(delivery, int) and not isinstance(delivery, bool) else None
        message = update.get("message") or update.get("edited_message")
        if isinstance(message, dict) and isinstance(message.get("text"), str):
            chat_id = _chat_id(message.get("chat"), "message.chat.id")
            return Incoming(str(chat_id), message["text"], {"chat_id": chat_id}, delivery_id)
        callback = update.get("callback_query")
        if isinstance(callback, dict) and isinstance(callback.get("data"), str):
            # The chat of the message whose button was pressed; else the user who pressed it.
            origin = callback.get("message")
            chat = origin.get("chat") if isinstance(origin, dict) and isinstance(origin.get("chat"), dict) else None
            chat_id = _chat_id(chat if chat is not None else callback.get("from"), "callback_query.message.chat.id")
            return Incoming(str(chat_id), callback["data"], {"chat_id": chat_id}, delivery_id)
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
