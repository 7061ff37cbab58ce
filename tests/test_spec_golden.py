"""Golden tests: the exact text a user sees for each error code, and for many errors at once.

Each tests/fixtures/spec/errors/<CODE>/ is the `base` domain with one mistake (written by
tests/fixtures/spec/make_error_fixtures.py). Refresh the goldens after a deliberate change
of wording with:  UPDATE_GOLDEN=1 pytest tests/test_spec_golden.py
"""
import os
from pathlib import Path

import pytest

from framework.spec import SpecErrors, load_assistant
from framework.spec.errors import CODES

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "spec"
GOLDEN = ROOT / "tests" / "golden"
ERROR_DIRS = sorted(p.name for p in (FIXTURES / "errors").iterdir() if p.is_dir())


def problems_text(domain: Path) -> str:
    try:
        load_assistant(domain.relative_to(ROOT), environ={})
    except SpecErrors as err:
        return str(err) + "\n"
    return "OK\n"


def check_golden(name: str, text: str) -> None:
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # messages show paths relative to the current directory


def test_base_fixture_is_valid():
    assert problems_text(FIXTURES / "base") == "OK\n"


def test_every_code_has_a_fixture():
    assert ERROR_DIRS == sorted(CODES)


@pytest.mark.parametrize("code", ERROR_DIRS)
def test_error_code_golden(code):
    text = problems_text(FIXTURES / "errors" / code)
    check_golden(code, text)
    assert f": {code} " in text  # the fixture shows the code it is named after


def test_many_problems_in_many_files_are_reported_together_and_sorted():
    text = problems_text(FIXTURES / "many_errors")
    check_golden("many_errors", text)
    lines = text.splitlines()[:-1]
    keys = []
    for line in lines:
        file, row, column = line.split(":")[:3]
        keys.append((file, int(row), int(column)))
    assert keys == sorted(keys)
    assert len({k[0] for k in keys}) >= 3  # problems from at least three files
    assert lines and text.splitlines()[-1] == f"{len(lines)} problems found."


def test_error_table_is_documented():
    docs = (ROOT / "docs" / "ERRORS.md").read_text(encoding="utf-8")
    for code, meaning in CODES.items():
        assert f"### {code}: {meaning}" in docs
