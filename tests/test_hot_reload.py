"""Hot reload in one server (the aiohttp app on a loopback port, a real Redis, a real tiny
model): POST /admin/reload swaps a changed domain in, conversations in progress go on (or
are moved to the documented safe state when their state is gone), an invalid change is
rejected with its file:line errors while the old version keeps answering.
Several processes on one Redis, SIGHUP and a model swap: tests/test_hot_reload_processes.py."""
from __future__ import annotations

import pytest

from tests.support.serving import (backend_port, classifier, domain, redis_server,  # noqa: F401 (fixtures)
                                   make_config, say, write_domain)

TOKEN = "s3cret-admin"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def shop(tmp_path, classifier, redis_server, backend_port, monkeypatch):  # noqa: F811
    """A server on its own copy of the shop domain (the tests edit its files)."""
    import redis.asyncio as redis
    from aiohttp.test_utils import TestClient, TestServer

    from framework.server.app import init
    from framework.spec import load_assistant

    await redis.Redis.from_url(redis_server.url).flushdb()
    monkeypatch.setenv("SHOP_BACKEND", f"http://127.0.0.1:{backend_port}")
    directory = write_domain(tmp_path / "shop_zh")
    clients = []

    async def start(**overrides) -> TestClient:
        overrides.setdefault("admin_token", TOKEN)
        config = make_config((directory, load_assistant(directory)), classifier, redis_server.url, **overrides)
        client = TestClient(TestServer(init(config)))
        await client.start_server()
        clients.append(client)
        return client

    yield directory, start
    for client in clients:
        await client.close()


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


async def reload(client, headers=AUTH) -> tuple[int, dict]:
    resp = await client.post("/admin/reload", headers=headers)
    return resp.status, await resp.json()


async def test_without_a_token_the_endpoint_is_off_and_says_how_to_turn_it_on(shop):
    _, start = shop
    client = await start(admin_token=None)
    assert await reload(client) == (403, {"error": "admin_disabled", "detail": (
        "the admin API is off: start `serve` with --admin-token TOKEN (or $DF_ADMIN_TOKEN) and send "
        "'Authorization: Bearer TOKEN'; or send SIGHUP to the server process")})


async def test_a_wrong_token_is_refused(shop):
    _, start = shop
    client = await start()
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": TOKEN}):
        status, body = await reload(client, headers)
        assert (status, body["error"]) == (401, "unauthorized")


async def test_unchanged_files_are_unchanged(shop):
    _, start = shop
    client = await start()
    ready = await (await client.get("/ready")).json()
    status, body = await reload(client)
    assert (status, body["status"], body["version"]) == (200, "unchanged", ready["version"])


async def test_a_changed_response_is_served_and_the_conversation_goes_on(shop):
    directory, start = shop
    client = await start()
    before = (await (await client.get("/ready")).json())["version"]
    assert await say(client, "u1", "我想办理一张新卡") == ["请问您的姓名是？"]
    edit(directory / "domain.yml", "请提供您的身份证号码。", "请告诉我您的身份证号。")
    status, body = await reload(client)
    assert (status, body["status"], body["previous"]) == (200, "reloaded", before)
    assert body["version"] != before
    # Mid-flow: the name is taken, and the next prompt is the new text.
    assert await say(client, "u1", "张三") == ["请告诉我您的身份证号。"]
    ready = await (await client.get("/ready")).json()
    assert ready["version"] == body["version"] and ready["reload"]["status"] == "serving"


async def test_cached_answers_of_the_old_version_are_not_served(shop):
    directory, start = shop
    client = await start()
    assert await say(client, "c1", "你好") == ["您好，请问有什么可以帮您？"]
    assert await say(client, "c2", "你好") == ["您好，请问有什么可以帮您？"]  # from the answer cache
    assert 'df_answer_cache_total{result="hit"} 1' in await (await client.get("/metrics")).text()
    edit(directory / "domain.yml", "utter_greet: [{text: 您好，请问有什么可以帮您？}]", "utter_greet: [{text: 您好！}]")
    assert (await reload(client))[0] == 200
    assert await say(client, "c3", "你好") == ["您好！"]


async def test_a_conversation_whose_state_is_gone_is_ended_with_a_notice(shop):
    directory, start = shop
    client = await start()
    assert await say(client, "u2", "我想办理一张新卡") == ["请问您的姓名是？"]
    # The state the conversation waits in (ask_name) is renamed: it no longer exists.
    edit(directory / "flows.yml", "ask_name: {collect: name", "ask_full_name: {collect: name")
    (status, body) = await reload(client)
    assert (status, body["status"]) == (200, "reloaded")
    # The documented safe state: the flow is ended with a notice, the message handled as usual.
    assert await say(client, "u2", "你好") == ["抱歉，刚才的流程已更新，需要重新开始。", "您好，请问有什么可以帮您？"]
    # and the new version of the flow starts from its start
    assert await say(client, "u2", "我想办理一张新卡") == ["请问您的姓名是？"]


async def test_an_invalid_change_is_rejected_with_its_errors_and_the_old_version_answers(shop):
    directory, start = shop
    client = await start()
    version = (await (await client.get("/ready")).json())["version"]
    assert await say(client, "u3", "我想办理一张新卡") == ["请问您的姓名是？"]
    edit(directory / "flows.yml", "next: ask_phone}", "next: ask_phon}")  # a state that does not exist
    edit(directory / "domain.yml", "utter_done: [{text:", "utter_done: [{text: [")  # broken YAML
    status, body = await reload(client)
    assert (status, body["status"], body["version"]) == (422, "rejected", version)
    assert body["message"].startswith("the domain has 1 problem; the previous version keeps serving")
    (error,) = body["errors"]
    assert error["file"].endswith("domain.yml") and error["line"] == 35 and error["code"].startswith("E")
    # still the old flow: the name, then the ID prompt
    assert await say(client, "u3", "张三") == ["请提供您的身份证号码。"]
    ready = await (await client.get("/ready")).json()
    assert ready["version"] == version
    assert ready["reload"]["status"] == "failed" and ready["reload"]["errors"] == body["errors"]
    # fixed: the flow error is now reported (all problems of the files together)
    edit(directory / "domain.yml", "utter_done: [{text: [", "utter_done: [{text:")
    status, body = await reload(client)
    assert (status, [e["code"] for e in body["errors"]]) == (422, [body["errors"][0]["code"]])
    assert "ask_phon" in body["errors"][0]["message"] + str(body["errors"][0]["found"])


async def test_a_change_the_session_store_cannot_take_is_refused(shop):
    directory, start = shop
    client = await start()
    edit(directory / "domain.yml", "session_timeout: 1800", "session_timeout: 60")
    status, body = await reload(client)
    assert (status, body["message"]) == (422, "session_timeout changed; the session store was opened with "
                                              "the old value: restart the server to apply it")


async def test_intents_the_model_does_not_know_are_refused(shop):
    directory, start = shop
    client = await start()
    edit(directory / "domain.yml", "  取消:\n", "  投诉:\n    examples: [我要投诉, 投诉你们]\n  取消:\n")
    status, body = await reload(client)
    assert (status, body["message"]) == (422, "the classifier does not know the intents 投诉: retrain the "
                                              "model, then reload")


async def test_an_announced_version_this_process_cannot_load_is_reported_in_ready(shop):
    """Another server announced a version whose files are not on this machine."""
    from framework.server import keys

    _, start = shop
    client = await start()
    live = client.server.app[keys.LIVE]
    served = live.current.id
    outcome = await live.reload("announcement", wanted="0123456789ab")
    assert outcome["status"] == "rejected" and outcome["version"] == served
    ready = await (await client.get("/ready")).json()
    assert (ready["status"], ready["version"]) == ("ready", served)  # still serving, and saying why not the new one
    assert ready["reload"]["status"] == "failed" and ready["reload"]["wanted"] == "0123456789ab"
    assert ready["reload"]["message"] == (f"the files here are version {served}, not the announced 0123456789ab: "
                                          "deploy the same domain and model files to every server")
