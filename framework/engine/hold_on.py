""""Hold on, let me find it": a customer who asks for time to fetch the value asked for.

Found in a customer trial (session 23, telecom_zh): at "请输入本人身份证号" the customer said
"她叫刘桂芬，身份证号码我得去找一下"; the assistant said the ID was not valid and used up one of
the three attempts (the third fails the flow). A person at a counter says "take your time"
and waits.

When (framework.engine.turn, at a collect step, before the global intents): the message asks to
wait (`asks_to_wait`: "稍等", "等我一下", "我去找一下", "让我想想", "hold on", "one sec", "let
me grab my card"), is short (at most 20 CJK characters or 10 words), is no question,
holds no valid value of the slot, sounds like no correction, and the classifier is not sure of a
cancel, a handoff or another flow's trigger ("等一下，我要投诉" starts the complaint). A menu (a
categorical slot) and a free-text slot (a complaint) take the message as before. The
assistant says `utter_take_your_time_<slot>` when the domain has it, else the built-in
`utter_take_your_time` ({wait_slot}: the slot's label), and keeps waiting for the same
answer: no attempt is used, the question is not asked again (event `hold_on`). At a
confirmation, after every other reading of the message (a yes, a no, a correction), the
same: `utter_take_time_to_confirm`, and the confirmation waits.
"""
from __future__ import annotations

import re
from typing import Callable

from framework.engine import confirm
from framework.engine.context import TurnContext
from framework.engine.unknown_value import commanded
from framework.nlu.interface import NLUResult
from framework.slots.answers import (WAIT_LEAD_EN, WAIT_PHRASE_EN, content_length, is_question, language_key,
                                     sounds_like_correction, yes_no)
from framework.slots.command_words import asks_for_person, withdrawn
from framework.slots.context import model_for, short_text

OWN = "utter_take_your_time_{slot}"
BUILTIN = "utter_take_your_time"
MAX_CONTENT = 20
MAX_WORDS = 10

_WAIT = {
    "zh": re.compile(r"稍等|等(?:一)?下(?!次|回|个|周|礼拜|星期)|等等我|等我|等会儿?|等一会|一会儿?就"
                     r"|马上(?:就)?(?:发|给|找)"
                     r"|(?:我|俺)(?:得|要|先|这就|马上|现在)?去?(?:找|拿|翻|查)(?:一下|一找|找|翻|一翻|查)"
                     r"|让我(?:想想|找找|看看|翻翻|查查|想一下|找一下)|我想想|我想一下|我看看|我翻翻|我找找"
                     # "那咋整，俺再看看", "emmm身份证号得翻一下" at the ID question (customer trial, session 36)
                     r"|(?:我|俺)(?:再)?(?:看看|找找|翻翻|翻一下|找一下)|得(?:去)?(?:翻|找|查)(?:一下|一翻|一找|找|翻)"
                     # "号码我忘了 我问问我老公", "我问问我老公" at the name question (customer trial, session 31)
                     r"|问(?:问|一下|下)(?:我|俺)?(?:家)?(?:老公|老婆|爱人|媳妇|家里人|家人|孩子|儿子|女儿|闺女|爸爸?|妈妈?|老伴|他|她)"),
    # ("hmm nah, hold off a sec" at a transfer's read-back: customer trial, session 43)
    "en": re.compile(r"\b(?:hold on|hang on|hold up|hold off|bear with me|brb"
                     r"|(?:one|just a|give me a|gimme a|wait a) (?:sec|second|moment|min|minute)"
                     r"|let me (?:find|get|grab|check|look|dig))\b"),
}


def asks_to_wait(text: str, language: str | None) -> bool:
    """A short message (at most MAX_CONTENT CJK characters, or MAX_WORDS words) that asks to wait."""
    code = language_key(language) or "en"
    pattern = _WAIT.get(code)
    said = text.strip().lower().replace("\u2019", "'")
    if pattern is None or not pattern.search(said):
        return False
    return content_length(said) <= MAX_CONTENT if code == "zh" else len(re.findall(r"[\w']+", said)) <= MAX_WORDS


def _asks_for_time(ctx: TurnContext, nlu: NLUResult, threshold: float) -> bool:
    """A short request to wait that is no question and no sure cancel, handoff or other request."""
    text, language = nlu.text or "", ctx.assistant.language
    return (asks_to_wait(text, language) and not is_question(text, language)
            and not commanded(ctx, nlu, threshold) and not _starts_another_flow(ctx, nlu, threshold))


def _starts_another_flow(ctx: TurnContext, nlu: NLUResult, threshold: float) -> bool:
    """The classifier is sure of another flow's trigger (the active flow's own is no request)."""
    top = nlu.intent
    flow = ctx.assistant.flow_for_intent(top.name) if top and top.confidence >= threshold else None
    return flow is not None and flow.name != ctx.frame.flow


def handle(ctx: TurnContext, nlu: NLUResult, slot_name: str, holds_value: Callable[[], bool],
           threshold: float) -> bool:
    """At the collect step of `slot_name`: True when the message asked for time and was
    answered here (see the module doc)."""
    slot = ctx.assistant.slots.get(slot_name)
    if slot is None or ctx.frame is None:
        return False
    if slot.type == "categorical" or (slot.type == "text" and not short_text(slot, model_for(ctx.assistant))):
        # a menu ("开户还是换套餐？") is no value to go and find ("准备好业务后…" was said at one in a
        # trial); free text (a complaint) takes the message as said
        return False
    if not _asks_for_time(ctx, nlu, threshold) or sounds_like_correction(nlu.text or "", ctx.assistant.language):
        return False
    if slot.type != "text" and holds_value():
        return False
    _wait_for(ctx, slot_name)
    return True


def _wait_for(ctx: TurnContext, slot_name: str) -> None:
    ctx.emit("hold_on", flow=ctx.frame.flow, slot=slot_name)
    own = OWN.format(slot=slot_name)
    ctx.say(own if own in ctx.assistant.responses else BUILTIN, extra={"wait_slot": confirm.label(ctx, slot_name)})


CONFIRMATION = "utter_take_time_to_confirm"

# A whole message that only asks to wait: "wait" at "Send $25.00 to Bec …?" (read as cancel 0.79, the
# transfer dropped: customer trial, session 26)
_BARE_WAIT = {
    # "hold on, let me check" (cancel) dropped a lost card's block, and the digits said next got the fallback
    # (customer trial, session 31)
    "en": re.compile(rf"{WAIT_LEAD_EN}{WAIT_PHRASE_EN}(?:[,\s]+(?:up|please|pls|a sec(?:ond)?|a moment|a minute|a bit|mate))*"
                     r"(?:[,.\s]+(?:let me|lemme|i'?ll|i need to|i have to|gotta) (?:check|look|see|find|grab|get|dig)"
                     # not "let me check my balance first": a balance check asked for (customer trial, session 40)
                     r"(?: (?:it|them|for it|it out|out|my (?!balance|account|funds|statement)\w+|the card))?"
                     r"(?: first| quickly| real quick)?)?"
                     r"[\s.!…]*$"
                     # "not yet" at "Send $50.00 to Ana …?" opened "What would you like to change?", and "ok now yes" then
                     # heard "Sorry, I didn't quite get that" (customer trial, session 34): not yet is a wait
                     r"|^(?:(?:no|nah|nope|um|uh)[,\s]+)?not (?:yet|now|right now|just yet|just now)"
                     r"(?:[,\s]+(?:thanks|thank you|please|pls))?[\s.!…]*$"),
    # "先不了" at an opening's read-back opened the change menu (customer trial, session 34): not now is a wait
    "zh": re.compile(r"^(?:那|嗯|呃)?(?:先不了|先不用了|暂时不用了?|暂时先不|先不急)(?:吧|啦|哈)?[。.!！…~～]*$"
                     # "别别别 我再想想" at an opening's read-back asked for a clear answer, "别别别" alone what to change
                     # (customer trial, session 44)
                     r"|^(?:别+|不不+|等等)?[，,。!！\s]*(?:我|让我)?(?:再)?(?:想想|想一想|想一下|考虑考虑|考虑一下|考虑下)"
                     r"(?:吧|啊|哈|先)?[。.!！…~～]*$|^别{2,}[啊呀！!。.…\s]*$"
                     r"|^(?:你|您)?(?:先)?(?:等等|等一下|等下|等会儿?|稍等(?:一下)?)(?:我)?[啊呀哈吧嘛哦。.!！…~～]*$"
                     # "先等等 我问下我老婆" (再见 0.97) at an opening's read-back offered to stop, and "好了 她说行"
                     # then cancelled it (customer trial, session 28): a wait to ask someone is a wait
                     r"|^(?:你|您)?(?:先)?(?:等等|等一下|等下|等会儿?|稍等(?:一下)?)(?:我)?[，,。\s]*(?:我|让我)?(?:先)?"
                     r"(?:问问|问下|问一下|商量一下|商量商量|想想|想一下|考虑一下)[^，,。！？?]{0,8}[。.!！…~～]*$"),
}


def only_waits(text: str, language: str | None) -> bool:
    """The text only asks to wait (_BARE_WAIT): "hold on", "actually wait", "稍等一下"."""
    pattern = _BARE_WAIT.get(language_key(language) or "en")
    return pattern is not None and bool(pattern.match(text.strip().lower()))


def _only_waits(ctx: TurnContext, nlu: NLUResult) -> bool:
    """The whole message only asks to wait (_BARE_WAIT), and a flow is active."""
    return ctx.frame is not None and only_waits(nlu.text or "", ctx.assistant.language)


def bare_wait(ctx: TurnContext, nlu: NLUResult) -> bool:
    """At a confirmation, a whole message that only asks to wait, whatever the classifier read:
    `utter_take_time_to_confirm` is said and the confirmation waits (event `hold_on`)."""
    if not _only_waits(ctx, nlu):
        return False
    if confirm.only_offered(ctx) and _NOT_NOW.search(nlu.text or ""):
        return False  # "先不用了" at "需要帮您办理59元套餐吗？" declines the offer (customer trial, session 35), no wait
    _wait_to_confirm(ctx)
    return True


def wait_with_a_reason(ctx: TurnContext, nlu: NLUResult) -> bool:
    """"hold on, I need to check something first" (cancel 0.93) at a transfer's read-back cancelled it (customer trial,
    session 35): at a confirmation, a message that opens by asking to wait, says why, and neither withdraws the request
    in words nor answers yes or no waits (event `hold_on`), whatever the classifier read."""
    text = nlu.text or ""
    rest = confirm.after_wait(text, ctx.assistant.language)
    if (ctx.frame is None or ctx.frame.waiting_for != "confirm" or not rest or confirm.only_offered(ctx)
            or ctx.intent not in ctx.assistant.behaviours.cancel.intents or not _TO_CHECK.match(rest)
            or is_question(text, ctx.assistant.language)):
        return False
    first = re.split(r"[\s,.!，。！]+", rest, maxsplit=1)[0]
    if (withdrawn(text, ctx.assistant.language) or yes_no(rest, ctx.assistant.language) is not None
            or yes_no(first, ctx.assistant.language) is not None or confirm.told_to_go_ahead(rest, ctx.assistant.language)):
        return False  # "wait, yes send it", "hold on, cancel it": answered after all
    _wait_to_confirm(ctx)
    return True


# "no, actually I should check with her first" (deny 1.00) at "Send $50.00 to Anna …?" and "hmm wait, not yet. let me go
# check the car first" (affirm 0.47) at a block's read-back heard "I'm not sure I understood" (customer trial, session 41;
# a casual "ok" next would have blocked the card): something to check or ask first, said as the whole message, waits
_CHECK_FIRST = re.compile(r"^(?:(?:hmm+|um+|uh+|oh|no|nah|nope|wait|hold on|hang on|actually|not yet|not now|not just yet|"
                          r"sorry|ok(?:ay)?|erm)[,.!…\s]+)*"
                          r"(?:i\s+(?:should|need to|have to|want to|wanna|gotta|must|better)|i'?d\s+(?:better|rather)|let me|"
                          r"lemme|i'?ll|i(?:'m| am) going to|i'?m gonna)\s+(?:go\s+|just\s+|quickly\s+|first\s+)*"
                          r"(?:check|ask|talk|speak|call|look|confirm|double[- ]check|think|see)\b[^?]{0,60}"
                          r"\b(?:first|before(?: i| that| you)?[^?]{0,30})"
                          # "hmm ok, let me look at home first. don't block it yet" (customer trial, session 41, round 2)
                          r"(?:[\s.,!…]+(?:so |and )?(?:don'?t|dont|do not) \w+(?: it| that| this| the card| anything)? yet)?"
                          r"[\s.!…]*$", re.IGNORECASE)


def check_first(ctx: TurnContext, nlu: NLUResult) -> bool:
    """At a confirmation, a whole message that says what the customer will check or ask first, withdrawing nothing
    in words and answering no yes: it waits (event `hold_on`), whatever the classifier read."""
    text = (nlu.text or "").strip()
    if (ctx.frame is None or ctx.frame.waiting_for != "confirm" or not _CHECK_FIRST.match(text)
            or withdrawn(text, ctx.assistant.language) or asks_for_person(text, ctx.assistant.language)):
        return False
    _wait_to_confirm(ctx)
    return True


# Something to check or ask first, said after a wait: "I need to check something first", "let me ask my wife", "我先问问"
_TO_CHECK = re.compile(r"(?i:(?:i\s+)?(?:need|have|got|want)\s+to\s+|i'?ve\s+got\s+to\s+|let\s+me\s+|gotta\s+|i'?ll\s+)"
                       r"(?i:just\s+)?(?i:check|ask|look|double[- ]check|confirm|see|think|talk|call|speak)\b"
                       r"|(?:我)?(?:先|得|要|再)?(?:查|看|问|确认|想|核对)(?:一下|一查|一看|问|看|想)")


# "not now" said to an offer: "先不用了", "先不了", "not now", "not yet"
_NOT_NOW = re.compile(r"先不|暂时不|\bnot (?:now|yet|today)\b", re.IGNORECASE)


def bare_wait_at(ctx: TurnContext, nlu: NLUResult, slot_name: str) -> bool:
    """At the question of `slot_name`, a whole message that only asks to wait, whatever the classifier read: "hold on
    a sec" (cancel 0.90) at "How much would you like to send?" dropped the transfer (customer trial, session 30).
    The slot's "take your time" is said and the question waits (event `hold_on`)."""
    if not _only_waits(ctx, nlu):
        return False
    _wait_for(ctx, slot_name)
    return True


def wait_to_find(ctx: TurnContext, nlu: NLUResult, slot_name: str) -> bool:
    """At the question of `slot_name`, a short message that asks to wait and asks for no person and withdraws nothing,
    whatever the classifier read: "身份证我得找找，你等我一下" (转人工 0.98) at the ID question handed the customer off and
    dropped the plan change (customer trial, session 36). The question waits (event `hold_on`)."""
    text, language = nlu.text or "", ctx.assistant.language
    if (ctx.frame is None or not asks_to_wait(text, language) or asks_for_person(text, language)
            or withdrawn(text, language) or is_question(text, language)):
        return False
    _wait_for(ctx, slot_name)
    return True


def _wait_to_confirm(ctx: TurnContext) -> None:
    ctx.emit("hold_on", flow=ctx.frame.flow, slot=None)
    ctx.say(CONFIRMATION)


def at_confirmation(ctx: TurnContext, nlu: NLUResult, threshold: float) -> bool:
    """At a confirmation (or its "which item?" question), nothing else having answered it:
    True when the message asked for time and `utter_take_time_to_confirm` was said; the
    confirmation waits, no attempt used ("hang on" got the fallback, trial of session 23)."""
    if (ctx.frame is None or not _asks_for_time(ctx, nlu, threshold)
            or sounds_like_correction(nlu.text or "", ctx.assistant.language)):
        # "等一下，我最开始名字说错了，是周洁，洁白的洁" heard "好的，不着急", and the account was opened for the old name
        # (customer trial, session 32): a wait that goes on to say something was wrong is that correction
        return False
    _wait_to_confirm(ctx)
    return True



# What says "I'm back" after a wait ("one sec" ... "ok" sent the money at once, without the details said
# again: customer trial, session 29; "ready" was read as a goodbye and offered to stop)
_BACK = {
    "en": re.compile(r"^(?:(?:ok(?:ay)?|k|kk|alright|right|so|yes|yeah|yep|sorry|thanks|thank you)[,.!\s]*)*"
                     r"(?:(?:i'?m |im |i am )?(?:ready|back|here)|(?:all )?done|got it|found it|ok(?:ay)?|k|kk|alright|sorry"
                     r"(?: about that)?|(?:sorry )?(?:for|about) the wait)[,.!\s]*$", re.IGNORECASE),
    "zh": re.compile(r"^(?:好了|好啦|好的|好|行了|可以了|我回来了|回来了|我好了|久等了|不好意思|抱歉|嗯)[，,。！!~～\s]*"
                     r"(?:好了|久等了|让你久等了|我回来了)?[，,。！!~～\s]*$"),
}


def back_at_question(ctx: TurnContext, nlu: NLUResult) -> bool:
    """"我回来了" right after "好的，不着急，准备好身份证号后直接发给我就行" offered to stop the change (customer trial, session
    47): the customer back, no answer yet, hears the question again (event `asked_again`, reason `back_after_wait`)."""
    if not _back(ctx, nlu):
        return False
    ctx.emit("asked_again", flow=ctx.frame.flow, state=ctx.frame.state, waiting_for=ctx.frame.waiting_for,
             reason="back_after_wait")
    return True


def back_after_wait(ctx: TurnContext, nlu: NLUResult) -> bool:
    """Right after a confirmation waited ("Sure, take your time…"), "ok" / "ready" / "好了" is the customer
    back, no answer yet: the confirmation is said again (event `confirm_again`)."""
    if not _back(ctx, nlu):
        return False
    ctx.emit("confirm_again", flow=ctx.frame.flow, reason="back_after_wait")
    return True


def _back(ctx: TurnContext, nlu: NLUResult) -> bool:
    """Right after the assistant waited (event `hold_on`), the message says the customer is back ("ok", "我回来了")."""
    history = ctx.original.history
    pattern = _BACK.get(language_key(ctx.assistant.language) or "en")
    return (ctx.frame is not None and bool(history) and "hold_on" in history[-1].events and pattern is not None
            and pattern.match((nlu.text or "").strip()) is not None)
