"""A message with nothing to read (only emoji, punctuation or whitespace) at a question.

"😀" at the plan question used to be parsed as the plan, refused, and counted as one of
the user's three attempts; at a confirmation an intent classifier scores it as some intent
(the fine-tuned telecom_zh model: 肯定 0.50). Such a message carries no letter, digit or CJK
character (framework.slots.answers.has_content), so it answers no question: while the
active flow waits for the user (a collect step, a confirmation, its "which item?" menu, a
"did you mean ...?" question about a held value, an intent transition) it fills no slot,
chooses no item, decides nothing, triggers no global intent and uses up no attempt. The
assistant says `utter_not_understood` (built in, framework.engine.builtin_responses; a
domain's response of that name wins) and asks the same question again. It is turn
priority 0 (framework.engine.turn), after the built-in commands.

Outside a flow nothing waits for an answer, and the classifier's reading stands (usually
the fallback).
"""
from __future__ import annotations

from framework.engine import slot_filling, steps
from framework.engine.context import TurnContext
import re

from framework.slots.answers import has_content

NOT_UNDERSTOOD = "utter_not_understood"
# "Pardon?" at a question: the question again, without the "not understood" line (a trial of
# session 24: "啊？" at the plan question, read as 肯定 0.99, heard "这个问题我在这里回答不了")
_PARDON = re.compile(r"^(?:啊|嗯|哈|啥|什么|神马|蛤|咋了|你说啥|你说什么|什么意思|没听懂|没看懂|再说一遍|huh|what|pardon|"
                     r"pardon me|sorry|come again|say again|say that again|what do you mean|eh|wut|wat)"
                     r"[\s?？!！.。…]*[?？]+[\s?？!！.。…]*$|^(?:没听懂|没看懂|再说一遍|come again|say that again)[\s.。!！]*$",
                     re.IGNORECASE)


def pardon(ctx: TurnContext) -> bool:
    """True when the message, at a question, asks for it again ("啊？", "huh?", "pardon?"): the
    same question again (event `asked_again`), no attempt used."""
    waiting = ctx.frame.waiting_for if ctx.frame else None
    if not waiting or not _PARDON.match((ctx.text or "").strip()):
        return False
    ctx.emit("asked_again", flow=ctx.frame.flow, state=ctx.frame.state, waiting_for=waiting)
    if waiting.startswith(slot_filling.WAITING):
        slot_filling.ask(ctx, waiting[len(slot_filling.WAITING):])
    else:
        steps.reprompt(ctx)
    return True


def handle(ctx: TurnContext) -> bool:
    """True when the message had nothing to read and the question was asked again."""
    waiting = ctx.frame.waiting_for if ctx.frame else None
    if not waiting or has_content(ctx.text or ""):
        return False
    ctx.emit("not_understood", flow=ctx.frame.flow, state=ctx.frame.state, waiting_for=waiting)
    ctx.say(NOT_UNDERSTOOD)
    if waiting.startswith(slot_filling.WAITING):
        slot_filling.ask(ctx, waiting[len(slot_filling.WAITING):])  # "did you mean ...?" again
    else:
        steps.reprompt(ctx)
    return True
