"""Rasa's test stories (`tests/*.yml` with `user:` steps) -> conversation tests
(`<domain>/tests/rasa_test_stories.yml`, run by `dialog test`).

Each `user:` step becomes a test step with its text (entity markup removed) and `intent:`;
the responses the bot runs until the next user message become its `bot:` list. A story with
anything else (a custom action, whose replies come from the action server; slot_was_set,
active_loop, checkpoints) is reported with its line and left out.
"""
from __future__ import annotations

import re
from typing import Any

from framework.rasa_import.located import LineDict, Report, line_of
from framework.spec.annotation import parse_example

OUTPUT = "rasa_test_stories.yml"


def convert(items: list[LineDict], responses: dict[str, Any], intents: dict[str, Any],
            report: Report) -> dict[str, Any]:
    tests: dict[str, Any] = {}
    for item in items:
        label = f"test story '{item.get('story')}'"
        steps = _steps(item, responses, intents, label, report)
        if steps:
            name = re.sub(r"\W+", "_", str(item.get("story") or "story")).strip("_").lower() or "story"
            while name in tests:
                name += "_"
            tests[name] = {"steps": steps}
    return {"tests": tests} if tests else {}


def _steps(item: LineDict, responses: dict, intents: dict, label: str, report: Report) -> list[dict] | None:
    out: list[dict[str, Any]] = []
    for step in item.get("steps") or ():
        if not isinstance(step, dict):
            continue
        if "user" in step:
            intent = step.get("intent")
            if intent not in intents:
                report.skip(step, label, f"intent {intent!r} is not among the converted intents; left out")
                return None
            text = parse_example(str(step["user"]).strip())[0].text
            out.append({"user": text, "intent": intent, "bot": []})
        elif "action" in step and out and step["action"] in responses:
            out[-1]["bot"].append(step["action"])
        elif "action" in step and step["action"] == "action_listen":
            continue
        else:
            kind = next(iter(step), "?")
            why = ("a custom action: its replies come from the action server, not known here" if "action" in step
                   else f"a '{kind}' step has no counterpart in a conversation test")
            report.skip(step, label, f"{why}; left out", line=line_of(step))
            return None
    return out or None
