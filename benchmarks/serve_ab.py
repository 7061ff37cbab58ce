#!/usr/bin/env python3
"""Two or more `serve` settings against each other, interleaved (loopback only, bounded).

    nice python benchmarks/serve_ab.py domains/banking_en --model M \\
        --variant "old=--batch-wait-ms 2" --variant "new=--batch-wait-ms 0" --rounds 4

On a shared machine a throughput measured alone swings by 20-30% between runs minutes
apart; the ratio of two servers measured in turns, by the same client, in the same minutes,
does much less. Every variant's server is started once (one embedded Redis for all; each
idles while another is measured), then, round after round, in alternating order: a closed
loop of full turns (REST webhook, a fresh sender per request, as side_by_side.py) at each
--concurrency, and an open loop at a fixed --open-rate (the same for every variant: p99 at
one load, not at each one's own half). Beside req/s it counts the server's CPU seconds
(user + sys of the process tree, Redis left out) per turn, which the neighbours' load moves
less than the wall clock.

A variant is `NAME=TOKENS`: `VAR=value` tokens set the server's environment, `@DIR` runs
the `framework` package found in DIR (e.g. `git archive COMMIT framework | tar -x -C DIR`),
everything else is passed to `serve` after the benchmark's own options (rate limits and
answer cache off, log level WARNING, as serve_benchmark.py).

`--busy N` keeps N processes spinning (a bounded busy loop each) for the whole run: how a
setting behaves when another process holds a core.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from serve_benchmark import closed_loop, free_port, open_loop, show, texts_of, wait_ready  # noqa: E402

WEBHOOK = "/webhooks/rest/webhook"
_ENV_TOKEN = re.compile(r"^[A-Z_][A-Z0-9_]*=")


@dataclass
class Variant:
    name: str
    serve_args: list[str]
    env: dict[str, str] = field(default_factory=dict)
    code: Path = ROOT

    @classmethod
    def parse(cls, spec: str) -> "Variant":
        name, _, rest = spec.partition("=")
        if not name:
            raise SystemExit(f"--variant {spec!r}: expected NAME=TOKENS, e.g. 'new=--batch-wait-ms 0'")
        variant = cls(name, [])
        for token in rest.split():
            if _ENV_TOKEN.match(token):
                key, _, value = token.partition("=")
                variant.env[key] = value
            elif token.startswith("@"):
                variant.code = Path(token[1:]).resolve()
            else:
                variant.serve_args.append(token)
        return variant


# A stand-in for another process's job: spins on one core, for at most `seconds`.
BUSY_LOOP = "import time\nd = time.monotonic() + {seconds}\nwhile time.monotonic() < d: pass"


def server_cpu(process: subprocess.Popen) -> float:
    """user + sys seconds of the server and its children (workers), Redis left out."""
    total = 0.0
    try:
        root = psutil.Process(process.pid)
        for p in [root, *root.children(recursive=True)]:
            try:
                if "redis" in p.name():
                    continue
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.NoSuchProcess:
                continue
    except psutil.NoSuchProcess:
        pass
    return total


def start(variant: Variant, args, port: int, redis_url: str, log: Path) -> subprocess.Popen:
    from side_by_side import spawn

    command = [sys.executable, "-m", "framework", "serve", args.domain, "--model", args.model, "--port", str(port),
               "--redis-url", redis_url, "--rate-limit-ip", "0", "--rate-limit-sender", "0", "--no-answer-cache",
               "--log-level", "WARNING", "--no-webchat", *variant.serve_args]
    return spawn(command, variant.code, log, env={"PYTHONPATH": str(variant.code), **variant.env})


async def run(args) -> dict:
    from side_by_side import stop

    from framework.store import EmbeddedRedis

    texts = texts_of(args.domain)
    variants = [Variant.parse(v) for v in args.variant]
    results: dict = {"date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "load": os.getloadavg(),
                     "args": vars(args), "variants": {v.name: {"serve_args": v.serve_args, "env": v.env,
                                                               "code": str(v.code)} for v in variants},
                     "rounds": []}
    busy = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP.format(seconds=args.busy_seconds)])
            for _ in range(args.busy)]
    redis = EmbeddedRedis(tempfile.mkdtemp(prefix="serve_ab_redis_")).start()
    servers: dict[str, tuple[subprocess.Popen, str]] = {}
    try:
        for v in variants:
            port = free_port()
            log = Path(tempfile.gettempdir()) / f"serve_ab_{v.name}_{port}.log"
            proc = start(v, args, port, redis.url, log)
            servers[v.name] = (proc, f"http://127.0.0.1:{port}{WEBHOOK}")
            await wait_ready(port, proc, timeout=300)
            await closed_loop(servers[v.name][1], "turn", texts, 8, 64, 10)  # warm up
            print(f"  {v.name}: ready (log {log})", flush=True)
        for r in range(args.rounds):
            order = variants if r % 2 == 0 else variants[::-1]
            row: dict = {"round": r, "load": os.getloadavg()[0], "closed": {}, "open": {}}
            for c in args.concurrency:
                for v in order:
                    proc, url = servers[v.name]
                    cpu, client = server_cpu(proc), sum(psutil.Process().cpu_times()[:2])
                    res = await closed_loop(url, "turn", texts, c, max(args.requests, 4 * c), args.seconds)
                    res["cpu_ms"] = 1000 * (server_cpu(proc) - cpu) / max(1, res["requests"])
                    res["client_cpu_ms"] = 1000 * (sum(psutil.Process().cpu_times()[:2]) - client) / max(1, res["requests"])
                    row["closed"].setdefault(str(c), {})[v.name] = res
                    print(f"  round {r} c={c:<4d} {v.name:12s} {res['rps']:7.1f} req/s  p99 {res['p99']:7.1f} ms  "
                          f"CPU {res['cpu_ms']:.2f} ms/turn  ({res['requests']} req, {res['errors']} errors)", flush=True)
            if args.open_rate > 0:
                for v in order:
                    proc, url = servers[v.name]
                    cpu = server_cpu(proc)
                    res = await open_loop(url, "turn", texts, args.open_rate, args.open_seconds)
                    res["cpu_ms"] = 1000 * (server_cpu(proc) - cpu) / max(1, res["requests"])
                    row["open"][v.name] = res
                    print(f"  round {r} open {args.open_rate:.0f}/s {v.name:12s} p50 {res['p50']:6.1f}  "
                          f"p99 {res['p99']:6.1f} ms  ({res['requests']} req, {res['errors']} errors)", flush=True)
            results["rounds"].append(row)
    finally:
        for proc, _ in servers.values():
            stop(proc)
        redis.stop()
        for b in busy:
            b.kill()
    results["load_after"] = os.getloadavg()
    return results


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(results: dict) -> str:
    a = results["args"]
    names = list(results["variants"])
    base = names[0]
    rounds = results["rounds"]
    lines = [f"Run {results['date']}, load average {results['load'][0]:.2f} before / {results['load_after'][0]:.2f} "
             f"after; `{a['domain']}` model `{a['model']}`; {len(rounds)} rounds, order alternating; "
             f"{a['busy']} busy-loop process(es) beside it.", ""]
    for name, v in results["variants"].items():
        extra = " ".join([*(f"{k}={val}" for k, val in v["env"].items()), *v["serve_args"]]) or "(no options)"
        lines.append(f"- **{name}**: `{extra}`" + (f", code `{v['code']}`" if v["code"] != str(ROOT) else ""))
    lines += ["", f"| measure | {' | '.join(names)} | " + " | ".join(f"{n} / {base}" for n in names[1:]) + " |",
              "|---|" + "---:|" * (2 * len(names) - 1)]

    def add(label: str, per_round) -> None:  # per_round(row, name) -> float or None
        cells, ratios = [], []
        for n in names:
            vals = [x for x in (per_round(row, n) for row in rounds) if x is not None]
            digits = 2 if median(vals) < 10 else 1
            cells.append(f"{median(vals):.{digits}f} ({' '.join(f'{x:.{digits}f}' for x in vals)})")
        for n in names[1:]:
            rs = [per_round(row, n) / per_round(row, base) for row in rounds
                  if per_round(row, n) is not None and per_round(row, base)]
            ratios.append(f"**{median(rs):.2f}x** ({' '.join(f'{x:.2f}' for x in rs)})")
        lines.append(f"| {label} | " + " | ".join(cells + ratios) + " |")

    for c in a["concurrency"]:
        add(f"req/s, c = {c}", lambda row, n, c=c: row["closed"][str(c)][n]["rps"])
        add(f"p99 ms, c = {c}", lambda row, n, c=c: row["closed"][str(c)][n]["p99"])
        add(f"server CPU ms per turn, c = {c}", lambda row, n, c=c: row["closed"][str(c)][n]["cpu_ms"])
        add(f"client CPU ms per turn, c = {c}", lambda row, n, c=c: row["closed"][str(c)][n]["client_cpu_ms"])
    if a["open_rate"] > 0:
        add(f"p50 ms, open loop {a['open_rate']:.0f}/s", lambda row, n: row["open"][n]["p50"])
        add(f"p99 ms, open loop {a['open_rate']:.0f}/s", lambda row, n: row["open"][n]["p99"])
    errors = sum(r["errors"] for row in rounds for lv in row["closed"].values() for r in lv.values()) + \
        sum(r["errors"] for row in rounds for r in row["open"].values())
    loads = " ".join(f"{row['load']:.1f}" for row in rounds)
    lines += ["", f"Cells: median over the rounds (each round's figure in brackets); ratios: the median of each "
                  f"round's ratio. Load average at each round's start: {loads}. Errors: {errors}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("domain")
    p.add_argument("--model", required=True)
    p.add_argument("--variant", action="append", required=True,
                   help="NAME=TOKENS (VAR=value: environment; @DIR: framework code from DIR; the rest: serve "
                        "options); the first variant is the one the others are divided by")
    p.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[8])
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--requests", type=int, default=1000, help="most requests per level (at least 4 x concurrency)")
    p.add_argument("--seconds", type=float, default=8.0, help="most seconds per level")
    p.add_argument("--open-rate", type=float, default=0.0, help="open loop at this many req/s (0: none)")
    p.add_argument("--open-seconds", type=float, default=8.0)
    p.add_argument("--busy", type=int, default=0, help="busy-loop processes beside the run")
    p.add_argument("--busy-seconds", type=float, default=900.0, help="each busy loop's bound")
    p.add_argument("--json", default=None, help="also write the results to this JSON file")
    args = p.parse_args(argv)
    if len(args.variant) < 2:
        p.error("give at least two --variant")
    # absolute: a variant with @DIR runs there
    args.domain, args.model = str(Path(args.domain).resolve()), str(Path(args.model).resolve())
    show(asyncio.run(run(args)), table, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
