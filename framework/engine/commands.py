"""Messages that are commands rather than language, as Rasa users and Rasa's buttons send them.

- `/restart` and `/session_start` reset the conversation (framework.engine.turn).
- `/intent` and `/intent{"slot": "value", ...}` name an intent outright, with slot values:
  what a button's payload sends. The values become entities (extractor "payload") and are
  validated for their slots like any other entity.

Pure: the agent calls `parse_payload` instead of the classifier; the engine calls `command`.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterable

from framework.nlu.interface import Entity, IntentScore, NLUResult

RESTART = "/restart"
SESSION_START = "/session_start"
COMMANDS = (RESTART, SESSION_START)
PAYLOAD_EXTRACTOR = "payload"

_PAYLOAD_RE = re.compile(r"/(?P<intent>[^\s{]+)\s*(?P<slots>\{.*)?", re.DOTALL)


def command(text: str | None) -> str | None:
    """The built-in command a message is, or None."""
    stripped = (text or "").strip()
    return stripped if stripped in COMMANDS else None


def parse_payload(text: str, intents: Iterable[str], model: str | None = None) -> NLUResult | None:
    """`/intent` or `/intent{"slot": value}` for a known intent -> an NLUResult at confidence 1;
    anything else (plain text, an unknown intent) -> None, for the classifier to rank.
    A payload whose slot part is not a JSON object still names its intent, with no entities."""
    stripped = text.strip()
    m = _PAYLOAD_RE.fullmatch(stripped)
    if m is None or m.group("intent") not in set(intents):
        return None
    entities: list[Entity] = []
    raw = m.group("slots")
    if raw:
        start = m.start("slots") + (len(text) - len(text.lstrip()))
        try:
            values: Any = json.loads(raw)
        except ValueError:
            values = None
        if isinstance(values, dict):
            for name, value in values.items():
                if isinstance(value, (str, int, float, bool)):
                    entities.append(Entity(str(name), value, raw, start, start + len(raw), PAYLOAD_EXTRACTOR))
    return NLUResult(text, (IntentScore(m.group("intent"), 1.0),), tuple(entities), model)


def is_payload(nlu: NLUResult) -> bool:
    """The message was a button payload naming its intent (not a classifier's guess)."""
    top = nlu.intent
    return top is not None and top.confidence >= 1.0 and nlu.text.strip().startswith("/" + top.name)
