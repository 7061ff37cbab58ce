"""A stored conversation meets a reloaded domain: what is kept and where it goes when its
flow or state no longer exists (framework/server/reload.py; docs/DESIGN.md "Hot reload").

The rule, chosen so that a conversation never lands in the middle of a flow it did not
start, and never crashes on a name that is gone:

- a flow on the stack whose flow, or whose current state, no longer exists is ended: its
  frame is taken off the stack (the frames below it, if any, go on), and the turn says so
  first with `utter_flow_changed` (the domain's response of that name, else a built-in
  text in the domain's language); the user's message is then handled as usual, so
  "I want a new card" starts the new version of the flow at once;
- slot values of slots the domain no longer declares are dropped;
- an action result awaited for an ended flow, or for an action that no longer exists,
  is dropped.

Frames, slots and states that still exist are untouched: a conversation in the middle of
a flow whose other states changed simply goes on with the new definitions.
"""
from __future__ import annotations

from typing import Any

FLOW_CHANGED = "utter_flow_changed"
FLOW_CHANGED_TEXT = {
    "zh": "抱歉，刚才的流程已更新，需要重新开始。",
    "en": "Sorry, what we were doing has just been updated and has to start again.",
}


def upgrade_session(state: Any, assistant: Any) -> tuple[Any, list[str]]:
    """(state fit for `assistant`, names of the flows ended). Returns `state` itself when
    nothing had to change (the common case: a cheap check per turn)."""
    ended = [f.flow for f in state.stack if not f.fits(assistant)]
    stale_slots = [name for name in state.slots if name not in assistant.slots]
    pending = state.pending_action
    stale_action = pending is not None and (pending.action not in assistant.actions or pending.flow in ended)
    if not (ended or stale_slots or stale_action):
        return state, []
    from framework.compile.machine import frozen_map

    return state.replace(
        stack=tuple(f for f in state.stack if f.fits(assistant)),
        slots=frozen_map({k: v for k, v in state.slots.items() if k in assistant.slots}),
        pending_action=None if stale_action else pending,
    ), ended


def flow_changed_text(assistant: Any) -> str:
    """The notice: the domain's own `utter_flow_changed` (first variant), else built-in."""
    from framework.engine.builtin_responses import language_code

    response = assistant.responses.get(FLOW_CHANGED)
    if response is not None and response.variants:
        return response.variants[0].text
    return FLOW_CHANGED_TEXT.get(language_code(assistant.language), FLOW_CHANGED_TEXT["en"])
