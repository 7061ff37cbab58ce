"""Rasa forms, rules and simple stories -> flows.

- A form becomes a flow of collect steps, one per required slot (prompt `utter_ask_<form>_<slot>`
  or `utter_ask_<slot>`); its `validate_<form>` action, when the domain has one, runs after
  each collect, as Rasa runs it after each answer, and a slot it unsets is asked again. The rules that activate the form give the
  flow its trigger intents; the rule that submits it (condition `active_loop: <form>`, then
  `active_loop: null`) gives the steps after the form.
- Rules and stories that start with an intent and then run actions merge into one flow per
  first intent: the actions become say/action states, and a later intent of a story becomes
  an intent transition of the state before it, so stories that share a start branch there.
- `nlu_fallback -> utter_x` becomes the global fallback response.
- A retrieval intent's rule (`faq -> utter_faq`) becomes one flow per sub-intent
  (`faq/ask_name`) saying its own response (`utter_faq/ask_name`).
Anything else (checkpoints, `or`, slot_was_set, conditions, stories through a form, a story
that contradicts an earlier one) is reported with its line and left out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from framework.rasa_import.located import LineDict, Report, line_of

FALLBACK_INTENT = "nlu_fallback"
IGNORED_ACTIONS = ("action_listen",)


@dataclass
class _Node:
    actions: list[tuple[str, int]] = field(default_factory=list)  # (action, line)
    branches: dict[str, "_Node"] = field(default_factory=dict)
    source: str = ""  # the story/rule that gave the actions, for conflict reports
    item: Any = None  # its YAML, for the file and line of reports


@dataclass
class FlowBuild:
    flows: dict[str, Any] = field(default_factory=dict)
    fallback: str | None = None  # the response of the nlu_fallback rule
    extra_responses: dict[str, Any] = field(default_factory=dict)  # prompts the forms lacked


def _steps_of(item: LineDict, report: Report, known: set[str]) -> list[tuple[str, str, int]] | None:
    """[(kind, name, line)] of a rule or story with only intents and actions, else None
    (reported). An action that is neither a response, a custom action, a form nor a restart
    (Rasa's action_back, action_two_stage_fallback ...) is left out of it, reported."""
    label = f"{'rule' if 'rule' in item else 'story'} '{item.get('rule') or item.get('story')}'"
    out = []
    steps = item.get("steps") or []
    for i, step in enumerate(steps):
        line = steps.item_lines[i] if hasattr(steps, "item_lines") else line_of(item)
        if not isinstance(step, dict):
            report.skip(item, label, "a step that is not a mapping", line=line)
            return None
        if "intent" in step:
            if step.get("entities"):
                report.skip(step, f"{label}: the entities of intent '{step['intent']}'",
                            "a flow's trigger does not depend on entities; the intent alone is kept", line=line)
            out.append(("intent", str(step["intent"]), line))
        elif "action" in step:
            action = str(step["action"])
            if action == "action_default_fallback" and "utter_default" in known:
                action = "utter_default"  # what Rasa's default fallback action says
            if action in IGNORED_ACTIONS:
                continue
            if action not in known:
                report.skip(step, f"{label}: action '{action}'", "neither a response, a custom action of the "
                                                                 "domain nor a form; left out of it", line=line)
                continue
            out.append(("action", action, line))
        elif "active_loop" in step:
            out.append(("active_loop", str(step["active_loop"]), line))
        elif "wait_for_user_input" in step:
            continue
        else:
            kind = next(iter(step), "?")
            report.skip(step, label, f"a '{kind}' step (checkpoints, or, slot_was_set, user text) has no "
                                     f"counterpart in a flow; write the branch as a flow transition", line=line)
            return None
    return out


def convert(items: list[LineDict], forms: dict[str, Any], domain: LineDict, actions: set[str],
            responses: dict[str, Any], intents: set[str], report: Report) -> FlowBuild:
    build = FlowBuild()
    form_names = set(forms)
    triggers: dict[str, list[str]] = {f: [] for f in forms}
    after_form: dict[str, list[tuple[str, int]]] = {f: [] for f in forms}
    roots: dict[str, _Node] = {}
    known = set(responses) | actions | form_names | {"action_restart", "action_session_start"}
    retrieval = {n.split("/")[0]: sorted(i for i in intents if i.startswith(n.split("/")[0] + "/"))
                 for n in intents if "/" in n}
    known |= {f"utter_{base}" for base in retrieval}
    for item in items:
        label = f"{'rule' if 'rule' in item else 'story'} '{item.get('rule') or item.get('story')}'"
        steps = _steps_of(item, report, known)
        if steps is None:
            continue
        condition = item.get("condition") or []
        loop = next((c.get("active_loop") for c in condition if isinstance(c, dict) and "active_loop" in c), None)
        if condition and not (loop in form_names and len(condition) == 1):
            report.skip(item, label, "a rule condition (slot values, a loop) has no counterpart; "
                                     "use a transition condition in a flow", line=line_of(item))
            continue
        if loop in form_names:  # the submit rule: [form action, active_loop null, then ...]
            rest = [(n, ln) for k, n, ln in steps if k == "action" and n != loop]
            after_form[loop] += rest
            continue
        names = [n for _, n, _ in steps]
        if steps and steps[0][0] == "intent" and len(steps) >= 2 and steps[1][1] in form_names:
            if len([s for s in steps if s[0] == "intent"]) == 1:
                triggers[steps[1][1]].append(steps[0][1])
                continue
        if any(n in form_names for n in names) or any(k == "active_loop" for k, _, _ in steps):
            report.skip(item, label, "a story through a form: the form's flow and rules cover it",
                        line=line_of(item))
            continue
        if not steps or steps[0][0] != "intent":
            report.skip(item, label, "it does not start with an intent (conversation_start rules, "
                                     "action-first stories): nothing triggers it", line=line_of(item))
            continue
        if steps[0][1] in retrieval:  # faq -> utter_faq: one flow per sub-intent, saying its answer
            if [(k, n) for k, n, _ in steps] == [("intent", steps[0][1]), ("action", f"utter_{steps[0][1]}")]:
                _retrieval_flows(steps[0][1], retrieval[steps[0][1]], responses, build, item, report)
            else:
                report.skip(item, label, "a retrieval intent is answered by a rule of it and its utter_ alone")
            continue
        if steps[0][1] == FALLBACK_INTENT:
            said = [n for k, n, _ in steps[1:] if k == "action"]
            if said and said[0] in responses:
                build.fallback = said[0]
            else:
                report.skip(item, label, "the fallback says a response here, not an action", line=line_of(item))
            continue
        _insert(roots, steps, item, label, report)
    for form, spec in forms.items():
        build.flows[form] = _form_flow(form, spec, domain, actions, responses, triggers[form],
                                       after_form[form], build, report)
    used = {t for f in build.flows.values() for t in f.get("trigger", [])}
    for intent, node in roots.items():
        if intent in used:
            report.skip(node.item, f"{node.source} and others starting with '{intent}'",
                        "the intent already starts a form's flow")
            continue
        if intent not in intents:
            continue  # reported with the intent (no examples)
        states: dict[str, Any] = {}
        _node_states(node, states, responses, actions)
        if states:
            flow: dict[str, Any] = {"trigger": [intent], "states": states}
            if _says_goodbye(intent, node):
                flow["ends_conversation"] = True
            build.flows[_flow_name(intent, build.flows)] = flow
    return build


GOODBYE_INTENT = re.compile(r"(^|_)(goodbye|bye|farewell)($|_)", re.IGNORECASE)


def _says_goodbye(intent: str, node: _Node) -> bool:
    """Whether the flow an intent starts ends the conversation (`ends_conversation`: a goodbye
    during another flow's question then asks whether to stop it, framework.engine.stop_question):
    Rasa has no such mark, so it is read from the conventions of Rasa's templates: the intent
    is named goodbye/bye/farewell (moodbot's `goodbye`, `say_goodbye`), or the rule restarts
    the conversation right after its answer (`action_restart`), with no branch after it."""
    if GOODBYE_INTENT.search(intent):
        return True
    return not node.branches and any(a == "action_restart" for a, _ in node.actions)


def _retrieval_flows(base: str, subs: list[str], responses: dict, build: FlowBuild, item: Any,
                     report: Report) -> None:
    for intent in subs:
        answer = f"utter_{intent}"
        if answer not in responses:
            report.skip(item, f"retrieval intent '{intent}'", f"no response {answer}; no flow answers it")
            continue
        name = _flow_name(intent, build.flows)
        build.flows[name] = {"trigger": [intent], "states": {"answer": {"say": answer, "next": "END"}}}


def _insert(roots: dict[str, _Node], steps: list[tuple[str, str, int]], item: Any, label: str,
            report: Report) -> None:
    """Add a story's path to the tree of its first intent; a path that says something else
    than an earlier one after the same messages is left out."""
    node, i = None, 0
    while i < len(steps):
        kind, name, line = steps[i]
        if kind != "intent":
            report.skip(item, label, "two intents must be separated by the bot's actions", line=line)
            return
        parent = roots if node is None else node.branches
        actions = []
        i += 1
        while i < len(steps) and steps[i][0] == "action":
            actions.append((steps[i][1], steps[i][2]))
            i += 1
        child = parent.get(name)
        if child is None:
            child = parent[name] = _Node(actions, source=label, item=item)
        elif [a for a, _ in child.actions] != [a for a, _ in actions]:
            report.skip(item, label, f"after '{name}' it runs {[a for a, _ in actions]}, an earlier {child.source} "
                                     f"runs {[a for a, _ in child.actions]}; the earlier one is kept", line=line)
            return
        node = child


def _node_states(node: _Node, states: dict[str, Any], responses: dict, actions: set[str]) -> str | None:
    """Add the states of `node` (its actions, then its branches); the first state's name."""
    names = []
    for action, _ in node.actions:
        name = _unique(action, states)
        states[name] = _action_state(action, responses)
        names.append(name)
    for current, following in zip(names, names[1:]):
        states[current]["next"] = following
    if not names:
        return None
    last = names[-1]
    if "end" in states[last]:
        return names[0]
    transitions = []
    for intent, child in node.branches.items():
        first = _node_states(child, states, responses, actions)
        if first:
            transitions.append({"intent": intent, "to": first})
    if transitions:
        states[last]["transitions"] = transitions
    else:
        states[last]["next"] = "END"
    return names[0]


def _action_state(action: str, responses: dict) -> dict[str, Any]:
    if action in ("action_restart", "action_session_start"):
        return {"end": True}
    if action in responses:
        return {"say": action}
    return {"action": action}


def _unique(name: str, taken: dict) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name}_{n}" in taken:
        n += 1
    return f"{name}_{n}"


def _flow_name(intent: str, flows: dict) -> str:
    name = intent.replace("/", "_")
    return _unique(name, flows)


def _form_flow(form: str, spec: Any, domain: LineDict, actions: set[str], responses: dict[str, Any],
               triggers: list[str], after: list[tuple[str, int]], build: FlowBuild, report: Report) -> dict:
    required = spec.get("required_slots") if isinstance(spec, dict) else None
    if isinstance(required, dict):  # Rasa 2: {slot: [mappings]}
        required = list(required)
    required = [str(s) for s in required or ()]
    validator = f"validate_{form}" if f"validate_{form}" in actions else None
    states: dict[str, Any] = {}
    order = []
    for slot in required:
        prompt = next((r for r in (f"utter_ask_{form}_{slot}", f"utter_ask_{slot}") if r in responses), None)
        if prompt is None:
            prompt = f"utter_ask_{slot}"
            build.extra_responses[prompt] = [{"text": f"{slot.replace('_', ' ')}?"}]
            report.skip(domain.get("forms"), f"form '{form}': no utter_ask_{slot}",
                        f"a collect step needs a prompt; {prompt} was written as '{slot.replace('_', ' ')}?' "
                        f"(an action_ask_{slot} is not called)", line=domain["forms"].key_line(form))
        name = f"ask_{slot}"
        states[name] = {"collect": slot, "prompt": prompt}
        order.append(name)
        if validator:  # a value the validator unsets (rejects) is asked for again
            states[f"validate_{slot}"] = {"action": validator,
                                          "transitions": [{"if": f"slots.{slot} is not set", "to": name}]}
            order.append(f"validate_{slot}")
    for action, _ in after:
        name = _unique(action, states)
        states[name] = _action_state(action, responses)
        order.append(name)
    for current, following in zip(order + [None], order[1:] + ["END"]):
        if current is None or "end" in states[current]:
            continue
        if "transitions" in states[current]:
            states[current]["transitions"].append({"to": following})
        else:
            states[current]["next"] = following
    flow: dict[str, Any] = {"description": f"the form {form}"}
    if triggers:
        flow["trigger"] = sorted(set(triggers))
    flow["states"] = states
    if not triggers:
        report.skip(domain.get("forms"), f"form '{form}'", "no rule or story activates it: its flow has no "
                                                           "trigger", line=domain["forms"].key_line(form))
    return flow
