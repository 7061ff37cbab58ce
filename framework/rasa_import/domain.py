"""Rasa's domain, NLU data and config -> the `domain.yml` mapping of docs/DESIGN.md.

One to one: intents (their examples from the NLU data, entity annotations kept), slots
(text, bool, categorical, float), from_entity mappings (`entity:`), initial values,
responses (variants, buttons, image, custom, attachment, channel), the fallback threshold of
config.yml's FallbackClassifier, the session expiry, and custom actions (as `rasa_sdk`
actions on the project's action server). What has no counterpart is reported, with its line.
"""
from __future__ import annotations

import json
import string
from typing import Any

from framework.nlu.data import LabelledText
from framework.rasa_import.located import LineDict, Report, line_of

DEFAULT_ACTION_URL = "http://localhost:5055/webhook"
SLOT_TYPES = {"text": "text", "bool": "boolean", "categorical": "categorical", "float": "number"}
_RESPONSE_KEYS = ("text", "buttons", "image", "custom", "attachment", "channel")
_IGNORED_SLOT_KEYS = ("type", "mappings", "influence_conversation", "initial_value", "values",
                      "min_value", "max_value")


def annotated(example: LabelledText) -> str:
    """An example with its entities written inline, as the domain reads them."""
    text = example.text
    for entity in sorted(example.entities, key=lambda e: e.start, reverse=True):
        surface = text[entity.start:entity.end]
        if entity.value == surface:
            markup = f"[{surface}]({entity.entity})"
        else:
            markup = f"[{surface}]" + json.dumps({"entity": entity.entity, "value": entity.value}, ensure_ascii=False)
        text = text[:entity.start] + markup + text[entity.end:]
    return text


def intent_names(domain: LineDict) -> list[str]:
    names = []
    for item in domain.get("intents") or ():
        names.append(next(iter(item)) if isinstance(item, dict) else str(item))
    return names


def convert_intents(domain: LineDict, examples: list[LabelledText], report: Report,
                    nlu_files: list[str]) -> dict[str, Any]:
    by_intent: dict[str, list[str]] = {}
    roles: set[str] = set()
    for example in examples:
        by_intent.setdefault(example.intent, []).append(annotated(example))
        if any(e.role or e.group for e in example.entities):
            roles.add(example.intent)
    intents = {}
    listed = intent_names(domain)
    for name in listed + sorted(set(by_intent) - set(listed)):
        if name in intents:
            continue
        found = list(dict.fromkeys(by_intent.get(name, ())))  # duplicates dropped, order kept
        if not found and any(n.startswith(name + "/") for n in by_intent):
            continue  # a retrieval intent (faq): its sub-intents (faq/ask_name) carry the examples
        if not found:
            report.skip(domain.get("intents"), f"intent '{name}'",
                        "no examples in the NLU data; an intent needs examples to be trained")
            continue
        intents[name] = {"examples": found}
    for name in sorted(roles):  # the NLU reader keeps no example lines: the file's first
        report.skip(None, f"entity roles and groups of intent '{name}'",
                    "entities have no roles or groups here; the entity names are kept",
                    line=1, file=nlu_files[0] if nlu_files else "?")
    return intents


def convert_slots(domain: LineDict, report: Report) -> dict[str, Any]:
    slots: dict[str, Any] = {}
    for name, spec in (domain.get("slots") or {}).items():
        spec = spec if isinstance(spec, dict) else LineDict()
        line = domain["slots"].key_line(name)
        kind = spec.get("type", "text")
        out: dict[str, Any] = {"type": SLOT_TYPES.get(kind, "text")}
        if kind not in SLOT_TYPES:
            report.skip(domain["slots"], f"slot '{name}' of type {kind}",
                        "kept as a text slot: there is no list or any type", line=line)
        if kind == "categorical":
            out["choices"] = [str(v) for v in spec.get("values") or ()] or ["unset"]
        if kind == "float":
            for rasa_key, key in (("min_value", "min"), ("max_value", "max")):
                if isinstance(spec.get(rasa_key), (int, float)):
                    out[key] = spec[rasa_key]
        if spec.get("initial_value") is not None:
            out["initial"] = spec["initial_value"]
        _mappings(name, spec, out, report, line)
        slots[name] = out
    return slots


def _mappings(name: str, spec: LineDict, out: dict, report: Report, line: int) -> None:
    kinds = []
    for mapping in spec.get("mappings") or ():
        kind = mapping.get("type") if isinstance(mapping, dict) else None
        kinds.append(kind)
        where = line_of(mapping, line)
        if kind == "from_entity":
            entity = mapping.get("entity")
            if entity and entity != name and "entity" not in out:
                out["entity"] = entity
            if mapping.get("role") or mapping.get("group"):
                report.skip(mapping, f"slot '{name}': from_entity with a role or group",
                            "entities have no roles or groups; the entity fills it whatever its role", line=where)
        elif kind in ("from_intent", "from_trigger_intent"):
            why = "a slot is filled from what the user says, not from an intent" + (
                "; a boolean slot takes yes/no answers by itself" if out["type"] == "boolean" else "")
            report.skip(mapping, f"slot '{name}': {kind} (intent {mapping.get('intent')!r} -> {mapping.get('value')!r})",
                        why, line=where)
        elif kind not in ("from_text", "custom", "from_llm", None):
            report.skip(mapping, f"slot '{name}': mapping {kind}", "unknown mapping type", line=where)
        if isinstance(mapping, dict) and mapping.get("conditions"):
            report.skip(mapping, f"slot '{name}': mapping conditions (active_loop, requested_slot)",
                        "a collect step fills the slot it asks for; the conditions are not needed", line=where)
    if kinds and all(k == "custom" for k in kinds):
        out["from_user"] = False


def convert_responses(domain: LineDict, slots: dict, report: Report) -> dict[str, Any]:
    responses = {}
    for name, variants in (domain.get("responses") or {}).items():
        out = []
        for variant in variants or ():
            if not isinstance(variant, dict):
                continue
            where = line_of(variant, domain["responses"].key_line(name))
            if variant.get("condition"):
                report.skip(variant, f"response '{name}': a conditional variant",
                            "variants have no conditions; this variant is left out", line=where)
                continue
            item = {k: variant[k] for k in _RESPONSE_KEYS if variant.get(k) not in (None, "", [])}
            if "quick_replies" in variant and "buttons" not in item:
                item["buttons"] = variant["quick_replies"]
            if "buttons" in item:
                item["buttons"] = [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                                   for b in item["buttons"] if isinstance(b, dict)]
            if isinstance(item.get("text"), str):
                item["text"] = _known_placeholders(item["text"], slots, name, report, where, variant)
            if not any(k in item for k in ("text", "image", "custom", "attachment")):
                report.skip(variant, f"response '{name}': a variant without text, image, custom or attachment",
                            "nothing to say; left out", line=where)
                continue
            for key in sorted(set(variant) - set(_RESPONSE_KEYS) - {"condition", "quick_replies", "metadata"}):
                report.skip(variant, f"response '{name}': '{key}'", "not a response field here; left out", line=where)
            out.append(item)
        if out:
            responses[name] = out
    return responses


def _known_placeholders(text: str, slots: dict, name: str, report: Report, line: int, where: Any) -> str:
    """`{x}` that is no slot (an action's keyword argument in Rasa) becomes literal text."""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError:
        return text.replace("{", "{{").replace("}", "}}")
    for field_name in fields:
        if field_name.split(":")[0].split("!")[0] not in slots:
            report.skip(where, f"response '{name}': placeholder {{{field_name}}}",
                        "not a slot (Rasa fills it from an action's arguments); kept as literal text", line=line)
            text = text.replace("{" + field_name + "}", "{{" + field_name + "}}")
    return text


def convert_actions(domain: LineDict, url: str, slots: dict, report: Report) -> dict[str, Any]:
    """Custom actions run on the project's action server, which may set any slot, as in Rasa."""
    actions = {}
    for name in domain.get("actions") or ():
        name = next(iter(name)) if isinstance(name, dict) else str(name)
        if name.startswith("utter_"):
            continue
        actions[name] = {"type": "rasa_sdk", "url": url, "timeout": 10, "sets": sorted(slots)}
    return actions


def settings_from(config: LineDict | None, domain: LineDict, report: Report) -> tuple[str, dict[str, Any]]:
    """(language, settings) from config.yml and the domain's session_config."""
    config = config or LineDict()
    settings: dict[str, Any] = {}
    for component in (config.get("pipeline") or ()) + (config.get("policies") or ()):
        if isinstance(component, dict) and component.get("name") == "FallbackClassifier":
            if isinstance(component.get("threshold"), (int, float)):
                settings["fallback_threshold"] = float(component["threshold"])
    session = domain.get("session_config") or {}
    minutes = session.get("session_expiration_time")
    if isinstance(minutes, (int, float)):
        if minutes > 0:
            settings["session_timeout"] = max(1, int(minutes * 60))
        else:
            report.skip(session, "session_expiration_time: 0 (sessions never expire)",
                        "sessions here always expire; kept the default of 30 minutes",
                        line=session.key_line("session_expiration_time"))
    language = str(config.get("language") or "en")
    return language, settings
