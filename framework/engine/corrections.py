"""Corrections: a new value for a slot the active flow has already filled.

"不对，金额是5000", "actually make it 3000", "改成明天", "no, I'm Jane Doe": at a collect or
confirm step (or the "which item?" question), a message carrying a valid new value for an
already-filled slot of the active flow changes it, says so (`utter_corrected_<slot>` when
the domain has it, else `utter_corrected`, built in), and goes back to the confirmation
when there was one, or asks the current question again.

Which slot a value belongs to (docs/DESIGN.md, "Corrections"):
1. an entity names its slot: a typed extractor (ID number, phone, e-mail, date, a regex or
   categorical slot's own pattern or choices), a context template ("我叫[张三](name)"), or
   a payload `/intent{"slot": value}`. The engine fills those as it always does
   (turn._fill_from_entities); a fill that changes a filled slot of the active flow is a
   correction.
2. a bare number fits any number slot (integer, number, money: "make it 60" with the
   currency unsaid), so it goes to a filled number slot of the active
   flow only when exactly one such slot is named in the message (its `label` or name:
   "金额是5000" with `label: 金额`), or, when none is named, when the flow has exactly one
   filled number slot and the message sounds like a correction ("不对", "改成",
   "actually", "make it", "make that", "wait no"). A digit string another extractor took
   for a slot the flow does not collect (four digits read as a card's last four) is such
   a bare number too.

A correction comes too late (`too_late`) for a slot that an action of the active flow has
already sent and cannot send again from where the flow is: "损失是八十块，不对" at
"需要转人工吗？", after the complaint was filed with 50. The filed value stays; the
assistant says so (built-in `utter_too_late_to_change`) instead of announcing a change that
changes nothing (customer trial, session 14).
"""
from __future__ import annotations

import dataclasses
import re
from collections import deque
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from framework.compile.machine import CallAction, Flow
from framework.compile.diagram import flow_graph
from framework.engine.confirm import label
from framework.engine.context import TurnContext
from framework.engine.render import shown
from framework.engine.steps import collected_slots
from framework.nlu.interface import Entity, NLUResult
from framework.slots import GENERIC_EXTRACTORS, parse_value
from framework.slots.number_labels import IDENTIFIER_TYPES, balance_said, card_end
from framework.slots.answers import content_length, corrected_tail, language_key, sounds_like_correction, without_filler
from framework.slots.context import from_user, only_relation
from framework.slots.relative_amounts import multiple, relative_change
from framework.slots.mapping import MODEL_EXTRACTOR, fills

_NUMBER_TYPES = ("integer", "number", "money")
_BARE_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


# ("his name Jorge Ramirez", a non-native speaker's, was dropped: customer trial, session 41)
_NAME_IS = re.compile(r"\b(?:her|his|their|the(?:ir)? (?:person'?s|payee'?s))(?: full)? name(?:'s| is\b|\s*[:\-]|(?=\s+(?-i:[A-Z])|\s*$))"
                      r"|(?:她|他)(?:的名字)?叫", re.IGNORECASE)


# "no sorry, Tom was right, but do it Friday instead" at "Send $50.00 to Jerry …?" (Jerry having replaced Tom) changed
# only the date, and "yes" sent $50 to Jerry (customer trial, session 41): an earlier value said to have been right
_SAID_RIGHT = {
    "en": re.compile(r"\b(?P<v>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})\s+(?:was|is)\s+(?:right|correct|the right one)\b"
                     r"|\b(?:back to|go back to|make it)\s+(?P<w>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})\s+(?:after all|again)\b"),
    "zh": re.compile(r"(?:还是|就)(?P<v>[\u4e00-\u9fff]{2,4})(?:对|没错|是对的)"),
}


def earlier_value_said_right(ctx: TurnContext, nlu: NLUResult, waiting: str | None) -> NLUResult:
    """At a confirmation, a text value the flow held earlier in the session, said to have been right, is read as that
    slot's value again (an entity added for it)."""
    flow = ctx.flow()
    pattern = _SAID_RIGHT.get(language_key(ctx.assistant.language) or "en")
    text = nlu.text or ""
    if waiting != "confirm" or flow is None or pattern is None:
        return nlu
    for m in pattern.finditer(text):
        group = "v" if m.group("v") else "w"
        said = m.group(group)
        for name in sorted(collected_slots(flow)):
            slot, now = ctx.assistant.slots.get(name), ctx.slots.get(name)
            if slot is None or slot.type != "text" or not isinstance(now, str) or now.lower() == said.lower():
                continue
            earlier = [t.slot_changes.get(name) for t in ctx.original.history if name in t.slot_changes]
            if any(isinstance(v, str) and v.lower() == said.lower() for v in earlier):
                if any(e.start <= m.start(group) < e.end for e in nlu.entities if fills(slot, e, None)):
                    return nlu  # tagged already
                mapping = slot.entity_mappings()[0]
                entity = Entity(mapping.entity, said, said, m.start(group), m.end(group), "template")
                ctx.emit("earlier_value_again", slot=name)
                return dataclasses.replace(nlu, entities=nlu.entities + (entity,))
    return nlu


def retarget_person(ctx: TurnContext, nlu: NLUResult, waiting: str | None, intent: str | None,
                    confident: bool) -> NLUResult:
    """A person's name the model tagged for another flow's name slot, taken for the one of this flow.

    The name entities of two flows look alike: "send 50 to Sarah" then "Sarah Jones I mean" at the
    confirmation had "Sarah Jones" tagged `name` (the card activation's cardholder), dropped, and
    "yes" sent the money to Sarah; "activate card 1234 for Priya Nair" had the name tagged
    `recipient` (the transfer's), dropped, and the cardholder asked again (customer trial, session
    27). An entity whose every slot is a personal-data text slot (`pii: true`) that the flow does
    not collect goes to the flow's one such slot, when the flow has exactly one:
    - at its confirmation (or the "which item?" question), when the message sounds like a
      correction ("I mean", "actually", "make that") or is the name alone;
    - in the message that starts the flow (no flow active, its trigger intent confident).
    """
    flow = ctx.flow()
    if flow is None and confident and intent and not ctx.stack:
        flow = ctx.assistant.flow_for_intent(intent)
        at_start = flow is not None
    else:
        at_start = False
    # ... or at a question while the flow's person is already given, said as a correction: "sorry the name was
    # wrong, it should be Kevin OBrien" at "How much would you like to send?" (customer trial, session 31)
    # or names who was given as a relation only: "hi I need to pay my babysitter", then "her name is Rosa Delgado" at the
    # amount's question was dropped and $85 went to "my babysitter" (customer trial, session 32)
    aside = bool(waiting and waiting.startswith("slot:")) and (
        sounds_like_correction(nlu.text or "", ctx.assistant.language) or bool(_NAME_IS.search(nlu.text or "")))
    # ... or the name alone at another question while the flow's person is still missing: "ok then Kofi Mensah" at "How
    # much would you like to send?" after "send money to my friend" (nobody in particular) was tried as the amount
    # (customer trial, session 39)
    asked = bool(waiting and waiting.startswith("slot:"))
    if flow is None or not nlu.entities or not (at_start or waiting in ("confirm", "which") or aside or asked):
        return nlu
    other = ctx.assistant.flow_for_intent(intent) if confident and intent and not at_start else None
    if other is not None and other.name != flow.name:
        # "actually forget it, send $300 to Mary Jones instead" (transfer_money) at "Activate the card ending 1234
        # for John Smith?" renamed the cardholder Mary Jones (customer trial, session 30): a name said for
        # another request the classifier is sure of is that request's
        return nlu
    slots, mine = ctx.assistant.slots, collected_slots(flow)
    persons = [n for n in sorted(mine) if slots[n].type == "text" and slots[n].pii]
    if len(persons) != 1:
        return nlu
    target = slots[persons[0]]
    if aside and not at_start and waiting not in ("confirm", "which") and ctx.slots.get(target.name) is None:
        return nlu
    text = nlu.text or ""
    held = ctx.slots.get(target.name)
    if asked and not aside and not at_start and waiting not in ("confirm", "which") and (
            # (a person given as a relation only is still missing: "transfer money to my brother", then "Jorge Ramirez"
            # at the amount's question: customer trial, session 41)
            waiting == f"slot:{target.name}" or (held is not None and not only_relation(str(held)))
            or not any(only_filler(text[:e.start] + text[e.end:], ctx.assistant.language) for e in nlu.entities)):
        return nlu
    out, moved = [], False
    for entity in nlu.entities:
        if _MY_NAME.search(text[max(0, entity.start - 40):entity.start]):  # the words just before (the whole prefix
            # per entity was quadratic on a long message, now that questions reach here too)
            out.append(entity)  # "yes, my name is Sarah Jones": the customer's own name
            continue
        # the model's spans; a context template's only when it extends the value it corrects ("its Priya Raman
        # sorry" after "Priya": session 27's second round), never "it's [raining outside]"
        owners = ([s for s in slots.values() if fills(s, entity, None)]
                  if entity.extractor == MODEL_EXTRACTOR or _extends(entity.text, ctx.slots.get(target.name)) else [])
        if owners and all(s.name not in mine and s.type == "text" and s.pii for s in owners):
            mapping = target.entity_mappings()[0]
            candidate = dataclasses.replace(entity, entity=mapping.entity, role=mapping.role, group=mapping.group)
            if fills(target, candidate, None) and (at_start or sounds_like_correction(text, ctx.assistant.language)
                                                   or bool(_NAME_IS.search(text[max(0, entity.start - 30):entity.start]))
                                                   or _extends(entity.text, ctx.slots.get(target.name))
                                                   or only_filler(text[:entity.start] + text[entity.end:],
                                                                   ctx.assistant.language)):
                ctx.emit("entity_retargeted", entity=entity.entity, slot=target.name)
                entity, moved = candidate, True
        out.append(entity)
    if moved:
        # "make it Paula Reed, his sister" at the read-back: the name moved here, and "his sister" (the model's
        # recipient) is who she is, no second value (it was set, and $200 went to "his sister": customer trial,
        # session 35)
        named = [e for e in out if e.entity == target.entity_mappings()[0].entity and not only_relation(e.text)]
        if named:
            out = [e for e in out if not (fills(target, e, None) and only_relation(e.text))]
    return dataclasses.replace(nlu, entities=tuple(out)) if moved else nlu


_MY_NAME = re.compile(r"(?:\bmy name(?:'s| is)|\bi am|\bi'm|\bthis is|我叫|我的名字是?|本人)\s*$", re.IGNORECASE)


def _extends(text: str, current: Any) -> bool:
    """Whether `text` keeps every word of `current` and adds more ("Priya Raman" for "Priya")."""
    if not isinstance(current, str) or not current.strip():
        return False
    words, more = current.lower().split(), text.lower().split()
    return len(more) > len(words) and all(w in more for w in words)


def flow_collects(ctx: TurnContext) -> set[str]:
    flow = ctx.flow()
    return collected_slots(flow) if flow else set()


def corrected(ctx: TurnContext, collecting: str | None) -> list[str]:
    """Slots of the active flow whose value this turn changed (after entities filled them),
    other than the one being collected."""
    before = ctx.original.slots
    return [name for name in sorted(flow_collects(ctx))
            if name != collecting and before.get(name) is not None
            and ctx.slots.get(name) is not None and ctx.slots[name] != before[name]]


def filled_ahead(ctx: TurnContext, collecting: str | None) -> list[str]:
    """Slots of the active flow that were empty and got a value this turn, other than the
    one being collected: the user answered a later question first."""
    before = ctx.original.slots
    return [name for name in sorted(flow_collects(ctx))
            if name != collecting and before.get(name) is None and ctx.slots.get(name) is not None]


def answer_number(ctx: TurnContext, nlu: NLUResult, collecting: str | None, requested: Flow | None = None) -> bool:
    """At a number slot's question, digits another extractor read for a slot the active flow does not
    collect are the answer: "to Bob Marley, 2000" at "How much would you like to send?" had 2000 read
    as a card's last four digits, dropped, and the amount asked again (customer trial, session 27).
    Only one such number, none named as the other slot's ("card 2000"), none that `requested` (another flow
    the message asks for) collects: "whats the balance on card 1234?" (check_balance 1.00) at the amount's
    question sent $1,234 (customer trial, session 28). True when it was taken."""
    slots = ctx.assistant.slots
    slot = slots.get(collecting or "")
    if slot is None or slot.type not in _NUMBER_TYPES or ctx.slots.get(collecting) is not None:
        return False
    if collecting in ctx.out_of_range:
        # "50港币" at the loss question: refused (a foreign currency), then the model's plan "50" was taken as
        # 50 元 and read back for "对" (customer trial, session 30): a value refused is not taken another way
        return False
    wanted, text = flow_collects(ctx), (nlu.text or "").lower()
    theirs = (collected_slots(requested) if requested is not None and ctx.frame is not None
              and requested.name != ctx.frame.flow else set())
    found = [e for e in nlu.entities if e.extractor not in GENERIC_EXTRACTORS and e.entity not in wanted
             and e.entity not in theirs and _BARE_NUMBER.fullmatch(str(e.value).strip())]
    if len({str(e.value) for e in found}) != 1:
        return False
    if card_end(nlu.text or "", found[0].start, ctx.assistant.language):
        return False  # "my card number is 1234" at "How much would you like to send?" (customer trial, session 30)
    if balance_said(nlu.text or "", found[0].start, found[0].end):
        return False  # "um, my balance is 2000 by the way" (customer trial, session 32)
    owner = slots.get(found[0].entity)
    if owner is not None and names_slot(ctx, owner.name, text):
        return False
    parsed = parse_value(slot, str(found[0].value), ctx.assistant.language)
    if not parsed.ok:
        return False
    ctx.emit("number_taken", slot=collecting, read_as=found[0].entity)
    ctx.set_slot(collecting, parsed.value, source="entity")
    return True


# "ok 1.5k then" at "Send $125.00 …?": a yes and a number alone changes it (customer trial, session 30)
_YES_LEAD_ONLY = re.compile(r"(?:ok(?:ay)?|yes|yeah|yep|sure|fine|alright)[,.!\s]+(?:make it\s+)?"
                            r"(?:then|instead|please|pls|thanks)?[\s.!]*", re.IGNORECASE)


def _yes_and_number(text: str, numbers) -> bool:
    if len({(e.start, e.end) for e in numbers}) != 1:
        return False
    e = numbers[0]
    return bool(_YES_LEAD_ONLY.fullmatch((text[:e.start] + text[e.end:]).strip()))


def _restates(ctx: TurnContext) -> bool:
    from framework.engine.slot_filling import restates_request  # it builds on this module

    return restates_request(ctx)


def fill_numbers(ctx: TurnContext, nlu: NLUResult, collecting: str | None, requested: Flow | None = None) -> None:
    """Rule 2 of the module doc: a bare number as a correction of a number slot. A number
    another extractor claimed for a slot the active flow does not collect counts too:
    "wait no, make that 1150" at a transfer's confirmation, where 1150 looked like a card's
    last four digits (customer trial, session 11); not when that slot is collected by
    `requested`, another flow the message asks for: "wait forget that, my wallet is gone, block
    my card 1234" (lost_card 1.00) changed the transfer's amount to $1,234 (trial, session 25)."""
    wanted = flow_collects(ctx)
    theirs = (collected_slots(requested) if requested is not None and ctx.frame is not None
              and requested.name != ctx.frame.flow else set())
    numbers = [e for e in nlu.entities if e.extractor in GENERIC_EXTRACTORS]
    numbers += [e for e in nlu.entities if e.extractor not in GENERIC_EXTRACTORS and e.entity not in wanted
                and e.entity not in theirs and _BARE_NUMBER.fullmatch(str(e.value).strip())]
    # "wait whats on my card 1234 first" at "Send $75.00 to Lucy Chen …?" (activate_card 0.67) changed the amount
    # to $1,234 and "yes send it" sent it (customer trial, session 30): a card's number is no amount
    numbers = [e for e in numbers if not card_end(nlu.text or "", e.start, ctx.assistant.language)]
    # "wrong person, its Anna with two n" at "Send $50.00 to Ana …?" changed the amount to $2 and "yes" sent it
    # (customer trial, session 34): a number that counts something is no amount
    from framework.engine.slot_filling import counts_something  # it builds on this module

    numbers = [e for e in numbers if not counts_something(nlu.text or "", e)]
    # "身份证最后四位也错了，是1217，完整的是110101199003071217" at a complaint's read-back changed the loss to 1217 元
    # (customer trial, session 32): the end of another value said in the message, or a number said after another
    # slot's name, is that value's
    longer = [o for o in nlu.entities if isinstance(o.value, str) and len(o.value) >= 6]  # once, not per number
    numbers = [e for e in numbers if not _tail_of_another(e, longer)
               and not after_identifier_label(ctx, nlu.text or "", e)]
    if not numbers:
        return
    slots = ctx.assistant.slots
    candidates = [name for name in sorted(flow_collects(ctx))
                  if name != collecting and name in slots and slots[name].type in _NUMBER_TYPES
                  and from_user(slots[name]) and ctx.original.slots.get(name) is not None
                  and name not in ctx.slot_changes]  # "not 50, 15": set to 15 already, not back to 50
    if not candidates:
        return
    text = (nlu.text or "").lower()
    named = [n for n in candidates if names_slot(ctx, n, text)]
    if len(named) == 1:
        target = named[0]
    elif not named and len(candidates) == 1 and (sounds_like_correction(text, ctx.assistant.language)
                                                 or _restates(ctx) or _yes_and_number(text, numbers)
                                                 or _THAT_MAKES.match(text)):
        target = candidates[0]  # "ok send her 75" at "Send $150.00 …?" too (customer trial, session 30)
    else:
        return
    # "不是八百 是八十" at "经济损失 800元。确认登记吗？" took 800 again, and the no asked what to change
    # (customer trial, session 27): the numbers after the last correction marker first, and not the value held
    tail = corrected_tail(nlu.text or "", ctx.assistant.language)
    if tail is not None:
        numbers = [e for e in numbers if e.start >= tail[0]] + [e for e in numbers if e.start < tail[0]]
    held = ctx.original.slots.get(target)
    for entity in numbers:
        parsed = parse_value(slots[target], str(entity.value), ctx.assistant.language, today=ctx.today)
        if parsed.ok and (parsed.value != held or len(numbers) == 1):
            ctx.set_slot(target, parsed.value, source="correction")
            return


# A number worked out: "那就是45" at the read-back of a 15 元 loss ("扣了三个月了" before it) heard "没听明白" (customer
# trial, session 36); "so that's 45 then", "that makes 45"
_THAT_MAKES = re.compile(r"^\W*(?:那|那么|所以|哦)?(?:就是|就|应该是|一共是?|总共是?|加起来是?|算下来是?)\s*[\d一二两三四五六七八九十百千万]"
                         r"|^\W*(?:so\s+)?(?:that'?s|that makes|that comes to|it comes to|in total|total)\s+\$?\d", re.IGNORECASE)


def _tail_of_another(entity, entities) -> bool:
    """The number's digits end another, longer value of the message (an ID's last four); `entities`: the message's
    values of six characters or more (a 5,000-character message of numbers made this quadratic: hostile input)."""
    digits = str(entity.value).strip()
    return digits.isdigit() and any(
        o is not entity and isinstance(o.value, str) and len(o.value) > len(digits) and o.value.endswith(digits)
        and not (o.start <= entity.start and entity.end <= o.end) for o in entities)


def after_identifier_label(ctx: TurnContext, text: str, entity) -> bool:
    """The name of an identifier slot (an ID's, a phone's, a card's digits) shortly before the number."""
    before = text[max(0, entity.start - 16):entity.start].lower()
    if not before or any(ch.isdigit() for ch in before):
        return False
    for name, slot in ctx.assistant.slots.items():
        if slot.type not in IDENTIFIER_TYPES or not from_user(slot):
            continue
        words = [w for w in label_words(ctx, name) if w]
        # a Chinese label by its head too: "身份证最后四位是1217" names 身份证号
        words += [w[:3] for w in words if "\u4e00" <= w[0] <= "\u9fff" and len(w) > 3]
        if any(len(w) >= 2 and w.lower() in before for w in words):
            return True
    return False


def _reachable(flow: Flow) -> dict[str, set[str]]:
    """Each state's successors, at any distance: the edges of the flow's diagram (branches,
    transitions) and the routes a webhook's "next" may take."""
    prefix = f"{flow.name}."
    edges: dict[str, set[str]] = {name: set() for name in flow.states}
    for e in flow_graph(flow).edges:
        a, b = e.source.removeprefix(prefix), e.target.removeprefix(prefix)
        if a in edges and b in flow.states:
            edges[a].add(b)
    for name, state in flow.states.items():
        if isinstance(state.step, CallAction):
            edges[name].update(r for r in state.step.routes if r in flow.states)
    reach: dict[str, set[str]] = {}
    for start in flow.states:
        seen, queue = set(), deque(edges[start])
        while queue:
            name = queue.popleft()
            if name not in seen:
                seen.add(name)
                queue.extend(edges[name])
        reach[start] = seen
    return reach


def too_late(ctx: TurnContext, names: list[str]) -> list[str]:
    """Of `names`, the slots an action of the active flow has sent already: an action
    state that leads to the current state, which leads back to it by no path (so the flow
    has passed it for good), and whose action sends the slot (`sends`; every slot when
    unset), unless an action still ahead sends it again (a transfer refused for want of
    funds is sent again after its new amount: "send 1000 dollars to Ann" there was told
    the recipient could not change and the money went to Tom, trial of session 26)."""
    flow, frame = ctx.flow(), ctx.frame
    if not names or flow is None or frame is None:
        return []
    reach = _reachable(flow)
    ahead = reach.get(frame.state, set())
    sent: set[str] = set()
    resent: set[str] = set()
    for name, state in flow.states.items():
        if not isinstance(state.step, CallAction):
            continue
        sends = getattr(ctx.assistant.actions.get(state.step.action), "sends", None)
        slots = set(names) if sends is None else set(sends)
        if frame.state in reach[name] and name not in ahead:
            sent |= slots
        elif name in ahead or name == frame.state:
            resent |= slots
    return [n for n in names if n in sent and n not in resent]


def refuse_late(ctx: TurnContext, names: list[str]) -> None:
    """Keep the values already sent; say that they cannot be changed here (or, when the request
    was refused, that nothing went through: "换个身份证 1101…" after "该身份证名下号码已满" heard "已经随
    前面的申请提交了", customer trial of session 26)."""
    refused = last_action_refused(ctx)
    for name in names:
        ctx.undo_slot(name)
        ctx.emit("correction_too_late", flow=ctx.frame.flow, slot=name)
    if names:
        # once for them all ("这里改不了身份证号" and "这里改不了姓名" were two replies: customer trial, session 45)
        joined = ("、" if language_key(ctx.assistant.language) == "zh" else " and ").join(label(ctx, n) for n in names)
        ctx.say("utter_request_refused_no_change" if refused else "utter_too_late_to_change",
                extra={"changed_slot": joined})


def last_action_refused(ctx: TurnContext) -> bool:
    """Whether the last action of the conversation was refused or failed (nothing was done)."""
    for turn in reversed(ctx.original.history[-3:]):
        outcomes = [e for e in turn.events if e in ("action_succeeded", "action_refused", "action_failed")]
        if outcomes:
            return outcomes[-1] != "action_succeeded"
    return False


# "可以，损失是50" at "经济损失 20元。确认登记这条投诉吗？" did not name 损失金额, and the complaint was filed with 20
# (customer trial, session 30): a Chinese label names its slot without its generic last word too
_LABEL_TAIL = re.compile(r"(?<=[\u4e00-\u9fff]{2})(?:金额|号码|号|内容|类型|月份)$")


def label_words(ctx: TurnContext, name: str) -> tuple[str, ...]:
    """The words that name slot `name`: its label, the label less its tail ("损失金额" -> "损失"), its name
    and its entity."""
    slot = ctx.assistant.slots[name]
    label = slot.label or ""
    return (label, _LABEL_TAIL.sub("", label), name, name.replace("_", " "), slot.entity or "")


def names_slot(ctx: TurnContext, name: str, text: str) -> bool:
    """Whether `text` names slot `name` (its label, name or entity), case-insensitively."""
    lowered = text.lower()
    return any(w and w.lower() in lowered for w in label_words(ctx, name))


def _shown(ctx: TurnContext, name: str, value: Any) -> Any:
    """A date as people say it ("Saturday 5 December", "12月5日"), not "2026-12-05"; an ID number
    masked as in `{id_number:masked}` ("110105********002X": framework.engine.render.masked)."""
    slot = ctx.assistant.slots.get(name)
    if slot is not None and slot.type in ("date", "id_number", "phone") and isinstance(value, str):
        return shown(slot, value, ctx.assistant.language)
    return value


def announce(ctx: TurnContext, names: list[str]) -> None:
    for name in names:
        value: Any = ctx.slots.get(name)
        ctx.emit("slot_corrected", flow=ctx.frame.flow, slot=name)
        own = f"utter_corrected_{name}"
        ctx.say(own if own in ctx.assistant.responses else "utter_corrected",
                extra={"changed_slot": label(ctx, name), "changed_value": _shown(ctx, name, value)})


# Words around a value said again that add nothing: "to my landlord", "it's 450 dollars", "还是转给张三"
# "the day after tomorrow please", "next friday please" at a read-back were not taken, and "yes" sent it today
# (customer trial, session 31): politeness after the value
# "oh wait, it's 7777" at "I'll block the card ending 1234 … Go ahead?" said the digits stayed 1234, and "yes" blocked
# 1234 (customer trial, session 36): the sounds before a value are no words about it either
_AROUND = {"en": re.compile(r"^(?:(?:to|for|on|the|it'?s|it is|that'?s|that is|is|i said|just|still|oh|ah|oops|wait|hang on"
                            r"|hold on|sorry|actually|my bad|hmm+|um+|er+m*|no)\b[\s,.!]*)+"
                            # "please prepone it to today itself" (customer trial, session 33)
                            # "today is fine" at a read-back dated today (customer trial, session 36: the fallback)
                            r"|(?:[\s,]*\b(?:please|pls|plz|thanks|thank you|thx|then|itself|only|(?:is |sounds |would be )?(?:fine|good"
                            r"|ok(?:ay)?|perfect|grand)|works|will do)\b)+[\s.!]*$"),
           # "39的", "还是59吧": particles after the value too (customer trial, session 28)
           # "算了还是99吧", "那算了换99" at an opening's read-back (a fallback, and a cancel: session 28)
           # "整个一百二十九的", "整个129的吧" (dialect "make it"), "来个129的" at an opening's read-back were not taken
           # and "妥了" confirmed 59 (customer trial, session 31)
           # "算了算了，还是三十九" at a read-back cancelled the plan change (customer trial, session 31): a comma among them
           # "就二十块" at a read-back of a 20 元 loss heard "没听明白" (customer trial, session 36)
           "zh": re.compile(r"^(?:(?:算了|那|那就|还是|就是|就|是|转给|给|我说了|说了|换成?|改成|要|整个|整一个|来个|来一个|弄个|搞个|给我|给俺)"
                            r"[，,\s]*)+"
                            r"|(?:的|吧|啊|呀|呢|哦|嘛|套餐|那个|就行|就好|得了|哈|好|划算|合适|实惠|了|块钱|块|元|钱)+$")}  # "还是99的好"


def restated(ctx: TurnContext, nlu: NLUResult) -> str | None:
    """The slot whose current value the message only says again, at a confirmation: "to my
    landlord" at "Send $450.00 to my landlord on Saturday 5 December?" (customer trial,
    session 20: "I'm not sure I understood"), "450 dollars", "是张三". No change and no yes or
    no: the caller says `utter_value_unchanged` and asks the confirmation again, no attempt
    used. The value is an entity of the message that parses to the slot's value, or (a text
    slot) the value's own words; what is left around it must be filler ("to", "it's", "还是")."""
    slots, language = ctx.assistant.slots, ctx.assistant.language
    text = (nlu.text or "").strip()
    if not text or "?" in text or "？" in text:
        return None
    lowered = text.lower()
    for name in sorted(flow_collects(ctx)):
        slot, value = slots.get(name), ctx.slots.get(name)
        if slot is None or value is None or not from_user(slot):
            continue
        spans = [(e.start, e.end) for e in nlu.entities
                 if e.entity == name and parse_value(slot, str(e.value), language, today=ctx.today).value == value]
        if slot.type == "text" and isinstance(value, str) and value.strip():
            at = lowered.find(value.strip().lower())
            if at >= 0:
                spans.append((at, at + len(value.strip())))
        for start, end in spans:
            if only_filler(text[:start] + " " + text[end:], language):
                return name
    return None


def only_filler(rest: str, language: str | None) -> bool:
    """Whether `rest` (a message less a value) says nothing besides filler and words around a value."""
    rest = without_filler(rest, language) if content_length(rest) else rest
    around = _AROUND["zh" if language_key(language) == "zh" else "en"]
    rest = around.sub("", rest.strip(" \t,.!，。！、").lower())
    return content_length(rest) == 0


def say_unchanged(ctx: TurnContext, name: str) -> None:
    ctx.emit("value_unchanged", flow=ctx.frame.flow, slot=name)
    ctx.say("utter_value_unchanged",
            extra={"changed_slot": label(ctx, name), "changed_value": _shown(ctx, name, ctx.slots.get(name))})


def relative(ctx: TurnContext, nlu: NLUResult, collecting: str | None) -> str | bool | None:
    """A change said relative to a number slot's value, at a confirmation or a question: "actually
    add another 20" or "20 less" to $150, "再加20", or a multiple with no number said ("make it double",
    "half of that", "翻倍": session 36) (framework.slots.relative_amounts). Whatever this
    message set the slot to ("add another 20" made it $20 and $20 was sent: customer trial, session
    27), its value becomes the old one plus or minus the amount (in the same currency). The slot's
    name when it was changed (the caller announces it); False when the change is refused and said
    when the flow asks again: a total of 0 or less, or out of the slot's bounds (its `range_error`,
    else its `error`), or a direction the message leaves unclear ("change it by 20": built-in
    `utter_which_way`, the value kept); None when the message says no relative change. The slot:
    a filled number slot of the active flow, the one asked (asked again after "change the
    amount"), else the only one or the one the message names."""
    slots, language = ctx.assistant.slots, ctx.assistant.language
    candidates = [name for name in sorted(flow_collects(ctx))
                  if name in slots and slots[name].type in _NUMBER_TYPES
                  and from_user(slots[name]) and ctx.original.slots.get(name) is not None]
    text = nlu.text or ""
    if collecting in candidates:
        candidates = [collecting]
    elif len(candidates) > 1:
        candidates = [n for n in candidates if names_slot(ctx, n, text)]
    if len(candidates) != 1:
        return None
    name = candidates[0]
    slot = slots[name]
    loose = dataclasses.replace(slot, options={k: v for k, v in slot.options.items()
                                               if k not in ("min", "max", "zero_words")})
    amounts: dict[tuple[int, int], Any] = {}
    for entity in nlu.entities:
        parsed = parse_value(loose, str(entity.value), language, today=ctx.today)
        if parsed.ok and entity.start is not None and entity.end is not None:
            amounts.setdefault((entity.start, entity.end), parsed.value)
    factor = None if amounts else multiple(text, language)  # "make it double"
    found = relative_change(text, amounts, language) if factor is None else (1, None)
    if found is None:
        return None
    sign, span = found
    ctx.undo_slot(name)  # "add another 20" is no total of 20
    ctx.out_of_range.pop(name, None)
    ctx.refusal_extra.pop(name, None)
    old = ctx.original.slots[name]
    delta = amounts[span] if factor is None else None
    old_amount, delta_amount = (v.get("amount") if isinstance(v, Mapping) else v for v in (old, delta))
    old_currency, currency = (v.get("currency") if isinstance(v, Mapping) else None for v in (old, delta))
    if not sign:
        ctx.emit("change_unclear", slot=name)
        ctx.out_of_range[name] = "utter_which_way"
        ctx.refusal_extra[name] = {"which_label": label(ctx, name), "which_delta": _shown(ctx, name, delta),
                                   "which_value": _shown(ctx, name, old)}
        return False
    if factor is not None:
        total = (Decimal(str(old_amount)) * Decimal(str(factor))).quantize(Decimal("0.01"))
    else:
        total = Decimal(str(old_amount)) + sign * Decimal(str(delta_amount))
    total = int(total) if total == total.to_integral_value() else float(total)
    low, high = slot.options.get("min"), slot.options.get("max")
    if (old_currency and currency and old_currency != currency) or not isinstance(old_amount, (int, float)):
        response, error = slot.error_response, "another currency"
    elif total <= 0 or (low is not None and total < low) or (high is not None and total > high):
        response, error = slot.options.get("range_error") or slot.error_response, f"a total of {total}"
    else:
        value = {"amount": total, "currency": old_currency or currency} if isinstance(old, Mapping) else total
        ctx.set_slot(name, value, source="relative")
        return name
    ctx.out_of_range[name] = response
    ctx.emit("value_out_of_range", slot=name, error=error)
    return False
