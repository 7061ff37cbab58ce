"""Executing the actions a flow calls: HTTP webhooks (aiohttp client) and Python functions."""
from framework.actions.executor import ActionExecutor
from framework.actions.registry import register

__all__ = ["ActionExecutor", "register"]
