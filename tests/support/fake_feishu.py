"""Feishu as the tests see it, built from its public documentation (open.feishu.cn:
事件订阅 2.0, 接收事件 (加密与签名), im.message.receive_v1, 卡片回传交互, 回复/发送消息,
自建应用获取 tenant_access_token), never from the channel's code.

- Events are v2.0 (`schema`, `header` with event_id and the Verification Token, `event`).
  `request()` encrypts them as Feishu does when an Encrypt Key is set: base64(random IV +
  AES-256-CBC(PKCS#7(json))) with key = SHA-256(Encrypt Key), and signs the raw body:
  X-Lark-Signature = hex SHA-256(timestamp + nonce + Encrypt Key + body).
- `app()` is the platform's side of the bot's calls: `POST
  /open-apis/auth/v3/tenant_access_token/internal`, `POST /open-apis/im/v1/messages/
  {message_id}/reply` and `POST /open-apis/im/v1/messages?receive_id_type=chat_id`; an
  unknown or expired token gets code 99991663. What is sent is recorded in `sent` as
  {"via", "to", "text", "buttons": [(title, value)], "body"}, with "image" (the image_key)
  for an image message or a card's img element. `POST /open-apis/im/v1/images` (上传图片:
  multipart image_type=message and the file as `image`) records `uploads` and answers
  image_key img_v2_<n>; `fail_uploads` refuses them. `forget(image_key)`: Feishu no longer
  knows that key: an image message naming it is answered 230001 "..., ext=invalid image_key."
  (how-to-resolve-error-230001), a card whose img element names it 230099 with sub-code
  200570 "card contains invalid image keys" (the send-message page), both HTTP 400.
- `fail_next(n)`: the next n sends get a gateway's HTML 502 page (an outage).
"""
from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import time

from aiohttp import web
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from tests.support.fake_platform import FakePlatform

APP_ID, APP_SECRET = "cli_a1b2c3d4e5f60718", "test-app-secret-Ux8qp"
ENCRYPT_KEY, VERIFICATION_TOKEN = "kDtJ8mUz3r5bQe0WxY7nV2cL", "v-token-J1Ffq0uYcw"
OPEN_ID, CHAT_ID = "ou_7d8a6e6df7621556ce0d21922b676706", "oc_5ad11d72b830411d72b836c20"
_IDS = itertools.count(1)


def encrypt(plain: str, key: str = ENCRYPT_KEY) -> str:
    padder = padding.PKCS7(128).padder()
    data = padder.update(plain.encode()) + padder.finalize()
    iv = os.urandom(16)
    encryptor = Cipher(algorithms.AES(hashlib.sha256(key.encode()).digest()), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + encryptor.update(data) + encryptor.finalize()).decode()


def signature_headers(body: bytes, key: str = ENCRYPT_KEY, timestamp: int | None = None) -> dict[str, str]:
    ts, nonce = str(timestamp if timestamp is not None else int(time.time())), f"n{next(_IDS)}"
    digest = hashlib.sha256((ts + nonce + key).encode() + body).hexdigest()
    return {"Content-Type": "application/json", "X-Lark-Request-Timestamp": ts, "X-Lark-Request-Nonce": nonce,
            "X-Lark-Signature": digest}


def _header(event_type: str, token: str, event_id: str | None) -> dict:
    return {"event_id": event_id or f"5e3702a84e847582be8db7fb7328{next(_IDS):04d}", "event_type": event_type,
            "create_time": str(int(time.time() * 1000)), "token": token, "app_id": APP_ID, "tenant_key": "2ca1d211f64f6438"}


def message_event(text: str, open_id: str = OPEN_ID, chat_id: str = CHAT_ID, group: bool = False,
                  message_type: str = "text", token: str = VERIFICATION_TOKEN, event_id: str | None = None) -> dict:
    mentions = [{"key": "@_user_1", "id": {"open_id": "ou_bot"}, "name": "客服机器人", "tenant_key": "2ca1d211f64f6438"}]
    content = {"text": ("@_user_1 " if group else "") + text} if message_type == "text" else {"image_key": "img_x"}
    return {"schema": "2.0", "header": _header("im.message.receive_v1", token, event_id), "event": {
        "sender": {"sender_id": {"union_id": "on_8ed6aa67826108097d9ee143816345", "user_id": "e33ggbyz",
                                 "open_id": open_id}, "sender_type": "user", "tenant_key": "2ca1d211f64f6438"},
        "message": {"message_id": f"om_5ce6d572455d361153b7cb5{next(_IDS):04d}", "root_id": "", "parent_id": "",
                    "create_time": str(int(time.time() * 1000)), "chat_id": chat_id,
                    "chat_type": "group" if group else "p2p", "message_type": message_type,
                    "content": json.dumps(content, ensure_ascii=False), **({"mentions": mentions} if group else {})}}}


def card_action_event(value, open_id: str = OPEN_ID, chat_id: str = CHAT_ID, token: str = VERIFICATION_TOKEN) -> dict:
    """The card.action.trigger callback of a button whose `value` is `value`."""
    return {"schema": "2.0", "header": _header("card.action.trigger", token, None), "event": {
        "operator": {"tenant_key": "2ca1d211f64f6438", "user_id": "e33ggbyz", "open_id": open_id,
                     "union_id": "on_8ed6aa67826108097d9ee143816345"},
        "token": "c-295ee57216a5dc9de90fefd0aadb4b1d7d337c7a", "action": {"value": value, "tag": "button"},
        "host": "im_message", "context": {"open_message_id": "om_x100b4b2", "open_chat_id": chat_id}}}


def url_verification(challenge: str = "ajls384kdjx98XX", token: str = VERIFICATION_TOKEN) -> dict:
    return {"challenge": challenge, "token": token, "type": "url_verification"}


def request(event: dict, encrypted: bool = True, key: str = ENCRYPT_KEY, signed: bool = True,
            timestamp: int | None = None) -> dict:
    """aiohttp client kwargs for one event as Feishu pushes it."""
    plain = json.dumps(event, ensure_ascii=False)
    body = json.dumps({"encrypt": encrypt(plain, key)}).encode() if encrypted else plain.encode()
    headers = signature_headers(body, key, timestamp) if signed else {"Content-Type": "application/json"}
    return dict(data=body, headers=headers)


class FakeFeishu(FakePlatform):
    def __init__(self, sent: list | None = None) -> None:
        super().__init__(sent)
        self.uploads: list[dict] = []  # the images uploaded: filename, content_type, content, fields
        self.fail_uploads = False  # uploads answer 234011 (an image format Feishu does not know)
        self.forgotten: set[str] = set()  # image_keys Feishu no longer knows

    def forget(self, image_key: str) -> None:
        self.forgotten.add(image_key)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/open-apis/auth/v3/tenant_access_token/internal", self._token)
        app.router.add_post("/open-apis/im/v1/messages/{message_id}/reply", self._message)
        app.router.add_post("/open-apis/im/v1/messages", self._message)
        app.router.add_post("/open-apis/im/v1/images", self._image)
        return app

    def _authorized(self, request: web.Request) -> bool:
        auth = request.headers.get("Authorization", "")
        return auth.startswith("Bearer ") and auth[7:] in self.tokens

    async def _image(self, request: web.Request) -> web.Response:
        # 上传图片: multipart/form-data with image_type (message) and image (the file).
        if outage := self.outage():
            return outage
        if not self._authorized(request):
            return web.json_response({"code": 99991663, "msg": "Invalid access token for authorization."}, status=400)
        fields = {}
        async for part in await request.multipart():
            fields[part.name] = (part.filename, part.headers.get("Content-Type"), await part.read())
        image = fields.get("image", (None, None, b""))
        if fields.get("image_type", (None, None, b""))[2] != b"message" or not image[0] or not image[2]:
            return web.json_response({"code": 234001, "msg": "Invalid request param."}, status=400)
        if self.fail_uploads:
            return web.json_response({"code": 234011, "msg": "Can't regonnize the image format."}, status=400)
        self.uploads.append({"filename": image[0], "content_type": image[1], "content": image[2],
                             "fields": sorted(fields)})
        return web.json_response({"code": 0, "msg": "success", "data": {"image_key": f"img_v2_{len(self.uploads)}"}})

    async def _token(self, request: web.Request) -> web.Response:
        if await request.json() != {"app_id": APP_ID, "app_secret": APP_SECRET}:
            return web.json_response({"code": 10014, "msg": "app secret invalid"}, status=400)
        return web.json_response({"code": 0, "msg": "ok", "tenant_access_token": self.issue("t-g1044ab"),
                                  "expire": 7200})

    async def _message(self, request: web.Request) -> web.Response:
        if outage := self.outage():
            return outage
        if not self._authorized(request):
            return web.json_response({"code": 99991663, "msg": "Invalid access token for authorization."}, status=400)
        body = await request.json()
        content = json.loads(body["content"])  # a JSON string, as documented
        image = None
        if body["msg_type"] == "text":
            text, buttons = content["text"], []
        elif body["msg_type"] == "image":
            text, buttons, image = "", [], content["image_key"]
        else:
            assert body["msg_type"] == "interactive", body
            text = "".join(e["text"]["content"] for e in content["elements"] if e["tag"] == "div")
            buttons = [(a["text"]["content"], a["value"]) for e in content["elements"] if e["tag"] == "action"
                       for a in e["actions"]]
            image = next((e["img_key"] for e in content["elements"] if e["tag"] == "img"), None)
        if image in self.forgotten:
            return web.json_response({"code": 230001, "msg": "Your request contains an invalid request parameter, "
                                                              "ext=invalid image_key."} if body["msg_type"] == "image"
                                     else {"code": 230099, "msg": "Failed to create card content, ext=ErrCode: 200570; "
                                           f"ErrMsg: card contains invalid image keys; ErrorValue: image key {image}; "},
                                     status=400)
        if "message_id" in request.match_info:
            via, to = "reply", request.match_info["message_id"]
        else:
            assert request.query["receive_id_type"] == "chat_id"
            via, to = "send", body["receive_id"]
        self.sent.append({"via": via, "to": to, "text": text, "buttons": buttons, "body": body}
                         | ({"image": image} if image else {}))
        return web.json_response({"code": 0, "msg": "success", "data": {"message_id": f"om_bot{len(self.sent)}"}})
