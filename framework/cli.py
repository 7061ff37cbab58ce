"""`dialog SUBCOMMAND ...` and `python -m framework SUBCOMMAND ...`.

Each subcommand lives in its own module and is imported only when it runs, so `--help` and
`validate` never import torch (Rasa's CLI took seconds to print its help for that reason).
"""
from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "validate": ("framework.spec.command", "check a domain and its flows; print every problem (exit 2 if any)"),
    "graph": ("framework.compile.diagram", "draw a domain's flows as Mermaid, Graphviz DOT or PNG"),
    "train": ("framework.nlu.train", "fine-tune the BERT intent classifier on a domain's intents"),
    "evaluate": ("framework.nlu.evaluate", "evaluate a trained model: accuracy, macro-F1, confusion matrix"),
    "distill": ("framework.nlu.distill", "train a smaller, faster model on a trained model's answers (--teacher DIR)"),
    "shell": ("framework.shell", "talk to an assistant in the terminal"),
    "serve": ("framework.server.command", "serve an assistant over HTTP (REST, WeChat, Telegram, Slack channels)"),
    "test": ("framework.convtest.command", "run a domain's conversation tests (DOMAIN/tests/*.yml); exit 1 on a failure"),
    "init": ("framework.scaffold.command", "create a new assistant (domain, flow, tests, README) to start from"),
    "import-rasa": ("framework.rasa_import.command", "convert a Rasa 3.x project (domain, NLU data, rules, forms, flows)"),
}


def usage() -> str:
    width = max(map(len, COMMANDS))
    lines = ["usage: dialog COMMAND [options]   (or: python -m framework COMMAND)", "", "commands:"]
    lines += [f"  {name:<{width}}  {desc}" for name, (_, desc) in COMMANDS.items()]
    lines += ["", "Run `dialog COMMAND --help` for a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        import difflib

        close = difflib.get_close_matches(name, COMMANDS, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        print(f"dialog: unknown command '{name}'.{hint}\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[name][0])
    return int(module.main(rest) or 0)


if __name__ == "__main__":
    sys.exit(main())
