"""`dialog distill DOMAIN --teacher MODEL_DIR`: a smaller, faster model that learns a trained one's answers.

Task-specific knowledge distillation. The teacher is a model `dialog train` made (the
12-layer multilingual base for Chinese); the student starts from a smaller base
(`multilingual-e5-small-zh-6` by default: the first 6 of its 12 layers, half the compute).
One linear `main()`:

1. the transfer set: the domain's examples and about `--per-example` texts made from each
   (framework.nlu.transfer_set: deletions, swaps, insertions, substitutions, halves of two
   examples mixed), from the domain's own data only, so it works offline;
2. the teacher's intent distribution on every text, softened by `--temperature`;
3. the student fine-tuned (framework.nlu.fit's loop, unchanged) on those distributions: the
   head divides its logits by the temperature while it learns (`_SoftenedHead`), the
   examples' targets mix in their gold intent (`--gold-weight`), and the entity head learns
   from the examples' gold tags only, as `dialog train` does;
4. the fallback threshold: the teacher's, carried over by the share of answers it refuses
   (`matched_threshold`, below); no labelled data is needed, none held out is read;
5. a normal model folder (artifact.json with a `distillation` record), then the same int8
   check as `dialog train`: `serve`, `dialog evaluate` and `dialog test` use it like any other.

What it is not: a way to train without a teacher, or to shrink an English model (MiniLM has
6 layers already), nor (yet) the Chinese default: on telecom_zh's fresh files (2026-12-02,
seeds 13 and 1) the student picked the teacher's top intent as often as the teacher but put
more correct answers below the carried-over threshold, 1.7 points in scope below the teacher,
where the 6-layer base fine-tuned directly was 0.4 below (BENCHMARKS.md, distillation).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Sequence

from framework.nlu.fit import _Batches  # torch-free at import, like this module


class SoftBatches(_Batches):
    """Batches whose targets are distributions (`soft`, a tensor with one row per text)
    instead of intent ids: torch's cross-entropy takes either, so framework.nlu.fit's loop
    runs unchanged. `labels` (ids) still give it its class counts."""

    def __init__(self, ids, labels, pad_id, tags, soft):
        super().__init__(ids, labels, pad_id, tags)
        self.soft = soft

    def batch(self, idx):
        ids, mask, _ = super().batch(idx)
        return ids, mask, self.soft[idx]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dialog distill", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("domain", help="domain directory: its examples are the transfer set's seeds")
    p.add_argument("--teacher", required=True, help="a model folder `dialog train` made for this domain")
    p.add_argument("--out", required=True, help="the student's model folder")
    p.add_argument("--base-model", default="multilingual-e5-small-zh-6",
                   help="the student's base (built-in name, folder or Hub id); it must use the teacher's intents")
    p.add_argument("--per-example", type=int, default=4, help="transfer texts made from each example")
    p.add_argument("--temperature", type=float, default=2.0, help="softens the teacher's and the student's "
                                                                    "distributions while the student learns")
    p.add_argument("--gold-weight", type=float, default=0.5,
                   help="share of the gold intent in an example's target (the rest: the teacher's distribution)")
    p.add_argument("--epochs", type=int, default=0, help="0 = about 360 optimiser steps (2 to 10 epochs)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--learning-rate", type=float, default=1e-4, help="peak learning rate of the encoder")
    p.add_argument("--head-learning-rate", type=float, default=2e-3,
                   help="peak learning rate of the intent and entity heads (as `dialog train`)")
    p.add_argument("--threshold", choices=["matched", "teacher"], default="matched",
                   help="matched: the threshold at which the student refuses as many new texts as the teacher "
                        "does at its own; teacher: the teacher's number as it is")
    p.add_argument("--int8-check", default=True, action=argparse.BooleanOptionalAction,
                   help="measure int8 against float32 as `dialog train` does (the server follows it)")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0 = $DIALOG_NLU_THREADS or the free CPUs)")
    p.add_argument("--progress", default=True, action=argparse.BooleanOptionalAction)
    return p


def auto_epochs(n: int, batch_size: int, steps: int = 360) -> int:
    """Enough passes over `n` texts for about `steps` optimiser steps, between 2 and 10."""
    per_epoch = max(1, -(-n // batch_size))
    return int(min(10, max(2, -(-steps // per_epoch))))


def soften(probabilities, temperature: float):
    """A distribution at `temperature` from one at 1 (log-probabilities are the logits up
    to a constant per row)."""
    import numpy as np

    z = np.log(np.clip(np.asarray(probabilities, dtype=np.float64), 1e-30, 1.0)) / temperature
    z -= z.max(1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(1, keepdims=True)).astype(np.float32)


def matched_threshold(teacher_confidence: Sequence[float], student_confidence: Sequence[float],
                      teacher_threshold: float) -> dict:
    """The student's fallback threshold: the one at which it refuses the same share of texts
    that neither model was trained on (a second draw of transfer texts) as the teacher
    refuses at its own threshold.

    Why not the teacher's number: the student copies the teacher's answers, not exactly its
    confidence, and a threshold acts in the tail where they differ most. Why not the student's
    own out-of-fold predictions (what `dialog train` does): K more students, each on a transfer
    set of its own folds, would double or triple the distillation's time. The teacher's
    threshold already comes from out-of-fold predictions; this carries its refusal rate over."""
    import numpy as np

    t, s = np.asarray(teacher_confidence, dtype=float), np.asarray(student_confidence, dtype=float)
    share = float(np.mean(t < teacher_threshold)) if len(t) else 0.0
    if not 0.0 < share < 1.0 or not len(s):
        return {"threshold": teacher_threshold, "teacher_threshold": teacher_threshold, "refused_share": share,
                "method": "the teacher's (no text on one side of it to match)"}
    return {"threshold": round(float(np.quantile(s, share)), 4), "teacher_threshold": teacher_threshold,
            "refused_share": round(share, 4),
            "method": f"the student's {share:.1%} quantile on {len(s)} new texts: the share the teacher refuses "
                      f"at its threshold {teacher_threshold}"}


def _softened_head(linear, temperature: float):
    """The same Linear layer, its output divided by `temperature` (while the student learns)."""
    import torch

    class _SoftenedHead(torch.nn.Linear):
        def forward(self, x):
            return super().forward(x) / temperature

    head = _SoftenedHead(linear.in_features, linear.out_features)
    head.load_state_dict(linear.state_dict())
    return head


def _plain_head(linear):
    import torch

    head = torch.nn.Linear(linear.in_features, linear.out_features)
    head.load_state_dict(linear.state_dict())
    return head


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    started = time.time()
    # --- the domain, its examples and the teacher ------------------------------------------
    from framework.nlu import data as nlu_data
    from framework.nlu.base_models import BaseModelError, resolve
    from framework.nlu.model import ModelMismatchError, ModelNotFoundError, load_classifier
    from framework.nlu.threads import default_threads
    from framework.spec import load_assistant

    try:
        assistant = load_assistant(args.domain)
    except Exception as e:  # SpecErrors: the user-facing text is str(e)
        print(str(e), file=sys.stderr)
        return 2
    threads = args.threads or default_threads()
    try:
        teacher = load_classifier(args.teacher, assistant, threads=threads)
        base = resolve(args.base_model, assistant.language)
    except (ModelMismatchError, ModelNotFoundError, BaseModelError) as e:
        print(f"dialog distill: {e}", file=sys.stderr)
        return 2
    if teacher.threshold is None:
        print(f"dialog distill: the teacher {args.teacher} has no fallback threshold; retrain it with "
              f"python train.py {args.domain}", file=sys.stderr)
        return 2
    examples = nlu_data.dedupe(nlu_data.from_assistant(assistant))
    labels = list(teacher.labels)
    print(f"teacher: {teacher.model_id} (threshold {teacher.threshold}); student base: {base.name}")

    # --- transfer set, and a second draw to carry the threshold over ----------------------
    from framework.nlu.transfer_set import make_transfer_set

    texts = [e.text for e in examples]
    transfer = make_transfer_set(texts, args.per_example, args.seed)
    calibration = make_transfer_set(texts, 2, args.seed + 1, exclude=transfer)
    print(f"transfer set: {len(examples)} examples + {len(transfer)} made from them; "
          f"{len(calibration)} more for the threshold")

    # --- the teacher's answers -----------------------------------------------------------
    import numpy as np

    t0 = time.time()
    teacher_probs = teacher.probabilities(texts + transfer + calibration)
    teacher_seconds = time.time() - t0
    calib_teacher = teacher_probs[len(texts) + len(transfer):]
    gold = np.eye(len(labels), dtype=np.float32)[[labels.index(e.intent) for e in examples]]
    targets = soften(teacher_probs[:len(texts) + len(transfer)], args.temperature)
    targets[:len(texts)] = (1 - args.gold_weight) * targets[:len(texts)] + args.gold_weight * gold

    # --- the student -----------------------------------------------------------------------
    network, tokenizer, history, student, added = _fit_student(args, base, teacher, examples, transfer, targets, threads)
    calib_student = student(calibration)
    info = (matched_threshold(calib_teacher.max(1), calib_student.max(1), float(teacher.threshold))
            if args.threshold == "matched" else
            {"threshold": teacher.threshold, "method": "the teacher's (--threshold teacher)"})
    agree = float(np.mean(calib_teacher.argmax(1) == calib_student.argmax(1)))
    print(f"student agrees with the teacher on {agree:.1%} of {len(calibration)} new texts; "
          f"threshold {info['threshold']} ({info['method']})")

    # --- the model folder ----------------------------------------------------------------
    from framework.nlu.model import save_artifact
    from framework.nlu.text_prefix import unwrap

    meta = dict(teacher.meta)
    for key in ("format_version", "labels", "pad_token_id", "evaluation"):
        meta.pop(key, None)
    model_id = f"{assistant.name}-distilled-{time.strftime('%Y%m%d%H%M%S')}-{assistant.intent_fingerprint[:8]}"
    seconds = round(time.time() - started, 1)
    meta.update({
        "model_id": model_id, "threshold": info["threshold"], "threshold_info": info,
        "added_tokens": added[:50] + (["..."] if len(added) > 50 else []),
        "training_args": {**meta.get("training_args", {}), "base_model": base.name,
                          "base_model_info": base.describe(), "distill": vars(args)},
        "metrics": {"train_examples": len(examples), "transfer_texts": len(transfer),
                    "train_seconds": history["train_seconds"], "history": history},
        "distillation": {"teacher": str(args.teacher), "teacher_model_id": teacher.meta.get("model_id"),
                         "teacher_threshold": teacher.threshold, "temperature": args.temperature,
                         "gold_weight": args.gold_weight, "transfer_texts": len(transfer),
                         "calibration_texts": len(calibration), "agreement_top1": round(agree, 4),
                         "teacher_seconds": round(teacher_seconds, 1), "total_seconds": seconds},
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    })
    save_artifact(Path(args.out), network, unwrap(tokenizer), labels, meta)
    print(f"saved {args.out} ({seconds:.0f} s: teacher {teacher_seconds:.0f} s, student {history['train_seconds']:.0f} s)")
    if args.int8_check:
        from framework.nlu.precision import check_int8, labelled_texts

        check = check_int8(args.out, labelled_texts(assistant), assistant, threads=threads)
        print(f"int8 check on {check['texts']} labelled texts: accuracy {check['accuracy_pct']['int8']:.2f}% "
              f"vs {check['accuracy_pct']['float32']:.2f}% in float32: served in {check['served']}")
    return 0


def _fit_student(args, base, teacher, examples, transfer, targets, threads):
    """(network, tokenizer, history, probabilities(texts), added characters) of the student fine-tuned on
    `targets` (one row per example, then per transfer text)."""
    import dataclasses

    import torch

    from framework.nlu import joint, tagging, vocabulary
    from framework.nlu.fit import _centroid_head, _probabilities, fit, load_base_model
    from framework.nlu.model import build_network
    from framework.nlu.text_prefix import unwrap
    from framework.nlu.train import TrainingArguments

    torch.set_num_threads(threads)
    torch.manual_seed(args.seed)
    encoder, tokenizer = load_base_model(str(base.path), text_prefix=bool(teacher.meta.get("text_prefix")))
    raw = unwrap(tokenizer)
    texts = [e.text for e in examples]
    encoder._dialog_base_vocab = len(raw)
    added = vocabulary.missing_cjk_chars(raw, texts + transfer)
    vocabulary.add_tokens(raw, encoder, added)
    max_length = int(teacher.meta.get("max_length", 64))
    ent_labels = list(teacher.entity_labels)
    if ent_labels:
        ids, tags = joint.encode_with_tags(tokenizer, examples, ent_labels, max_length)
    else:
        ids, tags = tokenizer(texts, truncation=True, max_length=max_length)["input_ids"], None
    more = tokenizer(transfer, truncation=True, max_length=max_length)["input_ids"] if transfer else []
    if tags is not None:
        tags = tags + [[tagging.IGNORE] * len(x) for x in more]
    labels = list(teacher.labels)
    gold = [labels.index(e.intent) for e in examples]
    pad = tokenizer.pad_token_id or 0
    batches = SoftBatches(ids + more, gold + [int(k) for k in targets[len(examples):].argmax(1)], pad, tags,
                           torch.from_numpy(targets))
    network = build_network(encoder, len(labels), pooling=teacher.meta.get("pooling", "mean"),
                            num_tags=len(tagging.tag_names(ent_labels)) if ent_labels else 0)
    _centroid_head(network, _Batches(ids, gold, pad), len(labels), args.batch_size * 2)
    network.classifier = _softened_head(network.classifier, args.temperature)
    train_args = TrainingArguments(learning_rate=args.learning_rate, head_learning_rate=args.head_learning_rate,
                                   class_weights="none", seed=args.seed,
                                   threads=threads, progress=args.progress)
    epochs = args.epochs or auto_epochs(len(batches.ids), args.batch_size)
    history = fit(network, batches, None, len(labels), train_args, epochs, args.batch_size)
    history["epochs_used"] = epochs
    history["training"] = dataclasses.asdict(train_args)
    network.classifier = _plain_head(network.classifier)
    network.eval()

    def probabilities(new_texts):
        b = _Batches(tokenizer(list(new_texts), truncation=True, max_length=max_length)["input_ids"],
                     [0] * len(new_texts), pad)
        return _probabilities(network, b, args.batch_size * 2)
    return network, tokenizer, history, probabilities, added


if __name__ == "__main__":
    sys.exit(main())
