"""Hostile and malformed messages through the rule-based readers and one engine turn, timed.

    python benchmarks/hostile_input.py [--domains domains/banking_en domains/telecom_zh]

Each message (up to the channels' 5,000-character limit) is read as the Agent reads it (runs of blanks
squeezed: framework.agent.squeezed), its entities extracted, and one turn taken at the example domain's
busiest waiting point (a transfer's confirmation; an account opening's name question), with a fixed intent in
place of the classifier (whose cost does not depend on such text beyond its token limit). Prints one table:
milliseconds per turn, worst first. The goal is that no message stalls a server: every turn well under a second
on this machine. Tests never assert timings; this script measures them.
"""
from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

CASES = {
    "spaces between": "4" + " " * 4990 + "x",
    "digits and spaces": "1 " * 2490,
    "dollar amounts": "$1 " * 1600,
    "one letter": "a" * 4999,
    "one hanzi": "我" * 4999,
    "one word": "send " * 999,
    "dashes": "-" * 4999,
    "card digit pairs": "4 8 " * 1240,
    "ordinal dates": "the 1st " * 600,
    "relations": "my son " * 700,
    "dots and spaces": ". " * 2400,
    "digits": "9" * 4999,
    "titles": "Mr " * 1600,
    "叫": "叫" * 4999,
    "一二三": "一二三" * 1600,
    "line breaks": "\n" * 4999,
    "emoji": "👍" * 2499,
    "not and names": "Tim not Tom " * 400,
    "minus amounts": "-1 " * 1600,  # session 32: a minus before a number refuses it
    "labelled losses": "损失1" * 1600,  # session 32: a number right after a slot's name fills it
    "times of day": "at 4:30 " * 600,  # session 33: a time of day is no amount
    "years": "since 1985 " * 450,  # session 33: nor a year
    "card ends": "尾号6688 " * 700,  # session 33: nor a card's end
}
WAITING = {"banking_en": ("send 60 to Yuki Sato", "transfer_money", "inform"),
           "telecom_zh": ("我要开户", "办理", "提供信息")}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--domains", nargs="+", default=["domains/banking_en", "domains/telecom_zh"])
    args = p.parse_args(argv)
    from framework.agent import squeezed
    from framework.engine.state import SessionState
    from framework.engine.turn import handle_message
    from framework.nlu.interface import IntentScore, NLUResult
    from framework.slots import extract_entities
    from framework.spec import load_assistant

    now = dt.datetime(2026, 12, 2, 10, 0)
    rows = []
    for domain in args.domains:
        assistant = load_assistant(domain, environ={})
        first, intent, answer = WAITING.get(Path(domain).name, (None, None, None))

        def turn(state, text, name):
            nlu = NLUResult(text, (IntentScore(name, 0.9),), tuple(extract_entities(assistant, text, now.date())))
            return handle_message(assistant, state, nlu, now=now).state

        start = SessionState.new("u", now)
        waiting = turn(start, first, intent) if first else start
        for name, raw in CASES.items():
            text = squeezed(raw)
            t = time.perf_counter()
            turn(waiting, text, answer or intent)
            rows.append((Path(domain).name, name, len(raw), (time.perf_counter() - t) * 1000))
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, load average {open('/proc/loadavg').read().split()[0]}\n")
    print("| domain | message | characters | ms per turn |")
    print("|---|---|---:|---:|")
    for domain, name, n, ms in sorted(rows, key=lambda r: -r[3]):
        print(f"| {domain} | {name} | {n} | {ms:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
