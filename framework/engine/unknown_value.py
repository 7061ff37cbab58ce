""""I don't remember the number": a customer who does not have the value asked for.

Found in a customer trial (session 15, banking_en): at "What are the last four digits of the
card?" the customer said "I don't remember the number". The classifier read it as deny, so
the assistant asked "Do you want to stop reporting the card?"; "I don't know it" then counted
as a malformed answer ("That doesn't look right. I need exactly four digits"), and a third
such answer ends the flow as failed. Nothing offered the way a person at a counter would: where
to find it, or someone who can help without it. Rasa CALM leaves such a message to its
command generator (at best a `cannot_handle`), and a Dialogflow CX form counts it as a
no-match like any other; neither tells the customer what to do.

When (framework.engine.turn, at a collect step, before the global intents, so before the
message is read as out of scope, as the value, or as a plain no): the message says the customer does not know or have the value
(framework.slots.answers.dont_know: "no idea", "I forgot it", "我不记得了", "身份证没带"), it is
no valid value of the slot, and the classifier is not sure of a cancel or handoff (those run
as they are). At a text slot the message must say nothing else: "I don't know why it keeps
dropping" describes a problem. A menu of choices (a categorical slot) keeps its error and
the menu: there "I don't know" is unsure which to choose.

    Bot:  What are the last four digits of the card?
    User: I don't remember the number
    Bot:  (utter_unknown_<slot>, when the domain has it: "No problem: they are on the front of the card")
    Bot:  Would you like me to connect you with a colleague who can help without it?
          (utter_offer_handoff_unknown; said only when the domain has a handoff behaviour)
    User: yes   -> handed off as by the handoff intent (its response is said)
    User: no    -> "Okay. Whenever you have it, just tell me." and the question again
    User: 4821  -> anything else is read as the answer to the question, as before

A collect step with `on_unknown: <state>` goes there instead (nothing else said): the flow's
own way on without the value. telecom_zh's complaint takes a complaint without the ID number
("身份证忘带了" was offered a colleague, customer trial, session 21: a complaint needs none):

    ask_id: {collect: id_number, on_unknown: no_identity, on_failure: no_identity, next: ask_loss}

Without a handoff behaviour the assistant says the hint (if any) and
utter_value_unknown ("No problem. Whenever you have it, just tell me. Or say 'cancel' to
stop.") and asks again. No attempt is used up either way: not having a value is no wrong
answer. While the offer waits, `waiting_for` is "unknown:<slot>".
"""
from __future__ import annotations

import re
from typing import Callable

from framework.engine import confirm, steps
from framework.engine.context import TurnContext
from framework.engine.state import WAITING_UNKNOWN
from framework.nlu.interface import NLUResult
from framework.slots.answers import RHETORICAL_DONT_KNOW, RHETORICAL_DONT_KNOW_ZH, dont_know, is_question, language_key

OFFER = "utter_offer_handoff_unknown"
LATER = "utter_value_later"
NO_HANDOFF = "utter_value_unknown"
HINT = "utter_unknown_{slot}"


def _can_hand_off(ctx: TurnContext) -> bool:
    handoff = ctx.assistant.behaviours.handoff
    return bool(handoff.intents or handoff.response)


def commanded(ctx: TurnContext, nlu: NLUResult, threshold: float) -> bool:
    """The classifier is sure of cancel or handoff: "no idea, just get me an agent"."""
    top = nlu.intent
    b = ctx.assistant.behaviours
    return bool(top and top.confidence >= threshold and top.name in b.cancel.intents + b.handoff.intents)


def handle(ctx: TurnContext, nlu: NLUResult, slot_name: str, holds_value: Callable[[], bool],
           threshold: float) -> bool:
    """At the collect step of `slot_name`: True when the message said the customer does not
    have the value and was answered here (see the module doc). `holds_value()`: whether the
    message is a valid value of the slot (parsed only when the words matched)."""
    slot = ctx.assistant.slots.get(slot_name)
    if slot is None or ctx.frame is None or slot.type == "categorical":
        return False  # at a menu "不知道" is unsure which to choose: its error and the menu again
    whole, text, language = slot.type == "text", nlu.text or "", ctx.assistant.language
    if not dont_know(text, language, whole=whole) or (not whole and holds_value()):
        return False
    if (is_question(text, language) and not dont_know(text, language, whole=True)
            and not re.search(RHETORICAL_DONT_KNOW + "|" + RHETORICAL_DONT_KNOW_ZH, text, re.IGNORECASE)):
        # "not sure yet, how much can I send per day?" at the amount question was offered a colleague
        # (customer trial, session 21): it asks something else; the global intents answer it
        return False
    if commanded(ctx, nlu, threshold):
        return False
    state = ctx.state()
    on_unknown = getattr(state.step, "on_unknown", None) if state else None
    ctx.emit("value_unknown", flow=ctx.frame.flow, state=ctx.frame.state, slot=slot_name,
             **({"to": on_unknown} if on_unknown else {}))
    if on_unknown:  # the flow's own way on without it: no hint where to find it, no colleague
        steps.goto(ctx, on_unknown)
        return True
    extra = {"unknown_slot": confirm.label(ctx, slot_name)}
    hint = HINT.format(slot=slot_name)
    # "I dont know" again at the offer: the offer again, not the hint it just heard (a trial of session
    # 24 heard both twice, word for word)
    if hint in ctx.assistant.responses and ctx.offer_unanswered != slot_name:
        ctx.say(hint, extra=extra)
    if _can_hand_off(ctx):
        ctx.update_frame(waiting_for=WAITING_UNKNOWN + slot_name)
        ctx.emit("handoff_offered", flow=ctx.frame.flow, slot=slot_name)
        ctx.say(OFFER, extra=extra)
        return True
    ctx.say(NO_HANDOFF, extra=extra)
    steps.reprompt(ctx)
    return True


# Where to find the value asked for: "how do i find that" at "What are the last four digits of the
# card?" (read as help 0.99: the capability list, trial of session 24)
_WHERE = {
    # "I don't know, how can I tell which one is missing?" at the card question was read as a balance request and
    # queued (customer trial, session 40)
    "en": re.compile(r"\b(?:how|where)\b.*\b(?:find|see|get|look|check|locate|read|tell|figure|work out)\b"
                     r"|\bwhere (?:is|are|'s) (?:it|that|they|those|this|these)\b|\bwhere (?:do|can|would) i\b"),
    "zh": re.compile(r"(?:在哪|哪里|哪儿|怎么|去哪|从哪)(?:儿|里)?(?:能|可以)?(?:看|找|查|知道)"),
}


def where_to_find(ctx: TurnContext, nlu: NLUResult, slot_name: str, holds_value: Callable[[], bool],
                  threshold: float) -> bool:
    """At the collect step of `slot_name`, a question where to find the value, when the domain
    says it (`utter_unknown_<slot>`): that hint and the question again, no attempt used (event
    `where_to_find`). Not a value, nor a cancel or handoff the classifier is sure of."""
    hint = HINT.format(slot=slot_name)
    pattern = _WHERE.get(language_key(ctx.assistant.language) or "")
    text = nlu.text or ""
    if (ctx.frame is None or hint not in ctx.assistant.responses or pattern is None
            or not pattern.search(text.lower()) or holds_value() or commanded(ctx, nlu, threshold)):
        return False
    ctx.emit("where_to_find", flow=ctx.frame.flow, state=ctx.frame.state, slot=slot_name)
    ctx.say(hint, extra={"unknown_slot": confirm.label(ctx, slot_name)})
    steps.reprompt(ctx)
    return True


def waiting(ctx: TurnContext) -> str | None:
    """The slot whose question the handoff offer stands in for, while it waits; else None."""
    waiting_for = ctx.frame.waiting_for if ctx.frame else None
    if waiting_for and waiting_for.startswith(WAITING_UNKNOWN):
        return waiting_for[len(WAITING_UNKNOWN):]
    return None


def answer(ctx: TurnContext, nlu: NLUResult, threshold: float) -> bool:
    """The reply to the handoff offer: True when it was a yes (handed off) or a no (the
    question again); False when it was neither: the frame waits for the slot again and the
    caller reads the message as its answer."""
    slot_name = waiting(ctx)
    ctx.update_frame(waiting_for="slot:" + slot_name)
    yes = confirm.answer(ctx, nlu, threshold)
    if yes is None:
        ctx.offer_unanswered = slot_name
        return False
    ctx.emit("handoff_accepted" if yes else "handoff_declined", flow=ctx.frame.flow, slot=slot_name)
    if yes:
        steps.hand_off(ctx, None)
        return True
    ctx.say(LATER, extra={"unknown_slot": confirm.label(ctx, slot_name)})
    steps.reprompt(ctx)
    return True
