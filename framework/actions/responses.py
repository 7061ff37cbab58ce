"""Reading an action's JSON answer: `{"slots": {...}, "next": "state"?, "responses": [...]?}`.

Anything else is a failure that says what was wrong, never a silent success: `null` (what a
Rasa SDK action server answers), a list, unknown keys, a slot the action may not set, or a
value that does not fit its slot's type ("not-a-number" for a number slot).
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from framework.compile.machine import Slot, frozen_map
from framework.engine import ActionResult
from framework.masking import masked_prefix
from framework.slots import parse_value

KEYS = ("slots", "next", "responses")
_JSON_TYPES = {dict: "an object", list: "a list", str: "text", bool: "a boolean", int: "a number",
               float: "a number", type(None): "null"}


def json_kind(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def result_from_json(data: Any, allowed_slots: Iterable[str], action: str,
                     slot_specs: Mapping[str, Slot] | None = None, *, allow_null: bool = False) -> ActionResult:
    """An ActionResult from a webhook's (or python function's) answer. `allow_null`: a python
    function may return None for "nothing to change"; a webhook must answer an object."""
    if data is None and allow_null:
        return ActionResult(ok=True)
    if not isinstance(data, dict):
        return ActionResult.failure(f"{action}: expected a JSON object {{\"slots\": {{...}}, \"next\"?, "
                                    f"\"responses\"?}}, found {json_kind(data)}")
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        return ActionResult.failure(f"{action}: unknown key{'s' if len(unknown) > 1 else ''} "
                                    f"{', '.join(repr(k) for k in unknown)} in the answer "
                                    f"(expected {', '.join(KEYS)})")
    slots = {} if data.get("slots") is None else data["slots"]
    next_state = data.get("next")
    responses = [] if data.get("responses") is None else data["responses"]
    if not isinstance(slots, dict):
        return ActionResult.failure(f"{action}: 'slots' must be an object, found {json_kind(slots)}")
    if next_state is not None and not isinstance(next_state, str):
        return ActionResult.failure(f"{action}: 'next' must be a state name, found {json_kind(next_state)}")
    if not isinstance(responses, list) or not all(isinstance(r, str) for r in responses):
        return ActionResult.failure(f"{action}: 'responses' must be a list of strings")
    refused = sorted(set(slots) - set(allowed_slots))
    if refused:
        return ActionResult.failure(f"{action}: may not set slots {', '.join(refused)} (allowed: "
                                    f"{', '.join(sorted(allowed_slots)) or 'none'}; add them to `sets`)")
    values = {}
    for name, value in slots.items():
        spec = (slot_specs or {}).get(name)
        ok, checked, problem = slot_value(spec, value) if spec is not None else (True, value, "")
        if not ok:
            return ActionResult.failure(f"{action}: slot '{name}' ({spec.type}) cannot take "
                                        f"{_shown(value)}: {problem}")
        values[name] = checked
    return ActionResult(ok=True, slots=frozen_map(values), next_state=next_state, responses=tuple(responses))


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else masked_prefix(text, 37, more="...")


def slot_value(slot: Slot, value: Any) -> tuple[bool, Any, str]:
    """(ok, the value to store, what is wrong) for a value an action sets; null unsets."""
    if value is None:
        return True, None, ""
    kind = slot.type
    if kind in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False, None, f"expected a JSON number, found {json_kind(value)}"
        if kind == "integer":
            if isinstance(value, float) and not value.is_integer():
                return False, None, "expected a whole number"
            value = int(value)
        low, high = slot.options.get("min"), slot.options.get("max")
        if low is not None and value < low:
            return False, None, f"must be at least {low}"
        if high is not None and value > high:
            return False, None, f"must be at most {high}"
        return True, value, ""
    if kind == "boolean":
        return (True, value, "") if isinstance(value, bool) else (False, None, f"expected true or false, found {json_kind(value)}")
    if not isinstance(value, str):
        return False, None, f"expected text, found {json_kind(value)}"
    # text, categorical (a synonym becomes its value), regex, id_number, phone, email, date (ISO)
    parsed = parse_value(slot, value)
    return (True, parsed.value, "") if parsed.ok else (False, None, parsed.error or "not a valid value")
