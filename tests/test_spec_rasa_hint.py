"""`dialog validate` on a Rasa project (as `rasa init` leaves it) says first that it is one and
how to convert it, then the problems of reading it as a dialogframe domain (golden text);
a dialogframe domain with problems gets no such line."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from framework.spec.command import main, rasa_project_hint

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "validate_rasa_project.txt"


@pytest.fixture
def moodbot(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "tests" / "fixtures" / "rasa_projects" / "moodbot", tmp_path / "moodbot")
    monkeypatch.chdir(tmp_path)  # the paths in the messages are relative, as a user types them
    return "moodbot"


def test_a_rasa_project_is_named_first_with_the_command_that_converts_it(moodbot, capsys):
    assert main([moodbot]) == 2
    text = capsys.readouterr().out
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("moodbot: this looks like a Rasa project (domain.yml version 3.1, ")
    assert "`dialog import-rasa moodbot OUT_DIR`" in text.splitlines()[0]


def test_the_json_report_has_the_hint(moodbot, capsys):
    assert main([moodbot, "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["hint"] == rasa_project_hint(moodbot)


def test_a_dialogframe_domain_with_problems_gets_no_hint(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["tests/fixtures/spec/many_errors"]) == 2
    assert "Rasa" not in capsys.readouterr().out
    assert rasa_project_hint("domains/banking_en") is None
