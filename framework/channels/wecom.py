"""WeCom (企业微信) self-built application messages (自建应用, 接收消息).

- URL verification: GET ?msg_signature&timestamp&nonce&echostr, where echostr is
  encrypted and signed; the answer is its decrypted plaintext (nothing else: no quotes,
  no newline). Everything is encrypted here: the scheme of framework.channels.wechat_crypto
  with the CorpID as receiver id.
- Messages: POST <xml><ToUserName/><AgentID/><Encrypt/></xml>, msg_signature over the
  <Encrypt> element. Text messages (MsgId) and template-card button presses
  (Event template_card_event: EventKey is the pressed button's payload) start turns;
  other events are acknowledged. A redelivery runs no second turn: messages are keyed by
  MsgId, events by FromUserName + CreateTime (as the platform recommends).
- Replies: a turn's texts go back as one encrypted passive reply (WeCom waits 5 s, then
  retries), at most 2048 bytes (framework.channels.wechat.passive_answer: longer ones go
  through the API split into pieces, or are cut with a WARNING line without the Secret);
  replies with buttons, and those of a turn that outlived the budget, go out
  through /cgi-bin/message/send with an access token (framework.channels.wechat_api),
  buttons as a `button_interaction` template card.
- Images (with the Secret; framework.channels.media): Rasa's `image` is fetched from its
  URL, uploaded once as temporary media (/cgi-bin/media/upload?type=image, field `media`;
  JPG and PNG, 10 MB) and its media_id cached in Redis for two days; a turn with an image
  sends all its replies through message/send, the image as msgtype image. One that cannot
  be fetched or uploaded is its URL as a text line (one WARNING line); without the Secret
  every image is a URL line. A media id WeCom no longer knows (errcode 40007) is uploaded
  again once.
- Replays: a timestamp more than `max_age` seconds from now is refused, and so is a
  request whose timestamp, nonce and msg_signature were seen before (a 403,
  framework.channels.replays); a retry (same MsgId, new nonce) runs no second turn.
"""
from __future__ import annotations

import logging
import secrets
import time
import xml.etree.ElementTree as ET
from typing import Any

from aiohttp import web
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring

from framework.channels.base import MAX_TEXT, ChannelError, Incoming, fresh
from framework.channels.media import WECOM_IMAGES, image_parts
from framework.channels.replays import unique
from framework.channels.wechat import message_pieces, open_signed, passive_answer, text_reply
from framework.channels.wechat_api import PlatformApi, PlatformApiError, unknown_media_id
from framework.channels.wechat_crypto import MessageCrypt
from framework.masking import masked_prefix

log = logging.getLogger("framework.channels")
PLAINTEXT = web.RequestKey("df.wecom.plaintext", bytes)  # the decrypted message, kept by verify()
CARD_TITLE_MAX = 36  # characters of a template card's main title; longer texts go in sub_title_text

# The decrypted messages the channel reads (https://developer.work.weixin.qq.com/document/path/90239
# and the template card event of /90376), as documented in /openapi.json.
MESSAGE = {
    "type": "object",
    "xml": {"name": "xml"},
    "required": ["ToUserName", "Encrypt"],
    "properties": {
        "ToUserName": {"type": "string", "description": "the CorpID"},
        "AgentID": {"type": "string"},
        "Encrypt": {"type": "string", "description": (
            "AES-256-CBC of <xml> with FromUserName, MsgType (text, or event with Event "
            "template_card_event and EventKey), Content (at most %d characters), MsgId" % MAX_TEXT)},
    },
}


class WeComChannel:
    name = "wecom"

    def __init__(self, crypt: MessageCrypt, agent_id: str, api: PlatformApi | None = None,
                 reply_budget: float = 4.5, max_age: int = 300) -> None:
        if not agent_id:
            raise ValueError("the WeCom channel needs the application's AgentId")
        self.crypt, self.agent_id, self.api = crypt, agent_id, api
        self.reply_budget, self.max_age = reply_budget, max_age
        self.can_push = api is not None
        # Images need the API (upload, then message/send): without it they stay URL lines.
        self.images = api.media_ids("wecom", WECOM_IMAGES) if api is not None else None
        self.rich = self.images is not None

    # ------------------------------------------------------------------ receiving

    def _check(self, request: web.Request, encrypted: str) -> bytes:
        q = request.query
        timestamp = q.get("timestamp", "")
        if not fresh(timestamp, self.max_age):
            raise ChannelError(403, "bad_signature", f"missing timestamp, or more than {self.max_age}s from now")
        return open_signed(self.crypt, q, encrypted)

    def replay_key(self, request: web.Request, body: bytes) -> str:
        """The signed values that make a POST unique (framework.channels.replays); WeCom's
        retries carry the same MsgId signed with a new timestamp and nonce."""
        q = request.query
        return unique(q.get("timestamp", ""), q.get("nonce", ""), q.get("msg_signature", ""))

    def handshake(self, request: web.Request) -> web.Response:
        plain = self._check(request, request.query.get("echostr", ""))
        return web.Response(text=plain.decode("utf-8", "replace"))

    def verify(self, request: web.Request, body: bytes) -> None:
        request[PLAINTEXT] = self._check(request, _fields(body).get("Encrypt", ""))

    def parse(self, request: web.Request, body: bytes) -> Incoming | None:
        fields = _fields(request[PLAINTEXT])
        user = fields.get("FromUserName", "")
        if not user:
            raise ChannelError(400, "invalid_request", "FromUserName is required")
        kind = fields.get("MsgType")
        if kind == "text":
            msg_id = fields.get("MsgId") or None
            return Incoming(user, fields.get("Content", ""), {}, msg_id)
        if kind == "event" and fields.get("Event") == "template_card_event" and fields.get("EventKey"):
            created = fields.get("CreateTime", "")
            return Incoming(user, fields["EventKey"], {}, f"event:{user}:{created}" if created else None)
        return None  # enter_agent, location, images ...: nothing to converse about

    # ------------------------------------------------------------------ replying

    async def respond(self, incoming: Incoming, replies: list[dict[str, Any]]) -> web.Response:
        if self.images is not None:
            replies = image_parts(replies)  # a turn with an image goes all through message/send
        return await passive_answer(self, incoming, replies, "", "--wecom-secret (the application's Secret)",
                                    lambda content: web.Response(text=self.crypt.encrypted_reply(text_reply(
                                        incoming.sender_id, self.crypt.receiver_id, content)),
                                        content_type="application/xml"))

    async def push(self, incoming: Incoming, replies: list[dict[str, Any]]) -> None:
        """Send replies with /cgi-bin/message/send; a failure is one warning line."""
        if self.api is None:
            return

        async def send(piece: dict[str, Any]) -> None:
            await self.api.post("/cgi-bin/message/send", self.message(incoming.sender_id, piece))

        if self.images is not None:  # an image the platform forgot is uploaded again (media.MediaIds.sending)
            replies = await self.images.resolve(image_parts(replies))
            send = self.images.sending(send, unknown_media_id)
        # A text longer than WeCom's 2048 bytes would be cut by WeCom: several messages instead.
        pieces = [piece for reply in replies for piece in message_pieces(reply)]
        for number, piece in enumerate(pieces, 1):
            try:
                await send(piece)
            except PlatformApiError as err:
                log.warning("wecom: reply %d of %d to %s not delivered: %s", number, len(pieces),
                            incoming.sender_id, err)
                return

    def message(self, user: str, reply: dict[str, Any]) -> dict[str, Any]:
        """One reply as a message/send body: an uploaded image (msgtype image), text, or a
        button_interaction template card
        whose buttons' keys are the payloads (a press comes back as template_card_event)."""
        body: dict[str, Any] = {"touser": user, "agentid": _agent_id(self.agent_id)}
        if reply.get("media_id"):
            return {**body, "msgtype": "image", "image": {"media_id": reply["media_id"]}}
        if not reply.get("buttons"):
            return {**body, "msgtype": "text", "text": {"content": reply["text"]}}
        text = reply["text"]
        card: dict[str, Any] = {"card_type": "button_interaction", "task_id": _task_id(),
                                "button_list": [{"text": b["title"], "style": 1, "key": b["payload"]}
                                                for b in reply["buttons"]]}
        if len(text) <= CARD_TITLE_MAX:
            card["main_title"] = {"title": text}
        else:
            card["main_title"], card["sub_title_text"] = {"title": text[:CARD_TITLE_MAX - 1] + "…"}, text
        return {**body, "msgtype": "template_card", "template_card": card}

    def ignored(self) -> web.Response:
        return web.Response(text="")

    def late_response(self, incoming: Incoming) -> web.Response:
        return web.Response(text="")


def _agent_id(agent_id: str) -> int | str:
    return int(agent_id) if agent_id.isdigit() else agent_id


def _task_id() -> str:
    # Unique per application; letters, digits and _-@ only, at most 128 characters.
    return f"df-{int(time.time())}-{secrets.token_hex(8)}"


def _fields(body: bytes) -> dict[str, str]:
    try:
        root = safe_fromstring(body, forbid_dtd=True)
    except DefusedXmlException:
        raise ChannelError(400, "malformed_xml", "DTDs and entity declarations are not accepted") from None
    except (ET.ParseError, ValueError, LookupError) as err:
        raise ChannelError(400, "malformed_xml", masked_prefix(str(err), 200)) from None
    return {child.tag: (child.text or "") for child in root}


__all__ = ["MESSAGE", "WeComChannel"]
