"""Running the machine: entering states, executing their steps, choosing transitions.

`goto` moves the active flow to a state and keeps going until the machine has to wait:
for the user (collect, confirm, an intent transition), for an action's result, or because
no flow is left.
"""
from __future__ import annotations

from framework.compile.machine import END, CallAction, Collect, Confirm, End, Flow, Handoff, Link, Say, State
from framework.conditions import evaluate
from framework.engine.context import TurnContext
from framework.engine.state import Frame

MAX_STATES_PER_TURN = 100  # a cycle of say-states would otherwise never stop


def goto(ctx: TurnContext, target: str | None) -> None:
    for _ in range(MAX_STATES_PER_TURN):
        if target is None or not ctx.stack:
            return
        target = end_flow(ctx) if target == END else enter(ctx, target)
    ctx.emit("loop_detected", flow=ctx.frame.flow if ctx.frame else None)
    abandon_all(ctx, "flow_cancelled")


def start_flow(ctx: TurnContext, flow: Flow, *, reason: str) -> None:
    ctx.handoff = False
    ctx.stack.append(Frame(flow.name, flow.start))
    ctx.emit("flow_started", flow=flow.name, reason=reason)
    goto(ctx, flow.start)


def enter(ctx: TurnContext, name: str) -> str | None:
    """Run state `name`'s step; return the next target, or None when the machine waits."""
    flow = ctx.flow()
    state = flow.states.get(name) if flow else None
    if state is None:
        ctx.emit("unknown_state", flow=ctx.frame.flow, state=name)
        return END
    ctx.update_frame(state=name, attempts=0, waiting_for=None)
    step = state.step
    if isinstance(step, Say):
        ctx.say(step.response)
    elif isinstance(step, Collect):
        if not (step.skip_if_filled and ctx.slots.get(step.slot) is not None):
            ctx.say(step.prompt)
            ctx.update_frame(waiting_for=f"slot:{step.slot}")
            return None
    elif isinstance(step, Confirm):
        ctx.say(step.response)
        ctx.update_frame(waiting_for="confirm")
        return None
    elif isinstance(step, CallAction):
        ctx.request_action(step.action)
        return None
    elif isinstance(step, Handoff):
        hand_off(ctx, step.response)
        return None
    elif isinstance(step, Link):
        return link(ctx, step.flow)
    elif isinstance(step, End):
        ctx.say(step.response)
        return END
    return after_step(ctx, state)


def after_step(ctx: TurnContext, state: State) -> str | None:
    """The first transition that fires; None to wait for the user's next message (an intent
    transition comes before any that fires); END when there are none."""
    for transition in state.transitions:
        if transition.intent:
            ctx.update_frame(waiting_for="intent")
            return None
        if transition.condition is None or evaluate(transition.condition, ctx.slots):
            return transition.to
    if state.transitions:
        ctx.emit("no_transition", flow=ctx.frame.flow, state=state.name)
    return END


def intent_target(ctx: TurnContext, state: State, intent: str | None, confident: bool) -> str | None:
    """On a message to a state waiting for an intent: its transitions, in order."""
    for transition in state.transitions:
        if transition.intent and not (confident and transition.intent == intent):
            continue
        if transition.condition is None or evaluate(transition.condition, ctx.slots):
            return transition.to
    return None


def link(ctx: TurnContext, flow_name: str) -> str | None:
    flow = ctx.assistant.flows.get(flow_name)
    old = ctx.stack[-1].flow
    if flow is None:
        ctx.emit("unknown_flow", flow=flow_name)
        return END
    ctx.stack[-1] = Frame(flow.name, flow.start)
    ctx.emit("flow_completed", flow=old, reason="link")
    ctx.emit("flow_started", flow=flow.name, reason="link", linked_from=old)
    return flow.start


def end_flow(ctx: TurnContext) -> str | None:
    """Finish the active flow; the interrupted one below resumes by re-entering its state
    (so a collect step asks again)."""
    done = ctx.stack.pop()
    ctx.emit("flow_completed", flow=done.flow)
    if not ctx.stack:
        return None
    resumed = ctx.stack[-1]
    ctx.emit("flow_resumed", flow=resumed.flow, state=resumed.state)
    return resumed.state


def abandon_all(ctx: TurnContext, event: str) -> list[str]:
    names = []
    while ctx.stack:
        frame = ctx.stack.pop()
        names.append(frame.flow)
        ctx.emit(event, flow=frame.flow, state=frame.state)
    return names


def hand_off(ctx: TurnContext, response: str | None) -> None:
    ctx.say(response or ctx.assistant.behaviours.handoff.response)
    flow = ctx.frame.flow if ctx.frame else None
    abandon_all(ctx, "flow_cancelled")
    ctx.handoff = True
    ctx.emit("handoff", flow=flow)


def reprompt(ctx: TurnContext) -> None:
    """Ask again what the active state is waiting for."""
    state = ctx.state()
    step = state.step if state else None
    if isinstance(step, Collect):
        ctx.say(step.prompt)
    elif isinstance(step, Confirm):
        ctx.say(step.response)
    elif isinstance(step, Say):
        ctx.say(step.response)


def collected_slots(flow: Flow) -> set[str]:
    return {s.step.slot for s in flow.states.values() if isinstance(s.step, Collect)}
