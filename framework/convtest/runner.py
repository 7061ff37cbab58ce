"""Playing conversation tests through the Agent, the code path of `dialog shell` and the server.

Each test is a fresh conversation (sender id = the test's name) with the real classifier
(`parse`, a framework.agent.ClassifierParser), the real action executor, and webhooks
answered by the test's fixtures or the domain's demo backend (framework.convtest.fixtures).
After every user message each expectation of the step is checked; a test stops at its first
step that does not hold, because what follows would be measured from the wrong place.
"""
from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import aiohttp

from framework.actions import ActionExecutor
from framework.agent import Agent, AgentTurn, Parse
from framework.compile.machine import Assistant
from framework.convtest.cases import BotLine, ConversationTest, Expectation, Step
from framework.convtest.fixtures import FixtureServer, route_webhooks


@dataclass(frozen=True)
class Mismatch:
    expectation: Expectation
    expected: str
    found: str
    lines: tuple[str, ...] = ()  # a diff, for replies


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False  # not a pytest test class, whatever its name
    test: ConversationTest
    transcript: tuple[AgentTurn, ...] = ()  # the turns played, up to the failing one
    failed_step: int | None = None  # 0-based index of the step that did not hold
    mismatches: tuple[Mismatch, ...] = ()
    error: str = ""  # an exception while running (a bug, or a webhook server that crashed)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.failed_step is None and not self.error


@dataclass
class RunOptions:
    demo_backend: bool = True  # unanswered local webhooks go to the domain's backend.py
    channel: str | None = None  # picks per-channel response variants, as a channel would


async def run_tests(assistant: Assistant, parse: Parse, tests: Sequence[ConversationTest],
                    domain_dir: str | Path | None = None, options: RunOptions | None = None) -> list[TestOutcome]:
    """Run `tests` in order; never raises for a failing test."""
    options = options or RunOptions()
    domain_dir = Path(domain_dir or assistant.source_dir)
    fixtures = await FixtureServer().start()
    backend = backend_url = None
    try:
        if options.demo_backend and (domain_dir / "backend.py").is_file():
            from framework.actions.demo_backend import bound_port, start_demo_backend

            backend = await start_demo_backend(domain_dir, port=0, assistant=assistant)
            backend_url = f"http://127.0.0.1:{bound_port(backend)}"
        async with aiohttp.ClientSession() as session:
            outcomes = []
            for test in tests:
                fixtures.use(test.webhooks)
                routed = route_webhooks(assistant, test.webhooks, fixtures.url, backend_url)
                agent = Agent(routed, parse, ActionExecutor(routed, session))
                outcomes.append(await run_test(agent, test, options.channel))
            return outcomes
    finally:
        if backend is not None:
            await backend.cleanup()
        await fixtures.close()


async def run_test(agent: Agent, test: ConversationTest, channel: str | None = None) -> TestOutcome:
    started = time.perf_counter()
    state, transcript = None, []
    try:
        for index, step in enumerate(test.steps):
            turn = await agent.handle(state, test.name, step.user, channel=channel)
            transcript.append(turn)
            state = turn.state
            mismatches = check_turn(step, turn)
            if mismatches:
                return TestOutcome(test, tuple(transcript), index, tuple(mismatches),
                                   seconds=time.perf_counter() - started)
    except Exception:  # noqa: BLE001 - one broken test must not stop the others
        return TestOutcome(test, tuple(transcript), len(transcript), error=traceback.format_exc(),
                           seconds=time.perf_counter() - started)
    return TestOutcome(test, tuple(transcript), seconds=time.perf_counter() - started)


# --------------------------------------------------------------------------- checks

def check_turn(step: Step, turn: AgentTurn) -> list[Mismatch]:
    return [m for e in step.expectations if (m := _CHECKS[e.what](e, turn)) is not None]


def reply_text(reply) -> str:
    # Quoted as written, not repr(): "I'm" stays readable.
    return f'{reply.response}: "{reply.text}"' if reply.response else f'"{reply.text}"'


def _bot(e: Expectation, turn: AgentTurn) -> Mismatch | None:
    expected: tuple[BotLine, ...] = e.value
    replies = turn.replies
    if len(expected) == len(replies) and all(x.matches(r) for x, r in zip(expected, replies)):
        return None
    return Mismatch(e, f"{len(expected)} replies", f"{len(replies)}", tuple(_reply_diff(expected, replies)))


def _reply_diff(expected: Sequence[BotLine], replies: Sequence) -> list[str]:
    """`  ` matched, `- ` expected but missing, `+ ` said but not expected; in order."""
    lines, j = [], 0
    for x in expected:
        at = next((k for k in range(j, len(replies)) if x.matches(replies[k])), None)
        if at is None:
            lines.append(f"- {x}")
            continue
        lines += [f"+ {reply_text(r)}" for r in replies[j:at]]
        lines.append(f"  {reply_text(replies[at])}")
        j = at + 1
    return lines + [f"+ {reply_text(r)}" for r in replies[j:]]


def _show(value: Any) -> str:
    return "not set" if value is None else repr(value)


def _same(expected: Any, found: Any) -> bool:
    """YAML `1234` for a text slot holding "1234", and 50 for 50.0, are the same value."""
    if isinstance(expected, bool) or isinstance(found, bool):
        return type(expected) is type(found) and expected == found
    if expected is None or found is None:
        return expected is found
    if isinstance(expected, (int, float)) and isinstance(found, str):
        return str(expected) == found
    return expected == found


def _intent(e: Expectation, turn: AgentTurn) -> Mismatch | None:
    top = turn.nlu.intent
    if top is not None and top.name == e.value:
        return None
    return Mismatch(e, repr(e.value), f"{top.name!r} ({top.confidence:.2f})" if top else "no intent")


def _slot(e: Expectation, turn: AgentTurn) -> Mismatch | None:
    found = turn.state.slots.get(e.name)
    return None if _same(e.value, found) else Mismatch(e, _show(e.value), _show(found))


def _where(turn: AgentTurn) -> str:
    frame = turn.state.frame
    return f"{frame.flow}.{frame.state}" if frame else "no active flow"


def _flow(e: Expectation, turn: AgentTurn) -> Mismatch | None:
    found = turn.state.active_flow
    return None if found == e.value else Mismatch(e, repr(e.value) if e.value else "no active flow", _where(turn))


def _state(e: Expectation, turn: AgentTurn) -> Mismatch | None:
    frame = turn.state.frame
    return None if frame and frame.state == e.value else Mismatch(e, repr(e.value), _where(turn))


def _handoff(e: Expectation, turn: AgentTurn) -> Mismatch | None:
    found = turn.state.handoff
    return None if found == e.value else Mismatch(e, str(e.value).lower(), str(found).lower())


def _end(e: Expectation, turn: AgentTurn) -> Mismatch | None:
    ended = not turn.state.stack
    if ended == e.value:
        return None
    return Mismatch(e, "no active flow" if e.value else "a flow still active", _where(turn))


def _events(e: Expectation, turn: AgentTurn) -> Mismatch | None:
    names = [ev.name for ev in turn.events]
    missing = [n for n in e.value if n not in names]
    return Mismatch(e, ", ".join(missing), ", ".join(names) or "none") if missing else None


_CHECKS = {"bot": _bot, "intent": _intent, "slot": _slot, "flow": _flow, "state": _state,
           "handoff": _handoff, "end": _end, "events": _events}
