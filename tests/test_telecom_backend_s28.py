"""telecom_zh's demo backend (domains/telecom_zh/backend.py) on 换套餐, customer trial of session 28:

- "换套餐 张三 110101199003071233 129" changed the plan of the account 李娜 had just opened with that
  ID: a plan change is for the holder only. The backend answers 403 (the name is not the
  holder's) and the flow's `not_holder` state says so, then offers an agent: nothing changed.
- 孙丽 opened an account on the 59 plan and asked to change it to 59: "受理". The backend answers
  422 (already on this plan) and `same_plan` says so: nothing changed.
- An ID without an account still answers 404 (`no_account`: the ID is asked again once).

The backend is called directly (its aiohttp app on a free port), then the replies are checked
through the real webhook action and flow (ActionExecutor, the test FakeClassifier as in
tests/test_webhook_domains.py). Neither reply repeats the ID number, masked or not.
"""
from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from framework.actions import ActionExecutor
from framework.actions.demo_backend import load_backend
from framework.agent import Agent, classifier_parser
from framework.spec import load_assistant
from tests.support.fake_classifier import FakeClassifier

ROOT = Path(__file__).resolve().parent.parent
TELECOM = ROOT / "domains" / "telecom_zh"
ID = "110101199003071233"       # no account in the demo data until a test opens one
SEEDED = "11010519491231002X"   # the demo account TZ20240001: holder 王小明, plan 39
OTHER = "440304198511201235"    # no account


@pytest.fixture
async def backend():
    module = load_backend(TELECOM)
    app = module.init()
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    server.registry = app[module.REGISTRY]
    try:
        yield server
    finally:
        await server.close()


async def post(server, business: str, name: str, id_number: str, plan: str) -> tuple[int, dict]:
    body = {"slots": {"business": business, "name": name, "id_number": id_number, "plan": plan}}
    async with aiohttp.ClientSession() as session:
        async with session.post(str(server.make_url("/business")), json=body) as response:
            return response.status, await response.json()


# ------------------------------------------------------------------ the backend, called directly

async def test_a_plan_change_by_someone_else_than_the_holder_is_refused_with_403(backend):
    status, opened = await post(backend, "开户", "李娜", ID, "59")
    assert status == 200
    account = opened["slots"]["account_no"]
    assert await post(backend, "换套餐", "张三", ID, "129") == (403, {"error": "the name is not the account holder's"})
    assert backend.registry.next_plans == {} and backend.registry.plans[account] == "59"  # nothing changed
    assert await post(backend, "换套餐", "李娜", ID, "129") == (200, {"slots": {"account_no": account}})
    assert backend.registry.next_plans == {account: "129"}


async def test_the_seeded_account_changes_for_its_holder_only(backend):
    assert (await post(backend, "换套餐", "王小明", SEEDED, "99"))[0] == 200
    assert (await post(backend, "换套餐", "李小龙", SEEDED, "129"))[0] == 403


async def test_the_holders_name_is_compared_without_spaces_or_width(backend):
    await post(backend, "开户", "Li Na", ID, "59")
    assert (await post(backend, "换套餐", " ｌｉ　ｎａ ", ID, "99"))[0] == 200
    assert (await post(backend, "换套餐", "Li Nan", ID, "129"))[0] == 403


async def test_a_second_opening_under_another_name_does_not_make_it_the_holder(backend):
    _, first = await post(backend, "开户", "李娜", ID, "59")
    _, second = await post(backend, "开户", "张三", ID, "39")  # 开户 checks no name (not asked of session 28)
    assert backend.registry.holders[ID] == "李娜"
    # ... but the account 张三 opened is his to change, and only that one (customer trial, session 37: an account
    # opened in one name under another's ID could not be changed right after)
    status, changed = await post(backend, "换套餐", "张三", ID, "129")
    assert status == 200 and changed["slots"]["account_no"] == second["slots"]["account_no"]
    assert first["slots"]["account_no"] not in backend.registry.next_plans
    assert (await post(backend, "换套餐", "王五", ID, "129"))[0] == 403


async def test_a_change_to_the_plan_the_account_has_is_refused_with_422(backend):
    _, opened = await post(backend, "开户", "孙丽", ID, "59")
    assert await post(backend, "换套餐", "孙丽", ID, "59") == (422, {"error": "the account is already on this plan"})
    assert backend.registry.next_plans == {}
    assert (await post(backend, "换套餐", "王小明", SEEDED, "39"))[0] == 422  # the seeded account is on 39


async def test_a_stranger_asking_for_the_current_plan_learns_nothing_of_it(backend):
    """The holder is checked first: 403, not 422, which would tell the account's plan."""
    await post(backend, "开户", "孙丽", ID, "59")
    assert (await post(backend, "换套餐", "张三", ID, "59"))[0] == 403


async def test_a_waiting_change_asked_again_or_taken_back(backend):
    """A change takes effect next month: asking for it again gets the same answer; asking for the
    plan the account has now cancels it; after that, the current plan is refused again (422)."""
    _, opened = await post(backend, "开户", "孙丽", ID, "59")
    account = opened["slots"]["account_no"]
    assert (await post(backend, "换套餐", "孙丽", ID, "129"))[0] == 200
    assert (await post(backend, "换套餐", "孙丽", ID, "129"))[0] == 200
    assert backend.registry.next_plans == {account: "129"}
    assert (await post(backend, "换套餐", "孙丽", ID, "59"))[0] == 200
    assert backend.registry.next_plans == {}
    assert (await post(backend, "换套餐", "孙丽", ID, "59"))[0] == 422


async def test_a_plan_change_without_an_account_is_still_404_and_opens_nothing(backend):
    assert await post(backend, "换套餐", "王五", OTHER, "99") == (404, {"error": "no account for this ID number"})
    assert OTHER not in backend.registry.accounts and OTHER not in backend.registry.holders
    status, opened = await post(backend, "开户", "王五", OTHER, "99")  # the refusal left no holder behind
    assert status == 200 and backend.registry.holders[OTHER] == "王五"


async def test_an_opening_is_unchanged(backend):
    """开户 still opens (any name) and answers 409 once an ID holds five numbers."""
    for _ in range(5):
        assert (await post(backend, "开户", "李娜", ID, "59"))[0] == 200
    assert (await post(backend, "开户", "李娜", ID, "59"))[0] == 409
    assert (await post(backend, "开户", "李小龙", "110101199003077774", "39"))[0] == 409


# ------------------------------------------------------------------ through the flow: what the customer hears

def agent_for(assistant, executor, script):
    table = {text: intent for text, intent in script if intent}
    return Agent(assistant, classifier_parser(FakeClassifier(table, assistant.intents, threshold=0.5), assistant),
                 executor)


async def converse(assistant, executor, script, sender="tester"):
    """Each message of the script in turn; the state and the replies of the last one."""
    agent = agent_for(assistant, executor, script)
    state, replies = None, []
    for i, (text, _) in enumerate(script):
        turn = await agent.handle(state, sender, text, now=1_700_000_000.0 + i)
        state, replies = turn.state, [r.text for r in turn.replies]
    return state, replies


def business(assistant, kind, name, id_number, plan):
    trigger = assistant.flows["business"].triggers[0]
    return [("我想办理业务", trigger), (kind, None), (name, None), (id_number, None), (plan, None), ("是", None)]


@pytest.fixture
async def telecom(backend):
    assistant = load_assistant(TELECOM, {"TELECOM_BACKEND_URL": str(backend.make_url("")).rstrip("/")})
    async with ActionExecutor(assistant) as executor:
        yield assistant, executor


def text_of(assistant, response, **values):
    """The response's one variant, its {slot} placeholders filled."""
    (variant,) = assistant.responses[response].variants
    return variant.text.format(**values)


def assert_no_id(replies, id_number):
    """Not the ID, nor its masked form ({id_number:masked}: 110101********1233)."""
    for text in replies:
        assert id_number not in text and id_number[-4:] not in text and "身份证号 " not in text, text


async def test_the_customer_hears_that_the_name_is_not_the_holders(telecom, backend):
    assistant, executor = telecom
    _, opened = await converse(assistant, executor, business(assistant, "开户", "李娜", ID, "59"))
    assert opened[0].startswith("开户成功！")
    state, replies = await converse(assistant, executor, business(assistant, "换套餐", "张三", ID, "129"))
    assert replies == [text_of(assistant, "utter_not_account_holder"), text_of(assistant, "utter_offer_agent_or_fix")]
    assert "机主" in replies[0] and "没有变更" in replies[0]
    assert state.frame.state == "offer_agent_or_fix"
    assert backend.registry.next_plans == {}
    assert_no_id(replies, ID)


async def test_the_customer_hears_that_the_account_is_already_on_that_plan(telecom, backend):
    assistant, executor = telecom
    await converse(assistant, executor, business(assistant, "开户", "孙丽", ID, "59"))
    state, replies = await converse(assistant, executor, business(assistant, "换套餐", "孙丽", ID, "59"))
    assert replies == [text_of(assistant, "utter_same_plan", plan="59")] and "59 元套餐" in replies[0]
    assert state.frame is None  # the flow is over, the personal data cleared
    assert "name" not in state.slots and "id_number" not in state.slots
    assert backend.registry.next_plans == {}
    assert_no_id(replies, ID)


async def test_the_holder_still_changes_the_plan(telecom, backend):
    assistant, executor = telecom
    _, opened = await converse(assistant, executor, business(assistant, "开户", "李娜", ID, "59"))
    account = backend.registry.accounts[ID][0]
    _, replies = await converse(assistant, executor, business(assistant, "换套餐", "李娜", ID, "129"))
    assert replies == [f"套餐变更已受理，账户 {account} 将从下月 1 日起使用 129 元套餐。"]


async def test_no_account_is_still_asked_again_and_a_refusal_after_it_is_no_system_failure(telecom, backend):
    """404 asks the ID again (no_account); the second call's 403 (the ID given now belongs to
    someone else) says the name does not match, not "业务系统暂时繁忙" (on_failure)."""
    assistant, executor = telecom
    script = business(assistant, "换套餐", "张三", OTHER, "99")
    state, replies = await converse(assistant, executor, script)
    assert replies == ["没有查到身份证号 440304********1235 名下的账户，所以无法变更套餐。请核对后重新输入身份证号（18 位）；如果还没有在我们这里开过户，可以说“改成开户”。"]
    assert state.frame.state == "no_account"
    state, replies = await converse(assistant, executor, script + [(SEEDED, None), ("是", None)])
    assert replies == [text_of(assistant, "utter_not_account_holder"), text_of(assistant, "utter_offer_agent")]
    assert backend.registry.next_plans == {}
