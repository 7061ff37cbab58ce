"""Session persistence in Redis (an embedded redis-server by default; same code path)."""
from framework.store.client import UNAVAILABLE_ERRORS, close_redis, open_redis
from framework.store.embedded import EmbeddedRedis
from framework.store.rate_limits import Limit, RateLimited
from framework.store.session import HeldLock, LockLost, LockTimeout, SessionStore

__all__ = ["EmbeddedRedis", "HeldLock", "Limit", "LockLost", "LockTimeout", "RateLimited", "SessionStore",
           "UNAVAILABLE_ERRORS", "close_redis", "open_redis"]
