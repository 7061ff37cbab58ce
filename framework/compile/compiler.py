"""Validated spec tree -> the frozen `Assistant` of `framework.compile.machine`.

Runs only on a tree that passed the schema and the cross-checks, so it may trust shapes
and names; it fills in defaults (a state's step options, settings, behaviours) and parses
conditions once, so the engine never sees YAML.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace
from typing import Any, Mapping

from framework import conditions
from framework.compile import machine as m
from framework.compile.sends import default_sends
from framework.spec.annotation import parse_example
from framework.spec.environment import expand
from framework.spec.files import SpecTree

_COMMON_SLOT_KEYS = ("type", "error", "entity", "initial", "pii", "persist", "label", "mappings", "implies")


def compile_assistant(tree: SpecTree, environ: Mapping[str, str] | None = None) -> m.Assistant:
    environ = os.environ if environ is None else environ
    d = tree.domain
    settings = _settings(d.get("settings") or {})
    intents = {name: _intent(tree, name, spec) for name, spec in (d.get("intents") or {}).items()}
    patterns, nlu_examples, nlu_fingerprint = None, {}, []
    if d.get("rasa_nlu"):
        from framework.spec import rasa_nlu

        patterns, nlu_examples, nlu_fingerprint = rasa_nlu.compiled(tree)
        intents = {name: replace(intent, examples=intent.examples + nlu_examples.get(name, ()))
                   for name, intent in intents.items()}
    slots = {n: _slot(tree, n, s) for n, s in (d.get("slots") or {}).items()}
    responses = {n: _response(tree, n, v) for n, v in (d.get("responses") or {}).items()}
    actions = {n: _action(tree, n, a, environ) for n, a in (d.get("actions") or {}).items()}
    flows = {n: _flow(tree, n, f, settings) for n, f in tree.flows.items()}
    for name, action in actions.items():  # without `sends:`, the slots of the calling flows
        if action.sends is None:
            actions[name] = replace(action, sends=default_sends(name, flows.values(), actions, responses, slots))
    return m.Assistant(
        name=tree.name,
        language=str(d["language"]),
        settings=settings,
        intents=m.frozen_map(intents),
        slots=m.frozen_map(slots),
        responses=m.frozen_map(responses),
        actions=m.frozen_map(actions),
        flows=m.frozen_map(flows),
        behaviours=_behaviours(d.get("global") or {}),
        intent_fingerprint=intent_fingerprint(intents),
        examples_fingerprint=examples_fingerprint(d.get("intents") or {}, nlu_fingerprint),
        source_dir=tree.domain_dir,
        entity_patterns=patterns,
    )


def intent_fingerprint(intent_names) -> str:
    """sha256 of the sorted intent names joined by newlines: a trained model must match it."""
    return hashlib.sha256("\n".join(sorted(intent_names)).encode("utf-8")).hexdigest()


def examples_fingerprint(intents: Mapping[str, Any], extra: list[str] | None = None) -> str:
    """sha256 of every intent's examples as written (annotations included), in name order,
    and of the `rasa_nlu:` files' examples (`extra`) when there are any."""
    data = [[name, list(intents[name].get("examples") or [])] for name in sorted(intents)]
    if extra:
        data.append(["rasa_nlu", extra])
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


def _source(tree: SpecTree, path: tuple) -> m.Source:
    mark = tree.mark(path, key=True)
    return m.Source(mark.file, mark.line, mark.column)


def _names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _settings(spec: dict) -> m.Settings:
    threshold = spec.get("fallback_threshold", "auto")
    entity_threshold = spec.get("entity_threshold", "auto")
    defaults = m.Settings()
    return m.Settings(
        fallback_threshold=None if threshold == "auto" else float(threshold),
        session_timeout=spec.get("session_timeout", defaults.session_timeout),
        history_limit=spec.get("history_limit", defaults.history_limit),
        max_attempts=spec.get("max_attempts", defaults.max_attempts),
        pii_masking=spec.get("pii_masking", defaults.pii_masking),
        entity_threshold=None if entity_threshold == "auto" else float(entity_threshold),
    )


def _intent(tree: SpecTree, name: str, spec: dict) -> m.Intent:
    examples = tuple(parse_example(raw)[0] for raw in spec.get("examples") or ())
    return m.Intent(name, spec.get("description", ""), examples, _source(tree, ("intents", name)))


def _slot(tree: SpecTree, name: str, spec: dict) -> m.Slot:
    options = {k: v for k, v in spec.items() if k not in _COMMON_SLOT_KEYS}
    if "choices" in options:
        choices = options["choices"]
        if isinstance(choices, list):
            options["choices"] = m.frozen_map({str(c): () for c in choices})
        else:
            options["choices"] = m.frozen_map({str(k): tuple(str(s) for s in v or ()) for k, v in choices.items()})
    if isinstance(options.get("unavailable"), dict):
        options["unavailable"] = m.frozen_map({"response": options["unavailable"]["response"],
                                               "words": tuple(str(w) for w in options["unavailable"]["words"]),
                                               "patterns": tuple(str(p) for p in options["unavailable"].get("patterns", ()))})
    mappings = tuple(m.EntityMapping(str(x["entity"]), _opt_text(x.get("role")), _opt_text(x.get("group")))
                     for x in spec.get("mappings") or ())
    return m.Slot(
        name=name, type=spec["type"], options=m.frozen_map(options), error_response=spec.get("error"),
        # With mappings, `entity` is the first one's: what the rule-based extractors name
        # their entities (they find no roles).
        entity=mappings[0].entity if mappings else spec.get("entity", name), initial=spec.get("initial"),
        pii=bool(spec.get("pii", False)), source=_source(tree, ("slots", name)),
        persist=bool(spec.get("persist", False)), label=spec.get("label"), mappings=mappings,
        implies=m.frozen_map({str(k): v for k, v in (spec.get("implies") or {}).items()}),
    )


def _opt_text(value: Any) -> str | None:
    return None if value is None else str(value)


def _response(tree: SpecTree, name: str, variants: list) -> m.Response:
    return m.Response(name, tuple(
        m.ResponseVariant(v.get("text", ""), v.get("channel"),
                          tuple(m.Button(b["title"], b["payload"]) for b in v.get("buttons") or ()),
                          image=v.get("image"), attachment=v.get("attachment"),
                          custom=m.frozen_map(v["custom"]) if isinstance(v.get("custom"), dict) else None)
        for v in variants
    ), _source(tree, ("responses", name)))


def _action(tree: SpecTree, name: str, spec: dict, environ: Mapping[str, str]) -> m.Action:
    source = _source(tree, ("actions", name))
    sets = tuple(spec.get("sets") or ())
    sends = tuple(spec["sends"]) if isinstance(spec.get("sends"), list) else None  # None: default_sends
    if spec["type"] == "python":
        return m.PythonAction(name, spec["function"], sets, source, sends=sends)
    headers = {k: expand(v, environ)[0] for k, v in (spec.get("headers") or {}).items()}
    if spec["type"] == "rasa_sdk":
        return m.RasaSdkAction(name, expand(spec["url"], environ)[0], float(spec.get("timeout", 5.0)),
                               int(spec.get("retries", 0)), m.frozen_map(headers), sets, source, sends=sends)
    query = {k: v if isinstance(v, str) else str(v).lower() if isinstance(v, bool) else str(v)
             for k, v in (spec.get("query") or {}).items()}
    return m.WebhookAction(
        name=name, url=expand(spec["url"], environ)[0], method=spec.get("method", "POST"),
        timeout=float(spec.get("timeout", 5.0)), retries=int(spec.get("retries", 0)),
        headers=m.frozen_map(headers), sets=sets, source=source,
        query=m.frozen_map({k: expand(v, environ)[0] for k, v in query.items()}), sends=sends,
    )


def _behaviours(spec: dict) -> m.Behaviours:
    return m.Behaviours(**{
        name: m.Behaviour(_names(b.get("intent")), b.get("response")) for name, b in spec.items()
    })


def _flow(tree: SpecTree, name: str, spec: dict, settings: m.Settings) -> m.Flow:
    states = spec["states"]
    return m.Flow(
        name=name, description=spec.get("description", ""), triggers=_names(spec.get("trigger")),
        start=spec.get("start", next(iter(states))),
        states=m.frozen_map({s: _state(tree, ("flows", name, "states", s), st, settings)
                             for s, st in states.items()}),
        interruptible=spec.get("interruptible", True), source=_source(tree, ("flows", name)),
        keep=tuple(spec.get("keep") or ()), ends_conversation=spec.get("ends_conversation", False),
        not_for=_worded(spec.get("not_for")), answers=_worded(spec.get("answers")),
        open_answers=_worded([n for n in spec.get("answers") or () if isinstance(n, dict) and not n.get("own")]),
        warnings=_worded([n for n in spec.get("not_for") or () if isinstance(n, dict) and n.get("warn")]),
        warning_then=m.frozen_map({n["response"]: n["then"] for n in spec.get("not_for") or ()
                                   if isinstance(n, dict) and n.get("warn") and n.get("then")}),
        notices=_worded(spec.get("notices")),
        repeats=((spec["repeats"]["response"], tuple(str(p) for p in spec["repeats"]["patterns"]))
                 if spec.get("repeats") else None),
    )


def _worded(entries) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """`not_for` / `answers` / `notices` entries as (response, words, patterns)."""
    return tuple((n["response"], tuple(str(w) for w in n.get("words") or ()),
                  tuple(str(p) for p in n.get("patterns") or ())) for n in entries or ())


def _state(tree: SpecTree, path: tuple, spec: dict, settings: m.Settings) -> m.State:
    if "next" in spec:
        transitions = (m.Transition(to=spec["next"], source=_source(tree, path + ("next",))),)
    else:
        transitions = tuple(_transition(tree, path + ("transitions", i), t)
                            for i, t in enumerate(spec.get("transitions") or ()))
    return m.State(path[-1], _step(spec, settings), transitions, _source(tree, path))


def _transition(tree: SpecTree, path: tuple, spec: dict) -> m.Transition:
    text = spec.get("if")
    return m.Transition(to=spec["to"], intent=spec.get("intent"),
                        condition=conditions.parse(text) if text else None, condition_text=text,
                        source=_source(tree, path))


def _from_trigger(spec: bool | dict | None) -> int | None:
    """`from_trigger: true` -> 0 (the slot's own validation alone); `{min_length: N}` -> N."""
    if spec is None or spec is False:
        return None
    return 0 if spec is True else int(spec.get("min_length", 0))


def _request_words(spec: bool | dict | None) -> tuple[str, ...]:
    """`{request_words: [我要投诉, 投诉]}`: longest first, so that "我要投诉" goes before its "投诉"."""
    words = spec.get("request_words") if isinstance(spec, dict) else None
    return tuple(sorted((str(w) for w in words or () if str(w).strip()), key=len, reverse=True))


def _step(spec: dict, settings: m.Settings) -> m.Step | None:
    if "say" in spec:
        return m.Say(spec["say"])
    if "collect" in spec:
        slot = spec["collect"]
        return m.Collect(slot=slot, prompt=spec.get("prompt", f"utter_ask_{slot}"), reprompt=spec.get("reprompt"),
                         max_attempts=spec.get("max_attempts", settings.max_attempts),
                         on_failure=spec.get("on_failure"), on_unknown=spec.get("on_unknown"),
                         on_change=spec.get("on_change"),
                         skip_if_filled=spec.get("skip_if_filled", True),
                         from_trigger=_from_trigger(spec.get("from_trigger")),
                         request_words=_request_words(spec.get("from_trigger")), default=spec.get("default"),
                         value_guard=spec.get("value_guard", True))
    if "confirm" in spec:
        return m.Confirm(spec["confirm"], spec["on_yes"], spec["on_no"],
                         max_attempts=spec.get("max_attempts", settings.max_attempts),
                         on_failure=spec.get("on_failure"), on_change=spec.get("on_change"))
    if "action" in spec:
        return m.CallAction(spec["action"], spec.get("on_success"), spec.get("on_failure"),
                            tuple(spec.get("routes") or ()), on_timeout=spec.get("on_timeout"),
                            on_error=spec.get("on_error"),
                            # YAML keys stay text ("404"); the validator checked they are statuses
                            on_status=m.frozen_map({int(k): v for k, v in (spec.get("on_status") or {}).items()}))
    if "handoff" in spec:
        return m.Handoff(spec["handoff"] if isinstance(spec["handoff"], str) else None)
    if "link" in spec:
        return m.Link(spec["link"])
    if "end" in spec:
        return m.End(spec["end"] if isinstance(spec["end"], str) else None)
    return None
