"""The pure turn functions: a message (or an action's outcome) moves a session one turn on.

Priority of a message (docs/DESIGN.md, "Semantics"):
 0. the built-in commands /restart and /session_start (framework.engine.commands); then,
    while the flow waits for an answer, a message with no letter, digit or CJK character
    (emoji, punctuation) is not understood: the question again, no attempt
    (framework.engine.unreadable); a message that opens by refusing and then asks for
    something else ("no I dont want to send money, I want a refund") withdraws the active
    flow when the rest, ranked on its own, is out of scope or another flow's trigger, and is
    answered as that request (_refused_for);
 1. entities (framework.engine.slot_filling: mappings, roles, the combine rule): a valid
    value for the collected slot completes the collect step; a new value for an
    already-filled slot of the active flow is a correction: it is said, and the
    confirmation (if the flow is at one) is asked again (framework.engine.corrections);
    a value out of its slot's bounds is said (its range_error, once, before the question)
    and asked again the same way;
    a learnt value below the entity threshold is held, and asked about ("Did you mean
    ...?") when its slot is collected; the answer to that question comes before all this;
 2. global intents and other flows' triggers at confidence >= threshold, except that a
    reply naming one of the items a "which item?" question listed answers it (unless its
    intent is cancel or handoff), that at a confirmation a bare yes or no word, a yes and a
    go-ahead ("deffo, block it") and an item named to change ("can i change the recipient")
    answer it (framework.engine.confirm; a cancel or a handoff still runs), and that with no flow active a clear yes or no ("ok",
    "no thanks") is answered "anything else?" / "take care" (framework.engine.nothing_pending),
    and a follow-up to the flow that ended last ("and for 1234?") runs it again
    (framework.engine.follow_up);
    the trigger of a flow that ends the conversation (a goodbye, `ends_conversation`)
    while a question waits asks whether to stop first (framework.engine.stop_question);
 3. when collecting, a held learnt value's question, else a plain "no" that is no value of
    the slot asks whether to stop the flow (framework.engine.stop_question; its answer, as
    the goodbye's, comes at 0), as does a thanks or goodbye word ("好的谢谢") that is no
    value, else a message that is a command and no value ("取消", or
    "开户" while the open-account flow asks for the name: framework.engine.value_guard), else the whole utterance parsed
    as the slot's value (asked about first when it does not look like the slot's values:
    "开户吧" as a name);
 4. a confirm step's clear yes or no (framework.engine.confirm), or the answer to its
    "which item?" question;
 5. intent transitions;
 6. below the threshold (or nothing applies): the fallback response and a re-prompt; at a
    confirm step that is an attempt, and after max_attempts its on_failure.
Entities fill every slot they map to, whatever is being collected; a message that fills
another slot of the flow but not the collected one is no wrong answer (the question is
asked again, no attempt counted).
Every turn ends with at least one reply or a handoff; PII slots no active flow uses are
erased (framework.engine.lifetimes).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from framework.compile.machine import ASK_WHAT_TO_CHANGE, END, Assistant, CallAction, Collect, Confirm, Flow, frozen_map
from framework.engine import (bot_challenge, confirm, corrections, follow_up, foreign_language, handoff, hold_on,
                              intent_check, lifetimes, not_for, nothing_pending, notices, other_request, outcome,
                              side_questions, slot_filling, steps, stop_question, trigger_text, unavailable, unknown_value,
                              unreadable, value_guard, value_noted, why_asked)
from framework.engine.commands import RESTART, command, is_payload
from framework.engine.context import TurnContext
from framework.engine.render import display_date
from framework.engine.results import ActionResult, Event, TurnResult
from framework.engine.state import Frame, SessionState, timestamp
from framework.engine.unavailable import say_named
from framework.masking import SECRET_RE, secret_said
from framework.nlu.interface import Entity, IntentScore, NLUResult
from framework.slots import GENERIC_EXTRACTORS, ParseResult, parse_value
from framework.slots.answers import (after_filler, after_refusal, asks_what_to_do, refuses_a_wish, also_part, content_length, has_content, has_greeting, has_words,
                                     is_hedge, is_question, language_key, sounds_like_correction, without_filler, yes_no)
from framework.slots.command_words import (CLAUSE, asks_for_person, asks_to_cancel, command_word, dropped_lead, goes_on,
                                          money_trouble, asks_who_to_turn_to, negated_command, wants_person, withdrawn, withdrawn_on_asking)
from framework.slots.context import collect_text, from_user, model_for, only_relation, short_text
from framework.slots.mapping import fills
from framework.slots.number_labels import IDENTIFIER_TYPES
from framework.slots.partial_names import stated_surname, with_surname
from framework.slots.person_names import another_persons_name, names_kin, written_name

NOTHING_TO_CANCEL = "utter_nothing_to_cancel"
CANCELLED_RESUME = "utter_cancelled_resume"
CHOOSE_YOURSELF = "utter_choose_yourself"
NOTHING_TO_CONTINUE = "utter_nothing_to_continue"
ALREADY_DONE = "utter_already_done"
SCHEDULED_NOT_UNDONE = "utter_scheduled_not_undone"
DEFAULT_THRESHOLD = 0.5  # used when settings.fallback_threshold is "auto" and no model substituted one
# Extractors whose values passed a check (framework.slots.entities): "13812345678" is a phone
# number, whatever question it answered.
# Extractors that guess from the words around a value ("我叫张三"): for the slot being
# collected their guess ranks with the whole-utterance parse (3), after global intents, so
# "我是想转人工" is a handoff, not a name.
_CONTEXT_EXTRACTORS = frozenset({"context"})


def threshold(assistant: Assistant) -> float:
    value = assistant.settings.fallback_threshold
    return DEFAULT_THRESHOLD if value is None else value


def _today(now: float | dt.datetime) -> dt.date:
    return now.date() if isinstance(now, dt.datetime) else dt.date.fromtimestamp(float(now))


def _context(assistant: Assistant, state: SessionState, *, now, channel, text, intent, confidence,
             new_turn: bool) -> TurnContext:
    ctx = TurnContext(assistant, state, now=timestamp(now), today=_today(now), channel=channel,
                      text=text, intent=intent, confidence=confidence, new_turn=new_turn)
    # Frames that the current assistant no longer has (a redeploy changed the flows) are
    # dropped, and those waiting for a slot it no longer has (Frame.fits).
    for frame in list(ctx.stack):
        if not frame.fits(assistant):
            ctx.stack.remove(frame)
            ctx.emit("flow_dropped", flow=frame.flow, state=frame.state)
    return ctx


# A choice said with the question ("我要99的，多少钱一个月": 99 is taken, and the price said: session 30's tests)
_CHOOSES = re.compile(r"要|选|就|办|换成|改成|来个|来一个|给我|\b(?:i'?ll take|i want|give me|go with)\b", re.IGNORECASE)


def _asks_about_its_value(ctx: TurnContext, nlu: NLUResult, collecting: str) -> NLUResult | None:
    """The message names a value of the slot being asked inside a question about it, choosing nothing ("等一下，99的那个
    有多少流量？"): the message without that value (its words blanked), read as the same question asked of them all;
    None otherwise."""
    slot = ctx.assistant.slots.get(collecting)
    text = nlu.text or ""
    if slot is None or not is_question(text, ctx.assistant.language) or _CHOOSES.search(text):
        return None
    spans = [(e.start, e.end) for e in nlu.entities if fills(slot, e, collecting)]
    if not spans:
        return None
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return replace(nlu, text="".join(chars), entities=())


def _another_flows_request(ctx: TurnContext, nlu: NLUResult, intent: str | None, confident: bool) -> bool:
    """"等等，我先查下我现在这个号13712345678还有多少钱" at an opening's name question (查询 1.00) heard the plan prices
    (a side question's "多少钱") and the number was dropped (customer trial, session 33): a confident request of another
    flow that gives a value it collects is that request, no side question."""
    other = ctx.assistant.flow_for_intent(intent) if confident and intent else None
    if other is None or ctx.frame is None or other.name == ctx.frame.flow:
        return False
    # (a choice does not make it one: "是下个月初生效吧？这个月还按39扣？" at a plan change's read-back (查询, "这个月" a bill's
    # month) asked for a phone number, and "好，确认" twice submitted nothing: customer trial, session 44)
    return steps.gives_values(ctx, nlu, other, choices=False)


def _read_as(ctx: TurnContext, nlu: NLUResult) -> NLUResult:
    """`nlu`, now the turn's reading: its top intent and confidence set on the context."""
    ctx.intent, ctx.confidence = nlu.intent.name, nlu.intent.confidence
    return nlu


def _never_mind_go_ahead(assistant: Assistant, state: SessionState, nlu: NLUResult) -> NLUResult:
    """"never mind, just send it" at "Send $900.00 to Karim Benali …?" (cancel 1.00) cancelled the transfer (customer
    trial, session 33): at a read-back, a message whose last clause tells the assistant to go ahead is its yes, whatever
    it waves away before."""
    frame = state.stack[-1] if state.stack else None
    top, affirm, cancel = nlu.intent, assistant.behaviours.affirm.intents, assistant.behaviours.cancel.intents
    if frame is None or frame.waiting_for != "confirm" or top is None or not affirm or is_payload(nlu):
        return nlu
    clauses = [c for c in CLAUSE.split(nlu.text or "") if c.strip()]
    # thanks last is no go-ahead: "不用了，谢谢" at "需要为您转接人工客服吗？" heard "没太理解" (customer trial, session 35)
    if len(clauses) < 2 or not confirm.told_to_go_ahead(clauses[-1], assistant.language):
        return nlu
    if top.name not in cancel and not withdrawn(clauses[0], assistant.language):
        return nlu  # "算了，就这个吧，办吧" (肯定 0.64): a dismissal first, a go-ahead last
    return replace(nlu, ranking=(IntentScore(affirm[0], 1.0),)
                   + tuple(r for r in nlu.ranking if r.name != affirm[0] and r.name not in cancel))


# Words that stop something, anywhere in a message
_STOP_WORDS = {"en": re.compile(r"\b(?:cancel\w*|stop|forget|never ?mind|nvm|quit|abort|scrap|call (?:it |that )?off|"
                                r"don'?t (?:want|bother|need)|no longer|not anymore)\b", re.IGNORECASE),
               "zh": re.compile(r"取消|算了|不办了|不要了|不用了|停|别办|不弄了|不换了|不查了|不投诉了|不开了")}


def _question_no_cancel(assistant: Assistant, state: SessionState, nlu: NLUResult) -> NLUResult:
    """"can't you just convert it?" at "Please tell me the amount in US dollars" (cancel 0.74) cancelled the transfer
    (customer trial, session 39): while a flow waits, a question with no word that stops anything is no cancel; its
    cancel reading is taken as unsure (below the threshold), so the question is asked again."""
    top = nlu.intent
    if not state.stack or top is None or top.name not in assistant.behaviours.cancel.intents or is_payload(nlu):
        return nlu
    text = nlu.text or ""
    stop = _STOP_WORDS.get(language_key(assistant.language) or "en", _STOP_WORDS["en"])
    if not is_question(text, assistant.language) or stop.search(text):
        return nlu
    unsure = min(top.confidence, threshold(assistant) * 0.99)
    return replace(nlu, ranking=(replace(top, confidence=unsure),) + tuple(nlu.ranking[1:]))


def _day_after_given(assistant: Assistant, state: SessionState, nlu: NLUResult) -> NLUResult:
    """"the day after that" with a date given in the active flow, and no date of its own (none, or only the one
    given): that date's next day, an entity of the date slot (framework.slots.dates.day_after_that)."""
    from framework.slots.dates import day_after_that

    frame = state.stack[-1] if state.stack else None
    flow = assistant.flows.get(frame.flow) if frame else None
    if flow is None:
        return nlu
    dates = [e for e in nlu.entities if assistant.slots.get(e.entity) is not None and assistant.slots[e.entity].type == "date"]
    for name in sorted(steps.collected_slots(flow)):
        slot = assistant.slots.get(name)
        given = state.slots.get(name)
        if slot is None or slot.type != "date" or not isinstance(given, str):
            continue
        try:
            found = day_after_that(nlu.text or "", dt.date.fromisoformat(given))
        except ValueError:
            continue
        # a date of its own: "the day after" is not about the one given ("no tomorrow is a holiday, do it the day
        # after" names the date given, tomorrow, and asks for the next: customer trial, session 34); "friday" of
        # "the friday after that" is no date of its own
        if found is not None and not any(e.value != given and not (found[0] <= e.start and e.end <= found[1])
                                         for e in dates):
            start, end, day = found
            said = (nlu.text or "")[start:end]
            kept = tuple(e for e in nlu.entities if e not in dates)
            return replace(nlu, entities=kept + (Entity(slot.entity or name, day.isoformat(), said, start, end, "date"),))
    return nlu


def _currency_meant(assistant: Assistant, state: SessionState, nlu: NLUResult) -> NLUResult:
    """"oops sorry i meant dollars" (deny 0.93) right after "two hundred and fifty quid" was refused as not dollars
    asked whether to stop the transfer (tried by hand, end of session 35): at the refused money slot's question, a
    message that says only the slot's own currency takes the amount refused in it, an entity of that slot."""
    from framework.slots.money import currency_meant, find_money

    frame = state.stack[-1] if state.stack else None
    waiting = (frame.waiting_for or "") if frame else ""
    slot = assistant.slots.get(waiting[5:]) if waiting.startswith("slot:") else None
    last = state.history[-1] if state.history else None
    currency = slot.options.get("currency") if slot is not None and slot.type == "money" else None
    if (currency is None or last is None or "value_out_of_range" not in last.events
            or currency_meant(nlu.text or "") != currency):
        return nlu
    refused = [m for m in find_money(last.text or "") if m.currency and m.currency != currency]
    if len(refused) != 1:  # "50 quid to Tom and 20 euros to Ana": which one is not for guessing
        return nlu
    text = nlu.text or ""
    entity = Entity(slot.entity or slot.name, f"{refused[0].amount} {currency}", text.strip(), 0, len(text), "money")
    return _value_alone_read(nlu, entity)


def _value_alone_read(nlu: NLUResult, entity: Entity) -> NLUResult:
    """The message as `entity` said alone: its other entities of that slot dropped, and no intent trusted (the
    classifier's reading of "oops sorry i meant dollars" was deny 0.93, of "now" at a read-back goodbye 1.00)."""
    return _no_intent(nlu, tuple(e for e in nlu.entities if e.entity != entity.entity) + (entity,))


def _no_intent(nlu: NLUResult, entities: tuple[Entity, ...]) -> NLUResult:
    """The message with `entities` and no intent above any threshold (its top one at 0), nothing also or instead."""
    return replace(nlu, entities=entities, ranking=tuple(IntentScore(s.name, 0.0) for s in nlu.ranking[:1]),
                   also=(), instead=())


# A time that is today, said alone: "now" at "Send $20.00 to Tom on Sunday 6 December?" (read as goodbye 1.00) offered
# to stop the transfer (customer trial, session 36)
_NOW_ALONE = re.compile(r"^\W*(?:(?:right\s+|just\s+)?now|asap|a\.s\.a\.p\.?|immediately|straight\s+away|right\s+away"
                        r"|现在|马上|立刻|立即|今天就|就现在)(?:\s*(?:please|pls|plz|thanks|then|is fine|is good|就行|就好|吧|呀|啊))?\W*$",
                        re.IGNORECASE)


def _now_alone(assistant: Assistant, state: SessionState, nlu: NLUResult, today: dt.date) -> NLUResult:
    """"now" alone while the active flow has a date slot: that slot's value today (a change at a read-back of
    another day, the same value said again at one of today)."""
    frame = state.stack[-1] if state.stack else None
    flow = assistant.flows.get(frame.flow) if frame else None
    if flow is None or not _NOW_ALONE.match(nlu.text or ""):
        return nlu
    dated = [assistant.slots[n] for n in sorted(steps.collected_slots(flow))
             if n in assistant.slots and assistant.slots[n].type == "date"]
    if len(dated) != 1:
        return nlu
    slot, text = dated[0], nlu.text or ""
    return _value_alone_read(nlu, Entity(slot.entity or slot.name, today.isoformat(), text.strip(), 0, len(text), "date"))


def handle_message(assistant: Assistant, state: SessionState, nlu: NLUResult, *,
                   now: float | dt.datetime, channel: str | None = None) -> TurnResult:
    t = timestamp(now)
    expired = state.turn_count > 0 and t - state.updated_at > assistant.settings.session_timeout
    if expired:
        idle = t - state.updated_at
        state = SessionState.new(state.sender_id, t)
    cmd = command(nlu.text)
    if cmd is not None:  # a fresh session, as Rasa's /restart and /session_start
        state = SessionState.new(state.sender_id, t)
    nlu, negated = _negation_read(assistant, nlu)
    nlu = _person_read(assistant, nlu)
    nlu, withdrawn_as = _withdrawal_read(assistant, state, nlu)
    instead = _refused_for(assistant, state, nlu) if withdrawn_as is None else None
    if instead is not None:
        nlu = replace(nlu, ranking=instead, also=(), instead=())
    nlu = _request_after_dismissal(assistant, state, nlu)
    nlu = _request_after_ok(assistant, state, nlu)
    nlu = _day_after_given(assistant, state, nlu)
    nlu = _currency_meant(assistant, state, nlu)
    nlu = _now_alone(assistant, state, nlu, _today(now))
    nlu = _never_mind_go_ahead(assistant, state, nlu)
    nlu = _question_no_cancel(assistant, state, nlu)
    nlu = not_for.flow_after_warning(assistant, state, nlu)
    top = nlu.intent
    ctx = _context(assistant, state, now=now, channel=channel, text=nlu.text,
                   intent=top.name if top else None, confidence=top.confidence if top else None,
                   new_turn=True)
    if expired:
        ctx.emit("session_expired", idle_seconds=round(idle, 3))
    if negated is not None:
        ctx.negated = negated
        ctx.emit("command_negated", intent=negated, read_as=top.name if top else None)
    if withdrawn_as is not None:
        ctx.emit("request_withdrawn", intent=withdrawn_as, read_as=top.name)
    if secret_said(nlu.text or ""):  # "my pin is 4321": never to be shared, whatever else the message says
        ctx.emit("secret_shared")
        ctx.say("utter_secret_warning")
        if (cmd is None and ctx.frame is not None and (ctx.frame.waiting_for or "").startswith("slot:")
                and not any(ch.isdigit() for ch in SECRET_RE.sub(" ", nlu.text or ""))):
            steps.reprompt(ctx)  # no answer to the question, no attempt used: the question again
            return _finish(ctx)  # ("ok its 1234 pin 9876" answers it with 1234: read on)
    if cmd is not None:
        _restart(ctx, cmd)
        return _finish(ctx)
    if bot_challenge.answer(ctx):  # "are you a robot?": what the assistant is, the question that waits again
        return _finish(ctx)
    if instead is not None and _no_is_the_end(assistant, state):
        # "不用转，你直接告诉我彩铃怎么退订" at "需要为您转接人工客服吗？" after the complaint was filed heard "已取消", as if the
        # complaint were withdrawn (customer trial, session 40): the offer's no, then the other request
        ctx.emit("denied", flow=ctx.frame.flow, state=ctx.frame.state)
        steps.goto(ctx, ctx.state().step.on_no)
    elif instead is not None and ctx.frame.waiting_for == intent_check.WAITING:
        # "不是，我先看看账单" at "请问您是要投诉吗？" heard "已取消" before the bill's question (customer trial, session 40):
        # a flow only asked about has nothing to cancel
        checked = ctx.stack.pop()
        ctx.emit("flow_cancelled", flow=checked.flow, state=checked.state, reason="check_declined")
    elif instead is not None:  # "no I dont want to send money, I want a refund": the flow goes first
        ctx.emit("request_withdrawn", flow=ctx.frame.flow, instead=top.name)
        _cancel(ctx)
    if state.pending_action is not None:  # the edge never reported back; do not wait forever
        ctx.emit("action_abandoned", action=state.pending_action.action)
    for slot in assistant.slots.values():
        if slot.initial is not None and slot.name not in ctx.slots:
            ctx.slots[slot.name] = slot.initial
    instead_of_handoff = handoff.withdrawn_in_the_message(ctx, nlu)  # "get me a human... actually no, forget that, …"
    if instead_of_handoff is not None:
        nlu = _read_as(ctx, instead_of_handoff)
    taken = handoff.taken_back(ctx, nlu)  # "那算了不转了，继续办吧" right after a handoff
    if taken is True or (taken is False and handoff.still_waiting(ctx)):  # "快点" right after one
        return _finish(ctx)
    if taken is not False:  # "ok forget the agent, send 25 to Maya instead": read on, as that request
        nlu = _read_as(ctx, taken)
    _respond(ctx, _without_also_values(ctx, nlu))
    notices.tell(ctx)  # "send 80 to Priya from card 1234": transfers are paid from the main account, said first
    _defer_also(ctx, nlu)
    return _finish(ctx)


def _request_after_dismissal(assistant: Assistant, state: SessionState, nlu: NLUResult) -> NLUResult:
    """With nothing under way, "never mind. I have to send money to my brother" (cancel) heard "There's nothing in
    progress to cancel" and the transfer was never started (customer trial, session 36): a cancel or no reading, and a
    request after the dismissal the classifier is sure of (NLUResult.instead), is that request."""
    top, b = nlu.intent, assistant.behaviours
    flow = _instead_flow(assistant, nlu)
    if state.stack or top is None or flow is None or flow.ends_conversation or top.name not in b.cancel.intents + b.deny.intents:
        return nlu
    return replace(nlu, ranking=tuple(nlu.instead), also=(), instead=())


def _instead_flow(assistant: Assistant, nlu: NLUResult) -> Flow | None:
    """The flow the request after a refusal or dismissal (NLUResult.instead) starts, when the classifier is sure of it."""
    first = nlu.instead[0] if nlu.instead else None
    return assistant.flow_for_intent(first.name) if first is not None and first.confidence >= threshold(assistant) else None


def _request_after_ok(assistant: Assistant, state: SessionState, nlu: NLUResult) -> NLUResult:
    """With no flow active, "ok and send two fifty to my mum" (affirm 1.00) heard "Is there anything else I can
    help you with?" (customer trial, session 29): a yes, a no or thanks that only opens the message, and a
    request after it the classifier is sure of, is that request."""
    second, top = (nlu.also[0] if nlu.also else None), nlu.intent
    flow = assistant.flow_for_intent(second.name) if second is not None else None
    b = assistant.behaviours
    # ... and at a flow's question (a yes is no answer there): "行吧。还有个事，…视频会员25块钱…，我要投诉" (肯定 1.00) at
    # "开户还是变更套餐？" heard "请从这几项里选一个" (customer trial, session 42)
    asking = bool(state.stack) and (state.stack[-1].waiting_for or "").startswith("slot:")
    if ((state.stack and not asking) or top is None or flow is None or flow.ends_conversation
            or second.confidence < threshold(assistant)
            or top.name not in b.affirm.intents + b.deny.intents + b.greet.intents):
        return nlu
    head = also_part(nlu.text or "", assistant.language)
    # ... or that only remarks before it: "oh dear that's low. He also wants to pay his cleaner Rosa Diaz, 60 dollars, but
    # on Friday" (deny 0.88) after a balance heard "Alright." and the transfer was lost (customer trial, session 42)
    if head is None or (yes_no(head[0], assistant.language) is None and not has_greeting(head[0])
                        and (top.name in b.greet.intents or asking)):
        return nlu
    return replace(nlu, ranking=tuple(nlu.also), also=())


def _without_also_values(ctx: TurnContext, nlu: NLUResult) -> NLUResult:
    """The message less the values said in its second request's words, when that request is sure
    to wait for its own flow (`_defer_also`): "我想开户，另外129套餐是什么内容" opened the account with 129
    and then offered to sign up for 129 again (customer trial, session 26)."""
    second = nlu.also[0] if nlu.also else None
    if second is None or nlu.also_span is None or second.confidence < threshold(ctx.assistant):
        return nlu
    flow, lead = ctx.assistant.flow_for_intent(second.name), nlu.intent
    if flow is None or (lead is not None and ctx.assistant.flow_for_intent(lead.name) is flow):
        return nlu
    start, end = nlu.also_span
    said = (nlu.text or "")[start:end]
    # "ok then send only 40" sent $500 and started a second transfer of $40 (customer trial, session 33): "only" too
    if (ctx.frame is not None and ctx.frame.flow == flow.name
            and (_THIS_ONE.search(said) or confirm.CHANGES_THIS.search(said))):
        # "actually make it 30 and send it to Hans" at "Who should I send it to?": "send it to Hans" is this
        # transfer's, not a second one (Hans was dropped and the question asked again: customer trial, session 31)
        return nlu
    others = [(start, end)] + [later_span for _, later_span in nlu.later]  # and the third request's and after
    # ... but who the customer is, said once for both: "我要投诉你们乱扣我流量费八十八块，另外把我套餐换成59的，我是王小明1101…"
    # asked the complaint's name and ID again (customer trial, session 44): a personal value both flows ask stays
    lead_flow = ctx.assistant.flow_for_intent(lead.name) if lead is not None else None
    shared = ({n for n in steps.collected_slots(flow) & steps.collected_slots(lead_flow)
               if getattr(ctx.assistant.slots.get(n), "pii", False)} if lead_flow is not None else set())
    kept = tuple(e for e in nlu.entities if not any(a <= e.start and e.end <= b for a, b in others)
                 or any(fills(ctx.assistant.slots[n], e, n) for n in shared))
    ctx.also_entities = tuple(e for e in nlu.entities if e not in kept)
    return replace(nlu, entities=kept) if len(kept) < len(nlu.entities) else nlu


# The request under way said again by its pronoun: "… and send it to Hans", "…，这笔转给他"
_THIS_ONE = re.compile(r"\b(?:send|pay|transfer|give|wire|move)\s+(?:it|that|this)\b|(?:把)?(?:它|这笔|那笔)", re.IGNORECASE)


def _defer_also(ctx: TurnContext, nlu: NLUResult) -> None:
    """"block my card and also tell me my balance": the flow of the first request started this
    turn; the second (the part after "also", ranked on its own: NLUResult.also), when the
    classifier is sure it triggers another flow, waits under it and starts when it ends, as a
    request refused mid-flow does (event `flow_deferred`, reason `also`), and the built-in
    `utter_both_requests` says so before the question (customer trial, session 21: the
    balance was never given)."""
    second = nlu.also[0] if nlu.also else None
    # a flow started, or a confirmation answered ("确认，顺便查下13812345678的余额": the balance was
    # dropped without a word, customer trial of session 26)
    started = [e for e in ctx.events if e.name in ("flow_started", "confirmed", "denied")]
    if (second is not None and not started and not ctx.stack and second.confidence >= threshold(ctx.assistant)
            and any(e.name == "out_of_scope" for e in ctx.events)):
        # "what's the interest rate on your savings account, and also I need to send $60 to Liam O'Brien tomorrow" heard
        # "That's outside what I can do" and the transfer was dropped (customer trial, session 44): the part not served
        # is said so, the other request starts, with its words' values
        other = ctx.assistant.flow_for_intent(second.name)
        if other is not None and not other.ends_conversation:
            steps.start_flow(ctx, other, reason="also", prefill=_also_prefill(ctx, nlu, other))
        return
    if second is None or not started or second.confidence < threshold(ctx.assistant):
        return
    deferred = ctx.assistant.flow_for_intent(second.name)
    if not ctx.frame:
        # a no that ended the flow, and another request after it ("不用了。顺便问下，59和99的有啥区别" at the complaint's
        # "需要转人工吗？": customer trial, session 42): that request now
        if deferred is not None and started[-1].name == "denied" and not ctx.action:
            # ... with the values its words gave ("不用了，顺便帮我查查这个月账单，18912345678" asked both again:
            # customer trial, session 43)
            steps.start_flow(ctx, deferred, reason="also", prefill=_also_prefill(ctx, nlu, deferred))
        return
    # "yes and also send 20 to Bob" at "Send $60.00 to Yuki …?": the same request again, for after this one
    # (the second transfer was dropped: customer trial, session 29)
    again = (deferred is not None and ctx.frame.flow == deferred.name and any(e.name == "confirmed" for e in started)
             and sum(f.flow == deferred.name for f in ctx.stack) == 1)
    if not _defer(ctx, deferred, reason="also", again=again):
        return
    # of three requests or more, each its own words (NLUResult.later)
    _save_for_deferred(ctx, nlu, deferred, again=again, span=nlu.also_span if nlu.later else None)
    more = _defer_later(ctx, nlu, deferred) + _after_the_second_run(ctx, deferred)
    # both asked at once: not the busy reply ("我们先把当前这件事办完，稍后再处理您的新问题", said in a
    # trial of session 23 to "帮我查下余额，顺便投诉一下你们的网速" as if the balance were a new question)
    _say_first(ctx, ALL_REQUESTS if more else BOTH_REQUESTS)


def _say_first(ctx: TurnContext, response: str, extra: dict | None = None) -> None:
    """Say `response` before what this turn has said so far."""
    said = len(ctx.replies)
    ctx.say(response, extra=extra)
    ctx.replies[:] = ctx.replies[said:] + ctx.replies[:said]


def _after_the_second_run(ctx: TurnContext, deferred: Flow) -> int:
    """"帮我查下13912345678的余额和上个月账单，顺便问问99的套餐都包含啥": the bill waited as the query's second run, the plan
    question was put before it, and "两件事我都记下了" and "两件我都记下了，一件一件来" were both said (customer trial, session
    43). The flow deferred for the `also` request waits after the second run, and one "all of them" is said: 1 when so."""
    if not any(e.name == "flow_deferred" and e.data.get("reason") == "second_request" for e in ctx.events):
        return 0
    at = len(ctx.stack) - 2
    runs = [i for i in range(at) if ctx.stack[i].flow == ctx.frame.flow]
    if not runs or ctx.stack[at].flow != deferred.name:
        return 0
    ctx.stack.insert(runs[-1], ctx.stack.pop(at))
    ctx.replies[:] = [r for r in ctx.replies if r.response != "utter_one_at_a_time"]
    return 1


def _defer_later(ctx: TurnContext, nlu: NLUResult, second: Flow) -> int:
    """The third request of a message and after (NLUResult.later), each under the one said before it with the values
    of its own words ("…, and also send $400 to Peter Novak today, and could you tell me the balance on my other
    card, the 7777 one": the balance was never given, customer trial of session 42); how many wait."""
    at = next(i for i in range(len(ctx.stack) - 1, -1, -1) if ctx.stack[i].flow == second.name)
    count = 0
    for ranking, span in nlu.later:
        flow = ctx.assistant.flow_for_intent(ranking[0].name)
        if flow is None or any(f.flow == flow.name for f in ctx.stack):
            continue
        ctx.stack.insert(at, Frame(flow.name, flow.start))
        ctx.emit("flow_deferred", flow=flow.name, until=second.name, reason="also")
        _save_for_deferred(ctx, nlu, flow, span=span, at=at)
        count += 1
    return count


def _save_for_deferred(ctx: TurnContext, nlu: NLUResult, flow: Flow, *, again: bool = False,
                       span: tuple[int, int] | None = None, at: int | None = None) -> None:
    """The values the message gave the deferred request in its own words ("… and send 20 dollars to
    Tom": 20, Tom), saved in the deferred frame and set when it starts (framework.engine.other_request
    .restore); they were dropped as unused by the first. A request said later (`span`, its frame at `at`): the
    values of its own words only."""
    text = nlu.text or ""
    theirs = steps.collected_slots(flow)  # only from its own words (below): 129 of "另外129套餐是什么内容"
    parts = also_part(text, ctx.assistant.language)
    if span is not None:
        parts = (text[:span[0]], text[span[0]:span[1]])
    after, before = span or nlu.also_span or ((text.rfind(parts[1]), len(text)) if parts else (0, len(text)))
    # "balance on 1234 and send 20 dollars": 1234 is no amount (the same request again: a bare number is its own)
    saved = _values_said(ctx, nlu, theirs, after, before, generic=again)
    # "我叫王小明，身份证11010519491231002X，先帮我查下…话费，然后把套餐换成129的": the name and ID said before the first
    # request are the second's too when the first collects neither (customer trial, session 41: both asked again)
    first = steps.collected_slots(ctx.flow()) if ctx.flow() is not None else set()
    personal = {n for n in theirs if n not in first and n not in saved and n in ctx.assistant.slots
                and ctx.assistant.slots[n].pii}
    if personal and not again:
        saved.update(_values_said(ctx, nlu, personal, 0, len(text), generic=False))
    for state in flow.states.values():  # "…，另外投诉一下你们信号太差": the complaint's own words
        step = state.step
        if isinstance(step, Collect) and step.from_trigger is not None and step.slot not in saved and parts:
            own = parts[1] if span is not None else trigger_text.own_part(text, step, ctx.assistant.language, second=True)
            value = trigger_text.value_in(ctx, step, own)
            if value is not None:
                saved[step.slot] = value
    if again:
        saved = other_request.second_run(saved, theirs)
    if parts and steps.names_another(parts[1], ctx.assistant.language):
        # "activate my new card and then check the balance on my old one": the balance took the new card's 4821 when
        # it started (customer trial, session 36); the other one's identifiers are asked, not carried over
        saved.update({n: None for n in theirs if n not in saved and n in ctx.assistant.slots
                      and ctx.assistant.slots[n].type in ("regex", "phone")})
    if saved:
        at = len(ctx.stack) - 2 if at is None else at
        ctx.stack[at] = replace(ctx.stack[at], saved=frozen_map({"slots": frozen_map(saved)}))


def _values_said(ctx: TurnContext, nlu: NLUResult, wanted, start: int, end: int, *, generic: bool) -> dict:
    """The values the message's entities between `start` and `end` give the `wanted` slots, each parsed by its
    slot (the first that parses); bare numbers and other generic readings only with `generic`."""
    values: dict = {}
    for name in sorted(wanted):
        slot = ctx.assistant.slots.get(name)
        for entity in nlu.entities if slot is not None else ():
            # "… and then send 50 to my sister Anna Lee tomorrow": "my sister" was saved, the name dropped, and "yes"
            # sent the money to "my sister" (customer trial, session 37): who she is gives way to her name
            if ((name in values and not (isinstance(values[name], str) and only_relation(values[name])))
                    or entity.start < start or entity.end > end
                    or (entity.extractor in GENERIC_EXTRACTORS and not generic) or not fills(slot, entity, None)
                    # "…另外我现在39的套餐不够用，想换成59的" saved 39 for the plan change (customer trial, session 46)
                    or slot_filling.turned_down(ctx, slot, nlu.text or "", entity)
                    # "Hi, I'm Maria Garcia. … then … send $60 to Jo O'Brien on the 15th" sent the $60 to Maria Garcia
                    # (customer trial, session 46): the speaker is nobody the other request pays
                    or (slot.options.get("other") and slot_filling.said_by_the_speaker(nlu.text or "", entity))):
                continue
            # read as filling reads it: "… and also send Peter 10 for the taxi" saved the recipient "Peter 10", and
            # the money went to that name (customer trial, session 31)
            parsed = slot_filling.entity_value(ctx, slot, entity)
            if parsed.ok and isinstance(parsed.value, str) and only_relation(parsed.value):
                # "…, then move 250 over to my flatmate Ines Duarte for the electric, and also …" read back "my
                # flatmate" (tried by hand, session 43): the name said right after the relation is the value
                after = _NAME_AFTER_RELATION.match(nlu.text or "", entity.end)
                named = parse_value(slot, after.group("name"), ctx.assistant.language, today=ctx.today) if after else None
                parsed = named if named is not None and named.ok else parsed
            if parsed.ok and not (name in values and isinstance(parsed.value, str) and only_relation(parsed.value)):
                values[name] = parsed.value
        if slot is not None and slot.options.get("other") and name not in values:
            # ... and "Jo O'Brien" there was read as a name (the customer's own kind), not the payee: a name said right
            # after "to" is the payee
            for entity in nlu.entities:
                if (start <= entity.start and entity.end <= end and entity.entity != slot.name
                        and _TO_BEFORE.search((nlu.text or "")[max(0, entity.start - 6):entity.start])
                        and isinstance(entity.value, str) and _NAME_AFTER_RELATION.fullmatch(" " + entity.value)):
                    parsed = parse_value(slot, entity.value, ctx.assistant.language, today=ctx.today)
                    if parsed is not None and parsed.ok:
                        values[name] = parsed.value
                        break
    return values


_TO_BEFORE = re.compile(r"\b(?:to|pay)\s+$", re.IGNORECASE)


_NAME_AFTER_RELATION = re.compile(r"\s+(?P<name>[A-Z][a-z'-]+(?:\s+(?:[A-Z][a-z'-]+|O'[A-Z][a-z]+)){1,2})\b")

BOTH_REQUESTS = "utter_both_requests"
ALL_REQUESTS = "utter_all_requests"
REQUEST_WITHDRAWN = "utter_request_withdrawn"


def _withdrawal_read(assistant: Assistant, state: SessionState, nlu: NLUResult) -> tuple[NLUResult, str | None]:
    """With a flow active, a message whose last clause withdraws the request ("携号转网我反悔了，
    别给我办了", "算了我反悔了，不办了": read as 投诉 0.51-0.95 by all three telecom_zh models of
    session 22, which started a complaint) is read as the domain's cancel intent, as the
    whole-message command word "不办了" is (framework.slots.command_words.withdrawn). Not a
    question, a payload, or a message the classifier already reads as cancel. Returns the NLU
    result to use and the intent that was replaced (None when kept)."""
    deny = _deny_intent(assistant)
    if (state.stack and (state.stack[-1].waiting_for or "").startswith("slot:") and deny and not is_payload(nlu)
            and _SOFT_NO.match((nlu.text or "").strip())):
        # "不用了" at "损失大概是多少钱？" cancelled the complaint and lost it (customer trial, session 26): at a
        # question it is a no, whose "Do you want to stop here?" asks before anything is dropped
        return replace(nlu, ranking=(IntentScore(deny, 1.0),) + tuple(r for r in nlu.ranking if r.name != deny)), None
    top, cancel = nlu.intent, assistant.behaviours.cancel.intents
    text = nlu.text or ""
    if (top is not None and top.name in cancel and state.stack and top.confidence < threshold(assistant)
            and not is_payload(nlu) and not is_question(text, assistant.language) and withdrawn(text, assistant.language)
            and not _takes_any_answer(assistant, state)):
        # "actually no, cancel that" (cancel 0.58) at a read-back heard "I'm not sure I understood" and the transfer
        # stayed pending (customer trial, session 35): cancelled in words, the classifier's unsure cancel stands
        return replace(nlu, ranking=(IntentScore(top.name, 1.0),) + tuple(nlu.ranking[1:])), None
    if top is None or not cancel or top.name in cancel or is_payload(nlu):
        return nlu, None
    if top.name in assistant.behaviours.handoff.intents and wants_person(text, assistant.language):
        # "算了，还是帮我转人工吧" (转人工 1.00) cancelled the opening and handed no one over (customer trial, session 34):
        # the person asked for after the dismissal is the request
        return nlu, None
    if is_question(text, assistant.language):
        return nlu, None
    if not state.stack:
        # the request and its withdrawal in one message ("can you block my card … wait no dont, i
        # found it"): no flow starts (_cancel says utter_request_withdrawn)
        if assistant.flow_for_intent(top.name) is None or not withdrawn_on_asking(text, assistant.language):
            return nlu, None
    elif (_takes_any_answer(assistant, state) or not withdrawn(text, assistant.language)
          or _no_is_the_end(assistant, state)):
        return nlu, None
    chosen = _chose_another(assistant, state, nlu) if state.stack else None
    if chosen is not None:
        return chosen, None
    other = _instead_flow(assistant, nlu)
    if other is not None and other.name not in {f.flow for f in state.stack}:
        return nlu, None  # "那算了。我要投诉，…": the request after the dismissal (_refused_for)
    ranking = (IntentScore(cancel[0], 1.0),) + tuple(r for r in nlu.ranking if r.name != cancel[0])
    return replace(nlu, ranking=ranking), top.name


# A choice after a dismissal: "拉倒吧，还是五十九的好了", "算了，还是59的吧，129太贵了" at the read-back of plan 129 said
# "套餐还是 129，没有变" and cancelled the change, the second started a complaint (customer trial, session 36)
_CHOSEN_AFTER = {"zh": re.compile(r"(?:还是|换成|改成|改为|换|就要|要|那就|就)\s*$"),
                 "en": re.compile(r"\b(?:just|rather|make it|go with|take|i'?ll take|instead)\s*$", re.IGNORECASE)}


def _chosen(text: str, entity: Entity, language: str | None) -> bool:
    """Whether `entity` is said right after a word that chooses it ("还是59的", "换成99的", "make it 60")."""
    pattern = _CHOSEN_AFTER.get(language_key(language) or "en", _CHOSEN_AFTER["en"])
    return bool(pattern.search(text[max(0, entity.start - 6):entity.start]))


def _chose_another(assistant: Assistant, state: SessionState, nlu: NLUResult) -> NLUResult | None:
    """The message withdraws (算了, 拉倒吧) and then chooses another value of the active flow's slot than the one it
    holds: a change, not a cancel. The message with the values it names for that slot other than the chosen one
    dropped ("129太贵了" names the one turned down), and no intent trusted; None when it chooses nothing new."""
    flow = assistant.flows.get(state.stack[-1].flow)
    if flow is None:
        return None
    text = nlu.text or ""
    wanted = steps.collected_slots(flow)
    for e in nlu.entities:
        slot = assistant.slots.get(e.entity)
        if (slot is None or slot.name not in wanted or state.slots.get(slot.name) is None
                or not _chosen(text, e, assistant.language)):
            continue
        parsed = parse_value(slot, str(e.value), assistant.language)
        if parsed.ok and parsed.value != state.slots.get(slot.name):
            kept = tuple(x for x in nlu.entities if x.entity != e.entity or (x.start, x.end) == (e.start, e.end)
                         or (x.start <= e.start and e.end <= x.end) or (e.start <= x.start and x.end <= e.end))
            return _no_intent(nlu, kept)
    return None


# A bare "no need" (不用了, 算了): at a confirmation the withdrawal, at a question a no
_SOFT_NO = re.compile(r"^(?:那|那就|嗯|哦|唉|哎)?(?:不用了|不需要了|不要了|算了)+(?:吧|啦|谢谢)?[。.!！]*$")


def _deny_intent(assistant: Assistant) -> str | None:
    return assistant.behaviours.deny.intents[0] if assistant.behaviours.deny.intents else None


def _active_step(assistant: Assistant, state: SessionState):
    """The active flow (None after a reload that dropped it) and the step its frame is at."""
    frame = state.stack[-1]
    flow = assistant.flows.get(frame.flow)
    return flow, (flow.states[frame.state].step if flow and frame.state in flow.states else None)


def _no_is_the_end(assistant: Assistant, state: SessionState) -> bool:
    """Whether the active flow waits at a confirmation whose no only says something and ends it
    ("需要为您转接人工客服吗？" after the complaint was filed): "不用了" there is that no, not a
    cancel of what was done (framework.engine.stop_question.no_loses_nothing)."""
    flow, step = _active_step(assistant, state)
    return (state.stack[-1].waiting_for == "confirm" and isinstance(step, Confirm)
            and stop_question.no_loses_nothing(flow, step.on_no))


def _takes_any_answer(assistant: Assistant, state: SessionState) -> bool:
    """Whether the active flow waits at a free-text question: every answer is the value there."""
    _, step = _active_step(assistant, state)
    return isinstance(step, Collect) and not step.value_guard


def _refused_for(assistant: Assistant, state: SessionState, nlu: NLUResult) -> tuple[IntentScore, ...] | None:
    """With a flow active, a message that opens by refusing and then asks for something else
    ("no I dont want to send money, I want a refund" at the amount question: deny 0.62, the
    amount's error, a customer trial of session 23; "我不想换套餐了，帮我查下话费"): when what
    follows the refusal (NLUResult.instead, ranked on its own) is, at or above the threshold,
    out of scope or the trigger of another flow, the active flow is withdrawn and the message
    answered as that request. Not at a free-text question (every answer is its value), nor when
    the rest asks for the active flow again ("I don't want to send it to mum, send it to dad"
    corrects it). Returns the ranking to answer with, or None."""
    first = nlu.instead[0] if nlu.instead else None
    if first is None or not state.stack or is_payload(nlu) or first.confidence < threshold(assistant):
        return None
    if _takes_any_answer(assistant, state):
        return None
    if (state.stack[-1].waiting_for or "").startswith(slot_filling.WAITING):
        # "no, Gym Plus Ltd" at "Did you mean the gym as your recipient?" (its rest out of scope) cancelled the transfer
        # (customer trial, session 44): at "Did you mean …?" a no and more is the value meant
        return None
    if (state.stack[-1].waiting_for == "confirm" and not refuses_a_wish(nlu.text or "", assistant.language)
            # (at an offer whose no loses nothing, any no then another request: "No, I don't have time for that now.
            # Can you at least activate my new card?" at "Would you like me to connect you to an agent…?" heard "Let's
            # finish this first": customer trial, session 41)
            and not _no_is_the_end(assistant, state)):
        return None  # "no, just check the balance on it" at a read-back: the confirmation's no, then that request
    wanted = assistant.flow_for_intent(first.name)
    # out of scope only when no question: "I don't want to say, can I just give his phone number?" at
    # the recipient question asks about this flow, however the classifier files it
    off_topic = (first.name in assistant.behaviours.out_of_scope.intents
                 and not is_question(after_refusal(nlu.text or "", assistant.language) or "", assistant.language))
    if not off_topic and (wanted is None or wanted.name in {f.flow for f in state.stack}):
        return None
    return nlu.instead


def _person_read(assistant: Assistant, nlu: NLUResult) -> NLUResult:
    """"你听不懂 我要跟客服人员说", "… Please put me through to a human." (read as help 0.60-0.96 by all
    three models of session 24's second held-out files: the capability list instead of a person):
    a help reading of a message that asks for a person outright (command_words.wants_person) is
    read as the handoff intent at the same confidence. Not a negation ("不需要人工": read before)
    nor a question ("能转人工吗？" is a help question only when it is no request; it is kept)."""
    top, b = nlu.intent, assistant.behaviours
    if (top is not None and top.name in b.handoff.intents and not is_payload(nlu)
            and negated_command(nlu.text or "", assistant.language) is None
            and wants_person(nlu.text or "", assistant.language)):
        # "叫你们领导来" read as the handoff intent under the threshold (0.61): asked outright, it is one
        return replace(nlu, ranking=(IntentScore(top.name, 1.0),) + tuple(nlu.ranking[1:]))
    # ... and "好，现在帮我转人工挂失那个旧号" (办理 0.85) heard the list of what the shop does, which ends 'say "转人工"'
    # (customer trial, session 43): a person asked for outright is that request, whatever service they are for
    if (top is None or not b.handoff.intents or is_payload(nlu)
            or top.name in b.deny.intents or top.name in b.cancel.intents
            or negated_command(nlu.text or "", assistant.language) is not None
            or not wants_person(nlu.text or "", assistant.language)):
        return nlu
    person = b.handoff.intents[0]
    ranking = (IntentScore(person, top.confidence),) + tuple(r for r in nlu.ranking if r.name != person)
    return replace(nlu, ranking=ranking)


def _negation_read(assistant: Assistant, nlu: NLUResult) -> tuple[NLUResult, str | None]:
    """"不需要人工" / "I don't need an agent" read as the handoff intent (0.94-0.97 by all three
    telecom_zh models of session 19), "别取消" as cancel: the message refuses the very command
    its intent names, so it is read as the domain's deny intent at the same confidence (a no:
    at "需要为您转接人工客服吗？" it is the answer; at a question that wants a value it is no
    value). Not for a question ("为什么不转人工？" asks for one) nor a button payload. Returns
    the NLU result to use and the intent that was replaced (None when kept)."""
    top, b = nlu.intent, assistant.behaviours
    # a withheld confirmation ("不确认，先别提交") is misread as the cancel intent
    commanded = {"handoff": b.handoff, "cancel": b.cancel, "confirm": b.cancel}
    if (top is None or not b.deny.intents or is_payload(nlu)
            or not any(top.name in behaviour.intents for behaviour in commanded.values())):
        return nlu, None  # most turns: no regex runs
    kind = negated_command(nlu.text or "", assistant.language)
    if kind is None or top.name not in commanded[kind].intents or is_question(nlu.text or "", assistant.language):
        return nlu, None
    deny = b.deny.intents
    ranking = (IntentScore(deny[0], top.confidence),) + tuple(r for r in nlu.ranking[1:] if r.name != deny[0])
    return replace(nlu, ranking=ranking), top.name


def _restart(ctx: TurnContext, cmd: str) -> None:
    if cmd == RESTART:
        ctx.emit("session_restarted")
        ctx.say("utter_restarted")
        return
    ctx.emit("session_started")
    ctx.say(ctx.assistant.behaviours.greet.response or "utter_session_started")


def _finish(ctx: TurnContext) -> TurnResult:
    """No silent turns, no PII kept past its flows; then freeze the turn."""
    if ctx.action is None:
        said = ctx.replies or (not ctx.new_turn and ctx.original.history and ctx.original.history[-1].replies)
        if not said and not ctx.handoff:
            steps.reprompt(ctx)
            if not ctx.replies:
                ctx.emit("silence_filled")
                ctx.say("utter_anything_else")
    _say_out_of_range(ctx)
    _say_noted(ctx)
    _question_beside_a_change(ctx)
    slot_filling.keep_or_drop(ctx)
    lifetimes.erase_unused_pii(ctx)
    lifetimes.drop_unused_values(ctx)
    return ctx.result()


def _say_out_of_range(ctx: TurnContext) -> None:
    """Values of this message refused as out of bounds whose slot's question was not asked
    in this turn ("... on January 20" while the recipient is asked): their range_error
    first, when the active flow collects the slot (framework.engine.slot_filling)."""
    wanted = corrections.flow_collects(ctx)
    said = len(ctx.replies)
    for name in [n for n in ctx.out_of_range if n in wanted]:
        ctx.say_refused(name)
    ctx.replies[:] = ctx.replies[said:] + ctx.replies[:said]


_LISTENING = ("confirm", confirm.WHICH)


_YES_AND = re.compile(r"^\s*(?:(?:yes|yeah|yep|yup|sure|ok(?:ay)?|fine|alright|right|cool|great|perfect)\b[\s,.!]*)+"
                      r"(?:and(?:\s+also)?|plus|also|then)\b[\s,]*(?P<rest>\S.*)$", re.IGNORECASE)


def _yes_and_another(ctx: TurnContext, state, nlu: NLUResult) -> bool:
    """"sure, and 20 dollars to Bob tomorrow", "ok, plus 20 to Bob", "yep, and 20 to Bob as well" at "Send $30.00
    to Frank …?" changed the recipient to Bob and sent Frank's $30 to him (customer trial, session 29, second
    round): a yes, then "and" / "plus" and another value of the flow's one name-like slot with more values, is
    that yes and the same request again, for after this one (event `flow_deferred`, reason `also`), with only
    the values said after the "and"."""
    m = _YES_AND.match(nlu.text or "")
    flow = ctx.flow()
    if m is None or flow is None:
        return False
    wanted = steps.collected_slots(flow)
    said = _values_said(ctx, nlu, wanted, m.start("rest"), len(nlu.text or ""), generic=True)
    names = [n for n in said if ctx.assistant.slots[n].type == "text"]
    if not names or len(said) < 2 or all(said[n] == ctx.slots.get(n) for n in names):
        return False  # "yes and to Frank" restates; one value alone may be a correction
    _defer(ctx, flow, saved=other_request.second_run(said, wanted), again=True, reason="also")
    confirm.confirmed(ctx, state)  # after the deferral: its values are kept, not left out
    _say_first(ctx, BOTH_REQUESTS)
    return True


def _question_read_as_command(ctx: TurnContext, nlu: NLUResult, intent: str | None, waiting: str | None) -> bool:
    """"ok and can I cancel it later?" (cancel 0.92) at "Send $60.00 to Yuki …?" cancelled the transfer
    (customer trial, session 29): at a confirmation, a question read as cancel asks about cancelling; the
    confirmation's own rules answer it (a side question, or "I can't answer that here" and the question again)."""
    return (waiting == "confirm" and intent in ctx.assistant.behaviours.cancel.intents
            and is_question(nlu.text or "", ctx.assistant.language)
            and not asks_to_cancel(nlu.text or "", ctx.assistant.language))  # "can you cancel it?" is the request


def _refused_here(ctx: TurnContext) -> list[str]:
    """The active flow's slots whose value this message gave out of bounds (their range_error is said)."""
    wanted = corrections.flow_collects(ctx)
    # not "which one?" / "add or take off?": those questions wait at the confirmation
    return [n for n, why in ctx.out_of_range.items() if n in wanted and why not in ("utter_which_way", "utter_which_value")]


# How a request of its own opens: "我要开户", "先帮我查下余额", "can you check my balance first"
_ASKS_LEAD = {"zh": re.compile(r"^\W*(?:那|哦|对了|另外|等等|先)?[，,\s]*(?:我要|我想|我得|帮我|给我|麻烦|请|能不能|能否|可以|可不可以|先)"),
              "en": re.compile(r"^\W*(?:(?:oh|ok|and|also|wait|first)[,\s]+)*(?:i want|i'?d like|i need|can you|could you|"
                               r"please|pls|let'?s|help me)\b", re.IGNORECASE)}


def _told_story(ctx: TurnContext, nlu: NLUResult, collecting: str | None) -> bool:
    """At a free-text question (a complaint's "请详细描述一下遇到的问题"), a long message that asks for nothing is its
    answer, whatever flow its words sound like: "营业员给我办卡的时候偷偷给我开了个视频会员，每月15块" (办理 0.9) started an
    account opening, and the complaint was never filed (customer trial, session 36)."""
    slot = ctx.assistant.slots.get(collecting) if collecting else None
    if slot is None or slot.type != "text" or short_text(slot, model_for(ctx.assistant)):
        return False
    text = nlu.text or ""
    lead = _ASKS_LEAD.get(language_key(ctx.assistant.language) or "en", _ASKS_LEAD["en"])
    return (content_length(text) >= trigger_text.STORY_MIN and not lead.search(text) and not is_question(text, ctx.assistant.language)
            and not asks_for_person(text, ctx.assistant.language))


def _held_back_for_the_link(ctx: TurnContext) -> None:
    """"我想换成99的" (办理) at "需要帮您办理129元套餐吗？" went on to the plan change with 129, the 99 held back for the
    flow asked for and never used (customer trial, session 36): the values held back for the flow the offer's yes
    leads to are its values, set over the ones offered."""
    if not ctx.held_back or ctx.held_back_for is None:
        return
    flow = ctx.assistant.flows.get(ctx.held_back_for)
    wanted = steps.collected_slots(flow) if flow is not None else set()
    text = ctx.text or ""
    values: dict[str, dict] = {}
    for entity in ctx.held_back:
        slot = next((s for s in ctx.assistant.slots.values() if (s.entity or s.name) == entity.entity
                     and s.name in wanted), None)
        parsed = parse_value(slot, str(entity.value), ctx.assistant.language, today=ctx.today) if slot else None
        if parsed is not None and parsed.ok:
            picked = _chosen(text, entity, ctx.assistant.language)
            values.setdefault(slot.name, {})[str(parsed.value)] = (parsed.value, picked)
    for name, said in values.items():
        # "我现在用的39的，想换成99的": of two, the one said with 换成 / 要
        one = list(said.values()) if len(said) == 1 else [v for v in said.values() if v[1]]
        if len(one) == 1 and one[0][0] != ctx.slots.get(name):
            ctx.set_slot(name, one[0][0], source="entity")
    ctx.held_back = ()


def _decline_offer(ctx: TurnContext, state, event: str) -> None:
    """The no of an offer whose yes only leads on (confirm.only_offered): on to its `on_no`, with "anything else?"
    when that ends the flow."""
    ctx.emit(event, flow=ctx.frame.flow)
    if state.step.on_no == END:
        ctx.say(nothing_pending.NOTHING_ELSE)
    steps.goto(ctx, state.step.on_no)


def _names_held_value(ctx: TurnContext, nlu: NLUResult) -> bool:
    """An entity of the message gives a slot of the active flow the value it already holds."""
    wanted = corrections.flow_collects(ctx)
    for e in nlu.entities:
        slot = ctx.assistant.slots.get(e.entity)
        if slot is not None and slot.name in wanted and ctx.slots.get(slot.name) is not None:
            parsed = parse_value(slot, str(e.value), ctx.assistant.language, today=ctx.today)
            if parsed.ok and parsed.value == ctx.slots.get(slot.name):
                return True
    return False


def _on_change(state, waiting: str | None) -> str | None:
    """The `on_change` state of the confirm or collect step whose question waits for an answer."""
    step = state.step if state is not None else None
    if waiting == "confirm" and isinstance(step, Confirm):
        return step.on_change
    return step.on_change if (waiting or "").startswith("slot:") and isinstance(step, Collect) else None


def _respond(ctx: TurnContext, nlu: NLUResult) -> None:
    assistant = ctx.assistant
    intent = ctx.intent
    confident = (intent is not None and ctx.confidence >= threshold(assistant)
                 and not _value_alone(ctx, nlu, intent))
    # a scam named with no flow active (a `not_for` entry marked `warn`): warned of, whatever the reading
    if not_for.warn(ctx, nlu):
        return
    # (0) the answer to "Do you want to stop here?", asked after a plain "no" at a question
    # or a goodbye while one waits (framework.engine.stop_question); neither yes nor no: the
    # message answers the question
    if stop_question.waiting(ctx) is not None:
        answer = stop_question.answer(ctx, nlu, threshold(assistant))
        if answer == stop_question.CANCEL:
            _cancel(ctx)
        if answer is not None:
            return
    # (0) the answer to "Did you mean: report a lost card?", asked for a request below the
    # threshold (framework.engine.intent_check); neither yes nor no: the check is dropped and the
    # message read as any other
    if intent_check.waiting(ctx) and intent_check.answer(ctx, nlu, threshold(assistant)):
        return
    # (0) "did it go through?" / "what was the reference again?" / "工单号多少来着" after a flow's action, with a goodbye
    # between them or not: the replies that ended it again (framework.engine.outcome), before "say that again"
    if outcome.said_again(ctx):
        return
    # "投诉真的取消了吧？" after a complaint cancelled at its read-back (and a balance since): yes, nothing was done
    if outcome.cancelled_confirmed(ctx):
        return
    # "办好了没" at the ID question asked again after "no account for this ID": not done, and why (the question again)
    if outcome.refused_at_question(ctx):
        return
    # "how long will the new one take?" right after the block: the flow that just ended answers it
    if side_questions.answered_after_end(ctx, nlu):
        return
    # "is there a fee to send money?" with no flow under way: the transfer's answer, no transfer started
    if side_questions.answered_without_flow(ctx, nlu, intent if confident else None):
        return
    # (0) "😀" answers no question
    if unreadable.handle(ctx) or unreadable.pardon(ctx):
        return
    # (0) the answer to "Shall I connect you to a colleague?" after "I don't know it"
    # (framework.engine.unknown_value); neither yes nor no: the message answers the question
    if unknown_value.waiting(ctx) is not None and unknown_value.answer(ctx, nlu, threshold(assistant)):
        return
    # (0) the answer to "Did you mean Paris as your destination?"
    if ctx.frame and (ctx.frame.waiting_for or "").startswith(slot_filling.WAITING):
        if slot_filling.answer(ctx, nlu, threshold(assistant)):
            return
    frame, state = ctx.frame, ctx.state()
    waiting = frame.waiting_for if frame else None
    collecting = waiting[5:] if waiting and waiting.startswith("slot:") else None
    # "sure, and 20 dollars to Bob tomorrow" at "Send $30.00 to Frank …?": the yes, and a second request
    if waiting == "confirm" and isinstance(state.step, Confirm) and _yes_and_another(ctx, state, nlu):
        return
    # "99一个月也太贵了吧" at the read-back of plan 99 (投诉) filed a complaint: that item's question
    turned_down = slot_filling.turned_down_at_read_back(ctx, nlu) if waiting == "confirm" else None
    if turned_down is not None and isinstance(state.step, Confirm) and state.step.on_no == ASK_WHAT_TO_CHANGE:
        confirm.change(ctx, state, turned_down)
        return

    # "等一下，99的那个有多少流量？" at the plan question read back plan 99, the question unanswered (customer trial, session
    # 44): a question the flow answers, asked at a slot's question, is answered before any value of it is taken; the
    # question is asked again
    about = _asks_about_its_value(ctx, nlu, collecting) if collecting and ctx.flow() is not None else None
    if (about is not None and side_questions.names_an_answer(ctx.flow(), about.text or "")
            and not _another_flows_request(ctx, nlu, intent, confident) and side_questions.answered(ctx, about)):
        return

    # (1) entities; the collected slot filled by one completes the collect step; a changed
    # slot of the active flow is a correction
    off_topic = confident and intent in assistant.behaviours.out_of_scope.intents
    # "actually my card 1234 was stolen" at the balance's card question: 1234 is the lost card's,
    # kept for that flow, which interrupts at (2) (framework.engine.other_request)
    ctx.held_back = other_request.held_back(ctx, nlu, intent, confident)
    dropped_for = _dropped_target(ctx, nlu) if ctx.stack and not ctx.held_back else None
    if dropped_for is not None:  # "never mind, block my card 4821 instead" (lost_card 0.56) at an activation
        ctx.held_back = other_request.entities_of(ctx, nlu, dropped_for)
    if ctx.held_back:
        ctx.held_back_for = (dropped_for or assistant.flow_for_intent(intent)).name
        ctx.emit("entities_held_back", flow=ctx.held_back_for, entities=tuple(sorted({e.entity for e in ctx.held_back})))
        nlu = replace(nlu, entities=tuple(e for e in nlu.entities if e not in ctx.held_back))
    nlu = _without_values_of_a_story(ctx, nlu, intent, confident, collecting)
    nlu = _without_command_names(ctx, nlu, waiting, intent, confident)
    nlu = corrections.retarget_person(ctx, nlu, waiting, intent, confident)  # "Sarah Jones I mean" tagged `name`
    nlu = corrections.earlier_value_said_right(ctx, nlu, waiting)  # "no sorry, Tom was right"
    filled = slot_filling.fill(ctx, _answer_only(ctx, nlu, collecting) if off_topic else nlu, collecting)
    if waiting == "confirm" and any(e.name == "next_run_changed" for e in ctx.events):
        steps.reprompt(ctx)  # "Bob should get 250 actually": for the run waiting; this one's read-back again
        return
    if not filled and not off_topic and collecting:
        filled = corrections.answer_number(ctx, nlu, collecting,  # "to Bob Marley, 2000": 2000 read as a card's
                                           assistant.flow_for_intent(intent) if confident and intent else None)
    if not filled and not off_topic and collecting and not ctx.slot_changes:
        filled = steps.referred_answer(ctx, collecting)  # "the same card" at the card question: the last request's
        if not filled and slot_filling.answer_for_another(ctx, collecting):
            steps.reprompt(ctx)  # "Anna" at "How much would you like to send?": the recipient, and the amount again
            return
    changed, late, relative = [], [], None
    if collecting or waiting in _LISTENING:
        if not filled and not off_topic:  # a number that answered the question corrects nothing else
            corrections.fill_numbers(ctx, nlu, collecting, assistant.flow_for_intent(intent) if confident else None)
        # "actually add another 20" to $150: $170, not $20 (customer trial, session 27)
        relative = None if off_topic else corrections.relative(ctx, nlu, collecting)
        if collecting and relative == collecting:
            filled = True  # "20 more" at the amount's question, asked again: answered
        elif collecting and relative is False and collecting not in ctx.slot_changes:
            filled = False  # its refused change undid the answer
        changed = corrections.corrected(ctx, collecting)
        late = corrections.too_late(ctx, changed)
        if _request_again(ctx, late):
            return
        corrections.refuse_late(ctx, late)
        if not (waiting == "confirm" and _on_change(state, waiting)):  # a confirm's change goes on unannounced
            corrections.announce(ctx, [n for n in changed if n not in late])
    if filled and collecting:
        steps.goto(ctx, steps.after_collect(ctx, state))
        return
    if (waiting == "confirm" and not (confident and intent in assistant.behaviours.affirm.intents)
            and any(e.name == "flow_deferred" and e.data.get("reason") == "second_request" for e in ctx.events)):
        steps.goto(ctx, state.name)  # "also block 7777" at the block of 1234: noted for after it, then the question
        return
    if collecting and _answers_the_interrupted(ctx, collecting):
        return
    # "both" at "You gave more than one last four digits (1234, 9876) … Which one?": one after the other
    if collecting and slot_filling.both_chosen(ctx, nlu, collecting):
        steps.goto(ctx, steps.after_collect(ctx, state))
        return
    # "make it 9000 dollars" at the confirmation: said (in _finish), and it is asked again
    refused = ((waiting in _LISTENING and any(n in corrections.flow_collects(ctx) for n in ctx.out_of_range))
               or relative is False)  # "20 less" to $15, "change it by 20": said, and asked again
    if changed and collecting and not refused and not late and slot_filling.answer_beside_change(ctx, nlu, collecting):
        steps.goto(ctx, steps.after_collect(ctx, state))  # "actually make it 30 and send it to Hans": both
        return
    if changed or refused:
        which = [n for n, why in ctx.out_of_range.items() if why == "utter_which_value" and n in corrections.flow_collects(ctx)]
        if changed and not late and not refused and _on_change(state, waiting):
            steps.goto(ctx, _on_change(state, waiting))  # "那59的呢" at "需要帮您办理99元套餐吗？": 59's details
        elif waiting == "confirm" and len(which) == 1 and isinstance(state.step, Confirm):
            # "can you split it, 150 today and 100 next week" at "Send $250.00 …?": "Which one?" was said and
            # the confirmation asked again at once, and "yes" sent $250 (customer trial, session 27); the
            # which-question waits for its answer, then the confirmation comes back
            ctx.update_frame(waiting_for=f"slot:{which[0]}", attempts=0)
        elif waiting == "confirm" and len(out := _refused_here(ctx)) == 1 and isinstance(state.step, Confirm):
            # "make it jan 30" at "Send $60.00 to Yuki …?": "…within the next 30 days. When should I send it?"
            # and the old confirmation at once, whose "yes" sent it today (customer trial, session 29); the
            # slot's question waits for its answer, then the confirmation comes back
            ctx.update_frame(waiting_for=f"slot:{out[0]}", attempts=0)
            ctx.say_refused(out[0])  # its range_error asks the question
        elif waiting in _LISTENING:
            if waiting == "confirm" and trigger_text.add_detail_clause(ctx):
                ctx.say(trigger_text.DETAIL_ADDED)  # "不对，是三千八，还有门也刮花了": the door too
            steps.goto(ctx, state.name)  # confirm again, with the new value
        elif collecting and not refused and (target := steps.open_question(ctx, ctx.flow())) not in (None, state.name):
            # "算了 帮我查13800000000的余额" at "本月还是上月的账单？": the query is now a balance, which asks no month
            # (the month was asked again: customer trial, session 31); the flow goes where its values now lead
            ctx.emit("rerouted", flow=ctx.frame.flow, to=target)
            steps.goto(ctx, target)
        else:
            steps.reprompt(ctx)
        return
    # "哎呀名字打错了" at the ID question: the name's question again
    if collecting and not changed and _earlier_wrong(ctx, nlu, collecting):
        return
    # "哦对了，这个是给我奶奶办的" at the plan question: what the flow does not serve, said mid-flow
    if collecting and not changed and not filled and stop_question.not_for_said(ctx, nlu, collecting):
        return
    # "is there a fee?" / "卡多久能寄到" while a flow waits: its `answers`, then the question again
    if (waiting == "confirm" and isinstance(state.step, Confirm) and not _another_flows_request(ctx, nlu, intent, confident)
            and side_questions.answered_after_yes(ctx, nlu)):
        confirm.confirmed(ctx, state)  # "Yes please. Will she receive it on the same day?": the answer, then the yes
        return
    if ctx.stack and not _another_flows_request(ctx, nlu, intent, confident) and side_questions.answered(ctx, nlu):
        return
    if ctx.stack and _dropped_for_another(ctx, nlu):
        return
    if ctx.stack and _goes_on(ctx, nlu, intent, confident):
        return
    if not ctx.stack and _nothing_to_go_on_with(ctx, nlu, intent):
        return
    # (2) global intents and flow triggers; but a reply that names one of the items the
    # "which item?" question listed answers it, however the classifier files it ("身份证号"
    # alone read as out of scope at 0.83), unless it asks to cancel or for a person; an item
    # alone ("recipient", read as human_agent 0.96) always answers it
    if (waiting == confirm.WHICH and (confirm.only_a_choice(ctx, nlu.text or "")
                                      or (intent not in assistant.behaviours.cancel.intents
                                          and intent not in assistant.behaviours.handoff.intents))
            and confirm.chosen_slot(ctx, nlu.text or "") and confirm.handle_which(ctx, state, nlu)):
        return
    # "nothing" at "What would you like to change?" (help 0.51) heard the help text (customer trial, session 29)
    # "nothing its fine, send it" (cancel 0.72) cancelled the transfer (customer trial, session 34): a cancel reading
    # only when the message withdraws in words ("nothing, just cancel it")
    if (waiting == confirm.WHICH and (intent not in assistant.behaviours.cancel.intents
                                      or not withdrawn(nlu.text or "", assistant.language))
            and intent not in assistant.behaviours.handoff.intents and confirm.nothing_to_change(nlu.text or "")
            and confirm.handle_which(ctx, state, nlu)):
        return
    if waiting == "confirm" and not_for.refused_at_confirmation(ctx):  # "这是帮我妈办的" at an opening's read-back
        return
    # "办好了吗？" at a read-back: not yet, said; the read-back again (framework.engine.outcome)
    if waiting == "confirm" and outcome.not_yet(ctx):
        return
    # "yes, take it from my other card" at a transfer's read-back: paid from the main account, said; asked again
    if (waiting == "confirm" and intent not in assistant.behaviours.cancel.intents
            and intent not in assistant.behaviours.handoff.intents and notices.at_confirmation(ctx)):
        return
    # "wait" (cancel 0.79) at a confirmation: it waits (framework.engine.hold_on), before the global cancel; "not yet"
    # too, before it is read as the confirmation's no (customer trial, session 34: it opened "what to change?")
    if waiting == "confirm" and (hold_on.bare_wait(ctx, nlu) or hold_on.wait_with_a_reason(ctx, nlu)
                                 or hold_on.check_first(ctx, nlu)):
        return
    # "不确认，先别提交" (read as 取消 0.79-0.95, or out of scope): the confirmation's no, before the
    # global intents, whose cancel would drop every value collected
    if waiting == "confirm" and confirm.withheld(ctx, nlu) and confirm.decide(ctx, state, nlu, threshold(assistant)):
        return
    if collecting and hold_on.bare_wait_at(ctx, nlu, collecting):  # "hold on a sec" (cancel 0.90) at a question
        return
    if collecting and slot_filling.tail_only(ctx, collecting):  # "身份证后四位是1237" at the ID question: the whole number
        return
    if collecting and hold_on.back_at_question(ctx, nlu):  # "我回来了" right after it waited: the question again
        steps.reprompt(ctx)
        return
    if collecting and intent in assistant.behaviours.handoff.intents and hold_on.wait_to_find(ctx, nlu, collecting):
        return  # "身份证我得找找，你等我一下" (转人工 0.98): a wait, no person asked for

    # "我得跟家里人商量一下" (转人工 0.92) handed off and dropped the opening; "let me think about it" cancelled a
    # block (customer trial, session 30): a hedge asks for nothing; a clear answer is asked for, before the
    # global intents (a person asked for, or a withdrawal, still wins)
    hedge_text = (nlu.text or "").rstrip("?？ ")  # "i guess so?" too; "嗯……应该吧" (its filler first) too
    if (waiting == "confirm"
            and (is_hedge(hedge_text, assistant.language) or is_hedge(after_filler(hedge_text) or "", assistant.language))
            and not asks_for_person(nlu.text or "", assistant.language) and not withdrawn(nlu.text or "", assistant.language)
            # "just tell me my balance first, maybe its in my car": another request put first is no hedge
            and not (confident and _FIRST_SAID.search((nlu.text or "").lower())
                     and getattr(assistant.flow_for_intent(intent), "name", ctx.frame.flow) != ctx.frame.flow)):
        if confirm.only_offered(ctx):
            # "好的我考虑一下，再见" at "需要帮您办理59元套餐吗？" was held to "要办就回复'确认'" (customer trial, session 35):
            # at an offer whose yes only leads on (to another flow, a person), thinking it over is a no for now
            _decline_offer(ctx, state, "offer_put_off")
            return
        ctx.emit("hedged", flow=ctx.frame.flow)
        ctx.say("utter_clear_yes_no")
        return
    if waiting == "confirm" and not confirm.only_offered(ctx) and (
            confirm.thanks_for_an_aside(ctx, nlu.text or "") or stop_question.thanks_only(nlu.text or "")):
        # "好的谢谢" after a balance asked at an opening's read-back opened the account (customer trial, session 44);
        # "谢谢" alone there (否定 0.77-0.93 on all three models, fresh_test_67) asked what to change
        ctx.emit("hedged", flow=ctx.frame.flow, reason="thanks")
        ctx.say("utter_clear_yes_no")
        steps.reprompt(ctx)  # with what it is about ("ta" at a read-back: session 40's tests)
        return
    # "好的谢谢" at "需要帮您办理59元套餐吗？" after its details heard "没听明白" (customer trials, sessions 33 and 37): at an
    # offer, an ok with thanks and nothing else takes the information, not the offer
    # ... and thanks alone ("谢谢" at "需要为您转接人工客服吗？" asked it again: customer trial, session 38)
    if (waiting == "confirm" and confirm.only_offered(ctx)
            and (stop_question.ack_and_thanks(nlu.text or "") or stop_question.thanks_only(nlu.text or ""))):
        _decline_offer(ctx, state, "offer_put_off")
        return
    # "算了不用转了" (取消 0.95) at "需要为您转接人工客服进一步处理吗？" after a complaint was filed heard "好的，已为您取消",
    # as if the complaint were withdrawn (customer trial, session 36): at an offer, a cancel is its no
    if (waiting == "confirm" and (intent in assistant.behaviours.cancel.intents or withdrawn(nlu.text or "", assistant.language))
            and not asks_for_person(nlu.text or "", assistant.language) and confirm.only_offered(ctx)
            and confirm.answer(ctx, nlu, threshold(assistant)) is None
            # ... not a withdrawal of the request under the offer: "先不了，我再想想" / "算了，先不换了" at "需要帮您办理129元
            # 套餐吗？", asked for a plan question at a change's read-back, brought the read-back back (customer trial,
            # session 46): the change is withdrawn too
            and not (len(ctx.stack) > 1 and withdrawn(nlu.text or "", assistant.language))):
        _decline_offer(ctx, state, "offer_declined")
        return
    # "对，还有就是你们客服电话一直打不通，这个也给我记上" at a complaint's read-back filed the complaint without it (customer
    # trial, session 36): more of the complaint, added; read back again before anything is filed
    if waiting == "confirm" and not ctx.slot_changes and trigger_text.add_detail_clause(ctx):
        ctx.say(trigger_text.DETAIL_ADDED)
        steps.goto(ctx, state.name)
        return
    # "39的有多少流量啊" at "需要帮您办理39元套餐吗？" heard "这个问题我在这里回答不了" (customer trial, session 36): a question
    # about the very value offered hears its details again (the offer's on_change state)
    if (waiting == "confirm" and _on_change(state, waiting) and is_question(nlu.text or "", assistant.language)
            and _names_held_value(ctx, nlu)):
        ctx.emit("details_again", flow=ctx.frame.flow)
        steps.goto(ctx, _on_change(state, waiting))
        return
    # "make it next week": that day's question (framework.engine.confirm.vague_day)
    if waiting == "confirm" and isinstance(state.step, Confirm) and confirm.vague_day(ctx, state, nlu.text or ""):
        return
    # "ok" / "ready" right after it waited: the confirmation again, not its yes
    if waiting == "confirm" and hold_on.back_after_wait(ctx, nlu):
        steps.goto(ctx, state.name)
        return
    # "好滴好滴👌" (read as 问候 0.82-0.91 by all three telecom_zh models of session 24's second held-out
    # file): a bare yes or no word answers the confirmation, before the global intents (a cancel or a
    # handoff, "算了" withdrawn included, still runs as one)
    if (waiting == "confirm" and intent not in assistant.behaviours.cancel.intents
            and intent not in assistant.behaviours.handoff.intents
            and yes_no(nlu.text or "", assistant.language) is not None
            and confirm.decide(ctx, state, nlu, threshold(assistant))):
        return
    # "deffo, block it" (read as cancel 0.49-0.95): a yes and the go-ahead, before the global intents
    if (waiting == "confirm" and not confirm.only_noted(ctx, nlu.text or "")
            and confirm.restated_yes(ctx, nlu, threshold(assistant))):
        confirm.confirmed(ctx, state)
        return
    # "办理" at "需要帮您办理99元套餐吗？", whose yes links to the business flow: that yes
    if (waiting == "confirm"
            and (confirm.yes_by_link(ctx, state, intent, confident) or confirm.yes_by_value(ctx, state, nlu))
            and not side_questions.asked_here(ctx, nlu.text or "")):  # "能带几张副卡" (办理 0.9) at an offer: answered
        _held_back_for_the_link(ctx)
        confirm.confirmed(ctx, state)
        return
    # "can i change the recipient" (read as human_agent 0.93): that item's question, before the
    # global intents, whose handoff would drop the transfer; asking for a person or to cancel wins
    if (waiting == "confirm" and intent not in assistant.behaviours.cancel.intents
            and not asks_for_person(nlu.text or "", assistant.language)
            and confirm.change_asked(ctx, state, nlu.text or "")):
        return
    # "send 50 to ana" said again at "Send $50.00 to ana …?" heard "I'm not sure I understood" twice, and a person
    # was offered (customer trial, session 34): the same request, nothing changed, is the one read back
    if waiting == "confirm" and not ctx.slot_changes and slot_filling.restates_request(ctx):
        ctx.emit("request_restated", flow=ctx.frame.flow)
        ctx.say("utter_same_request")
        steps.reprompt(ctx)
        return
    # "ok now block it" (cancel 0.94) right after "no" kept the lost card active: "nothing in progress to cancel"
    if follow_up.after_a_no(ctx, nlu):
        return
    # "oh no, wrong person! cancel that" right after "Done: $90.00 to Kevin" heard "Alright." as if it were
    # undone (customer trial, session 26): it cannot be, and a person can help
    # ... not "ok, actually send Fatima that money after all" after a cancelled transfer and a balance (the balance
    # was what was done: customer trial, session 32, heard that the transfer had gone through)
    # ... nor after a lookup ("投诉真的取消了吧？" after a cancelled complaint and a balance heard that it could not be
    # undone: customer trial, session 45)
    last_flow = assistant.flows.get(ctx.last_flow or "")
    if (not ctx.stack and _just_done(ctx) and last_flow is not None and steps.confirms(last_flow)
            and (intent in assistant.behaviours.cancel.intents or withdrawn(nlu.text or "", assistant.language))
            and not handoff.goes_ahead_after_all(nlu.text or "", assistant.language)
            # "repeat it for Anna" (cancel 0.99) right after "Done: $40.00 to Tom" heard that it had gone through
            # (customer trial, session 32): the same again for someone else
            and not follow_up.same_for_someone_said(ctx, nlu)):
        _say_already_done(ctx)
        return
    if _corrected_after_done(ctx, nlu, intent, confident):
        return
    if _what_now_after_too_late(ctx, nlu, intent) or _what_now_at_a_persons_offer(ctx, nlu):
        return
    # "and for 1234?" right after the balance of 4821: that flow again (framework.engine.follow_up); before
    # "ok" / "no thanks": "上上个月的" (肯定 0.9) after a bill heard "还有什么可以帮您的吗？" (customer trial, session 30)
    if follow_up.handle(ctx, nlu, threshold(assistant)):
        return
    # the customer's own name right after "…用您本人的姓名和身份证号来办" (framework.engine.not_for.taken_up)
    if not_for.taken_up(ctx, nlu, confident):
        return
    # "ok" / "no thanks" with no flow active: "anything else?" / "take care"
    if nothing_pending.handle(ctx, nlu, threshold(assistant)):
        return
    # "为什么要我的身份证号？" (read as out of scope 0.75): why the value is needed, and the question
    # again (framework.engine.why_asked); before the global intents
    if collecting and why_asked.handle(ctx, nlu, collecting, lambda: _holds_value(ctx, collecting, nlu),
                                       threshold(assistant)):
        return
    # "身份证号码我得去找一下" (an ID error, one of three attempts used): "take your time", and the
    # same question waits (framework.engine.hold_on); before the global intents
    if collecting and hold_on.handle(ctx, nlu, collecting, lambda: _holds_value(ctx, collecting, nlu),
                                     threshold(assistant)):
        return
    # "I don't remember the number" (read as out of scope 0.76, or as deny): where to find it,
    # and a colleague (framework.engine.unknown_value); before the global intents
    # ("100 or 150, not sure": two amounts are no "I don't know it", the question again in _collect_whole)
    if collecting and unknown_value.handle(ctx, nlu, collecting,
                                           lambda: (_holds_value(ctx, collecting, nlu)
                                                    or slot_filling.inexact_amount(ctx, collecting, nlu) is not None),
                                           threshold(assistant)):
        return
    # "how do i find that" (read as help 0.99): where, when the domain says it, and the question again
    if collecting and unknown_value.where_to_find(ctx, nlu, collecting, lambda: _holds_value(ctx, collecting, nlu),
                                                  threshold(assistant)):
        return
    # "装宽带" at "开户还是换套餐？" (read as 咨询 0.82, which started another flow): a choice not
    # served here, said so, and the question again (framework.engine.unavailable); a request to
    # cancel or for a person still wins
    if (collecting and intent not in assistant.behaviours.cancel.intents
            and intent not in assistant.behaviours.handoff.intents
            and not _asks_another_flow(ctx, nlu, intent, confident)
            and not _holds_value(ctx, collecting, nlu) and unavailable.say(ctx, collecting)):
        steps.reprompt(ctx)
        return
    if (confident and not _only_another_answer(ctx, nlu, collecting) and not _told_story(ctx, nlu, collecting)
            and not _no_person_asked(ctx, nlu, collecting) and not _name_not_greeting(ctx, nlu, collecting)
            and not _proper_name_not_off_topic(ctx, nlu, collecting)
            and not _value_again_at_confirmation(ctx, nlu, waiting)
            and not _question_read_as_command(ctx, nlu, intent, waiting)
            and _global(ctx, intent)):
        return
    # (3) a held learnt value's question; the whole utterance as the collected slot's value
    if collecting:
        if not slot_filling.ask(ctx, collecting):
            _collect_whole(ctx, state, collecting, nlu)
        return
    # (4) confirm: a clear yes or no; the answer to "which item?"
    if waiting == "confirm" and confirm.decide(ctx, state, nlu, threshold(assistant)):
        return
    # "to my landlord" at "Send $450.00 to my landlord on …?": no change, no answer; said so, and
    # the confirmation again, no attempt used
    restated = corrections.restated(ctx, nlu) if waiting == "confirm" else None
    if restated is not None and _on_change(state, waiting):
        # "99" at the consult's "需要帮您办理99元套餐吗？" heard "套餐还是 99，没有变" and the offer again (customer trial,
        # session 32): at an offer (a confirmation whose change goes elsewhere) the value offered, said back, takes it
        confirm.confirmed(ctx, state)
        return
    if restated is not None:
        corrections.say_unchanged(ctx, restated)
        steps.goto(ctx, state.name)
        return
    if waiting == confirm.WHICH and confirm.handle_which(ctx, state, nlu):
        return
    # "maybe" at a confirmation (affirm 0.85: the card was blocked, trial of session 26): a clear
    # answer is asked for, the confirmation waits, no attempt used
    if waiting == "confirm" and is_hedge(nlu.text or "", assistant.language):
        ctx.emit("hedged", flow=ctx.frame.flow)
        ctx.say("utter_clear_yes_no")
        return
    # "hang on" at a confirmation (the fallback and an attempt, trial of session 23): "take your
    # time", and the confirmation waits (framework.engine.hold_on)
    if waiting in _LISTENING and hold_on.at_confirmation(ctx, nlu, threshold(assistant)):
        return
    # "busy" is no attempt, nor a question ("wait, what happens after?" at "This can't be
    # undone. Go ahead?": a customer trial of session 14 lost one of three attempts to it)
    if (waiting in _LISTENING and not ctx.refused_by and not is_question(nlu.text or "", assistant.language)
            and _out_of_attempts(ctx, state)):
        return
    # (5) intent transitions
    if waiting == "intent":
        target = steps.intent_target(ctx, state, intent, confident)
        if target is not None:
            steps.goto(ctx, target)
            return
    # (6) nothing applies; a yes or no that was no bare one (it carried values) is unclear, not
    # out of scope
    unclear = bool(ctx.slot_changes) and (intent in assistant.behaviours.affirm.intents
                                          or intent in assistant.behaviours.deny.intents)
    # values that name a flow ("…，开户，要39的" read as 提供信息); not a yes or a no that carried them
    # (below the threshold too when the classifier's top intent starts that very flow: "我要开户，我叫
    # 赵六，身份证…，要99的" read as 办理 0.52 heard "没太理解", trial of session 24)
    if (not unclear and intent not in assistant.behaviours.out_of_scope.intents
            and _implied_flow(ctx, None if confident else intent, nlu)):
        return
    # a request below the threshold whose intent starts a flow: "Did you mean: …?" (a 75-word
    # lost-card story read as lost_card 0.66 < 0.71 heard the fallback: trial of session 24)
    if not confident and not unclear and intent_check.offer(ctx, intent, ctx.confidence, threshold(assistant),
                                                                 nlu.ranking):
        return
    # a yes or no to nothing (a conversation's first message, framework.engine.nothing_pending) is not
    # understood, rather than out of scope ("我不太会用这个" read as 否定 0.81: customer trial, session 25)
    yes_or_no = (not ctx.original.history
                 and (intent in assistant.behaviours.affirm.intents or intent in assistant.behaviours.deny.intents))
    # a value with no request ("1234", "it's 1234, no wait 4321... actually 1234"): noted, and what to do with it asked
    if value_noted.handle(ctx, nlu, confident):
        return
    if confident and not ctx.stack and not unclear and not yes_or_no and assistant.behaviours.out_of_scope.response:
        ctx.emit("out_of_scope", intent=intent)
        ctx.say(assistant.behaviours.out_of_scope.response)
        if intent in assistant.behaviours.out_of_scope.intents:
            # what an out-of-scope message gave is no value for the next request ("I was charged 89 dollars at
            # the grocery store", then "send money to my son Tom": customer trial, session 30); a value said with
            # no request ("my card ends in 4821") is kept for the next one
            lifetimes.forget_this_turns_values(ctx, "out_of_scope")
            _person_for_money(ctx)
        return
    _fallback(ctx)


def _asks_another_flow(ctx: TurnContext, nlu: NLUResult, intent: str | None, confident: bool) -> bool:
    """A question the model is sure asks for another flow: "等下我先问问，59的套餐多少流量" (咨询 1.00) at
    "余额还是账单？" heard that 流量 is looked up in the App (query_type's `unavailable` word) instead of
    59's details (customer trial, session 27). Not the active flow's own trigger ("流量还剩多少")."""
    flow = ctx.assistant.flow_for_intent(intent) if confident and intent else None
    # (one that gives that flow something to answer: "对了，你们这能装宽带吗？" at an opening's ID question started the
    # plans' overview, which says nothing of broadband: customer trial, session 41)
    return (flow is not None and ctx.frame is not None and flow.name != ctx.frame.flow
            and is_question(nlu.text or "", ctx.assistant.language)
            and (steps.gives_values(ctx, nlu, flow) or side_questions.names_an_answer(flow, nlu.text or "")))


def _answers_the_interrupted(ctx: TurnContext, collecting: str) -> bool:
    """The answer to the interrupted flow's question, given at the interrupting flow's: "查话费"
    asked for the phone number, "你们有哪些套餐？" interrupted it with the plans and "想了解哪一
    档？", and "13800138000" heard "这看起来是手机号，这里需要的是套餐。" with an attempt used
    (customer trial, session 19). When this turn gave the slot the flow below waits for (and
    the active flow neither collects it nor got its own value), the active flow is left
    (event `flow_left`, its slots released) and the one below goes on from its question."""
    if len(ctx.stack) < 2:
        return False
    below = ctx.stack[-2].waiting_for or ""
    wanted = below[5:] if below.startswith("slot:") else None
    if (wanted is None or wanted == collecting or ctx.slot_changes.get(wanted) is None
            or wanted in corrections.flow_collects(ctx)):
        return False
    left = ctx.stack.pop()
    ctx.emit("flow_left", flow=left.flow, state=left.state, answered=wanted)
    lifetimes.release(ctx, left.flow, "flow_left")
    other_request.restore(ctx, answered=wanted)
    ctx.emit("flow_resumed", flow=ctx.frame.flow, state=ctx.frame.state)
    steps.goto(ctx, steps.after_collect(ctx, ctx.state()))
    return True


def _value_alone(ctx: TurnContext, nlu: NLUResult, intent: str | None) -> bool:
    """A number or a value and nothing else, with no flow active, whose intent is not trusted:
    "99" as a first message was read as 再见 0.94 and the conversation ended (customer trial,
    session 19). Digits alone trust no intent (the classifier's reading of them is noise: the
    fallback asks what the customer wants); a value alone ("99元", its entity the whole message)
    does not trust an intent whose flow ends the conversation, and other intents keep their
    reading ("59元套餐" may well be 咨询). A goodbye word of the language ("88") and a button are
    read as before; inside a flow a value answers its question."""
    text = nlu.text or ""
    if ctx.stack or is_payload(nlu) or stop_question.goodbye_word(text, ctx.assistant.language):
        return False
    if has_content(text) and not has_words(text):
        return True
    flow = ctx.assistant.flow_for_intent(intent) if intent else None
    return (flow is not None and flow.ends_conversation and bool(nlu.entities)
            and value_guard.mostly(text, nlu.entities, outside=0.0))


# A value introduced as the customer's own: "怎么回事？我叫唐燕" (其他 1.0) at an opening's read-back that held another
# name was "这个问题我在这里回答不了" (customer trial, session 37)
_INTRODUCES = re.compile(r"我叫|我的名字(?:是|叫)|我姓|本人姓名|\bmy name(?:'s| is)\b|\bi'?m called\b", re.IGNORECASE)


def _answer_only(ctx: TurnContext, nlu: NLUResult, collecting: str | None) -> NLUResult:
    """An out-of-scope message's values are about something else: "is it going to rain
    tomorrow" must not give a later transfer its date, nor "what's 15% of 80" change an
    amount. Only a value for the slot being collected is kept ("next tuesday" at the date
    question, which a classifier may also call out of scope); the others are ignored
    (event `entities_ignored`, names only). A message that sounds like a correction ("change
    the date to 12/20", read as out of scope in a customer trial) also keeps the values of
    the slots the active flow collects: it is about this flow, whatever the intent."""
    slot = ctx.assistant.slots.get(collecting) if collecting else None
    wanted = [slot] if slot is not None else []
    if sounds_like_correction(nlu.text or "", ctx.assistant.language) or _INTRODUCES.search(nlu.text or ""):
        wanted += [ctx.assistant.slots[name] for name in corrections.flow_collects(ctx)]
    kept = tuple(e for e in nlu.entities if any(fills(s, e, collecting) for s in wanted))
    if len(kept) < len(nlu.entities):
        ctx.emit("entities_ignored", reason="out_of_scope",
                 entities=tuple(sorted({e.entity for e in nlu.entities if e not in kept})))
    return replace(nlu, entities=kept)


_AGAIN = re.compile(r"重新|再(?:开|办|申请|来)|从头|\b(?:again|start over|redo|re-do|try again|instead)\b", re.IGNORECASE)


def _request_again(ctx: TurnContext, late: list[str]) -> bool:
    """"不用转人工 那重新开户 用我闺女的 陈思思 3201…，还是39的" after the backend refused an opening (the father's ID has five
    numbers) heard "这里改不了身份证号" and "这里改不了姓名", and "确认" then handed over to a person (customer trial,
    session 45): after a request that did not go through, new values for it said with "again" (重新) or for two of its
    slots or more are the request again. The flow starts over with them (event `flow_restarted`), the values it keeps
    (the plan said again or not) filled, and reads them back before anything is done."""
    flow, frame = ctx.flow(), ctx.frame
    if (not late or flow is None or frame is None or not corrections.last_action_refused(ctx)
            or not (len(late) >= 2 or _AGAIN.search(ctx.text or ""))):
        return False
    values = {n: ctx.slots[n] for n in steps.collected_slots(flow) if ctx.slots.get(n) is not None}
    ctx.stack.pop()
    ctx.emit("flow_restarted", flow=flow.name, state=frame.state, slots=tuple(sorted(late)))
    lifetimes.release(ctx, flow.name, "restarted")
    for name, value in values.items():
        if ctx.slots.get(name) != value:
            ctx.set_slot(name, value, source="again")
    ctx.say("utter_request_again")
    steps.start_flow(ctx, flow, reason="again")
    return True


def _say_already_done(ctx: TurnContext) -> None:
    """A request just done cannot be undone here (`utter_already_done`). "Actually can I cancel that?" right after a
    transfer set for Wednesday heard "That has already gone through" (customer trial, session 45): one whose date is
    still ahead has not happened yet, and a person can stop it before then (`utter_scheduled_not_undone`, with
    {scheduled_date})."""
    slots = ctx.assistant.slots
    ahead = [value for name, value in ctx.last_values.items()
             if name in slots and slots[name].type == "date" and isinstance(value, str) and value > ctx.today.isoformat()]
    ctx.emit("already_done", flow=ctx.last_flow, **({"scheduled": ahead[0]} if ahead else {}))
    if ahead:
        ctx.say(SCHEDULED_NOT_UNDONE, extra={"scheduled_date": display_date(ahead[0], ctx.assistant.language)})
    else:
        ctx.say(ALREADY_DONE)


def _corrected_after_done(ctx: TurnContext, nlu: NLUResult, intent: str | None, confident: bool) -> bool:
    """"wait sorry, it should go to Chidinma Okafor, not Chidi" right after "Done: $75.00 to Chidi Okafor" heard that only
    card services are served here (customer trial, session 42): a value for the request just done, said as a
    correction and asking for no new request, came too late; said so (`utter_too_late_to_change`, which names a person
    who can change it), and the value is not kept (event `correction_too_late`)."""
    flow = ctx.assistant.flows.get(ctx.last_flow) if ctx.last_flow else None
    # (a request that changed something: one read back first; a lookup is looked up again with the new value)
    if (ctx.stack or flow is None or not _just_done(ctx)
            or not steps.confirms(flow)
            or (confident and intent is not None and ctx.assistant.flow_for_intent(intent) is not None)
            or not sounds_like_correction(nlu.text or "", ctx.assistant.language)):
        return False
    changed = [name for name, value in ctx.slot_changes.items()
               if value is not None and name in steps.collected_slots(flow)]
    if not changed:
        return False
    ctx.emit("correction_too_late", flow=flow.name, slot=changed[0])
    ctx.say("utter_too_late_to_change", extra={"changed_slot": confirm.label(ctx, changed[0])})
    lifetimes.forget_this_turns_values(ctx, "too_late")
    return True


_HANDED_OVER = re.compile(r"(?:把|将)?(?:手机|电话)(?:给|交给|递给)(?:他|她|我爸|我妈|我老公|我老婆)"
                          r"|让(?:他|她)(?:自己|本人|亲自)?(?:来)?(?:说|讲|办|弄)"
                          r"|\b(?:i'?ll|let me|i will) (?:hand|pass|give) (?:the phone|it|him|her)\b"
                          r"|\b(?:he|she)'?ll (?:talk|speak|do it) (?:himself|herself)\b|\blet (?:him|her) (?:talk|speak|do it)\b",
                          re.IGNORECASE)


def _what_now_after_too_late(ctx: TurnContext, nlu: NLUResult, intent: str | None) -> bool:
    """"so what do I do now" right after "That has already gone through, and I can't undo it here" heard the help menu
    (customer trial, session 42): the person who can help is offered (`utter_what_now_person`, event
    `person_offered`)."""
    history = ctx.original.history
    if (ctx.stack or not history or not ctx.assistant.behaviours.handoff.intents
            or not {"already_done", "correction_too_late"} & set(history[-1].events)
            or not (intent in ctx.assistant.behaviours.help.intents or asks_what_to_do(nlu.text or ""))):
        return False
    ctx.emit("person_offered", reason="too_late")
    ctx.say("utter_what_now_person")
    return True


def _what_now_at_a_persons_offer(ctx: TurnContext, nlu: NLUResult) -> bool:
    """"啊？那怎么办，我那几个号有一个早就不用了" at "需要为您转接人工客服进一步处理吗？" after a refusal started a bill query
    (查询 0.71: customer trial, session 42): asking what to do, at the offer of a person, is told that the person is
    what to do (`utter_what_now_offer`); the offer waits."""
    if (ctx.frame is None or ctx.frame.waiting_for != "confirm" or not steps.offers_a_person(ctx)
            or not asks_what_to_do(nlu.text or "")):
        return False
    ctx.emit("person_offered", reason="what_now")
    ctx.say("utter_what_now_offer")
    return True


def _just_done(ctx: TurnContext) -> bool:
    """Whether the last turn ended a flow whose action succeeded (a transfer sent, a card blocked), or one of the few
    turns before it did and none since started a flow: "can I cancel it? I've changed my mind" after a side question
    about the transfer just sent heard "There's nothing in progress to cancel" (customer trial, session 44)."""
    history = ctx.original.history
    if not ctx.last_flow or not history:
        return False
    for turn in reversed(history[-3:]):
        if "action_succeeded" in turn.events:
            return True
        if "flow_started" in turn.events:
            return False
    return False


def _name_not_greeting(ctx: TurnContext, nlu: NLUResult, collecting: str | None) -> bool:
    """"周八" at "请问您的姓名是？" read as 问候 (a greeting and the question again: customer trial,
    session 26): a greeting reading of an answer to a short text question with no greeting word in
    it is the answer."""
    slot = ctx.assistant.slots.get(collecting) if collecting else None
    if slot is None or slot.type != "text" or not short_text(slot, model_for(ctx.assistant)):
        return False
    if ctx.intent in ctx.assistant.behaviours.greet.intents:
        return not has_greeting(nlu.text or "", ctx.assistant.language)
    # "阿卜杜拉·买买提", "扎西次仁" at the name question read as 再见 asked "要取消当前的办理吗？", and "对" cancelled the
    # opening (customer trial, session 33): a goodbye reading of a name written as one is the answer too
    flow = ctx.assistant.flow_for_intent(ctx.intent) if ctx.intent else None
    return (flow is not None and flow.ends_conversation
            and not stop_question.goodbye_word(nlu.text or "", ctx.assistant.language) and written_name(nlu.text or ""))


_PROPER_NAME = re.compile(r"^(?:[A-Z][a-z'’.-]+|[A-Z]{2,5}|&|and|of|the)(?:\s+(?:[A-Z][a-z'’.-]+|[A-Z]{2,5}|&|and|of|the)){0,3}"
                          r"[.!]?$")


def _proper_name_not_off_topic(ctx: TurnContext, nlu: NLUResult, collecting: str | None) -> bool:
    """"British Gas" at "Who should I send it to?" (out_of_scope 0.85) heard "Sorry, I can only help with card services"
    and the question again, with no way forward (customer trial, session 32). An out-of-scope reading of a few words
    in title case, answering a short text question in English, is the answer."""
    slot = ctx.assistant.slots.get(collecting) if collecting else None
    text = (nlu.text or "").strip()
    return (slot is not None and slot.type == "text" and short_text(slot, model_for(ctx.assistant))
            and language_key(ctx.assistant.language) == "en"
            and ctx.intent in ctx.assistant.behaviours.out_of_scope.intents
            and bool(_PROPER_NAME.match(text)) and text.split()[0][0].isupper()
            and yes_no(text, ctx.assistant.language) is None and not has_greeting(text, ctx.assistant.language))


def _without_values_of_a_story(ctx: TurnContext, nlu: NLUResult, intent: str | None, confident: bool,
                               collecting: str | None) -> NLUResult:
    """"my card 1234 was stolen yesterday" (lost_card 1.00) at "Send $50.00 to Tom Jones …?": "yesterday" was taken as
    the transfer's new date, refused as past, and the card was never blocked (customer trial, session 32). A message
    the classifier is sure asks for another flow, and that says no correction, gives the active flow no values of
    slots only it collects (the one asked for excepted); they are the other request's story."""
    other = other_request.requested_flow(ctx, intent, confident, waiting=True)
    if other is None or sounds_like_correction(nlu.text or "", ctx.assistant.language):
        return nlu
    mine = steps.collected_slots(ctx.flow()) - steps.collected_slots(other) - {collecting}
    slots = [ctx.assistant.slots[n] for n in sorted(mine) if n in ctx.assistant.slots]
    story = [e for e in nlu.entities if any(fills(slot, e, None) for slot in slots)]
    if not story:
        return nlu
    for entity in story:
        ctx.emit("entity_ignored", entity=entity.entity, reason="other_request")
    return replace(nlu, entities=tuple(e for e in nlu.entities if e not in story))


def _dropped_for_another(ctx: TurnContext, nlu: NLUResult) -> bool:
    """"never mind, block my card instead, 4821" at "Send $20.00 to Kim Lee …?" (lost_card 0.72) heard
    "I'm not sure I understood" and the transfer again, and "yes" sent it; "forget the transfer, I need
    to block my card 4821" at the amount (lost_card 0.82) heard an offer of a colleague (customer
    trial, session 28). A message that opens by dropping what is under way and goes on with a
    reading of another flow (at least `follow_up.ANOTHER_FLOW_READING`, one that does not end the
    conversation) cancels the active flow and starts that one, with the values the message gave."""
    flow = _dropped_target(ctx, nlu)
    if flow is None:
        return False
    dropped = ctx.stack.pop()
    ctx.emit("flow_cancelled", flow=dropped.flow, state=dropped.state, reason="dropped_for_another")
    lifetimes.release(ctx, dropped.flow, "cancel")
    # not the cancel response, whose "Anything else?" came right before the other flow's question (customer trial,
    # session 32: "好的，已为您取消。还有其他需要吗？" then "麻烦告诉我您的真实姓名")
    ctx.say("utter_stopped_for_another")
    if ctx.held_back_for == flow.name:  # its values, kept from the dropped flow at priority 1
        for name, value in other_request.values_for(ctx, ctx.held_back, flow).items():
            ctx.set_slot(name, value, source="entity")
    return _trigger(ctx, flow)


def _earlier_wrong(ctx: TurnContext, nlu: NLUResult, collecting: str) -> bool:
    """"哎呀名字打错了" at "请输入本人身份证号" (否定) offered to stop, and "对 我要改一下名字" cancelled the opening
    (customer trial, session 31): a message that says a value given earlier in this flow is wrong, and gives
    neither a new one nor the asked one, goes back to that value's question (event `change_requested`), asked
    aside; once it is answered, the question that waited comes again."""
    text = nlu.text or ""
    item = confirm.wrong_item(ctx, text)
    flow = ctx.flow()
    slot = ctx.assistant.slots[collecting]
    # a free-text answer holds any words: only an entity of it is an answer there ("the amount was wrong" at
    # "Who should I send it to?" is no recipient)
    answered = (any(fills(slot, e, collecting) for e in nlu.entities) if slot.type == "text"
                else _holds_value(ctx, collecting, nlu))
    if ctx.out_of_range.get(collecting) == slot_filling.OWN_VALUE:
        answered = False  # "…身份证用他自己的5101…": another person's value answers nothing
    if (item is None or item == collecting or ctx.slots.get(item) is None or flow is None or answered
            or item in ctx.slot_changes):  # "the name was wrong, it should be Kevin OBrien": corrected already
        return False
    step = next((s.step for s in flow.states.values() if isinstance(s.step, Collect) and s.step.slot == item), None)
    if step is None:
        return False
    # asked aside: once answered, the question that waited comes again (steps.after_collect); going to the item's
    # own state instead skipped the amount when the recipient's came after it ("Send $ to Kevin O Brien"). The old
    # value stays until a new one comes: unset, a request put first ("名字说错了", then "先帮我查一下…账单") left the
    # complaint without a name, read back as "请核对：，身份证号…" and filed (customer trial, session 31)
    ctx.emit("change_requested", flow=ctx.frame.flow, slot=item)
    ctx.update_frame(waiting_for=f"slot:{item}", attempts=0)
    ctx.say(step.prompt)
    return True


def _without_command_names(ctx: TurnContext, nlu: NLUResult, waiting: str | None, intent: str | None,
                           confident: bool) -> NLUResult:
    """"this is ridiculous, let me talk to a real person" (human_agent 1.00) at "Send $100.00 to Paul …?" changed
    the recipient to "ridiculous", no handoff, and "yes" sent the money (customer trial, session 31; "…, cancel
    it" the same): when the classifier is sure of a cancel or a handoff, a free-text value (a name) the message
    holds for the flow under way is no correction, unless the message says it corrects. Values of typed slots
    (an amount, a date, a card's digits) stay as before."""
    b = ctx.assistant.behaviours
    if (not confident or ctx.frame is None or not waiting or intent not in b.cancel.intents + b.handoff.intents
            or sounds_like_correction(nlu.text or "", ctx.assistant.language)):
        return nlu
    wanted = steps.collected_slots(ctx.flow()) if ctx.flow() is not None else set()
    slots = ctx.assistant.slots
    text = nlu.text or ""
    dropped = [e for e in nlu.entities if any(n in wanted and slots[n].type == "text" and fills(slots[n], e, None)
                                              for n in slots)]
    if len(dropped) == 1 and corrections.only_filler(text[:dropped[0].start] + text[dropped[0].end:],
                                                     ctx.assistant.language):
        return nlu  # the value alone ("my landlord", read as a handoff 0.75) answers ahead: kept
    if not dropped:
        return nlu
    ctx.emit("value_not_taken", slot=dropped[0].entity, reason="command")
    return replace(nlu, entities=tuple(e for e in nlu.entities if e not in dropped))


def _dropped_target(ctx: TurnContext, nlu: NLUResult):
    """The other flow a message that opens by dropping what is under way goes on to ask for (a
    reading of at least `follow_up.ANOTHER_FLOW_READING` among the first three, not ending the
    conversation), or None."""
    if not ctx.stack or dropped_lead(nlu.text or "", ctx.assistant.language) is None:
        return None
    for ranked in nlu.ranking[:3]:
        if ranked.confidence < follow_up.ANOTHER_FLOW_READING:
            break
        flow = ctx.assistant.flow_for_intent(ranked.name)
        if flow is not None and flow.name != ctx.frame.flow and not flow.ends_conversation:
            return flow
    return None


def _goes_on(ctx: TurnContext, nlu: NLUResult, intent: str | None, confident: bool) -> bool:
    """"ok now back to the transfer" (goodbye 0.98) at the transfer's confirmation offered to stop it
    (customer trial, session 28): a message that asks to go on with what is under way, and asks for
    nothing else surely (cancel, a person, another flow), is the question again (event `flow_continued`)."""
    if not goes_on(nlu.text or "", ctx.assistant.language):
        return False
    if ctx.frame.waiting_for == "confirm" and yes_no(nlu.text or "", ctx.assistant.language) is True:
        return False  # "go on then" at "Send $60.00 …?" is its yes (customer trial, session 29)
    b = ctx.assistant.behaviours
    other = ctx.assistant.flow_for_intent(intent) if intent else None
    if confident and (intent in b.cancel.intents or intent in b.handoff.intents
                      or (other is not None and other.name != ctx.frame.flow and not other.ends_conversation)):
        return False
    ctx.emit("flow_continued", flow=ctx.frame.flow, state=ctx.frame.state)
    steps.reprompt(ctx)
    return True


def _nothing_to_go_on_with(ctx: TurnContext, nlu: NLUResult, intent: str | None) -> bool:
    """"ok now back to the transfer" (goodbye 0.98) right after the transfer was cancelled said goodbye
    (customer trial, session 28): asking to go on with nothing under way is read as a greeting or a
    goodbye only by mistake; it hears that nothing is in progress (event `nothing_to_continue`). A
    reading of a flow's request starts it as usual."""
    if not goes_on(nlu.text or "", ctx.assistant.language) or intent is None:
        return False
    other = ctx.assistant.flow_for_intent(intent)
    if not (intent in ctx.assistant.behaviours.greet.intents or (other is not None and other.ends_conversation)):
        return False
    ctx.emit("nothing_to_continue", intent=intent)
    ctx.say(NOTHING_TO_CONTINUE)
    return True


def _value_again_at_confirmation(ctx: TurnContext, nlu: NLUResult, waiting: str | None) -> bool:
    """"59" at "请核对：…套餐 59 元/月。确认办理吗？" read as 再见 (0.98) offered to stop, and "确认" cancelled
    the opening (customer trial, session 28): at a confirmation, a greeting or goodbye reading of a
    message that only says a value of the flow again is that value said again (the confirmation
    again, below)."""
    if waiting != "confirm" or ctx.intent is None:
        return False
    ends = ctx.assistant.flow_for_intent(ctx.intent)
    soft = ctx.intent in ctx.assistant.behaviours.greet.intents or (ends is not None and ends.ends_conversation)
    if not soft or corrections.restated(ctx, nlu) is None:
        return False
    ctx.emit("intent_ignored", intent=ctx.intent, reason="value_again")
    return True


def _only_another_answer(ctx: TurnContext, nlu: NLUResult, collecting: str | None) -> bool:
    """"my landlord" at "How much would you like to send?": read as human_agent 0.75 in a
    customer trial (session 16), it handed the customer off in the middle of the transfer.
    A message that gave another slot of the active flow its first value this turn, and
    says little besides (the entities' text is at least half of its letters and digits), is
    an answer given ahead, not a request: no global intent and no other flow's trigger runs
    on it (event `intent_ignored`); the value is kept and the question asked again."""
    ahead = corrections.filled_ahead(ctx, collecting) if collecting else []
    if not ahead:
        return False
    if not value_guard.mostly(nlu.text or "", nlu.entities):
        return False
    ctx.emit("intent_ignored", intent=ctx.intent, reason="answered_ahead", slots=tuple(ahead))
    ctx.noted_ahead = (collecting, ahead[0])
    return True


# The question said beside a change: "…, and is there a fee for this?", "…，这个要手续费吗？"
_QUESTION_PART = re.compile(r"(?:^|[,;.!，；。！]\s*(?:and\s+|also\s+)?|\band\s+)"
                            r"(?P<q>(?:is|are|do|does|will|would|can|could|how|what|when|why|any)\b[^?？]*[?？]"
                            r"|[^,;.!，；。！?？]*(?:吗|么|嘛|不)[?？]?|[^,;.!，；。！?？]+[?？])\s*$", re.IGNORECASE)


def _question_beside_a_change(ctx: TurnContext) -> None:
    """"actually make it ninety, and is there a fee for this?" at a read-back changed the amount and left the fee
    unanswered (tried by hand, session 43): a question of the flow's `answers` said beside a change at its read-back is
    answered before the read-back comes again (event `question_answered`)."""
    flow, frame = ctx.flow(), ctx.frame
    if (ctx.action is not None or flow is None or frame is None or frame.waiting_for != "confirm" or not flow.answers
            or not any(e.name == "slot_corrected" for e in ctx.events)
            or any(e.name == "question_answered" for e in ctx.events) or not ctx.replies):
        return
    m = _QUESTION_PART.search(ctx.text or "")
    if m is None or not is_question(m.group("q"), ctx.assistant.language):
        return
    said = len(ctx.replies)
    if unavailable.tell_named(ctx, flow.name, flow.answers, m.group("q"), "question_answered"):
        answer = ctx.replies[said:]
        del ctx.replies[said:]
        ctx.replies[said - 1:said - 1] = answer  # before the read-back


def _say_noted(ctx: TurnContext) -> None:
    """"18688886666" at "余额还是账单？" heard the same question word for word, as if the number were lost (customer
    trial, session 43): a value given ahead (_only_another_answer) is acknowledged when the question comes again."""
    if ctx.noted_ahead is None or ctx.action is not None:
        return
    collecting, noted = ctx.noted_ahead
    if ctx.frame is None or ctx.frame.waiting_for != f"slot:{collecting}" or collecting in ctx.slot_changes:
        return
    _say_first(ctx, "utter_value_noted", extra={"noted_slot": confirm.label(ctx, noted)})


RANKED_FLOOR = 0.1  # a runner-up reading that, with the values a message gives, names their flow (_implied_flow)


def _another_flows_choice_at_a_menu(ctx: TurnContext, nlu: NLUResult, value_ok: bool) -> bool:
    """"那就它了 帮我换" at the plans' "想详细了解哪一档？" heard "还有什么可以帮您的吗？", as if the change were done
    (customer trial, session 45): at the menu of a flow that only informs, with nothing under it, a message that picks
    none of the menu but gives a choice that one other flow collects (换套餐) ends the informing flow and starts that
    one (_implied_flow), which asks what it still needs."""
    flow = ctx.flow()
    if (value_ok or len(ctx.stack) != 1 or flow is None or not stop_question.only_informs(ctx, flow)
            or yes_no(nlu.text or "", ctx.assistant.language) is not None):  # a bare "no" is the menu's no
        return False
    given = {n for n, v in ctx.slot_changes.items() if v is not None
             and getattr(ctx.assistant.slots.get(n), "type", None) == "categorical"} - steps.collected_slots(flow)
    others = [f for f in ctx.assistant.flows.values()
              if f.triggers and not f.ends_conversation and given and given <= steps.collected_slots(f)]
    if len(others) != 1:
        return False
    stop_question.end_informing(ctx, "another_request")
    return _implied_flow(ctx, None, nlu)


def _implied_flow(ctx: TurnContext, agreeing: str | None = None, nlu: NLUResult | None = None) -> bool:
    """"我叫孙丽，身份证…，开户，要39的" as a first message: read as 提供信息 (no flow's trigger), it
    heard "这个超出我的服务范围啦" and every value was dropped (customer trial, session 20). With no
    flow active, the choices of categorical slots this message gave (开户, 39) name the flow:
    the one flow with a trigger intent that collects all of them starts (event `flow_started`,
    reason "values"), its questions already answered skipped. None or several: as before.
    With `agreeing` (an intent below the threshold) only a flow that intent triggers, or one whose
    questions the message answers three or more of: "我叫王强，身份证4403…，开户，39的" (提供信息 0.52,
    below the threshold) heard "没太理解" and lost every value (customer trial, session 30); its
    confirmation still reads them back before anything is done.

    A message that is an identifier alone (a phone number, an ID) names the one flow that collects it too:
    "13912345678" with nothing under way heard "没听明白" (customer trial, session 32); now the balance-or-bill
    question of the one flow that asks a phone number. A card's last digits, which three flows ask, name none."""
    if ctx.stack or (agreeing is not None and ctx.intent != agreeing):
        return False
    said = {e.data.get("slot") for e in ctx.events if e.name == "slot_set" and e.data.get("source") == "entity"}
    given = [n for n in said
             if n in ctx.slot_changes and getattr(ctx.assistant.slots.get(n), "type", None) == "categorical"]
    identifier = False
    if not given and nlu is not None and value_guard.mostly(nlu.text or "", nlu.entities):
        given = [n for n in said if n in ctx.slot_changes
                 and getattr(ctx.assistant.slots.get(n), "type", None) in IDENTIFIER_TYPES]
        identifier = bool(given)
    if not given and nlu is not None:
        # "my new card came, the one ending four eight two one, name on it is Maria Garcia" (inform 0.95) heard
        # "That's outside what I can do" (hand try, session 42): two or more values that one flow alone collects
        # name it too (its confirmation reads them back); a card's digits alone still name none
        given = [n for n in said if n in ctx.slot_changes]
        given = given if len(given) >= 2 else []
    if not given:
        return False
    flows = [f for f in ctx.assistant.flows.values()
             if f.triggers and not f.ends_conversation and set(given) <= steps.collected_slots(f)]
    own = ctx.assistant.flow_for_intent(agreeing) if agreeing is not None else None
    if not flows and own is not None and len(set(given) & steps.collected_slots(own)) >= 2:
        # "please I want to help my mummy activate her new card, it end with 4821, her name is Maria Garcia" (activate_card
        # 0.48) heard "Sorry, I didn't quite get that": "Maria Garcia" read as a payee too, no flow collected all three
        # (customer trial, session 44); the unsure intent's own flow, given two of its values, reads them back
        flows = [own]
    ranked = False
    if flows and nlu is not None and (ctx.intent is None or ctx.assistant.flow_for_intent(ctx.intent) is None):
        # (a top intent that starts a flow of its own is asked about instead: framework.engine.intent_check)
        # "那我换成五十九的吧" (提供信息 0.61, 办理 0.24) gave 换套餐 and 59 and heard "没听明白" (customer trial, session 39):
        # a flow whose trigger the classifier ranks next (0.1 at least; among several, twice the others') is named
        # by the values too; its confirmation still reads them back
        score = {s.name: s.confidence for s in nlu.ranking}
        scored = sorted(((max((score.get(t, 0.0) for t in f.triggers), default=0.0), f.name) for f in flows), reverse=True)
        if scored[0][0] >= RANKED_FLOOR and (len(scored) == 1 or scored[0][0] >= 2 * scored[1][0]):
            flows, ranked = [ctx.assistant.flows[scored[0][1]]], True
    answered = len({n for n in said if n in ctx.slot_changes} & steps.collected_slots(flows[0])) if len(flows) == 1 else 0
    # "开户" alone (提供信息 0.40) heard "没太理解", and the name and ID given next were dropped (customer trial, session
    # 36): a choice of words and nothing else (not digits: "99" alone trusts nothing, _value_alone) names its flow
    # ... and "是的，开户" after a fallback, with nothing asked (customer trial, session 37): a yes before it says nothing
    said_text = _YES_LEAD.sub(lambda m: " " * len(m.group(0)), nlu.text or "") if nlu is not None else ""
    choice_alone = (nlu is not None and not identifier and value_guard.mostly(said_text, nlu.entities, outside=0.0)
                    and not any(ch.isdigit() for ch in nlu.text or ""))
    if len(flows) != 1 or (agreeing is not None and agreeing not in flows[0].triggers and answered < 3
                           and not identifier and not choice_alone and not ranked):
        return False
    steps.start_flow(ctx, flows[0], reason="values")
    return True


_YES_LEAD = re.compile(r"^\s*(?:是的?|对的?|嗯+|恩|好的?|行|yes|yeah|yep|ok(?:ay)?)[，,、。.!！\s]*", re.IGNORECASE)


def _no_person_asked(ctx: TurnContext, nlu: NLUResult, collecting: str | None) -> bool:
    """"to my landlord", "the guy who fixes my car, Dave" at "Who should I send it to?": read
    as human_agent, they handed the customer off and dropped the transfer (customer trial,
    session 20). A handoff intent for a message that answers the question being asked and
    has no word asking for a person (command_words.asks_for_person) is ignored (event
    `intent_ignored`): the message is the answer."""
    if (collecting is None or ctx.intent not in ctx.assistant.behaviours.handoff.intents
            or asks_for_person(nlu.text or "", ctx.assistant.language) or not _holds_value(ctx, collecting, nlu)):
        return False
    ctx.emit("intent_ignored", intent=ctx.intent, reason="no_person_asked", slot=collecting)
    return True


def _out_of_attempts(ctx: TurnContext, state) -> bool:
    """No answer at a confirm step: one attempt more; after max_attempts, its on_failure."""
    attempts = ctx.frame.attempts + 1
    ctx.emit("no_answer", flow=ctx.frame.flow, state=state.name, attempts=attempts)
    if attempts >= state.step.max_attempts:
        ctx.emit("confirm_failed", flow=ctx.frame.flow, state=state.name, attempts=attempts)
        steps.give_up(ctx, state.step.on_failure)
        return True
    ctx.update_frame(attempts=attempts)
    return False


def _busy(ctx: TurnContext) -> bool:
    """A trigger the current non-interruptible flow refused was understood, not unclear:
    say `global: busy` (when the domain has it) and ask the current question again.
    Read with getattr: Behaviours may not carry `busy`; then nothing is said here.

    The refused flow waits under the current one (event `flow_deferred`) and starts when
    that one ends or is cancelled, as any interrupted flow resumes: "Let's finish this
    first; I'll help with the other request right after." was a promise nobody kept
    (customer trial, session 19: the balance asked for while a card was blocked was never
    checked). A request already waiting is not queued twice."""
    busy = getattr(ctx.assistant.behaviours, "busy", None)
    if not (ctx.refused_by and busy is not None and busy.response):
        return False
    ctx.emit("busy", flow=ctx.frame.flow, by=ctx.refused_by)
    refused = ctx.assistant.flows.get(ctx.refused_by)
    saved = (other_request.values_for(ctx, ctx.held_back, refused)
             if refused is not None and ctx.held_back_for == refused.name and ctx.held_back else None)
    _defer(ctx, refused, saved=saved)
    ctx.say(busy.response)
    steps.reprompt(ctx)
    return True


def _defer(ctx: TurnContext, flow, *, saved: dict | None = None, again: bool = False, **why) -> bool:
    """`flow` waits under the current one (event `flow_deferred`) and starts when that one ends,
    as an interrupted flow resumes, with the `saved` values its request gave; False when there is
    none or it is already on the stack (unless `again`: the active one, confirmed, is asked for again)."""
    if flow is None or (not again and any(f.flow == flow.name for f in ctx.stack)):
        return False
    kept = frozen_map({"slots": frozen_map(saved)}) if saved else None
    ctx.stack.insert(len(ctx.stack) - 1, Frame(flow.name, flow.start, saved=kept))
    ctx.emit("flow_deferred", flow=flow.name, until=ctx.frame.flow, **why)
    return True


def _fallback(ctx: TurnContext) -> None:
    if _busy(ctx):
        return
    if foreign_language.handle(ctx):  # "我的卡丢了" to an English assistant: say it speaks English
        pass
    elif confirm.question_instead_of_answer(ctx):  # "will this cancel my direct debits?" at "Go ahead?"
        pass
    else:
        ctx.emit("fallback", intent=ctx.intent, confidence=ctx.confidence, threshold=threshold(ctx.assistant))
        ctx.say(ctx.assistant.behaviours.fallback.response)
        if not ctx.stack:
            # "I was charged 89 dollars twice at the grocery store" heard "Sorry, I didn't quite get that", and
            # "send money to my son Tom" then offered $89 (customer trial, session 30): what a message not
            # understood gave is not kept for the next request
            lifetimes.forget_this_turns_values(ctx, "not_understood")
        history = ctx.original.history
        if history and "fallback" in history[-1].events and ctx.assistant.behaviours.handoff.intents:
            # "this is the third time I am contacting you…", "are you even listening?", "I said this is
            # disgraceful": fallback after fallback and no person offered (customer trial, session 27)
            ctx.emit("person_offered")
            ctx.say("utter_offer_person")
    steps.reprompt(ctx)


_ASKED_FIRST = re.compile(r"确认之前|确认前|先问|问一下|问下|^(?:等一下|等等|等下|稍等)|before i (?:confirm|say yes|agree|go ahead)"
                          r"|quick question|one question|^(?:wait|hold on|hang on)\b")
# ... unless the other request is to be done first: "hold on, what is my balance first?" at a transfer's read-back
# (customer trial, session 30) wants the balance, then the transfer
_DO_FIRST = re.compile(r"\bfirst[?？.!！\s]*$|先(?:帮我)?(?:查|看|问问我的|给我查)")
_FIRST_SAID = re.compile(r"\bfirst\b|先(?:查|看|问|帮|给)")
_WH = re.compile(r"\b(?:how|what|when|why|which|where|who|will|does|do|is|can)\b.{3,}|多久|多少|怎么|什么|为什么|哪|几天|会不会|能不能")


def _global(ctx: TurnContext, intent: str) -> bool:
    """Cancel, handoff, help, out of scope, greet, and other flows' triggers."""
    b = ctx.assistant.behaviours
    if intent in b.cancel.intents:
        _cancel(ctx)
        return True
    if intent in b.handoff.intents and _HANDED_OVER.search(ctx.text or "") and not asks_for_person(ctx.text or "",
                                                                                                  ctx.assistant.language):
        # "那我把手机给他，让他自己说" after "需要机主本人办理" (转人工 0.9) heard "正在为您转接人工客服" and no one came (customer
        # trial, session 42): the holder is about to speak, no person was asked for
        ctx.emit("holder_to_speak")
        ctx.say("utter_holder_speaks")
        return True
    if intent in b.handoff.intents:
        steps.hand_off(ctx, None)
        return True
    for name, behaviour in (("help", b.help), ("out_of_scope", b.out_of_scope), ("greet", b.greet)):
        if (name == "greet" and ctx.frame is not None and ctx.frame.waiting_for == "confirm"
                and not has_greeting(ctx.text or "", ctx.assistant.language)):
            # "today is grand" (greet 0.71) at a transfer's read-back heard the greeting and its menu (customer trial,
            # session 42): at a confirmation, a greeting reading with no greeting word in the message is none
            continue
        if intent in behaviour.intents:
            # "before I confirm, how long does it take to reach him?" (greet 0.78) at a transfer's confirmation
            # heard the greeting (customer trial, session 27): a real question is no greeting
            asks = name == "out_of_scope" or (name == "greet" and ctx.frame is not None
                                              and ctx.frame.waiting_for == "confirm" and _WH.search((ctx.text or "").lower()))
            if not asks or not confirm.question_instead_of_answer(ctx):
                ctx.emit(name, intent=intent)
                ctx.say(behaviour.response)
                if name == "out_of_scope":
                    _person_for_money(ctx)
            steps.reprompt(ctx)
            return True
    flow = ctx.assistant.flow_for_intent(intent)
    if flow is None:
        return False
    return _trigger(ctx, flow)


def _person_for_money(ctx: TurnContext) -> None:
    """"I want to dispute a charge on my card, I never bought this" heard only "That's outside what I can do" (customer
    trial, session 33): an out-of-scope message about money taken offers a person, where the domain has one."""
    if ctx.assistant.behaviours.handoff.intents and money_trouble(ctx.text or "", ctx.assistant.language):
        ctx.emit("person_offered", reason="money_trouble")
        ctx.say("utter_offer_person_for_money")
    elif ctx.assistant.behaviours.handoff.intents and asks_who_to_turn_to(ctx.text or "", ctx.assistant.language):
        # "那我到底找谁啊" after "开户即刻生效…" heard only that it is not answered here (customer trial, session 45)
        ctx.emit("person_offered", reason="who_to_ask")
        ctx.say("utter_offer_person_who")


def _trigger(ctx: TurnContext, flow: Flow) -> bool:
    current = ctx.frame
    if (current is None or current.flow != flow.name) and not_for.refused(ctx, flow):
        return True  # "unblock my card" (lost_card 1.00): not what the flow does, said so
    if current is None:
        steps.start_flow(ctx, flow, reason="trigger")
        return True
    if current.flow == flow.name:
        # Its own trigger is no interruption: "网速太慢了" may well be the very complaint
        # the complaint flow is collecting, so the message goes on to the collect step.
        return False
    if flow.ends_conversation:
        # "再见" while a question waits: "Do you want to stop here?", not a goodbye followed
        # by the question again; nothing waiting (or an intent transition on it): as before
        if stop_question.offer_to_end(ctx, flow):
            return True
        if ctx.frame.waiting_for == "intent":
            return False  # the state's own transition on the goodbye intent (priority 5)
    said = (ctx.text or "").strip().lower()
    if (current.waiting_for == "confirm" and _ASKED_FIRST.search(said) and not _DO_FIRST.search(said)
            and not (set(ctx.slot_changes) & steps.collected_slots(flow))
            and ctx.held_back_for != flow.name and confirm.question_instead_of_answer(ctx)):
        # "确认之前问下 换了以后原来剩的流量还有吗" (查询 0.99) at a plan change's confirmation opened the
        # balance-or-bill menu, where "确认" went round it and the change was never made (customer trial,
        # session 27): a question asked before answering ("before I confirm", "先问下", a wait first) that
        # gives the other flow nothing to work on does not interrupt ("what's my balance" still does)
        steps.reprompt(ctx)
        return True
    if not ctx.flow().interruptible:
        ctx.emit("interruption_refused", flow=current.flow, by=flow.name)
        ctx.refused_by = flow.name
        return False
    if any(f.flow == flow.name for f in ctx.stack):
        # Back to a flow that was interrupted: drop what is above it and resume it.
        while ctx.stack[-1].flow != flow.name:
            dropped = ctx.stack.pop()
            ctx.emit("flow_cancelled", flow=dropped.flow, state=dropped.state)
            lifetimes.release(ctx, dropped.flow, "flow_cancelled")
        other_request.restore(ctx)
        ctx.emit("flow_resumed", flow=flow.name, state=ctx.frame.state)
        if ctx.new_turn and ctx.frame.waiting_for and ctx.frame.waiting_for.startswith("slot:"):
            # "你们是不是想坑钱？" at "请详细描述一下遇到的问题" started the plans' overview, and "我家那边一到晚上就没信号…"
            # (投诉 1.00) went back to the complaint but was asked "请告诉我具体发生了什么" (customer trial, session 42):
            # the message that resumes a flow by its own request is its triggering message (a `from_trigger` step)
            ctx.started_by_message = flow.name
        steps.goto(ctx, ctx.frame.state)
        return True
    ctx.emit("flow_interrupted", flow=current.flow, state=current.state, by=flow.name)
    prefill = other_request.save_for_resume(ctx, ctx.held_back) if ctx.held_back_for == flow.name else None
    other_request.set_aside(ctx, flow)  # its own card, not the one the interrupted flow was given
    steps.start_flow(ctx, flow, reason="interruption", prefill=prefill)
    return True


# "stop, cancel everything" with two blocks asked cancelled the first and asked for the second (customer trial,
# session 29): every request waiting goes too
_EVERYTHING = {"en": re.compile(r"\b(?:everything|all of (?:it|them|this)|both|the lot|all)\b", re.IGNORECASE),
               "zh": re.compile(r"全部|都(?:不|别|取消|算了)|都给我取消|两个都|全都")}


def _cancel(ctx: TurnContext) -> None:
    """Cancel the active flow; one it interrupted resumes and asks its question again.
    With no flow active nothing is cancelled, and "Okay, I've cancelled that." would claim
    otherwise (said right after "Done: $45.00 to my mum", it reads as the transfer undone):
    `utter_nothing_to_cancel` (built in; a domain response of that name wins)."""
    if not ctx.stack:
        if any(e.name == "request_withdrawn" for e in ctx.events):  # asked and withdrawn at once
            ctx.say(REQUEST_WITHDRAWN)
            return
        offline = next(((n, word) for n, sl in ctx.assistant.slots.items() if sl.options.get("unavailable")
                        and (word := unavailable.named(ctx, n)) is not None), None)
        if offline is not None:
            # "我想把号销了，不用了" (取消 0.8) heard "目前没有正在办理的事项" (customer trial, session 40): what is not
            # served here, and where it is
            ctx.emit("choice_unavailable", slot=offline[0], word=offline[1], asked=None)
            ctx.say(ctx.assistant.slots[offline[0]].options["unavailable"]["response"])
            return
        done = ctx.assistant.flows.get(ctx.last_flow or "")
        if (_just_done(ctx) and done is not None and steps.confirms(done)
                and not (handoff.goes_ahead_after_all(ctx.text or "", ctx.assistant.language)
                         and not re.search(r"\bcancel|\bundo|取消|撤销|撤回", ctx.text or "", re.IGNORECASE))):
            # "can I cancel it? I've changed my mind" after a side question about the transfer just sent heard "There's
            # nothing in progress to cancel", and the money still went (customer trial, session 44); a change done
            # (a lookup undoes nothing), not "send Fatima that money after all" (tests of session 32)
            _say_already_done(ctx)
            return
        ctx.emit("nothing_to_cancel")
        ctx.say(NOTHING_TO_CANCEL)
        # "on the 3rd of January, 12.50, Rob Green" (no request), "forget it", then "how do I send money to my dad
        # Peter Lang": $12.50 on 3 January offered (customer trial, session 30): "forget it" forgets them
        lifetimes.drop_loose_values(ctx, "cancel", {n for n, s in ctx.assistant.slots.items() if s.pii})
        return
    everything = _EVERYTHING.get(language_key(ctx.assistant.language) or "en")
    every = bool(everything and everything.search(ctx.text or "")) or _withdraws_the_work_below(ctx)
    named = None if every else _named_below(ctx)
    if named is not None:
        # "forget the transfer to Anna, I do not want to send her anything" while its balance check ran cancelled the
        # balance check, and "ok" then sent the $75 (customer trial, session 30): the flow the message names goes;
        # the active one asks its question again
        cancelled = ctx.stack.pop(named)
        ctx.emit("flow_cancelled", flow=cancelled.flow, state=cancelled.state)
        lifetimes.release(ctx, cancelled.flow, "cancel")
        ctx.say(CANCELLED_RESUME)
        steps.goto(ctx, ctx.frame.state)
        return
    while ctx.stack:
        cancelled = ctx.stack.pop()
        ctx.emit("flow_cancelled", flow=cancelled.flow, state=cancelled.state)
        if not every and cancelled.flow in ctx.assistant.flows:
            # "还是办吧" in the next message takes it up again, also over a flow it had interrupted ("算了不换了" at an
            # opening that interrupted a query, then "哦不对，还是换吧，换129" lost the change: customer trial, session 38)
            steps.keep_stopped(ctx, cancelled.flow, "cancel")
        # Forget what the cancelled flow collected, so starting it again asks again (slots that
        # a flow still on the stack uses are kept).
        lifetimes.release(ctx, cancelled.flow, "cancel")
        if not every:
            break
    # "算了" at a price offer that interrupted an opening's read-back heard "好的，已为您取消。还有其他需要吗？" and then the
    # read-back, and "好的" opened the account (customer trial, session 34): with a flow to go back to, no "anything
    # else?" but `utter_cancelled_resume`, then its question
    ctx.say(CANCELLED_RESUME if ctx.stack else ctx.assistant.behaviours.cancel.response)
    if ctx.stack:
        other_request.restore(ctx)
        ctx.emit("flow_resumed", flow=ctx.frame.flow, state=ctx.frame.state)
        steps.goto(ctx, ctx.frame.state)


def _does_something(flow: Flow | None) -> bool:
    """Whether the flow calls an action (a webhook or a function): it has something to withdraw, not only words."""
    return flow is not None and any(isinstance(state.step, CallAction) for state in flow.states.values())


def _withdraws_the_work_below(ctx: TurnContext) -> bool:
    """"算了，我再想想，先不换了" while a plan question (咨询, a flow that only informs) sat over the plan change's
    read-back cancelled the question, resumed the read-back, and "好的，谢谢啊" then changed the plan (customer trial,
    session 41): a withdrawal in words while the active flow calls no action withdraws the flows below that do. Not a
    bare cancel word ("取消" during a digression cancels the digression: session 34)."""
    flows, text, language = ctx.assistant.flows, ctx.text or "", ctx.assistant.language
    last = [c for c in CLAUSE.split(text) if c.strip()]
    return (len(ctx.stack) > 1 and not _does_something(flows.get(ctx.stack[-1].flow))
            and any(_does_something(flows.get(f.flow)) for f in ctx.stack[:-1])
            and withdrawn(text, language) and bool(last) and command_word(last[-1], language) != "cancel")


def _named_below(ctx: TurnContext) -> int | None:
    """The index of the one flow under the active one that the message names, by the words of its name or of its
    trigger intents' ("the transfer" for transfer_money: words of six letters or more, their first six; a
    Chinese intent name whole: "取消投诉" names the flow 投诉 triggers), when it does not name the active one."""
    text = (ctx.text or "").lower()

    def named(name: str) -> bool:
        flow = ctx.assistant.flows.get(name)
        words = [name] + list(flow.triggers if flow is not None else ())
        stems = [w[:6] for word in words for w in word.lower().split("_") if len(w) >= 6 and w.isascii()]
        cjk = [word for word in words if not word.isascii() and len(word) >= 2]
        return any(re.search(rf"\b{re.escape(stem)}", text) for stem in stems) or any(w in text for w in cjk)

    if len(ctx.stack) < 2 or named(ctx.stack[-1].flow):
        return None
    below = [i for i, frame in enumerate(ctx.stack[:-1]) if named(frame.flow)]
    return below[0] if len(below) == 1 else None


def _ignored_as(ctx: TurnContext, reasons: tuple[str, ...], entity: str | None = None) -> bool:
    """Whether this turn ignored an entity (of `entity`, or any) for one of `reasons` (event `entity_ignored`)."""
    return any(e.name == "entity_ignored" and e.data.get("reason") in reasons
               and (entity is None or e.data.get("entity") == entity) for e in ctx.events)


def _joined_with_the_last_answer(ctx: TurnContext, slot, slot_name: str, parsed: ParseResult) -> ParseResult:
    """"扣费", then "乱扣" at "请详细描述一下遇到的问题" were each too short (at least 3 characters), the third answer ended the
    complaint, and it was never filed (customer trial, session 45): a free text said over several short messages, the
    last one refused as too short, is those messages together ("扣费，乱扣")."""
    history = ctx.original.history
    min_length = slot.options.get("min_length")
    if (slot.type != "text" or not min_length or short_text(slot, model_for(ctx.assistant))  # not a name: "张", "李"
            or not history or not history[-1].text or not ctx.text
            or not any(e == "slot_invalid" for e in history[-1].events) or yes_no(ctx.text, ctx.assistant.language)):
        return parsed
    joiner = "，" if language_key(ctx.assistant.language) == "zh" else ", "
    joined = collect_text(ctx.assistant, slot, history[-1].text.strip() + joiner + ctx.text.strip(), today=ctx.today)
    return joined if joined.ok else parsed


def _collect_whole(ctx: TurnContext, state, slot_name: str, nlu: NLUResult) -> None:
    step: Collect = steps.collect_step(ctx.flow(), state, slot_name)
    slot = ctx.assistant.slots[slot_name]
    if ctx.negated is not None:
        # "不用转人工" at the name question was stored as the name: no value, the question again
        ctx.say(step.prompt)
        return
    parsed = _value_from_utterance(ctx, slot, nlu)
    if not parsed.ok:
        parsed = _joined_with_the_last_answer(ctx, slot, slot_name, parsed)
    if not parsed.ok and not parsed.response and (why := slot_filling.inexact_amount(ctx, slot_name, nlu)):
        # "每个月多扣10块", "五六十", "没多少 就几块钱" at the loss question: no one amount, no wrong one
        # either; the question again, before a 否定 could ask whether to stop (customer trial, session 27)
        ctx.emit("amount_not_exact", slot=slot_name, reason=why)
        # "两三百" was asked again without a word of why (customer trial, session 35)
        ctx.say("utter_amount_not_exact")
        ctx.say(step.prompt)
        return
    if not parsed.ok and slot.type in ("regex", "money") and _ignored_as(ctx, ("negated",), slot.entity or slot.name):
        # "not the 1234 one, the other" at "What are the last four digits?" offered to stop reporting the card
        # (customer trial, session 33): a value turned down is no "no" to going on, nor a wrong answer; the question
        ctx.emit("value_turned_down", slot=slot_name)
        ctx.say(step.prompt)
        return
    if not parsed.ok and _ignored_as(ctx, ("current_value",)):  # (any slot's: the plan said at the ID question)
        # "我现在39的，流量老是不够用" at the ID question: what the customer has now, no answer and no wrong one; the
        # question again, no attempt used (customer trial, session 41)
        ctx.emit("not_a_value", slot=slot_name, kind="current", intent=None)
        ctx.say(step.prompt)
        return
    if not parsed.ok and slot.type == "categorical" and is_hedge(ctx.text or "", ctx.assistant.language):
        # "随便", "你看着办" at "请选择套餐" heard "没有这个套餐哦" and, the third time, the opening failed and its name and
        # ID were lost (customer trial, session 33): the customer chooses; no attempt used
        ctx.emit("not_a_value", slot=slot_name, kind="hedge", intent=None)
        ctx.say(CHOOSE_YOURSELF)
        ctx.say(step.prompt)
        return
    # a plain "no" that is no value: "Do you want to stop here?" (framework.engine.stop_question)
    if stop_question.offer(ctx, nlu, slot_name, parsed.ok, threshold(ctx.assistant)):
        return
    # "好的谢谢" the classifier was unsure of: no name, but a goodbye (framework.engine.stop_question)
    if stop_question.offer_on_goodbye_word(ctx, nlu, slot_name, parsed.ok):
        return
    if _request_after_yes(ctx, nlu, parsed.ok):
        return
    if _another_flows_choice_at_a_menu(ctx, nlu, parsed.ok):
        return
    if stop_question.ok_at_a_menu_that_informs(ctx, nlu, parsed.ok, threshold(ctx.assistant)):
        return
    # "对👌" at a menu of choices: "pick one, please", the menu again (framework.engine.stop_question)
    if stop_question.yes_at_menu(ctx, nlu, slot_name, parsed.ok, threshold(ctx.assistant)):
        ctx.say(step.prompt)
        return
    # "129的太贵了，不要" at the plan question: 129 turned down, not unknown ("没有这个套餐哦")
    if (not parsed.ok and slot.type == "categorical"
            and _ignored_as(ctx, ("rejected", "negated"), slot.entity or slot.name)):
        ctx.emit("choice_turned_down", slot=slot_name)
        ctx.say("utter_other_choice")
        ctx.say(step.prompt)
        return
    history = ctx.original.history
    if (history and _CONSENT.search(ctx.text or "")
            and ("value_not_own" in history[-1].events or any(_OWN_VALUE_SAID.search(r) for r in history[-1].replies))):
        # "他同意的，就借用一下，开59的" right after "这里需要您本人的身份证号，不能用家人或别人的" heard "好的，正在为您办理这件
        # 事" (customer trial, session 46): another person's consent makes the value no more the customer's own
        ctx.emit("value_not_own", slot=slot_name)
        ctx.say(slot_filling.OWN_VALUE, extra={"own_label": confirm.label(ctx, slot_name)})
        ctx.say(step.prompt)
        return
    if parsed.ok and _someone_elses_name(ctx, slot, parsed.value):
        # "刘芳，是我老婆，她让我来办的" and "我老婆叫刘芳" at "请问您的姓名是？" opened the account in the wife's name
        # (customer trial, session 33): the customer's own name is asked for; before the value's other checks ("刘芳是
        # 我老婆" asked "您说的姓名是我老婆吗？" once an example of 其他 said 老婆: session 46)
        ctx.emit("value_not_own", slot=slot_name)
        ctx.out_of_range.pop(slot_name, None)
        ctx.say(slot_filling.OWN_VALUE, extra={"own_label": confirm.label(ctx, slot_name)})
        ctx.say(step.prompt)
        return
    # "取消", or "开户" while the open-account flow asks for the name: no value
    verdict = value_guard.check(ctx, nlu, step, parsed, threshold(ctx.assistant))
    if verdict is not None:
        _not_a_value(ctx, step, verdict)
        return
    if (parsed.ok and slot.type == "text" and short_text(slot, model_for(ctx.assistant))
            # "ok whatever, can you just block it then" at the cardholder's name question: "Activate the card ending
            # 7777 for ok whatever?" (customer trial, session 40): the part taken is a hedge
            and (is_hedge(ctx.text or "", ctx.assistant.language) or is_hedge(str(parsed.value)))):
        # "随便", "凑合吧" at "请问您的姓名是？" were read back as the name (customer trial, session 33)
        ctx.emit("not_a_value", slot=slot_name, kind="hedge", intent=None)
        ctx.say(step.prompt)
        return
    if (parsed.ok and slot.type == "text" and language_key(ctx.assistant.language) == "zh"
            and short_text(slot, model_for(ctx.assistant)) and (whole := slot_filling.spelled_name(ctx.text or ""))):
        # "姓zhang，弓长张，名字叫伟" at the name question was read as "叫伟" (customer trial, session 33): 张伟
        parsed = ParseResult(True, whole)
    if parsed.ok and slot.type == "text" and slot_filling.spells_a_character(str(parsed.value)):
        # "张三，哦不对，是弓长张，珊瑚的珊，张珊" opened the account for "弓长张" (customer trial, session 33): the last
        # part of the message that is no spelling and reads as the value
        for part in reversed(re.split(r"[，,、。\s]+", ctx.text or "")):
            again = collect_text(ctx.assistant, slot, part, today=ctx.today) if part else None
            if again is not None and again.ok and not slot_filling.spells_a_character(str(again.value)):
                parsed = again
                break
    if parsed.ok:
        # "张伟，弓长张" at the name question opened an account for "张伟，弓长张" (customer trial, session 31)
        value = slot_filling.without_spelling(parsed.value) if slot.type == "text" else parsed.value
        ctx.set_slot(slot_name, _keeps_surname(ctx, slot_name, _after_surname(ctx, slot, value)), source="collect")
        steps.goto(ctx, steps.after_collect(ctx, state))
        return
    if _busy(ctx):  # "我要开户" while a transfer asks for the amount: no wasted attempt
        return
    if foreign_language.handle(ctx):  # "我不明白" at an English question: no wasted attempt
        ctx.say(step.prompt)
        return
    if corrections.filled_ahead(ctx, slot_name):
        # "身份证是 …" while the business is asked: the value is kept and the question asked
        # again, with no wasted attempt (three such answers used to end the flow as failed)
        ctx.say(step.prompt)
        return
    attempts = ctx.frame.attempts + 1
    ctx.emit("slot_invalid", slot=slot_name, attempts=attempts, error=parsed.error)
    if attempts >= step.max_attempts:
        ctx.emit("collect_failed", slot=slot_name, attempts=attempts)
        steps.give_up(ctx, step.on_failure)
        return
    ctx.update_frame(attempts=attempts)
    # A value understood but out of bounds says so (its `range_error`) before the generic re-ask.
    other = value_guard.other_kind(ctx, nlu, slot_name)
    if parsed.response:
        ctx.out_of_range.pop(slot_name, None)
        ctx.say(parsed.response)
    elif other is not None:  # a phone number at the ID question: no "check digit failed"
        value_guard.say_other_kind(ctx, other, slot_name)
        ctx.say(step.prompt)
    else:  # found in the message, said here once
        ctx.say_refused(slot_name, step.reprompt or slot.error_response or step.prompt)


def _also_prefill(ctx: TurnContext, nlu: NLUResult, flow: Flow):
    """What sets the values the `also` request's own words gave `flow` (set aside from the first request's reading:
    ctx.also_entities), for steps.start_flow."""
    start, end = nlu.also_span or (0, len(nlu.text or ""))
    said = _values_said(ctx, replace(nlu, entities=nlu.entities + ctx.also_entities), steps.collected_slots(flow),
                        start, end, generic=False)

    def prefill() -> None:
        for name, value in said.items():
            ctx.set_slot(name, value, source="entity")

    return prefill


def _request_after_yes(ctx: TurnContext, nlu: NLUResult, value_ok: bool) -> bool:
    """"好吧，那顺便帮我查下上个月的账单，号码是13651234567" (肯定 0.98) at the plan menu heard "请从这几项里选一个", and
    the bill was lost (customer trial, session 43): a yes that picks nothing, then a request the classifier is sure
    of (NLUResult.also) for another flow, is that request, now."""
    second = nlu.also[0] if nlu.also else None
    if (value_ok or second is None or second.confidence < threshold(ctx.assistant)
            or ctx.intent not in ctx.assistant.behaviours.affirm.intents):
        return False
    flow = ctx.assistant.flow_for_intent(second.name)
    if flow is None or flow.ends_conversation or flow.name == ctx.frame.flow:
        return False
    prefill = _also_prefill(ctx, nlu, flow)
    if len(ctx.stack) == 1 and stop_question.only_informs(ctx, ctx.flow()):
        # the plans' menu is not asked again after the bill (and again after "谢谢啊"): a flow that only tells ends
        stop_question.end_informing(ctx, "another_request")
    else:
        ctx.emit("flow_interrupted", flow=ctx.frame.flow, state=ctx.frame.state, by=flow.name)
        other_request.set_aside(ctx, flow)
    steps.start_flow(ctx, flow, reason="also", prefill=prefill)
    return True


# utter_own_value, as said ("这里需要您本人的身份证号，不能用家人或别人的。", "I need your own name here, …")
_OWN_VALUE_SAID = re.compile(r"^这里需要您本人的|^I need your own ")
_CONSENT = re.compile(r"(?:他|她|对方|人家|我(?:妈|爸|老婆|老公|同事|朋友))(?:都|也|已经)?(?:同意|答应|知道)(?:了|的)?|借用一下|借(?:一下)?(?:他|她)的"
                      r"|\b(?:he|she|they)(?:'s| is| are| has| have)? (?:agreed|ok with it|fine with it|said (?:it'?s|its) (?:ok|fine))\b",
                      re.IGNORECASE)


def _someone_elses_name(ctx: TurnContext, slot, value) -> bool:
    """Whether the name `value` of an own-name slot (`own: true`) is said as another person's in the message."""
    if slot.type != "text" or not slot.options.get("own") or not isinstance(value, str) or not value:
        return False
    text = ctx.text or ""
    at = text.find(value)
    return (names_kin(value) or (at >= 0 and another_persons_name(text, at, ctx.assistant.language, at + len(value)))
            or slot_filling.named_before_as_someone_elses(ctx, value))


_GIVEN_NAME = re.compile(r"[A-Z][a-z'’\-]+")


def _keeps_surname(ctx: TurnContext, slot_name: str, value):
    """"it's Maria on the card, Mary is what my friends call me" at "What's the name exactly as printed on the card?",
    asked again after "Mary Garcia" did not match, was read back as "Maria" (customer trial, session 45): a given name
    alone, in Latin letters, said again for the customer's own name (a slot not marked `other`: not a payee, who may
    be someone else) that held a full name with another given name, keeps the surname ("Maria Garcia")."""
    slot = ctx.assistant.slots.get(slot_name)
    before = ctx.slots.get(slot_name)
    if (slot is None or slot.type != "text" or slot.options.get("other") or not isinstance(value, str)
            or not isinstance(before, str) or not _GIVEN_NAME.fullmatch(value)):
        return value
    words = before.split()
    if len(words) < 2 or not all(_GIVEN_NAME.fullmatch(w) for w in words) or value in words:
        return value
    return " ".join([value, *words[1:]])


def _after_surname(ctx: TurnContext, slot, value):
    """A given name said right after the surname alone was asked to be completed ("我姓陈", then "建国"):
    the whole name, 陈建国 (framework.slots.partial_names.with_surname)."""
    history = ctx.original.history
    if (not history or not history[-1].text or "not_a_value" not in history[-1].events
            or slot.type != "text" or not short_text(slot, model_for(ctx.assistant))):
        return value
    surname = stated_surname(history[-1].text, ctx.assistant.language)
    return value if surname is None else with_surname(value, surname, ctx.assistant.language)


def _not_a_value(ctx: TurnContext, step: Collect, verdict: value_guard.Verdict) -> None:
    """A message that is no value of the collected slot (framework.engine.value_guard):
    the command runs, or the question is asked again; no attempt is used up."""
    ctx.emit("not_a_value", slot=step.slot, kind=verdict.kind, intent=verdict.intent)
    if verdict.kind == value_guard.COMMAND and verdict.intent and _global(ctx, verdict.intent):
        return
    flow = ctx.flow()
    if flow is not None and say_named(ctx, flow.name, flow.answers, ctx.text or "", "question_answered"):
        # "那先帮我把号停了挂失，万一被人拿去用咋整" at the complaint's name question heard "这个情况我也记下了", and the
        # customer thought the number was stopped (customer trial, session 47): what the flow answers is answered first
        return
    if ((verdict.kind == value_guard.OWN_FLOW or (verdict.kind == value_guard.YES and _ADDED_DETAIL.search(ctx.text or ""))
         # "在小区里，地下室完全没信号" at a complaint's name question: "您说的姓名是地下室完全没信号吗？", and "好" made it the
         # name (customer trial, session 39): a sentence is more of the complaint
         or (verdict.kind == value_guard.UNLIKE and _SAYS_MORE.search(ctx.text or ""))
         # "扣了我30块钱的什么增值业务，我从来没开过" at the name question: the loss taken, the rest dropped and the question
         # asked again word for word (customer trial, session 43): what the message says besides the value is more of it
         or (verdict.kind == value_guard.ANSWERED_OTHER and _SAYS_MORE.search(ctx.text or "")
             and content_length(re.sub(r"\d+", "", ctx.text or "")) >= _STORY_LENGTH))
            and trigger_text.add_detail(ctx)):
        # "对了，还有客服电话一直打不通" (肯定 1.00) at the complaint's name question was dropped without a word (customer
        # trial, session 34): "对了" opens more of it, no yes
        ctx.say(trigger_text.DETAIL_ADDED)
        ctx.say(step.prompt)  # "断网断了两天，影响我工作了": added to the complaint, then the name again
        return
    if verdict.kind == value_guard.UNLIKE:  # "开户吧" as a name: "您说的姓名是开户吗？"
        ctx.held[step.slot] = verdict.value
        slot_filling.ask(ctx, step.slot)
        return
    if verdict.kind == value_guard.OTHER_KIND_VALUE:  # "13812345678" at the name question
        value_guard.say_other_kind(ctx, verdict.value, step.slot)
        ctx.say(step.prompt)
        return
    if verdict.kind == value_guard.PARTIAL:  # "我姓李": "请告诉我完整的姓名，姓和名都要。"
        ctx.say(value_guard.FULL_NAME, extra={"partial_label": confirm.label(ctx, step.slot)})
        return
    if verdict.kind == value_guard.OWN_FLOW:
        ctx.say(value_guard.own_flow_response(ctx))
    if verdict.kind in (value_guard.OWN_FLOW, value_guard.YES, value_guard.ANSWERED_OTHER):
        ctx.say(step.prompt)
        return
    _fallback(ctx)  # a trigger the flow refused (busy); a command the domain has no behaviour for


# A sentence, no name: five Chinese characters or more with a word no name has ("地下室完全没信号")
_SAYS_MORE = re.compile(r"(?=(?:[^\u4e00-\u9fff]*[\u4e00-\u9fff]){5})(?=.*[没不了的在是有很太都吗呢吧啊也就还])")


_STORY_LENGTH = 12  # CJK characters and letters besides digits: "损失大概三千五" is a value, no story

# "对了，还有…", "另外…", "oh and also …": more said about the request, not a yes
_ADDED_DETAIL = re.compile(r"^(?:对了|哦对了|噢对了|还有|另外|而且|再说)[，,\s]*\S.{3,}|^(?:oh,? )?(?:and )?also\b.{6,}", re.IGNORECASE)


def _holds_value(ctx: TurnContext, slot_name: str, nlu: NLUResult) -> bool:
    slot = ctx.assistant.slots.get(slot_name)
    return slot is not None and _value_from_utterance(ctx, slot, nlu).ok


def _value_from_utterance(ctx: TurnContext, slot, nlu: NLUResult) -> ParseResult:
    """The collected slot's value from the whole message: for text, a context template's
    span or the text after a carrier phrase ("我叫张三" -> 张三); for other types the whole
    text, else a context entity found for the slot."""
    language = ctx.assistant.language
    if not from_user(slot):
        return ParseResult(False, error="this slot is set by actions only (from_user: false)")
    if slot.type == "text":
        return collect_text(ctx.assistant, slot, ctx.text or "", today=ctx.today)
    parsed = parse_value(slot, ctx.text or "", language, today=ctx.today)
    if parsed.ok:
        return parsed
    bare = without_filler(ctx.text or "", language)  # "ok 2000 then", "那就99吧"
    if bare != (ctx.text or "").strip():
        again = parse_value(slot, bare, language, today=ctx.today)
        if again.ok or again.response:
            return again
    for entity in nlu.entities:
        if entity.extractor in _CONTEXT_EXTRACTORS and entity.entity == (slot.entity or slot.name):
            if not isinstance(entity.value, str):  # already parsed by the slot's type ({"amount": ...})
                return ParseResult(True, entity.value)
            guess = parse_value(slot, entity.value, language, today=ctx.today)
            if guess.ok:
                return guess
    return parsed


def handle_action_result(assistant: Assistant, state: SessionState, result: ActionResult, *,
                         now: float | dt.datetime, channel: str | None = None) -> TurnResult:
    """Continue the turn that requested `state.pending_action` with its outcome."""
    call = state.pending_action
    if call is None:
        return TurnResult(state, (), (Event("action_result_ignored"),), None)
    ctx = _context(assistant, state, now=now, channel=channel, text=call.text, intent=call.intent,
                   confidence=None, new_turn=False)
    current = ctx.state()
    if current is None or ctx.frame.flow != call.flow or current.name != call.state:
        ctx.emit("action_result_ignored", action=call.action)
        return ctx.result()
    step = current.step
    flow = ctx.flow()
    action = assistant.actions.get(call.action)
    if result.ok:
        refused = sorted(set(result.slots) - set(action.sets if action else ()))
        if refused:
            result = ActionResult.failure(f"action {call.action!r} may not set slots: {', '.join(refused)}")
        elif result.next_state not in (None, END) and result.next_state not in flow.states:
            result = ActionResult.failure(f"action {call.action!r} returned unknown next state {result.next_state!r}")
        elif result.next_state not in (None, END) and step.routes and result.next_state not in step.routes:
            result = ActionResult.failure(
                f"action {call.action!r} chose state {result.next_state!r}, not among its routes {list(step.routes)}")
    if result.ok:
        for name, value in result.slots.items():
            ctx.set_slot(name, value, source=f"action:{call.action}")
        for text in result.responses:
            ctx.say_text(text)
        ctx.emit("action_succeeded", action=call.action)
        # An explicit on_success wins; without one the webhook may choose ("next"), and
        # otherwise the state's own transitions decide.
        target = step.on_success or result.next_state or steps.after_step(ctx, current)
    elif result.status in step.on_status:
        # The backend refused (no such card): the system worked, so this is no failure.
        # A 4xx body's slots are not applied: the request was refused, nothing was done.
        ctx.emit("action_refused", action=call.action, status=result.status, error=result.error)
        target = step.on_status[result.status]
    else:
        ctx.emit("action_failed", action=call.action, error=result.error, kind=result.kind)
        # on_timeout / on_error when the step has the one for this kind, else on_failure
        target = {"timeout": step.on_timeout, "error": step.on_error}.get(result.kind) or step.on_failure
        if target is None:
            ctx.say(assistant.behaviours.fallback.response)
            target = END
    steps.goto(ctx, target)
    return _finish(ctx)
