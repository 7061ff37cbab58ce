"""Conversation state in Redis: one JSON document per conversation, with a TTL.

Keys: `df:<assistant>:{<sender>}:state`, and the lock's `...:lock`, `...:queue` and
`...:waiters` (see `locks`). The braces are a Redis Cluster hash tag, so every key of a
conversation hashes to one slot (required for the scripts below, which touch several).
The sender's message counter `df:<assistant>:rl:sender:{<sender>}` (a rate limit, counted
by the checkout) carries the same tag.

Concurrency: `checkout(sender)` takes the conversation's lock in arrival order and reads
the state in the same round trip. A lock can be lost (its process stalled past the
lease), so `put` is fenced: it writes only while the caller's token still holds the lock,
otherwise raises `LockLost` instead of silently overwriting a newer state.

Personal data: the values of the domain's `pii` slots are sealed with AES-GCM before they
are written and the history is masked (see `privacy`); `get` and `checkout` give back the
opened state, so the engine never sees a sealed value.
"""
from __future__ import annotations

import asyncio
import json
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Iterable, Mapping, Sequence

from redis.asyncio.cluster import RedisCluster
from redis.exceptions import NoScriptError

from framework.masking import Masker
from framework.store.encryption import SlotCipher
from framework.store.locks import ConversationLocks, HeldLock, LockLost, LockTimeout
from framework.store.privacy import StatePrivacy
from framework.store.rate_limits import Limit, RateLimited, limit_key

__all__ = ["HeldLock", "Limit", "LockLost", "LockTimeout", "RateLimited", "SessionStore", "sanitize"]

# KEYS: lock, state  ARGV: token ('' = unlocked write), json, ttl_ms, release (1/0)
_FENCED_PUT = """
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
if ARGV[4] == '1' then redis.call('DEL', KEYS[1]) end
return 1
"""


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
        lock_timeout: float = 5.0,
        lock_wait: float = 10.0,
        pii_slots: Iterable[str] = (),
        cipher: SlotCipher | None = None,
        prune_every: float = 1.0,
    ) -> None:
        """`lock_timeout`: the lock's lease, renewed while a turn runs (a dead holder frees
        the conversation within it); `lock_wait`: how long a message waits in line with no
        progress before giving up; `pii_slots` are sealed with `cipher` when one is given;
        `prune_every`: seconds between two prunings of the active-sessions set by this process."""
        self.client = client
        self.prefix = f"df:{sanitize(assistant)}"
        self.ttl = int(ttl)
        self.history_limit = history_limit
        self.masker = masker  # None: transcripts are stored as said
        self.lock_timeout = lock_timeout
        self.privacy = StatePrivacy(self.prefix, pii_slots, cipher, masker)
        self.locks = ConversationLocks(client, self.key, lease=lock_timeout, wait=lock_wait,
                                       pipelines=not isinstance(client, RedisCluster))
        self._fenced_put = client.register_script(_FENCED_PUT)
        self._cluster = isinstance(client, RedisCluster)
        self.prune_every, self._pruned_at = prune_every, float("-inf")

    @property
    def lock_wait(self) -> float:
        return self.locks.wait

    @lock_wait.setter
    def lock_wait(self, seconds: float) -> None:
        self.locks.wait = seconds

    # ------------------------------------------------------------------ keys
    def key(self, sender_id: str, kind: str = "state") -> str:
        return f"{self.prefix}:{{{sender_id}}}:{kind}"

    @property
    def active_key(self) -> str:
        return f"{self.prefix}:active"

    # ------------------------------------------------------------------ state
    async def get(self, sender_id: str) -> dict[str, Any] | None:
        raw = await self.client.get(self.key(sender_id))
        return None if raw is None else self.privacy.open(json.loads(raw), sender_id)

    async def put(self, sender_id: str, state: Mapping[str, Any], lock: HeldLock | None = None,
                  secrets: Iterable[Any] = (), release: bool = False) -> None:
        """Save `state`; `secrets` (values of the domain's `pii` slots, e.g. a name no
        pattern recognises) are masked in the stored history too, when masking is on.
        `release=True` also frees `lock` in the same round trip (the turn is over)."""
        previous = None
        if lock is not None and lock.stored is not None:  # what is stored is already masked
            previous = self.privacy.open(json.loads(lock.stored), sender_id)
        data = self.privacy.prepare(state, sender_id, self.history_limit, secrets, previous=previous)
        keys = [self.key(sender_id, "lock"), self.key(sender_id)]
        args = [lock.token if lock else "", json.dumps(data, ensure_ascii=False), self.ttl * 1000,
                "1" if (release and lock) else "0"]
        if self._cluster:
            # redis-py's cluster pipeline refuses EVALSHA, so the fenced write (one slot: the
            # conversation's hash tag) and the active-sessions update (the active key's own
            # slot, maybe another node) go out side by side instead of in one pipeline.
            ok, _ = await asyncio.gather(self._fenced_put(keys=keys, args=args), self._record_activity(sender_id))
        else:
            ok = await self._write_and_record(keys, args, sender_id)
        if not ok:
            raise LockLost(f"lock on conversation {sender_id!r} expired before its state was saved")
        if lock is not None:
            lock.stored, lock.released = (None if release else args[1]), release

    async def _write_and_record(self, keys: list[str], args: list[Any], sender_id: str) -> Any:
        """One round trip: the fenced write, and the active-sessions set (a sorted set
        scored by last activity; another slot, so pipelined rather than in the script).

        EVALSHA is queued by hand: a registered script in a redis-py pipeline makes every
        `execute()` first send SCRIPT EXISTS and wait for it, a second round trip per turn
        (measured with benchmarks/turn_profile.py). A Redis that does not know the script
        (restarted, SCRIPT FLUSH) answers NOSCRIPT: load it and send the pipeline again
        (the active-set update is idempotent, and the refused write wrote nothing)."""
        for attempt in range(2):
            async with self.client.pipeline(transaction=False) as pipe:
                pipe.evalsha(self._fenced_put.sha, len(keys), *keys, *args)
                self._queue_activity(pipe, sender_id)
                results = await pipe.execute(raise_on_error=False)
            if isinstance(results[0], NoScriptError) and attempt == 0:
                self._fenced_put.sha = await self.client.script_load(_FENCED_PUT)
                continue
            failed = next((r for r in results if isinstance(r, Exception)), None)
            if failed is not None:
                raise failed
            return results[0]

    def _queue_activity(self, pipe: Any, sender_id: str) -> None:
        now = time.time()
        pipe.zadd(self.active_key, {sender_id: now})
        # Forget sessions past their timeout as we go, so the set stays bounded even when
        # nobody scrapes /metrics; at most once per `prune_every` seconds per process, not
        # every turn (the set then holds at most `prune_every` seconds of ended sessions).
        if now - self._pruned_at >= self.prune_every:
            self._pruned_at = now
            pipe.zremrangebyscore(self.active_key, "-inf", now - self.ttl)

    async def _record_activity(self, sender_id: str) -> None:
        async with self.client.pipeline(transaction=False) as pipe:  # both on one key: one slot
            self._queue_activity(pipe, sender_id)
            await pipe.execute()

    async def delete(self, sender_id: str) -> None:
        await self.client.delete(self.key(sender_id))

    async def touch(self, sender_id: str) -> None:
        """Keep a conversation alive without writing it (an answer from the cache): its
        TTL and its place in the active set, in one round trip (two side by side in a
        cluster, where the two keys may live on two nodes)."""
        if self._cluster:
            await asyncio.gather(self.client.pexpire(self.key(sender_id), self.ttl * 1000),
                                 self.client.zadd(self.active_key, {sender_id: time.time()}))
            return
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.pexpire(self.key(sender_id), self.ttl * 1000)
            pipe.zadd(self.active_key, {sender_id: time.time()})
            await pipe.execute()

    async def active_sessions(self) -> int:
        cutoff = time.time() - self.ttl
        await self.client.zremrangebyscore(self.active_key, "-inf", cutoff)
        return int(await self.client.zcard(self.active_key))

    # ------------------------------------------------------------------ locking
    @asynccontextmanager
    async def lock(self, sender_id: str) -> AsyncIterator[HeldLock]:
        async with self.locks.held(sender_id, read=False) as held:
            yield held

    @asynccontextmanager
    async def checkout(self, sender_id: str, prefetch: Sequence[str] = (),
                       limit: Limit | None = None) -> AsyncIterator[HeldLock]:
        """`lock` that also reads the state (`held.state`) in the same round trip; end
        the turn with `put(..., lock=held, release=True)`: two round trips a turn. The raw
        values of the keys in `prefetch` (an answer-cache entry) come in the first one too
        (`held.prefetched`), and so does the count of the sender's messages against
        `limit`: RateLimited, with nothing locked, when this message is over it."""
        counter = (limit_key(self.prefix, "sender", sender_id), limit) if limit is not None else None
        async with self.locks.held(sender_id, read=True, prefetch=prefetch, limit=counter) as held:
            if held.state is not None:
                held.state = self.privacy.open(held.state, sender_id)
            yield held

    async def ping(self) -> bool:
        return bool(await self.client.ping())
