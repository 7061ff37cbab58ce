"""The threshold folds in parallel processes (framework.nlu.parallel_folds): the same model,
threshold and out-of-fold predictions as one after another; the final model's epoch count
known before the last fold ends; a fold that fails or dies stops training with a clear error;
sequential whenever fewer than 2 CPUs are free. Real tiny models, real forked processes."""
from __future__ import annotations

import json
import os
import sys
import time

import pytest

from framework.nlu import parallel_folds
from framework.nlu.parallel_folds import FoldProcesses, fold_processes
from tests.support.tiny_model import annotated_examples, build_tiny_encoder

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork: Linux only")

EXAMPLES = [
    ("hello there", "greet"), ("hi", "greet"), ("good morning", "greet"), ("hey you", "greet"), ("hello", "greet"),
    ("bye", "goodbye"), ("goodbye", "goodbye"), ("see you later", "goodbye"), ("bye bye", "goodbye"),
    ("good night", "goodbye"),
    ("send [50](amount) to [Anna](name)", "transfer"), ("transfer [20](amount) to [Bob](name)", "transfer"),
    ("pay [Carl](name) [10](amount)", "transfer"), ("send money to [Dora](name)", "transfer"),
    ("move [99](amount) to [Eve](name)", "transfer"),
    ("what is the weather", "other"), ("tell me a joke", "other"), ("sing a song", "other"),
    ("who won the game", "other"), ("the capital of peru", "other"),
]
OOS = ["recommend a movie", "how tall is a giraffe"]


def train(tmp_path, name: str, **overrides) -> dict:
    from framework.nlu.fit import train_and_save
    from framework.nlu.train import ModelArguments, TrainingArguments

    data = annotated_examples(EXAMPLES)
    encoder, tokenizer = build_tiny_encoder([d.text for d in data] + OOS)
    options = dict(epochs=6, batch_size=4, learning_rate=3e-3, head_learning_rate=1e-2, warmup_ratio=0.0,
                   freeze_embeddings=False, patience=2, threads=1, progress=False, threshold_folds=3)
    options.update(overrides)
    out = tmp_path / name
    result = train_and_save(encoder, tokenizer, data, out, model_args=ModelArguments(max_length=32, extend_vocab="off"),
                            train_args=TrainingArguments(**options), out_of_scope="other", name=name, oos_data=OOS)
    meta = json.loads((out / "artifact.json").read_text(encoding="utf-8"))
    report = json.loads((out / "evaluation.json").read_text(encoding="utf-8"))
    return {"result": result, "meta": meta, "report": report, "dir": out}


def curves(meta) -> list:
    """Each fold's per-epoch losses and held-out scores (not its seconds)."""
    return [[{k: v for k, v in e.items() if k != "seconds"} for e in f["epochs"]] for f in meta["metrics"]["history"]["folds"]]


def final_predictions(model_dir) -> list:
    from framework.nlu.model import load_classifier

    clf = load_classifier(model_dir, threads=1)
    texts = [t for t, _ in EXAMPLES] + OOS + ["hello bye", "send 5 to Zed"]
    return [([(s.name, round(s.confidence, 6)) for s in p.ranking[:3]], p.entities) for p in clf.parse(texts)]


@pytest.fixture(scope="module")
def one_by_one(tmp_path_factory):
    return train(tmp_path_factory.mktemp("folds"), "sequential", fold_processes=1)


def test_folds_in_processes_give_the_same_model_and_threshold_as_one_after_another(tmp_path, one_by_one):
    parallel = train(tmp_path, "parallel", fold_processes=3)
    a, b = one_by_one["meta"], parallel["meta"]
    assert b["threshold"] == a["threshold"] and b["threshold_info"] == a["threshold_info"]
    assert b["entity_threshold"] == a["entity_threshold"]
    best = [f["best_epoch"] for f in a["metrics"]["history"]["folds"]]
    assert [f["best_epoch"] for f in b["metrics"]["history"]["folds"]] == best
    assert curves(b) == curves(a)
    assert b["metrics"]["refit"]["epochs_used"] == a["metrics"]["refit"]["epochs_used"] == max(sorted(best)[1], 2)
    assert parallel["report"]["predictions"] == one_by_one["report"]["predictions"]  # every out-of-fold prediction
    assert parallel["report"]["entities"] == one_by_one["report"]["entities"]
    assert final_predictions(parallel["dir"]) == final_predictions(one_by_one["dir"])


def test_two_processes_for_three_folds_start_the_third_when_one_ends(tmp_path, one_by_one):
    two = train(tmp_path, "two", fold_processes=2)
    assert two["meta"]["threshold_info"] == one_by_one["meta"]["threshold_info"]
    assert two["report"]["predictions"] == one_by_one["report"]["predictions"]


def test_frozen_layers_cross_into_the_fold_processes_and_stay_the_bases(tmp_path):
    """--freeze-layers: the folds in processes train as one after another does, and the saved
    model's embeddings and lowest layer are the base model's, bit for bit."""
    import torch

    from framework.nlu.model import weights_state

    sequential = train(tmp_path, "frozen_seq", fold_processes=1, freeze_layers=1)
    parallel = train(tmp_path, "frozen_par", fold_processes=3, freeze_layers=1)
    assert parallel["meta"]["threshold_info"] == sequential["meta"]["threshold_info"]
    assert parallel["report"]["predictions"] == sequential["report"]["predictions"]
    base, _ = build_tiny_encoder([d.text for d in annotated_examples(EXAMPLES)] + OOS)
    saved = weights_state(parallel["dir"])
    for name, weight in base.state_dict().items():
        key = next(k for k in saved if k.endswith("encoder." + name))
        same = torch.equal(saved[key], weight)
        assert same == (not name.startswith("encoder.layer.1.")), name


def test_added_tokens_and_frozen_embeddings_cross_into_the_fold_processes(tmp_path):
    """The multilingual path: characters the base vocabulary lacks become new trainable rows
    beside frozen base embeddings (framework.nlu.vocabulary, fit._freeze_base_embeddings)."""
    from framework.nlu.data import LabelledText
    from framework.nlu.fit import train_and_save
    from framework.nlu.train import ModelArguments, TrainingArguments

    zh = [("我要开户", "办理"), ("办一张卡", "办理"), ("我想开户", "办理"), ("开一张新卡", "办理"),
          ("查话费", "查询"), ("查一下余额", "查询"), ("我的话费多少", "查询"), ("余额还有多少", "查询"),
          ("今天天气", "other"), ("讲个笑话", "other"), ("唱首歌", "other"), ("几点了", "other")]
    data = [LabelledText(t, i) for t, i in zh]
    outcomes = []
    for name, processes in (("sequential", 1), ("parallel", 3)):
        encoder, tokenizer = build_tiny_encoder(["我要", "查询", "天气"])  # most characters are new tokens
        result = train_and_save(encoder, tokenizer, data, tmp_path / name,
                                model_args=ModelArguments(max_length=32, extend_vocab="auto"),
                                train_args=TrainingArguments(epochs=4, batch_size=4, learning_rate=3e-3,
                                                             head_learning_rate=1e-2, warmup_ratio=0.0,
                                                             freeze_embeddings=True, threads=1, progress=False,
                                                             threshold_folds=3, fold_processes=processes),
                                out_of_scope="other", name=name)
        assert result["metrics"]["added_tokens"] > 10
        outcomes.append((result["threshold"], result["report"]["predictions"]))
    assert outcomes[1] == outcomes[0]


def fake_fold(best: dict, stop: dict, gate=None):
    """A fold that logs epochs 1..stop[k] with the best at best[k]; with `gate` (k, path) fold
    k waits, after its epochs, until the file exists."""
    def run(k, log):
        for epoch in range(1, stop[k] + 1):
            log({"epoch": epoch, "valid_accuracy": 0.5})
        if gate and gate[0] == k:
            import time
            while not os.path.exists(gate[1]):
                time.sleep(0.01)
        return ({"best_epoch": best[k], "epochs": []}, k * 10, None, None)
    return run


def test_the_final_epoch_count_is_known_before_the_last_fold_ends(tmp_path):
    gate = tmp_path / "release"
    # folds 0 and 1 stop with bests 6 and 7; fold 2 has logged epoch 10 (so its best is >= 8)
    # and is still running: the median is 7 whatever fold 2 ends with
    run = fake_fold({0: 6, 1: 7, 2: 9}, {0: 8, 1: 9, 2: 10}, gate=(2, str(gate)))
    with FoldProcesses(run, 3, 3, patience=2, max_epochs=[19, 19, 19]) as runner:
        assert runner.median_best_epoch() == 7
        assert not runner.all_done()  # fold 2 is still waiting for the gate
        gate.write_text("go")
        outcomes = runner.results()
    assert [o[1] for o in outcomes] == [0, 10, 20]  # in fold order


def test_a_median_that_the_running_fold_can_still_move_waits_for_it(tmp_path):
    # bests 3 and 7 known; fold 2 logged only epoch 4 (best >= 2): the median is 3..7 until it ends
    run = fake_fold({0: 3, 1: 7, 2: 5}, {0: 5, 1: 9, 2: 7})
    with FoldProcesses(run, 3, 3, patience=2, max_epochs=[19, 19, 19]) as runner:
        assert runner.median_best_epoch() == 5
        runner.results()


def test_a_fold_that_fails_stops_training_with_its_traceback():
    def run(k, log):
        if k == 1:
            raise ValueError("fold exploded")
        return ({"best_epoch": 1}, None, None, None)
    with pytest.raises(RuntimeError, match=r"(?s)threshold fold 2 of 3 failed in its process.*ValueError: fold exploded"):
        with FoldProcesses(run, 3, 3, patience=2, max_epochs=[5, 5, 5]) as runner:
            runner.results()


def test_a_fold_process_that_dies_says_so():
    def run(k, log):
        if k == 0:
            os._exit(9)  # as the kernel's out-of-memory killer would leave it
        return ({"best_epoch": 1}, None, None, None)
    with pytest.raises(RuntimeError, match=r"threshold fold 1 of 3: its process ended without a result \(exit code 9"):
        with FoldProcesses(run, 3, 3, patience=2, max_epochs=[5, 5, 5]) as runner:
            runner.results()


def test_sequential_mode_runs_the_folds_here_in_order():
    seen = []

    def run(k, log):
        seen.append((k, os.getpid()))
        log({"epoch": 1})
        return ({"best_epoch": 1}, k, None, None)
    with FoldProcesses(run, 3, 0, patience=2, max_epochs=[5, 5, 5]) as runner:
        assert [o[1] for o in runner.results()] == [0, 1, 2]
    assert seen == [(0, os.getpid()), (1, os.getpid()), (2, os.getpid())]


def test_processes_only_when_two_cpus_are_free_and_memory_allows(monkeypatch):
    monkeypatch.setattr(parallel_folds, "_available_memory", lambda: 8 << 30)
    assert fold_processes(3, cpus=1) == 0  # busy machine: one after another, as before
    assert fold_processes(3, cpus=2) == 3
    assert fold_processes(0, cpus=2) == 0 and fold_processes(1, cpus=8) == 0
    assert fold_processes(3, cpus=1, requested=2) == 2 and fold_processes(3, cpus=8, requested=1) == 0
    assert fold_processes(3, cpus=2, parameter_bytes=100 << 20) == 3
    assert fold_processes(3, cpus=2, parameter_bytes=1 << 30) == 0  # 3 children x 6 GB > 8 GB free


def test_one_bar_for_the_folds_in_processes_then_the_final_models(tmp_path, capsys):
    """The children draw no bars of their own (K bars on one terminal line would be garbled):
    the parent draws one over the folds' epochs, then the final model's as before."""
    import re

    from framework.nlu.data import LabelledText
    from framework.nlu.fit import train_and_save
    from framework.nlu.train import ModelArguments, TrainingArguments

    encoder, tokenizer = build_tiny_encoder([t for t, _ in EXAMPLES[:10]])
    train_and_save(encoder, tokenizer, [LabelledText(t, i) for t, i in EXAMPLES[:10]], tmp_path / "m",
                   model_args=ModelArguments(max_length=32, extend_vocab="off"),
                   train_args=TrainingArguments(epochs=3, batch_size=4, freeze_embeddings=False, patience=1000,
                                                threads=1, progress=True, threshold_folds=2, fold_processes=2),
                   name="bars")
    err = capsys.readouterr().err
    started = [m.group(1) for line in re.split(r"[\r\n]+", err) if (m := re.match(r"^(training[^:]*):\s+0%", line.strip()))]
    assert started == ["training 2 threshold models at once (each stops when held-out accuracy stops improving)",
                       "training the final model (every example)"]
    assert re.search(r"training 2 threshold models at once[^\r\n]*6/6 \[", err)  # 2 folds x 3 epochs, all seen


def test_the_final_model_takes_a_second_thread_only_when_no_other_process_keeps_a_core_busy(monkeypatch):
    """Fake CPU clocks (framework.nlu.threads): first a short window once the folds are done,
    then each epoch of the final model is the window."""
    import torch

    from framework.nlu import threads

    class Done:
        clock_marked = False

        def poll(self):
            pass

        def all_done(self):
            return True
    now = time.monotonic()
    hz = 100

    def at(busy, own=0.0):  # busy ticks on 2 CPUs of 100 ticks each since 0, own CPU seconds
        return threads.CpuClock(busy, 200, 2, own, now)
    readings = iter([threads.CpuClock(0, 0, 2, 0.0, now),  # the folds just reaped: the mark
                     at(100),  # another process held one core
                     threads.CpuClock(100, 400, 2, 1.0, now),  # an epoch with this process alone on one core
                     threads.CpuClock(300, 600, 2, 3.0, now)])  # an epoch on both cores, all this process's
    monkeypatch.setattr(threads, "read_cpu_clock", lambda *a: next(readings))
    monkeypatch.setattr(threads.os, "sysconf", lambda name: hz)
    monkeypatch.setattr("framework.nlu.threads.available_cpus", lambda: 2)
    before = torch.get_num_threads()
    runner = Done()
    try:
        parallel_folds.threads_when_done(runner, 2)
        assert torch.get_num_threads() == 1 and runner.clock_marked
        parallel_folds.threads_when_done(runner, 2)
        assert torch.get_num_threads() == 2
        parallel_folds.threads_when_done(runner, 2)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
