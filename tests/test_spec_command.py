"""`dialog validate`: exit codes, output, and the guard that validating never imports torch."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from framework.spec.command import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = "tests/fixtures/spec"


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_valid_domain_exits_0_with_a_summary(capsys):
    assert main([f"{FIXTURES}/valid"]) == 0
    out = capsys.readouterr().out
    summary = out.splitlines()[-1]
    assert summary.startswith(f"{FIXTURES}/valid: 7 intents, 7 slots, ")
    assert summary.endswith("2 flows, 12 states: OK, 1 warning")  # W001: ask_id has no on_failure
    assert out.splitlines()[0].startswith(f"{FIXTURES}/valid/flows/open_account.yml:16:18: W001 ")


def test_broken_domain_exits_2_and_lists_problems(capsys):
    assert main([f"{FIXTURES}/many_errors"]) == 2
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "11 problems found, 1 warning."
    assert " W001 " in out.splitlines()[-2]  # warnings come after the errors
    assert "E010 settings.max_attempt: unknown key 'max_attempt'" in out


def test_json_output(capsys):
    assert main([f"{FIXTURES}/errors/E020", "--json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["errors"] == [{
        "code": "E020", "file": f"{FIXTURES}/errors/E020/flows/book.yml", "line": 3, "column": 14,
        "path": "flows.book.trigger", "message": "unknown intent 'bok'", "expected": "one of 'book' or 'greet'",
        "found": "'bok'", "hint": "Did you mean 'book'?",
    }]
    assert main([f"{FIXTURES}/valid", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_missing_directory_and_missing_argument_exit_2(capsys):
    assert main(["no/such/domain"]) == 2
    assert "E004" in capsys.readouterr().out
    assert main([]) == 2


def test_codes_lists_every_code(capsys):
    from framework.spec.errors import CODES

    assert main(["--codes"]) == 0
    out = capsys.readouterr().out
    assert all(code in out for code in CODES)


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_cli_subprocess_exit_codes_and_no_traceback():
    ok = subprocess.run([sys.executable, "-m", "framework", "validate", f"{FIXTURES}/valid"], cwd=ROOT,
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    for broken in (f"{FIXTURES}/errors/E001", f"{FIXTURES}/many_errors", "no/such/dir"):
        bad = subprocess.run([sys.executable, "-m", "framework", "validate", broken], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
        assert bad.returncode == 2
        assert "Traceback" not in bad.stderr and "Traceback" not in bad.stdout


def test_validate_and_help_do_not_import_torch():
    result = _run(
        "import sys, contextlib, io\n"
        "import framework.spec, framework.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert framework.cli.main(['validate', '{FIXTURES}/valid']) == 0\n"
        f"    assert framework.cli.main(['validate', '{FIXTURES}/many_errors']) == 2\n"
        "    try:\n"
        "        framework.cli.main(['validate', '--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'matplotlib') if m in sys.modules)\n"
        "print(heavy)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
