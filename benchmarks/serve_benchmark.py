#!/usr/bin/env python3
"""Serving benchmark (loopback only, bounded): prints a Markdown table.

    python benchmarks/serve_benchmark.py domains/banking_en --model models/banking_en

Measures, in one run:
  1. the model's raw batch throughput (predict on batches of 32, in this process, before
     the server starts): the ceiling a server could reach;
  2. time from starting `python -m framework serve` to /ready answering 200, and its RSS;
  3. throughput and p50/p95/p99 latency of POST /api/v1/predict and of a full dialog turn
     (POST /webhooks/rest/webhook, a new sender per request, as Rasa was measured) at
     each concurrency level (closed loop: N clients each sending the next request when the
     previous one is answered); every level stops after --requests requests or --seconds;
  4. p99 of full turns at half the best full-turn throughput (open loop, fixed rate).

The server runs with rate limits and the answer cache off (they would measure Redis, not
the model); Redis is a real redis-server (the embedded one unless --redis-url).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(q / 100 * len(values) + 0.5)) - 1))
    return values[k]


def texts_of(domain: str) -> list[str]:
    from framework.spec import load_assistant

    assistant = load_assistant(domain)
    return [e.text for i in assistant.intents.values() for e in i.examples]


def load(domain: str, model: str, int8: bool, threads: int, runtime: str = "auto"):
    from framework.nlu.model import load_classifier
    from framework.spec import load_assistant

    return load_classifier(model, load_assistant(domain), quantize=int8, threads=threads, runtime=runtime)


def raw_ceiling(classifier, texts: list[str], batches: int) -> dict:
    """texts/s of classifier.predict on batches of 32, in this process, with as many torch
    threads as one server worker uses (measured before and after the HTTP runs: the
    machine is shared, and the two differ when its load changes)."""
    rng = random.Random(0)
    batch = lambda: [rng.choice(texts) for _ in range(32)]  # noqa: E731
    for _ in range(3):
        classifier.predict(batch())  # warm up
    start = time.perf_counter()
    for _ in range(batches):
        classifier.predict(batch())
    elapsed = time.perf_counter() - start
    single = []
    for _ in range(30):
        t = time.perf_counter()
        classifier.predict([rng.choice(texts)])
        single.append(time.perf_counter() - t)
    return {"texts_per_s": 32 * batches / elapsed, "batch32_ms": 1000 * elapsed / batches,
            "single_ms_p50": 1000 * statistics.median(single)}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args, port: int, redis_url: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "framework", "serve", args.domain, "--model", args.model, "--port", str(port),
               "--redis-url", redis_url, "--rate-limit-ip", "0", "--rate-limit-sender", "0", "--no-answer-cache",
               "--log-level", "WARNING", "--workers", str(args.workers), "--threads", str(args.threads),
               "--batch-max", str(args.batch_max), "--batch-wait-ms", str(args.batch_wait_ms),
               "--batches-in-flight", str(args.batches_in_flight)]
    if args.int8 is not None:  # else as serve decides (and --runtime auto stays free to choose ONNX Runtime)
        command.append("--int8" if args.int8 else "--float32")
    command += ["--runtime", args.runtime]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = open(Path(tempfile.gettempdir()) / f"serve_benchmark_{port}.log", "wb")  # never a pipe: it could fill
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


async def wait_ready(port: int, process: subprocess.Popen, timeout: float = 120) -> float:
    started = time.monotonic()
    async with aiohttp.ClientSession() as http:
        while time.monotonic() - started < timeout:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited; see {tempfile.gettempdir()}/serve_benchmark_{port}.log")
            try:
                async with http.get(f"http://127.0.0.1:{port}/ready") as resp:
                    if resp.status == 200:
                        return time.monotonic() - started
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    raise TimeoutError("server not ready")


def server_rss(process: subprocess.Popen) -> list[float]:
    """MB per serving process (the workers when --workers > 1, else the server)."""
    parent = psutil.Process(process.pid)
    children = [c for c in parent.children(recursive=True) if "redis" not in c.name()]
    procs = children if children else [parent]
    return [p.memory_info().rss / 2**20 for p in procs]


def make_body(route: str, texts: list[str], rng: random.Random, n: int) -> dict:
    text = rng.choice(texts)
    if route == "predict":
        return {"text": text}
    # uuid: unique across runs and levels (a seeded rng would repeat the senders of the
    # previous run with the same concurrency, continuing its conversations)
    return {"sender": f"bench-{uuid.uuid4().hex}", "message": text}


CLIENTS = ("aiohttp", "light")  # light: benchmarks/light_client.py


@contextlib.asynccontextmanager
async def poster(url: str, client: str, limit: int):
    """`post(body) -> HTTP status` over `client`'s connections to `url` (at most `limit` open; 0: no limit)."""
    if client == "light":
        from light_client import LightClient

        async with LightClient(url) as light:
            yield light.post
        return
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit)) as http:
        async def post(body) -> int:
            async with http.post(url, json=body) as resp:
                await resp.read()
                return resp.status

        yield post


async def closed_loop(url: str, route: str, texts: list[str], concurrency: int, requests: int, seconds: float,
                      client: str = "aiohttp") -> dict:
    rng = random.Random(concurrency)
    latencies: list[float] = []
    errors = 0
    counter = 0
    deadline = time.monotonic() + seconds
    cpu = time.process_time()
    async with poster(url, client, concurrency) as post:
        async def one_client() -> None:
            nonlocal counter, errors
            while counter < requests and time.monotonic() < deadline:
                counter += 1
                body = make_body(route, texts, rng, counter)
                t = time.perf_counter()
                errors += await post(body) != 200
                latencies.append(time.perf_counter() - t)

        start = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return {"route": route, "concurrency": concurrency, "requests": len(latencies), "errors": errors,
            "rps": len(latencies) / elapsed, "p50": 1000 * percentile(latencies, 50),
            "p95": 1000 * percentile(latencies, 95), "p99": 1000 * percentile(latencies, 99),
            "client": client, "client_cpu_ms": 1000 * (time.process_time() - cpu) / max(1, len(latencies))}


async def open_loop(url: str, route: str, texts: list[str], rate: float, seconds: float,
                    client: str = "aiohttp", warm: float = 0.0) -> dict:
    """Requests at a fixed rate whatever the answers' speed (the latency a user sees at
    that load, without the closed loop's coordinated omission). With `warm` seconds, the
    same rate is sent first and not counted: the client opens the connections the rate
    needs (a run from no connections put its first second's connects in the p99: ~40 % of
    the requests over 50 ms at 250/s came in the first second, session 43)."""
    rng = random.Random(1)
    latencies: list[float] = []
    errors = 0
    async with poster(url, client, 0) as post:
        if warm > 0:
            await _paced(rate, warm, lambda n: post(make_body(route, texts, rng, n)))
        cpu = time.process_time()

        async def one(n: int) -> None:
            nonlocal errors
            t = time.perf_counter()
            errors += await post(make_body(route, texts, rng, n)) != 200
            latencies.append(time.perf_counter() - t)

        await _paced(rate, seconds, one)
    return {"rate": rate, "requests": len(latencies), "errors": errors, "p50": 1000 * percentile(latencies, 50),
            "p99": 1000 * percentile(latencies, 99), "client": client, "warm_s": warm,
            "client_cpu_ms": 1000 * (time.process_time() - cpu) / max(1, len(latencies))}


async def _paced(rate: float, seconds: float, send) -> None:
    """`send(n)` started `rate` times a second for `seconds`, whatever the answers' speed; then all awaited."""
    tasks = []
    start = time.perf_counter()
    n = 0
    while time.perf_counter() - start < seconds:
        tasks.append(asyncio.ensure_future(send(n)))
        n += 1
        await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
    await asyncio.gather(*tasks)


async def run(args) -> dict:
    texts = texts_of(args.domain)
    results: dict = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count(),
                     "args": vars(args)}
    print(f"raw ceiling: predict on batches of 32 ({args.ceiling_batches} batches) ...", flush=True)
    from framework.server.config import default_torch_threads

    args.threads = args.threads or default_torch_threads(args.workers)
    # loaded as serve loads it: --int8/--float32 are torch's; else the model's files decide
    runtime = "torch" if args.runtime == "auto" and args.int8 is not None else args.runtime
    classifier = await asyncio.to_thread(load, args.domain, args.model, "auto" if args.int8 is None else args.int8,
                                         args.threads, runtime)
    results["served"] = f"{classifier.runtime}: {classifier.quantized or 'float32'}"
    results["raw"] = await asyncio.to_thread(raw_ceiling, classifier, texts, args.ceiling_batches)
    print(f"  {results['raw']['texts_per_s']:.0f} texts/s", flush=True)

    embedded = None
    redis_url = args.redis_url
    if redis_url is None:
        from framework.store import EmbeddedRedis

        embedded = EmbeddedRedis(tempfile.mkdtemp(prefix="bench_redis_")).start()
        redis_url = embedded.url
    port = args.port or free_port()
    server = start_server(args, port, redis_url)
    try:
        results["ready_s"] = await wait_ready(port, server)
        print(f"ready in {results['ready_s']:.2f}s", flush=True)
        base = f"http://127.0.0.1:{port}"
        urls = {"predict": base + "/api/v1/predict", "turn": base + "/webhooks/rest/webhook"}
        await closed_loop(urls["turn"], "turn", texts, 8, 64, 10)  # warm up
        results["levels"] = []
        for route in args.routes.split(","):
            for c in args.concurrency:
                r = await closed_loop(urls[route], route, texts, c, max(args.requests, 4 * c), args.seconds)
                results["levels"].append(r)
                print(f"  {route:8s} c={c:<4d} {r['rps']:7.1f} req/s  p50 {r['p50']:6.1f}  p95 {r['p95']:6.1f}  "
                      f"p99 {r['p99']:6.1f} ms  ({r['requests']} req, {r['errors']} errors)", flush=True)
        best = max(r["rps"] for r in results["levels"] if r["route"] == "turn")
        results["half_load"] = await open_loop(urls["turn"], "turn", texts, best / 2, args.open_seconds,
                                               warm=args.open_warm)
        print(f"  open loop at {best / 2:.0f} req/s: p50 {results['half_load']['p50']:.1f}  "
              f"p99 {results['half_load']['p99']:.1f} ms", flush=True)
        results["rss_mb"] = server_rss(server)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        if embedded is not None:
            embedded.stop()
            shutil.rmtree(embedded.directory, ignore_errors=True)
    results["raw_after"] = await asyncio.to_thread(raw_ceiling, classifier, texts, args.ceiling_batches)
    print(f"raw ceiling again after the HTTP runs: {results['raw_after']['texts_per_s']:.0f} texts/s", flush=True)
    return results


def table(results: dict) -> str:
    raw = results["raw"]
    lines = [f"Run {results['date']} on {results['cpus']} CPU cores; model {results['args']['model']}"
             f" ({results.get('served', '?')}), {results['args']['workers']} worker(s), "
             f"{results['args']['threads']} inference thread(s) per worker, batches of at most "
             f"{results['args']['batch_max']} texts.", "",
             f"- raw model ceiling (predict, batches of 32): **{raw['texts_per_s']:.0f} texts/s** before the HTTP runs, "
             f"**{results['raw_after']['texts_per_s']:.0f}** after "
             f"({raw['batch32_ms']:.1f} ms per batch; one text alone {raw['single_ms_p50']:.1f} ms)",
             f"- start to ready: **{results['ready_s']:.2f} s**; RSS per serving process: "
             + ", ".join(f"**{mb:.0f} MB**" for mb in results["rss_mb"]),
             f"- full turns at half the best throughput ({results['half_load']['rate']:.0f} req/s, open loop): "
             f"p50 {results['half_load']['p50']:.1f} ms, **p99 {results['half_load']['p99']:.1f} ms**", "",
             "| endpoint | concurrency | req/s | p50 ms | p95 ms | p99 ms | requests | errors |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results["levels"]:
        name = "/api/v1/predict" if r["route"] == "predict" else "full turn (REST webhook)"
        lines.append(f"| {name} | {r['concurrency']} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | "
                     f"{r['p99']:.1f} | {r['requests']} | {r['errors']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("domain", nargs="?", default="domains/banking_en")
    p.add_argument("--model", default=None, help="default models/<domain name>")
    p.add_argument("--redis-url", default=None, help="default: an embedded redis-server in a temp dir")
    p.add_argument("--port", type=int, default=0, help="default: a free port")
    p.add_argument("--workers", type=int, default=0, help="serve --workers (default: as serve's auto)")
    precision = p.add_mutually_exclusive_group()
    precision.add_argument("--int8", dest="int8", action="store_const", const=True, default=None)
    precision.add_argument("--float32", dest="int8", action="store_const", const=False,
                           help="default: as serve, int8 when the model's int8 check allows")
    p.add_argument("--threads", type=int, default=0, help="torch threads per worker (default: as serve)")
    p.add_argument("--runtime", choices=("auto", "torch", "onnx"), default="auto", help="serve --runtime (default auto, as serve)")
    p.add_argument("--batch-max", type=int, default=16, help="serve --batch-max")
    p.add_argument("--batch-wait-ms", type=float, default=0.0, help="serve --batch-wait-ms (default as serve)")
    p.add_argument("--batches-in-flight", type=int, default=1, help="serve --batches-in-flight")
    p.add_argument("--routes", default="predict,turn", help="which endpoints to measure")
    p.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 8, 32, 128])
    p.add_argument("--requests", type=int, default=400, help="most requests per level (at least 4 x concurrency)")
    p.add_argument("--seconds", type=float, default=15.0, help="most seconds per level")
    p.add_argument("--open-seconds", type=float, default=10.0, help="duration of the half-load open-loop run")
    p.add_argument("--open-warm", type=float, default=2.0,
                   help="seconds at the half-load rate before it is measured (0: none, as runs before session 43)")
    p.add_argument("--ceiling-batches", type=int, default=20)
    p.add_argument("--json", default=None, help="also write the results to this JSON file")
    args = p.parse_args(argv)
    args.model = args.model or str(Path("models") / Path(args.domain).resolve().name)
    if not args.workers:
        from framework.server.command import auto_workers

        args.workers = auto_workers(socketio=False)
    show(asyncio.run(run(args)), table, args.json)
    return 0


def show(results: dict, table, json_path: str | None) -> None:
    """Print a benchmark's table; also write its results to `json_path` when given."""
    print()
    print(table(results))
    if json_path:
        Path(json_path).write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
