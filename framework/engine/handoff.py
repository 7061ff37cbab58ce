"""A handoff taken back in the very next message.

"转人工", then "那算了不转了，继续办吧": the handoff had stopped the opening, and the customer heard
"目前没有正在办理的事项" (customer trial, session 31). Right after a handoff, a message that takes
it back ("不转了", "never mind", "let's carry on here") ends the handoff and starts the stopped
flow again with the values it had (personal ones too: they wait sealed like slots, for one
message), so that a read-back comes back as it was. Only the next message can do so; after it,
the handoff stands and the values are gone.
"""
from __future__ import annotations

import re

from framework.engine import steps
from framework.engine.context import TurnContext
from framework.slots.answers import NEVER, language_key

_TAKEN_BACK = {
    # "还是办吧" right after a handoff said goodbye (customer trial, session 32)
    "zh": re.compile(r"不(?:用|要|必|需要)?转(?:了|人工|接)|别转|先不转|不(?:用|要|找)人工|不需要人工|人工不用|"
                     r"(?:继续|接着|还是)(?:办|弄|来|吧|跟你|你来|在这)|你(?:帮我)?(?:办|弄)吧|我自己(?:来|办)|"
                     r"算了[吧，,\s]*(?:不用了|不转|继续|接着|还是)|"
                     # "哎不用了，还是你接着帮我办吧" said goodbye (customer trial, session 32)
                     r"你接着|接着帮|还是你(?:来|帮|办|弄)"),
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
                     r"\bjust (?:block|send|do|activate|finish|check) (?:it|that|the \w+)\b|"
                     r"\b(?:don'?t|do not|dont) (?:need|want) (?:an? |the |to talk to (?:an? |the )?)?"
                     r"(?:agent|person|human|transfer|people|someone)\b|"
                     r"\bno need for (?:an? |the )?(?:agent|person|human|transfer)\b|"
                     r"\b(?:never ?mind|forget|cancel|scratch) (?:the |that )?(?:agent|person|human|transfer|handoff)\b|"
                     r"\b(?:i'?ll|i will|let'?s|lets|we can|can we|ok) (?:just )?(?:stay|continue|carry on|keep going|go on|do it here)\b|"
                     r"\b(?:continue|carry on|keep going) (?:here|with you|with (?:the|my) )", re.IGNORECASE),
}


def taken_back(ctx: TurnContext) -> bool:
    """The message takes back the handoff of the turn before: the handoff ends, and the flow
    it stopped starts again with its values. True when so."""
    before = ctx.original.handed_off
    if before is None or not ctx.original.handoff or ctx.stack:
        return False
    if not _TAKEN_BACK.get(language_key(ctx.assistant.language) or "en", NEVER).search(ctx.text or ""):
        return False
    ctx.handoff = False
    name = before.get("flow")
    flow = ctx.assistant.flows.get(name) if name else None
    ctx.emit("handoff_taken_back", flow=flow.name if flow else None)
    ctx.say("utter_handoff_taken_back")
    if flow is None:
        ctx.say("utter_anything_else")
        return True
    values = before.get("slots") or {}

    def prefill() -> None:
        for slot, value in values.items():
            if slot in ctx.assistant.slots and ctx.slots.get(slot) is None:
                ctx.set_slot(slot, value, source="handoff_taken_back")

    steps.start_flow(ctx, flow, reason="handoff_taken_back", prefill=prefill)
    return True
