"""The server's Agent: the edge loop (NLU -> engine -> actions) fed by the micro-batcher,
with actions sharing the server's HTTP client."""
from __future__ import annotations

from typing import Any, Awaitable, Callable


def build_agent(assistant: Any, parse: Callable[[str], Awaitable[Any]], session: Any, classifier: Any,
                demo_backend: tuple[Any, int] | None = None) -> Any:
    """`demo_backend`: (domain directory, port) of `serve --demo-backend`; the webhooks that call the
    backend's usual port call that port (framework.actions.demo_backend.follow_backend_port)."""
    from framework.actions import ActionExecutor
    from framework.agent import Agent

    calls = assistant
    if demo_backend is not None:
        from framework.actions.demo_backend import default_port, follow_backend_port

        calls = follow_backend_port(assistant, default_port(demo_backend[0], assistant), demo_backend[1])
    return Agent(assistant, parse, ActionExecutor(calls, session))
