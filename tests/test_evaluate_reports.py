"""`dialog evaluate` reports people can read: above 40 intents the picture shows the most
confused ones and the whole matrix goes to CSV; `--out-of-scope` prints in-scope accuracy
and out-of-scope recall at the model's threshold; test labels the model does not know are
listed and left out of the scores; reports go to reports/<model id>/, not into the model.
The printed lines are compared with golden texts (tests/golden/evaluate/)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden" / "evaluate"
EXAMPLES = [
    ("hello there", "greet"), ("hi", "greet"), ("good morning", "greet"), ("hey", "greet"), ("hello", "greet"),
    ("bye", "goodbye"), ("goodbye", "goodbye"), ("see you later", "goodbye"), ("bye bye", "goodbye"),
    ("我想办理一张新卡", "办理"), ("我要开户", "办理"), ("办理新卡", "办理"), ("开一张卡", "办理"), ("我想开户", "办理"),
]
OOS = [("what is the weather", "out_of_scope"), ("tell me a joke", "out_of_scope"), ("今天天气怎么样", "out_of_scope"),
       ("who won the match", "out_of_scope"), ("讲个笑话", "out_of_scope")]


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    from tests.support.tiny_model import train_tiny_model

    return train_tiny_model(EXAMPLES, tmp_path_factory.mktemp("eval") / "model")


@pytest.fixture(scope="module")
def oos_model(tmp_path_factory):
    from tests.support.tiny_model import train_tiny_model

    return train_tiny_model(EXAMPLES + OOS, tmp_path_factory.mktemp("eval_oos") / "model", out_of_scope="out_of_scope")


@pytest.fixture
def files(tmp_path):
    held_out = tmp_path / "held_out.csv"
    held_out.write_text("text,intent\nhello there,greet\nbye,goodbye\n我要开户,办理\n"
                        "where is my parcel,track_parcel\nparcel status,track_parcel\n转人工,转人工\n", encoding="utf-8")
    oos = tmp_path / "oos.txt"
    oos.write_text("# none of the intents\nplay some music\n今天天气怎么样\n\nwhat's the capital of France\n",
                   encoding="utf-8")
    return held_out, oos


def golden(name: str, **values) -> str:
    return (GOLDEN / f"{name}.txt").read_text(encoding="utf-8").format(**values)


def pct(x) -> str:
    return "n/a" if x is None else f"{x:.2%}"


def test_out_of_scope_and_unknown_intents_are_reported_not_scored(model, files, tmp_path, capsys):
    from framework.nlu import evaluate

    held_out, oos = files
    reports = tmp_path / "my_reports"
    assert evaluate.main(["--model", str(model), "--data", str(held_out), "--out-of-scope", str(oos),
                          "--report-dir", str(reports)]) == 0
    out, err = capsys.readouterr()
    report = json.loads((reports / "evaluation_held_out.json").read_text(encoding="utf-8"))
    # 3 known examples scored; the 3 of unknown intents listed; the 3 out-of-scope texts in the scope line only
    assert report["n"] == 3 and report["unknown_labels"] == {"track_parcel": 2, "转人工": 1}
    assert "track_parcel" not in report["labels"] and "转人工" not in report["labels"]
    scope = report["scope"]
    assert (scope["in_scope_n"], scope["out_of_scope_n"]) == (3, 3)
    assert err == golden("unknown_labels")
    assert out == golden("out_of_scope", accuracy=pct(report["accuracy"]), macro_f1=pct(report["macro_f1"]),
                         in_scope=pct(scope["in_scope_accuracy"]), recall=pct(scope["oos_recall"]),
                         wrong=pct(scope["confidently_wrong"]), threshold=f"{scope['threshold']:g}",
                         dir=reports)
    md = (reports / "evaluation_held_out.md").read_text(encoding="utf-8")
    assert "Left out of the scores (intents the model does not know): track_parcel (2), 转人工 (1)" in md
    # (training's own report, evaluation.json, is still written by framework/nlu/fit.py into the model)
    assert [p.name for p in model.iterdir() if p.name.startswith("evaluation_held_out")] == []


def test_a_model_with_an_out_of_scope_intent_counts_the_texts_as_its_examples(oos_model, files, tmp_path, capsys):
    from framework.nlu import evaluate

    held_out, oos = files
    assert evaluate.main(["--model", str(oos_model), "--data", str(held_out), "--out-of-scope", str(oos),
                          "--out", str(tmp_path / "r")]) == 0
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["n"] == 6 and report["per_intent"]["out_of_scope"]["support"] == 3
    assert report["scope"]["out_of_scope_n"] == 3


def test_reports_go_to_a_folder_of_their_own(model, files, tmp_path, monkeypatch, capsys):
    from framework.nlu import evaluate

    held_out, _ = files
    monkeypatch.chdir(tmp_path)
    assert evaluate.main(["--model", str(model), "--data", str(held_out)]) == 0
    model_id = json.loads((model / "artifact.json").read_text(encoding="utf-8"))["model_id"]
    folder = tmp_path / "reports" / model_id
    assert sorted(p.name for p in folder.iterdir()) == [
        "evaluation_held_out.json", "evaluation_held_out.md", "evaluation_held_out_confusion.csv",
        "evaluation_held_out_confusion.png"]
    assert capsys.readouterr().out.endswith(
        f"wrote {Path('reports') / model_id / 'evaluation_held_out.json'}, "
        f"{Path('reports') / model_id / 'evaluation_held_out.md'}, "
        f"{Path('reports') / model_id / 'evaluation_held_out_confusion.csv'}, "
        f"{Path('reports') / model_id / 'evaluation_held_out_confusion.png'}\n")


def many_intents_report(n: int = 150) -> dict:
    """A report of `n` intents, Chinese and English names, most right; intents 5, 17, 60
    and 149 confused with each other (and 17 with 3)."""
    import numpy as np

    labels = [f"意图_{i}" if i % 2 else f"intent_{i}" for i in range(n)]
    cm = np.diag(np.full(n, 10))
    for gold, predicted, count in ((5, 17, 4), (17, 5, 3), (60, 149, 6), (149, 60, 2), (17, 3, 1)):
        if max(gold, predicted) < n:
            cm[gold, predicted] += count
            cm[gold, gold] -= count
    return {"n": int(cm.sum()), "accuracy": 0.9, "macro_f1": 0.9, "labels": labels,
            "confusion_matrix": cm.tolist(), "per_intent": {}, "model_id": "many"}


def test_above_40_intents_the_picture_shows_the_most_confused_and_the_csv_all(tmp_path):
    from matplotlib import image

    from framework.nlu.report import write_report

    report = many_intents_report()
    paths = write_report(report, tmp_path / "ev")
    assert [p.name for p in paths] == ["ev.json", "ev.md", "ev_confusion.csv", "ev_confusion.png"]
    with (tmp_path / "ev_confusion.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 151 and rows[0][:3] == ["gold \\ predicted", "intent_0", "意图_1"]
    assert rows[1 + 60][1 + 149] == "6" and rows[1 + 17][1 + 17] == "6"
    # only the intents with errors, in label order (those without would pad the picture)
    assert report["confusion_plot"] == {"labels": ["意图_3", "意图_5", "意图_17", "intent_60", "意图_149"], "of": 150}
    height, width = image.imread(tmp_path / "ev_confusion.png").shape[:2]
    assert width <= 18 * 110 and height <= 18 * 110  # a page, not a 2860-pixel wall
    assert report["notes"] == ["confusion matrix: the picture shows the 5 most confused of 150 intents; "
                               "all of them are in ev_confusion.csv"]
    md = (tmp_path / "ev.md").read_text(encoding="utf-8")
    assert "The 5 most confused of 150 intents; the whole matrix is in ev_confusion.csv." in md


def test_the_picture_shows_at_most_30_intents(tmp_path):
    import numpy as np

    from framework.nlu.report import most_confused

    cm = np.diag(np.full(100, 10))
    for i in range(0, 100, 2):  # 50 intents confused with their neighbour, more errors further down
        cm[i, i + 1] = 1 + i // 10
    shown = most_confused(cm.tolist(), [str(i) for i in range(100)])
    assert len(shown) == 30 and shown == sorted(shown) and max(shown) == 99 and 0 not in shown


def test_up_to_40_intents_the_picture_shows_them_all(tmp_path):
    from framework.nlu.report import write_report

    report = many_intents_report(40)
    write_report(report, tmp_path / "ev")
    assert "confusion_plot" not in report and "notes" not in report
