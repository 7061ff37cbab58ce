"""Confirm steps: deciding on a clear yes or no, and `on_no: ask_what_to_change`.

A confirmation files a claim or blocks a card, and an intent classifier scores anything
(an emoji, "在不在") as some intent. So a confirmation is decided only by, in order:

1. a button payload naming an affirm or deny intent (`/affirm`, `/肯定`);
2. a yes or no word of the domain's language as the whole message ("是的！", "nope"),
   unless the message has a question mark or hesitates ("嗯……", "hmm"); at a confirm step
   (not the other yes/no questions that share `answer`), also a yes word opening a message
   that restates the flow's own request ("对，就按59元的给我办": `restated_yes`);
3. an affirm or deny intent at or above the fallback threshold AND at least
   CONFIRM_MARGIN ahead of the second-ranked intent, in a message that has words and is
   neither a question nor a hesitation ("hmm", "我想想").

A negated command ("不需要人工", "don't cancel", read as the deny intent by
framework.engine.turn) is the no only where the yes would do that command (a yes that hands
off); elsewhere it is no answer, and the question is asked again with no attempt used. The
confirmation itself withheld ("不确认，先别提交", "don't submit it yet") is the no, whatever the
intent: read as a cancel it would drop every value collected.

Anything else is no answer: the step asks again and, after its `max_attempts`, takes its
`on_failure` (or ends the flow saying so). CONFIRM_MARGIN is 0.2: the threshold alone
accepts a ranking like affirm 0.52 / deny 0.41, where the model cannot tell yes from no,
the one confusion a confirmation must never act on; a re-ask costs one turn, a wrong
"yes" files a wrong claim.

`on_no: ask_what_to_change` answers a "no" by listing the flow's filled slots ("which
item?"); the answer names one (its label, its name, or a button with the label), that
slot alone is collected again with its own collect step's prompt, and the confirmation is
asked again. A new value given straight away ("金额是5000") is a correction
(framework.engine.corrections) and also returns to the confirmation.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Sequence

from framework.compile.machine import ASK_WHAT_TO_CHANGE, END, Button, Collect, Confirm, End, Flow, Handoff, Link, Say, State
from framework.engine import steps
from framework.engine.builtin_responses import LIST_SEPARATOR, language_code
from framework.engine.by_place import names_a_place
from framework.engine.commands import is_payload
from framework.engine.context import TurnContext
from framework.nlu.interface import NLUResult
from framework.slots.command_words import CLAUSE, negated_command, says_found, withdrawn
from framework.slots.answers import (after_filler, also_part, dont_know, has_words, is_hedge, is_hesitation, is_question,
                                     NEVER, language_key, is_yes_word, sounds_like_correction, yes_no)
from framework.slots.context import from_user
from framework.slots.person_names import KIN_ZH, written_name

CONFIRM_MARGIN = 0.2
WHICH = "which"  # Frame.waiting_for while the "which item?" question waits for its answer


# Not found, then go ahead: "nope its gone, go ahead", "no, not there, block it", "没找到，挂失吧"
_NOT_FOUND_GO = {
    "en": re.compile(r"^\W*(?:nope|no|nah|naw)\b[\s,.!]*(?:it'?s|its|it is|they'?re|still)?\s*(?:(?:really|definitely)\s+)?"
                     r"(?:gone|not (?:here|there|anywhere)|nowhere|missing|lost|no luck)\b.{0,40}?"
                     r"\b(?:go ahead|do it|block it|cancel it|proceed|please do|go for it|yes)\b", re.IGNORECASE),
    "zh": re.compile(r"^(?:没有|没找到|找不到|不在|真丢了|确实丢了)[^，,。.!！]{0,8}[，,。.!！\s]+(?:那就|那|就)?"
                     r"(?:办吧|挂失吧|冻结吧|停机吧|确认|继续吧?|弄吧|办理吧)"),
}


_LEAD_WORDS = re.compile(r"^(?:(?:h+m+|u+m+|u+h+|er+m*|well|oh|ah|actually|sorry|ok(?:ay)?|so)[\s,.!]+)*", re.IGNORECASE)
_GOES_AHEAD_AFTER = re.compile(r"\b(?:yes|yeah|yep|do it|go ahead|go on|proceed|block it|send it|activate it|pay it|"
                               r"but|though|wait)\b", re.IGNORECASE)


def _no_first(text: str, language: str | None) -> bool:
    """Whether an English message's first clause, past its lead words ("hmm actually"), is a no word, and nothing after
    it goes ahead or hesitates."""
    if language_key(language) != "en":
        return False
    parts = re.split(r"[,.;!]", _LEAD_WORDS.sub("", text.strip()), maxsplit=1)
    return (len(parts) == 2 and bool(parts[1].strip()) and yes_no(parts[0].strip(), language) is False
            and not _GOES_AHEAD_AFTER.search(parts[1]) and bool(_LEFT_FOR_NOW.search(parts[1])))


# What follows a no that leaves things as they are (not "no, my balance": what is wanted instead)
_LEFT_FOR_NOW = re.compile(r"\b(?:leave|later|i'?ll|i will|let me|think|look|check|find|home|not now|never ?mind|forget|keep|"
                           r"fine|thanks|thank you|ok(?:ay)?|don'?t|dont|not|changed my mind|no need)\b", re.IGNORECASE)


def answer(ctx: TurnContext, nlu: NLUResult, threshold: float) -> bool | None:
    """True for a clear yes, False for a clear no, None for no answer (see the module doc)."""
    behaviours = ctx.assistant.behaviours
    top = nlu.intent

    def polarity(intent: str) -> bool | None:
        return True if intent in behaviours.affirm.intents else False if intent in behaviours.deny.intents else None

    if is_payload(nlu):
        return polarity(top.name)
    text, language = nlu.text or "", ctx.assistant.language
    if says_found(text, language):
        # "I just found it" (affirm 0.8) at a block's read-back would have blocked the card (session 38): the reason for
        # the request is gone, so it is the read-back's no
        return False
    if _FOUND_SAID.search(text.lower()) and withdrawn(text, language):
        return False  # "ok found it!! it was under the seat lol. never mind" (goodbye 0.44): the fallback (session 41)
    # "yes please. Oh and can you also block my card 1234, I think I left it at the restaurant" (its "I think" a hedge)
    # and "yes, and also what is the balance on 4821?" (a question) were no answer, and the second request was lost
    # (customer trial, session 35): the yes is judged on its own part
    said = also_part(text, language)
    head = re.split(r"[.!;。！；]", said[0], maxsplit=1)[0] if said is not None else ""  # "yes please. Oh and can you"
    # "yes block it, and can you also tell me … what's the balance" at a stolen card's read-back heard "I can't answer
    # that here" and the block waited (customer trial, session 41): the head without its "and can you", and a yes
    # word with the go-ahead after it ("yes block it") is a yes
    head = _HEAD_STUB.sub("", head)
    answering = head if head and _yes_head(head, language) else text
    if (said is not None and head and yes_no(head, language) is False and ctx.flow() is not None
            and _also_another_flow(ctx, nlu, threshold)):
        # "不用了。顺便问下，59和99的有啥区别" at "需要为您转接人工客服进一步处理吗？" heard "这个问题我在这里回答不了"
        # (customer trial, session 42): this one's no; the other request after it (turn._defer_also)
        return False
    if "?" in answering or "？" in answering or is_hedge(answering, language):  # "maybe" (affirm 0.85) is no yes
        return None
    if (answering is not text and ctx.flow() is not None
            and (_other_request(ctx, ctx.flow(), text) or _also_another_flow(ctx, nlu, threshold))
            and not _taken_back(answering, language) and not _SARCASM.search(answering.strip())):
        return True  # this one's yes; the other request after it (turn._defer_also)
    if names_a_place(text, language):  # "第一个" with no list shown is no yes (a clicked button is a payload)
        return None
    if yes_no(text, language) is False:  # "yeah no" is a no word (customer trial, session 33), no yes taken back
        return False
    if len(text.split()) >= 3 and is_yes_word(text, language) and not is_hesitation(text, language):
        return True  # a listed yes phrase whole ("yeah nah all good send it": session 42), no yes taken back
    if _taken_back(text, language):
        # "yes yes yes NO wait", "yes actually hold on" (affirm 0.98-1.00) sent the money (customer trial,
        # session 30): a yes taken back in the same message is none
        return None
    if only_noted(ctx, text):
        # "好的知道了" after the plan's details heard "没听明白" and the offer again (customer trial, session 43): noted,
        # not taken, is the offer's no ("还有什么可以帮您的吗？")
        return False
    if thanks_for_an_aside(ctx, text):
        # "好的谢谢" right after a balance asked at an opening's read-back (the read-back said again under it) opened an
        # account of 129 a month the customer had said "别别别 我再想想" to (customer trial, session 44): thanks for the
        # answer are no yes to the read-back; a clear yes is asked
        return None
    if _SARCASM.search(text.strip()):
        # "yeah right, sure, send Tom 500 bucks, what a great idea" (affirm 0.64) sent $500; "好啊好啊，一个月129，你们可真会
        # 赚钱" opened the 129 account (customer trial, session 31): sarcasm is no yes
        return None
    if _ASIDE.search(text.strip()):
        # "对了，这个有合约期吗" (肯定 1.00) opened the account, "好是好，就是有点贵" too, "对了，我还想查下话费"
        # changed the plan and lost the balance (customer trial, session 26): "by the way" opens
        # something else, "X是X，就是…" hesitates, a bare "哦" only heard it
        return None
    waited = after_wait(text, language)
    if waited is not None:
        # "oh hold on, I found it in my coat pocket" (affirm 0.94) blocked the card, "oh hold on, I need to
        # check with my wife first" (affirm 0.99) sent the money (customer trial, session 26): a message
        # that opens by asking to wait is a yes or a no only by a word after it; else it waits
        word = yes_no(waited, language) if waited else None
        if word is not None:
            return word
        return False if _FOUND_IT.search(waited.lower()) else None
    if _NOT_FOUND_GO.get(language_key(language) or "en", NEVER).search(text.strip()):
        # "nope its gone, go ahead" after "take your time" at a block's read-back: "Okay, the card stays active"
        # (deny 0.97; customer trial, session 31): the no answers the search, the go-ahead the question
        return True
    if yes_no(text, language) is False:  # "uh-uh" is a no word, not a hesitation (held-out file, session 25)
        return False
    if _no_first(text, language):
        # "hmm actually no, leave it, I'll look at home first" (deny 0.91) at a block's read-back heard "I'm not sure I
        # understood" three times (customer trial, session 46): a no clause first, and no go-ahead after it
        return False
    if not_yet(text, language):  # "sure, after I check my balance", "ok hmm": no yes yet
        return None
    if told_to_go_ahead(text, language) and ctx.flow() is not None and not _other_request(ctx, ctx.flow(), text):
        return True  # "block it please" (deny 0.74) kept the stolen card active (customer trial, session 29)
    if is_hesitation(text, language):  # "嗯……" is no "嗯"; "hmm ok" is an ok
        if is_yes_word(text, language) and not TRAILING_OFF.search(text):
            return True  # "uh huh" is a yes word of its own (affirm 1.00, no answer: customer trial, session 29)
        rest = after_filler(text)
        if rest and not is_hesitation(rest, language):
            word = yes_no(rest, language)
            # "hmm actually no, leave it, I'll look at home first" (deny 0.91) at a block's read-back heard "I'm not sure
            # I understood" three times (customer trial, session 46): what follows the filler, read as a message
            return word if word is not None else answer(ctx, dataclasses.replace(nlu, text=rest), threshold)
        return None
    word = yes_no(text, language)
    if word is not None:
        return word
    if _yes_and_the_same(ctx, nlu):
        return True
    if _no_and_goodbye(ctx, nlu):
        return False
    if dont_know(text, language, whole=True):  # "I don't know" (deny 0.97 in a trial) is no no
        return None
    if not has_words(text) or is_question(text, language) or top is None:
        return None
    but = _BUT.get(language_key(language) or "")
    if but is not None and but.search(text.lower()) and top.name in behaviours.affirm.intents:
        return None  # "yes, but not that card" (affirm 0.9) is no plain yes: asked again
    second = nlu.ranking[1].confidence if len(nlu.ranking) > 1 else 0.0
    if polarity(top.name) is False and top.confidence < threshold and _no_side(behaviours, nlu) >= threshold:
        # "actually no, cancel that" (deny 0.68, cancel 0.32) at a block's read-back heard "I'm not sure I understood"
        # twice (customer trial, session 39): a no and a cancel together are a no, the side that does nothing
        return False
    if top.confidence < threshold or top.confidence - second < CONFIRM_MARGIN:
        return None
    if polarity(top.name) and _yes_with_a_change(ctx, nlu):
        return None
    if polarity(top.name) and ctx.flow() is not None and _other_request(ctx, ctx.flow(), text):
        if _yes_and_also(text, language):
            return True  # "yes, and block my card 1234 too": this one's yes, the block after it (turn._defer_also)
        return None  # "yes block it" (affirm 1.00) at "Send $75.00 to Kofi …?": not this request's yes
    return polarity(top.name)


_FIRST_CLAUSE = re.compile(r"[，,。.!！；;]+")


def _yes_and_the_same(ctx: TurnContext, nlu: NLUResult) -> bool:
    """A yes that opens the message, then only the values the question already holds: "要得，就99" at "需要帮您办理99元
    套餐吗？" heard "没听明白" (customer trial, session 40), as "yes, 50 to Anna" restates the read-back."""
    text, language = nlu.text or "", ctx.assistant.language
    parts = _FIRST_CLAUSE.split(text.strip(), maxsplit=1)
    if len(parts) < 2 or yes_no(parts[0], language) is not True or not parts[1].strip():
        return False
    said = [e for e in nlu.entities if e.start >= len(text) - len(parts[1].lstrip()) - 1]
    held = [(e, ctx.original.slots.get(e.entity)) for e in said if e.entity in ctx.assistant.slots]
    return bool(held) and len(held) == len(said) and all(v is not None and str(e.value) == str(v) for e, v in held)


def _no_and_goodbye(ctx: TurnContext, nlu: NLUResult) -> bool:
    """A no, then a goodbye: "不用了，再见" (再见 0.53) at "需要帮您办理59元套餐吗？" heard "没听明白" (hand tries, session 40)."""
    from framework.engine.stop_question import goodbye_word  # it builds on this module

    parts = _FIRST_CLAUSE.split((nlu.text or "").strip(), maxsplit=1)
    return (len(parts) == 2 and yes_no(parts[0], ctx.assistant.language) is False
            and goodbye_word(parts[1], ctx.assistant.language))


def _no_side(behaviours, nlu: NLUResult) -> float:
    """The classifier's confidence that the message is a no or a cancel, the two together."""
    names = set(behaviours.deny.intents) | set(behaviours.cancel.intents)
    return sum(s.confidence for s in nlu.ranking if s.name in names)


# A yes that trails off ("嗯……", "ok...") is thinking, not a yes
TRAILING_OFF = re.compile(r"…|\.{2,}|。。")
_WAIT_LEAD = {
    # "nah hold on" at a transfer's read-back (affirm 0.96) sent the money (customer trial, session 43): a no word or
    # "hmm", "actually" before the wait too
    "en": re.compile(r"^(?:(?:oh|ah|um+|uh+|no+|nah|naw|nope|hmm+|actually|well|ok|okay|sorry|erm)[,.!\s]+)*"
                     r"(?:hold on|hang on|hold up|hold off(?: a (?:sec|second|minute|moment|bit))?|hang about"
                     r"|wait(?: a (?:sec|second|minute|moment))?|one sec(?:ond)?"
                     r"|just a (?:sec|second|moment|minute)|(?:give me|gimme) a (?:sec|second|moment|minute))\b[,.!…\s]*",
                     re.IGNORECASE),
    "zh": re.compile(r"^(?:(?:[哎唉啊哦呃]|不+|别)[，,\s]*)?(?:等一下|等等|等下|稍等一下|稍等|慢着|先别急)[，,。！!…\s]*"),
}
_ASIDE = re.compile(r"^(?:[哦噢诶欸啊][，,\s]*)?对了[，,。\s]+\S|^([\u4e00-\u9fff])是\1[，,\s]|^[哦噢喔]+[。.!！~～]*$"
                    r"|^(?:oh[,\s]+)?(?:by the way|btw)\b", re.IGNORECASE)
_SARCASM = re.compile(r"^(?:oh\s+)?yea?h?,?\s+right\b(?!\s*(?:away|now|there|here))|\bwhat an? (?:great|brilliant|genius|wonderful|"
                      r"fantastic) idea\b|\bas if\b|\bsure,? sure\b|\byeah,? sure,? whatever\b"
                      r"|真会(?:赚钱|坑|做生意|抢钱)|可真(?:行|会|是)|呵呵|坑人|抢钱|宰人", re.IGNORECASE)
_FOUND_SAID = re.compile(r"(?<!not )(?<!n't )(?<!never )(?<!haven't )\bfound (?:it|them|the card|my card|my wallet)\b|(?<!没)找到了|找着了")
_FOUND_IT = re.compile(r"\bfound (?:it|them|the card|my card)\b|找到了|找着了|不用了|\bnever ?mind\b|\bdon'?t\b")


_HEAD_STUB = re.compile(r"[,\s]*(?:\b(?:and|but|oh|so)\b[,\s]*)?(?:\b(?:can|could|would|will)\s+(?:you|u)\b)?[,\s]*$",
                        re.IGNORECASE)
_YES_WORD_LEAD = re.compile(r"^\s*(?:yes|yeah|yep|yup|sure|ok(?:ay)?)\b[,!.\s]*(?:please\b[,\s]*)?", re.IGNORECASE)


def _yes_head(head: str, language: str | None) -> bool:
    """A clear yes: a yes word, or a yes word then the go-ahead ("yes block it", "yes please send it")."""
    if yes_no(head, language) is True:
        return True
    m = _YES_WORD_LEAD.match(head)
    return bool(m and m.end() < len(head) and told_to_go_ahead(head[m.end():], language))


def after_wait(text: str, language: str | None) -> str | None:
    """What follows a wait that opens the message ("oh hold on, I found it" -> "I found it"), or None."""
    pattern = _WAIT_LEAD.get(language_key(language) or "en")
    m = pattern.match(text.strip()) if pattern else None
    return text.strip()[m.end():].strip() if m else None


_NOTED = re.compile(r"知道了|了解了|明白了|晓得了|清楚了|谢谢|多谢|那还行|还行吧|\bgot it\b|\bnoted\b|\bthanks?\b|\bthank you\b|\bty\b")


_TAKES_IT = re.compile(r"办|开通|换吧|要了|就它|就这个|\bdo it\b|\bgo ahead\b|\bsign me up\b|\byes please\b")


_CONFIRM_WORD = re.compile(r"确认|确定|\b(?:yes|yeah|yep|confirm|go ahead|do it|send it|block it)\b")


def thanks_for_an_aside(ctx: TurnContext, text: str) -> bool:
    """A thanks ("好的谢谢", "ok thanks") at a confirmation said again after another request or a side question was
    answered in the last turn, with no yes word of its own."""
    lowered = text.lower()
    history = ctx.original.history
    if not history or not re.search(r"谢谢|多谢|谢了|\bthanks?\b|\bthank you\b|\bty\b|\bcheers\b", lowered):
        return False
    if _TAKES_IT.search(lowered) or _CONFIRM_WORD.search(lowered):
        return False
    return any(e in ("flow_resumed", "question_answered") for e in history[-1].events)


def only_noted(ctx: TurnContext, text: str) -> bool:
    """"嗯 知道了", "好的谢谢", "哦 那还行" after a plan's details (肯定 0.71-1.00) at "需要帮您办理吗？" opened an
    account (customer trial, session 27): at an offer, taking note of it is no yes."""
    lowered = text.lower()
    return (bool(_NOTED.search(lowered)) and not _TAKES_IT.search(lowered) and _an_offer(ctx)
            and (ctx.intent or "") in ctx.assistant.behaviours.affirm.intents  # "先不用了，谢谢" is the no
            and yes_no(text, ctx.assistant.language) is None)


def only_offered(ctx: TurnContext) -> bool:
    """The confirmation waiting is an offer whose yes does nothing of its own: it goes to another flow (a link) or to a
    person, not to an action or a question of this flow; its no ends it."""
    target, flow = steps.yes_target(ctx), ctx.flow()
    if target is None or not isinstance(target.step, (Link, Handoff)):
        return False
    on_no = ctx.state().step.on_no
    return on_no == END or isinstance(getattr(flow.states.get(on_no), "step", None), (End, Say))


def _an_offer(ctx: TurnContext) -> bool:
    """The confirmation waiting is an offer (its no ends the flow without asking what to change), not the
    check before an action."""
    state = ctx.state()
    step = state.step if state is not None else None
    return isinstance(step, Confirm) and step.on_no != ASK_WHAT_TO_CHANGE


_CLAUSES = re.compile(r"[，,。.!！;；、\s]+")
_PARTS = re.compile(r"[，,。.!！;；、]+")
# "嗯 贵了点", "好是好 就是有点贵" (肯定 1.00) opened the account (customer trial, session 27): a yes that
# says the price is too high, or goes on with "就是…" (only that …), is no plain yes
_BUT = {"zh": re.compile(r"但|不过|可是|只是|除了|[，,\s]就是(?:有点|有些|太|贵|不|没|怕|担心|感觉)"
                         r"|(?:有点|有些|太|好|真|挺)贵|贵了(?:点|些|一点)|贵死"),
        "en": re.compile(r"\b(?:but|though|however|except|unless)\b|\b(?:a bit|too|bit|kinda|quite) (?:pricey|expensive|dear)\b")}


def _also_another_flow(ctx: TurnContext, nlu: NLUResult, threshold: float) -> bool:
    """The part after "and also" is a request the classifier is sure starts another flow ("yes, and also what is
    the balance on 4821" at a transfer's read-back: no verb of _VERB, and the balance was lost: session 35)."""
    second = nlu.also[0] if nlu.also else None
    flow = ctx.assistant.flow_for_intent(second.name) if second is not None and second.confidence >= threshold else None
    return flow is not None and flow.name != ctx.frame.flow and not flow.ends_conversation


def restated_yes(ctx: TurnContext, nlu: NLUResult, threshold: float) -> bool:
    """A yes word that opens a message restating the flow's own request: "对，就按你刚才说的那个
    59元套餐给我办" at "确认办理吗？" (read as 办理 0.88-0.99 by all three telecom_zh models of
    session 20, so no answer, and the question again), "yes, send it". The first clause is a
    yes word, the classifier is sure of one of the active flow's own trigger intents, and no
    clause is a no word, a correction ("换成", "actually") or a "but"; a changed value said
    with it has been applied before (framework.engine.corrections: the confirmation is then
    asked again). Also, whatever the classifier reads, a yes word followed only by a go-ahead
    ("deffo, block it": cancel 0.49-0.95 on all three banking_en models of session 24, so the
    card stayed unblocked; "要得要得，帮我办嘛"): `go_ahead`. A withdrawal ("sure, cancel it") is none."""
    top, flow, language = nlu.intent, ctx.flow(), ctx.assistant.language
    if top is None or flow is None:
        return False
    text = (nlu.text or "").strip()
    if _taken_back(text, language):
        return False  # "行，等等" (a yes taken back at once: customer trial, session 30)
    if says_found(text, language):
        return False  # "ok I found it again": the read-back's no (answer)
    if ("?" in text or "？" in text or is_hesitation(text, language) or is_hedge(text, language)
            or _ASIDE.search(text) or _SARCASM.search(text) or is_question(text, language) or not_yet(text, language)
            or _yes_with_a_change(ctx, nlu)):
        return False
    if told_to_go_ahead(text, language) and not withdrawn(text, language) and not _other_request(ctx, flow, text):
        return True  # "just block the damn thing" (cancel 0.80) stopped the block (customer trial, session 29)
    clauses = [c for c in _CLAUSES.split(text) if c]
    parts = [p.strip() for p in _PARTS.split(text) if p.strip()]  # "too right", "block the flamin thing"
    led = len(clauses) > 1 and yes_no(clauses[0], language) is True
    part_led = len(parts) > 1 and yes_no(parts[0], language) is True
    if not (led or part_led):
        return False
    but = _BUT.get(language_key(language) or "")
    if (any(yes_no(c, language) is False for c in clauses) or sounds_like_correction(text, language)
            or (but is not None and but.search(text.lower())) or withdrawn(text, language)):
        return False
    if _other_request(ctx, flow, text):
        return False
    if led and _restating(ctx, flow, top.name) and top.confidence >= threshold:
        return True
    return part_led and go_ahead(parts[1:], language)


# What makes a yes no yes yet (customer trial, session 29: each sent the money at "Send $60.00 to Yuki …?"):
# a condition after it ("sure, after I check my balance", "yes if there's no fee", "好的 等我查完余额再说"),
# or a sound of thinking after it ("ok hmm", "好 嗯…")
_NOT_YET = {
    "en": re.compile(r"\b(?:after|once|as soon as|if|unless|first|before)\b|[\s,.]+(?:h+m+|u+m+|e+r+m*)[\s,.!…]*$",
                     re.IGNORECASE),
    "zh": re.compile(r"等我|先让我|(?:完|了)再(?:说|办|确认)?|之后再|以后再|[，,\s](?:嗯+|呃+|额+)[…。.\s]*$"),
}


# The words that make a value said with a yes a change of the request under way ("ok then send only 40")
CHANGES_THIS = re.compile(r"\b(?:only|just|instead|rather|make it)\b|只|改成|换成|改为|还是", re.IGNORECASE)


def _yes_with_a_change(ctx: TurnContext, nlu: NLUResult) -> bool:
    """"ok then send only 40" at "Send $500.00 to Olumide Adeyemi …?" (affirm 1.00) sent the $500 and started a
    transfer of $40 (customer trial, session 33): a yes with "only" / "just" / "instead" and another value of one
    of the flow's typed slots (no person) changes this request; it is no yes to it."""
    from framework.engine.slot_filling import entity_value  # it builds on this module

    flow, text = ctx.flow(), nlu.text or ""
    if flow is None or not CHANGES_THIS.search(text):
        return False
    wanted = steps.collected_slots(flow)
    for entity in nlu.entities:
        for name in wanted:
            slot = ctx.assistant.slots.get(name)
            if slot is None or slot.type == "text" or (slot.entity or slot.name) != entity.entity:
                continue
            parsed = entity_value(ctx, slot, entity)
            if parsed.ok and ctx.slots.get(name) is not None and parsed.value != ctx.slots.get(name):
                return True
    return False


def _yes_and_also(text: str, language: str | None) -> bool:
    """A yes joined to a second request by "and" / "also" ("yes, and block my card 1234 too" at a transfer's
    confirmation was no answer, and the block was never done: customer trial, session 29, second round)."""
    parts = also_part(text, language)
    return parts is not None and yes_no(parts[0], language) is True


def not_yet(text: str, language: str | None) -> bool:
    """Whether a message puts its answer off: a condition, or a sound of thinking at its end (_NOT_YET)."""
    pattern = _NOT_YET.get(language_key(language) or "")
    return bool(pattern and pattern.search(text.strip()))


# The verbs of a go-ahead that name a request: "yes block it" at "Send $75.00 to Kofi …?" sent the money
# while the customer's wallet was gone (customer trial, session 25)
_VERB = re.compile(r"\b(block|freeze|send|activate|pay|transfer|submit)\s+(?:it|that|this|them|the|my)\b")


def _other_request(ctx: TurnContext, flow: Flow, text: str) -> bool:
    """Whether a go-ahead names a verb that no example of the flow's trigger intents uses ("block
    it" at a transfer's confirmation): another request, not this one's yes."""
    return any(not steps.trigger_examples_say(ctx, flow, m.group(1)) for m in _VERB.finditer(text.lower()))


# What follows a yes that tells the assistant to do it: "deffo, block it" (cancel 0.49-0.95 on all
# three banking_en models of session 24's held-out file), "要得要得，帮我办嘛"
_GO_AHEAD = {
    # "ok just block it to be safe" (cancel 0.73) at the block's read-back cancelled it (customer trial, session 46)
    "en": re.compile(r"^(?:(?:please|pls|just|then|mate|ok(?:ay)?|alright|fine)[,\s]+)*(?:(?:go ahead|proceed|carry on)(?: with (?:it|that|this|"
                     r"the \w+(?: \w+)?))?|do it|go for it|"
                     r"(?:do )?(?:block|send|activate|freeze|do|pay|transfer|submit) (?:it|that|this|the \w+(?: \w+)?)"
                     r"(?: now| then| please| pls| mate| to be safe| just in case| to be on the safe side| anyway| right away| asap)*"
                     r"|do the needful|send away|go on|please do"
                     # "By all means, that would be lovely" (goodbye 0.67-0.80 on all three banking_en models)
                     r"|(?:that would be|that'?d be|that'?s|sounds) (?:lovely|great|perfect|brilliant|good|fine|wonderful))$"),
    "zh": re.compile(r"^(?:那|就|麻烦|请|快)?(?:你)?(?:帮我|给我)?(?:办|办理|开通|提交|确认|弄|要)(?:一下)?"
                     # "好的，办39的" at "需要帮您办理39元套餐吗？" (asked again, then the name and ID were lost:
                     # customer trial, session 26)
                     r"(?:这个|那个|\d{2,3}(?:元|块)?的?(?:套餐|那个)?)?(?:吧|嘛|呗|啊|呀)?$"
                     # "好了就这样吧" (再见 0.91) offered to stop, and "是的" cancelled (customer trial, session 31)
                     r"|^(?:好了?|行了?|那|嗯|ok)?[，,\s]*(?:就这样|就这么办|就这样办|就按这个办?|就它了|没问题|办吧|赶紧办)(?:吧|嘛|了)?$"
                     # "好嘞，麻烦你了" (问候 0.51-0.65 on all three telecom_zh models): thanks after the yes
                     r"|^(?:麻烦|辛苦|谢谢|多谢)(?:你|您)?(?:了|啦)?(?:啊|呀)?$"
                     # "算了，还是改吧" after "我再想想吧" at a plan change's read-back (取消 1.00) cancelled it; "算了，就这个吧，
                     # 办吧" heard "没听明白" (customer trial, session 33)
                     r"|^(?:那|那就)?还是(?:改|换|办|开|要|弄)(?:了|吧|啦)?$|^(?:那|那就)?就(?:这个|它|这样)(?:吧|了)?$"),
}


# Thanks alone is no go-ahead: "谢谢啊" (再见 0.99) at "… 套餐 129 元/月。确认办理吗？" changed the plan (customer trial,
# session 30); after a yes ("好嘞，麻烦你了") it still is one
_THANKS_ONLY = re.compile(r"^(?:麻烦|辛苦|谢谢|多谢)(?:你|您)?(?:了|啦)?(?:啊|呀)?[。.!！]*$")


def told_to_go_ahead(text: str, language: str | None) -> bool:
    """The whole message tells the assistant to do it, and is more than thanks (`_THANKS_ONLY`)."""
    return go_ahead([text], language) and not _THANKS_ONLY.match(text.strip().lower())


def go_ahead(clauses: Sequence[str], language: str | None) -> bool:
    """True when every clause tells the assistant to do it ("block it", "帮我办嘛")."""
    pattern = _GO_AHEAD.get(language_key(language) or "")
    return bool(clauses) and pattern is not None and all(pattern.match(c.strip().lower()) for c in clauses)


def _restating(ctx: TurnContext, flow: Flow, intent: str) -> bool:
    """Whether a yes-led message classified `intent` may restate the request: the flow's own
    trigger, a yes, or an intent that starts nothing and commands nothing (giving information:
    "对，就是尾号3321那个号码" was read as 提供信息 0.49-0.94 by all three telecom_zh models of
    session 22, and "对，就是59那个" at "确认办理吗？" got the fallback)."""
    if intent in flow.triggers:
        return True
    b = ctx.assistant.behaviours
    if intent in b.affirm.intents:
        return True
    commands = b.cancel.intents + b.handoff.intents + b.deny.intents + b.help.intents + b.out_of_scope.intents
    return intent not in commands and ctx.assistant.flow_for_intent(intent) is None


def decide(ctx: TurnContext, state: State, nlu: NLUResult, threshold: float) -> bool:
    """A message at a confirm step; False when it is no answer (the caller re-asks)."""
    step: Confirm = state.step
    withholds = withheld(ctx, nlu)
    if ctx.negated is not None and not withholds and not _yes_would(ctx, step, ctx.negated):
        # "不需要人工" at "确认办理吗？" (a customer trial, session 19: read as a no, "请问要修改哪一项？")
        # declines what nobody offered: no answer to this question, which is asked again, no attempt used
        ctx.emit("negated_command_not_offered", flow=ctx.frame.flow, state=ctx.frame.state, command=ctx.negated)
        steps.goto(ctx, state.name)
        return True
    # "名字错了" at "如果是姓名或身份证号输错了，直接告诉我正确的就行；需要为您转接人工客服吗？" after the backend said the name
    # is not the holder's (tried by hand, session 37: read as its no, the request ended): an offer whose change goes
    # on (on_change) asks that item too
    wrong = (wrong_item(ctx, nlu.text or "") if (step.on_no == ASK_WHAT_TO_CHANGE or step.on_change) and not withholds
             else None)
    if wrong is not None:  # "名字错了": the no, and that item's question at once (no "which item?")
        ctx.emit("denied", flow=ctx.frame.flow, state=ctx.frame.state)
        change(ctx, state, wrong)
        return True
    yes = False if withholds else answer(ctx, nlu, threshold)
    if yes is None and not only_noted(ctx, nlu.text or "") and restated_yes(ctx, nlu, threshold):  # a confirm step's own reading, not answer()'s:
        yes = True  # at "Do you want to stop here?" or "did you mean …?" restating the request is no yes
    if yes is None:
        return False
    if yes:
        confirmed(ctx, state)
        return True
    ctx.emit("denied", flow=ctx.frame.flow, state=ctx.frame.state)
    if step.on_no == ASK_WHAT_TO_CHANGE:
        ask_what_to_change(ctx, state)
    else:
        steps.goto(ctx, step.on_no)
    return True


def _values_left_out(ctx: TurnContext) -> bool:
    """This message named a value of the flow that was neither taken nor kept for a second request."""
    events = [e for e in ctx.events if e.name in ("value_not_taken", "value_held", "flow_deferred", "entity_overruled")]
    if any(e.name == "flow_deferred" for e in events):
        return False
    flow = ctx.flow()
    wanted = steps.collected_slots(flow) if flow is not None else set()
    by_entity = {(s.entity or s.name): s.name for s in ctx.assistant.slots.values()}
    # a learnt value overruled by another reading of its words, its slot left as it was ("可以，损失是50": 20 was
    # filed, customer trial, session 30)
    overruled = {by_entity.get(e.data.get("entity")) for e in events if e.name == "entity_overruled" and e.data.get("alone")}
    return (any(e.data.get("slot") in wanted and e.data.get("reason") != "named_again" for e in events)
            or any(n in wanted and n not in ctx.slot_changes for n in overruled if n))


_TAKEN_BACK = {
    "en": re.compile(r"^\W*(?:(?:yes|yeah|yep|ya|yh|ok(?:ay)?|k|sure|fine|alright)\b[\s,.!]*)+.*?"
                     r"\b(?:no+|nope|nah|wait|hold on|hang on|stop)\b(?!\s+(?:problem|worries|doubt|need|rush|hurry|pressure"
                     r"|issue|biggie)s?\b)", re.IGNORECASE),
    "zh": re.compile(r"^\W*(?:好|行|可以|嗯|对|是|ok)+.*?(?:不对|等一下|等等|等下|先别|不要了|不行)", re.IGNORECASE),
}


def _taken_back(text: str, language: str | None) -> bool:
    return bool(_TAKEN_BACK.get(language_key(language) or "en", _TAKEN_BACK["en"]).search(text))


def confirmed(ctx: TurnContext, state: State) -> None:
    """The confirmation's yes: event `confirmed`, and on to its `on_yes`. But a yes that named another value
    of the flow, neither taken nor kept for a second request ("ok my husband's card is 7777" at the block
    of 1234; a value held for a "did you mean"), is no yes to the values shown: card 1234 was blocked and
    $150 sent for "ok send her 75" (customer trial, session 30). The confirmation waits for a clear answer."""
    if _values_left_out(ctx):
        ctx.emit("hedged", flow=ctx.frame.flow, reason="other_value")
        ctx.say("utter_clear_yes_no")
        # with the read-back: which card it is about was not said again, and "yes please block it" blocked the
        # card read back, not the one named (customer trial, session 32)
        steps.reprompt(ctx)
        return
    ctx.emit("confirmed", flow=ctx.frame.flow, state=ctx.frame.state)
    steps.goto(ctx, state.step.on_yes)


def withheld(ctx: TurnContext, nlu: NLUResult) -> bool:
    """"不确认，先别提交", "don't submit it yet": the confirmation itself withheld is its no, whatever
    the intent (取消 at 0.79-0.95 on all three telecom_zh models of session 20, 0.57 on another).
    Not a question ("为什么不能提交？") nor a button payload."""
    text = nlu.text or ""
    return (not is_payload(nlu) and "?" not in text and "？" not in text
            and negated_command(text, ctx.assistant.language) == "confirm"
            # "no don't send it, I changed my mind": withdrawn, read as the cancel (turn._withdrawal_read); where a no
            # ends the flow that reading is not made, and "don't block it" (affirm 0.6) must stay this no
            and not (withdrawn(text, ctx.assistant.language) and ctx.intent in ctx.assistant.behaviours.cancel.intents))


def yes_by_link(ctx: TurnContext, state: State, intent: str | None, confident: bool) -> bool:
    """Whether the message confidently asks for the flow this confirmation's yes links to:
    "办理" at "需要帮您办理99元套餐吗？" (the offer after a plan's details) is its yes, not a new
    application on top of the offer, which was offered again once that one ended (customer
    trial, session 26)."""
    target = ctx.flow().states.get(state.step.on_yes) if ctx.flow() is not None else None
    if not confident or intent is None or target is None or not isinstance(target.step, Link):
        return False
    flow = ctx.assistant.flows.get(target.step.flow)
    return flow is not None and intent in flow.triggers


_NOT_SAID = re.compile(r"不|别|没|\bnot?\b|n't|\bnever\b", re.IGNORECASE)


def yes_by_value(ctx: TurnContext, state: State, nlu: NLUResult) -> bool:
    """Whether the message asks for what this confirmation offers in the linked flow's words: "那我换99的吧" at
    "需要帮您办理99元套餐吗？" (read as 提供信息) heard "没听明白" (customer trial, session 32). Every slot it set is
    one the linked flow collects and had no value before, it names at least one, and it says no "不" / "not"."""
    target = ctx.flow().states.get(state.step.on_yes) if ctx.flow() is not None else None
    if target is None or not isinstance(target.step, Link) or not ctx.slot_changes:
        return False
    flow = ctx.assistant.flows.get(target.step.flow)
    intent = nlu.intent.name if nlu.intent else None
    behaviours = ctx.assistant.behaviours
    if flow is None or intent in behaviours.deny.intents or intent in behaviours.cancel.intents:
        return False
    wanted = steps.collected_slots(flow)
    # "副卡要另外收钱吗" at "需要帮您办理129元套餐吗？" (副卡: business 开户) opened an account unasked (customer trial,
    # session 36): a question is no request
    return (all(name in wanted and ctx.original.slots.get(name) is None for name in ctx.slot_changes)
            and not _NOT_SAID.search(nlu.text or "") and not is_question(nlu.text or "", ctx.assistant.language))


def _yes_would(ctx: TurnContext, step: Confirm, intent: str) -> bool:
    """Whether this confirmation's yes does what the negated command's `intent` asks: a
    handoff intent at a question whose yes hands off ("需要为您转接人工客服吗？"), where "不需要人工"
    is the no. A negated cancel ("别取消") is no answer to any confirmation."""
    if intent not in ctx.assistant.behaviours.handoff.intents:
        return False
    target = ctx.flow().states.get(step.on_yes)
    return target is not None and isinstance(target.step, Handoff)


QUESTION_AT_CONFIRMATION = "utter_question_at_confirmation"
QUESTION_AT_QUESTION = "utter_question_at_question"


def question_instead_of_answer(ctx: TurnContext) -> bool:
    """A question the assistant cannot answer, asked at a yes/no confirmation ("wait is
    this going to cancel my direct debits?" at "I'll block the card ending 4821 ... Go
    ahead?", a customer trial of session 16): "Could you rephrase?" asked for the same
    question again, which no rephrasing answers. Now `utter_question_at_confirmation`
    (built in; a domain response of that name wins) says so and asks for a yes or no,
    then the confirmation again; no attempt is used (framework.engine.turn)."""
    frame = ctx.frame
    if frame is None or not is_question(ctx.text or "", ctx.assistant.language):
        return False
    if is_hedge((ctx.text or "").strip().rstrip("?？ "), ctx.assistant.language):
        return False  # "i guess so?" at a read-back heard "I can't answer that here" (trial, session 38): a hedge
    if frame.waiting_for == "confirm":
        ctx.emit("question_at_confirmation", flow=frame.flow, state=frame.state, intent=ctx.intent)
        ctx.say(QUESTION_AT_CONFIRMATION)
        return True
    if frame.waiting_for and frame.waiting_for.startswith("slot:"):
        # "is this chat secure though?" at the cardholder's name heard "I'm not sure I understood"
        # (trial, session 23): the same, before the question again
        ctx.emit("question_at_question", flow=frame.flow, state=frame.state, intent=ctx.intent)
        ctx.say(QUESTION_AT_QUESTION)
        return True
    return False


def label(ctx: TurnContext, slot_name: str) -> str:
    slot = ctx.assistant.slots.get(slot_name)
    return (slot.label if slot and slot.label else slot_name.replace("_", " "))


def changeable(ctx: TurnContext, flow: Flow) -> list[str]:
    """The flow's collected slots that have a value and that the user may give, in state order."""
    names: list[str] = []
    for state in flow.states.values():
        step = state.step
        slot = ctx.assistant.slots.get(step.slot) if isinstance(step, Collect) else None
        if slot and step.slot not in names and ctx.slots.get(step.slot) is not None and from_user(slot):
            names.append(step.slot)
    return names


def ask_what_to_change(ctx: TurnContext, state: State) -> None:
    names = changeable(ctx, ctx.flow())
    if not names:  # nothing to choose from: the confirmation is all there is
        steps.goto(ctx, state.name)
        return
    ctx.update_frame(waiting_for=WHICH, attempts=0)
    say_which(ctx)


def say_which(ctx: TurnContext) -> None:
    labels = [label(ctx, n) for n in changeable(ctx, ctx.flow())]
    separator = LIST_SEPARATOR[language_code(ctx.assistant.language)]
    ctx.say("utter_ask_what_to_change", extra={"changeable": separator.join(labels)},
            buttons=tuple(Button(text, text) for text in labels))


_EDGES = " \t\r\n,.!;:，。！；：、"  # stripped from a "which item?" answer


# Everyday words for the usual labels: "名字错了" names the item labelled 姓名 (session 22)
_ALIASES = {"姓名": ("名字",), "名字": ("姓名",), "身份证号": ("身份证", "证件号"), "手机号": ("电话", "手机号码"),
            "电话": ("手机号",), "name": ("names",),
            # "no wait the name is wrong" at "Send $60.00 to Tom …?" (a trial, session 22)
            # "wrong person" at "Send $75.00 to Uma Stone …?" asked what to change (customer trial, session 35)
            "recipient": ("name", "payee", "person")}


def item_words(ctx: TurnContext, slot_name: str) -> set[str]:
    """The words that name an item of the "which item?" menu, lower-cased: its label, its
    name, and everyday words for the label (_ALIASES)."""
    own = label(ctx, slot_name)
    return {word.lower() for word in (own, slot_name, slot_name.replace("_", " "), *_ALIASES.get(own, ()))}


def chosen_slot(ctx: TurnContext, text: str) -> str | None:
    """The slot a "which item?" answer names: its label or name inside the message, or the
    message (two characters or more) inside a label ("身份证" for "身份证号"); the longest
    match wins, and a tie between two slots names neither."""
    lowered = text.strip(_EDGES).lower()
    matches = []
    for name in changeable(ctx, ctx.flow()):
        for word in item_words(ctx, name):
            if word and word in lowered:
                matches.append((len(word), name))
            elif len(lowered) >= 2 and lowered in word:
                matches.append((len(lowered), name))
    if not matches:
        return None
    matches.sort(reverse=True)
    best = [n for length, n in matches if length == matches[0][0]]
    return best[0] if len(set(best)) == 1 else None


def only_a_choice(ctx: TurnContext, text: str) -> bool:
    """True when the message is one item of the "which item?" menu and nothing else
    ("recipient", "the recipient", a button's title): it answers the menu whatever the
    classifier makes of it. "recipient" was read as human_agent 0.96 and handed the customer
    off, the transfer cancelled (customer trial, session 19)."""
    bare = re.sub(r"^(?:the|my)\s+", "", text.strip(_EDGES).lower())
    return any(bare in item_words(ctx, name) for name in changeable(ctx, ctx.flow()))


# Nothing to change, said at "which item?": "都不改" heard the fallback and the menu again until the
# customer said 取消 (trial of session 24)
_NOTHING_TO_CHANGE = re.compile(r"^(?:都|全都|啥都|什么都|哪个都|一个都)?(?:不用|不要|不需要|不想|没有?(?:要|什么要|啥要)?|不)(?:改|修改|换)"
                                # "没啥要改的，就这样办吧" heard the fallback twice (customer trial, session 33): its first clause
                                r"(?:了|的)?(?:吧|啦)?(?:$|[，,。.!！\s])|^(?:都对|都没错|没有要改的)"
                                r"|^(?:nothing|none|neither|no changes?|nothing to change|leave it as it is|all good)\b")


def nothing_to_change(text: str) -> bool:
    """"nothing", "都不改": no item to change, said at "which item?"."""
    return bool(_NOTHING_TO_CHANGE.search(text.strip(_EDGES).lower()))


def handle_which(ctx: TurnContext, state: State, nlu: NLUResult) -> bool:
    """The answer to "which item?"; False when it names none (the caller re-asks)."""
    slot = chosen_slot(ctx, nlu.text or "")
    if slot is None:
        if (yes_no(nlu.text or "", ctx.assistant.language) is not None
                or nothing_to_change(nlu.text or "")):
            steps.goto(ctx, state.name)  # "没有" / "no, it's fine" / "都不改": back to the confirmation
            return True
        return False
    change(ctx, state, slot)
    return True


def vague_day(ctx: TurnContext, state: State, text: str) -> bool:
    """"make it next week" at "Send $60.00 to Yuki … today?" was no answer (customer trial, session 29): a
    time that names no single day (framework.slots.dates.vague_time), said at a confirmation of a flow that
    collects one date, asks that date's question (event `change_requested`); the confirmation comes back."""
    from framework.slots.dates import vague_time

    flow = ctx.flow()
    dates = [n for n in sorted(steps.collected_slots(flow)) if ctx.assistant.slots[n].type == "date"] if flow else []
    if (len(dates) != 1 or is_question(text, ctx.assistant.language)  # "can I cancel it later?" asks
            or vague_time(text, ctx.assistant.language, ctx.today) is None
            # "nah leave it, he'll pay me back later anyway" asked when to send it (customer trial, session 43)
            or any(withdrawn(clause, ctx.assistant.language) for clause in CLAUSE.split(text) if clause.strip())):
        return False
    change(ctx, state, dates[0])
    return True


def change(ctx: TurnContext, state: State, slot: str) -> None:
    """That item's question, at a confirmation (event `change_requested`)."""
    ctx.emit("change_requested", flow=ctx.frame.flow, slot=slot)
    ctx.update_frame(waiting_for=f"slot:{slot}", attempts=0)
    ctx.say(steps.collect_step(ctx.flow(), state, slot).prompt)


# A confirmation's item said to be wrong: "名字错了", "对，不过名字错了" (read as 提供信息: the fallback,
# session 22), "套餐不对", "the amount is wrong". "没错" / "不错" say it is right.
_WRONG = {
    # "我姓王不姓黄", "身份证号最后几位是4560不是4561" at an opening's read-back heard "没听明白" (customer trial, session 33)
    # "这是我儿子的名字，…身份证用他自己的…" at the ID question opened the account for the son (customer trial, session 33)
    # "好像身份证号不太对" (customer trial, session 37: the name became 好像)
    "zh": re.compile(r"(?<![没不])错(?!过)|不(?:太|大)?对|有误|有问题|不姓|(?<![是要])不是"
                     rf"|是我的?(?:{KIN_ZH})的名字"),
    "en": re.compile(r"\b(?:wrong|incorrect|mistake|typo|not right|isn'?t right|is off)\b"),
}


def wrong_item(ctx: TurnContext, text: str) -> str | None:
    """The changeable item a message at a confirmation says is wrong, or None."""
    pattern = _WRONG.get(language_key(ctx.assistant.language) or "")
    if pattern is None or ctx.flow() is None or not pattern.search(text.lower()):
        return None
    if "不姓" in text:  # "我姓王不姓黄": the name
        text = text + " 姓名"
    return chosen_slot(ctx, text)


# A confirmation's item asked to be changed: "can i change the recipient" (read as human_agent 0.93 at
# "Send $40.00 to Tom …?": the transfer cancelled and the customer handed off, trial of session 24)
_CHANGE = {
    "zh": re.compile(r"改|换一下|换个|换成"),
    "en": re.compile(r"\b(?:change|edit|fix|update|correct|modify|amend|swap)\b"),
}


def change_asked(ctx: TurnContext, state: State, text: str) -> bool:
    """At a confirmation that asks what to change on a no: a message that names one of its
    items as wrong or to change ("名字错了", "can i change the recipient"), or is one item alone
    ("recipient"), goes to that item's question, whatever the classifier reads (a handoff, a
    cancel: the caller keeps those when the message asks for a person or to cancel)."""
    step = state.step
    if not isinstance(step, Confirm) or step.on_no != ASK_WHAT_TO_CHANGE or ctx.flow() is None:
        return False
    pattern = _CHANGE.get(language_key(ctx.assistant.language) or "")
    asked = wrong_item(ctx, text) or (chosen_slot(ctx, text) if pattern is not None and pattern.search(text.lower())
                                      or only_a_choice(ctx, text) else None)
    if asked is None:
        return False
    if _changed_to(ctx, state, asked, text):
        return True
    ctx.emit("denied", flow=ctx.frame.flow, state=ctx.frame.state)
    change(ctx, state, asked)
    return True


# "名字错了，是张伟不是张玮" asked the name again (customer trial, session 34): "是X不是Y", "应该叫X" name the new value too
_NEW_VALUE = re.compile(r"[:：]\s*(?P<colon>.+)$|\b(?:to|into)\s+(?P<to>.+)$|(?:改成|换成|改为|换为)(?P<zh>.+)$"
                        r"|(?:^|[，,\s])(?:应该)?(?:是|叫)(?P<zh2>[^，,。！!？?\s]{2,8}?)(?=[，,\s]*(?:不是|不叫|而不是)|[。！!\s]*$)",
                        re.IGNORECASE)


def _changed_to(ctx: TurnContext, state: State, name: str, text: str) -> bool:
    """"change recipient: Suresh Nair" (read as human_agent 0.64) asked "Who should I send it to?" and the
    name was lost (customer trial, session 27): the item named with its new value after a colon, "to"
    or "改成" takes that value and the confirmation comes back. False when no valid value follows."""
    m = _NEW_VALUE.search(text.strip())
    rest = next((g for g in (m.group("colon"), m.group("to"), m.group("zh"), m.group("zh2")) if g), "").strip(_EDGES) if m else ""
    slot = ctx.assistant.slots.get(name)
    if not rest or slot is None:
        return False
    if m.group("zh2") and slot.type == "text" and not written_name(rest):
        return False  # "名字错了，是我老婆的名字": no name said
    from framework.engine import corrections
    from framework.slots import parse_value
    from framework.slots.context import collect_text

    parsed = (collect_text(ctx.assistant, slot, rest, today=ctx.today) if slot.type == "text"
              else parse_value(slot, rest, ctx.assistant.language, today=ctx.today))
    if not parsed.ok or parsed.value == ctx.slots.get(name):
        return False
    ctx.set_slot(name, parsed.value, source="entity")
    corrections.announce(ctx, [name])
    steps.goto(ctx, state.name)
    return True
