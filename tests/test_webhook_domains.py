"""Webhooks of the example domains against their demo backends (domains/*/backend.py):
telecom_zh's 开户 retried after a lost answer opens one account, not two (Idempotency-Key);
banking_en's balance is a GET on /cards/{card_last4}/balance; the backends' idempotency."""
from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from framework.actions import ActionExecutor
from framework.actions.demo_backend import load_backend
from framework.agent import Agent, classifier_parser
from framework.compile.machine import frozen_map
from framework.slots import id_check_char
from framework.spec import load_assistant
from tests.support.fake_classifier import FakeClassifier

ROOT = Path(__file__).resolve().parent.parent
TELECOM, BANKING = ROOT / "domains" / "telecom_zh", ROOT / "domains" / "banking_en"
NEW_ID = "11010119900307123" + id_check_char("11010119900307123")  # no account yet


async def served(module, *, lose_first_answer: bool = False):
    """The demo backend's app on a free port; optionally the first answer arrives only
    after the client gave up (the request itself is done: the account is open)."""
    app = module.init()
    keys: list[str | None] = []

    @web.middleware
    async def late_first(request, handler):
        keys.append(request.headers.get("Idempotency-Key"))
        response = await handler(request)
        if lose_first_answer and len(keys) == 1:
            await asyncio.sleep(1.0)  # more than the 0.3 s timeout below
        return response

    app.middlewares.insert(0, late_first)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return server, app, keys


def agent_for(assistant, executor, script):
    table = {text: intent for text, intent in script if intent}
    return Agent(assistant, classifier_parser(FakeClassifier(table, assistant.intents, threshold=0.5), assistant),
                 executor)


async def converse(agent, texts):
    state, replies = None, []
    for i, text in enumerate(texts):
        turn = await agent.handle(state, "tester", text, now=1_700_000_000.0 + i)
        state, replies = turn.state, [r.text for r in turn.replies]
    return state, replies


async def test_telecom_open_account_retried_after_a_timeout_opens_one_account():
    module = load_backend(TELECOM)
    server, app, keys = await served(module, lose_first_answer=True)
    try:
        assistant = load_assistant(TELECOM, {"TELECOM_BACKEND_URL": str(server.make_url("")).rstrip("/")})
        hook = assistant.actions["submit_business"]
        assert hook.retries >= 1  # the domain retries 开户 on a timeout: safe only with the key
        fast = dataclasses.replace(hook, timeout=0.3)
        assistant = dataclasses.replace(assistant, actions=frozen_map({**assistant.actions, "submit_business": fast}))
        trigger = assistant.flows["business"].triggers[0]
        script = [("我想办理业务", trigger), ("开户", None), ("张三", None), (NEW_ID, None), ("59", None), ("是", None)]
        async with ActionExecutor(assistant) as executor:
            _, replies = await converse(agent_for(assistant, executor, script), [t for t, _ in script])
    finally:
        await server.close()
    accounts = app[module.REGISTRY].accounts[NEW_ID]
    assert len(accounts) == 1  # the retry got the first answer, not a second account
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0]
    assert any(accounts[0] in r and "开户成功" in r for r in replies)


async def test_banking_balance_is_a_get_on_the_cards_url():
    module = load_backend(BANKING)
    server, _, keys = await served(module)
    try:
        assistant = load_assistant(BANKING, {"BANKING_BACKEND_URL": str(server.make_url("")).rstrip("/")})
        hook = assistant.actions["get_balance"]
        assert hook.method == "GET" and hook.url.endswith("/cards/{card_last4}/balance")
        trigger = assistant.flows["check_balance"].triggers[0]
        script = [("what's my balance", trigger), ("1234", None)]
        async with ActionExecutor(assistant) as executor:
            _, replies = await converse(agent_for(assistant, executor, script), [t for t, _ in script])
    finally:
        await server.close()
    assert replies[0] == "The balance on your card ending 1234 is $42.35."
    assert len(keys) == 1


@pytest.mark.parametrize("domain,path,body,field", [
    (TELECOM, "/business", {"slots": {"name": "张三", "id_number": NEW_ID, "business": "开户", "plan": "59"}},
     "account_no"),
    (BANKING, "/cards/block", {"slots": {"card_last4": "7777"}}, "case_number"),
])
async def test_demo_backends_answer_a_repeated_key_once(domain, path, body, field):
    server, _, _ = await served(load_backend(domain))
    try:
        url = str(server.make_url(path))
        async with aiohttp.ClientSession() as session:
            async def post(key):
                async with session.post(url, json=body, headers={"Idempotency-Key": key}) as response:
                    return response.status, await response.json()

            same = await asyncio.gather(post("k1"), post("k1"))  # a retry while the first is served
            again = await post("k1")
            other = await post("k2")
    finally:
        await server.close()
    assert same[0] == same[1] == again and same[0][0] == 200
    assert other[1]["slots"][field] != same[0][1]["slots"][field]  # a new key is a new request
