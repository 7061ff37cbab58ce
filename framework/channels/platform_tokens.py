"""The access tokens of the chat platforms' send APIs, one cache for all four: WeChat
Official Accounts (/cgi-bin/token), WeCom (/cgi-bin/gettoken), DingTalk
(/v1.0/oauth2/accessToken) and Feishu (tenant_access_token/internal).

Every platform gives an app a token for about two hours, counts or rate-limits the
fetches, and asks callers to cache it. So a token lives in Redis, shared by every worker
and server, under `<prefix>:token:<platform>:<app id>` with an expiry `MARGIN` seconds
shorter than the platform's (the clocks of Redis and of the platform drift, and a token
must not expire between the cache read and the API call).

When a call is refused because of the token anyway (the platform rotated or revoked it),
`expired_token(platform, status, answer)` says so from the one table below, and the
caller asks `refresh(..., rejected=token)` for a new one and tries its call once more.
`refresh` fetches only if the cached token is still the rejected one: when eight late
replies find the token expired at once, one of them fetches and the others take its
token. One fetch at a time per process and token (an asyncio lock).

This is not the session store and knows nothing about turns or HTTP: a small key-value
cache with a fetch function, used by framework.channels.wechat_api (WeChat, WeCom),
.dingtalk and .feishu.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable

log = logging.getLogger("framework.channels")

MARGIN = 300  # seconds taken off the platform's expiry
MIN_TTL = 30  # a platform answering "expires in 10 s" still gets the token cached briefly

# Fetches a fresh token from the platform: (token, seconds it is valid).
Fetch = Callable[[], Awaitable[tuple[str, int]]]

# The answers meaning "this access token is invalid or expired: fetch another, try again
# once", per platform. Checked against public documentation on 2026-12-02 with the
# project's search tool; "assumed" marks what no documentation we found states.
EXPIRED_TOKEN: dict[str, frozenset] = {
    # WeChat Official Accounts, `errcode` of the JSON answer. Confirmed: 40001 "invalid
    # credential, access_token is invalid or not latest" and 42001 "access_token expired"
    # on developers.weixin.qq.com's 公共错误码 page; 40014 "不合法的 access_token" on the
    # 全局返回码 page (as mirrored; the official page moved).
    "wechat": frozenset({40001, 40014, 42001}),
    # WeCom, `errcode`. Confirmed (the 全局错误码 page, as mirrored): 42001 "access_token
    # 已过期", 40014 "不合法的access_token". Not 40001: in WeCom it means a wrong secret,
    # which a new fetch with the same secret cannot fix.
    "wecom": frozenset({40014, 42001}),
    # DingTalk's new API (api.dingtalk.com), the `code` of an HTTP 401 answer, compared
    # case-insensitively (both spellings are seen). Assumed: the searched documentation
    # does not list it; the old API's 40014 / 40001 ("不合法的access_token") are confirmed
    # but this channel does not call the old API. Any HTTP 401 counts as well.
    "dingtalk": frozenset({"invalidauthentication"}),
    # Feishu, `code`. Confirmed: 99991663 "access_token invalid" (Feishu's 通用错误码, as
    # listed by larksuite/cli and the open-lark SDK as TenantAccessTokenInvalid).
    # 99991668 and 99991677 are documented for a *user_access_token* (invalid or
    # expired; expired): this bot sends with a tenant_access_token, so they are assumed
    # to mean the same for it, and a refresh is harmless if they never come.
    "feishu": frozenset({99991663, 99991668, 99991677}),
}


def expired_token(platform: str, status: int, answer: Any) -> bool:
    """Whether a platform's answer refuses the call because of its access token."""
    if platform == "dingtalk" and status == 401:
        return True
    if not isinstance(answer, dict):
        return False
    code = answer.get("code") if platform in ("dingtalk", "feishu") else answer.get("errcode")
    if isinstance(code, str):
        code = code.lower()
    return code in EXPIRED_TOKEN.get(platform, ())


class PlatformTokens:
    def __init__(self, client: Any, prefix: str) -> None:
        self.client, self.prefix = client, prefix  # client None: no cache (each call fetches)
        self._fetching: dict[str, asyncio.Lock] = {}

    def key(self, platform: str, app_id: str) -> str:
        return f"{self.prefix}:token:{platform}:{app_id}"

    async def get(self, platform: str, app_id: str, fetch: Fetch) -> str:
        """The cached token, or a freshly fetched one (then cached with its expiry)."""
        return await self._token(platform, app_id, fetch, lambda cached: True)

    async def refresh(self, platform: str, app_id: str, fetch: Fetch, rejected: str | None = None) -> str:
        """A token other than `rejected`, which the platform just refused as expired: the
        one another call has fetched meanwhile, or a new one (always a new one when
        `rejected` is not given)."""
        return await self._token(platform, app_id, fetch, lambda cached: rejected is not None and cached != rejected,
                                 refreshing=True)

    async def _token(self, platform: str, app_id: str, fetch: Fetch, usable: Callable[[str], bool],
                     refreshing: bool = False) -> str:
        key = self.key(platform, app_id)
        cached = await self._cached(key)
        if cached and usable(cached):
            return cached
        async with self._fetching.setdefault(key, asyncio.Lock()):
            cached = await self._cached(key)  # fetched while we waited?
            if cached and usable(cached):
                return cached
            if refreshing:
                log.info("%s access token of %s refused as expired; fetching a new one", platform, app_id)
            token, expires_in = await fetch()
            if self.client is not None:
                await self.client.set(key, token.encode(), ex=max(MIN_TTL, int(expires_in) - MARGIN))
            return token

    async def _cached(self, key: str) -> str | None:
        if self.client is None:
            return None
        cached = await self.client.get(key)
        return cached.decode() if isinstance(cached, bytes) else cached


__all__ = ["EXPIRED_TOKEN", "MARGIN", "PlatformTokens", "expired_token"]
