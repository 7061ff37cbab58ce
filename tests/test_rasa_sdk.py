"""`type: rasa_sdk` actions against a REAL Rasa SDK action server.

rasa-sdk 3.6 (sanic) needs Python 3.8-3.10 and conflicts with this environment, so it lives
in its own virtual environment, var/rasa-sdk-venv, made here on first use (cached after);
the tests skip, saying why, only when that environment cannot be made. The action server
runs tests/fixtures/rasa_projects/sdk_bot/actions.py, written with rasa_sdk's API only.
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from framework.actions import ActionExecutor
from framework.actions.rasa_sdk import action_request, result_from_answer
from framework.agent import Agent, classifier_parser
from framework.engine import ActionCall
from framework.compile.machine import frozen_map
from framework.spec import load_assistant
from tests.support.fake_classifier import FakeClassifier
from tests.support.redis_server import free_port

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "tests" / "fixtures" / "rasa_projects" / "sdk_bot"
VENV = ROOT / "var" / "rasa-sdk-venv"
SDK_REQUIREMENT = "rasa-sdk==3.6.*"
TABLE = {"what is my balance": "check_balance", "hello": "greet", "do the chain": "chain",
         "start the loop": "loop", "restart it": "restart_me", "bad value": "bad_value", "show me a card": "show_card",
         "show me an offer": "show_offer"}


def _venv_python() -> Path:
    return VENV / "bin" / "python"


def _has_rasa_sdk() -> bool:
    python = _venv_python()
    return python.exists() and subprocess.run([python, "-c", "import rasa_sdk"], capture_output=True).returncode == 0


def _old_python() -> str | None:
    """A Python 3.8-3.10 interpreter (rasa-sdk 3.6 refuses 3.11): on PATH or from pyenv.
    Each candidate is run once: a pyenv shim is on PATH for every installed version but
    fails when that version is not selected."""
    pyenv = Path(os.path.expanduser("~/.pyenv/versions"))
    candidates = [shutil.which(name) for name in ("python3.10", "python3.9", "python3.8")]
    candidates += sorted(map(str, pyenv.glob("3.10*/bin/python")), reverse=True)
    candidates += sorted(map(str, pyenv.glob("3.[89].*/bin/python")), reverse=True)
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "-c", "import venv"], capture_output=True).returncode == 0:
            return candidate
    return None


def _make_venv() -> str | None:
    """None when var/rasa-sdk-venv has rasa_sdk (made now if needed), else why not."""
    if _has_rasa_sdk():
        return None
    python = _old_python()
    if python is None:
        return "no Python 3.8-3.10 interpreter for rasa-sdk 3.6 (python3.10 on PATH or in ~/.pyenv)"
    shutil.rmtree(VENV, ignore_errors=True)
    made = subprocess.run([python, "-m", "venv", str(VENV)], capture_output=True, text=True)
    if made.returncode:
        return f"cannot make {VENV}: {made.stderr.strip()[-200:]}"
    pip = subprocess.run([_venv_python(), "-m", "pip", "install", "-q", SDK_REQUIREMENT],
                         capture_output=True, text=True, timeout=600)
    if pip.returncode:
        return f"pip install {SDK_REQUIREMENT} failed: {pip.stderr.strip()[-200:]}"
    return None


@pytest.fixture(scope="module")
def action_server():
    """The URL of a running `python -m rasa_sdk --actions actions` on a free port."""
    yield from running_action_server(BOT)


def running_action_server(directory: Path):
    """Start `python -m rasa_sdk --actions actions` in `directory` (its actions.py); yield its
    webhook URL; stop it. Skips when the virtual environment cannot be made."""
    problem = _make_venv()
    if problem:
        pytest.skip(f"no Rasa SDK action server: {problem}")
    port = free_port()
    process = subprocess.Popen([_venv_python(), "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
                               cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(300):  # sanic starts in a few seconds; at most 60 s
            if process.poll() is not None:
                pytest.fail(f"the action server exited: {process.stderr.read().decode()[-500:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the action server did not answer /health")
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def assistant(action_server):
    return load_assistant(BOT, environ={"RASA_SDK_URL": action_server})


async def converse(assistant, *texts: str, sender: str = "u1") -> list[list[str]]:
    agent = Agent(assistant, classifier_parser(FakeClassifier(TABLE, assistant.intents), assistant))
    replies, state = [], None
    async with ActionExecutor(assistant) as executor:
        agent.executor = executor
        for text in texts:
            turn = await agent.handle(state, sender, text)
            state = turn.state
            replies.append([r.text for r in turn.replies])
    return replies


async def test_slot_set_and_utter_message_text(assistant):
    replies = await converse(assistant, "what is my balance", "ACC-1001")
    assert replies == [["Which account?"],
                       ["Looking up ACC-1001 (check_balance, 3 slots).", "Account ACC-1001 holds 1234.50."]]


async def test_utter_message_response_is_rendered_with_the_slots_the_action_set(assistant):
    assert await converse(assistant, "hello") == [["Hello, Ada!"]]


async def test_followup_action_goes_to_the_state_that_runs_it(assistant):
    assert await converse(assistant, "do the chain") == [["Hello, Ada!"]]


async def test_active_loop_is_ignored_with_one_warning(assistant, caplog):
    caplog.set_level(logging.WARNING, logger="framework.actions.rasa_sdk")
    first = await converse(assistant, "start the loop", "start the loop")
    assert first == [["Done."], ["Done."]]
    warnings = [r.getMessage() for r in caplog.records if r.name == "framework.actions.rasa_sdk"]
    assert warnings == ["rasa_sdk action_start_loop: ActiveLoop ignored: collect flows take the place of forms"] \
        or warnings == []  # [] only when an earlier test in this process already warned


async def test_unsupported_event_fails_the_step_with_one_warning(assistant, caplog):
    caplog.set_level(logging.WARNING)
    assert await converse(assistant, "restart it") == [["The action server could not do that."]]
    lines = [r.getMessage() for r in caplog.records if r.name == "framework.actions.webhook"]
    assert len(lines) == 1
    assert lines[0].startswith("webhook action_restart_everything: the event 'restart' is not supported "
                               "(supported: slot, bot, followup; active_loop is ignored) (POST http://127.0.0.1:")
    assert "status 200, 1 attempt" in lines[0]


async def test_a_slot_value_of_the_wrong_type_fails_and_sets_nothing(assistant, caplog):
    caplog.set_level(logging.WARNING)
    assert await converse(assistant, "bad value") == [["The action server could not do that."]]
    (line,) = [r.getMessage() for r in caplog.records if r.name == "framework.actions.webhook"]
    assert "slot 'balance' (number) cannot take 'lots': expected a JSON number, found text" in line


async def test_an_unknown_action_name_is_a_404_failure(assistant, action_server, caplog):
    import dataclasses
    renamed = dataclasses.replace(assistant.actions["action_chain"], name="action_nobody_registered")
    call = ActionCall("action_nobody_registered", "u1", "chain", "first", frozen_map(), "x", "chain")
    caplog.set_level(logging.WARNING)
    async with ActionExecutor(dataclasses.replace(
            assistant, actions=frozen_map({**assistant.actions, renamed.name: renamed}))) as executor:
        result = await executor(call)
    assert not result.ok and result.kind == "error" and "HTTP 404" in result.error


# ----------------------------------------------------------------------- pure parts, no server

def test_the_request_is_rasas_and_sends_only_the_slots_of_sends():
    assistant = load_assistant(BOT, environ={"RASA_SDK_URL": "http://127.0.0.1:9/webhook"})
    action = assistant.actions["action_check_balance"]
    call = ActionCall(action.name, "u7", "balance", "look_up",
                      frozen_map({"account": "ACC-1", "customer": "secret"}), "what is my balance", "check_balance")
    request = action_request(action, call, assistant, now=1.0)
    assert request["next_action"] == "action_check_balance" and request["sender_id"] == "u7"
    tracker = request["tracker"]
    assert tracker["slots"] == {"account": "ACC-1", "balance": None, "customer": None}
    assert tracker["latest_message"]["intent"] == {"name": "check_balance"}
    assert [e["event"] for e in tracker["events"]] == ["session_started", "action", "user", "slot"]
    assert request["domain"]["forms"] == {"balance": {"required_slots": ["account"]}}
    assert request["domain"]["slots"]["balance"]["type"] == "float"
    assert request["domain"]["responses"]["utter_done"] == [{"text": "Done."}]


async def test_utter_message_buttons_image_attachment_and_json_message_come_through(assistant):
    agent = Agent(assistant, classifier_parser(FakeClassifier(TABLE, assistant.intents), assistant))
    async with ActionExecutor(assistant) as executor:
        agent.executor = executor
        turn = await agent.handle(None, "u5", "show me an offer")
    sent = [r.to_dict() for r in turn.replies]
    assert sent == [
        {"text": "Our offer:", "response": None, "buttons": [{"title": "Take it", "payload": "/greet"}],
         "image": "https://example.com/offer.png"},
        {"text": "", "response": None, "attachment": "https://example.com/offer.pdf", "custom": {"kind": "offer"}},
        {"text": "Your card, :", "response": "utter_card", "image": "https://example.com/cards/.png",
         "custom": {"blocks": [{"type": "divider"}]}},  # the domain's response, whole
    ]


@pytest.mark.parametrize("answer,error", [
    (None, "expected Rasa's answer {\"events\": [...], \"responses\": [...]}, found null"),
    ({"events": [{"event": "followup", "name": "action_unknown"}]},
     "FollowupAction('action_unknown') has no state in flow 'chain'"),
    ({"events": [], "responses": [{"elements": [{"title": "a card"}], "text": None}]},
     "utter_message with elements (a Messenger carousel) is not supported; send it as json_message"),
    ({"events": [], "responses": [{"image": 7, "text": None}]}, "image must be a URL, found a number"),
    ({"events": [], "responses": [{"text": None}]},
     "utter_message without text, response, buttons, image, attachment or json_message"),
    ({"events": [], "responses": [{"response": "utter_nope"}]},
     "utter_message(response='utter_nope'): no such response in the domain"),
    ({"events": [{"event": "slot", "name": "account", "value": "x"}]}, "may not set slots account"),
])
def test_answers_that_cannot_be_applied(answer, error):
    assistant = load_assistant(BOT, environ={"RASA_SDK_URL": "http://127.0.0.1:9/webhook"})
    action = assistant.actions["action_chain"]
    call = ActionCall(action.name, "u1", "chain", "first", frozen_map(), "do the chain", "chain")
    result = result_from_answer(answer, action, call, assistant)
    assert not result.ok and error in result.error


def test_validate_accepts_rasa_sdk_and_refuses_webhook_only_keys(tmp_path):
    shutil.copytree(BOT, tmp_path / "bot")
    domain = tmp_path / "bot" / "domain.yml"
    domain.write_text(domain.read_text().replace("    sets: [customer]\n  action_chain:",
                                                 "    sets: [customer]\n    method: GET\n  action_chain:", 1))
    from framework.spec import check_domain_dir
    _, errors = check_domain_dir(tmp_path / "bot", {})
    assert [e.format().replace(str(tmp_path), "TMP") for e in errors] == [
        "TMP/bot/domain.yml:53:5: E055 actions.action_greet_customer.method: 'method' is not an option of "
        "rasa_sdk actions. Expected one of 'headers', 'retries', 'timeout' or 'url'; found 'method'."]
