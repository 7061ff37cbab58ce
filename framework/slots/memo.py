"""`IdentityMemo`: a value computed once per object, for the frozen but unhashable spec
objects (an `Assistant`, a `Slot`: they hold MappingProxyType, so `functools.lru_cache`
cannot key them). Keyed by identity; an entry is dropped when its object is collected,
so a hot reload (framework.server.reload), which builds new objects, starts afresh and
the old version's entries go with it.
"""
from __future__ import annotations

import weakref
from typing import Any, Callable, Generic, TypeVar

T = TypeVar("T")


class IdentityMemo(Generic[T]):
    def __init__(self, build: Callable[[Any], T]) -> None:
        self.build = build
        self._entries: dict[int, tuple[weakref.ref, T]] = {}

    def __call__(self, obj: Any) -> T:
        key = id(obj)
        entry = self._entries.get(key)
        if entry is not None and entry[0]() is obj:
            return entry[1]
        value = self.build(obj)
        self._entries[key] = (weakref.ref(obj), value)
        # Runs before the id can be reused by another object.
        weakref.finalize(obj, self._entries.pop, key, None)
        return value

    def __len__(self) -> int:
        return len(self._entries)
