"""The serving precision follows the model's int8 check (no torch needed to decide)."""
from __future__ import annotations

from pathlib import Path

import json

import pytest

from framework.nlu.int8 import SCHEME
from framework.nlu.precision import BOUND_PCT, CHECK_FILE, int8_recommended, held_out_files, labelled_texts, served_precision
from framework.server.command import build_parser
from framework.spec import load_assistant


def write_check(tmp_path, loss: float, ok: bool, scheme: str | None = SCHEME, float16: dict | None = None) -> None:
    check = {"accuracy_loss_points": loss, "int8_ok": ok, **({"scheme": scheme} if scheme else {}),
             **({"float16": float16} if float16 else {})}
    (tmp_path / CHECK_FILE).write_text(json.dumps(check), encoding="utf-8")


def test_int8_when_the_check_is_within_the_bound(tmp_path):
    write_check(tmp_path, BOUND_PCT - 0.1, True)
    assert int8_recommended(tmp_path)


def test_float32_when_the_check_failed_or_is_missing(tmp_path):
    assert not int8_recommended(tmp_path)  # no check file: a model from before the check
    write_check(tmp_path, BOUND_PCT + 0.1, False)
    assert not int8_recommended(tmp_path)
    (tmp_path / CHECK_FILE).write_text("{not json", encoding="utf-8")
    assert not int8_recommended(tmp_path)


def test_float16_when_int8_failed_and_float16_passed(tmp_path):
    write_check(tmp_path, BOUND_PCT + 0.1, False, float16={"accuracy_loss_points": 0.0, "ok": True})
    assert served_precision(tmp_path) == "float16" and not int8_recommended(tmp_path)
    write_check(tmp_path, BOUND_PCT + 0.1, False, float16={"accuracy_loss_points": BOUND_PCT + 0.1, "ok": False})
    assert served_precision(tmp_path) == "float32"
    write_check(tmp_path, 0.0, True, float16={"accuracy_loss_points": 0.0, "ok": True})
    assert served_precision(tmp_path) == "int8"
    write_check(tmp_path, BOUND_PCT + 0.1, False, scheme="dynamic-per-tensor",
                float16={"accuracy_loss_points": 0.0, "ok": True})
    assert served_precision(tmp_path) == "float32"


def test_a_check_with_other_activation_bits_does_not_vouch_for_this_cpu(tmp_path):
    from framework.nlu.int8 import activation_bits

    check = {"accuracy_loss_points": 0.0, "int8_ok": True, "scheme": SCHEME}
    for bits, served in ((activation_bits(), "int8"), (15 - activation_bits(), "float32")):
        (tmp_path / CHECK_FILE).write_text(json.dumps({**check, "activation_bits": bits}), encoding="utf-8")
        assert served_precision(tmp_path) == served


def test_a_check_of_another_int8_scheme_does_not_vouch_for_todays(tmp_path):
    write_check(tmp_path, 0.0, True, scheme=None)  # checked before the scheme was recorded: torch's default int8
    assert not int8_recommended(tmp_path)
    write_check(tmp_path, 0.0, True, scheme="dynamic-per-tensor")
    assert not int8_recommended(tmp_path)


def test_serve_precision_options():
    parse = build_parser().parse_args
    assert parse(["domains/banking_en"]).int8 is None  # as the check says
    assert parse(["domains/banking_en", "--int8"]).int8 is True
    assert parse(["domains/banking_en", "--float32"]).int8 is False


@pytest.mark.parametrize("domain", ["banking_en", "telecom_zh"])
def test_the_check_reads_the_held_out_test_files(domain):
    assistant = load_assistant(f"domains/{domain}")
    pairs = labelled_texts(assistant)

    def key(text: str) -> str:  # case and end punctuation do not make a new sentence
        return text.lower().strip(" ?.!？。！")

    examples = {key(e.text) for i in assistant.intents.values() for e in i.examples}
    rows = 0
    eval_dir = Path(f"domains/{domain}/eval")
    kept_apart = held_out_files(eval_dir)  # counted by name only: never opened before their scoring
    for path in sorted(p for p in eval_dir.glob("*.csv") if p.name not in kept_apart):  # the looked-at files' rows
        with open(path, encoding="utf-8") as f:
            rows += sum(1 for _ in f) - 1  # header skipped
    assert len(pairs) == rows
    assert not examples & {key(t) for t, _ in pairs}  # no training example
    assert all(intent in assistant.intents for _, intent in pairs)


def test_the_check_runs_a_fixed_sample_of_at_most_its_limit():
    from framework.nlu.precision import check_sample

    pairs = [(f"text {k}", "a" if k % 3 else "b") for k in range(50)] + [("text 1", "a"), ("  ", "a")]
    sample = check_sample(pairs, limit=20)
    assert len(sample) == 20 and len(set(sample)) == 20 and set(sample) <= set(pairs)
    assert set(sample) == set(check_sample(list(reversed(pairs)), limit=20))  # the same texts, whatever the order
    assert sample == sorted(sample, key=pairs.index)  # in the files' order
    assert check_sample(pairs) == list(dict.fromkeys(p for p in pairs if p[0].strip()))  # under the limit: all
