"""`dialog evaluate DOMAIN|--model DIR --data FILE [--out-of-scope FILE]` or `--cross-validation K`.

Writes `<stem>.json`, `<stem>.md`, `<stem>_confusion.csv` (the whole matrix) and
`<stem>_confusion.png` (above 40 intents: the most confused ones) into a folder of its own,
`reports/<model id>/` unless told otherwise: accuracy, macro-F1, per-intent
precision/recall/F1, the most confused pairs, misclassified examples, in-scope accuracy and
out-of-scope recall at the model's threshold, and with `--int8` the quantized model's
accuracy and latency beside the float model's. Test examples whose intent the model does
not know are listed (a warning line, and `unknown_labels` in the report) and left out of
the scores rather than counted as errors.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Sequence


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dialog evaluate", description=__doc__.split("\n\n")[0])
    p.add_argument("domain", nargs="?", help="domain directory (its model: models/<name>/, its intents checked)")
    p.add_argument("--model", help="trained model directory (default: the domain's)")
    p.add_argument("--data", action="append", default=[], metavar="FILE",
                   help="held-out data: CSV (text,intent), JSONL or Rasa nlu.yml; repeatable")
    p.add_argument("--cross-validation", type=int, default=0, metavar="K",
                   help="train K models on K stratified folds of the domain's examples (+ --data) and evaluate each")
    p.add_argument("--int8", action="store_true", help="also evaluate the int8 quantized model, with latencies")
    p.add_argument("--latency", action="store_true", help="measure latency at batch 1 and 32")
    p.add_argument("--out-of-scope", action="append", default=[], metavar="FILE",
                   help="texts that are none of the intents: .txt (one per line), or CSV/JSONL/Rasa nlu.yml whose "
                        "labels are ignored; repeatable. Prints in-scope accuracy and out-of-scope recall at the "
                        "model's threshold")
    p.add_argument("--report-dir", default=None, metavar="DIR",
                   help="folder of the reports (default: reports/<model id>/; never inside the model folder)")
    p.add_argument("--out", help="report path without extension (overrides --report-dir; "
                                 "default: <report dir>/evaluation_<data name>)")
    p.add_argument("--threads", type=int, default=0, help="torch threads (0 = $DIALOG_NLU_THREADS or the free CPUs)")
    p.add_argument("--base-model", help="with --cross-validation: the base to fine-tune (default: the one the "
                                        "domain's trained model used, else the default for the domain's language)")
    return p


def measure_speed(classifier, texts: Sequence[str], n1: int = 50, n32: int = 256) -> dict:
    """Mean ms per sentence one at a time, and sentences per second in batches of 32, of
    the call the server makes (`parse`: intent and entities, where the model has it)."""
    texts = list(texts) or ["hello"]
    pick = [texts[i % len(texts)] for i in range(max(n1, n32))]
    call = getattr(classifier, "parse", classifier.predict)
    call(pick[:8])  # warm-up
    t = time.perf_counter()
    for s in pick[:n1]:
        call([s])
    ms1 = (time.perf_counter() - t) / n1 * 1000
    old = classifier.batch_size
    classifier.batch_size = 32
    t = time.perf_counter()
    for s in range(0, n32, 32):
        call(pick[s:s + 32])
    tput = n32 / (time.perf_counter() - t)
    classifier.batch_size = old
    return {"ms_per_sentence_batch1": ms1, "sentences_per_s_batch32": tput}


OUT_OF_SCOPE = "<out of scope>"  # the gold label of --out-of-scope texts when the model has no such intent


def evaluate_classifier(classifier, data, speed: bool = False, out_of_scope: Sequence[str] = ()) -> dict:
    """Scores on `data` (examples of intents the model knows) and, with `out_of_scope`
    texts, in-scope accuracy and out-of-scope recall at the model's threshold. The
    out-of-scope texts count in the accuracy only when the model has an out-of-scope intent
    (then they are its examples); without one no answer of the model could be right."""
    from framework.nlu import metrics

    import numpy as np

    model_oos = classifier.meta.get("out_of_scope")
    oos_label = model_oos or OUT_OF_SCOPE
    texts = [d.text for d in data] + list(out_of_scope)
    gold = [d.intent for d in data] + [oos_label] * len(out_of_scope)
    entities = None
    # entities are scored only against data that is annotated (a CSV has no annotations)
    annotated = any(d.entities or d.tagged for d in data)
    if getattr(classifier, "entity_labels", ()) and annotated:  # one pass: intents and entities
        parsed = classifier.parse(texts)
        index = {name: j for j, name in enumerate(classifier.labels)}
        probs = np.zeros((len(texts), len(classifier.labels)), dtype=np.float32)
        for i, p in enumerate(parsed):
            for score in p.ranking:
                probs[i, index[score.name]] = score.confidence
        entities = [p.entities for p in parsed][:len(data)]
    else:
        probs = classifier.probabilities(texts)
    pred = [classifier.labels[int(k)] for k in probs.argmax(1)]
    conf = [float(c) for c in probs.max(1)]
    scored = len(texts) if model_oos else len(data)
    report = metrics.classification_report(gold[:scored], pred[:scored], classifier.labels)
    report["threshold"] = {"threshold": classifier.threshold,
                           "method": (classifier.meta.get("threshold_info") or {}).get("method", "")}
    report["scope"] = metrics.scope_metrics(gold, pred, conf, classifier.threshold, oos_label)
    if report["scope"] is not None:
        report["scope"]["in_scope_n"] = sum(g != oos_label for g in gold)
        report["scope"]["out_of_scope_n"] = sum(g == oos_label for g in gold)
    report["misclassified"] = [{"text": t, "gold": g, "predicted": p, "confidence": round(c, 4)}
                               for t, g, p, c in zip(texts, gold, pred, conf) if g != p][:200]
    report["model_id"] = classifier.model_id
    if entities is not None:
        from framework.nlu.joint import entity_report
        from framework.nlu.tagging import Span, entity_label

        spans = [[Span(entity_label(e.entity, e.role, e.group), e.start, e.end, e.confidence) for e in es]
                 for es in entities]
        report["entities"] = entity_report(data, spans)
        judged = report["entities"].pop("judged")
        threshold = classifier.entity_threshold
        if threshold is not None:  # what the engine would confirm: learnt values below the threshold
            below = [ok for ok, c in judged if c < threshold]
            report["entities"]["threshold"] = {"threshold": threshold, "below": len(below),
                                               "wrong_below": below.count(False),
                                               "wrong_above": sum(not ok for ok, c in judged if c >= threshold)}
    if speed:
        report.update(measure_speed(classifier, texts))
    return report


def split_unknown(data, labels) -> tuple[list, dict[str, int]]:
    """(examples of intents the model knows, {unknown intent: count}, most frequent first)."""
    from collections import Counter

    known = set(labels)
    unknown = Counter(d.intent for d in data if d.intent not in known)
    return [d for d in data if d.intent in known], dict(sorted(unknown.items(), key=lambda kv: (-kv[1], kv[0])))


def unknown_warning(unknown: dict[str, int]) -> str:
    n, kinds = sum(unknown.values()), len(unknown)
    listed = ", ".join(f"{label} ({count})" for label, count in unknown.items())
    return (f"warning: {n} test example{'s' if n != 1 else ''} of {kinds} intent{'s' if kinds != 1 else ''} "
            f"the model does not know, left out of the scores: {listed}")


def read_out_of_scope(path: str) -> list[str]:
    """Texts from a .txt file (one per line, # comments) or any data file (labels ignored)."""
    from framework.nlu import data as nlu_data

    if Path(path).suffix.lower() == ".txt":
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as err:
            raise nlu_data.DataFormatError(f"{path}: {err.strerror or err}") from None
        return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return [d.text for d in nlu_data.read_data_file(path)]


def scope_line(scope: dict) -> str:
    """The printed in-scope / out-of-scope line (golden-tested)."""
    def pct(x):
        return "n/a" if x is None else f"{x:.2%}"

    line = (f"in-scope accuracy {pct(scope['in_scope_accuracy'])} ({scope.get('in_scope_n', '?')} examples)  "
            f"out-of-scope recall {pct(scope['oos_recall'])} ({scope.get('out_of_scope_n', '?')} examples)  "
            f"confidently wrong {pct(scope['confidently_wrong'])}  ")
    threshold = scope["threshold"]
    return line + (f"at threshold {threshold:g}" if threshold else "at threshold 0 (the model has none: every answer counts)")


def report_stem(args: argparse.Namespace, model_id: str, name: str) -> Path:
    """Where the reports go: --out, else <--report-dir>/<name>, else reports/<model id>/<name>
    (a folder of their own: the model folder holds what serving needs, nothing else)."""
    if args.out:
        return Path(args.out)
    folder = Path(args.report_dir) if args.report_dir else Path("reports") / safe_name(model_id)
    return folder / name


def safe_name(text: str) -> str:
    import re

    return re.sub(r"[^\w.-]+", "_", text).strip("._") or "model"


def cross_validate(examples, k: int, out_of_scope, fingerprint, threads: int, base_model: str,
                   text_prefix: bool = False, model_args=None, train_args=None, fold_seed: int = 13) -> dict:
    """Stratified K folds (`fold_seed`): train on K-1 (from `base_model`, a local folder, with
    its text prefix when the domain's model was trained with it; train.py's defaults, the
    threshold folds off, unless `model_args` / `train_args` say otherwise), predict the
    held-out fold; pooled report, with the entity F1 (exact span and label) over the
    annotated held-out examples when the models learnt entities."""
    import tempfile

    import numpy as np

    from framework.nlu import metrics
    from framework.nlu.fit import load_base_model, stratified_folds, train_and_save
    from framework.nlu.model import load_classifier
    from framework.nlu.tagging import span_scores
    from framework.nlu.train import ModelArguments, TrainingArguments

    model_args = model_args or ModelArguments()
    train_args = train_args or TrainingArguments(threads=threads, progress=False, threshold_folds=0)
    by_intent = {e.intent for e in examples}
    folds = stratified_folds(examples, k, fold_seed)
    gold, pred, accs, seconds, ent_gold, ent_pred, missed = [], [], [], [], [], [], []
    for i in range(k):
        train = [e for j, f in enumerate(folds) if j != i for e in f]
        started = time.time()
        with tempfile.TemporaryDirectory() as tmp:
            encoder, tokenizer = load_base_model(base_model, text_prefix=text_prefix)
            train_and_save(encoder, tokenizer, train, tmp, model_args=model_args, train_args=train_args,
                           out_of_scope=out_of_scope, intent_fingerprint=fingerprint, name=f"fold{i}")
            parsed = load_classifier(tmp, threads=threads or None).parse([e.text for e in folds[i]])
        fold_gold = [e.intent for e in folds[i]]
        fold_pred = [p.ranking[0].name for p in parsed]
        missed += [{"text": e.text, "gold": e.intent, "predicted": p.ranking[0].name,
                    "confidence": round(float(p.ranking[0].confidence), 4), "fold": i + 1}
                   for e, p in zip(folds[i], parsed) if e.intent != p.ranking[0].name]
        for example, p in zip(folds[i], parsed):
            if example.entities:
                ent_gold.append({(a.entity, a.start, a.end) for a in example.entities})
                ent_pred.append({(x.entity, x.start, x.end) for x in p.entities})
        accs.append(float(np.mean([g == p for g, p in zip(fold_gold, fold_pred)])))
        seconds.append(round(time.time() - started, 1))
        gold += fold_gold
        pred += fold_pred
        print(f"fold {i + 1}/{k}: accuracy {accs[-1]:.3f} ({seconds[-1]:.0f} s)", file=sys.stderr, flush=True)
    report = metrics.classification_report(gold, pred, sorted(by_intent))
    report["cross_validation"] = {"folds": k, "fold_seed": fold_seed, "accuracy_mean": float(np.mean(accs)),
                                  "accuracy_std": float(np.std(accs)), "fold_accuracy": accs,
                                  "fold_seconds": seconds}
    # every out-of-fold miss, surest first: the examples whose label to read again
    # (Rasa's intent_errors.json; the held-out evaluation lists its own the same way)
    report["misclassified"] = sorted(missed, key=lambda m: -m["confidence"])
    if ent_gold and model_args.entities != "off":
        report["cross_validation"]["entities"] = span_scores(ent_gold, ent_pred)
    return report


def trained_base(model_dir) -> str | None:
    """The base model name a trained model recorded (None when there is no model)."""
    return _trained(model_dir).get("training_args", {}).get("base_model")


def trained_prefix(model_dir) -> bool:
    """Whether a trained model put its base's text prefix before every text (train.py --text-prefix)."""
    return bool(_trained(model_dir).get("text_prefix"))


def _trained(model_dir) -> dict:
    if model_dir is None:
        return {}
    from framework.nlu.model import read_artifact

    try:
        return read_artifact(model_dir)
    except Exception:  # no model yet: the defaults
        return {}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    from framework.nlu import data as nlu_data
    from framework.nlu import default_model_dir

    assistant = None
    if args.domain:
        try:
            from framework.spec import load_assistant

            assistant = load_assistant(args.domain)
        except Exception as e:
            print(str(e), file=sys.stderr)
            return 2
    try:
        data = [x for path in args.data for x in nlu_data.read_data_file(path)]
        out_of_scope = [t for path in args.out_of_scope for t in read_out_of_scope(path)]
    except nlu_data.DataFormatError as e:
        print(f"dialog evaluate: {e}", file=sys.stderr)
        return 2
    model_dir = Path(args.model) if args.model else (default_model_dir(args.domain) if args.domain else None)

    if args.cross_validation:
        examples = (nlu_data.from_assistant(assistant) if assistant else []) + data
        if len(examples) < args.cross_validation * 2:
            print("dialog evaluate: too few examples for cross-validation", file=sys.stderr)
            return 2
        oos = assistant.behaviours.out_of_scope.intents[0] if assistant and assistant.behaviours.out_of_scope.intents else None
        from framework.nlu.base_models import BaseModelError, resolve

        try:
            base = resolve(args.base_model or trained_base(model_dir), assistant.language if assistant else None)
        except BaseModelError as e:
            print(f"dialog evaluate: {e}", file=sys.stderr)
            return 2
        print(f"base model: {base.name} ({base.source})")
        report = cross_validate(nlu_data.dedupe(examples), args.cross_validation, oos,
                                assistant.intent_fingerprint if assistant else None, args.threads, str(base.path),
                                text_prefix=trained_prefix(model_dir))
        report["data"] = f"{args.cross_validation}-fold cross-validation"
        report["base_model"] = base.describe()
        name = assistant.name if assistant else Path(model_dir or "model").name
        stem = report_stem(args, f"crossval-{name}", f"crossval_{args.cross_validation}")
    else:
        if model_dir is None or not (data or out_of_scope):
            print("dialog evaluate: give DOMAIN or --model DIR, and --data FILE (or --cross-validation K)",
                  file=sys.stderr)
            return 2
        from framework.nlu.model import ModelMismatchError, ModelNotFoundError, load_classifier

        try:
            clf = load_classifier(model_dir, assistant=assistant, threads=args.threads or None)
        except (ModelMismatchError, ModelNotFoundError) as e:
            print(f"dialog evaluate: {e}", file=sys.stderr)
            return 2
        data, unknown = split_unknown(data, clf.labels)
        if unknown:
            print(unknown_warning(unknown), file=sys.stderr)
        if not (data or out_of_scope):
            print("dialog evaluate: no test example of an intent the model knows", file=sys.stderr)
            return 2
        report = evaluate_classifier(clf, data, speed=args.int8 or args.latency, out_of_scope=out_of_scope)
        report["unknown_labels"] = unknown
        report["data"] = ", ".join(args.data + [f"{p} (out of scope)" for p in args.out_of_scope])
        report["base_model"] = clf.meta.get("training_args", {}).get("base_model_info") or \
            {"name": clf.meta.get("training_args", {}).get("base_model", "unknown")}
        print(f"base model: {report['base_model']['name']}")
        if args.int8:
            q = load_classifier(model_dir, assistant=assistant, quantize=True, threads=args.threads or None)
            r8 = evaluate_classifier(q, data, speed=True, out_of_scope=out_of_scope)
            report["variants"] = {
                "float32": {k: report[k] for k in ("accuracy", "macro_f1", "ms_per_sentence_batch1",
                                                   "sentences_per_s_batch32")},
                "int8": {k: r8[k] for k in ("accuracy", "macro_f1", "ms_per_sentence_batch1",
                                            "sentences_per_s_batch32")},
            }
        stem = report_stem(args, clf.model_id, f"evaluation_{Path((args.data or args.out_of_scope)[0]).stem}")
    from framework.nlu.report import write_report

    paths = write_report(report, stem)
    print(f"accuracy {report['accuracy']:.2%}  macro-F1 {report['macro_f1']:.2%}  ({report['n']} examples)")
    if report.get("scope"):
        print(scope_line(report["scope"]))
    if report.get("entities"):
        e = report["entities"]
        print(f"entities (exact span and label): precision {e['precision']:.2%}  recall {e['recall']:.2%}  "
              f"F1 {e['f1']:.2%}  ({e['gold']} annotated)")
    for note in report.get("notes", []):
        print(note)
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
