"""Calling a webhook action over HTTP with retries on timeouts, 5xx and connection errors."""
from __future__ import annotations

import asyncio
import json
import logging

import aiohttp

from framework.actions.responses import result_from_json
from framework.compile.machine import WebhookAction
from framework.engine import ActionCall, ActionResult

log = logging.getLogger(__name__)

BACKOFF_SECONDS = 0.1  # doubled after each failed attempt, at most MAX_BACKOFF
MAX_BACKOFF = 1.0


class _Retryable(Exception):
    pass


async def _attempt(session: aiohttp.ClientSession, action: WebhookAction, body: dict) -> ActionResult:
    timeout = aiohttp.ClientTimeout(total=action.timeout)
    async with session.request(action.method, action.url, json=body, headers=dict(action.headers),
                               timeout=timeout) as response:
        if response.status >= 500:
            raise _Retryable(f"HTTP {response.status}")
        if not 200 <= response.status < 300:
            return ActionResult.failure(f"{action.name}: HTTP {response.status} from {action.url}")
        text = await response.text()
    try:
        data = json.loads(text) if text.strip() else None
    except json.JSONDecodeError:
        return ActionResult.failure(f"{action.name}: the response is not JSON")
    return result_from_json(data, action.sets, action.name)


async def call_webhook(session: aiohttp.ClientSession, action: WebhookAction, call: ActionCall) -> ActionResult:
    """Never raises: every problem becomes ActionResult(ok=False, error=...)."""
    body = call.request_json()
    error = "not attempted"
    for attempt in range(action.retries + 1):
        if attempt:
            await asyncio.sleep(min(BACKOFF_SECONDS * 2 ** (attempt - 1), MAX_BACKOFF))
        try:
            return await _attempt(session, action, body)
        except asyncio.TimeoutError:
            error = f"timed out after {action.timeout:g}s"
        except _Retryable as err:
            error = str(err)
        except aiohttp.ClientError as err:
            error = f"{type(err).__name__}: {err}"
        log.warning("webhook %s attempt %d/%d failed: %s", action.name, attempt + 1, action.retries + 1, error)
    return ActionResult.failure(f"{action.name}: {error} ({action.method} {action.url}, "
                                f"{action.retries + 1} attempt{'s' if action.retries else ''})")
