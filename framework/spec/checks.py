"""Cross-checks of the domain file(s): references between sections, slot options, response
placeholders, actions, training examples. Flow checks are in `framework.spec.flow_checks`.

The checks run even when the schema found problems, so they never assume a shape: every
access goes through `mapping()` / `items()`, which treat a wrongly-typed value as empty
(the schema has already reported it).
"""
from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from framework.actions import functions, placeholders
from framework.compile.machine import SLOT_TYPES
from framework.spec.annotation import parse_example
from framework.spec.environment import expand
from framework.spec.errors import SpecError, did_you_mean, one_of
from framework.spec.files import SpecTree

# Options each slot type accepts, besides the common keys.
COMMON_SLOT_KEYS = ("type", "error", "entity", "initial", "pii", "from_user", "persist", "label", "mappings",
                    "implies")
TYPE_OPTIONS: dict[str, tuple[str, ...]] = {
    "text": ("min_length", "max_length", "own", "other", "refuse"), "integer": ("min", "max", "zero_words"),
    "number": ("min", "max", "zero_words"), "categorical": ("choices", "unavailable", "months"), "regex": ("pattern",),
    "date": ("min", "max"), "money": ("min", "max", "currency", "zero_words"),
}
# Slot types with bounds may name a response for a value out of them (framework.slots.values).
BOUNDED_TYPES = ("integer", "number", "date", "money")
# Keys of a slot's value that a condition (`slots.price.currency`) or a response
# (`{price.currency}`) may read. Only a money value is a mapping (framework.slots.money); any
# other key reads as unset at run time, so a condition on it is silently never true.
VALUE_KEYS: dict[str, tuple[str, ...]] = {"money": ("amount", "currency")}
REQUIRED_OPTIONS = {"categorical": "choices", "regex": "pattern"}
WEBHOOK_KEYS = ("url", "method", "timeout", "retries", "headers", "query")
PYTHON_KEYS = ("function",)
RASA_SDK_KEYS = ("url", "timeout", "retries", "headers")  # Rasa's action request: always POST, no query
BEHAVIOURS = ("cancel", "help", "handoff", "out_of_scope", "fallback", "affirm", "deny", "greet", "busy")

# For "unknown X" messages: (code, word, the section it is defined in).
KINDS = {
    "intent": ("E020", "intents"), "slot": ("E021", "slots"), "response": ("E022", "responses"),
    "action": ("E023", "actions"), "state": ("E024", "states"), "flow": ("E025", "flows"),
}


def mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list:
    return value if isinstance(value, list) else []


def names_of(value: Any) -> list[str]:
    """A name-or-list-of-names field as a list of its string entries."""
    if isinstance(value, str):
        return [value]
    return [v for v in items(value) if isinstance(v, str)]


@dataclass
class Context:
    """The tree plus the name sets every check needs."""
    tree: SpecTree
    errors: list[SpecError] = field(default_factory=list)

    def __post_init__(self) -> None:
        d = self.tree.domain
        self.intents = set(mapping(d.get("intents")))
        self.slots = mapping(d.get("slots"))
        self.responses = set(mapping(d.get("responses")))
        self.actions = mapping(d.get("actions"))
        self.flows = self.tree.flows
        self.slot_entities: dict[str, set[str]] = {}  # entity name -> the slots it fills
        for name, slot in self.slots.items():
            for entity in slot_entity_names(name, mapping(slot)):
                self.slot_entities.setdefault(entity, set()).add(name)

    def add(self, code: str, path: tuple, message: str, **kw: Any) -> None:
        self.errors.append(self.tree.error(code, path, message, **kw))

    def known(self, kind: str, name: Any, path: tuple, defined: Iterable[str], *, key: bool = False,
              offset: int | None = None, extra: Iterable[str] = ()) -> bool:
        """Reports an undefined name of `kind`; True when `name` is defined (or not a string)."""
        defined = set(defined)
        if not isinstance(name, str) or name in defined or name in extra:
            return True
        code, section = KINDS[kind]
        candidates = defined | set(extra)
        if not candidates:
            article = "an" if kind[0] in "aeiou" else "a"
            expected = f"{article} {kind} defined under '{section}:' (there is none yet)"
        elif len(candidates) <= 8:
            expected = one_of(candidates)
        else:
            expected = f"one of the {len(candidates)} {section} defined"
        self.add(code, path, f"unknown {kind} '{name}'", key=key, offset=offset, expected=expected,
                 found=f"'{name}'", hint=did_you_mean(name, candidates))
        return False


def slot_entity_names(name: str, slot: dict) -> list[str]:
    """The entities that fill a slot: its mappings' entities, else its `entity`, else its name."""
    mapped = [m["entity"] for m in items(slot.get("mappings")) if isinstance(mapping(m).get("entity"), str)]
    if mapped:
        return mapped
    return [slot["entity"] if isinstance(slot.get("entity"), str) else name]


def check_domain(ctx: Context, environ: Mapping[str, str]) -> None:
    check_slots(ctx)
    check_mappings(ctx)
    check_responses(ctx)
    check_actions(ctx, environ)
    check_examples(ctx)
    check_behaviours(ctx)
    if "rasa_nlu" in ctx.tree.domain:
        from framework.spec import rasa_nlu

        ctx.errors += rasa_nlu.check(ctx.tree, ctx.intents, ctx.slot_entities)


# --------------------------------------------------------------------------- slots

def check_slots(ctx: Context) -> None:
    for name, slot in ctx.slots.items():
        slot = mapping(slot)
        path = ("slots", name)
        kind = slot.get("type")
        ctx.known("response", slot.get("error"), path + ("error",), ctx.responses)
        if kind not in SLOT_TYPES:
            continue  # the schema reported it
        allowed = TYPE_OPTIONS.get(kind, ())
        for key in slot:
            if key == "range_error" and kind in BOUNDED_TYPES:
                continue
            if key not in COMMON_SLOT_KEYS and key not in allowed:
                ctx.add("E050", path + (key,), f"'{key}' is not an option of {kind} slots", key=True,
                        expected=one_of(allowed) if allowed else f"no type option for a {kind} slot",
                        found=f"'{key}'", hint=_owner_hint(key))
        required = REQUIRED_OPTIONS.get(kind)
        if required and required not in slot:
            ctx.add("E011", path, f"missing key '{required}'", key=True,
                    expected=f"'{required}' for a {kind} slot")
        if isinstance(slot.get("pattern"), str):
            check_regex(ctx, slot["pattern"], path + ("pattern",))
        for i, pattern in enumerate(slot.get("refuse") if isinstance(slot.get("refuse"), list) else ()):
            if isinstance(pattern, str):
                check_regex(ctx, pattern, path + ("refuse", i))
        if kind == "categorical" and isinstance(slot.get("unavailable"), dict):
            ctx.known("response", slot["unavailable"].get("response"), path + ("unavailable", "response"),
                      ctx.responses)
            patterns = slot["unavailable"].get("patterns")
            for i, pattern in enumerate(patterns if isinstance(patterns, list) else ()):
                if isinstance(pattern, str):
                    check_regex(ctx, pattern, path + ("unavailable", "patterns", i))
        if kind in BOUNDED_TYPES:
            ctx.known("response", slot.get("range_error"), path + ("range_error",), ctx.responses)
            _check_bounds(ctx, kind, slot, path)
        for low, high in (("min", "max"), ("min_length", "max_length")):
            lo, hi = slot.get(low), slot.get(high)
            if _number(lo) and _number(hi) and lo > hi:
                ctx.add("E052", path + (high,), f"'{high}' is less than '{low}'",
                        expected=f"at least {lo}", found=f"{hi}")
        if slot.get("zero_words") and _number(slot.get("min")) and slot["min"] > 0:
            ctx.add("E052", path + ("zero_words",), f"'zero_words' mean 0, which 'min: {slot['min']}' refuses",
                    key=True, expected="'min: 0' or lower with 'zero_words'", found=f"min: {slot['min']}")
        _check_implies(ctx, name, slot, path)
        _check_months(ctx, slot, path)
        if "initial" in slot and slot["initial"] is not None:
            problem = _initial_problem(kind, slot, slot["initial"])
            if problem:
                ctx.add("E052", path + ("initial",), "initial value does not fit the slot",
                        expected=problem, found=repr(slot["initial"]))


def _choice_names(slot: dict) -> list[str]:
    """A categorical slot's values as written in the spec, a list or a mapping of value -> synonyms."""
    choices = slot.get("choices")
    return [str(c) for c in (choices if isinstance(choices, list) else mapping(choices))]


def _check_months(ctx: Context, slot: dict, path: tuple) -> None:
    """`months: {choice: offset}`: each key one of the slot's choices, no two choices for one month."""
    months = mapping(slot.get("months"))
    names = _choice_names(slot)
    seen: dict = {}
    for choice, offset in months.items():
        where = path + ("months", choice)
        if str(choice) not in names:
            ctx.add("E052", where, f"'{choice}' is no choice of this slot", key=True,
                    expected=one_of(names), found=f"'{choice}'")
        elif offset in seen:
            ctx.add("E052", where, f"choices '{seen[offset]}' and '{choice}' stand for the same month", key=True,
                    expected="one choice per month", found=f"{offset}")
        seen.setdefault(offset, choice)


def _check_implies(ctx: Context, name: str, slot: dict, path: tuple) -> None:
    """`implies: {slot: value}`: each slot defined, not this one, each value one that slot takes."""
    for target, value in mapping(slot.get("implies")).items():
        where = path + ("implies", target)
        if not ctx.known("slot", target, where, ctx.slots, key=True):
            continue
        if target == name:
            ctx.add("E052", where, f"slot '{name}' implies a value of itself", key=True,
                    expected="another slot's name", found=f"'{target}'")
            continue
        other = mapping(ctx.slots.get(target))
        problem = _initial_problem(other.get("type"), other, value)
        if problem:
            ctx.add("E052", where, f"'{value}' is no value of slot '{target}'",
                    expected=problem, found=repr(value))


def check_value_key(ctx: Context, slot_name: str, key: str, path: tuple, offset: int, written: str) -> None:
    """E066 for `written` (`slots.x.currency` or `{x.currency}`) when slot x's value has no
    `key`. An unknown slot, or a slot of an unknown type, is reported elsewhere."""
    kind = mapping(ctx.slots.get(slot_name)).get("type")
    if kind not in SLOT_TYPES:
        return
    keys = VALUE_KEYS.get(kind, ())
    if key in keys:
        return
    if keys:
        expected, hint = f"a key of a {kind} value: {one_of(keys)}", did_you_mean(key, keys)
    else:
        bare = written.rsplit(".", 1)[0] + ("}" if written.startswith("{") else "")
        expected = f"'{bare}' itself ({_a(kind)} slot's value has no keys)"
        owners = [t for t, k in VALUE_KEYS.items() if key in k]
        hint = f"'{key}' is a key of {_a(owners[0])} slot's value: declare '{slot_name}' with 'type: {owners[0]}'" \
            if owners else ""
    ctx.add("E066", path, f"'{written}' reads key '{key}' of slot '{slot_name}', {_a(kind)} slot", offset=offset,
            expected=expected, found=f"'{key}'", hint=hint)


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


# Rasa's other mapping types, and what to write here instead.
_OTHER_MAPPINGS = {
    "from_text": "A slot being collected takes the whole answer already: leave the mapping out",
    "from_intent": "Set the value with a flow transition on the intent, or a categorical slot's choices",
    "from_trigger_intent": "Set the value with a flow transition on the intent",
    "custom": "Fill the slot from an action ('sets:')",
}


def check_mappings(ctx: Context) -> None:
    """`mappings:` are Rasa's `from_entity` mappings; `entity:` beside them is ambiguous."""
    for name, slot in ctx.slots.items():
        slot = mapping(slot)
        path = ("slots", name)
        mappings = items(slot.get("mappings"))
        if mappings and "entity" in slot:
            ctx.add("E063", path + ("entity",), "a slot with 'mappings' takes its entities from them", key=True,
                    expected="either 'entity' or 'mappings'", found="both",
                    hint=f"Move the entity into the mappings: '- entity: {slot.get('entity')}'")
        for i, m in enumerate(mappings):
            kind = mapping(m).get("type", "from_entity")
            if isinstance(kind, str) and kind != "from_entity":
                ctx.add("E063", path + ("mappings", i, "type"), f"mapping type '{kind}' is not supported",
                        expected="'from_entity' (or no 'type')", found=f"'{kind}'",
                        hint=_OTHER_MAPPINGS.get(kind, ""))
            elif isinstance(m, dict) and "entity" not in m:
                ctx.add("E011", path + ("mappings", i), "missing key 'entity'", key=True,
                        expected="the entity that fills the slot: '- entity: city' (with role: / group:)")
        seen: dict[tuple, int] = {}
        for i, m in enumerate(mappings):
            m = mapping(m)
            key = (m.get("entity"), _opt_text(m.get("role")), _opt_text(m.get("group")))
            if key in seen:
                ctx.add("E063", path + ("mappings", i), "the same mapping twice",
                        expected="each entity, role and group once", found=f"a repeat of mapping {seen[key] + 1}")
            seen.setdefault(key, i)


def _opt_text(value: Any) -> str | None:
    return None if value is None else str(value)


def _check_bounds(ctx: Context, kind: str, slot: dict, path: tuple) -> None:
    """Date bounds are 'today', an offset or a date; other bounds are numbers."""
    from framework.slots import bounds  # pure and light: no model, no engine

    for key in ("min", "max"):
        value = slot.get(key)
        if value is None:
            continue
        if kind == "date":
            problem = bounds.problem(value)
        else:
            problem = "" if _number(value) else "a number"
        if problem:
            ctx.add("E052", path + (key,), f"'{key}' is not a bound of a {kind} slot", expected=problem,
                    found=repr(value))
    if kind == "date":
        lo, hi = (bounds.resolve(slot.get(k), dt.date(2000, 1, 31)) for k in ("min", "max"))
        if lo and hi and lo > hi:
            ctx.add("E052", path + ("max",), "'max' is before 'min'", expected=f"a date on or after {slot['min']}",
                    found=str(slot["max"]))


def _owner_hint(key: str) -> str:
    owners = [t for t, opts in TYPE_OPTIONS.items() if key in opts]
    return f"'{key}' is for {' and '.join(owners)} slots" if owners else ""


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_regex(ctx: Context, pattern: str, path: tuple) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        offset = exc.pos if exc.pos is not None else 0
        ctx.add("E051", path, f"invalid regular expression: {exc.msg}", offset=offset,
                expected="a Python regular expression", found=repr(pattern))


def _initial_problem(kind: str, slot: dict, value: Any) -> str:
    """What `initial` should be, or '' when it fits."""
    if kind == "integer":
        return "" if isinstance(value, int) and not isinstance(value, bool) else "a whole number"
    if kind == "number":
        return "" if _number(value) else "a number"
    if kind == "boolean":
        return "" if isinstance(value, bool) else "true or false"
    if kind == "money":
        amount = value.get("amount") if isinstance(value, dict) else None
        return "" if _number(amount) else "{amount: <number>, currency: <code>}"
    if not isinstance(value, str):
        return "text"
    if kind == "categorical":
        values = _choice_names(slot)
        return "" if not values or value in values else one_of(values)
    if kind == "regex" and isinstance(slot.get("pattern"), str):
        try:
            return "" if re.fullmatch(slot["pattern"], value) else f"text matching {slot['pattern']}"
        except re.error:
            return ""
    return ""


# --------------------------------------------------------------------------- responses

# Placeholders the engine fills besides the slots, in the responses it says itself
# (framework.engine.builtin_responses), which a domain may define: name prefix -> names.
ENGINE_PLACEHOLDERS = {
    "utter_corrected": ("changed_slot", "changed_value"),
    "utter_ask_what_to_change": ("changeable",),
    "utter_confirm_value": ("checked_slot", "checked_value"),
    "utter_why": ("why_slot",),
    "utter_take_your_time": ("wait_slot",),
}


def _engine_placeholders(response: str) -> tuple[str, ...]:
    return tuple(p for prefix, names in ENGINE_PLACEHOLDERS.items()
                 if response == prefix or response.startswith(prefix + "_") for p in names)


def check_responses(ctx: Context) -> None:
    # a flow's `repeats` response says which run of how many (framework.engine.repeats)
    runs = {mapping(mapping(f).get("repeats")).get("response") for f in ctx.flows.values()}
    for name, variants in mapping(ctx.tree.domain.get("responses")).items():
        for i, variant in enumerate(items(variants)):
            variant = mapping(variant)
            path = ("responses", name, i)
            if isinstance(variant.get("text"), str):
                extra = _engine_placeholders(name) + (("run", "count") if name in runs else ())
                _check_placeholders(ctx, variant["text"], path + ("text",), extra)
            for j, button in enumerate(items(variant.get("buttons"))):
                payload = mapping(button).get("payload")
                if isinstance(payload, str) and payload.startswith("/"):
                    intent = re.split(r"[{\s]", payload[1:], maxsplit=1)[0]
                    ctx.known("intent", intent, path + ("buttons", j, "payload"), ctx.intents)


def _date_bound(ctx: Context, name: str) -> bool:
    """`{<slot>_latest}` / `{<slot>_earliest}`: the bound of a date slot with `max` / `min`, as replies show a date
    (framework.engine.context.TurnContext.date_bounds)."""
    for suffix, key in (("_latest", "max"), ("_earliest", "min")):
        if name.endswith(suffix):
            slot = mapping(ctx.slots.get(name[:-len(suffix)]))
            return slot.get("type") == "date" and slot.get(key) is not None
    return False


def _check_placeholders(ctx: Context, text: str, path: tuple, extra: tuple[str, ...] = ()) -> None:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as exc:
        brace = min((i for i in (text.find("{"), text.find("}")) if i >= 0), default=0)
        ctx.add("E056", path, f"invalid placeholder: {exc}", offset=brace,
                expected="{slot_name}, and {{ or }} for a literal brace", found=repr(text))
        return
    for name in fields:
        slot = re.split(r"[.\[]", name, maxsplit=1)[0]
        offset = text.find("{" + name)
        if not slot:
            ctx.add("E056", path, "empty placeholder '{}'", offset=max(offset, 0),
                    expected="{slot_name}", found="'{}'")
        elif slot not in ctx.slots and slot not in extra and not _date_bound(ctx, slot):
            ctx.add("E053", path, f"the text uses '{{{slot}}}', which is not a slot", offset=max(offset, 0),
                    expected=one_of(ctx.slots) if len(ctx.slots) <= 8 else "a slot name",
                    found=f"'{slot}'", hint=did_you_mean(slot, ctx.slots))
        elif slot in ctx.slots and name.startswith(slot + "."):
            key = name[len(slot) + 1:].split(".", 1)[0].strip()
            check_value_key(ctx, slot, key, path, max(offset, 0), f"{{{slot}.{key}}}")


# --------------------------------------------------------------------------- actions

def check_actions(ctx: Context, environ: Mapping[str, str]) -> None:
    for name, action in ctx.actions.items():
        action = mapping(action)
        path = ("actions", name)
        kind = action.get("type") if isinstance(action.get("type"), str) else None
        own, other = {"webhook": (WEBHOOK_KEYS, PYTHON_KEYS), "python": (PYTHON_KEYS, WEBHOOK_KEYS),
                      "rasa_sdk": (RASA_SDK_KEYS, ("method", "query") + PYTHON_KEYS)}.get(kind, ((), ()))
        required = {"webhook": "url", "python": "function", "rasa_sdk": "url"}.get(kind)
        if required and required not in action:
            ctx.add("E054", path, f"a {kind} action needs '{required}'", key=True,
                    expected=f"a key '{required}'", found="no such key")
        for key in other:
            if key in action:
                ctx.add("E055", path + (key,), f"'{key}' is not an option of {kind} actions", key=True,
                        expected=one_of(own), found=f"'{key}'")
        for key in ("sets", "sends"):
            for i, slot in enumerate(items(action.get(key))):
                ctx.known("slot", slot, path + (key, i), ctx.slots)
        texts = [(path + ("url",), action.get("url"))]
        texts += [(path + ("headers", k), v) for k, v in mapping(action.get("headers")).items()]
        texts += [(path + ("query", k), v) for k, v in mapping(action.get("query")).items()]
        for where, text in texts:
            if isinstance(text, str):
                for var, offset in expand(text, environ)[1]:
                    ctx.add("E026", where, f"environment variable '{var}' is not set", offset=offset,
                            expected=f"'{var}' in the environment, or a default: ${{{var}:-value}}",
                            found="it unset")
                if kind == "webhook":
                    _check_url_placeholders(ctx, text, where)
        if kind == "python" and isinstance(action.get("function"), str):
            _check_function(ctx, action["function"], path + ("function",))


def _check_url_placeholders(ctx: Context, text: str, path: tuple) -> None:
    """`{slot}` in a webhook's url, header values and query parameters name declared slots."""
    found, problems = placeholders.parse(text)
    for p in problems:
        ctx.add("E058", path, f"invalid placeholder: {p.message}", offset=p.offset,
                expected="{slot_name}, and {{ or }} for a literal brace", found=p.found)
    for placeholder in found:
        ctx.known("slot", placeholder.name, path, ctx.slots, offset=placeholder.offset)


def _check_function(ctx: Context, reference: str, path: tuple) -> None:
    """Import a python action's module and check the function (the domain's own code runs:
    a module that imports torch at its top makes validating slow, its author's choice)."""
    if ":" not in reference:
        return  # a name registered with @register at run time: nothing to import now
    module = reference.partition(":")[0]
    try:
        func = functions.resolve_function(reference, ctx.tree.domain_dir)
    except LookupError as err:
        ctx.add("E059", path, f"cannot use python function '{reference}': {err}",
                expected=f"a function in {module.replace('.', '/')}.py of the domain directory, "
                         "or in an importable module", found=f"'{reference}'")
        return
    except Exception as err:  # noqa: BLE001 - the domain's own module failed while importing
        ctx.add("E059", path, f"importing module '{module}' failed: {type(err).__name__}: {err}",
                expected="a module that imports without errors", found=f"'{reference}'")
        return
    problem = functions.signature_problem(func)
    if problem:
        ctx.add("E059", path, f"python function '{reference}' cannot be called as f(slots, context) or f(request)",
                expected="a function of one or two positional parameters", found=problem)


# --------------------------------------------------------------------------- examples

def check_examples(ctx: Context) -> None:
    first_intent: dict[str, str] = {}  # normalized example text -> intent
    for intent, spec in mapping(ctx.tree.domain.get("intents")).items():
        for i, raw in enumerate(items(mapping(spec).get("examples"))):
            if not isinstance(raw, str):
                continue
            path = ("intents", intent, "examples", i)
            example, problems = parse_example(raw)
            for p in problems:
                ctx.add("E060", path, p.message, offset=p.offset, expected=p.expected, found=p.found)
            for span in example.entities:
                if span.entity not in ctx.slot_entities:
                    ctx.add("E061", path, f"entity '{span.entity}' fills no slot",
                            offset=_entity_offset(raw, span.entity),
                            expected="the entity of a slot (a slot's name, its 'entity' or its 'mappings')",
                            found=f"'{span.entity}'", hint=did_you_mean(span.entity, ctx.slot_entities))
            key = " ".join(example.text.casefold().split())
            if key in first_intent and first_intent[key] != intent:
                ctx.add("E062", path, f"this example is also in intent '{first_intent[key]}'",
                        expected="each example in one intent", found=repr(example.text))
            first_intent.setdefault(key, intent)


def _entity_offset(raw: str, entity: str) -> int:
    at = raw.find("(" + entity)
    if at < 0:
        at = raw.find('"' + entity)
    return at + 1 if at >= 0 else 0


def annotated_entities(domain: dict) -> set[str]:
    found: set[str] = set()
    for spec in mapping(domain.get("intents")).values():
        for raw in items(mapping(spec).get("examples")):
            if isinstance(raw, str):
                found |= {span.entity for span in parse_example(raw)[0].entities}
    return found


# --------------------------------------------------------------------------- global

def check_behaviours(ctx: Context) -> None:
    for name, spec in mapping(ctx.tree.domain.get("global")).items():
        spec = mapping(spec)
        path = ("global", name)
        intents = spec.get("intent")
        for i, intent in enumerate(names_of(intents)):
            ctx.known("intent", intent, path + (("intent", i) if isinstance(intents, list) else ("intent",)),
                      ctx.intents)
        ctx.known("response", spec.get("response"), path + ("response",), ctx.responses)
