"""Telegram Bot API webhooks.

Telegram sends each update as JSON with the header `X-Telegram-Bot-Api-Secret-Token`
(the `secret_token` given to setWebhook); replies go out through `sendMessage` on the
Bot API (`api_base` is configurable, so tests point it at a local fake). Buttons become an
inline keyboard; pressing one sends a callback_query whose data is the payload.

Rasa's rich responses, as Rasa's Telegram channel sends them: an image is a `sendPhoto`
(the text its caption when it fits, 1024 characters, and the buttons under it), an
attachment a `sendDocument` (`sendPhoto` / `sendVideo` for Rasa's image and video
attachments), and custom JSON the Bot API call its keys name (`photo` -> sendPhoto,
`latitude`+`longitude` -> sendLocation ...), sent with the chat id.
"""
from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp import web

from framework.channels.base import MAX_TEXT, ChannelError, Incoming, attachment_url, json_object, signatures_match

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


CAPTION = 1024  # characters of a photo's caption (Bot API)
# Rasa's custom JSON on Telegram: the keys that choose the Bot API method, first match wins
# (as rasa.core.channels.telegram's send_custom_json).
CUSTOM_METHODS = (
    (("text",), "sendMessage"), (("photo",), "sendPhoto"), (("audio",), "sendAudio"),
    (("document",), "sendDocument"), (("sticker",), "sendSticker"), (("video",), "sendVideo"),
    (("video_note",), "sendVideoNote"), (("animation",), "sendAnimation"), (("voice",), "sendVoice"),
    (("media",), "sendMediaGroup"), (("latitude", "longitude", "title", "address"), "sendVenue"),
    (("latitude", "longitude"), "sendLocation"), (("phone_number", "first_name"), "sendContact"),
    (("game_short_name",), "sendGame"),
)
ATTACHMENT_METHODS = {"image": ("sendPhoto", "photo"), "video": ("sendVideo", "video")}


def keyboard(buttons: list[dict[str, Any]]) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": b["title"], "callback_data": b["payload"]}] for b in buttons]}


def bot_api_calls(chat_id: Any, reply: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The Bot API calls (method, body) that say one reply, in Rasa's order."""
    text, buttons, image = reply.get("text") or "", reply.get("buttons") or [], reply.get("image")
    calls: list[tuple[str, dict[str, Any]]] = []
    captioned = bool(image) and len(text) <= CAPTION
    if text and not captioned or buttons and not image:
        body: dict[str, Any] = {"chat_id": chat_id, "text": text or "⁠"}  # a button needs some text
        if buttons:
            body["reply_markup"] = keyboard(buttons)
        calls.append(("sendMessage", body))
    if image:
        photo: dict[str, Any] = {"chat_id": chat_id, "photo": image}
        if captioned and text:
            photo["caption"] = text
        if captioned and buttons:
            photo["reply_markup"] = keyboard(buttons)
        calls.append(("sendPhoto", photo))
    url = attachment_url(reply.get("attachment"))
    if url:
        kind = reply["attachment"].get("type") if isinstance(reply["attachment"], dict) else None
        method, field = ATTACHMENT_METHODS.get(kind, ("sendDocument", "document"))
        calls.append((method, {"chat_id": chat_id, field: url}))
    custom = reply.get("custom")
    if isinstance(custom, dict):
        method = next((m for keys, m in CUSTOM_METHODS if all(custom.get(k) is not None for k in keys)), None)
        if method is not None:
            calls.append((method, {**custom, "chat_id": custom.get("chat_id", chat_id)}))
    return calls


class TelegramChannel:
    name = "telegram"
    reply_budget = None
    rich = True

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
        for method, body in bot_api_calls(chat_id, reply):
            url = f"{self.api_base}/bot{self.bot_token}/{method}"
            async with self.session.post(url, json=body, timeout=aiohttp.ClientTimeout(total=10)) as resp:
                if resp.status >= 400:
                    raise ChannelError(502, "telegram_error", f"{method} answered {resp.status}: {await resp.text()}")

    def ignored(self) -> web.Response:
        return web.json_response({"ok": True})

    def late_response(self, incoming: Incoming) -> web.Response:
        return web.json_response({"ok": True})
