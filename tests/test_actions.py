"""Executing actions at the edge: python functions, webhooks, the demo backend."""
from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from framework.actions import ActionExecutor, register
from framework.actions.demo_backend import bound_port, default_port, start_demo_backend
from framework.actions.python import call_python, resolve_function
from framework.actions.webhook import call_webhook
from framework.compile.machine import PythonAction, WebhookAction, frozen_map
from framework.engine import ActionCall
from tests.support.bank_domain import DOMAIN, bank
from tests.support.redis_server import free_port

CALL = ActionCall("act", "u1", "flow", "state", frozen_map({"phone": "13812345678", "x": 1}), "hi", "greet")


def importable_action(slots, context):
    return {"slots": {"y": slots["x"] + 1}, "next": "done", "responses": [context["latest_message"]["text"]]}


async def async_action(request):
    await asyncio.sleep(0)
    return {"slots": {"y": request["sender_id"]}}


def broken_action(slots, context):
    raise RuntimeError("backend down")


@register("registered_action")
def registered_action(slots, context):
    return None


async def run(function: str, sets=("y",), domain_dir=""):
    return await call_python(PythonAction("act", function, tuple(sets)), CALL, domain_dir)


async def test_python_action_from_an_importable_module():
    result = await run("tests.test_actions:importable_action")
    assert result.ok and result.slots == {"y": 2} and result.next_state == "done" and result.responses == ("hi",)


async def test_python_action_async_one_parameter_and_registered():
    assert (await run("tests.test_actions:async_action")).slots == {"y": "u1"}
    result = await run("registered_action")
    assert result.ok and result.slots == {}


async def test_python_action_from_the_domain_directory():
    result = await run("actions:lookup_balance", sets=("balance",), domain_dir=str(DOMAIN))
    assert result.ok and result.slots == {"balance": 5.5}
    assert resolve_function("actions:lookup_balance", str(DOMAIN)).__module__.startswith("_dialog_domain_")


@pytest.mark.parametrize("function,sets,error", [
    ("tests.test_actions:broken_action", ("y",), "RuntimeError: backend down"),
    ("tests.test_actions:importable_action", (), "may not set slots y"),
    ("tests.test_actions:nothing", ("y",), "has no function 'nothing'"),
    ("no_such_module_xyz:f", ("y",), "cannot find module 'no_such_module_xyz'"),
    ("unregistered", ("y",), "no python action registered as 'unregistered'"),
])
async def test_python_action_failures_do_not_raise(function, sets, error):
    result = await run(function, sets)
    assert not result.ok and error in result.error


async def test_webhook_sends_method_headers_and_body():
    seen = {}

    async def handler(request):
        seen.update(method=request.method, key=request.headers.get("X-Api-Key"), body=await request.json())
        return web.json_response({"slots": {"y": 1}})

    app = web.Application()
    app.router.add_route("PUT", "/hook", handler)
    async with TestServer(app, host="127.0.0.1") as server, aiohttp.ClientSession() as session:
        action = WebhookAction("act", str(server.make_url("/hook")), "PUT", 1.0, 0,
                               frozen_map({"X-Api-Key": "k"}), ("y",))
        result = await call_webhook(session, action, CALL)
    assert result.ok and result.slots == {"y": 1}
    assert seen == {"method": "PUT", "key": "k", "body": CALL.request_json()}


async def test_webhook_connection_refused_is_retried_then_fails():
    action = WebhookAction("act", f"http://127.0.0.1:{free_port()}/x", retries=2, timeout=0.5)
    async with aiohttp.ClientSession() as session:
        result = await call_webhook(session, action, CALL)
    assert not result.ok and "3 attempts" in result.error


async def test_executor_unknown_action():
    async with ActionExecutor(bank()) as executor:
        result = await executor(ActionCall("nope", "u", "f", "s", frozen_map()))
    assert not result.ok and "unknown action 'nope'" in result.error


PING_BACKEND = """
from aiohttp import web

async def ping(request):
    return web.json_response({"pong": True})

def init() -> web.Application:
    app = web.Application()
    app.router.add_get("/ping", ping)
    return app
"""


async def test_demo_backend(tmp_path):
    (tmp_path / "backend.py").write_text(PING_BACKEND)
    port = free_port()
    runner = await start_demo_backend(tmp_path, port=port)
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/ping") as response:
                assert await response.json() == {"pong": True}
    finally:
        await runner.cleanup()
    with pytest.raises(FileNotFoundError, match="no demo backend"):
        await start_demo_backend(tmp_path / "missing")



def with_urls(*urls: str):
    actions = {f"a{i}": WebhookAction(f"a{i}", url) for i, url in enumerate(urls)}
    actions["py"] = PythonAction("py", "actions:x")
    return dataclasses.replace(bank(), actions=frozen_map(actions))


def test_demo_backend_port_follows_the_domain(tmp_path):
    (tmp_path / "backend.py").write_text(PING_BACKEND)
    # no PORT in backend.py: the first webhook URL on this machine
    local = with_urls("https://api.example.com/x", "http://localhost:5099/a", "http://127.0.0.1:5100/b")
    assert default_port(tmp_path, local) == 5099
    assert default_port(tmp_path, with_urls("http://[::1]:6001/x")) == 6001
    assert default_port(tmp_path, with_urls("https://bank.example.com:8443/x")) == 5055  # not ours to serve
    assert default_port(tmp_path, with_urls()) == 5055
    # PORT in backend.py wins
    (tmp_path / "backend.py").write_text(PING_BACKEND + "\nPORT = 5123\n")
    assert default_port(tmp_path, local) == 5123


def test_example_domains_backends_listen_where_their_webhooks_call(monkeypatch):
    from framework.spec import load_assistant

    root = Path(__file__).resolve().parent.parent / "domains"
    for name in ("banking_en", "telecom_zh"):
        monkeypatch.delenv(f"{name.split('_')[0].upper()}_BACKEND_URL", raising=False)
        assistant = load_assistant(root / name)
        url = next(a.url for a in assistant.actions.values() if isinstance(a, WebhookAction))
        assert default_port(root / name, assistant) == int(url.split(":")[2].split("/")[0])


async def test_demo_backend_on_the_domains_port(tmp_path):
    port = free_port()
    (tmp_path / "backend.py").write_text(PING_BACKEND + f"\nPORT = {port}\n")
    runner = await start_demo_backend(tmp_path)
    try:
        assert bound_port(runner) == port
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/ping") as response:
                assert await response.json() == {"pong": True}
    finally:
        await runner.cleanup()
