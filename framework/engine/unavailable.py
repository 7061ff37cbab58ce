"""A choice the assistant cannot serve here, named by the customer: "我想办个宽带" where only
开户 and 换套餐 can be done online heard "请问您要办理开户还是变更套餐？" with no word about
宽带 (customer trial, session 16), and "宽带" as the answer used up one of three attempts.

A categorical slot may list such choices:

    business:
      type: categorical
      choices: {开户: [...], 换套餐: [...]}
      unavailable: {response: utter_business_offline, words: [宽带, 固话, 座机]}

When the slot's question is asked in a turn whose message names one of `words` (the message
that started the flow, or an answer to the question) and no choice was understood, the
`response` is said first ("宽带业务需要到营业厅办理。"), then the question; an answer that names
one uses no attempt. Only while this slot is asked: "宽带老是断网" in a complaint never hears
it. Words are matched inside the message, case-insensitively; a choice understood in the same
message wins ("宽带不办了，我要换套餐" is 换套餐).

The words also count at the flow's other questions: "我想办宽带" at the plan menu of an account
being opened heard "没有这个套餐哦" (customer trial, session 18), as if 宽带 were a wrong plan.
While another question of the same flow is asked, a message naming one of the words of a slot
that flow collects gets that slot's response and the question again, no attempt used."""
from __future__ import annotations

from framework.engine.context import TurnContext
from framework.engine.steps import collected_slots


def named(ctx: TurnContext, slot_name: str) -> str | None:
    """The word of the slot's `unavailable` list that this turn's message names, or None."""
    slot = ctx.assistant.slots.get(slot_name)
    spec = slot.options.get("unavailable") if slot is not None else None
    text = (ctx.text or "").lower()
    if not spec or not text:
        return None
    return next((w for w in spec["words"] if w.lower() in text), None)


def say(ctx: TurnContext, slot_name: str) -> bool:
    """Say the `unavailable` response of the asked slot, or else of another slot the active flow
    collects, when this turn's message names one of its words."""
    flow = ctx.flow()
    others = sorted(collected_slots(flow) - {slot_name}) if flow is not None else []
    for name in [slot_name, *others]:
        word = named(ctx, name)
        if word is not None:
            ctx.emit("choice_unavailable", slot=name, word=word, asked=slot_name)
            ctx.say(ctx.assistant.slots[name].options["unavailable"]["response"])
            return True
    return False
