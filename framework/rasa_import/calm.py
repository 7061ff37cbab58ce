"""Rasa Pro / CALM `flows:` -> flows.

One to one: `collect` (prompt `utter_ask_<slot>` or the step's `utter`;
`ask_before_filling: true` -> `skip_if_filled: false`; `reset_after_flow_ends: false` -> the
flow `keep`s the slot), `action` (an `utter_*` response is said, anything else is called),
`link`, `next` (a step id, END, or a list of `if`/`then`/`else` whose `then`/`else` may be
inline steps), `nlu_trigger` intents -> the flow's trigger, step `id`s -> state names.
Changed: `call` becomes `link` (the called flow does not return). Not converted (reported):
`set_slots`, `noop`, a flow guard `if:`, collect `rejections`, and a flow without
`nlu_trigger` gets no trigger (CALM starts it from its description with an LLM).
"""
from __future__ import annotations

import re
from typing import Any

from framework import conditions
from framework.rasa_import.located import Report

_STEP_KINDS = ("collect", "action", "link", "call", "set_slots", "noop")


def convert(flows: dict[str, Any], responses: dict[str, Any], actions: set[str], report: Report) -> dict[str, Any]:
    out = {}
    for name, spec in flows.items():
        if not isinstance(spec, dict):
            continue
        flow: dict[str, Any] = {}
        if spec.get("description"):
            flow["description"] = str(spec["description"]).strip()
        triggers = []
        for trigger in spec.get("nlu_trigger") or ():
            intent = trigger.get("intent") if isinstance(trigger, dict) else None
            intent = intent.get("name") if isinstance(intent, dict) else intent
            if intent:
                triggers.append(str(intent))
        if triggers:
            flow["trigger"] = triggers
        else:  # CALM starts it from its description with an LLM
            flow["x-source"] = (spec.file, flows.key_line(name))
        if spec.get("if"):
            report.skip(spec, f"flow '{name}': guard if: {spec['if']}", "flows have no start guard; left out",
                        line=spec.key_line("if"))
        builder = _Builder(name, responses, actions, report)
        start = builder.steps(spec.get("steps") or [], "END")
        if not builder.states:
            report.skip(spec, f"flow '{name}'", "no step could be converted", line=flows.key_line(name))
            continue
        if start and start != next(iter(builder.states)):
            flow["start"] = start
        if builder.keep:
            flow["keep"] = sorted(builder.keep)
        flow["states"] = builder.states
        out[name] = flow
    return out


class _Builder:
    def __init__(self, flow: str, responses: dict, actions: set[str], report: Report):
        self.flow, self.responses, self.actions, self.report = flow, responses, actions, report
        self.states: dict[str, Any] = {}
        self.keep: set[str] = set()
        self.count = 0

    def steps(self, steps: list, after: str) -> str | None:
        """Add the states of `steps`, the last continuing to `after`; the first state's name."""
        made: list[tuple[str, Any]] = []  # (state name, its step's `next` spec)
        for step in steps:
            state = self.step(step)
            if state is not None:
                made.append((state, step.get("next")))
        for i, (name, next_spec) in enumerate(made):
            following = made[i + 1][0] if i + 1 < len(made) else after
            state = self.states[name]
            if "end" in state or "link" in state:
                continue
            if next_spec is None:
                state["next"] = following
            elif isinstance(next_spec, str):
                state["next"] = next_spec
            else:
                state["transitions"] = self.branches(next_spec, following, name)
        return made[0][0] if made else None

    def step(self, step: Any) -> str | None:
        if not isinstance(step, dict):
            return None
        kind = next((k for k in _STEP_KINDS if k in step), None)
        where = f"flow '{self.flow}': step {kind or next(iter(step), '?')}"
        if kind in ("set_slots", "noop", None):
            self.report.skip(step, where, "has no counterpart (a state has no slot-setting step); left out"
                             if kind == "set_slots" else "has no counterpart; left out")
            return None
        name = str(step.get("id") or self._name(step[kind]))
        if kind == "collect":
            slot = str(step["collect"])
            state: dict[str, Any] = {"collect": slot, "prompt": step.get("utter") or f"utter_ask_{slot}"}
            if step.get("ask_before_filling"):
                state["skip_if_filled"] = False
            if step.get("reset_after_flow_ends") is False:
                self.keep.add(slot)
            if step.get("rejections"):
                self.report.skip(step, f"{where} {slot}: rejections", "validate with the slot's type and bounds, "
                                                                     "or an action; left out")
        elif kind == "action":
            action = str(step["action"])
            if action not in self.responses and action not in self.actions:
                self.report.skip(step, f"{where} {action}", "neither a response nor a custom action of the "
                                                            "domain (a Rasa built-in?); left out")
                return None
            state = {"say": action} if action in self.responses else {"action": action}
        else:  # link, call
            state = {"link": str(step[kind])}
            if kind == "call":
                self.report.skip(step, where, "call becomes link: the called flow does not return here")
        self.states[name] = state
        return name

    def _name(self, base: Any) -> str:
        self.count += 1
        name = re.sub(r"\W+", "_", str(base)).strip("_") or "step"
        return name if name not in self.states else f"{name}_{self.count}"

    def branches(self, spec: list, following: str, owner: str) -> list[dict[str, Any]]:
        transitions = []
        for branch in spec:
            if not isinstance(branch, dict):
                continue
            target = branch.get("then") if "if" in branch else branch.get("else")
            if isinstance(target, list):
                target = self.steps(target, "END") or "END"
            target = str(target or following)
            if "if" in branch:
                text = _condition(str(branch["if"]))
                try:
                    conditions.parse(text)
                except conditions.ConditionSyntaxError as err:
                    self.report.skip(branch, f"flow '{self.flow}': condition {branch['if']!r} after {owner}",
                                     f"cannot be read as a condition here ({err.message}); the branch is left out")
                    continue
                transitions.append({"if": text, "to": target})
            else:
                transitions.append({"to": target})
        if not transitions or "if" in transitions[-1]:
            transitions.append({"to": following})
        return transitions


def _condition(text: str) -> str:
    """Rasa's pypred conditions in this language: `=`/`is` comparisons, True/False/None."""
    text = re.sub(r"(?<![=!<>])=(?!=)", "==", text)
    text = re.sub(r"\bis not (True|False|None|true|false|null)\b", r"!= \1", text)
    text = re.sub(r"\bis (True|False|None|true|false|null)\b", r"== \1", text)
    return re.sub(r"\b(True|False|None)\b", lambda m: {"True": "true", "False": "false", "None": "null"}[m[1]], text)
