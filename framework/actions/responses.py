"""Reading an action's JSON answer: `{"slots": {...}, "next": "state"?, "responses": [...]?}`."""
from __future__ import annotations

from typing import Any, Iterable

from framework.compile.machine import frozen_map
from framework.engine import ActionResult


def result_from_json(data: Any, allowed_slots: Iterable[str], action: str) -> ActionResult:
    """An ActionResult from a webhook's (or python function's) answer; any shape problem,
    or a slot the action may not set, is a failure that names what was wrong."""
    if data is None:
        return ActionResult(ok=True)
    if not isinstance(data, dict):
        return ActionResult.failure(f"{action}: expected a JSON object, found {type(data).__name__}")
    slots = data.get("slots") or {}
    next_state = data.get("next")
    responses = data.get("responses") or []
    if not isinstance(slots, dict):
        return ActionResult.failure(f"{action}: 'slots' must be an object")
    if next_state is not None and not isinstance(next_state, str):
        return ActionResult.failure(f"{action}: 'next' must be a state name")
    if not isinstance(responses, list) or not all(isinstance(r, str) for r in responses):
        return ActionResult.failure(f"{action}: 'responses' must be a list of strings")
    refused = sorted(set(slots) - set(allowed_slots))
    if refused:
        return ActionResult.failure(f"{action}: may not set slots {', '.join(refused)} (allowed: "
                                    f"{', '.join(sorted(allowed_slots)) or 'none'}; add them to `sets`)")
    return ActionResult(ok=True, slots=frozen_map(slots), next_state=next_state, responses=tuple(responses))
