"""framework.channels.platform_tokens, the one access-token cache of WeChat, WeCom,
DingTalk and Feishu, against a real Redis: cached with the platform's expiry less the
margin, one fetch when many calls find the token expired at once, and the table of the
platforms' expired-token answers."""
from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as redis

from framework.channels.platform_tokens import MARGIN, MIN_TTL, PlatformTokens, expired_token
from tests.support.serving import redis_server  # noqa: F401 (fixture)


class Platform:
    """A token endpoint that counts its fetches (and can be slow, to make calls overlap)."""

    def __init__(self, expires_in: int = 7200) -> None:
        self.fetches, self.expires_in = 0, expires_in

    async def fetch(self) -> tuple[str, int]:
        self.fetches += 1
        await asyncio.sleep(0.01)
        return f"token-{self.fetches}", self.expires_in


@pytest.fixture
async def store(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    await client.flushdb()
    yield client
    await client.aclose()


async def test_a_token_is_cached_with_the_platforms_expiry_less_the_margin(store):
    tokens, platform = PlatformTokens(store, "df:t"), Platform(expires_in=7200)
    assert await tokens.get("feishu", "cli_1", platform.fetch) == "token-1"
    assert await tokens.get("feishu", "cli_1", platform.fetch) == "token-1" and platform.fetches == 1
    assert await store.get("df:t:token:feishu:cli_1") == b"token-1"
    assert 7200 - MARGIN - 5 <= await store.ttl("df:t:token:feishu:cli_1") <= 7200 - MARGIN
    short = Platform(expires_in=10)  # shorter than the margin: still cached a little while
    await tokens.get("dingtalk", "ding1", short.fetch)
    assert 0 < await store.ttl("df:t:token:dingtalk:ding1") <= MIN_TTL


async def test_calls_that_find_the_token_expired_at_once_fetch_one_new_token(store):
    tokens, platform = PlatformTokens(store, "df:t"), Platform()
    first = await tokens.get("wechat", "wx1", platform.fetch)
    new = await asyncio.gather(*(tokens.refresh("wechat", "wx1", platform.fetch, rejected=first) for _ in range(8)))
    assert set(new) == {"token-2"} and platform.fetches == 2
    # A second server sharing the Redis refreshed already: its token is taken, not fetched.
    other = PlatformTokens(store, "df:t")
    assert await other.refresh("wechat", "wx1", platform.fetch, rejected=first) == "token-2"
    assert platform.fetches == 2
    # Without the rejected token, refresh always fetches.
    assert await tokens.refresh("wechat", "wx1", platform.fetch) == "token-3"


async def test_without_redis_every_call_fetches(store):
    tokens, platform = PlatformTokens(None, "df:t"), Platform()
    await tokens.get("wecom", "corp:1000002", platform.fetch)
    await tokens.get("wecom", "corp:1000002", platform.fetch)
    assert platform.fetches == 2


@pytest.mark.parametrize("platform, status, answer, expired", [
    ("wechat", 200, {"errcode": 40001, "errmsg": "invalid credential"}, True),
    ("wechat", 200, {"errcode": 40014, "errmsg": "invalid access_token"}, True),
    ("wechat", 200, {"errcode": 42001, "errmsg": "access_token expired"}, True),
    ("wechat", 200, {"errcode": 45015, "errmsg": "response out of time limit"}, False),
    ("wecom", 200, {"errcode": 42001, "errmsg": "access_token expired"}, True),
    ("wecom", 200, {"errcode": 40014, "errmsg": "invalid access_token"}, True),
    ("wecom", 200, {"errcode": 40001, "errmsg": "invalid secret"}, False),  # a new fetch cannot fix it
    ("dingtalk", 401, {"code": "InvalidAuthentication", "message": "不合法的access_token"}, True),
    ("dingtalk", 400, {"code": "invalidAuthentication"}, True),
    ("dingtalk", 401, "<html>401</html>", True),
    ("dingtalk", 400, {"code": "invalidParameter"}, False),
    ("feishu", 400, {"code": 99991663, "msg": "Invalid access token for authorization."}, True),
    ("feishu", 400, {"code": 99991668}, True),
    ("feishu", 400, {"code": 99991677}, True),
    ("feishu", 400, {"code": 230002, "msg": "Bot/User can NOT be out of the chat."}, False),
    ("feishu", 502, "<html>502</html>", False),
])
def test_the_expired_token_answers_of_each_platform(platform, status, answer, expired):
    assert expired_token(platform, status, answer) is expired
