"""Rasa's inline entity annotation in training examples.

    我叫[张三](name)                       -> entity name, value "张三"
    [五十元](plan:50)                      -> entity plan, value "50" (Rasa 1 synonym form)
    [五十元](plan){"value": "50"}          -> the same, Rasa 3 form
    [五十元]{"entity": "plan", "value": "50"}
    [London]{"entity": "city", "role": "from"}  -> Rasa's roles and groups ("group": "1")
A `[` that is not closed by `](` or `]{` is ordinary text.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from framework.compile.machine import EntitySpan, Example

_ENTITY_NAME = re.compile(r"[\w-]+")
_JSON_KEYS = ("entity", "value", "role", "group")


@dataclass(frozen=True)
class AnnotationError:
    offset: int  # 0-based character index into the raw example
    message: str
    expected: str
    found: str


def parse_example(raw: str) -> tuple[Example, list[AnnotationError]]:
    """The example without markup, its entity spans, and any annotation problems."""
    out: list[str] = []
    length = 0  # characters in `out` so far
    spans: list[EntitySpan] = []
    errors: list[AnnotationError] = []
    i = 0
    while i < len(raw):
        close = raw.find("]", i + 1) if raw[i] == "[" else -1
        if close < 0 or raw[close + 1:close + 2] not in ("(", "{") or "[" in raw[i + 1:close]:
            out.append(raw[i])
            length += 1
            i += 1
            continue
        text = raw[i + 1:close]
        entity, value, end, problem, extra = _label(raw, close + 1)
        if problem:
            errors.append(problem)
        elif not text.strip():
            errors.append(AnnotationError(i, "annotation with no text", "'[some text](entity)'", "'[]'"))
        else:
            spans.append(EntitySpan(entity, value if value is not None else text, length, length + len(text),
                                    extra.get("role"), extra.get("group")))
        out.append(text)
        length += len(text)
        i = end
    return Example("".join(out), tuple(spans)), errors


def _label(raw: str, start: int) -> tuple[str, str | None, int, AnnotationError | None, dict]:
    """Reads `(entity)`, `(entity:value)`, `{json}` or `(entity){json}` at `start`.
    Returns entity, value (None: the annotated text), the index after it, a problem, and
    the role and group ({"role": "from"}) when the JSON gives them."""
    entity, value, pos, extra = "", None, start, {}
    if raw[pos] == "(":
        close = raw.find(")", pos)
        if close < 0:
            return "", None, len(raw), AnnotationError(pos, "unclosed '(' in an entity annotation", "')'", "end of text"), {}
        entity, _, after = raw[pos + 1:close].partition(":")
        entity = entity.strip()
        value = after.strip() if _ else None
        if not _ENTITY_NAME.fullmatch(entity):
            return "", None, close + 1, AnnotationError(pos + 1, "invalid entity name in an annotation",
                                                        "a name such as 'name' or 'id_number'", f"'{entity}'"), {}
        pos = close + 1
    if pos < len(raw) and raw[pos] == "{":
        close = raw.find("}", pos)
        if close < 0:
            return "", None, len(raw), AnnotationError(pos, "unclosed '{' in an entity annotation", "'}'", "end of text"), {}
        try:
            data = json.loads(raw[pos:close + 1])
        except json.JSONDecodeError as exc:
            return "", None, close + 1, AnnotationError(pos + exc.pos, f"invalid JSON in an entity annotation: {exc.msg}",
                                                        'JSON such as {"entity": "plan", "value": "50"}',
                                                        f"'{raw[pos:close + 1]}'"), {}
        if not isinstance(data, dict):
            return "", None, close + 1, AnnotationError(pos, "an entity annotation's JSON is not a mapping",
                                                        'JSON such as {"entity": "city", "role": "from"}',
                                                        f"'{raw[pos:close + 1]}'"), {}
        unknown = [k for k in data if k not in _JSON_KEYS]
        if unknown:
            return "", None, close + 1, AnnotationError(pos, f"unknown key '{unknown[0]}' in an entity annotation",
                                                        "'entity', 'value', 'role' and 'group'",
                                                        f"'{unknown[0]}'"), {}
        entity = str(data.get("entity", entity))
        extra = {k: str(data[k]) for k in ("role", "group") if data.get(k) is not None}
        value = str(data["value"]) if data.get("value") is not None else value
        if not _ENTITY_NAME.fullmatch(entity):
            return "", None, close + 1, AnnotationError(pos, "annotation without an entity name",
                                                        '"entity": "<name>"', raw[pos:close + 1]), {}
        pos = close + 1
    return entity, value, pos, None, extra
