"""WeChat Official Account (公众号): plaintext (明文), compatible (兼容) and safe (安全) modes.

- URL verification: GET ?signature&timestamp&nonce&echostr; answer echostr when
  signature == sha1(sorted([token, timestamp, nonce]) joined).
- Messages: POST XML with the same query signature; a *passive* reply is an XML text
  message in the HTTP answer. WeChat waits 5 seconds, then retries (3 times) and finally
  tells the user the service failed; so when a turn would outlive ~4.5 s we answer
  "success" (WeChat shows nothing, does not retry) or a holding text, and the turn still
  finishes and saves its state in the background.
- Replays and retries: a `timestamp` more than `max_age` seconds (5 minutes) from now is
  refused; a request whose timestamp, nonce and signature were seen before is a replay,
  refused with a 403 (framework.channels.replays); a MsgId seen before with a new nonce
  is WeChat's retry of a late answer: "success", and no second turn.
- Safe and compatible modes (`aes_key`, the console's EncodingAESKey, and `app_id`): the
  query also carries encrypt_type=aes and msg_signature, which signs the <Encrypt>
  element (see framework.channels.wechat_crypto); the message is decrypted (its AppID
  checked) and the passive reply encrypted. In compatible mode the body also holds the
  plaintext fields: only the signed, encrypted copy is read. With a key configured, an
  unencrypted POST is refused: its signature does not cover the body.
- Late replies (`api`: with the AppSecret): a turn that outlives the budget answers
  "success" and `push`es its replies through the customer-service message API
  (/cgi-bin/message/custom/send, framework.channels.wechat_api).
- Long replies: a passive reply holds at most 2048 bytes of content (PASSIVE_MAX_BYTES).
  With `api`, a turn whose replies are longer sends them all through the customer-service
  API (in order, split at blank lines or line breaks into texts within the limit) and
  answers "success"; without it, the passive reply is cut to the limit, ends with "…",
  and a WARNING line says so and what to configure. All or nothing: half a reply passive
  and the rest by API could arrive in the wrong order.
- Buttons (with `api`): a passive reply is one text, so replies with buttons go out through
  the same API, the buttons as a menu message (msgmenu); tapping an item sends its title
  back as a text message (with a bizmsgmenuid), which starts the next turn.
- Images (with `api`; framework.channels.media): Rasa's `image` is fetched from its URL,
  uploaded once as temporary media (/cgi-bin/media/upload?type=image, field `media`) and
  its media_id cached in Redis for two days. A turn whose replies are one image answers a
  passive image message (<MsgType>image</MsgType><Image><MediaId>, encrypted in safe mode)
  when the upload is done before WeChat stops waiting, else "success" and the image by
  API (a task in the server's background set: a graceful shutdown waits for it); a turn with text and images sends them all, in order, through the customer-service
  API (msgtype image). An image that cannot be fetched or uploaded is its URL as a text
  line, with one WARNING line; without `api` every image is a URL line. A media id WeChat no
  longer knows (errcode 40007 on a customer-service send) is uploaded again once; a passive
  reply gets no answer that could say so.
- The XML is parsed by defusedxml with DTDs forbidden: no entity expansion, whatever the
  encoding of the document (a byte search for `<!DOCTYPE` misses UTF-16).
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import xml.etree.ElementTree as ET
from typing import Any, Callable

from aiohttp import web
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring

from framework.channels.base import MAX_TEXT, ChannelError, Incoming, fresh, signatures_match
from framework.channels.media import WECHAT_IMAGES, image_parts
from framework.channels.replays import unique
from framework.channels.wechat_api import PlatformApi, PlatformApiError, unknown_media_id
from framework.channels.wechat_crypto import CryptoError, MessageCrypt
from framework.masking import masked_prefix

log = logging.getLogger("framework.channels")
PLAINTEXT = web.RequestKey("df.wechat.plaintext", bytes)  # the decrypted message, kept by verify()
# Bytes (UTF-8) of a text message's Content that WeChat delivers, passive or through the
# customer-service API. Not stated in the official pages; measured and reported by
# developers on WeChat's own community (developers.weixin.qq.com) and others: a longer
# passive reply makes WeChat show "该公众号提供的服务出现故障", a longer customer-service
# text is refused with 45002 "content size out of limit".
PASSIVE_MAX_BYTES = 2048
CUT_MARK = "…"  # ends a passive reply cut to the limit (no AppSecret to send the rest)

# A received message (https://developers.weixin.qq.com/doc/offiaccount/Message_Management/
# Receiving_standard_messages.html), as documented in /openapi.json: <xml><ToUserName>...</xml>.
MESSAGE = {
    "type": "object",
    "xml": {"name": "xml"},
    "required": ["ToUserName", "FromUserName", "MsgType"],
    "properties": {
        "ToUserName": {"type": "string", "minLength": 1}, "FromUserName": {"type": "string", "minLength": 1},
        "CreateTime": {"type": "integer"}, "MsgType": {"enum": ["text", "event", "image"]},
        "Content": {"type": "string", "maxLength": MAX_TEXT},
        "MsgId": {"type": "integer", "description": "a redelivered MsgId runs no second turn"},
        "Encrypt": {"type": "string", "description": "safe and compatible modes: the message, AES-encrypted"},
    },
}


def wechat_signature(token: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def open_signed(crypt: MessageCrypt, query, encrypted: str) -> bytes:
    """The plaintext of an encrypted WeChat or WeCom message whose `msg_signature` (over the
    token, timestamp, nonce and ciphertext) matches; a 403 or 400 otherwise."""
    expected = crypt.signature(query.get("timestamp", ""), query.get("nonce", ""), encrypted)
    if not encrypted or not signatures_match(expected, query.get("msg_signature", "")):
        raise ChannelError(403, "bad_signature", "msg_signature does not match the token and the message")
    try:
        return crypt.decrypt(encrypted)
    except CryptoError as err:
        raise ChannelError(400, "undecryptable", str(err)) from None


def text_reply(to_user: str, from_user: str, content: str, now: int | None = None) -> str:
    return (f"<xml><ToUserName>{_cdata(to_user)}</ToUserName><FromUserName>{_cdata(from_user)}</FromUserName>"
            f"<CreateTime>{now or int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content>{_cdata(content)}</Content></xml>")


def image_reply(to_user: str, from_user: str, media_id: str, now: int | None = None) -> str:
    """A passive image message (被动回复用户消息, 回复图片消息): <Image><MediaId>."""
    return (f"<xml><ToUserName>{_cdata(to_user)}</ToUserName><FromUserName>{_cdata(from_user)}</FromUserName>"
            f"<CreateTime>{now or int(time.time())}</CreateTime><MsgType><![CDATA[image]]></MsgType>"
            f"<Image><MediaId>{_cdata(media_id)}</MediaId></Image></xml>")


class WeChatChannel:
    name = "wechat"

    def __init__(self, token: str, reply_budget: float = 4.5, holding_text: str | None = None,
                 max_age: int = 300, crypt: MessageCrypt | None = None, api: PlatformApi | None = None,
                 background: set[asyncio.Task] | None = None) -> None:
        if not token:
            raise ValueError("the WeChat channel needs the token configured in the Official Account console")
        self.token, self.reply_budget, self.holding_text = token, reply_budget, holding_text
        self.max_age, self.crypt, self.api = max_age, crypt, api
        self.can_push = api is not None  # late replies go out through the customer-service API
        # Images need the API (upload, then an image message): without it they stay URL lines.
        self.images = api.media_ids("wechat", WECHAT_IMAGES) if api is not None else None
        self.rich = self.images is not None
        # Images that missed the passive reply are sent by tasks kept here: the server's own set
        # (framework.server.app), which its graceful shutdown waits for like any late reply.
        self.background: set[asyncio.Task] = background if background is not None else set()

    def verify(self, request: web.Request, body: bytes = b"") -> None:
        q = request.query
        timestamp = q.get("timestamp", "")
        if not fresh(timestamp, self.max_age):
            raise ChannelError(403, "bad_signature", f"missing timestamp, or more than {self.max_age}s from now")
        expected = wechat_signature(self.token, timestamp, q.get("nonce", ""))
        if not signatures_match(expected, q.get("signature", "")):
            raise ChannelError(403, "bad_signature", "WeChat signature does not match the configured token")
        if self.crypt is not None and request.method == "POST":
            request[PLAINTEXT] = self._decrypt(request, body)

    def _decrypt(self, request: web.Request, body: bytes) -> bytes:
        """The signed, decrypted message of a safe- or compatible-mode POST."""
        q = request.query
        if q.get("encrypt_type") != "aes":
            raise ChannelError(403, "bad_signature", "this account is in safe mode (an EncodingAESKey is "
                                                     "configured): an unencrypted message is refused")
        encrypted = _fields(body).get("Encrypt", "")
        if not encrypted:
            raise ChannelError(400, "invalid_request", "an encrypted message has an <Encrypt> element")
        return open_signed(self.crypt, q, encrypted)

    def replay_key(self, request: web.Request, body: bytes) -> str:
        """The signed values that make a POST unique (framework.channels.replays): WeChat's
        retries of a slow answer carry the same MsgId with a new timestamp and nonce."""
        q = request.query
        return unique(q.get("timestamp", ""), q.get("nonce", ""), q.get("signature", ""), q.get("msg_signature", ""))

    def handshake(self, request: web.Request) -> web.Response:
        # Also in safe mode, the Official Account's URL check is the plaintext one.
        self.verify(request)
        return web.Response(text=request.query.get("echostr", ""))

    def parse(self, request: web.Request, body: bytes) -> Incoming | None:
        encrypted = PLAINTEXT in request
        fields = _fields(request[PLAINTEXT] if encrypted else body)
        user, account = fields.get("FromUserName", ""), fields.get("ToUserName", "")
        if not user or not account:
            raise ChannelError(400, "invalid_request", "FromUserName and ToUserName are required")
        if fields.get("MsgType") != "text":
            return None  # events (subscribe, ...), images, voice: nothing to converse about
        msg_id = fields.get("MsgId") or None
        meta = {"account": account, "msg_id": msg_id, "encrypted": encrypted,
                "deadline": time.monotonic() + self.reply_budget}  # of the passive reply
        return Incoming(user, fields.get("Content", ""), meta, msg_id)

    async def respond(self, incoming: Incoming, replies: list[dict[str, Any]]) -> web.Response:
        if self.images is not None:
            replies = image_parts(replies)
            if len(replies) == 1 and replies[0].get("image"):  # one image: it fits the passive reply
                return await self._passive_image(incoming, replies[0]["image"])
        return await passive_answer(self, incoming, replies, "success", "--wechat-app-secret (the AppSecret)",
                                    lambda content: self._reply(incoming, text_reply(
                                        incoming.sender_id, incoming.meta["account"], content)))

    def _reply(self, incoming: Incoming, xml: str) -> web.Response:
        if incoming.meta.get("encrypted") and self.crypt is not None:
            xml = self.crypt.encrypted_reply(xml)
        return web.Response(text=xml, content_type="application/xml")

    async def push(self, incoming: Incoming, replies: list[dict[str, Any]]) -> None:
        """Deliver a late turn's replies with the customer-service API, one message each;
        a failure is one warning naming the user and what the platform said."""
        if self.api is None:
            return

        async def send(piece: dict[str, Any]) -> None:
            await self.api.post("/cgi-bin/message/custom/send", customer_service_message(incoming.sender_id, piece))

        if self.images is not None:  # an image the platform forgot is uploaded again (media.MediaIds.sending)
            replies = await self.images.resolve(image_parts(replies))
            send = self.images.sending(send, unknown_media_id)
        pieces = [piece for reply in replies for piece in message_pieces(reply)]
        for number, piece in enumerate(pieces, 1):
            try:
                await send(piece)
            except PlatformApiError as err:
                log.warning("wechat: late reply %d of %d to %s not delivered: %s",
                            number, len(pieces), incoming.sender_id, err)
                return

    async def _passive_image(self, incoming: Incoming, url: str) -> web.Response:
        """A reply that is one image, as a passive image message when its media id is had
        before WeChat stops waiting (the cache, or an upload in time); otherwise "success"
        now and the image through the customer-service API once uploaded. An image that
        cannot be uploaded is its URL as a passive text (one WARNING line)."""
        upload = asyncio.ensure_future(self.images.media_id(url))
        left = incoming.meta.get("deadline", time.monotonic() + self.reply_budget) - time.monotonic()
        done, _ = await asyncio.wait({upload}, timeout=max(left, 0.0))
        if not done:
            log.info("wechat: image %s not uploaded in time for the passive reply to %s; sending it through "
                     "the customer-service API", url, incoming.sender_id)
            task = asyncio.ensure_future(self._send_uploaded(incoming, url, upload))
            self.background.add(task)
            task.add_done_callback(self.background.discard)
            return web.Response(text="success")
        try:
            media_id = upload.result()
        except Exception as err:  # MediaError, or anything unforeseen: the reply is not lost
            self.images.warn(url, err)
            return self._reply(incoming, text_reply(incoming.sender_id, incoming.meta["account"], url))
        return self._reply(incoming, image_reply(incoming.sender_id, incoming.meta["account"], media_id))

    async def _send_uploaded(self, incoming: Incoming, url: str, upload: asyncio.Future) -> None:
        try:
            await upload
        except Exception:  # push() tries once more, and falls back to the link with a WARNING line
            pass
        await self.push(incoming, [{"image": url}])

    def ignored(self) -> web.Response:
        return web.Response(text="success")

    def late_response(self, incoming: Incoming) -> web.Response:
        if self.holding_text:
            return self._reply(incoming, text_reply(incoming.sender_id, incoming.meta["account"], self.holding_text))
        return web.Response(text="success")


async def passive_answer(channel: Any, incoming: Incoming, replies: list[dict[str, Any]], ack: str, secret: str,
                         passive: Callable[[str], web.Response]) -> web.Response:
    """The answer of a WeChat-family channel (WeChat, WeCom): the texts of the replies
    joined with blank lines as one passive reply (`passive(content)`), unless they have
    buttons or are longer than PASSIVE_MAX_BYTES and the channel has its API: then all go
    through `channel.push`, in order, and the answer is `ack`. Without the API a long
    reply is cut to the limit, with one WARNING line naming the setting (`secret`)."""
    if not replies:
        return web.Response(text=ack)
    content = "\n\n".join(r.get("text", "") for r in replies)
    size = len(content.encode())
    if channel.api is not None and (size > PASSIVE_MAX_BYTES or any(r.get("buttons") or r.get("image")
                                                                     for r in replies)):
        await channel.push(incoming, replies)  # menus/cards/images go through the API only, so all do (in order)
        return web.Response(text=ack)
    if size > PASSIVE_MAX_BYTES:
        content = utf8_pieces(content, PASSIVE_MAX_BYTES - len(CUT_MARK.encode()))[0] + CUT_MARK
        log.warning("%s: the reply to %s has %d bytes; a passive reply holds %d: cut to %d bytes. Configure %s "
                    "to send long replies whole through the %s API", channel.name, incoming.sender_id, size,
                    PASSIVE_MAX_BYTES, len(content.encode()), secret,
                    "customer-service" if channel.name == "wechat" else "message/send")
    return passive(content)


def utf8_pieces(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` UTF-8 bytes, each cut after the last blank line,
    else line break, else character that fits (never inside a character)."""
    pieces = []
    while len(text.encode()) > limit:
        head = text.encode()[:limit].decode("utf-8", "ignore")  # whole characters only
        cut = max(head.rfind("\n\n"), head.rfind("\n"))
        cut = cut + 1 if cut > 0 else max(len(head), 1)
        pieces.append(text[:cut].rstrip("\n"))
        text = text[cut:].lstrip("\n")
    return pieces + [text] if text or not pieces else pieces


def message_pieces(reply: dict[str, Any]) -> list[dict[str, Any]]:
    """A reply as the messages of an API send (WeChat and WeCom): a text longer than the
    limit is several texts; an uploaded image and a reply with buttons are one message each."""
    if reply.get("media_id") or reply.get("buttons"):
        return [reply]
    return [{"text": piece} for piece in utf8_pieces(reply["text"], PASSIVE_MAX_BYTES)]


def customer_service_message(user: str, reply: dict[str, Any]) -> dict[str, Any]:
    """A reply as a customer-service message: an uploaded image (msgtype image,
    image.media_id), text, or a menu (msgmenu) whose items are the buttons' titles (a tap
    sends the title back as the user's text)."""
    if reply.get("media_id"):
        return {"touser": user, "msgtype": "image", "image": {"media_id": reply["media_id"]}}
    if not reply.get("buttons"):
        return {"touser": user, "msgtype": "text", "text": {"content": reply["text"]}}
    items = [{"id": str(101 + i), "content": b["title"]} for i, b in enumerate(reply["buttons"])]
    return {"touser": user, "msgtype": "msgmenu",
            "msgmenu": {"head_content": reply["text"], "list": items, "tail_content": ""}}


def _fields(body: bytes) -> dict[str, str]:
    """The child elements of an <xml> message (parsed with DTDs forbidden)."""
    try:
        root = safe_fromstring(body, forbid_dtd=True)
    except DefusedXmlException:  # a DTD, entity declarations, external references
        raise ChannelError(400, "malformed_xml", "DTDs and entity declarations are not accepted") from None
    except (ET.ParseError, ValueError, LookupError) as err:  # ValueError: a multi-byte encoding (GBK ...)
        raise ChannelError(400, "malformed_xml", masked_prefix(str(err), 200)) from None
    return {child.tag: (child.text or "") for child in root}


def parse_reply(xml_text: str) -> dict[str, str]:
    """Read a passive reply back (for tests and debugging)."""
    return {child.tag: child.text or "" for child in ET.fromstring(xml_text)}


__all__ = ["WeChatChannel", "image_reply", "parse_reply", "text_reply", "wechat_signature"]
