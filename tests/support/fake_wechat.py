"""Local fakes of the WeChat Official Account platform and of WeCom, built from their
public documentation: what the platform sends to the bot (signed, and encrypted in safe,
compatible and WeCom modes, exactly as documented), how it reads the bot's passive replies
(the msg_signature of an encrypted reply is checked), and an aiohttp app standing in for
their server APIs (access tokens, customer-service and application messages) that records
what the bot sends (and the images it uploads).

    platform = OfficialAccount(token, aes_key, app_id, mode="safe")
    resp = await client.post(path, **platform.message("openid", "你好"))
    platform.read_reply(await resp.text())  # -> {"Content": ..., ...}
"""
from __future__ import annotations

import asyncio
import itertools
import json
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from framework.channels.wechat import wechat_signature
from framework.channels.wechat_crypto import MessageCrypt

WX_TOKEN, WX_AES_KEY, WX_APP_ID, WX_SECRET = "wx-token", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx2c2769f8efd9abc2", "wx-secret"
WECOM_CORP_ID, WECOM_TOKEN, WECOM_AES_KEY = "wx5823bf96d3bd56c7", "QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
WECOM_AGENT_ID, WECOM_SECRET = "1000002", "wecom-secret"
ACCOUNT = "gh_10f6c3c3ac5a"  # the Official Account's own id (ToUserName)
MSG_IDS, NONCES = itertools.count(6054768590064713728), itertools.count(1320562132)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _fields(xml: str | bytes) -> dict[str, str]:
    """The children of <xml>, and their children as "Parent.Child" (<Image><MediaId>)."""
    root = ET.fromstring(xml)
    return {child.tag: child.text or "" for child in root} | {
        f"{child.tag}.{grand.tag}": grand.text or "" for child in root for grand in child}


@dataclass
class OfficialAccount:
    """The platform side of one Official Account in `mode` "plain", "compatible" or "safe"."""

    token: str = WX_TOKEN
    aes_key: str = WX_AES_KEY
    app_id: str = WX_APP_ID
    mode: str = "safe"

    @property
    def crypt(self) -> MessageCrypt:
        return MessageCrypt(self.token, self.aes_key, self.app_id)

    def message_xml(self, sender: str, text: str, msg_id: int | None = None, msg_type: str = "text",
                    menu_id: str | None = None) -> str:
        # https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html;
        # a tapped menu item (客服消息 msgmenu) is a text message with its title and bizmsgmenuid.
        menu = f"<bizmsgmenuid>{menu_id}</bizmsgmenuid>" if menu_id else ""
        return (f"<xml><ToUserName>{_cdata(ACCOUNT)}</ToUserName><FromUserName>{_cdata(sender)}</FromUserName>"
                f"<CreateTime>{int(time.time())}</CreateTime><MsgType>{_cdata(msg_type)}</MsgType>"
                f"<Content>{_cdata(text)}</Content><MsgId>{msg_id or next(MSG_IDS)}</MsgId>{menu}</xml>")

    def request(self, inner: str, timestamp: int | None = None, token: str | None = None,
                crypt: MessageCrypt | None = None) -> dict[str, Any]:
        """The POST as the platform sends it: query (signature, and in the encrypted modes
        encrypt_type=aes and msg_signature) and body (in compatible mode, the plaintext
        fields as well as <Encrypt>)."""
        ts, nonce = str(timestamp or int(time.time())), str(next(NONCES))
        query = {"signature": wechat_signature(token or self.token, ts, nonce), "timestamp": ts, "nonce": nonce,
                 "openid": _fields(inner).get("FromUserName", "")}
        if self.mode == "plain":
            return {"params": query, "data": inner.encode(), "headers": {"Content-Type": "text/xml"}}
        encrypted = (crypt or self.crypt).encrypt(inner)
        query.update(encrypt_type="aes", msg_signature=MessageCrypt(token or self.token, self.aes_key,
                                                                     self.app_id).signature(ts, nonce, encrypted))
        outer = f"<ToUserName>{_cdata(ACCOUNT)}</ToUserName><Encrypt>{_cdata(encrypted)}</Encrypt>"
        if self.mode == "compatible":
            outer = inner[len("<xml>"):-len("</xml>")] + f"<Encrypt>{_cdata(encrypted)}</Encrypt>"
        return {"params": query, "data": f"<xml>{outer}</xml>".encode(), "headers": {"Content-Type": "text/xml"}}

    def message(self, sender: str, text: str, msg_id: int | None = None, **kwargs) -> dict[str, Any]:
        return self.request(self.message_xml(sender, text, msg_id), **kwargs)

    def menu_tap(self, sender: str, menu: dict, title: str) -> dict[str, Any]:
        """The user taps the item `title` of a msgmenu the bot sent."""
        item = next(i for i in menu["msgmenu"]["list"] if i["content"] == title)
        return self.request(self.message_xml(sender, item["content"], menu_id=item["id"]))

    def read_reply(self, body: str) -> dict[str, str]:
        """A passive reply as the platform reads it: an encrypted one must carry a valid
        msg_signature and decrypt for this AppID."""
        if self.mode == "plain" or "<Encrypt>" not in body:
            assert self.mode != "safe", f"a plaintext reply in safe mode: {body[:200]}"
            return _fields(body)
        outer = _fields(body)
        expected = self.crypt.signature(outer["TimeStamp"], outer["Nonce"], outer["Encrypt"])
        assert outer["MsgSignature"] == expected, "the reply's msg_signature does not match"
        return _fields(self.crypt.decrypt(outer["Encrypt"]))


@dataclass
class WeComApp:
    """The platform side of one WeCom self-built application."""

    corp_id: str = WECOM_CORP_ID
    token: str = WECOM_TOKEN
    aes_key: str = WECOM_AES_KEY
    agent_id: str = WECOM_AGENT_ID

    @property
    def crypt(self) -> MessageCrypt:
        return MessageCrypt(self.token, self.aes_key, self.corp_id)

    def _query(self, encrypted: str, timestamp: int | None, token: str | None) -> dict[str, str]:
        ts, nonce = str(timestamp or int(time.time())), str(next(NONCES))
        signer = MessageCrypt(token or self.token, self.aes_key, self.corp_id)
        return {"msg_signature": signer.signature(ts, nonce, encrypted), "timestamp": ts, "nonce": nonce}

    def verification(self, echo: str = "1616140317555161061", **kwargs) -> dict[str, str]:
        """The GET query of the console's URL check (echostr encrypted)."""
        encrypted = self.crypt.encrypt(echo)
        return {**self._query(encrypted, kwargs.get("timestamp"), kwargs.get("token")), "echostr": encrypted}

    def request(self, inner: str, timestamp: int | None = None, token: str | None = None) -> dict[str, Any]:
        encrypted = self.crypt.encrypt(inner)
        body = (f"<xml><ToUserName>{_cdata(self.corp_id)}</ToUserName><AgentID>{_cdata(self.agent_id)}</AgentID>"
                f"<Encrypt>{_cdata(encrypted)}</Encrypt></xml>")
        return {"params": self._query(encrypted, timestamp, token), "data": body.encode(),
                "headers": {"Content-Type": "text/xml"}}

    def message(self, sender: str, text: str, msg_id: int | None = None, **kwargs) -> dict[str, Any]:
        # https://developer.work.weixin.qq.com/document/path/90239 (text message)
        inner = (f"<xml><ToUserName>{_cdata(self.corp_id)}</ToUserName><FromUserName>{_cdata(sender)}</FromUserName>"
                 f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                 f"<Content>{_cdata(text)}</Content><MsgId>{msg_id or next(MSG_IDS)}</MsgId>"
                 f"<AgentID>{self.agent_id}</AgentID></xml>")
        return self.request(inner, **kwargs)

    def card_press(self, sender: str, key: str, task_id: str, created: int | None = None) -> dict[str, Any]:
        # https://developer.work.weixin.qq.com/document/path/90376 (模板卡片事件推送)
        inner = (f"<xml><ToUserName>{_cdata(self.corp_id)}</ToUserName><FromUserName>{_cdata(sender)}</FromUserName>"
                 f"<CreateTime>{created or int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
                 f"<Event><![CDATA[template_card_event]]></Event><EventKey>{_cdata(key)}</EventKey>"
                 f"<TaskId>{_cdata(task_id)}</TaskId><CardType><![CDATA[button_interaction]]></CardType>"
                 f"<ResponseCode><![CDATA[code]]></ResponseCode><AgentID>{self.agent_id}</AgentID></xml>")
        return self.request(inner)

    def read_reply(self, body: str) -> dict[str, str]:
        outer = _fields(body)
        expected = self.crypt.signature(outer["TimeStamp"], outer["Nonce"], outer["Encrypt"])
        assert outer["MsgSignature"] == expected, "the reply's msg_signature does not match"
        return _fields(self.crypt.decrypt(outer["Encrypt"]))


@dataclass
class PlatformApi:
    """What the fake server APIs saw and how they behave: `sent` holds the bodies of
    accepted messages; `token_fetches` counts token requests; `expire_next` makes the
    next send or upload answer 42001 (token expired); `fail_sends` makes sends answer 45015;
    `busy` sends are answered errcode -1 (system busy) first, then one HTTP 502.
    `uploads` holds the temporary media uploaded (/cgi-bin/media/upload: type=image, the
    file in the multipart field `media` with a filename, as both platforms document it),
    each given the media id MEDIA_<n>; `fail_uploads` answers 40004 "invalid media type";
    `upload_delay` seconds pass before an upload is answered (one slower than the passive
    reply). `forget(media_id)`: the platform no longer knows that media id (it expired early):
    a message naming it is answered 40007 "invalid media_id", as both platforms document it."""

    sent: list[dict] = field(default_factory=list)
    token_fetches: int = 0
    expire_next: bool = False
    fail_sends: bool = False
    busy: int = 0
    tokens: set[str] = field(default_factory=set)
    raw: list[bytes] = field(default_factory=list)
    uploads: list[dict] = field(default_factory=list)
    fail_uploads: bool = False
    upload_delay: float = 0.0
    forgotten: set[str] = field(default_factory=set)

    def app(self) -> web.Application:
        async def token(request: web.Request) -> web.Response:
            # https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Get_access_token.html
            q = request.query
            if q.get("grant_type") != "client_credential" or q.get("appid") != WX_APP_ID or q.get("secret") != WX_SECRET:
                return web.json_response({"errcode": 40013, "errmsg": "invalid appid"})
            return self._issue()

        async def gettoken(request: web.Request) -> web.Response:
            # https://developer.work.weixin.qq.com/document/path/91039
            q = request.query
            if q.get("corpid") != WECOM_CORP_ID or q.get("corpsecret") != WECOM_SECRET:
                return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
            return self._issue(errcode=True)

        async def send(request: web.Request) -> web.Response:
            if refused := self._token_refused(request):
                return refused
            if self.busy:
                self.busy -= 1
                if self.busy:
                    return web.json_response({"errcode": -1, "errmsg": "system error"})
                return web.Response(status=502)
            if self.fail_sends:
                return web.json_response({"errcode": 45015, "errmsg": "response out of time limit"})
            raw = await request.read()
            if json.loads(raw).get("image", {}).get("media_id") in self.forgotten:
                return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
            self.raw.append(raw)  # WeChat shows \u escapes literally: the tests read the bytes
            self.sent.append({"path": request.path, **json.loads(raw)})
            return web.json_response({"errcode": 0, "errmsg": "ok"})

        async def upload(request: web.Request) -> web.Response:
            # https://developers.weixin.qq.com/doc/service/api/material/temporary/api_uploadtempmedia.html,
            # https://developer.work.weixin.qq.com/document/path/90253: multipart, file field "media".
            if refused := self._token_refused(request):
                return refused
            await asyncio.sleep(self.upload_delay)
            files = {}
            async for part in await request.multipart():
                files[part.name] = (part.filename, part.headers.get("Content-Type"), await part.read())
            filename, content_type, content = files.get("media", (None, None, b""))
            if self.fail_uploads or request.query.get("type") != "image" or not filename or len(content) <= 5 \
                    or content_type not in ("image/jpeg", "image/png", "image/gif"):
                return web.json_response({"errcode": 40004, "errmsg": "invalid media type"})
            self.uploads.append({"type": "image", "filename": filename, "content_type": content_type,
                                 "content": content, "fields": sorted(files)})
            return web.json_response({"errcode": 0, "errmsg": "ok", "type": "image",
                                      "media_id": f"MEDIA_{len(self.uploads)}", "created_at": int(time.time())})

        app = web.Application()
        app.router.add_post("/cgi-bin/media/upload", upload)
        app.router.add_get("/cgi-bin/token", token)
        app.router.add_get("/cgi-bin/gettoken", gettoken)
        app.router.add_post("/cgi-bin/message/custom/send", send)
        app.router.add_post("/cgi-bin/message/send", send)
        return app

    def forget(self, media_id: str) -> None:
        self.forgotten.add(media_id)

    def _token_refused(self, request: web.Request) -> web.Response | None:
        if request.query.get("access_token") not in self.tokens:
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        if self.expire_next:
            self.expire_next = False
            self.tokens.clear()
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        return None

    def _issue(self, errcode: bool = False) -> web.Response:
        self.token_fetches += 1
        token = f"ACCESS_TOKEN_{self.token_fetches}"
        self.tokens.add(token)
        body = {"access_token": token, "expires_in": 7200}
        return web.json_response({"errcode": 0, "errmsg": "ok", **body} if errcode else body)

    def texts(self) -> list[str]:
        out = []
        for message in self.sent:
            if message["msgtype"] == "text":
                out.append(message["text"]["content"])
            elif message["msgtype"] == "msgmenu":
                out.append(message["msgmenu"]["head_content"])
            elif message["msgtype"] == "image":
                out.append(f"[image {message['image']['media_id']}]")
            else:
                card = message["template_card"]
                out.append(card.get("sub_title_text") or card["main_title"]["title"])
        return out
