#!/usr/bin/env python3
"""Reliability benchmark of the HTTP edge and the channels (loopback only, bounded): prints
Markdown tables.

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/reliability_benchmark.py

A real `python -m framework serve` process (the small Chinese shop domain of the tests, a
tiny model trained in seconds, an embedded redis-server, WeChat, Telegram and Slack
enabled, rate limits and the answer cache off, bodies up to 1 MiB so that a 100k-character
message reaches the channel parsers instead of being cut off by the body limit), and:

  1. long messages: --users senders chat over REST (closed loop) while a 100,000-character
     message arrives on one channel every --interval-ms (a paced sender: a flood is the
     rate limits' business, and they are off here); the chatters' p50/p99 against a quiet
     run of the same load (goal: p99 within 2x), and what the long messages got (each row
     runs --repeat times, interleaved with the others; medians are printed);
  2. server CPU per request: a chat turn against a 100k-character message per channel;
  3. hostile payloads: each payload of the hardening issue (deep JSON, lone surrogates,
     malformed Telegram shapes, a UTF-16 entity body, a non-ASCII signature, a stale
     timestamp) with the status it got (goal: a 4xx each, no 5xx);
  4. redeliveries: the same WeChat MsgId 3 times at once, a Telegram update_id twice, a
     Slack event replayed twice; the turns they produced (goal: 1 each).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from framework.channels.slack import slack_signature  # noqa: E402
from framework.channels.wechat import wechat_signature  # noqa: E402

WECHAT_TOKEN, TG_TOKEN, TG_SECRET = "wx-token", "123:ABC", "tg-secret"
SLACK_SECRET, SLACK_TOKEN = "8f742231b10e8888abcd99yyyzzz85a5", "xoxb-test"
CHAT = ["你好", "我想办理一张新卡", "张三", "取消", "在吗", "办卡", "算了不要了", "早上好"]
LONG = 100_000


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(q / 100 * len(values) + 0.5)) - 1))] if values else float("nan")


# ----------------------------------------------------------------------------- the server

def prepare(workdir: Path) -> tuple[Path, Path]:
    """The shop domain and a tiny model trained on its examples (a few seconds)."""
    from framework.spec import load_assistant
    from tests.support.serving import training_examples, write_domain
    from tests.support.tiny_model import train_tiny_model

    domain = write_domain(workdir / "shop_zh")
    assistant = load_assistant(domain)
    model = train_tiny_model(training_examples(assistant), workdir / "model",
                             intent_fingerprint=assistant.intent_fingerprint)
    return domain, model


def start_server(domain: Path, model: Path, workdir: Path, port: int, platform_base: str) -> subprocess.Popen:
    env = {**os.environ, "DF_WECHAT_TOKEN": WECHAT_TOKEN, "DF_TELEGRAM_BOT_TOKEN": TG_TOKEN,
           "DF_TELEGRAM_SECRET": TG_SECRET, "DF_SLACK_SIGNING_SECRET": SLACK_SECRET, "DF_SLACK_BOT_TOKEN": SLACK_TOKEN,
           "DF_TELEGRAM_API_BASE": platform_base, "DF_SLACK_API_BASE": platform_base, "DIALOG_NLU_THREADS": "1"}
    command = [sys.executable, "-m", "framework", "serve", str(domain), "--model", str(model), "--port", str(port),
               "--redis-dir", str(workdir / "redis"), "--rate-limit-sender", "0", "--rate-limit-ip", "0",
               "--no-answer-cache", "--max-body", str(1 << 20), "--log-level", "WARNING"]
    log = open(workdir / "server.log", "wb")  # never a pipe: it could fill and block the server
    return subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)


async def wait_ready(session: aiohttp.ClientSession, base: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited; see server.log in the work directory")
        try:
            async with session.get(f"{base}/ready") as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    raise TimeoutError("server not ready")


# ----------------------------------------------------------------------------- signed requests

def wechat(text: str, sender: str = "attacker", msg_id: int | None = None, timestamp: int | None = None,
           encoding: str = "utf-8", body: bytes | None = None) -> dict:
    ts = str(timestamp or int(time.time()))
    xml = (f"<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[{sender}]]></FromUserName>"
           f"<CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content>"
           f"<MsgId>{msg_id or time.time_ns()}</MsgId></xml>")
    return {"method": "POST", "path": "/webhooks/wechat/webhook", "data": body or xml.encode(encoding),
            "params": {"timestamp": ts, "nonce": "n", "signature": wechat_signature(WECHAT_TOKEN, ts, "n")},
            "headers": {"Content-Type": "text/xml"}}


def telegram(update: dict | bytes) -> dict:
    data = update if isinstance(update, bytes) else json.dumps(update).encode()
    return {"method": "POST", "path": "/webhooks/telegram/webhook", "data": data,
            "headers": {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET, "Content-Type": "application/json"}}


def slack(event: dict) -> dict:
    body, ts = json.dumps(event).encode(), str(int(time.time()))
    return {"method": "POST", "path": "/webhooks/slack/webhook", "data": body,
            "headers": {"Content-Type": "application/json", "X-Slack-Request-Timestamp": ts,
                        "X-Slack-Signature": slack_signature(SLACK_SECRET, ts, body)}}


def slack_message(text: str, user: str = "UATTACK", event_id: str | None = None) -> dict:
    return {"type": "event_callback", "event_id": event_id or f"Ev{time.time_ns()}",
            "event": {"type": "message", "channel": "D1", "user": user, "text": text}}


def rest(body: dict | bytes, path: str = "/webhooks/rest/webhook") -> dict:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return {"method": "POST", "path": path, "data": data, "headers": {"Content-Type": "application/json"}}


LONG_MESSAGES = {
    "rest": lambda: rest({"sender": "attacker", "message": "a" * LONG}),
    "wechat": lambda: wechat("a" * LONG),
    "telegram": lambda: telegram({"update_id": time.time_ns(), "message": {"text": "a" * LONG, "chat": {"id": 1}}}),
    "slack": lambda: slack(slack_message("a" * LONG)),
}


async def send(session: aiohttp.ClientSession, base: str, request: dict) -> tuple[int, str, float]:
    request = dict(request)
    method, path = request.pop("method"), request.pop("path")
    start = time.perf_counter()
    async with session.request(method, base + path, **request) as resp:
        text = await resp.text()
    return resp.status, text, time.perf_counter() - start


# ----------------------------------------------------------------------------- probes

async def cpu_probe(session, base: str, server: subprocess.Popen, count: int = 100) -> list[tuple[str, int, float]]:
    """Server CPU (user + system) per request, sent one at a time: a chat turn against a
    100k-character message on each channel. CPU time, unlike latency, barely moves with
    the load of other processes on the machine."""
    import psutil

    process = psutil.Process(server.pid)
    rows = []
    probes = [("REST chat turn (reference)", lambda: rest({"sender": "cpu", "message": "你好"}))]
    probes += [(f"{channel} 100k characters", make) for channel, make in LONG_MESSAGES.items()]
    for name, make in probes:
        before = sum(process.cpu_times()[:2])
        statuses = {(await send(session, base, make()))[0] for _ in range(count)}
        rows.append((name, min(statuses), (sum(process.cpu_times()[:2]) - before) / count))
    return rows


async def chat_load(session, base: str, users: int, per_user: int, tag: str) -> list[float]:
    latencies: list[float] = []

    async def user(i: int) -> None:
        for n in range(per_user):
            status, text, seconds = await send(session, base, rest({"sender": f"{tag}-{i}", "message": CHAT[n % len(CHAT)]}))
            if status != 200:
                raise RuntimeError(f"chat request failed: {status} {text[:200]}")
            latencies.append(seconds)

    await asyncio.gather(*(user(i) for i in range(users)))
    return latencies


async def long_message_probe(session, base: str, channel: str | None, users: int, per_user: int,
                             interval: float) -> dict:
    stop = asyncio.Event()
    attacker: list[tuple[int, float]] = []

    async def attack() -> None:
        while not stop.is_set():
            status, _, seconds = await send(session, base, LONG_MESSAGES[channel]())
            attacker.append((status, seconds))
            try:
                await asyncio.wait_for(stop.wait(), interval)
            except asyncio.TimeoutError:
                pass

    task = asyncio.ensure_future(attack()) if channel else None
    latencies = await chat_load(session, base, users, per_user, f"chat-{channel or 'quiet'}")
    stop.set()
    if task:
        await task
    return {"p50": percentile(latencies, 50), "p99": percentile(latencies, 99), "n": len(latencies),
            "attacks": len(attacker), "attack_statuses": sorted({s for s, _ in attacker}),
            "attack_p99": percentile([s for _, s in attacker], 99)}


def median_run(runs: list[dict]) -> dict:
    out = dict(runs[0])
    for key in ("p50", "p99", "attack_p99"):
        out[key] = statistics.median(r[key] for r in runs)
    out["attacks"] = sum(r["attacks"] for r in runs)
    out["attack_statuses"] = sorted({s for r in runs for s in r["attack_statuses"]})
    return out


def hostile_payloads() -> list[tuple[str, dict]]:
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE xml [<!ENTITY big "' + "x" * 3000 + '">]>'
             "<xml><ToUserName>gh</ToUserName><FromUserName>utf16</FromUserName><MsgType>text</MsgType>"
             "<Content>&big;&big;&big;&big;&big;&big;&big;&big;&big;&big;</Content><MsgId>1</MsgId></xml>")
    stale = wechat("你好", timestamp=978307200)
    bad_sig = wechat("你好")
    bad_sig["method"], bad_sig["params"] = "GET", {"signature": "é", "timestamp": str(int(time.time())), "nonce": "1"}
    return [
        ('REST `"[" * 10000`', rest(b"[" * 10000)),
        ('predict `"[" * 10000`', rest(b"[" * 10000, "/api/v1/predict")),
        ("REST lone surrogate in sender", rest(b'{"sender": "a\\ud800", "message": "hi"}')),
        ("REST lone surrogate in message", rest(b'{"sender": "a", "message": "hi \\ud800"}')),
        ("predict lone surrogate", rest(b'{"text": "hi \\ud800"}', "/api/v1/predict")),
        ('Telegram `"chat": {}`', telegram({"update_id": 1, "message": {"text": "hi", "chat": {}}})),
        ("Telegram callback_query, message a string", telegram({"update_id": 2, "callback_query": {"data": "x", "message": "m"}})),
        ("Telegram callback_query, from a list", telegram({"update_id": 3, "callback_query": {"data": "x", "from": ["id"]}})),
        ("WeChat UTF-16 body with an entity", wechat("", body=utf16.encode("utf-16"))),
        ("WeChat GET `signature=%C3%A9`", bad_sig),
        ("WeChat timestamp from 2001", stale),
        ("WeChat 100k characters", LONG_MESSAGES["wechat"]()),
        ("Telegram 100k characters", LONG_MESSAGES["telegram"]()),
    ]


async def turns(session, base: str) -> dict[str, int]:
    async with session.get(f"{base}/metrics") as resp:
        text = await resp.text()
    out = {}
    for line in text.splitlines():
        if line.startswith("df_turns_total{"):
            out[line.split('"')[1]] = int(float(line.split()[-1]))
    return out


async def redelivery_probe(session, base: str) -> list[tuple[str, int, int]]:
    rows = []
    before = await turns(session, base)
    wx = wechat("你好", sender="dup-wx", msg_id=424242)
    statuses = await asyncio.gather(*(send(session, base, wx) for _ in range(3)))
    tg = telegram({"update_id": 777001, "message": {"text": "你好", "chat": {"id": 777}}})
    statuses += [await send(session, base, tg) for _ in range(2)]
    sl = slack(slack_message("你好", user="UDUP", event_id="EvDUP1"))
    statuses += [await send(session, base, sl) for _ in range(2)]
    after = await turns(session, base)
    for name, channel, deliveries in (("WeChat MsgId x3 (concurrent)", "wechat", 3), ("Telegram update_id x2", "telegram", 2),
                                      ("Slack event replayed x2", "slack", 2)):
        rows.append((name, deliveries, after.get(channel, 0) - before.get(channel, 0)))
    if any(s != 200 for s, _, _ in statuses):
        raise RuntimeError(f"a redelivery failed: {[s for s, _, _ in statuses]}")
    return rows


# ----------------------------------------------------------------------------- main

async def run(args) -> int:
    from aiohttp import web

    from tests.support.platforms import platform_api
    from tests.support.redis_server import free_port

    workdir = Path(tempfile.mkdtemp(prefix="reliability_"))
    domain, model = prepare(workdir)
    # A local stand-in for the Telegram and Slack APIs (replies of the redelivery probe).
    sent: list[dict] = []
    platforms = web.AppRunner(platform_api(sent))
    await platforms.setup()
    platform_port = free_port()
    await web.TCPSite(platforms, "127.0.0.1", platform_port).start()
    port = free_port()
    server = start_server(domain, model, workdir, port, f"http://127.0.0.1:{platform_port}")
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=300)) as session:
            await wait_ready(session, base, server)
            await chat_load(session, base, args.users, 3, "warmup")
            cpu = await cpu_probe(session, base, server)
            # 1. Long messages on each channel while others chat.
            # Rows interleaved and repeated, medians reported: on a shared machine a burst of
            # someone else's work lands in one run of a row, not in all of them.
            interval = args.interval_ms / 1000
            runs: dict[str | None, list[dict]] = {}
            for _ in range(args.repeat):
                for channel in (None, "rest", "wechat", "telegram", "slack"):
                    runs.setdefault(channel, []).append(
                        await long_message_probe(session, base, channel, args.users, args.per_user, interval))
            results = {channel: median_run(r) for channel, r in runs.items()}
            # 2. Hostile payloads.
            hostile = [(name, (await send(session, base, request))) for name, request in hostile_payloads()]
            # 3. Redeliveries.
            redeliveries = await redelivery_probe(session, base)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        await platforms.cleanup()

    quiet = results[None]
    print(f"\n### A 100k-character message every {args.interval_ms:g} ms while {args.users} users chat "
          f"({args.users * args.per_user} REST turns per run; median of {args.repeat} interleaved runs)\n")
    print("| attacker channel | chat p50 ms | chat p99 ms | p99 / quiet | long messages sent | their status | their p99 ms |")
    print("|---|---|---|---|---|---|---|")
    for channel, r in results.items():
        ratio = r["p99"] / quiet["p99"]
        attack_p99 = f"{1000 * r['attack_p99']:.1f}" if r["attacks"] else "-"
        statuses = ", ".join(map(str, r["attack_statuses"])) or "-"
        print(f"| {channel or 'none (quiet)'} | {1000 * r['p50']:.1f} | {1000 * r['p99']:.1f} | {ratio:.2f}x | "
              f"{r['attacks'] or '-'} | {statuses} | {attack_p99} |")
    print("\n### Server CPU per request (100 requests each, one at a time)\n")
    print("| request | status | server CPU ms |")
    print("|---|---|---|")
    for name, status, seconds in cpu:
        print(f"| {name} | {status} | {1000 * seconds:.2f} |")
    print("\n### Hostile payloads (goal: a 4xx with a JSON reason each)\n")
    print("| payload | status | error | ms |")
    print("|---|---|---|---|")
    for name, (status, text, seconds) in hostile:
        try:
            error = json.loads(text).get("error", "")
        except (ValueError, AttributeError):
            error = text[:40]
        print(f"| {name} | {status} | {error} | {1000 * seconds:.1f} |")
    print("\n### Redeliveries (goal: 1 turn each)\n")
    print("| delivery | deliveries | turns |")
    print("|---|---|---|")
    for name, deliveries, count in redeliveries:
        print(f"| {name} | {deliveries} | {count} |")
    worst = max(r["p99"] / quiet["p99"] for r in results.values())
    server_errors = [name for name, (status, _, _) in hostile if status >= 500]
    duplicates = [name for name, _, count in redeliveries if count != 1]
    print(f"\nworst chat p99 / quiet p99: {worst:.2f}x (goal <= 2x); 5xx: {len(server_errors)}; "
          f"redeliveries with != 1 turn: {len(duplicates)}")
    return 0 if not server_errors and not duplicates else 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--users", type=int, default=8, help="concurrent chatting senders (default 8)")
    p.add_argument("--per-user", type=int, default=100, help="REST turns per sender per row (default 100: with fewer, a p99 is a handful of turns)")
    p.add_argument("--repeat", type=int, default=5, help="runs of each row, interleaved (default 5)")
    p.add_argument("--interval-ms", type=float, default=100, help="time between two long messages (default 100)")
    return asyncio.run(run(p.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
