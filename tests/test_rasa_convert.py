"""`dialog import-rasa` on three Rasa projects written for these tests (a `rasa init` mood
bot, a formbot, a CALM money transfer): each converts, validates, converts again to the same
bytes, and holds its conversations (fake classifier; fake action server answers for the
custom actions). formbot's output is golden (tests/fixtures/rasa_projects/formbot_expected),
and is the worked example of docs/MIGRATING_FROM_RASA.md."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from framework.actions.rasa_sdk import result_from_answer
from framework.agent import Agent, classifier_parser
from framework.engine import ActionCall, ActionResult
from framework.rasa_import.command import main
from framework.spec import load_assistant
from tests.support.fake_classifier import FakeClassifier

PROJECTS = Path(__file__).resolve().parent / "fixtures" / "rasa_projects"
ROOT = PROJECTS.parent.parent.parent


def files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def convert(name: str, out: Path, capsys=None) -> tuple[int, str]:
    code = main([str(PROJECTS / name), str(out)])
    return code, capsys.readouterr().out if capsys else ""


@pytest.mark.parametrize("project", ["moodbot", "formbot", "calm_transfer"])
def test_converts_validates_and_is_idempotent(project, tmp_path, capsys):
    code, printed = convert(project, tmp_path / "out", capsys)
    assert code == 0 and printed.rstrip().endswith("the output validates")
    first = files(tmp_path / "out")
    assert {"domain.yml", "flows.yml", "IMPORT_REPORT.txt"} <= set(first)
    code, again = convert(project, tmp_path / "out", capsys)
    assert code == 0 and again == printed
    assert files(tmp_path / "out") == first
    load_assistant(tmp_path / "out", environ={})


def test_formbot_output_is_the_golden_one(tmp_path, capsys):
    convert("formbot", tmp_path / "out", capsys)
    expected = PROJECTS / "formbot_expected"
    for name in ("domain.yml", "flows.yml", "IMPORT_REPORT.txt", "data/rasa_nlu.yml"):
        assert (tmp_path / "out" / name).read_text() == (expected / name).read_text(), name


def test_what_is_not_converted_is_printed_with_file_and_line(tmp_path, capsys):
    _, printed = convert("calm_transfer", tmp_path / "out", capsys)
    assert printed.splitlines()[1:] == [
        "not converted (4, also in %s):" % (tmp_path / "out" / "IMPORT_REPORT.txt"),
        "  data/flows.yml:29: flow 'transfer_money': step set_slots: has no counterpart (a state has no "
        "slot-setting step); left out",
        "  data/flows.yml:44: flow 'small_talk': no trigger intent (a CALM flow without nlu_trigger is started by "
        "an LLM) and no link to it: left out; give it an nlu_trigger",
        "  data/flows.yml:46: flow 'small_talk': guard if: slots.recipient is set: flows have no start guard; left out",
        "  data/flows.yml:48: flow 'small_talk': step call: call becomes link: the called flow does not return here",
        "the output validates",
    ]


def test_a_directory_that_is_no_rasa_project(tmp_path, capsys):
    assert main([str(tmp_path), str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"import-rasa: {tmp_path}: no domain.yml or domain/ directory: is this a Rasa project?\n"


def test_converting_imports_no_torch(tmp_path):
    code = ("import sys; from framework.rasa_import.command import main; "
            f"main([{str(PROJECTS / 'formbot')!r}, {str(tmp_path / 'o')!r}]); "
            "assert 'torch' not in sys.modules and 'transformers' not in sys.modules, 'heavy import'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr


# ----------------------------------------------------------------------------- conversations

class FakeActionServer:
    """Answers the converted rasa_sdk actions as the projects' action servers would, in
    Rasa's own answer format (so the answer goes through framework.actions.rasa_sdk)."""

    def __init__(self, assistant, answers: dict[str, dict]):
        self.assistant, self.answers, self.calls = assistant, answers, []

    async def __call__(self, call: ActionCall) -> ActionResult:
        self.calls.append(call.action)
        return result_from_answer(self.answers.get(call.action, {"events": []}),
                                  self.assistant.actions[call.action], call, self.assistant)


async def talk(assistant, table: dict, texts: list[str], answers: dict | None = None) -> list[list[str]]:
    server = FakeActionServer(assistant, answers or {})
    agent = Agent(assistant, classifier_parser(FakeClassifier(table, assistant.intents), assistant), server)
    state, said = None, []
    for text in texts:
        turn = await agent.handle(state, "u1", text, now=1_700_000_000.0)
        state = turn.state
        said.append([r.text + (f" [{r.image}]" if r.image else "") for r in turn.replies])
    return said


async def test_moodbot_holds_its_stories(tmp_path):
    convert("moodbot", tmp_path / "out")
    assistant = load_assistant(tmp_path / "out", environ={})
    table = {"hello": "greet", "I am sad": "mood_unhappy", "yes": "affirm", "no": "deny", "great": "mood_great",
             "bye": "goodbye", "are you a bot?": "bot_challenge", "who are you?": "faq/ask_name",
             "what language do you speak?": "faq/ask_language"}
    assert await talk(assistant, table, ["hello", "I am sad", "yes"]) == [
        ["Hey! How are you?"],
        ["Here is something to cheer you up: [https://i.imgur.com/nGF1K8f.jpg]", "Did that help you?"],
        ["Great, carry on!"]]
    assert await talk(assistant, table, ["hello", "I am sad", "no"]) == [
        ["Hey! How are you?"], ["Here is something to cheer you up: [https://i.imgur.com/nGF1K8f.jpg]",
                                "Did that help you?"], ["Bye"]]
    assert await talk(assistant, table, ["hello", "great", "are you a bot?", "bye"]) == [
        ["Hey! How are you?"], ["Great, carry on!"], ["I am a bot, powered by Rasa."], ["Bye"]]
    # the retrieval intent's rule (faq -> utter_faq): each sub-intent says its own answer
    assert await talk(assistant, table, ["who are you?", "what language do you speak?"]) == [
        ["I am the mood bot."], ["I speak English."]]


async def test_formbot_fills_its_form_and_calls_the_validation_action(tmp_path):
    convert("formbot", tmp_path / "out")
    assistant = load_assistant(tmp_path / "out", environ={})
    table = {"im looking for a restaurant": "request_restaurant", "yes": "affirm", "hi": "greet"}
    # the action server's validate_restaurant_form normalises the cuisine, as a Rasa validator would
    answers = {"validate_restaurant_form": {"events": [{"event": "slot", "name": "cuisine", "value": "Italian"}]}}
    said = await talk(assistant, table, ["hi", "im looking for a restaurant", "italian", "4", "yes",
                                         "a quiet table", "great service"], answers)
    assert said[:6] == [["Hello! I am a restaurant search assistant! How can I help?"], ["What cuisine?"],
                        ["How many people?"], ["Do you want to sit outside?"],
                        ["Please provide additional preferences"],
                        ["Please give your feedback on your experience so far"]]
    assert said[6] == ["All done!", "I am going to run a restaurant search using the following parameters:\n"
                       " - cuisine: Italian\n - num_people: 4\n - outdoor_seating: True\n"
                       " - preferences: a quiet table\n - feedback: great service"]


async def test_calm_transfer_branches_links_and_keeps(tmp_path):
    convert("calm_transfer", tmp_path / "out")
    assistant = load_assistant(tmp_path / "out", environ={})
    table = {"I want to send money": "transfer_money", "yes": "affirm", "no": "deny"}
    funds = {"action_check_sufficient_funds": {"events": [{"event": "slot", "name": "has_sufficient_funds",
                                                           "value": True}]},
             "action_check_balance": {"events": [{"event": "slot", "name": "current_balance", "value": 950}]}}
    said = await talk(assistant, table, ["I want to send money", "Ada", "50", "yes"], funds)
    assert said == [["Who do you want to send money to?"], ["How much do you want to send to Ada?"],
                    ["Send 50 to Ada?"], ["Done: 50 went to Ada.", "Your balance is 950."]]
    broke = {"action_check_sufficient_funds": {"events": [{"event": "slot", "name": "has_sufficient_funds",
                                                           "value": False}]}}
    said = await talk(assistant, table, ["I want to send money", "Ada", "5000"], broke)
    assert said[-1] == ["You do not have enough money for that."]
    said = await talk(assistant, table, ["I want to send money", "Ada", "50", "no"], funds)
    assert said[-1] == ["Okay, I cancelled the transfer."]


def test_the_migration_guide_shows_the_golden_formbot_output():
    guide = (ROOT / "docs" / "MIGRATING_FROM_RASA.md").read_text()
    for name in ("flows.yml", "IMPORT_REPORT.txt"):
        assert (PROJECTS / "formbot_expected" / name).read_text().strip() in guide, name


@pytest.fixture(scope="module")
def formbot_server():
    from tests.test_rasa_sdk import running_action_server

    yield from running_action_server(PROJECTS / "formbot")


async def test_converted_formbot_runs_its_unmodified_form_validation_action(formbot_server, tmp_path):
    """A real rasa-sdk server with formbot's FormValidationAction: a rejected value is asked again."""
    from framework.actions import ActionExecutor

    convert("formbot", tmp_path / "out")
    assistant = load_assistant(tmp_path / "out", environ={"RASA_ACTION_ENDPOINT": formbot_server})
    table = {"im looking for a restaurant": "request_restaurant", "yes": "affirm"}
    agent = Agent(assistant, classifier_parser(FakeClassifier(table, assistant.intents), assistant))
    said, state = [], None
    async with ActionExecutor(assistant) as executor:
        agent.executor = executor
        for text in ["im looking for a restaurant", "klingon", "Italian", "30", "4", "yes", "quiet", "nice"]:
            turn = await agent.handle(state, "u1", text)
            state = turn.state
            said.append([r.text for r in turn.replies])
    assert said[:6] == [
        ["What cuisine?"],
        ["cuisine is not in the database, please try again", "What cuisine?"],
        ["How many people?"],
        ["We can seat 1 to 20 people; how many are you?", "How many people?"],
        ["Do you want to sit outside?"],
        ["Please provide additional preferences"],
    ]
    assert said[7][0] == "All done!" and " - cuisine: italian\n" in said[7][1]


def test_rasa_built_in_actions_are_left_out_with_their_line(tmp_path, capsys):
    project = tmp_path / "bot"
    (project / "data").mkdir(parents=True)
    (project / "domain.yml").write_text(
        'version: "3.1"\nintents: [greet, bye]\nresponses:\n  utter_hi: [{text: Hi}]\n  utter_default: [{text: Sorry}]\n')
    (project / "data" / "nlu.yml").write_text(
        "nlu:\n- intent: greet\n  examples: |\n    - hi\n- intent: bye\n  examples: |\n    - bye\n")
    (project / "data" / "rules.yml").write_text(
        "rules:\n- rule: hi\n  steps:\n  - intent: greet\n  - action: utter_hi\n  - action: action_back\n"
        "- rule: bye\n  steps:\n  - intent: bye\n  - action: action_default_fallback\n")
    assert main([str(project), str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert ("  data/rules.yml:6: rule 'hi': action 'action_back': neither a response, a custom action of the domain "
            "nor a form; left out of it") in printed.splitlines()
    flows = load_assistant(tmp_path / "out", environ={}).flows
    assert [s.step.response for s in flows["greet"].states.values()] == ["utter_hi"]
    assert [s.step.response for s in flows["bye"].states.values()] == ["utter_default"]


def test_yaml_that_does_not_parse_is_named_with_its_line(tmp_path, capsys):
    (tmp_path / "domain.yml").write_text("intents: [greet\nresponses: {}\n")
    assert main([str(tmp_path), str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        "import-rasa: not valid YAML: while parsing a flow sequence\n"
        '  in "domain.yml", line 1, column 10\n'
        "expected ',' or ']', but got ':'\n"
        '  in "domain.yml", line 2, column 10\n')


async def test_moodbot_holds_its_rasa_test_stories_with_dialog_test(tmp_path):
    """Rasa's test stories become conversation tests; `dialog test`'s runner passes them, with a
    classifier that predicts each story's labelled intent (what the trained model is for)."""
    import yaml

    from framework.convtest.cases import read_tests
    from framework.convtest.runner import run_tests

    convert("moodbot", tmp_path / "out")
    assistant = load_assistant(tmp_path / "out", environ={})
    tests, problems = read_tests(tmp_path / "out", assistant)
    assert problems == [] and [t.name for t in tests] == [
        "a_happy_user", "a_sad_user_who_was_helped", "a_bot_challenge_then_goodbye"]
    written = yaml.safe_load((tmp_path / "out" / "tests" / "rasa_test_stories.yml").read_text())
    table = {s["user"]: s["intent"] for t in written["tests"].values() for s in t["steps"]}
    outcomes = await run_tests(assistant, classifier_parser(FakeClassifier(table, assistant.intents), assistant),
                               tests)
    assert [(o.test.name, o.passed, o.mismatches, o.error) for o in outcomes] == [(t.name, True, (), "") for t in tests]


async def test_a_goodbye_rule_becomes_a_flow_that_ends_the_conversation(tmp_path):
    """Rasa marks no flow as the goodbye; the import reads its templates' conventions (an intent
    named goodbye/bye/farewell, or a rule that restarts right after its answer), so a goodbye
    during a question asks whether to stop (framework.engine.stop_question) as in a new domain."""
    convert("moodbot", tmp_path / "out")
    flows = load_assistant(tmp_path / "out", environ={}).flows
    assert sorted(name for name, flow in flows.items() if flow.ends_conversation) == ["goodbye"]
    project = tmp_path / "bot"
    (project / "data").mkdir(parents=True)
    (project / "domain.yml").write_text(
        'version: "3.1"\nintents: [greet, done, goodbye_for_now]\nresponses:\n  utter_hi: [{text: Hi}]\n'
        "  utter_done: [{text: Done}]\n")
    (project / "data" / "nlu.yml").write_text("nlu:\n" + "".join(
        f"- intent: {i}\n  examples: |\n    - {t}\n" for i, t in
        (("greet", "hi"), ("done", "that is all"), ("goodbye_for_now", "see you"))))
    (project / "data" / "rules.yml").write_text(
        "rules:\n- rule: hi\n  steps:\n  - intent: greet\n  - action: utter_hi\n"
        "- rule: done\n  steps:\n  - intent: done\n  - action: utter_done\n  - action: action_restart\n"
        "- rule: later\n  steps:\n  - intent: goodbye_for_now\n  - action: utter_done\n")
    assert main([str(project), str(tmp_path / "out2")]) == 0
    flows = load_assistant(tmp_path / "out2", environ={}).flows
    assert {name: flow.ends_conversation for name, flow in flows.items()} == {
        "greet": False, "done": True, "goodbye_for_now": True}
