"""The webhook request and its failures, call by call, against a real local aiohttp server:
what is sent (sends, placeholders, headers), what is retried, and what each failure says."""
from __future__ import annotations

import logging

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from framework.actions.python import call_python
from framework.actions.webhook import build_request, call_webhook
from framework.compile.machine import PythonAction, Slot, WebhookAction, frozen_map
from framework.engine import ActionCall

CALL = ActionCall("act", "u1", "flow", "state", frozen_map({"phone": "13812345678", "n": 3, "other": "x"}),
                  "hi", "greet")
SLOTS = {"n": Slot("n", "integer", frozen_map({"min": 1})), "phone": Slot("phone", "phone", pii=True),
         "ok": Slot("ok", "boolean")}


@pytest.fixture
async def server():
    seen: list[dict] = []
    answers: list = []

    async def handle(request: web.Request) -> web.StreamResponse:
        seen.append({"method": request.method, "body": await request.read(), "headers": dict(request.headers)})
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, int):
            return web.Response(status=answer)
        if isinstance(answer, str):
            return web.Response(text=answer)
        return web.json_response(answer)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    async with TestServer(app, host="127.0.0.1") as test_server:
        test_server.seen, test_server.answers = seen, answers
        yield test_server


def hook(server, path="/x", **kw) -> WebhookAction:
    return WebhookAction("act", str(server.make_url("")).rstrip("/") + path, **kw)  # braces as written


async def call(action, slot_specs=SLOTS, the_call=CALL):
    async with aiohttp.ClientSession() as session:
        return await call_webhook(session, action, the_call, slot_specs)


def test_the_request_sends_only_declared_slots_and_fills_headers():
    action = WebhookAction("act", "http://h/u/{phone}", headers=frozen_map({"X-N": "n={n}"}),
                           query=frozen_map({"o": "{other}"}), sends=("n",))
    request = build_request(action, CALL, "k1")
    assert request.url == "http://h/u/13812345678"
    assert request.headers == {"Idempotency-Key": "k1", "X-N": "n=3"}
    assert request.params == {"o": "x"}
    assert request.body["slots"] == {"n": 3}
    assert build_request(WebhookAction("act", "http://h", method="DELETE"), CALL, "k").body is None
    own_key = WebhookAction("act", "http://h", headers=frozen_map({"Idempotency-Key": "order-{n}"}))
    assert build_request(own_key, CALL, "k").headers["Idempotency-Key"] == "order-3"


async def test_delete_sends_no_body_and_204_is_success(server):
    server.answers.append(204)
    result = await call(hook(server, method="DELETE"))
    assert result.ok and result.slots == {}
    assert server.seen[0]["method"] == "DELETE" and server.seen[0]["body"] == b""


async def test_an_unset_placeholder_slot_fails_without_a_request(server, caplog):
    result = await call(hook(server, "/claims/{claim_id}"))
    assert not result.ok and result.kind == "error" and server.seen == []
    assert "slot 'claim_id' has no value for a placeholder in the URL, headers or query" in result.error
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


async def test_5xx_is_retried_with_the_same_key_then_fails_as_an_error(server, caplog):
    server.answers.append(503)
    result = await call(hook(server, retries=2))
    assert not result.ok and result.kind == "error"
    assert len(server.seen) == 3 and len({s["headers"]["Idempotency-Key"] for s in server.seen}) == 1
    assert "HTTP 503" in result.error and "status 503, 3 attempts" in result.error
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


async def test_a_4xx_is_not_retried(server):
    server.answers.append(404)
    result = await call(hook(server, retries=2))
    assert not result.ok and len(server.seen) == 1 and "status 404, 1 attempt," in result.error


@pytest.mark.parametrize("answer,error", [
    ("", "HTTP 200 with an empty body; expected a JSON object"),
    ("<html>oops</html>", "the answer is not JSON ('<html>oops</html>')"),
    ([1, 2], "expected a JSON object"),
    ({"slots": []}, "'slots' must be an object, found a list"),
    ({"slots": {"n": 0}}, "slot 'n' (integer) cannot take 0: must be at least 1"),
    ({"slots": {"n": 2.5}}, "slot 'n' (integer) cannot take 2.5: expected a whole number"),
    ({"slots": {"ok": "yes"}}, "slot 'ok' (boolean) cannot take 'yes': expected true or false, found text"),
    ({"slots": {"phone": "12345"}}, "slot 'phone' (phone) cannot take '12345'"),
    ({"slots": {"zzz": 1}}, "may not set slots zzz"),
])
async def test_answers_that_are_failures(server, answer, error):
    server.answers.append(answer)
    result = await call(hook(server, sets=("n", "ok", "phone")))
    assert not result.ok and result.kind == "error" and error in result.error


async def test_typed_values_are_accepted_and_null_unsets(server):
    server.answers.append({"slots": {"n": 4.0, "ok": False, "phone": None}})
    result = await call(hook(server, sets=("n", "ok", "phone")))
    assert result.ok and dict(result.slots) == {"n": 4, "ok": False, "phone": None}


async def test_the_failure_message_masks_pii_slots_in_the_url(server, caplog):
    server.answers.append(404)
    slots = dict(SLOTS, name=Slot("name", "text", pii=True))
    the_call = ActionCall("act", "u1", "f", "s", frozen_map({"name": "张三丰"}))
    result = await call(hook(server, "/people/{name}"), slots, the_call)
    assert "张三丰" not in result.error and "%E5%BC%A0" not in result.error
    assert all("张三丰" not in r.getMessage() for r in caplog.records)


def only_slots(slots, context):
    return {"slots": {"seen": sorted(slots)}}


async def test_a_python_action_receives_only_the_slots_it_sends():
    action = PythonAction("act", "tests.test_webhook_requests:only_slots", sets=("seen",), sends=("n",))
    result = await call_python(action, CALL)
    assert result.ok and result.slots == {"seen": ["n"]}


def failing(slots, context):
    raise RuntimeError("ledger offline")


async def test_a_python_action_failure_is_one_warning(caplog):
    result = await call_python(PythonAction("act", "tests.test_webhook_requests:failing"), CALL)
    assert not result.ok and result.kind == "error"
    (record,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.levelno == logging.WARNING and record.exc_info
    assert record.getMessage().startswith("python action act: RuntimeError: ledger offline (")
