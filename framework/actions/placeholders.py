"""`{slot}` placeholders in a webhook's URL, header values and query parameters.

    url: ${CLAIMS_URL:-http://127.0.0.1:5057}/claims/{claim_id}

`${VAR}` / `${VAR:-default}` are environment references, expanded at load time; `{name}`
is a slot, filled for each call (URL-encoded in a URL); `{{` and `}}` are literal braces.
Pure and light: the validator (`dialog validate`) parses with it, the webhook fills with it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping
from urllib.parse import quote

_ENV = re.compile(r"\$\{[^}]*\}")
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"[^\W\d]\w*")  # a slot name: letters (any script), digits, _


@dataclass(frozen=True)
class Placeholder:
    name: str
    offset: int  # of the "{" in the text as written


@dataclass(frozen=True)
class PlaceholderProblem:
    message: str
    offset: int
    found: str


def parse(text: str) -> tuple[list[Placeholder], list[PlaceholderProblem]]:
    """The slot placeholders of `text` (as written, ${...} references skipped) and problems."""
    masked = _ENV.sub(lambda m: " " * len(m.group(0)), text)  # same offsets, no braces
    found: list[Placeholder] = []
    problems: list[PlaceholderProblem] = []
    for m in _TOKEN.finditer(masked):
        token = m.group(0)
        if token in ("{{", "}}"):
            continue
        if token in ("{", "}"):
            problems.append(PlaceholderProblem(f"unmatched '{token}'", m.start(), repr(text)))
        elif not _NAME.fullmatch(m.group(1).strip()):
            what = "empty placeholder '{}'" if not m.group(1).strip() else f"'{token}' is not a slot name"
            problems.append(PlaceholderProblem(what, m.start(), f"'{token}'"))
        else:
            found.append(Placeholder(m.group(1).strip(), m.start()))
    return found, problems


class MissingSlot(LookupError):
    """A placeholder's slot has no value in this conversation."""

    def __init__(self, slot: str):
        super().__init__(slot)
        self.slot = slot


def as_text(value: Any) -> str:
    """A slot value as it goes into a URL, header or query: JSON-like booleans, 5000 not 5000.0."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def fill(text: str, slots: Mapping[str, Any], encode: Callable[[str], str] = lambda s: s) -> str:
    """`text` (already env-expanded) with each `{slot}` replaced by encode(its value);
    raises MissingSlot for an unset slot."""
    def replace(m: re.Match) -> str:
        token = m.group(0)
        if token in ("{{", "}}", "{", "}"):
            return token[0]
        name = m.group(1).strip()
        value = slots.get(name)
        if value is None:
            raise MissingSlot(name)
        return encode(as_text(value))

    return _TOKEN.sub(replace, text)


def url_encode(value: str) -> str:
    """One path segment or query value: every reserved character escaped ('/' too)."""
    return quote(value, safe="")
