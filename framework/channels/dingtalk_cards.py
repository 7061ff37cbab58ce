"""DingTalk interactive cards (互动卡片) whose buttons call back: an opt-in of the DingTalk
robot (framework.channels.dingtalk), on when --dingtalk-card-callback-url and
$DF_DINGTALK_CARD_API_SECRET are set (docs/channels/dingtalk.md). Without them buttons
stay an ActionCard of dtmd:// links.

Documented APIs followed (open.dingtalk.com as mirrored on apifox.com, and the models of
DingTalk's official SDKs; searched 2026-12-02):

- 注册卡片回调地址 `POST /v1.0/card/callbacks/register` (x-acs-dingtalk-access-token)
  {callbackRouteKey, callbackUrl, apiSecret ("加密密钥用于校验来源"), forceUpdate} ->
  {success, result}. Called once per process before its first card, with forceUpdate
  true (a server whose URL moved takes its route key over). If it fails, that reply goes
  out as the ActionCard and the next card tries again; so does a card the send API
  refuses (a missing permission).
- 机器人发送互动卡片 `POST /v1.0/im/v1.0/robot/interactiveCards/send` {cardTemplateId
  "StandardCard", cardBizId, robotCode, cardData (the card's JSON, as a string),
  openConversationId (a group) or singleChatReceiver '{"userId": ...}' (1:1),
  callbackUrl}. Of DingTalk's card APIs this is the one an internal app's robot can use
  without a template designed in the card platform: StandardCard is built in, and the
  whole card (header, markdown, an `action` block of buttons whose actionType is
  `request`) travels in cardData. `/v1.0/card/instances/createAndDeliver` and
  `/v1.0/im/interactiveCards/send` (which take the callbackRouteKey) need the
  cardTemplateId of a template made by hand in the card platform: not used.
- 卡片事件回调, HTTP mode: a press is POSTed to the callback URL as {outTrackId (our
  cardBizId), corpId, userId (the presser's staff id), content: a JSON string
  {"cardPrivateData": {"actionIds": [the button's id], "params": {}}}}; `value` has the
  same shape in some versions and is read when `content` is absent. Answered `{}`.

Where the documentation is silent, and what is assumed (failing closed):
- How a callback is authenticated. The registration takes an apiSecret "to check the
  source", and no page we found says how DingTalk uses it. Assumed: as for the robot's
  messages, headers `timestamp` (ms, within an hour) and `sign` =
  Base64(HmacSHA256(key=apiSecret, "timestamp\\napiSecret")). A callback without them or
  with another sign is a 403 `bad_signature`: should DingTalk sign otherwise, presses are
  refused (the log says so), never taken unchecked.
- Whether the robot API needs the registration besides its callbackUrl: both are done,
  with the same URL.

Beyond the signature, a press must name a card this server sent (its cardBizId, random,
is kept in Redis with the conversation and the buttons' payloads for CARD_TTL; another
is acknowledged and ignored) and one of its buttons; in a 1:1 chat only the card's
recipient may press. The payload becomes that user's message in that conversation, with
the sender id of their text messages (`<conversationId>:<staff id>`), so slots carry
over. A press is a delivery (card, user, button): DingTalk's retry, or the same button
pressed again, runs no second turn (framework.store.deliveries); the same signed request
again is a replay, a 403 (framework.channels.replays). The replies go through the robot
send API (a callback brings no sessionWebhook).

Cards are not updated after a press: the reply follows at once as a new message, an
update would be one more API call per press (`PUT /v1.0/im/robots/interactiveCards`)
that can fail on its own, and a second press of the same button is already harmless.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
from typing import Any, Awaitable, Callable

import aiohttp
from aiohttp import web

from framework.channels.base import ChannelError, Incoming, json_object
from framework.channels.dingtalk import DingTalkChannel, card_title, check_signed, message_markdown
from framework.channels.replays import unique
from framework.channels.send_retries import Transient
from framework.masking import masked_prefix

log = logging.getLogger("framework.channels")

CARD_TTL = 7 * 24 * 3600  # seconds a sent card's buttons can be pressed
REGISTER_PATH = "/v1.0/card/callbacks/register"
SEND_PATH = "/v1.0/im/v1.0/robot/interactiveCards/send"
BUTTON_ID = "button_"  # + the button's index
# The press read by `prepare`, kept on the request for `parse` (RequestKey: aiohttp >= 3.12).
PRESS = web.RequestKey("dingtalk_press", tuple) if hasattr(web, "RequestKey") else "dingtalk_press"


# The parts of a card callback the channel reads; documented in /openapi.json.
CALLBACK = {
    "type": "object",
    "required": ["outTrackId", "userId"],
    "properties": {
        "outTrackId": {"type": "string", "description": "the card (its cardBizId); another is ignored"},
        "userId": {"type": "string", "description": "the presser's staff id; the conversation's user"},
        "corpId": {"type": "string"},
        "content": {"type": "string", "description": 'JSON: {"cardPrivateData": {"actionIds": ["button_<n>"]}}'},
    },
}


def standard_card(message: dict[str, Any]) -> dict[str, Any]:
    """A StandardCard's JSON: the title, the text (markdown, with the image if any), and
    one `request` button per reply button, its id `button_<index>`."""
    actions = [{"type": "button", "label": {"type": "text", "text": b["title"], "id": f"label_{i}"},
                "actionType": "request", "status": "primary" if i == 0 else "normal", "id": f"{BUTTON_ID}{i}"}
               for i, b in enumerate(message["buttons"])]
    return {"config": {"autoLayout": True, "enableForward": False},
            "header": {"title": {"type": "text", "text": card_title(message["text"])}},
            "contents": [{"type": "markdown", "text": message_markdown(message) or " ", "id": "reply_text"},
                         {"type": "action", "actions": actions, "id": "reply_buttons"}]}


def pressed_button(data: dict[str, Any]) -> str:
    """The id of the button a callback reports (content.cardPrivateData.actionIds[0]); a
    400 `invalid_request` when the callback has none."""
    for field in ("content", "value"):
        raw = data.get(field)
        try:
            detail = json.loads(raw) if isinstance(raw, str) else raw
        except (ValueError, RecursionError):
            detail = None
        private = detail.get("cardPrivateData") if isinstance(detail, dict) else None
        actions = private.get("actionIds") if isinstance(private, dict) else None
        if isinstance(actions, list) and actions and isinstance(actions[0], str):
            return actions[0]
    raise ChannelError(400, "invalid_request", "a card callback names its button in content.cardPrivateData.actionIds")


class DingTalkCards:
    """Sends a reply with buttons as a StandardCard, and keeps what its buttons mean."""

    def __init__(self, api: Callable[[str, dict[str, Any]], Awaitable[Any]], redis: Any, prefix: str,
                 robot_code: str, callback_url: str, api_secret: str, route_key: str = "dialogframe") -> None:
        if not callback_url.startswith(("https://", "http://")) or not api_secret:
            raise ValueError("DingTalk cards need the public URL of /webhooks/dingtalk/card and an apiSecret")
        self.api, self.redis, self.prefix, self.robot_code = api, redis, prefix, robot_code
        self.callback_url, self.api_secret, self.route_key = callback_url, api_secret, route_key
        self.registered = False
        self._registering = asyncio.Lock()

    def key(self, card_id: str) -> str:
        return f"{self.prefix}:dtcard:{card_id}"

    async def send(self, meta: dict[str, Any], message: dict[str, Any]) -> bool:
        """Send `message` as a card to the chat of `meta`; False when it cannot be one (a
        1:1 sender without a staff id, or the callback not registered): the caller sends
        the ActionCard instead."""
        if not (meta["group"] or meta["staff_id"]) or not await self.register():
            return False
        card_id = secrets.token_hex(16)
        record = {"conversation_id": meta["conversation_id"], "group": meta["group"],
                  "staff_id": meta["staff_id"], "payloads": [b["payload"] for b in message["buttons"]]}
        await self.redis.set(self.key(card_id), json.dumps(record, ensure_ascii=False).encode(), ex=CARD_TTL)
        body = {"cardTemplateId": "StandardCard", "cardBizId": card_id, "robotCode": self.robot_code,
                "cardData": json.dumps(standard_card(message), ensure_ascii=False), "callbackUrl": self.callback_url}
        if meta["group"]:
            body["openConversationId"] = meta["conversation_id"]
        else:
            body["singleChatReceiver"] = json.dumps({"userId": meta["staff_id"]})
        try:
            await self.api(SEND_PATH, body)
        except Transient:
            raise  # tried again by send_all
        except ChannelError as err:  # refused (a permission missing ...): the buttons still reach the user
            log.warning("dingtalk: %s refused the card (%s); its buttons are sent as an ActionCard", SEND_PATH,
                        err.detail)
            return False
        return True

    async def register(self) -> bool:
        """Register the callback URL under the route key, once per process."""
        async with self._registering:
            if self.registered:
                return True
            body = {"callbackRouteKey": self.route_key, "callbackUrl": self.callback_url,
                    "apiSecret": self.api_secret, "forceUpdate": True}
            try:
                answer = await self.api(REGISTER_PATH, body)
            except (ChannelError, aiohttp.ClientError, asyncio.TimeoutError) as err:
                log.warning("dingtalk: could not register the card callback %s (%s); buttons are sent as an "
                            "ActionCard until it succeeds", self.callback_url, getattr(err, "detail", "") or repr(err))
                return False
            if isinstance(answer, dict) and answer.get("success") is False:
                log.warning("dingtalk: %s refused the card callback %s: %s", REGISTER_PATH, self.callback_url, answer)
                return False
            log.info("dingtalk: card callbacks of route key %s go to %s", self.route_key, self.callback_url)
            self.registered = True
            return True

    async def record(self, card_id: str) -> dict[str, Any] | None:
        raw = await self.redis.get(self.key(card_id))
        return json.loads(raw) if raw else None


class DingTalkCardCallbacks:
    """The button presses of the cards (POST /webhooks/dingtalk/card), as a channel: the
    server's webhook handler verifies, prepares, parses, runs the turn, responds."""

    name = "dingtalk"  # the same conversations, deliveries and replies as the robot's messages
    reply_budget = 2.5
    can_push = True
    rich = True

    def __init__(self, channel: DingTalkChannel, cards: DingTalkCards, max_age: int = 3600) -> None:
        self.channel, self.cards, self.max_age = channel, cards, max_age

    def verify(self, request: web.Request, body: bytes) -> None:
        check_signed(request, self.cards.api_secret, self.max_age, "the card callback's apiSecret")

    async def prepare(self, request: web.Request, body: bytes) -> None:
        data = json_object(body, "a DingTalk card callback")
        card_id, user_id = data.get("outTrackId"), data.get("userId")
        if not (isinstance(card_id, str) and card_id and isinstance(user_id, str) and user_id):
            raise ChannelError(400, "invalid_request", "a DingTalk card callback has outTrackId and userId (strings)")
        button = pressed_button(data)
        record = await self.cards.record(card_id) if len(card_id) <= 64 else None
        request[PRESS] = (card_id, user_id, button, record)

    def parse(self, request: web.Request, body: bytes) -> Incoming | None:
        card_id, user_id, button, record = request[PRESS]
        if record is None:
            log.info("dingtalk: a press on card %s, which this server did not send or has forgotten",
                     masked_prefix(card_id, 64))
            return None
        if not record["group"] and user_id != record["staff_id"]:
            raise ChannelError(403, "not_recipient", "only the user the card was sent to can press its buttons")
        index = button[len(BUTTON_ID):] if button.startswith(BUTTON_ID) else ""
        payloads = record["payloads"]
        if not (index.isascii() and index.isdigit() and int(index) < len(payloads)):
            raise ChannelError(400, "invalid_request", "the callback names no button of the card")
        meta = {"conversation_id": record["conversation_id"], "group": record["group"], "staff_id": user_id,
                "webhook": None, "webhook_expires": 0}
        press = hashlib.sha256(f"{card_id}\n{user_id}\n{index}".encode("utf-8", "surrogatepass")).hexdigest()
        return Incoming(f"{record['conversation_id']}:{user_id}", payloads[int(index)], meta, "card:" + press[:48])

    def replay_key(self, request: web.Request, body: bytes) -> str:
        """The sign covers only the timestamp: the body's digest keeps apart two presses
        signed in the same millisecond."""
        return unique(request.headers.get("timestamp", ""), request.headers.get("sign", ""),
                      "sha256:" + hashlib.sha256(body).hexdigest())

    async def respond(self, incoming: Incoming, replies: list[dict[str, Any]]) -> web.Response:
        return await self.channel.respond(incoming, replies)

    def ignored(self) -> web.Response:
        return web.json_response({})

    def late_response(self, incoming: Incoming) -> web.Response:
        return web.json_response({})
