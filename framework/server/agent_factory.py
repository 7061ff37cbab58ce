"""The server's Agent: the edge loop (NLU -> engine -> actions) fed by the micro-batcher,
with actions sharing the server's HTTP client."""
from __future__ import annotations

from typing import Any, Awaitable, Callable


def build_agent(assistant: Any, parse: Callable[[str], Awaitable[Any]], session: Any, classifier: Any) -> Any:
    from framework.actions import ActionExecutor
    from framework.agent import Agent

    return Agent(assistant, parse, ActionExecutor(assistant, session))
