"""WeChat's 2048-byte limit on a text message's Content (framework.channels.wechat):
without the AppSecret a longer passive reply is cut to the limit with "…" and one WARNING
line says so; with it, the replies go whole through the customer-service API, split at
line breaks into texts within the limit, in order."""
from __future__ import annotations

import logging

import aiohttp
import pytest

from framework.channels.base import Incoming
from framework.channels.wechat import PASSIVE_MAX_BYTES, WeChatChannel, parse_reply, utf8_pieces
from framework.channels.wechat_api import official_account_api
from tests.support.fake_wechat import WX_APP_ID, WX_SECRET
from tests.support.wechat_serving import platform_api  # noqa: F401 (fixture)

PLAN = "套餐说明：" + "每月 30GB 国内流量，500 分钟国内通话。" * 40  # 2,095 bytes on one line
LONG = "\n".join(f"{n}. {PLAN[:60]}" for n in range(1, 40))  # 39 lines, about 5,000 bytes


def incoming(user: str = "o6_long") -> Incoming:
    return Incoming(user, "套餐有哪些？", {"account": "gh_10f6c3c3ac5a", "msg_id": "1", "encrypted": False}, "1")


@pytest.mark.parametrize("text", [PLAN, LONG, "短", "x" * 5000, "\n\n" + "汉" * 1000], ids=["one-line", "lines", "short",
                                                                                       "ascii", "leading-blank"])
def test_pieces_stay_within_the_limit_and_keep_every_character(text):
    pieces = utf8_pieces(text, PASSIVE_MAX_BYTES)
    assert all(len(p.encode()) <= PASSIVE_MAX_BYTES for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")
    if "\n" in text.strip():  # cut at a line break when there is one
        assert all(text.find(p) >= 0 for p in pieces)


async def test_without_the_app_secret_a_long_reply_is_cut_with_one_log_line(caplog):
    channel = WeChatChannel("wx-token")
    with caplog.at_level(logging.WARNING, logger="framework.channels"):
        resp = await channel.respond(incoming(), [{"text": PLAN}])
    content = parse_reply(resp.text)["Content"]
    assert len(content.encode()) <= PASSIVE_MAX_BYTES and content.endswith("…") and PLAN.startswith(content[:-1])
    assert [r.getMessage() for r in caplog.records] == [
        f"wechat: the reply to o6_long has {len(PLAN.encode())} bytes; a passive reply holds 2048: cut to "
        f"{len(content.encode())} bytes. Configure --wechat-app-secret (the AppSecret) to send long replies whole "
        "through the customer-service API"]
    short = await channel.respond(incoming(), [{"text": "好的"}, {"text": "还有什么可以帮您？"}])
    assert parse_reply(short.text)["Content"] == "好的\n\n还有什么可以帮您？"


async def test_with_the_app_secret_long_replies_go_whole_through_the_api(platform_api):
    base, fake = platform_api
    async with aiohttp.ClientSession() as session:
        channel = WeChatChannel("wx-token", api=official_account_api(session, None, "df:t", WX_APP_ID, WX_SECRET, base))
        resp = await channel.respond(incoming(), [{"text": "为您查到以下套餐："}, {"text": LONG}])
    assert resp.text == "success"
    texts = fake.texts()
    assert texts[0] == "为您查到以下套餐：" and len(texts) == 1 + 3
    assert all(len(t.encode()) <= PASSIVE_MAX_BYTES for t in texts)
    assert "\n".join(texts[1:]) == LONG  # cut between lines, in order
    assert {m["touser"] for m in fake.sent} == {"o6_long"}


async def test_wecom_has_the_same_limit(platform_api, caplog):
    from framework.channels.wechat_api import wecom_api
    from framework.channels.wechat_crypto import MessageCrypt
    from framework.channels.wecom import WeComChannel
    from tests.support.fake_wechat import WECOM_AES_KEY, WECOM_AGENT_ID, WECOM_CORP_ID, WECOM_SECRET, WECOM_TOKEN, WeComApp

    crypt = MessageCrypt(WECOM_TOKEN, WECOM_AES_KEY, WECOM_CORP_ID)
    user = Incoming("zhangsan", "套餐有哪些？", {}, "2")
    with caplog.at_level(logging.WARNING, logger="framework.channels"):
        resp = await WeComChannel(crypt, WECOM_AGENT_ID).respond(user, [{"text": PLAN}])
    content = WeComApp().read_reply(resp.text)["Content"]
    assert len(content.encode()) <= PASSIVE_MAX_BYTES and content.endswith("…")
    assert caplog.records[0].getMessage().startswith("wecom: the reply to zhangsan has 2095 bytes")
    assert caplog.records[0].getMessage().endswith("Configure --wecom-secret (the application's Secret) to send "
                                                   "long replies whole through the message/send API")
    base, fake = platform_api
    async with aiohttp.ClientSession() as session:
        api = wecom_api(session, None, "df:t", WECOM_CORP_ID, WECOM_SECRET, WECOM_AGENT_ID, base)
        resp = await WeComChannel(crypt, WECOM_AGENT_ID, api).respond(user, [{"text": LONG}])
    assert resp.text == "" and "\n".join(fake.texts()) == LONG
    assert all(len(m["text"]["content"].encode()) <= PASSIVE_MAX_BYTES for m in fake.sent)
