"""Training's progress bars say what they are doing (issue 12, first-run comfort): a
newcomer saw a second bar (0/60) start after early stopping with no word of why. Each bar
is named: the fold models that measure the fallback threshold train "(stops when held-out
accuracy stops improving)" and show the held-out accuracy they are evaluated on after each
epoch (val_acc); then "the final model (every example)". A real tiny model, a few epochs."""
from __future__ import annotations

import re

from tests.support.tiny_model import build_tiny_encoder

EXAMPLES = [
    ("hello there", "greet"), ("hi", "greet"), ("good morning", "greet"), ("hey", "greet"),
    ("bye", "goodbye"), ("goodbye", "goodbye"), ("see you later", "goodbye"), ("bye bye", "goodbye"),
    ("我要开户", "办理"), ("办理新卡", "办理"), ("开一张卡", "办理"), ("我想开户", "办理"),
]
FOLDS = "training (stops when held-out accuracy stops improving)"
FINAL = "training the final model (every example)"


def bars(stderr: str) -> list[str]:
    """The bars' descriptions in the order they start (tqdm draws each first at 0%, then
    redraws it after a \\r)."""
    return [m.group(1) for line in re.split(r"[\r\n]+", stderr)
            if (m := re.match(r"^(training[^:]*):\s+0%", line.strip()))]


def train(tmp_path, **overrides) -> None:
    from framework.nlu.data import LabelledText
    from framework.nlu.fit import train_and_save
    from framework.nlu.train import ModelArguments, TrainingArguments

    encoder, tokenizer = build_tiny_encoder([t for t, _ in EXAMPLES])
    options = dict(epochs=3, batch_size=8, learning_rate=3e-3, head_learning_rate=1e-2, warmup_ratio=0.0,
                   freeze_embeddings=False, patience=1000, threads=1, progress=True, threshold_folds=2)
    options.update(overrides)
    train_and_save(encoder, tokenizer, [LabelledText(t, i) for t, i in EXAMPLES], tmp_path / "m",
                   model_args=ModelArguments(max_length=32, extend_vocab="off"),
                   train_args=TrainingArguments(**options), name="progress")


def test_the_fold_models_then_the_final_model_each_say_so(tmp_path, capsys):
    train(tmp_path)
    err = capsys.readouterr().err
    assert bars(err) == [FOLDS, FOLDS, FINAL]
    # each fold model is evaluated on its held-out fold after every epoch, and says so
    fold_lines = [line for line in re.split(r"[\r\n]+", err) if line.startswith(FOLDS)]
    assert any("val_acc=" in line for line in fold_lines)
    final_lines = [line for line in re.split(r"[\r\n]+", err) if line.startswith(FINAL)]
    assert final_lines and not any("val_acc=" in line for line in final_lines)  # nothing held out


def test_without_progress_there_are_no_bars(tmp_path, capsys):
    train(tmp_path, progress=False)
    assert bars(capsys.readouterr().err) == []
