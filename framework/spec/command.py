"""`dialog validate DOMAIN_DIR [--json]`: check a domain and its flows, print every problem.

Exit status: 0 when the domain is valid, 2 when it has problems (never a traceback).
Warnings (W0xx: the domain runs, but a conversation can go wrong) are printed after the
errors, in the same format; with warnings only the exit status is 0 and the summary line
says how many there were.
Imports nothing heavy: validating must stay instant (a test guards that torch is not loaded).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from framework.spec import check_domain_dir
from framework.spec.errors import CODES, WARNINGS, SpecError, SpecErrors


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dialog validate",
        description="Check a domain (every *.yml in its directory) and the flow files it lists. "
                    "Prints every problem with file:line:column, the YAML path, a stable code, "
                    "what was expected and what was found.",
        epilog="Exit status: 0 valid (warnings, W0xx, are printed but do not fail), 2 problems found. "
               "Error and warning codes are listed in docs/ERRORS.md (or run with --codes).",
    )
    parser.add_argument("domain_dir", nargs="?", metavar="DOMAIN_DIR",
                        help="the domain directory, e.g. domains/telecom_zh")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON object {ok, summary, errors: [{code, file, line, column, path, "
                             "message, expected, found, hint}], warnings: [same]} instead of text")
    parser.add_argument("--codes", action="store_true", help="list the error codes and their meaning, then exit")
    return parser


def summary(assistant) -> str:
    states = sum(len(f.states) for f in assistant.flows.values())
    return (f"{assistant.source_dir}: {len(assistant.intents)} intents, {len(assistant.slots)} slots, "
            f"{len(assistant.responses)} responses, {len(assistant.actions)} actions, "
            f"{len(assistant.flows)} flows, {states} states: OK")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.codes:
        print("\n".join(f"{code}  {meaning}" for code, meaning in {**CODES, **WARNINGS}.items()))
        return 0
    if not args.domain_dir:
        parser.print_usage(sys.stderr)
        print("dialog validate: error: DOMAIN_DIR is required", file=sys.stderr)
        return 2

    from framework.compile.compiler import compile_assistant

    from framework.spec.flow_checks import check_warnings

    tree, errors = check_domain_dir(args.domain_dir)
    hint = rasa_project_hint(args.domain_dir) if errors else None
    warnings = sorted(set(check_warnings(tree))) if tree.complete else []
    if errors:
        problems = SpecErrors(errors)
        text = problems.format().splitlines()[-1].rstrip(".") + _warning_count(warnings) + "."
        lines = [e.format() for e in problems.errors]
    else:
        text = summary(compile_assistant(tree)) + _warning_count(warnings)
        lines = []
    if args.json:
        print(json.dumps({"ok": not errors, "summary": text, "errors": [e.to_json() for e in sorted(set(errors))],
                          "warnings": [w.to_json() for w in warnings]} | ({"hint": hint} if hint else {}),
                         ensure_ascii=False, indent=2))
    else:
        print("\n".join(([hint] if hint else []) + lines + [w.format() for w in warnings] + [text]))
    return 2 if errors else 0


# Files of a Rasa project besides domain.yml (`rasa init` writes all of these).
RASA_FILES = ("config.yml", "credentials.yml", "endpoints.yml", "data/nlu.yml", "data/stories.yml",
              "data/rules.yml", "data/flows.yml")
_RASA_VERSION = re.compile(r"""^version:\s*["']?([23]\.\d+)""", re.MULTILINE)


def rasa_project_hint(domain_dir: str) -> str | None:
    """The first line of `validate`'s answer for a Rasa project given as a domain: what makes
    it look like one, and the command that converts it. None for anything else."""
    root = Path(domain_dir)
    try:
        domain = (root / "domain.yml").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    version = _RASA_VERSION.search(domain)
    evidence = [f"domain.yml version {version.group(1)}"] if version else []
    evidence += [name for name in RASA_FILES if (root / name).is_file()]
    if not evidence or evidence == ["config.yml"] and not version:
        return None
    return (f"{domain_dir}: this looks like a Rasa project ({', '.join(evidence)}), not a dialogframe domain. "
            f"Convert it with `dialog import-rasa {domain_dir} OUT_DIR`, then validate OUT_DIR. "
            f"The problems of reading it as a dialogframe domain follow.")


def _warning_count(warnings: list[SpecError]) -> str:
    return f", {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else ""


if __name__ == "__main__":
    sys.exit(main())
