"""Running the machine: entering states, executing their steps, choosing transitions.

`goto` moves the active flow to a state and keeps going until the machine has to wait:
for the user (collect, confirm, an intent transition), for an action's result, or because
no flow is left.
"""
from __future__ import annotations

import re
from typing import Callable

from framework.compile.machine import END, CallAction, Collect, Confirm, End, Flow, Handoff, Link, Say, State, frozen_map
from framework.conditions import evaluate
from framework.engine import lifetimes, repeats, trigger_text
from framework.engine.context import TurnContext
from framework.engine.state import Frame
from framework.slots.answers import NEVER, SAME_AGAIN_EN, language_key
from framework.slots.number_labels import IDENTIFIER_TYPES

MAX_STATES_PER_TURN = 100  # a cycle of say-states would otherwise never stop


_BACK = {
    # "and check its balance too" right after an activation asked the digits again (customer trial, session 37)
    "en": re.compile(r"\b(?:(?:that|this|the same|same)\s+(?:card|one|number|account|phone)|(?:block|freeze|cancel|check|"
                     r"activate)\s+it|lost it|on it|for it|its (?:balance|limit))\b", re.IGNORECASE),
    "zh": re.compile(r"(?:这个|那个|刚才那个|刚才的|同一个|这张|那张|这部|那部)(?:号码?|卡|手机号?|手机)|这个号|刚才那个"),
}


# "also my other card got stolen, block it" right after the balance of 1234 blocked 1234 (customer trial,
# session 30): "block it" points at the other card, not at the one just talked about
def _another_en(words: str) -> re.Pattern:
    return re.compile(rf"\b(?:{words}|(?:my )?(?:wife|husband|partner|son|daughter|mum|mom|dad|friend)'?s)\s+(?:\w+\s+)?"
                      r"(?:card|one|number|account|phone)\b", re.IGNORECASE)


_ANOTHER_ZH = re.compile(r"另(?:外)?(?:一)?(?:张|个|部)|其他的?(?:卡|号|手机)|别的(?:卡|号|手机)|第二(?:张|个)|还有一(?:张|个)")
_OTHER = {"en": _another_en("other|another|different|second|2nd|spare|new|old|previous|former"), "zh": _ANOTHER_ZH}
# ... and with no "new": "my card ends in 4821", then "activate my new card" is card 4821
_ANOTHER_THAN_SAID = {"en": _another_en("other|another|different|second|2nd|spare|old|previous|former"),
                      "zh": _ANOTHER_ZH}


def names_another(text: str, language: str | None) -> bool:
    """Whether the message names another one than the one said ("my old one", "the other card", "另一张卡")."""
    return bool(_ANOTHER_THAN_SAID.get(language_key(language) or "en", NEVER).search(text))


def refers_back(text: str, language: str | None) -> bool:
    """Whether the message points at the thing just talked about ("that card", "block it", "这个号码"), not
    at another one ("my other card … block it")."""
    key = language_key(language) or "en"
    pattern, other = _BACK.get(key), _OTHER.get(key)
    return bool(pattern and pattern.search(text)) and not (other and other.search(text))


def goto(ctx: TurnContext, target: str | None) -> None:
    for _ in range(MAX_STATES_PER_TURN):
        if target is None or not ctx.stack:
            return
        target = end_flow(ctx) if target == END else enter(ctx, target)
    ctx.emit("loop_detected", flow=ctx.frame.flow if ctx.frame else None)
    abandon_all(ctx, "flow_cancelled")


# "the same amount" / "him again" in a new request: the value the last request was given ("and send the same amount
# to Peter" after $20 to John asked the amount again; customer trials of sessions 30 and 31, left then)
# "and the same to Carl" right after $40 to Anna asked the amount (tried by hand, session 32)
_SAME_AMOUNT = {"en": re.compile(r"\b(?:the )?same (?:amount|sum|again|money)\b|\bas much (?:again|as (?:before|last time))\b"
                                 r"|^\W*(?:(?:ok(?:ay)?|and|so|now|also)[,\s]+)*(?:do )?(?:the )?same (?:to|for)\b", re.IGNORECASE),
                "zh": re.compile(r"(?:一样|同样)的?(?:金额|钱数|数)|(?:跟|和)(?:刚才|上次)一样多|还是(?:那么|这么)多")}
# (a pronoun is not enough: "send her again 20 more" after Julia's failed transfer sent $20 to Mark, the last one done:
# customer trial, session 31)
_SAME_ALL = {"en": re.compile(rf"\b{SAME_AGAIN_EN} (?:to|for)\b|\bsame again\b", re.IGNORECASE),
             "zh": re.compile(r"(?:一样|同样)的?再(?:来|给|转|办)")}
_SAME_PERSON = {"en": re.compile(r"\bsame (?:person|guy|girl|recipient|payee)\b", re.IGNORECASE),
                "zh": re.compile(r"同一个人|(?:跟|和)刚才同一个人")}


def _same_again(ctx: TurnContext, flow: Flow) -> None:
    """Slots of `flow` the message says take the last request's value again: an amount (money, number slots) for
    "the same amount", a person (a personal-data text slot) for "him again"; set where the message gave none."""
    key, text = language_key(ctx.assistant.language) or "en", ctx.text or ""
    amount, person, everything = _SAME_AMOUNT.get(key), _SAME_PERSON.get(key), _SAME_ALL.get(key)
    wanted = collected_slots(flow)
    for name, value in ctx.last_values.items():
        slot = ctx.assistant.slots.get(name)
        if slot is None or name not in wanted or ctx.slots.get(name) is not None:
            continue
        if ((slot.type in ("money", "number", "integer")
             and any(p is not None and p.search(text) for p in (amount, everything)))
                or (slot.type == "text" and slot.pii and person is not None and person.search(text))
                # "do the same for Ben" after $40 to Anna on Friday went out today (customer trial, session 32): the
                # same day too, while it is still to come
                or (slot.type == "date" and everything is not None and everything.search(text)
                    and isinstance(value, str) and value >= ctx.today.isoformat())):
            ctx.set_slot(name, value, source="referred")


_SHORT_ANSWER_WORDS = 8


def referred_answer(ctx: TurnContext, collecting: str) -> bool:
    """"the same card" / "same one" / "刚才那张卡" at the card question of a request right after another one ("That
    doesn't look right. I need exactly four digits": customer trial, session 35): the value the last request was given,
    where it had one for the asked slot (source `referred`). True when it was set."""
    value = (((ctx.frame.before if ctx.frame else None) or {}).get("slots") or {}).get(collecting)
    text = ctx.text or ""
    if (value is None or ctx.slots.get(collecting) is not None or len(text.split()) > _SHORT_ANSWER_WORDS
            or not refers_back(text, ctx.assistant.language)):
        return False
    ctx.set_slot(collecting, value, source="referred")
    return True


def start_flow(ctx: TurnContext, flow: Flow, *, reason: str, prefill: Callable[[], None] | None = None) -> None:
    """Push `flow` and enter its start; `prefill` fills values for it first (the values a
    request for it was given while another flow ran: framework.engine.other_request)."""
    ctx.handoff = False
    if reason == "trigger" and ctx.last_values and refers_back(ctx.text or "", ctx.assistant.language):
        # "now block that card, I lost it" right after the balance of 1234 asked for the digits again
        # (customer trial, session 26): the values the last request was given, where this flow asks them
        wanted = collected_slots(flow)
        last = ctx.assistant.flows.get(ctx.last_flow or "")
        confirmed = last is not None and confirms(last)
        for name, value in ctx.last_values.items():
            slot = ctx.assistant.slots.get(name)
            if confirmed and slot is not None and slot.type == "categorical":
                # "我刚开的那个卡能换成99吗" right after an opening carried business 开户 and opened a second
                # account (customer trial, session 28): after a change the customer confirmed, "that card"
                # names who and which one, not what to do with it
                continue
            if name in wanted and ctx.slots.get(name) is None:
                ctx.set_slot(name, value, source="referred")
    if reason in ("trigger", "follow_up") and ctx.last_values:
        _same_again(ctx, flow)
    before = {}
    if not flow.ends_conversation:
        wanted = collected_slots(flow)
        before = {n: v for n, v in ctx.last_values.items() if n in wanted and ctx.slots.get(n) is None}
        # a goodbye keeps what ended before it: "ok thanks", then "and the other card 4821?" said goodbye again and
        # the balance was never given (customer trial, session 35)
        ctx.last_flow, ctx.last_values = None, {}
    if reason == "trigger" and not ctx.stack and names_another(ctx.text or "", ctx.assistant.language):
        # "got the replacement card, ends 1234", then "also my old card was stolen, please block it": card 1234, kept
        # from the first message, was blocked (customer trial, session 30); another card's digits are asked
        earlier = {n for n, s in ctx.assistant.slots.items() if s.type in ("regex", "phone")
                   and ctx.slots.get(n) is not None and n not in ctx.slot_changes}
        if earlier:
            ctx.clear_slots(earlier, "another_one")
    if ctx.second_values and reason == "trigger" and set(ctx.second_values) <= collected_slots(flow):
        # "send 50 dollars to Tom and 30 dollars to Ann": the second transfer waits under the first,
        # its values saved in its frame (restored when it starts: framework.engine.other_request)
        ctx.stack.append(Frame(flow.name, flow.start, saved=frozen_map({"slots": frozen_map(ctx.second_values)})))
        ctx.emit("flow_deferred", flow=flow.name, until=flow.name, reason="second_request")
        ctx.say("utter_one_at_a_time")
        ctx.second_values = {}
    runs = repeats.asked(ctx, flow) if reason == "trigger" else None
    ctx.stack.append(Frame(flow.name, flow.start, before=frozen_map({"slots": frozen_map(before)}) if before else None,
                           runs=runs))
    lifetimes.drop_earlier_values(ctx)
    _identity_of_the_request_dropped(ctx, flow, reason)
    if prefill is not None:
        prefill()
    if ctx.new_turn and reason in ("trigger", "interruption"):
        ctx.started_by_message = flow.name
    ctx.emit("flow_started", flow=flow.name, reason=reason)
    repeats.announce(ctx, runs, flow)
    goto(ctx, flow.start)


def trigger_examples_say(ctx: TurnContext, flow: Flow, word: str) -> bool:
    """Whether an example of the flow's trigger intents uses `word` (lower case) at the start of one of its words."""
    return any(re.search(rf"\b{word}", getattr(e, "text", str(e)).lower())
               for name in flow.triggers for e in getattr(ctx.assistant.intents.get(name), "examples", ()))


def confirms(flow: Flow) -> bool:
    """Whether `flow` has a confirmation (a read-back before what it does)."""
    return any(isinstance(state.step, Confirm) for state in flow.states.values())


def _identity_of_the_request_dropped(ctx: TurnContext, flow: Flow, reason: str) -> None:
    """"算了投诉也没用，直接给我换个便宜的套餐" right after the complaint had the name and the ID asked them again (customer
    trial, session 44): a request cancelled for another (`stopped` by a cancel) leaves who the customer is (personal
    names, ID and phone numbers) to the flow that starts next, where it asks them; its confirmation reads them back."""
    stopped = ctx.original.stopped
    if reason != "trigger" or not stopped or stopped.get("by") != "cancel" or stopped.get("flow") == flow.name:
        return
    wanted = collected_slots(flow)
    carried = []
    for name, value in (stopped.get("slots") or {}).items():
        slot = ctx.assistant.slots.get(name)
        if (slot is not None and slot.pii and slot.type in ("text", "id_number", "phone") and name in wanted
                and value is not None and ctx.slots.get(name) is None):
            ctx.set_slot(name, value, source="carried")
            carried.append(name)
    if carried:
        ctx.emit("identity_carried", flow=flow.name, slots=tuple(sorted(carried)))


def enter(ctx: TurnContext, name: str) -> str | None:
    """Run state `name`'s step; return the next target, or None when the machine waits."""
    flow = ctx.flow()
    state = flow.states.get(name) if flow else None
    if state is None:
        ctx.emit("unknown_state", flow=ctx.frame.flow, state=name)
        return END
    ctx.update_frame(state=name, attempts=0, waiting_for=None)
    step = state.step
    if isinstance(step, Say):
        ctx.say(step.response)
    elif isinstance(step, Collect):
        if trigger_text.fill(ctx, step):  # "……，我要投诉": the complaint was the trigger
            return after_step(ctx, state)
        if _take_default(ctx, step):  # `default: today`: not asked
            return after_step(ctx, state)
        if not (step.skip_if_filled and ctx.slots.get(step.slot) is not None):
            from framework.engine.slot_filling import ask  # it builds on this module

            if ask(ctx, step.slot):  # "Did you mean Paris?" for a learnt value held this turn
                return None
            # "send 9000 dollars": the amount was understood but is over the limit; its
            # range_error replaces the question, as for an answer out of bounds (turn.py)
            from framework.engine import unavailable

            if unavailable.say(ctx, step.slot) and unavailable.all_that_was_asked(ctx, step.slot):
                # "我想携号转网转到你们这边，怎么弄" heard where 携号转网 is done, then "开户还是变更套餐？", and "好的谢谢啦"
                # was asked whether to cancel a request never made (customer trial, session 41): the flow asked
                # for only that ends with where it is done
                ctx.emit("flow_not_served", flow=ctx.frame.flow, slot=step.slot)
                return END
            ctx.say_refused(step.slot, step.prompt)
            ctx.update_frame(waiting_for=f"slot:{step.slot}")
            return None
    elif isinstance(step, Confirm):
        ctx.say(step.response)
        ctx.update_frame(waiting_for="confirm")
        return None
    elif isinstance(step, CallAction):
        ctx.request_action(step.action)
        return None
    elif isinstance(step, Handoff):
        hand_off(ctx, step.response)
        return None
    elif isinstance(step, Link):
        return link(ctx, step.flow)
    elif isinstance(step, End):
        ctx.say(step.response)
        return END
    return after_step(ctx, state)


def _take_default(ctx: TurnContext, step: Collect) -> bool:
    """A collect step's `default` ("today") fills its empty slot instead of a question;
    not when the slot's value was refused as out of bounds in this turn (the customer named
    a day: the question, after the slot's range_error, says which days can be), nor when the
    message named a value the slot lists as not served here (`unavailable`: "上上个月的账单" got
    this month's bill, customer trial of session 25), nor when the default is no valid value
    now (a fixed date gone by), nor, for a date slot, when the message named a time that is no
    single day ("send 50 to Grace Hall next week", "on payday", 过几天: the money went out today,
    customer trial of session 29; framework.slots.dates.vague_time): the day is asked."""
    if step.default is None or ctx.slots.get(step.slot) is not None or step.slot in ctx.out_of_range:
        return False
    from framework.engine import unavailable

    if (ctx.new_turn and unavailable.named(ctx, step.slot)) or step.slot in ctx.frame.undefaulted:
        return False  # "上上个月的账单": a value not served here was named; said, then the question
    from framework.slots import parse_value

    slot = ctx.assistant.slots.get(step.slot)
    if step.slot in ctx.unread and ctx.new_turn:
        ctx.emit("default_not_taken", slot=step.slot, unread=True)
        return False
    if slot is not None and slot.type == "date" and ctx.new_turn:
        from framework.slots.dates import vague_time

        vague = vague_time(ctx.text or "", ctx.assistant.language, ctx.today)
        if vague is not None:
            ctx.emit("default_not_taken", slot=step.slot, vague=vague)
            return False
    parsed = parse_value(slot, str(step.default), ctx.assistant.language, today=ctx.today) if slot else None
    if parsed is None or not parsed.ok:
        return False
    ctx.set_slot(step.slot, parsed.value, source="default")
    return True


def after_step(ctx: TurnContext, state: State) -> str | None:
    """The first transition that fires; None to wait for the user's next message (an intent
    transition comes before any that fires); END when there are none."""
    for transition in state.transitions:
        if transition.intent:
            ctx.update_frame(waiting_for="intent")
            return None
        if transition.condition is None or evaluate(transition.condition, ctx.slots):
            return transition.to
    if state.transitions:
        ctx.emit("no_transition", flow=ctx.frame.flow, state=state.name)
    return END


def intent_target(ctx: TurnContext, state: State, intent: str | None, confident: bool) -> str | None:
    """On a message to a state waiting for an intent: its transitions, in order."""
    for transition in state.transitions:
        if transition.intent and not (confident and transition.intent == intent):
            continue
        if transition.condition is None or evaluate(transition.condition, ctx.slots):
            return transition.to
    return None


def link(ctx: TurnContext, flow_name: str) -> str | None:
    flow = ctx.assistant.flows.get(flow_name)
    old = ctx.stack[-1].flow
    if flow is None:
        ctx.emit("unknown_flow", flow=flow_name)
        return END
    if any(f.flow == flow_name for f in ctx.stack[:-1]):
        # Linked to a flow waiting below ("需要帮您办理99元套餐吗？" said yes to while the business flow
        # it links to waits at its confirmation): back to that one, with the values given since
        while ctx.stack[-1].flow != flow_name:
            done = ctx.stack.pop()
            ctx.emit("flow_completed", flow=done.flow, reason="link")
            lifetimes.release(ctx, done.flow, "link")
        # ... and with what it held and set aside for the flow above, where nothing was given since ("有哪几种套餐" at an
        # opening's plan question, "39的", "好的": the read-back showed "办理「」", the business set aside; session 38)
        for name, value in ((ctx.frame.saved or {}).get("slots") or {}).items():
            if value is not None and ctx.slots.get(name) is None:
                ctx.set_slot(name, value, source="restored")
        ctx.update_frame(saved=None)
        ctx.emit("flow_resumed", flow=flow_name, state=ctx.frame.state)
        return ctx.frame.state
    ctx.stack[-1] = Frame(flow.name, flow.start)
    ctx.emit("flow_completed", flow=old, reason="link")
    lifetimes.release(ctx, old, "link")  # what the linked flow uses is kept
    ctx.emit("flow_started", flow=flow.name, reason="link", linked_from=old)
    return flow.start


def end_flow(ctx: TurnContext) -> str | None:
    """Finish the active flow; the interrupted one below resumes by re-entering its state
    (so a collect step asks again)."""
    done = ctx.stack.pop()
    ctx.emit("flow_completed", flow=done.flow)
    again = repeats.next_run(ctx, done)  # "给三个伙计各办一张卡": the next opening, with the same values
    if again is not None:
        return again
    asked = _asked(ctx, done.flow)
    fulfilled = []
    while ctx.stack and ctx.stack[-1].waiting_for and _links_to(ctx, ctx.stack[-1].flow, done.flow):
        # "我要办99的" (办理) at the consultation's "想详细了解哪一档？": the opening done, the consultation asked its
        # question again, and its business 开户 was kept for a second opening (customer trial, session 36); a flow
        # whose offer leads to the one just done has done its part
        fulfilled.append(ctx.stack.pop())
        ctx.emit("flow_fulfilled", flow=fulfilled[-1].flow, by=done.flow)
    lifetimes.release(ctx, done.flow, "flow_end")
    for frame in fulfilled:
        lifetimes.release(ctx, frame.flow, "flow_end")
    if any(e.name == "flow_not_served" and e.data.get("flow") == done.flow for e in ctx.events):
        # "我手机昨天在地铁上丢了，号码是13912345678，赶紧帮我停机！" (a shop's business: not served here), then "那你帮我查查这个号
        # 还剩多少钱" asked the number again (customer trial, session 44): the number said is kept for "这个号"
        asked = {**_identifiers_said(ctx), **asked}
    if not ctx.stack:
        # "and for 1234?" may follow it up (framework.engine.follow_up); a goodbye keeps the flow before it
        if not ctx.assistant.flows[done.flow].ends_conversation:
            ctx.last_flow, ctx.last_values = done.flow, asked
        return None
    resumed = ctx.stack[-1]
    from framework.engine import other_request

    other_request.restore(ctx)  # what the interrupting flow was given for it is not this flow's
    ctx.emit("flow_resumed", flow=resumed.flow, state=resumed.state)
    return resumed.state


def _identifiers_said(ctx: TurnContext) -> dict:
    """The identifiers (a phone number, a card's digits, an ID number) this turn's message gave, kept or not."""
    return {e.data["slot"]: e.data["value"] for e in ctx.events
            if e.name == "slot_set" and e.data.get("source") == "entity" and e.data.get("value") is not None
            and getattr(ctx.assistant.slots.get(e.data.get("slot")), "type", None) in IDENTIFIER_TYPES}


def _links_to(ctx: TurnContext, flow_name: str, target: str) -> bool:
    """Whether a state of flow `flow_name` links to flow `target`."""
    flow = ctx.assistant.flows.get(flow_name)
    return flow is not None and any(isinstance(s.step, Link) and s.step.flow == target for s in flow.states.values())


def _asked(ctx: TurnContext, flow_name: str) -> dict:
    """The values of the flow's collected slots, for a follow-up ("那上个月的呢" after a bill). Personal
    data too since session 27 (the phone number was asked again after every follow-up in three trial
    rounds); the store seals them like slots (framework.store.privacy), and they go when the next
    flow starts or the session ends."""
    flow, slots = ctx.assistant.flows.get(flow_name), ctx.assistant.slots
    if flow is None:
        return {}
    return {name: ctx.slots[name] for name in sorted(collected_slots(flow))
            if name in slots and ctx.slots.get(name) is not None}


def abandon_all(ctx: TurnContext, event: str) -> list[str]:
    names = []
    while ctx.stack:
        frame = ctx.stack.pop()
        names.append(frame.flow)
        ctx.emit(event, flow=frame.flow, state=frame.state)
        lifetimes.release(ctx, frame.flow, event)
    return names


def yes_target(ctx: TurnContext) -> State | None:
    """The state the yes of the confirmation waiting goes to; None when no confirmation waits."""
    state, flow = ctx.state(), ctx.flow()
    step = state.step if state is not None else None
    return flow.states.get(step.on_yes) if isinstance(step, Confirm) and flow is not None else None


def offers_a_person(ctx: TurnContext) -> bool:
    """Whether the confirmation waiting asks about a person itself ("需要为您转人工吗？" after a complaint was filed): its
    yes goes to a handoff step. "要，转人工" there heard "刚才的事项还没确认，没有办理", though the complaint had been
    filed (customer trial, session 35)."""
    target = yes_target(ctx)
    return target is not None and isinstance(target.step, Handoff)


def hand_off(ctx: TurnContext, response: str | None) -> None:
    if ctx.frame is not None and ctx.frame.waiting_for == "confirm" and not offers_a_person(ctx):
        # "agent" at "Send $50.00 to Tom …?": did it go? (tried by hand, session 31) It did not, and is said so
        ctx.emit("handoff_before_confirmed", flow=ctx.frame.flow)
        ctx.say("utter_not_done_before_handoff")
    ctx.say(response or ctx.assistant.behaviours.handoff.response)
    flow = ctx.frame.flow if ctx.frame else None
    keep_stopped(ctx, flow, "handoff")  # before the slots are released
    abandon_all(ctx, "flow_cancelled")
    ctx.handoff = True
    ctx.emit("handoff", flow=flow)


def keep_stopped(ctx: TurnContext, flow: str | None, by: str) -> None:
    """What "算了不转了，继续办吧" / "还是办吧" in the next message takes up again (framework.engine.handoff): the flow a
    handoff or a cancel (`by`) stops and the values it holds, personal ones too (sealed at rest like slots:
    framework.store.privacy). Called before the flow's slots are released."""
    known = ctx.assistant.flows.get(flow) if flow else None
    wanted = collected_slots(known) if known is not None else set()
    ctx.stopped = {"flow": flow, "by": by,
                   "slots": {name: ctx.slots[name] for name in sorted(wanted) if ctx.slots.get(name) is not None}}


def reprompt(ctx: TurnContext) -> None:
    """Ask again what the active state is waiting for (a slot being changed after a
    confirmation's "no", or the "which item?" question, before the step itself)."""
    state = ctx.state()
    step = state.step if state else None
    waiting = ctx.frame.waiting_for if ctx.frame else None
    if waiting == "which":
        from framework.engine.confirm import say_which  # confirm builds on this module

        say_which(ctx)
    elif waiting and waiting.startswith("slot:") and not isinstance(step, Collect):
        ctx.say(collect_step(ctx.flow(), state, waiting[5:]).prompt)
    elif isinstance(step, Collect):
        ctx.say(step.prompt)
    elif isinstance(step, Confirm):
        ctx.say(step.response)
    elif isinstance(step, Say):
        ctx.say(step.response)


def collect_step(flow: Flow, state: State, slot: str) -> Collect:
    """The collect step for `slot` where the flow is: the state's own, or (a slot changed
    after a confirmation's "no") the flow's first state that collects it."""
    if isinstance(state.step, Collect) and state.step.slot == slot:
        return state.step
    for other in flow.states.values():
        if isinstance(other.step, Collect) and other.step.slot == slot:
            return other.step
    return Collect(slot, f"utter_ask_{slot}")


def open_question(ctx: TurnContext, flow: Flow) -> str | None:
    """Where the flow would now stand, walked from its start through collect steps whose slots hold
    values (their transitions read, nothing run): the first state that is no such step, or None when
    an intent transition, a missing state or a loop stops the walk. Pure."""
    name, seen = flow.start, set()
    while name and name != END and name not in seen:
        seen.add(name)
        state = flow.states.get(name)
        if state is None:
            return None
        if not isinstance(state.step, Collect) or ctx.slots.get(state.step.slot) is None:
            return name
        name = None
        for transition in state.transitions:
            if transition.intent:
                return None
            if transition.condition is None or evaluate(transition.condition, ctx.slots):
                name = transition.to
                break
    return None


def after_collect(ctx: TurnContext, state: State) -> str | None:
    """Where to go once the awaited slot has its value: on through the state's transitions,
    or, for a slot changed at a confirm step, back to that confirmation."""
    if isinstance(state.step, Confirm):
        # a confirmation whose change goes elsewhere (an offer's on_change): there, after the item asked again
        return state.step.on_change or state.name
    waited = (ctx.frame.waiting_for or "") if ctx.frame else ""
    if isinstance(state.step, Collect) and waited.startswith("slot:") and waited[5:] != state.step.slot:
        return state.name  # a value asked again aside ("the name I gave was wrong" at the amount): this question again
    return after_step(ctx, state)


def give_up(ctx: TurnContext, on_failure: str | None) -> None:
    """A collect or confirm step ran out of attempts: its on_failure, or the end of the flow,
    saying so (`utter_gave_up`, built in; a domain may define it), never a silent turn."""
    if on_failure is None:
        ctx.say("utter_gave_up")
        on_failure = END
    goto(ctx, on_failure)


def collected_slots(flow: Flow) -> set[str]:
    return {s.step.slot for s in flow.states.values() if isinstance(s.step, Collect)}


def gives_values(ctx: TurnContext, nlu, flow: Flow, *, choices: bool = True) -> bool:
    """Whether the message holds a value for a slot `flow` collects (without `choices`: a categorical slot's value does
    not count)."""
    return bool(flow_entities(ctx, nlu, flow, choices=choices))


def flow_entities(ctx: TurnContext, nlu, flow: Flow, *, choices: bool = True) -> tuple:
    """The message's entities that give a value to a slot `flow` collects (without `choices`: not a categorical
    slot's)."""
    from framework.slots.mapping import fills

    slots = [ctx.assistant.slots[n] for n in collected_slots(flow)
             if n in ctx.assistant.slots and (choices or ctx.assistant.slots[n].type != "categorical")]
    return tuple(e for e in nlu.entities if any(fills(slot, e, None) for slot in slots))
