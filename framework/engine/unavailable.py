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
one uses no attempt. `patterns` (regular expressions, optional) name such choices where a list
of words would be long: `patterns: ['(\\d{1,2}|[一二三四五六七八九十]{1,3})月份']` for bills of
months other than this one and the last ("查3月份的账单" got this month's bill: customer trial,
session 27). Only while this slot is asked: "宽带老是断网" in a complaint never hears
it. Words are matched inside the message, case-insensitively; a choice understood in the same
message wins ("宽带不办了，我要换套餐" is 换套餐).

The words also count at the flow's other questions: "我想办宽带" at the plan menu of an account
being opened heard "没有这个套餐哦" (customer trial, session 18), as if 宽带 were a wrong plan.
While another question of the same flow is asked, a message naming one of the words of a slot
that flow collects gets that slot's response and the question again, no attempt used; that slot's
`default`, if its step has one, is then not taken: "查上上个月的账单" heard "更早的账单这里查不了",
the phone number question, and then this month's bill (customer trial, session 27); now the
month is asked (Frame.undefaulted)."""
from __future__ import annotations

import functools
import re

from framework.engine import steps
from framework.engine.context import TurnContext
from framework.engine.steps import collected_slots


def named(ctx: TurnContext, slot_name: str) -> str | None:
    """The word of the slot's `unavailable` list (or the text one of its `patterns` matched) that
    this turn's message names, or None."""
    slot = ctx.assistant.slots.get(slot_name)
    spec = slot.options.get("unavailable") if slot is not None else None
    text = (ctx.text or "").lower()
    if not spec or not text:
        return None
    return named_in(spec["words"], spec.get("patterns", ()), text)


def named_in(words, patterns, text: str) -> str | None:
    """The first of `words` inside `text`, else the text the first of `patterns` (regular
    expressions) finds there; case-insensitive; None when none is."""
    lowered = text.lower()
    word = next((w for w in words if _said(w.lower(), lowered)), None)
    if word is not None:
        return word
    for pattern in patterns:
        found = _compiled(pattern).search(text)
        if found and found.group(0):
            return found.group(0)
    return None


def _said(word: str, lowered: str) -> bool:
    """A listed word inside the message: a Latin word as a whole word ("fee" is not in "coffee", nor "free" in "freeze":
    customer trial, session 37, a question about coffee heard the activation's fee), any other inside it ("寄到哪")."""
    if word not in lowered:
        return False
    if not (word[:1].isascii() and word[:1].isalnum()) and not (word[-1:].isascii() and word[-1:].isalnum()):
        return True
    return _word_pattern(word).search(lowered) is not None


@functools.lru_cache(maxsize=512)
def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])")


def say_named(ctx: TurnContext, flow_name: str, entries, text: str, event: str) -> bool:
    """The response of the first of `entries` ((response, words, patterns): a flow's `answers` or `not_for`)
    that `text` names, said with event `event`, then the question again; False when none is named."""
    if not tell_named(ctx, flow_name, entries, text, event):
        return False
    steps.reprompt(ctx)
    return True


def tell_named(ctx: TurnContext, flow_name: str, entries, text: str, event: str) -> bool:
    """`say_named` without the question again: the caller says what comes next."""
    for response, words, patterns in entries:
        named = named_in(words, patterns, text)
        if named is not None:
            ctx.emit(event, flow=flow_name, word=named)
            ctx.say(response)
            return True
    return False


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def all_that_was_asked(ctx: TurnContext, slot_name: str) -> bool:
    """Whether the message that started the active flow this turn asked only for an unavailable choice of its first
    question's slot: nothing of the flow understood besides it, no other choice, no question of the flow answered."""
    frame = ctx.frame
    started = [e for e in ctx.events if e.name == "flow_started"]
    said = [e for e in ctx.events if e.name == "choice_unavailable"]
    return (frame is not None and bool(started) and started[-1].data.get("flow") == frame.flow
            and bool(said) and said[-1].data.get("slot") == slot_name and ctx.slots.get(slot_name) is None
            and not any(name in ctx.slot_changes for name in collected_slots(ctx.flow()))
            and not any(e.name == "question_answered" for e in ctx.events))


def say(ctx: TurnContext, slot_name: str) -> bool:
    """Say the `unavailable` response of the asked slot, or else of another slot the active flow
    collects, when this turn's message names one of its words."""
    flow = ctx.flow()
    others = sorted(collected_slots(flow) - {slot_name}) if flow is not None else []
    for name in [slot_name, *others]:
        if name != slot_name and ctx.slots.get(name) is not None and name in ctx.slot_changes:
            continue  # "查下12月份的话费账单": the month understood (本月) is no month not served
        word = named(ctx, name)
        if word is not None:
            ctx.emit("choice_unavailable", slot=name, word=word, asked=slot_name)
            if name != slot_name and ctx.frame is not None and name not in ctx.frame.undefaulted:
                ctx.update_frame(undefaulted=(*ctx.frame.undefaulted, name))
            ctx.say(ctx.assistant.slots[name].options["unavailable"]["response"])
            return True
    return False
