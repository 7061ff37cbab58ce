"""A plain "no" at a question: ask whether to stop the flow, rather than read "no" as the value.

"I couldn't find a card ending 9999. Please tell me the last four digits again." - "no".
Read as the answer, "no" is four malformed digits: the customer hears "That doesn't look
right. I need exactly four digits", and three such answers end the flow as failed.
Rasa CALM handles a wish to stop mid-flow with its cancellation pattern
(`pattern_cancel_flow`, rasa.com/docs/reference/primitives/patterns), and a Dialogflow
agent cancels slot filling on "never mind" / "stop"; neither documentation says what a
bare "no" to a question that wants a value does. It most likely means "I don't want to go
on", but may mean "no, wait": cancelling outright would throw away a half-filled transfer,
so the assistant asks:

    Bot:  Please tell me the last four digits of your card number.
    User: no
    Bot:  Do you want to stop here? (utter_ask_stop_flow; utter_ask_stop_flow_<flow> for one flow)
    User: yes   -> the flow is cancelled as by the global cancel intent (its response is said)
    User: no    -> the question is asked again; no attempt was used up
    User: 4821  -> anything else is read as the answer to the question, as before

When (framework.engine.turn, priority 3, where the whole message is read as the collected
slot's value): the message is a clear no by the rules of confirmations
(framework.engine.confirm.answer: a `/deny` button, a no word of the language as the whole
message, or the deny intent at or above the fallback threshold and 0.2 ahead of the next
intent; never a question or a hesitation) AND the message is no valid value of the slot.
So a boolean slot still takes "no" as false and "no, 4821" fills the digits (entities come
first). A menu of choices (a categorical slot, its choices on buttons) is left as it was: a
"no" there is no choice like any other, answered with the slot's error and the menu again. A text slot accepts almost any
text, so there only a no word as the whole message ("no", "nope", "不是") counts; "no
reason" stays a text.

Confirmations, the "which item?" menu and "did you mean ...?" questions are not collect
steps and keep their own yes / no rules. The stop question uses up no attempt and is
itself no collect step: while it waits, the frame's `waiting_for` is `stop:<slot>`.
"""
from __future__ import annotations

from framework.engine import confirm, steps
from framework.engine.context import TurnContext
from framework.nlu.interface import NLUResult
from framework.slots.answers import yes_no

WAITING = "stop:"  # Frame.waiting_for while "Do you want to stop here?" waits
RESPONSE = "utter_ask_stop_flow"


def offer(ctx: TurnContext, nlu: NLUResult, slot_name: str, value_ok: bool, threshold: float) -> bool:
    """At the collect step of `slot_name`, before the message is taken as its value: ask
    whether to stop when the message is a clear no and no value (see the module doc)."""
    slot = ctx.assistant.slots.get(slot_name)
    if ctx.frame is None or slot is None or slot.type == "categorical":
        return False  # a menu of choices keeps its own reply to a "no" (its error, the menu again)
    if slot.type == "text":
        if yes_no(nlu.text or "", ctx.assistant.language) is not False:
            return False
    elif value_ok or confirm.answer(ctx, nlu, threshold) is not False:
        return False
    ctx.update_frame(waiting_for=WAITING + slot_name)
    ctx.emit("stop_offered", flow=ctx.frame.flow, state=ctx.frame.state, slot=slot_name)
    own = f"{RESPONSE}_{ctx.frame.flow}"
    ctx.say(own if own in ctx.assistant.responses else RESPONSE)
    return True


def waiting(ctx: TurnContext) -> str | None:
    """The slot whose question the stop question interrupted, while it waits; else None."""
    waiting_for = ctx.frame.waiting_for if ctx.frame else None
    return waiting_for[len(WAITING):] if waiting_for and waiting_for.startswith(WAITING) else None


def answer(ctx: TurnContext, nlu: NLUResult, threshold: float) -> bool | None:
    """The reply to "Do you want to stop here?": True for yes (the caller cancels the
    flow), False for no (the question was asked again), None when it was neither: the
    frame waits for the slot again and the caller reads the message as its answer."""
    slot_name = waiting(ctx)
    ctx.update_frame(waiting_for=f"slot:{slot_name}")
    yes = confirm.answer(ctx, nlu, threshold)
    if yes is None:
        return None
    ctx.emit("stop_confirmed" if yes else "stop_declined", flow=ctx.frame.flow, slot=slot_name)
    if not yes:
        ctx.say(steps.collect_step(ctx.flow(), ctx.state(), slot_name).prompt)
    return yes
