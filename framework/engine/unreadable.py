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
from framework.engine.nothing_pending import only_emoji
import re

from framework.slots.answers import has_content
from framework.slots.command_words import CLAUSE

NOT_UNDERSTOOD = "utter_not_understood"
CLEAR_YES_NO = "utter_clear_yes_no"
_YES_NO_EMOJI = frozenset("👍👌✅✔☑👎❌✖🙅🚫")  # emoji that say yes or no ("👍", "✅", "👎🏻")
# "Pardon?" at a question: the question again, without the "not understood" line (a trial of
# session 24: "啊？" at the plan question, read as 肯定 0.99, heard "这个问题我在这里回答不了")
_PARDON = re.compile(r"^(?:啊|嗯|哈|啥|什么|神马|蛤|咋了|你说啥|你说什么|什么意思|没听懂|没看懂|再说一遍|huh|what|pardon|"
                     r"pardon me|sorry|come again|say again|say that again|what do you mean|eh|wut|wat)"
                     r"[\s?？!！.。…]*[?？]+[\s?？!！.。…]*$|^(?:没听懂|没看懂|再说一遍|come again|say that again)[\s.。!！]*$",
                     re.IGNORECASE)


# Longer ways to ask for it again, each a clause of its own: "你再说一遍？" at a complaint's read-back (再见 0.98) offered to
# stop, and the next message cancelled it; "能再说一遍吗，我没记住" after a bill heard the help menu; "what was the amount
# again?" at a transfer's read-back started a balance check (customer trials, session 33)
_SAY_AGAIN = re.compile(
    r"(?:你|您)?(?:能|可以|麻烦)?(?:再|重新)(?:说|讲|发|念)(?:一遍|一次|一下)(?:吧|吗|呗|好吗|行吗|可以吗)?"
    r"|(?:能|可以|麻烦)?(?:再)?重复(?:一下|一遍|一次)?(?:吧|吗|呗|好吗|行吗)?|(?:你|您)?刚才说(?:的)?(?:是)?(?:什么|啥)(?:来着)?"
    r"|(?:我)?没(?:听|看)(?:清楚?|懂|明白)|(?:我)?没记住|(?:啥|什么)(?:？|\?)?你(?:再说一遍|说啥|说什么)"
    r"|(?:sorry|ok(?:ay)?|um+|uh+|wait)?[\s,]*(?:(?:can|could|would) you (?:please )?(?:repeat|say) (?:that|it|this)(?: again)?"
    r"|(?:please )?repeat (?:that|it|this|the last (?:bit|part|message))(?: again)?|say (?:that|it) again|come again"
    r"|what (?:did|was it) you (?:just )?sa(?:y|id)|what was (?:that|the \w+) again|i didn'?t (?:catch|get|hear) (?:that|it|you)"
    r"|i missed (?:that|it)|(?:sorry|oh|um+|uh+)[\s,]*(?:what|pardon))(?: please| pls)?", re.IGNORECASE)
_FILLER = re.compile(r"sorry|oh|um+|uh+|ok(?:ay)?|please|pls|wait|hm+|对不起|不好意思|那个|嗯+|哦+|呃+|啊+|麻烦了?", re.IGNORECASE)
_CLAUSES = re.compile(CLAUSE.pattern + r"|(?<=[?？])")  # clauses, a question mark ending one too


def asks_again(text: str) -> bool:
    """Whether the whole message asks for the last reply again ("huh?", "你再说一遍？", "can you repeat that")."""
    text = text.strip()
    if _PARDON.match(text):
        return True
    clauses = [c.strip() for c in _CLAUSES.split(text) if c and c.strip(" ?？")]
    asked = [c for c in clauses if _PARDON.match(c) or _SAY_AGAIN.fullmatch(c.strip(" ?？"))]
    return bool(asked) and all(c in asked or _FILLER.fullmatch(c.strip(" ?？")) for c in clauses)


def pardon(ctx: TurnContext) -> bool:
    """True when the message asks for the last reply again ("啊？", "huh?", "pardon?", "你再说一遍"): at a
    question, the same question again (event `asked_again`), no attempt used; with no question waiting, the
    last turn's replies again (event `said_again`)."""
    waiting = ctx.frame.waiting_for if ctx.frame else None
    if not asks_again(ctx.text or ""):
        return False
    if not waiting:
        history = ctx.original.history
        if not history or not history[-1].replies:
            return False
        ctx.emit("said_again")
        for text in history[-1].replies:
            ctx.say_text(text)
        return True
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
    # "👍" / "✅" at a read-back heard "Sorry, I couldn't make out that message" (customer trial, session 35): an emoji
    # that approves or refuses decides nothing there, and the customer is told what does
    ctx.say(CLEAR_YES_NO if waiting == "confirm" and only_emoji(ctx.text or "", _YES_NO_EMOJI) else NOT_UNDERSTOOD)
    if waiting.startswith(slot_filling.WAITING):
        slot_filling.ask(ctx, waiting[len(slot_filling.WAITING):])  # "did you mean ...?" again
    else:
        steps.reprompt(ctx)
    return True
