"""Calling a webhook action over HTTP: the request of docs/DESIGN.md ("Webhook request"),
retries on timeouts, 5xx, 408/429 and connection errors, and one WARNING per failed call.

The request: `METHOD url` with the action's `{slot}` placeholders filled (URL-encoded) in
the URL, header values and query parameters; an `Idempotency-Key` header that is the same
for every retry of one call and new for the next call, so a backend can tell a retry from a
second order; a JSON body (the slots in the action's `sends`) except for GET and DELETE.

A failure is an ActionResult with `kind` "timeout" (the last attempt timed out: the step's
`on_timeout`) or "error" (anything else: `on_error`); both fall back to `on_failure`.

A refusal is a 4xx answer (not 408 or 429) whose status the calling state maps with
`on_status` (`refusals` here): the backend worked and said no (404 no such card), so it is
logged at INFO with the start of the answer's body, not at WARNING, and carries its status
for the engine. Its body's slots are not applied. The status classes follow RFC 9110
section 15 (4xx: the request was refused, and repeating it unchanged will not help; 5xx: the
server failed); 408 (RFC 9110 15.5.9) and 429 (RFC 6585 section 4) invite a later repeat, so
they are retried like 5xx and stay failures. Dialogflow CX offers the same distinction as a
condition on `$request.webhook_status_code` (its "Webhooks" concept page); `on_status` is
the declarative, validated form of it.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, Collection, Mapping

import aiohttp
from yarl import URL

from framework.actions.placeholders import MissingSlot, as_text, fill, url_encode
from framework.actions.python import request_for
from framework.actions.responses import result_from_json
from framework.compile.machine import RETRIED_4XX, Slot, WebhookAction, refusal_status
from framework.engine import ActionCall, ActionResult
from framework.masking import Masker, mask_values, masked_prefix

log = logging.getLogger(__name__)

BACKOFF_SECONDS = 0.1  # doubled after each failed attempt, at most MAX_BACKOFF
MAX_BACKOFF = 1.0
IDEMPOTENCY_HEADER = "Idempotency-Key"
BODILESS_METHODS = frozenset({"GET", "DELETE"})
RETRY_STATUSES = RETRIED_4XX  # and every 5xx
BODY_SHOWN = 120  # characters of a refusal's body in its INFO line
_MASKER = Masker()


@dataclass(frozen=True)
class WebhookRequest:
    method: str
    url: str
    headers: Mapping[str, str]
    params: Mapping[str, str]
    body: dict | None  # None: no body (GET, DELETE)

    def full_url(self) -> str:
        """The URL with its query parameters, as sent (for log lines)."""
        return str(URL(self.url, encoded=True).extend_query(dict(self.params))) if self.params else self.url


class _Failed(Exception):
    """One attempt's failure; `retry` says whether another attempt may help."""

    def __init__(self, message: str, kind: str = "error", status: int | None = None, retry: bool = False,
                 body: str = ""):
        super().__init__(message)
        self.kind, self.status, self.retry, self.body = kind, status, retry, body


def build_request(action: WebhookAction, call: ActionCall, idempotency_key: str) -> WebhookRequest:
    """The HTTP request for one call; raises MissingSlot when a placeholder's slot is unset
    and ValueError for a header value with a line break."""
    slots = call.slots
    headers = {IDEMPOTENCY_HEADER: idempotency_key}
    for name, template in action.headers.items():
        value = fill(template, slots)
        if "\r" in value or "\n" in value:
            raise ValueError(f"header {name!r} would contain a line break")
        headers[name] = value  # a declared Idempotency-Key header ("{order_no}") wins
    return WebhookRequest(
        method=action.method,
        url=fill(action.url, slots, url_encode),
        headers=headers,
        params={name: fill(template, slots) for name, template in action.query.items()},
        body=None if action.method in BODILESS_METHODS else request_for(call, action.sends),
    )


async def _attempt(session: aiohttp.ClientSession, action: WebhookAction,
                   request: WebhookRequest) -> tuple[int, Any]:
    """(status, the decoded JSON answer) of one attempt ({} for 204 No Content), or _Failed."""
    timeout = aiohttp.ClientTimeout(total=action.timeout)
    try:
        async with session.request(request.method, request.url, json=request.body, headers=dict(request.headers),
                                   params=dict(request.params) or None, timeout=timeout) as response:
            status = response.status
            if status >= 500 or status in RETRY_STATUSES:
                raise _Failed(f"HTTP {status}", status=status, retry=True)
            if not 200 <= status < 300:  # the body only for a refusal's log line
                raise _Failed(f"HTTP {status}", status=status, body=await response.text(errors="replace"))
            text = await response.text()
    except asyncio.TimeoutError:
        raise _Failed(f"timed out after {action.timeout:g}s", kind="timeout", retry=True) from None
    except aiohttp.ClientError as err:
        raise _Failed(f"{type(err).__name__}: {err}", retry=True) from None
    if status == 204:
        return status, {}
    if not text.strip():
        raise _Failed(f"HTTP {status} with an empty body; expected a JSON object", status=status)
    try:
        return status, json.loads(text)
    except json.JSONDecodeError:
        raise _Failed(f"HTTP {status}: the answer is not JSON ({masked_prefix(text, 40)!r})", status=status) from None


async def call_webhook(session: aiohttp.ClientSession, action: WebhookAction, call: ActionCall,
                       slot_specs: Mapping[str, Slot] | None = None,
                       refusals: Collection[int] = ()) -> ActionResult:
    """Never raises: every problem becomes ActionResult(ok=False, error=..., kind=...),
    logged once at WARNING (masked); a status in `refusals` (the calling state's
    `on_status`) is a refusal, logged at INFO. `slot_specs` (the assistant's slots)
    type-check the values the answer sets and say which values are personal data."""
    started = time.monotonic()
    try:
        request = build_request(action, call, uuid.uuid4().hex)  # one key per call, sent on each retry
    except MissingSlot as err:
        failure = _Failed(f"slot '{err.slot}' has no value for a placeholder in the URL, headers or query")
        return _failed(action, call, slot_specs, failure, f"{action.method} {action.url}", 0, started)
    except ValueError as err:
        return _failed(action, call, slot_specs, _Failed(str(err)), f"{action.method} {action.url}", 0, started)
    status, data, failure, attempts = await _send(session, action, request)
    if failure is not None and failure.status in refusals and refusal_status(failure.status):
        return _refused(action, call, slot_specs, failure, f"{request.method} {request.full_url()}", started)
    if failure is None:
        result = result_from_json(data, action.sets, action.name, slot_specs)
        if result.ok:
            log.debug("webhook %s answered in %.0f ms", action.name, (time.monotonic() - started) * 1000)
            return result
        failure = _Failed(result.error.removeprefix(f"{action.name}: "), status=status)
    return _failed(action, call, slot_specs, failure, f"{request.method} {request.full_url()}", attempts, started)


async def _send(session: aiohttp.ClientSession, action: WebhookAction,
                request: WebhookRequest) -> tuple[int | None, Any, _Failed | None, int]:
    """(status, answer, the last failure or None, attempts made): retries what may help,
    waiting BACKOFF_SECONDS, doubled after each failed attempt, at most MAX_BACKOFF."""
    failure = None
    for attempt in range(action.retries + 1):
        if attempt:
            await asyncio.sleep(min(BACKOFF_SECONDS * 2 ** (attempt - 1), MAX_BACKOFF))
        try:
            status, data = await _attempt(session, action, request)
            return status, data, None, attempt + 1
        except _Failed as err:
            failure = err
            log.debug("webhook %s attempt %d/%d: %s", action.name, attempt + 1, action.retries + 1, err)
            if not err.retry:
                return err.status, None, err, attempt + 1
    return failure.status, None, failure, action.retries + 1


def _failed(action: WebhookAction, call: ActionCall, slot_specs: Mapping[str, Slot] | None, failure: _Failed,
            where: str, attempts: int, started: float) -> ActionResult:
    """The one WARNING line of a failed call, and the failed ActionResult carrying it."""
    elapsed_ms = (time.monotonic() - started) * 1000
    message = _masked(f"{action.name}: {failure} ({where}, status {failure.status or 'none'}, "
                      f"{attempts} attempt{'s' if attempts != 1 else ''}, {elapsed_ms:.0f} ms)", call, slot_specs)
    log.warning("webhook %s", message)
    return ActionResult.failure(message, kind=failure.kind,
                                status=failure.status if refusal_status(failure.status) else None)


def _refused(action: WebhookAction, call: ActionCall, slot_specs: Mapping[str, Slot] | None, failure: _Failed,
             where: str, started: float) -> ActionResult:
    """The INFO line of a refusal the state maps (on_status), and the refused ActionResult."""
    elapsed_ms = (time.monotonic() - started) * 1000
    # masked before it is cut, so a cut cannot leave half a name unmasked
    body = _masked(" ".join(failure.body.split()), call, slot_specs)[:BODY_SHOWN]
    message = _masked(f"{action.name}: refused with {failure}{': ' + body if body else ''} "
                      f"({where}, {elapsed_ms:.0f} ms)", call, slot_specs)
    log.info("webhook %s", message)
    return ActionResult.failure(message, kind="refused", status=failure.status)


def _masked(text: str, call: ActionCall, slot_specs: Mapping[str, Slot] | None) -> str:
    """The log line without personal data: the masking patterns, and the values of pii slots."""
    secret = [as_text(v) for name, v in call.slots.items()
              if v is not None and slot_specs and name in slot_specs and slot_specs[name].pii]
    return _MASKER.mask(mask_values(text, secret + [url_encode(v) for v in secret]))
