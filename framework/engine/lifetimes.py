"""How long a slot lives.

- The slots a flow owns (those it collects and those its actions set) are cleared when the
  flow ends, however it ends (END, cancel, handoff, a link to another flow, running out of
  attempts), so a second run of the same flow asks again and another flow never answers
  with the first one's card number. Kept: slots declared `persist: true` in the domain,
  slots the flow lists under `keep:`, and slots a flow still on the stack (or the flow a
  link leads to) uses.
- PII slots (`pii: true`) are erased at the end of every turn in which no active flow uses
  them, so personal data given outside a flow ("hi, I'm Jane") is not stored either.
  A slot's own `persist: true` wins over `pii` (the author asked for the slot to be kept);
  a flow's `keep:` does not.

"Uses" is framework.compile.sends.flow_slots: collected, set by its actions, read by its
conditions, or said by its responses, the same rule that decides what a webhook receives.
"""
from __future__ import annotations

from framework.compile.machine import Assistant, CallAction, Collect, Flow
from framework.compile.sends import flow_slots
from framework.engine.context import TurnContext


def owned_slots(assistant: Assistant, flow: Flow) -> set[str]:
    """The slots a run of `flow` fills: its collect steps' and its actions' `sets`."""
    owned: set[str] = set()
    for state in flow.states.values():
        step = state.step
        if isinstance(step, Collect):
            owned.add(step.slot)
        elif isinstance(step, CallAction) and step.action in assistant.actions:
            owned |= set(assistant.actions[step.action].sets)
    return owned


def used_slots(assistant: Assistant, flow: Flow) -> set[str]:
    return flow_slots(flow, assistant.actions, assistant.responses)


def release(ctx: TurnContext, flow_name: str, reason: str) -> None:
    """`flow_name` has ended (and left the stack): clear what it owned, except what is kept
    (see the module doc); a flow it linked to is on the stack already."""
    flow = ctx.assistant.flows.get(flow_name)
    if flow is None:
        return
    kept = set(flow.keep)
    for other in [f.flow for f in ctx.stack]:
        if other in ctx.assistant.flows:
            kept |= used_slots(ctx.assistant, ctx.assistant.flows[other])
    slots = ctx.assistant.slots
    ctx.clear_slots({s for s in owned_slots(ctx.assistant, flow) - kept if not (s in slots and slots[s].persist)}, reason)


def erase_unused_pii(ctx: TurnContext) -> None:
    """End of a turn: PII slots that no flow on the stack uses are erased."""
    pii = {name for name, slot in ctx.assistant.slots.items() if slot.pii and not slot.persist}
    if not pii & set(ctx.slots):
        return
    needed: set[str] = set()
    for frame in ctx.stack:
        flow = ctx.assistant.flows.get(frame.flow)
        if flow is not None:
            needed |= used_slots(ctx.assistant, flow)
    ctx.clear_slots((pii & set(ctx.slots)) - needed, "pii")


def pii_values(assistant: Assistant, events) -> list:
    """The values PII slots took during a turn (from its `slot_set` events), for masking the
    turn's log line and stored history: a value erased in the turn it was given ("我叫张三"
    outside any flow) is in neither the old state nor the new one."""
    pii = {name for name, slot in assistant.slots.items() if slot.pii}
    return [e.data.get("value") for e in events
            if e.name == "slot_set" and e.data.get("slot") in pii and e.data.get("value") is not None]
