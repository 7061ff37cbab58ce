"""The server tests' world: a small Chinese shop domain (written to a temporary folder), a
local aiohttp app standing in for its business backend, a real tiny model trained on the
domain's examples, and a real redis-server. Used by the server, channel and scale-out tests.

The pytest fixtures here are imported explicitly by each test module that uses them
(`from tests.support.serving import domain, ...  # noqa: F401 (fixtures)`); module-scoped
ones (backend_port, domain, classifier, redis_server) are built once per test module.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from tests.support.redis_server import RedisServer, free_port

DOMAIN = """\
version: "1"
language: zh
flows: [flows.yml]
settings:
  fallback_threshold: 0.4
  session_timeout: 1800
  history_limit: 20
  pii_masking: true
intents:
  办理:
    examples: [我想办理一张新卡, 我要开户, 办理新卡, 帮我开个户, 我想开通一个号码, 办卡]
  问候:
    examples: [你好, 您好, 在吗, 早上好, 嗨, 你好啊]
  告知:
    examples: ['[张三](name)', '我叫[李四](name)', '[王五](name)', '[110101199003077774](id_number)',
               '[13812345678](phone)', '我的电话是[13912345678](phone)', '身份证[11010519491231002X](id_number)']
  取消:
    examples: [不办了, 取消, 算了不要了, 我不想办了, 停止办理]
slots:
  name: {type: text, min_length: 2, max_length: 20, pii: true}
  id_number: {type: id_number, error: utter_invalid_id, pii: true}
  phone: {type: phone, error: utter_invalid_phone, pii: true}
  account_no: {type: text}
responses:
  utter_greet: [{text: 您好，请问有什么可以帮您？}]
  utter_ask_name: [{text: 请问您的姓名是？}]
  utter_ask_id: [{text: 请提供您的身份证号码。}]
  utter_invalid_id: [{text: 身份证号码格式不对，请重新输入。}]
  utter_ask_phone:
    - text: 请提供您的手机号码。
    - text: "Your phone number?"
      channel: telegram
      buttons: [{title: skip, payload: /取消}]
  utter_invalid_phone: [{text: 手机号码格式不对，请重新输入。}]
  utter_done: [{text: "办理成功，账号 {account_no}。"}]
  utter_failed: [{text: 系统繁忙，办理失败，请稍后再试。}]
  utter_cancelled: [{text: 好的，已取消。}]
  utter_fallback: [{text: 抱歉，我没有听懂。}]
actions:
  open_account:
    type: webhook
    url: ${SHOP_BACKEND:-http://127.0.0.1:9}/accounts
    timeout: 2
    sets: [account_no]
global:
  cancel: {intent: 取消, response: utter_cancelled}
  fallback: {response: utter_fallback}
  greet: {intent: 问候, response: utter_greet}
"""

FLOWS = """\
flows:
  open_account:
    description: 开户
    trigger: 办理
    states:
      ask_name: {collect: name, prompt: utter_ask_name, next: ask_id}
      ask_id: {collect: id_number, prompt: utter_ask_id, next: ask_phone}
      ask_phone: {collect: phone, prompt: utter_ask_phone, next: submit}
      submit: {action: open_account, on_success: done, on_failure: failed}
      done: {say: utter_done, next: END}
      failed: {end: utter_failed}
"""

ID_NUMBER, PHONE = "110101199003077774", "13812345678"  # valid id_number and phone values


def write_domain(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "domain.yml").write_text(DOMAIN, encoding="utf-8")
    (directory / "flows.yml").write_text(FLOWS, encoding="utf-8")
    return directory


def backend_app(delay: float = 0.0) -> web.Application:
    """The business backend: opens accounts, except for 王五 (a 500: the failure branch)."""
    async def accounts(request: web.Request) -> web.Response:
        body = await request.json()
        await asyncio.sleep(delay)
        if body["slots"].get("name") == "王五":
            return web.json_response({"error": "down"}, status=500)
        return web.json_response({"slots": {"account_no": "A" + body["slots"]["phone"][-4:]}})

    app = web.Application()
    app.router.add_post("/accounts", accounts)
    return app


def start_backend_thread(port: int, delay: float = 0.0):
    """Run the fake backend in its own thread and loop (shared by module-scoped fixtures)."""
    import threading

    loop = asyncio.new_event_loop()
    runner = web.AppRunner(backend_app(delay))

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return loop, runner


def training_examples(assistant) -> list[tuple[str, str]]:
    return [(e.text, name) for name, intent in assistant.intents.items() for e in intent.examples]


@pytest.fixture(scope="module")
def backend_port():
    port = free_port()
    loop, runner = start_backend_thread(port)
    yield port
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(5)
    loop.call_soon_threadsafe(loop.stop)


@pytest.fixture(scope="module")
def domain(tmp_path_factory, backend_port):
    from framework.spec import load_assistant

    mp = pytest.MonkeyPatch()
    mp.setenv("SHOP_BACKEND", f"http://127.0.0.1:{backend_port}")
    directory = write_domain(tmp_path_factory.mktemp("shop_zh") / "shop_zh")
    assistant = load_assistant(directory)
    mp.undo()
    return directory, assistant


@pytest.fixture(scope="module")
def classifier(domain, tmp_path_factory):
    from framework.nlu import load_classifier
    from tests.support.tiny_model import train_tiny_model

    directory, assistant = domain
    model_dir = train_tiny_model(training_examples(assistant), tmp_path_factory.mktemp("model") / "m",
                                 intent_fingerprint=assistant.intent_fingerprint)
    return load_classifier(model_dir, assistant)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server


def make_config(domain, classifier, redis_url, **overrides):
    from framework.server.config import ServerConfig

    directory, assistant = domain
    options = dict(domain_dir=str(directory), redis_url=redis_url, assistant=assistant, classifier=classifier,
                   wechat_token=None, telegram_bot_token=None, telegram_secret=None,
                   slack_signing_secret=None, slack_bot_token=None)
    options.update(overrides)
    return ServerConfig(**options)


@pytest.fixture
async def make_client(domain, classifier, redis_server):
    import redis.asyncio as redis

    await redis.Redis.from_url(redis_server.url).flushdb()
    clients = []

    async def make(**overrides) -> TestClient:
        from framework.server.app import init

        overrides.setdefault("redis_url", redis_server.url)
        client = TestClient(TestServer(init(make_config(domain, classifier, **overrides))))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


async def say(client: TestClient, sender: str, text: str) -> list[str]:
    resp = await client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert all(r["recipient_id"] == sender for r in body)
    return [r["text"] for r in body]
