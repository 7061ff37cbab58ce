"""`dialog validate` on webhooks, python actions and conditions (issue 8, item 6), and its
warnings: placeholders in URLs, headers and query parameters, python functions imported and
checked without torch, categorical values in conditions, one error for one missing `next`."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from framework.actions import placeholders
from framework.spec import SpecErrors, check_domain_dir, load_assistant
from framework.spec.command import main
from framework.spec.errors import WARNINGS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "spec"
GOLDEN = ROOT / "tests" / "golden"


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # messages show paths relative to the current directory


def check_golden(name: str, text: str) -> None:
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_placeholders_functions_and_categorical_values_golden():
    with pytest.raises(SpecErrors) as err:
        load_assistant("tests/fixtures/spec/webhook_placeholders", environ={})
    text = str(err.value) + "\n"
    check_golden("webhook_placeholders", text)
    codes = [e.code for e in err.value.errors]
    assert codes.count("E021") == 4 and codes.count("E058") == 2 and codes.count("E042") == 3
    assert codes.count("E059") == 2  # the registered name and the good function are not reported
    assert all(".fine." not in e.path and ".ok_python." not in e.path for e in err.value.errors)


def test_placeholder_parsing():
    found, problems = placeholders.parse("${HOST:-http://x:1}/c/{claim_id}/{{id}}?q={ 金额 }")
    assert [(p.name, p.offset) for p in found] == [("claim_id", 22), ("金额", 42)]
    assert problems == []
    _, problems = placeholders.parse("/a/{}/b}/{1x}")
    assert [p.message for p in problems] == ["empty placeholder '{}'", "unmatched '}'", "'{1x}' is not a slot name"]
    assert placeholders.fill("/c/{id}/{{x}}", {"id": "a b/ç"}, placeholders.url_encode) == "/c/a%20b%2F%C3%A7/{x}"
    assert placeholders.fill("{n}-{ok}", {"n": 5000.0, "ok": True}) == "5000-true"
    with pytest.raises(placeholders.MissingSlot):
        placeholders.fill("/c/{id}", {})


def copy_example(tmp_path: Path, name: str) -> Path:
    """domains/<name> and flows/<name> copied with the same relative layout."""
    shutil.copytree(ROOT / "domains" / name, tmp_path / "domains" / name)
    shutil.copytree(ROOT / "flows" / name, tmp_path / "flows" / name)
    return tmp_path / "domains" / name


@pytest.mark.parametrize("name,flow_file,line", [
    ("telecom_zh", "business.yml", "        next: ask_name\n"),
    ("banking_en", "lost_card.yml", "        next: confirm_block\n"),
])
def test_one_missing_next_is_one_error(tmp_path, name, flow_file, line):
    domain = copy_example(tmp_path, name)
    path = tmp_path / "flows" / name / flow_file
    text = path.read_text(encoding="utf-8")
    assert text.count(line) == 1
    path.write_text(text.replace(line, "", 1), encoding="utf-8")
    _, errors = check_domain_dir(domain, environ={})
    assert [e.code for e in errors] == ["E032"]  # not one E031 per state after it


def test_a_genuinely_unreachable_state_is_still_reported(tmp_path):
    domain = copy_example(tmp_path, "banking_en")
    path = tmp_path / "flows" / "banking_en" / "goodbye.yml"
    path.write_text(path.read_text(encoding="utf-8") + "      lost:\n        end: utter_goodbye\n", encoding="utf-8")
    _, errors = check_domain_dir(domain, environ={})
    assert [(e.code, e.path) for e in errors] == [("E031", "flows.goodbye.states.lost")]


def test_warnings_are_printed_after_errors_and_do_not_fail(capsys):
    assert main(["tests/fixtures/spec/base"]) == 0
    out = capsys.readouterr().out
    check_golden("W001", out.replace("tests/fixtures/spec/base/", ""))
    assert out.splitlines()[-1].endswith(": OK, 1 warning")
    assert main(["tests/fixtures/spec/base", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["errors"] == []
    assert [w["code"] for w in report["warnings"]] == ["W001"]
    assert report["warnings"][0]["path"] == "flows.book.states.ask_people.collect"


def test_no_warning_for_an_unbounded_text_slot_or_a_failure_branch(tmp_path):
    shutil.copytree(FIXTURES / "base", tmp_path / "d")
    domain = tmp_path / "d" / "domain.yml"
    domain.write_text(domain.read_text().replace("slots:\n", "slots:\n  note: {type: text}\n"), encoding="utf-8")
    flows = tmp_path / "d" / "flows" / "book.yml"
    flows.write_text(flows.read_text().replace("        next: done\n", "        on_failure: done\n        next: note\n"
                                                "      note:\n        collect: note\n        prompt: utter_greet\n"
                                                "        next: done\n"), encoding="utf-8")
    assert main([str(tmp_path / "d")]) == 0


def test_warning_codes_are_documented():
    docs = (ROOT / "docs" / "ERRORS.md").read_text(encoding="utf-8")
    for code, meaning in WARNINGS.items():
        assert f"### {code}: {meaning}" in docs


def test_validating_imports_the_domains_python_actions_but_not_torch():
    code = (
        "import sys, contextlib, io\n"
        "import framework.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert framework.cli.main(['validate', 'domains/telecom_zh']) == 0\n"
        "    assert framework.cli.main(['validate', 'tests/fixtures/spec/webhook_placeholders']) == 2\n"
        "print(any(m.startswith('_dialog_domain_') and m.endswith('_actions') for m in sys.modules))\n"
        "print(sorted(m for m in ('torch', 'transformers', 'aiohttp') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["True", "[]"]
