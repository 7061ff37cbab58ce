"""Side questions a flow answers while it waits, then asks its question again.

"how long for the new one?" at "I'll block the card ending 4821 … Go ahead?" heard "I can't answer that
here", although the bot's own next reply says 5 to 7 business days; "卡多久能寄到", "月租多少", "这个有没有
合约期" at an opening's read-back started other flows or heard the same, and the plan was lost on the
way (customer trials, sessions 27 and 28). Dialogflow answers such questions with FAQ intents, Rasa with
retrieval intents and a rule per intent; ours is a list on the flow, as `not_for`:

    transfer_money:
      answers:
        - response: utter_transfer_fee
          words: [fee, charge, cost]
        - response: utter_transfer_time
          patterns: ['how long|when will (?:it|they|he|she) (?:get|arrive|receive)']

While the flow waits for an answer (a slot's question or a confirmation) and a message that asks a
question (framework.slots.answers.is_question) names one of the words or matches one of the patterns,
the response is said (event `question_answered`) and the question is asked again: nothing is collected,
changed or confirmed, and no attempt is used. A value given in the same message is kept (it was filled
before this step). A free-text question (a complaint) takes the message as its answer, questions and all, unless the
question names the flow by one of the step's `from_trigger` request words ("投诉一般多久有结果？"). Checked by the validator: the response exists, the patterns compile, and each entry
names words or patterns.
"""
from __future__ import annotations

import re

from framework.engine.context import TurnContext
from framework.engine.follow_up import sounds_like_follow_up
from framework.engine.steps import collected_slots, flow_entities, gives_values
from framework.engine.unavailable import named as named_unavailable, named_in, say_named, tell_named
from framework.nlu.interface import NLUResult
from framework.slots.answers import SENTENCE_END, asks_what_to_do, content_length, is_question, yes_no
from framework.slots.command_words import asks_for_person
from framework.slots.context import model_for, short_text


# a yes on a condition the flow answers: "yes if there's no fee" at a transfer's read-back heard "I'm not sure I
# understood" (customer trial, session 45); "不收手续费的话就办" — the answer, then the question again
_CONDITIONAL = re.compile(r"^\W*(?:(?:yes|yeah|yep|ok(?:ay)?|sure|fine|alright)\W+)?(?:but )?(?:only )?(?:if|as long as|provided"
                          r"(?: that)?|so long as)\b|(?:的话|就行的话)(?:就|才|我就|再)(?:办|换|开|转|确认|同意)",
                          re.IGNORECASE)
_TOLD = 30  # letters, digits and CJK characters: a message this long at a free text's question tells, it asks nothing


def _about_the_flow(flow, frame, text: str) -> bool:
    """A question that names the flow itself by one of its step's request words ("投诉一般多久有结果？" at "请详细描述一下
    遇到的问题": the customer asks how complaints go, and became the complaint, customer trial, session 33): the flow
    answers it and asks for the text again. Without such a word the question is the text ("你们到底多久能修好？？")."""
    state = flow.states.get(frame.state)
    words = getattr(state.step, "request_words", ()) if state is not None else ()
    return any(w and w in text for w in words)


def answered(ctx: TurnContext, nlu: NLUResult) -> bool:
    """True when the active flow answered the message as one of its side questions (and asked again)."""
    flow, frame, text = ctx.flow(), ctx.frame, nlu.text or ""
    if flow is None or frame is None or not flow.answers or not frame.waiting_for or not text:
        return False
    if not (frame.waiting_for == "confirm" or frame.waiting_for.startswith("slot:")):
        return False
    slot = ctx.assistant.slots.get(frame.waiting_for[5:]) if frame.waiting_for.startswith("slot:") else None
    if slot is not None and slot.type == "text" and not short_text(slot, model_for(ctx.assistant)) and (
            not _about_the_flow(flow, frame, text) or content_length(text) >= _TOLD):
        # free text ("你们到底多久能修好？？" as the complaint) is the answer, questions and all; a story that names the
        # flow's word too ("…账单多扣了我86块钱…你们必须给我退钱，不然我就去工信部投诉" was answered how refunds go, and
        # the complaint asked again: customer trial, session 45)
        return False
    if not (is_question(text, ctx.assistant.language) or _CONDITIONAL.search(text)):
        return False
    if asks_for_person(text, ctx.assistant.language):
        # "before I confirm, can I talk to a real person about a fee?" heard the fee's answer, and its "yes" then sent
        # the money (customer trial, session 33): asking for a person is no side question
        return False
    return say_named(ctx, flow.name, flow.answers, text, "question_answered")


_FIRST_SENTENCE = re.compile(r"^(?P<first>[^.!。！?？]+[.!。！]+)\s*(?P<rest>\S.*)$", re.DOTALL)


def answered_after_yes(ctx: TurnContext, nlu: NLUResult) -> bool:
    """"Yes please. Will she receive it on the same day, do you think?" at "Send $50.00 to Lily …?" heard the answer
    and the read-back again; "goodbye" then asked whether to stop, and the money was never sent (customer trial,
    session 40). At a confirmation, a first sentence that is a plain yes, then a question the flow answers: the answer
    is said (event `question_answered`) and the caller takes the yes."""
    frame, flow = ctx.frame, ctx.flow()
    m = _FIRST_SENTENCE.match((nlu.text or "").strip())
    if (m is None or frame is None or flow is None or frame.waiting_for != "confirm" or not flow.answers
            or yes_no(m.group("first"), ctx.assistant.language) is not True
            or not is_question(m.group("rest"), ctx.assistant.language)
            or asks_for_person(m.group("rest"), ctx.assistant.language)
            # "ok. but will it arrive the same day?" sent the money (customer trial, session 41): a question that opens
            # with a "but" holds the yes back (the answer, then the read-back again: side_questions.answered)
            or _RESERVATION.match(m.group("rest"))):
        return False
    return tell_named(ctx, flow.name, flow.answers, m.group("rest"), "question_answered")


_RESERVATION = re.compile(r"^\W*(?:but|although|though|only|just one thing|wait|hang on|hold on|before (?:that|you do|i say)|"
                          r"不过|但是|可是|就是|等等|等一下)", re.IGNORECASE)


def asked_here(ctx: TurnContext, text: str) -> bool:
    """Whether the message is a question the active flow's answers name ("能带几张副卡" at the offer of 39, read as 办理
    0.9, opened an account: tried by hand, session 37): the answer, not the offer's yes by its link."""
    flow = ctx.flow()
    return bool(flow is not None and flow.answers and text and is_question(text, ctx.assistant.language)
                and _names(flow.answers, text))


def answered_after_end(ctx: TurnContext, nlu: NLUResult) -> bool:
    """"how long will the new one take?" right after "Your card ending 1234 is blocked…" (activate_card 0.52: "Do you
    want to activate a card?", customer trial, session 35): with no flow active, a question that the flow which just
    ended answers (`last_flow`, its `answers`) is answered, and nothing asked again (event `question_answered`)."""
    text = nlu.text or ""
    if ctx.stack or not ctx.last_flow or not text or not ctx.new_turn:
        return False
    flow = ctx.assistant.flows.get(ctx.last_flow)
    if flow is None or not flow.answers or not is_question(text, ctx.assistant.language):
        return False
    if asks_for_person(text, ctx.assistant.language):
        return False
    return tell_named(ctx, flow.name, flow.answers, text, "question_answered")


def answered_without_flow(ctx: TurnContext, nlu: NLUResult, intent: str | None) -> bool:
    """"is there a fee to send money?", "how much can I transfer per day?", "套餐有合约期吗" with no flow under way were
    refused or started the flow's questions, while the same question during the flow was answered (customer trial,
    session 37). With no flow active, a question that a flow's `answers` answer is answered, and nothing asked (event
    `question_answered`): by the flow the intent starts when its answers name it, else by the flow whose answers name
    it that the classifier ranks highest. A question that also gives the intent's flow a value ("我想换成99的套餐，要多久
    生效？", "59的套餐多少钱") is that request: answered first when its flow answers it, and False (the flow starts)."""
    text = nlu.text or ""
    # ("我手机掉了，卡也没了，咋整" started the bill query: customer trial, session 42; 咋整 / 咋办 ask here, though "那咋整，
    # 俺再看看" at a question is a wait)
    if (ctx.stack or not text or not ctx.new_turn
            or not (is_question(text, ctx.assistant.language) or asks_what_to_do(text))):
        return False
    if asks_for_person(text, ctx.assistant.language):
        return False
    if ctx.last_flow and sounds_like_follow_up(text, ctx.assistant.language):
        # "上上个月的呢" after a bill: the same request again (framework.engine.follow_up); not "那你们营业厅在哪，几点关门"
        # after the shop's list, which gives the last flow nothing and one of the answers names (customer trial, session 43)
        last = ctx.assistant.flows.get(ctx.last_flow)
        if (last is None or gives_values(ctx, nlu, last)
                or not any(_names(f.open_answers, _asked_part(text)) for f in ctx.assistant.flows.values())):
            return False
    whole, text = text, _asked_part(text)
    named = [f for f in ctx.assistant.flows.values() if _names(f.open_answers, text) and not _names(f.not_for, text)]
    own = ctx.assistant.flow_for_intent(intent) if intent else None
    if own is not None and _names(own.not_for, text):
        return False  # "can you freeze my card for a while": what the flow does not serve (framework.engine.not_for)
    if own is not None and own not in named and any(named_unavailable(ctx, n) for n in collected_slots(own)):
        return False  # "我的合约哪天到期" (查询): the query says where to look that up (its slot's `unavailable`)
    if own is not None and gives_values(ctx, nlu, own):
        if own in named:
            tell_named(ctx, own.name, own.open_answers, text, "question_answered")
        return False
    if own is not None and _told_as_request(ctx, own, whole):
        # "…我上个月出差在外地，手机突然就没信号了，好几天都用不了，耽误了生意" (投诉 0.93) heard when refunds come back (its
        # "几天") and no complaint was taken (customer trial, session 39): a message the flow takes as its free text is
        # that request
        return False
    if own in named:
        candidates = [own]
    else:
        # the intent's flow has no answer ("有合约期吗" read as 查询; "When will my new card arrive?" as activate_card:
        # customer trial, session 37), or it starts none; several flows answer it ("What are the fees for international
        # transfers?": each names fees): the one whose request the classifier ranks highest
        rank = {s.name: i for i, s in enumerate(nlu.ranking)}
        candidates = sorted(named, key=lambda f: min((rank.get(t, len(rank)) for t in f.triggers),
                                                     default=len(rank)))[:1]
    # without choices: a choice named for another flow than the intent's is what the question is about ("新卡寄到哪里啊":
    # 新卡 is the opening's business), no value given
    if not candidates or _gives_values(ctx, nlu, candidates[0], whole):
        return False
    return tell_named(ctx, candidates[0].name, candidates[0].open_answers, text, "question_answered")


# "what's the most I can transfer in one day?" was out of scope (its "in one day" read as tomorrow's date, a value of the
# transfer: customer trial, session 47): a period said as a rate is no value
_PER_PERIOD = re.compile(r"\b(?:in|per|a|each|within|for) (?:one|1|a|a single|single) (?:day|week|month|go)\b|每天|一天(?:之内|内)?最多",
                         re.IGNORECASE)


def _gives_values(ctx: TurnContext, nlu: NLUResult, flow, text: str) -> bool:
    """Whether the message gives `flow` a value (a choice aside), a period said as a rate aside."""
    spans = [m.span() for m in _PER_PERIOD.finditer(text)]
    return any(not any(a <= e.start < b for a, b in spans)
               for e in flow_entities(ctx, nlu, flow, choices=False))


def _asked_part(text: str) -> str:
    """The question sentences of a story that ends in a question: "My granddaughter Emily has her birthday next week and
    I usually send her a card in the post … Could I send her some money from my account?" was told when a new card
    arrives (its "in the post"), and the transfer lost (customer trial, session 40). Told before the question, a story
    (STORY_MIN letters or more) is no part of what is asked; a short lead-in ("I lost my card. Is there a fee?") is."""
    from framework.engine import trigger_text

    sentences = [s for s in SENTENCE_END.split(text) if s.strip()]
    asked = [s for s in sentences if s.rstrip().endswith(("?", "？"))]
    told = [s for s in sentences if s not in asked]
    if not asked or not told or content_length(" ".join(told)) < trigger_text.STORY_MIN:
        return text
    return " ".join(asked)


def _told_as_request(ctx: TurnContext, flow, text: str) -> bool:
    """Whether a step of `flow` that takes its free text from the request (`from_trigger`) would take this message."""
    from framework.compile.machine import Collect
    from framework.engine import trigger_text

    if content_length(text) < trigger_text.STORY_MIN or "?" in text or "？" in text or _ASKING.search(text):
        return False  # a question about the request ("投诉多久能处理"), not the request told
    return any(trigger_text.value_in(ctx, s.step, text) is not None for s in flow.states.values()
               if isinstance(s.step, Collect) and s.step.from_trigger is not None)


_ASKING = re.compile(r"^\W*(?:请问|我想问|想问|问一下|问下|咨询一下|\bhow\b|\bwhat\b|\bwhen\b|\bcan\b|\bdo\b|\bis\b)|[吗呢]\W*$",
                     re.IGNORECASE)


def names_an_answer(flow, text: str) -> bool:
    """Whether one of the flow's `answers` names the message."""
    return bool(flow.answers) and _names(flow.answers, text)


def _names(entries, text: str) -> bool:
    """Whether `text` names one of `entries` ((response, words, patterns): a flow's `answers` or `not_for`)."""
    return any(named_in(words, patterns, text) is not None for _, words, patterns in entries)
