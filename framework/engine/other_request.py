"""Values given with a request for another flow are that flow's.

Found in session 26's customer trial (banking_en): at the balance's "What are the last four
digits of the card?" the customer said "actually my card 1234 was stolen" (lost_card 1.00)
and heard the balance of 1234, the theft unmentioned; while card 5678 was being activated,
"hang on, it was my old card 1234 that I lost actually" (lost_card 0.89) was announced as a
correction ("I've changed the last four digits to 1234") and **the lost card was activated**.

The rule, at turn priority 1: when the classifier is sure of another flow's trigger, the
active flow may be interrupted, and the message's values fill slots that the requested flow
collects and the active flow collects too, those values are held back from the active flow
(no answer, no correction). The requested flow interrupts at priority 2 and starts with
them. The interrupted flow keeps what it had: the values of those slots at the start of the
turn are saved in its frame (`Frame.saved`, sealed by the store like `pii` slots) and put
back when it resumes (event `slots_restored`), so the activation goes on with 5678, and the
balance asks its question again instead of answering for the blocked card.
"""
from __future__ import annotations

from typing import Any, Callable

from framework.compile.machine import Flow, frozen_map
from framework.engine.context import TurnContext
from framework.engine.steps import collected_slots
from framework.nlu.interface import Entity, NLUResult
from framework.slots.mapping import fills


def requested_flow(ctx: TurnContext, intent: str | None, confident: bool, *, waiting: bool = False) -> Flow | None:
    """The other flow the message confidently asks for, when the active one may be interrupted
    (`waiting`: or when it may not, and the other waits under it)."""
    current = ctx.flow()
    if not confident or intent is None or current is None or not (current.interruptible or waiting):
        return None
    flow = ctx.assistant.flow_for_intent(intent)
    if flow is None or flow.name == current.name or flow.ends_conversation:
        return None
    if any(f.flow == flow.name for f in ctx.stack):
        return None
    return flow


def held_back(ctx: TurnContext, nlu: NLUResult, intent: str | None, confident: bool) -> tuple[Entity, ...]:
    """The message's entities that belong to the requested other flow (see the module doc); also when
    the active flow may not be interrupted and the other waits: "actually I want to activate card 1234"
    at the block of 4821 (activate_card 1.00) changed the block to 1234, and "yes" blocked it; "whats
    the balance on 1234 first" there gave the balance of 4821 afterwards (customer trial, session 28)."""
    flow = requested_flow(ctx, intent, confident, waiting=True)
    return entities_of(ctx, nlu, flow) if flow is not None else ()


def entities_of(ctx: TurnContext, nlu: NLUResult, flow: Flow) -> tuple[Entity, ...]:
    """The message's entities for slots both `flow` and the active flow collect."""
    theirs = collected_slots(flow) & collected_slots(ctx.flow())
    slots = [ctx.assistant.slots[name] for name in sorted(theirs) if name in ctx.assistant.slots]
    return tuple(e for e in nlu.entities if any(fills(slot, e, None) for slot in slots))


def values_for(ctx: TurnContext, entities: tuple[Entity, ...], flow: Flow) -> dict[str, Any]:
    """The values `entities` give the slots `flow` collects (parsed as those slots take them)."""
    from framework.slots import parse_value

    values = {}
    for name in sorted(collected_slots(flow)):
        slot = ctx.assistant.slots.get(name)
        for entity in entities:
            if slot is not None and name not in values and fills(slot, entity, None):
                parsed = parse_value(slot, str(entity.value), ctx.assistant.language, today=ctx.today)
                if parsed.ok:
                    values[name] = parsed.value
    return values


def save_for_resume(ctx: TurnContext, entities: tuple[Entity, ...]) -> Callable[[], None] | None:
    """Before the requested flow interrupts: save in the interrupted frame the values (as the
    turn began) of the slots `entities` fill; the returned function fills them for the new flow."""
    if not entities or ctx.frame is None:
        return None
    names = {name for name, slot in ctx.assistant.slots.items() if any(fills(slot, e, None) for e in entities)}
    # None: the slot was empty (the balance's card question): it is emptied again
    saved = {name: ctx.original.slots.get(name) for name in sorted(names)}
    if saved:
        ctx.update_frame(saved=frozen_map({"slots": frozen_map(saved)}))
    from framework.engine import slot_filling

    def fill() -> None:
        slot_filling.fill(ctx, NLUResult(ctx.text or "", (), entities), None)

    return fill


def _read_slots(flow: Flow) -> set[str]:
    """The slots `flow`'s transition conditions read."""
    from framework.conditions import referenced_slots

    return {name for state in flow.states.values() for t in state.transitions if t.condition is not None
            for name in referenced_slots(t.condition)}


def set_aside(ctx: TurnContext, flow: Flow) -> None:
    """Before `flow` interrupts the active one: the values of the slots both collect that are
    no personal data are saved in the interrupted frame and cleared, so the new flow asks for
    its own ("actually I lost my other card" while card 1234 was activated offered to block
    1234: customer trial of session 26). Personal data (`pii` slots: the customer's name and
    ID number) is the same customer's and stays. Event `slots_set_aside`, names only."""
    current, frame = ctx.flow(), ctx.frame
    if current is None or frame is None:
        return
    slots = ctx.assistant.slots
    # ... and those the new flow only reads in its conditions: "有哪几种套餐" at an opening's plan question started the
    # consultation, whose route read the opening's business (开户) and answered what an opening needs (customer
    # trial, session 38)
    names = sorted(n for n in (collected_slots(flow) | _read_slots(flow)) & collected_slots(current)
                   if n in slots and not slots[n].pii and ctx.slots.get(n) is not None)
    if not names:
        return
    saved = dict((frame.saved or {}).get("slots") or {})
    for name in names:
        saved.setdefault(name, ctx.slots[name])
    ctx.update_frame(saved=frozen_map({"slots": frozen_map(saved)}))
    ctx.clear_slots(set(names), "set_aside")
    ctx.emit("slots_set_aside", flow=frame.flow, by=flow.name, slots=tuple(names))


def second_run(values: dict, wanted) -> dict:
    """What a frame of the same request asked again saves: `values`, and None (cleared when it starts: `restore`)
    for every other slot in `wanted`, so nothing of the first run carries into the second ($60 to Yuki, then
    "…and send 20 to Bob" was offered as $60 to Bob: customer trial, session 29)."""
    return {**{name: None for name in wanted}, **values}


def restore(ctx: TurnContext, *, answered: str | None = None) -> None:
    """The resumed frame's saved values back in their slots (event `slots_restored`), but
    for `answered`, the slot this message answered for it."""
    frame = ctx.frame
    saved = dict((frame.saved or {}).get("slots") or {}) if frame is not None else {}
    if not saved:
        return
    for name, value in saved.items():
        if name == answered or ctx.slots.get(name) == value:
            continue
        if value is None:
            ctx.clear_slots({name}, "restored")
        else:
            ctx.set_slot(name, value, source="restored")
    ctx.update_frame(saved=None)
    ctx.emit("slots_restored", flow=frame.flow, slots=tuple(sorted(saved)))
