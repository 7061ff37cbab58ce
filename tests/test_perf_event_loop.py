"""The serving process's event loop (issue 11): uvloop where installed, asyncio's otherwise,
and a whole turn (HTTP, Redis, model thread, engine) served on uvloop as on asyncio."""
from __future__ import annotations

import asyncio
import sys

import pytest
from aiohttp.test_utils import TestClient, TestServer

from framework.server.event_loop import loop_name, new_event_loop
from tests.support.fake_classifier import FakeClassifier
from tests.support.serving import backend_port, domain, make_config, redis_server  # noqa: F401 (fixtures)


def test_auto_is_uvloop_when_it_is_installed():
    pytest.importorskip("uvloop")
    loop = new_event_loop()
    try:
        assert loop_name(loop) == "uvloop"
    finally:
        loop.close()


def test_asyncio_keeps_the_standard_loop():
    loop = new_event_loop("asyncio")
    try:
        assert loop_name(loop) == "asyncio" and isinstance(loop, asyncio.BaseEventLoop)
    finally:
        loop.close()


def test_without_uvloop_auto_falls_back_and_uvloop_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "uvloop", None)  # `import uvloop` raises ImportError
    loop = new_event_loop("auto")
    loop.close()
    assert loop_name(loop) == "asyncio"
    with pytest.raises(ImportError) as err:
        new_event_loop("uvloop")
    assert str(err.value) == "--event-loop uvloop needs the uvloop package: pip install 'uvloop>=0.21'"


def test_an_unknown_loop_is_refused_with_the_choices():
    with pytest.raises(ValueError) as err:
        new_event_loop("trio")
    assert str(err.value) == "event loop 'trio': expected one of auto, uvloop, asyncio"


@pytest.mark.parametrize("kind", ["uvloop", "asyncio"])
def test_a_full_turn_is_served_on_either_loop(kind, domain, redis_server):  # noqa: F811 (fixtures)
    if kind == "uvloop":
        pytest.importorskip("uvloop")
    from framework.server.app import init

    _, assistant = domain
    classifier = FakeClassifier({"你好": "问候"}, assistant.intents, threshold=0.4)

    async def scenario():
        config = make_config(domain, classifier, redis_server.url, cache_enabled=False)
        client = TestClient(TestServer(init(config)))
        await client.start_server()
        try:
            turn = await client.post("/webhooks/rest/webhook", json={"sender": f"loop-{kind}", "message": "你好"})
            ready = await client.get("/ready")
            return turn.status, await turn.json(), (await ready.json())["event_loop"]
        finally:
            await client.close()

    loop = new_event_loop(kind)
    try:
        status, replies, served_on = loop.run_until_complete(scenario())
    finally:
        loop.close()
    assert (status, served_on) == (200, kind)
    assert replies == [{"recipient_id": f"loop-{kind}", "text": "您好，请问有什么可以帮您？"}]
