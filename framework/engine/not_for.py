"""Requests a flow's trigger intent covers that the flow must not serve.

"unblock my card 4821 I found it" is read as lost_card (1.00 on the trial's model), and the lost-card
flow offered to block the card: "yes please" then blocked it for good (customer trial, session 27);
"my card isn't lost anymore, cancel the block" the same. The classifier is right that the message is
about a lost card; what it asks for is the opposite of the flow's action. A flow may list such
requests:

    lost_card:
      trigger: lost_card
      not_for:
        - response: utter_cannot_unblock
          words: [unblock, unfreeze]
          patterns: ['\\b(?:cancel|remove|lift|undo)\\b.{0,20}\\bblock']

When the flow's trigger would start it (or interrupt another flow for it) and the message names
one of the words (case-insensitive, inside the message) or matches one of the patterns, the
response is said instead (event `request_not_served`) and a question waiting is asked again; the
flow does not start. Its own trigger inside the flow is no new request (the message goes to the
step as before). At the flow's own confirmation such a message ends the flow without its action
("这是帮我妈办的" at an opening's read-back: `refused_at_confirmation`). Checked by the validator: the response exists, the patterns compile, and each
entry names words or patterns."""
from __future__ import annotations

import re
from dataclasses import replace

from framework.compile.machine import Flow
from framework.engine import lifetimes, slot_filling, steps
from framework.engine.context import TurnContext
from framework.engine.unavailable import say_named, tell_named
from framework.slots.answers import asks_what_to_do, is_question
from framework.slots.command_words import negated_command
from framework.slots.entities import extract_entities
from framework.slots.context import model_for, short_text
from framework.slots.number_labels import IDENTIFIER_TYPES


def refused(ctx: TurnContext, flow: Flow) -> bool:
    """True when this turn's message asks `flow` for a request it lists in `not_for` (said so)."""
    text = ctx.text or ""
    if not flow.not_for or not text or not ctx.new_turn:
        return False
    if _warned_again(ctx, flow):
        return True
    if not say_named(ctx, flow.name, flow.not_for, text, "request_not_served"):
        return False
    # what the request not served gave is not kept: "帮我老婆换个套餐，…换成99的" (refused), then "那我自己换个套餐"
    # was read back with plan 99 nobody chose for the customer (customer trial, session 30)
    # ... but the number it named: "我手机昨天在地铁上丢了，号码是13912345678，赶紧帮我停机！" (refused: a shop's business),
    # then "那你帮我查查这个号还剩多少钱" asked the number again (customer trial, session 44); "这个号" may take it
    named = {n: v for n, v in ctx.slot_changes.items() if v is not None
             and getattr(ctx.assistant.slots.get(n), "type", None) in IDENTIFIER_TYPES}
    lifetimes.forget_this_turns_values(ctx, "not_served")
    if not ctx.stack:
        # "对了，我还想给我女儿办张卡" (refused) right after a complaint, then "张小雨" started a second complaint as a
        # follow-up of the first (customer trial, session 36): the conversation has moved on from the last flow
        ctx.last_flow, ctx.last_values = None, named
    return True


def taken_up(ctx: TurnContext, nlu, confident: bool) -> bool:
    """"我想再办一张卡，给我儿子用" heard that the holder opens it, or the customer in their own name ("说开户"); the
    customer's name, then ID, next heard "回答不了" and "没听明白" until the word 开户 (customer trial, session 41): right
    after a request not served, a message that gives the refused flow's own values (the customer's name or ID, as its
    reply invites), and asks for nothing else, starts that flow with them (event `request_taken_up`)."""
    history = ctx.original.history
    if ctx.stack or not history or not ctx.new_turn:
        return False
    at = len(history) - 1
    if (at > 0 and "value_noted" in history[at].events and "request_not_served" not in history[at].events
            and "request_not_served" in history[at - 1].events):
        # "她用39的就够了" (noted) between the refusal and "那行，用我的名字开给她用，我叫陈志强，4403…", which heard "回答不了"
        # (customer trial, session 46)
        at -= 1
    if "request_not_served" not in history[at].events:
        return False
    while at > 0 and "value_not_own" in history[at].events and "request_not_served" in history[at - 1].events:
        at -= 1  # "她叫李秀兰" (the refusal said again), then the ID: the request refused is the first's
    refusal = history[at]
    flow = ctx.assistant.flow_for_intent(refusal.intent or "")
    if flow is not None and _warned_again(ctx, flow):
        return True
    if flow is not None and any(e.name == "entity_ignored" and e.data.get("reason") in ("someone_else", "after_someone_else")
                                for e in ctx.events):
        # "她叫李秀兰" right after "开户…需要机主本人办理" started the opening, and the mother's ID and name went into it
        # (customer trial, session 45): another person's values are the refused request again
        if say_named(ctx, flow.name, flow.not_for, refusal.text or "", "request_not_served"):
            ctx.emit("value_not_own", slot=None)
            lifetimes.forget_this_turns_values(ctx, "not_served")
            return True
    behaviours = ctx.assistant.behaviours
    other = ctx.assistant.flow_for_intent(ctx.intent) if confident and ctx.intent else None
    if (flow is None or (other is not None and other.name != flow.name)
            or (confident and any(ctx.intent in b.intents for b in (behaviours.cancel, behaviours.handoff,
                                                                      behaviours.help)))
            or not steps.gives_values(ctx, nlu, flow, choices=False) or _ANOTHER_OR_NOT.search(ctx.text or "")):
        return False
    ctx.emit("request_taken_up", flow=flow.name)
    slot_filling.fill(ctx, replace(nlu, entities=steps.flow_entities(ctx, nlu, flow)), None)
    # the choice the refused request named ("我帮我妈开个新号": 开户), not asked again ("开户还是变更套餐？": customer trial,
    # session 46); whose values it gave stay dropped
    slots, wanted = ctx.assistant.slots, steps.collected_slots(flow)
    for entity in extract_entities(ctx.assistant, refusal.text or "", today=ctx.today):
        slot = slots.get(entity.entity)
        if (slot is not None and slot.name in wanted and slot.type == "categorical" and ctx.slots.get(slot.name) is None):
            ctx.set_slot(slot.name, entity.value, source="taken_up")
    steps.start_flow(ctx, flow, reason="taken_up")
    return True


# A second request or a negation: "我朋友也想办" (the one read back is still the customer's), "dont freeze the card"
_ANOTHER_OR_NOT = re.compile(r"也|还有|另外|\b(?:also|too|as well)\b|\bnot\b|\bdon'?t\b|\bdont\b|别|不要")


def refused_at_confirmation(ctx: TurnContext) -> bool:
    """"这是帮我妈办的" at an opening's read-back heard "没听明白", and "确认" opened the account in the mother's name
    (customer trial, session 34): at the active flow's confirmation, a message that names what the flow's `not_for`
    lists is said so, and the flow ends without its action (event `flow_cancelled`, reason `not_served`); one it
    interrupted asks its question again."""
    flow, frame, text = ctx.flow(), ctx.frame, ctx.text or ""
    if flow is None or frame is None or frame.waiting_for != "confirm" or not flow.not_for or not text:
        return False
    # not a refusal ("wait my bad, dont freeze the card, just found it": the confirmation's no), nor a second request
    # ("我朋友也想办": this one is the customer's)
    if negated_command(text, ctx.assistant.language) is not None or _ANOTHER_OR_NOT.search(text.lower()):
        return False
    # nor a question: "这个要额外交钱吗？还是免费升级" at a plan change's read-back named a recharge (not served) and the
    # change was dropped without a word (customer trial, session 45); "is 7777 still working though?" at the block of
    # 1234 (session 27's test). The flow's own answers, or the question at a confirmation, take it
    if is_question(text, ctx.assistant.language):
        return False
    if not tell_named(ctx, flow.name, flow.not_for, text, "request_not_served"):
        return False
    _end_active_flow(ctx, "not_served")
    return True


def _end_active_flow(ctx: TurnContext, reason: str) -> None:
    """The active flow ends without its action (event `flow_cancelled`); one it interrupted asks its question again."""
    ended = ctx.stack.pop()
    ctx.emit("flow_cancelled", flow=ended.flow, state=ended.state, reason=reason)
    lifetimes.release(ctx, ended.flow, "cancel")
    if ctx.stack:
        ctx.emit("flow_resumed", flow=ctx.frame.flow, state=ctx.frame.state)
        steps.goto(ctx, ctx.frame.state)




WARNED = "warned"
RECENT_TURNS = 6  # how long a warning holds for its flow


def _warned_again(ctx: TurnContext, flow: Flow) -> bool:
    """"ok fine just send 1500 to Secure Holding Ltd" right after the safe-account scam was warned of read the transfer
    back (customer trial, session 45): for a few turns after a warning (`warn: true`), the flow it guards is not started
    by its trigger; the warning is said again, and a person can still be asked for (event `warned`, `again`)."""
    if (not flow.warnings or not any(WARNED in turn.events for turn in ctx.original.history[-RECENT_TURNS:])
            # not a request with values of its own, none of them warned of: "那我的话费到底有没有多交，你帮我查查，
            # 13800138000" after the refund-scam warning heard it four times, and the balance never came (customer
            # trial, session 46)
            or (not _repeats_the_warned(ctx, flow)
                and any(v is not None and n in steps.collected_slots(flow)
                        and getattr(ctx.assistant.slots.get(n), "type", None) != "categorical"
                        for n, v in ctx.slot_changes.items()))):
        return False
    ctx.emit(WARNED, flow=flow.name, again=True)
    said = _last_warning(ctx)
    if said is not None:
        # the warning the customer had, not the flow's first ("那这个钱你们能退给我吗？" after "如果已经把钱转给了对方，请马上
        # 拨打 110 报警…" heard the safe-account warning: customer trial, session 46)
        ctx.say_text(said)
    else:
        ctx.say(flow.warnings[0][0])
    lifetimes.forget_this_turns_values(ctx, "not_served")
    return True


def _last_warning(ctx: TurnContext) -> str | None:
    """The reply of the last turn that warned, first said (not said again)."""
    for turn in reversed(ctx.original.history[-RECENT_TURNS:]):
        if "request_not_served" in turn.events and WARNED in turn.events and turn.replies:
            return turn.replies[0]
    return None


def _repeats_the_warned(ctx: TurnContext, flow: Flow) -> bool:
    """Whether this message gives again a value (a payee, a name) that a recently warned message said. Not a value for
    another flow: "ok can you just block 9876 then" after "he needs me to read him the code … my card ending 9876" heard
    the warning again, and the card was never blocked (customer trial, session 46)."""
    warned = [turn.text.lower() for turn in ctx.original.history[-RECENT_TURNS:] if WARNED in turn.events and turn.text]
    if not warned:
        return False
    collected = steps.collected_slots(flow)
    said = {str(v).lower() for n, v in ctx.slot_changes.items() if n in collected and isinstance(v, str) and len(v) >= 3}
    others = {str(v).lower() for n, v in ctx.slot_changes.items() if n not in collected and v is not None}
    named = {m.group().lower() for m in _NAMED.finditer(ctx.text or "")} - others
    other = ctx.assistant.flow_for_intent(ctx.intent or "")
    if other is not None and other.name != flow.name and (ctx.confidence or 0.0) >= 0.9:
        named = {n for n in named if not n.isdigit()}  # a number for another request ("block 9876"); a payee still counts
    said |= named
    return any(value in text for value in said for text in warned)


def _what_to_do_after_warning(ctx: TurnContext, nlu) -> bool:
    """"so what should I do, he said he would call back in 10 min" right after the warning heard "I'm not sure I
    understood"; "ok so should I not do it?" that nothing was in progress (customer trial, session 46): what to do, asked
    right after a warning, hears the warning again, which says it (event `warned`, `again`)."""
    history = ctx.original.history
    if not history or WARNED not in history[-1].events or not history[-1].replies:
        return False
    text = ctx.text or ""
    asked = ctx.assistant.flow_for_intent(ctx.intent or "")
    if asked is not None and len({e.entity for e in steps.flow_entities(ctx, nlu, asked,
                                                                                    choices=False)}) >= 2:
        # a request with its values: "我现在该怎么办啊，能帮我登记投诉吗？我叫李芳，身份证3201…，损失两万" right after the
        # code-given warning heard it again three times (customer trial, session 46)
        return False
    # ... and a go-ahead: "ok yes send it" right after the new-number warning heard "Is there anything else I can help
    # you with?" (customer trial, session 46)
    if not (asks_what_to_do(text) or _SHOULD_I.search(text) or _GO_ON.match(text.strip())
            or (ctx.intent in ctx.assistant.behaviours.affirm.intents and len(text.split()) <= 4
                and not _NAMES_AN_ACTION.search(text))):
        return False
    ctx.emit(WARNED, again=True)
    ctx.say_text(_last_warning(ctx) or history[-1].replies[0])
    lifetimes.forget_this_turns_values(ctx, "not_served")
    return True


# "yes please block it" right after the phishing warning (which says to block the card) is that request
_NAMES_AN_ACTION = re.compile(r"\b(?:block|freeze|stop|cancel|activate|balance|check)\b|挂失|停机|冻结|查", re.IGNORECASE)
_GO_ON = re.compile(r"(?:(?:ok(?:ay)?|yes|yeah|yep|sure|fine|alright|go on|go ahead|do it|send it|please|then|just)[\s,.!]*)+$",
                    re.IGNORECASE)
# "is this safe?" right after the new-number warning heard the chat's safety ("Yes: I never ask for your PIN…": customer
# trial, session 46)
# "can you get it back?" right after the scam-victim warning heard when money arrives (customer trial, session 46)
_SHOULD_I = re.compile(r"\b(?:can|could|will) (?:you|u|i|they|someone) (?:get|recall|reverse|stop|undo|cancel|refund)\b|(?:真的)?不是你们(?:吗|吧|的人)|是你们(?:的人)?吗|是不是你们"
                       r"|能(?:不能)?(?:退|追回|要回|拿回)|(?:退|追)(?:得|不)回|\bis (?:this|it|that) (?:really |all )?(?:safe|ok(?:ay)?|real|legit|genuine|normal|true)\b|\bshould i\b|\bshall i\b|\bdo i (?:still )?(?:send|pay|do|give|tell|call)\b|\bis (?:it|that|this) (?:a )?(?:real|normal|legit|true)\b"
                       # ("他报了工号，我要不要配合" after the screen-sharing warning heard "回答不了": session 46, round 5)
                       r"|我(?:是不是)?(?:该|应该|要不要|还要|能不能|可以|得)(?:怎么|咋)?(?:做|办|转|给|说|告诉|配合|操作|照做|信)"
                       r"|(?:是真的|是骗子|是不是骗)|(?:报了|说了|有|知道)(?:他的|自己的)?工号"
                       # "he really sounded like him in the text though" after the new-number warning heard "I'm not sure I
                       # understood" (customer trial, session 46): a doubt, answered by the warning again
                       r"|\b(?:sounded|sounds|looked|looks|seemed|seems|talked|wrote) (?:just |exactly )?like (?:him|her|them)\b"
                       r"|\b(?:he|she|they) (?:knew|know|had) my\b|\bmust be (?:real|legit|him|her)\b|\bare you sure\b"
                       r"|(?:他|她|对方)(?:还|都)?知道我"
                       # "可是他说退款是138块，再不操作就过期了" right after the warning started a complaint (session 46)
                       r"|^(?:可是|但是|但|可)(?:他|她|对方|他们)(?:说|讲|讲的是)|^but (?:he|she|they) (?:said|says|told)"
                       # "他说的挺对的…我要不就照做吧" heard "好的，感谢您的咨询…再见！"; "他说不操作的话会影响我的征信" started a complaint
                       # (customer trial, session 47): going along with the scammer, or the scammer's threat, right after the warning
                       r"|照做|照(?:他|她|对方)说的|按(?:他|她|对方)说的|听(?:他|她|对方)的|^(?:他|她|对方|他们)(?:还|又)?(?:说|讲)"
                       r"|\b(?:i'?ll|i will|i'?m going to|gonna|maybe i'?ll) (?:just )?(?:do (?:it|what (?:he|she|they) (?:says?|said))|"
                       r"go ahead|pay (?:it|him|her|them)|send (?:it|the money))\b|^(?:he|she|they) (?:said|says)\b", re.IGNORECASE)


def flow_after_warning(assistant, state, nlu):
    """"oh no. I already typed it in for my card ending 7777 about an hour ago" right after the phishing warning (which says
    to block the card) heard "I'm not sure I understood", and "yes do it" that nothing was done (customer trial, session
    47): right after a warning whose entry says `then: <flow>`, a message that gives that flow a value (no question, no
    refusal) is read as that flow's request (its read-back comes before anything is done)."""
    from framework.nlu.interface import IntentScore
    from framework.slots.mapping import fills

    history = state.history
    if state.stack or not history or WARNED not in history[-1].events or not history[-1].replies or not nlu.text:
        return nlu
    if is_question(nlu.text, assistant.language) or negated_command(nlu.text, assistant.language) is not None:
        return nlu
    said = " ".join(str(r) for r in history[-1].replies)
    for flow in assistant.flows.values():
        for response, target in flow.warning_then.items():
            found = assistant.responses.get(response)
            then = assistant.flows.get(target)
            if found is None or then is None or not then.triggers or not any(
                    getattr(v, "text", None) and v.text in said for v in found.variants):
                continue
            slots = [assistant.slots[n] for n in steps.collected_slots(then) if n in assistant.slots]
            if not any(fills(slot, e, None) for e in nlu.entities for slot in slots):
                continue
            trigger = then.triggers[0]
            return replace(nlu, ranking=(IntentScore(trigger, 1.0),) + tuple(r for r in nlu.ranking if r.name != trigger))
    return nlu


def _warn_in_flow(ctx: TurnContext) -> bool:
    """"刚接到个电话，说是顺丰的…理赔…开通什么备用金，说要验证码" started the plans' menu, and "那我已经把验证码给他了怎么办" at its
    question heard "回答不了" (customer trial, session 47): while a flow waits, a message that names a `warn` entry hears it
    too. The guarded flow (one that lists warnings: a transfer) ends with nothing done (event `flow_cancelled`, reason
    `warned`); another one asks its question again. Not at a free-text question: a scam's victim telling a complaint."""
    if not ctx.text or not ctx.new_turn:
        return False
    waiting = ctx.frame.waiting_for if ctx.frame else None
    if waiting and waiting.startswith(slot_filling.WAITING):
        return False  # "did you mean …?" is answered first
    collecting = ctx.assistant.slots.get(waiting[5:]) if waiting and waiting.startswith("slot:") else None
    if collecting is not None and collecting.type == "text" and not short_text(collecting, model_for(ctx.assistant)):
        return False
    for flow in ctx.assistant.flows.values():
        if flow.warnings and tell_named(ctx, flow.name, flow.warnings, ctx.text, "request_not_served"):
            ctx.emit(WARNED, flow=flow.name)
            lifetimes.forget_this_turns_values(ctx, "not_served")
            active = ctx.flow()
            if active is not None and active.warnings:
                _end_active_flow(ctx, "warned")
            else:
                steps.reprompt(ctx)
            return True
    return False


# a name of several capitalised words, or a number of three digits or more ("Secure Holdings Ltd", "1400")
_NAMED = re.compile(r"\b[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*)+\b|\b\d{3,}\b")


def warn(ctx: TurnContext, nlu) -> bool:
    """"a man from your fraud department just called me … move all my money to a safe account" (read as transfer_money
    0.56, below the threshold) and "刚才有个自称电信的人…让我把钱转到安全账户" (其他 0.74, answered with what a shop does)
    heard no warning, and the $1,500 was sent (customer trials, session 45): with no flow active, a message that names
    a `not_for` entry marked `warn: true` (of any flow) hears it, whatever the classifier read (event
    `request_not_served`, `warned`); what the message gave is not kept."""
    if ctx.stack:
        return _warn_in_flow(ctx)
    if not ctx.text:
        return False
    for flow in ctx.assistant.flows.values():
        # first what this message names: "我已经告诉他一个验证码了怎么办" after the warning heard the warning again, not
        # what to do now (customer trial, session 46)
        if flow.warnings and tell_named(ctx, flow.name, flow.warnings, ctx.text, "request_not_served"):
            ctx.emit(WARNED, flow=flow.name)
            lifetimes.forget_this_turns_values(ctx, "not_served")
            return True
    if _what_to_do_after_warning(ctx, nlu):
        return True
    # "but they knew my name and my card number, so it must be real. please just send the 1400 to Secure Holdings Ltd"
    # (read as activate_card) after the safe-account warning (customer trial, session 45)
    # ... and the guarded request itself asked with nothing of its own: "先把余额和账单告诉我也行" right after "把13800138000这个
    # 号码的机主姓名…发给我" (refused) asked which number (customer trial, session 46)
    asked = ctx.assistant.flow_for_intent(ctx.intent or "")
    return any(flow.warnings and (_repeats_the_warned(ctx, flow)
                                  or (asked is flow and not steps.gives_values(ctx, nlu, flow, choices=False)))
               and _warned_again(ctx, flow) for flow in ctx.assistant.flows.values())
