#!/usr/bin/env python3
"""Non-answers at a confirmation, with a real trained model: prints a Markdown table.

    python benchmarks/confirm_non_answers.py domains/banking_en --model models/banking_en
    python benchmarks/confirm_non_answers.py domains/telecom_zh --model models/telecom_zh

Each message of tests/data/confirm_non_answers_<language>.txt (emoji, punctuation,
questions, off-topic; never trained on) is sent at the example domain's confirmation
("Activate the card ending 4821 for John Smith?" / "确认办理吗？"), from the same saved
state, through the Agent with the trained classifier. Per category it counts:

- old rule: what the engine did before issue 8 (a yes word, or the affirm intent at or
  above the threshold) would have confirmed;
- confirmed / denied / re-asked: what the engine does now (framework/engine/confirm.py).

The confirmation is reached with button payloads, so the path does not depend on the model.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PATHS = {  # button payloads and answers that reach each domain's confirmation
    "banking_en": ["/activate_card", "4821", "John Smith"],
    "telecom_zh": ["/办理", "开户", "张三", "11010519491231002X", "59元"],
}


def read_set(language: str) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    current = None
    for line in (ROOT / "tests" / "data" / f"confirm_non_answers_{language}.txt").read_text("utf-8").splitlines():
        if line.startswith("## "):
            current = groups.setdefault(line[3:].strip(), [])
        elif line.strip() and not line.startswith("#"):
            current.append(line.strip())
    return groups


async def measure(domain_dir: Path, model_dir: Path) -> list[tuple[str, Counter]]:
    from framework.agent import Agent, classifier_parser
    from framework.engine import threshold
    from framework.nlu import load_classifier
    from framework.slots.answers import yes_no
    from framework.spec import load_assistant

    assistant = load_assistant(domain_dir)
    classifier = load_classifier(model_dir, assistant=assistant)
    agent = Agent(assistant, classifier_parser(classifier, assistant))  # no executor: never called
    state = None
    for text in PATHS[domain_dir.name]:
        state = (await agent.handle(state, "bench", text, now=1_700_000_000.0)).state
    assert state.frame and state.frame.waiting_for == "confirm", state.frame
    affirm = agent.assistant.behaviours.affirm.intents
    rows = []
    for category, texts in read_set(assistant.language).items():
        counts: Counter = Counter(n=len(texts))
        for text in texts:
            turn = await agent.handle(state, "bench", text, now=1_700_000_001.0)
            names = {e.name for e in turn.events}
            top = turn.nlu.intent
            old = yes_no(text) is True or (top is not None and top.name in affirm
                                             and top.confidence >= threshold(agent.assistant))
            counts["old rule"] += old
            counts["confirmed"] += "confirmed" in names
            counts["denied"] += "denied" in names
            counts["re-asked"] += turn.state.frame is not None and turn.state.frame.waiting_for == "confirm"
        rows.append((category, counts))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("domain", type=Path)
    parser.add_argument("--model", type=Path, required=True)
    args = parser.parse_args(argv)
    rows = asyncio.run(measure(args.domain.resolve(), args.model))
    print(f"### {args.domain.name}: non-answers at the confirmation ({args.model})\n")
    print("| category | n | old rule: confirmed | now: confirmed | now: denied | now: re-asked |")
    print("|---|---:|---:|---:|---:|---:|")
    total: Counter = Counter()
    for category, c in rows:
        total.update(c)
        print(f"| {category} | {c['n']} | {c['old rule']} | {c['confirmed']} | {c['denied']} | {c['re-asked']} |")
    print(f"| **all** | {total['n']} | {total['old rule']} | {total['confirmed']} | {total['denied']} "
          f"| {total['re-asked']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
