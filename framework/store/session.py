"""Conversation state in Redis: one JSON document per conversation, with a TTL.

Keys: `df:<assistant>:{<sender>}:state` and `...:lock`. The braces are a Redis Cluster
hash tag, so both keys of a conversation hash to one slot (required for the fenced write
below, a two-key script).

Concurrency: two messages of one conversation may arrive at two server processes at once.
`lock(sender)` serialises them across processes (SET NX PX with a random token, released
by a compare-and-delete script). A lock can expire under a very slow turn, so `put` is
fenced: it writes only while the caller's token still holds the lock, otherwise raises
`LockLost` instead of silently overwriting a newer state.
"""
from __future__ import annotations

import asyncio
import json
import random
import secrets
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, AsyncIterator, Iterable, Mapping

from redis.asyncio.cluster import RedisCluster

from framework.masking import Masker, mask_values


class LockTimeout(Exception):
    """The conversation stayed locked by another turn for longer than we may wait."""


class LockLost(Exception):
    """Our lock expired before the state was written; the write was refused."""


_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# KEYS: lock, state  ARGV: token ('' = unlocked write), json, ttl_ms, release (1/0)
_FENCED_PUT = """
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
if ARGV[4] == '1' then redis.call('DEL', KEYS[1]) end
return 1
"""
# KEYS: lock, state  ARGV: token, lock ttl_ms. Take the lock and read the state in one trip.
_ACQUIRE_AND_GET = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, redis.call('GET', KEYS[2])}
end
return {0}
"""


@dataclass
class HeldLock:
    key: str
    token: str
    state: dict[str, Any] | None = None  # the state read when the lock was taken (checkout)
    released: bool = False


def sanitize(name: str) -> str:
    """Assistant names become key prefixes: keep them free of hash-tag braces."""
    return name.replace("{", "_").replace("}", "_").replace(":", "_")


class SessionStore:
    def __init__(
        self,
        client: Any,
        assistant: str,
        ttl: int = 1800,
        history_limit: int = 100,
        masker: Masker | None = None,
        lock_timeout: float = 30.0,
        lock_wait: float = 10.0,
    ) -> None:
        self.client = client
        self.prefix = f"df:{sanitize(assistant)}"
        self.ttl = int(ttl)
        self.history_limit = history_limit
        self.masker = masker  # None: transcripts are stored as said
        self.lock_timeout = lock_timeout
        self.lock_wait = lock_wait
        self._release = client.register_script(_RELEASE)
        self._fenced_put = client.register_script(_FENCED_PUT)
        self._acquire_and_get = client.register_script(_ACQUIRE_AND_GET)
        self._cluster = isinstance(client, RedisCluster)

    # ------------------------------------------------------------------ keys
    def key(self, sender_id: str, kind: str = "state") -> str:
        return f"{self.prefix}:{{{sender_id}}}:{kind}"

    @property
    def active_key(self) -> str:
        return f"{self.prefix}:active"

    # ------------------------------------------------------------------ state
    async def get(self, sender_id: str) -> dict[str, Any] | None:
        raw = await self.client.get(self.key(sender_id))
        return None if raw is None else json.loads(raw)

    async def put(self, sender_id: str, state: Mapping[str, Any], lock: HeldLock | None = None,
                  secrets: Iterable[Any] = (), release: bool = False) -> None:
        """Save `state`; `secrets` (values of the domain's `pii` slots, e.g. a name no
        pattern recognises) are masked in the stored history too, when masking is on.
        `release=True` also frees `lock` in the same round trip (the turn is over)."""
        data = self._prepare(state, secrets)
        keys = [self.key(sender_id, "lock"), self.key(sender_id)]
        args = [lock.token if lock else "", json.dumps(data, ensure_ascii=False), self.ttl * 1000,
                "1" if (release and lock) else "0"]
        if self._cluster:
            # redis-py's cluster pipeline refuses EVALSHA, so the fenced write (one slot: the
            # conversation's hash tag) and the active-sessions update (the active key's own
            # slot, maybe another node) go out side by side instead of in one pipeline.
            ok, _ = await asyncio.gather(self._fenced_put(keys=keys, args=args), self._record_activity(sender_id))
        else:
            # One round trip: the fenced write, and the active-sessions set (a sorted set
            # scored by last activity; another slot, so pipelined rather than in the script).
            async with self.client.pipeline(transaction=False) as pipe:
                await self._fenced_put(keys=keys, args=args, client=pipe)
                self._queue_activity(pipe, sender_id)
                ok, _, _ = await pipe.execute()
        if not ok:
            raise LockLost(f"lock on conversation {sender_id!r} expired before its state was saved")
        if release and lock:
            lock.released = True

    def _queue_activity(self, pipe: Any, sender_id: str) -> None:
        now = time.time()
        pipe.zadd(self.active_key, {sender_id: now})
        # Forget sessions past their timeout as we go, so the set stays bounded even
        # when nobody scrapes /metrics.
        pipe.zremrangebyscore(self.active_key, "-inf", now - self.ttl)

    async def _record_activity(self, sender_id: str) -> None:
        async with self.client.pipeline(transaction=False) as pipe:  # both on one key: one slot
            self._queue_activity(pipe, sender_id)
            await pipe.execute()

    async def delete(self, sender_id: str) -> None:
        await self.client.delete(self.key(sender_id))

    async def touch(self, sender_id: str) -> None:
        await self.client.pexpire(self.key(sender_id), self.ttl * 1000)
        await self.client.zadd(self.active_key, {sender_id: time.time()})

    async def active_sessions(self) -> int:
        cutoff = time.time() - self.ttl
        await self.client.zremrangebyscore(self.active_key, "-inf", cutoff)
        return int(await self.client.zcard(self.active_key))

    def _prepare(self, state: Mapping[str, Any], secrets: Iterable[Any] = ()) -> dict[str, Any]:
        data = dict(state)
        history = data.get("history")
        if isinstance(history, list):
            if self.history_limit and len(history) > self.history_limit:
                history = history[-self.history_limit:]
            if self.masker is not None:
                history = self.masker.mask_tree(history)
                secrets = [v for v in secrets if isinstance(v, str) and len(v) >= 2]
                if secrets:
                    history = json.loads(mask_values(json.dumps(history, ensure_ascii=False), secrets))
            data["history"] = history
        return data

    # ------------------------------------------------------------------ locking
    @asynccontextmanager
    async def lock(self, sender_id: str) -> AsyncIterator[HeldLock]:
        async with self._locked(sender_id, read=False) as held:
            yield held

    @asynccontextmanager
    async def checkout(self, sender_id: str) -> AsyncIterator[HeldLock]:
        """`lock` that also reads the state (`held.state`) in the same round trip; end
        the turn with `put(..., lock=held, release=True)`: two round trips a turn."""
        async with self._locked(sender_id, read=True) as held:
            yield held

    async def _try_lock(self, sender_id: str, key: str, token: str, read: bool) -> HeldLock | None:
        ttl_ms = int(self.lock_timeout * 1000)
        if not read:
            return HeldLock(key, token) if await self.client.set(key, token, nx=True, px=ttl_ms) else None
        result = await self._acquire_and_get(keys=[key, self.key(sender_id)], args=[token, ttl_ms])
        if not result[0]:
            return None
        raw = result[1] if len(result) > 1 else None
        return HeldLock(key, token, None if raw is None else json.loads(raw))

    @asynccontextmanager
    async def _locked(self, sender_id: str, read: bool) -> AsyncIterator[HeldLock]:
        key, token = self.key(sender_id, "lock"), secrets.token_hex(8)
        deadline = time.monotonic() + self.lock_wait
        delay = 0.002
        while (held := await self._try_lock(sender_id, key, token, read)) is None:
            if time.monotonic() > deadline:
                raise LockTimeout(f"conversation {sender_id!r} is busy")
            # Jittered backoff, capped low: a turn holds the lock for milliseconds.
            await asyncio.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.01)
        try:
            yield held
        finally:
            # Shielded: a cancelled request must still free the conversation. If Redis is
            # gone the lock expires by itself; the caller's own error is the one to report.
            if not held.released:
                try:
                    await asyncio.shield(self._release(keys=[key], args=[token]))
                except Exception:
                    pass

    async def ping(self) -> bool:
        return bool(await self.client.ping())
