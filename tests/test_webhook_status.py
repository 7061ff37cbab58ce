"""`on_status`: a state maps the backend's refusals (404 no such card, 403 not the
cardholder) to its own states. A mapped status is no failure: one INFO line, no WARNING,
no retry, no slots from the body; an unmapped one, 408, 429 and 5xx stay failures as
before. Python actions refuse with ActionRefused. The validator's messages (golden), the
compiled step and the diagram's "HTTP 404" edges."""
from __future__ import annotations

import logging
import os
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from framework.actions.python import call_python
from framework.actions.refusal import ActionRefused
from framework.actions.webhook import call_webhook
from framework.agent import Agent, classifier_parser
from framework.compile.diagram import flow_graph, to_mermaid
from framework.compile.machine import PythonAction, Slot, WebhookAction, frozen_map
from framework.engine import ActionCall, ActionResult
from framework.spec import SpecErrors, load_assistant
from tests.support.fake_classifier import FakeClassifier

ROOT = Path(__file__).resolve().parent.parent
BANKING = ROOT / "domains" / "banking_en"
CALL = ActionCall("block_card", "u1", "lost_card", "block", frozen_map({"card_last4": "9999", "name": "Jo Bloggs"}))
PII = {"name": Slot("name", "text", pii=True)}


@pytest.fixture
async def backend():
    """answer(status, json) -> (the webhook's URL, the list of requests it saw)."""
    servers = []

    async def start(status: int, body: dict):
        seen = []

        async def handler(request):
            seen.append(request.headers.get("Idempotency-Key"))
            return web.json_response(body, status=status)

        app = web.Application()
        app.router.add_post("/hook", handler)
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        return str(server.make_url("/hook")), seen

    yield start
    for server in servers:
        await server.close()


async def call(url: str, refusals=(), retries: int = 0, slot_specs=None) -> ActionResult:
    action = WebhookAction("block_card", url, retries=retries, timeout=2.0, sets=("case_number",))
    async with aiohttp.ClientSession() as session:
        return await call_webhook(session, action, CALL, slot_specs, refusals)


def lines(caplog, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == level]


@pytest.mark.parametrize("status", [404, 403, 409, 422])
async def test_a_mapped_refusal_is_no_failure_and_sets_no_slots(backend, caplog, status):
    caplog.set_level(logging.INFO, logger="framework.actions.webhook")
    url, seen = await backend(status, {"error": "no card ending 9999", "slots": {"case_number": "LC-1"}})
    result = await call(url, refusals={404, 403, 409, 422}, retries=2)
    assert (result.ok, result.kind, result.status, dict(result.slots)) == (False, "refused", status, {})
    assert len(seen) == 1  # a refusal is an answer: never retried
    assert lines(caplog, logging.WARNING) == []
    (info,) = lines(caplog, logging.INFO)
    assert info.startswith(f'webhook block_card: refused with HTTP {status}: {{"error": "no card ending 9999", '
                           f'"slots": {{"case_number": "LC-1"}}}} (POST {url}, ')


async def test_an_unmapped_refusal_is_a_failure_as_before(backend, caplog):
    url, seen = await backend(404, {"error": "no card ending 9999"})
    result = await call(url, refusals={403}, retries=2)
    assert (result.ok, result.kind, result.status) == (False, "error", 404)
    assert len(seen) == 1
    (warning,) = lines(caplog, logging.WARNING)
    assert warning.startswith(f"webhook block_card: HTTP 404 (POST {url}, status 404, 1 attempt, ")


@pytest.mark.parametrize("status", [429, 503])
async def test_retried_statuses_stay_failures_even_if_mapped(backend, caplog, status):
    url, seen = await backend(status, {"error": "busy"})
    result = await call(url, refusals={status}, retries=1)  # the validator refuses this mapping (E065)
    assert (result.ok, result.kind, result.status) == (False, "error", None)
    assert len(seen) == 2 and seen[0] == seen[1]
    (warning,) = lines(caplog, logging.WARNING)
    assert f"HTTP {status} (POST {url}, status {status}, 2 attempts, " in warning


async def test_a_refusals_log_line_masks_personal_data(backend, caplog):
    caplog.set_level(logging.INFO, logger="framework.actions.webhook")
    url, _ = await backend(403, {"error": "Jo Bloggs is not the cardholder"})
    result = await call(url, refusals={403}, slot_specs=PII)
    assert result.status == 403 and "Jo Bloggs" not in result.error
    url, _ = await backend(403, {"error": "x" * 100 + " Jo Bloggs"})  # the 120-character cut falls in the name
    await call(url, refusals={403}, slot_specs=PII)
    first, cut = lines(caplog, logging.INFO)
    assert "Jo Bloggs" not in first and "is not the cardholder" in first
    assert "Jo Blo" not in cut


def refusing(slots, context):
    raise ActionRefused(404, f"no card ending {slots['card_last4']}")


def refusing_wrongly(slots, context):
    raise ActionRefused(503)


async def test_python_actions_refuse_with_action_refused(caplog):
    caplog.set_level(logging.INFO, logger="framework.actions.python")
    action = PythonAction("block_card", "tests.test_webhook_status:refusing")
    mapped = await call_python(action, CALL, refusals={404})
    assert (mapped.ok, mapped.kind, mapped.status) == (False, "refused", 404)
    (info,) = lines(caplog, logging.INFO)
    assert info.startswith("python action block_card: refused with 404: no card ending 9999 (")
    assert lines(caplog, logging.WARNING) == []
    unmapped = await call_python(action, CALL)
    assert (unmapped.ok, unmapped.kind, unmapped.status) == (False, "error", 404)
    assert len(lines(caplog, logging.WARNING)) == 1
    wrong = await call_python(PythonAction("block_card", "tests.test_webhook_status:refusing_wrongly"), CALL,
                              refusals={404})
    assert wrong.kind == "error" and wrong.status is None
    assert "ValueError: ActionRefused(503): expected an HTTP status from 400 to 499 other than 408 and 429" \
        in wrong.error


@pytest.fixture(scope="module")
def banking():
    return load_assistant(BANKING, {"BANKING_BACKEND_URL": "http://127.0.0.1:9"})


async def block_with(assistant, outcome: ActionResult):
    """lost_card up to its block_card call, answered with `outcome`: (replies, event names)."""
    table = {"I lost my card": "lost_card", "yes": "affirm"}
    parse = classifier_parser(FakeClassifier(table, assistant.intents, threshold=0.5), assistant)

    async def executor(call):
        return outcome

    agent = Agent(assistant, parse, executor)
    state = None
    for i, text in enumerate(["I lost my card", "9999", "yes"]):
        turn = await agent.handle(state, "u1", text, now=1_700_000_000.0 + i)
        state = turn.state
    return [r.response for r in turn.replies], [e.name for e in turn.events], state


async def test_the_engine_follows_on_status_and_emits_action_refused(banking):
    replies, events, state = await block_with(banking, ActionResult.failure("refused", kind="refused", status=404))
    assert replies == ["utter_no_card_ask_again"] and state.stack[-1].state == "card_not_found"
    assert "action_refused" in events and "action_failed" not in events


async def test_the_engine_sends_an_unmapped_status_to_on_failure(banking):
    replies, events, _ = await block_with(banking, ActionResult.failure("HTTP 403", status=403))
    assert replies == ["utter_block_failed", "utter_offer_human"]
    assert "action_failed" in events and "action_refused" not in events


def test_the_compiled_step_and_the_diagram(banking):
    step = banking.flows["activate_card"].states["activate"].step
    assert dict(step.on_status) == {404: "card_not_found", 403: "not_cardholder"}
    graph = flow_graph(banking.flows["lost_card"])
    edges = {(e.source, e.target): (e.label, e.kind) for e in graph.edges}
    assert edges[("lost_card.block", "lost_card.card_not_found")] == ("HTTP 404", "status")
    assert edges[("lost_card.block", "lost_card.block_failed")] == ("failure", "failure")
    assert '-->|"HTTP 404"|' in to_mermaid([graph])


def test_validator_messages_golden(monkeypatch):
    monkeypatch.chdir(ROOT)  # messages show paths relative to the current directory
    with pytest.raises(SpecErrors) as err:
        load_assistant("tests/fixtures/spec/on_status", environ={})
    text = str(err.value) + "\n"
    golden = ROOT / "tests" / "golden" / "on_status.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
