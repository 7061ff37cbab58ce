"""A value said with no request: "1234", "my card ends in 4821", "13800138000" as a first message.

Found by hand (session 44): "1234" alone heard "Sorry, I didn't quite get that. Could you rephrase?" and the digits
were dropped; "it's 1234, no wait 4321... actually 1234" heard "Sorry, I can only help with card services", the
out-of-scope reply, for a message that is all about the customer's card. A person at a counter says "right, card
1234: what would you like to do with it?", and the next request uses it without asking again.

When (framework.engine.turn, after every flow, global intent and "Did you mean …?" had their say): no flow is active,
the message set values of slots the customer may give, and it asked for nothing:

- the classifier's intent starts no flow and is none of the out-of-scope, yes or no intents (`inform`, `提供信息`),
  at or above the fallback threshold; or
- whatever the intent, the values are most of the message (digits alone trust no intent).

Then `utter_value_without_request` ("Noted: last four digits 1234. What would you like me to do with it?", built in;
a domain response of that name wins), with {given_values}: each slot's label and its value as replies show it, event
`value_noted` with the slot names. The values are kept for the next request as any value said outside a flow
(framework.engine.lifetimes). Personal values (`pii: true`: a name, an ID number) are not noted: outside a flow they
are erased at the end of the turn (docs/DESIGN.md, slot lifetimes), so saying them back as kept would be untrue; an
identifier that one flow asks starts that flow instead (framework.engine.turn._implied_flow: "13800138000" alone asks
余额还是账单).
A message that was not understood and is not mostly values keeps the fallback, and its values are dropped ("I was
charged 89 dollars twice at the grocery store", then "send money to my son Tom" must not offer $89).
"""
from __future__ import annotations

import re

from framework.engine import value_guard
from framework.engine.confirm import label
from framework.engine.context import TurnContext
from framework.engine.render import shown
from framework.nlu.interface import NLUResult
from framework.slots.context import from_user

RESPONSE = "utter_value_without_request"
EVENT = "value_noted"
# what the customer has now, not a value for a request: "我这是129的融合套餐", "I'm on the 59 plan", "my card is 1234 and it works"
_WHAT_ONE_HAS = re.compile(r"我(?:这|这个|现在|目前|用的|办的|家)(?:是|用的是|就是)|我(?:现在|目前)?用的(?:是|就是)|现在是|目前是"
                           r"|\b(?:i'?m on|i am on|i have|i've got|i already have|my current|currently)\b", re.IGNORECASE)
_AND = {"zh": "，", "en": " and "}


def given(ctx: TurnContext) -> list[str]:
    """The slots this message gave a value the customer may give and that outlive the turn (not personal), in the
    order they were set."""
    slots = ctx.assistant.slots
    return [name for name, value in ctx.slot_changes.items()
            if value is not None and name in slots and from_user(slots[name]) and not slots[name].pii
            and ctx.slots.get(name) == value]


def handle(ctx: TurnContext, nlu: NLUResult, confident: bool) -> bool:
    """Say what was noted and ask what to do with it (see the module doc); False when it does not apply."""
    assistant = ctx.assistant
    behaviours = assistant.behaviours
    if ctx.stack:
        return False
    names = given(ctx)
    if not names:
        return False
    if _WHAT_ONE_HAS.search(nlu.text or ""):
        return False  # "我这是129的融合套餐 宽带是你们的啊" tells what the customer has (customer trial, session 45)
    intent = ctx.intent
    asks_nothing = (intent is not None and assistant.flow_for_intent(intent) is None
                    and intent not in behaviours.out_of_scope.intents
                    and intent not in behaviours.affirm.intents and intent not in behaviours.deny.intents)
    if not ((confident and asks_nothing) or value_guard.mostly(nlu.text or "", nlu.entities)):
        return False
    language = assistant.language
    values = _AND.get(language, _AND["en"]).join(
        f"{label(ctx, name)} {shown(assistant.slots[name], ctx.slots[name], language)}" for name in names)
    ctx.emit(EVENT, slots=tuple(names))
    ctx.say(RESPONSE, extra={"given_values": values})
    return True

