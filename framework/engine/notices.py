"""What a message asks of a flow that the flow does otherwise, said before the flow goes on.

"send 80 to Priya from card 1234" started the transfer, the card was dropped without a word, and the read-back
"Send $80.00 to Priya on Sunday 6 December?" said nothing of where the money came from; "yes" sent it from the
main account, after the customer had chosen a card that held $42.35 (customer trial, session 34). The transfer
has no paying card to choose: transfers here are paid from the main account. A flow may say so:

    transfer_money:
      notices:
        - response: utter_transfer_from_main_account
          patterns: ['\\bfrom (?:my |the )?(?:other |savings )?card\\b']

When a message reaches the flow (its trigger, or an answer while it waits) and names one of the words or matches
one of the patterns (case-insensitive), the response is said before the flow's next question (event `noticed`):
the flow goes on as before, its values kept. At the flow's confirmation such a message decides nothing ("yes, take
it from my other card" is no yes to the read-back just heard): the response, then the confirmation again. Checked
by the validator as `answers` and `not_for`: the response exists, the patterns compile, each entry names words or
patterns.
"""
from __future__ import annotations

from framework.engine import steps
from framework.engine.context import TurnContext
from framework.engine.unavailable import named_in


def _named(ctx: TurnContext, flow) -> str | None:
    """The response of the first of `flow`'s notices this turn's message names."""
    text = ctx.text or ""
    if flow is None or not flow.notices or not text or not ctx.new_turn:
        return None
    if any(e.name == "noticed" for e in ctx.events):
        return None  # said once a turn
    for response, words, patterns in flow.notices:
        if named_in(words, patterns, text) is not None:
            return response
    return None


def at_confirmation(ctx: TurnContext) -> bool:
    """At the active flow's confirmation, a message naming one of its notices: the notice, then the confirmation
    again (True); nothing is decided."""
    flow, frame = ctx.flow(), ctx.frame
    if frame is None or frame.waiting_for != "confirm":
        return False
    response = _named(ctx, flow)
    if response is None:
        return False
    ctx.emit("noticed", flow=flow.name, response=response)
    ctx.say(response)
    steps.reprompt(ctx)
    return True


def tell(ctx: TurnContext) -> None:
    """After the turn: where the message reached the flow now waiting for an answer (it was waiting at the start of
    the turn, or started or resumed this turn) and names one of its notices, the notice before the flow's question
    (the turn's last reply)."""
    flow, frame = ctx.flow(), ctx.frame
    if frame is None or not frame.waiting_for or ctx.action is not None or not ctx.replies:
        return
    before = ctx.original.stack[-1].flow if ctx.original.stack else None
    reached = before == flow.name or any(e.name in ("flow_started", "flow_resumed") and e.data.get("flow") == flow.name
                                         for e in ctx.events)
    response = _named(ctx, flow) if reached else None
    if response is None:
        return
    ctx.emit("noticed", flow=flow.name, response=response)
    question = ctx.replies.pop()
    ctx.say(response)
    ctx.replies.append(question)
