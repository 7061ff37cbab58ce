"""Idempotent delivery: a platform's message id is handled once, across all servers.

Chat platforms deliver at least once: WeChat resends a message (same MsgId) when our
answer is late or lost, Telegram resends an update (same update_id) until it gets a 2xx,
Slack resends an event (same event_id), and a captured signed request can be replayed
within its timestamp window. `claim` records the id with SET NX EX (one atomic step, so
two servers receiving the same delivery at once cannot both win); only the winner runs a
turn. A delivery whose turn failed before running is `release`d, so the platform's retry
is served instead of being dropped.

Keys: `df:<assistant>:dlv:<channel>:<id>`, kept `ttl` seconds (a day by default: longer
than any platform keeps retrying).
"""
from __future__ import annotations

from typing import Any

DEFAULT_TTL = 24 * 3600


class Deliveries:
    def __init__(self, client: Any, prefix: str, ttl: int = DEFAULT_TTL) -> None:
        self.client, self.prefix, self.ttl = client, prefix, ttl

    def key(self, channel: str, delivery_id: str) -> str:
        return f"{self.prefix}:dlv:{channel}:{delivery_id}"

    async def claim(self, channel: str, delivery_id: str) -> bool:
        """True the first time this delivery is seen (the caller runs its turn); False for
        a redelivery."""
        return bool(await self.client.set(self.key(channel, delivery_id), b"1", nx=True, ex=self.ttl))

    async def release(self, channel: str, delivery_id: str) -> None:
        """Forget a delivery whose turn did not run, so the platform's retry is served."""
        await self.client.delete(self.key(channel, delivery_id))
