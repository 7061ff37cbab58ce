"""The fallback threshold rules side by side on trained models (issue 7): the 5% quantile of
the correct in-scope out-of-fold confidences (the rule before) and the mean log-odds of their
lowest 8% (framework.nlu.metrics.pooled_threshold, the rule now; 12% until session 14).

    python benchmarks/threshold_stability.py domains/banking_en M13 M1 M2 \\
        --data domains/banking_en/eval/fresh_test.csv

Reads each model's saved out-of-fold predictions (evaluation.json, written by train.py when
the threshold folds are used), so no training: a rule that needs only those predictions is
applied to models trained under another rule. Prints, per model and rule, the threshold, the
share of correct out-of-fold answers it keeps and the out-of-scope examples' recall, then per
rule: the spread over the models, and the standard deviation over `--resamples` resamplings
(with replacement) of each model's out-of-fold predictions, which stands in for other seeds;
with `--data FILE`, each file scored as users get the answers at each threshold (below it =
out of scope): in scope, out of scope caught, confidently wrong. Choose a rule on the
out-of-fold figures, never on a held-out file.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from framework.nlu import metrics  # noqa: E402  (numpy only)

RULES = {"5% quantile (before)": lambda ok: float(np.quantile(ok, 0.05)),
         "tail mean 12% (sessions 12-14)": lambda ok: metrics.tail_mean_threshold(ok, 0.12),
         f"tail mean {metrics.TAIL_SHARE:.0%} (now)": metrics.tail_mean_threshold}


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("domain", help="the domain the models were trained for (its out-of-scope intent)")
    p.add_argument("models", nargs="+", help="trained model folders (evaluation.json with out-of-fold predictions)")
    p.add_argument("--data", action="append", default=[], help="labelled file to score at each threshold; repeatable")
    p.add_argument("--resamples", type=int, default=300)
    return p.parse_args(argv)


def out_of_fold(model: Path, oos: str):
    report = json.loads((model / "evaluation.json").read_text(encoding="utf-8"))
    if not report.get("data", "").startswith("out-of-fold"):
        sys.exit(f"{model}/evaluation.json: no out-of-fold predictions (found {report.get('data')!r}); "
                 "train below 1000 examples with --threshold-folds K >= 2")
    gold, pred, conf = (np.array(x) for x in zip(*report["predictions"]))
    conf = conf.astype(float)
    return gold, pred, conf, gold == oos


def main(argv=None) -> None:
    args = parse_args(argv)
    from framework.nlu import data as nlu_data
    from framework.spec import load_assistant

    assistant = load_assistant(args.domain)
    oos = assistant.behaviours.out_of_scope.intents[0]
    files = {Path(f).name: nlu_data.read_data_file(f) for f in args.data}
    thresholds: dict[str, list[float]] = {r: [] for r in RULES}
    resampled_sd: dict[str, list[float]] = {r: [] for r in RULES}
    print("| model | rule | threshold | kept (out-of-fold) | OOS examples' recall | "
          + " | ".join(f"{n}: in scope / OOS caught / confidently wrong" for n in files) + " |")
    print("|---|---|---|---|---|" + "---|" * len(files))
    for folder in map(Path, args.models):
        gold, pred, conf, neg = out_of_fold(folder, oos)
        ok = conf[(gold == pred) & ~neg]
        fresh = {}
        if files:
            from framework.nlu.model import load_classifier

            classifier = load_classifier(folder, assistant, threads=1)
            for name, rows in files.items():
                top = [p[0] for p in classifier.predict([r.text for r in rows])]
                fresh[name] = ([r.intent for r in rows], [t.name for t in top], [t.confidence for t in top])
        rng = np.random.default_rng(0)
        samples = [rng.integers(0, len(gold), len(gold)) for _ in range(args.resamples)]
        for rule_name, rule in RULES.items():
            t = rule(ok)
            thresholds[rule_name].append(t)
            resampled_sd[rule_name].append(float(np.std(
                [rule(conf[i][(gold[i] == pred[i]) & ~neg[i]]) for i in samples])))
            oof = metrics.scope_metrics(list(gold), list(pred), list(conf), t, oos)
            cells = []
            for g, p, c in fresh.values():
                s = metrics.scope_metrics(g, p, c, t, oos)
                if s is None:  # a file without out-of-scope messages
                    s = {"in_scope_accuracy": float(np.mean([a == b and x >= t for a, b, x in zip(g, p, c)])),
                         "oos_recall": float("nan"), "confidently_wrong": float(np.mean(
                             [a != b and x >= t and b != oos for a, b, x in zip(g, p, c)]))}
                cells.append(f"{100 * s['in_scope_accuracy']:.2f} / {100 * s['oos_recall']:.2f} / "
                             f"{100 * s['confidently_wrong']:.2f}")
            print(f"| {folder.name} | {rule_name} | {t:.4f} | {100 * np.mean(ok >= t):.1f}% | "
                  f"{100 * oof['oos_recall']:.1f}% | " + " | ".join(cells) + (" |" if cells else "|"))
    print("\n| rule | thresholds | spread | SD under resampling (mean over models) |\n|---|---|---|---|")
    for rule_name, ts in thresholds.items():
        print(f"| {rule_name} | {' / '.join(f'{t:.4f}' for t in ts)} | {max(ts) - min(ts):.3f} | "
              f"{np.mean(resampled_sd[rule_name]):.3f} |")


if __name__ == "__main__":
    main()
