"""Executing the actions a flow calls: HTTP webhooks (aiohttp client) and Python functions.

The names below are imported lazily, so the validator can use `framework.actions.placeholders`
and `framework.actions.functions` without loading aiohttp or the engine.
"""
from __future__ import annotations

from typing import Any

__all__ = ["ActionExecutor", "ActionRefused", "register"]


def __getattr__(name: str) -> Any:
    if name == "ActionExecutor":
        from framework.actions.executor import ActionExecutor

        return ActionExecutor
    if name == "ActionRefused":
        from framework.actions.refusal import ActionRefused

        return ActionRefused
    if name == "register":
        from framework.actions.registry import register

        return register
    raise AttributeError(f"module 'framework.actions' has no attribute {name!r}")
