"""What the DingTalk and Feishu fakes share: the record of what the bot sent, the tokens
the platform issued (and can revoke), and an outage switch.

- `sent`: the messages received from the bot, {"via", "to", "text", "buttons", "body"};
  `texts()` takes their texts out; `delivered()` waits for them first (a late turn's
  replies are sent after the HTTP answer).
- `issue(prefix)`: a new access token, counted in `token_requests`; `expire_tokens()`: the
  platform rotated its tokens, every one issued so far is refused from now on.
- `fail_next(n)`: the next n sends get a gateway's HTML 502 page (`outage()` answers it).
- `start()` / `close()`: the fake's `app()` on a free loopback port, its URL in `base`.
"""
from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp.test_utils import TestServer


class FakePlatform:
    def __init__(self, sent: list | None = None) -> None:
        self.sent = sent if sent is not None else []
        self.tokens: set[str] = set()
        self.token_requests = 0
        self.failures = 0  # `fail_next` sends answer HTTP 502 (HTML)
        self.base = ""  # set by start(), or by whoever mounts app() under a prefix

    def app(self) -> web.Application:
        raise NotImplementedError

    async def start(self):
        self.server = TestServer(self.app())
        await self.server.start_server()
        self.base = str(self.server.make_url("")).rstrip("/")
        return self

    async def close(self) -> None:
        await self.server.close()

    def fail_next(self, sends: int) -> None:
        self.failures = sends

    def expire_tokens(self) -> None:
        """The platform rotated its tokens: the cached one is refused from now on."""
        self.tokens.clear()

    def texts(self) -> list[str]:
        texts = [m["text"] for m in self.sent]
        self.sent.clear()
        return texts

    async def delivered(self, count: int = 1) -> list[str]:
        """`texts()` once `count` messages have arrived, or after 4 seconds."""
        for _ in range(200):
            if len(self.sent) >= count:
                break
            await asyncio.sleep(0.02)
        return self.texts()

    def issue(self, prefix: str) -> str:
        self.token_requests += 1
        token = f"{prefix}{self.token_requests}"
        self.tokens.add(token)
        return token

    def outage(self) -> web.Response | None:
        """A gateway's HTML 502 page while `fail_next` sends remain; None otherwise."""
        if not self.failures:
            return None
        self.failures -= 1
        return web.Response(status=502, text="<html><body>502 Bad Gateway</body></html>", content_type="text/html")
