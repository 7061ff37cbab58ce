"""The world of the DingTalk and Feishu channel tests: domains/telecom_zh served by the
real aiohttp app with its demo backend, a real redis-server, the test FakeClassifier in
place of the model, and one fake platform (tests/support/fake_dingtalk.py or
fake_feishu.py) receiving the bot's API calls.
"""
from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.support.fake_classifier import FakeClassifier
from tests.support.redis_server import free_port
from tests.support.wechat_serving import ROOT, start_server
from tests.support.wechat_serving import store_keys  # noqa: F401 (one definition for every channel's tests)

TABLE = {"我想办理业务": "办理", "开户": "办理", "是的": "肯定"}  # the fake model's answers
NAME, ID = "张三", "11010519491231002X"


async def serve_telecom(redis_url: str, **channel_options) -> TestClient:
    """A started test client of the telecom assistant with these channel options."""
    import redis.asyncio as redis

    from framework.spec import load_assistant

    await redis.Redis.from_url(redis_url).flushdb()
    directory = ROOT / "domains" / "telecom_zh"
    port = free_port()
    assistant = load_assistant(directory, {"TELECOM_BACKEND_URL": f"http://127.0.0.1:{port}"})
    classifier = FakeClassifier(TABLE, assistant.intents, threshold=0.5)
    return await start_server(redis_url, directory, assistant, classifier, demo_backend=True, demo_backend_port=port,
                              cache_enabled=False, **channel_options)
