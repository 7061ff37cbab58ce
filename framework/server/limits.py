"""Rate limits kept in Redis, so they hold across worker processes and servers.

A fixed window per (scope, key): INCR, set the expiry on the first hit, and read the time
left, in one script (one round trip, atomic). Over the limit: refuse with the seconds until
the window resets, for the `Retry-After` header.

This script serves the per-address limit (the middleware, before a body is read). The
per-sender limit is counted by the same Lua inside the turn's lock script instead
(framework.store.locks), which saves the turn a round trip.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from framework.store.rate_limits import Limit, RateLimited, counter_lua, limit_key

_HIT = counter_lua("KEYS[1]", "ARGV[1]") + "return {count, ttl}\n"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int  # seconds; 0 when allowed


class RateLimiter:
    def __init__(self, client: Any, prefix: str) -> None:
        self.prefix = prefix
        self._hit = client.register_script(_HIT)

    async def hit(self, scope: str, key: str, limit: int, window: float) -> Verdict:
        """Count one request; `limit` <= 0 disables the limit."""
        if limit <= 0:
            return Verdict(True, 0, 0)
        count, ttl_ms = await self._hit(keys=[limit_key(self.prefix, scope, key)], args=[int(window * 1000)])
        if count <= limit:
            return Verdict(True, int(count), 0)
        refused = RateLimited(Limit(limit, window), int(count), int(ttl_ms))
        return Verdict(False, refused.count, refused.retry_after)
