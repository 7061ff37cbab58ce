"""Webhooks that say what failed: conversations with the claims fixture domain
(tests/fixtures/webhooks/claims) through the Agent, against a real local aiohttp server
standing in for the insurer's claims backend.

A GET on a URL with a {claim_id} placeholder, a timeout and a 404 taking their own branches,
a retried POST sending one Idempotency-Key twice, a Rasa-SDK-style `null` answer and a
wrongly typed slot value failing cleanly, and one WARNING log line per failure.
"""
from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from framework.actions import ActionExecutor
from framework.agent import Agent, classifier_parser
from framework.engine import SessionState
from framework.spec import load_assistant
from tests.support.fake_classifier import FakeClassifier

CLAIMS = Path(__file__).resolve().parent / "fixtures" / "webhooks" / "claims"
TABLE = {"where is my claim": "claim_status", "file a claim": "file_claim", "yes": "affirm", "no": "deny"}
SLOW = 1.0  # seconds a "slow" answer takes: more than the actions' 0.3 s timeout


class ClaimsBackend:
    """Answers set per test (one per request, the last one repeats); requests recorded."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list = [{"slots": {}}]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append({
            "method": request.method, "raw_path": request.raw_path, "path": request.path,
            "match": dict(request.match_info), "query": dict(request.query), "body": body,
            "key": request.headers.get("Idempotency-Key"),
        })
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if answer == "slow":
            await asyncio.sleep(SLOW)
            return web.json_response({"slots": {}})
        if answer == "null":
            return web.Response(text="null", content_type="application/json")
        if isinstance(answer, int):
            return web.json_response({"error": "no such claim"}, status=answer)
        return web.json_response(answer)


@pytest.fixture
async def backend():
    state = ClaimsBackend()
    app = web.Application()
    app.router.add_route("*", "/claims", state.handle)
    app.router.add_route("*", "/claims/{claim_id}", state.handle)
    async with TestServer(app, host="127.0.0.1") as server:
        state.url = str(server.make_url("")).rstrip("/")
        yield state


class Conversation:
    def __init__(self, assistant, executor, sender="c1"):
        classifier = FakeClassifier(TABLE, labels=assistant.intents)
        self.agent = Agent(assistant, classifier_parser(classifier, assistant), executor)
        self.sender = sender
        self.state: SessionState | None = None
        self.now = 1_700_000_000.0
        self.turn = None

    async def say(self, text: str) -> list[str]:
        self.now += 1
        self.turn = await self.agent.handle(self.state, self.sender, text, now=self.now)
        self.state = self.turn.state
        return [r.text for r in self.turn.replies]

    @property
    def events(self) -> list[str]:
        return [e.name for e in self.turn.events]


@pytest.fixture
async def talk(backend):
    assistant = load_assistant(CLAIMS, {"CLAIMS_URL": backend.url})
    async with ActionExecutor(assistant) as executor:
        yield Conversation(assistant, executor)


def warnings_of(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.levelno == logging.WARNING and r.name.startswith("framework.actions")]


async def test_get_with_a_placeholder_url_encoded_and_no_body(talk, backend):
    backend.answers = [{"slots": {"status": "paid"}}]
    await talk.say("where is my claim")
    assert await talk.say("CL 7/8") == ["Claim CL 7/8 is paid."]
    (request,) = backend.requests
    assert request["method"] == "GET" and request["body"] == b""  # GET sends no body
    assert request["raw_path"] == "/claims/CL%207%2F8?lang=en&ref=CL+7/8"  # '/' may stay in a query
    assert request["match"] == {"claim_id": "CL 7/8"}  # one path segment, decoded as it was
    assert request["query"] == {"lang": "en", "ref": "CL 7/8"}
    assert request["key"] and len(request["key"]) == 32


async def test_timeout_and_404_take_different_branches(talk, backend, caplog):
    caplog.set_level(logging.DEBUG)
    backend.answers = ["slow"]
    await talk.say("where is my claim")
    assert await talk.say("CL-1") == ["Our claims system is slow right now. Please try again in a few minutes."]
    failed = [e for e in talk.turn.events if e.name == "action_failed"]
    assert failed[0].data["kind"] == "timeout"

    backend.answers = [404]
    talk.state = None  # a new conversation
    await talk.say("where is my claim")
    assert await talk.say("CL-2") == ["I could not find claim CL-2."]
    assert [e.data["kind"] for e in talk.turn.events if e.name == "action_failed"] == ["error"]
    assert len(backend.requests) == 2  # a 404 is not retried (and the GET has no retries)
    lines = warnings_of(caplog)
    assert len(lines) == 2  # one WARNING per failed call, none per attempt
    assert lines[0].startswith("webhook claim_status: timed out after 0.3s (GET http://127.0.0.1:")
    assert "status none, 1 attempt, " in lines[0] and lines[0].endswith(" ms)")
    assert lines[1].startswith("webhook claim_status: HTTP 404 (GET http://127.0.0.1:")
    assert "/claims/CL-2?lang=en&ref=CL-2, status 404, 1 attempt, " in lines[1]


async def test_the_warning_line_masks_personal_data(talk, backend, caplog):
    backend.answers = [404]
    await talk.say("where is my claim")
    await talk.say("13812345678")  # a phone number given as the claim number
    (line,) = warnings_of(caplog)
    assert "13812345678" not in line and "138****5678" in line


async def file_claim(talk) -> list[str]:
    await talk.say("file a claim")
    assert await talk.say("2500") == ["File a claim for $2500?"]
    return await talk.say("yes")


async def test_a_retried_post_sends_one_idempotency_key_twice(talk, backend, caplog):
    backend.answers = ["slow", {"slots": {"claim_no": "C-77", "payout": 2400}}]
    assert await file_claim(talk) == ["Filed as C-77; we will pay $2400."]
    first, retry = backend.requests
    assert first["key"] == retry["key"] and first["body"] == retry["body"]
    assert warnings_of(caplog) == []  # the retry succeeded: nothing failed
    # the next execution of the step is a new call with a new key
    backend.answers = [{"slots": {"claim_no": "C-78", "payout": 10}}]
    talk.state = None  # a new conversation
    await file_claim(talk)
    assert backend.requests[2]["key"] not in (None, first["key"])


async def test_the_post_body_carries_only_the_flows_slots(talk, backend):
    backend.answers = [{"slots": {"status": "open"}}]
    await talk.say("where is my claim")
    await talk.say("CL-9")
    backend.answers = [{"slots": {"claim_no": "C-1", "payout": 5}}]
    talk.state = talk.state.replace(slots={**talk.state.slots, "claim_id": "CL-9"})  # as if kept
    await file_claim(talk)
    body = json.loads(backend.requests[-1]["body"])
    assert body["slots"] == {"amount": 2500}  # not claim_id: another flow's slot
    assert (body["action"], body["flow"], body["state"]) == ("submit_claim", "file_claim", "submit")


async def test_a_rasa_sdk_null_answer_is_a_failure(talk, backend, caplog):
    backend.answers = ["null"]
    assert await file_claim(talk) == ["Sorry, the claim could not be filed."]
    assert "claim_no" not in talk.state.slots
    (line,) = warnings_of(caplog)
    assert line.startswith('webhook submit_claim: expected a JSON object {"slots": {...}, "next"?, '
                           '"responses"?}, found null (POST http://127.0.0.1:')
    assert ", status 200, 1 attempt, " in line


async def test_a_wrongly_typed_slot_value_is_refused(talk, backend, caplog):
    backend.answers = [{"slots": {"claim_no": "C-5", "payout": "not-a-number"}}]
    replies = await file_claim(talk)
    assert replies == ["Sorry, the claim could not be filed."]
    assert not any("not-a-number" in r for r in replies)
    assert "payout" not in talk.state.slots and "claim_no" not in talk.state.slots  # all or nothing
    (line,) = warnings_of(caplog)
    assert line.startswith("webhook submit_claim: slot 'payout' (number) cannot take 'not-a-number': "
                           "expected a JSON number, found text (POST ")


async def test_unknown_keys_in_the_answer_are_a_failure(talk, backend, caplog):
    backend.answers = [{"events": [], "responses": []}]  # what a Rasa SDK action server answers
    assert await file_claim(talk) == ["Sorry, the claim could not be filed."]
    (line,) = warnings_of(caplog)
    assert "unknown key 'events' in the answer (expected slots, next, responses)" in line


async def test_a_categorical_value_from_the_backend_must_be_declared(talk, backend, caplog):
    backend.answers = [{"slots": {"status": "lost in the mail"}}]
    await talk.say("where is my claim")
    assert await talk.say("CL-3") == ["I could not find claim CL-3."]  # on_error
    (line,) = warnings_of(caplog)
    assert "slot 'status' (categorical) cannot take 'lost in the mail': not one of open, paid, rejected" in line


def test_the_diagram_draws_the_timeout_and_error_branches():
    from framework.compile.diagram import assistant_graphs

    (graph,) = assistant_graphs(load_assistant(CLAIMS, {}), "claim_status")
    ids = {n.id: n.label.split("\n")[0] for n in graph.nodes}
    branches = {(ids[e.source], e.label, ids.get(e.target, e.target)) for e in graph.edges if e.kind == "failure"}
    assert {("lookup", "timeout", "slow"), ("lookup", "error", "not_found")} <= branches
