"""Sending a turn's replies through a platform's API, with retries (DingTalk, Feishu).

The user's message has been claimed and its turn has run when the replies go out, so a
failed send is not retried by the platform (its redelivery is a duplicate, answered without
a turn). Hence a reply whose send fails for a passing reason (a network error, a timeout,
an HTTP 5xx: `Transient`) is tried `ATTEMPTS` times, and one that still fails is one
WARNING line of the `framework.channels` logger, the HTTP answer staying a 200:

    dingtalk: reply 1 of 2 to <conversation> not delivered: /v1.0/robot/groupMessages/send answered 500: ...
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable

import aiohttp

from framework.channels.base import ChannelError
from framework.masking import masked_prefix

log = logging.getLogger("framework.channels")

ATTEMPTS = 3
PAUSES = (0.2, 1.0)  # seconds before the second and third attempts


class Transient(ChannelError):
    """A send that may succeed when tried again (HTTP 5xx)."""

    def __init__(self, detail: str) -> None:
        super().__init__(502, "platform_unavailable", detail)


async def read_json(resp: aiohttp.ClientResponse) -> Any:
    """The answer's JSON, or its text (cut to 200 characters) when it is not JSON: a proxy's
    HTML error page is a failed send to report, not an exception to crash on."""
    text = await resp.text(errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return masked_prefix(text, 200)


def seconds(value: Any, default: int = 7200) -> int:
    """A token's validity as the platform gave it, or `default` when it is not a number."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default


async def send_all(channel: str, to: str, replies: list[dict[str, Any]],
                   send: Callable[[dict[str, Any]], Awaitable[None]]) -> int:
    """Send each reply in order; the number delivered."""
    delivered = 0
    for number, reply in enumerate(replies, 1):
        for attempt in range(ATTEMPTS):
            try:
                await send(reply)
                delivered += 1
                break
            except (Transient, aiohttp.ClientError, asyncio.TimeoutError) as err:
                if attempt + 1 < ATTEMPTS:
                    await asyncio.sleep(PAUSES[attempt])
                    continue
                problem = err
            except ChannelError as err:  # refused: the same request would be refused again
                problem = err
            log.warning("%s: reply %d of %d to %s not delivered: %s", channel, number, len(replies), to,
                        getattr(problem, "detail", "") or repr(problem))
            break
    return delivered
