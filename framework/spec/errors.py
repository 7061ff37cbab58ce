"""Problems found in a domain's YAML, each with a stable code and a source position.

Every check appends `SpecError`s to a list instead of raising, so that one run of
`dialog validate` shows all problems of all files at once; `SpecErrors` carries them out.
The table `CODES` is the reference (docs/ERRORS.md repeats it with examples).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable

# code -> one-line meaning. Codes are stable: never renumber, only add.
CODES: dict[str, str] = {
    # reading files
    "E001": "YAML syntax error",
    "E002": "duplicate key in a mapping",
    "E003": "a name is defined in two files (a top-level domain key, or a flow)",
    "E004": "file or directory not found, or not readable",
    "E005": "unsupported YAML (several documents in a file, a complex key, a recursive alias)",
    # structure (JSON Schema)
    "E010": "unknown key",
    "E011": "missing required key",
    "E012": "wrong type of value",
    "E013": "value is not one of the allowed values",
    "E014": "value out of range (number, length or count)",
    # references
    "E020": "undefined intent",
    "E021": "undefined slot",
    "E022": "undefined response",
    "E023": "undefined action",
    "E024": "undefined state",
    "E025": "undefined flow",
    "E026": "undefined environment variable with no default",
    # flows
    "E030": "a state has more than one step",
    "E031": "state cannot be reached from the flow's start",
    "E032": "state has no way out (not final, and no transition or branch)",
    "E033": "two transitions can fire on the same input",
    "E034": "an unconditional transition is not the last one",
    "E035": "condition reads a slot that no step can fill",
    "E036": "invalid condition syntax",
    "E037": "both 'next' and 'transitions' are given",
    "E038": "an option that does not belong to the state's step",
    "E039": "an intent starts two flows, or is both a trigger and a global intent",
    "E040": "flow can never start (no trigger, and no state links to it)",
    "E041": "reserved name used as a state name",
    "E042": "condition compares a categorical slot with a value it never takes",
    "E043": "'ends_conversation' on a flow that no intent triggers",
    # slots, responses, actions, examples
    "E050": "slot option does not fit the slot's type",
    "E051": "invalid regular expression",
    "E052": "invalid slot option value (min > max, initial value of the wrong type ...)",
    "E053": "response interpolates an unknown slot",
    "E054": "action is missing a key its type requires",
    "E055": "action option does not fit the action's type",
    "E056": "invalid placeholder in a response text",
    "E057": "a collect step asks for a slot with 'from_user: false'",
    "E058": "invalid placeholder in a webhook URL, header or query parameter",
    "E059": "python action function cannot be imported or called",
    "E060": "invalid entity annotation in an example",
    "E061": "example annotates an entity that no slot uses",
    "E062": "the same example appears in two intents",
    "E063": "invalid slot mapping (a type other than from_entity, 'entity' beside 'mappings', a repeat)",
    "E064": "a 'rasa_nlu' file cannot be read, or its examples do not fit the domain",
    "E065": "an 'on_status' key is not a status a backend refuses with (400-499, not 408 or 429)",
    "E066": "a condition or response reads a key of a slot's value that it does not have (slots.x.currency on a slot that is not money)",
    "E067": "'from_trigger' on a step that can never take the triggering message (a slot that is not text, a flow no intent triggers, a min_length above the slot's max_length)",
    "E068": "a 'repeats' pattern without a group (?P<count>...)",
}

# Warnings: the domain loads and runs, but a conversation can go wrong. `dialog validate`
# prints them after the errors and still exits 0 when there are only warnings.
WARNINGS: dict[str, str] = {
    "W001": "a collect step can run out of attempts with no 'on_failure'",
    "W002": "a line or key of a 'rasa_nlu' file was not read",
    "W003": "a slot mapping's role or group is annotated in no example",
    "W004": "a response's image or attachment URL takes its scheme or host from a slot",
}


@dataclass(frozen=True, order=True)
class SpecError:
    """One problem. `line` and `column` are 1-based; `path` is the YAML path
    (`flows.open_account.states.ask_id.collect`), empty for a whole file."""
    file: str
    line: int
    column: int
    code: str
    path: str
    message: str
    expected: str = ""
    found: str = ""
    hint: str = ""

    def format(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}: {self.code}"
        text = f"{where} {self.path}: {self.message}" if self.path else f"{where} {self.message}"
        text = _sentence(text)
        if self.expected and self.found:
            text += f" Expected {self.expected}; found {self.found}."
        elif self.expected:
            text += f" Expected {self.expected}."
        elif self.found:
            text += f" Found {self.found}."
        if self.hint:
            text += " " + _sentence(self.hint)
        return text

    def to_json(self) -> dict:
        return {
            "code": self.code, "file": self.file, "line": self.line, "column": self.column,
            "path": self.path, "message": self.message, "expected": self.expected,
            "found": self.found, "hint": self.hint,
        }


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


class SpecErrors(Exception):
    """All problems of a domain, sorted by file and position. `str(err)` is the text a user sees."""

    def __init__(self, errors: Iterable[SpecError]):
        self.errors: tuple[SpecError, ...] = tuple(sorted(set(errors)))
        super().__init__(self.format())

    def format(self) -> str:
        count = len(self.errors)
        lines = [e.format() for e in self.errors]
        lines.append(f"{count} problem{'s' if count != 1 else ''} found.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()


def did_you_mean(name: object, candidates: Iterable[str]) -> str:
    """A 'Did you mean ...?' hint for a misspelt name, or ''."""
    if not isinstance(name, str):
        return ""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.7)
    return f"Did you mean '{close[0]}'?" if close else ""


def one_of(names: Iterable[str], limit: int = 12) -> str:
    """`'a', 'b' or 'c'` for the 'expected' part of a message; long lists are cut."""
    names = [f"'{n}'" for n in sorted(names)]
    if not names:
        return "nothing (none is defined)"
    if len(names) > limit:
        return "one of " + ", ".join(names[:limit]) + f" ... ({len(names)} in all)"
    if len(names) == 1:
        return names[0]
    return "one of " + ", ".join(names[:-1]) + " or " + names[-1]


def describe(value: object) -> str:
    """A short description of a YAML value for the 'found' part of a message."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"'{shown}'"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
