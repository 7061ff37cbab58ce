"""Webhooks of the example domains against their demo backends (domains/*/backend.py):
telecom_zh's 开户 retried after a lost answer opens one account, not two (Idempotency-Key);
banking_en's balance is a GET on /cards/{card_last4}/balance; the backends' idempotency."""
from __future__ import annotations

import asyncio
import dataclasses
import logging
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


async def served(module, *, lose_first_answer: bool = False, always_late: bool = False):
    """The demo backend's app on a free port; optionally the first (or every) answer
    arrives only after the client gave up (the request itself is done: the account is open)."""
    app = module.init()
    keys: list[str | None] = []

    @web.middleware
    async def late_first(request, handler):
        keys.append(request.headers.get("Idempotency-Key"))
        response = await handler(request)
        if always_late or (lose_first_answer and len(keys) == 1):
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


def with_timeout(assistant, action: str, seconds: float = 0.3):
    """The assistant with one action's timeout shortened, so a test waits less than 1 s."""
    fast = dataclasses.replace(assistant.actions[action], timeout=seconds)
    return dataclasses.replace(assistant, actions=frozen_map({**assistant.actions, action: fast}))


async def open_account(module, **lateness):
    server, app, keys = await served(module, **lateness)
    try:
        assistant = load_assistant(TELECOM, {"TELECOM_BACKEND_URL": str(server.make_url("")).rstrip("/")})
        assert assistant.actions["submit_business"].retries >= 1  # retried on a timeout: safe only with the key
        assistant = with_timeout(assistant, "submit_business")
        trigger = assistant.flows["business"].triggers[0]
        script = [("我想办理业务", trigger), ("开户", None), ("张三", None), (NEW_ID, None), ("59", None), ("是", None)]
        async with ActionExecutor(assistant) as executor:
            _, replies = await converse(agent_for(assistant, executor, script), [t for t, _ in script])
    finally:
        await server.close()
    return app[module.REGISTRY].accounts[NEW_ID], keys, replies


async def test_telecom_open_account_retried_after_a_timeout_opens_one_account():
    accounts, keys, replies = await open_account(load_backend(TELECOM), lose_first_answer=True)
    assert len(accounts) == 1  # the retry got the first answer, not a second account
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0]
    assert any(accounts[0] in r and "开户成功" in r for r in replies)


async def test_telecom_open_account_timing_out_twice_says_it_may_be_done():
    accounts, keys, replies = await open_account(load_backend(TELECOM), always_late=True)
    assert len(accounts) == 1 and len(keys) == 2 and keys[0] == keys[1]  # opened once, answer lost twice
    assert replies == ["业务系统响应超时，您的申请可能已经提交成功。请不要重复办理，稍后可查询办理结果或转人工确认。"]


async def balance(card: str, **lateness):
    server, _, keys = await served(load_backend(BANKING), **lateness)
    try:
        assistant = load_assistant(BANKING, {"BANKING_BACKEND_URL": str(server.make_url("")).rstrip("/")})
        hook = assistant.actions["get_balance"]
        assert hook.method == "GET" and hook.url.endswith("/cards/{card_last4}/balance")
        assistant = with_timeout(assistant, "get_balance")
        trigger = assistant.flows["check_balance"].triggers[0]
        script = [("what's my balance", trigger), (card, None)]
        async with ActionExecutor(assistant) as executor:
            _, replies = await converse(agent_for(assistant, executor, script), [t for t, _ in script])
    finally:
        await server.close()
    return replies, keys


async def test_banking_balance_is_a_get_on_the_cards_url():
    replies, keys = await balance("1234")
    assert replies[0] == "The balance on your card ending 1234 is $42.35."
    assert len(keys) == 1


async def test_banking_balance_timeout_and_unknown_card_take_different_branches():
    slow, keys = await balance("1234", always_late=True)
    assert slow == ["Our card system is taking too long to answer right now. Please ask me again in a few minutes."]
    assert len(keys) == 2 and keys[0] == keys[1]  # retried once, with the same key
    unknown, _ = await balance("9999")  # 404: the flow's on_status says so and asks again
    assert unknown == ["I couldn't find a card ending 9999. Please check the last four digits of the card and tell "
                       "me again."]


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
    # a new key is a new request: a second opening gets a new account number; a second block of the same card is refused
    # as blocked already (409, since session 44)
    assert other != same[0] and (other[0] == 409 or other[1]["slots"][field] != same[0][1]["slots"][field])


@pytest.fixture
async def rasa_sdk_server():
    """An action server in the Rasa SDK's manner: every call answers `null`."""
    seen: list[str] = []

    async def null(request: web.Request) -> web.Response:
        seen.append(request.path)
        return web.Response(text="null", content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", null)
    async with TestServer(app, host="127.0.0.1") as server:
        server.seen = seen
        yield server


@pytest.mark.parametrize("domain,variable,flow,texts,failure_response", [
    (TELECOM, "TELECOM_BACKEND_URL", "complaint",
     ["我要投诉", "网速太慢了，晚上根本没法用", "我叫张三，身份证号是 110101199003074514，损失大概三千五", "确认"],
     "utter_complaint_record_failed"),
    (BANKING, "BANKING_BACKEND_URL", "check_balance", ["what's my balance", "1234"], "utter_balance_failed"),
])
async def test_a_null_answer_takes_the_failure_branch_in_both_domains(rasa_sdk_server, caplog, domain, variable,
                                                                      flow, texts, failure_response):
    assistant = load_assistant(domain, {variable: str(rasa_sdk_server.make_url("")).rstrip("/")})
    trigger = assistant.flows[flow].triggers[0]
    script = [(texts[0], trigger)] + [(t, None) for t in texts[1:]]
    async with ActionExecutor(assistant) as executor:
        _, replies = await converse(agent_for(assistant, executor, script), texts)
    assert len(rasa_sdk_server.seen) == 1  # a null answer is not retried
    expected = assistant.responses[failure_response].variants[0].text.replace("{card_last4}", "1234")
    assert replies[0] == expected
    (line,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "expected a JSON object" in line and "found null" in line and ", status 200, 1 attempt, " in line


async def test_banking_balance_of_a_blocked_card_says_the_money_stays():
    """Customer trial (session 21): "whats the balance on 7777 now?" right after reporting card 7777
    stolen heard "I couldn't find a card ending 7777"; its account still holds the money."""
    module = load_backend(BANKING)
    server, app, _ = await served(module)
    try:
        app[module.BANK].cards["7777"].blocked = True
        assistant = load_assistant(BANKING, {"BANKING_BACKEND_URL": str(server.make_url("")).rstrip("/")})
        trigger = assistant.flows["check_balance"].triggers[0]
        script = [("what's my balance", trigger), ("7777", None)]
        async with ActionExecutor(assistant) as executor:
            _, replies = await converse(agent_for(assistant, executor, script), [t for t, _ in script])
    finally:
        await server.close()
    assert replies[0].startswith("The balance on your card ending 7777 is $")
    assert replies[1].startswith("This card is blocked")
