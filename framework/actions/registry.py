"""Python actions registered by name: `@register("lookup_balance")`."""
from __future__ import annotations

from typing import Any, Callable

_REGISTRY: dict[str, Callable[..., Any]] = {}


def register(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a function (sync or async) so a python action can name it as `function: name`."""
    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[name] = func
        return func
    return decorator


def registered(name: str) -> Callable[..., Any] | None:
    return _REGISTRY.get(name)
