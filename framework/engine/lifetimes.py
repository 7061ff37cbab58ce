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
- While a flow runs, a value given in this turn for a slot that no flow on the stack uses is
  not kept either (event `slots_cleared`, reason "unused"): "send 1000 dollars" fills a
  four-digit card slot as well as the amount, "will it work today?" at a card's
  confirmation a transfer's date, and a later flow would take that value without asking.
  Outside any flow values are kept for the next request ("my card ends in 4821", then
  "activate my card" asks no digits); when a flow starts on an empty stack, those it does
  not use are dropped (`drop_earlier_values`). `persist: true` slots are kept.

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


def _needed(ctx: TurnContext) -> set[str]:
    """The slots the flows on the stack use, and while "Did you mean …?" waits, those of the runner-up flow kept beside
    it (`Frame.other`), which the answer may choose: "我妈那个号13800138000这个月话费扣了多少，她总说扣得不对" (投诉 0.52,
    查询 next) asked "是要投诉吗？", and "那上个月的呢" started the bill query without the number (tried by hand,
    session 41)."""
    needed: set[str] = set()
    for frame in ctx.stack:
        for name in (frame.flow, frame.other if frame.waiting_for == "check" else None):
            flow = ctx.assistant.flows.get(name) if name else None
            if flow is not None:
                needed |= used_slots(ctx.assistant, flow)
    return needed


def erase_unused_pii(ctx: TurnContext) -> None:
    """End of a turn: PII slots that no flow on the stack uses are erased."""
    pii = {name for name, slot in ctx.assistant.slots.items() if slot.pii and not slot.persist}
    if not pii & set(ctx.slots):
        return
    ctx.clear_slots((pii & set(ctx.slots)) - _needed(ctx), "pii")


def drop_unused_values(ctx: TurnContext) -> None:
    """End of a turn with a flow on the stack: values given in this turn for slots that no
    flow on the stack uses are not kept (see the module doc)."""
    slots = ctx.assistant.slots
    given = {name for name, value in ctx.slot_changes.items()
             if value is not None and name in ctx.slots and not (name in slots and slots[name].persist)}
    if ctx.stack and given:
        ctx.clear_slots(given - _needed(ctx), "unused")
        _not_for_the_interrupted(ctx, given)


def _not_for_the_interrupted(ctx: TurnContext, given: set[str]) -> None:
    """A flow started this turn over another: a value the message gave that only the flow below uses (its `business`,
    read from "新卡" in "哦，那我要投诉，你们的快递把我新卡寄丢了") is not that flow's answer either, unless it is what it
    waits for; kept, it was taken unasked by an account opening after the complaint (customer trial, session 36)."""
    if len(ctx.stack) < 2 or not any(e.name == "flow_interrupted" for e in ctx.events):
        return
    top = ctx.assistant.flows.get(ctx.stack[-1].flow)
    used = used_slots(ctx.assistant, top) if top is not None else set()
    waited = {f.waiting_for[5:] for f in ctx.stack[:-1] if (f.waiting_for or "").startswith("slot:")}
    saved = {name for f in ctx.stack[:-1] if f.saved for name in f.saved.get("slots", {})}
    dropped = {n for n in given if n in ctx.slots and n not in used and n not in waited and n not in saved}
    if dropped:
        ctx.clear_slots(dropped, "not_for_the_interrupted")


def drop_earlier_values(ctx: TurnContext) -> None:
    """A flow starts on an empty stack: values given earlier outside any flow (kept for the
    next request: "my card ends in 4821", then "activate my card") that it does not use are
    dropped (event `slots_cleared`, reason "not_used_by_next"), so that no later flow takes
    them without asking: the plan "99" of a one-message request that started nothing was used,
    unasked, by a plan change two requests later (customer trial, session 24). Kept:
    `persist: true` slots, slots a flow lists under `keep:`, and `initial` values."""
    if len(ctx.stack) != 1:
        return  # an interruption: the flows below keep theirs
    kept = {name for flow in ctx.assistant.flows.values() for name in flow.keep} | _needed(ctx)
    drop_loose_values(ctx, "not_used_by_next", kept)


def drop_loose_values(ctx: TurnContext, reason: str, kept: set[str] = frozenset()) -> None:
    """Clear the values that are set, not `persist: true`, not their `initial`, and not in
    `kept` (event `slots_cleared` with `reason`)."""
    slots = ctx.assistant.slots
    loose = {name for name, value in ctx.slots.items()
             if value is not None and name not in kept and name in slots and not slots[name].persist
             and value != slots[name].initial}
    if loose:
        ctx.clear_slots(loose, reason)


def pii_values(assistant: Assistant, events) -> list:
    """The values PII slots took during a turn (from its `slot_set` events), for masking the
    turn's log line and stored history: a value erased in the turn it was given ("我叫张三"
    outside any flow) is in neither the old state nor the new one."""
    pii = {name for name, slot in assistant.slots.items() if slot.pii}
    return [e.data.get("value") for e in events
            if e.name == "slot_set" and e.data.get("slot") in pii and e.data.get("value") is not None]


def forget_this_turns_values(ctx: TurnContext, reason: str) -> None:
    """The values this message gave are not kept (event `slots_cleared` with `reason`): it was not understood, out
    of scope, or a request not served here (customer trial, session 30). Personal ones are erased at the end of
    the turn, as `pii`."""
    slots = ctx.assistant.slots
    ctx.clear_slots({n for n, v in ctx.slot_changes.items() if v is not None and n in ctx.slots
                     and not (n in slots and (slots[n].persist or slots[n].pii))}, reason)
