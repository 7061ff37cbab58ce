"""The example domains' conversation tests (domains/*/tests/*.yml) under pytest, one pytest
test per conversation test, against the models trained once per session
(tests/support/example_models.py), with the demo backends and the tests' webhook answers;
and `dialog test` itself: exit 0, exit 1 with a readable diff, --junit.
"""
from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from framework.convtest.cases import read_tests
from framework.convtest.report import format_failure
from framework.convtest.runner import run_tests
from framework.spec import load_assistant

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = ("banking_en", "telecom_zh")
pytestmark = pytest.mark.slow


def _collect():
    cases = []
    for domain in DOMAINS:
        directory = ROOT / "domains" / domain
        tests, problems = read_tests(directory, load_assistant(directory))
        assert not problems, "\n".join(p.format() for p in problems)
        cases += [pytest.param(domain, t, id=f"{domain}/{Path(t.file).name}::{t.name}") for t in tests]
    return cases


_PARSERS: dict[str, object] = {}


def _parser(domain: str, model_dir: Path):
    """One loaded classifier per domain for the whole module, as `serve` and `dialog test` load it
    (the precision its int8 check chose; the example models are trained with --no-onnx)."""
    if domain not in _PARSERS:
        from framework.agent import classifier_parser
        from framework.nlu.model import load_classifier

        assistant = load_assistant(ROOT / "domains" / domain)
        _PARSERS[domain] = classifier_parser(
            load_classifier(model_dir, assistant, quantize="auto", runtime="auto", threads=1), assistant)
    return _PARSERS[domain]


def test_every_flow_of_the_examples_has_a_conversation_test():
    for domain in DOMAINS:
        directory = ROOT / "domains" / domain
        assistant = load_assistant(directory)
        tests, _ = read_tests(directory, assistant)
        flows = {e.value for t in tests for step in t.steps for e in step.expectations if e.what == "flow"}
        started = {assistant.flow_for_intent(e.value).name for t in tests for step in t.steps
                   for e in step.expectations if e.what == "intent" and assistant.flow_for_intent(e.value)}
        assert set(assistant.flows) <= flows | started, domain


@pytest.mark.parametrize("domain,test", _collect())
def test_conversation(example_model, domain, test):
    directory = ROOT / "domains" / domain
    parse = _parser(domain, example_model(domain))
    (outcome,) = asyncio.run(run_tests(load_assistant(directory), parse, [test], directory))
    assert outcome.passed, format_failure(outcome)


def test_dialog_test_passes_and_writes_junit(example_model, tmp_path, capsys):
    from framework.convtest.command import main

    junit = tmp_path / "results.xml"
    assert main(["domains/banking_en", "--model", str(example_model("banking_en")), "--junit", str(junit)]) == 0
    out = capsys.readouterr().out
    directory = ROOT / "domains" / "banking_en"
    count = len(read_tests(directory, load_assistant(directory))[0])  # the domain's tests, however many
    assert count >= 27
    assert out.rstrip().endswith(f"{count} conversation tests: {count} passed.")
    root = ET.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == (str(count), "0", "0")
    names = [c.get("name") for c in root.iter("testcase")]
    assert names[0] == "activates_a_new_card" and len(names) == count


def test_dialog_test_fails_with_a_diff_at_the_file_and_line(example_model, tmp_path, capsys, monkeypatch):
    from framework.convtest.command import main

    wrong = tmp_path / "wrong.yml"
    wrong.write_text(
        "tests:\n"
        "  expects_the_wrong_question:\n"
        "    steps:\n"
        "      - user: I lost my card\n"
        "        bot: [utter_ask_name]\n"
        "        flow: lost_card\n", encoding="utf-8")
    model = example_model("banking_en")
    monkeypatch.chdir(tmp_path)
    code = main([str(ROOT / "domains" / "banking_en"), "wrong.yml", "--model", str(model),
                 "--junit", "out.xml"])
    out = capsys.readouterr().out
    assert code == 1
    # The reply's text is one of the response's variants: compare up to it.
    assert out.startswith(
        "FAILED expects_the_wrong_question (wrong.yml:2)\n"
        "  step 1 at wrong.yml:4: user: I lost my card\n"
        "  wrong.yml:5:9: bot: the replies differ\n"
        "    - utter_ask_name\n"
        "    + utter_ask_last4_to_block: \""), out
    assert "  the conversation up to there:\n    user: I lost my card   [lost_card " in out
    assert out.rstrip().endswith("1 conversation test: 0 passed, 1 failed.")
    failure = ET.parse(tmp_path / "out.xml").getroot().find("testsuite/testcase/failure")
    assert failure.get("message") == "wrong.yml:5:9: bot: the replies differ"
