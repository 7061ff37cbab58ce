"""Intent classification on Banking77, SNIPS and CAIS: accuracy, training time, memory, speed;
on SNIPS and CAIS also the joint model's entity-level slot F1.

    python benchmarks/nlu_benchmark.py banking77 [--epochs N] [training options ...]
    python benchmarks/nlu_benchmark.py snips --threads 1             # joint intent + slots
    python benchmarks/nlu_benchmark.py snips --threads 1 --entities off   # intent-only, to compare
    python benchmarks/nlu_benchmark.py cais --threads 1 --base-model multilingual-e5-small
    python benchmarks/nlu_benchmark.py cais ... --valid-only --model-out DIR   # choose settings on valid
    python benchmarks/nlu_benchmark.py cais --evaluate-model DIR   # then the chosen model on test
    python benchmarks/nlu_benchmark.py --table          # the table of every run so far

SNIPS and CAIS come with BIO / BIOES slot tags (benchmarks/nlu_datasets.py): the model gets
the entity head unless `--entities off`. Slot F1 is entity-level micro F1 (conlleval: a slot
counts only when its exact character span and its label match), on `test`.

Each run trains on `train` (SNIPS, CAIS: model selection on `valid`; Banking77 has none, so
10% of train is split off, stratified), reports on `test` only, float32 and int8, and
appends one JSON line to benchmarks/results/nlu.jsonl (`--results` for another file): the
arguments, the source commit (with "+dirty" when framework/ or benchmarks/ had uncommitted
changes), UTC start and end, load average, model folder size. Run one data set per process
so that peak memory (RSS) is that data set's. `--model-out DIR` keeps the trained model.

To measure committed code while others edit the checkout, run the script from a clean
worktree and append to this checkout's results:

    git worktree add --detach /tmp/bench-src HEAD
    python /tmp/bench-src/benchmarks/nlu_benchmark.py cais ... --results benchmarks/results/nlu.jsonl
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import nlu_datasets  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "nlu.jsonl"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def source_commit() -> str | None:
    """The commit the measured code comes from, "+dirty" when framework/ or benchmarks/ (other
    than the results) differ from it; None outside a git checkout."""
    root = Path(__file__).resolve().parent.parent

    def git(*args):
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
    try:
        head = git("rev-parse", "--short=12", "HEAD")
        if head.returncode:
            return None
        changed = git("status", "--porcelain", "--", "framework", "benchmarks", ":!benchmarks/results").stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() + ("+dirty" if changed.strip() else "")


def folder_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2 ** 20, 1)


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def run(name: str, train_argv: list[str], out: str | None, label: str | None, limit: int = 0,
        train_limit: int = 0, valid_only: bool = False, results: Path = RESULTS) -> dict:
    from framework.nlu.fit import load_base_model, train_and_save
    from framework.nlu.train import parse_args

    _, model_args, train_args = parse_args(train_argv)
    train, valid, test = nlu_datasets.load(name)
    if limit:  # a smoke test of the script itself, not a benchmark
        train, valid, test = train[:limit], valid[:limit // 4] if valid else valid, test[:limit // 4]
    if train_limit and train_limit < len(train):  # an experiment on part of train: a seeded sample
        import random

        train = random.Random(0).sample(train, train_limit)
    load_before, started = os.getloadavg(), utc_now()
    commit = source_commit()  # before training: what was imported, not what changed during the run
    out_dir = Path(out or tempfile.mkdtemp(prefix=f"nlu_{name}_"))
    t0 = time.time()
    encoder, tokenizer = load_base_model(model_args.base_model, text_prefix=model_args.text_prefix == "auto")
    result = train_and_save(encoder, tokenizer, train, out_dir, model_args=model_args, train_args=train_args,
                            valid=valid, name=name)
    wall = time.time() - t0
    row = {"dataset": name, "label": label or "", "argv": train_argv, "date": time.strftime("%Y-%m-%d"),
           "commit": commit, "started_utc": started,
           "train_limit": train_limit, "report_split": "valid" if valid_only else "test",
           "train_examples": result["metrics"]["train_examples"], "train_wall_s": round(wall, 1),
           # with threshold folds (the default) the history holds the folds' and no epoch list of its own
           "fit_s": result["metrics"]["train_seconds"], "epochs": result["metrics"]["history"].get("epochs", []),
           "stopped": result["metrics"]["history"].get("stopped"), "best_epoch": result["metrics"]["history"].get("best_epoch"),
           "valid_accuracy": result["metrics"]["validation_accuracy"],
           "unk_share_before": result["metrics"]["unk_share_before"], "added_tokens": result["metrics"]["added_tokens"],
           "peak_rss_train_mb": round(peak_rss_mb()), "entity_labels": len(result.get("entity_labels") or ()),
           "valid_entity_f1": result["metrics"].get("validation_entity_f1"),
           "entity_threshold": result.get("entity_threshold")}
    # choosing settings (--valid-only): every figure on `valid`, `test` never looked at
    return evaluate(row, out_dir, valid if valid_only else test, train_args.threads, load_before, results)


def evaluate(row: dict, out_dir: Path, data, threads: int, load_before, results: Path) -> dict:
    """Score the model in `out_dir` on `data` (row["report_split"]): float, and int8 with speed
    figures on test; write its report into the model folder; append `row` to `results`."""
    from framework.nlu.evaluate import evaluate_classifier
    from framework.nlu.model import load_classifier
    from framework.nlu.report import write_report

    on_test = row["report_split"] == "test"
    t = time.time()
    clf = load_classifier(out_dir, threads=threads or None)
    row["load_s"] = round(time.time() - t, 2)
    variants = [("float", lambda: clf)] + ([("int8", lambda: load_classifier(
        out_dir, quantize=True, threads=threads or None))] if on_test else [])
    for variant, make in variants:  # an experiment on valid: float only, no speed figures
        r = evaluate_classifier(make(), data, speed=on_test)
        row[variant] = {"accuracy": r["accuracy"], "macro_f1": r["macro_f1"],
                        "ms_batch1": r.get("ms_per_sentence_batch1"),
                        "sent_s_batch32": r.get("sentences_per_s_batch32")}
        if r.get("entities"):
            e = r["entities"]
            row[variant]["slots"] = {k: e[k] for k in ("precision", "recall", "f1", "gold", "predicted", "correct")}
            row[variant]["slots"]["threshold"] = e.get("threshold")
        if variant == "float":
            r["data"] = f"{row['dataset']} {row['report_split']}"
            write_report(r, out_dir / f"{row['report_split']}_report", confusion_png=True)
            row["confused_pairs"] = r["confused_pairs"][:5]
    row["peak_rss_mb"] = max(round(peak_rss_mb()), row.get("peak_rss_train_mb", 0))
    row["loadavg_before_after"] = [round(load_before[0], 2), round(os.getloadavg()[0], 2)]
    row["finished_utc"] = utc_now()
    row["model_dir"] = str(out_dir)
    row["model_mb"] = folder_mb(out_dir)
    results.parent.mkdir(parents=True, exist_ok=True)
    with results.open("a", encoding="utf-8") as f:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return row


TEST_FIELDS = ("float", "int8", "confused_pairs", "load_s", "peak_rss_mb", "loadavg_before_after",
               "finished_utc", "model_mb")


def evaluate_kept(name: str, model_dir: str, label: str | None, results: Path) -> dict:
    """The test figures of a model kept by an earlier --valid-only run (--model-out): the model
    chosen on valid is the one reported on test, no second training. Its training record comes
    from that run's JSON line in `results`."""
    from framework.nlu.train import parse_args

    out_dir = Path(model_dir).resolve()
    lines = results.read_text(encoding="utf-8").splitlines() if results.exists() else []
    trained = [r for r in map(json.loads, filter(str.strip, lines))
               if r["dataset"] == name and r.get("model_dir") and Path(r["model_dir"]).resolve() == out_dir]
    if not trained or not (out_dir / "artifact.json").is_file():
        raise LookupError(f"--evaluate-model {model_dir}: expected a model folder that a {name} run recorded in "
                         f"{results} (train it with --model-out {model_dir}); found "
                         + ("no such record" if not trained else "no artifact.json in it"))
    row = {k: v for k, v in trained[-1].items() if k not in TEST_FIELDS}
    row["trained"] = {"report_split": row["report_split"], "started_utc": row.get("started_utc"),
                      "finished_utc": trained[-1].get("finished_utc"),
                      "loadavg_before_after": trained[-1].get("loadavg_before_after")}
    row.update(report_split="test", label=label or row["label"], started_utc=utc_now(), evaluated_by=source_commit())
    _, _, train_args = parse_args(row["argv"])
    return evaluate(row, out_dir, nlu_datasets.load(name)[2], train_args.threads, os.getloadavg(), results)


def table(results: Path = RESULTS) -> str:
    rows = [json.loads(l) for l in results.read_text(encoding="utf-8").splitlines() if l.strip()]
    lines = ["| data set | run | acc | slot F1 | macro-F1 | int8 acc | train wall | epochs | peak RSS | "
             "ms/sent b1 (f / int8) | sent/s b32 (f / int8) |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r.get("report_split", "test") != "test":
            continue  # settings experiments on valid (--valid-only): their JSON lines only
        f, q = r["float"], r["int8"]
        slot_f1 = f"{100 * f['slots']['f1']:.2f}" if f.get("slots") else "-"
        lines.append(
            f"| {r['dataset']} | {r['label']} | {100 * f['accuracy']:.2f} | {slot_f1} | {100 * f['macro_f1']:.2f} | "
            f"{100 * q['accuracy']:.2f} | {r['train_wall_s'] / 60:.1f} min | {len(r['epochs'])} | "
            f"{r['peak_rss_mb']} MB | {f['ms_batch1']:.1f} / {q['ms_batch1']:.1f} | "
            f"{f['sent_s_batch32']:.0f} / {q['sent_s_batch32']:.0f} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], add_help=True)
    p.add_argument("dataset", nargs="?", choices=["banking77", "snips", "cais"])
    p.add_argument("--table", action="store_true", help="print the table of recorded runs")
    p.add_argument("--model-out", help="keep the trained model here (default: a temporary directory)")
    p.add_argument("--evaluate-model", metavar="DIR",
                   help="no training: report on test the model an earlier --valid-only --model-out DIR run kept")
    p.add_argument("--results", type=Path, default=RESULTS,
                   help="the JSON lines file each run is appended to (default: benchmarks/results/nlu.jsonl)")
    p.add_argument("--label", help="a name for this run in the table")
    p.add_argument("--limit", type=int, default=0, help="use only the first N training examples (smoke test)")
    p.add_argument("--train-limit", type=int, default=0,
                   help="train on a seeded random sample of N training examples, all of valid (quick experiments)")
    p.add_argument("--valid-only", action="store_true",
                   help="report on valid instead of test (to choose settings without looking at test)")
    args, train_argv = p.parse_known_args(argv)
    if args.table or not args.dataset:
        print(table(args.results))
        return 0
    if args.evaluate_model:
        if train_argv or args.valid_only or args.model_out:
            p.error("--evaluate-model takes the training arguments from the run that kept the model; "
                    f"found {' '.join(train_argv + ['--valid-only'] * args.valid_only + ['--model-out'] * bool(args.model_out))}")
        try:
            row = evaluate_kept(args.dataset, args.evaluate_model, args.label, args.results)
        except LookupError as e:
            print(e, file=sys.stderr)
            return 2
    else:
        row = run(args.dataset, train_argv, args.model_out, args.label, args.limit, args.train_limit, args.valid_only,
                  args.results)
    print(json.dumps({k: v for k, v in row.items() if k != "epochs"}, ensure_ascii=False, indent=1))
    f = row["float"]
    print(f"{args.dataset}: intent accuracy {100 * f['accuracy']:.2f}"
          + (f", slot F1 {100 * f['slots']['f1']:.2f}" if f.get("slots") else " (intent-only)")
          + f", training {row['train_wall_s'] / 60:.1f} min"
          + (f", {f['ms_batch1']:.1f} ms per sentence (batch 1)" if f["ms_batch1"] is not None else "")
          + f" (on {row['report_split']})")
    print(table(args.results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
