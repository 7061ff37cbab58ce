"""Opening a Redis client from a URL: a single server or a Redis Cluster.

`redis+cluster://host:port` (or `cluster=True`) selects `RedisCluster`; every key the
framework writes carries a per-conversation hash tag, so all keys of one conversation
live in one slot and multi-key scripts work on a cluster too.
"""
from __future__ import annotations

from typing import Any

import redis.asyncio as redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# What "the store is unreachable" looks like: the server maps these to a 503.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError, ConnectionError)


class _ClusterClient(RedisCluster):
    """`RedisCluster` that learns the slot map before its first command is routed.

    redis-py 8 routes a command before the lazy first `initialize()` has finished: when a
    burst of commands reaches a fresh client at once (the first requests after start),
    some go to the startup node without their slot known, come back MOVED, and the
    re-initialisation that MOVED triggers disconnects connections other commands are
    using (`AttributeError: 'NoneType' object has no attribute 'writelines'`).
    `initialize()` is locked and a no-op once done, so awaiting it first is cheap.
    """

    async def execute_command(self, *args: Any, **kwargs: Any) -> Any:
        await self.initialize()
        return await super().execute_command(*args, **kwargs)


def open_redis(url: str, cluster: bool = False, max_connections: int = 64, pool_timeout: float = 5.0,
               **kwargs: Any) -> Any:
    """A client that fails fast when the server is down (the server answers 503 at once
    rather than hanging) and reconnects by itself when it is back.

    Two things a plain `Redis.from_url` gets wrong under load (issue 9, #4):

    - After a Redis restart every pooled connection is dead, and `from_url` builds its
      connections with no retry at all, so each one failed one request. Here a command
      (and a pipeline) that meets a closed connection is retried once, at once, on a fresh
      connection. Only `ConnectionError` is retried: a timeout may mean the command ran.
      When the server is really down the retry fails too, and quickly.
    - More requests in flight than the pool size got "Too many connections". The pool here
      is a `BlockingConnectionPool`: a request waits up to `pool_timeout` seconds for a
      connection to come back (back-pressure) instead of failing.
    """
    options: dict[str, Any] = dict(socket_connect_timeout=1.0, socket_timeout=2.0, health_check_interval=0)
    options.update(kwargs)
    if url.startswith("redis+cluster://"):
        url, cluster = "redis://" + url[len("redis+cluster://"):], True
    if cluster:
        return _ClusterClient.from_url(url, **options)
    options.setdefault("retry", Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)))
    options.setdefault("retry_on_error", [RedisConnectionError])
    pool = redis.BlockingConnectionPool.from_url(url, max_connections=max_connections, timeout=pool_timeout,
                                                 **options)
    return redis.Redis.from_pool(pool)


async def close_redis(client: Any) -> None:
    close = getattr(client, "aclose", None) or client.close
    await close()
