"""Feishu (飞书) / Lark bot of a custom app, event subscription 2.0 sent to this server.

- Encryption: with an Encrypt Key configured, Feishu sends `{"encrypt": base64(iv +
  AES-256-CBC(PKCS#7(json)))}` with key = SHA-256(Encrypt Key) and the IV the first 16
  bytes (the `cryptography` library does the AES). Without one, events come in plain JSON.
- Authenticity: with an Encrypt Key, every event carries `X-Lark-Request-Timestamp`,
  `X-Lark-Request-Nonce` and `X-Lark-Signature` = hex SHA-256(timestamp + nonce +
  Encrypt Key + raw body); a timestamp more than `max_age` seconds from now is refused.
  With a Verification Token, the event's `header.token` must equal it. Both are checked
  when both are configured; the URL verification request (which carries no signature)
  is answered only when it decrypts with the Encrypt Key and/or carries the token.
- Redeliveries: Feishu retries an event it got no timely 200 for, signed anew;
  `header.event_id` is the delivery id (framework.store.deliveries), so a retry runs no
  second turn. A request whose timestamp, nonce and signature were seen before is a
  replay: a 403 (framework.channels.replays).
- Messages: `im.message.receive_v1` with `message_type` text (`content` is a JSON
  string `{"text": ...}`; @mention placeholders such as `@_user_1` are removed).
- Buttons: an interactive card whose buttons carry `{"payload": ...}` as their value;
  pressing one sends the `card.action.trigger` callback (configure the callback URL as
  this same path), which becomes the user's message. Its HTTP answer is `{}` (the card
  stays as it is).
- Replies: Feishu waits 3 s for the HTTP answer, so replies go out through the API: the
  reply-message API for a message, the send-message API (to the chat) for a card action,
  with a tenant_access_token cached in Redis and refreshed once when refused as invalid;
  a send failing for a passing reason is tried again, one that still fails is a WARNING
  line (framework.channels.send_retries).
- Images (framework.channels.media): Rasa's `image` is fetched from its URL, uploaded once
  (POST /open-apis/im/v1/images, image_type=message) and its image_key cached in Redis for
  30 days; it is sent as an image message (msg_type image), or, in a reply with buttons,
  as the card's `img` element between the text and the buttons. One that cannot be
  fetched or uploaded is its URL as a text line, with one WARNING line. An image_key that
  Feishu refuses as invalid (`unknown_image_key`) is uploaded again once.
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import json
from typing import Any, Callable

import aiohttp
from aiohttp import web
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from framework.channels.base import ChannelError, Incoming, decode_json, fresh, json_object, signatures_match
from framework.channels.media import FEISHU_IMAGES, Image, MediaError, MediaIds, image_parts
from framework.channels.platform_tokens import PlatformTokens, expired_token
from framework.channels.replays import unique
from framework.channels.send_retries import Transient, read_json, seconds, send_all

# The decrypted event, kept on the request from verify() to parse() (RequestKey: aiohttp >= 3.12).
EVENT_KEY = web.RequestKey("feishu_event", dict) if hasattr(web, "RequestKey") else "feishu_event"

# The parts of an event the channel reads; documented in /openapi.json.
EVENT = {
    "type": "object",
    "properties": {
        "encrypt": {"type": "string", "description": "the event, encrypted with the Encrypt Key"},
        "type": {"enum": ["url_verification"]}, "challenge": {"type": "string"}, "token": {"type": "string"},
        "schema": {"enum": ["2.0"]},
        "header": {"type": "object", "properties": {
            "event_id": {"type": "string", "description": "a redelivered event_id runs no second turn"},
            "event_type": {"enum": ["im.message.receive_v1", "card.action.trigger"]},
            "token": {"type": "string", "description": "the Verification Token"}}},
        "event": {"type": "object"},
    },
}


def feishu_signature(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    # surrogateescape: a header byte that is not UTF-8 reaches us as a lone surrogate; this
    # gives the byte back (as signed), where a plain encode() would raise (a 500).
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode("utf-8", "surrogateescape") + body).hexdigest()


def decrypt(encrypt_key: str, encrypted: str) -> str:
    """The plaintext of an `encrypt` field; ValueError when it is not one."""
    try:
        raw = base64.b64decode(encrypted, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("`encrypt` is not base64") from None
    if len(raw) < 32 or len(raw) % 16:
        raise ValueError("`encrypt` is not an AES-CBC ciphertext (IV and whole blocks)")
    decryptor = Cipher(algorithms.AES(hashlib.sha256(encrypt_key.encode()).digest()), modes.CBC(raw[:16])).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        plain = unpadder.update(decryptor.update(raw[16:]) + decryptor.finalize()) + unpadder.finalize()
        return plain.decode("utf-8")
    except (ValueError, UnicodeDecodeError):  # bad padding: another key, or not Feishu's
        raise ValueError("`encrypt` does not decrypt with the configured Encrypt Key") from None


def card(reply: dict[str, Any]) -> dict[str, Any]:
    """An interactive card: the text, the uploaded image (an `img` element, when the reply
    has one), then one button per reply button."""
    image = [{"tag": "img", "img_key": reply["media_id"], "alt": {"tag": "plain_text", "content": ""}}] \
        if reply.get("media_id") else []
    text = [{"tag": "div", "text": {"tag": "plain_text", "content": reply["text"]}}] if reply.get("text") else []
    return {"config": {"wide_screen_mode": True}, "elements": text + image + [
        {"tag": "action", "actions": [
            {"tag": "button", "text": {"tag": "plain_text", "content": b["title"]}, "type": "default",
             "value": {"payload": b["payload"]}} for b in reply["buttons"]]},
    ]}


def message_body(reply: dict[str, Any]) -> dict[str, str]:
    """`msg_type` and `content` (a JSON string) of a reply: text, an image (its uploaded
    image_key), or an interactive card (buttons, with the image if there is one)."""
    if reply.get("buttons"):
        return {"msg_type": "interactive", "content": json.dumps(card(reply), ensure_ascii=False)}
    if reply.get("media_id"):
        return {"msg_type": "image", "content": json.dumps({"image_key": reply["media_id"]})}
    return {"msg_type": "text", "content": json.dumps({"text": reply["text"]}, ensure_ascii=False)}


class Refused(ChannelError):
    """A call Feishu refused; `code` and `msg` are from its answer, when it is JSON."""

    def __init__(self, detail: str, data: Any = None) -> None:
        super().__init__(502, "feishu_error", detail)
        self.code = data.get("code") if isinstance(data, dict) else None
        self.msg = str(data.get("msg", "")) if isinstance(data, dict) else ""


def unknown_image_key(err: Exception) -> bool:
    """A send refused for an image_key Feishu does not know (any more): an image message is
    answered 230001 "..., ext=invalid image_key." (how-to-resolve-error-230001), a card with
    an img element 230099 with sub-code 200570 "card contains invalid image keys" (the
    send-message page's 230099 sub-codes)."""
    if not isinstance(err, Refused):
        return False
    return (err.code == 230001 and "invalid image_key" in err.msg) or (err.code == 230099 and "200570" in err.msg)


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


class FeishuChannel:
    name = "feishu"
    reply_budget = 2.5  # Feishu retries an event not answered within 3 s
    can_push = True
    rich = True  # images are uploaded and sent as images (framework.channels.media)

    def __init__(self, app_id: str, app_secret: str, session: aiohttp.ClientSession, tokens: PlatformTokens,
                 verification_token: str | None = None, encrypt_key: str | None = None,
                 api_base: str = "https://open.feishu.cn", max_age: int = 300) -> None:
        if not app_id or not app_secret:
            raise ValueError("the Feishu channel needs the app's App ID and App Secret")
        if not verification_token and not encrypt_key:
            raise ValueError("the Feishu channel needs the Encrypt Key and/or the Verification Token of the app's "
                             "event subscription, to tell Feishu's requests from forged ones")
        self.app_id, self.app_secret, self.session, self.tokens = app_id, app_secret, session, tokens
        self.verification_token, self.encrypt_key = verification_token or None, encrypt_key or None
        self.api_base, self.max_age = api_base.rstrip("/"), max_age
        self.images = MediaIds(self.name, app_id, session, tokens, FEISHU_IMAGES, self.upload)

    # ------------------------------------------------------------------ receiving

    def verify(self, request: web.Request, body: bytes) -> None:
        signed = self.encrypt_key is not None and "X-Lark-Signature" in request.headers
        if signed:  # before reading the body: a forged request costs no decryption
            self._check_signature(request, body)
        event = self._decode(body)
        challenge = event.get("type") == "url_verification"
        if self.encrypt_key is not None and not signed and not challenge:
            raise ChannelError(403, "bad_signature", "missing X-Lark-Signature (an Encrypt Key is configured)")
        if self.verification_token is not None:
            header = event.get("header")
            given = _str(event.get("token") if challenge or not isinstance(header, dict) else header.get("token"))
            if not signatures_match(self.verification_token, given):
                raise ChannelError(403, "bad_signature", "the event's token is not the app's Verification Token")
        request[EVENT_KEY] = event

    def replay_key(self, request: web.Request, body: bytes) -> str | None:
        """The signed values that make a request unique (framework.channels.replays); None
        without an Encrypt Key (the Verification Token is the same on every request, so a
        replay is told from a retry by its event_id only). Feishu's docs name replay
        protection as what the signature is for: a retry is signed anew."""
        if self.encrypt_key is None:
            return None
        h = request.headers
        return unique(h.get("X-Lark-Request-Timestamp", ""), h.get("X-Lark-Request-Nonce", ""),
                      h.get("X-Lark-Signature", ""))

    def _check_signature(self, request: web.Request, body: bytes) -> None:
        timestamp = request.headers.get("X-Lark-Request-Timestamp", "")
        if not fresh(timestamp, self.max_age):
            raise ChannelError(403, "bad_signature",
                               f"missing X-Lark-Request-Timestamp, or more than {self.max_age}s from now")
        expected = feishu_signature(timestamp, request.headers.get("X-Lark-Request-Nonce", ""), self.encrypt_key, body)
        if not signatures_match(expected, request.headers.get("X-Lark-Signature", "")):
            raise ChannelError(403, "bad_signature", "X-Lark-Signature does not match the Encrypt Key")

    def _decode(self, body: bytes) -> dict:
        data = json_object(body, "a Feishu event")
        if "encrypt" not in data:
            if self.encrypt_key is not None:
                raise ChannelError(400, "invalid_request",
                                   "the event is not encrypted, but an Encrypt Key is configured")
            return data
        if self.encrypt_key is None or not isinstance(data["encrypt"], str):
            raise ChannelError(400, "invalid_request", "an encrypted event, but no Encrypt Key is configured")
        try:
            plain = decrypt(self.encrypt_key, data["encrypt"])
        except ValueError as err:
            raise ChannelError(400, "invalid_request", str(err)) from None
        event = decode_json(plain.encode())
        if not isinstance(event, dict):
            raise ChannelError(400, "invalid_request", "a Feishu event is a JSON object")
        return event

    def immediate(self, request: web.Request, body: bytes) -> web.Response | None:
        event = request[EVENT_KEY]
        if event.get("type") == "url_verification":  # the console's check of the request URL
            return web.json_response({"challenge": _str(event.get("challenge"))})
        return None

    def parse(self, request: web.Request, body: bytes) -> Incoming | None:
        event = request[EVENT_KEY]
        header, detail = event.get("header"), event.get("event")
        if event.get("schema") != "2.0" or not isinstance(header, dict) or not isinstance(detail, dict):
            return None  # 1.0 events and anything else: not subscribed to
        event_id = _str(header.get("event_id")) or None
        if header.get("event_type") == "im.message.receive_v1":
            return self._message(detail, event_id)
        if header.get("event_type") == "card.action.trigger":
            return self._card_action(detail, event_id)
        return None

    def _message(self, detail: dict, event_id: str | None) -> Incoming | None:
        message, sender = detail.get("message"), detail.get("sender")
        if not isinstance(message, dict) or not isinstance(sender, dict):
            raise ChannelError(400, "invalid_request", "im.message.receive_v1 has a message and a sender")
        if message.get("message_type") != "text" or sender.get("sender_type") != "user":
            return None  # images, files, posts ...; other apps' messages
        ids = sender.get("sender_id") if isinstance(sender.get("sender_id"), dict) else {}
        open_id, chat_id = _str(ids.get("open_id")), _str(message.get("chat_id"))
        message_id = _str(message.get("message_id"))
        if not (open_id and chat_id and message_id):
            raise ChannelError(400, "invalid_request", "a message names its sender's open_id, chat_id and message_id")
        content = decode_json(_str(message.get("content")).encode() or b"null")
        text = content.get("text") if isinstance(content, dict) else None
        if not isinstance(text, str):
            raise ChannelError(400, "invalid_request", 'a text message\'s content is {"text": "..."}')
        mentions = message.get("mentions") if isinstance(message.get("mentions"), list) else []
        for mention in mentions:  # "@_user_1 我想办理" in a group
            if isinstance(mention, dict) and _str(mention.get("key")):
                text = text.replace(mention["key"], "")
        return Incoming(f"{chat_id}:{open_id}", text.strip(), {"chat_id": chat_id, "message_id": message_id}, event_id)

    def _card_action(self, detail: dict, event_id: str | None) -> Incoming | None:
        operator, action, context = (detail.get(k) if isinstance(detail.get(k), dict) else {}
                                     for k in ("operator", "action", "context"))
        value = action.get("value")
        payload = value.get("payload") if isinstance(value, dict) else value
        if not isinstance(payload, str):
            return None  # a card not made by this channel
        open_id, chat_id = _str(operator.get("open_id")), _str(context.get("open_chat_id"))
        if not (open_id and chat_id):
            raise ChannelError(400, "invalid_request", "a card action names its operator's open_id and open_chat_id")
        return Incoming(f"{chat_id}:{open_id}", payload, {"chat_id": chat_id, "message_id": None}, event_id)

    # ------------------------------------------------------------------ replying

    async def respond(self, incoming: Incoming, replies: list[dict[str, Any]]) -> web.Response:
        parts = await self.images.resolve(image_parts(replies, images_with_buttons=True))
        # An image_key Feishu no longer knows: the image is uploaded again once (media.MediaIds.sending).
        send = self.images.sending(lambda reply: self.send(incoming.meta, reply), unknown_image_key)
        await send_all(self.name, incoming.sender_id, parts, send)
        return web.json_response({})

    async def send(self, meta: dict[str, Any], reply: dict[str, Any]) -> None:
        if meta.get("message_id"):  # POST /im/v1/messages/:message_id/reply
            path, params, body = f"/open-apis/im/v1/messages/{meta['message_id']}/reply", {}, message_body(reply)
        else:  # POST /im/v1/messages?receive_id_type=chat_id
            path, params = "/open-apis/im/v1/messages", {"receive_id_type": "chat_id"}
            body = {"receive_id": meta["chat_id"], **message_body(reply)}
        await self._call(path, params, lambda: {"json": body})

    async def upload(self, image: Image) -> str:
        """POST /open-apis/im/v1/images (上传图片), multipart/form-data with image_type=message
        and the file as `image` -> data.image_key. MediaError when refused."""
        def form() -> dict[str, Any]:  # a FormData is sent once: a new one per attempt
            data = aiohttp.FormData()
            data.add_field("image_type", "message")
            data.add_field("image", image.content, filename=image.filename, content_type=image.content_type)
            return {"data": data}

        try:
            data = await self._call("/open-apis/im/v1/images", {}, form)
        except (ChannelError, aiohttp.ClientError, asyncio.TimeoutError) as err:
            raise MediaError(getattr(err, "detail", "") or f"{type(err).__name__} {err}") from None
        key = data.get("data", {}).get("image_key") if isinstance(data.get("data"), dict) else None
        if not isinstance(key, str) or not key:
            raise MediaError(f"/open-apis/im/v1/images answered no image_key: {data}")
        return key

    async def _call(self, path: str, params: dict[str, str], body: Callable[[], dict[str, Any]]) -> dict:
        """POST with the tenant_access_token, fetched anew once when refused as invalid; the
        answer's JSON. A refusal is a ChannelError, a 5xx `Transient`. `body()`: the request's
        json= or data= (a FormData is sent once, so each try gets a new one)."""
        token = await self.tokens.get(self.name, self.app_id, self.fetch_token)
        status, data = await self._post(path, params, body(), token)
        if expired_token(self.name, status, data):
            token = await self.tokens.refresh(self.name, self.app_id, self.fetch_token, rejected=token)
            status, data = await self._post(path, params, body(), token)
        if status == 200 and isinstance(data, dict) and data.get("code") == 0:
            return data
        if status >= 500:
            raise Transient(f"{path} answered {status}: {data}")
        raise Refused(f"{path} answered {status}: {data}", data)

    async def _post(self, path: str, params: dict[str, str], body: dict[str, Any], token: str) -> tuple[int, Any]:
        async with self.session.post(self.api_base + path, params=params, **body,
                                     headers={"Authorization": f"Bearer {token}"},
                                     timeout=aiohttp.ClientTimeout(total=10)) as resp:
            return resp.status, await read_json(resp)

    async def fetch_token(self) -> tuple[str, int]:
        """POST /open-apis/auth/v3/tenant_access_token/internal -> {tenant_access_token, expire}."""
        async with self.session.post(f"{self.api_base}/open-apis/auth/v3/tenant_access_token/internal",
                                     json={"app_id": self.app_id, "app_secret": self.app_secret},
                                     timeout=aiohttp.ClientTimeout(total=10)) as resp:
            data = await read_json(resp)
        if resp.status != 200 or not isinstance(data, dict) or data.get("code") != 0 \
                or not isinstance(data.get("tenant_access_token"), str):
            raise (Transient if resp.status >= 500 else Refused)(f"tenant_access_token answered {resp.status}: {data}")
        return data["tenant_access_token"], seconds(data.get("expire"))

    def ignored(self) -> web.Response:
        return web.json_response({})

    def late_response(self, incoming: Incoming) -> web.Response:
        return web.json_response({})
