"""`dialog init`: the new assistant validates with no warnings, and passes its own conversation
tests with a tiny real model trained on its examples (tests/support/tiny_model.py), in
English and in Chinese; a bad name or a folder in use is refused with one clear line."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from framework.cli import main as dialog
from framework.spec import load_assistant
from tests.support.tiny_model import train_tiny_model

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("language,out_of_scope,confirm_intents", [
    ("en", "out_of_scope", ("affirm", "deny")),
    ("zh", "其他", ("肯定", "否定")),
])
def test_a_new_assistant_validates_trains_and_passes_its_tests(tmp_path, capsys, language, out_of_scope,
                                                              confirm_intents):
    assert dialog(["init", "helpdesk", "--language", language, "--dir", str(tmp_path)]) == 0
    target = tmp_path / "helpdesk"
    assert capsys.readouterr().out.startswith(f"Created {target}/ (read {target / 'README.md'}). Next:\n")
    assert sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()) == [
        "README.md", "domain.yml", "flows/callback.yml", "flows/goodbye.yml", "tests/conversations.yml"]
    assert "# helpdesk" in (target / "README.md").read_text(encoding="utf-8")

    assert dialog(["validate", str(target)]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith(": OK"), out  # no warnings: they would be counted on this line

    assistant = load_assistant(target)
    assert assistant.language == language
    behaviours = assistant.behaviours
    assert (behaviours.affirm.intents + behaviours.deny.intents) == confirm_intents
    assert all(b.intents for b in (behaviours.greet, behaviours.cancel, behaviours.handoff, behaviours.help,
                                   behaviours.out_of_scope))
    steps = {type(s.step).__name__ for f in assistant.flows.values() for s in f.states.values()}
    assert {"Collect", "Confirm"} <= steps
    assert [name for name, flow in assistant.flows.items() if flow.ends_conversation] == ["goodbye"]

    examples = [(e.text, name) for name, intent in assistant.intents.items() for e in intent.examples]
    model = train_tiny_model(examples, tmp_path / "model", intent_fingerprint=assistant.intent_fingerprint,
                             out_of_scope=out_of_scope)
    assert dialog(["test", str(target), "--model", str(model)]) == 0, capsys.readouterr().out
    assert capsys.readouterr().out.rstrip().endswith("9 conversation tests: 9 passed.")


def test_a_bad_name_and_a_folder_in_use_are_refused(tmp_path, capsys):
    assert dialog(["init", "my bot", "--language", "en", "--dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == ("dialog init: 'my bot' is not a usable name. Expected a letter, then letters, "
                                       "digits, '_' or '-' (64 at most), e.g. 'support_bot'.\n")
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "notes.txt").write_text("mine", encoding="utf-8")
    assert dialog(["init", "bot", "--language", "zh", "--dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"dialog init: {tmp_path / 'bot'} already exists and is not an empty folder\n"
    assert [p.name for p in (tmp_path / "bot").iterdir()] == ["notes.txt"]


def test_init_does_not_import_torch(tmp_path):
    code = ("import sys; from framework.cli import main; "
            f"assert main(['init', 'b', '--language', 'zh', '--dir', {str(tmp_path)!r}]) == 0; "
            "assert 'torch' not in sys.modules and 'transformers' not in sys.modules")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("language,example_domain", [("en", "banking_en"), ("zh", "telecom_zh")])
def test_the_scaffold_labels_shared_examples_as_the_example_domain_does(tmp_path, capsys, language, example_domain):
    """A newcomer copies both: "你是机器人吗" is 帮助 in telecom_zh, so it is not 其他 in the scaffold."""
    assert dialog(["init", "b", "--language", language, "--dir", str(tmp_path)]) == 0
    scaffold, example = load_assistant(tmp_path / "b"), load_assistant(ROOT / "domains" / example_domain)
    labelled = {e.text.lower(): name for name, intent in example.intents.items() for e in intent.examples}
    shared = [(e.text, name, labelled[e.text.lower()]) for name, intent in scaffold.intents.items()
              for e in intent.examples if e.text.lower() in labelled]
    assert len(shared) > 30  # greetings, yes, no, cancel, handoff, help, out of scope
    assert [s for s in shared if s[1] != s[2]] == []
