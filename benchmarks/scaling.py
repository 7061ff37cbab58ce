#!/usr/bin/env python3
"""Scale-out check (loopback only, bounded): server workers against a 3-node Redis Cluster.

    nice python benchmarks/scaling.py domains/banking_en --workers 1,2,3

Starts the same throwaway 3-primary Redis Cluster the tests use
(tests/support/redis_server.py), then for each worker count runs `dialogframe serve
--workers N --threads 1 --redis-url redis+cluster://...` and drives full turns (REST
webhook, a fresh sender per request: every turn starts and stores a new conversation) with
a closed loop of --concurrency clients for at most --seconds / --requests. Around each run
it reads Redis's own counters on every node (CONFIG RESETSTAT first) and prints:

- turns/s and p99 per worker count (growing with workers until the cores run out);
- Redis commands per turn by command (INFO commandstats), round trips per turn (INFO stats
  total_reads_processed: the read events a node served, i.e. requests or pipelines),
  bytes in and out per turn (total_net_input_bytes / total_net_output_bytes), and the
  Redis CPU per turn (the commands' usec): the Redis share of a turn;
- memory per stored conversation: the growth of used_memory over the run divided by the
  conversations it created, and MEMORY USAGE of sampled session keys.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from serve_benchmark import closed_loop, texts_of  # noqa: E402
from side_by_side import WEBHOOK, first_answer, free_port, rss_mb, spawn, stop  # noqa: E402


def nodes_of(ports: list[int]):
    import redis

    return [redis.Redis(host="127.0.0.1", port=p, decode_responses=True) for p in ports]


def counters(nodes) -> dict:
    total: dict = {"commands": Counter(), "usec": 0, "reads": 0, "in": 0, "out": 0, "memory": 0, "keys": 0}
    for node in nodes:
        for name, stat in node.info("commandstats").items():
            cmd = name.removeprefix("cmdstat_")
            if cmd in ("info", "config", "cluster", "memory", "scan", "dbsize", "ping"):
                continue  # this script's own probes and the client's topology refreshes
            total["commands"][cmd] += int(stat["calls"])
            total["usec"] += int(stat["usec"])
        stats = node.info("stats")
        total["reads"] += int(stats.get("total_reads_processed", 0))
        total["in"] += int(stats["total_net_input_bytes"])
        total["out"] += int(stats["total_net_output_bytes"])
        total["memory"] += int(node.info("memory")["used_memory"])
        total["keys"] += int(node.dbsize())
    return total


def stored_keys(nodes, sample: int = 50) -> dict:
    """Key counts by kind (the key name without the sender) and sampled MEMORY USAGE by kind."""
    import re

    kinds: Counter = Counter()
    sizes: dict[str, list[int]] = {}
    for node in nodes:
        for key in node.scan_iter(count=500):
            kind = re.sub(r"\{[^}]*\}", "{sender}", key)
            kinds[kind] += 1
            if len(sizes.setdefault(kind, [])) < sample:
                sizes[kind].append(int(node.memory_usage(key) or 0))
    return {"counts": dict(kinds), "median_bytes": {k: sorted(v)[len(v) // 2] for k, v in sizes.items() if v}}


async def one_run(args, cluster, workers: int, texts: list[str]) -> dict:
    nodes = nodes_of(cluster.ports)
    port = free_port()
    log = Path(tempfile.gettempdir()) / f"scaling_{port}.log"
    proc = spawn([sys.executable, "-m", "framework", "serve", args.domain, "--model", args.model, "--port", str(port),
                  "--redis-url", cluster.url, "--redis-cluster", "--workers", str(workers), "--threads", "1",
                  "--rate-limit-ip", "0", "--rate-limit-sender", "0", "--no-answer-cache", "--log-level", "WARNING",
                  *args.serve_args.split()], ROOT, log)
    try:
        await first_answer(port, proc, texts[0], log)
        url = f"http://127.0.0.1:{port}{WEBHOOK}"
        await closed_loop(url, "turn", texts, 8 * workers, 32 * workers, 20)  # warm every worker
        for node in nodes:
            node.config_resetstat()
        before = counters(nodes)
        r = await closed_loop(url, "turn", texts, args.concurrency, args.requests, args.seconds)
        after = counters(nodes)
        rss = rss_mb(proc)
    finally:
        stop(proc)
    turns = max(1, r["requests"])
    commands = after["commands"]  # reset just before the run
    return {"workers": workers, **r, "rss_mb": rss,
            "commands_per_turn": {k: v / turns for k, v in commands.most_common()},
            "commands_total_per_turn": sum(commands.values()) / turns,
            "round_trips_per_turn": (after["reads"] - before["reads"]) / turns,
            "bytes_in_per_turn": (after["in"] - before["in"]) / turns,
            "bytes_out_per_turn": (after["out"] - before["out"]) / turns,
            "redis_usec_per_turn": after["usec"] / turns,
            "memory_per_conversation": (after["memory"] - before["memory"]) / turns,
            "keys_per_conversation": (after["keys"] - before["keys"]) / turns}


async def run(args) -> dict:
    from tests.support.redis_server import RedisClusterServers

    texts = texts_of(args.domain)
    results: dict = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count(),
                     "load_before": os.getloadavg()[0], "args": vars(args), "runs": []}
    with RedisClusterServers(tempfile.mkdtemp(prefix="scaling_cluster_")) as cluster:
        for workers in args.workers:
            r = await one_run(args, cluster, workers, texts)
            results["runs"].append(r)
            print(f"  workers={workers}: {r['rps']:.1f} turns/s, p99 {r['p99']:.1f} ms, "
                  f"{r['commands_total_per_turn']:.2f} commands and {r['round_trips_per_turn']:.2f} round trips "
                  f"per turn", flush=True)
        results["keys"] = stored_keys(nodes_of(cluster.ports))
    return results


def table(results: dict) -> str:
    runs = results["runs"]
    base = runs[0]["rps"]
    lines = [f"Run {results['date']}, {results['cpus']} CPU cores (load average {results['load_before']:.1f} before "
             f"the run), 3-node Redis Cluster, closed loop of {results['args']['concurrency']} clients, a fresh "
             "sender per turn, 1 torch thread per worker.", "",
             "| workers | turns/s | vs 1 worker | p50 ms | p99 ms | RSS per worker MB | errors |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        lines.append(f"| {r['workers']} | {r['rps']:.1f} | {r['rps'] / base:.2f}x | {r['p50']:.1f} | {r['p99']:.1f} | "
                     f"{r['rss_mb']:.0f} | {r['errors']} |")
    r = runs[-1]
    lines += ["", "Redis per turn (the last run; INFO commandstats / stats summed over the 3 nodes):", "",
              "| measure | per turn |", "|---|---:|",
              f"| commands | {r['commands_total_per_turn']:.2f} ("
              + ", ".join(f"{k} {v:.2f}" for k, v in r["commands_per_turn"].items()) + ") |",
              f"| round trips (reads processed) | {r['round_trips_per_turn']:.2f} |",
              f"| bytes to Redis / from Redis | {r['bytes_in_per_turn']:.0f} / {r['bytes_out_per_turn']:.0f} |",
              f"| Redis CPU (commands' usec) | {r['redis_usec_per_turn']:.0f} us |",
              f"| memory per stored conversation (used_memory growth / conversations) | "
              f"{r['memory_per_conversation']:.0f} B in {r['keys_per_conversation']:.2f} keys |",
              "| keys stored after all runs (MEMORY USAGE, median) | "
              + ", ".join(f"`{k}` x{n} ({results['keys']['median_bytes'].get(k, 0)} B)"
                          for k, n in sorted(results["keys"]["counts"].items(), key=lambda kv: -kv[1])[:6]) + " |"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("domain", nargs="?", default="domains/banking_en")
    p.add_argument("--model", default=None, help="default models/<domain name>")
    p.add_argument("--workers", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2, 3])
    p.add_argument("--concurrency", type=int, default=64)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--requests", type=int, default=3000)
    p.add_argument("--serve-args", default="", help="extra `dialogframe serve` options")
    p.add_argument("--json", default=None)
    args = p.parse_args(argv)
    args.model = args.model or str(ROOT / "models" / Path(args.domain).resolve().name)
    results = asyncio.run(run(args))
    print()
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
