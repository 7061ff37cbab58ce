"""Where a test's webhooks go: answers declared in the test, served by a real local aiohttp
server, or the domain's demo backend (domains/<name>/backend.py) on a free loopback port.

The requests go through the product's own webhook client (framework.actions.webhook), so a
test exercises the same URL, headers, body, retries and response checks as production. Only
the webhook URLs are pointed elsewhere: an answered action's at this server, an unanswered
one on this machine at the demo backend; a remote URL is left as it is.
"""
from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import Mapping
from urllib.parse import urlsplit, urlunsplit

from aiohttp import web

from framework.compile.machine import Assistant, WebhookAction
from framework.convtest.cases import WebhookAnswer
from framework.actions.demo_backend import _LOCAL_HOSTS, bound_port

ANSWERS = web.AppKey("answers", dict)
CALLS = web.AppKey("calls", list)


async def _answer(request: web.Request) -> web.StreamResponse:
    action = request.match_info["action"]
    calls = request.app[CALLS]
    answers = request.app[ANSWERS].get(action)
    calls.append(action)
    if not answers:
        return web.json_response({"error": f"no answer declared for {action}"}, status=501)
    answer: WebhookAnswer = answers[min(sum(c == action for c in calls) - 1, len(answers) - 1)]
    if answer.delay:
        await asyncio.sleep(answer.delay)
    if answer.json is None:
        return web.Response(status=answer.status)
    return web.Response(status=answer.status, text=json.dumps(answer.json, ensure_ascii=False),
                        content_type="application/json")


def init() -> web.Application:
    app = web.Application()
    app[ANSWERS] = {}
    app[CALLS] = []
    app.router.add_route("*", "/{action}", _answer)
    return app


class FixtureServer:
    """The answering server, started once per run; `use(answers)` before each test."""

    def __init__(self) -> None:
        self.app = init()
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> "FixtureServer":
        self.runner = web.AppRunner(self.app, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{bound_port(self.runner)}"
        return self

    def use(self, answers: Mapping[str, tuple[WebhookAnswer, ...]]) -> None:
        # Changed in place: a started aiohttp app's own state may not be replaced.
        self.app[ANSWERS].clear()
        self.app[ANSWERS].update(answers)
        self.app[CALLS].clear()

    async def close(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


def _rebase(url: str, base: str) -> str:
    """`url` with its scheme and host:port taken from `base` (the path and its {slot}s kept)."""
    parts, new = urlsplit(url), urlsplit(base)
    return urlunsplit((new.scheme, new.netloc, parts.path, parts.query, parts.fragment))


def is_local(url: str) -> bool:
    try:
        return urlsplit(url).hostname in _LOCAL_HOSTS
    except ValueError:
        return False


def route_webhooks(assistant: Assistant, answered: Mapping[str, object], fixture_url: str,
                   backend_url: str | None) -> Assistant:
    """The assistant with its webhook URLs pointed at the fixture server or the demo backend."""
    actions = {}
    for name, action in assistant.actions.items():
        if isinstance(action, WebhookAction):
            if name in answered:
                # The declared answer stands in for the whole endpoint: no path, no query.
                action = dataclasses.replace(action, url=f"{fixture_url}/{name}", query={})
            elif backend_url and is_local(action.url):
                action = dataclasses.replace(action, url=_rebase(action.url, backend_url))
        actions[name] = action
    return dataclasses.replace(assistant, actions=actions)
