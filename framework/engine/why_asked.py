""""Why do you need my ID?": a customer who asks what the value asked for is needed for.

Found in a customer trial (session 21, telecom_zh): at "请输入本人身份证号" the customer asked
"为什么要我的身份证号？"; the classifier read it as out of scope (其他 0.75), and the assistant
said "抱歉，这个问题我暂时回答不了" and asked for the number again. A person at a counter says
why, and asks again. Rasa CALM leaves it to a `cannot_handle`; a Dialogflow CX form to its
no-match.

When (framework.engine.turn, at a collect step, before the global intents): the message asks
why the value is needed (`asks_why`: "为什么要身份证号", "要我手机号干嘛", "why do you need my
card number?", "what's that for?": a why with a pronoun or a word of the slot's name or label;
"为什么要手机号？" at another question is not about it), holds no valid value of the slot (at a
name-like text slot any words are one, so only the question counts; a free-text slot, a
complaint, and a menu take the message as before), and the classifier is not sure of a cancel
or handoff. The assistant says `utter_why_<slot>` when the domain has it,
else the built-in `utter_why_value` (`utter_why_value_pii` for a `pii: true` slot, which also
says the value is masked in the records), then the question again. No attempt is used up.
"""
from __future__ import annotations

import re
from typing import Callable

from framework.engine import confirm, steps
from framework.engine.context import TurnContext
from framework.engine.unknown_value import commanded
from framework.nlu.interface import NLUResult
from framework.slots.answers import language_key, refuses
from framework.slots.context import model_for, short_text

OWN = "utter_why_{slot}"
BUILTIN = "utter_why_value"
BUILTIN_PII = "utter_why_value_pii"

_WHY = {
    "zh": re.compile(r"(?:为什么|为啥|干嘛|干吗|凭什么|为何|怎么还)[^，。！？,.!?]{0,10}(?:要|需要|得|问|提供|给|填|报|说)"
                     r"|(?:要|需要|问)[^，。！？,.!?]{0,10}(?:干嘛|干吗|干什么|做什么|有什么用|有啥用|何用)"
                     r"|(?:有什么用|有啥用|用来干嘛|用来做什么|拿去干嘛)"
                     # "身份证要给你吗，安全吗" at the ID question heard "这个问题我在这里回答不了" (customer trial,
                     # session 38): whether it is safe to give is answered the same way
                     r"|安全吗|安不安全|安全不|会不会(?:泄露|泄漏|外泄)|会(?:泄露|泄漏|外泄)吗"),
    "en": re.compile(r"\bwhy\b[^.!?]{0,40}\b(?:need|want|ask|require|give|provide|tell|share)"
                     r"|\bwhat\b[^.!?]{0,30}\b(?:need|want)\b[^.!?]{0,30}\bfor\b"
                     r"|\bwhat(?:'s| is) (?:it|that|this) for\b|\bwhat for\b"
                     r"|\bis (?:it|this|that) (?:safe|secure)\b|\b(?:safe|secure) to (?:give|share|send|tell)\b"),
}


# What the question is about must be the value asked for: a pronoun, or a word of its name or
# label ("为什么要扣我话费" at the complaint's question is the complaint; "为什么要手机号？" at
# "余额还是账单？" is not about that question)
_PRONOUNS = {
    "zh": re.compile(r"这个|那个|它|这些|这项|这些信息"),
    "en": re.compile(r"\b(?:it|that|this|these|those)\b"),
}
_EN_STOP = frozenset({"the", "your", "of", "and", "for", "last", "first", "number"})


def _words(name: str, label: str, code: str) -> set[str]:
    """Words that name the slot: its label's and its name's (Han bigrams in Chinese)."""
    if code == "zh":
        han = "".join(ch for ch in label if "\u3400" <= ch <= "\u9fff")
        # a two-character label by either character: "为啥要我名字？" at "请问您的姓名是？" (姓名) got the help
        # menu (customer trial, session 32)
        return {han[i:i + 2] for i in range(len(han) - 1)} | (set(han) if len(han) == 2 else set())
    words = re.findall(r"[a-z]+", f"{label} {name.replace('_', ' ')}".lower())
    return {w for w in words if len(w) >= 3 and w not in _EN_STOP} | ({"id"} if "id" in words else set())


# Everyday words for a value of a type, beside its label's: "你要我号码干嘛？" at "请提供要查询的手机号码。" (label 手机号) heard the
# help menu (customer trial, session 39)
_TYPE_WORDS = {"zh": {"phone": {"号码", "电话"}, "id_number": {"证件", "身份证"}},
               "en": {"phone": {"number", "phone"}, "id_number": {"id"}}}


def asks_why(text: str, language: str | None, name: str = "", label: str = "", kind: str = "") -> bool:
    """True when the message asks why the value of slot `name` (`label`, of type `kind`) is needed: a why
    with a pronoun or a word of the slot's name or label (or an everyday word for its type)."""
    code = language_key(language) or "en"
    pattern, pronouns = _WHY.get(code), _PRONOUNS.get(code)
    said = text.strip().lower().replace("\u2019", "'")
    if pattern is None or not pattern.search(said):
        return False
    if pronouns.search(said):
        return True
    words = _words(name, label, code) | _TYPE_WORDS.get(code, {}).get(kind, set())
    if code == "zh":
        return any(w in said for w in words)
    return bool(words & set(re.findall(r"[a-z]+", said)))


def handle(ctx: TurnContext, nlu: NLUResult, slot_name: str, holds_value: Callable[[], bool],
           threshold: float) -> bool:
    """At the collect step of `slot_name`: True when the message asked why the value is
    needed and was answered here (see the module doc)."""
    slot = ctx.assistant.slots.get(slot_name)
    if slot is None or ctx.frame is None:
        return False
    if slot.type == "categorical" or (slot.type == "text" and not short_text(slot, model_for(ctx.assistant))):
        return False  # a menu; free text (a complaint) takes the question as said
    label = confirm.label(ctx, slot_name)
    if not asks_why(nlu.text or "", ctx.assistant.language, slot_name, label, slot.type):
        return False
    if refuses(nlu.text or "", ctx.assistant.language):
        return False  # "为什么要名字啊，我不想说": the refusal it ends with is the answer (framework.engine.turn)
    # any words are a text slot's value: there only the question itself counts
    if (slot.type != "text" and holds_value()) or commanded(ctx, nlu, threshold):
        return False
    ctx.emit("reason_asked", flow=ctx.frame.flow, slot=slot_name)
    own = OWN.format(slot=slot_name)
    response = own if own in ctx.assistant.responses else (BUILTIN_PII if slot.pii else BUILTIN)
    ctx.say(response, extra={"why_slot": label})
    steps.reprompt(ctx)
    return True
