"""The same thing asked several times in the message that starts a flow, done once for each.

"老板你好，我开了个小饭馆，想用我的身份证给店里三个伙计各办一张卡，最便宜那种" opened one account, and "不是说三张吗？还有两张呢"
heard "这个超出我的服务范围啦" (customer trial, session 43): the count was dropped without a word. A flow may say how
such a message reads:

    business:
      repeats:
        response: utter_one_of_several       # said before each run: {run} of {count}
        patterns: ['(?P<count>[两二三四五\\d])\\s*(?:张|个)(?:新)?(?:卡|号)']

When the message that starts the flow (its trigger) matches a pattern, its group `count` (a number in digits or words,
2 to MAX_RUNS) is how many runs: the response says so before the flow's first question. Each run is confirmed on its
own. When a run ends and its last webhook succeeded this turn, the next run starts at once with the values of the one
before (event `flow_repeated`), the response said first; its confirmation reads them back. A run that ends otherwise
(a refusal, a failure, a no) ends the repeats (event `runs_dropped`): "一证五号" refuses the next opening as it did
this one.
"""
from __future__ import annotations

import re

from framework.engine.context import TurnContext
from framework.engine.state import Frame
from framework.slots.numerals import parse_number

MAX_RUNS = 9  # "给 30 个员工各开一张卡" is no conversation: one run, as before


def asked(ctx: TurnContext, flow) -> tuple[int, int] | None:
    """(1, count) when the message starting `flow` asks for it `count` times; else None."""
    if flow.repeats is None or not ctx.new_turn or not ctx.text:
        return None
    for pattern in flow.repeats[1]:
        match = re.search(pattern, ctx.text, re.IGNORECASE)
        count = parse_number(match.group("count")) if match and match.group("count") else None
        if isinstance(count, int) and 2 <= count <= MAX_RUNS:
            return 1, count
    return None


def announce(ctx: TurnContext, runs: tuple[int, int] | None, flow) -> None:
    """Say the flow's repeats response for run `runs` (before its question)."""
    if runs is not None:
        ctx.say(flow.repeats[0], extra={"run": runs[0], "count": runs[1]})


def next_run(ctx: TurnContext, done: Frame) -> str | None:
    """After run `done` left the stack: the next run on the stack, its start returned, when `done` succeeded and runs
    remain; None otherwise."""
    if done.runs is None or done.runs[0] >= done.runs[1]:
        return None
    flow = ctx.assistant.flows.get(done.flow)
    outcomes = [e.name for e in ctx.events if e.name in ("action_succeeded", "action_refused", "action_failed")]
    if flow is None or flow.repeats is None or not outcomes or outcomes[-1] != "action_succeeded":
        ctx.emit("runs_dropped", flow=done.flow, done=done.runs[0] - 1, count=done.runs[1])
        return None
    runs = (done.runs[0] + 1, done.runs[1])
    ctx.stack.append(Frame(flow.name, flow.start, runs=runs))
    ctx.emit("flow_repeated", flow=flow.name, run=runs[0], count=runs[1])
    announce(ctx, runs, flow)
    return flow.start
