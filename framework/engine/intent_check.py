"""A request the classifier is nearly sure of: "Did you mean: report a lost card?", not "Sorry,
I didn't get that".

Found in a customer trial (banking_en, session 24): a 75-word story ending "…my debit card is
missing and I would really like it stopped before anyone uses it, the last four digits are
4821 I believe" was read as lost_card 0.66, below the fallback threshold (0.71), and heard
"Sorry, I didn't quite get that": the customer had to tell it all again. On the held-out files
of session 24 (four files, three seeds each), the messages below the threshold whose top
intent starts a flow were right in 7 readings of 19, out of scope in 4 (the threshold's job:
they must not start the flow) and wrong in 8 (answers to a question: "the debit card").

Rasa answers such messages with its two-stage fallback (`action_two_stage_fallback`: "Did you
mean …?" with the top intent, yes runs it, no asks to rephrase); Dialogflow CX has no such step.
Here, with no flow active (a message answering a question keeps the rules of that question):

    User: … my debit card is missing and I'd like it stopped, the last four digits are 4821
    Bot:  Did you mean: report a lost or stolen card? (utter_ask_intent_<intent>, else the
          built-in utter_ask_intent with {intent_label}: the intent's description up to its
          first parenthesis or colon)
    User: yes   -> the flow starts (event `flow_started`, reason "checked"); the values the first
                   message gave (4821) are kept, so its questions are not asked again
    User: no    -> utter_intent_denied ("Sorry, I got that wrong. Could you say it another way?")
    User: what's my balance -> the check is dropped with the values the first message gave, and
                   the message is read as any other

When: the top intent is below the threshold and at or above FLOOR (0.5), starts a flow (no
global behaviour such as cancel or help, no flow that ends the conversation), no flow is active,
and the message gave no yes or no that carried values. While the question waits, the flow's
frame is on the stack with `waiting_for` "check" at its start state; nothing of it has run.
"""
from __future__ import annotations

import re
from dataclasses import replace

from framework.engine import confirm, lifetimes, steps
from framework.engine.builtin_responses import language_code
from framework.engine.context import TurnContext
from framework.nlu.interface import NLUResult
from framework.engine.state import Frame
from framework.slots.command_words import money_trouble
from framework.slots.mapping import GENERIC_EXTRACTORS, fills

WAITING = "check"  # Frame.waiting_for while "Did you mean …?" waits
FLOOR = 0.5  # lowest confidence asked about: below it the fallback, as before
RESPONSE = "utter_ask_intent"
DENIED = "utter_intent_denied"
# the description up to its first bracket, colon or semicolon: "要求办理业务：开户（…）" -> "要求办理业务"
_CUT = re.compile(r"[（(：:;；]")


def offer(ctx: TurnContext, intent: str | None, confidence: float, threshold: float, ranking=()) -> bool:
    """Ask about `intent` (below `threshold`) when it starts a flow; False when not asked. The first
    other intent of `ranking` that starts another flow is kept beside the question (`Frame.other`)."""
    if ctx.stack or intent is None or not FLOOR <= confidence < threshold:
        return False
    flow = _starts(ctx, intent)
    if flow is None:
        return False
    if ctx.assistant.behaviours.handoff.intents and money_trouble(ctx.text or "", ctx.assistant.language):
        # "there's a charge on my card ending 1234 I don't recognise, I want to dispute it" (lost_card 0.55) was asked
        # "Do you want to report a lost or stolen card and block it?" (customer trial, session 39): money disputed is
        # a person's to look into
        ctx.emit("person_offered", reason="money_trouble")
        ctx.say("utter_offer_person_for_money")
        return True
    other = next((f.name for f in (_starts(ctx, s.name) for s in ranking if s.name != intent)
                  if f is not None and f.name != flow.name), None)
    ctx.stack.append(Frame(flow.name, flow.start, waiting_for=WAITING, other=other))
    ctx.emit("intent_check", flow=flow.name, intent=intent, confidence=round(confidence, 4))
    own = f"{RESPONSE}_{intent}"
    ctx.say(own if own in ctx.assistant.responses else RESPONSE, extra={"intent_label": label(ctx, intent)})
    return True


def _starts(ctx: TurnContext, intent: str):
    """The flow `intent` starts, if it is one a check may ask about (none that ends the conversation)."""
    flow = ctx.assistant.flow_for_intent(intent)
    return None if flow is None or flow.ends_conversation or not flow.triggers else flow


def label(ctx: TurnContext, intent: str) -> str:
    """How the question names the intent: its description up to a bracket or colon (lower-cased
    first letter in English, "Report a lost card" -> "report a lost card"), else its name."""
    item = ctx.assistant.intents.get(intent)
    text = _CUT.split(getattr(item, "description", None) or "", maxsplit=1)[0].strip().rstrip("。.")
    if not text:
        return intent.replace("_", " ")
    if language_code(ctx.assistant.language) == "en" and text[1:2].islower():
        text = text[0].lower() + text[1:]
    return text


def _values_for(ctx: TurnContext, nlu: NLUResult, flow) -> tuple:
    """The message's typed values (no bare numbers) of slots `flow` collects."""
    slots = [ctx.assistant.slots[n] for n in sorted(steps.collected_slots(flow)) if n in ctx.assistant.slots]
    return tuple(e for e in nlu.entities if e.extractor not in GENERIC_EXTRACTORS
                 and any(fills(slot, e, None) for slot in slots))


def _start(ctx: TurnContext, flow, nlu: NLUResult, values: tuple) -> None:
    """`flow` starts after the check (reason "checked"), its slots first filled with `values` of the message, if any."""
    from framework.engine import slot_filling

    prefill = (lambda: slot_filling.fill(ctx, replace(nlu, entities=values), None)) if values else None
    steps.start_flow(ctx, flow, reason="checked", prefill=prefill)


def waiting(ctx: TurnContext) -> bool:
    return bool(ctx.frame and ctx.frame.waiting_for == WAITING)


def answer(ctx: TurnContext, nlu: NLUResult, threshold: float) -> bool:
    """The reply to "Did you mean …?": True when dealt with (yes: the flow starts; no: asked to
    say it another way); False when the message is neither, the check dropped and the message
    to be read as any other."""
    frame = ctx.stack.pop()
    flow = ctx.assistant.flows.get(frame.flow)
    yes = confirm.answer(ctx, nlu, threshold)
    given = _values_for(ctx, nlu, flow) if yes is None and flow is not None else ()
    other = ctx.assistant.flows.get(frame.other) if yes is None and not given and frame.other else None
    said = _values_for(ctx, nlu, other) if other is not None else ()
    if said:
        # "我叫孙丽华" at "您是想了解套餐…吗？" (a long story ending "想问问能不能换个大一点的套餐，九十九的那个就行" read
        # as 咨询 below the threshold, 办理 next) heard "回答不了", then so did the ID (tried by hand, session 38):
        # a value only the runner-up's flow asks for means that flow; the checked message's values go with it
        ctx.emit("intent_check_answered", flow=other.name, runner_up=True)
        _start(ctx, other, nlu, said)
        return True
    if given:
        # "我的号码是13812345678" at "您是想查询自己账户的情况吗？" heard "这个问题我暂时回答不了" (customer trial,
        # session 26): a value the checked flow asks for goes on with it
        ctx.emit("intent_check_answered", flow=flow.name)
        _start(ctx, flow, nlu, given)
        return True
    if yes is None or flow is None:
        ctx.emit("intent_check_dropped", flow=frame.flow)
        # the values the checked message gave belong to it: "开户要带啥" (checked), then "老年人有优惠没"
        # answered what opening needs with its 开户 (customer trial, session 25)
        lifetimes.drop_loose_values(ctx, "check_dropped")
        return False
    if yes:
        # "是的，开户" at "请问您是想办理业务吗？": the yes, and 开户 was dropped; the menu asked for it again and again
        # (customer trial, session 37)
        _start(ctx, flow, nlu, _values_for(ctx, nlu, flow))
    else:
        ctx.emit("intent_check_denied", flow=frame.flow)
        ctx.say(DENIED)
    return True
