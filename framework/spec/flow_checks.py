"""Cross-checks of flows: references, steps, transitions, reachability, conditions."""
from __future__ import annotations

import re
from collections import deque
from typing import Any

from framework import conditions
from framework.compile.machine import ASK_WHAT_TO_CHANGE, END, RETRIED_4XX, refusal_status
from framework.spec.annotation import parse_example
from framework.spec.checks import (BEHAVIOURS, COMMON_SLOT_KEYS, Context, annotated_entities, check_regex, check_value_key,
                                   items, mapping, names_of)
from framework.spec.errors import SpecError, did_you_mean, one_of
from framework.spec.files import SpecTree
from framework.spec.url_checks import check_response_urls

STEP_KEYS = ("say", "collect", "confirm", "action", "handoff", "link", "end")
FINAL_STEPS = ("handoff", "link", "end")
# Options that only make sense with a step; on_failure belongs to collect, confirm and action.
STEP_OPTIONS = {
    "prompt": ("collect",), "reprompt": ("collect",), "max_attempts": ("collect", "confirm"),
    "skip_if_filled": ("collect",), "from_trigger": ("collect",), "default": ("collect",), "value_guard": ("collect",), "on_yes": ("confirm",), "on_no": ("confirm",), "on_change": ("collect", "confirm"),
    "on_success": ("action",), "on_failure": ("collect", "confirm", "action"), "on_unknown": ("collect",), "routes": ("action",),
    "on_timeout": ("action",), "on_error": ("action",), "on_status": ("action",),
}
BRANCHES = ("on_failure", "on_unknown", "on_yes", "on_no", "on_change", "on_success", "on_timeout", "on_error")


def step_of(state: dict) -> str | None:
    """The state's step key (the first, when the state wrongly has several)."""
    return next((k for k in STEP_KEYS if k in state), None)


def transitions_of(state: dict, path: tuple) -> list[tuple[dict, tuple]]:
    """Each transition with its YAML path; `next: X` is one unconditional transition."""
    if "next" in state:
        return [({"to": state["next"]}, path + ("next",))]
    return [(t, path + ("transitions", i)) for i, t in enumerate(items(state.get("transitions")))
            if isinstance(t, dict)]  # the schema reports any other entry


def check_flows(ctx: Context) -> None:
    fillable = fillable_slots(ctx)
    trigger_owner: dict[str, str] = {}
    behaviours = mapping(ctx.tree.domain.get("global"))
    global_intents = {i: b for b in BEHAVIOURS for i in names_of(mapping(behaviours.get(b)).get("intent"))}
    linked = {link for f in ctx.flows.values() for s in mapping(mapping(f).get("states")).values()
              if isinstance(link := mapping(s).get("link"), str)}
    for name, flow in ctx.flows.items():
        flow = mapping(flow)
        path = ("flows", name)
        for i, slot in enumerate(items(flow.get("keep"))):
            ctx.known("slot", slot, path + ("keep", i), ctx.slots)
        for key, what in (("not_for", "the requests not served"), ("answers", "the questions answered"),
                          ("notices", "what the flow does differently")):
            for i, entry in enumerate(items(flow.get(key))):
                entry = mapping(entry)
                ctx.known("response", entry.get("response"), path + (key, i, "response"), ctx.responses)
                if key == "not_for" and "then" in entry:
                    ctx.known("flow", entry.get("then"), path + (key, i, "then"), ctx.flows)
                for j, pattern in enumerate(items(entry.get("patterns"))):
                    if isinstance(pattern, str):
                        check_regex(ctx, pattern, path + (key, i, "patterns", j))
                if not items(entry.get("words")) and not items(entry.get("patterns")):
                    ctx.add("E011", path + (key, i), "missing key 'words' or 'patterns'", key=True,
                            expected=f"'words' or 'patterns' naming {what}")
        _check_repeats(ctx, mapping(flow.get("repeats")), path + ("repeats",))
        triggers = flow.get("trigger")
        for i, intent in enumerate(names_of(triggers)):
            where = path + (("trigger", i) if isinstance(triggers, list) else ("trigger",))
            if not ctx.known("intent", intent, where, ctx.intents):
                continue
            if intent in trigger_owner and trigger_owner[intent] != name:
                ctx.add("E039", where, f"intent '{intent}' also starts flow '{trigger_owner[intent]}'",
                        expected="each intent to start one flow", found=f"'{intent}' in two flows' triggers")
            elif intent in global_intents:
                ctx.add("E039", where, f"intent '{intent}' is also the global '{global_intents[intent]}' intent",
                        expected="a trigger that is not a global intent", found=f"'{intent}'")
            trigger_owner.setdefault(intent, name)
        if not names_of(triggers) and "trigger" not in flow and name not in linked:
            ctx.add("E040", path, f"flow '{name}' can never start", key=True,
                    expected="a 'trigger' intent, or a state elsewhere with 'link: " + name + "'",
                    found="neither")
        if flow.get("ends_conversation") is True and not names_of(triggers):
            ctx.add("E043", path + ("ends_conversation",), f"flow '{name}' has no trigger, so no message "
                    "ends the conversation through it", key=True,
                    expected="a flow with 'trigger: <intent>' (the goodbye intent)",
                    found="no trigger (only a link starts it)",
                    hint="Give the flow its goodbye intent as 'trigger', or remove 'ends_conversation'")
        states = mapping(flow.get("states"))
        if "start" in flow:
            ctx.known("state", flow["start"], path + ("start",), states)
        for state_name, state in states.items():
            if isinstance(state, dict):  # otherwise the schema said what is wrong with it
                check_state(ctx, name, state_name, state, states, fillable)
        if all(isinstance(state, dict) for state in states.values()):
            check_reachable(ctx, name, flow, states)  # a broken state hides where it leads


def fillable_slots(ctx: Context) -> set[str]:
    """Slots some step can fill: collected, set by an action, annotated in examples, or initial."""
    slots = {n for n, s in ctx.slots.items() if mapping(s).get("initial") is not None}
    for flow in ctx.flows.values():
        for state in mapping(mapping(flow).get("states")).values():
            if isinstance(mapping(state).get("collect"), str):
                slots.add(state["collect"])
    for action in ctx.actions.values():
        slots |= set(names_of(mapping(action).get("sets")))
    entities = annotated_entities(ctx.tree.domain)
    if "rasa_nlu" in ctx.tree.domain:  # the Rasa files' annotations, regexes and lookup tables too
        from framework.spec import rasa_nlu

        for _, _, data in rasa_nlu.read(ctx.tree)[0]:
            entities |= {e.entity for ex in data.examples for e in ex.entities} | set(data.regexes) | set(data.lookups)
    slots |= {slot for entity, names in ctx.slot_entities.items() if entity in entities for slot in names}
    return slots


def check_state(ctx: Context, flow: str, name: str, state: dict, states: dict, fillable: set[str]) -> None:
    path = ("flows", flow, "states", name)
    if name == END:
        ctx.add("E041", path, f"'{END}' is reserved: it means the flow ends", key=True,
                expected="another state name", found=f"'{END}'")
    steps = [k for k in STEP_KEYS if k in state]
    for extra in steps[1:]:
        ctx.add("E030", path + (extra,), f"a state has at most one step; this one also has '{steps[0]}'",
                key=True, expected="one of " + ", ".join(STEP_KEYS), found=" and ".join(f"'{s}'" for s in steps),
                hint="Split it into two states joined by 'next'")
    step = steps[0] if steps else None
    _check_step_references(ctx, path, state, step, states)
    if step == "collect" and state.get("from_trigger") not in (None, False):
        _check_from_trigger(ctx, flow, path, state)
    if step == "collect" and state.get("default") is not None:
        _check_default(ctx, path, state)
    for option, owners in STEP_OPTIONS.items():
        if option in state and step not in owners:
            ctx.add("E038", path + (option,), f"'{option}' belongs to {_a(' or '.join(owners))} step", key=True,
                    expected=f"{_a(repr(owners[0]))} step in this state",
                    found=f"{_a(repr(step))} step" if step else "no step")
    if "next" in state and "transitions" in state:
        ctx.add("E037", path + ("transitions",), "both 'next' and 'transitions'", key=True,
                expected="one of them ('next: X' is short for 'transitions: [{to: X}]')", found="both")
    transitions = transitions_of(state, path)
    if step in FINAL_STEPS and transitions:
        key = "next" if "next" in state else "transitions"
        ctx.add("E038", path + (key,), f"'{key}' has no effect after a '{step}' step", key=True,
                expected=f"no transitions: '{step}' leaves the flow", found=f"'{key}'")
    for t, t_path in transitions:
        _check_transition(ctx, t, t_path, states, fillable)
    _check_overlaps(ctx, transitions)
    way_out = bool(transitions) or step in FINAL_STEPS or (step == "action" and "on_success" in state) \
        or (step == "confirm")
    if not way_out:
        ctx.add("E032", path, f"state '{name}' has no way out", key=True,
                expected="'next', 'transitions', or a final step (end, handoff, link)",
                found=f"a '{step}' step and nothing after it" if step else "no step and no transitions",
                hint="Add 'next: END' to end the flow here")


def _a(word: str) -> str:
    """'a collect', 'an action', "an 'action'"."""
    return ("an " if word.strip("'")[:1] in "aeiou" else "a ") + word


def _check_step_references(ctx: Context, path: tuple, state: dict, step: str | None, states: dict) -> None:
    if step == "collect":
        slot = state.get("collect")
        # A list or mapping here is the schema's error (E012); it cannot be looked up.
        known = isinstance(slot, str) and ctx.known("slot", slot, path + ("collect",), ctx.slots)
        if known and mapping(ctx.slots.get(slot)).get("from_user") is False:
            ctx.add("E057", path + ("collect",), f"slot '{slot}' has 'from_user: false', so no answer can fill it",
                    expected="a slot the user may fill", found=f"'{slot}' (filled only by actions)",
                    hint="Remove 'from_user: false' from the slot, or set it with an action")
        if known and "prompt" not in state and isinstance(slot, str) and f"utter_ask_{slot}" not in ctx.responses:
            ctx.add("E011", path, "missing key 'prompt'", key=True,
                    expected=f"'prompt: <response>' (or a response named 'utter_ask_{slot}')",
                    found="no prompt")
    for key in ("say", "confirm", "prompt", "reprompt"):
        ctx.known("response", state.get(key), path + (key,), ctx.responses)
    for key in ("handoff", "end"):
        if isinstance(state.get(key), str):
            ctx.known("response", state[key], path + (key,), ctx.responses)
    ctx.known("action", state.get("action"), path + ("action",), ctx.actions)
    ctx.known("flow", state.get("link"), path + ("link",), ctx.flows)
    if step == "confirm":
        for key in ("on_yes", "on_no"):
            if key not in state:
                ctx.add("E011", path, f"missing key '{key}'", key=True,
                        expected=f"'{key}: <state>' for a confirm step", found=f"no '{key}'")
    for key in BRANCHES:  # on_no may also be the built-in ask_what_to_change
        ctx.known("state", state.get(key), path + (key,), states,
                  extra=(END, ASK_WHAT_TO_CHANGE) if key == "on_no" else (END,))
    for i, route in enumerate(items(state.get("routes"))):
        ctx.known("state", route, path + ("routes", i), states, extra=(END,))
    _check_on_status(ctx, path, state, states)


def _check_default(ctx: Context, path: tuple, state: dict) -> None:
    """E052: a collect step's `default` must be a value its slot accepts (read as an answer
    would be, today: `default: today` for a date slot bounded by `min: today`)."""
    import datetime as dt

    from framework.compile.machine import Slot, frozen_map
    from framework.slots import parse_value

    name = state.get("collect")
    spec = mapping(ctx.slots.get(name)) if isinstance(name, str) else {}
    if not isinstance(spec.get("type"), str) or isinstance(spec.get("choices"), (list, dict)):
        return  # an unknown slot is reported already; a categorical default is checked when used
    options = {k: v for k, v in spec.items() if k not in COMMON_SLOT_KEYS}
    parsed = parse_value(Slot(name=name, type=spec["type"], options=frozen_map(options)), str(state["default"]),
                         str(ctx.tree.domain.get("language") or "en"), today=dt.date.today())
    if not parsed.ok:
        ctx.add("E052", path + ("default",), f"default value does not fit slot '{name}'",
                expected=f"a value {_a(spec['type'])} slot accepts ({parsed.error})", found=repr(state["default"]))


def _check_from_trigger(ctx: Context, flow: str, path: tuple, state: dict) -> None:
    """E067: `from_trigger` takes the whole message that started the flow as a text slot's
    value; anywhere else it could never fill anything."""
    where = path + ("from_trigger",)
    slot_name = state.get("collect")
    slot = mapping(ctx.slots.get(slot_name)) if isinstance(slot_name, str) else {}
    if slot and slot.get("type") != "text":
        ctx.add("E067", where, f"'from_trigger' takes the whole message as the value of a text slot; "
                f"'{slot_name}' is {_a(repr(slot.get('type')))} slot", key=True,
                expected="a text slot (a free-text answer such as a complaint)",
                found=f"slot '{slot_name}' of type {slot.get('type')}",
                hint="Typed values in the triggering message fill their slots from entities already: "
                     "remove 'from_trigger'")
    if not names_of(mapping(ctx.flows.get(flow)).get("trigger")):
        ctx.add("E067", where, f"flow '{flow}' has no trigger, so no message starts it", key=True,
                expected="a flow with 'trigger: <intent>'", found="no trigger (only a link starts it)",
                hint="Remove 'from_trigger', or give the flow a trigger intent")
    minimum = mapping(state.get("from_trigger")).get("min_length")
    maximum = slot.get("max_length")
    if isinstance(minimum, int) and isinstance(maximum, int) and minimum > maximum:
        ctx.add("E067", where + ("min_length",), f"min_length {minimum} is above slot '{slot_name}''s "
                f"max_length {maximum}, so no message can fill it",
                expected=f"a min_length of at most {maximum}", found=str(minimum))


def _check_on_status(ctx: Context, path: tuple, state: dict, states: dict) -> None:
    """`on_status: {404: card_not_found}`: each key a status the backend refuses with (the
    loader keeps keys as written, so "404" is text here), each value a state."""
    action = mapping(ctx.actions.get(state.get("action"))) if isinstance(state.get("action"), str) else {}
    if state.get("on_status") and action.get("type") == "rasa_sdk":
        ctx.add("E038", path + ("on_status",), "'on_status' has no effect with a rasa_sdk action", key=True,
                expected="a webhook or python action (a Rasa action server answers events, not statuses)",
                found=f"action '{state['action']}' of type rasa_sdk", hint="Use on_error / on_failure")
    for key, target in mapping(state.get("on_status")).items():
        where = path + ("on_status", key)
        code = int(key) if isinstance(key, str) and key.isascii() and key.isdigit() else None
        if not refusal_status(code):
            failure = code is not None and (code in RETRIED_4XX or 500 <= code <= 599)
            ctx.add("E065", where, f"'{key}' is not a status 'on_status' can map", key=True,
                    expected="an HTTP status from 400 to 499 other than 408 and 429, such as 404 or 403",
                    found=_status_found(key, code),
                    hint="Failures take on_timeout, on_error or on_failure; on_status is for the backend's "
                         "refusals" if failure else "")
        ctx.known("state", target, where, states, extra=(END,))


def _status_found(key: str, code: int | None) -> str:
    if code is None:
        return f"'{key}'"
    if code in RETRIED_4XX:
        return f"{code} (retried, then a failure)"
    if 500 <= code <= 599:
        return f"{code} (a server error: retried, then a failure)"
    if 200 <= code <= 299:
        return f"{code} (a success: on_success)"
    return str(code)


def _check_transition(ctx: Context, t: dict, path: tuple, states: dict, fillable: set[str]) -> None:
    target_path = path if path[-1] == "next" else path + ("to",)
    ctx.known("state", t.get("to"), target_path, states, extra=(END,))
    ctx.known("intent", t.get("intent"), path + ("intent",), ctx.intents)
    text = t.get("if")
    if not isinstance(text, str):
        return
    try:
        cond = conditions.parse(text)
    except conditions.ConditionSyntaxError as exc:
        # The parser's message often just repeats expected/found, which the format adds.
        message = "invalid condition" if exc.message.startswith("Expected") else f"invalid condition: {exc.message}"
        ctx.add("E036", path + ("if",), message, offset=exc.offset,
                expected=exc.expected, found=exc.found)
        return
    for slot in sorted(conditions.referenced_slots(cond)):
        offset = max(text.find("slots." + slot), 0)
        if ctx.known("slot", slot, path + ("if",), ctx.slots, offset=offset) and slot not in fillable:
            ctx.add("E035", path + ("if",), f"the condition reads slot '{slot}', which nothing fills", offset=offset,
                    expected=f"a collect step, an action's 'sets', an annotated example or an 'initial' for '{slot}'",
                    found="none")
    for ref in sorted(_keyed_refs(cond), key=lambda r: (r.name, r.key)):
        offset = max(text.find(f"slots.{ref.name}.{ref.key}"), text.find("slots." + ref.name), 0)
        check_value_key(ctx, ref.name, ref.key, path + ("if",), offset, f"slots.{ref.name}.{ref.key}")
    _check_categorical_values(ctx, cond, text, path + ("if",))


def _atoms(cond: Any):
    """The comparisons, `is set`, `in` and bare-operand tests of a condition, through and/or/not."""
    if isinstance(cond, (conditions.And, conditions.Or)):
        yield from _atoms(cond.left)
        yield from _atoms(cond.right)
    elif isinstance(cond, conditions.Not):
        yield from _atoms(cond.operand)
    else:
        yield cond


def _compared_values(cond: Any):
    """(slot name, literal value) for each `slots.x == v`, `!=` and `in [...]` in a condition."""
    for atom in _atoms(cond):
        if isinstance(atom, conditions.Compare) and atom.op in ("==", "!="):
            for a, b in ((atom.left, atom.right), (atom.right, atom.left)):
                if isinstance(a, conditions.SlotRef) and a.key is None and isinstance(b, conditions.Literal):
                    yield a.name, b.value  # (slots.price.currency compares a part, not the value)
        elif isinstance(atom, conditions.In) and isinstance(atom.left, conditions.SlotRef) and atom.left.key is None:
            for value in atom.values:
                yield atom.left.name, value


def _keyed_refs(cond: Any):
    """Each `slots.x.key` of a condition (a SlotRef with a key)."""
    for atom in _atoms(cond):
        operands = (atom.slot,) if isinstance(atom, conditions.IsSet) else \
            (atom.left, atom.right) if isinstance(atom, conditions.Compare) else \
            (atom.left,) if isinstance(atom, conditions.In) else (atom.operand,)
        yield from (o for o in operands if isinstance(o, conditions.SlotRef) and o.key is not None)


def _check_categorical_values(ctx: Context, cond: Any, text: str, path: tuple) -> None:
    """A categorical slot holds its declared values, never a synonym: `slots.plan == "五十"`
    is never true when 五十 is a synonym of "50"."""
    for slot_name, value in _compared_values(cond):
        slot = mapping(ctx.slots.get(slot_name))
        if slot.get("type") != "categorical" or value is None or isinstance(value, bool):
            continue
        choices = slot.get("choices")
        values = {str(c): [str(x) for x in items(syn)] for c, syn in mapping(choices).items()} \
            if isinstance(choices, dict) else {str(c): [] for c in items(choices)}
        shown = str(value)
        if not values or shown in values:
            continue
        owner = next((v for v, synonyms in values.items() if shown in synonyms), None)
        hint = f"Did you mean '{owner}'? '{shown}' is one of its synonyms, and the slot stores '{owner}'" \
            if owner else did_you_mean(shown, values)
        offset = next((text.find(q) for q in (f'"{shown}"', f"'{shown}'", shown) if q in text), 0)
        ctx.add("E042", path, f"slot '{slot_name}' never holds '{shown}'", offset=offset,
                expected=f"a value of the categorical slot: {one_of(values)}", found=f"'{shown}'", hint=hint)


def _condition_key(t: dict) -> Any:
    """What decides whether a transition fires: the parsed condition (None: always)."""
    text = t.get("if")
    if not isinstance(text, str):
        return None
    try:
        return conditions.parse(text)
    except conditions.ConditionSyntaxError:
        return ("unparsable", text)


def _check_overlaps(ctx: Context, transitions: list[tuple[dict, tuple]]) -> None:
    last = len(transitions) - 1
    for i, (t, path) in enumerate(transitions):
        intent, cond = t.get("intent"), _condition_key(t)
        if intent is None and cond is None and i < last:
            ctx.add("E034", path, "an unconditional transition must be the last one",
                    expected="transitions with 'if' or 'intent' before it",
                    found=f"{last - i} transition(s) after it that can never fire")
            continue
        for u, u_path in transitions[i + 1:]:
            if u.get("intent") != intent or (intent is None and cond is None):
                continue
            u_cond = _condition_key(u)
            if cond is None or cond == u_cond:
                label = f"intent '{intent}'" if intent else "the same condition"
                why = f"with the same condition" if cond is not None else "and the first has no 'if'"
                ctx.add("E033", u_path, f"this transition can never fire: {_short(path)} fires first on {label}",
                        expected="a different intent or condition", found=f"two transitions on {label} {why}")


def _short(path: tuple) -> str:
    return f"transitions[{path[-1]}]" if isinstance(path[-1], int) else str(path[-1])


def check_reachable(ctx: Context, flow: str, spec: dict, states: dict) -> None:
    if not states or any(e.code == "E024" and e.path.startswith(f"flows.{flow}.") for e in ctx.errors):
        return  # a misspelt target strands the states after it; that error says enough
    # A state with no way out (E032) most likely lost its 'next' to the state written after
    # it: assume that edge, so one missing 'next' is one error, not one E031 per later state.
    order = list(states)
    stuck = {e.path.rsplit(".", 1)[-1] for e in ctx.errors
             if e.code == "E032" and e.path.startswith(f"flows.{flow}.states.")}
    assumed = {name: order[i + 1] for i, name in enumerate(order[:-1]) if name in stuck}
    start = spec.get("start", next(iter(states)))
    if not isinstance(start, str) or start not in states:
        return  # reported as an unknown state
    seen, queue = {start}, deque([start])
    while queue:
        current = queue.popleft()
        state = mapping(states[current])
        targets = [t.get("to") for t, _ in transitions_of(state, ())] + [state.get(k) for k in BRANCHES]
        targets += items(state.get("routes"))  # a webhook's "next" may go there
        targets += list(mapping(state.get("on_status")).values())
        targets.append(assumed.get(current))
        for target in targets:
            if isinstance(target, str) and target in states and target not in seen:
                seen.add(target)
                queue.append(target)
    for name in states:
        if name not in seen and name != END:
            ctx.add("E031", ("flows", flow, "states", name), f"state '{name}' cannot be reached", key=True,
                    expected=f"a transition or branch to it from '{start}' (the start) onwards",
                    found="none", hint="Remove it, or add a 'next' / 'transitions' entry that leads to it")


# --------------------------------------------------------------------------- warnings

def check_warnings(tree: SpecTree) -> list[SpecError]:
    """Problems that do not stop the domain from loading (codes W0xx, errors.WARNINGS)."""
    ctx = Context(tree)
    for flow_name, flow in ctx.flows.items():
        for state_name, state in mapping(mapping(flow).get("states")).items():
            state = mapping(state)
            slot = state.get("collect")
            if isinstance(slot, str) and "on_failure" not in state and _can_be_invalid(mapping(ctx.slots.get(slot))):
                attempts = state.get("max_attempts", mapping(tree.domain.get("settings")).get("max_attempts", 3))
                ctx.add("W001", ("flows", flow_name, "states", state_name, "collect"),
                        f"after {attempts} invalid answers for '{slot}' the flow gives up with only a generic reply",
                        expected="'on_failure: <state>' (a handoff, or a state that says what to do next)",
                        found="none")
    if "rasa_nlu" in tree.domain:
        from framework.spec import rasa_nlu

        ctx.errors += rasa_nlu.warnings(tree)
    _check_role_mappings(ctx)
    check_response_urls(ctx)
    return ctx.errors


def _check_role_mappings(ctx: Context) -> None:
    """W003: a mapping with a role or group that no example annotates: the model cannot
    learn it and no context template reads it, so only the slot's own question fills it."""
    annotated = set()
    for spec in mapping(ctx.tree.domain.get("intents")).values():
        for raw in items(mapping(spec).get("examples")):
            if isinstance(raw, str):
                annotated |= {(s.entity, s.role, s.group) for s in parse_example(raw)[0].entities}
    if "rasa_nlu" in ctx.tree.domain:
        from framework.spec import rasa_nlu

        for _, _, data in rasa_nlu.read(ctx.tree)[0]:
            annotated |= {(e.entity, e.role, e.group) for ex in data.examples for e in ex.entities}
    for name, slot in ctx.slots.items():
        for i, m in enumerate(items(mapping(slot).get("mappings"))):
            m = mapping(m)
            role, group = (None if m.get(k) is None else str(m[k]) for k in ("role", "group"))
            if (role or group) and isinstance(m.get("entity"), str) and (m["entity"], role, group) not in annotated:
                what = " and ".join(f"{k} '{v}'" for k, v in (("role", role), ("group", group)) if v)
                ctx.add("W003", ("slots", name, "mappings", i),
                        f"no example annotates entity '{m['entity']}' with {what}: only the answer to the slot's "
                        "own question can fill it",
                        expected=f"an example such as '[value]{{\"entity\": \"{m['entity']}\"" +
                                 "".join(f', \"{k}\": \"{v}\"' for k, v in (("role", role), ("group", group)) if v)
                                 + "}'", found="none")


def _can_be_invalid(slot: dict) -> bool:
    """Every answer fills a text slot without length limits; any other slot can refuse one."""
    return not (slot.get("type") == "text" and "min_length" not in slot and "max_length" not in slot)


def _check_repeats(ctx: Context, repeats: dict, path: tuple) -> None:
    """A flow's `repeats`: its response exists, each pattern compiles and has the group `count` (E068)."""
    if not repeats:
        return
    ctx.known("response", repeats.get("response"), path + ("response",), ctx.responses)
    for j, pattern in enumerate(items(repeats.get("patterns"))):
        if not isinstance(pattern, str):
            continue
        try:
            compiled = re.compile(pattern)
        except re.error:
            check_regex(ctx, pattern, path + ("patterns", j))
            continue
        if "count" not in compiled.groupindex:
            ctx.add("E068", path + ("patterns", j), "a 'repeats' pattern does not say how many times",
                    expected="a group (?P<count>...) around the number, such as '(?P<count>[两三四五\\d])张卡'",
                    found=repr(pattern))
