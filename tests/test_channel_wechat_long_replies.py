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

PLAN = "套餐说明：" + "每月 30GB 国内流量，500 分钟国内通话。" * 40  # 2,575 bytes on one line
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
