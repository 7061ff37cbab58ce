"""The fallback threshold from pooled K-fold out-of-fold predictions (with out-of-scope
examples and --oos-data messages as negatives), and the thread defaults for a shared machine."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from framework.nlu import data as nlu_data
from framework.nlu import threads

ROOT = Path(__file__).resolve().parent.parent

EXAMPLES = [(t, "greet") for t in ("hello", "hi there", "good morning", "hey", "hello friend", "hi")] + \
    [(t, "goodbye") for t in ("bye", "goodbye", "see you", "bye bye", "good night", "later")] + \
    [(t, "办理") for t in ("我要开户", "办一张卡", "我想开户", "开一张新卡", "帮我办卡", "办理新卡")] + \
    [(t, "other") for t in ("weather today", "tell a joke", "what time is it", "sing a song", "the capital of peru",
                            "who won the game")]
OOS_FILE_LINES = ["recommend a movie", "how tall is a giraffe", "帮我查快递"]


def test_threshold_from_out_of_fold_predictions_of_every_example(tmp_path):
    from framework.nlu.data import LabelledText
    from framework.nlu.fit import train_and_save
    from framework.nlu.train import ModelArguments, TrainingArguments
    from tests.support.tiny_model import build_tiny_encoder

    oos_file = tmp_path / "oos.txt"
    oos_file.write_text("\n".join(OOS_FILE_LINES) + "\n\n", encoding="utf-8")
    oos_data = nlu_data.read_oos_file(oos_file)
    assert oos_data == OOS_FILE_LINES
    encoder, tokenizer = build_tiny_encoder([t for t, _ in EXAMPLES] + oos_data)
    result = train_and_save(
        encoder, tokenizer, [LabelledText(t, i) for t, i in EXAMPLES], tmp_path / "m",
        model_args=ModelArguments(max_length=32, extend_vocab="off"),
        train_args=TrainingArguments(epochs=6, batch_size=8, learning_rate=3e-3, head_learning_rate=1e-2,
                                     freeze_embeddings=False, threads=1, progress=False, threshold_folds=3),
        out_of_scope="other", name="folds", oos_data=oos_data)
    meta = json.loads((tmp_path / "m" / "artifact.json").read_text(encoding="utf-8"))
    info = meta["threshold_info"]
    assert info["data"] == "out-of-fold predictions of 3 models (every training example)"
    # the out-of-scope intent's 6 examples once each, the file's 3 messages once per fold model
    assert info["negatives"] == 6 + 3 * len(OOS_FILE_LINES)
    assert 0.0 < info["threshold"] < 1.0 and result["threshold"] == info["threshold"]
    assert meta["metrics"]["validation_examples"] == len(EXAMPLES)
    assert len(meta["metrics"]["history"]["folds"]) == 3
    assert meta["metrics"]["refit"]["epochs_used"] >= 2
    report = json.loads((tmp_path / "m" / "evaluation.json").read_text(encoding="utf-8"))
    assert report["n"] == len(EXAMPLES) and report["data"] == info["data"]


@pytest.mark.parametrize("size", [30, 999, 1000, 5000])
def test_the_threshold_rule_does_not_change_with_the_number_of_examples(size):
    """Until session 14, 1000 examples or more switched to a 10% split with no refit: telecom_zh
    (994 examples) would have changed rules with 6 more."""
    from framework.nlu.data import LabelledText
    from framework.nlu.fit import threshold_from_folds

    examples = [LabelledText(f"text {i}", "abc"[i % 3]) for i in range(size)]
    assert threshold_from_folds(examples, None, 3)
    assert not threshold_from_folds(examples, examples[:3], 3)  # a validation file is used as given
    assert not threshold_from_folds(examples, None, 0)


def test_default_threads_follow_the_environment_and_the_free_cpus(monkeypatch):
    monkeypatch.setenv("DIALOG_NLU_THREADS", "3")
    assert threads.default_threads() == 3 and threads.serving_threads(2) == 3
    monkeypatch.delenv("DIALOG_NLU_THREADS")
    monkeypatch.setattr(threads, "available_cpus", lambda: 4)
    monkeypatch.setattr(threads, "busy_cpus", lambda: 0)
    assert threads.default_threads() == 4 and threads.serving_threads(1) == 3 and threads.serving_threads(2) == 1
    monkeypatch.setattr(threads, "busy_cpus", lambda: 1)  # another process keeps one core busy
    assert threads.default_threads() == 3
    monkeypatch.setattr(threads, "busy_cpus", lambda: 9)  # never below one
    assert threads.default_threads() == 1 and threads.serving_threads(1) == 1


@pytest.mark.parametrize("preset,expected", [(None, "PASSIVE"), ("ACTIVE", "ACTIVE")])
def test_openmp_waits_passively_unless_told_otherwise(preset, expected):
    """Set when framework.nlu is imported, i.e. before torch loads libgomp."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if preset:
        env["OMP_WAIT_POLICY"] = preset
    code = "import framework.nlu.model, os; print(os.environ['OMP_WAIT_POLICY'])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert out.stdout.strip() == expected
