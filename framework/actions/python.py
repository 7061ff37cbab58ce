"""Calling a python action: `module:function`, looked up first as <domain dir>/<module>.py,
then as an importable module; or a name registered with `framework.actions.register`.

The function is `f(slots: dict, context: dict) -> dict`: a copy of the session's slots,
and the rest of what a webhook would receive (`action, sender_id, flow, state,
latest_message`). A function of one parameter gets the whole webhook request dict instead.
It may be sync or async, and returns what a webhook would answer (`{"slots": ...,
"next": ..., "responses": [...]}`) or None; raising is a failure (`on_failure`). Sync
functions run in a worker thread so they cannot stall the event loop.
"""
from __future__ import annotations

import asyncio
import hashlib
import importlib
import importlib.util
import inspect
import logging
import sys
from pathlib import Path
from typing import Any, Callable

from framework.actions.registry import registered
from framework.actions.responses import result_from_json
from framework.compile.machine import PythonAction
from framework.engine import ActionCall, ActionResult

log = logging.getLogger(__name__)


def _domain_module(domain_dir: str, module: str):
    path = Path(domain_dir, *module.split(".")).with_suffix(".py")
    if not domain_dir or not path.is_file():
        return None
    # A private, per-domain module name: two domains may both have an actions.py.
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
    name = f"_dialog_domain_{digest}_{module.replace('.', '_')}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    try:
        spec.loader.exec_module(mod)
    except BaseException:
        del sys.modules[name]
        raise
    return mod


def resolve_function(reference: str, domain_dir: str = "") -> Callable[..., Any]:
    """The callable a python action names; raises LookupError saying what was tried."""
    if ":" not in reference:
        func = registered(reference)
        if func is None:
            raise LookupError(f"no python action registered as {reference!r} (use @register({reference!r}) "
                              "or write 'module:function')")
        return func
    module_name, _, func_name = reference.partition(":")
    module = _domain_module(domain_dir, module_name)
    if module is None:
        try:
            module = importlib.import_module(module_name)
        except ImportError as err:
            raise LookupError(f"cannot find module {module_name!r} in {domain_dir or '.'} or on sys.path: {err}") from err
    func = getattr(module, func_name, None)
    if not callable(func):
        raise LookupError(f"module {module_name!r} has no function {func_name!r}")
    return func


def _arguments(func: Callable[..., Any], request: dict) -> tuple:
    try:
        params = [p for p in inspect.signature(func).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]
    except (TypeError, ValueError):
        params = []
    if len(params) == 1:
        return (request,)
    context = {k: v for k, v in request.items() if k != "slots"}
    return dict(request["slots"]), context


async def call_python(action: PythonAction, call: ActionCall, domain_dir: str = "") -> ActionResult:
    """Never raises: an exception in the function is a failed action."""
    try:
        func = resolve_function(action.function, domain_dir)
        args = _arguments(func, call.request_json())
        if inspect.iscoroutinefunction(func):
            answer = await func(*args)
        else:
            answer = await asyncio.to_thread(func, *args)
            if inspect.isawaitable(answer):
                answer = await answer
    except Exception as err:  # noqa: BLE001 - a broken action must not break the conversation
        log.exception("python action %s failed", action.name)
        return ActionResult.failure(f"{action.name}: {type(err).__name__}: {err}")
    return result_from_json(answer, action.sets, action.name)
