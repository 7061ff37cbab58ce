""""Are you a robot?": what the assistant is, asked outright.

Found in customer trials (session 40): "are you a robot?" heard "That's outside what I can do" (banking_en) and
"你是机器人还是真人啊" the help menu (telecom_zh). Rasa's starter project answers this with a `bot_challenge` intent
and a rule; a domain here needs no intent for it: a whole message that asks whether the assistant is a bot or a
person gets `utter_bot_identity` (built in, in the domain's language; a domain response of that name wins), then the
question that waits, if any (no attempt used). A message that also asks for a person ("are you a bot? get me a
human") is left to the handoff. A domain that answers the question itself keeps its answer: when the message's intent
is one trained on such questions (most of its examples ask it, as Rasa's `bot_challenge` in a migrated project, whose
rule says "I am a bot, powered by Rasa."), the built-in stays out of the way."""
from __future__ import annotations

import functools
import re

from framework.compile.machine import Intent
from framework.engine import steps
from framework.engine.context import TurnContext
from framework.slots.answers import language_key

RESPONSE = "utter_bot_identity"
_ASKED = {
    "en": re.compile(r"^\W*(?:(?:hey|hi|hello|wait|so|um|lol|honestly|seriously|quick question)[,.!\s]+)*"
                     r"(?:are|r)\s+(?:you|u)\s+(?:a\s+|an\s+)?(?:real\s+)?(?:robot|bot|machine|ai|computer|human|person"
                     r"|real person|real human|chat ?bot|automated)"
                     r"(?:\s+or\s+(?:a\s+|an\s+)?(?:real\s+)?(?:robot|bot|machine|ai|computer|human|person|real person))?"
                     r"(?:\s+(?:or what|or not|too|then|lol|haha))?\W*$"
                     r"|^\W*(?:am i|am i talking|am i chatting|is this)\s+(?:talking |chatting |speaking )?(?:to|with)?\s*"
                     r"(?:a\s+)?(?:real\s+)?(?:robot|bot|machine|human|person|real person)\W*$", re.IGNORECASE),
    "zh": re.compile(r"^\W*(?:你好|请问|哎|诶)?[，,\s]*(?:你|您)(?:是不是|是|到底是)(?:个|一个)?(?:机器人|机器|真人|人工|ai|AI|人|智能客服|自动回复)"
                     r"(?:还是(?:个|一个)?(?:机器人|机器|真人|人工|人|ai|AI|自动回复))?(?:吧|吗|啊|呀|呢|哦|嘛)*[?？。!！\s]*$"
                     r"|^\W*(?:是|这是)(?:机器人|真人|人工|自动回复)(?:吗|吧|还是(?:机器人|真人|人工))[?？。!！\s]*$"),
}


def asked(text: str, language: str | None) -> bool:
    """Whether the whole message asks whether the assistant is a bot or a person."""
    pattern = _ASKED.get(language_key(language) or "en")
    return bool(pattern and pattern.search(text.strip()))


@functools.lru_cache(maxsize=64)
def _dedicated(intent: Intent, language: str | None) -> bool:
    """Whether most of the intent's examples ask what the assistant is (the domain's own answer to it)."""
    texts = [example.text for example in intent.examples]
    return bool(texts) and 2 * sum(asked(text, language) for text in texts) > len(texts)


def answer(ctx: TurnContext) -> bool:
    """True when the message asked what the assistant is and was answered here (event `bot_challenge`)."""
    if not asked(ctx.text or "", ctx.assistant.language):
        return False
    own = ctx.assistant.intents.get(ctx.intent or "")
    if own is not None and _dedicated(own, ctx.assistant.language):
        return False
    ctx.emit("bot_challenge")
    ctx.say(RESPONSE)
    if ctx.frame is not None and ctx.frame.waiting_for:
        steps.reprompt(ctx)
    return True
