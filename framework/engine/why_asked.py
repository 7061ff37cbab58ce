""""Why do you need my ID?": a customer who asks what the value asked for is needed for.

Found in a customer trial (session 21, telecom_zh): at "请输入本人身份证号" the customer asked
"为什么要我的身份证号？"; the classifier read it as out of scope (其他 0.75), and the assistant
said "抱歉，这个问题我暂时回答不了" and asked for the number again. A person at a counter says
why, and asks again. Rasa CALM leaves it to a `cannot_handle`; a Dialogflow CX form to its
no-match.

When (framework.engine.turn, at a collect step, before the global intents): the message asks
why the value is needed (`asks_why`: "为什么要身份证号", "要我手机号干嘛", "why do you need my
card number?", "what's that for?": a why with the slot's label, a pronoun or a word for
personal details), holds no valid value of the slot (at a name-like text slot: any words are
one, so only the question counts; a free-text slot, a complaint, takes it as said), and the
classifier is not sure of a cancel or handoff. The assistant says `utter_why_<slot>` when the domain has it,
else the built-in `utter_why_value` (`utter_why_value_pii` for a `pii: true` slot, which also
says the value is masked in the records), then the question again. No attempt is used up.
"""
from __future__ import annotations

import re
from typing import Callable

from framework.engine import confirm, steps
from framework.engine.unknown_value import commanded
from framework.engine.context import TurnContext
from framework.nlu.interface import NLUResult
from framework.slots.answers import language_key
from framework.slots.context import model_for, short_text

OWN = "utter_why_{slot}"
BUILTIN = "utter_why_value"
BUILTIN_PII = "utter_why_value_pii"

_WHY = {
    "zh": re.compile(r"(?:为什么|为啥|干嘛|干吗|凭什么|为何|怎么还)[^，。！？,.!?]{0,10}(?:要|需要|得|问|提供|给|填|报|说)"
                     r"|(?:要|需要|问)[^，。！？,.!?]{0,10}(?:干嘛|干吗|干什么|做什么|有什么用|有啥用|何用)"
                     r"|(?:有什么用|有啥用|用来干嘛|用来做什么|拿去干嘛)"),
    "en": re.compile(r"\bwhy\b[^.!?]{0,40}\b(?:need|want|ask|require|give|provide|tell|share)"
                     r"|\bwhat\b[^.!?]{0,30}\b(?:need|want)\b[^.!?]{0,30}\bfor\b"
                     r"|\bwhat(?:'s| is) (?:it|that|this) for\b|\bwhat for\b"),
}


# What the question is about: the value itself ("为什么要扣我话费" at the complaint's question
# is the complaint, not a question about it)
_ABOUT = {
    "zh": re.compile(r"这个|那个|它|证件|身份证|号码|名字|姓名|手机|电话|信息|资料|卡号|密码|地址"),
    "en": re.compile(r"\b(?:it|that|this|id|number|digits|name|details|info|information|card|address|date|amount|phone)\b"),
}


def asks_why(text: str, language: str | None, label: str = "") -> bool:
    """True when the message asks why a value (named by `label`, a pronoun or a word for
    personal details) is needed or asked for."""
    code = language_key(language) or "en"
    pattern, about = _WHY.get(code), _ABOUT.get(code)
    said = text.strip().lower().replace("\u2019", "'")
    if pattern is None or not pattern.search(said):
        return False
    return bool(about.search(said)) or bool(label and label.lower() in said)


def handle(ctx: TurnContext, nlu: NLUResult, slot_name: str, holds_value: Callable[[], bool],
           threshold: float) -> bool:
    """At the collect step of `slot_name`: True when the message asked why the value is
    needed and was answered here (see the module doc)."""
    slot = ctx.assistant.slots.get(slot_name)
    if slot is None or ctx.frame is None:
        return False
    if slot.type == "text" and not short_text(slot, model_for(ctx.assistant)):
        return False  # free text (a complaint) takes the question as said
    if not asks_why(nlu.text or "", ctx.assistant.language, confirm.label(ctx, slot_name)):
        return False
    # any words are a text slot's value: there only the question itself counts
    if (slot.type != "text" and holds_value()) or commanded(ctx, nlu, threshold):
        return False
    ctx.emit("reason_asked", flow=ctx.frame.flow, slot=slot_name)
    own = OWN.format(slot=slot_name)
    response = own if own in ctx.assistant.responses else (BUILTIN_PII if slot.pii else BUILTIN)
    ctx.say(response, extra={"why_slot": confirm.label(ctx, slot_name)})
    steps.reprompt(ctx)
    return True
