"""Scale-out: two server processes (`python -m framework serve`) on one real Redis server.
One conversation's messages are interleaved across both, concurrently; the per-conversation
lock must serialise them so that no slot is lost."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from tests.support.redis_server import RedisServer, free_port
from tests.support.serving import ID_NUMBER, PHONE, training_examples, write_domain

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def start_server(domain: Path, model: Path, redis_url: str, port: int, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "SHOP_BACKEND": os.environ.get("SHOP_BACKEND", "http://127.0.0.1:9"), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "framework", "serve", str(domain), "--model", str(model), "--redis-url", redis_url,
         "--port", str(port), "--rate-limit-sender", "0", "--log-level", "WARNING", *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


async def wait_ready(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read().decode()
            try:
                async with http.get(f"http://127.0.0.1:{port}/ready") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError(f"server on {port} not ready after {timeout}s")


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        out, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return out.decode(errors="replace")


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from framework.spec import load_assistant
    from tests.support.tiny_model import train_tiny_model

    base = tmp_path_factory.mktemp("scaleout")
    domain = write_domain(base / "shop_zh")
    assistant = load_assistant(domain)
    model = train_tiny_model(training_examples(assistant), base / "model", intent_fingerprint=assistant.intent_fingerprint)
    with RedisServer(base / "redis") as redis_server:
        yield domain, model, redis_server


async def test_two_servers_one_redis_no_lost_slot(setup):
    """Server A runs two worker processes on one port (SO_REUSEPORT), server B one: three
    processes in all (starting each costs seconds of torch import, so one test does both)."""
    domain, model, redis_server = setup
    ports = [free_port(), free_port()]
    servers = [start_server(domain, model, redis_server.url, ports[0], "--workers", "2"),
               start_server(domain, model, redis_server.url, ports[1])]
    try:
        await asyncio.gather(*(wait_ready(p, s) for p, s in zip(ports, servers)))
        urls = [f"http://127.0.0.1:{p}/webhooks/rest/webhook" for p in ports]
        async with aiohttp.ClientSession() as http:
            async def say(i: int, sender: str, text: str) -> list:
                async with http.post(urls[i % 2], json={"sender": sender, "message": text}) as resp:
                    assert resp.status == 200, await resp.text()
                    return await resp.json()

            async def conversation(n: int) -> None:
                sender = f"s{n}"
                await say(n, sender, "我想办理一张新卡")
                await say(n + 1, sender, "张三")
                # Now collecting the ID number: the ID and the phone arrive at the same
                # moment at different servers. Each message fills its own slot.
                await asyncio.gather(say(n, sender, ID_NUMBER), say(n + 1, sender, PHONE))

            await asyncio.gather(*(conversation(n) for n in range(12)))
        # Server A's /metrics sums its two workers (framework.server.metrics.SharedMetrics),
        # whichever answers the scrape: 2 of each conversation's 4 messages went to A. Each
        # worker publishes its figures once a second, so the sum is read after that.
        await asyncio.sleep(1.5)
        for _ in range(6):  # a new connection each time: the kernel picks the worker
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{ports[0]}/metrics") as resp:
                    text = await resp.text()
            assert 'df_turns_total{channel="rest"} 24' in text, text
        import redis

        client = redis.Redis.from_url(redis_server.url)
        for n in range(12):
            state = json.loads(client.get(f"df:shop_zh:{{s{n}}}:state"))
            # Both answers landed: only with both could the flow reach its action (and end,
            # which clears its slots).
            assert state["turn_count"] == 4 and state["stack"] == []
            assert "action_requested" in state["history"][-1]["events"], state["history"]
    finally:
        logs = [stop(s) for s in servers]
    assert all("Traceback" not in log for log in logs), logs
    assert [s.returncode for s in servers] == [0, 0], logs  # graceful exit on SIGTERM
