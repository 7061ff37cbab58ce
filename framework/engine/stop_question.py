"""A plain "no" at a question: ask whether to stop the flow, rather than read "no" as the value.

"I couldn't find a card ending 9999. Please tell me the last four digits again." - "no".
Read as the answer, "no" is four malformed digits: the customer hears "That doesn't look
right. I need exactly four digits", and three such answers end the flow as failed.
Rasa CALM handles a wish to stop mid-flow with its cancellation pattern
(`pattern_cancel_flow`, rasa.com/docs/reference/primitives/patterns), and a Dialogflow
agent cancels slot filling on "never mind" / "stop"; neither documentation says what a
bare "no" to a question that wants a value does. It most likely means "I don't want to go
on", but may mean "no, wait": cancelling outright would throw away a half-filled transfer,
so the assistant asks:

    Bot:  Please tell me the last four digits of your card number.
    User: no
    Bot:  Do you want to stop here? (utter_ask_stop_flow; utter_ask_stop_flow_<flow> for one flow)
    User: yes   -> the flow is cancelled as by the global cancel intent (its response is said)
    User: no    -> the question is asked again; no attempt was used up
    User: 4821  -> anything else is read as the answer to the question, as before

When (framework.engine.turn, priority 3, where the whole message is read as the collected
slot's value): the message is a clear no by the rules of confirmations
(framework.engine.confirm.answer: a `/deny` button, a no word of the language as the whole
message, or the deny intent at or above the fallback threshold and 0.2 ahead of the next
intent; never a question or a hesitation) AND the message is no valid value of the slot.
So a boolean slot still takes "no" as false and "no, 4821" fills the digits (entities come
first). A menu of choices (a categorical slot, its choices on buttons) is left as it was: a
"no" there is no choice like any other, answered with the slot's error and the menu again. A text slot accepts almost any
text, so there only a no word as the whole message ("no", "nope", "不是") counts; "no
reason" stays a text.

A refusal ("不告诉你", "保密", "I'd rather not say": framework.slots.answers.refuses) at any
collect step, a menu included, is never the value: `utter_value_refused` ("没有姓名的话，这件事
没法继续办理。") says why, then the same question to stop (customer trial, session 19).

Confirmations, the "which item?" menu and "did you mean ...?" questions are not collect
steps and keep their own yes / no rules. The stop question uses up no attempt and is
itself no collect step: while it waits, the frame's `waiting_for` is `stop:<slot>`.

A goodbye in the middle of a flow asks the same question. Found in a customer trial
(telecom_zh): at "请问您的姓名是？" the customer said "好的谢谢" / "再见" (the goodbye intent);
the goodbye flow ran as an interruption ("再见…") and the name was asked again: the
assistant said goodbye and kept asking. The customer either wants to leave (then the
flow must end, not stay pending) or was being polite (then no goodbye is due). A flow
marked `ends_conversation: true` (framework/spec/schema.py; the example goodbye flows)
is such a goodbye. When its trigger comes confidently (turn priority 2) while another
flow waits for an answer (a collect step, a confirmation, its "which item?" menu, an
intent transition that does not name the goodbye intent itself):

    Bot:  请问您的姓名是？
    User: 好的，谢谢，再见
    Bot:  要取消当前的办理吗？ (the same responses: utter_ask_stop_flow_<flow>, utter_ask_stop_flow)
    User: 是的  -> every flow on the stack is cancelled and its slots released, and the
                   goodbye flow runs (utter_goodbye); the cancel response is not said: both
                   example domains' ask "anything else?", which a goodbye contradicts
    User: 不用  -> the question that was waiting is asked again; no attempt was used up
    User: 张三  -> anything else is read as the answer to that question, as above

While it waits, `waiting_for` is `end:` + what the frame waited for before ("end:slot:name",
"end:confirm") and `Frame.ending` names the goodbye flow. A second goodbye, to either
stop question, counts as yes. Rasa CALM starts its cancellation pattern only on an
explicit cancel and Dialogflow CX leaves a goodbye to the page's routes; neither asks,
and neither leaves a half-done flow pending, which is what this module avoids.
With no flow waiting the goodbye flow runs as before.

A goodbye the classifier is unsure of reaches the collect step, where a text slot took
"好的谢谢" as the customer's name (a domain without a trained threshold: 再见 at 0.4). So
at a collect step, a whole message that is a thanks or goodbye word of the language
(GOODBYE_WORDS: "再见", "好的谢谢", "thanks, bye"; spaces and punctuation ignored) and no
valid value of the slot (at a text slot, always) asks the same question, with the
domain's first `ends_conversation` flow as the goodbye; a domain without one is left as
it was.
"""
from __future__ import annotations

import functools
import re

from framework.compile.machine import END, CallAction, Collect, Confirm, End, Flow, Handoff, Link, Say
from framework.engine import confirm, steps
from framework.engine.context import TurnContext
from framework.engine.state import WAITING_END, WAITING_STOP
from framework.nlu.interface import NLUResult
from framework.slots.answers import NEVER, is_question, language_key, refuses, wants_to_go_on, yes_no
from framework.slots.command_words import withdrawn
from framework.slots.mapping import fills

WAITING = WAITING_STOP  # Frame.waiting_for while "Do you want to stop here?" waits (after a plain no)
ENDING = WAITING_END  # the same, after a goodbye; followed by what the frame waited for before
RESPONSE = "utter_ask_stop_flow"
PICK_ONE = "utter_pick_one"
VALUE_REFUSED = "utter_value_refused"
CANCEL, ANSWERED = "cancel", "answered"  # answer(): the caller cancels the flow; nothing more to do
# Whole messages that thank or take leave, compared without spaces and punctuation. Only
# sign-offs: "没事了" or "I'm done" may mean "never mind" and are left to the classifier.
GOODBYE_WORDS = {
    "zh": frozenset({"再见", "拜拜", "拜", "88", "谢谢", "谢谢你", "谢谢您", "多谢", "谢啦", "感谢", "好的谢谢",
                     "好的再见", "好的拜拜", "谢谢再见", "谢谢拜拜", "好的谢谢再见", "好的谢谢拜拜", "好谢谢",
                     "行谢谢", "嗯谢谢", "嗯嗯谢谢", "ok谢谢", "谢谢啦", "谢谢了", "再见了", "拜拜了",
                     # "886" (再见 1.00) heard "没听明白" twice (customer trial, session 36)
                     "886", "8888", "3q", "辛苦了", "辛苦啦", "辛苦", "好的辛苦了", "谢谢辛苦了", "行了谢谢", "好嘞谢谢"}),
    "en": frozenset({"bye", "goodbye", "byebye", "thanks", "thankyou", "thanksbye", "thankyoubye", "okthanks",
                     "okthankyou", "okbye", "thanksgoodbye", "thankyougoodbye", "okthanksbye", "cheers",
                     "cheersbye", "seeyou", "seeya", "cya", "thanksalot", "manythanks"}),
}
_NOT_A_WORD = re.compile(r"[\W_]+")
# Thanks alone, with no word of leaving: politeness while a question waits ("thanks!" at "What are the
# last four digits?", "谢谢哈" at the name question heard "Do you want to stop …?": customer trial,
# session 21). The question is asked again; "ok thanks", "好的谢谢", "谢谢再见" still ask whether to stop.
THANKS_WORDS = frozenset({"谢谢", "谢谢你", "谢谢您", "多谢", "谢啦", "感谢", "谢谢啦", "谢谢了", "谢谢哈", "谢谢哦",
                          "谢",  # "得嘞，谢啦" once its 啦 is left out
                          "非常感谢", "thanks", "thankyou", "thanku", "thx", "ty", "tysm", "thanksalot", "manythanks",
                          "thankssomuch", "thankyousomuch", "thankyoualot", "thankyouverymuch", "cheers",
                          "great thanks", "greatthanks", "coolthanks",
                          # "ta" (British) at a read-back asked whether to stop (customer trial, session 40)
                          "ta", "tah", "thankyoukindly", "muchappreciated", "appreciateit", "appreciated",
                          # Shanghainese and Cantonese thanks (fresh_test_67, session 44: "谢谢侬" read as 否定)
                          "谢谢侬", "多谢侬", "谢侬", "唔该", "唔该晒", "多谢晒", "谢谢老铁", "谢了",
                          # "多谢喔" (Hokkien), "tank you very much" asked whether to stop or heard the help menu
                          # (customer trials, session 46)
                          "多谢喔", "多谢哦", "感恩", "感谢感谢", "谢谢谢谢", "tankyou", "tankyouverymuch", "tanks", "thnx",
                          "thanx", "thnks", "thanku", "tq", "tqvm"})


def offer(ctx: TurnContext, nlu: NLUResult, slot_name: str, value_ok: bool, threshold: float) -> bool:
    """At the collect step of `slot_name`, before the message is taken as its value: ask
    whether to stop when the message is a clear no and no value (see the module doc)."""
    slot = ctx.assistant.slots.get(slot_name)
    if ctx.frame is None or slot is None:
        return False
    refused = refuses(nlu.text or "", ctx.assistant.language)
    if refused:
        # "不告诉你" was stored as the name, "保密" at the ID question heard that its check digit
        # failed (customer trial, session 19): what cannot go on without it is said, then the
        # stop question, whatever the slot's type
        ctx.emit("value_refused", slot=slot_name)
        ctx.say(VALUE_REFUSED, extra={"refused_label": confirm.label(ctx, slot_name)})
    elif slot.type == "categorical":
        # a menu of choices keeps its own reply to a "no" (its error, the menu again); but "谢谢 不用了" (否定)
        # at "查余额还是账单？" heard the menu again and again (customer trial, session 31): a decline asks to stop
        if value_ok or not _DECLINE.get(language_key(ctx.assistant.language) or "en", NEVER).search(nlu.text or ""):
            return False
    elif slot.type == "text":
        if yes_no(nlu.text or "", ctx.assistant.language) is not False:
            return False
    elif value_ok or confirm.answer(ctx, nlu, threshold) is not False:
        return False
    _offer_stop(ctx, slot_name)
    return True


def _offer_stop(ctx: TurnContext, slot_name: str) -> None:
    """"Do you want to stop here?" while the question of `slot_name` waits (event `stop_offered`)."""
    ctx.update_frame(waiting_for=WAITING + slot_name)
    ctx.emit("stop_offered", flow=ctx.frame.flow, state=ctx.frame.state, slot=slot_name)
    _ask(ctx)


# Not wanted any more: "不用了", "不需要了", "no thanks", "I don't need it anymore"
_DECLINE = {
    # (not a bare "不要": at a menu of plans it says "not that one", the slot's error and the menu again)
    # "算了" at "请问您要查询话费余额还是账单？" (取消 1.00) heard the menu again (customer trial, session 34)
    "zh": re.compile(r"(?:不用|不需要|用不着)了?(?:吧|啊|哈|谢谢|[，,。.!！\s])*$|^(?:谢谢|好的?)?[，,\s]*(?:不用|不需要|不要)了"
                     r"|^(?:那|那就|唉|哎)?算了(?:吧|啦)?[。.!！\s]*$"
                     # "都不是" at "开户还是变更套餐？" heard the menu again and again (customer trial, session 40): neither
                     r"|^(?:我)?(?:两个|两样|哪个|哪样)?都不(?:是|要|用|办|想|需要)(?:吧|啊|呀|哦|了)?[。.!！\s]*$"),
    "en": re.compile(r"\b(?:no,? thanks?|no thank you|don'?t need (?:it|that|to)|never ?mind|not needed)\b"
                     r"|^\W*(?:neither(?: of them| one)?|none of (?:them|those|these|the above))\W*$", re.IGNORECASE),
}


def not_for_said(ctx: TurnContext, nlu: NLUResult, slot_name: str) -> bool:
    """At the collect step of `slot_name`, a message that says what the flow's `not_for` lists (framework.engine.
    not_for): "哦对了，这个是给我奶奶办的" at the plan question heard "没有这个套餐哦", and the opening went on for the
    grandmother (customer trial, session 31). Its response is said (event `request_not_served`), then "Do you want
    to stop here?"; nothing is dropped before the answer."""
    from framework.engine.unavailable import tell_named  # it builds on this module

    from framework.engine.side_questions import names_an_answer

    flow = ctx.flow()
    if flow is None or not flow.not_for or ctx.frame is None:
        return False
    # a question the flow answers is answered, the question then asked again: "一证五号是啥意思" at an opening's name question
    # heard the rule and "要取消当前的办理吗？" (customer trial, session 47)
    if is_question(nlu.text or "", ctx.assistant.language) and names_an_answer(flow, nlu.text or ""):
        return False
    if not tell_named(ctx, flow.name, flow.not_for, nlu.text or "", "request_not_served"):
        return False
    _offer_stop(ctx, slot_name)
    return True


def yes_at_menu(ctx: TurnContext, nlu: NLUResult, slot_name: str, value_ok: bool, threshold: float) -> bool:
    """"对👌" at "请选择套餐：39元、59元、99元、129元" heard "没有这个套餐哦" and used up one of three
    attempts (customer trial, session 18): the customer agreed to choose, and chose nothing.
    At a categorical slot's question, a clear yes (confirm.answer) that is no choice gets
    `utter_pick_one` and the question again; no attempt is used up. A no keeps the slot's
    error (see the module doc)."""
    slot = ctx.assistant.slots.get(slot_name)
    if ctx.frame is None or slot is None or slot.type != "categorical" or value_ok:
        return False
    if confirm.answer(ctx, nlu, threshold) is not True:
        return False
    ctx.emit("yes_at_menu", flow=ctx.frame.flow, state=ctx.frame.state, slot=slot_name)
    ctx.say(PICK_ONE)
    return True


def ok_at_a_menu_that_informs(ctx: TurnContext, nlu: NLUResult, value_ok: bool, threshold: float) -> bool:
    """"行吧" at the plans' "想详细了解哪一档？" heard "请从这几项里选一个" and the menu again (customer trial, session 43):
    at the menu of a flow that only informs (only_informs), with nothing under it, a clear yes that picks nothing has
    taken note; the flow ends (event `flow_cancelled`, reason "noted") and "anything else?" is asked."""
    flow = ctx.flow()
    if value_ok or len(ctx.stack) != 1 or flow is None or not only_informs(ctx, flow):
        return False
    # ... not one that also gave a value: "那就它了 帮我换" (换套餐) heard "还有什么可以帮您的吗？" as if it were done
    # (customer trial, session 45)
    if any(value is not None for value in ctx.slot_changes.values()):
        return False
    if confirm.answer(ctx, nlu, threshold) is not True:
        return False
    end_informing(ctx, "noted")
    ctx.say("utter_anything_else")
    return True


def end_informing(ctx: TurnContext, reason: str) -> None:
    """The active flow, one that only informs, ends before another thing is done (event `flow_cancelled` with
    `reason`), and what it held is released."""
    from framework.engine import lifetimes

    dropped = ctx.stack.pop()
    ctx.emit("flow_cancelled", flow=dropped.flow, state=dropped.state, reason=reason)
    lifetimes.release(ctx, dropped.flow, "flow_cancelled")


def offer_to_end(ctx: TurnContext, goodbye: Flow) -> bool:
    """`goodbye` (a flow that ends the conversation) was triggered while another flow is
    active: ask whether to stop when that flow waits for an answer; False (the caller goes
    on as before) when it waits for nothing, or its state has an intent transition on the
    goodbye's own intent (the flow's author decided what a goodbye means there)."""
    frame = ctx.frame
    waiting_for = frame.waiting_for if frame else None
    if not waiting_for:
        return False
    state = ctx.state()
    if waiting_for == "intent" and any(t.intent in goodbye.triggers for t in state.transitions):
        return False
    if thanks_only(ctx.text or ""):
        ctx.emit("thanks_acknowledged", flow=frame.flow, state=frame.state)
        steps.goto(ctx, state.name)  # the question again; no attempt used
        return True
    if waiting_for == "confirm" and no_loses_nothing(ctx.flow(), state.step.on_no):
        # "没有其他损失" read as 再见 at "需要为您转接人工客服吗？", after the complaint was filed,
        # heard "这条投诉还没有登记，要取消吗？" (customer trial, session 14): where a no only says
        # something and ends, a goodbye is that no
        ctx.emit("goodbye_as_no", flow=frame.flow, state=frame.state, by=goodbye.name)
        steps.goto(ctx, state.step.on_no)
        return True
    flow = ctx.flow()
    if len(ctx.stack) == 1 and flow is not None and only_informs(ctx, flow):
        # "好的谢谢" at the plans' "想详细了解哪一档？" heard "要取消当前的办理吗？" when nothing was being done (customer
        # trial, session 42): a flow that only informs ends, and the goodbye is said
        from framework.engine import lifetimes

        ctx.stack.pop()
        ctx.emit("flow_completed", flow=frame.flow, reason="goodbye")
        lifetimes.release(ctx, frame.flow, "goodbye")
        steps.start_flow(ctx, goodbye, reason="trigger")
        return True
    ctx.update_frame(waiting_for=ENDING + waiting_for, ending=goodbye.name)
    ctx.emit("stop_offered", flow=frame.flow, state=frame.state, by=goodbye.name)
    _ask(ctx)
    return True


def only_informs(ctx: TurnContext, flow: Flow) -> bool:
    """A flow that does nothing and keeps nothing: no action, and its questions only choose what to tell (menus of a
    categorical slot, as the plans' "想详细了解哪一档？")."""
    steps_ = [s.step for s in flow.states.values()]

    def offer(step) -> bool:  # a confirmation whose yes leads to another flow or a person (the plans' "办理吗？")
        target = flow.states.get(step.on_yes)
        return target is not None and isinstance(target.step, (Link, Handoff))

    if any(isinstance(step, CallAction) or (isinstance(step, Confirm) and not offer(step)) for step in steps_):
        return False
    slots = ctx.assistant.slots
    return all(slots.get(step.slot) is not None and slots[step.slot].type == "categorical"
               for step in steps_ if isinstance(step, Collect))


def no_loses_nothing(flow: Flow | None, target: str) -> bool:
    """True when the confirm step's no leads, through `say` steps with unconditional
    transitions only, to the flow's end: no action, question, handoff or link on the way."""
    for _ in range(10):
        if target == END:
            return True
        state = flow.states.get(target) if flow else None
        if state is None or isinstance(state.step, End):
            return state is not None and not state.transitions
        if not isinstance(state.step, Say) or any(t.intent or t.condition is not None for t in state.transitions):
            return False
        target = state.transitions[0].to if state.transitions else END
    return False


# How a Chinese chat dresses a thanks: "谢谢亲亲，yyds👍", "谢谢你啊姑娘", "行，谢谢啊" heard "没听明白" (customer trial,
# session 36). Forms of address, praise and particles are left out before the words are looked up.
# ("中，谢谢恁" (Henan: "ok, thank you") after a bill heard "没听明白": customer trial, session 42, round 4)
# ("好的好的，谢谢你啊小姑娘" after a bill: customer trial, session 43)
_DRESSING = re.compile(r"亲亲|亲爱的|小姐姐|小哥哥|小姑娘|小伙子|小妹妹?|小同志|同志|师傅|姑娘|美女|帅哥|客服|机器人|小助手|yyds|666+"
                       r"|真棒|太棒了|棒棒哒|你真好"
                       r"|(?<=谢谢)恁|[啊呀哈哦啦呢嘛哇噢喔]+$|[啊呀哈哦啦呢嘛]+(?=谢|再|拜)")
# ... and the forms of address an English thanks ends with ("ok thank you sir", "cheers mate", "thanks love")
_DRESSING_EN = re.compile(r"(?:(?<=thanks)|(?<=thankyou)|(?<=cheers)|(?<=thanku)|(?<=thx)|(?<=ty)|(?<=bye)|(?<=tysm))"
                          r"(?:sir|madam|maam|love|dear|mate|bro|pal|boss|darling|hun|buddy|bud|man|ji|sirji|myfriend"
                          r"|guys|friend)$")
# ... and an "ok" before the thanks, for a goodbye (not for thanks alone: "好的谢谢" at a question asks whether to stop):
# "好好，谢谢你啊姑娘", "好的，谢谢你" with nothing pending heard "没听明白" (customer trial, session 36, third round)
_OK_FIRST = re.compile(r"^(?:好的?|好好|行|嗯+|ok)+(?=谢谢|多谢|感谢|再见|拜拜)")


@functools.lru_cache(maxsize=256)  # pure; ~3 calls a turn of the same message
def _key(text: str) -> str:
    key = _NOT_A_WORD.sub("", text.lower())
    if not re.search(r"[\u4e00-\u9fff]", key):
        # "ok thank you sir" after a balance heard "I'm not sure I understood" (customer trial, session 42)
        return _DRESSING_EN.sub("", key) if len(key) > 6 else key
    for _ in range(3):  # "谢谢你啊姑娘": the address, then the particle it left at the end
        key, n = _DRESSING.subn("", key)
        if not n:
            break
    return key


def thanks_only(text: str) -> bool:
    """True when the whole message thanks and says nothing else (no bye, no "ok")."""
    return _key(text) in THANKS_WORDS


# An acknowledgement before the thanks, on the key (lower case, no spaces or punctuation): "好的谢谢", "ok thanks"
# "好，知道了，谢谢你" heard "没听明白" (customer trial, session 40)
# "哦 好吧 知道了谢谢", "得嘞，谢啦" heard "没听明白" (customer trial, session 42)
_ACK_LEAD = re.compile(r"^(?:好吧|行吧|得嘞|得了|嗯呐|好的?|好滴|好好|成|中|嗯+|哦+|噢|行|知道了|明白了|了解了|收到|懂了"
                       r"|okay|okk?|k|kk|alright|cool|gotit|great|perfect|nice|lovely|brilliant|awesome|sweet)+")


def ack_and_thanks(text: str) -> bool:
    """True when the whole message acknowledges and thanks, nothing else ("好的谢谢", "ok thanks", "got it, thank you
    so much"): at an offer it takes the information, not the offer (framework.engine.turn)."""
    key = _key(text)
    rest = _ACK_LEAD.sub("", key, count=1)
    return rest != key and rest in THANKS_WORDS


def goodbye_word(text: str, language: str | None) -> bool:
    """True when the whole message is a thanks or goodbye word of the language or English
    ("bye", "ok thanks" are everyday sign-offs in Chinese chats too; telecom_zh's examples
    have them); any listed language's without a language."""
    code = language_key(language)
    key = _key(text)
    keys = {key, _OK_FIRST.sub("", key)}
    # "great, thank you" at the cardholder's name question was stored as the name "great" (customer trial, session 38)
    return (any(k in words for k in keys for c, words in GOODBYE_WORDS.items() if code is None or c in (code, "en"))
            or (ack_and_thanks(text) and (code in (None, "zh") or text.isascii())))  # an English name may be Chinese


def offer_on_goodbye_word(ctx: TurnContext, nlu: NLUResult, slot_name: str, value_ok: bool) -> bool:
    """At the collect step of `slot_name`, before the message is taken as its value: a
    goodbye word that is no value of the slot (at a text slot, any) asks whether to stop,
    with the domain's first flow that ends the conversation as the goodbye."""
    slot = ctx.assistant.slots.get(slot_name)
    if slot is None or (value_ok and slot.type != "text"):
        return False
    if not goodbye_word(nlu.text or "", ctx.assistant.language) and not thanks_only(nlu.text or ""):
        return False
    goodbye = next((f for f in ctx.assistant.flows.values() if f.ends_conversation), None)
    return goodbye is not None and goodbye.name != ctx.frame.flow and offer_to_end(ctx, goodbye)


def _ask(ctx: TurnContext) -> None:
    own = f"{RESPONSE}_{ctx.frame.flow}"
    ctx.say(own if own in ctx.assistant.responses else RESPONSE)


def waiting(ctx: TurnContext) -> str | None:
    """What the frame waited for before the stop question, while it waits; else None."""
    waiting_for = ctx.frame.waiting_for if ctx.frame else None
    if waiting_for and waiting_for.startswith(WAITING):
        return "slot:" + waiting_for[len(WAITING):]
    if waiting_for and waiting_for.startswith(ENDING):
        return waiting_for[len(ENDING):]
    return None


def answer(ctx: TurnContext, nlu: NLUResult, threshold: float) -> str | None:
    """The reply to "Do you want to stop here?": CANCEL for yes after a plain no (the
    caller cancels the flow as the cancel intent does); ANSWERED when it was dealt with
    here (no: the question again; yes after a goodbye, or a goodbye: the conversation
    ended); None when it was neither: the frame waits as before and the caller reads
    the message as its answer."""
    previous, goodbye = waiting(ctx), ctx.frame.ending
    ctx.update_frame(waiting_for=previous, ending=None)
    yes = confirm.answer(ctx, nlu, threshold)
    if withdrawn(nlu.text or "", ctx.assistant.language) and not is_question(nlu.text or "", ctx.assistant.language):
        # "不办了" at "要取消当前的办理吗？" went on with the plan change (customer trial, session 33): the request is
        # withdrawn, as by the cancel intent (no goodbye, whatever asked the question)
        ctx.emit("stop_confirmed", flow=ctx.frame.flow, waiting_for=previous)
        return CANCEL
    if yes_no(nlu.text or "", ctx.assistant.language) is None and wants_to_go_on(nlu.text or "", ctx.assistant.language):
        yes = False  # "不不不，别取消，继续", "no keep going" (read as cancel, customer trial, session 20): go on
    if yes and previous and previous.startswith("slot:") and _gives_a_value(ctx, nlu, previous[len("slot:"):]):
        # "行 那就59吧" at "要取消当前的办理吗？", asked after "我再想想" at the plan's question, cancelled the
        # opening (customer trial, session 28): a yes with the waited slot's value is that answer
        return None
    if previous == "confirm" and yes is not True and _gives_a_value(ctx, nlu):
        # "她说还是99的好" at "要取消当前的办理吗？" (asked after "好，等一下，我先问问我老婆" at the read-back of plan 59)
        # heard "没听明白", and "确认" opened the account on 59 (customer trial, session 33): a value of the flow is a
        # change at the read-back that waited
        ctx.emit("stop_declined", flow=ctx.frame.flow, waiting_for=previous)
        return None
    if yes is False and previous and previous.startswith("slot:") and _gives_a_value(ctx, nlu, previous[len("slot:"):]):
        # "不取消，损失是两千八" at "这条投诉还没有登记，要取消吗？" asked the loss again (tried by hand, session 33): a
        # no with the waited slot's value goes on with that answer
        ctx.emit("stop_declined", flow=ctx.frame.flow, waiting_for=previous)
        return None
    again = _goodbye(ctx, nlu, threshold)
    if again is not None and yes is not False:  # "再见", "好的谢谢" (a goodbye): yes, and goodbye
        yes, goodbye = True, goodbye or again.name
    if yes is None:
        return None
    ctx.emit("stop_confirmed" if yes else "stop_declined", flow=ctx.frame.flow, waiting_for=previous)
    if not yes:
        steps.reprompt(ctx)
        return ANSWERED
    if goodbye is None:
        return CANCEL
    if previous == "confirm":
        # "oh thank you so much" at "Activate the card ending 4821 …?" offered to stop, and "that's all love, bye bye"
        # ended the conversation with the card never activated and nothing said (customer trial, session 32)
        ctx.emit("ended_before_confirmed", flow=ctx.frame.flow)
        ctx.say("utter_not_done_before_goodbye")
    end_conversation(ctx, goodbye)
    return ANSWERED


def _goodbye(ctx: TurnContext, nlu: NLUResult, threshold: float) -> Flow | None:
    """The flow that ends the conversation this message triggers at or above the threshold,
    or, for a goodbye word, the domain's first such flow."""
    top = nlu.intent
    flow = ctx.assistant.flow_for_intent(top.name) if top and top.confidence >= threshold else None
    if flow is not None and flow.ends_conversation and not _gives_a_value(ctx, nlu):
        return flow
    if goodbye_word(nlu.text or "", ctx.assistant.language):
        return next((f for f in ctx.assistant.flows.values() if f.ends_conversation), None)
    return None


def _gives_a_value(ctx: TurnContext, nlu: NLUResult, only: str | None = None) -> bool:
    """Whether the message holds a value for a slot the active flow collects (`only`: that slot):
    "99" (the plan, read as 再见 0.97) at "要取消当前的办理吗？" cancelled an account opening as a
    goodbye (customer trial, session 25); it answers the question that waited."""
    flow = ctx.flow()
    slots = ctx.assistant.slots
    names = [only] if only else (steps.collected_slots(flow) if flow else [])
    wanted = [slots[n] for n in names if n in slots] if flow else []
    return any(fills(slot, e, None) for slot in wanted for e in nlu.entities)


def end_conversation(ctx: TurnContext, goodbye: str) -> None:
    """Every flow on the stack cancelled (slots released as by cancel), then the goodbye
    flow (gone after a reload: the cancellation alone, and the turn's filler reply)."""
    steps.abandon_all(ctx, "flow_cancelled")
    flow = ctx.assistant.flows.get(goodbye)
    if flow is not None:
        steps.start_flow(ctx, flow, reason="trigger")
