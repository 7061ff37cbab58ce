"""Which slots an action receives when its spec has no `sends:` list.

The rule (docs/DESIGN.md, "Webhook request"): an action receives the slots of the flows
whose states call it, where the slots of a flow are those it collects, those set by the
actions it calls, those its conditions read and those its responses interpolate. Slots of
other flows (another customer's card digits, a complaint's text) are not sent.
"""
from __future__ import annotations

import re
import string
from typing import Iterable, Mapping

from framework import conditions
from framework.compile.machine import Action, CallAction, Collect, Confirm, End, Flow, Handoff, Response, Say

_FORMATTER = string.Formatter()


def response_slots(response: Response | None) -> set[str]:
    """Slot names a response's variants interpolate ({name}, {amount:,})."""
    names: set[str] = set()
    for variant in response.variants if response else ():
        try:
            fields = [f for _, f, _, _ in _FORMATTER.parse(variant.text) if f]
        except ValueError:  # the validator reports a broken text
            continue
        names |= {re.split(r"[.\[]", f, maxsplit=1)[0] for f in fields}
    return names


def flow_slots(flow: Flow, actions: Mapping[str, Action], responses: Mapping[str, Response]) -> set[str]:
    """The slots a flow collects, obtains from its actions, tests in conditions or says."""
    slots: set[str] = set()
    said: list[str | None] = []
    for state in flow.states.values():
        step = state.step
        if isinstance(step, Collect):
            slots.add(step.slot)
            said += [step.prompt, step.reprompt]
        elif isinstance(step, CallAction) and step.action in actions:
            slots |= set(actions[step.action].sets)
        elif isinstance(step, Say):
            said.append(step.response)
        elif isinstance(step, Confirm):
            said.append(step.response)
        elif isinstance(step, (End, Handoff)):
            said.append(step.response)
        for transition in state.transitions:
            if transition.condition is not None:
                slots |= conditions.referenced_slots(transition.condition)
    for name in said:
        if name:
            slots |= response_slots(responses.get(name))
    return slots


def default_sends(action: str, flows: Iterable[Flow], actions: Mapping[str, Action],
                  responses: Mapping[str, Response], known_slots: Iterable[str]) -> tuple[str, ...]:
    """The slots of every flow with a state that calls `action`, sorted; only declared slots."""
    sends: set[str] = set()
    for flow in flows:
        if any(isinstance(s.step, CallAction) and s.step.action == action for s in flow.states.values()):
            sends |= flow_slots(flow, actions, responses)
    return tuple(sorted(sends & set(known_slots)))
