"""Held-out test files for an example domain: build one from helpers' raw files, then list its misses.

    python benchmarks/heldout.py dedupe domains/banking_en raw_a.csv raw_b.csv --out eval/fresh_test_46.csv --cap 18
    python benchmarks/heldout.py misses /tmp/snap/domains/banking_en eval/fresh_test_46.csv /tmp/m/b-13 /tmp/m/b-1 ...

`dedupe` pools the raw files (text,intent) in order and keeps a row only when its intent is one of the
domain's, its text is neither a training example nor in any of the domain's eval files (compared as
tests/test_nlu_fresh_data.py compares them: case and end punctuation do not make a new sentence), and
its intent has fewer than --cap rows so far (the out-of-scope intent: --oos-cap). It prints only the
counts, so whoever builds the file need not read its sentences before the one scoring.

`add` appends examples (a JSON file: {"intent": ["text", ...]}) to the end of each intent's examples in the
domain file, under one comment line, after checking that none is already a training example or a row of any eval
file (the fresh files must stay apart from the training data: tests/test_nlu_fresh_data.py).

`misses` runs each model as `serve` runs it (below its threshold = out of scope) and prints every message
that at least one model gets wrong: the label, then each model's answer and confidence. Run it only
after the file's one scoring (BENCHMARKS.md), when the file leaves HELD_OUT.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _key(text: str) -> str:
    return text.lower().strip(" ?.!？。！")


def _rows(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [(r["text"].strip(), r["intent"].strip()) for r in csv.DictReader(f) if r.get("text") and r.get("intent")]


def dedupe(domain: Path, raws: list[Path], out: Path, cap: int, oos_cap: int) -> int:
    from framework.nlu import data as nlu_data
    from framework.spec import load_assistant

    assistant = load_assistant(domain)
    oos = assistant.behaviours.out_of_scope.intents[0]
    seen = {_key(e.text) for e in nlu_data.from_assistant(assistant)}
    for old in sorted((domain / "eval").glob("*.csv")):
        if old.resolve() != out.resolve():
            seen |= {_key(r.text) for r in nlu_data.read_data_file(old)}
    kept: list[tuple[str, str]] = []
    counts: Counter = Counter()
    dropped = Counter()
    for raw in raws:
        for text, intent in _rows(raw):
            if intent not in assistant.intents:
                dropped["unknown intent"] += 1
            elif _key(text) in seen:
                dropped["seen before"] += 1
            elif counts[intent] >= (oos_cap if intent == oos else cap):
                dropped["over the cap"] += 1
            else:
                seen.add(_key(text))
                counts[intent] += 1
                kept.append((text, intent))
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "intent"])
        w.writerows(kept)
    print(f"{out}: {len(kept)} rows; dropped: {dict(dropped)}")
    for intent in assistant.intents:
        print(f"  {intent}: {counts[intent]}")
    short = [i for i in assistant.intents if i != oos and counts[i] < 8] + ([oos] if counts[oos] < 30 else [])
    if short:
        print(f"too few rows (8 per intent, 30 out of scope): {', '.join(short)}")
        return 1
    return 0


_PLAIN_NAME = re.compile(r"(?:我叫|叫做|名字叫|名字是|名叫|姓名是)\s*[\u4e00-\u9fff]{2,3}(?![\u4e00-\u9fff\]])"
                         r"|\b(?:my name is|i'?m called|his name is|her name is)\s+[A-Z][a-z]+(?!\]|\w)")


def add(domain: Path, examples: Path, comment: str) -> int:
    import json

    from framework.nlu import data as nlu_data
    from framework.spec import load_assistant

    assistant = load_assistant(domain)
    wanted: dict[str, list[str]] = json.loads(examples.read_text(encoding="utf-8"))
    seen = {_key(e.text): "training" for e in nlu_data.from_assistant(assistant)}
    for old in sorted((domain / "eval").glob("*.csv")):
        seen.update({_key(r.text): old.name for r in nlu_data.read_data_file(old)})
    clashes = [(t, seen[_key(t)]) for texts in wanted.values() for t in texts if _key(t) in seen]
    unknown = [i for i in wanted if i not in assistant.intents]
    # a person's name written plainly becomes an everyday word of the domain, and customers of that name are no longer
    # taken (session 41: "办卡的是我老婆，名字叫王芳" broke 23 tests): annotate it or leave it out
    named = [t for texts in wanted.values() for t in texts if _PLAIN_NAME.search(t)]
    if clashes or unknown or named:
        for t, where in clashes:
            print(f"already in {where}: {t}")
        for i in unknown:
            print(f"no such intent: {i}")
        for t in named:
            print(f"a name written plainly (annotate it, e.g. [王芳](name), or leave it out): {t}")
        return 1
    path = domain / "domain.yml"
    lines = path.read_text(encoding="utf-8").split("\n")
    for intent, texts in wanted.items():
        start = next(i for i, line in enumerate(lines) if line.rstrip() == f"  {intent}:")
        end = next((i for i in range(start + 1, len(lines))  # the next intent, or the next top-level key
                    if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) <= 2), len(lines))
        while not lines[end - 1].strip():
            end -= 1
        quoted = ["      - '" + t.replace("'", "''") + "'" for t in texts]
        lines[end:end] = [f"      # {comment}"] + quoted
    path.write_text("\n".join(lines), encoding="utf-8")
    print(f"{path}: {sum(len(t) for t in wanted.values())} examples added to {len(wanted)} intents")
    return 0


def misses(domain: Path, data: Path, models: list[str]) -> int:
    from framework.nlu.data import read_data_file
    from framework.nlu.model import load_classifier
    from framework.spec import load_assistant

    assistant = load_assistant(domain)
    rows = read_data_file(data)
    texts = [r.text for r in rows]
    answers = []
    for m in models:
        clf = load_classifier(m, assistant, quantize="auto", runtime="auto", threads=1)
        oos = clf.meta.get("out_of_scope")
        got = []
        for p in clf.parse(texts):
            top = p.ranking[0]
            got.append((top.name if top.confidence >= clf.threshold else oos, top.name, top.confidence))
        answers.append(got)
    wrong = 0
    for i, r in enumerate(rows):
        per = [a[i] for a in answers]
        if any(decided != r.intent for decided, _, _ in per):
            wrong += 1
            said = " | ".join(f"{decided}" + (f" ({top} {c:.2f})" if top != decided else f" {c:.2f}")
                              for decided, top, c in per)
            n = sum(decided != r.intent for decided, _, _ in per)
            print(f"{n}/{len(per)}  [{r.intent}] {r.text}  ->  {said}")
    print(f"\n{wrong} of {len(rows)} messages wrong on at least one model")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dedupe", help="build a held-out file from raw files (prints counts only)")
    d.add_argument("domain", type=Path)
    d.add_argument("raw", type=Path, nargs="+")
    d.add_argument("--out", type=Path, required=True)
    d.add_argument("--cap", type=int, default=18, help="rows per in-scope intent (default 18)")
    d.add_argument("--oos-cap", type=int, default=80, help="out-of-scope rows (default 80)")
    a = sub.add_parser("add", help="append examples to a domain's intents, checked against every eval file")
    a.add_argument("domain", type=Path)
    a.add_argument("examples", type=Path, help='JSON: {"intent": ["text", ...]}')
    a.add_argument("--comment", required=True, help="the comment line above the new examples")
    m = sub.add_parser("misses", help="messages a model gets wrong, after the one scoring")
    m.add_argument("domain", type=Path)
    m.add_argument("data", type=Path)
    m.add_argument("models", nargs="+")
    args = p.parse_args(argv)
    if args.cmd == "dedupe":
        return dedupe(args.domain, args.raw, args.out, args.cap, args.oos_cap)
    if args.cmd == "add":
        return add(args.domain, args.examples, args.comment)
    return misses(args.domain, args.data, args.models)


if __name__ == "__main__":
    sys.exit(main())
