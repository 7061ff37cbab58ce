"""Priority 1 of a message: slots filled from its entities, and learnt values held for a
"did you mean ...?" question.

Which slots an entity fills and which entity wins for one slot are framework.slots.mapping
(mappings with roles and groups; the combine rule). Every value is parsed and validated by
its slot's type (framework.slots.values) after synonyms of the domain's `rasa_nlu:` files
are applied; a value its slot refuses fills nothing.

A learnt value (extractor "model") whose confidence is below the entity threshold is never
stored silently. It is held and asked about when the flow comes to collect its slot ("Did
you mean Paris as your destination?", `utter_confirm_value`, or the domain's
`utter_confirm_value_<slot>`), in this turn or a later one: held values wait in the active
frame (`Frame.held`, sealed by the store like `pii` slots) while the flow collects other
slots first; the question waits as the frame's `value:<slot>`. A clear yes (the rules of
framework.engine.confirm) stores it and the flow goes on; a clear no asks the slot's
question again; anything else is taken as the answer to that question. A held value whose
slot the active flow does not collect, or that got a value otherwise, is dropped (event
`value_unused`). It is stored without a question when the user's whole message is the
value, given to its own question, or when another extractor (pattern, context template)
found the same value for the slot in the message, or, for the slot being asked, the whole
message read as its answer gives it ("my name is Jane Doe"): two readings agree.

A value understood but out of its slot's bounds ("9000 dollars" over a `max: 2500`, a date
past `max: +30d`), in a currency the slot does not take ("€50" for a USD amount, said with
the slot's `error` response) or found for the slot by the model or the slot's pattern and
refused by its type ("the card ending 12345" for four digits, the `error` response) fills nothing; when the slot has a `range_error` it is remembered for the
turn (`TurnContext.out_of_range`, event `value_out_of_range`) and said once: before the
slot's question when the flow asks it (framework.engine.steps), else before the question
the flow is at (framework.engine.turn).

Values said before a correction marker inside the message ("我叫赵六，不对，我叫赵大六") give way
to those after it; a surname alone ("王女士") fills no name-like slot; at a confirmation, a
context value of the flow's slots replaces it, and a whole message that is another text
slot's name ("Tom Jenkins") is a new value for the flow's one short text slot.

The threshold is `settings.entity_threshold`, which `auto` (the default) sets to the
model's own (framework.agent), else DEFAULT_ENTITY_THRESHOLD.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from typing import Any

from framework.compile.machine import Assistant, Collect, frozen_map
from framework.engine import steps
from framework.engine.builtin_responses import LIST_SEPARATOR, language_code
from framework.engine.confirm import WHICH, answer as yes_or_no, item_words, label, only_a_choice
from framework.engine.context import TurnContext
from framework.engine.state import Frame
from framework.engine.render import shown
from framework.engine.other_request import second_run
from framework.masking import card_spans
from framework.nlu.interface import Entity, NLUResult
from framework.slots import ParseResult, parse_value
from framework.slots.answers import (also_part, content_length, compares_values, corrected_tail, is_hesitation, is_question,
                                     language_key, sounds_like_correction, yes_no)
from framework.slots.command_words import command_word
from framework.slots.context import (collect_text, complete_cut_name, from_user, join_name_parts, looks_everyday,
                                     model_for, describes_self, digits_in_values, only_relation, short_text, tidy_span,
                                     unlike_values)
from framework.slots.entities import in_foreign_amount
from framework.slots.identity import ID_RE, check_id_number
from framework.slots.number_labels import (IDENTIFIER_TYPES, balance_said, balance_stated, identifier_named, someone_elses,
                                           year_said)
from framework.slots.numerals import indefinite, indefinite_at, normalise_digits, ranges
from framework.slots.partial_names import partial_name
from framework.slots.entities import MONEY_VERB_BEFORE
from framework.slots.person_names import COMPOUND_SURNAMES_ZH, another_persons_name, joined_people, names_kin, written_name
from framework.slots.relative_amounts import relative_change
from framework.slots.mapping import (
    CONTEXT_EXTRACTOR, GENERIC_EXTRACTORS, MODEL_EXTRACTOR, Overlaps, cut_before_pattern, fills, overruled, rank,
)

DEFAULT_ENTITY_THRESHOLD = 0.5
WAITING = "value:"  # Frame.waiting_for while a held value's question waits for its answer
CONFIRM = "confirm"  # Frame.waiting_for at a confirm step
# Extractors whose values are already parsed for a slot of the same type.
_TYPED = {"id_number": ("id_number",), "phone": ("phone",), "email": ("email",), "date": ("date",),
          "regex": ("regex",), "categorical": ("categorical",), "number": ("integer", "number")}
_PUNCT = " \t\r\n,.!?;:~，。！？；：、…～\"'“”‘’"

OWN_VALUE = "utter_own_value"  # built in: "这里需要您本人的{own_label}…"


def entity_threshold(assistant: Assistant) -> float:
    value = getattr(assistant.settings, "entity_threshold", None)
    return DEFAULT_ENTITY_THRESHOLD if value is None else value


def _parsed(ctx: TurnContext, slot, entity: Entity) -> ParseResult:
    """The slot's value for an entity: synonyms applied, parsed by the slot's type (a
    date's bounds checked too: the extractor keeps a date out of them when the slot has a
    `range_error`, so that it can be said)."""
    value = entity.value
    patterns = ctx.assistant.entity_patterns
    if isinstance(value, str) and entity.extractor in (MODEL_EXTRACTOR, CONTEXT_EXTRACTOR):
        value = tidy_span(ctx.assistant, slot, value)
        if patterns is not None:
            value = patterns.normalise(value)
    if slot.type in _TYPED.get(entity.extractor, ()) and slot.type not in ("text", "boolean", "date"):
        return ParseResult(True, value)
    if entity.extractor == CONTEXT_EXTRACTOR and not isinstance(value, str):
        return ParseResult(True, value)  # parsed by the slot's type when found ({"amount": 3500, ...})
    parsed = parse_value(slot, str(value), ctx.assistant.language, today=ctx.today)
    if slot.type == "text" and parsed.ok and isinstance(parsed.value, str):
        spelled = without_spelling(parsed.value)  # "张伟，弓长张": 张伟
        return parsed if spelled == parsed.value else ParseResult(True, spelled)
    return _in_held_month(ctx, slot, entity, parsed) if slot.type == "date" else parsed


# A day of the month said alone: "the 13th", "13th", "13号"
_DAY_ONLY = re.compile(r"^(?:on\s+)?(?:the\s+)?(?P<d>[0-3]?\d)(?:st|nd|rd|th)?$|^(?P<zh>[0-3]?\d)(?:号|日)$", re.IGNORECASE)


def _in_held_month(ctx: TurnContext, slot, entity: Entity, parsed: ParseResult) -> ParseResult:
    """A day alone corrects the day of the date held: "no wait, the 13th" at "Send $50.00 to Tom on Sunday 3
    January?" was read as 13 December (the next 13th), a month early (customer trial, session 31). The held
    date's month and year, when that day exists there and is not past (out of the slot's range it is refused as
    such); else the reading as it was."""
    held = ctx.original.slots.get(slot.name)
    text = (ctx.text or "")[entity.start:entity.end].strip() if entity.end else ""
    m = _DAY_ONLY.match(text)
    if not parsed.ok or not isinstance(held, str) or m is None:
        return parsed
    try:
        was = dt.date.fromisoformat(held)
        day = was.replace(day=int(m.group("d") or m.group("zh")))
    except ValueError:
        return parsed
    if day < ctx.today or day.isoformat() == parsed.value:
        return parsed
    return parse_value(slot, day.isoformat(), ctx.assistant.language, today=ctx.today)  # out of range: said so


def _value(ctx: TurnContext, slot, entity: Entity) -> tuple[bool, Any]:
    parsed = _parsed(ctx, slot, entity)
    return parsed.ok, parsed.value


def entity_value(ctx: TurnContext, slot, entity: Entity) -> ParseResult:
    """The slot's value for an entity, as filling reads it (a learnt name's span tidied: "Peter 10" is Peter)."""
    return _parsed(ctx, slot, entity)


def _held_below(ctx: TurnContext, slot) -> bool:
    """The slot holds a value that only a flow under the active one (interrupted by it) collects."""
    flow = ctx.flow()
    if flow is None or len(ctx.stack) < 2 or ctx.original.slots.get(slot.name) is None:
        return False
    if slot.name in steps.collected_slots(flow):
        return False
    from framework.engine.turn import threshold  # it builds on this module

    holders = [below for below in (ctx.assistant.flows.get(f.flow) for f in ctx.stack[:-1])
               if below is not None and slot.name in steps.collected_slots(below)]
    # ... unless the message asks for that flow itself: "ok just send 1500 then" at "Do you want to stop here?" over a
    # balance check interrupting a transfer went back to the transfer without the 1500 (customer trial, session 42)
    asked = (ctx.intent is not None and (ctx.confidence or 0.0) >= threshold(ctx.assistant)
             and any(ctx.intent in below.triggers for below in holders))
    return bool(holders) and not asked


# "a grand", "two grand" are sums of money, whatever is asked: "send Tom a grand tomorrow" asked how much (customer
# trial, session 36)
_GRAND = re.compile(r"\b(?:grand|tenners?|fivers?)\b", re.IGNORECASE)  # "a tenner" too (customer trial, session 42)


def _skipped(ctx: TurnContext, slot, entity: Entity, collecting: str | None, split: bool = False) -> bool:
    """The guards of the turn priority list (framework.engine.turn). `split`: the entity head tagged
    pieces of this generic reading as the same entity ("two" and "fifty" of "two fifty")."""
    if not from_user(slot):
        return True  # backend-only: only actions and `initial` set it
    # "3" could be any number slot's value: only the one being asked takes it, one named right before it, or one
    # the entity head tagged in pieces: "send two fifty to my sister Maria next friday" tagged "two" and "fifty"
    # amounts, both overruled by the reading 250, which was no one's, and the amount was asked (customer trial,
    # session 32)
    if (entity.extractor in GENERIC_EXTRACTORS and slot.name != collecting and not split
            and not _labelled(ctx, slot, entity) and not (slot.type == "money" and _GRAND.search(entity.text))
            # "now send another 1000 to Oscar Reyes": a number right after a money verb is its amount (customer
            # trial, session 45: the amount was asked again)
            and not (slot.type == "money" and MONEY_VERB_BEFORE.search(ctx.text or "", max(0, entity.start - 40),
                                                                         entity.start))):
        return True
    if _held_below(ctx, slot):
        # "4821, I want to make sure I still have 1000 after" at the balance's card question, asked in the middle of
        # a transfer of $200, made it $1,000 without a word, and "yes" sent it (customer trial, session 34): a value
        # an interrupted flow holds is not changed from inside the one that interrupted it
        ctx.emit("entity_ignored", entity=entity.entity, reason="interrupted_flows")
        return True
    if entity.extractor == CONTEXT_EXTRACTOR:
        # For the collected slot a guess from the surrounding words ranks with the whole
        # message (3), after global intents: "我是想转人工" is a handoff, not a name.
        if slot.name == collecting:
            return True
        # It never replaces an answer already given, unless the message says something
        # was wrong ("不对，我叫李四"); after "which item?" a new value is what was asked, and
        # at a confirmation a value of the flow is a change ("it should go to Tom Jenkins":
        # a customer trial of session 14 lost the transfer after three such answers).
        # "her name is Grace" at the amount's question of a transfer to "my daughter" was taken for no amount
        # (customer trial, session 36): a name where only who the person is was given names her
        held = ctx.original.slots.get(slot.name)
        if (held is not None and not (isinstance(held, str) and only_relation(held))
                and not (ctx.frame and ctx.frame.waiting_for in (WHICH, CONFIRM))
                and not sounds_like_correction(ctx.text or "", ctx.assistant.language)):
            return True
    return False


def answer_beside_change(ctx: TurnContext, nlu: NLUResult, collecting: str) -> bool:
    """"actually make it 30 and send it to Hans" at "Who should I send it to?" after "send 50 dollars": the amount
    was changed and Hans, a guess from the words around him (the context extractor, which waits for the whole
    message's reading), was dropped: the question came again (customer trial, session 31). With a change made,
    such a guess for the asked slot, the only one, is its answer. True when it was taken."""
    slot = ctx.assistant.slots.get(collecting)
    if slot is None or ctx.slots.get(collecting) is not None or not ctx.slot_changes:
        return False
    guesses = [e for e in nlu.entities if e.extractor == CONTEXT_EXTRACTOR and fills(slot, e, collecting)]
    values = _distinct(v for ok, v in (_value(ctx, slot, e) for e in guesses) if ok)
    if len(values) != 1:
        return False
    ctx.set_slot(collecting, values[0], source="collect")
    return True


# A reason given for a value: "no its 75 because he paid me back 25" set $25 and "yes" sent it (customer trial,
# session 31); "因为他还了我25" the same. "make it two hundred and twenty five, he owes me 25" at a read-back of $250
# set $25 (tried by hand, session 31): what someone owes, paid or lent is another sum
_REASON = re.compile(r"\b(?:because|since|cause|cuz|coz|'cause|as (?:he|she|they|i|we))\b"
                     r"|\b(?:he|she|they|i|we|you)(?:'s| is| was)?\s+(?:already\s+|still\s+|just\s+|only\s+)?"
                     r"(?:owes?|owed|paid|pays|gave|lent|borrowed|spent|sent|transferred|wired)\b"
                     r"|因为|由于|毕竟|[他她]?欠我|[他她]已?经?还了我?|[他她]借了?我", re.IGNORECASE)


# How a Chinese character is written, said after a name: "口天吴", "弓长张", "木子李", "耳东陈", "立早章", "桂花的桂",
# "君子的君", "草字头的蕾", "三点水"
_SPELLED = frozenset("口天吴 弓长张 立早章 木子李 耳东陈 古月胡 双木林 言午许 禾口程 文刀刘 关耳郑 人可何 三横王 "
                     "走肖赵 子小孙 日月明 女古姑 口十叶 双口吕 木易杨 草头黄 宝盖宋 三点水".split())
_WORD_OF = re.compile(r"^[\u4e00-\u9fff]{1,3}的(?P<ch>[\u4e00-\u9fff])$")
_RADICAL = re.compile(r"^(?:草字头|三点水|木字旁|单人旁|双人旁|提手旁|宝盖头?|走之底?|言字旁|女字旁|王字旁|绞丝旁|竖心旁|金字旁)")


def _spelled_whole(ctx: TurnContext, text: str, entity: Entity) -> Entity:
    """The given name the entity head and the templates took out of a name said in its parts ("姓李，木子李，名字叫建华",
    "我姓欧阳，名字叫娜娜": 建华 and 娜娜 opened accounts, customer trial, session 35): the whole name."""
    if language_key(ctx.assistant.language) != "zh" or not isinstance(entity.value, str) or len(entity.value) > 2:
        return entity
    whole = spelled_name(text)
    if whole is None or not whole.endswith(entity.value) or whole == entity.value:
        return entity
    return dataclasses.replace(entity, value=whole)


def spells_a_character(value: str) -> bool:
    """Whether a value is the way a character is written ("口天吴", "桂花的桂", "草字头的蕾"), not a name."""
    value = value.strip()
    word_of = _WORD_OF.match(value)
    return (value in _SPELLED or bool(_RADICAL.match(value))
            or (word_of is not None and word_of.group("ch") in value[:-2]))


_GIVEN_SAID = re.compile(r"^(?:我的?)?(?:名字?|名儿)(?:叫|是|就是|就叫)?(?P<given>[\u4e00-\u9fff]{1,2})$")
# "名字是一个伟大的伟" (customer trial, session 35: stored as the name "一个伟大的伟"): the character a word shows
_GIVEN_SHOWN = re.compile(r"^(?:我的?)?(?:名字?|名儿)(?:叫|是|就是|就叫)?(?:一个|个)?(?P<word>[\u4e00-\u9fff]{1,3})的"
                          r"(?P<given>[\u4e00-\u9fff])$")
# "我姓欧阳，名字叫娜娜" stored 娜娜, "我叫张，弓长张，…" (customer trial, session 35): a compound surname, or one character
# after 叫 alone, is the surname
_SURNAME_SAID = re.compile(r"^(?:我)?(?:姓(?P<surname>" + "|".join(sorted(COMPOUND_SURNAMES_ZH, key=len, reverse=True))
                           + r"|[\u4e00-\u9fff])|叫(?P<alone>[\u4e00-\u9fff]))$")


# "我姓王名小明" was stored as the name "小明", and the plan change refused (customer trial, session 40)
_SURNAME_AND_GIVEN = re.compile(r"^(?:我)?姓(?P<surname>" + "|".join(sorted(COMPOUND_SURNAMES_ZH, key=len, reverse=True))
                                + r"|[\u4e00-\u9fff])(?:名字?|名儿)(?:叫|是)?(?P<given>[\u4e00-\u9fff]{1,2})$")


def spelled_name(text: str) -> str | None:
    """The whole name of a message that gives the surname and the given name apart, the surname said or written out
    ("姓zhang，弓长张，名字叫伟": 张伟, read as "叫伟"; "我姓李，木子李，名叫娜"; "我姓王名小明"); else None."""
    whole = _SURNAME_AND_GIVEN.match(text.strip().rstrip("。.!！~～"))
    if whole is not None:
        return whole.group("surname") + whole.group("given")
    surname = given = None
    for part in (p for p in re.split(r"[，,、。；;\s]+", text.strip()) if p):
        m = _SURNAME_SAID.match(part)
        if m is not None or part in _SPELLED:
            said = (m.group("surname") or m.group("alone")) if m is not None else part[-1]
            if surname not in (None, said):
                return None  # two surnames: no guess
            surname = said
            continue
        m = _GIVEN_SHOWN.match(part)
        if m is not None and m.group("given") in m.group("word") and given is None:
            given = m.group("given")
            continue
        m = _GIVEN_SAID.match(part)
        if m is not None and given is None:
            given = m.group("given")
    return surname + given if surname and given else None


# ("just now" is no now: "on the 31st just now" is South African for "soon", on the 31st; the wages went out that day,
# 24 days early: customer trial, session 44)
_NOW_AFTER = re.compile(r"\b(?:(?<!\bjust )now|right now|right away|immediately|asap|straight away)\b|马上|立刻|现在就",
                        re.IGNORECASE)
_NUMERAL_CHARS = "0123456789零〇一二三四五六七八九十百千两幺壹贰叁肆伍陆柒捌玖拾佰仟"


def _day_after_now(ctx: TurnContext, text: str, at: int) -> bool:
    """Whether a day is named after the "now" ("could you set it up now: 15th of this month, $1,200, …" scheduled it
    for today: customer trial, session 41, round 3): "now" is when to arrange it, the day is said after it."""
    from framework.slots import extract_entities

    rest = text[at:].lstrip(" :：,，;-–—")
    return any(e.entity == "date" or e.extractor == "date" for e in extract_entities(ctx.assistant, rest, today=ctx.today))


def _defaulted(ctx: TurnContext) -> set[str]:
    """The slots of the flows that may start or run whose collect step has a default ("today")."""
    out = set()
    for flow in ctx.assistant.flows.values():
        for state in flow.states.values():
            if isinstance(state.step, Collect) and getattr(state.step, "default", None) is not None:
                out.add(state.step.slot)
    return out


def _inside_a_number(text: str, entity: Entity) -> bool:
    """A choice said in numerals inside a longer run of numerals (a number read out digit by digit)."""
    said = text[entity.start:entity.end]
    if not said or any(ch not in _NUMERAL_CHARS for ch in said):
        return False
    before = text[entity.start - 1:entity.start] if entity.start else ""
    after = text[entity.end:entity.end + 1]
    if after and _ONE_UNIT.match(text, entity.end):
        # "129一个月有多少流量啊" at a plan change's read-back asked which plan (customer trial, session 46): 一 counts
        # what comes after it ("a month"), no digit of the number
        after = ""
    return (bool(before) and before in _NUMERAL_CHARS) or (bool(after) and after in _NUMERAL_CHARS)


_ONE_UNIT = re.compile(r"一(?:个|月|年|天|周|次|共|下|点|起|般|直|样|块|元|分钟|小时|星期|礼拜|季度)")


_FUNCTION_WORDS = frozenset("and or & the to for a an then also but with from of on at by in is it".split())


def _cjk_run(text: str, entity: Entity) -> str:
    """The run of Chinese characters the entity lies in: "东陈" (a learnt span) lies in "耳东陈" of "陈晨，耳东陈"."""
    start, end = entity.start, entity.end
    while start > 0 and "\u4e00" <= text[start - 1] <= "\u9fff":
        start -= 1
    while end < len(text) and "\u4e00" <= text[end] <= "\u9fff":
        end += 1
    return text[start:end]


def without_spelling(value: Any) -> Any:
    """A name said with how its characters are written ("张伟，弓长张", "李蕾 草字头的蕾"): the name alone."""
    if not isinstance(value, str):
        return value
    parts = [p for p in re.split(r"[，,、\s]+", value.strip()) if p]
    kept = [p for p in parts if not spells_a_character(p)]
    return kept[0] if len(kept) == 1 and len(parts) > 1 else value


def _before_some_money(text: str, entity: Entity) -> bool:
    """The number comes before "some money" in the same message: said in passing, the amount still open."""
    last = _last_some_money(text)
    return last is not None and last >= entity.end


@functools.lru_cache(maxsize=8)
def _last_some_money(text: str) -> int | None:
    """Where the message's last "some money" starts (once per message, not once per number in it)."""
    starts = [m.start() for m in _SOME_MORE.finditer(text.lower())]
    return starts[-1] if starts else None


_NEGATIVE_BEFORE = re.compile(r"(?:(?<![\d\s])|(?<!\d)\s)[-−–]\s*[$€£¥￥]?\s*$|[$€£¥￥]\s*[-−–]\s*$"
                              r"|\b(?:minus|negative)\s+[$€£¥￥]?\s*$|负\s*$",
                              re.IGNORECASE)


# "我孙子是99年的，他说要个便宜的就行" opened the account on plan 99 (customer trial, session 33): a year of birth
_MEASURED_AFTER = re.compile(r"\s*(?:岁|周岁|号楼|号院|楼|层|栋|单元|年级|届|年(?![费卡包])|\s*(?:years? old|yrs? old|yo\b|floor))", re.IGNORECASE)
# "我打了三次10000号都没人管，扣了我2500" filed a loss of 10000 元 (tried by hand, session 32): a number before 号 names a
# line, a day or a service number; one before 次 / 天 / 小时 counts; none of them is an amount
_COUNTED_AFTER = re.compile(r"\s*(?:号|次|回|遍|趟|个?小时|分钟|天|个?星期|个?礼拜|周|个月|年(?!费)|[GM](?![A-Za-z])|GB|MB|兆"
                            r"|\s*(?:times?|days?|hours?|hrs?|minutes?|mins?|weeks?|months?|years?|gb|mb)\b"
                            # letters of a name spelt out: "its Anna with two n" sent $2 to Ana (customer trial, session 34)
                            # (not "w the fees": "its 47.50 w the fees" was no amount, customer trial, session 42)
                            r"|\s+(?:letters?\b|[b-hj-z](?:'?s)?\b(?!\s*(?:dollars?|bucks|usd)\b)"
                            r"(?!\s+(?:the|a|an|my|all|tax|fees?|tips?|interest|charges?)\b)))",  # not "50 a month"
                            re.IGNORECASE)


def counts_something(text: str, entity: Entity) -> bool:
    """The number counts times, days, gigabytes or letters ("三次", "2 days", "with two n"), or is payment terms ("net
    10"): no amount."""
    return bool(_COUNTED_AFTER.match(text[entity.end:entity.end + 8])
                or _TERMS_BEFORE.search(text[max(0, entity.start - 14):entity.start]))


# "actually their terms are net 10, can it go out on the 15th instead?" at a $1,200 read-back made it $10 (customer
# trial, session 42)
# ... nor "how come? isn't my limit 2500?" after a refusal for lack of funds, read back as "Send $2,500.00" (customer trial,
# session 44): a limit said is no amount to send
_TERMS_BEFORE = re.compile(r"\bnet\s*$|\blimit\s+(?:is\s+|of\s+)?[$]?\s*$", re.IGNORECASE)


# "owes his landlord 900 dollars and he already paid 300 himself, so please send Daniel Kim the rest" sent $900
# (customer trial, session 33)
# ... but not what the amount is for: "send $400 to my landlord Peter Novak today for the rest of the rent" asked how much
# (customer trial, session 42)
_DIFFERENCE = re.compile(r"(?<!\bfor )\bthe (?:difference|remainder|rest(?: of it| of the money)?|balance owing|outstanding (?:amount|part))"
                         r"\b"
                         r"|\bwhat(?:'s| is) (?:left over|still owed|left to pay)\b|差价|差额|剩下的(?:那部分|钱)?|余下的")
_PERCENT_AFTER = re.compile(r"^\s*(?:%|％|percent\b|per\s*cent\b|pct\b)", re.IGNORECASE)
# "half of 300" and "10 percent of 500" were read back as $300 and $500 (customer trial, session 32)
_SHARE_OF_BEFORE = re.compile(r"\b(?:half|a third|third|a quarter|quarter|percent|per\s*cent|pct)\s+of\s+(?:the\s+|my\s+)?"
                              r"[$€£]?\s*$|%\s*of\s+(?:the\s+|my\s+)?[$€£]?\s*$|的?(?:一半|百分之)\s*$", re.IGNORECASE)

def said_by_the_speaker(text: str, entity: Entity) -> bool:
    """Whether the words right before the entity say it is the speaker's own name ("Hi, I'm Maria Garcia")."""
    return bool(_SPEAKER_BEFORE.search(text[max(0, entity.start - 20):entity.start]))


_SPEAKER_BEFORE = re.compile(r"\b(?:my name is|my name'?s|i am|i'?m|this is|it'?s me,?)\s*$|(?:我叫|我是|本人叫?|我的名字(?:是|叫))\s*$",
                             re.IGNORECASE)
# ("wait no sorry, wrong card! the one I lost is 7777, the 1234 is right here" at 1234's read-back: customer trial, s43)
_STILL_HAD_AFTER = re.compile(r"^[\s,]*(?:and\s+)?(?:it\s+)?(?:one\s+)?(?:is|'s|was|are)?\s*(?:still\s+)?(?:right\s+)?"
                              r"(?:with me|fine|ok(?:ay)?|safe|here|"
                              r"at home|in my (?:wallet|pocket|bag|purse|hand)|not (?:lost|stolen|missing)"
                              # "wait no sorry, I meant 1234, the 7777 one is my husbands and he still has his" (customer
                              # trial, session 44: 7777, the husband's, was blocked)
                              r"|(?:my\s+)?(?:husband|wife|partner|son|daughter|mum|mom|mother|dad|father|kid|brother|sister"
                              r"|friend|boyfriend|girlfriend|flatmate|roommate)'?s|belongs to|(?:someone|somebody) else'?s"
                              r"|not mine)\b"
                              r"|^\s*(?:的那张|那张|这张|的卡|卡)?(?:还在|没丢|在我这|在我手上|在身上|好好的|没事)", re.IGNORECASE)
_STILL_HAD_BEFORE = re.compile(r"\b(?:i\s+)?still\s+(?:have|got)\s+(?:my\s+)?(?:other\s+)?(?:card\s+)?(?:ending\s+(?:in\s+)?)?$",
                               re.IGNORECASE)


_TIME_AFTER = re.compile(r"^\s*(?:[:：]\d\d|(?:am|pm|a\.m\.|p\.m\.|o'?clock|hrs)\b|点(?:钟|半|\d|[零一二三四五六七八九十])|时\d)",
                         re.IGNORECASE)
_TIME_BEFORE = re.compile(r"(?:^|\s)at\s+$|(?:上午|下午|晚上|早上|中午|凌晨)$", re.IGNORECASE)


def _said_as_time(text: str, entity: Entity) -> bool:
    """A number that is (part of) a time of day: "4:30", "3pm", "at 3", "下午3点"."""
    after, before = text[entity.end:entity.end + 8], text[max(0, entity.start - 6):entity.start]
    if _TIME_AFTER.match(after) or re.search(r"\d[:：]$", before):
        return True
    said = text[entity.start:entity.end]
    return (bool(_TIME_BEFORE.search(before)) and said.isdigit() and int(said) <= 24
            and bool(re.match(r"\s*(?:$|[,.;!?]|and\b|点)", after)))


def _still_had(text: str, entity: Entity) -> bool:
    """A card's digits said as the one the customer still has ("4821 is still with me", "1234 还在")."""
    return bool(_STILL_HAD_AFTER.match(text[entity.end:entity.end + 40])
                or _STILL_HAD_BEFORE.search(text[max(0, entity.start - 40):entity.start]))


def _after_identifier(ctx: TurnContext, text: str, entity: Entity) -> bool:
    from framework.engine.corrections import after_identifier_label  # it builds on this module

    return after_identifier_label(ctx, text, entity)


def _percent(text: str, entity: Entity) -> bool:
    """The number is a percentage ("10%", "10 percent", "百分之十")."""
    return (bool(_PERCENT_AFTER.match(text[entity.end:entity.end + 12]))
            or bool(_SHARE_OF_BEFORE.search(text[max(0, entity.start - 24):entity.start])))  # "百分之十" there too


def _negative(text: str, entity: Entity) -> bool:
    """The number has a minus before it ("-200", "$-200", "minus 200", "负200"), not a dash between two numbers."""
    before = text[max(0, entity.start - 12):entity.start]
    if entity.text.lstrip().startswith(("-", "−")):
        return True
    return bool(_NEGATIVE_BEFORE.search(before)) and not re.search(r"\d\s*[-−–]\s*[$€£¥￥]?\s*$", before)


def _labelled(ctx: TurnContext, slot, entity: Entity) -> bool:
    """A number a generic extractor read, said right after the name of a slot of the active flow that holds no
    value yet: "我叫郑爽 身份证2301… 损失一百二" at the name question dropped the loss, and the customer was stuck at
    its question (customer trial, session 32). (Generic readings fill only the slot being asked otherwise.)"""
    from framework.engine.corrections import label_words  # it builds on this module

    if (entity.extractor not in GENERIC_EXTRACTORS or entity.role is not None or ctx.flow() is None
            or ctx.slots.get(slot.name) is not None or slot.name not in steps.collected_slots(ctx.flow())
            or not any(m.entity == entity.entity for m in slot.entity_mappings())):
        return False
    before = (ctx.text or "")[max(0, entity.start - 8):entity.start].lower()
    return any(len(w) >= 2 and w.lower() in before and not any(ch.isdigit() for ch in before[before.rfind(w.lower()):])
               for w in label_words(ctx, slot.name))


_SENT_BEFORE = re.compile(r"\b(?:i|we)(?:'ve| have| had)?\s+(?:already\s+|just\s+|also\s+)?(?:sent|transferred|wired|paid)"
                          r"\s+(?:(?:him|her|them|you|it|my \w+|\w+)\s+)?(?:[$£€]\s*|usd\s*)?$"
                          r"|(?:我|我们)(?:已经|之前|上次|上周|昨天)?(?:已经)?(?:转|付|打|汇)(?:了|过)(?:给?[他她]们?)?$", re.IGNORECASE)


def _sent_before(text: str, entity: Entity, entities) -> bool:
    """True when the number is a sum the customer says was sent already ("i already sent 200 last week"), and the
    message says another sum of the same entity."""
    if not _SENT_BEFORE.search(text[max(0, entity.start - 32):entity.start]):
        return False
    return any(o.entity == entity.entity and str(o.value) != str(entity.value) for o in entities)


def _in_reason(text: str, entity: Entity, entities) -> bool:
    """True when the number comes after a reason marker, and another value of the same entity comes before it."""
    window = max(0, entity.start - 80)  # within the sentence; the whole text per number was quadratic
    marker = None
    for m in _REASON.finditer(text, window, entity.start):
        marker = m
    return marker is not None and any(o is not entity and o.entity == entity.entity and window <= o.start
                                      and o.end <= marker.start() for o in entities)


# "pay my flour supplier, Golden Mills, $640 today", "send my roommate Jake his half…" and "pay 300 to Kim's Produce" each
# asked "Did you mean … as your recipient?" before the transfer's own read-back (customer trial, session 41, round 3)
# (capitalised words only: a CJK span of two to four characters is as often "那好吧" as a name)
_PROPER_NAME = re.compile(r"(?:[A-Z][\w'&.-]*)(?:\s+(?:[A-Z][\w'&.-]*|of|and|&|de|van|von|der|al|bin))*\Z")


def _read_back_later(ctx: TurnContext, name: str, value: Any) -> bool:
    """An unsure name-like value (capitalised words) of a text slot that the flow reads back before acting on it: the
    read-back is the check, and no question comes first."""
    slot = ctx.assistant.slots.get(name)
    flow = ctx.flow() if ctx.stack else (ctx.assistant.flow_for_intent(ctx.intent) if ctx.intent else None)
    if (slot is None or slot.type != "text" or not isinstance(value, str) or flow is None
            or name not in steps.collected_slots(flow) or not _PROPER_NAME.match(value.strip())
            or looks_everyday(model_for(ctx.assistant), slot, value.strip())):
        return False
    return steps.confirms(flow)


def _whole_answer(ctx: TurnContext, entity: Entity, slot_name: str, collecting: str | None) -> bool:
    return slot_name == collecting and (ctx.text or "").strip(_PUNCT) == entity.text.strip(_PUNCT)


def _answer_value(ctx: TurnContext, slot) -> Any:
    """The collected slot's value from the whole message, as step (3) would read it."""
    if slot.type == "text":
        parsed = collect_text(ctx.assistant, slot, ctx.text or "", today=ctx.today)
    else:
        parsed = parse_value(slot, ctx.text or "", ctx.assistant.language, today=ctx.today)
    return parsed.value if parsed.ok else None


def _agreed(ctx: TurnContext, nlu: NLUResult, slot, entity: Entity, value: Any, collecting: str | None) -> bool:
    """Another extractor, or the whole message read as the answer to the slot's question,
    gives the same value: a learnt value below the threshold needs no question then."""
    for other in nlu.entities:
        if other is entity or other.extractor == MODEL_EXTRACTOR or not fills(slot, other, collecting):
            continue
        ok, other_value = _value(ctx, slot, other)
        if ok and other_value == value:
            return True
    return slot.name == collecting and _answer_value(ctx, slot) == value


def _refuse(ctx: TurnContext, slot_name: str, response: str, error: str) -> None:
    """A value of this message its slot refuses: `response` is said once, when the flow asks."""
    ctx.out_of_range.setdefault(slot_name, response)
    ctx.emit("value_out_of_range", slot=slot_name, error=error)


def _wrong_identifiers(ctx: TurnContext, text: str, collecting: str | None, found) -> None:
    """"我叫张三，身份证号110105194912310021" (a wrong check digit) at the name question: an ID
    number was said, and it is wrong. The extractors find no value in it, so the flow asked
    for the ID number as if none had been given; now the slot's `error` response is said
    when the flow asks for it, as for a value out of bounds. Not for the slot being collected
    (its answer path says its own reprompt)."""
    shaped = [m.group() for m in ID_RE.finditer(normalise_digits(text))]
    if not shaped or all(check_id_number(v, ctx.today)[1] is None for v in shaped):
        return
    for slot in ctx.assistant.slots.values():
        if slot.type == "id_number" and slot.name != collecting and slot.name not in found and slot.error_response:
            _refuse(ctx, slot.name, slot.error_response, "an ID number with a wrong check digit")


# Types whose values have a format a wrong one visibly breaks (four digits, a check digit). Not
# categorical or text: a model's span there is often a fragment ("合约" for 余额/账单), no wrong answer.
_FORMATTED = frozenset({"regex", "id_number", "phone", "email", "integer", "number"})


def _said_wrong(ctx: TurnContext, slot, entity: Entity, collecting: str | None) -> bool:
    """"what's the balance on the card ending 12345": the model (sure of it, at or above the
    entity threshold) or the slot's own pattern found a value for this very slot, and the
    slot refuses it. The flow then asked for the last four digits as if none had been given;
    now the slot's `error` response is said when the flow asks for it, as for a value out of
    bounds. Only for slots with a format (_FORMATTED); not from the number extractors (any
    number slot could be meant), not from context guesses, not for the slot being collected
    (its answer path says its own reprompt)."""
    if slot.name == collecting or not slot.error_response or slot.type not in _FORMATTED:
        return False
    if entity.extractor in GENERIC_EXTRACTORS or entity.extractor == CONTEXT_EXTRACTOR:
        return False
    return entity.extractor != MODEL_EXTRACTOR or (entity.confidence or 0.0) >= entity_threshold(ctx.assistant)


def _surname_only(ctx: TurnContext, slot, value: Any) -> bool:
    """"王女士", "Mr Smith" for a name-like text slot (framework.slots.partial_names)."""
    return (slot.type == "text" and short_text(slot, model_for(ctx.assistant))
            and partial_name(ctx.text or "", value, ctx.assistant.language))


# A pronoun names nobody: "send fifty quid to my nan for her birthday" stored the recipient "her" (the
# later of the model's two spans, "my nan" and "her"; customer trial, session 24)
_PRONOUNS = frozenset("""her him them me myself herself himself themselves it you us she he they his hers their
theirs mine someone somebody anyone anybody 他 她 他们 她们 我 你 您 我们 你们 人家 某人""".split())


def _no_name(ctx: TurnContext, slot, value: Any) -> bool:
    """A short text slot's value that says who or how the customer is, or asks to wait:
    "我是老客户了", "我是东北的" (stored as the name, then on the confirmation: customer trial, session
    26), "等一下" of "等一下，我先查下话费" (the same trial)."""
    if slot.type != "text" or not isinstance(value, str) or not short_text(slot, model_for(ctx.assistant)):
        return False
    language = ctx.assistant.language
    if is_hesitation(value, language) or command_word(value, language) is not None:
        return True
    return describes_self(value, ctx.text or "", language)


# Words around a pronoun that still name nobody: "he is" of "…my son Sam, he is 19"; and a doubt: "好像身份证号不太对" at
# an opening's read-back renamed the customer 好像, and the account opened in that name (customer trial, session 37)
_NOBODY = _PRONOUNS | frozenset("is 's was are has have had turns turned aged age lives lived "
                                "好像 好象 似乎 可能 应该 感觉 觉得 大概 估计 也许 貌似 怎么 什么 咋".split())


def _names_nobody(ctx: TurnContext, slot, value: Any) -> bool:
    """A short text value that is only pronouns and verbs ("he is"), or holds a number where no
    annotated value does ("2 kids", "she turns 21"): "send money to my son Sam, he is 19" asked
    "Send $19.00 to he is?" (customer trial, session 26)."""
    if slot.type != "text" or not isinstance(value, str) or not short_text(slot, model_for(ctx.assistant)):
        return False
    words = value.lower().split()
    if words and all(w.strip(",.!?") in _NOBODY for w in words):
        return True
    return any(ch.isdigit() for ch in value) and not digits_in_values(model_for(ctx.assistant), slot)


# A bare number that counts or ages someone: "he is 19", "she has 2 kids", "i have 3 kids"
# ... "hello dear, I am 82" (the amount of a transfer asked for next: customer trial, session 31)
_COUNT_OR_AGE = re.compile(r"\b(?:is|turns|turned|aged|age|was|has|have|had|am|i'?m|im)\s+$", re.IGNORECASE)
_COUNTED = re.compile(r"^\s*(?:kids?|children|child|years?|yrs|months?|weeks?|days?|people|grandkids)\b", re.IGNORECASE)


def _counts_someone(text: str, entity: Entity) -> bool:
    """A number said as an age or a count ("he is 19", "3 kids", "我今年七十三了"), not an amount; a currency
    makes it one."""
    said = str(entity.text).strip()
    if _AGE_ZH_BEFORE.search(text[max(0, entity.start - 6):entity.start]) and _AGE_ZH_AFTER.match(text[entity.end:]):
        # "我今年七十三了，上个月交了一百块话费…" filed a loss of 73 (customer trial, session 29)
        return True
    if not _BARE_DIGITS.fullmatch(said):
        return False
    return bool(_COUNT_OR_AGE.search(text[max(0, entity.start - 12):entity.start]) or _COUNTED.match(text[entity.end:]))


_BARE_DIGITS = re.compile(r"\d{1,3}")
_PURPOSE_BEFORE = re.compile(r"\bfor (?:the|a|an|some|our|their)\s+$", re.IGNORECASE)
_PRONOUN_PHRASE_ZH = re.compile(r"(?:用|拿|给|帮|替|跟|和|叫|是|找|让)?(?:我|你|他|她|俺|咱|您)(?:们|的|自己|本人)?")
_PLACE_SAID = re.compile(r"(?:住在|家在|来自|位于|地址(?:是|在)?)\s*$|\b(?:live in|living in|based in)\s+$", re.IGNORECASE)
_PLACE_BEFORE = re.compile(r"(?:在|到|去|住)\s*$|\bfrom\s+$", re.IGNORECASE)
_PLACE_AFTER = re.compile(r"\s*[\u4e00-\u9fff]{0,4}?(?:省|市|区|县|镇|乡|村|街道?|路|大道|小区|那边|这边|附近)")


def _a_place(text: str, entity) -> bool:
    """A learnt name said as where someone lives ("我住在深圳南山区…", "家在海淀区"), no person's name."""
    before = text[max(0, entity.start - 12):entity.start]
    return bool(_PLACE_SAID.search(before) or re.match(r"\s*(?:省|市|区|县)", text[entity.end:entity.end + 2])
                or _PLACE_BEFORE.search(before) and _PLACE_AFTER.match(text, entity.end))
_DIALLED = re.compile(r"(?:打|拨打?|致电|电话|热线|\bcall(?:ed)?|\bdial(?:led)?|\bring)\s*$", re.IGNORECASE)
_AGE_ZH_BEFORE = re.compile(r"(?:今年|年纪|岁数|我都|我已经|我也)\s*(?:都|已经|有)?\s*$")
_AGE_ZH_AFTER = re.compile(r"\s*(?:岁|周岁|了(?![\d一二三四五六七八九十两百千万块元])|多岁)")


def _pronoun(ctx: TurnContext, slot, value: Any) -> bool:
    """A name-like text slot's value that is only a pronoun ("her", "他")."""
    return (slot.type == "text" and isinstance(value, str) and value.strip(_PUNCT).lower() in _PRONOUNS
            and short_text(slot, model_for(ctx.assistant)))


def _corrected(ctx: TurnContext, text: str, collecting: str | None, found: dict) -> None:
    """"我叫赵六，不对，我叫赵大六": values said before a correction marker give way to those
    said after it (framework.slots.answers.corrected_tail). A customer trial (session 13)
    stored 赵六: the entity head tagged only the first name, and it won. When the collected
    text slot has no value after the marker, its earlier one is dropped too, so that the
    whole answer is read from what follows the correction (framework.slots.context.collect_text)."""
    tail = corrected_tail(text, ctx.assistant.language)
    if tail is None:
        return
    offset = tail[0]
    # the words after the marker give another slot's value: the correction is that slot's ("send $75 to
    # Sarah tomorrow, no wait, monday": the date's; "我叫刘洋，身份证…，换成99元的": the plan's, where the
    # name question took "99元的" as the name and it was submitted: customer trial, session 21)
    given_after = {n for n, cs in found.items() for c in cs if c[2].start >= offset}
    for name in list(found):
        after = [c for c in found[name] if c[2].start >= offset]
        slot = ctx.assistant.slots[name]
        if after:
            found[name] = _first_clause(text, after) if slot.type != "text" else after
        elif given_after - {name}:
            continue
        elif name == collecting and slot.type == "text":
            del found[name]
            ctx.emit("value_corrected_later", slot=name)
        elif slot.type == "text" and short_text(slot, model_for(ctx.assistant)):
            # "我要开户，我叫赵六，不对，赵大六" as the flow starts: the name the correction says, when
            # the words after it read as one (not the examples' everyday words)
            parsed = collect_text(ctx.assistant, slot, tail[1], today=ctx.today)
            if parsed.ok and not looks_everyday(model_for(ctx.assistant), slot, str(parsed.value)):
                entity = found[name][-1][2]
                found[name] = [(rank(entity), len(found[name]), entity, parsed.value)]
                ctx.emit("value_corrected_later", slot=name)


# A clause that goes on after the corrected value: "actually make it the 20th, payday is the 18th" at a read-back of the
# 15th moved the transfer to the 18th (customer trial, session 47); a later value in it is no correction unless the gap
# says so ("make it friday, no, saturday")
_CLAUSE_BREAK = re.compile(r"[,;.!?，。；！？]|\b(?:because|since|cause|cos|as|coz)\b|因为|由于", re.IGNORECASE)


def _first_clause(text: str, candidates: list) -> list:
    """Of the values said after a correction marker, those of the first clause, when a later clause gives another value
    without correcting it."""
    ordered = sorted(candidates, key=lambda c: c[2].start)
    first = ordered[0]
    for c in ordered[1:]:
        if c[3] == first[3]:
            continue
        gap = text[first[2].end:c[2].start]
        if not _CLAUSE_BREAK.search(gap) or _CHANGED_MIND_GAP.search(gap) or sounds_like_correction(gap):
            return candidates
    return [c for c in candidates if c[3] == first[3]]


# "his name is Tom Becker" at "Send $250.00 to my brother …?" (customer trial, session 21: "I'm not sure I
# understood"): the name with the words that introduce it is still the whole answer
# ("it's raining outside" is no name: "it's" and "he's" introduce too much)
_INTRODUCED = re.compile(r"^(?:(?:no|nope|actually|sorry|wait)\b[,\s]*)*"  # "no, Tom Hardy" (a correction)
                         r"(?:(?:his|her|their|the) (?:full )?(?:name|recipient|payee)(?: is|'s| should be)"
                         r"|(?:he|she)(?: is|'s) called|(?:name|recipient|payee)(?: is|'s| should be)"
                         r"|(?:他|她|对方|收款人)(?:叫|的名字是)|名字是)?\s*", re.IGNORECASE)
_POLITE_END = re.compile(r"[,\s]+(?:please|pls|thanks|thank you)$", re.IGNORECASE)


def _name_at_confirmation(ctx: TurnContext, nlu: NLUResult, found: dict) -> None:
    """"Tom Jenkins" as the whole answer to "Send $1,500.00 to my landlord?": the entity head
    tagged it `name` (the cardholder's name, a slot of another flow), so nothing changed and
    the confirmation heard no answer; three of them cancelled the transfer (customer trial,
    session 14). At a confirm step (or its "which item?" question: "Tom Hardy" at "You can
    change: date, amount, recipient." got the fallback, trial of session 22), a whole message
    that is one learnt or context value (or one introduced: "his name is Tom Becker") of a
    text slot the flow does not collect is a new value for the flow's one short text slot (if
    it has exactly one), parsed by that slot's type. At another slot's question it is
    taken only when it completes that slot's value ("Priya Sharma" for "Priya", said at "How
    much would you like to send?": the amount's error in a trial of session 23)."""
    flow = ctx.flow()
    waiting = ctx.frame.waiting_for if ctx.frame else None
    at_question = bool(waiting and waiting.startswith("slot:"))
    if not (flow and (waiting in (CONFIRM, WHICH) or at_question)) or set(found) & steps.collected_slots(flow):
        return
    slots = ctx.assistant.slots
    target = _one_short_text_slot(ctx, flow)
    if target is None:
        return
    said = _POLITE_END.sub("", _INTRODUCED.sub("", (ctx.text or "").strip(_PUNCT)).strip(_PUNCT)).strip(_PUNCT)
    names = [e for e in nlu.entities if e.extractor in (MODEL_EXTRACTOR, CONTEXT_EXTRACTOR) and isinstance(e.value, str)
             and (_whole_answer(ctx, e, target.name, target.name) or said == e.text.strip(_PUNCT))
             and any(s.type == "text" and s.name != target.name and fills(s, e, None) for s in slots.values())]
    if len(names) != 1:
        return
    if at_question and (waiting == f"slot:{target.name}" or not _completes(ctx.slots.get(target.name), names[0].value)):
        return
    parsed = _parsed(ctx, target, names[0])
    if parsed.ok and not _surname_only(ctx, target, parsed.value):
        found[target.name] = [(rank(names[0]), 0, names[0], parsed.value)]


# A value said instead of the one the flow holds, naming that one: "sorry i meant Tim not Tom",
# "not Tom, Tim", "Tim, not Tom", "I meant Tim instead of Tom". At the confirmation "Send $30.00
# to Tom?" they were read as deny 0.95-1.00 and heard "What would you like to change?"; at the
# amount question "not Tom, Tim" asked whether to stop (customer trial, session 24): the money
# would have gone to Tom. Text slots, whose values no extractor finds without a model tag.
# and a label: "correction: Suresh not Ramesh" sent the money to "correction: Suresh" (trial, session 27)
# and a yes or "make it": "yes send it to Kenji not Yuki", "make it Kenji not Yuki" at "Send $60.00 to Yuki …?"
# changed the recipient to "yes send it to Kenji" (customer trial, session 29)
_LEAD = (r"^(?:[a-z]+(?:\s+[a-z]+)?\s*:\s*)?"
         r"(?:(?:sorry|oops|wait|no+|nope|nah|yes|yeah|yep|ok|okay|actually|oh|ah|hang on|hmm+|umm*|uh)\b[\s,.!]*)*")
_FOR = (r"(?:(?:it'?s|its|it is|it was|it should (?:go|be)|send it|that'?s|meant (?:it )?)\s+)?(?:for|to)\s+"
        r"|(?:make|change|switch)\s+(?:it|that)\s+(?:to\s+)?")
_INSTEAD = {
    "en": (re.compile(_LEAD + r"(?:i\s+)?(?:meant|mean|said)?\s*(?:" + _FOR + r")?(?P<new>[^,.;!?]+?)\s*[,.;-]?\s*"
                      r"(?:not|instead of|rather than)\s+(?P<old>[^,.;!?]+?)[\s,.;!?]*$", re.IGNORECASE),
           re.compile(_LEAD + r"not\s+(?P<old>[^,.;!?]+?)\s*[,.;!-]+\s*(?:but\s+|it'?s\s+|i meant\s+|i said\s+)?"
                      r"(?P<new>[^,.;!?]+?)[\s,.;!?]*$", re.IGNORECASE)),
}


_INSTEAD_MAX = 300
_INSTEAD_WORD = re.compile(r"\b(?:not|instead of|rather than)\b", re.IGNORECASE)


# "wait no, Tim" at a confirmation: a no and a capitalised name, nothing else
# "wrong person, its Maria" at "Send $50.00 to Ana …?" lost Maria, and "Maria" alone at "What would you like to change?"
# heard "I'm not sure I understood"; "yes" then sent the $50 to Ana (customer trial, session 34)
_NO_THEN_NAME = re.compile(r"^(?i:(?:wait|sorry|oops|actually|oh|ah)\b[\s,.!]*)*"
                           r"(?:(?i:no+|nope|nah|wrong\s+(?:person|name|guy|girl|recipient|payee|one))\b[\s,.!]+)+"
                           r"(?i:(?:wait|sorry|it'?s|its|it is|i meant|i said|(?:it )?should be|(?:it'?s |its )?for|send it to|to)\b[\s,.!]*)*"
                           r"(?!(?i:thanks|thank|please|sorry|ok|okay|cheers|bye|goodbye|wait|never|nothing|none|not)\b)"
                           r"(?P<new>[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2})[\s,.!]*$")
# Replies that are no name though written like one ("Hello", "Thanks", "Sure") at a read-back
_NOT_A_NAME_REPLY = re.compile(r"^(?:hi|hello|hey|hiya|howdy|yo|thanks|thank you|cheers|bye|goodbye|ok|okay|sure|great|cool|"
                               r"perfect|fine|good|nice|sorry|please|yes|no|help)\b", re.IGNORECASE)
_NAME_ALONE = re.compile(r"^(?i:(?:it'?s|its|it is|to|for)\s+)?(?P<new>[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2})[\s,.!]*$")


def _instead_of_current(ctx: TurnContext, nlu: NLUResult, found: dict) -> None:
    """`_INSTEAD`: a new value for the active flow's text slot whose current value the message
    names as the wrong one ("Tim not Tom" while the recipient is Tom), parsed by the slot's
    type; nothing when no slot holds the named value or another value was found for it. At a
    confirmation (or its "which item?"), "no, Tim" too, when the flow has one short text slot
    and "Tim" is no command word."""
    flow = ctx.flow()
    text = (nlu.text or "").strip()
    if flow is None or not text:
        return
    slots = ctx.assistant.slots
    waiting = ctx.frame.waiting_for if ctx.frame else None
    bare = _NO_THEN_NAME.match(text) if waiting in (CONFIRM, WHICH) and not found else None
    b = ctx.assistant.behaviours
    if (bare is None and waiting == WHICH and not found and yes_no(text, ctx.assistant.language) is None
            and not any(ctx.intent in x.intents for x in (b.affirm, b.deny, b.cancel, b.handoff, b.help, b.greet))):
        bare = _NAME_ALONE.match(text)  # "Maria" at "What would you like to change?"
    if (bare is None and waiting == CONFIRM and not found and yes_no(text, ctx.assistant.language) is None
            and not _NOT_A_NAME_REPLY.match(text) and (one := _one_short_text_slot(ctx, flow)) is not None
            and isinstance(ctx.slots.get(one.name), str) and only_relation(ctx.slots[one.name])):
        # "Anna" (greet 0.87) at "Send $200.00 to my sister …?" heard a greeting, and "yes" sent it to "my sister"
        # (customer trial, session 35): a name alone where only who the person is was given names her
        bare = _NAME_ALONE.match(text)
    target = _one_short_text_slot(ctx, flow) if bare is not None else None
    if (target is not None and command_word(bare.group("new"), ctx.assistant.language) is None
            and not only_a_choice(ctx, bare.group("new"))):  # "Amount" at "What would you like to change?": the item
        parsed = parse_value(target, bare.group("new"), ctx.assistant.language, today=ctx.today)
        if parsed.ok and parsed.value != ctx.slots.get(target.name):
            _said_instead(found, target.name, parsed.value, bare.group("new"), bare.start("new"))
            return
    # a correction is short and says "not" / "instead of": a long message of spaces took minutes in these
    # patterns' nested runs (session 29's hostile-input check)
    if len(text) > _INSTEAD_MAX or not _INSTEAD_WORD.search(text):
        return
    for pattern in _INSTEAD.get(language_code(ctx.assistant.language), ()):
        match = pattern.match(text)
        if match is None:
            continue
        old, new = match.group("old").strip(_PUNCT).lower(), match.group("new").strip(_PUNCT)
        if _number_instead(ctx, flow, found, old, new, match.start("new")):
            return
        for name in sorted(steps.collected_slots(flow)):
            slot, value = slots.get(name), ctx.slots.get(name)
            if name in found:  # "its for Gran not my nan": the model's span of the value named as wrong is none
                found[name] = [c for c in found[name] if not _part_of(old, str(c[3]))]
                if not found[name]:
                    del found[name]
            if (slot is None or slot.type != "text" or not from_user(slot) or name in found
                    or not isinstance(value, str) or not _part_of(old, value) or new.lower() == old):
                continue
            parsed = parse_value(slot, new, ctx.assistant.language, today=ctx.today)
            if parsed.ok:
                _said_instead(found, name, parsed.value, new, match.start("new"))
                return


# "不对，是张玮，王字旁那个玮" at the ID question, right after the name 张伟 was given: read as 否定 1.00,
# it asked whether to stop, and the account was opened for 张伟 (customer trial, session 25)
_NOT_THAT_BUT = {
    # "等等，名字写错了，是田恬，恬静的恬" at a read-back (customer trial, session 36): a lead-in before it
    "zh": re.compile(r"^(?:(?:等等|等一下|等下|哦|啊|哎呀|诶|唉)[，,\s]*)?(?:(?:不对|不是|(?:名字|姓名)?(?:错了|说错了|打错了|写错了))[，,\s]*)+(?:是|应该是|我叫|叫|名字是|姓名是"
                     # "不是，我说的是张伟" at the confirmation: denied, the name dropped (customer trial, session 30)
                     r"|我说的是|我是说|说的是)"
                     r"(?P<new>[^，,。.！!？?；;\s]+)(?:[，,。.！!；;\s].*)?$"),
    "en": re.compile(r"^(?i:(?:(?:no+|nope|sorry|wait|oops|whoops|actually|my bad|my mistake)\b[\s,.!]*)+(?:it'?s|it is|i'?m|i am|my name is|"
                     r"the name is|i meant|i said|to|for|send it to|make it))\s+(?P<new>[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2})"
                     # "sorry, I meant Mum, and tomorrow": another change after it (the date was changed,
                     # the recipient dropped: customer trial, session 26)
                     r"(?:[\s,.!]+(?:and|&)\b[^,.!?]*"
                     # "my bad, I meant John Smith, sorry typo" offered to stop the transfer (customer trial, session 30)
                     r"|[\s,.!]+(?i:sorry|my bad|my mistake|typo|lol|haha)\b[^,.!?]*)?[\s,.!]*$"),
}
# "不是张玮，是张伟": the wrong value named, then the right one
_NOT_OLD_BUT = {
    "zh": re.compile(r"^(?:不对[，,\s]*)?不是(?P<old>[^，,。.！!？?；;\s]{1,10})[，,\s]*(?:是|而是|应该是)"
                     r"(?P<new>[^，,。.！!？?；;\s]+)[，,。.！!；;\s]*$"),
    "en": re.compile(r"^(?:no[\s,.!]*)?not\s+(?P<old>[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2})[\s,]+(?:it'?s\s+|but\s+)?"
                     r"(?P<new>[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2})[\s,.!]*$"),
}


def _slot_words(ctx: TurnContext, name: str) -> tuple[str, ...]:
    """How a message may name a slot: its label, its name, and 名字 for a label with 名 ("姓名")."""
    slot = ctx.assistant.slots[name]
    words = (slot.label or "", name.replace("_", " "))
    return words + (("名字",) if "名" in (slot.label or "") else ())


def _alike(value: str, new: str) -> bool:
    """A value and a correction of it, as people mistype or mishear one: the same length and
    at most one character apart, or the same first character ("张玮" / "张伟", "Jon" / "John")."""
    a, b = value.strip().lower(), new.strip().lower()
    if not a or not b or a == b:
        return False
    if len(a) == len(b) and sum(x != y for x, y in zip(a, b)) <= 1:
        return True
    return abs(len(a) - len(b)) <= 1 and a[0] == b[0] and len(set(a) & set(b)) >= min(len(a), len(b)) - 1


def _number_instead(ctx: TurnContext, flow, found: dict, old: str, new: str, start: int) -> bool:
    """"not 50, 15" at "Send $50.00 to my nan …?" (deny 1.00): heard "What would you like to
    change?", and $50 was sent after the recipient was changed (customer trial, session 25). The
    one number slot of the flow whose value `old` is takes `new`."""
    slots = ctx.assistant.slots
    for name in sorted(steps.collected_slots(flow)):
        slot, value = slots.get(name), ctx.slots.get(name)
        if slot is None or slot.type not in ("integer", "number", "money") or value is None or not from_user(slot):
            continue
        was = parse_value(slot, old, ctx.assistant.language, today=ctx.today)
        now = parse_value(slot, new, ctx.assistant.language, today=ctx.today)
        if was.ok and now.ok and was.value == value and now.value != value:
            found.pop(name, None)
            _said_instead(found, name, now.value, new, start)
            return True
    return False


def _last_answer_corrected(ctx: TurnContext, nlu: NLUResult, found: dict) -> None:
    """`_NOT_THAT_BUT` at a question or a confirmation of a flow: a new value for the one short
    text slot the previous message filled ("张伟"), when the words after "不对，是" parse as that
    slot's value and look like one (not the examples' everyday words, not a surname alone)."""
    flow, pattern = ctx.flow(), _NOT_THAT_BUT.get(language_code(ctx.assistant.language))
    waiting = ctx.frame.waiting_for if ctx.frame else None
    history = ctx.original.history
    if flow is None or pattern is None or not history or not waiting or not (
            waiting.startswith("slot:") or waiting in (CONFIRM, WHICH)):
        return
    text = (nlu.text or "").strip()
    match = pattern.match(text)
    old_but = _NOT_OLD_BUT.get(language_code(ctx.assistant.language))
    named = old_but.match(text) if match is None and old_but is not None else None
    if match is None and named is None:
        return
    match = match or named
    slots, model = ctx.assistant.slots, model_for(ctx.assistant)
    texts = [n for n in sorted(steps.collected_slots(flow)) if n in slots and slots[n].type == "text"
             and short_text(slots[n], model) and from_user(slots[n]) and isinstance(ctx.slots.get(n), str)]
    last = [n for n in history[-1].slot_changes if n in texts]
    if named is not None:  # "不是张玮，是张伟": the slot whose value is the one named wrong
        last = [n for n in texts if ctx.slots[n].strip().lower() == named.group("old").strip().lower()]
    elif len(last) != 1 and waiting in (CONFIRM, WHICH):
        # "不对，是张伟" at the confirmation, after other questions: the one value it corrects (the
        # name stayed 张玮 and was opened with, trial of session 26); "sorry, I meant Mum": the flow's
        # one short text slot
        last = [n for n in texts if _alike(ctx.slots[n], match.group("new"))] or (texts if len(texts) == 1 else [])
    if len(last) != 1:  # "不对，名字打错了，是陈晓明" at the plan question: the slot it names (kept 陈小明, trial of session 26)
        said = text.lower()
        last = [n for n in texts if any(w and w.lower() in said for w in _slot_words(ctx, n))]
    if len(last) != 1 or last[0] in found or f"slot:{last[0]}" == waiting:
        return
    slot, new = slots[last[0]], match.group("new")
    parsed = parse_value(slot, new, ctx.assistant.language, today=ctx.today)
    if (parsed.ok and parsed.value != ctx.slots.get(slot.name) and not looks_everyday(model, slot, str(parsed.value))
            and not _surname_only(ctx, slot, parsed.value) and command_word(new, ctx.assistant.language) is None
            # "名字错了，是王字旁的玮" renamed the customer 王字旁的玮 (customer trial, session 33): how a character is
            # written is no name; the name's question
            and not spells_a_character(str(parsed.value))):
        _said_instead(found, slot.name, parsed.value, new, match.start("new"))


def _inside_others(ctx: TurnContext, found: dict) -> None:
    """A text slot's candidate whose span lies inside another one's is a part of that value: "send
    money to Chidi Eze" had the spans "Chidi Eze", "Chidi" and "Eze", and the last one won (the
    recipient "Eze": customer trial, session 25)."""
    for name, candidates in found.items():
        if ctx.assistant.slots[name].type != "text" or len(candidates) < 2:
            continue
        spans = [(c[2].start, c[2].end) for c in candidates]
        kept = [c for c in candidates if not any(a <= c[2].start and c[2].end <= b and (a, b) != (c[2].start, c[2].end)
                                                 for a, b in spans)]
        candidates[:] = kept or candidates


# A number said as money charged or lost is no choice: "对了我还要投诉，上个月多扣了我99块" at an opening's plan
# question opened the account on the 99 plan; "损失59" at a complaint became a plan (customer trial, session 30)
_CHARGED_BEFORE = re.compile(r"(?:扣|收|花|充|损失|赔|退|罚|亏|charged|lost|paid|refund)(?:了|掉)?(?:我|他|她)?"
                             r"(?:大概|差不多|约|大约|了)?\s*$", re.IGNORECASE)


def _charged_not_chosen(ctx: TurnContext, found: dict) -> None:
    text = ctx.text or ""
    for name in [n for n in found if ctx.assistant.slots[n].type == "categorical"]:
        if _narrow(found, name, lambda c: not (c[2].text.strip().isdigit()
                                               and _CHARGED_BEFORE.search(text[max(0, c[2].start - 8):c[2].start]))):
            ctx.emit("entity_ignored", entity=name, reason="charged")


def _unavailable_over_choice(ctx: TurnContext, found: dict) -> None:
    """A choice said inside a word of the slot's `unavailable` list is no choice: "我想补办一张卡，原来的丢了" opened an
    account ("办一张卡" inside "补办一张卡", customer trial, session 40); the list's response is said instead
    (framework.engine.unavailable)."""
    lowered = (ctx.text or "").lower()
    for name in [n for n in found if ctx.assistant.slots[n].type == "categorical"]:
        spec = ctx.assistant.slots[name].options.get("unavailable")
        spans = [(m.start(), m.end()) for word in (spec or {}).get("words", ())
                 for m in re.finditer(re.escape(word.lower()), lowered)]
        if spans and _narrow(found, name, lambda c: c[2].extractor == "payload"
                             or not any(a < c[2].end and c[2].start < b for a, b in spans)):
            ctx.emit("entity_ignored", entity=name, reason="unavailable")


def _typed_over_text(ctx: TurnContext, found: dict) -> None:
    """A text slot's candidate whose words are another slot's typed value said there (a date, an amount, a card's
    digits): "sorry, I meant Thursday" at "Send $80.00 to Grace Okafor on Friday?" changed the date and the
    recipient, to "Thursday", and "yes" sent it to Thursday (customer trial, session 30)."""
    typed = [(c[2].start, c[2].end) for name, cs in found.items() if ctx.assistant.slots[name].type != "text"
             for c in cs if c[2].extractor != "payload" and c[2].end > c[2].start]
    for name in [n for n in found if ctx.assistant.slots[n].type == "text"]:
        if _narrow(found, name, lambda c: c[2].extractor == "payload"
                   or not any(a <= c[2].start and c[2].end <= b for a, b in typed)):
            ctx.emit("entity_ignored", entity=name, reason="typed_value")


def _narrow(found: dict, name: str, keep) -> int:
    """Only the candidates of slot `name` that `keep` accepts stay (the slot goes when none does); how many went."""
    before = found[name]
    kept = [c for c in before if keep(c)]
    if kept:
        found[name] = kept
    else:
        del found[name]
    return len(before) - len(kept)


def _part_of(said: str, value: str) -> bool:
    """`said` names `value`: the same, or some of its words ("Maria" for "Maria Santos")."""
    words, have = said.strip(_PUNCT).lower().split(), value.strip(_PUNCT).lower().split()
    return bool(words) and (words == have or (len(words) < len(have) and all(w in have for w in words)))


def _one_short_text_slot(ctx: TurnContext, flow):
    """The flow's one collected short text slot that the user fills (a name), or None when it
    has none or several."""
    slots = ctx.assistant.slots
    own = [slots[n] for n in sorted(steps.collected_slots(flow)) if n in slots and slots[n].type == "text"
           and short_text(slots[n], model_for(ctx.assistant)) and from_user(slots[n])]
    return own[0] if len(own) == 1 else None


# "oops its Johnson with an h" at "Send $150.00 to Sarah Jonson …?" offered to stop (goodbye 0.84), and the money went to
# "Sarah Jonson" (customer trial, session 47): one word of a name spelt anew
_SPELT = re.compile(r"^(?P<lead>(?:(?:oops|sorry|no|wait|actually|ah|oh|um+|typo|my bad|spelling)[,.!\s]+)*)"
                    r"(?:(?:it'?s|its|it is|that'?s|thats|it should be|should be|the name is|name is"
                    r"|(?:it'?s |its )?(?:spelled|spelt))\s+)?(?P<word>[A-Za-z][a-z'’-]{2,})"
                    r"(?P<how>(?:,?\s+(?:with (?:an? |two |double )?\w{1,2}|(?:not|instead of) \w+|spelled like that))*)"
                    r"(?:\s+(?:in it|at the end))?[\s.!,]*$", re.IGNORECASE)
_TYPO_LEAD = re.compile(r"\b(?:oops|sorry|typo|my bad|spelling)\b", re.IGNORECASE)


def _spelt_anew(ctx: TurnContext, found: dict) -> None:
    """At a confirmation, one word of the flow's one held short text value said again with its spelling ("its Johnson
    with an h" for "Sarah Jonson"): that word replaced (the value is read back again)."""
    flow, waiting = ctx.flow(), ctx.frame.waiting_for if ctx.frame else None
    m = _SPELT.match((ctx.text or "").strip())
    if flow is None or waiting not in (CONFIRM, WHICH) or m is None:
        return
    # how it is spelt, a typo said, or the word alone ("oops typo, Garcia" asked what to change: customer trial, s47)
    if not (m.group("how") or _TYPO_LEAD.search(m.group("lead") or "") or m.start("word") == 0):
        return
    word = m.group("word")
    # ... over what the message itself gave that slot: "sorry its Kathryn not Katherine" renamed the payee "its Kathryn"
    # (customer trial, session 47)
    if any(not any(word.lower() in str(c[3]).lower() for c in cs) for cs in found.values()):
        return
    for name in sorted(steps.collected_slots(flow)):
        held = ctx.slots.get(name)
        if getattr(ctx.assistant.slots.get(name), "type", None) != "text" or not isinstance(held, str):
            continue
        parts = held.split()
        close = close_words(parts, word, share=2)
        if len(close) == 1:
            parts[close[0]] = word[:1].upper() + word[1:] if word.islower() else word
            _said_instead(found, name, " ".join(parts), word, m.start("word"))
            ctx.emit("value_spelt", slot=name)
            return


def _said_instead(found: dict, name: str, value: Any, said: str, start: int) -> None:
    """`value`, said as `said` at `start`, as the one candidate for slot `name`."""
    entity = Entity(name, value, said, start, start + len(said), CONTEXT_EXTRACTOR)
    found[name] = [(rank(entity), 0, entity, value)]


def _completes(value, new: str) -> bool:
    """`new` holds every word of `value` and more: "Priya Sharma" for "Priya"."""
    if not isinstance(value, str) or not value.strip():
        return False
    old_words, new_words = value.lower().split(), new.lower().split()
    return len(new_words) > len(old_words) and all(w in new_words for w in old_words)


# Words right before a value that say it is not the one: "我是要换套餐，不是开户", "39 not 59"
_NEGATED_BEFORE = {
    # "但是别给我换99的" set the plan to 99 (customer trial, session 31)
    "zh": re.compile(r"(?:不是|而不是|并非|不要|不想|不办|不用|别|不)(?:给我|帮我|给俺|跟我)?(?:要|办|说|想|选|用|换|改|开)?(?:成|到)?\s*$"),
    "en": re.compile(r"\b(?:not|never|instead of|rather than|don'?t want|do not want)(?:\s+(?:the|a|an|to))?\s*$",
                     re.IGNORECASE),
}
# "不对不对，损失是两千八，不是两千五" at "which one, 2500 or 10000?" stored 2500 (tried by hand, session 32)
_NOT_THE_AMOUNT = re.compile(r"(?:不是|并非|\bnot|\bnever|\binstead of|\brather than)\s*$", re.IGNORECASE)
_NOT_THE_CARD = re.compile(r"\bnot\s+(?:the\s+|my\s+|that\s+)?(?:(?:debit\s+|credit\s+)?card\s+|one\s+)?(?:(?:ending|that ends|"
                           r"which ends|ends)\s+(?:in\s+|with\s+)?)?$|不是(?:那张|这张)?(?:尾号|卡号?(?:后四位|尾号)?)?(?:是|为)?\s*$",
                           re.IGNORECASE)
_A_NOT_A = re.compile(r"(\w)不\1[^不]{0,2}$")  # 能不能, 是不是, 要不要办: a question, no negation


_ALSO_EN, _ALSO_ZH = "also|as well|too|another", "还有|另外|也要|也帮|顺便"
_ALSO = re.compile(rf"\b(?:{_ALSO_EN}|and)\b|{_ALSO_ZH}")
# a name-like value with these is another request, not a correction ("and" alone may well correct: "and to Frank")
_ADDED_TO = re.compile(rf"\b(?:{_ALSO_EN})\b|{_ALSO_ZH}")
# an amount not yet said: "send some money to Mum" is a request of its own, no change of the one read back
_SOME_MORE = re.compile(r"\b(?:some|a bit of|a little|a little bit of|a few)\s+(?:money|cash|bucks|dollars|quid)\b"
                        r"|(?:一些|一点|点儿?)钱")
# "oh and actually my other card 1234 is gone too" at the block of 4821 changed the card to 1234, and 4821
# stayed active (customer trial, session 29): "actually" with "too" / "as well" / "also" adds, it corrects nothing
_ADDED = re.compile(r"\b(?:too|as well)\b[\s.!]*$|\balso\b|也(?:丢|要|帮|不见)", re.IGNORECASE)
# ... unless it changes the value said: "and make it two hundred fifty instead, she's covering dinner too" at a read-back
# started a second transfer after the changed one (customer trial, session 47)
_CHANGES_IT = re.compile(r"\b(?:instead|make it|make that|change it to|rather)\b|改成|换成", re.IGNORECASE)
# "ok but tomorrow" at "Send $60.00 to Yuki … today?" (goodbye 0.73) offered to stop, and "yes" cancelled it
# (customer trial, session 29): a yes-and-but before the value alone changes it
# "yes, 20 dollars", "sure, $60.50", "ok 1.5k then" (a yes and the value alone: "I need a clear yes or no", customer
# trial, session 30) and "行，不过还是129的吧" (the fallback, and "确认" ordered 99: the same trial) change it too
_BUT_LEAD = re.compile(r"^\s*(?:(?:ok(?:ay)?|yes|yeah|yep|sure|fine|alright|right)[,.!\s]+)?(?:then\s+)?"
                       # "ok then send only 40" (customer trial, session 33)
                       r"(?:(?:send|pay|transfer)\s+(?:him\s+|her\s+|them\s+)?)?(?:but|only|just)"
                       r"(?:\s+(?:make it|on|for|to|send it))?\s*$|^\s*(?:好的?|行|可以|嗯)?[，,\s]*(?:不过|但是?|就是)"
                       r"(?:还是|要|换成|改成|是)?\s*$|^\s*(?:ok(?:ay)?|yes|yeah|yep|sure|fine|alright)[,.!\s]+(?:make it\s+)?$"
                       # "等等，还是99的吧" at "… 套餐 129 元/月。确认办理吗？" (the fallback, and "对" ordered 129: customer
                       # trial, session 30)
                       # "她说还是99的好" (customer trial, session 33)
                       # "拉倒吧，还是五十九的好了" (customer trial, session 36)
                       r"|^\s*(?:等等|等一下|等下|稍等|哦|嗯|那|算了|拉倒吧?|得了|罢了)?[，,\s]*(?:(?:[她他]|我?(?:老婆|老公|爱人|媳妇|家里人?|孩子|儿子|"
                       r"女儿))(?:说|觉得))?还是(?:要|换成|改成|用)?\s*$"
                       # "please prepone it to the 10th", "move it to friday" (the fallback, and "yes" sent it on the
                       # 15th: customer trial, session 30)
                       r"|^\s*(?:(?:ok|okay|yes|sure|no|actually)[,.!\s]+)?(?:please\s+|pls\s+|can you\s+|could you\s+)?"
                       # "ok, send it on Friday" (value_not_taken: customer trial, session 33)
                       r"(?:move|shift|push|prepone|postpone|change|bring|switch|make|send|do|pay)\s+(?:it|that|the (?:date|day|amount|"
                       r"transfer|payment))\s+(?:forward\s+|back\s+)?(?:to|for|on|till|until)?\s*$",
                       re.IGNORECASE)


_ASKS_ABOUT = re.compile(r"(?:的|那个|那档)?呢\s*[?？]*\s*$|(?:有啥|有什么|什么)(?:区别|不同)|是啥样|是什么样|怎么样[?？]*$")


# "wait, I only have 42 dollars? how can you send 100 then?" at "Send $100.00 to Mike Ross …?" changed the amount to $42,
# and "ok yes send it" sent $42 (customer trial, session 45): a value said in a sentence that asks (it ends with a question
# mark) and asks no change is no change
# ("oh sorry, maybe 9876?" at the block of 5678 heard "I need a clear yes or no": customer trial, session 47, round 3)
_ASKS_A_CHANGE = re.compile(r"\b(?:make it|make that|change|instead|actually|rather|should be|meant|i mean|can you do|could you do"
                              r"|maybe|perhaps|or is it|might be|could be|sorry|oops"
                              r"|how about|what about|switch|move it|schedule it|set it|put it)\b"
                              # "can it go on 12/20?", "can I schedule it for the 1st of next month?" (sessions 36, 39)
                              r"|\b(?:can|could|would|will|may) (?:it|i|we|you|u) (?:go|be|schedule|send|do|move|put|set|make"
                              r"|pay|have|switch)\b|改成|换成|改为|还是", re.IGNORECASE)


def _in_a_question(text: str, entity) -> bool:
    """Whether `entity` lies in a sentence of `text` that ends with a question mark and asks for no change."""
    start = max(text.rfind(mark, 0, entity.start) for mark in ".!?。！？\n") + 1
    ends = [i for i in (text.find(mark, entity.end) for mark in "?？") if i >= 0]
    stops = [i for i in (text.find(mark, entity.end) for mark in ".!。！\n") if i >= 0]
    if not ends or (stops and min(stops) < min(ends)):
        return False
    sentence = text[start:min(ends)]
    rest = text[start:entity.start] + text[entity.end:min(ends)]
    # ("80?" alone offers the value: a change)
    return content_length(rest) >= 6 and not _ASKS_A_CHANGE.search(sentence)


# A question about a choice, in the clause that names it: "等下，99的有多少流量" at the ID question set the plan to 99
# ("好的，已将套餐改为 99" later: customer trial, session 30). Not "我要99的，多少钱一个月" (chosen in its own clause).
_ABOUT_IT = {
    "zh": re.compile(r"多少(?:钱|流量|分钟|G|g|兆)|有多少|包含|包括|送(?:什么|啥|不送|吗)|怎么样|有什么|有啥|区别|划算|值不值|贵不贵|"
                     r"是什么|是啥|咋样"),
    "en": re.compile(r"\bhow much (?:data|is it|does it|would it)|\bwhat(?:'s| is| does)\b.{0,20}\b(?:include|in it|cost)|"
                     r"\bdoes it (?:include|come with|cost)\b|\bis (?:it|that) (?:worth|any good)\b", re.IGNORECASE),
}
_CLAUSE_END = re.compile(r"[，,。.;；!！?？\n]")


def _asked_about(ctx: TurnContext, found: dict, collecting: str | None) -> None:
    text, pattern = ctx.text or "", _ABOUT_IT.get(language_code(ctx.assistant.language))
    state = ctx.state()
    if pattern is None or not is_question(text, ctx.assistant.language) or not ctx.stack:
        return
    if state is not None and getattr(state.step, "on_change", None):
        return  # the step says where a change goes ("59的有多少流量" at an offer of 99: 59's details)
    other = ctx.assistant.flow_for_intent(ctx.intent) if ctx.intent else None
    started_here = ctx.frame.flow not in {f.flow for f in ctx.original.stack}  # prefilled as it starts
    theirs = (steps.collected_slots(other) if other is not None and (other.name != ctx.frame.flow or started_here)
              else set())
    for name in list(found):
        if name == collecting or ctx.assistant.slots[name].type != "categorical" or name in theirs:
            continue  # the question is for the flow it asks for (咨询: the plan's details)
        if _narrow(found, name, lambda c: not pattern.search(_clause_of(text, c[2]))) and name not in found:
            ctx.emit("value_not_taken", slot=name, reason="question")


def _clause_of(text: str, entity: Entity) -> str:
    """The clause of `text` (between punctuation) that holds `entity`."""
    start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, entity.start)), default=0)
    end = next((m.start() for m in _CLAUSE_END.finditer(text, entity.end)), len(text))
    return text[start:end]


# "my email is sofia.mom77@gmail.com … https://bank.example.com/help?id=9988" gave a second recipient "sofia" and
# a second transfer (customer trial, session 30): an e-mail address or a web address holds no other value
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b(?:https?://|www\.)\S+", re.IGNORECASE)


def _outside_addresses(ctx: TurnContext, text: str, entities):
    spans = [m.span() for m in _ADDRESS.finditer(text)] if "@" in text or "http" in text or "www." in text else []
    if not spans:
        return entities
    email = {(s.entity or s.name) for s in ctx.assistant.slots.values() if s.type == "email"}
    kept = tuple(e for e in entities if e.entity in email or not any(a <= e.start and e.end <= b for a, b in spans))
    if len(kept) < len(entities):
        ctx.emit("entity_ignored", entity="*", reason="inside_address")
    return kept


def _named_again(ctx: TurnContext, found: dict) -> None:
    """At a confirmation, a text value that is some of the words of the one it holds names it again: "yes
    send 150 to Lucy" at "Send $150.00 to Lucy Gray …?" changed the recipient to "Lucy" (found by hand,
    session 30). No change."""
    if ctx.frame is None or ctx.frame.waiting_for != CONFIRM:
        return
    text = ctx.text or ""
    # ... unless said as a correction or as what the card says: "oh wait, sorry, on the card it just says Maria Garcia"
    # at "Activate … for Maria Garcia Lopez?" (customer trial, session 41)
    shortened = sounds_like_correction(text, ctx.assistant.language)
    for name in list(found):
        held = ctx.original.slots.get(name)
        if ctx.assistant.slots[name].type != "text" or not isinstance(held, str):
            continue
        if shortened or any(_SAYS_LEAD.search(text[:c[2].start]) or _SAYS_AFTER.match(text[c[2].end:])
                            for c in found[name]):
            continue
        if _narrow(found, name, lambda c: not (isinstance(c[3], str) and _part_of(c[3], held))) and name not in found:
            ctx.emit("value_not_taken", slot=name, reason="named_again")


def _outside_values(text: str, found: dict) -> str:
    """`text` with the values found in it blanked: "yes, twenty dollars and fifty cents" at "Send $125.00 …?" sent
    $125 and started a second transfer of $20.50, its "and" read as "and also" (customer trial, session 30)."""
    chars = list(text)
    for candidates in found.values():
        for c in candidates:
            chars[c[2].start:c[2].end] = " " * (c[2].end - c[2].start)
    return "".join(chars)


def restates_request(ctx: TurnContext) -> bool:
    """At the confirmation of an action, the message asks for this very flow again, sure of it, and is no
    question nor a second request ("also", "and"): "ok send her 75" at "Send $150.00 to Lucy Gray …?",
    "ok block card 9876 please" at the block of 1234, "ok pay Mia Wong" (each read as the flow's own
    intent at 0.98-0.99). Its values are the request as it now stands: a change, asked again. They were
    not taken and its "ok" confirmed the old ones: $150 sent, card 1234 blocked (customer trial, session 30)."""
    from framework.engine.turn import threshold  # it builds on this module

    frame, flow, text = ctx.frame, ctx.flow(), ctx.text or ""
    # "yes block 7777" at "I'll block the card ending 1234 …?" (affirm 0.99) asked for a clear yes or no about 1234
    # (customer trial, session 43): a yes that says the request again with its own value is that request too
    # ... in the flow's own words: "ok cancel it" (cancel 0.95) at a transfer's read-back heard "That's the one I have
    # ready" (session 46's tests): no example of a transfer says "cancel"
    verb = _YES_AND_VERB.match(text)
    asked = ((ctx.intent or "") in flow.triggers if flow is not None else False) or bool(
        flow is not None and verb and steps.trigger_examples_say(ctx, flow, verb.group(1).lower()))
    return (frame is not None and flow is not None and frame.waiting_for == CONFIRM
            and asked and (ctx.confidence or 0.0) >= threshold(ctx.assistant)
            and not is_question(text, ctx.assistant.language) and not _ALSO.search(text.lower())
            and not _SOME_MORE.search(text.lower()))


_YES_AND_VERB = re.compile(r"^\s*(?:yes|yeah|yep|yup|ok(?:ay)?|sure)\b[,!.\s]*(?:please\s+)?"
                           r"(block|freeze|cancel|stop|activate|send|pay|transfer|wire)\b", re.IGNORECASE)


# ("Friday works", "friday is fine" at a read-back dated today heard "I'm not sure I understood", and "yes" sent it today:
# customer trial, session 32)
# "I think it is 4821 yes" at "I'll block the card ending 1234 … Go ahead?" was no correction, and asked for a clear yes
# or no without the card; "yes please block it" blocked 1234 (customer trial, session 32). A doubt before the value
# and a yes after it leave the value alone: taken, and read back before anything is done
_HEDGED_AROUND = re.compile(r"^\s*(?:(?:i think|i believe|i guess|(?:i'?m |im )?pretty sure|i'?m sure|im sure|oh|ah)\b[\s,]*)+"
                            r"|(?:[\s,]*\b(?:yes|yeah|yep|yup|i think|i believe|works?(?: for me| better)?|suits? me(?: better)?|"
                            r"(?:is|'s|would be|will be) (?:fine|good|ok(?:ay)?|better|great|perfect|grand))\b[\s.!]*)+$", re.IGNORECASE)
# "tomorrow morning" at "Send $200.00 to Ming Chen on Monday 7 December?" heard "The date stays Monday 7 December"
# (customer trial, session 41): the time of day said with a date is no other matter (the date slot holds days only)
_TIME_OF_DAY = re.compile(r"\b(?:(?:early |late |first thing )?(?:in the )?(?:morning|afternoon|evening|night)|tonight|"
                          r"first thing|at noon|noon|midday|at lunch(?:time)?|(?:at |by |around )?\d{1,2}(?::\d{2})?\s*(?:am|pm|o'?clock)|"
                          r"上午|下午|早上|晚上|中午|傍晚|早点|晚点)\b", re.IGNORECASE)


def _not_a_correction(ctx: TurnContext, found: dict) -> None:
    """At the confirmation of an action, another value of a typed slot it holds (a card's digits, an
    ID, a date) is a correction only when the message says so ("no, 7777", "sorry it's 7777", "actually
    …"), is the value alone, or names the slot. "block card 1234" then "my husband has 7777 on the same
    account, will that one still work?" (affirm 0.58) offered to block 7777 and "yes" blocked the
    husband's card; "hmm whats the balance on 7777 first" and "and can you activate my new one 7777?"
    did the same (customer trial, session 27). Such a value is not taken (event `value_not_taken`);
    said with "also" / "as well" / "还有" it is the same request again, which waits under this one and
    starts when it ends, with its own confirmation."""
    frame, flow, state = ctx.frame, ctx.flow(), ctx.state()
    if frame is None or flow is None or frame.waiting_for != CONFIRM or state is None:
        return
    if getattr(state.step, "on_change", None):
        return  # the step says where a change goes ("那59的呢" at an offer of 99: 59's details)
    text, language = ctx.text or "", ctx.assistant.language
    for name in [n for n in found if n in steps.collected_slots(flow)]:
        held = ctx.original.slots.get(name)
        if (ctx.assistant.slots[name].type != "text" and held is not None
                and all(_in_a_question(text, c[2]) for c in found[name] if c[3] != held)
                and any(c[3] != held for c in found[name])):
            # "wait, I only have 42 dollars? how can you send 100 then?" asks, it changes nothing ("wait" sounds like
            # a correction: customer trial, session 45)
            found[name] = [c for c in found[name] if c[3] == held]
            if not found[name]:
                del found[name]
            ctx.emit("value_not_taken", slot=name, reason="question")
    if ((sounds_like_correction(text, language) and not (_ADDED.search(text) and not _CHANGES_IT.search(text)))
            or (ctx.intent or "") in ctx.assistant.behaviours.deny.intents or restates_request(ctx)):
        return
    from framework.engine.corrections import names_slot, only_filler, say_unchanged  # it builds on this module

    second: dict = {}
    for name in [n for n in found if n in steps.collected_slots(flow)]:
        slot, held = ctx.assistant.slots[name], ctx.original.slots.get(name)
        values = _distinct(c[3] for c in found[name])
        if slot.type == "text" and held is not None and held not in values and len(values) == 1 and (
                _SOME_MORE.search(text.lower()) or _ADDED_TO.search(_outside_values(text, found).lower())):
            # "send some money to Mum" at "Send $500.00 to Dad …?" was read as a change of recipient: "Send $500.00
            # to Mum?", and "yes" sent Dad's $500 to Mum (customer trial, session 30, left then). Some money, or
            # "also" / "as well": another transfer, after this one, with its own amount
            del found[name]
            ctx.emit("value_not_taken", slot=name, reason="second_request")
            second[name] = values[0]
            continue
        if slot.type == "text" or held is None or held in values or len(values) != 1:
            continue
        entity = found[name][0][2]
        if _ASKS_ABOUT.search(text):
            # "39的呢", "99的呢" at an opening's read-back of 59 (问候 0.41-0.78) changed the plan, and "确认" opened
            # it on 39 (customer trial, session 28): a question about another value changes nothing
            del found[name]
            ctx.emit("value_not_taken", slot=name, reason="question")
            continue
        around = text[:entity.start] + text[entity.end:]
        if (only_filler(_HEDGED_AROUND.sub("", _TIME_OF_DAY.sub("", around) if slot.type == "date" else around), language)
                or names_slot(ctx, name, text) or any(e.name == "earlier_value_again" and e.data.get("slot") == name
                                                      for e in ctx.events)
                # "行，登记吧，哦对了我后来算了一下，他们一共扣了我两千" at the read-back of a 3000 元 loss filed 3000 (customer
                # trial, session 33): an amount said as the total is the loss
                or (slot.type == "money" and _TOTAL_WORDS.search(text[max(0, entity.start - 12):entity.start]))
                or ((_BUT_LEAD.search(text[:entity.start]) or _REJECTED_THEN.search(text[:entity.start])
                     or _CHANGE_ASKED.search(text[:entity.start]) or _RATHER_LEAD.search(text[:entity.start])
                     or _SAYS_LEAD.search(text[:entity.start]))
                    and only_filler(_WHY_TURNED_DOWN.sub("", text[entity.end:]).strip(" ?？"), language))):
            continue
        del found[name]
        ctx.emit("value_not_taken", slot=name, reason="not_a_correction")
        if relative_change(text, [(entity.start, entity.end)], language) is not None:
            # "add another 20" at "Send $40.00 …?" made it $60 and started a second transfer of $20 (customer trial,
            # session 35): a change relative to the amount (made elsewhere) is no second request, nor a value that stays
            continue
        if _ALSO.search(_outside_values(text, found).lower()) and not is_question(text, language):
            second[name] = values[0]
        elif ctx.frame.waiting_for == CONFIRM and not any(
                (ctx.intent or "") in b.intents for b in (ctx.assistant.behaviours.affirm, ctx.assistant.behaviours.deny)):
            # "sharp sharp, tomorrow" (greet 0.86) at "Send $40.00 to Emeka on Sunday 6 December?" heard a greeting and the
            # same read-back, and "yes" sent it today (customer trial, session 34): a value not taken is said to stay
            # (a yes or a no with it hears its own reply: "I need a clear yes or no")
            say_unchanged(ctx, name)
    if second:
        # one second request with every value said for it ("and 20 dollars … tomorrow" deferred a transfer of
        # $20 and another dated tomorrow: session 29's second trial round)
        wanted = steps.collected_slots(flow)
        saved = second_run(second, wanted)
        if all(ctx.assistant.slots[n].type == "date" for n in second):
            # "on wednesday as well pls" at "Send $15.00 to Kate on Monday …?" asked the second transfer's amount and
            # recipient again (customer trial, session 40): only another day said, the same request that day (read
            # back before anything is sent)
            saved = {**{n: ctx.slots.get(n) for n in wanted}, **second}
        _run_later(ctx, flow, saved)
        ctx.say("utter_one_at_a_time")


# A change asked as a question: "can it go on 12/20?" at "Send $800.00 to Grace on Sunday 6 December?" heard "I can't
# answer that here" (customer trial, session 36); "could you make it 60?", "可以改到20号吗"
# "等一下，还是换129的吧" at the read-back of 59 was a wait, 129 dropped, and "对的" changed the plan to 59 (customer trial,
# session 37)
_RATHER_LEAD = re.compile(r"^\W*(?:(?:等一下|等一等|等等|等下|稍等|哦|噢|嗯|那|算了|我想|我看|想了想|诶|欸|哎|唉|呃|哎呀|诶呀)[，,、。\s]*)*"
                          r"(?:我|那)?还是(?:换|要|用|办|改|选|来)?(?:成|到)?(?:个|那个)?\s*$")
# "oh wait, sorry, on the card it just says Maria Garcia" at "Activate … for Maria Garcia Lopez?", "no wait, it's
# supposed to go to his wife, Sarah Miller" at "Send $45.00 to Jake Miller …?" heard the fallback (customer trial,
# session 41): what the card says, or who it is meant for, said before the value
_SAYS_LEAD = re.compile(r"\b(?:it|the card|card|the name|my card)\s+(?:just\s+|only\s+|actually\s+)?(?:says|reads|shows)\s*[:,]?\s*$"
                        r"|\b(?:supposed|meant|going|has|needs?) to (?:go|be|get sent|be sent) to\s+(?:(?:his|her|my|their|our)\s+"
                        r"\w+\s*,?\s*)?$|\bit'?s (?:for|to) (?:(?:his|her|my|their)\s+\w+\s*,?\s*)$"
                        r"|卡上(?:写的|印的)(?:是)?\s*$|(?:应该|本来)(?:是)?(?:给|转给|打给)\s*$", re.IGNORECASE)
# "oh sorry its just Maria Garcia on the card" at "Activate … for Maria Garcia Lopez?" was not taken (customer trial,
# session 42): the value said as what the card shows, after it
_SAYS_AFTER = re.compile(r"\s*(?:is\s+|that'?s\s+)?(?:what'?s\s+|what\s+is\s+)?(?:printed\s+|written\s+)?on\s+(?:the|my|it|this)"
                         r"(?:\s+card)?\b|\s*(?:在)?卡上", re.IGNORECASE)
_CHANGE_ASKED = re.compile(r"^\W*(?:(?:oh|ah|hmm+|um+|actually|wait|sorry|ok(?:ay)?|but)[\s,.!]+)*(?:can|could|would|may)\s+"
                           r"(?:it|we|you|i|that|this|the\s+(?:transfer|payment|money))\s+(?:please\s+)?(?:(?:go|be|do|make|send|"
                           r"move|change|switch|schedule|put|set|have)(?:\s+(?:it|that|this))?\s+)?(?:(?:on|for|to|at)\s+)?"
                           r"(?:the\s+)?$|^(?:那|能|可以|能不能|可不可以)?(?:改到|改成|换成|换到|挪到)$", re.IGNORECASE)


_ONLY_BEFORE = re.compile(r"\b(?:only|just)\s+(?:the\s+|my\s+)?(?:card\s+|one\s+)?(?:ending\s+(?:in\s+)?|ends?\s+in\s+)?$"
                          r"|(?:只有|只是|就只有|只)(?:尾号)?$", re.IGNORECASE)


def _only_one_meant(ctx: TurnContext, found: dict) -> None:
    """Of two values of one slot, the one said with "only": "I have two cards with you, 4821 and 1234, but only the 1234
    one was in the wallet" blocked 4821 first (customer trial, session 32)."""
    text = ctx.text or ""
    for name, candidates in found.items():
        if len(_distinct(c[3] for c in candidates)) < 2:
            continue
        only = [c for c in candidates if _ONLY_BEFORE.search(text[max(0, c[2].start - 30):c[2].start])]
        if only and len(_distinct(c[3] for c in only)) == 1:
            ctx.emit("entity_ignored", entity=name, reason="only_another")
            candidates[:] = [c for c in candidates if c[3] == only[0][3]]


def turned_down_at_read_back(ctx: TurnContext, nlu: NLUResult) -> str | None:
    """The categorical slot of the flow waiting at its read-back whose value the message turns down ("99一个月也太贵了吧"
    at the read-back of plan 99, read as 投诉 0.9x, filed a complaint, whose loss took "那就59的吧" as 59 元: customer
    trial, session 33), or None."""
    flow, frame = ctx.flow(), ctx.frame
    if flow is None or frame is None or frame.waiting_for != CONFIRM:
        return None
    text = nlu.text or ""
    for name in sorted(steps.collected_slots(flow)):
        slot = ctx.assistant.slots.get(name)
        if slot is None or slot.type != "categorical":
            continue
        said = [(e, entity_value(ctx, slot, e)) for e in nlu.entities if (slot.entity or slot.name) == e.entity]
        values = {str(p.value) for _, p in said if p.ok}
        if len(values) == 1 and values == {str(ctx.slots.get(name))} and any(  # "哎呀39的不够用，整个99的" changes it
                p.ok and _REJECTED_AFTER.match(text[e.end:]) for e, p in said):
            return name
    return None


def _negated_values(ctx: TurnContext, found: dict) -> None:
    """Of two values for one slot, the one said as not meant is dropped: "哦不对，我是要换套餐，
    不是开户" at the name question kept 开户 and heard "没听明白" (customer trial, session 26).
    One value said as not meant is no value at all (a choice, an amount, a card's digits)."""
    pattern = _NEGATED_BEFORE.get(language_code(ctx.assistant.language))
    text = ctx.text or ""
    if pattern is None:
        return

    def said_not(slot, c, alone: bool) -> bool:
        before = text[:c[2].start]
        if slot.type == "regex" and _NOT_THE_CARD.search(before[-40:]):
            return True
        if slot.type == "money" and alone:  # "三千块 哦不 三千五": a bare 不 corrects an amount, it says no other
            return bool(_NOT_THE_AMOUNT.search(before))
        return bool(pattern.search(before)) and not _A_NOT_A.search(before)

    for name in [n for n, cs in found.items() if ctx.assistant.slots[n].type in ("categorical", "money", "regex")
                 and len(_distinct(c[3] for c in cs)) == 1
                 and all(said_not(ctx.assistant.slots[n], c, True) for c in cs)]:
        # one choice, said as not meant: "不是开户 是换", "不要开户哈", "先别开户" at "开户还是变更套餐？" stored 开户,
        # and an account was opened (customer trial, session 27); "not the card ending 1234, that one is at home. the
        # other one" blocked 1234 (customer trial, session 33): no value, and the question again
        ctx.emit("entity_ignored", entity=name, reason="negated")
        del found[name]
    for name, candidates in found.items():
        if len(_distinct(c[3] for c in candidates)) < 2:
            continue
        negated = [c for c in candidates if said_not(ctx.assistant.slots[name], c, False)]
        kept = [c for c in candidates if c not in negated]
        if negated and kept and all(c[3] not in [k[3] for k in kept] for c in negated):
            ctx.emit("entity_ignored", entity=name, reason="negated")
            candidates[:] = kept


def _for_the_next_run(ctx: TurnContext, found: dict) -> None:
    """"send $100 to Ann Lee and $200 to Bob Stone tomorrow", then "Bob should get 250 actually" at "Send $100.00 to
    Ann Lee …?": the change went to Ann's transfer (to Bob, $250), and Bob got $250 and $200, Ann nothing (customer
    trial, session 33). At a confirmation, a person's name that names the person of a run of the same flow waiting
    under it (and not this one's) takes the message's values to that run; this one stays as it is."""
    frame, flow = ctx.frame, ctx.flow()
    if frame is None or flow is None or frame.waiting_for != CONFIRM:
        return
    waiting = [i for i, f in enumerate(ctx.stack[:-1]) if f.flow == frame.flow and f.saved and f.saved.get("slots")]
    wanted = steps.collected_slots(flow)
    for name in [n for n in found if n in wanted and ctx.assistant.slots[n].type == "text" and ctx.assistant.slots[n].pii]:
        said = [c[3] for c in found[name] if isinstance(c[3], str)]
        current = ctx.slots.get(name)
        if not said or not isinstance(current, str) or any(_part_of(s, current) for s in said):
            continue
        for i in reversed(waiting):
            saved = dict(ctx.stack[i].saved["slots"])
            theirs = saved.get(name)
            if not isinstance(theirs, str) or not any(_part_of(s, theirs) for s in said):
                continue
            changes = {n: cs[0][3] for n, cs in found.items() if n in wanted and n != name}
            saved.update(changes)
            ctx.stack[i] = dataclasses.replace(ctx.stack[i], saved=frozen_map({**ctx.stack[i].saved,
                                                                                "slots": frozen_map(saved)}))
            ctx.emit("next_run_changed", flow=frame.flow, slots=tuple(sorted(changes)))
            ctx.say("utter_next_one_changed")
            for n in [name, *changes]:
                found.pop(n, None)
            return


def _two_requests(ctx: TurnContext, found: dict) -> None:
    """"send 50 dollars to Tom and 30 dollars to Ann" with no flow active: two slots with two
    values each, every first one said before every second one, is the same request twice. The
    first values are taken now; the second ones wait for a second run of the flow, which starts
    when the first ends (framework.engine.steps.start_flow: `ctx.second_values`). Before, both
    questions "which one?" were asked at once and the second transfer was lost (customer trial,
    session 26)."""
    if ctx.stack or len(found) < 2:
        return
    pairs = {}
    for name, candidates in found.items():
        ordered = sorted(candidates, key=lambda c: c[2].start)
        values = _distinct(c[3] for c in ordered)
        if len(values) == 1:
            # "send 100 to Tom and 100 to Jerry": the same amount said twice, once for each (Tom was dropped: customer
            # trial, session 35); the places it is said, the readings of one place (several extractors) together
            places: list[list] = []
            for c in ordered:
                if places and c[2].start < max(o[2].end for o in places[-1]):
                    places[-1].append(c)
                else:
                    places.append([c])
            if len(places) == 2:
                pairs[name] = (places[0], places[1])
            continue
        if len(values) != 2:
            continue
        first = [c for c in ordered if c[3] == values[0]]
        second = [c for c in ordered if c[3] == values[1]]
        pairs[name] = (first, second)
    if (len(pairs) < 2 or not any(len(_distinct(c[3] for c in found[n])) == 2 for n in pairs)
            or any(n not in pairs for n in found if len(_distinct(c[3] for c in found[n])) > 1)):
        return
    last_first = max(c[2].end for first, _ in pairs.values() for c in first)
    first_second = min(c[2].start for _, second in pairs.values() for c in second)
    if last_first > first_second:
        return
    for name, (first, second) in pairs.items():
        found[name] = first
        ctx.second_values[name] = second[0][3]
    ctx.emit("second_request", slots=tuple(sorted(pairs)))


def _two_lookups(ctx: TurnContext, found: dict) -> None:
    """"what is the balance on 4821 and 1234": two values of the one slot of a request that changes
    nothing (its flow has no confirm step), or of one the message asks for both ("two cards, ending 4821
    and 1234, block both please": each confirmed on its own), is that request for each. "Which one?" was asked and the
    other card never answered (customer trial, session 27); now the first is looked up, and the
    second waits for a second run of the flow, as `_two_requests` does. Not for a flow with a
    confirmation (a card blocked for good: `_two_values` asks which one), nor inside a flow."""
    from framework.engine.turn import threshold  # it builds on this module

    flow = ctx.assistant.flow_for_intent(ctx.intent) if ctx.intent else None
    if ctx.stack or flow is None or ctx.second_values or (ctx.confidence or 0.0) < threshold(ctx.assistant):
        return
    text = ctx.text or ""
    several = {name: c for name, c in found.items() if len(_distinct(x[3] for x in c)) > 1}
    if len(several) != 1:
        return
    name, candidates = next(iter(several.items()))
    if name not in steps.collected_slots(flow):
        return
    ordered = sorted(candidates, key=lambda c: c[2].start)
    values = _distinct(c[3] for c in ordered)
    if len(values) != 2:
        return
    first, second = ([c for c in ordered if c[3] == v] for v in values)
    end, begin = max(c[2].end for c in first), min(c[2].start for c in second)
    if end > begin:
        return  # two readings of one span (a pattern's date and the model's)
    # "我要开户，另外把我老号的套餐换成39的" opened the account's flow on 换套餐 and 39, and the opening was never
    # mentioned again (customer trial, session 33, left then): a second request joined by "also" is one whatever the
    # flow, each run confirmed on its own; the values said after the joining word go with it
    also = _also_between(text, ctx.assistant.language, end, begin)
    if sounds_like_correction(text if also is None else text[:also], ctx.assistant.language):
        return  # (what the second request says is its own: "另外把套餐换成39的" changes nothing said before)
    if also is not None and sounds_like_correction(text[also:], ctx.assistant.language) and not any(
            other != name and any(c[2].start >= also for c in cs) for other, cs in found.items()):
        return  # "send 50 to Tom, also make it 60 actually": the value corrected, no second request
    if also is None and steps.confirms(flow) and not _BOTH.search(
            text.lower()):
        return  # "block both": each block is confirmed on its own (a purse with two cards: second round, session 27)
    # "帮我看下余额和上个月账单": the second one's own value between them (customer trial, session 36: "which one?", and
    # the balance was never given)
    gap = list(text[end:begin])
    for other, cs in found.items():
        for c in cs if other != name else ():
            for i in range(max(c[2].start, end), min(c[2].end, begin)):
                gap[i - end] = " "
    if also is None and not _JOINED.fullmatch("".join(gap).strip().lower()):
        return  # no "and" between them
    found[name] = first
    ctx.second_values[name] = values[1]
    for other, cs in list(found.items()) if also is None else ():
        between = [c for c in cs if end <= c[2].start and c[2].end <= begin]
        if other != name and other in steps.collected_slots(flow) and between and len(between) == len(cs):
            ctx.second_values[other] = between[0][3]  # "余额和上个月账单": 上个月 is the bill's
            del found[other]
    if also is not None:
        for other, cs in list(found.items()):
            after = [c for c in cs if c[2].start >= also]
            if other != name and other in steps.collected_slots(flow) and after and len(after) == len(cs):
                ctx.second_values[other] = after[0][3]
                del found[other]
    ctx.emit("second_request", slots=tuple(sorted(ctx.second_values)))


_OWN_MARKED = re.compile(r"(?:我的|我自己的|俺的)(?:号|号码|手机|手机号|电话|卡)?(?:码)?(?:是|为|：|:)?\s*$"
                         r"|\b(?:mine is|my (?:own )?(?:number|card) is|mine'?s)\s*$", re.IGNORECASE)
_FOR_SELF = re.compile(r"(?:帮我|给我)(?:查|看)(?:查|看|一下|下)?(?:我的)?|我的(?:余额|账单|话费)|\bmy (?:balance|bill)\b",
                       re.IGNORECASE)
_FOR_ANOTHER = re.compile(r"帮(?:她|他|我妈|我爸|老人|她老人家|我奶奶|我爷爷)(?:看|查|问)|给(?:她|他)(?:看|查)|(?:她|他)的(?:号|手机|电话|卡)"
                          r"|\bfor (?:her|him|my (?:mum|mom|dad|mother|father|wife|husband|son|daughter|grandma|grandpa|gran|nan))\b"
                          r"|\b(?:her|his) (?:number|card|balance)\b", re.IGNORECASE)


def _speaker_own_beside(ctx: TurnContext, found: dict) -> None:
    """"帮我妈打的字…她的号是13800138000，我的是13698765432，帮她看看还剩多少钱" looked up both numbers, and "那上个月花了多少"
    gave the typist's bill (customer trial, session 47): in a request for another person, the speaker's own number said
    beside theirs is no value of the request (event `entity_ignored`, reason `speaker_own`)."""
    text, language = ctx.text or "", ctx.assistant.language
    for_another, for_self = bool(_FOR_ANOTHER.search(text)), bool(_FOR_SELF.search(text))
    if for_another == for_self:
        return
    for name, candidates in found.items():
        if getattr(ctx.assistant.slots.get(name), "type", None) not in IDENTIFIER_TYPES:
            continue
        values = _distinct(c[3] for c in candidates)
        if for_another:
            away = {c[3] for c in candidates if _OWN_MARKED.search(text[max(0, c[2].start - 10):c[2].start])}
        else:
            # ... and the other way round: "我同事用13800138000，…帮我查查我的余额，我的号码是15912340000" asked which one
            away = {c[3] for c in candidates if someone_elses(text, c[2].start, language)}
        if len(values) == 2 and len(away) == 1 and _narrow(found, name, lambda c: c[3] not in away):
            ctx.emit("entity_ignored", entity=name, reason="speaker_own" if for_another else "someone_else")


def _also_between(text: str, language: str | None, end: int, begin: int) -> int | None:
    """Where the second request starts, when an "also" that joins one (answers.also_part) lies between `end` and
    `begin`; else None."""
    parts = also_part(text, language)
    if parts is None:
        return None
    start = text.find(parts[1], text.find(parts[0]) + len(parts[0]))
    return start if end <= start <= begin else None


# "I lost two cards, ending 1234 and 9876" asked which one and forgot the other (customer trial, session 29, second
# round): the number of things said is "both" too
# "please block my cards 0000 and 1234" asked which one, and "the second one" left 0000 active (customer trial,
# session 30): "my cards" with two values is both too
_BOTH = re.compile(r"\bboth\b|\ball (?:of )?(?:them|two|three)\b|\beach of them\b|两张都|两个都|都要|全部|都帮我"
                   r"|\b(?:my|the|these|those|our)\s+(?:\w+\s+)?cards\b"
                   r"|\b(?:two|2|three|3)\s+(?:\w+\s+)?(?:cards|accounts|numbers|transfers)\b|两张卡|两个号")
# ("帮我查下余额再看看这个月帐单多少" asked which one, and the bill was lost: customer trial, session 44)
_JOINED = re.compile(r"(?:[,，、]?\s*(?:and|&|plus|also|和|跟|与|及|还有|以及|或者|or"
                     r"|(?:再|顺便|然后|另外)(?:帮我)?(?:再)?(?:看看|看一下|看下|查查|查一下|查下|问问|问一下)?)?"
                     r"\s*(?:(?:on|for|card|the one ending|卡|号码|尾号)\s*)?)")


def _read_as_nothing(ctx: TurnContext, found: dict, entities) -> None:
    """An amount the model read as another slot's value that is none ("这个月扣了2500，上个月扣了10000" at
    "经济损失大概是多少钱？": plan 2500, which is no plan, and loss 10000, filed without a word; tried by hand,
    session 32) is as much the answer as the one the model took: two amounts, and `_two_values` asks which."""
    for name, candidates in found.items():
        if ctx.assistant.slots[name].type != "money":
            continue
        claimed = [(c[2].start, c[2].end) for other, cs in found.items() if other != name for c in cs]
        chosen = [c for c in candidates if c[2].extractor == MODEL_EXTRACTOR]
        if not chosen or len(_distinct(c[3] for c in chosen)) != 1 or min(c[0] for c in candidates) != chosen[0][0]:
            continue
        elsewhere = [c for c in candidates if c[2].extractor in GENERIC_EXTRACTORS and c[3] != chosen[0][3]
                     and not any(a < c[2].end and c[2].start < b for a, b in claimed)
                     and any(e.extractor == MODEL_EXTRACTOR and e.entity != c[2].entity
                             and e.start < c[2].end and c[2].start < e.end for e in entities)]
        if elsewhere:
            candidates[:] = chosen + [(chosen[0][0], i, entity, value) for _, i, entity, value in elsewhere]


# A verb of money taken or paid, right before a bare number: "又扣了20", "charged me another 20"
_MONEY_VERB = re.compile(r"(?:扣|交|花|付|赔|损失|退|充|转|收)(?:了|掉|走)?(?:我)?(?:大概|差不多|又)?\s*$"
                         r"|\b(?:charged|paid|lost|spent|took|cost)\s+(?:me\s+)?(?:another\s+|an extra\s+)?$", re.IGNORECASE)


def _run_later(ctx: TurnContext, flow, saved: dict) -> None:
    """Another run of the active `flow`, under it, with the slot values `saved` (restored when it starts:
    framework.engine.other_request.restore): it starts when this run ends (event `flow_deferred`, reason
    "second_request")."""
    ctx.stack.insert(len(ctx.stack) - 1, Frame(flow.name, flow.start, saved=frozen_map({"slots": frozen_map(saved)})))
    ctx.emit("flow_deferred", flow=flow.name, until=flow.name, reason="second_request")


# "500 now and the other 300 on friday", "先转500，剩下的300周五再转"
_SPLIT_JOIN = re.compile(r"^[\s\w$£€]*?(?:\band\b|\bthen\b|[,;])\s*(?:send |pay |do )?(?:the\s+)?(?:other|rest|remaining|another|"
                         r"second|last)\b|^[^，,。；;]*?[，,；;]?\s*(?:剩下的?|其余的?|另外的?|另一半|再)", re.IGNORECASE)


def _split_in_two(ctx: TurnContext, found: dict, collecting: str | None) -> None:
    """"ugh. ok send him 500 now and the other 300 on friday" at "How much would you like to send instead?" asked which
    amount, moved the $500 to Friday and dropped the $300 (customer trial, session 44): at a question of a flow with a
    confirmation, two values of the slot asked, the second said as "the other" / "the rest" (剩下的), are the request split
    in two: the first value now; the second, with the values said after it (its own day), waits for a second run of the
    flow with this run's other values, confirmed on its own."""
    flow, frame = ctx.flow(), ctx.frame
    if (collecting is None or collecting not in found or flow is None or frame is None
            or not steps.confirms(flow)):
        return
    ordered = sorted(found[collecting], key=lambda c: c[2].start)
    values = _distinct(c[3] for c in ordered)
    if len(values) != 2:
        return
    first = [c for c in ordered if c[3] == values[0]]
    second = [c for c in ordered if c[3] == values[1]]
    end, begin = max(c[2].end for c in first), min(c[2].start for c in second)
    text = ctx.text or ""
    if end > begin or not _SPLIT_JOIN.match(text[end:begin]):
        return
    wanted = steps.collected_slots(flow)
    # the values said after the second one are its own; one said before it stays the first run's: "send 1000 today and
    # the other 500 tomorrow" at the amount question asked which date, and sent the $500 today (customer trial, s45)
    later = {n: [c for c in cs if c[2].start >= begin] for n, cs in found.items() if n != collecting and n in wanted}
    later = {n: cs for n, cs in later.items() if cs and len(_distinct(c[3] for c in cs)) == 1}
    kept = {n: ctx.slots[n] for n in wanted if ctx.slots.get(n) is not None}
    _run_later(ctx, flow, second_run({**kept, collecting: values[1], **{n: cs[0][3] for n, cs in later.items()}}, wanted))
    for name in later:
        before = [c for c in found[name] if c[2].start < begin]
        if before:
            found[name] = before
        else:
            del found[name]
    found[collecting] = first
    ctx.say("utter_one_at_a_time")


def _the_new_one(ctx: TurnContext, found: dict) -> None:
    """"hmm actually can we do Wednesday instead, she said she's away tuesday" at "Send $1,200.00 to Grace Kim on Tuesday
    8 December?" heard "I'm not sure I understood", and "yes that's right" sent it on the Tuesday (customer trial, session
    44): a correction that names two values of a typed slot, one of them the value it holds, means the other."""
    if not sounds_like_correction(ctx.text or "", ctx.assistant.language):
        return
    for name, candidates in found.items():
        held = ctx.original.slots.get(name)
        values = _distinct(c[3] for c in candidates)
        if ctx.assistant.slots[name].type == "text" or held is None or len(values) != 2 or held not in values:
            continue
        candidates[:] = [c for c in candidates if c[3] != held]
        ctx.emit("value_chosen", slot=name, reason="not_the_one_held")


def _said_last_again(candidates) -> Any:
    """Of two values, the one said twice when the other was said once between its two mentions; else None."""
    places: list[tuple[int, Any]] = []
    for c in sorted(candidates, key=lambda c: c[2].start):
        if not places or c[2].start >= places[-1][0]:
            places.append((c[2].end, c[3]))
    said = [value for _, value in places]
    values = _distinct(said)
    if len(values) != 2 or len(said) != 3 or said[0] != said[2] or said[1] == said[0]:
        return None
    return said[2]


def _two_values(ctx: TurnContext, found: dict) -> None:
    """"block card 4821 and 1234": two different values for one slot in one message, and no
    correction ("4821, no wait, 4321", where the last one counts). Taking either would act on
    a value the customer may not mean (a card blocked for good), so none is stored and the
    flow asks which one (`utter_which_value`) when it comes to the slot. Typed slots only:
    a text slot's candidates overlap ("Jane", "Jane Doe")."""
    if sounds_like_correction(ctx.text or "", ctx.assistant.language):
        return
    compared, compared_slots = compares_values(ctx.text or "", ctx.assistant.language), []
    cards = card_spans(ctx.text or "")
    for name, candidates in found.items():
        slot = ctx.assistant.slots[name]
        if slot.type == "text":
            # but two people joined by "and": "split 100 between Tom and Jerry" sent $100 to Jerry (customer
            # trial, session 29); like two cards' digits, neither is taken (framework.slots.person_names)
            people = joined_people(ctx.text or "", [(c[2].start, c[2].end, c[3]) for c in candidates
                                                    if isinstance(c[3], str)])
            if len(people) > 1 and short_text(slot, model_for(ctx.assistant)):
                _ask_which(ctx, name, people)
            continue
        if cards:  # "my card number is 4111 1111 1111 1234" at "last four digits?": the groups of
            # one card number are one value, its end (customer trial, session 20: all of them were
            # listed back, twelve digits of a card number in a reply)
            inside = [c for c in candidates if any(a <= c[2].start and c[2].end <= b for a, b in cards)]
            ends = [c for c in inside if any(c[2].end == b for _, b in cards)]
            if inside and ends:
                candidates[:] = [c for c in candidates if c not in inside or c in ends]
        best = min(c[0] for c in candidates)
        values = _distinct(c[3] for c in sorted((c for c in candidates if c[0] == best), key=lambda c: c[1]))
        if len(values) == 1 and slot.type == "money" and ctx.frame is not None and ctx.frame.waiting_for == f"slot:{name}":
            # "多扣了我30块，后来又扣了20" at the loss question filed 30 and dropped the 20 (customer trial, session 35): a
            # bare number after a money verb, at the money's own question, is as much the answer
            text = ctx.text or ""
            bare = [c[3] for c in candidates if c[0] != best and c[2].extractor in GENERIC_EXTRACTORS
                    and _MONEY_VERB.search(text[max(0, c[2].start - 8):c[2].start])]
            values = _distinct([*values, *bare])
        if len(values) < 2:
            continue
        if compared and slot.type == "categorical":
            compared_slots.append(name)  # "99和129有啥区别": a comparison chooses none; the flow answers or asks on
            continue
        settled = _said_last_again(candidates)
        if settled is not None:
            # "It says 4821 at the end I think. Or is it 4281. Let me get my glasses. Yes 4821." asked which one (customer
            # trial, session 44): a value said again last, after the other, is the one settled on
            candidates[:] = [c for c in candidates if c[3] == settled]
            continue
        if _changed_mind(ctx.text or "", [c for c in candidates if c[0] == best]):
            # "friday, no the day after" at a transfer's confirmation asked which of the two dates (customer
            # trial, session 30): the value after a bare "no" between them is the one meant
            last = max((c for c in candidates if c[0] == best), key=lambda c: c[2].start)
            candidates[:] = [last]
            continue
        _ask_which(ctx, name, values)
        # "the second one" may answer (_one_by_place), of any type: "第一个" at "您说了不止一个身份证号（…），请问用哪一个？"
        # heard that the ID was invalid (customer trial, session 33); "both" too where each is one (both_chosen)
        ctx.choices[name] = tuple(values)
    for name in compared_slots:
        del found[name]
        ctx.emit("values_compared", slot=name)
    if any(name in ctx.out_of_range for name in found):
        # "send 50 dollars to Sarah and 80 dollars to Tom": two amounts and two recipients; taking the last
        # recipient sent Sarah's $50 to Tom (customer trial, session 25): neither is guessed
        for name, candidates in found.items():
            if ctx.assistant.slots[name].type != "text" or name in ctx.out_of_range:
                continue
            values = _distinct(c[3] for c in sorted(candidates, key=lambda c: c[2].start))
            if len(values) > 1:
                _ask_which(ctx, name, values)


# Slots whose values name a thing a flow acts on, one by one (a card's last four digits, a phone number):
# "both" is each of them. Not an amount, a date or a plan: two of those are a choice to make.
_EACH_TYPES = ("regex", "phone")
# "both" / "都要" as the whole answer to "which one?"
_BOTH_ANSWER = {
    "en": re.compile(r"(?:(?:ok(?:ay)?|yes|yeah|yep|um+|well|erm?|uh+)\W+)*(?:(?:i want |i need |please |pls )?"
                     r"(?:do|block|check|activate|use|take|freeze|cancel) )?(?:them )?(?:both|all|each)"
                     r"(?: of (?:them|those|these|the cards|my cards))?(?: cards?| numbers?| ones| accounts?)?"
                     r"(?: (?:please|pls|thanks|thx))?\W*"),
    "zh": re.compile(r"(?:嗯|好|好的|对)?\W*(?:两个|两张|两样|俩|这两个|这两张|两项)?(?:卡|号|号码|都是)?(?:都|全部|全都|一起)"
                     r"(?:要|查|看|办|用|停|挂失|帮我(?:查|看|办|停|挂失)?|是)?(?:一下|下)?(?:吧|呀|啊|的|哈)?\W*"),
}


# "the first one" at "You gave more than one last four digits (1234, 9876) … Which one?" was read as the amount 1 and
# heard "That doesn't look right" (customer trial, session 30)
_BY_PLACE = {
    "en": re.compile(r"(?:(?:ok(?:ay)?|yes|yeah|um+|well)\W+)*(?:(?:use|take|block|check|do|it'?s|its)\s+)?(?:the\s+)?"
                     r"(?P<place>first|1st|second|2nd|last|latter|former)(?:\s+(?:one|card|number))?(?:\s+(?:please|pls))?\W*"),
    # "先查第一个吧" at "一次只能用一个。请问用哪一个？" asked whether to cancel the query (customer trial, session 44)
    "zh": re.compile(r"(?:嗯|好|对|那)?\W*(?P<first>先)?(?:帮我)?(?:用|要|查|停|就|办|看)?(?:一下|下)?"
                     r"(?P<place>第一个|第一张|第二个|第二张|第三个|第三张|前面那个|前面那张|后面那个|后面那张|"
                     r"前一个|后一个|最后那个|最后一个)(?:号|号码)?(?:吧|呀|啊|的)?\W*"),
}
_PLACES = {"first": 0, "1st": 0, "former": 0, "second": 1, "2nd": 1, "last": -1, "latter": -1,
           "第一个": 0, "第一张": 0, "前面那个": 0, "前面那张": 0, "前一个": 0, "第二个": 1, "第二张": 1,
           "后面那个": -1, "后面那张": -1, "后一个": -1, "最后那个": -1, "最后一个": -1, "第三个": 2, "第三张": 2}


def _one_by_place(ctx: TurnContext, collecting: str, text: str) -> bool:
    """"the second one" at "which one?": the value listed in that place."""
    pattern = _BY_PLACE.get(language_code(ctx.assistant.language))
    m = pattern.fullmatch(text) if pattern is not None else None
    values = ctx.choices.get(collecting) or ()
    if m is None or not values:
        return False
    index = _PLACES[m.group("place")]
    if index >= len(values):
        return False
    ctx.set_slot(collecting, values[index], source="choice")
    ctx.choices.pop(collecting, None)
    flow = ctx.flow()
    if "first" in m.groupdict() and m.group("first") and flow is not None and not steps.confirms(flow):
        # "先查第一个吧": the others after it, each a run of the lookup of its own (as "都查一下" does: both_chosen)
        wanted = steps.collected_slots(flow)
        kept = {n: ctx.slots[n] for n in wanted if ctx.slots.get(n) is not None and n != collecting}
        for value in reversed([v for i, v in enumerate(values) if i != index % len(values)]):
            _run_later(ctx, flow, second_run({**kept, collecting: value}, wanted))
    return True


def _one_by_part(ctx: TurnContext, collecting: str, text: str) -> bool:
    """"我的啊，159那个" at "您说了不止一个手机号（138****8000、159****0000）…请问用哪一个？" heard that a phone number has 11
    digits (customer trial, session 47): the first or last digits of one of the values listed, and no whole value, are
    that value."""
    values = [v for v in ctx.choices.get(collecting) or () if isinstance(v, str)]
    parts = re.findall(r"(?<!\d)\d{3,5}(?!\d)", text)
    if len(parts) != 1 or len(values) < 2 or re.search(r"\d{6,}", text):
        return False
    meant = [v for v in values if v.startswith(parts[0]) or v.endswith(parts[0])]
    if len(meant) != 1:
        return False
    ctx.set_slot(collecting, meant[0], source="choice")
    ctx.choices.pop(collecting, None)
    return True


def _two_menu_items(ctx: TurnContext, collecting: str) -> tuple | None:
    """The two choices of a categorical slot asked by a flow that only looks things up (no confirm step):
    "都查一下" at "请问您要查询话费余额还是账单？" heard the menu again (customer trial, session 30), though
    "余额和账单" in the request looks up both (`_two_lookups`)."""
    slot, flow = ctx.assistant.slots.get(collecting), ctx.flow()
    choices = tuple((slot.options.get("choices") or {}) if slot is not None and slot.type == "categorical" else ())
    if len(choices) != 2 or flow is None or steps.confirms(flow):
        return None
    return choices


def both_chosen(ctx: TurnContext, nlu: NLUResult, collecting: str) -> bool:
    """"both" at "You gave more than one last four digits (1234, 9876) … Which one should I use?": the
    customer has two lost cards. It was "That doesn't look right. I need exactly four digits" (customer
    trial, session 29, left then). The first value is taken now, the second waits for a second run of
    the flow, with its own confirmation, as when "block both, 1234 and 9876" says it at once
    (`_two_lookups`)."""
    slot = ctx.assistant.slots.get(collecting)
    each = ctx.choices.get(collecting) if slot is not None and slot.type in _EACH_TYPES else None
    values, flow = each or _two_menu_items(ctx, collecting), ctx.flow()
    pattern = _BOTH_ANSWER.get(language_code(ctx.assistant.language))
    text = " ".join((nlu.text or "").lower().split())
    if collecting in ctx.choices and flow is not None and (_one_by_place(ctx, collecting, text)
                                                           or _one_by_part(ctx, collecting, text)):
        return True
    if not values or len(values) != 2 or flow is None or pattern is None or not pattern.fullmatch(text):
        return False
    wanted = steps.collected_slots(flow)
    kept = {n: ctx.slots[n] for n in wanted if ctx.slots.get(n) is not None}  # the number both are looked up for
    ctx.set_slot(collecting, values[0], source="choice")
    _run_later(ctx, flow, second_run({**kept, collecting: values[1]}, wanted))
    ctx.say("utter_one_at_a_time")
    ctx.choices.pop(collecting, None)
    return True


_CHANGED_MIND_GAP = re.compile(r"[\s,.;!-]*(?:(?:no|nope|nah|wait|sorry|oops|i mean|i meant|actually|make (?:it|that)|rather)"
                               r"[\s,.;!-]*)+|[\s，,、。]*(?:(?:不对|不是|哦不|啊不|不|错了|说错了|应该是|改成)[\s，,、。]*)+",
                               re.IGNORECASE)


def _changed_mind(text: str, candidates: list) -> bool:
    """Two values of one slot with only "no" / "wait" / "不对" between them: the second corrects the first."""
    spans = sorted({(c[2].start, c[2].end) for c in candidates})
    return len(spans) == 2 and spans[0][1] <= spans[1][0] and bool(_CHANGED_MIND_GAP.fullmatch(text[spans[0][1]:spans[1][0]]))


def _distinct(values) -> list:
    """`values` in their order, each once (values may be dicts: no set)."""
    out: list = []
    for value in values:
        if value not in out:
            out.append(value)
    return out


def _ask_which(ctx: TurnContext, name: str, values: list) -> None:
    """Slot `name` got several values in one message: which one? (`utter_which_value`)."""
    separator = LIST_SEPARATOR[language_code(ctx.assistant.language)]
    ctx.out_of_range[name] = "utter_which_value"
    ctx.refusal_extra[name] = {"which_label": label(ctx, name),
                               "which_values": separator.join(shown(ctx.assistant.slots.get(name), v, ctx.assistant.language)
                                                              for v in values)}
    ctx.emit("values_ambiguous", slot=name, count=len(values))  # values stay out of events


# A choice named as what the customer has now, not what they want: "我想换个套餐，现在这个39的流量根本
# 不够用" set the new plan to 39 and skipped the plan question (customer trial, session 20).
_CURRENT = {
    # "现在" alone is "now": "我现在话费还有多少" asks for the balance (customer trial, session 21)
    # "查查我现在的余额" asks for the balance ("现在的" alone is no current choice: customer trial, session 25)
    "zh": re.compile(r"(?:(?:现在|目前|当前)(?:的)?(?:这个|那个|用的|办的|是|在用的|用着的)(?:这个|那个|的|用的|办的|是|在用的|用着的)*"
                     r"|(?:原来|原先|以前|之前)(?:这个|那个|的|用的|办的|是|在用的|用着的)*"
                     # "我那个套餐一个月三十九，老是不够用…我想换个大点的" read back a change to 39 (customer trial, session 46)
                     r"|(?:我|俺)(?:那个|的|这个|现在的?|目前的?|家的?)套餐(?:是|就是)?(?:一个月|每个月|每月|月租)(?:是|就是)?)$"),
    "en": re.compile(r"\b(?:currently(?: on)?|my current|i'?m (?:currently )?on|i have|i'?ve got)(?: the| a| my)?\s*$"),
}


# A choice named and turned down at once: "129太贵了" at the plan question became the plan, and a "嗯"
# at the confirmation would have ordered it (customer trial, session 26)
# "99的流量不够", "那个五十九的太抠了" (customer trial, session 31)
# Words that turn a value down, said after it ("129太贵了") or before another ("39的不够用，整个99的")
# "129的也别，太贵" chose 129 (customer trial, session 32)
_TURNED_DOWN = "太贵|太多|太少|太抠|太小气|不要|不行|不划算|不够用?|贵了|少了|有点贵|挺贵|比较贵|偏贵|别(?:要|选|办|整|给我)?(?:了|啦|吧)?(?![\\u4e00-\\u9fff])|甭"
_REJECTED_AFTER = re.compile(r"^\s*(?:元|块)?(?:的)?(?:套餐)?(?:那个)?(?:的)?(?:一个月|每个月|每月|一月)?(?:的)?"
                             # "现在这39的流量嘎嘎不够用啊" (东北话) read 39 as the plan wanted (customer trial, session 46)
                             r"(?:流量|通话|分钟数?|月租|价格|价钱|资费)?(?:也|还是|有点|实在|嘎嘎|老是|总是|老|根本|完全|真的?|很|都|压根)*"
                             rf"(?:{_TURNED_DOWN}|太坑|不值|用不完|算了|就算了|不考虑)"
                             r"|^\s*(?:is |are |'s )?(?:too (?:expensive|much|dear)|no good|not for me)", re.IGNORECASE)


# A clause after the value chosen that turns the other one down: "算了，还是59的吧，129太贵了" (customer trial, session 36)
# ... or why the new one is chosen: "等一下，还是99的吧，5G的快一点" at the read-back of 59 heard "不着急", and "对" opened
# 59 (customer trial, session 41)
_CHOSEN_FOR = ("快一点|快点|更快|便宜点|便宜一点|更便宜|划算|实惠|够用|多一点|多点|大一点|省钱|网速快|流量多"
               "|不怎么用|用得少|用不多|用不了那么多|不太用|没怎么用")
_WHY_TURNED_DOWN = re.compile(rf"(?:[，,。.;；!！]\s*[^，,。.;；!！]*(?:{_TURNED_DOWN}|{_CHOSEN_FOR})[^，,。.;；!！]*)+[，,。.;；!！~～]*\s*$")


# The value read back rejected, then another: "哎呀39的不够用，整个99的" at the read-back of 39 (the fallback, and "中"
# opened 39: customer trial, session 31), "that's too much, make it 60"
_REJECTED_THEN = re.compile(rf"(?:{_TURNED_DOWN})了?[啊呀吧哦]?[，,。.!！\s]*(?:那就|那|就)?"
                            r"(?:整个|整一个|来个|来一个|弄个|搞个|换成|改成|换|改|要|还是)?\s*$"
                            r"|\b(?:too (?:much|little|expensive|high|low)|not enough)[,.!\s]+(?:so\s+)?(?:make it|change it to|do)?\s*$",
                            re.IGNORECASE)


_LIST_GAP = re.compile(r"[，,、;；。.!！]")


_BARE_CHANGE = re.compile(r"换成|改成|换到|改到|换个|换一个|change(?: it)? to|switch(?: it)? to|make it", re.IGNORECASE)
_DESCRIBED = re.compile(r"\s*(?:个|一个|一|那个|那种)?(?:更|再)?(?:便宜|贵|大|小|多|少|高|低|实惠|划算|省钱|流量多|流量大|网速快|快)"
                        r"(?:点|一点|些|一些|一档|的)|\s*(?:a |the )?(?:cheaper|bigger|smaller|higher|lower|better|bigger)\b",
                        re.IGNORECASE)


def _introduces_another(ctx: TurnContext, slot, entity: Entity, entities) -> bool:
    """A choice word of a filled slot that only leads into another slot's value: "套餐改成99的" at
    the confirmation of an account opening matched 换套餐 (a synonym of the plan change) and turned
    the opening into a plan change of the customer's existing account (customer trial, session 26).
    The other value starts at most two characters after it."""
    if ctx.slots.get(slot.name) is None:
        return False
    text = ctx.text or ""
    # not across a comma: "好吧那先开个户，39的" after "no account for this ID" is the opening and its plan (tried by
    # hand, session 37: the plan change went on with 39)
    if any(other.entity != entity.entity and 0 <= other.start - entity.end <= 2
           and not _LIST_GAP.search(text[entity.end:other.start]) for other in entities):
        return True
    # ... or leads into a description of another value: "算了还是换成便宜点的吧" at an opening's ID question turned it into a
    # plan change of the 99 plan (customer trial, session 47)
    if _BARE_CHANGE.fullmatch(text[entity.start:entity.end]) and _DESCRIBED.match(text, entity.end):
        return True
    # ... or follows another item's name: "可以，就是名字改成唐凝" at an opening's read-back turned it into a plan change
    # under the old name (改成 is a synonym of 换套餐; the name was not found: customer trial, session 35)
    flow = ctx.flow()
    before = (ctx.text or "")[max(0, entity.start - 6):entity.start].lower().rstrip(" ：:，,")
    return flow is not None and any(
        word and before.endswith(word) for name in steps.collected_slots(flow) - {slot.name}
        for word in item_words(ctx, name))


def _inside_unavailable(slot, text: str, entity: Entity) -> bool:
    """A choice's words inside a longer word the slot lists as not served here: "上个月" in "上上个月的
    账单" gave last month's bill (customer trial, session 25; `unavailable` of framework.engine.unavailable)."""
    spec = slot.options.get("unavailable")
    lowered = text.lower()
    for word in (spec or {}).get("words", ()):
        w = word.lower()
        at = lowered.find(w)
        while at >= 0:
            if at <= entity.start and entity.end <= at + len(w) and len(w) > entity.end - entity.start:
                return True
            at = lowered.find(w, at + 1)
    return False


_WHICH_BEFORE = re.compile(r"\b(?:which|what|wich|wat)\s+$|(?:哪个|哪一个|哪天|几号是)$", re.IGNORECASE)


def _vague_amount_later(text: str, entity: Entity) -> bool:
    """Whether an amount without its figure ("a couple hundred") is said after `entity`, in a later sentence."""
    at = indefinite_at(text[entity.end:])
    return at is not None and bool(_SENTENCE_END.search(text[entity.end:entity.end + at]))


_SENTENCE_END = re.compile(r"[.!?。！？](?:\s|$)|[。！？]")


def turned_down(ctx: TurnContext, slot, text: str, entity: Entity) -> bool:
    """Whether a choice's value is said as one not wanted: not served here, turned down ("129太贵了") or the current one
    ("我现在39的套餐不够用")."""
    return slot.type == "categorical" and (_inside_unavailable(slot, text, entity)
                                           or bool(_REJECTED_AFTER.match(text[entity.end:]))
                                           or _said_as_current(ctx, text, entity))


def _said_as_current(ctx: TurnContext, text: str, entity: Entity) -> bool:
    """Whether the words right before a categorical value name it as the current one."""
    pattern = _CURRENT.get(language_code(ctx.assistant.language))
    if pattern is None or entity.start <= 0:
        return False
    if pattern.search(text[:entity.start].lower()):
        return True
    # "我现在39的，流量老是不够用" at a plan change's ID question read 39 as the plan wanted (customer trial, session 41):
    # "I now" right before the value, "的" after it and no choosing word
    # ... the model's span may hold "的套餐" itself ("我现在39的套餐不够用，想换成59的" took 39: customer trial, session 46)
    number = _LEADING_NUMBER.match(text, entity.start)
    return bool(language_code(ctx.assistant.language) == "zh" and _I_NOW.search(text[:entity.start])
                and (_THE_ONE.match(text[entity.end:]) or (number and _THE_ONE.match(text[number.end():]))))


_LEADING_NUMBER = re.compile(r"\s*\d+")


# "现在这39的" (东北话: customer trial, session 46, read as the plan wanted)
_I_NOW = re.compile(r"(?:(?:我|俺)(?:现在|目前|当前)(?:是|用)?|(?:我|俺)?(?:现在|目前|当前)(?:这个?|用的?|的是?))$")
# ("我现在39的套餐流量老不够用，想换个流量多点的" read 39 as the plan wanted: customer trial, session 43: "的套餐" and more)
_THE_ONE = re.compile(r"(?:元|块)?(?:钱)?的(?:套餐(?!就行|就好|吧|好了)|(?!就行|就好|吧|啊|呀)(?:[，,。！!\s]|$))")


# An amount said as a rate is a price, not a total: "你们给我开了个每个月五块钱的来电显示，扣了我半年
# 了" stored 5 yuan as the complaint's loss (customer trial, session 21). Said in passing, such an
# amount fills no money slot (event `entity_ignored`, reason `rate`); the slot's own question asks
# for the total. Before the amount: a rate word in its clause with no total word ("损失", "一共")
# between; after it: "一个月", "a month", "/month".
_PERIOD_ZH = r"(?:个)?(?:月|年|天|日|周|星期|礼拜|季度)"
_PERIOD_EN = r"(?:month|mo|year|yr|week|wk|day)"
_RATE_BEFORE = {
    # "你们每个月给我扣一个什么视频会员15块" filed a 15 元 loss (customer trial, session 36): up to 16 characters between
    "zh": re.compile(rf"(?:(?:每{_PERIOD_ZH}|月租|月费|年费|包月|按月|按年)[^，。！？；,.!?;\n]{{0,16}}"
                     rf"|(?:一|1){_PERIOD_ZH}(?:就|要|收|得|扣|交|是)?)$"),
    "en": re.compile(rf"\b(?:(?:monthly|weekly|yearly|annual|daily)\s+(?:fee|charge|subscription|payment|cost)s?"
                     rf"|(?:every|each|per|a)\s+{_PERIOD_EN})\b(?:\s+(?:of|is|was|at|for|about|around|they|you|take|took|"
                     rf"charge[sd]?|bill(?:ed|s)?|me|my|the|an?|extra|another|over))*\s*$"),
}
_RATE_AFTER = {
    "zh": re.compile(rf"^\s*(?:的)?(?:/|每|一)\s*{_PERIOD_ZH}"),
    "en": re.compile(rf"^\s*(?:/|an?\b|per\b|each\b|every\b)\s*{_PERIOD_EN}s?\b"),
}
_TOTAL_WORDS = re.compile(r"损失|一共|总共|总计|合计|累计|赔|in total|altogether|total|lost|losses")


def _said_as_rate(ctx: TurnContext, text: str, entity: Entity) -> bool:
    """Whether a money amount is said as a rate ("每个月五块钱", "$5 a month")."""
    code = language_code(ctx.assistant.language)
    before, after = _RATE_BEFORE.get(code), _RATE_AFTER.get(code)
    if before is None:
        return False
    # the clause around the amount, not the whole message per amount ("$1 " said 1,600 times took 0.2 s here:
    # session 32's hostile-input check)
    head, tail = text[max(0, entity.start - 80):entity.start].lower(), text[entity.end:entity.end + 40].lower()
    said_before = before.search(head)
    if said_before and not _TOTAL_WORDS.search(said_before.group(0)):
        return True
    return bool(after.search(tail))


# A slot whose own value is a rate ("月租", "monthly fee"): there an amount said as a rate is the answer.
_RATE_SLOT = re.compile(r"每(?:个)?(?:月|年|天|周)|月租|月费|年费|包月|按月|monthly|weekly|yearly|annual|daily|per |rate|/月")


def _rate_slot(slot) -> bool:
    return bool(_RATE_SLOT.search(f"{slot.name} {slot.label or ''}".lower()))


def _as_rate(ctx: TurnContext, slot, text: str, entity: Entity, collecting: str | None) -> bool:
    """An amount said as a rate that is no value of the money `slot`. At the slot's own question too
    ("每个月多扣10块 扣了半年" at "经济损失大概是多少钱？" stored 10: customer trial, session 27; the
    total is not worked out, the question asks for it), unless the slot's value is itself a rate."""
    return (slot.type == "money" and (slot.name != collecting or not _rate_slot(slot))
            and _said_as_rate(ctx, text, entity))


def _in_range(text: str, entity: Entity) -> bool:
    """An amount inside a range of two ("五六十", "50到60"), or one with "多" after it ("两百多", "200多": two hundred
    and something; "多了两百多吧" filed 200, customer trial, session 36): no one amount."""
    if _MORE_THAN.match(text, entity.end):
        return True
    return any(start < entity.end and entity.start < end for start, end in ranges(text))


_MORE_THAN = re.compile(r"\s*(?:块|元)?多(?![少个张位人次天年月日号岁台件份本条周秒趟遍回G兆扣收交付给花算要])")


def inexact_amount(ctx: TurnContext, slot_name: str, nlu: NLUResult) -> str | None:
    """Why the message at a money slot's question gives no one exact amount, or None: "rate" (an
    amount said as a rate, "每个月多扣10块"), "range" ("五六十", "50到60") or "indefinite" ("没多少 就几块钱").
    Such an answer is no wrong one: the question is asked again, with no attempt used and no "do
    you want to stop?" for a 否定 (customer trial, session 27; framework.engine.turn._collect_whole)."""
    slot = ctx.assistant.slots.get(slot_name)
    if slot is None or slot.type != "money":
        return None
    text = nlu.text or ""
    if ranges(text):
        return "range"
    if any(fills(slot, e, slot_name) and _as_rate(ctx, slot, text, e, slot_name) for e in nlu.entities):
        return "rate"
    return "indefinite" if indefinite(text) else None


# and the particles around a number: "不对不对 是九十九的" at a plan change's confirmation renamed the customer
# 九十九的 (tried by hand at the end of session 27)
_NUMBER_ONLY = re.compile(r"[\d０-９.,，零〇一二两三四五六七八九久十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟块元毛角分钱左右大概约来多几"
                          r"的吧呢啊了个档套餐\s$¥￥]+")


def named_before_as_someone_elses(ctx: TurnContext, value: str) -> bool:
    """"我想给我妈办张新卡" (refused: the holder opens it), "她叫李秀兰", then "开户" and "李秀兰" at "请问您的姓名是？" opened
    the account in the mother's name (customer trial, session 45): a name said in the last few turns as another
    person's is not the customer's when said again alone."""
    value = value.strip()
    if len(value) < 2 or handed_over(ctx.text or ""):
        return False
    language = ctx.assistant.language
    recent = ctx.original.history[-6:]
    # ... unless the phone was handed to that person since: "我妈就在我旁边，手机给她了", then "我是王小明，换九十九的" asked
    # the name again and "我就是王小明本人啊，我儿子刚把手机递给我" was read back as "王小明本人" (customer trial, session 47)
    handed = [i for i, turn in enumerate(recent) if handed_over(turn.text or "")]
    for turn in recent[handed[-1] + 1:] if handed else recent:
        text = turn.text or ""
        at = text.find(value)
        if at > 0 and another_persons_name(text, at, language, at + len(value)):
            return True
    return False


# "不对不对，身份证后四位是1237，我说错了" at the ID question asked again after an invalid number offered to stop (否定 1.00:
# customer trial, session 47): the last digits of a long number said alone are heard, and the whole number is asked for
# (its first digits joined to the new last ones are not guessed: a stranger's number may come of it)
_TAIL_ONLY = {"zh": re.compile(r"(?:身份证|证件|号码|手机号)?(?:号)?(?:码)?(?:的)?(?:最?后|末|尾)(?:四|4|几|两|2|三|3)位(?:数|数字)?(?:应该)?(?:是|为|：|:)?\s*"
                               r"(?P<d>\d{2,5}[xX]?)(?![\dxX])"),
              "en": re.compile(r"\b(?:last|final) (?:four|4|few|two|2|three|3) (?:digits|numbers|characters)? ?(?:are|is|should be|were)?\s*"
                               r"(?P<d>\d{2,5}[xX]?)\b|\bends? (?:in|with) (?P<e>\d{2,5}[xX]?)\b", re.IGNORECASE)}
_LONG_NUMBER_TYPES = ("id_number", "phone")
TAIL_ONLY = "utter_whole_number_again"


def tail_only(ctx: TurnContext, collecting: str) -> bool:
    """The last digits alone of the long number asked for (an ID, a phone number): noted, and the whole number asked for
    (built-in `utter_whole_number_again`, event `tail_only`); no attempt is used."""
    slot = ctx.assistant.slots.get(collecting)
    pattern = _TAIL_ONLY.get(language_code(ctx.assistant.language))
    if slot is None or slot.type not in _LONG_NUMBER_TYPES or pattern is None:
        return False
    text = ctx.text or ""
    m = pattern.search(text)
    if m is None or parse_value(slot, text, ctx.assistant.language, today=ctx.today).ok or ID_RE.search(text):
        return False
    ctx.emit("tail_only", slot=collecting)
    ctx.say(TAIL_ONLY, extra={"tail": (m.group("d") or m.groupdict().get("e") or "").upper(),
                              "tail_label": label(ctx, collecting)})
    return True


_HANDED_OVER = re.compile(
    r"(?:手机|电话)(?:已经)?(?:给|递给|交给|拿给|让给)(?:了)?(?:她|他|我妈|我爸|我老伴|我老婆|我老公|我爱人|机主)"
    r"|(?:把|将)(?:手机|电话)(?:给|递给|交给|拿给)(?:了)?|(?:我妈|我爸|她|他|机主|我老伴|我老婆|我老公|我爱人)(?:本人)?(?:已经)?"
    r"(?:来了|过来了|就在(?:我)?(?:旁边|身边|边上)|在(?:我)?(?:旁边|身边|边上)|接过(?:手机|电话)?(?:来)?了|亲自(?:来)?(?:跟你)?说)"
    r"|\b(?:i'?m |i am )?(?:handing|passing|giving) (?:the phone|it|my phone|the chat|this) (?:over )?to (?:her|him|them|my \w+)\b"
    r"|\b(?:she|he|my (?:mum|mom|dad|wife|husband|son|daughter|grandma|grandpa|mother|father))(?:'s| is) (?:here|next to me|with me)"
    r"(?: now)?\b|\bthis is (?:her|him|my \w+) (?:now|speaking|typing)\b|\b(?:handed|passed|gave) (?:me )?(?:the|his|her|my) phone\b",
    re.IGNORECASE)


def handed_over(text: str) -> bool:
    """Whether the message says the phone (the chat) went to the person the customer spoke for: who speaks now may give
    a name said before as that person's."""
    return bool(_HANDED_OVER.search(text))


def _right_after_someone_elses(ctx: TurnContext) -> bool:
    """The last turn refused another person's value (event `value_not_own`), and this message does not say the value
    is the customer's own ("我的", "本人", "my own")."""
    history = ctx.original.history
    return (bool(history) and "value_not_own" in history[-1].events
            and not _OWN_SAID.search((ctx.text or "").lower()))


_OWN_SAID = re.compile(r"我的|我自己|本人|俺的|\bmy own\b|\bmine\b|\bmy (?:id|number)\b")


@functools.lru_cache(maxsize=8)
def _card_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The message's whole card numbers, once per message (not once per four digits in it: hostile input)."""
    return tuple(card_spans(text))


def _card_end(ctx: TurnContext, text: str, entity: Entity) -> Entity:
    """Four digits inside a whole card number typed in ("4532123456784821" at "I need its last four digits": the card
    ending 4532, its first four, was blocked; customer trial, session 34) are that number's last four; the customer is
    told once not to type whole card numbers (the logs and the stored history mask them)."""
    if not (isinstance(entity.value, str) and len(entity.value) == 4 and entity.value.isdigit()):
        return entity
    span = next(((a, b) for a, b in _card_spans(text) if a <= entity.start and entity.end <= b), None)
    if span is None:
        return entity
    last = re.sub(r"\D", "", text[span[0]:span[1]])[-4:]
    if not any(e.name == "full_card_number" for e in ctx.events):
        ctx.emit("full_card_number", entity=entity.entity)
        ctx.say("utter_full_card_number")
    return entity if last == entity.value else dataclasses.replace(entity, value=last)


def fill(ctx: TurnContext, nlu: NLUResult, collecting: str | None) -> bool:
    """Fill slots from the message's entities; True when the collected slot got a value."""
    found: dict[str, list[tuple[int, int, Entity, Any]]] = {}
    entities = _outside_addresses(ctx, nlu.text or "", join_name_parts(nlu.text or "", nlu.entities))
    overlaps = Overlaps(entities)
    to_work_out = bool(_DIFFERENCE.search(nlu.text or ""))  # "send him the difference": once per message
    refused: list[tuple[str, int, int]] = []  # values out of their slot's bounds: (slot, start, end)
    for i, entity in enumerate(entities):
        numeric = any((s.entity or s.name) == entity.entity and s.type in ("money", "integer", "number")
                      for s in ctx.assistant.slots.values())
        if not numeric:
            entity = cut_before_pattern(entity, entities, nlu.text or "")  # "[Ramesh Gupta tmrw](recipient)"
            entity = _card_end(ctx, nlu.text or "", entity)
            entity = _spelled_whole(ctx, nlu.text or "", entity)
        if overruled(entity, overlaps.around(entity), nlu.text, numeric):
            # `alone`: no other reading of the same entity in the message (confirm._values_left_out)
            ctx.emit("entity_overruled", entity=entity.entity, extractor=entity.extractor,
                     alone=not any(o is not entity and o.entity == entity.entity for o in entities))
            continue
        split = entity.extractor in GENERIC_EXTRACTORS and any(
            o.extractor == MODEL_EXTRACTOR and o.entity == entity.entity and entity.start <= o.start
            and o.end <= entity.end and (o.start, o.end) != (entity.start, entity.end) for o in overlaps.around(entity))
        for slot in ctx.assistant.slots.values():
            if (not (fills(slot, entity, collecting) or _labelled(ctx, slot, entity))
                    or _skipped(ctx, slot, entity, collecting, split)):
                continue
            if slot.type == "date" and _WHICH_BEFORE.search((nlu.text or "")[max(0, entity.start - 12):entity.start]):
                # "wait which monday is that" at "Send $1,000.00 … on Monday 14 December?" moved the transfer to today
                # (customer trial, session 46): a day asked about is no day given
                ctx.emit("entity_ignored", entity=entity.entity, reason="asked_which")
                continue
            if slot.type == "money" and _vague_amount_later(nlu.text or "", entity):
                # "ugh only 42 bucks. ok I need to send a couple hundred to my sister" read back "Send $42.00" (customer
                # trial, session 46): the request's own amount has no figure; the one of another sentence is no answer
                ctx.emit("entity_ignored", entity=entity.entity, reason="vague_later")
                continue
            if slot.type == "categorical" and _inside_unavailable(slot, nlu.text or "", entity):
                ctx.emit("entity_ignored", entity=entity.entity, reason="unavailable")
                continue
            if slot.type == "categorical" and _REJECTED_AFTER.match((nlu.text or "")[entity.end:]):
                ctx.emit("entity_ignored", entity=entity.entity, reason="rejected")  # "129太贵了"
                continue
            if slot.type == "categorical" and _introduces_another(ctx, slot, entity, entities):
                ctx.emit("entity_ignored", entity=entity.entity, reason="introduces_other")
                continue
            if slot.type == "categorical" and _said_as_current(ctx, nlu.text or "", entity):
                ctx.emit("entity_ignored", entity=entity.entity, reason="current_value")
                continue
            if slot.type == "text" and str(entity.value).strip().lower() in _FUNCTION_WORDS:
                # "send $100 to Tom and $200 to Anna tomorrow": "and" tagged a recipient asked "Tom, and, Anna?"
                # (customer trial, session 31)
                ctx.emit("entity_ignored", entity=entity.entity, reason="function_word")
                continue
            if slot.type == "text" and (spells_a_character(str(entity.value))
                                        or spells_a_character(_cjk_run(nlu.text or "", entity))):
                # "我叫吴桂兰，口天吴" opened an account for 口天吴 (customer trial, session 31): how a character is
                # written is no name
                ctx.emit("entity_ignored", entity=entity.entity, reason="spelling")
                continue
            if (slot.type == "text" and slot.options.get("own")
                    and (another_persons_name(nlu.text or "", entity.start, ctx.assistant.language, entity.end)
                         or named_before_as_someone_elses(ctx, str(entity.value)))):
                ctx.emit("entity_ignored", entity=entity.entity, reason="someone_else")  # "我朋友李娜推荐我来的"
                if slot.name == collecting:  # "我老婆叫刘芳" at "请问您的姓名是？": said, not taken from the whole message
                    ctx.out_of_range.setdefault(slot.name, OWN_VALUE)
                    ctx.refusal_extra.setdefault(slot.name, {"own_label": label(ctx, slot.name)})
                continue
            if slot.type == "text" and slot.options.get("other") and said_by_the_speaker(nlu.text or "", entity):
                # "Good morning dear. My name is Edna, … I need to send him 300 dollars" tagged Edna the recipient
                # (customer trial, session 33): the speaker is nobody the flow acts for
                ctx.emit("entity_ignored", entity=entity.entity, reason="speaker")
                continue
            # "我老婆的是440306…" at "请输入本人身份证号": not the customer's; said when the flow asks it. "我儿子叫王浩"
            # (refused: "这里需要您本人的姓名"), then an ID number at the name question: taken as the customer's, and the
            # account opened with it under the customer's name (customer trial, session 34); said right after another
            # person's value, and not asked, it is no one's until said as one's own
            whose = None if slot.type != "id_number" else (
                "someone_else" if someone_elses(nlu.text or "", entity.start, ctx.assistant.language)
                else "after_someone_else" if slot.name != collecting and _right_after_someone_elses(ctx) else None)
            if whose is not None:
                ctx.emit("entity_ignored", entity=entity.entity, reason=whose)
                ctx.out_of_range.setdefault(slot.name, OWN_VALUE)
                ctx.refusal_extra.setdefault(slot.name, {"own_label": label(ctx, slot.name)})
                continue
            if ((slot.type in ("money", "categorical") and _MEASURED_AFTER.match((nlu.text or "")[entity.end:entity.end + 3]))
                    or (slot.type == "money" and counts_something(nlu.text or "", entity))):
                # "今年39岁" chose plan 39 and opened the account on it, "我住59号楼" offered plan 59 (customer trial,
                # session 32): a number that counts years, floors or a house is no choice and no amount; nor one before
                # 号 / 次 / 天 an amount ("我打了三次10000号": session 33)
                ctx.emit("entity_ignored", entity=entity.entity, reason="counts_something")
                continue
            if slot.type == "money" and identifier_named(nlu.text or "", entity.start, ctx.assistant.language):
                # "我用尾号6688的银行卡充的", "订单号是88123" at "经济损失大概是多少钱？" filed losses of 6688 元 and 88123 元
                # (customer trial, session 33): a number named as a card's end or a reference is no amount
                ctx.emit("entity_ignored", entity=entity.entity, reason="identifier")
                continue
            if slot.type == "money" and year_said(nlu.text or "", entity.start, entity.end):
                # "she is my cousin since 1985, very good girl" at "How much would you like to send?" read back
                # $1,985.00 (customer trial, session 33): a year is no amount
                ctx.emit("entity_ignored", entity=entity.entity, reason="year")
                continue
            if slot.type == "money" and _said_as_time(nlu.text or "", entity):
                # "I called you at 3pm and again at 4:30 … Just send Lee the money" read 4 and 30 as amounts (customer
                # trial, session 33): a time of day is no amount
                ctx.emit("entity_ignored", entity=entity.entity, reason="time")
                continue
            if slot.type == "money" and to_work_out:
                # "I owe Mark 45 but he owes me 20, so just send him the difference" sent $45 (customer trial,
                # session 32): an amount to work out is asked, not guessed
                ctx.emit("entity_ignored", entity=entity.entity, reason="to_work_out")
                continue
            if slot.type == "money" and _percent(nlu.text or "", entity):
                # "send Sarah 10% of my balance" sent $10.00, "流量用了80%" filed a loss of 80 元 (customer trial,
                # session 32): a share is no amount
                ctx.emit("entity_ignored", entity=entity.entity, reason="percent")
                continue
            if slot.type == "money" and _after_identifier(ctx, nlu.text or "", entity):
                # "身份证最后四位是3218" at "经济损失大概是多少钱？" filed a loss of 3218 元 (customer trial, session 32)
                ctx.emit("entity_ignored", entity=entity.entity, reason="identifier")
                continue
            if slot.type == "regex" and balance_stated(nlu.text or "", entity.start):
                # "huh? my balance is 2350, why isnt there enough?" looked up a card ending 2350 (customer trial,
                # session 40): a balance stated is no card's digits ("bal 4821" still asks for the card's)
                ctx.emit("entity_ignored", entity=entity.entity, reason="balance")
                continue
            if slot.type == "money" and balance_said(nlu.text or "", entity.start, entity.end):
                # "…RENT -900.00 BAL 1,405.55 … pay M Jones the same rent again" sent $1,405.55, the statement's
                # running balance (customer trial, session 32): a balance is no amount to send or lose
                ctx.emit("entity_ignored", entity=entity.entity, reason="balance")
                continue
            if slot.type in ("money", "integer", "number") and _negative(nlu.text or "", entity):
                # "send -200 dollars" was read back as $200.00 (customer trial, session 32): a sign is no typo to drop
                ctx.emit("entity_ignored", entity=entity.entity, reason="negative")
                response = slot.options.get("range_error") or slot.error_response
                if response:
                    _refuse(ctx, slot.name, response, "a negative amount")
                continue
            if in_foreign_amount(slot, nlu.text or "", entity):  # "500" of "500 rand": no $500 (session 27)
                ctx.emit("entity_ignored", entity=entity.entity, reason="foreign_currency")
                if slot.type == "money" and slot.error_response:
                    _refuse(ctx, slot.name, slot.error_response, "part of an amount in another currency")
                continue
            if slot.type == "money" and _DIALLED.search((nlu.text or "")[max(0, entity.start - 6):entity.start]):
                # "我要打12300投诉你们" filed a loss of 12300 (customer trial, session 29): a number to call
                ctx.emit("entity_ignored", entity=entity.entity, reason="phone_number")
                continue
            if (slot.type == "date" and (now := _NOW_AFTER.search(nlu.text or "", entity.end))
                    and slot.name in _defaulted(ctx) and not _day_after_now(ctx, nlu.text or "", now.end())):
                # "my rent of 850 is due on the 20th, so send Tom some money now" scheduled it for the 20th (customer
                # trial, session 31): a date said before "now" is another thing's; the default (today) stands
                ctx.emit("entity_ignored", entity=entity.entity, reason="now_said")
                continue
            if slot.type == "regex" and _still_had(nlu.text or "", entity):
                # "yes block it. my other card 4821 is still with me" blocked 1234 and offered to block 4821; "my wife
                # lost her card ending 9999, mine is 1234 and is fine" asked which (customer trial, session 33)
                ctx.emit("entity_ignored", entity=entity.entity, reason="still_had")
                continue
            if slot.type == "categorical" and _inside_a_number(nlu.text or "", entity):
                # "四四零三零八一九九…" (an ID read in Chinese numerals, invalid) set plan 99 from its "一九九" and opened
                # the account on 99 (customer trial, session 31)
                ctx.emit("entity_ignored", entity=entity.entity, reason="inside_a_number")
                continue
            if slot.type == "money" and _before_some_money(nlu.text or "", entity):
                # "my pension of 900 came in today so I want to send my grandson Tom some money": $900 was read back
                # and "yes" sent it (customer trial, session 31); "some money" leaves the amount open
                ctx.emit("entity_ignored", entity=entity.entity, reason="some_money")
                continue
            if slot.type in ("money", "integer", "number") and _in_reason(nlu.text or "", entity, entities):
                ctx.emit("entity_ignored", entity=entity.entity, reason="reason")  # "75 because he paid back 25"
                continue
            if slot.type == "money" and _sent_before(nlu.text or "", entity, entities):
                # "i already sent 200 last week, now send 30 to my sister Priya" asked which of $200 and $30 (customer
                # trial, session 34): a sum the customer says was sent already is past, when another one is said
                ctx.emit("entity_ignored", entity=entity.entity, reason="sent_before")
                continue
            if slot.type == "money" and _counts_someone(nlu.text or "", entity):
                ctx.emit("entity_ignored", entity=entity.entity, reason="count")  # "he is 19": no amount
                continue
            if _as_rate(ctx, slot, nlu.text or "", entity, collecting):
                ctx.emit("entity_ignored", entity=entity.entity, reason="rate")
                continue
            if slot.type == "money" and _in_range(nlu.text or "", entity):
                ctx.emit("entity_ignored", entity=entity.entity, reason="range")  # "五六十": not 55
                continue
            span = entity
            if slot.type == "text" and short_text(slot, model_for(ctx.assistant)):
                span = complete_cut_name(nlu.text or "", entity)
            parsed = _parsed(ctx, slot, span)
            if parsed.ok and (_pronoun(ctx, slot, parsed.value) or _names_nobody(ctx, slot, parsed.value)):
                ctx.emit("entity_ignored", entity=entity.entity, reason="pronoun")
                continue
            if slot.type == "text" and entity.extractor == MODEL_EXTRACTOR and _PURPOSE_BEFORE.search(
                    (nlu.text or "")[max(0, entity.start - 12):entity.start]):
                # "send my bestie jess 45 for the taylor tix" sent the money to "taylor" (customer trial, session 42)
                ctx.emit("entity_ignored", entity=entity.entity, reason="purpose")
                continue
            if slot.type == "text" and _PRONOUN_PHRASE_ZH.fullmatch(str(entity.value).strip()):
                # "想给我闺女办张卡，用我身份证" opened the account for "用我" (customer trial, session 43)
                ctx.emit("entity_ignored", entity=entity.entity, reason="pronoun")
                continue
            if slot.type == "text" and entity.extractor == MODEL_EXTRACTOR and _a_place(nlu.text or "", entity):
                # "我住在深圳南山区桃园路那边" at the complaint's name question: "深圳" (tagged a name) was filed as the
                # customer's name (customer trial, session 43)
                ctx.emit("entity_ignored", entity=entity.entity, reason="place")
                continue
            if parsed.ok and _no_name(ctx, slot, parsed.value):
                ctx.emit("entity_ignored", entity=entity.entity, reason="no_name")
                continue
            if parsed.ok and _surname_only(ctx, slot, parsed.value):
                ctx.emit("partial_value", slot=slot.name)  # "王女士": the whole-message path asks for the full name
                if slot.name != collecting:  # said in passing ("send it to my landlord Mr Patel"): said when
                    # the flow asks the slot, not dropped without a word (found by hand, session 25)
                    ctx.out_of_range.setdefault(slot.name, "utter_full_name")
                    ctx.refusal_extra.setdefault(slot.name, {"partial_label": label(ctx, slot.name)})
            elif parsed.ok:
                found.setdefault(slot.name, []).append((rank(span), i, span, parsed.value))
            elif parsed.response:  # understood, out of bounds: said, never stored
                _refuse(ctx, slot.name, parsed.response, parsed.error)
                refused.append((slot.name, span.start, span.end))
            elif _said_wrong(ctx, slot, entity, collecting):
                _refuse(ctx, slot.name, slot.error_response, parsed.error or "not a valid value")
            elif entity.extractor == MODEL_EXTRACTOR and slot.name in _defaulted(ctx):
                # "…to my frend Jakub on firday" went out today, its default (customer trial, session 33): a day
                # said and not understood is asked, not replaced
                ctx.unread.add(slot.name)
    for name, start, end in refused:
        # "send $30 to Dr. Kim Min-jun last Tuesday": the rules read "last Tuesday" (gone by, refused) and the model
        # "Tuesday" alone, taken as the coming one, and the read-back said "Tuesday 8 December" (customer trial,
        # session 33): a piece of a value refused is no value either, nor a span over part of it ("for the 20th of
        # January" was refused, past 30 days, and the model's "the 20th" sent the money on 20 December: customer
        # trial, session 42)
        inside = [c for c in found.get(name, ())
                  if c[2].start < end and start < c[2].end and (c[2].start, c[2].end) != (start, end)]
        if inside:
            ctx.emit("entity_ignored", entity=inside[0][2].entity, reason="inside_refused")
            found[name] = [c for c in found[name] if c not in inside]
            if not found[name]:
                del found[name]
    if "someone_else" in [e.data.get("reason") for e in ctx.events if e.name == "entity_ignored"]:
        # "用我老婆的身份证…开户，她叫林芳": the message describes another person; her name is not the
        # customer's either (it went on the confirmation with the husband's ID: customer trial, session 26)
        model = model_for(ctx.assistant)
        for name in [n for n in found if ctx.assistant.slots[n].pii and ctx.assistant.slots[n].type == "text"
                     and short_text(ctx.assistant.slots[n], model)]:
            ctx.emit("entity_ignored", entity=name, reason="someone_else")
            del found[name]
    _inside_others(ctx, found)
    _corrected(ctx, nlu.text or "", collecting, found)
    _name_at_confirmation(ctx, nlu, found)
    _instead_of_current(ctx, nlu, found)
    _last_answer_corrected(ctx, nlu, found)
    _spelt_anew(ctx, found)
    _wrong_identifiers(ctx, nlu.text or "", collecting, found)
    for name in [n for n, cs in found.items() if ctx.assistant.slots[n].type == "text"
                 and all(isinstance(c[3], str) and _NUMBER_ONLY.fullmatch(c[3].strip()) for c in cs)]:
        # "不对 是一二九" at an opening's confirmation renamed the customer 一二九, and the account was opened
        # so (customer trial, session 27): a number alone is no name, recipient or free text
        ctx.emit("entity_ignored", entity=name, reason="number")
        del found[name]
    _relation_beside_partial_name(ctx, found, collecting)
    _relation_beside_name(ctx, found)
    _name_of_relation(ctx, nlu, found)
    _name_of_the_relation_held(ctx, nlu, found)
    kin = [n for n, cs in found.items() if ctx.assistant.slots[n].type == "text" and ctx.assistant.slots[n].options.get("own")
           and any(isinstance(c[3], str) and names_kin(c[3]) for c in cs)]
    for name in kin:
        # "你好，我是王小明，我孙子说我那个套餐流量太少了" was read back for "孙子" (customer trial, session 40): who a
        # person is to the customer is no name of the customer's
        if _narrow(found, name, lambda c: not (isinstance(c[3], str) and names_kin(c[3]))):
            ctx.emit("entity_ignored", entity=name, reason="kin")
    for name in found:  # a valid value beside it: nothing to complain about
        ctx.out_of_range.pop(name, None)
    _typed_over_text(ctx, found)
    _charged_not_chosen(ctx, found)
    _unavailable_over_choice(ctx, found)
    _negated_values(ctx, found)
    _only_one_meant(ctx, found)
    _asked_about(ctx, found, collecting)
    _named_again(ctx, found)
    _not_a_correction(ctx, found)
    _for_the_next_run(ctx, found)
    _speaker_own_beside(ctx, found)
    _two_requests(ctx, found)
    _two_lookups(ctx, found)
    _read_as_nothing(ctx, found, entities)
    _split_in_two(ctx, found, collecting)
    _the_new_one(ctx, found)
    _two_values(ctx, found)
    threshold = entity_threshold(ctx.assistant)
    filled = False
    for name, candidates in found.items():
        if name in ctx.out_of_range:  # two values: which one?
            continue
        _, _, entity, value = min(candidates, key=lambda c: (c[0], -c[1]))
        unsure = (entity.extractor == MODEL_EXTRACTOR and entity.confidence is not None
                  and entity.confidence < threshold)
        # (at a read-back, a value said as a correction is taken however unsure the model is: the read-back comes
        # again with it, "no wait, it's supposed to go to his wife, Sarah Miller" heard the fallback: trial, session 41)
        if unsure and not (_whole_answer(ctx, entity, name, collecting) or restates_request(ctx)
                           or _agreed(ctx, nlu, ctx.assistant.slots[name], entity, value, collecting)
                           or (ctx.frame is not None and ctx.frame.waiting_for == CONFIRM
                               and ctx.original.slots.get(name) not in (None, value)
                               and sounds_like_correction(ctx.text or "", ctx.assistant.language))
                           or _read_back_later(ctx, name, value)):
            ctx.held[name] = value
            ctx.emit("value_held", slot=name, confidence=round(entity.confidence, 4), threshold=threshold)
            continue
        value = _one_word_fixed(ctx, name, _surname_added(ctx, name, value))
        ctx.set_slot(name, value, source="entity")
        filled = filled or name == collecting
        filled = _implied(ctx, name, found, collecting) or filled
    return filled


def _relation_beside_partial_name(ctx: TurnContext, found: dict, collecting: str | None) -> None:
    """"pay Mr. Peterson, my landlord, 950 dollars" and "to my landlord, Mr. Peterson" sent the money to "my landlord"
    (customer trial, session 36): "Mr. Peterson" wants the full name (_surname_only), and who the person is to the
    customer is no name beside it. A text slot whose values are only such relations is asked for the full name."""
    if not any(e.name == "partial_value" for e in ctx.events):
        return
    for name in [n for n, cs in found.items() if ctx.assistant.slots[n].type == "text"
                 and all(isinstance(c[3], str) and only_relation(c[3]) for c in cs)]:
        ctx.emit("entity_ignored", entity=name, reason="relation_beside_partial_name")
        del found[name]
        if name != collecting:  # the question's own answer path asks for the full name itself
            ctx.out_of_range[name] = "utter_full_name"
            ctx.refusal_extra[name] = {"partial_label": label(ctx, name)}


def _relation_beside_name(ctx: TurnContext, found: dict) -> None:
    """"can you send 40 to John Smith tomorrow, it's my son" was read back and sent "to my son" (customer trial, session 47):
    who the person is to the customer, said beside one name for the same slot, is no other value; the name stays."""
    for name in [n for n, cs in found.items() if ctx.assistant.slots[n].type == "text"]:
        values = _distinct(c[3] for c in found[name] if isinstance(c[3], str))
        names = [v for v in values if not only_relation(v)]
        if len(values) > len(names) and len(names) == 1 and _narrow(found, name, lambda c: c[3] == names[0]):
            ctx.emit("entity_ignored", entity=name, reason="relation_beside_name")


# "…, his name is Gerhard", "my plumber, called Gerhard", "Gerhard, that's my plumber"
_NAMES_THE_RELATION = re.compile(r"^[\s,;:\-–—(]*(?:and\s+)?(?:(?:his|her|their|the guy's|the)\s+name(?:'s|\s+is)|(?:he|she)'?s?\s+"
                                 r"called|called|named|who is|who's|is called|(?:that|he|she)(?:'s|\s+is))?[\s,;:\-–—(]*$",
                                 re.IGNORECASE)


_NAME_SAID = re.compile(r"\b(?:(?:his|her|their|the|its|account|payee)\s+)?name(?:'s|\s+is|\s*:)\s*$|\b(?:called|named)\s*$",
                        re.IGNORECASE)


def _name_of_the_relation_held(ctx: TurnContext, nlu: NLUResult, found: dict) -> None:
    """"I need to pay my landlord rent", then "its account 12345678, sort code 20-40-60, name is Greenfield Lettings" at
    the amount question: the name was dropped and the rent sent to "my landlord" (customer trial, session 44). A name said
    as a name ("name is …", "called …") while a text slot of the active flow holds only who the person is ("my
    landlord") is that slot's value."""
    flow, text = ctx.flow(), nlu.text or ""
    if flow is None:
        return
    for name in sorted(steps.collected_slots(flow)):
        slot, held = ctx.assistant.slots.get(name), ctx.slots.get(name)
        if slot is None or slot.type != "text" or name in found or not isinstance(held, str) or not only_relation(held):
            continue
        for entity in nlu.entities:
            if entity.entity != "name" or not _NAME_SAID.search(text[max(0, entity.start - 24):entity.start]):
                continue
            parsed = parse_value(slot, tidy_span(ctx.assistant, slot, str(entity.value)), ctx.assistant.language,
                                 today=ctx.today)
            if parsed.ok:
                found[name] = [(0, 0, entity, parsed.value)]
                ctx.emit("relation_named", slot=name)
                break


# "to my contractor, Kowalski Renovations": a capitalised name right after the relation, set off by a comma, a colon or a
# dash, and nothing after it but the end of a clause
_APPOSITION = re.compile(r"\s*[,:\-–]\s*(?P<name>[A-Z][\w'’&.\-]*(?:\s+(?:[A-Z][\w'’&.\-]*|&|and|of)){0,4})\s*(?=$|[,.;!?]|\s+(?:today|tomorrow|on|for|by|please|pls|thanks)\b)")


def _name_after_relation(ctx: TurnContext, name: str, relation, candidates: list) -> None:
    """"I need to send a ton of money to my contractor, Kowalski Renovations" sent $1,200 to "my contractor" (customer
    trial, session 45): the model tagged the relation alone; a name said right after it, set off by a comma, is the
    value."""
    if not ctx.assistant.slots[name].options.get("other"):
        return
    m = _APPOSITION.match(ctx.text or "", relation[2].end)
    if m is None:
        return
    value = m.group("name").rstrip(".")
    parsed = parse_value(ctx.assistant.slots[name], value, ctx.assistant.language, today=ctx.today)
    if not parsed.ok or only_relation(str(parsed.value)):
        return
    entity = dataclasses.replace(relation[2], value=value, text=value, start=m.start("name"),
                                 end=m.start("name") + len(value))
    candidates[:] = [(relation[0], relation[1], entity, parsed.value)]
    ctx.emit("entity_ignored", entity=name, reason="relation_named")


def _name_of_relation(ctx: TurnContext, nlu: NLUResult, found: dict) -> None:
    """"I want to pay my plumber 180 dollars, his name is Gerhard Vandersloot" sent the money to "my plumber" (customer
    trial, session 40): a name said of the person a relation names ("his name is", "called", or only a comma between
    them, with nothing but an amount or a date beside) is the value, not the relation."""
    text = ctx.text or ""
    for name, candidates in found.items():
        if ctx.assistant.slots[name].type != "text":
            continue
        relations = [c for c in candidates if isinstance(c[3], str) and only_relation(c[3])]
        names = [c for c in candidates if c not in relations]
        if relations and not names and len(relations) == 1:
            _name_after_relation(ctx, name, relations[0], candidates)
            continue
        if not relations or not names:
            continue
        linked = [r for r in relations for n in names
                  if _NAMES_THE_RELATION.match(_between_values(nlu, text, r[2], n[2]))]
        if linked:
            ctx.emit("entity_ignored", entity=name, reason="relation_named")
            candidates[:] = [c for c in candidates if c not in linked]


def _between_values(nlu: NLUResult, text: str, a, b) -> str:
    """The words between spans `a` and `b` of `text`, without the other slots' values found there (an amount, a date)."""
    start, end = (a.end, b.start) if a.end <= b.start else (b.end, a.start)
    if start > end:
        return "#"  # overlapping: nothing between them
    between = text[start:end]
    for entity in nlu.entities:
        if start <= entity.start and entity.end <= end and entity.entity != a.entity:
            between = between.replace(text[entity.start:entity.end], " ")
    return between


_SURNAME_ADDED_EN = re.compile(r"\b(?:surname|last name|family name|second name)(?:\s+is|['’]s|:)?\s+(?P<surname>[A-Za-z][A-Za-z'’\-]+)",
                          re.IGNORECASE)


def _surname_added(ctx: TurnContext, name: str, value):
    """"and her surname is Okafor" at "Send $15.00 to jenny …?" sent the money to "Okafor" (customer trial, session 45):
    a surname said for a name of one word completes it ("Jenny Okafor")."""
    old, slot = ctx.original.slots.get(name), ctx.assistant.slots[name]
    if slot.type != "text" or not isinstance(old, str) or not isinstance(value, str):
        return value
    m = _SURNAME_ADDED_EN.search(ctx.text or "")
    if (m is None or m.group("surname").lower() != value.strip().lower() or not re.fullmatch(r"[A-Za-z'’\-]+", old)
            or old.lower() == value.strip().lower()):
        return value
    return f"{old[:1].upper()}{old[1:]} {value.strip()[:1].upper()}{value.strip()[1:]}"


def _one_word_fixed(ctx: TurnContext, name: str, value):
    """"oops sorry, it's Garcia" at "Activate the card ending 4821 for Maria Garcya?" renamed the cardholder "Garcia"
    (customer trial, session 40): one word said for a name of several, spelt like one of its words (the same first
    letter, at most a third of its letters apart), corrects that word."""
    old, slot = ctx.original.slots.get(name), ctx.assistant.slots[name]
    if slot.type != "text" or not isinstance(old, str) or not isinstance(value, str):
        return value
    words, new = old.split(), value.strip()
    # "哦打错了，是小明，大小的小" after "王晓明" was refused renamed the customer "小明", and the change failed again (customer
    # trial, session 47): the given name said again, one character changed, keeps the surname
    if (re.fullmatch(r"[\u4e00-\u9fff]{3,4}", old) and re.fullmatch(r"[\u4e00-\u9fff]{2,3}", new)
            and len(new) == len(old) - 1 and sum(a != b for a, b in zip(old[1:], new)) == 1):
        return old[0] + new
    # (five letters or more, a third of them at most apart: "Tim" for "Tom Jones" is another person, not a typo)
    if len(words) < 2 or not re.fullmatch(r"[A-Za-z'\-]{5,}", new) or new.lower() in (w.lower() for w in words):
        return value
    close = close_words(words, new)
    if len(close) != 1:
        return value
    words[close[0]] = new
    return " ".join(words)


def close_words(words: list[str], new: str, share: int = 3) -> list[int]:
    """The places of `words` that `new` may be a respelling of: the same first letter, at most a third of its letters
    apart (`share` 2: a half, where the message says it spells a word anew)."""
    return [i for i, w in enumerate(words)
            if w.lower() != new.lower() and w[:1].lower() == new[:1].lower()
            and _letters_apart(w.lower(), new.lower()) <= len(new) // share]


def _letters_apart(a: str, b: str) -> int:
    """Levenshtein distance of two short words."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _implied(ctx: TurnContext, name: str, found: dict, collecting: str | None) -> bool:
    """The values a slot's `implies:` brings along, for slots the message names no value of and
    that hold none: "那上个月的呢" after a balance gave the balance again (customer trial,
    session 27: the follow-up carried 余额); a month is a bill's (`bill_month: implies: {query_type:
    账单}`). True when the collected slot got its value so."""
    from framework.engine.unavailable import named  # it builds on this module

    filled = False
    for target, value in ctx.assistant.slots[name].implies.items():
        if target in found or ctx.slots.get(target) is not None or target not in ctx.assistant.slots:
            continue
        if named(ctx, target):
            # "我这个月流量还剩多少": 流量 is not looked up here (said so), and "这个月" looked up the bill
            # once the number came (customer trial, session 30): the slot's question comes instead
            continue
        ctx.set_slot(target, value, source="implied")
        ctx.emit("slot_implied", slot=target, by=name)
        filled = filled or target == collecting
    return filled


def ask(ctx: TurnContext, slot_name: str) -> bool:
    """At the collect step of `slot_name`: ask about its held value; False when none is held."""
    if slot_name not in ctx.held or ctx.frame is None:
        return False
    value = ctx.held[slot_name]
    ctx.update_frame(waiting_for=WAITING + slot_name)
    ctx.emit("value_check", slot=slot_name)
    own = f"utter_confirm_value_{slot_name}"
    ctx.say(own if own in ctx.assistant.responses else "utter_confirm_value",
            extra={"checked_slot": label(ctx, slot_name), "checked_value": value})
    return True


def answer(ctx: TurnContext, nlu: NLUResult, threshold: float) -> bool:
    """The reply to "did you mean ...?"; False when the message is to be read as the answer
    to the slot's own question (the caller goes on with the slot being collected)."""
    name = ctx.frame.waiting_for[len(WAITING):]
    value = ctx.held.pop(name, None)
    ctx.update_frame(waiting_for=f"slot:{name}")
    yes = yes_or_no(ctx, nlu, threshold)
    # "Will Turner" at "Did you mean Will as your recipient?": the model tagged "Turner", and $40 went to "Turner"
    # (customer trial, session 35): the value asked about, said again with more of it, is the whole
    whole = None if yes and value is not None else _value_extended(ctx, name, value, nlu.text or "")
    if (yes and value is not None) or whole is not None:
        ctx.emit("value_confirmed", slot=name, **({"extended": True} if whole is not None else {}))
        ctx.set_slot(name, value if whole is None else whole, source="confirmed")
        steps.goto(ctx, steps.after_collect(ctx, ctx.state()))
        return True
    if yes is False:
        ctx.emit("value_denied", slot=name)
        slot = ctx.assistant.slots.get(name)
        # "No, Berlin" carries the answer; a bare "no" is asked the question again.
        if slot is None or not any(fills(slot, e, name) for e in nlu.entities):
            if _name_instead(ctx, slot, nlu):
                return True
            steps.reprompt(ctx)
            return True
    return False


_NO_THEN = re.compile(r"^(?:no+|nope|nah|not quite|wrong|不是|不对)[\s,.!，。-]+(?:(?:it'?s|its|it is|just|i said|i meant|是)\s*)*"
                      r"(?P<rest>[^,.!?，。！？]+?)[\s.!。！]*$", re.IGNORECASE)


def _name_instead(ctx: TurnContext, slot, nlu: NLUResult) -> bool:
    """"no just jake thompson lol" at "Did you mean my mate jake thompson as your recipient?": the name was dropped, the
    question asked again, and "yh" became the payee (customer trial, session 44). A person's name the message gives (a
    `name` entity) is the value of the name-like text slot asked about; True when taken."""
    if slot is None or slot.type != "text" or not short_text(slot, model_for(ctx.assistant)):
        return False
    names = [str(e.value) for e in nlu.entities if e.entity == "name" and 1 <= len(str(e.value).split()) <= 4]
    if not names:
        # "no, Gym Plus Ltd" at "Did you mean the gym as your recipient?" (customer trial, session 44): the name as written
        # after the no
        rest = _NO_THEN.match((nlu.text or "").strip())
        names = [rest.group("rest")] if rest is not None and written_name(rest.group("rest")) else []
    if len(names) != 1:
        return False
    parsed = parse_value(slot, tidy_span(ctx.assistant, slot, names[0]), ctx.assistant.language, today=ctx.today)
    if not parsed.ok:
        return False
    ctx.set_slot(slot.name, parsed.value, source="corrected")
    steps.goto(ctx, steps.after_collect(ctx, ctx.state()))
    return True


def _value_extended(ctx: TurnContext, name: str, value, text: str):
    """A name-like text value asked about, said again at the start of the message with more words after it ("Will" ->
    "Will Turner"), parsed as the slot's value; else None."""
    slot = ctx.assistant.slots.get(name)
    said = text.strip(" .,!?")
    if (slot is None or slot.type != "text" or not isinstance(value, str) or not value
            or not said.lower().startswith(value.lower() + " ") or len(said.split()) > 4):
        return None
    parsed = parse_value(slot, said, ctx.assistant.language)
    return parsed.value if parsed.ok else None


def keep_or_drop(ctx: TurnContext) -> None:
    """At the end of a turn: held values whose slot the active flow still has to collect
    wait in its frame; the others are forgotten, never stored (event `value_unused`)."""
    flow = ctx.flow()
    wanted = steps.collected_slots(flow) if flow else set()
    checking = ctx.frame.waiting_for if ctx.frame is not None else None
    for name in list(ctx.held):
        # (a value asked about waits for the answer even where the slot holds one: "ok, 1500 then" after "There isn't
        # enough money … to send $2,000.00", "Did you mean $1,500 as your amount?", and "yes" heard the $2,000
        # refusal again: customer trial, session 41)
        if name not in wanted or (ctx.slots.get(name) is not None and checking != WAITING + name):
            del ctx.held[name]
            ctx.emit("value_unused", slot=name)
    if ctx.frame is not None:
        held = frozen_map({"slots": frozen_map(ctx.held)}) if ctx.held else None
        if ctx.frame.held != held:
            ctx.update_frame(held=held)
        # the values "which one?" lists wait while the flow asks that very question
        kept = {n: v for n, v in ctx.choices.items() if ctx.frame.waiting_for == f"slot:{n}"
                and ctx.slots.get(n) is None}
        for name, values in ((ctx.frame.choices or {}).get("slots") or {}).items():
            if name not in kept and ctx.slots.get(name) in values:
                _other_choice_waits(ctx, name, [v for v in values if v != ctx.slots.get(name)])
        choices = frozen_map({"slots": frozen_map(kept)}) if kept else None
        if (ctx.frame.choices or None) != choices:
            ctx.update_frame(choices=choices)


def _other_choice_waits(ctx: TurnContext, name: str, left: list) -> None:
    """One of two values "which one?" listed was chosen: the other goes to the nearest flow waiting below that collects
    the same slot and has no value saved for it. "block the old one [7777] and activate the new one [4821]", "7777 is
    the lost one": after the block, the activation read back 7777 (customer trial, session 42; event
    `choice_passed_on`)."""
    if len(left) != 1:
        return
    for i in range(len(ctx.stack) - 2, -1, -1):
        frame = ctx.stack[i]
        flow = ctx.assistant.flows.get(frame.flow)
        if flow is None or name not in steps.collected_slots(flow):
            continue
        saved = dict((frame.saved or {}).get("slots") or {})
        if saved.get(name) is None:
            saved[name] = left[0]
            ctx.stack[i] = dataclasses.replace(frame, saved=frozen_map({**(frame.saved or {}),
                                                                         "slots": frozen_map(saved)}))
            ctx.emit("choice_passed_on", slot=name, flow=frame.flow)
        return


def answer_for_another(ctx: TurnContext, collecting: str) -> bool:
    """"Anna" at "How much would you like to send?" after "transfer money" heard "Please tell me the amount in US
    dollars" and Anna was dropped (customer trial, session 37): at the question of a typed slot (an amount, a date), a
    message that is only a name, for the one name-like slot of the flow that is still empty, fills that slot (event
    `value_for_another`); the caller asks its question again. True when it was filled."""
    asked, flow, text = ctx.assistant.slots.get(collecting), ctx.flow(), (ctx.text or "").strip(_PUNCT)
    if (asked is None or asked.type == "text" or flow is None or not written_name(text)
            or yes_no(text, ctx.assistant.language) is not None):
        return False
    model = model_for(ctx.assistant)
    empty = [ctx.assistant.slots[n] for n in sorted(steps.collected_slots(flow))
             if n != collecting and ctx.slots.get(n) is None and ctx.assistant.slots[n].type == "text"
             and from_user(ctx.assistant.slots[n]) and short_text(ctx.assistant.slots[n], model)]
    if len(empty) != 1 or unlike_values(model, empty[0], text) or _no_name(ctx, empty[0], text):
        return False
    parsed = parse_value(empty[0], text, ctx.assistant.language, today=ctx.today)
    if not parsed.ok or _pronoun(ctx, empty[0], parsed.value) or _names_nobody(ctx, empty[0], parsed.value):
        return False
    ctx.set_slot(empty[0].name, parsed.value, source="collect")
    ctx.emit("value_for_another", slot=empty[0].name, asked=collecting)
    return True
