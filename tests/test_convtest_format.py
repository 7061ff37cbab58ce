"""Conversation test files: their mistakes reported like a domain's (golden texts), a domain's
tests/ folder never read as domain YAML, and the runner's checks, diffs, webhook answers and
JUnit XML, with the deterministic test classifier (no model is trained here)."""
from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from framework.agent import classifier_parser
from framework.convtest.cases import read_tests
from framework.convtest.report import format_report, junit_xml
from framework.convtest.runner import run_tests
from framework.spec import SpecErrors, load_assistant
from tests.support.example_domains import banking  # noqa: F401 (fixtures)
from tests.support.fake_classifier import FakeClassifier

ROOT = Path(__file__).resolve().parent.parent
BANKING = ROOT / "domains" / "banking_en"


def problems_of(tmp_path, monkeypatch, assistant, text: str) -> str:
    (tmp_path / "t.yml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    tests, problems = read_tests(BANKING, assistant, [Path("t.yml")])
    return str(SpecErrors(problems)) if problems else ""


def test_mistakes_are_reported_together_with_place_code_and_suggestion(tmp_path, monkeypatch, banking):
    text = problems_of(tmp_path, monkeypatch, banking, """\
tests:
  typos:
    steps:
      - user: hi
        intnet: greet
        bot: [utter_gret, {contain: x}]
        flow: lost_crad
        state: ask_last5
        slots: {card_last: "1"}
        handoff: maybe
      - bot: [utter_greet]
    webhooks:
      block_cards: {status: 200}
      get_balance: [{status: 700, delay: -1}]
  empty: {}
""")
    assert text == """\
t.yml:5:9: E010 tests.typos.steps[0].intnet: unknown key 'intnet'. Expected one of 'bot', 'end', 'events', 'flow', 'handoff', 'intent', 'slots', 'state' or 'user'; found 'intnet'. Did you mean 'intent'?
t.yml:6:15: E022 tests.typos.steps[0].bot[0]: unknown response 'utter_gret'. Expected a response name, or the exact text of a reply; found 'utter_gret'. Did you mean 'utter_greet'?
t.yml:6:28: E010 tests.typos.steps[0].bot[1].contain: unknown key 'contain'. Expected one of 'contains' or 'text'; found 'contain'. Did you mean 'contains'?
t.yml:7:15: E025 tests.typos.steps[0].flow: unknown flow 'lost_crad'. Expected one of 'activate_card', 'check_balance', 'goodbye', 'lost_card' or 'transfer_money'; found 'lost_crad'. Did you mean 'lost_card'?
t.yml:8:16: E024 tests.typos.steps[0].state: unknown state 'ask_last5'. Expected one of 'aborted', 'activate', 'activate_again', 'activated', 'already_blocked', 'ask_amount', 'ask_date', 'ask_last4', 'ask_name', 'ask_recipient', 'block', 'block_again' ... (41 in all); found 'ask_last5'. Did you mean 'ask_last4'?
t.yml:9:17: E021 tests.typos.steps[0].slots.card_last: unknown slot 'card_last'. Expected one of 'already_active', 'amount', 'balance', 'card_blocked', 'card_last4', 'case_number', 'date', 'delivery_window', 'name', 'recipient' or 'transfer_id'; found 'card_last'. Did you mean 'card_last4'?
t.yml:10:18: E012 tests.typos.steps[0].handoff: not true or false. Expected true or false; found 'maybe'.
t.yml:11:9: E011 tests.typos.steps[1]: a step starts with what the user says. Expected 'user: <message>' with text; found nothing (null).
t.yml:13:7: E023 tests.typos.webhooks.block_cards: unknown action 'block_cards'. Expected one of 'activate_card', 'block_card', 'get_balance' or 'send_money'; found 'block_cards'. Did you mean 'block_card'?
t.yml:14:30: E014 tests.typos.webhooks.get_balance[0].status: not an HTTP status. Expected an integer from 100 to 599; found the number 700.
t.yml:14:42: E014 tests.typos.webhooks.get_balance[0].delay: not a delay in seconds. Expected a number from 0 to 30; found the number -1.
t.yml:15:3: E011 tests.empty: test 'empty' has no steps. Expected 'steps:' with a list of '- user: ...' items; found nothing (null).
12 problems found."""


def test_a_yaml_syntax_error_is_e001(tmp_path, monkeypatch, banking):
    text = problems_of(tmp_path, monkeypatch, banking, "tests:\n  a:\n    steps:\n     - user: x\n    - bot: y\n")
    assert text == ("t.yml:5:5: E001 YAML syntax error while parsing a block mapping. Expected the end of the "
                    "block (is the indentation right?); found '-'.\n1 problem found.")


def test_a_message_yaml_reads_as_a_boolean_or_number_must_be_quoted(tmp_path, monkeypatch, banking):
    assert problems_of(tmp_path, monkeypatch, banking, "tests:\n  a:\n    steps:\n      - user: yes\n") == (
        "t.yml:4:15: E012 tests.a.steps[0].user: a step starts with what the user says. Expected 'user: <message>' "
        "with text; found the boolean true. Put it in quotes: user: \"...\".\n1 problem found.")


def test_a_file_without_tests(tmp_path, monkeypatch, banking):
    assert problems_of(tmp_path, monkeypatch, banking, "webhooks: {}\n") == (
        "t.yml:1:1: E011 missing key 'tests'. Expected 'tests:' with a mapping of named tests; "
        "found no 'tests' key.\n1 problem found.")


def test_the_tests_folder_is_not_read_as_domain_yaml_even_under_flows_dot(tmp_path):
    domain = tmp_path / "one_file"
    domain.mkdir()
    (domain / "domain.yml").write_text("""\
version: "1"
language: en
flows: [.]
intents:
  hello: {examples: [hi, hello, hey]}
responses:
  utter_hi: [{text: Hi!}]
""", encoding="utf-8")
    (domain / "flows.yml").write_text("flows:\n  hi:\n    trigger: hello\n    states:\n      say_hi: {end: utter_hi}\n",
                                      encoding="utf-8")
    (domain / "tests").mkdir()
    (domain / "tests" / "hi.yml").write_text(
        "tests:\n  says_hi:\n    steps:\n      - user: hi\n        bot: [utter_hi]\n", encoding="utf-8")
    assistant = load_assistant(domain)  # a tests file read as domain YAML or flows would fail here
    assert list(assistant.flows) == ["hi"]
    tests, problems = read_tests(domain, assistant)
    assert not problems and [t.name for t in tests] == ["says_hi"]


TABLE = {"I lost my card": "lost_card", "yes": "affirm", "what's my balance": "check_balance",
         "I want to activate my card": "activate_card"}


async def run(tmp_path, monkeypatch, banking, text: str):
    (tmp_path / "t.yml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    tests, problems = read_tests(BANKING, banking, [Path("t.yml")])
    assert not problems
    parse = classifier_parser(FakeClassifier(TABLE, banking.intents, threshold=0.5), banking)
    return await run_tests(banking, parse, tests, BANKING)


async def test_a_failure_is_a_diff_at_each_expectations_line(tmp_path, monkeypatch, banking):
    outcomes = await run(tmp_path, monkeypatch, banking, """\
tests:
  passes:
    steps:
      - user: I lost my card
        bot: [utter_ask_last4_to_block]
  fails_at_step_two:
    steps:
      - user: I lost my card
        bot: [utter_ask_last4_to_block]
      - user: "4821"
        intent: inform
        flow: lost_card
        state: block
        slots: {card_last4: "4812", name: Maria}
        bot: ["I'll block the card ending 4812 and order a replacement.", utter_greet]
        handoff: true
        end: true
        events: [slot_set, flow_started]
      - user: never reached
""")
    assert format_report(outcomes) == """\
FAILED fails_at_step_two (t.yml:6)
  step 2 at t.yml:10: user: 4821
  t.yml:11:9: intent: expected 'inform'; found 'activate_card' (0.08)
  t.yml:13:9: state: expected 'block'; found lost_card.confirm_block
  t.yml:14:17: slots.card_last4: expected '4812'; found '4821'
  t.yml:14:37: slots.name: expected 'Maria'; found not set
  t.yml:15:9: bot: the replies differ
    - "I'll block the card ending 4812 and order a replacement."
    - utter_greet
    + utter_confirm_block: "I'll block the card ending 4821 and order a replacement. This can't be undone. Go ahead?"
  t.yml:16:9: handoff: expected true; found false
  t.yml:17:9: end: expected no active flow; found lost_card.confirm_block
  t.yml:18:9: events: expected flow_started; found slot_set
  the conversation up to there:
    user: I lost my card   [lost_card 0.95; lost_card.ask_last4]
    bot:  utter_ask_last4_to_block: "To block a lost or stolen card, I need its last four digits. What are they?"
    user: 4821   [activate_card 0.08; lost_card.confirm_block]
    bot:  utter_confirm_block: "I'll block the card ending 4821 and order a replacement. This can't be undone. Go ahead?"

ok     passes (t.yml:2)
FAILED fails_at_step_two (t.yml:6)
2 conversation tests: 1 passed, 1 failed."""


async def test_webhook_answers_in_order_and_the_demo_backend_otherwise(tmp_path, monkeypatch, banking):
    outcomes = await run(tmp_path, monkeypatch, banking, """\
webhooks:                                   # the file's default: the card system is down
  block_card: {status: 503}
tests:
  a_retry_gets_the_second_answer:
    webhooks:
      get_balance: [{status: 503}, {json: {slots: {balance: 12.5}}}]   # retries: 1
    steps:
      - user: what's my balance
        bot: [utter_ask_last4]
      - user: "4821"
        bot: ["The balance on your card ending 4821 is $12.50.", utter_low_balance]
  the_files_default_answer:
    steps:
      - user: I lost my card
      - user: "7777"
      - user: "yes"
        bot: [utter_block_failed, utter_offer_human]
  the_demo_backend_answers_the_rest:
    steps:
      - user: I want to activate my card
      - user: "4821"
      - user: Maria Garcia
      - user: "yes"
        bot: [{contains: is active and ready to use}]
""")
    assert [o.passed for o in outcomes] == [True, True, True], format_report(outcomes)


async def test_junit_xml_has_one_testcase_per_test_and_the_failure_text(tmp_path, monkeypatch, banking):
    outcomes = await run(tmp_path, monkeypatch, banking, """\
tests:
  good:
    steps: [{user: I lost my card, bot: [utter_ask_last4_to_block]}]
  bad:
    steps: [{user: I lost my card, bot: [utter_greet]}]
""")
    root = ET.fromstring(junit_xml(outcomes, "banking_en"))
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "1", "0")
    cases = root.findall("testsuite/testcase")
    assert [(c.get("classname"), c.get("name"), c.get("line")) for c in cases] == [
        ("t.yml", "good", "2"), ("t.yml", "bad", "4")]
    failure = cases[1].find("failure")
    assert failure.get("message") == "t.yml:5:36: bot: the replies differ"
    assert failure.text.startswith("FAILED bad (t.yml:4)\n")


def test_reading_and_running_tests_does_not_import_torch():
    code = ("import sys; import framework.convtest.command, framework.convtest.runner, framework.convtest.report; "
            "from framework.convtest.command import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "assert 'torch' not in sys.modules and 'transformers' not in sys.modules")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "usage: dialog test" in proc.stdout


def test_dialog_test_refuses_bad_input(tmp_path, capsys):
    from framework.convtest.command import main

    assert main([str(BANKING), str(tmp_path / "none.yml")]) == 2
    assert capsys.readouterr().err == f"dialog test: no such test file: {tmp_path / 'none.yml'}\n"
    (tmp_path / "ok.yml").write_text("tests:\n  a:\n    steps: [{user: hi}]\n", encoding="utf-8")
    assert main([str(BANKING), str(tmp_path / "ok.yml"), "--model", str(tmp_path / "no_model")]) == 2
    assert capsys.readouterr().err == (f"No trained model at {tmp_path / 'no_model'}. "
                                       f"Train one first: python train.py {BANKING}\n")


async def test_a_delayed_answer_takes_the_timeout_branch(tmp_path, monkeypatch):
    domain = tmp_path / "slow"
    domain.mkdir()
    (domain / "domain.yml").write_text("""\
version: "1"
language: en
intents:
  order: {examples: [where is my order, order status, track my order]}
  other: {examples: [hello, what is this, thanks]}
responses:
  utter_ready: [{text: Your order is on its way.}]
  utter_late: [{text: The order system is slow today.}]
  utter_failed: [{text: Something went wrong.}]
actions:
  track:
    type: webhook
    url: http://127.0.0.1:9/orders   # nothing listens there: only the test's answer can reply
    timeout: 0.2
flows:
  tracking:
    trigger: order
    states:
      look_up: {action: track, on_success: ready, on_timeout: late, on_failure: failed}
      ready: {end: utter_ready}
      late: {end: utter_late}
      failed: {end: utter_failed}
""", encoding="utf-8")
    (domain / "tests").mkdir()
    (domain / "tests" / "slow.yml").write_text("""\
tests:
  too_slow:
    webhooks: {track: {delay: 0.5}}
    steps: [{user: where is my order, bot: [utter_late], end: true}]
  in_time:
    webhooks: {track: {json: {}}}
    steps: [{user: where is my order, bot: [utter_ready]}]
  answered_by_nobody:
    steps: [{user: where is my order, bot: [utter_failed]}]
""", encoding="utf-8")
    assistant = load_assistant(domain)
    tests, problems = read_tests(domain, assistant)
    assert not problems
    parse = classifier_parser(FakeClassifier({"where is my order": "order"}, assistant.intents, threshold=0.5),
                              assistant)
    outcomes = await run_tests(assistant, parse, tests, domain)
    assert [o.passed for o in outcomes] == [True, True, True], format_report(outcomes)
