"""Per-conversation locks in Redis: served in arrival order, held on a renewed lease.

Two messages of one conversation may reach two server processes at once; only one turn
may read, change and write its state at a time. Three keys per conversation, all under
the conversation's hash tag (one Redis Cluster slot, so one script may touch them all):

- `...:lock`: the holder's random token, set with a short lease (`lease`, 5 s) that a
  background task renews every third of it while the turn runs (started at the first
  renewal, so a turn shorter than a third of the lease creates no task). A killed process
  stops renewing, so its conversations are free again within one lease, not after a long
  TTL.
- `...:queue`: the tokens of the waiting turns in arrival order (a list). Only the head of
  the queue may take the lock, so a later message never overtakes an earlier one.
- `...:waiters`: token -> deadline (ms, Redis clock) of each waiter, pushed back at every
  poll. A waiter whose process died stops polling; once its deadline passes, the next
  poll of anyone behind it drops it from the queue, so a dead waiter blocks nobody.

A waiter gives up (`LockTimeout`, a 503 for the caller) only after `wait` seconds *without
progress*: each turn served ahead of it restarts the clock, so one sender's five messages
behind a slow webhook are all answered, in order.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import random
import secrets
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable, Sequence

from redis.exceptions import NoScriptError

from framework.store.rate_limits import Limit, RateLimited, counter_lua


class LockTimeout(Exception):
    """The conversation stayed locked by other turns, with no progress, for too long."""


class LockLost(Exception):
    """Our lease expired before the state was written; the write was refused."""


@dataclass
class HeldLock:
    key: str
    token: str
    state: dict[str, Any] | None = None  # the state read when the lock was taken (checkout)
    released: bool = False
    stored: str | bytes | None = None  # that state as Redis holds it (the caller may change `state`)
    prefetched: dict[str, Any] = field(default_factory=dict)  # key -> raw value read in the same round trip


# KEYS: lock, state, queue, waiters[, the sender's rate counter]
# ARGV: token, lease_ms, waiter_ttl_ms, read (1/0)[, limit, window_ms]
# -> {1, state?} taken; {0, position} still waiting (0: at the head); {-1, count, ttl_ms}
# over the sender's rate limit (counted on the first try only; nothing taken, not queued).
_TAKE_IN_TURN = """
redis.replicate_commands()
if KEYS[5] then""" + counter_lua("KEYS[5]", "ARGV[6]") + """  if count > tonumber(ARGV[5]) then return {-1, count, ttl} end
end
local token = ARGV[1]
-- Nobody waiting (the usual case): just take the lock, one write as without a queue.
if redis.call('LLEN', KEYS[3]) == 0 and redis.call('SET', KEYS[1], token, 'NX', 'PX', ARGV[2]) then
  if ARGV[4] == '1' then return {1, redis.call('GET', KEYS[2])} end
  return {1}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('HSET', KEYS[4], token, now + tonumber(ARGV[3])) == 1 then
  redis.call('RPUSH', KEYS[3], token)
end
redis.call('PEXPIRE', KEYS[3], 4 * tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[4], 4 * tonumber(ARGV[3]))
local head = redis.call('LINDEX', KEYS[3], 0)
while head and head ~= token do
  local deadline = tonumber(redis.call('HGET', KEYS[4], head) or '0')
  if deadline >= now then break end
  redis.call('LPOP', KEYS[3])
  redis.call('HDEL', KEYS[4], head)
  head = redis.call('LINDEX', KEYS[3], 0)
end
if head ~= token then
  return {0, redis.call('LPOS', KEYS[3], token) or -1}
end
if not redis.call('SET', KEYS[1], token, 'NX', 'PX', ARGV[2]) then return {0, 0} end
redis.call('LPOP', KEYS[3])
redis.call('HDEL', KEYS[4], token)
if ARGV[4] == '1' then return {1, redis.call('GET', KEYS[2])} end
return {1}
"""
# KEYS: queue, waiters  ARGV: token. A waiter that gives up leaves the queue.
_LEAVE_QUEUE = """
redis.call('LREM', KEYS[1], 0, ARGV[1])
return redis.call('HDEL', KEYS[2], ARGV[1])
"""
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class ConversationLocks:
    def __init__(self, client: Any, key: Callable[[str, str], str], lease: float = 5.0, wait: float = 10.0,
                 waiter_ttl: float | None = None, pipelines: bool = True) -> None:
        """`pipelines=False` (a Redis Cluster: redis-py's cluster pipeline refuses EVALSHA)
        reads prefetched keys in requests of their own, side by side with the take."""
        self.client, self.key = client, key
        self.lease, self.wait = lease, wait
        # How long a silent waiter keeps its place: polls come every few ms, so a second
        # of silence means its process is gone (or its event loop is stalled).
        self.waiter_ttl = waiter_ttl if waiter_ttl is not None else max(1.0, min(lease, 5.0))
        self.pipelines = pipelines
        self._take = client.register_script(_TAKE_IN_TURN)
        self._leave = client.register_script(_LEAVE_QUEUE)
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)

    async def _try(self, sender_id: str, token: str, read: bool, prefetch: Sequence[str] = (),
                   limit: tuple[str, Limit] | None = None) -> tuple[HeldLock | None, int]:
        """One take attempt; with `limit` (the counter's key, the limit) it also counts the
        message, and raises RateLimited instead of taking or queueing when it is over."""
        keys = [self.key(sender_id, "lock"), self.key(sender_id, "state"),
                self.key(sender_id, "queue"), self.key(sender_id, "waiters")]
        args = [token, int(self.lease * 1000), int(self.waiter_ttl * 1000), "1" if read else "0"]
        if limit is not None and limit[1].limit > 0:
            keys.append(limit[0])
            args += [limit[1].limit, limit[1].window_ms]
        if prefetch:
            result, values = await self._take_and_get(keys, args, prefetch)
        else:
            result, values = await self._take(keys=keys, args=args), []
        if result[0] == -1:
            raise RateLimited(limit[1], int(result[1]), int(result[2]))
        if not result[0]:
            return None, int(result[1])
        raw = result[1] if len(result) > 1 else None
        return HeldLock(keys[0], token, None if raw is None else json.loads(raw), stored=raw,
                        prefetched=dict(zip(prefetch, values))), -1

    async def _take_and_get(self, keys: list[str], args: list[Any], prefetch: Sequence[str]) -> tuple[Any, list]:
        """The take and GETs of `prefetch` (keys of other slots, e.g. an answer-cache entry)
        in one round trip: a pipeline with EVALSHA queued by hand (a registered script would
        make redis-py send SCRIPT EXISTS first), NOSCRIPT answered by loading the script."""
        if not self.pipelines:
            result, *values = await asyncio.gather(self._take(keys=keys, args=args),
                                                   *(self.client.get(k) for k in prefetch))
            return result, values
        for attempt in range(2):
            async with self.client.pipeline(transaction=False) as pipe:
                pipe.evalsha(self._take.sha, len(keys), *keys, *args)
                for k in prefetch:
                    pipe.get(k)
                result, *values = await pipe.execute(raise_on_error=False)
            if isinstance(result, NoScriptError) and attempt == 0:
                self._take.sha = await self.client.script_load(_TAKE_IN_TURN)
                continue
            failed = next((r for r in [result, *values] if isinstance(r, Exception)), None)
            if failed is not None:
                raise failed
            return result, values
        raise AssertionError("unreachable")

    @asynccontextmanager
    async def held(self, sender_id: str, read: bool, prefetch: Sequence[str] = (),
                   limit: tuple[str, Limit] | None = None) -> AsyncIterator[HeldLock]:
        """The conversation's lock (and its state when `read`); the raw values of the keys
        in `prefetch` are read in the same round trip (`held.prefetched`). With `limit`
        (a rate counter's key and its limit) the message is counted in that round trip too,
        once however long it waits, and RateLimited is raised (nothing held) when over it."""
        token = secrets.token_hex(8)
        lock = await self._acquire(sender_id, token, read, prefetch, limit)
        # The renewing task starts only when the turn is still running at the first renewal
        # (a third of the lease, as it always renewed): a turn of milliseconds, the usual
        # case, creates and cancels no task, only a timer handle.
        loop = asyncio.get_running_loop()
        renewal: list[asyncio.Task] = []
        timer = loop.call_later(self.lease / 3, lambda: renewal.append(loop.create_task(self._keep_renewed(lock))))
        try:
            yield lock
        finally:
            timer.cancel()
            for task in renewal:
                task.cancel()
            interrupted = None
            if renewal:  # the renewal ends with the turn (a cancelled task may take a few loop turns)
                try:
                    # Bounded: a renewal whose cancellation a Redis client swallowed still sees
                    # it (_keep_renewed), and the release below ends it in any case.
                    await asyncio.wait(renewal, timeout=self.lease)
                except asyncio.CancelledError as stop:
                    interrupted = stop  # the release below must still happen
            # Shielded: a cancelled request must still free the conversation. If Redis is
            # gone the lease runs out by itself; the caller's own error is the one to report.
            if not lock.released:
                with contextlib.suppress(Exception):
                    await asyncio.shield(self._release(keys=[lock.key], args=[token]))
            if interrupted is not None:
                raise interrupted

    async def _acquire(self, sender_id: str, token: str, read: bool, prefetch: Sequence[str] = (),
                       limit: tuple[str, Limit] | None = None) -> HeldLock:
        deadline = time.monotonic() + self.wait
        position, delay = None, 0.002
        try:
            while True:
                held, now_at = await self._try(sender_id, token, read, prefetch, limit)
                limit = None  # counted on the first try only, however long the wait
                if held is not None:
                    return held
                if position is None or now_at < position:  # progress: the clock starts again
                    position, deadline = now_at, time.monotonic() + self.wait
                if time.monotonic() > deadline:
                    raise LockTimeout(f"conversation {sender_id!r} is busy")
                # Jittered backoff, capped low: a turn usually holds the lock for milliseconds.
                await asyncio.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 0.02)
        except RateLimited:
            raise  # refused before it was queued: nothing to leave
        except BaseException:
            with contextlib.suppress(Exception):
                await asyncio.shield(self._leave(keys=[self.key(sender_id, "queue"), self.key(sender_id, "waiters")],
                                                 args=[token]))
            raise

    async def _keep_renewed(self, lock: HeldLock) -> None:
        """Renews now (a third of the lease after the take), then every third of it."""
        lease_ms = int(self.lease * 1000)
        me = asyncio.current_task()
        # `cancelling()` as well as the CancelledError: a cancellation that arrives inside a
        # Redis call may be swallowed by the client (seen once in a full test run: the turn's
        # end then waited for this loop for 12 minutes), but it still counts here.
        while not lock.released and not (me is not None and me.cancelling()):
            try:
                if not await self._renew(keys=[lock.key], args=[lock.token, lease_ms]):
                    return  # lost (or released by the final write): the fenced write will tell
            except Exception:
                pass  # Redis unreachable for now: try again; the lease may still hold
            await asyncio.sleep(self.lease / 3)
