"""Access tokens of chat platforms' send APIs (DingTalk accessToken, Feishu
tenant_access_token), cached in Redis so that every server shares one token.

Both platforms give an app a token for about two hours and ask callers to cache it and
not to fetch it on every call (fetching too often is rate limited). A token is stored
under `df:<assistant>:token:<platform>:<app id>` (the WeChat tokens' scheme too) with an
expiry a little shorter than the one the platform gave (`MARGIN`: the clocks of Redis and
of the platform drift, and a token must not expire between the cache read and the API
call). When an API call is refused
for an expired or revoked token anyway (the platform rotated it), the channel calls
`refresh`, which drops the cached token and fetches a new one, and retries the call once.

This is not the session store and knows nothing about turns: it is a small key-value
cache with a fetch function, used by framework.channels.dingtalk and .feishu.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

log = logging.getLogger("framework.channels")

MARGIN = 300  # seconds taken off the platform's expiry
MIN_TTL = 30  # a platform answering "expires in 10 s" still gets the token cached briefly

# Fetches a fresh token from the platform: (token, seconds it is valid).
Fetch = Callable[[], Awaitable[tuple[str, int]]]


class PlatformTokens:
    def __init__(self, client: Any, prefix: str) -> None:
        self.client, self.prefix = client, prefix

    def key(self, platform: str, app_id: str) -> str:
        return f"{self.prefix}:token:{platform}:{app_id}"

    async def get(self, platform: str, app_id: str, fetch: Fetch) -> str:
        """The cached token, or a freshly fetched one (then cached with its expiry)."""
        cached = await self.client.get(self.key(platform, app_id))
        if cached:
            return cached.decode() if isinstance(cached, bytes) else str(cached)
        return await self._fetch_and_store(platform, app_id, fetch)

    async def refresh(self, platform: str, app_id: str, fetch: Fetch) -> str:
        """A new token after the platform refused the cached one as expired."""
        log.info("%s access token of %s refused as expired; fetching a new one", platform, app_id)
        await self.client.delete(self.key(platform, app_id))
        return await self._fetch_and_store(platform, app_id, fetch)

    async def _fetch_and_store(self, platform: str, app_id: str, fetch: Fetch) -> str:
        token, expires_in = await fetch()
        ttl = max(MIN_TTL, int(expires_in) - MARGIN)
        await self.client.set(self.key(platform, app_id), token.encode(), ex=ttl)
        return token
