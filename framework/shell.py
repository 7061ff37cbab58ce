"""`dialog shell DOMAIN`: talk to an assistant in the terminal.

Refuses to start without a trained model: there is no keyword-matching stand-in for the
classifier. Commands: /debug (show intent, confidence and slots each turn), /slots,
/restart, /quit.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Callable

HELP = "Commands: /debug  /slots  /restart  /quit"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dialog shell", description="Talk to an assistant in the terminal.")
    parser.add_argument("domain", help="domain directory, e.g. domains/telecom_zh")
    parser.add_argument("--model", help="trained model directory (default: models/<domain name>/)")
    parser.add_argument("--debug", action="store_true", help="show intent, confidence and slots every turn")
    parser.add_argument("--demo-backend", action="store_true",
                        help="start the domain's demo backend (backend.py) in process")
    parser.add_argument("--backend-port", type=int, default=None,
                        help="port of the demo backend (default: PORT in the domain's backend.py, else the "
                             "port of its first local webhook URL, else 5055; 0: any free port)")
    parser.add_argument("--sender", default="shell", help="sender id of the conversation")
    return parser


def _format_reply(reply) -> str:
    text = f"bot> {reply.text}"
    if reply.buttons:
        text += "\n     " + "  ".join(f"[{b.title} -> {b.payload}]" for b in reply.buttons)
    return text


def _format_debug(turn) -> str:
    nlu = turn.nlu
    top = nlu.intent
    intent = f"{top.name} ({top.confidence:.2f})" if top else "none"
    slots = json.dumps(dict(turn.state.slots), ensure_ascii=False, default=str)
    flows = " > ".join(f"{f.flow}.{f.state}" for f in turn.state.stack) or "-"
    lines = [f"  intent: {intent}   flow: {flows}", f"  slots: {slots}"]
    if nlu.entities:
        lines.append("  entities: " + ", ".join(f"{e.entity}={e.value!r}" for e in nlu.entities))
    # why a value was not taken is said beside the event ("entity_ignored(amount: …)")
    lines.append("  events: " + ", ".join(
        f"{e.name}({json.dumps(dict(e.data), ensure_ascii=False, default=str)})" if "ignored" in e.name or e.name == "flow_deferred" else e.name
        for e in turn.events))
    return "\n".join(lines)


async def converse(agent, *, sender: str = "shell", debug: bool = False,
                   read: Callable[[str], str] = input, write: Callable[[str], None] = print) -> None:
    """The read-reply loop; `read` raises EOFError at the end of input."""
    state = None
    write(HELP)
    while True:
        try:
            text = (await asyncio.to_thread(read, "you> ")).strip()
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        if not text:
            continue
        if text in ("/quit", "/exit"):
            return
        if text == "/debug":
            debug = not debug
            write(f"debug {'on' if debug else 'off'}")
            continue
        if text == "/slots":
            write(json.dumps(dict(state.slots) if state else {}, ensure_ascii=False, indent=2, default=str))
            continue
        if text == "/restart":
            state = None
            write("(new conversation)")
            continue
        if text == "/help":
            write(HELP)
            continue
        turn = await agent.handle(state, sender, text, channel="shell")
        state = turn.state
        if debug:
            write(_format_debug(turn))
        for reply in turn.replies:
            write(_format_reply(reply))


async def _run(assistant, classifier, args) -> None:
    from framework.actions import ActionExecutor
    from framework.agent import Agent, classifier_parser

    runner = None
    if args.demo_backend:
        from framework.actions.demo_backend import bound_port, start_demo_backend

        runner = await start_demo_backend(args.domain, port=args.backend_port, assistant=assistant)
        print(f"demo backend listening on http://127.0.0.1:{bound_port(runner)}")
    try:
        async with ActionExecutor(assistant) as executor:
            agent = Agent(assistant, classifier_parser(classifier, assistant), executor)
            await converse(agent, sender=args.sender, debug=args.debug)
    finally:
        if runner is not None:
            await runner.cleanup()


def backend_port_problem(args, assistant) -> tuple[str | None, object]:
    """A busy port's one line (or None), and the assistant with the webhooks that call the demo
    backend's usual port pointed at --backend-port."""
    if not args.demo_backend:
        return None, assistant
    from framework.actions.demo_backend import chosen_port, default_port, follow_backend_port, warn_unreached_webhooks
    from framework.server.ports import busy_port_message

    try:
        usual = default_port(args.domain, assistant)
    except FileNotFoundError as err:
        return f"dialog shell: --demo-backend: {err}", assistant
    args.backend_port = chosen_port(usual, args.backend_port)
    assistant = follow_backend_port(assistant, usual, args.backend_port)
    problem = busy_port_message("127.0.0.1", args.backend_port, "demo backend", "--backend-port", "dialog shell")
    if not problem:
        warn_unreached_webhooks(assistant, args.backend_port, "dialog shell")
    return problem, assistant


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from framework.spec import SpecErrors, load_assistant

    try:
        assistant = load_assistant(args.domain)
    except SpecErrors as err:
        print(str(err), file=sys.stderr)
        return 2
    problem, assistant = backend_port_problem(args, assistant)
    if problem:  # before the model loads: a busy port is one line, not a traceback later
        print(problem, file=sys.stderr)
        return 2
    import framework.nlu as nlu

    model_dir = Path(args.model) if args.model else nlu.default_model_dir(args.domain)
    missing = f"No trained model at {model_dir}. Train one first: python train.py {args.domain}"
    if not model_dir.is_dir():
        print(missing, file=sys.stderr)
        return 2
    try:
        classifier = nlu.load_classifier(model_dir, assistant, quantize="auto", runtime="auto")
    except FileNotFoundError:
        print(missing, file=sys.stderr)
        return 2
    except RuntimeError as err:  # ModelMismatchError: trained for other intents
        if type(err).__name__ != "ModelMismatchError":
            raise
        print(str(err), file=sys.stderr)
        return 2
    try:
        asyncio.run(_run(assistant, classifier, args))
    except OSError as err:  # e.g. the demo backend's port is taken
        print(f"dialog shell: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
