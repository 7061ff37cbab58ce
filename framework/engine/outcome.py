"""A question about what was just done: "did it go through?", "what was the reference again?", "工单号多少来着".

Right after "Done: $80.00 to Priya. Reference TR-50001." the customer asked "did it go through?" (read as affirm 0.85:
"That's outside what I can do") and "what was the reference again?" two turns later (out of scope); "工单号多少来着" after
a complaint was filed heard the fallback (customer trials, session 34); "did anything get sent?" after a cancelled
transfer started a balance check (session 35). The answer is in the reply the customer already
had: with no flow active, a message that asks whether the last thing done went through, or for its reference, hears
the replies of the turn in which the flow's action came back again, less the question the flow asked next if it went
on, or after a cancel `utter_nothing_done` (built in: nothing went through) (event `outcome_said_again`), as long as no flow has started since (a goodbye that ended at once aside) and the
action came back within the last few turns. Anything else the message asks (another request, a person) is read as before.
"""
from __future__ import annotations

import re

from framework.engine import steps
from framework.engine.context import TurnContext
from framework.slots.answers import language_key

RECENT_TURNS = 4  # how far back the flow may have ended
# a business refusal (a status the flow maps, "not the account's holder") came back too (tried by hand, session 36)
_ACTION_CAME_BACK = {"action_succeeded", "action_failed", "action_refused"}
NOTHING_DONE = "utter_nothing_done"

# "wait did the money go out?", "did it go?", "was the 45 dollars sent or not?" after a cancelled transfer started a
# balance check (customer trial, session 36)
_DONE_WORDS = (r"(?:go(?:ne)? (?:through|thru|out)|went (?:through|thru|out)|gone|go|leave|left|"
               r"been (?:sent|done|blocked|processed|"
               r"activated|filed|made|taken)|sent|done|work(?:ed)?|succeed(?:ed)?|successful|complete[d]?|processed|blocked|"
               r"activated|filed|happen(?:ed)?|arrive[d]?|ok(?:ay)?|taken)(?: or not)?")
_ASKS = {
    "en": re.compile(
        # a clause before it: "no I mean the transfer to Emma, did it go?", "forget the card. was the 45 dollars sent?"
        # ("oh wait, one more thing, did that go out today or is it on the 1st?" after a goodbye started a transfer:
        # customer trial, session 46, round 5: two clauses before it)
        r"^\s*(?:[^,.;?!]{1,60}[,.;]\s+){0,2}(?:(?:so|and|ok(?:ay)?|wait|sorry|um+|hm+|hey)[,.\s]+)*"
        # "did both go through?" after two transfers (customer trial, session 39: out of scope)
        r"(?:(?:did|has|have|was|is|were) (?:it|that|this|anything|something|any money|both(?: of them)?|they|the two|"
        r"the (?:transfers|payments)|the (?:transfer|money|payment|block|"
        r"activation|card|request)|my (?:transfer|money|payment|card|request)"
        r"|the \$?\d[\d,.]*(?: (?:dollars?|bucks|usd))?)\s+(?:really |actually |definitely |already )?"
        r"(?:(?:get|got) (?:sent|done|blocked|through|thru|paid)|" + _DONE_WORDS + ")"
        r"(?: today| yet| already)?(?: or (?:is it|will it (?:go|be)|does it go|is that) (?:on|in|for) [^?.!]{1,20})?" +
        # "is that it then? can I use it at the shops now?" at an activation's read-back heard "I can't answer that
        # here", and "ok thank you very much goodbye" left the card inactive (customer trial, session 46)
        r"|is that (?:it|all)(?: then)?(?:[?,.!\s]+(?:can|could) i (?:use|start using) it(?: now| yet| at the shops| today| straight away)*)?"
        r"|(?:is it|it's|its|it is|was it|all|is the card|is my card) (?:now )?"
        r"(?:done|sent|through|blocked|activated|sorted|good|"
        # "is it ready to use now?" right after an activation started another (customer trial, session 38)
        r"ok(?:ay)?|ready(?: to (?:use|go))?|working|active|live|usable)(?: now)?"
        # "did you block it?" after "found it! nevermind" (customer trial, session 36: "That's outside what I can do")
        r"|(?:did|have|has) (?:you|u|anyone|anybody) (?:already |actually )?(?:block(?:ed)?|sen[dt]|activate[d]?|do(?:ne)?|did|"
        r"file[d]?|cancel(?:led)?|freeze|froze(?:n)?|pa(?:y|id)|process(?:ed)?|submit(?:ted)?) (?:it|that|this|anything|"
        r"the (?:card|money|transfer|payment)|my (?:card|money|transfer|payment))(?: or not| yet)?"
        r"|(?:what(?:'s| is| was|s)|(?:can|could) (?:i|you) (?:have|get|give me|tell me)|give me|tell me) (?:the |my |that )?"
        r"(?:reference|ref|confirmation|case|transfer|tracking)(?: (?:number|no\.?|code|id|#))?(?: again)?"
        r"|(?:reference|ref|confirmation|case) (?:number|no\.?|code|id|#)(?: again| please| pls)?"
        r"|who (?:did|does|was) (?:it|that|the money|the transfer|the payment) (?:go|going|sent|paid) to(?: again)?"
        r"|how much (?:did i|was) (?:send|sent|it)(?: again)?"
        # "what did I just send?", "wait which card did you block?" (customer trial, session 36: a new block started)
        r"|what (?:did|have) i (?:just |already )?(?:send|sent|transfer(?:red)?|pa(?:y|id))(?: again)?"
        r"|who did i (?:just )?(?:send|pay|transfer)(?: (?:it|that|the money|money))? to(?: again)?"
        # "what did you just do?" after an activation heard the help text; "wait was that dollars or pounds?" after a
        # transfer asked for card digits (customer trial, session 45)
        r"|what (?:did|have) (?:you|u) (?:just |actually )?(?:do|done|did)(?: (?:exactly|there|again|for me|just now))?"
        r"|(?:was|is) (?:that|it|the (?:transfer|payment|money)) (?:in )?(?:dollars|pounds|usd|euros?|quid)"
        r"(?: or (?:in )?(?:dollars|pounds|usd|euros?|quid))?"
        # "did it go through? did she get it twice?" after one transfer (customer trial, session 39: not understood)
        r"|(?:did|has|have) (?:she|he|they|my \w+) (?:get|got|receive[d]?) (?:it|the money|that|them)"
        r"(?: (?:twice|two times|both|yet|already|ok(?:ay)?))?"
        r"|(?:which|what) card (?:did|have|was) (?:you|u|it|that)? ?(?:just )?"
        r"(?:block(?:ed)?|activate[d]?|cancel(?:led)?|freeze|froze(?:n)?)(?: again)?"
        # "wait was that 400 or 4?" after a transfer heard "I can only help with card services"; "so both are blocked now
        # right?", "what date will she get it?" (customer trial, session 44)
        r"|(?:was|is) (?:that|it|the (?:transfer|payment)) (?:for )?\$?\d[\d,.]*(?: (?:dollars?|bucks))?"
        r"(?: or (?:\$?\d[\d,.]*|not)(?: (?:dollars?|bucks))?)?"
        r"|(?:so )?(?:both|all|they|the cards|both cards|both of them) (?:are |were )?(?:now )?(?:blocked|sent|done|activated)"
        r"(?: now)?(?:,? right)?"
        r"|(?:what|which) (?:date|day) (?:will|does|did|is) (?:she|he|they|it|the money) (?:get|arrive|go|going|be sent)"
        r"(?: it| out)?"
        # "sorry can you repeat that, I didn't catch the case number" right after a block heard "That has already gone
        # through, and I can't undo it here" (customer trial, session 44)
        r"|(?:(?:can|could|would) (?:you|u) (?:please |pls )?(?:repeat|say) (?:that|it)(?: again)?(?: please| pls)?"
        r"(?:,? ?(?:i|as i) (?:didn'?t|did not|missed|couldn'?t) (?:catch|get|see|hear|read)(?: the)? "
        r"(?:case|reference|ref|confirmation)(?: number| no\.?)?)?)"
        r"|i (?:didn'?t|did not|missed|couldn'?t) (?:catch|get|see|hear|read)(?: the)? (?:case|reference|ref|confirmation)"
        r"(?: number| no\.?)?)"
        # "did that go through ok?" (customer trial, session 38: out of scope)
        r"(?:\s+(?:ok(?:ay)?|alright|fine|all right|then))?[\s?!.]*(?:please|pls)?[\s?!.]*$", re.IGNORECASE),
    "zh": re.compile(
        # "我刚才那个投诉登记上了吗", "刚才那个开户办好了吗", "办好没", "妥了不" (customer trial, session 36)
        r"^\s*(?:那|所以|请问|好的?|嗯|哦|对了)?[，,\s]*(?:我的?|俺的?)?(?:刚才|刚刚|之前|前面)?(?:的|那个|那件|那笔)?"
        r"(?:套餐|卡|户|号|新卡|新号|业务|投诉|事|余额|账单|话费|开户|换套餐|变更)?(?:已经)?"
        r"(?:到底|究竟)?(?:(?:已经|真的)?(?:办|弄|处理|提交|登记|开|改|换|交|受理|投诉)?(?:好|完|成功|成|上)了(?:吗|没|没有|嘛|么|不)"
        r"|(?:办|弄|处理|开|改|换|登记)(?:好|完|上)(?:没|没有|了没|了没有|吗)|妥了(?:不|吗|没|没有|么)"
        r"|(?:成功|生效|好|完成)了(?:吗|没|没有|嘛|么)"
        # "搞定没得" (Sichuanese), "搞掂未呀" (Cantonese) after an opening heard "还有什么可以帮您的吗" (customer trial, s38)
        r"|(?:搞定|搞掂|搞好|整好|整完|弄妥)(?:了|咗)?(?:没得|没有|没|未|吗|么|不|冇)(?:呀|啊|哦|嘛)?"
        # "系咪搞掂咗？" (Cantonese) at a read-back heard the help menu; "现在是99的了吗" after a change was "没听明白"
        # (customer trial, session 38)
        # "刚刚迭个到底换脱了伐？" (Shanghainese) after a change stopped heard "暂时回答不了" (customer trial, session 46)
        r"|(?:迭个|这个|那个)?(?:到底)?(?:换|办|弄|开|登记|改)(?:脱|掉)了?(?:伐|吗|没|没有|哦)"
        r"|系咪(?:搞掂|搞定|办好|弄好|开好|换好)咗?|现在(?:就)?(?:是|已经是|变成|换成)了?[^，,。]{0,8}了(?:吗|没|么|没有)|(?:办|开|改|换|交|转|登记|提交|查)(?:过)?了(?:吗|没|没有|嘛|么)"
        r"|(?:我的|刚才的?|那个)?(?:工单号|单号|编号|受理号|订单号|工单编号|流水号|账户号|账号|户号|新号码|新号)(?:是)?(?:多少|几号|什么|啥)(?:来着|呀|啊)?"
        r"|(?:再)?(?:说|发|给我)一?(?:下|遍)(?:工单号|单号|编号|受理号|账户号|账号)"
        # "刚才给我办的是啥来着" after a plan change heard the help menu, "我刚才办了什么" that it cannot be undone (customer
        # trial, session 44)
        # ("刚才办的是多少的来着" asked 余额还是账单: hand try, session 46)
        r"|(?:我|你)?(?:刚才|刚刚|之前)(?:给我|帮我)?(?:办|弄|开|换)(?:的|了)(?:是)?"
        r"(?:啥|什么|哪个|哪一个|多少(?:钱|块|元)?的?|几块(?:钱)?的?)(?:业务|套餐)?(?:来着|呀|啊)?)"
        r"[\s?？!！。.]*$"),
}


def asks_about_outcome(text: str, language: str | None) -> bool:
    """Whether the whole message asks whether the last thing done went through, or for its reference: the message
    as one question, or each of its sentences ("刚才那个投诉登记上了吗？工单号多少来着" went to the query's menu: customer
    trial, session 36)."""
    pattern = _ASKS.get(language_key(language) or "en")
    if not (pattern and text):
        return False
    if pattern.search(text.strip()):
        return True
    parts = [p for p in _SENTENCES.split(text) if p.strip()]
    if (len(parts) > 1 and pattern.search(parts[0].strip())
            and not any(_REQUEST_AFTER.search(_NOT_WANTED.sub("", p)) for p in parts[1:])):
        # the question, then why it is asked: "…did that go out today or is it on the 1st? I don't want to pay her
        # early" (customer trial, session 46)
        return all("?" not in p and "？" not in p or pattern.search(p.strip()) for p in parts[1:])
    return len(parts) > 1 and all(pattern.search(p.strip()) for p in parts)


# what the customer does not want is no request: "I don't want to pay her early"
_NOT_WANTED = re.compile(r"\b(?:don'?t|do not|dont|never|not) (?:want to |wanna |need to )?\w+|(?:不想|不要|别|不用)\w?", re.IGNORECASE)
# A request said after the question: "did it go through? also send $50 to Tom" is two things
_REQUEST_AFTER = re.compile(r"\b(?:send|pay|transfer|block|freeze|activate|balance|cancel|agent|human)\b"
                            r"|转|查|办|开|投诉|换|取消|人工", re.IGNORECASE)


_SENTENCES = re.compile(r"(?<=[?？!！。])\s*")


def _outcome_replies(ctx: TurnContext) -> tuple[str, ...] | None:
    """The replies of the recent history turn in which a flow's action came back (sent, blocked, filed, or failed),
    without the question the flow asked next when it went on ("需要为您转人工吗？" after a complaint was filed); () when
    the flow was cancelled before its action; None when there is no such turn, or a flow started after it that is still
    going or stopped unfinished (a goodbye that ended at once is no such)."""
    recent = ctx.original.history[-RECENT_TURNS:]
    for i in range(len(recent) - 1, -1, -1):
        turn = recent[i]
        if _ACTION_CAME_BACK & set(turn.events):
            said = turn.replies if "flow_completed" in turn.events else turn.replies[:-1]
            return said or None
        if "flow_cancelled" in turn.events and "flow_started" not in turn.events:
            # "did anything get sent?" after a cancel; not when something was done just before (a transfer sent, then
            # a balance check cancelled: "did it go through?" may well ask about the transfer)
            return None if any(_ACTION_CAME_BACK & set(t.events) for t in recent[:i]) else ()
        if "flow_started" in turn.events and "flow_completed" not in turn.events:
            return None
    return None


def said_again(ctx: TurnContext) -> bool:
    """True when, with no flow active, the message asks about the flow that just ended and its ending replies were
    said again (or, after a cancel, that nothing was done)."""
    if ctx.stack or not ctx.new_turn or not asks_about_outcome(ctx.text or "", ctx.assistant.language):
        return False
    said = _outcome_replies(ctx)
    if said is None:
        return False
    ctx.emit("outcome_said_again")
    if not said:
        ctx.say(NOTHING_DONE)
        if ctx.original.stopped is not None:
            # "cancel", "did it go through?", then "ok send it after all" heard "There's nothing in progress to cancel"
            # (customer trial, session 38): asking whether anything went out keeps what was stopped for the next message
            ctx.stopped = dict(ctx.original.stopped)
    for text in said:
        ctx.say_text(text)
    return True


CANCELLED_YES = "utter_cancelled_yes"

# "投诉真的取消了吧？", "那个没登记上吧", "so it's cancelled right?", "nothing was sent, right?" (customer trial,
# session 45: heard "这件事刚才已经办好了，这里撤销不了" after a cancelled complaint and a balance)
_ASKS_CANCELLED = {
    "en": re.compile(
        # ("just to be sure, the 700 didn't go out right?" heard "I'm not sure I understood": customer trial, session 46)
        r"^\s*(?:(?:so|and|ok(?:ay)?|wait|(?:just )?to (?:check|confirm|be sure|be safe)|to be sure)[,.\s]+)*"
        r"(?:(?:is|was|did|has|have) (?:it|that|this|the \w+|my \w+) (?:really |actually |definitely |all )?"
        r"(?:get |got |been )?(?:cancel+ed|stopped|called off|dropped)"
        r"|(?:it|that|this|the \w+) (?:is|was|got|has been) (?:really |actually |definitely )?(?:cancel+ed|stopped|called off)"
        r"|(?:so )?nothing (?:was|got|went|has been|has gone) (?:sent|done|filed|through|out|paid)"
        # "so it's not blocked, right?" after a no at the block's read-back (customer trial, session 46)
        r"|(?:so )?(?:it'?s|its|it is|the card is|my card is|the card's|that'?s) (?:still )?(?:not|n't) (?:been )?"
        r"(?:blocked|sent|done|activated|gone through|gone)"
        r"|(?:it|that|the card|the money|the transfer) (?:wasn'?t|was not|hasn'?t been|has not been|didn'?t get|did not get) "
        r"(?:blocked|sent|done|activated)"
        r"|(?:it|that|the \w+|the money) (?:didn'?t|did not|hasn'?t|has not) (?:go|gone|get sent|get filed)(?: through| out)?)"
        r"(?:,?\s*(?:right|correct|yes|yeah|then|too))?[\s?!.]*$", re.IGNORECASE),
    "zh": re.compile(
        r"^\s*(?:那|所以|请问|好的?|嗯|哦|对了)?[，,\s]*(?:我的?)?(?:刚才|刚刚|之前|前面)?(?:的|那个|那件|那笔)?"
        r"(?:套餐|卡|户|号|业务|投诉|事|开户|换套餐|变更|转账|申请)?(?:是不是|是否)?(?:真的|确定|已经|都)?"
        r"(?:(?:取消|撤销|撤回|作废|不办)(?:了|掉了|成功了)(?:吧|吗|没|没有|么|嘛|哈|是吧|对吧)?"
        # "刚才没给我换吧？" after a plan change stopped heard "没听明白" (customer trial, session 46)
        r"|没(?:有)?(?:给我|帮我|给您)?(?:登记|办|提交|受理|开|换|转|扣|改)(?:上|成|出去|了)?(?:吧|吗|是吧|对吧))"
        r"[\s?？!！。.]*$"),
}


def _cancelled_before_action(ctx: TurnContext) -> bool:
    """Whether, in the last few turns, a flow was cancelled before its action came back (a transfer stopped at its
    read-back), and no flow has been cancelled after an action since."""
    recent = ctx.original.history[-RECENT_TURNS:]
    for i in range(len(recent) - 1, -1, -1):
        events = list(recent[i].events)
        # a cancel, or a no at the read-back ("denied": "so it's not blocked, right?" after "no" heard "I can only help
        # with card services": customer trial, session 46)
        stop = next((name for name in reversed(events) if name in ("flow_cancelled", "denied")), None)
        if stop is None:
            continue
        before = events[:len(events) - 1 - events[::-1].index(stop)]
        # back to the flow's start: no action of it came back
        for turn_events in [before] + [list(t.events) for t in reversed(recent[:i])]:
            started = "flow_started" in turn_events
            tail = turn_events[len(turn_events) - turn_events[::-1].index("flow_started"):] if started else turn_events
            if _ACTION_CAME_BACK & set(tail):
                return False
            if started:
                break
        return True
    return False


def _asks_cancelled(ctx: TurnContext) -> bool:
    """The message, or its first sentence ("刚才没给我换吧？钱不会多扣吧" heard the complaint's opening: customer trial,
    session 46), asks whether the thing was cancelled or not done."""
    pattern = _ASKS_CANCELLED.get(language_key(ctx.assistant.language) or "en")
    text = (ctx.text or "").strip()
    if pattern is None or not text:
        return False
    first = _SENTENCES.split(text, maxsplit=1)[0]
    return bool(pattern.search(text) or pattern.search(first.strip()))


def cancelled_confirmed(ctx: TurnContext) -> bool:
    """"投诉真的取消了吧？" after a complaint cancelled at its read-back and a balance looked up since heard "这件事刚才
    已经办好了，这里撤销不了" (customer trial, session 45): with no flow active, a message that asks whether the thing
    was cancelled (or not done), when a flow was cancelled before its action in the last few turns, hears that it was
    (`utter_cancelled_yes`, built in; event `cancelled_confirmed`)."""
    if ctx.stack or not ctx.new_turn or not _asks_cancelled(ctx) or not _cancelled_before_action(ctx):
        return False
    ctx.emit("cancelled_confirmed")
    ctx.say(CANCELLED_YES)
    return True


NOT_DONE_YET = "utter_not_done_yet"


def not_yet(ctx: TurnContext) -> bool:
    """"办好了吗？" / "did it go through?" at a read-back heard "这个问题我在这里回答不了" (customer trial, session 35):
    nothing is done before the yes, said so (event `not_done_yet`), and the read-back again. At a confirmation that
    offers a person (asked after the flow's action) the action's own replies are said again before the offer ("办好了没"
    after "…套餐没有变更" and "需要为您转接人工客服…吗？" started a query: tried by hand, session 36; event
    `outcome_said_again`)."""
    frame = ctx.frame
    # ... and whether it was not done: "刚才那个没办成吧？" at a plan change's read-back (after a question about the plan)
    # heard "这个问题我在这里回答不了" (customer trial, session 46)
    if (frame is None or frame.waiting_for != "confirm" or not ctx.new_turn
            or not (asks_about_outcome(ctx.text or "", ctx.assistant.language) or _asks_cancelled(ctx))):
        return False
    if steps.offers_a_person(ctx):
        said = _outcome_replies(ctx)
        if not said:
            return False
        ctx.emit("outcome_said_again", flow=frame.flow)
        for text in said:
            ctx.say_text(text)
    else:
        ctx.emit("not_done_yet", flow=frame.flow)
        ctx.say(NOT_DONE_YET)
    steps.reprompt(ctx)
    return True


NOT_DONE_REFUSED = "utter_not_done_refused"


def refused_at_question(ctx: TurnContext) -> bool:
    """"办好了没" at the ID question asked again after the backend found no account for that ID heard "这个问题我在这里
    回答不了" (tried by hand, session 37): while the flow waits for a value after its action came back refused or failed
    (its on_status / on_error state asks again), an outcome question hears that it did not go through (event
    `not_done_refused`, `utter_not_done_refused`, built in) and the question again, which says why. Before any action
    of the flow (and with nothing done in the last few turns), it hears `utter_not_done_yet` and the question again."""
    frame = ctx.frame
    if (frame is None or not (frame.waiting_for or "").startswith("slot:") or not ctx.new_turn
            or not asks_about_outcome(ctx.text or "", ctx.assistant.language)):
        return False
    recent = ctx.original.history[-RECENT_TURNS:]
    for turn in reversed(recent):
        events = set(turn.events)
        if "flow_started" in events or "flow_completed" in events or "action_succeeded" in events:
            break
        if events & {"action_refused", "action_failed"}:
            ctx.emit("not_done_refused", flow=frame.flow)
            ctx.say(NOT_DONE_REFUSED)
            steps.reprompt(ctx)
            return True
    if any(_ACTION_CAME_BACK & set(t.events) or "flow_completed" in t.events for t in recent):
        return False  # "did it go through?" may ask about what was done just before this request
    # "did it go thru" at "How much would you like to send?" heard "I can't answer that here" (customer trial,
    # session 38): nothing is done yet, said, and the question again
    ctx.emit("not_done_yet", flow=frame.flow)
    ctx.say(NOT_DONE_YET)
    steps.reprompt(ctx)
    return True
