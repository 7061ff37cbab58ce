"""`dialog evaluate DOMAIN|--model DIR --data FILE` or `--cross-validation K`.

Writes `<out>.json`, `<out>.md` and `<out>_confusion.png`: accuracy, macro-F1, per-intent
precision/recall/F1, the most confused pairs, misclassified examples, in-scope accuracy and
out-of-scope recall at the model's threshold, and with `--int8` the quantized model's
accuracy and latency beside the float model's.
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
    p.add_argument("--out", help="report path without extension (default: <model>/evaluation_<data name>)")
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


def evaluate_classifier(classifier, data, speed: bool = False) -> dict:
    from framework.nlu import metrics

    import numpy as np

    texts = [d.text for d in data]
    gold = [d.intent for d in data]
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
        entities = [p.entities for p in parsed]
    else:
        probs = classifier.probabilities(texts)
    pred = [classifier.labels[int(k)] for k in probs.argmax(1)]
    conf = [float(c) for c in probs.max(1)]
    report = metrics.classification_report(gold, pred, classifier.labels)
    oos = classifier.meta.get("out_of_scope")
    report["threshold"] = {"threshold": classifier.threshold,
                           "method": (classifier.meta.get("threshold_info") or {}).get("method", "")}
    report["scope"] = metrics.scope_metrics(gold, pred, conf, classifier.threshold, oos)
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


def cross_validate(examples, k: int, out_of_scope, fingerprint, threads: int, base_model: str) -> dict:
    """Stratified K folds: train on K-1 (from `base_model`, a local folder), predict the
    held-out fold; pooled report."""
    import tempfile

    import numpy as np

    from framework.nlu import metrics
    from framework.nlu.fit import load_base_model, stratified_folds, train_and_save
    from framework.nlu.model import load_classifier
    from framework.nlu.train import ModelArguments, TrainingArguments

    by_intent = {e.intent for e in examples}
    folds = stratified_folds(examples, k, 13)
    gold, pred, accs = [], [], []
    for i in range(k):
        train = [e for j, f in enumerate(folds) if j != i for e in f]
        with tempfile.TemporaryDirectory() as tmp:
            encoder, tokenizer = load_base_model(base_model)
            train_and_save(encoder, tokenizer, train, tmp, model_args=ModelArguments(),
                           train_args=TrainingArguments(threads=threads, progress=False, threshold_folds=0),
                           out_of_scope=out_of_scope, intent_fingerprint=fingerprint, name=f"fold{i}")
            clf = load_classifier(tmp, threads=threads or None)
            fold_pred = [r[0].name for r in clf.predict([e.text for e in folds[i]])]
        fold_gold = [e.intent for e in folds[i]]
        accs.append(float(np.mean([g == p for g, p in zip(fold_gold, fold_pred)])))
        gold += fold_gold
        pred += fold_pred
        print(f"fold {i + 1}/{k}: accuracy {accs[-1]:.3f}", file=sys.stderr)
    report = metrics.classification_report(gold, pred, sorted(by_intent))
    report["cross_validation"] = {"folds": k, "accuracy_mean": float(np.mean(accs)),
                                  "accuracy_std": float(np.std(accs)), "fold_accuracy": accs}
    return report


def trained_base(model_dir) -> str | None:
    """The base model name a trained model recorded (None when there is no model)."""
    if model_dir is None:
        return None
    from framework.nlu.model import read_artifact

    try:
        return read_artifact(model_dir).get("training_args", {}).get("base_model")
    except Exception:  # no model yet: the language's default
        return None


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
                                assistant.intent_fingerprint if assistant else None, args.threads, str(base.path))
        report["data"] = f"{args.cross_validation}-fold cross-validation"
        report["base_model"] = base.describe()
        stem = Path(args.out) if args.out else Path(model_dir or "models") / f"crossval_{args.cross_validation}"
    else:
        if model_dir is None or not data:
            print("dialog evaluate: give DOMAIN or --model DIR, and --data FILE (or --cross-validation K)",
                  file=sys.stderr)
            return 2
        from framework.nlu.model import ModelMismatchError, ModelNotFoundError, load_classifier

        try:
            clf = load_classifier(model_dir, assistant=assistant, threads=args.threads or None)
        except (ModelMismatchError, ModelNotFoundError) as e:
            print(f"dialog evaluate: {e}", file=sys.stderr)
            return 2
        report = evaluate_classifier(clf, data, speed=args.int8 or args.latency)
        report["data"] = ", ".join(args.data)
        report["base_model"] = clf.meta.get("training_args", {}).get("base_model_info") or \
            {"name": clf.meta.get("training_args", {}).get("base_model", "unknown")}
        print(f"base model: {report['base_model']['name']}")
        if args.int8:
            q = load_classifier(model_dir, assistant=assistant, quantize=True, threads=args.threads or None)
            r8 = evaluate_classifier(q, data, speed=True)
            report["variants"] = {
                "float32": {k: report[k] for k in ("accuracy", "macro_f1", "ms_per_sentence_batch1",
                                                   "sentences_per_s_batch32")},
                "int8": {k: r8[k] for k in ("accuracy", "macro_f1", "ms_per_sentence_batch1",
                                            "sentences_per_s_batch32")},
            }
        stem = Path(args.out) if args.out else model_dir / f"evaluation_{Path(args.data[0]).stem}"
    from framework.nlu.report import write_report

    paths = write_report(report, stem)
    print(f"accuracy {report['accuracy']:.2%}  macro-F1 {report['macro_f1']:.2%}  ({report['n']} examples)")
    if report.get("scope"):
        s = report["scope"]
        print(f"in-scope accuracy {s['in_scope_accuracy']:.2%}  out-of-scope recall {s['oos_recall']:.2%}  "
              f"confidently wrong {s['confidently_wrong']:.2%} at threshold {s['threshold']}")
    if report.get("entities"):
        e = report["entities"]
        print(f"entities (exact span and label): precision {e['precision']:.2%}  recall {e['recall']:.2%}  "
              f"F1 {e['f1']:.2%}  ({e['gold']} annotated)")
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
