"""framework.channels.wechat_api against the fake platform APIs and a real Redis: one token
fetch for many sends at once, one refresh when they all find it expired, and what a
refused credential says."""
from __future__ import annotations

import asyncio

import aiohttp
import pytest
import redis.asyncio as redis

from framework.channels.wechat_api import PlatformApiError, official_account_api, wecom_api
from tests.support.fake_wechat import WECOM_AGENT_ID, WECOM_CORP_ID, WECOM_SECRET, WX_APP_ID, WX_SECRET
from tests.support.serving import redis_server  # noqa: F401 (fixture)
from tests.support.wechat_serving import platform_api  # noqa: F401 (fixture)


def text(user: str, content: str) -> dict:
    return {"touser": user, "msgtype": "text", "text": {"content": content}}


async def test_sends_at_once_share_one_token_and_one_refresh(platform_api, redis_server):
    base, fake = platform_api
    store = redis.Redis.from_url(redis_server.url)
    await store.flushdb()
    async with aiohttp.ClientSession() as session:
        api = official_account_api(session, store, "df:t", WX_APP_ID, WX_SECRET, base)
        await asyncio.gather(*(api.post("/cgi-bin/message/custom/send", text(f"u{i}", "你好")) for i in range(8)))
        assert fake.token_fetches == 1 and len(fake.sent) == 8
        fake.tokens.clear()  # every send now finds the token invalid (40014)
        await asyncio.gather(*(api.post("/cgi-bin/message/custom/send", text(f"v{i}", "再见")) for i in range(8)))
        assert fake.token_fetches == 2 and len(fake.sent) == 16
        assert "再见".encode() in fake.raw[-1]  # UTF-8 JSON, not \u escapes (WeChat would show those)


async def test_a_refused_credential_says_what_the_platform_said(platform_api, redis_server):
    base, fake = platform_api
    async with aiohttp.ClientSession() as session:
        api = wecom_api(session, None, "df:t", WECOM_CORP_ID, "wrong secret", WECOM_AGENT_ID, base)
        with pytest.raises(PlatformApiError) as err:
            await api.post("/cgi-bin/message/send", text("zhangsan", "你好"))
        assert str(err.value) == ("/cgi-bin/gettoken answered no access_token: "
                                  "{'errcode': 40001, 'errmsg': 'invalid credential'}")
        good = wecom_api(session, None, "df:t", WECOM_CORP_ID, WECOM_SECRET, WECOM_AGENT_ID, base)
        assert (await good.post("/cgi-bin/message/send", text("zhangsan", "你好")))["errcode"] == 0
