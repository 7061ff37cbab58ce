"""A handoff or a cancel taken back in the very next message.

"转人工", then "那算了不转了，继续办吧": the handoff had stopped the opening, and the customer heard
"目前没有正在办理的事项" (customer trial, session 31). Right after a handoff, a message that takes
it back ("不转了", "never mind", "let's carry on here") ends the handoff and starts the stopped
flow again with the values it had (personal ones too: they wait sealed like slots, for one
message), so that a read-back comes back as it was. Only the next message can do so; after it,
the handoff stands and the values are gone.

A cancel the same way: "算了不办了" at a read-back, then "哎还是办吧" heard goodbye (customer trial,
session 32), and "cancel that", then "please do send it after all" heard "There's nothing in
progress to cancel". Right after a cancel that left nothing under way, a message that goes on
after all ("还是办吧", "do it after all", "ok back to the transfer") starts the cancelled flow
again with its values (`utter_cancel_taken_back`); its read-back comes back and asks for a yes.
"""
from __future__ import annotations

import re

from framework.engine import slot_filling, steps
from framework.engine.context import TurnContext
from framework.nlu.interface import NLUResult
from framework.slots.answers import NEVER, language_key
from framework.slots.command_words import goes_on

_TAKEN_BACK = {
    # "还是办吧" right after a handoff said goodbye (customer trial, session 32)
    "zh": re.compile(r"不(?:用|要|必|需要)?转(?:了|人工|接)|别转|先不转|不(?:用|要|找)人工|不需要人工|人工不用|"
                     r"(?:继续|接着|还是)(?:办|弄|来|吧|跟你|你来|在这)|你(?:帮我)?(?:办|弄)吧|我自己(?:来|办)|"
                     r"算了[吧，,\s]*(?:不用了|不转|继续|接着|还是)|"
                     # "哎不用了，还是你接着帮我办吧" said goodbye (customer trial, session 32)
                     r"你接着|接着帮|还是你(?:来|帮|办|弄)|"
                     # "等等，我还是先在这儿登记吧" lost the complaint (customer trial, session 32)
                     r"(?:还是|先)(?:先)?在这(?:儿|里)?(?:登记|办|弄|说|记)|你继续(?:记|登记|办|弄)"),
    # "actually never mind", "no forget it, carry on", "I changed my mind, I dont need a human" heard "There's nothing
    # in progress to cancel" and the transfer waiting for its yes was lost (customer trial, session 32): the next
    # message only, so a never mind is the handoff's
    "en": re.compile(r"\b(?:don'?t|do not|no need to|not) (?:transfer|connect|put)\b|"
                     r"\b(?:never ?mind|nevermind|forget (?:it|that|about it)|changed my mind|scratch that)\b|"
                     # "no wait, stay with me, lets finish this", "oh actually no, I'll stick with you" (trial, session 32)
                     r"\b(?:stay(?:ing)? with (?:me|you)|stick with you|let'?s (?:just )?finish|finish (?:this|it) (?:here|with you))\b|"
                     # "on second thought let us just finish the transfer", "no wait, stay, I am fine with you", "actually
                     # no, cancel that, just block it" lost the task (customer trial, session 32)
                     r"\bon second thoughts?\b|\blet us (?:just )?(?:finish|continue|carry on)\b|"
                     r"\b(?:i'?m|i am|im) (?:fine|ok|okay|good|happy) (?:with you|here)\b|"
                     r"\bjust (?:block|send|do|activate|finish|check) (?:it|that|the \w+)\b|\bcan do it (?:here|myself|with you)\b|"
                     r"\bscratch that\b|"
                     r"\b(?:don'?t|do not|dont) (?:need|want) (?:an? |the |to talk to (?:an? |the )?)?"
                     r"(?:agent|person|human|transfer|people|someone)\b|"
                     r"\bno need for (?:an? |the )?(?:agent|person|human|transfer)\b|"
                     r"\b(?:never ?mind|forget|cancel|scratch) (?:the |that )?(?:agent|person|human|transfer|handoff)\b|"
                     r"\b(?:i'?ll|i will|let'?s|lets|we can|can we|ok) (?:just )?(?:stay|continue|carry on|keep going|go on|do it here)\b|"
                     r"\b(?:continue|carry on|keep going) (?:here|with you|with (?:the|my) )", re.IGNORECASE),
}


_AFTER_ALL = {
    # "诶等等，我还是想换，刚才说到哪了" (customer trial, session 36)
    "zh": re.compile(r"还是(?:想|得)?(?:办|要|弄|继续|换|开|投诉|查|登记)|又想(?:办|要|换)|继续办|接着办|别取消|不取消了|(?:刚才|那个)的?还是要"
                     r"|刚才说到哪"),
    # "hmm on second thought, go ahead with Olga", "I changed my mind", "sorry I meant yes, send it to Kevin" (customer
    # trial, session 32)
    "en": re.compile(r"\bafter all\b|\b(?:actually|no wait|wait|oh),? (?:please )?(?:do|send|block|activate|go ahead|continue)\b|"
                     r"\bgo ahead\b|\bdo it anyway\b|\bi do want\b|\bun-?cancel\b|\bdon'?t cancel\b|\bon second thoughts?\b|"
                     r"\bchanged my mind\b|\bi meant yes\b|\bi did(?:n'?t| not) mean (?:to )?cancel\b",
                     re.IGNORECASE),
}


def _threshold(ctx: TurnContext) -> float:
    from framework.engine.turn import threshold  # turn builds on this module

    return threshold(ctx.assistant)


def _request_said_with(ctx: TurnContext, nlu: NLUResult | None) -> NLUResult | None:
    """The message read as the request it makes beside taking something back: its top intent when that starts a flow
    and is sure, else the best-ranked of its first three intents that starts a flow the message gives a value of."""
    from dataclasses import replace

    from framework.engine.steps import gives_values

    if nlu is None or not nlu.ranking:
        return None
    top = nlu.ranking[0]
    if ctx.assistant.flow_for_intent(top.name) is not None and top.confidence >= _threshold(ctx):
        return nlu
    for score in nlu.ranking[:3]:
        flow = ctx.assistant.flow_for_intent(score.name)
        if flow is not None and gives_values(ctx, nlu, flow):
            ranking = (replace(score, confidence=1.0),) + tuple(r for r in nlu.ranking if r.name != score.name)
            return replace(nlu, ranking=ranking)
    return None


def withdrawn_in_the_message(ctx: TurnContext, nlu: NLUResult) -> NLUResult | None:
    """"get me a human... actually no, forget that, I just want to block my card, it ends 1234" (human_agent) handed
    off and the block was lost (customer trial, session 38): a handoff taken back later in the same message, with
    another request after it, is that request (event `handoff_withdrawn`); None otherwise."""
    top, text = nlu.intent, nlu.text or ""
    if top is None or top.name not in ctx.assistant.behaviours.handoff.intents:
        return None
    pattern = _TAKEN_BACK.get(language_key(ctx.assistant.language) or "en", NEVER)
    found = pattern.search(text)
    if found is None or found.start() == 0:
        return None  # "never mind the agent" alone, or first: the take-back of an earlier handoff (taken_back)
    from dataclasses import replace

    rest = replace(nlu, ranking=tuple(r for r in nlu.ranking if r.name not in ctx.assistant.behaviours.handoff.intents))
    request = _request_said_with(ctx, rest)
    if request is not None:
        ctx.emit("handoff_withdrawn", intent=request.intent.name)
    return request


def goes_ahead_after_all(text: str, language: str | None) -> bool:
    """The message goes on with something stopped ("do send it after all", "还是办吧")."""
    return bool(_AFTER_ALL.get(language_key(language) or "en", NEVER).search(text))


def taken_back(ctx: TurnContext, nlu: NLUResult | None = None) -> bool | NLUResult:
    """The message takes back the handoff or the cancel of the turn before: the flow it stopped
    starts again with its values. True when so; with nothing stopped and a request said with it, the message read
    as that request (the caller goes on with it); False when nothing is taken back."""
    before = ctx.original.stopped
    if before is None or (ctx.stack and (before.get("by") or "handoff") != "cancel"):
        return False  # (a cancelled flow comes back over the one it had interrupted too)
    key, text = language_key(ctx.assistant.language) or "en", ctx.text or ""
    by = before.get("by") or "handoff"
    if by == "handoff" and not (ctx.original.handoff and _TAKEN_BACK.get(key, NEVER).search(text)):
        return False
    if by == "cancel" and not (_AFTER_ALL.get(key, NEVER).search(text) or goes_on(text, ctx.assistant.language)):
        return False
    ctx.handoff = False
    name = before.get("flow")
    flow = ctx.assistant.flows.get(name) if name else None
    ctx.emit(f"{by}_taken_back", flow=flow.name if flow else None)
    ctx.say(f"utter_{by}_taken_back")
    if flow is None:
        request = _request_said_with(ctx, nlu)
        if request is not None:
            # "oh forget the agent, just block my card 4821 it's gone", "ok forget the agent, send 25 to Maya instead",
            # "算了不用转了，你帮我查下13700001111的余额就行" right after a handoff heard "Is there anything else I can help
            # you with?" and the request was lost (customer trial, session 38): it is read on, as that request
            return request
        ctx.say("utter_anything_else")
        return True
    values = before.get("slots") or {}

    def prefill() -> None:
        for slot, value in values.items():
            if slot in ctx.assistant.slots and ctx.slots.get(slot) is None:
                ctx.set_slot(slot, value, source=f"{by}_taken_back")
        if nlu is not None and nlu.entities:
            # "scratch that, 65 dollars": the value said with it counts too (customer trial, session 32: dropped)
            slot_filling.fill(ctx, nlu, None)

    steps.start_flow(ctx, flow, reason=f"{by}_taken_back", prefill=prefill)
    return True


# A nudge while the person is being fetched: "快点", "人呢", "hello??", "how long will this take"
_NUDGE = {
    # "多久能接通" heard when an opening takes effect (customer trial, session 45)
    "zh": re.compile(r"^(?:(?:快点|快点儿|快一点|赶紧|麻利点|搞快点|人呢|还没好|还要多久|要等多久|等多久|怎么还没|还在吗|在吗|喂+"
                     r"|(?:还要|要|得)?(?:多久|多长时间|几分钟|多会儿)(?:才|能|可以)*(?:接通|接上|转过去|转好|有人|到)"
                     r"|(?:什么时候|啥时候)(?:才|能)?(?:接通|有人|转过去|到我))[吗啊呀吧呢！!。.?？~～\s]*)+$"),
    "en": re.compile(r"^(?:(?:hurry(?: up)?|come on|hello+|helo+|anyone there|is anyone there|still waiting|how long(?: will (?:this|it) take)?"
                     r"|how long (?:until|till|before) (?:i get|someone|somebody|they|an agent)\b[\w\s']*|how long do i (?:have to )?wait"
                     r"|where are they|quick(?:ly)?|faster|ok\??)[?!.\s]*)+$", re.IGNORECASE),
}


def still_waiting(ctx: TurnContext) -> bool:
    """"快点" right after "正在为您转接人工客服，请稍候……" heard "还有什么可以帮您的吗？", as if the handoff had been forgotten
    (customer trial, session 44): a nudge right after a handoff is told the person is on the way
    (`utter_handoff_waiting`, event `handoff_nudged`); the handoff stands."""
    pattern = _NUDGE.get(language_key(ctx.assistant.language) or "en", NEVER)
    if ctx.stack or not ctx.original.handoff or not pattern.match((ctx.text or "").strip()):
        return False
    ctx.handoff = True
    ctx.emit("handoff_nudged")
    ctx.say("utter_handoff_waiting")
    return True
