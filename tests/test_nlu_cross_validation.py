"""`dialog evaluate --cross-validation K` (framework.nlu.evaluate.cross_validate), also what
benchmarks/cv_settings.py runs with changed settings: K stratified folds, each trained and
scored on its held-out examples; pooled intents, per-fold figures, learnt entities' F1."""
from __future__ import annotations

from framework.nlu.evaluate import cross_validate
from framework.nlu.train import ModelArguments, TrainingArguments
from tests.support.tiny_model import annotated_examples, build_tiny_encoder

EXAMPLES = annotated_examples(
    [(f"book a flight to [{c}](city)", "book") for c in ("paris", "rome", "oslo", "lima")]
    + [(t, "balance") for t in ("what is my balance", "how much money do i have", "show my balance",
                                "balance please")])


def tiny_base(tmp_path):
    encoder, tokenizer = build_tiny_encoder([e.text for e in EXAMPLES])
    encoder.save_pretrained(tmp_path / "base")
    tokenizer.save_pretrained(tmp_path / "base")
    return str(tmp_path / "base")


def settings(entities="auto"):
    return (ModelArguments(max_length=32, extend_vocab="off", entities=entities),
            TrainingArguments(epochs=3, batch_size=4, learning_rate=3e-3, head_learning_rate=1e-2, warmup_ratio=0.0,
                              freeze_embeddings=False, threads=1, progress=False, threshold_folds=0))


def test_folds_are_trained_and_pooled(tmp_path):
    model_args, train_args = settings()
    report = cross_validate(EXAMPLES, 2, None, None, 1, tiny_base(tmp_path), model_args=model_args,
                            train_args=train_args, fold_seed=7)
    cv = report["cross_validation"]
    assert report["n"] == len(EXAMPLES) and cv["folds"] == 2 and cv["fold_seed"] == 7
    assert len(cv["fold_accuracy"]) == len(cv["fold_seconds"]) == 2
    assert cv["entities"]["gold"] == 4  # the four annotated cities, each held out once
    # every out-of-fold miss is listed, surest first, with its fold (the labels to read again)
    cm = report["confusion_matrix"]
    wrong = sum(cm[i][j] for i in range(len(cm)) for j in range(len(cm)) if i != j)
    missed = report["misclassified"]
    assert len(missed) == wrong
    assert all(m["gold"] != m["predicted"] and m["fold"] in (1, 2) for m in missed)
    assert [m["confidence"] for m in missed] == sorted((m["confidence"] for m in missed), reverse=True)


def test_no_entity_figure_without_an_entity_head(tmp_path):
    model_args, train_args = settings(entities="off")
    report = cross_validate(EXAMPLES, 2, None, None, 1, tiny_base(tmp_path), model_args=model_args,
                            train_args=train_args)
    assert "entities" not in report["cross_validation"]
