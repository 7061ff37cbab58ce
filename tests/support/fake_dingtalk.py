"""DingTalk as the tests see it, built from its public documentation (open.dingtalk.com:
接收消息, 机器人回复/发送消息, 获取企业内部应用的accessToken), never from the channel's code.

- `message()` is a received message as documented (msgId, conversationId, senderStaffId,
  sessionWebhook with its expiry in ms, text.content), and `signed()` the headers DingTalk
  adds: `timestamp` in ms and `sign` = base64(HmacSHA256(appSecret, timestamp\\nappSecret)).
- `app()` is the platform's side of the bot's calls: the sessionWebhook
  (`/robot/sendBySession`), `POST /v1.0/oauth2/accessToken`, and the robot send API
  (`/v1.0/robot/oToMessages/batchSend`, `/v1.0/robot/groupMessages/send`), which refuses an
  unknown or expired token with HTTP 401 `InvalidAuthentication`. What is sent is recorded
  in `sent` as {"via", "to", "text", "buttons": [(title, payload)], "body"}.
- A button of an ActionCard is a `dtmd://dingtalkclient/sendMessage?content=...` link: the
  user's client sends its content as a message (`press` gives that text).
- Images: a `markdown` message (sessionWebhook) or `sampleMarkdown` shows `![alt](url)`
  as an image, `sampleImageMsg` {photoURL} is an image alone; the record's "image" is
  that URL (the markdown's image is taken out of its "text").
- Interactive cards (互动卡片): `POST /v1.0/card/callbacks/register` {callbackRouteKey,
  callbackUrl, apiSecret, forceUpdate} is recorded in `routes`; `POST
  /v1.0/im/v1.0/robot/interactiveCards/send` with the built-in `StandardCard` template
  (cardData a JSON string: header, markdown, an `action` block of `request` buttons) is
  recorded in `sent` ("via": "interactiveCard", "buttons": [(title, button id)],
  "card_id") and in `cards`. `press_card(card_id, button_id, user)` is what DingTalk POSTs
  to the card's callbackUrl when a user presses: {outTrackId, corpId, userId, content:
  '{"cardPrivateData": {"actionIds": [...], "params": {}}}'}, signed like the robot's
  messages with the route's apiSecret (`timestamp`, `sign` headers: the documentation
  does not say how card callbacks are signed; this is the channel's assumption too).
- `fail_next(n)`: the next n sends get a gateway's HTML 502 page (an outage);
  `sessions_closed`: the sessionWebhook refuses with a non-zero errcode.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import time
from urllib.parse import parse_qs, urlsplit

from aiohttp import web

from tests.support.fake_platform import FakePlatform

APP_KEY, APP_SECRET = "dingcx4ahq2ctvu8gteo", "test-app-secret-Nj0mW1Yq"
STAFF_ID, CONVERSATION = "manager4321", "cidqO7Ne8fyxsKqzXJ3Fq2j3A=="
_MSG_IDS = itertools.count(1)


def sign(timestamp: str, secret: str = APP_SECRET) -> str:
    digest = hmac.new(secret.encode(), (timestamp + "\n" + secret).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed(secret: str = APP_SECRET, timestamp_ms: int | None = None) -> dict[str, str]:
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    return {"Content-Type": "application/json; charset=utf-8", "timestamp": timestamp, "sign": sign(timestamp, secret)}


_MARKDOWN_IMAGE = re.compile(r"\n*!\[[^\]]*\]\(([^)\s]+)\)")


def markdown_parts(markdown: str) -> tuple[str, str | None]:
    """The text of a markdown message without its image, and the image's URL (as DingTalk's
    client shows it: one picture per `![alt](url)`; here at most one)."""
    found = _MARKDOWN_IMAGE.search(markdown)
    if found is None:
        return markdown, None
    return (markdown[:found.start()] + markdown[found.end():]).strip(), found.group(1)


def press(button_url: str) -> str:
    """What the user's client sends when a button with this actionURL is pressed."""
    parts = urlsplit(button_url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "dtmd://dingtalkclient/sendMessage", button_url
    return parse_qs(parts.query)["content"][0]


async def answers(client, fake: "FakeDingTalk", request: dict, path: str = "/webhooks/dingtalk/webhook") -> list[dict]:
    """POST one request (aiohttp kwargs) to the bot, which must answer 200 `{}`; what it sent
    DingTalk meanwhile, taken out of `fake.sent`."""
    resp = await client.post(path, **request)
    assert resp.status == 200, await resp.text()
    assert await resp.json() == {}
    sent, fake.sent[:] = list(fake.sent), []
    return sent


async def say(client, fake: "FakeDingTalk", text: str, **kw) -> list[dict]:
    """The user says `text` to the bot (`FakeDingTalk.message`'s options); what it sent back."""
    return await answers(client, fake, fake.request(text, **kw))


def robot_settings(fake: "FakeDingTalk", **more) -> dict:
    """The server settings of a DingTalk robot talking to this fake."""
    return dict(dingtalk_app_key=APP_KEY, dingtalk_app_secret=APP_SECRET, dingtalk_api_base=fake.base,
                dingtalk_webhook_base=fake.base, **more)


class FakeDingTalk(FakePlatform):
    sessions_closed = False  # set True: sessionWebhooks refuse with a non-zero errcode
    registration_refused = False  # set True: the card callback registration gets a 403
    cards_refused = False  # set True: interactiveCards/send gets a 403

    def __init__(self, sent: list | None = None) -> None:
        super().__init__(sent)
        self.routes: dict[str, dict] = {}  # callbackRouteKey -> {"callbackUrl", "apiSecret"}
        self.cards: dict[str, dict] = {}  # cardBizId -> the send request's body

    # ----------------------------------------------------------------- to the bot

    def message(self, text: str, staff_id: str = STAFF_ID, conversation: str = CONVERSATION, group: bool = False,
                webhook_ttl_ms: int = 5_400_000, msg_id: str | None = None, msgtype: str = "text") -> dict:
        now = int(time.time() * 1000)
        body = {
            "conversationId": conversation, "chatbotCorpId": "dinge8a565xxxx", "chatbotUserId": "$:LWCP_v1:$Cxxxxx",
            "msgId": msg_id or f"msgYl4D0rF8oZgg+{next(_MSG_IDS)}==", "senderNick": "张三", "isAdmin": False,
            "senderStaffId": staff_id, "sessionWebhookExpiredTime": now + webhook_ttl_ms, "createAt": now,
            "senderCorpId": "dinge8a565xxxx", "conversationType": "2" if group else "1",
            "senderId": f"$:LWCP_v1:$Ff09GI{staff_id}", "robotCode": APP_KEY,
            "sessionWebhook": f"{self.base}/robot/sendBySession?session=s{abs(hash(conversation)) % 10**8}",
            "msgtype": msgtype,
        }
        if group:
            body.update(conversationTitle="机器人测试-TEST", isInAtList=True,
                        atUsers=[{"dingtalkId": "$:LWCP_v1:$Cxxxxx"}])
        if msgtype == "text":
            body["text"] = {"content": (" " if group else "") + text}  # the @mention leaves a space
        else:
            body["content"] = {"downloadCode": "x", "pictureDownloadCode": "y"}
        return body

    def request(self, text: str, secret: str = APP_SECRET, **kw) -> dict:
        """aiohttp client kwargs for one signed message."""
        body = json.dumps(self.message(text, **kw), ensure_ascii=False).encode()
        return dict(data=body, headers=signed(secret))

    def press_card(self, card_id: str, button_id: str, user: str = STAFF_ID) -> dict:
        """aiohttp client kwargs for the callback of `user` pressing `button_id` on a card
        (POST them to the card's callbackUrl)."""
        card = self.cards[card_id]
        [route] = [r for r in self.routes.values() if r["callbackUrl"] == card["callbackUrl"]]
        content = json.dumps({"cardPrivateData": {"actionIds": [button_id], "params": {}}})
        body = {"outTrackId": card_id, "corpId": "dinge8a565xxxx", "userId": user, "content": content}
        return dict(data=json.dumps(body).encode(), headers=signed(route["apiSecret"]))

    # ----------------------------------------------------------------- from the bot

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/robot/sendBySession", self._session_webhook)
        app.router.add_post("/v1.0/oauth2/accessToken", self._access_token)
        app.router.add_post("/v1.0/robot/oToMessages/batchSend", self._send_api)
        app.router.add_post("/v1.0/robot/groupMessages/send", self._send_api)
        app.router.add_post("/v1.0/card/callbacks/register", self._register_callback)
        app.router.add_post("/v1.0/im/v1.0/robot/interactiveCards/send", self._send_card)
        return app

    def _unauthorized(self, request: web.Request) -> web.Response | None:
        if request.headers.get("x-acs-dingtalk-access-token") in self.tokens:
            return None
        return web.json_response({"code": "InvalidAuthentication", "message": "不合法的access_token",
                                  "requestid": "0"}, status=401)

    async def _robot_call(self, request: web.Request) -> tuple[web.Response | None, dict]:
        """(the platform's refusal: an outage or a bad token, None) and the robot call's body."""
        refusal = self.outage() or self._unauthorized(request)
        if refusal is not None:
            return refusal, {}
        body = await request.json()
        assert body["robotCode"] == APP_KEY, body
        return None, body

    async def _register_callback(self, request: web.Request) -> web.Response:
        if refused := self._unauthorized(request):
            return refused
        if self.registration_refused:  # e.g. the app lacks the card permission (code made up)
            return web.json_response({"code": "Forbidden.AccessDenied", "message": "没有调用该接口的权限"}, status=403)
        body = await request.json()
        key, url, secret = body["callbackRouteKey"], body["callbackUrl"], body["apiSecret"]
        assert key and url.startswith(("http://", "https://")) and secret, body
        if key in self.routes and not body.get("forceUpdate"):
            return web.json_response({"code": "param.error", "message": "callbackRouteKey 已存在"}, status=400)
        self.routes[key] = {"callbackUrl": url, "apiSecret": secret}
        return web.json_response({"success": True, "result": {"callbackUrl": url, "apiSecret": secret}})

    async def _send_card(self, request: web.Request) -> web.Response:
        refusal, body = await self._robot_call(request)
        if refusal is not None:
            return refusal
        if self.cards_refused:  # code made up, as above
            return web.json_response({"code": "Forbidden.AccessDenied", "message": "没有调用该接口的权限"}, status=403)
        assert body["cardTemplateId"] == "StandardCard", body
        assert body["cardBizId"] and body["cardBizId"] not in self.cards, body
        assert ("openConversationId" in body) != ("singleChatReceiver" in body), body
        card = json.loads(body["cardData"])  # a JSON string, as documented
        [markdown] = [c for c in card["contents"] if c["type"] == "markdown"]
        [action] = [c for c in card["contents"] if c["type"] == "action"]
        assert card["header"]["title"]["text"], card
        assert all(b["type"] == "button" and b["actionType"] == "request" for b in action["actions"]), action
        text, image = markdown_parts(markdown["text"])
        to = body.get("openConversationId") or json.loads(body["singleChatReceiver"])["userId"]
        self.cards[body["cardBizId"]] = body
        self.sent.append({"via": "interactiveCard", "to": to, "text": text, "image": image, "body": body,
                          "buttons": [(b["label"]["text"], b["id"]) for b in action["actions"]],
                          "card_id": body["cardBizId"]})
        return web.json_response({"processQueryKey": "card-q1"})

    async def _access_token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body != {"appKey": APP_KEY, "appSecret": APP_SECRET}:
            return web.json_response({"code": "invalidClientIdOrSecret", "message": "无效的clientId或者clientSecret"},
                                     status=400)
        return web.json_response({"accessToken": self.issue("tok"), "expireIn": 7200})

    async def _session_webhook(self, request: web.Request) -> web.Response:
        if outage := self.outage():
            return outage
        assert request.query.get("session"), "a sessionWebhook names its session"
        if self.sessions_closed:  # any errcode but 0 is a refusal; this one is made up
            return web.json_response({"errcode": 310000, "errmsg": "session closed (fake)"})
        body = await request.json()
        image = None
        if body["msgtype"] == "text":
            text, buttons = body["text"]["content"], []
        elif body["msgtype"] == "markdown":
            assert body["markdown"]["title"], body
            (text, image), buttons = markdown_parts(body["markdown"]["text"]), []
        else:
            assert body["msgtype"] == "actionCard", body
            card = body["actionCard"]
            assert card["title"] and card["btnOrientation"] in ("0", "1")
            text, image = markdown_parts(card["text"])
            buttons = [(b["title"], press(b["actionURL"])) for b in card["btns"]]
        self.sent.append({"via": "sessionWebhook", "to": request.query["session"], "text": text,
                          "buttons": buttons, "image": image, "body": body})
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _send_api(self, request: web.Request) -> web.Response:
        refusal, body = await self._robot_call(request)
        if refusal is not None:
            return refusal
        param = json.loads(body["msgParam"])  # a JSON string, as documented
        key, image = body["msgKey"], None
        if key == "sampleText":
            text, buttons = param["content"], []
        elif key == "sampleImageMsg":
            text, buttons, image = "", [], param["photoURL"]
        elif key == "sampleMarkdown":
            assert param["title"], param
            (text, image), buttons = markdown_parts(param["text"]), []
        elif key == "sampleActionCard":
            (text, image), buttons = markdown_parts(param["text"]), [(param["singleTitle"], press(param["singleURL"]))]
        else:
            assert key in {f"sampleActionCard{n}" for n in range(2, 6)}, key
            count = int(key[-1])
            text, image = markdown_parts(param["text"])
            buttons = [(param[f"actionTitle{i}"], press(param[f"actionURL{i}"])) for i in range(1, count + 1)]
        if request.path.endswith("batchSend"):
            via, to = "batchSend", body["userIds"]
            assert 1 <= len(to) <= 20
        else:
            via, to = "groupMessages", body["openConversationId"]
        self.sent.append({"via": via, "to": to, "text": text, "buttons": buttons, "image": image, "body": body})
        return web.json_response({"processQueryKey": "q1", "invalidStaffIdList": [], "flowControlledStaffIdList": []})
