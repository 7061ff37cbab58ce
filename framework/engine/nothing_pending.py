"""A yes or a no when nothing is pending: "ok" after a flow has ended.

Found in a trial (banking_en, model en_13): after "The balance on your card ending 1234 is
$42.35." the customer said "ok" and heard "Sorry, I can only help with card services ...",
the out-of-scope reply; "no" to "Okay, I've cancelled that. Anything else?" heard it too.
Nothing was asked, so nothing applied (turn priority 6), and a confident affirm or deny
with no active flow is filed with what the assistant does not do. A person at a counter
would answer "ok" with "Anything else?" and "no" with "Alright, take care": Rasa's
default `utter_anything_else` after a form (rasa.com/docs/rasa/forms) and Dialogflow's
"anything else?" follow-up intents do the first; neither documents a bare yes or no with
no question open, so the second reply is ours.

When (framework.engine.turn, priority 2, before global intents): no flow is active and
the message is a clear yes or no by the rules of confirmations (framework.engine.confirm:
a `/affirm` button, a yes or no word of the language as the whole message, or the affirm
or deny intent at or above the fallback threshold and 0.2 ahead of the next intent; never
a question or a hesitation). A yes or no word comes before the classifier's other
readings: "ok" filed under out of scope is still an ok. Then:

- yes: `utter_anything_else` ("还有什么可以帮您的吗？" / "Is there anything else I can help
  you with?", built in; a domain response of that name wins), event `acknowledged`;
- no: `utter_nothing_else` ("好的，有需要随时找我。" / "Alright. If you need anything
  else, just ask.", built in, likewise), event `acknowledged` with `yes: false`.

The classifier's yes or no to the first message of a conversation (nothing was said to it: "我不太
会用这个" read as 否定 0.81 heard "take care" in a customer trial of session 25) goes on as any
other message; a yes or no word is still answered.

A message that gave slot values ("我要开户，我叫赵六，不对，赵大六", read as 否定 at 0.99 in a
customer trial of session 14, and answered "有需要随时找我") is no bare yes or no unless
its whole text is a yes or no word: it goes on as any other message.
Inside a flow a yes or no is the flow's (a confirmation, the stop question, a value).

A thumbs-up or another approving emoji alone ("👍", "👌🙏") with no flow active is an ok
(unless the classifier is sure it starts a flow):
`utter_anything_else`, event `acknowledged` with `emoji: true`. In a trial (session 14) "👍"
after a balance got the out-of-scope reply. It still decides no question inside a flow
(framework.engine.unreadable), where an emoji may not mean yes.
"""
from __future__ import annotations

import re

from framework.engine import confirm, steps
from framework.engine.context import TurnContext
from framework.engine.stop_question import goodbye_word, thanks_only
from framework.nlu.interface import NLUResult
from framework.slots.answers import has_content, language_key, yes_no
from framework.slots.mapping import GENERIC_EXTRACTORS

# approving emoji (skin tones and the variation selector aside): an ok when nothing is pending
_APPROVING = frozenset("👍👌🙏✅✔☑👏🙂😊😀😃😄😁🤝💯🆗🉑❤💖💕♥")
_MODIFIERS = frozenset("\ufe0f\ufe0e\u200d") | {chr(c) for c in range(0x1F3FB, 0x1F400)}


def only_emoji(text: str, allowed: frozenset, ignored: str = "") -> bool:
    """True for a message of emoji of `allowed` only (skin tones and variation selectors aside, and the characters of
    `ignored`)."""
    if has_content(text):
        return False
    marks = [ch for ch in text if not ch.isspace() and ch not in _MODIFIERS and ch not in ignored]
    return bool(marks) and all(ch in allowed for ch in marks)


def approving_emoji(text: str) -> bool:
    """True for a message of approving emoji only: "👍", "👌🏻", "🙏🙏", "👍 !"."""
    return only_emoji(text, _APPROVING, "!！.。~～")

ANYTHING_ELSE = "utter_anything_else"
NOTHING_ELSE = "utter_nothing_else"
PERSON_DECLINED = "utter_person_declined"


def _thanks_or_bye(ctx: TurnContext, nlu: NLUResult, threshold: float) -> bool:
    """"ok thanks" (affirm 1.00), "thx", "ty" (affirm 0.52) after a balance heard "That's outside what I can do" or the
    fallback (customer trial, session 35): a thanks or goodbye word as the whole message, with no flow active, starts
    the domain's goodbye flow (the first that ends the conversation), whatever the classifier read, unless it is sure
    of another flow."""
    text = nlu.text or ""
    if not (thanks_only(text) or goodbye_word(text, ctx.assistant.language)):
        return False
    goodbye = next((f for f in ctx.assistant.flows.values() if f.ends_conversation), None)
    if goodbye is None or (_sure_of_a_flow(ctx, threshold) and ctx.intent not in goodbye.triggers):
        return False
    ctx.emit("thanks_or_bye", intent=ctx.intent)
    steps.start_flow(ctx, goodbye, reason="thanks_or_bye")
    return True


def _sure_of_a_flow(ctx: TurnContext, threshold: float) -> bool:
    """The classifier is sure the message starts a flow (a domain trained on "😀" for it)."""
    return (ctx.intent is not None and ctx.confidence >= threshold
            and any(ctx.intent in flow.triggers for flow in ctx.assistant.flows.values()))


NOTHING_DONE = "utter_nothing_done_yet"


def _nothing_done(ctx: TurnContext) -> bool:
    """The assistant's last turn understood nothing or refused the request (fallback, out of scope)."""
    history = ctx.original.history
    return bool(history) and any(e in ("fallback", "out_of_scope") for e in history[-1].events)


GO_ON = "utter_go_on"
# "oh wait actually one more thing" right after a goodbye heard "I'm not sure I understood" (customer trial, session 47):
# the whole message says more is coming, and is asked for it
_MORE_TO_ASK = {
    "en": re.compile(r"(?:(?:oh|ah|um+|hm+|wait|sorry|actually|and|also|ok(?:ay)?|hey|hi|hello|so|but|one sec|yes|yeah)[,.!\s]+)*"
                     r"(?:(?:(?:i|we) (?:have|'ve got|ve got|got|still have|also have)|there'?s|got) (?:just )?(?:one more|another|a|1 more|one|"
                     r"a quick|another quick|a few more|some more|a couple (?:of )?(?:more )?|one last|a last)"
                     r" ?(?:quick |small |other |more )?(?:things?|questions?|requests?|query|queries)(?: (?:for you|to ask|too|as well))?"
                     r"|(?:just )?one (?:more|last|other) (?:thing|question|request)(?: (?:for you|to ask|please|pls))?"
                     r"|(?:can|could|may) i (?:also )?ask (?:you )?(?:something(?: else)?|a question|one more (?:thing|question)"
                     r"|another (?:thing|question)|you something)"
                     r"|(?:i )?(?:forgot|need) (?:one|another|something else|one more thing)"
                     r")(?:[,\s]+(?:please|pls|sorry))?[\s.!?…]*"),
    "zh": re.compile(r"(?:对了|哦|啊|那个|嗯|另外|等等|等一下|等下|诶|哎|还有|您好|你好|好的?)*[，,、\s]*(?:我|俺)?"
                     r"(?:还有|还想问|想问|再问|还要问|还得问|想再问|还想办|还要办|还想|另外还有|还)"
                     r"(?:一|个|一个|两个|件|一件|点)?(?:事|件事|个事|问题|事情|事儿)(?:要问|想问|要办|想办|问一下|问下|想问一下|问问|要麻烦你|麻烦你)?"
                     r"(?:一下)?(?:哈|啊|呀|哦|呢)?[。！!？?~～…\s]*"),
}


NOTHING_MORE_NEEDED = "utter_nothing_more_needed"
# "great, anything else I need to do?" right after a balance and a transfer heard that the card was blocked (a block's own
# answer: customer trial, session 47): with no flow active after one ended, nothing more is needed
_ALL_DONE_ASKED = {
    "en": re.compile(r"(?:(?:great|ok(?:ay)?|cool|thanks|thank you|perfect|good|so|and|alright)[,.!\s]+)*"
                     r"(?:(?:do|should|must) i (?:need to |have to )?do (?:anything|something) (?:else|more)"
                     r"|(?:is there )?anything (?:else|more) (?:i|that i) (?:need|have|should|must) (?:to )?do"
                     r"|is that (?:it|all)(?: then)?|am i (?:all )?(?:set|done|good)(?: then| now)?|that'?s it then)[\s?!.]*"),
    "zh": re.compile(r"(?:好的?|行|嗯|谢谢|那|所以)*[，,\s]*(?:我)?(?:还|另外)?(?:需要|要|用|得)(?:我)?(?:再)?(?:做|办|干|弄)(?:点)?(?:什么|啥|别的)"
                     r"(?:吗|不|么|呢)?|(?:这样|这就|那)(?:就)?(?:行|可以|好|完|妥)了(?:吗|吧|是吧|么|不)|就(?:这样|这些)(?:了)?(?:吗|是吧|吧)"
                     r"[\s？?！!。]*"),
}


def _whole_message(ctx: TurnContext, patterns: dict) -> bool:
    """Whether the language's pattern of `patterns` matches the whole message (lower case, spaces squeezed)."""
    pattern = patterns.get(language_key(ctx.assistant.language) or "en")
    text = " ".join((ctx.text or "").lower().replace("\u2019", "'").split())
    return pattern is not None and bool(text) and pattern.fullmatch(text) is not None


def nothing_more_needed(ctx: TurnContext) -> bool:
    """"anything else I need to do?" with no flow active, right after one ended: nothing (built-in
    `utter_nothing_more_needed`, event `nothing_more_needed`)."""
    history = ctx.original.history
    if (ctx.stack or not _whole_message(ctx, _ALL_DONE_ASKED) or not history
            or not any(e in ("flow_completed", "action_succeeded") for e in history[-1].events)):
        return False
    ctx.emit("nothing_more_needed")
    ctx.say(NOTHING_MORE_NEEDED)
    return True


def more_to_ask(ctx: TurnContext) -> bool:
    """"one more thing", "还有一件事": with no flow active, the whole message announces another request; it is asked for
    (built-in `utter_go_on`, event `more_to_ask`)."""
    if ctx.stack or not _whole_message(ctx, _MORE_TO_ASK):
        return False
    ctx.emit("more_to_ask")
    ctx.say(GO_ON)
    return True


def handle(ctx: TurnContext, nlu: NLUResult, threshold: float) -> bool:
    """True when the message was a yes or a no with no flow active, and was answered."""
    if ctx.stack:
        return False
    if more_to_ask(ctx):
        return True
    if nothing_more_needed(ctx):
        return True
    if approving_emoji(nlu.text or "") and not _sure_of_a_flow(ctx, threshold):
        ctx.emit("acknowledged", yes=True, emoji=True)
        ctx.say(ANYTHING_ELSE)
        return True
    if _thanks_or_bye(ctx, nlu, threshold):
        return True
    yes = confirm.answer(ctx, nlu, threshold)
    if yes is None:
        return False
    word = yes_no(nlu.text or "", ctx.assistant.language)
    if word is None and not ctx.original.history:
        # the first message of a conversation answers nothing: "我不太会用这个" (否定 0.81) and "喂喂，
        # 闺女啊，俺不会弄这个手机" (否定 0.87) heard "再见" (customer trial, session 25)
        return False
    if word is None and len({e.entity for e in nlu.entities if e.extractor not in GENERIC_EXTRACTORS}) >= 2:
        # "oh dear that's low. He also wants to pay his cleaner Rosa Diaz, 60 dollars, but on Friday when she comes" (deny
        # 0.88) heard "Alright. If you need anything else, just ask." (customer trial, session 42): a request with its
        # details is no bare yes or no
        return False
    if ctx.slot_changes and yes_no(nlu.text or "", ctx.assistant.language) is None:
        # "我要开户，我叫赵六，不对，赵大六" (否定 at 0.99 for its 不对) carries values: no bare no,
        # never "take care" (customer trial, session 14); it goes on as any other message
        return False
    if yes and _nothing_done(ctx):
        # "please I want to help my mummy activate her new card, it end with 4821, her name is Maria Garcia" heard "Sorry,
        # I didn't quite get that", and "yes please do it" heard "Is there anything else I can help you with?": she left
        # thinking the card was active (customer trial, session 44)
        ctx.emit("acknowledged", yes=True, nothing_done=True)
        ctx.say(NOTHING_DONE)
        return True
    history = ctx.original.history
    if not yes and history and "person_offered" in history[-1].events:
        # "no I don't want to talk to another useless person, just fix it" after an offer of a person for a double
        # charge heard "Alright. If you need anything else, just ask." (customer trial, session 45): the offer stands
        ctx.emit("acknowledged", yes=False, person_declined=True)
        ctx.say(PERSON_DECLINED)
        return True
    ctx.emit("acknowledged", yes=yes)
    ctx.say(ANYTHING_ELSE if yes else NOTHING_ELSE)
    if yes and ctx.original.stopped is not None:
        # "唉算了，不投诉了", "好的", then "不行，越想越气，还是要投诉" filed "不行，越想越气，还是要投诉" as the complaint
        # (customer trial, session 36): an "ok" in between keeps what was stopped for the next message
        ctx.stopped = dict(ctx.original.stopped)
    return True
