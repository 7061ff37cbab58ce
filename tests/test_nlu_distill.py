"""`dialog distill`: a student model learns a trained teacher's answers (framework.nlu.distill).

Real tiny models: a teacher trained by the product's own code on a scaffolded Chinese domain
(with its annotated names), a student base that is another tiny encoder saved as a Hugging
Face folder; the student folder is then used as `dialog evaluate` and the server use any model.
"""
from __future__ import annotations

import json
import random
import subprocess
import sys

import numpy as np
import pytest

from framework.nlu.distill import matched_threshold, soften
from framework.nlu.transfer_set import OPERATIONS, augment, make_transfer_set

TEXTS = ["我想办理一张新卡", "帮我查一下话费", "转人工", "你好", "我要投诉你们的服务"]


def test_the_transfer_set_is_new_texts_made_from_the_examples_the_same_for_a_seed():
    made = make_transfer_set(TEXTS, 4, seed=3)
    assert made == make_transfer_set(TEXTS, 4, seed=3)
    assert made != make_transfer_set(TEXTS, 4, seed=4)
    assert len(made) == len(set(made)) and not set(made) & set(TEXTS)
    assert len(TEXTS) * 3 <= len(made) <= len(TEXTS) * 4
    alphabet = set("".join(TEXTS))
    assert all(set(t) <= alphabet for t in made)  # only the domain's own characters
    again = make_transfer_set(TEXTS, 2, seed=4, exclude=made)
    assert not set(again) & set(made)


def test_each_operation_changes_the_text_as_its_name_says():
    rng = random.Random(0)
    text, other = "我想办理一张新卡", "帮我查一下话费"
    args = (rng, ["好"], [1.0])
    assert len(augment(text, other, "delete", *args)) == len(text) - 1
    swapped = augment(text, other, "swap", *args)
    assert sorted(swapped) == sorted(text) and swapped != text
    assert len(augment(text, other, "insert", *args)) in (len(text) + 1, len(text) + 2)
    substituted = augment(text, other, "substitute", *args)
    assert len(substituted) == len(text) and "好" in substituted
    mixed = augment(text, other, "mix", *args)
    assert text.startswith(mixed[:2]) and other.endswith(mixed[-2:])
    assert set(OPERATIONS) == {"delete", "swap", "insert", "substitute", "mix"}
    assert augment("卡", other, "swap", *args) == "卡"  # too short to change: unchanged, then dropped


def test_soften_keeps_the_order_and_flattens_with_the_temperature():
    p = np.array([[0.7, 0.2, 0.1], [0.01, 0.98, 0.01]], dtype=np.float32)
    assert np.allclose(soften(p, 1.0), p, atol=1e-6)
    s = soften(p, 3.0)
    assert np.allclose(s.sum(1), 1.0) and (s.argmax(1) == p.argmax(1)).all()
    assert (s.max(1) < p.max(1)).all()


def test_the_matched_threshold_refuses_the_share_the_teacher_refuses():
    teacher = np.linspace(0.0, 1.0, 101)  # 30% of the texts below 0.3
    student = np.linspace(0.0, 1.0, 101) ** 2
    info = matched_threshold(teacher, student, 0.3)
    assert info["refused_share"] == pytest.approx(0.30, abs=0.01)
    assert np.mean(student < info["threshold"]) == pytest.approx(0.30, abs=0.02)
    assert info["threshold"] == pytest.approx(0.09, abs=0.01)
    # nothing below the teacher's threshold: nothing to match, the teacher's number is kept
    assert matched_threshold([0.9, 0.95], [0.5, 0.6], 0.3)["threshold"] == 0.3


def _marked(example) -> str:
    text = example.text
    for e in sorted(example.entities, key=lambda e: e.start, reverse=True):
        text = f"{text[:e.start]}[{text[e.start:e.end]}]({e.entity}){text[e.end:]}"
    return text


@pytest.fixture(scope="module")
def domain_teacher_base(tmp_path_factory):
    from framework.nlu.data import from_assistant
    from framework.scaffold.command import main as init
    from framework.spec import load_assistant
    from tests.support.tiny_model import build_tiny_encoder, train_tiny_model

    root = tmp_path_factory.mktemp("distill")
    assert init(["zhbot", "--language", "zh", "--dir", str(root)]) == 0
    assistant = load_assistant(root / "zhbot")
    examples = from_assistant(assistant)
    oos = assistant.behaviours.out_of_scope.intents[0] if assistant.behaviours.out_of_scope.intents else None
    teacher = train_tiny_model([(_marked(e), e.intent) for e in examples], root / "teacher",
                               intent_fingerprint=assistant.intent_fingerprint, out_of_scope=oos, annotated=True)
    encoder, tokenizer = build_tiny_encoder([e.text for e in examples], seed=1)
    encoder.save_pretrained(root / "base")
    tokenizer.save_pretrained(root / "base")
    return root / "zhbot", teacher, root / "base"


@pytest.fixture(scope="module")
def student(domain_teacher_base, tmp_path_factory):
    from framework.nlu import distill

    domain, teacher, base = domain_teacher_base
    out = tmp_path_factory.mktemp("student") / "model"
    assert distill.main([str(domain), "--teacher", str(teacher), "--out", str(out), "--base-model", str(base),
                         "--per-example", "2", "--epochs", "30", "--learning-rate", "3e-3", "--head-learning-rate", "1e-2",
                         "--threads", "1", "--no-progress"]) == 0
    return out


def test_the_student_is_a_model_folder_that_answers_as_its_teacher(domain_teacher_base, student):
    from framework.nlu.data import from_assistant
    from framework.nlu.model import load_classifier
    from framework.spec import load_assistant

    domain, teacher_dir, _ = domain_teacher_base
    assistant = load_assistant(domain)
    teacher = load_classifier(teacher_dir, assistant, threads=1)
    model = load_classifier(student, assistant, threads=1)  # the intents are checked against the domain
    meta = json.loads((student / "artifact.json").read_text(encoding="utf-8"))
    assert meta["distillation"]["teacher_model_id"] == teacher.meta["model_id"]
    assert meta["distillation"]["transfer_texts"] > 150
    assert model.labels == teacher.labels and model.entity_labels == teacher.entity_labels == ("name",)
    assert 0.0 < model.threshold < 1.0 and meta["threshold_info"]["teacher_threshold"] == teacher.threshold
    assert (student / "int8_check.json").exists()  # the server's precision choice, as after `dialog train`
    texts = [e.text for e in from_assistant(assistant)]
    same = np.mean([a[0].name == b[0].name for a, b in zip(model.predict(texts), teacher.predict(texts))])
    assert same >= 0.8  # tiny models; a student that learnt nothing from its teacher agrees far less
    names = [e for p in model.parse(["我叫张三", "我是王小明"]) for e in p.entities]
    assert {e.value for e in names} & {"张三", "王小明"}  # the entity head learnt the gold tags


def test_dialog_evaluate_scores_the_student(domain_teacher_base, student, tmp_path, capsys):
    from framework.nlu import evaluate

    domain, _, _ = domain_teacher_base
    data = tmp_path / "held_out.csv"
    data.write_text("text,intent\n你好呀,问候\n帮我转人工,转人工\n取消吧,取消\n", encoding="utf-8")
    assert evaluate.main([str(domain), "--model", str(student), "--data", str(data),
                          "--out", str(tmp_path / "r")]) == 0
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["n"] == 3 and report["base_model"]["name"].endswith("base")


def test_a_teacher_of_other_intents_is_one_line_and_exit_2(domain_teacher_base, tmp_path, capsys):
    from framework.nlu import distill
    from tests.support.tiny_model import train_tiny_model

    domain, _, base = domain_teacher_base
    other = train_tiny_model([("你好", "问候"), ("再见", "再见")], tmp_path / "other", epochs=2)
    assert distill.main([str(domain), "--teacher", str(other), "--out", str(tmp_path / "s"),
                         "--base-model", str(base)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("dialog distill: The model in") and "\n" not in err
    assert not (tmp_path / "s").exists()


def test_distill_help_does_not_import_torch():
    code = ("import sys\nfrom framework import cli\ntry:\n    cli.main(['distill', '--help'])\nexcept SystemExit:\n"
            "    pass\nassert 'torch' not in sys.modules, 'torch imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "--teacher" in done.stdout and "--temperature" in done.stdout
