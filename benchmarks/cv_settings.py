"""K-fold cross-validation of a domain's training examples with training settings changed:
the way to choose a setting on training data only, never on a fresh test file.

    python benchmarks/cv_settings.py defaults
    python benchmarks/cv_settings.py lr5e-5 learning_rate=5e-5
    python benchmarks/cv_settings.py no-entities entities=off --domain domains/telecom_zh
    python benchmarks/cv_settings.py query-prefix --prefix "query: "
    python benchmarks/cv_settings.py ls0.1 label_smoothing=0.1 --fold-seed 7 --report /tmp/ls.json

The folds are those of `dialog evaluate DOMAIN --cross-validation K` (stratified, seed 13) and
each fold is trained as that command trains it (train.py's defaults, the threshold folds off),
except for the NAME=VALUE settings, which are fields of framework.nlu.train's ModelArguments
and TrainingArguments (the long options of train.py with `_` for `-`). `--prefix TEXT` puts
TEXT before every text, training and test alike (entity offsets shifted), as part of the data
(how the base's own prefix, `text_prefix=auto`, was first tried).

Runs framework.nlu.evaluate.cross_validate; prints each fold's accuracy, then one JSON line: pooled intent accuracy, each fold's accuracy
and seconds, the entity F1 (exact span and label) over the annotated held-out examples, and
each fold's (best validation epoch, epochs of its final model); the line is also appended to
--results. --report adds each fold's validation scores per epoch.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("name", help="a name for this row of results")
    p.add_argument("settings", nargs="*", metavar="NAME=VALUE", help="training/model arguments to change")
    p.add_argument("--domain", default=str(ROOT / "domains" / "telecom_zh"))
    p.add_argument("--base-model", default=None, help="default: the domain language's default base")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--fold-seed", type=int, default=13, help="seed of the stratified folds (13: dialog evaluate's)")
    p.add_argument("--threads", type=int, default=1, help="torch threads per training (default 1)")
    p.add_argument("--prefix", default="", help="text put before every example and test text")
    p.add_argument("--results", default="reports/cv_settings.jsonl", help="JSON lines file the result is appended to")
    p.add_argument("--report", default=None, metavar="FILE",
                   help="also write the pooled report (per intent, confusion matrix, confused pairs) as JSON")
    return p.parse_args(argv)


def settings_objects(settings: list[str], threads: int):
    from framework.nlu.train import ModelArguments, TrainingArguments

    model_args = ModelArguments()
    train_args = TrainingArguments(threads=threads, progress=False, threshold_folds=0)
    for item in settings:
        key, sep, value = item.partition("=")
        target = model_args if hasattr(model_args, key) else train_args if hasattr(train_args, key) else None
        if not sep or target is None:
            raise SystemExit(f"cv_settings: {item!r} is not NAME=VALUE of a training or model argument")
        current = getattr(target, key)
        setattr(target, key, value.lower() in ("1", "true", "yes") if isinstance(current, bool)
                else type(current)(value) if current is not None else value)
    return model_args, train_args


def prefixed(examples, prefix: str):
    if not prefix:
        return examples
    n = len(prefix)
    return [dataclasses.replace(e, text=prefix + e.text, entities=tuple(
        dataclasses.replace(a, start=a.start + n, end=a.end + n) for a in e.entities)) for e in examples]


def recording_fold_training(fold_training: list):
    """Have cross_validate's fold trainings append what each returns (its epoch choice) to
    `fold_training`: cross_validate deletes each fold's model folder, and with it the epoch
    that fold trained, which is what tells an epoch setting's effect apart from luck."""
    from framework.nlu import fit

    train_and_save = fit.train_and_save

    def recorded(*args, **kwargs):
        out = train_and_save(*args, **kwargs)
        history, refit = out["metrics"]["history"], out["metrics"]["refit"] or {}
        fold_training.append({
            "best_epoch": history["best_epoch"], "stopped": history.get("stopped"),
            "refit_epochs": refit.get("epochs_used"),
            "valid": [{k: round(r[k], 4) for k in ("epoch", "valid_accuracy", "valid_entity_f1") if k in r}
                      for r in history.get("epochs", [])]})
        return out

    fit.train_and_save = recorded  # cross_validate imports it from the module when it runs


def main(argv=None) -> int:
    args = parse_args(argv)
    from framework.nlu import data as nlu_data
    from framework.nlu.base_models import resolve
    from framework.nlu.evaluate import cross_validate
    from framework.spec import load_assistant

    model_args, train_args = settings_objects(args.settings, args.threads)
    assistant = load_assistant(args.domain)
    examples = prefixed(nlu_data.dedupe(nlu_data.from_assistant(assistant)), args.prefix)
    fold_training: list = []
    recording_fold_training(fold_training)
    oos = assistant.behaviours.out_of_scope.intents[0] if assistant.behaviours.out_of_scope.intents else None
    report = cross_validate(examples, args.folds, oos, assistant.intent_fingerprint, args.threads,
                            str(resolve(args.base_model, assistant.language).path),
                            text_prefix=model_args.text_prefix == "auto", model_args=model_args,
                            train_args=train_args, fold_seed=args.fold_seed)
    cv = report["cross_validation"]
    row = {"name": args.name, "domain": Path(args.domain).name, "settings": args.settings, "prefix": args.prefix,
           "fold_seed": args.fold_seed, "accuracy": round(report["accuracy"], 4),
           "fold_accuracy": [round(a, 4) for a in cv["fold_accuracy"]], "fold_seconds": cv["fold_seconds"],
           "entity_f1": round(cv["entities"]["f1"], 4) if "entities" in cv else None, "examples": len(examples),
           "fold_epochs": [(t["best_epoch"], t["refit_epochs"]) for t in fold_training],
           "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    print(json.dumps(row, ensure_ascii=False), flush=True)
    if args.report:
        Path(args.report).parent.mkdir(parents=True, exist_ok=True)
        Path(args.report).write_text(json.dumps({**row, "fold_training": fold_training, "report": report},
                                                ensure_ascii=False, indent=1),
                                     encoding="utf-8")
    Path(args.results).parent.mkdir(parents=True, exist_ok=True)
    with open(args.results, "a", encoding="utf-8") as f:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
