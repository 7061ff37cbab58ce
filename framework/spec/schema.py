"""JSON Schema (Draft 2020-12) for the structure of domain and flow files.

The schema checks shapes only: keys, types, ranges. Whether names refer to something
defined is for `framework.spec.checks`. Each jsonschema error becomes a `SpecError` with the
node's position; `x-expected` in a schema node overrides the generated "expected" text
where the generated one would be unclear (a `oneOf` of a string and a list, say).
"""
from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from framework.compile.machine import SLOT_TYPES
from framework.spec.errors import SpecError, describe, did_you_mean, one_of
from framework.spec.files import SpecTree
from framework.spec.loader import Document, format_path

NAME = {"type": "string", "minLength": 1, "x-expected": "a name"}
NAMES = {"oneOf": [NAME, {"type": "array", "items": NAME, "minItems": 1}],
         "x-expected": "a name or a list of names"}
TARGET = {"type": "string", "minLength": 1, "x-expected": "a state name or END"}
COUNT = {"type": "integer", "minimum": 1}


def _object(properties: dict, required: tuple[str, ...] = (), **extra: Any) -> dict:
    return {"type": "object", "properties": properties, "required": list(required),
            "additionalProperties": False, **extra}


def _map_of(value: dict, **extra: Any) -> dict:
    return {"type": "object", "additionalProperties": value, **extra}


SLOT = _object({
    "type": {"enum": list(SLOT_TYPES)},
    "error": NAME, "entity": NAME, "initial": {}, "pii": {"type": "boolean"}, "from_user": {"type": "boolean"},
    "persist": {"type": "boolean"}, "label": {"type": "string", "minLength": 1, "x-expected": "a name for replies"},
    "min_length": {"type": "integer", "minimum": 0}, "max_length": {"type": "integer", "minimum": 0},
    # text: the customer's own value (their name): a name said of another person ("我朋友李娜推荐我来的",
    # "营业厅有个叫孙丽的") is none of it (framework.slots.person_names.another_persons_name)
    "own": {"type": "boolean"},
    # text: another person's value (a payee): the speaker's own name ("My name is Edna, … send him 300 dollars") is
    # none of it (framework.engine.slot_filling)
    "other": {"type": "boolean"},
    # text: values that name nobody in particular ("my friend", "someone" as a payee: a transfer was sent "to my
    # friend", customer trial of session 39): regular expressions a whole value must not match; the slot's `error`
    "refuse": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
               "x-expected": "a list of regular expressions, such as ['(?:my )?friend']"},
    # A number; for date slots 'today', an offset ('-30d') or a date (checked in checks.py).
    "min": {"type": ["number", "string"], "x-expected": "a number, or for a date slot 'today', -30d or a date"},
    "max": {"type": ["number", "string"], "x-expected": "a number, or for a date slot 'today', -30d or a date"},
    "range_error": NAME,
    # Values this slot's value brings with it when the message names no value of those slots:
    # a bill's month means the query is a bill ({query_type: 账单}; framework.engine.slot_filling)
    "implies": _map_of({"type": ["string", "number", "boolean"]}, minProperties=1,
                       **{"x-expected": "a mapping of slot -> value, such as {query_type: 账单}"}),
    # integer / number / money: whole answers that mean 0 ("没有", "none"; framework.slots.values)
    "zero_words": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
                   "x-expected": "a list of answers that mean 0, such as [没有, none]"},
    "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "x-expected": "a currency code such as CNY or USD"},
    "choices": {"oneOf": [
        {"type": "array", "items": {"type": ["string", "number"]}, "minItems": 1},
        _map_of({"type": "array", "items": {"type": ["string", "number"]}}, minProperties=1),
    ], "x-expected": "a list of values, or a mapping of value -> list of synonyms"},
    "pattern": {"type": "string", "minLength": 1},
    # categorical: choices that stand for a month counted from today ({本月: 0, 上月: -1}): "12月的账单" on 6 December is
    # 本月, "11月份的" 上月 (customer trial, session 34: both refused as months not served; framework.slots.entities)
    "months": _map_of({"type": "integer", "minimum": -11, "maximum": 0}, minProperties=1,
                      **{"x-expected": "a mapping of choice -> months from today (0, -1, … -11), such as {本月: 0, 上月: -1}"}),
    # categorical: choices the assistant cannot serve here ("宽带" when only 开户 and 换套餐 are
    # online), said so with `response` where a message names one (framework.engine.unavailable)
    "unavailable": _object({
        "response": NAME,
        "words": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
                  "x-expected": "a list of words that name choices not served here, such as [宽带, 固话]"},
        # where a list of words would be long ("3月份的账单" for every month): regular expressions
        "patterns": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
                     "x-expected": "a list of regular expressions, such as ['\\d{1,2}月份']"},
    }, required=("response", "words")),
    # Rasa's slot mappings, `from_entity` only (checked in checks.py): which entity, with
    # which role and group, fills the slot; `type` may be left out.
    "mappings": {"type": "array", "minItems": 1, "items": _object({
        "type": {"type": "string", "minLength": 1, "x-expected": "from_entity"},
        "entity": NAME,
        "role": {"type": ["string", "number"], "x-expected": "a role name"},
        "group": {"type": ["string", "number"], "x-expected": "a group name"},
    }), "x-expected": "a list of mappings, each '- entity: city' (with role: / group:)"},
}, required=("type",))

BUTTON = _object({"title": {"type": "string"}, "payload": {"type": "string"}}, required=("title", "payload"))
# Rasa's rich responses too: `image` (a URL), `attachment` (a URL or an object), `custom`
# (any JSON object, passed to the channel as it is); a variant has at least one of the four.
VARIANT = _object({"text": {"type": "string"}, "channel": NAME, "buttons": {"type": "array", "items": BUTTON},
                   "image": {"type": "string", "minLength": 1, "x-expected": "an image URL"},
                   "attachment": {"type": ["string", "object"], "x-expected": "a URL or an object"},
                   "custom": {"type": "object", "x-expected": "a mapping (any JSON object)"}},
                  anyOf=[{"required": [key]} for key in ("text", "image", "attachment", "custom")],
                  **{"x-expected": "a variant with text, image, attachment or custom"})

ACTION = _object({
    "type": {"enum": ["webhook", "python", "rasa_sdk"]},
    "url": {"type": "string", "minLength": 1},
    "method": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
    "timeout": {"type": "number", "exclusiveMinimum": 0},
    "retries": {"type": "integer", "minimum": 0},
    "headers": _map_of({"type": "string"}),
    "query": _map_of({"type": ["string", "number", "boolean"]}, **{"x-expected": "a mapping of parameter -> value"}),
    "function": {"type": "string", "pattern": r"^[\w.]+(:[\w.]+)?$",
                 "x-expected": "'module:function' or a registered function name"},
    "sets": {"type": "array", "items": NAME},
    "sends": {"type": "array", "items": NAME, "x-expected": "a list of slot names (may be empty)"},
}, required=("type",))


def _behaviour(with_intent: bool = True) -> dict:
    properties = {"intent": NAMES, "response": NAME} if with_intent else {"response": NAME}
    return _object(properties)


DOMAIN = _object({
    "version": {"type": ["string", "number"]},
    "language": {"type": "string", "pattern": r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]+)*$",
                 "x-expected": "a language code such as 'zh' or 'en'"},
    "flows": {"type": "array", "items": {"type": "string", "minLength": 1},
              "x-expected": "a list of flow files or directories"},
    "settings": _object({
        "fallback_threshold": {"oneOf": [{"const": "auto"}, {"type": "number", "minimum": 0, "maximum": 1}],
                               "x-expected": "'auto' or a number from 0 to 1"},
        "session_timeout": COUNT, "history_limit": COUNT, "max_attempts": COUNT,
        "pii_masking": {"type": "boolean"},
        "entity_threshold": {"oneOf": [{"const": "auto"}, {"type": "number", "minimum": 0, "maximum": 1}],
                             "x-expected": "'auto' or a number from 0 to 1"},
    }),
    # Rasa NLU files (regexes, lookup tables, synonyms, examples), relative to the domain
    # directory: read by framework.spec.rasa_nlu.
    "rasa_nlu": {"oneOf": [{"type": "string", "minLength": 1},
                           {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}],
                 "x-expected": "a Rasa nlu.yml path, or a list of them"},
    "intents": _map_of(_object({
        "description": {"type": "string"},
        "examples": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
    }, required=("examples",)), minProperties=1),
    "slots": _map_of(SLOT),
    "responses": _map_of({"type": "array", "items": VARIANT, "minItems": 1,
                          "x-expected": "a list of variants, each '- text: ...'"}),
    "actions": _map_of(ACTION),
    "global": _object({name: _behaviour() for name in
                       ("cancel", "help", "handoff", "out_of_scope", "affirm", "deny", "greet")}
                      | {"fallback": _behaviour(with_intent=False), "busy": _behaviour(with_intent=False)}),
}, required=("language", "intents"))

TRANSITION = _object({"to": TARGET, "intent": NAME,
                      "if": {"type": "string", "minLength": 1, "x-expected": "a condition"}},
                     required=("to",))

STATE = _object({
    "say": NAME, "collect": NAME, "confirm": NAME, "action": NAME, "link": NAME,
    "handoff": {"type": ["string", "boolean", "null"], "x-expected": "a response name or true"},
    "end": {"type": ["string", "boolean", "null"], "x-expected": "a response name or true"},
    "prompt": NAME, "reprompt": NAME, "max_attempts": COUNT, "skip_if_filled": {"type": "boolean"},
    # the message that started the flow fills the collected text slot (framework.engine.trigger_text)
    "from_trigger": {"oneOf": [{"type": "boolean"},
                               _object({"min_length": COUNT,
                                        "request_words": {"type": "array", "items": {"type": "string", "minLength": 1}}})],
                     "x-expected": "true, or {min_length: N, request_words: [...]} (N letters, digits and CJK "
                                   "characters besides the request words)"},
    # the collected slot's value when the step is reached with none: not asked (flow_checks.py)
    "default": {"type": ["string", "number", "boolean"], "x-expected": "a value of the slot, such as today"},
    # false: a command word or a confidently classified trigger is read as the value too
    # (framework.engine.value_guard)
    "value_guard": {"type": "boolean",
                    "x-expected": "true or false (false: every answer is the value, a command word too)"},
    # the state a customer who does not have the collected value goes to ("身份证忘带了"): framework.engine.unknown_value
    "on_unknown": TARGET,
    "on_failure": TARGET, "on_yes": TARGET, "on_no": TARGET, "on_success": TARGET,
    # a confirm step's state for a value changed at it (framework.compile.machine.Confirm)
    "on_change": TARGET,
    "on_timeout": TARGET, "on_error": TARGET,
    # HTTP status -> state; the keys (text, as the loader keeps them) are checked in flow_checks.py
    "on_status": _map_of(TARGET, minProperties=1,
                         **{"x-expected": "a mapping of HTTP status -> state, such as {404: card_not_found}"}),
    "next": TARGET, "transitions": {"type": "array", "items": TRANSITION, "minItems": 1},
    "routes": {"type": "array", "items": TARGET, "minItems": 1,
               "x-expected": "a list of the states the webhook's 'next' may choose"},
})


def _named_responses(example: str, **more: dict) -> dict:
    """A flow's list of {response, words, patterns}: a response said where a message names one of the words
    or matches one of the patterns (`not_for`, `answers`); `more`: keys one list has besides."""
    return {"type": "array", "minItems": 1, "items": _object({
        "response": NAME,
        "words": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
                  "x-expected": f"a list of words, such as {example}"},
        "patterns": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
                     "x-expected": "a list of regular expressions"},
        **more,
    }, required=("response",)), "x-expected": "a list of {response, words, patterns}"}


FLOW = _object({
    "description": {"type": "string"},
    "trigger": NAMES,
    "interruptible": {"type": "boolean"},
    # a goodbye flow: its trigger mid-flow asks whether to stop first (framework.engine.stop_question)
    "ends_conversation": {"type": "boolean"},
    "keep": {"type": "array", "items": NAME, "x-expected": "a list of slot names"},
    # requests the trigger intent covers that this flow must not serve ("unblock my card" read as
    # lost_card): the response instead of the flow (framework.engine.not_for)
    # `warn: true` (a scam): said for any message that names it while no flow is active, whatever its reading
    # `then: <flow>` on a warning: right after it, a message that gives that flow a value starts it ("I already typed it in
    # for my card ending 7777" right after the phishing warning blocks 7777, read back first)
    "not_for": _named_responses("[unblock, unfreeze]", warn={"type": "boolean"}, then=NAME),
    # side questions answered while the flow waits ("is there a fee?" at a transfer's confirmation): the
    # response, then the same question again, nothing changed (framework.engine.side_questions)
    # `own: true`: answered only while the flow runs or right after it ends, never with no flow under way ("anything else
    # I need to do?" after a transfer heard that the card was blocked: customer trial, session 47)
    "answers": _named_responses("[fee, charge]", own={"type": "boolean"}),
    # what a message may ask that the flow does otherwise ("send it from card 1234" where transfers are paid from
    # the main account): the response before the flow's next question, nothing else changed; at the flow's
    # confirmation, the confirmation again (framework.engine.notices)
    "notices": _named_responses("[savings, 'other card']"),
    # the same thing asked several times in the message that starts the flow ("给三个伙计各办一张卡"): patterns with a group
    # `count`, the response said before each run after the first (framework.engine.repeats)
    "repeats": _object({
        "response": NAME,
        "patterns": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
                     "x-expected": "a list of regular expressions, each with a group (?P<count>...)"},
    }, required=("response", "patterns")),
    "start": NAME,
    "states": _map_of(STATE, minProperties=1),
}, required=("states",))

FLOW_FILE = _object({"flows": _map_of(FLOW, minProperties=1)}, required=("flows",))

_DOMAIN_FILE = dict(DOMAIN, required=[])  # required keys are checked on the merged domain
_VALIDATORS = {"domain": Draft202012Validator(_DOMAIN_FILE), "flows": Draft202012Validator(FLOW_FILE)}

_TYPE_NAMES = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
               "array": "a list", "object": "a mapping", "null": "nothing"}


def validate_structure(tree: SpecTree) -> list[SpecError]:
    errors: list[SpecError] = []
    for doc in tree.domain_docs:
        errors += validate_document(doc, "domain")
    for doc in tree.flow_docs:
        errors += validate_document(doc, "flows")
    for key in DOMAIN["required"]:
        if tree.complete and tree.domain_docs and key not in tree.domain:
            doc = tree.domain_docs[0]
            errors.append(SpecError(doc.file, 1, 1, "E011", "", f"the domain has no '{key}'",
                                    expected=f"a top-level key '{key}' in one of the domain files"))
    return errors


def validate_document(doc: Document, kind: str) -> list[SpecError]:
    return [e for error in _VALIDATORS[kind].iter_errors(doc.data) for e in _translate(error, doc)]


def _type_text(types: Any) -> str:
    types = [types] if isinstance(types, str) else list(types)
    return " or ".join(_TYPE_NAMES.get(t, t) for t in types)


def _quote_hint(value: Any, doc: Document, path: tuple, types: Any) -> str:
    """A hint when YAML turned unquoted text (yes, no, 50) into a boolean or a number."""
    mark = doc.marks.get(path)
    wants_text = "string" in ([types] if isinstance(types, str) else list(types))
    if wants_text and mark is not None and mark.style is None and isinstance(value, (bool, int, float)):
        return "Put it in quotes if you mean text: YAML reads unquoted yes, no, on, off and numbers as non-text"
    return ""


def _translate(error: ValidationError, doc: Document) -> list[SpecError]:
    path = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    kind = error.validator

    def at(code: str, message: str, where: tuple = path, key: bool = False, **kw: str) -> SpecError:
        m = doc.mark(where, key)
        return SpecError(m.file, m.line, m.column, code, format_path(where), message, **kw)

    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        return [at("E010", f"unknown key '{k}'", path + (k,), key=True, expected=one_of(allowed),
                   found=f"'{k}'", hint=did_you_mean(k, allowed)) for k in extra]
    if kind == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        return [at("E011", f"missing key '{k}'", path, key=True, expected=f"a key '{k}' here") for k in missing]
    if kind in ("oneOf", "anyOf"):
        # When one branch has the right type, its own error (deeper, or not about the type)
        # is the useful one.
        for sub in sorted(error.context or (), key=lambda e: len(e.absolute_path), reverse=True):
            if len(sub.absolute_path) > len(path) or sub.validator not in ("type", "const", "enum", "oneOf"):
                return _translate(sub, doc)
        return [at("E012", "wrong type of value", expected=schema.get("x-expected", "another value"),
                   found=describe(error.instance))]
    if kind == "type":
        expected = schema.get("x-expected") or _type_text(error.validator_value)
        return [at("E012", "wrong type of value", expected=expected, found=describe(error.instance),
                   hint=_quote_hint(error.instance, doc, path, error.validator_value))]
    if kind in ("enum", "const"):
        options = error.validator_value if kind == "enum" else [error.validator_value]
        names = [str(o) for o in options]
        return [at("E013", "value not allowed", expected=schema.get("x-expected") or one_of(names),
                   found=describe(error.instance), hint=did_you_mean(error.instance, names))]
    if kind == "pattern":
        return [at("E013", "value not allowed", expected=schema.get("x-expected", f"text matching {error.validator_value}"),
                   found=describe(error.instance))]
    ranges = {
        "minimum": "at least {}", "maximum": "at most {}", "exclusiveMinimum": "more than {}",
        "exclusiveMaximum": "less than {}", "minLength": "at least {} characters",
        "maxLength": "at most {} characters", "minItems": "at least {} item(s)", "maxItems": "at most {} items",
        "minProperties": "at least {} entry", "maxProperties": "at most {} entries",
    }
    if kind in ranges:
        found = describe(error.instance)
        if kind in ("minProperties", "minItems") and not error.instance:
            found = "an empty " + ("mapping" if isinstance(error.instance, dict) else "list")
        elif kind == "minLength" and error.instance == "":
            found = "empty text"
        return [at("E014", "value out of range", expected=ranges[kind].format(error.validator_value), found=found)]
    return [at("E012", error.message)]  # a validator this table does not know yet
