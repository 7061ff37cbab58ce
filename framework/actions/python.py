"""Calling a python action: `module:function`, looked up first as <domain dir>/<module>.py,
then as an importable module; or a name registered with `framework.actions.register`.

The function is `f(slots: dict, context: dict) -> dict`: a copy of the slots the action
`sends` (as a webhook's body), and the rest of what a webhook would receive (`action, sender_id, flow, state,
latest_message`). A function of one parameter gets the whole webhook request dict instead.
It may be sync or async, and returns what a webhook would answer (`{"slots": ...,
"next": ..., "responses": [...]}`) or None; raising is a failure (`on_failure`), except
`ActionRefused(404, "...")` (framework/actions/refusal.py) when the calling state maps 404
with `on_status`: a refusal, logged at INFO. Sync functions run in a worker thread so they
cannot stall the event loop.
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import time
from typing import Any, Callable, Collection, Mapping

from framework.actions.functions import positional_parameters, resolve_function
from framework.actions.refusal import ActionRefused
from framework.actions.responses import result_from_json
from framework.compile.machine import PythonAction, Slot
from framework.engine import ActionCall, ActionResult

log = logging.getLogger(__name__)

__all__ = ["call_python", "resolve_function"]


def _arguments(func: Callable[..., Any], request: dict) -> tuple:
    params = positional_parameters(func) or []
    if len(params) == 1:
        return (request,)
    context = {k: v for k, v in request.items() if k != "slots"}
    return dict(request["slots"]), context


def request_for(call: ActionCall, sends: tuple[str, ...] | None) -> dict:
    """The webhook request dict, its slots cut down to those the action `sends`."""
    request = call.request_json()
    if sends is not None:
        request["slots"] = {k: v for k, v in request["slots"].items() if k in sends}
    return request


async def call_python(action: PythonAction, call: ActionCall, domain_dir: str = "",
                      slot_specs: Mapping[str, Slot] | None = None,
                      refusals: Collection[int] = ()) -> ActionResult:
    """Never raises: an exception in the function is a failed action, an ActionRefused
    whose status is in `refusals` (the calling state's on_status) a refusal. `slot_specs`
    (the assistant's slots) type-check the values it sets."""
    started = time.monotonic()
    try:
        func = resolve_function(action.function, domain_dir)
        args = _arguments(func, request_for(call, action.sends))
        if inspect.iscoroutinefunction(func):
            answer = await func(*args)
        else:
            answer = await asyncio.to_thread(func, *args)
            if inspect.isawaitable(answer):
                answer = await answer
    except ActionRefused as err:
        error = f"{action.name}: refused with {err.status}" + (f": {err.message}" if err.message else "")
        if err.status in refusals:  # the state maps it: no failure
            log.info("python action %s (%.0f ms)", error, (time.monotonic() - started) * 1000)
            return ActionResult.failure(error, kind="refused", status=err.status)
        result = ActionResult.failure(error, status=err.status)
        _log_failure(result, started)
        return result
    except Exception as err:  # noqa: BLE001 - a broken action must not break the conversation
        result = ActionResult.failure(f"{action.name}: {type(err).__name__}: {err}")
        _log_failure(result, started, exc_info=True)
        return result
    result = result_from_json(answer, action.sets, action.name, slot_specs, allow_null=True)
    if not result.ok:
        _log_failure(result, started)
    return result


def _log_failure(result: ActionResult, started: float, exc_info: bool = False) -> None:
    """One WARNING per failed call, as for webhooks (records are masked where masking is on)."""
    log.warning("python action %s (%.0f ms)", result.error, (time.monotonic() - started) * 1000, exc_info=exc_info)
