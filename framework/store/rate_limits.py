"""Fixed-window rate limits counted in Redis: the Lua that counts, and what a refusal says.

One counter per (scope, key): INCR, set the expiry on the first hit, read the time left.
The same Lua runs alone (framework.server.limits: the per-address limit, which must be
checked before a request's body is read) and inside the conversation lock's script
(framework.store.locks: the per-sender limit, counted in the turn's first round trip: the
sender's counter carries the conversation's hash tag, so it lives in the same Redis
Cluster slot as the conversation's lock).
"""
from __future__ import annotations

import math
from dataclasses import dataclass


def counter_lua(key: str, window_ms: str) -> str:
    """Lua that counts one hit on `key` (a KEYS[i] expression) in a window of `window_ms`
    (an ARGV[j] expression), leaving the locals `count` and `ttl` (ms until it resets)."""
    return f"""
local count = redis.call('INCR', {key})
if count == 1 then redis.call('PEXPIRE', {key}, {window_ms}) end
local ttl = redis.call('PTTL', {key})
if ttl < 0 then redis.call('PEXPIRE', {key}, {window_ms}); ttl = tonumber({window_ms}) end
"""


def limit_key(prefix: str, scope: str, key: str) -> str:
    """Hash-tagged on `key`, so a sender's counter lives next to its conversation."""
    return f"{prefix}:rl:{scope}:{{{key}}}"


@dataclass(frozen=True)
class Limit:
    """At most `limit` hits per `window` seconds (`limit` <= 0: no limit)."""
    limit: int
    window: float

    @property
    def window_ms(self) -> int:
        return int(self.window * 1000)


class RateLimited(Exception):
    """Over the limit: `retry_after` seconds until the window resets (for `Retry-After`)."""

    def __init__(self, limit: Limit, count: int, ttl_ms: int) -> None:
        super().__init__(f"{count} hits, more than {limit.limit} in {limit.window:g}s")
        self.limit, self.count = limit, count
        self.retry_after = max(1, math.ceil(ttl_ms / 1000))
