"""Rate limits kept in Redis, so they hold across worker processes and servers.

A fixed window per (scope, key): INCR, set the expiry on the first hit, and read the time
left, in one script (one round trip, atomic). Over the limit: refuse with the seconds until
the window resets, for the `Retry-After` header.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
"""


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
        # Hash-tagged on the key so a sender's limit lives next to its conversation.
        count, ttl_ms = await self._hit(keys=[f"{self.prefix}:rl:{scope}:{{{key}}}"], args=[int(window * 1000)])
        if count <= limit:
            return Verdict(True, int(count), 0)
        return Verdict(False, int(count), max(1, math.ceil(int(ttl_ms) / 1000)))
