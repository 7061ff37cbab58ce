"""Reading conversation test files, `<domain dir>/tests/*.yml`, into `ConversationTest`s.

    webhooks:                       # optional: answers for every test of the file
      block_card: {json: {}}
    tests:
      blocks_a_lost_card:           # the test's name
        description: optional text
        webhooks:                   # this test's answers (replace the file's, action by action)
          block_card: {status: 503} # a list answers successive calls; the last one repeats
        steps:
          - user: I lost my card    # what the user says (a /payload works too)
            intent: lost_card       # the model's top intent
            bot: [utter_ask_last4]  # every reply, in order: a response name or the exact text
            flow: lost_card         # the active flow (null: none)
            state: ask_last4        # its state
            slots: {card_last4: null}   # values (null: not set)
            handoff: false
            end: false              # true: no flow is active any more
            events: [flow_started]  # events that must be among the turn's

The files are read with framework.spec's loader, so every problem is reported the way a
domain's are: `file:line:column`, the YAML path, expected / found, and the same stable codes
(E010 unknown key, E012 wrong type, E020 undefined intent, E022 undefined response ...).
Names are checked against the assistant, so a typo fails before any model is loaded.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, Mapping

from framework.compile.machine import Assistant, WebhookAction
from framework.engine.builtin_responses import BUILTIN_RESPONSES
from framework.spec.errors import SpecError, describe, did_you_mean, one_of
from framework.spec.files import YAML_SUFFIXES, _read_file
from framework.spec.loader import Document, Mark, Path, format_path

TESTS_DIR = "tests"  # inside a domain directory; framework.spec.files does not read it as domain YAML

FILE_KEYS = ("tests", "webhooks")
TEST_KEYS = ("description", "webhooks", "steps")
STEP_KEYS = ("user", "intent", "bot", "flow", "state", "slots", "handoff", "end", "events")
BOT_ITEM_KEYS = ("text", "contains")
ANSWER_KEYS = ("status", "json", "delay")
MAX_DELAY = 30.0  # seconds: enough to outlast any webhook timeout, bounded so a test ends


@dataclass(frozen=True)
class Expectation:
    """One thing that must hold after a turn. `what`: bot, intent, slot, flow, state,
    handoff, end or events; `name` is the slot's for `slot`."""
    what: str
    value: Any
    mark: Mark
    name: str = ""


@dataclass(frozen=True)
class BotLine:
    """An expected reply: a response name, an exact text, or a part of the text."""
    match: str  # "response", "text" or "contains"
    value: str

    def matches(self, reply) -> bool:
        if self.match == "response":
            return reply.response == self.value
        if self.match == "text":
            return reply.text == self.value
        return self.value in reply.text

    def __str__(self) -> str:
        if self.match == "response":
            return self.value
        return f'"{self.value}"' if self.match == "text" else f'(contains "{self.value}")'


@dataclass(frozen=True)
class Step:
    user: str
    expectations: tuple[Expectation, ...]
    mark: Mark


@dataclass(frozen=True)
class WebhookAnswer:
    status: int = 200
    json: Any = field(default_factory=dict)  # None: no body
    delay: float = 0.0


@dataclass(frozen=True)
class ConversationTest:
    name: str
    mark: Mark  # of the test's name
    steps: tuple[Step, ...]
    webhooks: Mapping[str, tuple[WebhookAnswer, ...]]
    description: str = ""

    @property
    def file(self) -> str:
        return self.mark.file


def test_files(domain_dir: str | os.PathLike) -> list[FsPath]:
    folder = FsPath(domain_dir) / TESTS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())


def read_tests(domain_dir: str | os.PathLike, assistant: Assistant,
               files: list[FsPath] | None = None) -> tuple[list[ConversationTest], list[SpecError]]:
    """All tests of the domain's tests/ folder (or of `files`), and every problem found."""
    errors: list[SpecError] = []
    tests: list[ConversationTest] = []
    for path in test_files(domain_dir) if files is None else files:
        doc = _read_file(FsPath(path), errors)
        if doc is not None:
            tests += _FileReader(doc, assistant, errors).read()
    return tests, errors


class _FileReader:
    def __init__(self, doc: Document, assistant: Assistant, errors: list[SpecError]):
        self.doc, self.assistant, self.errors = doc, assistant, errors

    def error(self, code: str, path: Path, message: str, *, key: bool = False, **kw: str) -> None:
        m = self.doc.mark(path, key)
        self.errors.append(SpecError(m.file, m.line, m.column, code, format_path(path), message, **kw))

    def mapping(self, value: Any, path: Path, allowed: tuple[str, ...], what: str) -> bool:
        """Is `value` a mapping of known keys? Unknown keys are reported (and ignored)."""
        if not isinstance(value, dict):
            self.error("E012", path, f"{what} must be a mapping", expected="'key: value' lines",
                       found=describe(value))
            return False
        for key in value:
            if key not in allowed:
                self.error("E010", path + (key,), f"unknown key '{key}'", key=True,
                           expected=one_of(allowed), found=f"'{key}'", hint=did_you_mean(key, allowed))
        return True

    def read(self) -> list[ConversationTest]:
        data = self.doc.data
        if not self.mapping(data, (), FILE_KEYS, "a test file"):
            return []
        defaults = self.webhooks(data.get("webhooks", {}), ("webhooks",))
        if "tests" not in data:
            self.error("E011", (), "missing key 'tests'", expected="'tests:' with a mapping of named tests",
                       found="no 'tests' key")
            return []
        tests = data["tests"]
        if not isinstance(tests, dict) or not tests:
            self.error("E012", ("tests",), "'tests' must be a mapping of test names to tests",
                       expected="'name:' lines, each holding 'steps:'", found=describe(tests))
            return []
        return [t for name, body in tests.items()
                if (t := self.test(name, body, ("tests", name), defaults)) is not None]

    def test(self, name: str, body: Any, path: Path, defaults: dict) -> ConversationTest | None:
        if not self.mapping(body, path, TEST_KEYS, f"test '{name}'"):
            return None
        description = body.get("description", "")
        if not isinstance(description, str):
            self.error("E012", path + ("description",), "a description is text", expected="text",
                       found=describe(description))
        webhooks = {**defaults, **self.webhooks(body.get("webhooks", {}), path + ("webhooks",))}
        steps = body.get("steps")
        if not isinstance(steps, list) or not steps:
            code = "E011" if steps is None else "E012"
            self.error(code, path + ("steps",) if steps is not None else path, f"test '{name}' has no steps",
                       key=steps is None, expected="'steps:' with a list of '- user: ...' items",
                       found=describe(steps))
            return None
        turns = [self.step(step, path + ("steps", i)) for i, step in enumerate(steps)]
        if any(t is None for t in turns):
            return None
        return ConversationTest(name, self.doc.mark(path, key=True), tuple(turns), webhooks,
                                description if isinstance(description, str) else "")

    # ------------------------------------------------------------------ webhook fixtures

    def webhooks(self, value: Any, path: Path) -> dict[str, tuple[WebhookAnswer, ...]]:
        if not isinstance(value, dict):
            self.error("E012", path, "'webhooks' must be a mapping", expected="'action: answer' lines",
                       found=describe(value))
            return {}
        result = {}
        for action, answers in value.items():
            kind = self.assistant.actions.get(action)
            if kind is None:
                self.error("E023", path + (action,), f"unknown action '{action}'", key=True,
                           expected=one_of(self.assistant.actions), found=f"'{action}'",
                           hint=did_you_mean(action, self.assistant.actions))
                continue
            if not isinstance(kind, WebhookAction):
                self.error("E055", path + (action,), f"'{action}' is a python action; only webhooks take answers",
                           key=True, expected="a webhook action", found="type: python")
                continue
            items = answers if isinstance(answers, list) else [answers]
            if not items:
                self.error("E014", path + (action,), "no answers", expected="at least one answer",
                           found="an empty list")
                continue
            read = [self.answer(a, path + (action,) + ((i,) if isinstance(answers, list) else ()))
                    for i, a in enumerate(items)]
            if all(a is not None for a in read):
                result[action] = tuple(read)
        return result

    def answer(self, value: Any, path: Path) -> WebhookAnswer | None:
        if not self.mapping(value, path, ANSWER_KEYS, "a webhook answer"):
            return None
        status, delay = value.get("status", 200), value.get("delay", 0)
        ok = True
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            self.error("E014", path + ("status",), "not an HTTP status", expected="an integer from 100 to 599",
                       found=describe(status))
            ok = False
        if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 <= delay <= MAX_DELAY:
            self.error("E014", path + ("delay",), "not a delay in seconds",
                       expected=f"a number from 0 to {MAX_DELAY:g}", found=describe(delay))
            ok = False
        body = value.get("json", None if status == 204 else {})
        return WebhookAnswer(status, body, float(delay)) if ok else None

    # ------------------------------------------------------------------ steps

    def step(self, value: Any, path: Path) -> Step | None:
        if not self.mapping(value, path, STEP_KEYS, "a step"):
            return None
        user = value.get("user")
        if not isinstance(user, str) or not user.strip():
            # YAML reads `yes` as true and `0042` as the octal number 34: only text is taken as it is.
            hint = "Put it in quotes: user: \"...\"." if isinstance(user, (bool, int, float)) else ""
            self.error("E011" if user is None else "E012", path + (("user",) if "user" in value else ()),
                       "a step starts with what the user says", expected="'user: <message>' with text",
                       found=describe(user), hint=hint)
            return None
        checks: list[Expectation] = []
        for key, item in value.items():
            if key == "user" or key not in STEP_KEYS:
                continue
            mark = self.doc.mark(path + (key,), key=True)
            if key == "slots":
                checks += self.slots(item, path + (key,))
            elif (checked := getattr(self, f"check_{key}")(item, path + (key,), value)) is not _BAD:
                checks.append(Expectation(key, checked, mark))
        return Step(user, tuple(checks), self.doc.mark(path + ("user",)))

    def name(self, value: Any, path: Path, names, kind: str, code: str) -> Any:
        if not isinstance(value, str):
            self.error("E012", path, f"{kind} name expected", expected=f"a {kind} name", found=describe(value))
            return _BAD
        if value not in names:
            self.error(code, path, f"unknown {kind} '{value}'", expected=one_of(names), found=f"'{value}'",
                       hint=did_you_mean(value, names))
            return _BAD
        return value

    def check_intent(self, value, path, step):
        return self.name(value, path, self.assistant.intents, "intent", "E020")

    def check_flow(self, value, path, step):
        return None if value is None else self.name(value, path, self.assistant.flows, "flow", "E025")

    def check_state(self, value, path, step):
        flow = self.assistant.flows.get(step.get("flow"))
        if flow is not None:
            names = flow.states
        else:
            names = {s for f in self.assistant.flows.values() for s in f.states}
        return self.name(value, path, names, "state", "E024")

    def check_handoff(self, value, path, step):
        return self.boolean(value, path)

    def check_end(self, value, path, step):
        return self.boolean(value, path)

    def boolean(self, value, path):
        if not isinstance(value, bool):
            self.error("E012", path, "not true or false", expected="true or false", found=describe(value))
            return _BAD
        return value

    def check_events(self, value, path, step):
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in items):
            self.error("E012", path, "event names expected", expected="a list of event names",
                       found=describe(value))
            return _BAD
        return tuple(items)

    def check_bot(self, value, path, step):
        items = value if isinstance(value, list) else [value]
        lines = [self.bot_line(item, path + ((i,) if isinstance(value, list) else ()))
                 for i, item in enumerate(items)]
        return _BAD if any(line is None for line in lines) else tuple(lines)

    def bot_line(self, item: Any, path: Path) -> BotLine | None:
        if isinstance(item, str):
            if item in self.assistant.responses or item in BUILTIN_RESPONSES:
                return BotLine("response", item)
            if re.fullmatch(r"utter_\w+", item):
                names = set(self.assistant.responses) | set(BUILTIN_RESPONSES)
                self.error("E022", path, f"unknown response '{item}'",
                           expected="a response name, or the exact text of a reply", found=f"'{item}'",
                           hint=did_you_mean(item, names))
                return None
            return BotLine("text", item)
        if isinstance(item, dict) and len(item) == 1:
            (kind, text), = item.items()
            if not self.mapping(item, path, BOT_ITEM_KEYS, "a reply"):
                return None
            if kind not in BOT_ITEM_KEYS:
                return None  # reported as an unknown key
            if isinstance(text, str):
                return BotLine(kind, text)
        self.error("E012", path, "a reply is a response name or a text",
                   expected="'utter_name', 'the exact text', {text: ...} or {contains: ...}", found=describe(item))
        return None

    def slots(self, value: Any, path: Path) -> list[Expectation]:
        if not isinstance(value, dict):
            self.error("E012", path, "slots must be a mapping", expected="'slot: value' lines",
                       found=describe(value))
            return []
        checks = []
        for slot, expected in value.items():
            if slot not in self.assistant.slots:
                self.error("E021", path + (slot,), f"unknown slot '{slot}'", key=True,
                           expected=one_of(self.assistant.slots), found=f"'{slot}'",
                           hint=did_you_mean(slot, self.assistant.slots))
                continue
            checks.append(Expectation("slot", expected, self.doc.mark(path + (slot,), key=True), slot))
        return checks


_BAD = object()  # a value that was reported as a problem
