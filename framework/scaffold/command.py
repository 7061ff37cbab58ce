"""`dialog init NAME --language zh|en [--dir PATH]`: write a new assistant into PATH/NAME."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

LANGUAGES = ("en", "zh")
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dialog init",
        description="Create a new assistant: domain.yml with the intents every assistant needs (greet, yes, no, "
                    "cancel, a person, out of scope), one example flow with a question and a confirmation, "
                    "conversation tests and a README. It validates, trains and passes its tests as it is.")
    parser.add_argument("name", help="the assistant's name: a letter, then letters, digits, '_' or '-'")
    parser.add_argument("--language", required=True, choices=LANGUAGES,
                        help="the language of its examples and replies")
    parser.add_argument("--dir", default=".", metavar="PATH",
                        help="the folder to create it in (default: the current folder); it goes to PATH/NAME")
    return parser


def templates(language: str) -> dict[str, str]:
    if language == "zh":
        from framework.scaffold.templates_zh import FILES
    else:
        from framework.scaffold.templates_en import FILES
    return FILES


def scaffold(name: str, language: str, parent: str | Path = ".") -> Path:
    """Write the assistant to parent/name and return that folder (which must not hold files)."""
    target = Path(parent) / name
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FileExistsError(f"{target} already exists and is not an empty folder")
    for relative, text in templates(language).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("__NAME__", name), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not NAME.fullmatch(args.name):
        print(f"dialog init: '{args.name}' is not a usable name. Expected a letter, then letters, digits, "
              f"'_' or '-' (64 at most), e.g. 'support_bot'.", file=sys.stderr)
        return 2
    try:
        target = scaffold(args.name, args.language, args.dir)
    except (FileExistsError, OSError) as err:
        print(f"dialog init: {err}", file=sys.stderr)
        return 2
    print(f"Created {target}/ (read {target / 'README.md'}). Next:\n"
          f"  dialog validate {target}\n"
          f"  dialog train {target}      (writes models/{args.name}/)\n"
          f"  dialog test {target}\n"
          f"  dialog shell {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
