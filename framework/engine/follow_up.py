"""A follow-up to the flow that just ended: "and for 1234?" after a card's balance.

Found in a customer trial (banking_en, session 13): after "The balance on your card ending
4821 is $42.35." the customer asked "and for 1234?" and heard the out-of-scope reply; the
classifier reads a bare "and for 1234?" as no request at all, and nothing remembered which
flow had just ended (the history keeps event names only). Dialogflow answers this with
follow-up intents on the ended intent's output context; Rasa CALM asks its LLM. Ours is a
rule, at turn priority 2, before the global intents (which would say out of scope):

- no flow is active and the session's `last_flow` (the flow that ended last, normally, with
  nothing under it: framework.engine.steps.end_flow) still exists;
- the message sounds like a follow-up: it starts with "and", "what about", "how about",
  "same for", "also", "那", "还有", "另外", "再", or ends with "呢" (FOLLOW_UP); or it is a
  value of a slot that flow collects and nothing else ("上个月的" after this month's bill: the
  fallback in a trial of session 23);
- it gives a value for a slot that flow collects (found by the extractors at priority 1;
  with no flow active they are kept; a message read as out of scope keeps none there, so
  they are taken here);
- the classifier does not confidently ask for something else: cancel, handoff, help, greet
  or another flow's trigger (out of scope, or the flow's own trigger, do not stop it).

Then that flow starts again (event `follow_up`), with the new value and, for the slots the
message did not give, the values of the last run (personal data too since session 27, sealed
at rest: "那上个月的呢" after a bill of 13912345678 asked for the number again in three trial
rounds): "那13900001111呢" after a balance of 13812345678 is a balance again. Not
after a flow with a confirm step: a change the customer confirmed is done, and the next one
asks what it is (session 27: "换套餐" after an opening with plan 39 changed the plan to 39). Any
flow that starts clears `last_flow`, so a follow-up follows only the flow that ended last.
"""
from __future__ import annotations

import re
from typing import Any
from dataclasses import replace

from framework.engine import confirm, not_for, slot_filling, steps, unavailable
from framework.engine.context import TurnContext
from framework.slots import parse_value as _parse
from framework.nlu.interface import NLUResult
from framework.slots.answers import SAME_AGAIN_EN, content_length, language_key, sounds_like_correction
from framework.slots.mapping import fills

FOLLOW_UP = {
    # "the same amount to Ben" right after a transfer to Anna was out of scope (tried by hand, session 32)
    # "hmm try 9999" and "whatever, what about 4821" after a balance were out of scope (customer trial, session 32)
    # "thanks. what about the one ending 1234?" (goodbye) after a balance said goodbye (customer trial, session 36)
    # "cheers. Can you also check 1234" (goodbye 0.92) and "ugh. ok 1234 then" (goodbye 0.97) after a balance said goodbye
    # (customer trial, session 40)
    "en": re.compile(r"^\s*(?:(?:ok(?:ay)?|and|so|now|hmm+|h?mm+|um+|uh+|oh|well|whatever|fine|thanks|thank you|thx|ty|cheers|"
                     r"great|cool|perfect|nice|ugh+|argh+|meh|right|alright|sure)[,.!\s]+)*(?:and|what about|how about|"
                     r"(?:do )?(?:the )?same (?:for|with|to|amount|again|sum)|also|what of|then|try"
                     r"|(?:can|could|would) (?:you|u) (?:(?:also|just|please|pls) )*(?:check|do|try|look (?:at|up))"
                     r"|(?:(?:ok(?:ay)?|fine|alright|right)\s+)?\S+(?:\s+\S+)?\s+then\W*$)\b", re.IGNORECASE),
    # "换个号查 138…" after a bill asked which query (customer trial, session 28)
    # "不对，号码输错了，应该是139…" right after a balance got the fallback (customer trial, session 29)
    # "好的，再帮我看下余额" right after a bill asked the number again (customer trial, session 39)
    "zh": re.compile(r"^\s*(?:(?:好的?|嗯+|哦+|噢+|行|ok|谢谢)[，,。!！\s]*)?"
                     r"(?:那|还有|另外|再|然后|(?:帮我)?换(?:个|一个|一下)|不对|错了|说错了|输错了|号码错了)"
                     r"|呢\s*[?？。!！]*\s*$"
                     # "emmm 这个月的也看看" after last month's bill asked the number again (customer trial, session 36)
                     r"|的也(?:看看|看一下|查查|查一下|要|来一个)"),
}


_ANOTHER = {
    "en": re.compile(r"\b(?:other|another|second|different)\s+(?:card|one|number|account|phone)\b", re.IGNORECASE),
    "zh": re.compile(r"(?:另一|另外一|别的|其他|第二)(?:张|个|部)?(?:卡|号|号码|手机|账户)"),
}


# "换个号13900001111呢" after a bill (办理 0.9) asked "开户还是变更套餐？" and dropped the number (customer trial,
# session 30): another one of what the last request looked up, named with it, is that request again
_SWITCH = {
    "en": re.compile(r"^\s*(?:(?:ok(?:ay)?|and|now|then)[,\s]+)*(?:(?:try|check|do|use)\s+)?(?:another|a different|the other)"
                     r"\s+(?:card|number|one|account|phone)\b", re.IGNORECASE),
    "zh": re.compile(r"^\s*(?:那|那就|再)?(?:帮我)?换(?:个|一个|一下)(?:号|号码|手机号?|卡)"),
}


def _switched(ctx: TurnContext, flow, text: str) -> bool:
    """The message switches to another one of the things the last request identified ("换个号 139…呢"),
    naming it: an identifier (a number, a card's digits) of that flow is given. Not after a request to
    cancel or for a person."""
    pattern = _SWITCH.get(language_key(ctx.assistant.language))
    if pattern is None or not pattern.search(text):
        return False
    if ctx.intent in ctx.assistant.behaviours.cancel.intents or ctx.intent in ctx.assistant.behaviours.handoff.intents:
        return False
    slots = ctx.assistant.slots
    return any(getattr(slots.get(n), "type", None) in _IDENTIFIERS for n in _given(ctx, steps.collected_slots(flow)))


def _another_one(text: str, language: str) -> bool:
    pattern = _ANOTHER.get(language_key(language))
    return bool(pattern and pattern.search(text))


# "thanks. my wife Wei wants hers too, it's the one ending 7777" after a balance heard "I can only help with card services"
# (customer trial, session 44): the same for someone else's
_THEIRS_TOO = {"en": re.compile(r"\b(?:hers|his|theirs|mine|my one|her one|his one)\s+(?:too|as well)\b"
                                r"|\bwants? (?:hers|his|theirs|one|it) (?:too|as well|checked)\b", re.IGNORECASE),
               "zh": re.compile(r"(?:她|他|我)(?:的)?也(?:要|查|看)|(?:她|他)的(?:也|呢)")}


def sounds_like_follow_up(text: str, language: str) -> bool:
    pattern, theirs = FOLLOW_UP.get(language_key(language)), _THEIRS_TOO.get(language_key(language))
    return bool(pattern and pattern.search(text)) or bool(theirs and theirs.search(text))


# The last digits of the number just used, said as a correction: "哦不对，尾号是8001" right after the balance of
# 13800138000 was acknowledged with a goodbye, and the next two bills were of 13800138000 (customer trial,
# session 31); "no, it ends in 8001"
# ("sorry打错了，最后两位是78不是87" after a balance heard "没听明白", and the next bill was the wrong number's: customer
# trial, session 47)
_TAIL_FIX = {"zh": re.compile(r"(?:不对|错了|不是|说错|输错|打错|写错).{0,8}?(?:尾号|(?:最?后|末)(?:四|4|三|3|两|2|几)位)(?:数|数字)?(?:是|为|应该是)?"
                              r"\s*(?P<d>\d{2,4})(?!\d)"),
             "en": re.compile(r"\b(?:no|wrong|not that|sorry)\b.{0,20}?\b(?:ends?|ending)\s+(?:in|with)?\s*(?P<d>\d{4})(?!\d)",
                              re.IGNORECASE)}


def _corrected_tail(ctx: TurnContext, flow) -> bool:
    """The number the last run used, its last four digits said to be others: that run again, the number asked."""
    pattern = _TAIL_FIX.get(language_key(ctx.assistant.language) or "en")
    m = pattern.search(ctx.text or "") if pattern is not None else None
    if m is None:
        return False
    phones = [n for n in steps.collected_slots(flow) if getattr(ctx.assistant.slots.get(n), "type", None) == "phone"
              and isinstance(ctx.last_values.get(n), str) and len(ctx.last_values[n]) > 4]
    if len(phones) != 1:
        return False
    name, old = phones[0], ctx.last_values[phones[0]]
    if old.endswith(m.group("d")):
        return False
    # the whole number is asked again: its first digits joined to the new last four may be a stranger's number (a
    # trial of the same session looked up 138****0021 that way); the rest of the last run is carried
    ctx.emit("follow_up", flow=flow.name, slots=(), reason="number_wrong")
    _fill_empty(ctx, _carried(ctx, flow), "follow_up", but={name})
    steps.start_flow(ctx, flow, reason="follow_up")
    return True


def handle(ctx: TurnContext, nlu: NLUResult, threshold: float) -> bool:
    """True when the message was a follow-up to the flow that ended last, and it started again."""
    assistant = ctx.assistant
    flow = assistant.flows.get(ctx.last_flow or "")
    if ctx.stack or flow is None:
        return False
    if _corrected_tail(ctx, flow):
        return True
    if _same_for_someone(ctx, nlu, flow):
        return True
    only = _only_a_value(ctx, nlu, flow)
    intent = ctx.intent
    # "怎么这么少？上个月账单多少" right after a balance of 13812345678 (查询 1.00) asked the number again (customer trial,
    # session 39): the flow's own request again with another value of it, sure, is a follow-up too (no identifier given:
    # the last run's is carried); the very same request again asks again (tests/test_conversation_lifetimes.py)
    own = (intent in flow.triggers and (ctx.confidence or 0.0) >= threshold and bool(_carried(ctx, flow))
           and any(ctx.slots.get(n) != ctx.last_values.get(n) for n in _given(ctx, steps.collected_slots(flow))))
    # "哎不对不对，号码说错了，是13912345676" right after a balance of 13912345677 (否定) heard "没听明白" (customer trial,
    # session 41): the last run's number said to be wrong, with the whole right one, is that run again with it
    # (not after a confirmed change: "我刚开的那个卡能换成99吗" after an opening is a new request, tests of session 28)
    corrected = (not steps.confirms(flow)
                 and sounds_like_correction(nlu.text or "", assistant.language)
                 and any(ctx.slots.get(n) != ctx.last_values.get(n) and ctx.last_values.get(n) is not None
                         for n in _given(ctx, steps.collected_slots(flow))))
    if not (sounds_like_follow_up(nlu.text or "", assistant.language) or only or own or corrected):
        return False
    # "那另一个号码呢" (再见 0.89): naming another one of the same things is no goodbye
    text = nlu.text or ""
    another = _another_one(text, assistant.language) and sounds_like_follow_up(text, assistant.language)
    # "这个月的呢" after last month's bill (问候 0.99) was greeted (customer trial, session 28): a value of
    # the flow's slots in a follow-up is no greeting or goodbye either
    offline = next((n for n in sorted(steps.collected_slots(flow)) if unavailable.named(ctx, n)), None)
    # ... nor a value not served here ("上上个月呢" after a bill, 问候 0.95, was greeted: customer trial, session 29)
    valued = ((sounds_like_follow_up(text, assistant.language) or only or corrected)
              and (bool(_given(ctx, steps.collected_slots(flow))) or offline is not None))
    sure = intent is not None and (ctx.confidence or 0.0) >= threshold
    # "and my other card?" right after a balance (lost_card 0.62) offered to block a card (customer trial, session 32):
    # another one of the same things and nothing else said is this request again, whatever else it is read as
    switched = _switched(ctx, flow, text) or (another and _only_another(text, assistant.language))
    if (sure and _asks_for_something_else(ctx, intent, flow) and not ((another or valued) and _soft(ctx, intent))
            and not switched):
        return False
    other = ctx.assistant.flow_for_intent(intent) if intent else None
    if (other is not None and other.name != flow.name and not other.ends_conversation and not switched
            and (ctx.confidence or 0.0) >= ANOTHER_FLOW_READING):
        # "and 7777 got stolen yesterday" after a balance (lost_card 0.64) got 7777's balance, "and how much is
        # on 7777" after a block (check_balance 0.70) offered to block 7777 (customer trial, session 27):
        # a reading of another request, even under the threshold, is no follow-up of this one
        return False
    if not_for.refused(ctx, flow):
        # "再帮我老婆办一个 李娜 5101… 也要99的" right after an opening opened an account in the wife's name, though
        # "给我老婆也办一个" is refused (customer trial, session 31): the same request again is refused the same way
        return True
    wanted = sorted(steps.collected_slots(flow))
    if not _given(ctx, wanted) and another:
        # "and for my other card?" after a balance (the fallback: customer trial, session 26): the same
        # request again for a thing not named yet: what identifies it (a card's digits, a number) is
        # asked, the rest of the last run is carried ("余额" stays the query)
        ctx.emit("follow_up", flow=flow.name, slots=())
        carried = _carried(ctx, flow)
        _fill_empty(ctx, carried, "follow_up",
                    but={n for n in carried if getattr(assistant.slots.get(n), "type", None) in _IDENTIFIERS})
        steps.start_flow(ctx, flow, reason="follow_up")
        return True
    if not _given(ctx, wanted) and offline is not None:  # a follow-up or the value alone (checked above)
        # "上上个月的呢" after this month's bill (the fallback: customer trial, session 28): a value the
        # slot lists as not served here; the same request again, that slot's `unavailable` response and
        # its question (framework.engine.unavailable), the rest of the last run carried
        ctx.emit("follow_up", flow=flow.name, slots=())
        # "上上个月的" after a balance asks about a bill (bill_month implies it)
        _fill_empty(ctx, dict(assistant.slots[offline].implies) if offline in assistant.slots else {}, "implied")
        _fill_empty(ctx, _carried(ctx, flow), "follow_up", but={offline})
        steps.start_flow(ctx, flow, reason="follow_up")
        return True
    if not _given(ctx, wanted):
        # an out-of-scope reading kept no values at priority 1 (framework.engine.turn._answer_only);
        # the trial's "and for 1234?" was read so: the values of this flow's slots are taken now
        kept = steps.flow_entities(ctx, nlu, flow)
        carried = _carried(ctx, flow)
        if not kept and sure and intent in flow.triggers and carried and not another:
            # "and the balance?" right after the balance of 4821 asked the card's digits again (customer trial, session
            # 38): the same request again, with all of the last run's values (no flow with a confirm step: _carried)
            ctx.emit("follow_up", flow=flow.name, slots=(), reason="again")
            _fill_empty(ctx, carried, "follow_up")
            steps.start_flow(ctx, flow, reason="follow_up")
            return True
        if not kept:
            return False
        slot_filling.fill(ctx, replace(nlu, entities=kept), None)
    given = _given(ctx, wanted)
    if not given:
        return False
    ctx.emit("follow_up", flow=flow.name, slots=tuple(given))
    # the same request again: what it was asked, but for the new value
    _fill_empty(ctx, _carried(ctx, flow), "follow_up", but={*given, offline})
    steps.start_flow(ctx, flow, reason="follow_up")
    return True


# Words around a bare value that add nothing: "上个月的", "the one ending 1234"
_AROUND_VALUE = re.compile(r"的|呢|吧|啊|呀|那个|那张|哦|噢|不对|不是|错了|是|号码|\b(?:the|one|for|ending|please|actually|no|sorry"
                           r"|wait|oops|i meant|it'?s|is)\b", re.IGNORECASE)  # "哦不对，是139…" (session 26)


def _only_a_value(ctx: TurnContext, nlu: NLUResult, flow) -> bool:
    """The message is a value of a slot the flow collects and nothing else: "上个月的" right
    after "您的手机 139… 本月账单金额为 59 元。" (the fallback in a trial of session 23)."""
    text = nlu.text or ""
    slots = [ctx.assistant.slots[n] for n in steps.collected_slots(flow) if n in ctx.assistant.slots]
    for e in nlu.entities:
        if any(fills(slot, e, None) for slot in slots):
            rest = _AROUND_VALUE.sub("", text[:e.start] + " " + text[e.end:])
            if content_length(rest) == 0:
                return True
    # a value the flow's slot lists as not served here, alone: "上上个月的" after this month's bill was read as out
    # of scope (customer trial, session 30; "上上个月呢" was taken since session 29)
    for slot in slots:
        word = unavailable.named(ctx, slot.name)
        if word and content_length(_AROUND_VALUE.sub("", text.replace(word, " ", 1))) == 0:
            return True
    return False


# "do the same for Olivia" (affirm 1.00, no entity tagged), "can you do the same thing for my brother Sam" (human_agent:
# a handoff), "same again to Olivia please" (goodbye: the conversation ended) right after a transfer went through
# (customer trial, session 32)
_SAME_FOR = {"en": re.compile(rf"\b{SAME_AGAIN_EN} (?:for|to)\s+(?P<who>[^,.!?]+?)"
                              r"(?:\s+(?:please|pls|too|as well|also|then))*[.!?]*$", re.IGNORECASE),
             "zh": re.compile(r"(?:也|再)?(?:给|帮|替)(?P<who>[\u4e00-\u9fff·]{2,6}?)(?:也)?(?:来|转|办)?(?:一样的|同样的)(?:一笔|一份|一个)?[吧。！!]*$")}


def same_for_someone_said(ctx: TurnContext, nlu: NLUResult) -> bool:
    """Whether the message asks for the last request again for someone named ("repeat it for Anna")."""
    pattern = _SAME_FOR.get(language_key(ctx.assistant.language) or "en")
    return bool(pattern is not None and ctx.last_values and pattern.search(nlu.text or ""))


def _same_for_someone(ctx: TurnContext, nlu: NLUResult, flow) -> bool:
    """The same request again for another person, named after "the same for": the flow starts again with that person
    and the last run's amount and day (framework.engine.steps._same_again); the person is read from the words when no
    extractor found them."""
    pattern = _SAME_FOR.get(language_key(ctx.assistant.language) or "en")
    m = pattern.search(nlu.text or "") if pattern is not None and ctx.last_values else None
    people = [n for n in sorted(steps.collected_slots(flow)) if getattr(ctx.assistant.slots.get(n), "type", None) == "text"
              and ctx.assistant.slots[n].pii]
    if m is None or len(people) != 1:
        return False
    slot = ctx.assistant.slots[people[0]]
    if ctx.slots.get(slot.name) is None:
        from framework.slots import parse_value

        parsed = parse_value(slot, m.group("who").strip(), ctx.assistant.language, today=ctx.today)
        if not parsed.ok:
            return False
        ctx.set_slot(slot.name, parsed.value, source="follow_up")
    ctx.emit("follow_up", flow=flow.name, slots=(slot.name,))
    steps.start_flow(ctx, flow, reason="follow_up")
    return True


_BARE_WORDS = re.compile(r"\b(?:and|what about|how about|also|my|the|a|for|on|one|then|please|pls)\b|[?？!！,，.。\s]|那|呢|的|我",
                         re.IGNORECASE)


def _only_another(text: str, language: str | None) -> bool:
    """The message names another one of the same things and says nothing else ("and my other card?", "那另一个号码呢")."""
    pattern = _ANOTHER.get(language_key(language) or "en")
    rest = pattern.sub(" ", text) if pattern is not None else text
    return content_length(_BARE_WORDS.sub(" ", rest)) == 0


def _carried(ctx: TurnContext, flow) -> dict:
    """The last run's values a follow-up takes over: none when that run was a change the customer
    confirmed (a flow with a confirm step). "换套餐" right after an account was opened with plan 39
    started a plan change to 39, and "那我要换成59的" opened a second account (business 开户 carried):
    customer trial, session 27. A confirmed change is done; the next one asks what it is."""
    if steps.confirms(flow):
        return {}
    carried = dict(ctx.last_values)
    if _OWN.search(ctx.text or ""):
        # "那我自己的账单呢" after the mother's balance gave the mother's bill (customer trial, session 45): the customer's
        # own is not an identifier said for someone else
        for name in [n for n in carried if getattr(ctx.assistant.slots.get(n), "type", None) in _IDENTIFIERS]:
            if _said_for_someone_else(ctx, name, carried[name]):
                own = _own_value(ctx, name, carried.pop(name))
                if own is not None:
                    carried[name] = own  # the one said before it as the customer's own
    return carried


_OWN = re.compile(r"我自己|我本人|我的(?:号|手机|卡|账单|余额|话费)|俺自己|\bmy own\b|\bmine\b|\bfor me\b", re.IGNORECASE)
_SOMEONE_ELSE = re.compile(r"(?:我|俺)?(?:妈|爸|老婆|老公|媳妇|儿子|女儿|闺女|爷爷|奶奶|姥姥|姥爷|外婆|外公|哥|姐|弟|妹|朋友|同事)"
                           r"|[她他]的|\b(?:my|her|his) (?:mum|mom|mother|dad|father|wife|husband|son|daughter|partner|friend"
                           r"|brother|sister|grandma|grandpa)\b|\b(?:her|his)\b", re.IGNORECASE)


def _values_in(ctx: TurnContext, name: str, text: str) -> list:
    """The values of the identifier slot `name` a past message's text holds (its digits, as the slot reads them)."""
    slot = ctx.assistant.slots[name]
    found = []
    for run in re.findall(r"[0-9０-９][0-9０-９\s\-]{3,}[0-9０-９Xx]", text):
        parsed = _parse(slot, run, ctx.assistant.language, today=ctx.today)
        if parsed.ok:
            found.append(parsed.value)
    return found


def _own_value(ctx: TurnContext, name: str, other) -> Any:
    """The latest other value of `name` said in the recent history, not for someone else, or None."""
    for turn in reversed(ctx.original.history[-8:]):
        values = [v for v in _values_in(ctx, name, turn.text or "") if v != other]
        if values:
            return None if _SOMEONE_ELSE.search(turn.text or "") else values[-1]
    return None


def _said_for_someone_else(ctx: TurnContext, name: str, value) -> bool:
    """Whether the message that gave `name` its value `value` said it was someone else's ("帮我妈也查一下 她的号是…")."""
    for turn in reversed(ctx.original.history[-6:]):
        if value in _values_in(ctx, name, turn.text or ""):
            return bool(_SOMEONE_ELSE.search(turn.text or ""))
    return False


def _fill_empty(ctx: TurnContext, values: dict, source: str, *, but=frozenset()) -> None:
    """`values` set in the slots that hold none, but for the names in `but` and names no slot has."""
    for name, value in values.items():
        if name not in but and name in ctx.assistant.slots and ctx.slots.get(name) is None:
            ctx.set_slot(name, value, source=source)


_AFTER_ALL_LEAD = re.compile(r"^(?:(?:ok(?:ay)?|alright|actually|fine|yes|yeah|yep|well|now|then|please|so|sorry|on second"
                             r" thought|changed my mind)\b[\s,.!]*)+", re.IGNORECASE)
_DO_VERB = re.compile(r"\b(?:block|send|activate|freeze|pay|transfer|do|submit|go ahead|proceed|go for it)\b"
                      r"|办|开通|提交|弄|挂失|冻结|停机|确认")


def after_a_no(ctx: TurnContext, nlu: NLUResult) -> bool:
    """Right after a read-back was answered no ("Okay, the card stays active"), "ok now block it" (cancel 0.94:
    "There's nothing in progress to cancel") or "actually, yes please block it" (the fallback) left the lost card
    active (customer trial, session 31). The customer changed their mind: the same request again, with the values
    it had, read back again (event `follow_up`, reason `after_all`)."""
    flow = ctx.assistant.flows.get(ctx.last_flow or "")
    history = ctx.original.history
    if ctx.stack or flow is None or not history or "denied" not in history[-1].events or not ctx.last_values:
        return False
    rest = _AFTER_ALL_LEAD.sub("", (nlu.text or "").strip())
    # "sorry, yes do block it, I really can't find it" heard "Is there anything else I can help you with?" (customer
    # trial, session 39): the go-ahead is its first clause; the read-back comes again, so nothing is done on it alone
    rest = re.split(r"[,.;!，。；！]", rest, maxsplit=1)[0].strip()
    # a go-ahead that names doing it: "先不用了，谢谢" (its "谢谢" read again after the no) restarted the offer
    if not rest or not confirm.go_ahead([rest], ctx.assistant.language) or not _DO_VERB.search(rest.lower()):
        return False
    ctx.emit("follow_up", flow=flow.name, slots=(), reason="after_all")
    _fill_empty(ctx, ctx.last_values, "follow_up")
    steps.start_flow(ctx, flow, reason="follow_up")
    return True


def _given(ctx: TurnContext, names) -> list[str]:
    return [name for name in names if name in ctx.slot_changes and ctx.slots.get(name) is not None]


_IDENTIFIERS = ("regex", "phone", "id_number", "email")
ANOTHER_FLOW_READING = 0.3


def _soft(ctx: TurnContext, intent: str) -> bool:
    """A reading that a follow-up naming another one overrides: a greeting or a goodbye."""
    other = ctx.assistant.flow_for_intent(intent)
    return intent in ctx.assistant.behaviours.greet.intents or (other is not None and other.ends_conversation)


def _asks_for_something_else(ctx: TurnContext, intent: str, flow) -> bool:
    b = ctx.assistant.behaviours
    if any(intent in behaviour.intents for behaviour in (b.cancel, b.handoff, b.help, b.greet)):
        return True
    other = ctx.assistant.flow_for_intent(intent)
    return other is not None and other.name != flow.name
