"""Hot reload across processes: server A (`serve --workers 2 --demo-backend`) and server B
(one process) share a real Redis and a tiny model on disk. A SIGHUP to B, a
POST /admin/reload to A and a SIGHUP to A's parent process each move all three processes
to the same version; an invalid
change is refused everywhere while the old version answers; a new model is swapped in;
the demo backend is started once for A's two workers (no port clash)."""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from tests.support.redis_server import RedisServer, free_port
from tests.support.serving import training_examples, write_domain

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "admin-t0ken"
pytestmark = pytest.mark.slow

BACKEND = '''\
from aiohttp import web


async def accounts(request):
    body = await request.json()
    return web.json_response({"slots": {"account_no": "D" + body["slots"]["phone"][-4:]}})


def init():
    app = web.Application()
    app.router.add_post("/accounts", accounts)
    return app
'''


def start_server(domain: Path, model: Path, redis_url: str, port: int, backend_port: int, *extra: str):
    env = {**os.environ, "SHOP_BACKEND": f"http://127.0.0.1:{backend_port}", "PYTHONUNBUFFERED": "1",
           "DF_ADMIN_TOKEN": TOKEN}
    return subprocess.Popen(
        [sys.executable, "-m", "framework", "serve", str(domain), "--model", str(model), "--redis-url", redis_url,
         "--port", str(port), "--rate-limit-sender", "0", "--no-answer-cache", "--log-level", "INFO", *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        out, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return out.decode(errors="replace")


async def readiness(http, port: int, process: subprocess.Popen, processes: int, timeout: float = 240) -> dict:
    """{pid: /ready body} of `processes` distinct processes answering on `port`."""
    seen: dict = {}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read().decode(errors="replace")
        try:
            async with http.get(f"http://127.0.0.1:{port}/ready") as resp:
                if resp.status == 200:
                    body = await resp.json()
                    seen[body["pid"]] = body
                    if len(seen) == processes:
                        return seen
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.05)
    raise TimeoutError(f"{processes} processes not ready on {port} after {timeout}s: {seen}")


async def versions(http, servers) -> set:
    """The versions the processes of every server serve now (each process asked afresh)."""
    found = set()
    for port, process, count in servers:
        found |= {(b["version"], b["model"]) for b in (await readiness(http, port, process, count)).values()}
    return found


async def until_one_version(http, servers, not_this: str, timeout: float = 60) -> tuple[str, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = await versions(http, servers)
        if len(found) == 1 and next(iter(found))[0] != not_this:
            return next(iter(found))
        await asyncio.sleep(0.2)
    raise AssertionError(f"the processes did not all switch from {not_this}: {found}")


async def say(http, port: int, sender: str, text: str) -> list[str]:
    async with http.post(f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                         json={"sender": sender, "message": text}) as resp:
        assert resp.status == 200, await resp.text()
        return [r.get("text") for r in await resp.json()]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from framework.spec import load_assistant
    from tests.support.tiny_model import train_tiny_model

    base = tmp_path_factory.mktemp("hot_reload")
    domain = write_domain(base / "shop_zh")
    (domain / "backend.py").write_text(BACKEND, encoding="utf-8")
    assistant = load_assistant(domain)
    examples = training_examples(assistant)
    model = train_tiny_model(examples, base / "model", intent_fingerprint=assistant.intent_fingerprint)
    # A second model of the same intents (one more example), told apart by its id.
    other = train_tiny_model(examples + [("我要办一张卡", "办理")], base / "model_b",
                             intent_fingerprint=assistant.intent_fingerprint)
    artifact = json.loads((other / "artifact.json").read_text(encoding="utf-8"))
    artifact["model_id"] = "tiny-b"
    (other / "artifact.json").write_text(json.dumps(artifact), encoding="utf-8")
    with RedisServer(base / "redis") as redis_server:
        yield domain, model, other, redis_server


async def test_all_processes_on_one_redis_switch_together(world):
    domain, model, other_model, redis_server = world
    port_a, port_b, backend_port = free_port(), free_port(), free_port()
    a = start_server(domain, model, redis_server.url, port_a, backend_port, "--workers", "2", "--demo-backend",
                     "--backend-port", str(backend_port))
    b = start_server(domain, model, redis_server.url, port_b, backend_port)
    servers = [(port_a, a, 2), (port_b, b, 1)]
    try:
        # a connection per request: SO_REUSEPORT spreads connections (not requests) over A's workers
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:
            (first, model_id), = await versions(http, servers)
            assert await say(http, port_b, "c1", "我想办理一张新卡") == ["请问您的姓名是？"]

            # 1. A changed prompt, SIGHUP to B: B reloads and announces; A's two workers follow.
            edit(domain / "domain.yml", "请提供您的身份证号码。", "请告诉我您的身份证号。")
            b.send_signal(signal.SIGHUP)
            second, _ = await until_one_version(http, servers, not_this=first)
            # the conversation started on B goes on on A, in the new version
            assert await say(http, port_a, "c1", "张三") == ["请告诉我您的身份证号。"]

            # 2. An invalid change: refused with its errors; every process keeps the old version.
            edit(domain / "domain.yml", "utter_done: [{text:", "utter_done: [{text: [")
            async with http.post(f"http://127.0.0.1:{port_a}/admin/reload",
                                 headers={"Authorization": f"Bearer {TOKEN}"}) as resp:
                body = await resp.json()
                assert resp.status == 422 and body["version"] == second, body
                assert body["errors"][0]["file"].endswith("domain.yml") and body["errors"][0]["line"] == 35
            assert await versions(http, servers) == {(second, model_id)}
            assert await say(http, port_a, "c1", "110101199003077774") == ["请提供您的手机号码。"]

            # 3. Fixed, with a new model: POST to A; all switch to the new model.
            edit(domain / "domain.yml", "utter_done: [{text: [", "utter_done: [{text:")
            shutil.rmtree(model)
            shutil.copytree(other_model, model)
            async with http.post(f"http://127.0.0.1:{port_a}/admin/reload",
                                 headers={"Authorization": f"Bearer {TOKEN}"}) as resp:
                body = await resp.json()
                assert (resp.status, body["status"], body["model"]) == (200, "reloaded", "tiny-b"), body
            assert await until_one_version(http, servers, not_this=second) == (body["version"], "tiny-b")
            # the flow ends through the demo backend, which A started once for its two workers
            assert await say(http, port_b, "c1", "13812345678") == ["办理成功，账号 D5678。"]

            # 4. SIGHUP to A's parent process: it passes the signal to both workers; B follows.
            third = body["version"]
            edit(domain / "domain.yml", "请问您的姓名是？", "请问怎么称呼您？")
            a.send_signal(signal.SIGHUP)
            await until_one_version(http, servers, not_this=third)
            assert await say(http, port_b, "c2", "我想办理一张新卡") == ["请问怎么称呼您？"]
    finally:
        logs = {"A": stop(a), "B": stop(b)}
    assert all("Traceback" not in log for log in logs.values()), logs
    assert logs["A"].count("demo backend listening") == 1, logs["A"]
    assert "address already in use" not in logs["A"].lower()
    assert [a.returncode, b.returncode] == [0, 0], logs
