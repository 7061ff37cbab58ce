"""A command is not a value: "开户" or "取消" at "请问您的姓名是？" is never a name.

Found in a trial (telecom_zh, model zh_13): in the open-account flow the name question
took "开户" and "我要开户" as the customer's name. A text slot accepts almost any text, and
the flow's own trigger is no interruption (framework.engine.turn._trigger), so the
message fell through to the whole-utterance parse. Rasa CALM's NLU-only flows turn a
predicted intent into commands for the flow policy (the NLUCommandAdapter,
rasa.com/docs/rasa-pro/building-assistants/nlu-only-calm-bots), and Dialogflow CX evaluates a page's state handlers (intent routes among them)
while its form is filled (cloud.google.com/dialogflow/cx/docs/concept/page, "Lifecycle of
a page"); neither documentation says what happens when the intent is the running flow's own, or
how sure the classifier must be. This module decides, at turn priority 3, just before the
whole message is stored as the collected slot's value (after the stop question's no
word), in this order:

1. a whole-message command word (framework.slots.command_words: "取消", "转人工",
   "帮助", "cancel", "agent", "help") that is no valid value of the slot is that command:
   the global behaviour it names runs (cancel, handoff, help), as if its intent had come;
   a domain without that behaviour hears the fallback and the question again;
   a yes word as the whole message ("好的", "嗯", "ok": framework.slots.answers) that is
   no valid value of the slot (at a text slot, always) acknowledges the question and
   answers nothing: the question again ("嗯" at "请提供要查询的手机号码。" used to be a
   wrong phone number, one of three attempts; a no word is the stop question's, before
   this; a boolean slot still takes "好的" as true); so does a hesitation ("hold on",
   "no wait", "等一下", framework.slots.answers.is_hesitation) at a short text slot or one
   it is no value of: a customer trial of session 11 stored "no hold on" as the
   cardholder's name;
2. at a short text slot (a name: one the examples introduce with templates, or at most 64
   characters; framework.slots.context.short_text), a message from which no extractor
   took a part that looks like a value ("我叫张三" gives 张三: stored, as before; "I want
   to send money" gave "send money", made of the domain's everyday words, which counts
   as no part) and that the classifier gives
   confidently (at or above the fallback threshold and CONFIRM_MARGIN, 0.2, ahead of the
   next intent, the rule of confirmations) to a flow's trigger or a global intent:
   - the running flow's own trigger ("开户" while opening an account): the built-in
     `utter_already_in_flow` ("好的，正在为您办理。"; `utter_already_in_flow_<flow>` or a
     domain response of that name wins), then the question again;
   - another flow's trigger that reached here (the running flow is not interruptible: the
     interruption was refused at priority 2): the engine's busy reply, else the fallback,
     and the question again;
   - cancel, handoff, help, out of scope and greet never get here (priority 2 took them);
   - the affirm and deny intents are left alone: a text slot stops only on a no word
     (framework.engine.stop_question: "no reason at all" filed under deny is a text).
   A long free-text slot (a complaint, up to 500 characters) is left out of rule 2, and a
   step with `from_trigger` hears its own flow's intent as an answer: "网速太慢了" filed
   under the complaint flow's own intent is the very complaint it collects;
2b. at a short text slot, a message that says what the customer means or wants rather
   than who they are ("我是要办宽带", "我是来交话费的": "我是" + a verb,
   framework.slots.context.says_a_wish), unless a part of it looks like a value ("不对，我是说
   张三" gives 张三), or whose value holds another slot's entity (one the entity head learnt,
   or an ID, phone or e-mail: "查一下余额", where the head tagged 余额 a query type) is no answer: the
   fallback and the question again. Found in a trial (telecom_zh, session 7): at the name
   question "不对不对，我是说查一下余额" (查询 0.68, under the threshold) was stored as the name
   "说查一下余额"; the carrier "我是" had been stripped from "我是说";
3. at a short text slot, a value that does not look like the slot's values is asked about
   before it is stored, as a learnt value below the entity threshold is
   (framework.engine.slot_filling: "您说的姓名是开户吗？", `utter_confirm_value`; yes stores
   it, no asks the question again, anything else answers it). It does not look like them
   when every word of it (Latin words, CJK character pairs) is an everyday word of the
   domain's examples (frequent outside the annotated values), or when it is longer than
   any annotated value (2 more CJK characters, 1 more Latin word):
   framework.slots.context.unlike_values.
   Found in a trial (telecom_zh, model zh_13): "开户吧" at "请问您的姓名是？" became the
   name: the classifier read it as 肯定 0.88 (rule 2 acts only on a flow's trigger), and
   the entity head, which tags a name it is sure of at turn priority 1, tags no single
   name either way ("张三" alone gets no tag as often as "开户" does), so the domain's own
   words are the evidence. Only every word counts: "my mum" (my is everyday) and "张可以"
   (可以 is) stay values; and a real name that is an everyday word ("Will" in banking_en)
   costs one question, never the answer.
3b. at a short text slot, a surname alone ("我姓李", "王女士", "Mr Smith":
   framework.slots.partial_names) is no full name: the built-in `utter_full_name` asks for
   it ("请告诉我完整的姓名，姓和名都要。"; a domain response of that name wins);
3c. at a short text slot, a whole message that gave another slot of the flow its value
   ("大概损失了八百块吧" at the name question: the loss) is no value of this one: the value
   is kept and the question asked again. Found in a customer trial (telecom_zh, session 14):
   the bot asked "您说的姓名是大概损失了八百块吗？". A part an extractor took ("我叫张三，损失
   八百") is still the name;
4. a question in which nothing is a value of the slot (not even one out of its bounds) is
   no answer: the fallback and the question again ("how much did I spend on coffee last
   month" at the card's last four digits, a customer trial of session 10).
None of these uses up an attempt.

A real name stays a value: "张三", "王小明", "李 雷", "Sarah Lee", "叫我老王就行" (a carrier
phrase), "我叫刘晓东", and an ordinary word the classifier does not confidently read as an
intent. A collect step that needs every answer as said sets `value_guard: false`
(framework/spec/schema.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from framework.compile.machine import Collect
from framework.engine.confirm import CONFIRM_MARGIN, label
from framework.engine.context import TurnContext
from framework.engine.corrections import filled_ahead, label_words
from framework.engine.steps import collected_slots
from framework.nlu.interface import NLUResult
from framework.slots import ParseResult
from framework.slots.answers import NEVER, content_length, is_hesitation, is_question, language_key, yes_no
from framework.slots.command_words import command_word
from framework.slots.context import (describes_self, digits_in_values, looks_everyday, model_for, normalise, says_a_wish,
                                     short_text, unlike_values)
from framework.slots.mapping import MODEL_EXTRACTOR, fills
from framework.slots.partial_names import partial_name
from framework.slots.person_names import written_name

ALREADY_IN_FLOW = "utter_already_in_flow"
FULL_NAME = "utter_full_name"
OTHER_KIND = "utter_other_kind_of_value"
COMMAND, YES, OWN_FLOW, OTHER_FLOW, UNLIKE, OTHER_VALUE, QUESTION, PARTIAL, ANSWERED_OTHER, OTHER_KIND_VALUE = (
    "command", "yes", "own_flow", "other_flow", "unlike", "other_value", "question", "partial", "answered_other",
    "other_kind")
_PARTICLES = "吧啊呀呢哦了"
_CHECKED_KINDS = frozenset({"id_number", "phone", "email"})
_STRONG_EXTRACTORS = frozenset({MODEL_EXTRACTOR}) | _CHECKED_KINDS


@dataclass(frozen=True)
class Verdict:
    """Why the message is no value: `kind` (one of the constants above), the intent to act
    on (a command word's behaviour intent; None when the domain has none), and for UNLIKE
    the value to ask about (for OTHER_KIND_VALUE, the other slot's label)."""
    kind: str
    intent: str | None = None
    value: Any = None


# Words that only introduce a value: "我叫", "身份证号是", "损失大概", "my name is", "about"
_CARRIERS = re.compile(r"我叫|我是|名字(?:是|叫)?|姓名(?:是)?|身份证(?:号码?)?(?:是)?|手机(?:号码?)?(?:是)?|号码(?:是)?|损失(?:了|是)?"
                       r"|大概|大约|差不多|左右|元|块钱?|的|吧|\b(?:my|name|is|i'?m|id|number|phone|lost|about|around"
                       r"|dollars?|bucks|the|and)\b", re.IGNORECASE)


# ... or that point back at earlier values: "跟刚才一样的套餐", "还是我 身份证跟刚才一样" at the name question were offered
# as names, "对" stored them and an account was opened under one (customer trial, session 31)
_ABOUT_THE_QUESTION = re.compile(r"名字|姓名|身份证|系统|资料|上面|那个|[吗呢嘛]$|刚才|刚刚|一样|上次|之前|同上|还是我|套餐"
                                 r"|\b(?:same as|as before|the same|like before|last time|earlier)\b"
                                 r"|\b(?:my name|the name|on file|in the system|already have|you have it)\b", re.IGNORECASE)


# The customer named as themselves, no name: "我本人", "就是我本人啊", "机主本人", "it's me", "the account holder"
_SELF = re.compile(r"^(?:就是|是)?(?:我|俺|咱)?(?:本人|自己|机主|户主|持卡人|我)(?:本人|自己)?(?:啊|呀|嘛|呢|哈|的|了)*$"
                   r"|^(?:it'?s |its |that'?s )?(?:me|myself|me myself|the (?:account|card) ?holder|the owner)$", re.IGNORECASE)


# What points at a value said with it, no name: "那用这个", "就这个吧", "用这张", "this one", "use this"
_POINTER = re.compile(r"^(?:那|那就|就|还是)?(?:用|拿|是|填)?(?:这个|那个|这张|那张|这一个|这串|这个号)(?:吧|呗|啊|呀|嘛|了)*$"
                      r"|^(?:use |take )?(?:this|that) (?:one|number)$|^use (?:this|that)$", re.IGNORECASE)


def _only_values(ctx: TurnContext, nlu: NLUResult) -> bool:
    """Whether the message is values of other slots filled this turn and words that introduce
    them, and nothing else (less than 4 letters or CJK characters besides)."""
    text = nlu.text or ""
    spans = sorted((e.start, e.end) for e in nlu.entities if e.entity in ctx.slot_changes)
    if not spans:
        return False
    rest, last = [], 0
    for start, end in spans:
        if start >= last:
            rest.append(text[last:start])
        last = max(last, end)
    rest.append(text[last:])
    return content_length(_CARRIERS.sub(" ", " ".join(rest))) < 4


# an amount in Chinese numerals: "损失？耽误我生意谈黄了，少说两三百吧" at the name question renamed the customer 少说两三百
# (customer trial, session 32)
_HAN_AMOUNT = re.compile(r"[一二两三四五六七八九十几]{1,3}[百千万]")


# the first clause, cut by punctuation (and in Chinese by a space: "对 我就是要投诉"; "no reason at all" is one)
_FIRST_CLAUSE = {"zh": re.compile(r"^\s*([^，,。.!！?？;；\s]+)[，,。.!！;；\s]+\S"),
                 "en": re.compile(r"^\s*([^,.!?;]+)[,.!;]+\s*\S")}


_YES_GLUED = {"zh": re.compile(r"^(?:好的|好滴|好吧|好嘞|行吧|可以|对的|是的|嗯+|好|行|对)(?=[\u4e00-\u9fff])")}


def _opens_with_yes_no(text: str, language: str | None) -> bool:
    """The message's first clause is a yes or a no word, and more follows ("对，我就是要投诉")."""
    m = _FIRST_CLAUSE["zh" if language_key(language) == "zh" else "en"].match(text)
    return m is not None and yes_no(m.group(1), language) is not None


def check(ctx: TurnContext, nlu: NLUResult, step: Collect, parsed: ParseResult, threshold: float) -> Verdict | None:
    """The reason the message is not to be stored as `step.slot`'s value, or None."""
    if not step.value_guard:
        return None
    assistant, slot = ctx.assistant, ctx.assistant.slots[step.slot]
    text = nlu.text or ""
    word = command_word(text, assistant.language)
    if word is not None and (slot.type == "text" or not parsed.ok):
        intents = getattr(assistant.behaviours, word).intents
        return Verdict(COMMAND, intents[0] if intents else None)
    if (slot.type == "text" or not parsed.ok) and yes_no(text, assistant.language):
        return Verdict(YES)  # "好的" to "请问您的姓名是？" acknowledges the question, answers nothing
    if ((not parsed.ok or (slot.type == "text" and short_text(slot, model_for(assistant))))
            and is_hesitation(text, assistant.language) and not any(ch.isdigit() for ch in text)):
        # "no, hold on" at "What's the cardholder's name?" buys time, names no one; "hm, 12" at
        # the card digits is a wrong answer (it has digits), and uses an attempt
        return Verdict(YES)
    if not parsed.ok and _only_a_question(ctx, nlu, step.slot):
        return Verdict(QUESTION)  # "how much did I spend on coffee?" at "the card's last four digits?"
    if (slot.type == "text" and parsed.ok
            and (label := other_kind(ctx, nlu, step.slot, inside=str(parsed.value))) is not None):
        # "13812345678" at the name or the complaint question: a phone number, no name or complaint
        return Verdict(ANSWERED_OTHER) if filled_ahead(ctx, step.slot) else Verdict(OTHER_KIND_VALUE, value=label)
    if (slot.type == "text" and parsed.ok and not short_text(slot, model_for(assistant))
            and filled_ahead(ctx, step.slot) and _only_values(ctx, nlu)):
        # "我叫马超，身份证110101…，损失200" at "请详细描述一下遇到的问题": the name, ID and loss, no complaint
        # (stored as the complaint, the ID number whole in the ticket: customer trial, session 26)
        return Verdict(ANSWERED_OTHER)
    if slot.type != "text" or not parsed.ok or not short_text(slot, model_for(assistant)):
        return None
    value, model = str(parsed.value), model_for(assistant)
    if partial_name(text, value, assistant.language):
        return Verdict(PARTIAL)  # "我姓李", "王女士": a surname is no full name
    if _names_another_slot(ctx, step.slot, value):
        # "没有损失" at the complaint's name question was stored as the name and read back "请核对：没有损失，身份证号 …"
        # (customer trial, session 34): a value that names another of the flow's items is no name; the question again
        return Verdict(ANSWERED_OTHER)
    if _POINTER.search(value.strip(" ,.!?，。！？~～")):
        # "那用这个吧 110101200701010011" at the name question opened an account for "那用这个" (customer trial, session 35):
        # a word pointing at the value said with it is no name; the name is asked again
        return Verdict(ANSWERED_OTHER)
    if _SELF.search(value.strip(" ,.!?，。！？~～")) or _SELF.search(text.strip(" ,.!?，。！？~～")):
        # "就是我本人啊" at the name question opened an account for "我本人" (customer trial, session 34): the customer
        # says who is asking, not the name; the full name is asked for
        return Verdict(PARTIAL)
    if _HAN_AMOUNT.search(value) and not digits_in_values(model, slot):
        return Verdict(ANSWERED_OTHER)  # "少说两三百吧": an amount, no name
    took_a_part = _bare(value) != _bare(text)
    if took_a_part and not written_name(value) and any(
            e.extractor in _CHECKED_KINDS and not fills(slot, e, step.slot) and not _inside(e.text or "", value)
            for e in nlu.entities):
        # "哦少打了一位，13800138000" at the complaint's name question filed the complaint under the name "哦少打了一位"
        # (customer trial, session 44): beside a phone or an ID number, words that are no name as written name no one
        return Verdict(ANSWERED_OTHER)
    if took_a_part and not written_name(value) and _more_of_the_request(ctx, nlu, step, threshold):
        # "那网老断，干啥啥不行" (投诉 1.00, no name in it) at the complaint's name question filed the complaint under the name
        # "那网老断", its first clause (customer trial, session 34): more of the request, added to it (below); a name as
        # written stays one ("我叫高远", 办理 0.99)
        return Verdict(OWN_FLOW, _confident(nlu, threshold))
    if (describes_self(value, text, assistant.language) or is_hesitation(value, assistant.language)
            or _ABOUT_THE_QUESTION.search(value)):
        # "我是老客户了", "等一下，…", "还要名字啊", "你们系统里不是有吗", "就是身份证上那个" (stored as names, the
        # last opened an account: customer trial, session 26): who the customer is, a wait, or words about the question
        return Verdict(OTHER_VALUE)
    if took_a_part and not looks_everyday(model, slot, value):
        return None  # an extractor took a part that looks like a value: "我叫张三", "不对，我是说张三"
    if filled_ahead(ctx, step.slot) and (not took_a_part or looks_everyday(model, slot, value)):
        # "大概损失了八百块吧" at the name question: the loss, no name; "没有经济损失，就是态度问题" was stored as the
        # name 态度问题 (customer trial, session 38): the loss, and a part of everyday words
        return Verdict(ANSWERED_OTHER)
    if _YES_GLUED.get(language_key(assistant.language) or "", NEVER).match(text) and looks_everyday(
            model, slot, _YES_GLUED[language_key(assistant.language)].sub("", text, count=1)):
        # "好的办理" at the opening's name question opened the account for 好的办理 (customer trial, session 38): a yes
        # word glued to everyday words names no one
        return Verdict(YES)
    if says_a_wish(text, assistant.language):
        return Verdict(OTHER_VALUE)  # "我是要办宽带": what the customer wants, not who they are
    intent = _confident(nlu, threshold)
    flow = assistant.flow_for_intent(intent) if intent else None
    from framework.engine.stop_question import goodbye_word  # it builds on this module

    if flow is not None and flow.ends_conversation and written_name(text) and not goodbye_word(text, assistant.language):
        flow = None  # "阿卜杜拉·买买提" read as 再见 (customer trial, session 33): a name as written is no goodbye
    if (flow is None and intent in assistant.behaviours.affirm.intents + assistant.behaviours.deny.intents
            and _opens_with_yes_no(text, assistant.language)):
        # "对，我就是要投诉" (肯定 0.99) at the name question: "您说的姓名是对，我就是要投诉吗？" (customer trial,
        # session 32); a yes or a no the classifier is sure of, said first, with no value taken from it, names no
        # one (a bare name read as 肯定 0.88 is still a name)
        return Verdict(YES)
    if flow is None:
        if is_question(text, assistant.language):
            # "is this chat secure though?" at the cardholder's name: "Did you mean this chat secure
            # though as your name?" (trial, session 23); a question is nobody's name. (One the
            # classifier reads surely as the flow's own request is a detail of it, below.)
            return Verdict(QUESTION)
        if any(ch.isdigit() for ch in value) and not digits_in_values(model, slot):
            # "还是59吧" (the plan) and "我手机13812345678 身份证… 扣了我30块" at the name question were offered
            # as names ("您说的姓名是我手机13812345678吗？"), and "对" stored them (customer trial, session 28):
            # where no annotated value holds a digit (names), a value with one is none; the question again
            return Verdict(ANSWERED_OTHER)
        if unlike_values(model, slot, value):
            return Verdict(UNLIKE, value=parsed.value)
        if _holds_another_slots_value(assistant, nlu, step.slot, value):
            return Verdict(OTHER_VALUE)  # "查一下余额": 余额 is a query type, never part of a name
        return None
    if ctx.frame and flow.name == ctx.frame.flow:
        # a step that takes the triggering message as its value (`from_trigger`, a
        # complaint) takes its flow's own intent as an answer too
        return None if step.from_trigger is not None else Verdict(OWN_FLOW, intent)
    return Verdict(OTHER_FLOW, intent)


def mostly(text: str, entities, outside: float = 0.5) -> bool:
    """The entities' spans hold most of the message's letters and digits: at most the
    share `outside` of them lies outside the spans (half by default)."""
    covered = [False] * len(text)
    for entity in entities:
        for i in range(max(entity.start, 0), min(entity.end, len(text))):
            covered[i] = True
    rest = "".join(ch for ch, inside in zip(text, covered) if not inside)
    return content_length(rest) <= content_length(text) * outside


def other_kind(ctx: TurnContext, nlu: NLUResult, slot_name: str, inside: str | None = None) -> str | None:
    """The label of another slot whose checked value (a phone number, an ID number, an
    e-mail address) is most of the message: "13812345678" at "请输入本人身份证号" heard "身份证号
    校验没有通过，请检查是否输错了某一位" (customer trial, session 16), as if one digit were wrong;
    at "请问您的姓名是？" it became the name, and at "请描述您的问题" the complaint (session 17).
    At a long free-text slot (a complaint) two thirds of the message must be the value:
    "号码13812345678一直收到骚扰电话" is a complaint about that number. With `inside` (the
    text slot's value), only a checked value inside it counts: "我叫张三，身份证号是 …" gives
    the name 张三, and the ID number is no reason to refuse it."""
    slots = ctx.assistant.slots
    slot = slots[slot_name]
    outside = 1 / 3 if slot.type == "text" and not short_text(slot, model_for(ctx.assistant)) else 0.5
    for entity in nlu.entities:
        if (entity.extractor not in _CHECKED_KINDS or fills(slot, entity, slot_name)
                or not mostly(nlu.text or "", [entity], outside)
                or (inside is not None and not (entity.text and _inside(entity.text, inside)))):
            continue
        owner = next((s for s in slots.values() if fills(s, entity, None)), None)
        if owner is not None:
            return label(ctx, owner.name)
    return None


def say_other_kind(ctx: TurnContext, found_label: str, slot_name: str) -> None:
    """"这看起来是手机号，这里需要的是身份证号。" (`utter_other_kind_of_value`, built in)."""
    ctx.say(OTHER_KIND, extra={"found_label": found_label, "wanted_label": label(ctx, slot_name)})


def _only_a_question(ctx: TurnContext, nlu: NLUResult, collecting: str) -> bool:
    """A question (framework.slots.answers.is_question) in which nothing is a value of the
    collected slot, not even one out of its bounds: the customer asked something instead of
    answering, which is no wrong answer. Found in a customer trial (session 10): "how much did
    I spend on coffee last month" at "What are the last four digits of the card?" heard "That
    doesn't look right. I need exactly four digits" and lost one of its three attempts."""
    if not is_question(nlu.text or "", ctx.assistant.language) or collecting in ctx.out_of_range:
        return False
    slot = ctx.assistant.slots[collecting]
    return not any(fills(slot, entity, collecting) for entity in nlu.entities)


def _holds_another_slots_value(assistant, nlu: NLUResult, collecting: str, value: str) -> bool:
    """An entity of another slot that is not a text slot lies inside the value, as a part of
    it: one the entity head learnt (it read
    the whole sentence), or an ID, phone number or e-mail address. Word matches (a
    categorical choice's synonym, a number) are left out: a name or a free answer may hold
    one ("no reason at all" holds the delivery choice "no")."""
    for entity in nlu.entities:
        if (entity.extractor not in _STRONG_EXTRACTORS or not entity.text or normalise(entity.text) == normalise(value)
                or not _inside(entity.text, value) or fills(assistant.slots[collecting], entity, collecting)):
            continue
        # another text slot's tag over a name is the head mixing two kinds of names ("Sarah
        # Lee" tagged `name` at the recipient question), no evidence
        if any(fills(slot, entity, collecting) and slot.type != "text" for slot in assistant.slots.values()):
            return True
    return False


def _inside(surface: str, value: str) -> bool:
    """`surface` in `value`, as whole words where it starts or ends with a Latin letter or
    digit ("Gold" is not inside "Goldie")."""
    left = r"(?<![A-Za-z0-9])" if surface[:1].isascii() and surface[:1].isalnum() else ""
    right = r"(?![A-Za-z0-9])" if surface[-1:].isascii() and surface[-1:].isalnum() else ""
    return re.search(left + re.escape(surface) + right, value, re.IGNORECASE) is not None


def _names_another_slot(ctx: TurnContext, slot_name: str, value: str) -> bool:
    """The value holds a Chinese word that names another slot the active flow collects ("损失" of "损失金额")."""
    flow = ctx.flow()
    if flow is None:
        return False
    return any(len(w) >= 2 and any("\u4e00" <= ch <= "\u9fff" for ch in w) and w in value
               for other in collected_slots(flow) if other != slot_name for w in label_words(ctx, other))


def _more_of_the_request(ctx: TurnContext, nlu: NLUResult, step: Collect, threshold: float) -> bool:
    """The classifier is sure the message asks for the active flow itself, the step takes no triggering message, and the
    entity head found no value for the step's slot in it."""
    intent = _confident(nlu, threshold)
    flow = ctx.assistant.flow_for_intent(intent) if intent else None
    slot = ctx.assistant.slots[step.slot]
    return (flow is not None and ctx.frame is not None and flow.name == ctx.frame.flow and step.from_trigger is None
            and not any(e.extractor == MODEL_EXTRACTOR and fills(slot, e, step.slot) for e in nlu.entities))


def own_flow_response(ctx: TurnContext) -> str:
    own = f"{ALREADY_IN_FLOW}_{ctx.frame.flow}"
    return own if own in ctx.assistant.responses else ALREADY_IN_FLOW


def _confident(nlu: NLUResult, threshold: float) -> str | None:
    top = nlu.intent
    if top is None:
        return None
    second = nlu.ranking[1].confidence if len(nlu.ranking) > 1 else 0.0
    if top.confidence < threshold or top.confidence - second < CONFIRM_MARGIN:
        return None
    return top.name


def _bare(text: str) -> str:
    bare = normalise(text)
    return bare[:-1] if bare[-1:] in _PARTICLES else bare
