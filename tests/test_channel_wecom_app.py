"""WeCom (企业微信) application messages through the fake platform
(tests/support/fake_wechat.py): the documented sample values, the URL check, a whole 办理
conversation of domains/telecom_zh with buttons as template cards and card presses as
answers, late replies through message/send, and refusals that leave no trace."""
from __future__ import annotations

import asyncio
import time

from framework.channels.wechat_crypto import MessageCrypt
from tests.support.fake_wechat import (WECOM_AES_KEY, WECOM_AGENT_ID, WECOM_CORP_ID, WECOM_SECRET, WECOM_TOKEN,
                                       WeComApp)
from tests.support.serving import redis_server  # noqa: F401 (fixture)
from tests.support.wechat_serving import CONVERSATION, platform_api, store_keys, telecom_client, telecom_world  # noqa: F401

PATH = "/webhooks/wecom/webhook"
WECOM = dict(wecom_corp_id=WECOM_CORP_ID, wecom_token=WECOM_TOKEN, wecom_aes_key=WECOM_AES_KEY,
             wecom_agent_id=WECOM_AGENT_ID)
# The example of WeCom's "加解密方案说明" (developer.work.weixin.qq.com/document/path/91144)
# and of its sample code: a URL check and an encrypted text message.
ECHO = dict(signature="5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", timestamp="1409659589", nonce="263014780",
            echostr="P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==")
MESSAGE = dict(signature="477715d11cdb4164915debcba66cb864d751f3e6", timestamp="1409659813", nonce="1372623149",
               encrypt="RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUp"
                       "j911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue"
                       "06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+"
                       "3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH"
                       "27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8"
                       "R07+qN+E7Q==")


def test_the_documented_wecom_samples():
    crypt = MessageCrypt(WECOM_TOKEN, WECOM_AES_KEY, WECOM_CORP_ID)
    assert crypt.signature(ECHO["timestamp"], ECHO["nonce"], ECHO["echostr"]) == ECHO["signature"]
    assert crypt.decrypt(ECHO["echostr"]) == b"1616140317555161061"
    assert crypt.signature(MESSAGE["timestamp"], MESSAGE["nonce"], MESSAGE["encrypt"]) == MESSAGE["signature"]
    assert crypt.decrypt(MESSAGE["encrypt"]).decode() == (
        "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n"
        "<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n"
        "<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n"
        "<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>")


async def test_url_verification(telecom_client):
    client = await telecom_client(**WECOM)
    platform = WeComApp()
    ok = await client.get(PATH, params=platform.verification("1616140317555161061"))
    assert ok.status == 200 and await ok.text() == "1616140317555161061"
    bad = await client.get(PATH, params=platform.verification(token="other"))
    assert bad.status == 403 and (await bad.json())["error"] == "bad_signature"
    old = await client.get(PATH, params=platform.verification(timestamp=int(time.time()) - 600))
    assert old.status == 403


async def test_a_whole_conversation_with_passive_replies(telecom_client):
    client = await telecom_client(**WECOM)  # no Secret: everything in the encrypted HTTP answer
    platform = WeComApp()
    for text, expected in CONVERSATION:
        resp = await client.post(PATH, **platform.message("zhangsan", text))
        assert resp.status == 200
        reply = platform.read_reply(await resp.text())
        assert reply["ToUserName"] == "zhangsan" and reply["FromUserName"] == WECOM_CORP_ID
        assert reply["MsgType"] == "text" and reply["Content"].startswith(expected), reply["Content"]


async def test_buttons_are_template_cards_and_a_press_answers(telecom_client, platform_api):
    base, api = platform_api
    client = await telecom_client(**WECOM, wecom_secret=WECOM_SECRET, wecom_api_base=base)
    platform = WeComApp()
    resp = await client.post(PATH, **platform.message("lisi", "我想办理业务"))
    assert resp.status == 200 and await resp.text() == ""  # the card went through message/send
    card = api.sent[0]
    task_id = card["template_card"].pop("task_id")
    assert card == {"path": "/cgi-bin/message/send", "touser": "lisi", "agentid": 1000002, "msgtype": "template_card",
                    "template_card": {"card_type": "button_interaction",
                                      "main_title": {"title": "请问您要办理开户（办新卡）还是变更套餐？"},
                                      "button_list": [{"text": "开户", "style": 1, "key": "开户"},
                                                      {"text": "换套餐", "style": 1, "key": "换套餐"}]}}
    # Pressing 开户: a template_card_event whose EventKey is the payload; the answer is passive.
    created = int(time.time())
    resp = await client.post(PATH, **platform.card_press("lisi", "开户", task_id, created))
    assert platform.read_reply(await resp.text())["Content"].startswith(CONVERSATION[1][1])
    # The platform's retry of the same event (same user and CreateTime) runs no second turn.
    again = await client.post(PATH, **platform.card_press("lisi", "开户", task_id, created))
    assert again.status == 200 and await again.text() == ""
    for text, expected in CONVERSATION[2:]:
        resp = await client.post(PATH, **platform.message("lisi", text))
        if await resp.text():
            assert platform.read_reply(await resp.text())["Content"].startswith(expected)
        else:  # the plan question has buttons: a card, its long text in sub_title_text
            assert api.texts()[-1].startswith(expected)
    assert api.token_fetches == 1 and len(api.sent) == 2


async def test_late_replies_go_through_message_send(telecom_client, platform_api):
    base, api = platform_api
    client = await telecom_client(**WECOM, wecom_secret=WECOM_SECRET, wecom_api_base=base, wecom_reply_budget=0.0)
    resp = await client.post(PATH, **WeComApp().message("wangwu", "我想办理业务"))
    assert resp.status == 200 and await resp.text() == ""
    for _ in range(250):
        if api.sent:
            break
        await asyncio.sleep(0.02)
    assert api.texts() == [CONVERSATION[0][1][0]] and api.sent[0]["msgtype"] == "template_card"


async def test_refusals_leave_no_trace(telecom_client, redis_server):
    client = await telecom_client(**WECOM)
    platform = WeComApp()
    other_corp = WeComApp(corp_id="ww0000000000000000")
    forged = platform.message("u", "我想办理业务")
    forged["params"]["msg_signature"] = "0" * 40
    malformed = platform.message("u", "x")
    malformed["data"] = b"<xml><Encrypt>"
    bad = {
        "wrong token": (platform.message("u", "我想办理业务", token="other"), 403),
        "expired timestamp": (platform.message("u", "我想办理业务", timestamp=int(time.time()) - 600), 403),
        "forged msg_signature": (forged, 403),
        "another CorpID": (other_corp.message("u", "我想办理业务", token=WECOM_TOKEN), 400),
        "malformed body": (malformed, 400),
        "no Encrypt": ({"params": platform.message("u", "x")["params"], "data": b"<xml></xml>"}, 403),
    }
    for name, (request, status) in bad.items():
        resp = await client.post(PATH, **request)
        assert resp.status == status, (name, await resp.text())
    assert await store_keys(redis_server.url) == []
