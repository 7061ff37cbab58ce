"""ActionExecutor: runs the ActionCall the engine asks for, at the edge."""
from __future__ import annotations

from pathlib import Path

import aiohttp

from framework.actions.python import call_python
from framework.actions.rasa_sdk import call_rasa_sdk
from framework.actions.webhook import call_webhook
from framework.compile.machine import Assistant, CallAction, PythonAction, RasaSdkAction, WebhookAction
from framework.engine import ActionCall, ActionResult


class ActionExecutor:
    """`await executor(call) -> ActionResult`; never raises. Holds one aiohttp ClientSession
    (opened on the first webhook call) for connection reuse; close it with `await close()`
    or `async with ActionExecutor(...)`."""

    def __init__(self, assistant: Assistant, session: aiohttp.ClientSession | None = None):
        self.assistant = assistant
        # Resolved now: a relative source_dir must not depend on a later working directory.
        self.domain_dir = str(Path(assistant.source_dir).resolve()) if assistant.source_dir else ""
        self._session = session
        self._owns_session = session is None

    async def __call__(self, call: ActionCall) -> ActionResult:
        action = self.assistant.actions.get(call.action)
        if isinstance(action, (WebhookAction, RasaSdkAction)):
            if self._session is None or self._session.closed:
                self._session = aiohttp.ClientSession()
                self._owns_session = True
            if isinstance(action, RasaSdkAction):
                return await call_rasa_sdk(self._session, action, call, self.assistant)
            return await call_webhook(self._session, action, call, self.assistant.slots, self.refusals(call))
        if isinstance(action, PythonAction):
            return await call_python(action, call, self.domain_dir, self.assistant.slots, self.refusals(call))
        return ActionResult.failure(f"unknown action {call.action!r}")

    def refusals(self, call: ActionCall) -> frozenset[int]:
        """The statuses the calling state maps with `on_status`: refusals, not failures.
        (Rasa SDK actions answer events, not statuses: they have none.)"""
        flow = self.assistant.flows.get(call.flow)
        state = flow.states.get(call.state) if flow else None
        step = state.step if state else None
        return frozenset(step.on_status) if isinstance(step, CallAction) else frozenset()

    run = __call__

    async def close(self) -> None:
        if self._owns_session and self._session is not None and not self._session.closed:
            await self._session.close()

    async def __aenter__(self) -> "ActionExecutor":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()
