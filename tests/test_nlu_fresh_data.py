"""The example domains' fresh test files (domains/*/eval/fresh_test*.csv): customer messages
written apart from the training data, which nobody trains on. fresh_test_2.csv was written
after the failures on fresh_test.csv had been looked at, before any model was scored on it;
fresh_test_3.csv before any training data or setting was changed in session 4 (the held-out
file of BENCHMARKS.md's session-4 figures; its failures were studied in session 5);
fresh_test_4.csv at the start of session 5, before any failure list was read (the held-out
file of the session-5 figures, looked at since); fresh_test_5.csv at the start of session 6,
before any data or setting changed (the held-out file of session 6, looked at since);
fresh_test_6.csv at the start of session 7 (its held-out file, looked at since);
fresh_test_7.csv at the start of session 8 (its held-out file, scored once and looked at
since); fresh_test_8.csv at the start of session 9, before any data or setting changed (the
held-out file of session 9, scored once at the start of session 10 and looked at since; see
domains/telecom_zh/eval/README.md); telecom_zh's fresh_test_9.csv and banking_en's
fresh_test_2.csv at the start of session 10, without reading the training examples (the
held-out files of session 10, scored once at the start of session 11 and looked at since);
telecom_zh's fresh_test_10.csv and banking_en's fresh_test_3.csv at the start of session 11,
by a helper that read no training example (scored once at the start of session 12 and looked
at since); telecom_zh's fresh_test_11.csv and banking_en's fresh_test_4.csv at the start of
session 12, the same way (scored once at the start of session 13 and looked at since);
telecom_zh's fresh_test_12.csv at the start of session 13 (scored once in session 14 and
looked at since), banking_en's fresh_test_5.csv in session 14 before its training data
changed and telecom_zh's fresh_test_13.csv in session 14 after its data changed, and
banking_en's fresh_test_6.csv in session 15 before its data changed (both scored once in session
15 and looked at since), telecom_zh's fresh_test_14.csv and banking_en's fresh_test_7.csv
later in session 15, before its second data change (scored once in session 16 and looked at
since), telecom_zh's fresh_test_15.csv and banking_en's fresh_test_8.csv and fresh_test_9.csv
in session 16, each before the data change it was scored after (scored once in session 16 and
looked at since), and telecom_zh's fresh_test_16.csv at the end of session 16 (scored once at
the start of session 17 and looked at since), telecom_zh's fresh_test_17.csv in session 17
before its data changed (scored once after it, and looked at since), and telecom_zh's
fresh_test_18.csv in session 18 (scored once on unchanged data and looked at since), and
telecom_zh's fresh_test_19.csv in session 19 before its data changed (scored once after it, and
looked at since), banking_en's fresh_test_10.csv (scored once in session 19 on unchanged data,
and looked at since) and telecom_zh's fresh_test_20.csv in session 19 (scored once after a second
data change, and looked at since), telecom_zh's fresh_test_21.csv and banking_en's
fresh_test_11.csv at the start of session 20 (scored once after a small data change, and looked
at since), and telecom_zh's fresh_test_22.csv and banking_en's fresh_test_12.csv later in
session 20 (scored once after a second data change, and looked at since), and telecom_zh's
fresh_test_23.csv and banking_en's fresh_test_13.csv in session 21 (scored once on unchanged
data, and looked at since), and telecom_zh's fresh_test_24.csv and banking_en's fresh_test_14.csv
in session 22, after a small data change (scored once after it, and looked at since), and
telecom_zh's fresh_test_25.csv and banking_en's fresh_test_15.csv in session 23, before its data
changed (scored once after it, and looked at since), and telecom_zh's fresh_test_26.csv and
banking_en's fresh_test_16.csv later in session 23, before a second data change (scored once
after it, and looked at since), and telecom_zh's fresh_test_27.csv and banking_en's
fresh_test_17.csv at the start of session 24, before any data changed (scored once on unchanged
data, and looked at since), and telecom_zh's fresh_test_28.csv and banking_en's fresh_test_18.csv
later in session 24, after its data change (scored once after it, and looked at since), and
telecom_zh's fresh_test_29.csv and banking_en's fresh_test_19.csv at the start of session 25, before
any data changed (scored once on unchanged data, and looked at since), and telecom_zh's fresh_test_30.csv and banking_en's fresh_test_20.csv later in
session 25, after its data change (scored once after it, and looked at since), and
telecom_zh's fresh_test_31.csv and banking_en's fresh_test_21.csv at the start of session 26,
before any data changed (both scored once on unchanged data, and looked at since), and
banking_en's fresh_test_22.csv and telecom_zh's fresh_test_32.csv after session 26's data changes (scored once
after them, and looked at since), and banking_en's fresh_test_23.csv and telecom_zh's fresh_test_33.csv at the start
of session 27, before any data changed (both scored once on unchanged data, and looked at since), and
banking_en's fresh_test_24.csv and telecom_zh's fresh_test_34.csv after session 27's data changes (both scored
once after them, and looked at since), and banking_en's fresh_test_25.csv and telecom_zh's fresh_test_35.csv at the
start of session 28 (scored once on unchanged data, and looked at since), and banking_en's fresh_test_26.csv (scored once on
unchanged data, and looked at since) and telecom_zh's fresh_test_36.csv at the start of session 29 (scored once on
unchanged data, and looked at since), and banking_en's fresh_test_27.csv (scored once after
session 29's data changes, and looked at since) and telecom_zh's fresh_test_37.csv later in session 29, after its data
changes (scored once after them, and looked at since), and banking_en's fresh_test_28.csv and telecom_zh's
fresh_test_38.csv at the start of session 30, before any data changed (both scored once on unchanged data, and
looked at since), and banking_en's fresh_test_29.csv and telecom_zh's fresh_test_39.csv after session 30's data
changes (both scored once after them, and looked at since), and banking_en's fresh_test_30.csv and telecom_zh's
fresh_test_40.csv after its second data change (both scored once after it, and looked at since), and banking_en's
fresh_test_31.csv and telecom_zh's fresh_test_41.csv at the start of session 31, before any data changed (both
scored once on unchanged data, and looked at since), and banking_en's fresh_test_32.csv and telecom_zh's
fresh_test_42.csv after session 31's first data change (both scored once after it, and looked at since), and
banking_en's fresh_test_33.csv and telecom_zh's fresh_test_43.csv after its second data change (both scored once
after it, and looked at since), and banking_en's fresh_test_34.csv and telecom_zh's fresh_test_44.csv at the start of
session 32, before any data changed, fresh_test_35.csv and fresh_test_45.csv after its first data change and
fresh_test_36.csv and fresh_test_46.csv after its second (each scored once, and looked at since), and
banking_en's fresh_test_37.csv and telecom_zh's fresh_test_47.csv at the start of session 33, before any data
changed, and fresh_test_38.csv and fresh_test_48.csv after its first data change, and banking_en's
fresh_test_39.csv and telecom_zh's fresh_test_49.csv after its second, and banking_en's fresh_test_40.csv after its
third, and telecom_zh's fresh_test_50.csv after it too, banking_en's fresh_test_41.csv and telecom_zh's
fresh_test_51.csv at the start of session 34, before any data changed, fresh_test_42.csv and fresh_test_52.csv
after its first data change, and fresh_test_43.csv and fresh_test_53.csv after its second, and fresh_test_44.csv and
fresh_test_54.csv at the start of session 35, before any data changed, and fresh_test_45.csv and fresh_test_55.csv after
its data change (each scored once, and looked at since), and fresh_test_46.csv and fresh_test_56.csv at the start of
session 36, before any data changed (each scored once, and looked at since), and fresh_test_47.csv and fresh_test_57.csv
after its data change (each scored once, and looked at since), and fresh_test_48.csv and fresh_test_58.csv at the
start of session 37, before any data changed, and fresh_test_49.csv and fresh_test_59.csv after its data change, and
fresh_test_50.csv and fresh_test_60.csv at the start of session 38, after its data change, and
fresh_test_51.csv late in session 38, after its second data pass, and fresh_test_52.csv and fresh_test_61.csv at the start
of session 39, before any data changed, and fresh_test_53.csv and fresh_test_62.csv at the start of session 40,
before any data changed (a balanced mix asked for), and fresh_test_54.csv and fresh_test_63.csv late in session 40, after
its data passes, by helpers
that read no training example (held out: a domain's eval/HELD_OUT lists a file until its one
scoring). The models are
evaluated on them in tests/test_examples_e2e.py; here: that they stay fresh, apart from each
other, and cover every intent."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from framework.nlu import data as nlu_data
from framework.spec import load_assistant

ROOT = Path(__file__).resolve().parent.parent


FRESH = sorted((ROOT / "domains").glob("*/eval/fresh_test*.csv"))


def _key(text: str) -> str:
    """Case and end punctuation do not make a new sentence (as tests/test_perf_precision.py
    compares them): until session 12 this check compared case only, and nine rows of four
    files were training examples with a "!" or "?" added."""
    return text.lower().strip(" ?.!？。！")


def test_every_example_domain_has_a_fresh_test_file():
    assert {p.parts[-3] for p in FRESH} == {"telecom_zh", "banking_en"}


@pytest.mark.parametrize("path", FRESH, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_fresh_test_file_is_apart_from_training_and_covers_every_intent(path):
    assistant = load_assistant(path.parent.parent)
    fresh = nlu_data.read_data_file(path)
    trained = {_key(e.text) for e in nlu_data.from_assistant(assistant)}
    assert [f.text for f in fresh if _key(f.text) in trained] == []  # "good morning!" is "good morning"
    assert len({f.text for f in fresh}) == len(fresh)
    counts = Counter(f.intent for f in fresh)
    oos = assistant.behaviours.out_of_scope.intents[0]
    assert set(counts) == set(assistant.intents)
    assert counts[oos] >= 30
    assert min(n for intent, n in counts.items() if intent != oos) >= 8


@pytest.mark.parametrize("domain", ["telecom_zh", "banking_en"])
def test_fresh_test_files_of_a_domain_share_no_text(domain):
    """A later file is only a new measurement if none of its texts was already scored."""
    seen: dict[str, str] = {}
    repeated = []
    for path in (p for p in FRESH if p.parts[-3] == domain):
        for f in nlu_data.read_data_file(path):
            key = _key(f.text)
            if key in seen:
                repeated.append((f.text, seen[key], path.name))
            seen.setdefault(key, path.name)
    assert repeated == []


@pytest.mark.parametrize("domain", ["telecom_zh", "banking_en"])
def test_the_domain_loader_does_not_read_the_eval_folder(domain):
    """Only *.yml files of the domain directory are merged: the CSV is never training data."""
    assert not list((ROOT / "domains" / domain / "eval").glob("*.yml"))


def test_the_int8_check_never_reads_a_held_out_file(tmp_path):
    """eval/HELD_OUT lists the files kept for their one scoring: the int8 check's texts
    (precision.labelled_texts) skip them, and every listed file exists."""
    from types import SimpleNamespace

    from framework.nlu.precision import held_out_files, labelled_texts

    for domain in ("telecom_zh", "banking_en"):
        eval_dir = ROOT / "domains" / domain / "eval"
        assert all((eval_dir / name).is_file() for name in held_out_files(eval_dir))
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "seen.csv").write_text("text,intent\nhello,greet\n", encoding="utf-8")
    (tmp_path / "eval" / "kept.csv").write_text("text,intent\nbye,goodbye\n", encoding="utf-8")
    (tmp_path / "eval" / "HELD_OUT").write_text("# kept apart\nkept.csv\n", encoding="utf-8")
    assistant = SimpleNamespace(source_dir=str(tmp_path), intents={})
    assert labelled_texts(assistant) == [("hello", "greet")]
