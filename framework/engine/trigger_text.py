"""`from_trigger`: the message that started a flow as the answer to its free-text question.

"你们上个月多扣了我五十块钱话费，打了三次客服都没人处理，我要投诉" starts the complaint
flow, and it already is the complaint: asking "请详细描述一下遇到的问题" next makes the
customer say it twice. A collect step with `from_trigger` takes the triggering message,
whole, as its text slot's value (Rasa's `from_text` mapping with an `active_loop`
condition is the nearest equivalent), when

- the step is entered in the turn in which a user message started the flow (its trigger
  intent, also when it interrupts another flow), before the user's next message and before
  any action step;
- the message has at least `min_length` letters, digits and CJK characters (punctuation,
  emoji and spaces not counted; `from_trigger: true` sets no such minimum), so that a bare
  request ("我要投诉", 4) still gets the question while a complaint that says what went
  wrong does not; the step's `request_words` ("我要投诉", "投诉") are left out of that count,
  so a short complaint ("投诉，你们乱扣费": 7 with them, under telecom_zh's old minimum of 8,
  asked to describe the problem again in two customer trials) counts what it says (5) against
  a smaller minimum; and
- the slot's own validation accepts it (its min_length and max_length).

Otherwise the step asks its question as usual. A value the slot already has is never
replaced (unless the step says `skip_if_filled: false`). The slot is set with source "trigger".
The spec checks (E067) that the slot is a text slot, that the flow has a trigger and that
`min_length` is not above the slot's max_length.
"""
from __future__ import annotations

import re

from framework.compile.machine import Collect
from framework.engine.context import TurnContext
from framework.masking import mask_numbers
from framework.slots import parse_value
from framework.slots.answers import also_part, content_length, is_question, language_key


def fill(ctx: TurnContext, step: Collect) -> bool:
    """True when the triggering message became the collected slot's value."""
    if step.from_trigger is None or ctx.started_by_message != (ctx.frame.flow if ctx.frame else None):
        return False
    if step.skip_if_filled and ctx.slots.get(step.slot) is not None:
        return False  # already given (a value kept from before): never replaced
    value = value_in(ctx, step, own_part(ctx.text or "", step, ctx.assistant.language))
    if value is None:
        value = _pointed_at(ctx, step)
    if value is None:
        return False
    ctx.set_slot(step.slot, value, source="trigger")
    return True


POINTED_MIN = 8  # letters and CJK characters (no digits) of the message before that a "这个" may point at


def _pointed_at(ctx: TurnContext, step: Collect):
    """"对，我要投诉这个" right after "这个月怎么多了个彩铃费10块？我从来没开过彩铃" asked to describe the problem, and the
    customer was asked five times (customer trial, session 36): a request that only points ("这个", "this") takes
    the customer's message before it as its text, when that one says something (no request words, no digits)."""
    text = ctx.text or ""
    history = ctx.original.history
    if not history or not _pointers(ctx).search(text):
        return None
    before = (history[-1].text or "").strip()
    said = re.sub(r"\d", "", _without(before, step.request_words))
    if content_length(said) < POINTED_MIN:
        return None
    return value_in(ctx, step, before)


def own_part(text: str, step: Collect, language: str | None, *, second: bool = False) -> str:
    """Of a message with two requests ("我要投诉你们乱扣费，另外帮我查下13812345678的余额"), the part
    that asks for this step's flow: the one holding a request word, else the first (`second`: the
    part after the joining word). The whole complaint, with the other request and its phone number,
    was filed (customer trial, session 26)."""
    parts = also_part(text, language)
    if parts is None:
        return text.strip()
    if second:
        return parts[1]
    holding = [p for p in parts if any(w and w in p for w in step.request_words)]
    joiner = text[text.find(parts[0]) + len(parts[0]):text.rfind(parts[1])]
    if holding == [parts[1]] and "然后" in joiner:
        # "…那个小姑娘态度特别差，…她就不耐烦，然后给我推荐了一个129的套餐，…我要求退钱，还要投诉那个服务员" filed only what
        # came after "然后" (customer trial, session 34): a story told up to its request is the request, all of it
        return text.strip()
    return holding[0] if len(holding) == 1 else parts[0]


def value_in(ctx: TurnContext, step: Collect, text: str):
    """`text` as the step's slot value, when it says enough besides its request words; else None."""
    slot = ctx.assistant.slots.get(step.slot)
    text = text.strip()
    said = _without(text, step.request_words)
    # "我要投诉这个事" right after a bill was looked up filed "我要投诉这个事" as the complaint, the bill itself nowhere
    # (customer trial, session 36): a word that only points at something says nothing of it
    said = _pointers(ctx).sub(" ", said)
    if slot is None or slot.type != "text" or content_length(said) < max(step.from_trigger or 0, 1):
        return None
    text = _without_lead(text, step.request_words)
    if not slot.pii:
        # "我要投诉，我叫王强，身份证110101199001011237，…" kept the whole ID in the complaint (a slot stored and
        # sent in clear; the ID has its own, sealed slot): ID, phone and card numbers masked in it (session 26);
        # here too for the values saved for a second request, which wait in a frame before they are set
        text = mask_numbers(text)
    parsed = parse_value(slot, text, ctx.assistant.language, today=ctx.today)
    return parsed.value if parsed.ok else None


# ... and "这么多？我要投诉" right after a bill, filed as the complaint's whole text (customer trial, session 42, round 4)
_POINTERS = {"zh": re.compile(r"(?:这个|这件|那个|那件|这|那)(?:事情|事儿|事|问题|情况)|这个|那个"
                              r"|(?:怎么|咋)?(?:这么|那么)(?:多|贵|高|离谱|夸张)(?:的钱|钱)?(?:啊|呀|吗|？|\?)*"),
             "en": re.compile(r"\b(?:this|that|it)(?: (?:issue|problem|thing|one))?\b", re.IGNORECASE)}


def _pointers(ctx: TurnContext) -> re.Pattern:
    """The words of the domain's language that only point at something ("这个事", "this")."""
    return _POINTERS.get(language_key(ctx.assistant.language) or "en", _POINTERS["en"])


# Clauses that only lead into the request: "等等，我先投诉一下，…", "先不说这个，我要投诉，…" (read back as the complaint:
# "投诉「先不说这个，我要投诉，信号太差了老是断线」", session 37)
_LEAD_WORDS = ("先不说这个", "先不说这", "先不说了", "等一下", "等等", "对了", "另外", "还有", "那个", "好的", "好吧", "喂", "你好",
               "您好", "我先", "我还", "我再", "再", "先", "我", "hi", "hello", "ok", "okay", "wait", "also", "anyway",
               # "那投诉一下，你们上个月多扣了我二十块钱" after a query kept its lead in the complaint (hand tries, session 39)
               "那就", "那么", "然后", "那", "吧", "呗", "so", "then", "well", "right")
_CLAUSE = re.compile(r"[，,。.！!；;…]+\s*")


def _without_lead(text: str, request_words: tuple[str, ...]) -> str:
    """`text` without its leading clauses that say nothing but the request and its lead-in words (at least one clause of
    something else is kept)."""
    start, words = 0, tuple(sorted({*request_words, *_LEAD_WORDS}, key=len, reverse=True))
    for found in _CLAUSE.finditer(text):
        if content_length(_without(text[start:found.start()].lower(), words)):
            break
        if content_length(text[found.end():]) == 0:
            break
        start = found.end()
    return text[start:]


def _without(text: str, words: tuple[str, ...]) -> str:
    """`text` with each request word left out (longest first): what it says besides asking."""
    for word in words:
        text = text.replace(word, " ")
    return text


DETAIL_ADDED = "utter_detail_added"
STORY_MIN = 15  # letters, digits and CJK characters of a message told as a story, not asked as a request
# Joins a detail to the free text it adds to.
_JOINER = {"zh": "；", "en": "; "}


def add_detail(ctx: TurnContext, said: str | None = None) -> bool:
    """More of the same request, said while the flow asks something else: "断网断了两天，影响我
    工作了" (the complaint flow's own intent) at the complaint's name question. It is added to
    the text slot the flow's `from_trigger` step filled (event `detail_added`, values stay out of
    events), when the slot's max_length allows, and True is returned: the caller says
    `utter_detail_added` ("好的，这个情况我也记下了。", built in) and asks its question again.
    Found in a customer trial (telecom_zh, session 14): the detail got "好的，正在为您办理这件
    事。" and was lost from the complaint."""
    flow = ctx.flow()
    steps = [s.step for s in flow.states.values() if isinstance(s.step, Collect) and s.step.from_trigger is not None] \
        if flow else []
    text = ((ctx.text if said is None else said) or "").strip()
    for step in steps:
        slot, current = ctx.assistant.slots.get(step.slot), ctx.slots.get(step.slot)
        if slot is None or slot.type != "text" or not isinstance(current, str) or not text or text in current:
            continue
        joiner = _JOINER.get(language_key(ctx.assistant.language), "; ")
        parsed = parse_value(slot, current.rstrip("。.;；") + joiner + text, ctx.assistant.language, today=ctx.today)
        if parsed.ok:
            ctx.set_slot(step.slot, parsed.value, source="detail")
            ctx.emit("detail_added", slot=step.slot)
            return True
    return False


# A clause that adds to the request: "不对，是三千八，还有门也刮花了" at a complaint's read-back changed the loss and dropped
# the door (customer trial, session 36)
_MORE = {"zh": re.compile(r"(?:^|[，,。；;！!\s])(?:还有|另外|而且|并且|再就是|对了)[，,\s]*(?P<more>[^，,。；;！!？?]{3,})"),
         "en": re.compile(r"(?:^|[,.;!\s])(?:and also|also|plus|on top of that)[,\s]+(?P<more>[^,.;!?]{8,})", re.IGNORECASE)}


def add_detail_clause(ctx: TurnContext) -> bool:
    """A clause of this message led by "还有" / "另外" / "also" that holds no value of the flow, added to the free text
    the flow's `from_trigger` step filled (as add_detail adds a whole message); True when it was."""
    key = language_key(ctx.assistant.language) or "en"
    pattern = _MORE.get(key)
    text = ctx.text or ""
    m = pattern.search(text) if pattern else None
    if m is None or any(ch.isdigit() for ch in m.group("more")) or is_question(text, ctx.assistant.language):
        return False
    more = _LEAD_IN.get(key, _LEAD_IN["en"]).sub("", m.group("more")).strip()
    if _ANOTHER_REQUEST.get(key, _ANOTHER_REQUEST["en"]).match(more):
        return False  # "另外帮我查一下余额": a second request, not more of this one
    return add_detail(ctx, more)


_LEAD_IN = {"zh": re.compile(r"^(?:就是|是|呢|啊)[，,\s]*"), "en": re.compile(r"^(?:that|the fact that)\s+", re.IGNORECASE)}
_ANOTHER_REQUEST = {"zh": re.compile(r"^(?:我要|我想|帮我|给我|麻烦|请|顺便|查|办|开|换|转)"),
                    "en": re.compile(r"^(?:i want|i'?d like|i need|can you|could you|please|check|send|block|activate|"
                                     r"tell me|what)\b", re.IGNORECASE)}
