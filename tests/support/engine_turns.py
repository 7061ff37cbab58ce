"""Pure engine turns for tests: a domain written to a folder and loaded, and one message
through framework.engine.turn.handle_message with a hand-written intent ranking in place
of a classifier (the rule-based extractors still run on the text).

For behaviour that must hold whatever the classifier says (a command word at a question,
an emoji, a plain "no"); a tiny real model (tests/support/tiny_model.py) checks the rest.

    turn = turns(default_intent="deny", runner_up=("inform",))
    result = turn(assistant, state, "no")                  # deny 0.99, inform 0.01
    result = turn(assistant, state, "nah", "deny", 0.45)   # below the threshold
    replies(result) == ["Do you want to stop here?"]
"""
from __future__ import annotations

import datetime as dt
from typing import Callable, Iterable

from framework.compile.machine import Assistant
from framework.engine.results import TurnResult
from framework.engine.state import SessionState
from framework.engine.turn import handle_message
from framework.nlu.interface import Entity, IntentScore, NLUResult
from framework.slots import extract_entities
from tests.test_entity_slots import write_domain

__all__ = ["NOW", "Turn", "done", "message", "replies", "start", "through", "turns", "write_domain"]

NOW = dt.datetime(2026, 12, 2, 10, 0)
Turn = Callable[..., TurnResult]


def message(assistant: Assistant, text: str, intent: str, confidence: float = 0.99, second: float = 0.01, *,
            runner_up: Iterable[str], entities: Iterable[Entity] = ()) -> NLUResult:
    """`text` ranked `intent` at `confidence`, then at `second` the first of `runner_up`
    that is not `intent` (the last one when all are); its entities are the rule-based
    extractors' and `entities` (learnt ones, say)."""
    names = tuple(runner_up)
    other = next((n for n in names if n != intent), names[-1])
    ranking = (IntentScore(intent, confidence), IntentScore(other, second))
    return NLUResult(text, ranking, tuple(extract_entities(assistant, text, today=NOW.date())) + tuple(entities))


def turns(*, default_intent: str, runner_up: Iterable[str]) -> Turn:
    """A `turn(assistant, state, text, intent=default_intent, confidence=0.99, second=0.01,
    entities=())` for one test module's domain."""
    names = tuple(runner_up)

    def turn(assistant: Assistant, state: SessionState, text: str, intent: str = default_intent,
             confidence: float = 0.99, second: float = 0.01, entities: Iterable[Entity] = ()) -> TurnResult:
        nlu = message(assistant, text, intent, confidence, second, runner_up=names, entities=entities)
        return handle_message(assistant, state, nlu, now=NOW)

    return turn


def through(turn: Turn, assistant: Assistant, said: Iterable[tuple[str, str]], state: SessionState | None = None,
            confidence: float = 0.99) -> SessionState:
    """The session after the (text, intent) messages `said`, one after another, each read at `confidence` (from a new
    session unless `state` is given)."""
    state = state or start()
    for text, intent in said:
        state = turn(assistant, state, text, intent, confidence).state
    return state


def start() -> SessionState:
    """A new session at NOW."""
    return SessionState.new("u", NOW)


def done(assistant: Assistant, state: SessionState, **slots) -> TurnResult:
    """The action the last turn asked for, succeeded with `slots` (a backend's answer)."""
    from framework.compile.machine import frozen_map
    from framework.engine import ActionResult, handle_action_result

    return handle_action_result(assistant, state, ActionResult(True, frozen_map(slots)), now=NOW)


def replies(result: TurnResult) -> list[str]:
    """The texts the assistant said in a turn, in order."""
    return [r.text for r in result.replies]
