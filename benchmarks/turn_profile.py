#!/usr/bin/env python3
"""Where a full turn's CPU goes (loopback only, bounded): prints a Markdown table.

    nice python benchmarks/turn_profile.py domains/banking_en --model M --turns 400 --concurrency 1,8

Wall-clock throughput on a shared machine swings with the neighbours' load; what a turn
costs in CPU does not. For each concurrency this starts `python -m framework serve` (rate
limits and answer cache off unless --server-defaults, as serve_benchmark.py), warms it up,
then over a bounded closed-loop run of --turns full turns (REST webhook, a fresh sender per
conversation, --turns-per-sender messages each) measures:

- CPU ms per turn of the server process, from the kernel's per-thread counters
  (/proc/PID/task/TID/schedstat): the event-loop thread (HTTP, JSON, Redis client, engine,
  logging) and the model threads (tokenisation, forward pass, post-processing) apart; the
  model threads' split comes from thread-CPU clocks around the tokenizer and the network
  call inside the server (no profiler);
- Redis per turn, from the server's own counters (CONFIG RESETSTAT, then INFO
  commandstats / stats): commands as the client sends them, commands Redis executes
  (the scripts' own calls included), round trips (total_reads_processed) and bytes;
- HTTP bytes per turn (request and response bodies);
- with --profile, a second server per level under cProfile (thread-CPU clock, event-loop
  thread only) splits the event loop's CPU by component: each function's own time goes to
  its file's component, and the time of builtins and small stdlib helpers to the component
  of whoever called them. The profiler slows Python code more than C code, so the table
  gives shares of the event loop, scaled to the unprofiled event-loop CPU.

The server runs in a child of this script (`--child`), which adds the counters to the
real `framework.server` code: SIGUSR1 starts a measurement, SIGUSR2 writes it out.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

COMPONENTS = ("HTTP + event loop", "server + channel", "Redis client + store", "JSON", "engine + agent",
              "NLU on the loop", "logging + masking", "other")
# By path fragment, first match wins; the files of neither list count as "other".
_PATHS = (("/framework/store/", "Redis client + store"), ("/redis/", "Redis client + store"),
          ("/framework/server/", "server + channel"), ("/framework/channels/", "server + channel"),
          ("/framework/engine/", "engine + agent"), ("/framework/compile/", "engine + agent"),
          ("/framework/agent.py", "engine + agent"), ("/framework/actions/", "engine + agent"),
          ("/framework/nlu/", "NLU on the loop"), ("/framework/slots", "NLU on the loop"),
          ("/framework/masking", "logging + masking"), ("/logging/", "logging + masking"),
          ("/json/", "JSON"), ("/aiohttp/", "HTTP + event loop"), ("/asyncio/", "HTTP + event loop"),
          ("/multidict/", "HTTP + event loop"), ("/yarl/", "HTTP + event loop"),
          ("selectors.py", "HTTP + event loop"), ("socket.py", "HTTP + event loop"))
# Builtins and these stdlib helpers are charged to their caller's component.
_NEUTRAL = ("~", "/re/", "re.py", "enum.py", "functools.py", "typing.py", "dataclasses.py", "copy.py",
            "contextlib.py", "abc.py", "random.py", "secrets.py", "uuid.py", "hashlib.py", "_collections_abc.py",
            "weakref.py", "inspect.py", "string.py", "datetime.py", "unicodedata", "zoneinfo", "threading.py",
            "<frozen", "<string>")


# ---------------------------------------------------------------------- the server side
def child(result_path: str, profile: bool, serve_argv: list[str]) -> int:
    """Run `dialog serve` with counters: SIGUSR1 starts a measurement, SIGUSR2 writes it."""
    import cProfile
    import threading

    import framework.server.app as app_module
    from framework.server import command

    clocks = Counter()  # thread-CPU seconds of the model threads by part, and counts
    tids: set[int] = set()
    lock = threading.Lock()
    wrapped: set[int] = set()
    original_parse = app_module.parse_texts
    state = {"profiler": None}

    def timed(part: str, fn):
        def call(*a, **k):
            start = time.thread_time()
            try:
                return fn(*a, **k)
            finally:
                with lock:
                    clocks[part] += time.thread_time() - start
        return call

    class Timed:  # stands in for the tokenizer / network: timed calls, everything else passed on
        def __init__(self, part, inner):
            self._call, self._inner = timed(part, inner), inner

        def __call__(self, *a, **k):
            return self._call(*a, **k)

        def __getattr__(self, name):
            return getattr(self._inner, name)

    def parse_texts(classifier, texts):
        if id(classifier) not in wrapped:
            classifier.tokenizer = Timed("tokenise", classifier.tokenizer)
            classifier.network = Timed("forward", classifier.network)
            wrapped.add(id(classifier))
        tids.add(threading.get_native_id())
        with lock:
            clocks["batches"] += 1
            clocks["texts"] += len(texts)
        return timed("model total", original_parse)(classifier, texts)

    app_module.parse_texts = parse_texts
    timeline = Timeline()
    timeline.install()
    original_init = app_module.init

    def start() -> None:
        clocks.clear()
        timeline.clear()
        if profile:
            state["profiler"] = cProfile.Profile(time.thread_time)
            state["profiler"].enable()

    def write() -> None:
        data = {"clocks": dict(clocks), "model_tids": sorted(tids), "loop_tid": threading.get_native_id(),
                "timeline": timeline.summary()}
        if state["profiler"] is not None:
            state["profiler"].disable()
            state["profiler"].dump_stats(result_path + ".prof")  # for pstats / snakeviz
            data["components"] = loop_components(state["profiler"])
            state["profiler"] = None
        Path(result_path).write_text(json.dumps(data), encoding="utf-8")

    async def on_startup(app) -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGUSR1, start)
        loop.add_signal_handler(signal.SIGUSR2, write)

    def init(config):
        app = original_init(config)
        app.on_startup.append(on_startup)
        return app

    app_module.init = init
    return command.main(serve_argv)


class Timeline:
    """Where a turn's wall time goes inside the server (perf_counter marks, no profiler):
    each turn's time in `Conversations.handle` and, of it, waiting for its model answer
    (`MicroBatcher.predict`); each batch's size, its hand-off to the inference thread (taken
    from the queue -> the thread starts), the thread's wall and CPU time, and the hand-back
    (the thread ends -> the event loop resumes the batch); and the garbage collector's
    pauses (gc.callbacks, any thread)."""

    def __init__(self) -> None:
        self.turns: list[tuple[float, float]] = []  # (handle s, of which waiting for the model s)
        self.batches: list[tuple[int, float, float, float, float]] = []  # size, hand-off, wall, cpu, hand-back
        self.gc: list[tuple[int, float]] = []  # (generation, pause s)
        self._gc_start, self._old = 0.0, 0

    def clear(self) -> None:
        import gc

        self.turns.clear(), self.batches.clear(), self.gc.clear()
        self._old = len(gc.get_objects(generation=2))  # what a full collection must walk

    def install(self) -> None:
        import contextvars
        import gc

        from framework.server import batching, conversation

        waited = contextvars.ContextVar("waited", default=None)
        timeline = self
        original_predict, original_call = batching.MicroBatcher.predict, batching.MicroBatcher._call
        original_handle = conversation.Conversations.handle

        async def handle(self, *a, **k):
            box = [0.0]
            waited.set(box)
            start = time.perf_counter()
            try:
                return await original_handle(self, *a, **k)
            finally:
                timeline.turns.append((time.perf_counter() - start, box[0]))

        async def predict(self, text):
            start = time.perf_counter()
            try:
                return await original_predict(self, text)
            finally:
                box = waited.get()
                if box is not None:
                    box[0] += time.perf_counter() - start

        async def call(self, texts):
            marks = {}
            inner = self._predict

            def timed(texts):
                marks["start"], cpu = time.perf_counter(), time.thread_time()
                try:
                    return inner(texts)
                finally:
                    marks["end"], marks["cpu"] = time.perf_counter(), time.thread_time() - cpu

            self._predict = timed
            taken = time.perf_counter()
            try:
                return await original_call(self, texts)
            finally:
                self._predict = inner
                if "end" in marks:
                    timeline.batches.append((len(texts), marks["start"] - taken, marks["end"] - marks["start"],
                                             marks["cpu"], time.perf_counter() - marks["end"]))

        def on_gc(phase, info):
            if phase == "start":
                timeline._gc_start = time.perf_counter()
            else:
                timeline.gc.append((info["generation"], time.perf_counter() - timeline._gc_start))

        batching.MicroBatcher.predict, batching.MicroBatcher._call = predict, call
        conversation.Conversations.handle = handle
        gc.callbacks.append(on_gc)

    def summary(self) -> dict:
        import gc
        import statistics

        def ms(values, q=None):
            if not values:
                return 0.0
            if q is None:
                return 1000 * statistics.fmean(values)
            values = sorted(values)
            return 1000 * values[min(len(values) - 1, int(q * len(values)))]

        sizes = [b[0] for b in self.batches]
        return {
            "turns": len(self.turns), "handle_ms": ms([t[0] for t in self.turns]),
            "handle_p99_ms": ms([t[0] for t in self.turns], 0.99),
            "model_wait_ms": ms([t[1] for t in self.turns]), "model_wait_p99_ms": ms([t[1] for t in self.turns], 0.99),
            "batches": len(self.batches), "batch_sizes": dict(sorted(Counter(sizes).items())),
            "handoff_ms": ms([b[1] for b in self.batches]), "handoff_p99_ms": ms([b[1] for b in self.batches], 0.99),
            "batch_wall_ms": ms([b[2] for b in self.batches]), "batch_cpu_ms": ms([b[3] for b in self.batches]),
            "batch_wall_p99_ms": ms([b[2] for b in self.batches], 0.99),
            "handback_ms": ms([b[4] for b in self.batches]), "handback_p99_ms": ms([b[4] for b in self.batches], 0.99),
            "gc_pauses": dict(sorted(Counter(g for g, _ in self.gc).items())),
            "gc_ms_total": 1000 * sum(p for _, p in self.gc), "gc_max_ms": ms([p for _, p in self.gc], 1.0),
            "gen2_objects": len(gc.get_objects(generation=2)), "gen2_growth": len(gc.get_objects(generation=2)) - self._old,
            "gc_frozen": gc.get_freeze_count(),
        }


def component_of(filename: str) -> str | None:
    """The component of a file, None for a neutral one (charged to its caller)."""
    if any(n in filename for n in _NEUTRAL):
        return None
    for fragment, component in _PATHS:
        if fragment in filename:
            return component
    return "other"


def loop_components(profiler) -> dict[str, float]:
    """Own CPU seconds by component; a neutral function's time is split over its callers
    in proportion to the time each call edge spent in it, and so on up."""
    import pstats

    stats = pstats.Stats(profiler).stats  # func -> (cc, nc, tt, ct, callers{func: (cc, nc, tt, ct)})
    memo: dict = {}

    def shares(func, depth=0) -> dict[str, float]:  # fractions of func's time by component
        if func in memo:
            return memo[func]
        own = component_of(func[0])
        if own is not None:
            memo[func] = {own: 1.0}
            return memo[func]
        memo[func] = {"other": 1.0}  # guards recursion
        callers = stats[func][4] if func in stats else {}
        total = sum(edge[2] for edge in callers.values())
        if depth > 12 or not callers or total <= 0:
            return memo[func]
        out: Counter = Counter()
        for caller, edge in callers.items():
            for component, share in shares(caller, depth + 1).items():
                out[component] += share * edge[2] / total
        memo[func] = dict(out)
        return memo[func]

    totals: Counter = Counter()
    for func, (_, _, tt, _, _) in stats.items():
        for component, share in shares(func).items():
            totals[component] += tt * share
    return dict(totals)


# ---------------------------------------------------------------------- the measuring side
def thread_cpu(pid: int) -> dict[int, float]:
    """CPU seconds of each thread of `pid` (schedstat: nanoseconds; else stat: ticks)."""
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out[int(task.name)] = int((task / "schedstat").read_text().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            try:
                fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
                out[int(task.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except OSError:
                continue  # the thread ended meanwhile
    return out


def redis_counters(client) -> dict:
    commands = {name.removeprefix("cmdstat_"): int(stat["calls"])
                for name, stat in client.info("commandstats").items()}
    stats = client.info("stats")
    return {"commands": commands, "reads": int(stats["total_reads_processed"]),
            "in": int(stats["total_net_input_bytes"]), "out": int(stats["total_net_output_bytes"])}


async def drive(url: str, texts: list[str], concurrency: int, turns: int, per_sender: int, seed: int) -> dict:
    """A closed loop of `concurrency` clients; each conversation sends `per_sender` messages."""
    import random

    import aiohttp

    rng = random.Random(seed)
    sent = {"turns": 0, "errors": 0, "request_bytes": 0, "response_bytes": 0, "latencies": []}

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:
        async def client() -> None:
            while sent["turns"] < turns:
                sender = f"profile-{uuid.uuid4().hex}"
                for _ in range(per_sender):
                    if sent["turns"] >= turns:
                        return
                    sent["turns"] += 1
                    body = json.dumps({"sender": sender, "message": rng.choice(texts)}).encode()
                    start = time.perf_counter()
                    async with http.post(url, data=body, headers={"Content-Type": "application/json"}) as resp:
                        answer = await resp.read()
                    sent["latencies"].append(time.perf_counter() - start)
                    sent["request_bytes"] += len(body)
                    sent["response_bytes"] += len(answer)
                    sent["errors"] += resp.status != 200

        start = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        sent["seconds"] = time.perf_counter() - start
    return sent


def serve_command(args, port: int, redis_url: str, result_path: str, profile: bool, domain: str) -> list[str]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", result_path]
    if profile:
        command.append("--child-profile")
    command += ["--", domain, "--model", args.model, "--port", str(port), "--redis-url", redis_url,
                "--log-level", args.log_level, "--threads", str(args.threads), "--no-webchat"]
    if not args.server_defaults:
        command += ["--rate-limit-ip", "0", "--rate-limit-sender", "0", "--no-answer-cache"]
    if args.int8 is not None:
        command.append("--int8" if args.int8 else "--float32")
    if "--workers" not in args.serve_args:  # the counters are one process's: with a worker per CPU the
        command += ["--workers", "1"]  # signals reached the supervisor and nothing was written
    return command + args.serve_args


async def measure_level(args, texts, redis_client, redis_url: str, concurrency: int, profile: bool,
                        code: Path) -> dict:
    from serve_benchmark import free_port, wait_ready
    from side_by_side import spawn, stop

    port = free_port()
    result_path = tempfile.mktemp(prefix="turn_profile_", suffix=".json")
    domain = args.baseline_domain if args.baseline_domain and code == Path(args.baseline) else args.domain
    server = spawn(serve_command(args, port, redis_url, result_path, profile, domain), ROOT,
                   Path(tempfile.gettempdir()) / f"turn_profile_{port}.log", env={"TURN_PROFILE_CODE": str(code)})
    try:
        await wait_ready(port, server)
        url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        await drive(url, texts, 8, args.warmup, args.turns_per_sender, seed=0)
        redis_client.config_resetstat()
        before_redis = redis_counters(redis_client)
        server.send_signal(signal.SIGUSR1)
        await asyncio.sleep(0.2)  # the handler runs on the loop's next pass
        before = thread_cpu(server.pid)
        sent = await drive(url, texts, concurrency, args.turns, args.turns_per_sender, seed=concurrency)
        after = thread_cpu(server.pid)
        after_redis = redis_counters(redis_client)
        server.send_signal(signal.SIGUSR2)
        for _ in range(100):
            if Path(result_path).exists() and Path(result_path).stat().st_size:
                break
            await asyncio.sleep(0.1)
        inside = json.loads(Path(result_path).read_text(encoding="utf-8"))
    finally:
        stop(server)
        Path(result_path).unlink(missing_ok=True)
        if profile and args.keep_profiles:
            Path(result_path + ".prof").replace(Path(args.keep_profiles) / f"loop_c{concurrency}_{code.name}.prof")
        Path(result_path + ".prof").unlink(missing_ok=True)
    turns = sent["turns"]
    spent = {tid: after.get(tid, 0.0) - before.get(tid, 0.0) for tid in after}
    loop = spent.get(server.pid, 0.0)
    probes = 3  # this script's own INFO / CONFIG calls between the two readings
    commands = Counter(after_redis["commands"])
    commands.subtract(before_redis["commands"])
    for probe in ("info", "config|resetstat", "config"):
        commands.pop(probe, None)
    clocks = inside["clocks"]
    return {
        "concurrency": concurrency, "code": str(code), "turns": turns, "errors": sent["errors"], "profiled": profile,
        "cpu_ms": 1000 * sum(spent.values()) / turns, "loop_ms": 1000 * loop / turns,
        "model_threads_ms": 1000 * (sum(spent.values()) - loop) / turns,
        "tokenise_ms": 1000 * clocks.get("tokenise", 0.0) / turns, "forward_ms": 1000 * clocks.get("forward", 0.0) / turns,
        "model_total_ms": 1000 * clocks.get("model total", 0.0) / turns,
        "texts_per_batch": clocks.get("texts", 0) / max(1, clocks.get("batches", 0)),
        "redis_commands": {k: v / turns for k, v in sorted(commands.items()) if v > 0},
        "redis_round_trips": (after_redis["reads"] - before_redis["reads"] - probes) / turns,
        "redis_bytes_in": (after_redis["in"] - before_redis["in"]) / turns,
        "redis_bytes_out": (after_redis["out"] - before_redis["out"]) / turns,
        "http_request_bytes": sent["request_bytes"] / turns, "http_response_bytes": sent["response_bytes"] / turns,
        "components": inside.get("components"), "timeline": inside.get("timeline"),
        "rps": turns / sent["seconds"], "client_ms": 1000 * sum(sent["latencies"]) / turns,
        "client_p99_ms": 1000 * sorted(sent["latencies"])[min(turns - 1, int(0.99 * turns))],
    }


def median_run(runs: list[dict]) -> dict:
    """The run with the median whole-server CPU per turn (all its figures from that one run),
    with every run's CPU figure kept."""
    chosen = dict(sorted(runs, key=lambda lv: lv["cpu_ms"])[len(runs) // 2])
    chosen["cpu_ms_runs"] = [round(lv["cpu_ms"], 3) for lv in runs]
    chosen["loop_ms_runs"] = [round(lv["loop_ms"], 3) for lv in runs]
    return chosen


async def run(args) -> dict:
    import redis

    from framework.store import EmbeddedRedis
    from serve_benchmark import texts_of

    texts = texts_of(args.domain)
    embedded = EmbeddedRedis(tempfile.mkdtemp(prefix="turn_profile_redis_")).start()
    client = redis.Redis.from_url(embedded.url, decode_responses=True)
    results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load": os.getloadavg(),
               "args": {k: v for k, v in vars(args).items() if k != "child"}, "levels": []}
    variants = [("before", Path(args.baseline)), ("after", Path(args.code))] if args.baseline else \
        [("", Path(args.code))]
    try:
        for c in args.concurrency:
            runs: dict[str, list[dict]] = {name: [] for name, _ in variants}
            for r in range(args.repeat):
                for name, code in variants if (c + r) % 2 else variants[::-1]:  # alternate which goes first
                    level = await measure_level(args, texts, client, embedded.url, c, False, code)
                    runs[name].append(level)
                    print(f"  c={c} {name}: {level['cpu_ms']:.2f} CPU ms/turn (loop {level['loop_ms']:.2f}, "
                          f"model threads {level['model_threads_ms']:.2f})", flush=True)
            for name, code in variants:
                level = median_run(runs[name])
                if args.profile:
                    profiled = await measure_level(args, texts, client, embedded.url, c, True, code)
                    level["components"] = profiled["components"]
                level["variant"] = name
                results["levels"].append(level)
    finally:
        client.close()
        embedded.stop()
    results["load_after"] = os.getloadavg()
    return results


def table(results: dict) -> str:
    a = results["args"]
    lines = [f"Run {results['date']}, load average {results['load'][0]:.2f} before / "
             f"{results['load_after'][0]:.2f} after; `{a['domain']}` model `{a['model']}` "
             f"({'int8' if a['int8'] else 'float32' if a['int8'] is False else 'serve default precision'}), "
             f"{a['turns']} turns per level, {a['turns_per_sender']} per conversation, "
             f"{'server defaults (rate limits and answer cache on)' if a['server_defaults'] else 'rate limits and answer cache off'}.",
             ""]
    if a["baseline"]:
        lines.insert(1, f"before = `{a['baseline']}`, after = `{a['code']}`; ratio = after / before.")
    order = {"before": 0, "after": 1, "": 0}
    levels = sorted(results["levels"], key=lambda lv: (lv["concurrency"], order[lv["variant"]]))
    header = []
    for lv in levels:
        header.append(f"c = {lv['concurrency']}" + (f" {lv['variant']}" if lv["variant"] else ""))
        if lv["variant"] == "after":
            header.append(f"c = {lv['concurrency']} ratio")
    lines += ["| measure, per turn | " + " | ".join(header) + " |", "|---|" + "---:|" * len(header)]

    def row(name, fn, ratio=None):
        cells = []
        for i, lv in enumerate(levels):
            cells.append(fn(lv))
            if lv["variant"] == "after":
                before = levels[i - 1]
                cells.append(f"{ratio(lv) / ratio(before):.2f}x" if ratio and ratio(before) else "")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")

    row("**CPU ms, whole server**", lambda lv: f"**{lv['cpu_ms']:.2f}**", lambda lv: lv["cpu_ms"])
    row("  model threads", lambda lv: f"{lv['model_threads_ms']:.2f}", lambda lv: lv["model_threads_ms"])
    row("    tokenisation", lambda lv: f"{lv['tokenise_ms']:.2f}")
    row("    forward pass", lambda lv: f"{lv['forward_ms']:.2f}")
    row("    post-processing (softmax, ranking, spans)",
        lambda lv: f"{lv['model_total_ms'] - lv['tokenise_ms'] - lv['forward_ms']:.2f}")
    row("  event-loop thread", lambda lv: f"{lv['loop_ms']:.2f}", lambda lv: lv["loop_ms"])
    if a["repeat"] > 1:
        row("  (every run: whole server / event loop)", lambda lv: " ".join(f"{x:.2f}" for x in lv["cpu_ms_runs"])
            + " / " + " ".join(f"{x:.2f}" for x in lv["loop_ms_runs"]))
    if any(lv.get("components") for lv in levels):
        for component in COMPONENTS:
            def share(lv, component=component):
                parts = lv.get("components") or {}
                total = sum(parts.values())
                return f"{lv['loop_ms'] * parts.get(component, 0.0) / total:.2f}" if total else "-"
            row(f"    {component}", share)
    row("texts per model batch", lambda lv: f"{lv['texts_per_batch']:.1f}")
    if all(lv.get("timeline") for lv in levels):
        row("turns/s (wall, closed loop; noisy)", lambda lv: f"{lv['rps']:.1f}", lambda lv: lv["rps"])
        row("client latency ms, mean / p99", lambda lv: f"{lv['client_ms']:.1f} / {lv['client_p99_ms']:.1f}")
        row("  in Conversations.handle, mean / p99",
            lambda lv: f"{lv['timeline']['handle_ms']:.1f} / {lv['timeline']['handle_p99_ms']:.1f}")
        row("    waiting for the model, mean / p99",
            lambda lv: f"{lv['timeline']['model_wait_ms']:.1f} / {lv['timeline']['model_wait_p99_ms']:.1f}")
        row("batch hand-off to the thread ms, mean / p99",
            lambda lv: f"{lv['timeline']['handoff_ms']:.2f} / {lv['timeline']['handoff_p99_ms']:.2f}")
        row("batch in the thread ms: wall / CPU",
            lambda lv: f"{lv['timeline']['batch_wall_ms']:.2f} / {lv['timeline']['batch_cpu_ms']:.2f}")
        row("batch hand-back to the loop ms, mean / p99",
            lambda lv: f"{lv['timeline']['handback_ms']:.2f} / {lv['timeline']['handback_p99_ms']:.2f}")
        row("batch sizes (size: count)", lambda lv: " ".join(f"{k}:{v}" for k, v in lv["timeline"]["batch_sizes"].items()))
        row("GC pauses by generation; total / longest ms",
            lambda lv: " ".join(f"g{k}:{v}" for k, v in lv["timeline"]["gc_pauses"].items())
            + f"; {lv['timeline']['gc_ms_total']:.1f} / {lv['timeline']['gc_max_ms']:.2f}")
        row("objects in the oldest generation (frozen) / its growth per turn",
            lambda lv: f"{lv['timeline']['gen2_objects']} ({lv['timeline']['gc_frozen']}) / "
                       f"{lv['timeline']['gen2_growth'] / lv['turns']:.1f}")
    row("Redis round trips", lambda lv: f"{lv['redis_round_trips']:.2f}", lambda lv: lv["redis_round_trips"])
    row("Redis commands executed", lambda lv: f"{sum(lv['redis_commands'].values()):.2f}",
        lambda lv: sum(lv["redis_commands"].values()))
    row("  by command", lambda lv: ", ".join(f"{k} {v:.2f}" for k, v in lv["redis_commands"].items()))
    row("Redis bytes in / out", lambda lv: f"{lv['redis_bytes_in']:.0f} / {lv['redis_bytes_out']:.0f}")
    row("HTTP body bytes in / out", lambda lv: f"{lv['http_request_bytes']:.0f} / {lv['http_response_bytes']:.0f}")
    row("errors (turns)", lambda lv: f"{lv['errors']} ({lv['turns']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        sys.path.insert(0, os.environ.get("TURN_PROFILE_CODE") or str(ROOT))  # the code to measure
        profile = argv[2:3] == ["--child-profile"]
        rest = argv[3 if profile else 2:]
        return child(argv[1], profile, rest[1:] if rest[:1] == ["--"] else rest)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("domain", nargs="?", default="domains/banking_en")
    p.add_argument("--model", default=None, help="default models/<domain name>")
    precision = p.add_mutually_exclusive_group()
    precision.add_argument("--int8", dest="int8", action="store_const", const=True, default=None)
    precision.add_argument("--float32", dest="int8", action="store_const", const=False,
                           help="default: as serve (int8 when the model's int8 check allows)")
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1: CPU per turn, not speed)")
    p.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 8])
    p.add_argument("--turns", type=int, default=400, help="turns measured per level")
    p.add_argument("--repeat", type=int, default=1,
                   help="runs per level and code (alternated; the table shows the median run's figures)")
    p.add_argument("--turns-per-sender", type=int, default=1, help="messages per conversation (1: all new)")
    p.add_argument("--warmup", type=int, default=64, help="turns before each measurement")
    p.add_argument("--profile", action="store_true", help="also split the event loop's CPU by component")
    p.add_argument("--code", default=str(ROOT), metavar="DIR",
                   help="where the server's `framework` package is taken from (default: this checkout)")
    p.add_argument("--baseline", default=None, metavar="DIR",
                   help="also measure the `framework` package in DIR (e.g. `git archive COMMIT framework | tar -x -C DIR`), "
                        "each level alternately, and print after / before ratios")
    p.add_argument("--baseline-domain", metavar="DIR",
                   help="the domain folder the --baseline code serves, where it cannot read today's (e.g. `git "
                        "archive COMMIT domains flows | tar -x -C DIR`); the texts sent stay the positional domain's")
    p.add_argument("--keep-profiles", default=None, metavar="DIR",
                   help="with --profile, keep the event loop's cProfile files there (loop_c<N>_<code dir name>.prof)")
    p.add_argument("--server-defaults", action="store_true",
                   help="keep serve's rate limits and answer cache on (default: off, as serve_benchmark.py)")
    p.add_argument("--log-level", default="WARNING", help="the server's --log-level (INFO: the turn log line)")
    p.add_argument("--serve-args", default="", help="more `serve` options, e.g. '--batch-max 16'")
    p.add_argument("--json", default=None, help="also write the results to this JSON file")
    args = p.parse_args(argv)
    args.model = args.model or str(Path("models") / Path(args.domain).resolve().name)
    args.serve_args = args.serve_args.split()
    from serve_benchmark import show

    show(asyncio.run(run(args)), table, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
