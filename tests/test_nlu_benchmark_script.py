"""benchmarks/nlu_benchmark.py end to end on small SNIPS-format files and a real tiny BERT
saved as a base-model folder: the kept model folder (--model-out), the JSON line it appends
(--results: commit, UTC times, model size, float and int8 figures with slot scores), the
table, --valid-only runs that never touch test and stay out of the table, and --evaluate-model,
which reports the model kept by a --valid-only run on test."""
import importlib
import json
import sys
from pathlib import Path

import pytest

from tests.support.tiny_model import build_tiny_encoder

ROOT = Path(__file__).resolve().parent.parent

# (tokens, BIO tags, intent): two intents, one slot type each
UTTERANCES = [
    ("play some jazz music", "O O B-genre O", "PlayMusic"),
    ("play rock music now", "O B-genre O O", "PlayMusic"),
    ("play jazz for me", "O B-genre O O", "PlayMusic"),
    ("put on some rock", "O O O B-genre", "PlayMusic"),
    ("weather in paris today", "O O B-city O", "GetWeather"),
    ("is it raining in berlin", "O O O O B-city", "GetWeather"),
    ("weather for paris", "O O B-city", "GetWeather"),
    ("how cold is berlin", "O O O B-city", "GetWeather"),
]


def write_snips(root: Path) -> None:
    for split, rows in (("train", UTTERANCES), ("valid", UTTERANCES[::2]), ("test", UTTERANCES[1::2])):
        d = root / "snips" / split
        d.mkdir(parents=True)
        for name, column in (("seq.in", 0), ("seq.out", 1), ("label", 2)):
            (d / name).write_text("".join(r[column] + "\n" for r in rows), encoding="utf-8")


@pytest.fixture()
def bench(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    nlu_datasets = importlib.import_module("nlu_datasets")
    nlu_benchmark = importlib.import_module("nlu_benchmark")
    monkeypatch.setattr(nlu_datasets, "BENCH", tmp_path / "data")
    write_snips(tmp_path / "data")
    encoder, tokenizer = build_tiny_encoder([u[0] for u in UTTERANCES])
    encoder.save_pretrained(tmp_path / "base")
    tokenizer.save_pretrained(tmp_path / "base")
    yield nlu_benchmark, tmp_path
    sys.modules.pop("nlu_benchmark", None)
    sys.modules.pop("nlu_datasets", None)


def training(tmp_path: Path) -> list[str]:
    return ["--base-model", str(tmp_path / "base"), "--epochs", "2", "--batch-size", "8", "--threads", "1",
            "--no-progress", "--max-length", "16", "--extend-vocab", "off"]


def test_a_test_run_keeps_its_model_and_records_where_when_and_what(bench, capsys):
    nlu_benchmark, tmp = bench
    results, out = tmp / "results.jsonl", tmp / "kept" / "snips"
    assert nlu_benchmark.main(["snips", "--label", "tiny run", "--model-out", str(out), "--results", str(results)]
                              + training(tmp)) == 0

    rows = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 1
    row = rows[0]
    assert row["dataset"] == "snips" and row["label"] == "tiny run" and row["report_split"] == "test"
    assert row["train_examples"] == 8 and row["entity_labels"] > 0
    assert row["model_dir"] == str(out) and (out / "artifact.json").is_file()
    assert 0 < row["model_mb"] < 50
    assert row["started_utc"] <= row["finished_utc"] and row["started_utc"].endswith("Z")
    assert row["commit"] is None or len(row["commit"].split("+")[0]) == 12
    for variant in ("float", "int8"):  # both read the kept folder; slots scored on test's 4 utterances
        assert 0.0 <= row[variant]["accuracy"] <= 1.0
        assert row[variant]["slots"]["gold"] == 4
        assert row[variant]["ms_batch1"] > 0
    assert (out / "test_report.json").is_file() and (out / "test_report.md").is_file()

    printed = capsys.readouterr().out
    assert "snips: intent accuracy" in printed and "(on test)" in printed
    assert nlu_benchmark.main(["--table", "--results", str(results)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert len(table) == 3 and table[2].startswith("| snips | tiny run | ")


def test_valid_only_scores_valid_float_only_and_stays_out_of_the_table(bench, capsys):
    nlu_benchmark, tmp = bench
    results = tmp / "results.jsonl"
    assert nlu_benchmark.main(["snips", "--valid-only", "--label", "choosing", "--results", str(results),
                               "--model-out", str(tmp / "chosen")]
                              + training(tmp)) == 0

    row = json.loads(results.read_text(encoding="utf-8"))
    assert row["report_split"] == "valid" and "int8" not in row
    assert row["float"]["slots"]["gold"] == 4  # valid's 4 utterances, one slot each
    assert row["float"]["ms_batch1"] is None  # no speed figures for settings experiments
    assert row["model_dir"] == str(tmp / "chosen") and (tmp / "chosen" / "artifact.json").is_file()
    assert "(on valid)" in capsys.readouterr().out
    assert nlu_benchmark.main(["--table", "--results", str(results)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2  # the header only

    # the model chosen on valid, then on test without training again
    assert nlu_benchmark.main(["snips", "--evaluate-model", str(tmp / "chosen"), "--label", "chosen, on test",
                               "--results", str(results)]) == 0
    first, second = map(json.loads, results.read_text(encoding="utf-8").splitlines())
    assert second["report_split"] == "test" and second["label"] == "chosen, on test"
    assert second["trained"]["report_split"] == "valid" and second["trained"]["started_utc"] == first["started_utc"]
    assert second["argv"] == first["argv"] and second["epochs"] == first["epochs"]
    assert second["train_wall_s"] == first["train_wall_s"]
    assert second["int8"]["slots"]["gold"] == 4 and second["float"]["ms_batch1"] > 0
    assert (tmp / "chosen" / "test_report.json").is_file()
    capsys.readouterr()
    assert nlu_benchmark.main(["--table", "--results", str(results)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert len(table) == 3 and table[2].startswith("| snips | chosen, on test | ")


def test_evaluate_model_needs_a_recorded_kept_model(bench, capsys):
    nlu_benchmark, tmp = bench
    (tmp / "stray").mkdir()
    assert nlu_benchmark.main(["snips", "--evaluate-model", str(tmp / "stray"),
                               "--results", str(tmp / "none.jsonl")]) == 2
    assert capsys.readouterr().err == (
        f"--evaluate-model {tmp / 'stray'}: expected a model folder that a snips run recorded in "
        f"{tmp / 'none.jsonl'} (train it with --model-out {tmp / 'stray'}); found no such record\n")
    with pytest.raises(SystemExit) as e:  # training arguments belong to the run that kept the model
        nlu_benchmark.main(["snips", "--evaluate-model", str(tmp / "stray"), "--epochs", "3"])
    assert e.value.code == 2
    assert "--evaluate-model takes the training arguments from the run that kept the model; found --epochs 3" \
        in capsys.readouterr().err
