"""The world of the WeChat and WeCom channel tests: the telecom_zh example assistant with
its demo backend, the test FakeClassifier (no model is trained), a real redis-server, the
real server (framework.server.app.init) and the fake platform APIs of
tests.support.fake_wechat on free loopback ports.

    client = await telecom_client(wechat_token=..., wechat_aes_key=...)
"""
from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from tests.support.example_chat import ID, TELECOM_TABLE, THRESHOLD
from tests.support.fake_classifier import FakeClassifier
from tests.support.fake_wechat import PlatformApi
from tests.support.redis_server import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
TABLE = {**TELECOM_TABLE, "是的": "肯定"}
# A whole 办理 (open an account) conversation: what the user says, and how the assistant's
# answer starts (some responses have several variants; the last adds the account number).
CONVERSATION = [
    ("我想办理业务", ("请问您要办理开户（办新卡）还是变更套餐？",)),
    ("开户", ("请问您的姓名是？", "麻烦告诉我您的真实姓名（与身份证一致）。")),
    ("张三", ("请提供您的 18 位身份证号码。", "请输入本人身份证号（18 位，最后一位可能是 X）。")),
    (ID, ("请选择套餐：39元（基础）、59元、99元（5G）、129元（不限量融合）。",)),
    ("59", ("请核对：张三，", "张三，您要办理「开户」，选择 59 元套餐")),
    ("是的", ("开户成功！您的账户号是 ",)),
]


@pytest.fixture
async def telecom_world():
    from framework.actions.demo_backend import start_demo_backend
    from framework.spec import load_assistant

    directory = ROOT / "domains" / "telecom_zh"
    port = free_port()
    assistant = load_assistant(directory, {"TELECOM_BACKEND_URL": f"http://127.0.0.1:{port}"})
    runner = await start_demo_backend(directory, port=port)
    yield directory, assistant
    await runner.cleanup()


@pytest.fixture
async def platform_api():
    """The fake WeChat / WeCom server APIs: (base URL, PlatformApi recording what is sent)."""
    api = PlatformApi()
    server = TestServer(api.app(), host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("")).rstrip("/"), api
    await server.close()


# Every chat platform off unless a test names it (their settings default to $DF_* variables).
PLATFORMS_OFF = dict(wechat_token=None, wechat_aes_key=None, wechat_app_id=None, wechat_app_secret=None,
                     wecom_corp_id=None, wecom_token=None, wecom_aes_key=None, wecom_agent_id=None, wecom_secret=None,
                     telegram_bot_token=None, telegram_secret=None, slack_signing_secret=None, slack_bot_token=None,
                     dingtalk_app_key=None, dingtalk_app_secret=None, feishu_app_id=None, feishu_app_secret=None,
                     feishu_encrypt_key=None, feishu_verification_token=None)


async def start_server(redis_url: str, directory: Path, assistant, classifier, **options) -> TestClient:
    """The real server (framework.server.app.init) of `assistant` on a free port, every
    platform off but those `options` configure."""
    from framework.server.app import init
    from framework.server.config import ServerConfig

    config = ServerConfig(domain_dir=str(directory), redis_url=redis_url, assistant=assistant, classifier=classifier,
                          **{**PLATFORMS_OFF, **options})
    client = TestClient(TestServer(init(config)))
    await client.start_server()
    return client


@pytest.fixture
async def telecom_client(telecom_world, redis_server):
    import redis.asyncio as redis

    await redis.Redis.from_url(redis_server.url).flushdb()
    directory, assistant = telecom_world
    clients = []

    async def make(**overrides) -> TestClient:
        classifier = FakeClassifier(TABLE, assistant.intents, threshold=THRESHOLD)
        clients.append(await start_server(redis_server.url, directory, assistant, classifier, **overrides))
        return clients[-1]

    yield make
    for client in clients:
        await client.close()


async def store_keys(redis_url: str) -> list[str]:
    """Every key in the store, sorted: what a refused request must not add to. Left out:
    the per-address rate counters (they count every request, refused or not: that is
    their job) and the server's record of the assistant version it serves (written at
    start, framework/server/reload_sync.py)."""
    import redis.asyncio as redis

    keys = [k.decode() for k in await redis.Redis.from_url(redis_url).keys("*")]
    return sorted(k for k in keys if ":rl:ip:" not in k and not k.endswith(":served_version"))
