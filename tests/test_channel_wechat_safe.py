"""WeChat Official Account in safe and compatible modes, and late replies through the
customer-service API: the platform's documented sample values, a whole 办理 conversation
of domains/telecom_zh through the fake platform (tests/support/fake_wechat.py), refusals
that leave no trace, and the access token's life in Redis."""
from __future__ import annotations

import asyncio
import logging
import time

import pytest
import redis.asyncio as redis

from framework.channels.wechat_crypto import CryptoError, MessageCrypt, encoding_aes_key_problem
from tests.support.fake_wechat import WX_AES_KEY, WX_APP_ID, WX_SECRET, WX_TOKEN, OfficialAccount
from tests.support.serving import redis_server  # noqa: F401 (fixture)
from tests.support.wechat_serving import CONVERSATION, platform_api, store_keys, telecom_client, telecom_world  # noqa: F401

PATH = "/webhooks/wechat/webhook"
SAFE = dict(wechat_token=WX_TOKEN, wechat_aes_key=WX_AES_KEY, wechat_app_id=WX_APP_ID)

# The Official Account sample of the platform's message encryption sample code
# (WXBizMsgCrypt, "消息加解密接入指引"): a compatible-mode POST.
OA_SAMPLE = dict(token="spamtest", key="abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", appid="wx2c2769f8efd9abc2",
                 timestamp="1409735669", nonce="1320562132", signature="5d197aaffba7e9b25a30732f161a50dee96bd5fa",
                 encrypt="hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQ"
                         "HFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tE"
                         "DYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3y"
                         "ZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl"
                         "+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=")


def test_the_documented_official_account_sample():
    s = OA_SAMPLE
    crypt = MessageCrypt(s["token"], s["key"], s["appid"])
    assert crypt.signature(s["timestamp"], s["nonce"], s["encrypt"]) == s["signature"]
    assert crypt.decrypt(s["encrypt"]).decode() == (
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n"
        "<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n"
        "<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n"
        "<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>")
    # The AppID is checked: the same ciphertext for another account is refused.
    with pytest.raises(CryptoError, match="addressed to another AppID"):
        MessageCrypt(s["token"], s["key"], "wx0000000000000000").decrypt(s["encrypt"])


def test_encryption_layout_and_round_trip():
    crypt = MessageCrypt(WX_TOKEN, WX_AES_KEY, WX_APP_ID)
    encrypted = crypt.encrypt("你好", random=b"0123456789abcdef")
    import base64

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    raw = base64.b64decode(encrypted)
    assert len(raw) % 32 == 0  # PKCS#7 to 32-byte blocks
    key = base64.b64decode(WX_AES_KEY + "=")
    plain = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor().update(raw)
    body = "你好".encode()
    assert plain[:16] == b"0123456789abcdef" and plain[16:20] == len(body).to_bytes(4, "big")
    assert plain[20:20 + len(body)] == body and plain[20 + len(body):].startswith(WX_APP_ID.encode())
    assert crypt.decrypt(encrypted) == body
    with pytest.raises(CryptoError, match="does not decrypt"):
        MessageCrypt(WX_TOKEN, "B" * 43, WX_APP_ID).decrypt(encrypted)


def test_key_problems_are_said_plainly():
    assert encoding_aes_key_problem(WX_AES_KEY) is None
    assert encoding_aes_key_problem("short") == "the EncodingAESKey has 43 characters (letters and digits, as the console shows it)"
    assert encoding_aes_key_problem("!" * 43) == "the EncodingAESKey is not Base64 (letters and digits only)"


@pytest.mark.parametrize("mode", ["safe", "compatible"])
async def test_a_whole_conversation_in_safe_and_compatible_mode(telecom_client, mode):
    client = await telecom_client(**SAFE)
    platform = OfficialAccount(mode=mode)
    for text, expected in CONVERSATION:
        resp = await client.post(PATH, **platform.message("o6_user", text))
        assert resp.status == 200
        reply = platform.read_reply(await resp.text())  # encrypted, signed for this AppID
        assert reply["ToUserName"] == "o6_user" and reply["FromUserName"] == "gh_10f6c3c3ac5a"
        assert reply["Content"].startswith(expected), reply["Content"]


async def test_compatible_mode_reads_only_the_signed_encrypted_copy(telecom_client):
    client = await telecom_client(**SAFE)
    platform = OfficialAccount(mode="compatible")
    request = platform.message("o6_user", "我想办理业务")
    # Someone edits the plaintext copy; the signed ciphertext still says 我想办理业务.
    request["data"] = request["data"].replace("我想办理业务".encode(), "取消".encode(), 1)
    resp = await client.post(PATH, **request)
    assert platform.read_reply(await resp.text())["Content"] == CONVERSATION[0][1][0]


async def test_refusals_leave_no_trace(telecom_client, redis_server):
    client = await telecom_client(**SAFE)
    platform = OfficialAccount(mode="safe")
    other_account = MessageCrypt(WX_TOKEN, WX_AES_KEY, "wx0000000000000000")
    bad = {
        "unencrypted": (OfficialAccount(mode="plain").message("u", "我想办理业务"), 403),
        "wrong token": (platform.message("u", "我想办理业务", token="other"), 403),
        "expired timestamp": (platform.message("u", "我想办理业务", timestamp=int(time.time()) - 600), 403),
        "another AppID": (platform.message("u", "我想办理业务", crypt=other_account), 400),
    }
    forged = platform.message("u", "我想办理业务")
    forged["params"]["msg_signature"] = "0" * 40
    bad["forged msg_signature"] = (forged, 403)
    malformed = platform.message("u", "x")
    malformed["data"] = b"<xml><Encrypt>"
    bad["malformed body"] = (malformed, 400)
    for name, (request, status) in bad.items():
        resp = await client.post(PATH, **request)
        assert resp.status == status, (name, await resp.text())
    assert await store_keys(redis_server.url) == []


async def test_a_retried_message_runs_no_second_turn_and_a_replay_is_refused(telecom_client, redis_server):
    client = await telecom_client(**SAFE)
    platform = OfficialAccount(mode="safe")
    request = platform.message("o6_replay", "我想办理业务", msg_id=6054768590064719999)
    first = await client.post(PATH, **request)
    assert platform.read_reply(await first.text())["Content"] == CONVERSATION[0][1][0]
    state = await redis.Redis.from_url(redis_server.url).get("df:telecom_zh:{o6_replay}:state")
    replay = await client.post(PATH, **request)  # the same timestamp, nonce and signatures
    assert replay.status == 403 and (await replay.json())["error"] == "replayed"
    retry = platform.message("o6_replay", "我想办理业务", msg_id=6054768590064719999)  # WeChat's: a new nonce
    again = await client.post(PATH, **retry)
    assert again.status == 200 and await again.text() == "success"
    assert await redis.Redis.from_url(redis_server.url).get("df:telecom_zh:{o6_replay}:state") == state


async def wait_for(condition, what: str) -> None:
    for _ in range(250):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"never happened: {what}")


async def test_late_replies_go_through_the_customer_service_api(telecom_client, platform_api, redis_server):
    base, api = platform_api
    client = await telecom_client(**SAFE, wechat_app_secret=WX_SECRET, wechat_api_base=base, wechat_reply_budget=0.0)
    platform = OfficialAccount(mode="safe")
    resp = await client.post(PATH, **platform.message("o6_late", "我想办理业务"))
    assert resp.status == 200 and await resp.text() == "success"
    await wait_for(lambda: api.sent, "a customer-service message")
    assert api.sent == [{"path": "/cgi-bin/message/custom/send", "touser": "o6_late", "msgtype": "msgmenu",
                         "msgmenu": {"head_content": CONVERSATION[0][1][0], "tail_content": "",
                                     "list": [{"id": "101", "content": "开户"}, {"id": "102", "content": "换套餐"}]}}]
    # The token is cached in Redis with its expiry (less platform_tokens.MARGIN, 5 minutes), and reused.
    store = redis.Redis.from_url(redis_server.url)
    key = f"df:telecom_zh:token:wechat:{WX_APP_ID}"
    assert await store.get(key) == b"ACCESS_TOKEN_1" and 7200 - 300 - 60 < await store.ttl(key) <= 7200 - 300
    await client.post(PATH, **platform.message("o6_late", "开户"))
    await wait_for(lambda: len(api.sent) == 2, "the second message")
    assert api.token_fetches == 1
    # An expired token (42001) is fetched again once, and the message still goes out.
    api.expire_next = True
    await client.post(PATH, **platform.message("o6_late", "张三"))
    await wait_for(lambda: len(api.sent) == 3, "the third message")
    assert api.token_fetches == 2 and await store.get(key) == b"ACCESS_TOKEN_2"
    assert api.sent[-1]["text"]["content"].startswith(CONVERSATION[2][1])


async def test_a_busy_platform_is_retried(telecom_client, platform_api):
    base, api = platform_api
    client = await telecom_client(**SAFE, wechat_app_secret=WX_SECRET, wechat_api_base=base, wechat_reply_budget=0.0)
    api.busy = 2  # errcode -1, then HTTP 502, then the message goes through
    await client.post(PATH, **OfficialAccount(mode="safe").message("o6_busy", "我想办理业务"))
    await wait_for(lambda: api.sent, "the message after two retries")
    assert api.busy == 0 and [m["touser"] for m in api.sent] == ["o6_busy"]


async def test_buttons_are_menus_and_a_tap_answers(telecom_client, platform_api):
    base, api = platform_api
    client = await telecom_client(**SAFE, wechat_app_secret=WX_SECRET, wechat_api_base=base)
    platform = OfficialAccount(mode="safe")
    for number, (text, expected) in enumerate(CONVERSATION):
        if number in (1, 4):  # answering the business and plan questions by tapping their menus
            title = {1: "开户", 4: "59元"}[number]
            resp = await client.post(PATH, **platform.menu_tap("o6_menu", api.sent[-1], title))
        else:
            resp = await client.post(PATH, **platform.message("o6_menu", text))
        body = await resp.text()
        if number in (0, 3):  # the questions with buttons: a menu through the API, "success" here
            assert body == "success" and api.sent[-1]["msgtype"] == "msgmenu"
            assert api.texts()[-1].startswith(expected)
        else:
            assert platform.read_reply(body)["Content"].startswith(expected)
    assert len(api.sent) == 2


async def test_a_failed_late_delivery_is_one_clear_log_line(telecom_client, platform_api, caplog):
    base, api = platform_api
    client = await telecom_client(**SAFE, wechat_app_secret=WX_SECRET, wechat_api_base=base, wechat_reply_budget=0.0)
    api.fail_sends = True
    with caplog.at_level(logging.WARNING, logger="framework.channels"):
        await client.post(PATH, **OfficialAccount(mode="safe").message("o6_fail", "我想办理业务"))
        await wait_for(lambda: any("not delivered" in r.message for r in caplog.records), "the warning")
    lines = [r.message for r in caplog.records if r.name == "framework.channels"]
    assert lines == ["wechat: late reply 1 of 1 to o6_fail not delivered: /cgi-bin/message/custom/send answered "
                     "errcode 45015: {'errcode': 45015, 'errmsg': 'response out of time limit'}"]


def test_serve_says_what_is_wrong_with_the_wechat_settings():
    from framework.server.command import wechat_problem
    from framework.server.config import ServerConfig

    def problem(**settings):
        return wechat_problem(ServerConfig(domain_dir="d", **{"wechat_token": WX_TOKEN, **settings}))

    assert problem(wechat_aes_key=WX_AES_KEY, wechat_app_id=WX_APP_ID) is None
    assert problem(wechat_aes_key=WX_AES_KEY, wechat_app_id=None) == (
        "--wechat-aes-key: safe mode also needs --wechat-app-id (the AppID is checked)")
    assert problem(wechat_aes_key="abc", wechat_app_id=WX_APP_ID) == (
        "--wechat-aes-key: the EncodingAESKey has 43 characters (letters and digits, as the console shows it)")
    assert problem(wecom_aes_key="#" * 43) == "--wecom-aes-key: the EncodingAESKey is not Base64 (letters and digits only)"


async def test_a_holding_text_is_encrypted_in_safe_mode(telecom_client):
    client = await telecom_client(**SAFE, wechat_reply_budget=0.0, wechat_holding_text="正在为您办理，请稍候。")
    platform = OfficialAccount(mode="safe")
    resp = await client.post(PATH, **platform.message("o6_hold", "我想办理业务"))
    assert platform.read_reply(await resp.text())["Content"] == "正在为您办理，请稍候。"
