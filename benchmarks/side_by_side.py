#!/usr/bin/env python3
"""dialogframe against Rasa 3.6, side by side in one run (loopback only, bounded).

    python benchmarks/side_by_side.py --setup-rasa          # once: var/rasa-venv (large)
    nice python benchmarks/side_by_side.py --prepare        # ahead of the run: train the Rasa models
    nice python benchmarks/side_by_side.py                  # banking_en and telecom_zh

For each domain: a Rasa project is built from the same domain (its intents and their
example texts; one rule per intent answering a fixed text; Rasa's recommended pipeline and
policies, with JiebaTokenizer for Chinese), trained once (Rasa skips retraining when the
project did not change; `--prepare` trains them ahead of the run, so that the run itself
only serves), and served next to `dialogframe serve` on loopback. One client
drives both, level by level, Rasa then dialogframe at each concurrency (interleaved, so
that a change in the shared machine's load hits both), with the same texts, a fresh
sender per request (a new conversation each time) and a closed loop of N clients for at
most --seconds or --requests per level. The domain's demo business backend runs in its own
process on the port its webhooks call (`--no-demo-backend`: none, as before 2026-12-03), so
that a turn that ends at a webhook makes a real call. It prints one table per domain: req/s and p99 at
each concurrency, the ratios, p99 at half the best throughput (open loop), start to first
answer, RSS, and the issue-11 goals met or missed by how much.

Rasa is a benchmark tool here, never a dependency of the project: it lives in its own
virtualenv (Python 3.10, `pip install rasa==3.6.21 jieba`), made by `--setup-rasa`.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import subprocess
import sys
import shutil
import tempfile
import time
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import light_client  # noqa: E402
from serve_benchmark import CLIENTS, closed_loop, open_loop, texts_of  # noqa: E402

CLIENT_WORDS = {"light": "benchmarks/light_client.py on uvloop", "aiohttp": "aiohttp's, on asyncio's loop"}

RASA_VERSION = "3.6.21"
PYTHON_310 = "/root/.pyenv/versions/3.10.13/bin/python"
WEBHOOK = "/webhooks/rest/webhook"
RASA_ENV = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}  # loopback only: no telemetry

# `rasa init`'s config.yml for 3.6 (its recommended pipeline and policies); for Chinese
# the tokenizer is Jieba, as in Rasa's docs for languages without whitespace.
RASA_CONFIG = """recipe: default.v1
language: {language}
pipeline:
  - name: {tokenizer}
  - name: RegexFeaturizer
  - name: LexicalSyntacticFeaturizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 4
  - name: DIETClassifier
    epochs: {epochs}
    constrain_similarities: true
  - name: EntitySynonymMapper
  - name: ResponseSelector
    epochs: {epochs}
    constrain_similarities: true
  - name: FallbackClassifier
    threshold: 0.3
    ambiguity_threshold: 0.1
policies:
  - name: MemoizationPolicy
  - name: RulePolicy
  - name: UnexpecTEDIntentPolicy
    max_history: 5
    epochs: {epochs}
  - name: TEDPolicy
    max_history: 5
    epochs: {epochs}
    constrain_similarities: true
"""


def rasa_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def setup_rasa(venv: Path) -> int:
    """Make the Rasa virtualenv: pyenv's Python 3.10, rasa==3.6.21 and jieba."""
    if not Path(PYTHON_310).exists():
        print(f"Rasa 3.6 needs Python 3.10; {PYTHON_310} is missing (pyenv install 3.10.13)", file=sys.stderr)
        return 2
    if not rasa_python(venv).exists():
        subprocess.run([PYTHON_310, "-m", "venv", str(venv)], check=True)
    pip = [str(rasa_python(venv)), "-m", "pip", "install", f"rasa=={RASA_VERSION}", "jieba"]
    print(" ".join(pip), flush=True)
    return subprocess.run(pip).returncode


def rasa_missing(venv: Path) -> str | None:
    python = rasa_python(venv)
    if not python.exists():
        return f"no Rasa virtualenv at {venv}"
    probe = subprocess.run([str(python), "-c", "import rasa, jieba; print(rasa.__version__)"],
                           capture_output=True, text=True)
    if probe.returncode or probe.stdout.strip() != RASA_VERSION:
        return f"{venv} has no rasa=={RASA_VERSION} with jieba ({(probe.stderr or probe.stdout).strip()[-200:]})"
    return None


def write_rasa_project(domain: str, project: Path, epochs: int) -> dict:
    """domain.yml, data/nlu.yml, data/rules.yml, config.yml, credentials.yml from the
    dialogframe domain. Intents get ASCII names (intent_0, ...): the answer text carries
    the original name, so both servers' answers can be compared by eye."""
    from framework.spec import load_assistant

    assistant = load_assistant(domain)
    names = {name: f"intent_{i}" for i, name in enumerate(assistant.intents)}
    q = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731  (a JSON string is a YAML string)
    project.mkdir(parents=True, exist_ok=True)
    (project / "data").mkdir(exist_ok=True)
    nlu = ['version: "3.1"', "nlu:"]
    for name, intent in assistant.intents.items():
        if not intent.examples:
            continue
        nlu.append(f"- intent: {names[name]}\n  examples: |")
        nlu.extend(f"    - {' '.join(e.text.split())}" for e in intent.examples)
    trained = [n for n, i in assistant.intents.items() if i.examples]
    rules = ['version: "3.1"', "rules:"]
    for name in trained:
        rules.append(f"- rule: answer {names[name]}\n  steps:\n  - intent: {names[name]}\n"
                     f"  - action: utter_{names[name]}")
    domain_yml = ['version: "3.1"', "intents:"] + [f"  - {names[n]}" for n in trained]
    domain_yml += ["responses:"] + [f"  utter_{names[n]}:\n  - text: {q('answer: ' + n)}" for n in trained]
    domain_yml += ["session_config:\n  session_expiration_time: 60\n  carry_over_slots_to_new_session: true"]
    zh = (assistant.language or "en").lower().startswith("zh")
    files = {
        "data/nlu.yml": "\n".join(nlu) + "\n",
        "data/rules.yml": "\n".join(rules) + "\n",
        "domain.yml": "\n".join(domain_yml) + "\n",
        "config.yml": RASA_CONFIG.format(language="zh" if zh else "en", epochs=epochs,
                                         tokenizer="JiebaTokenizer" if zh else "WhitespaceTokenizer"),
        "credentials.yml": "rest:\n",
        "endpoints.yml": "",
    }
    for rel, text in files.items():
        path = project / rel
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    digest = hashlib.sha256("".join(files[k] for k in sorted(files)).encode()).hexdigest()[:12]
    return {"intents": len(trained), "examples": sum(len(assistant.intents[n].examples) for n in trained),
            "digest": digest, "language": "zh" if zh else "en"}


def train_rasa(venv: Path, project: Path, digest: str) -> float | None:
    """Train unless a model of this exact project exists. Returns the seconds it took
    (None: reused)."""
    venv, model = venv.resolve(), project / "models" / f"{digest}.tar.gz"
    if model.exists():
        return None
    start = time.monotonic()
    log = project / "train.log"
    with open(log, "wb") as out:
        code = subprocess.run([str(venv / "bin" / "rasa"), "train", "--fixed-model-name", digest, "--out", "models"],
                              cwd=project, stdout=out, stderr=subprocess.STDOUT,
                              env={**os.environ, **RASA_ENV}).returncode
    if code or not model.exists():
        raise RuntimeError(f"rasa train failed (exit {code}); see {log}")
    return time.monotonic() - start


def train_dialogframe(domain: str, model_dir: Path) -> float | None:
    if (model_dir / "artifact.json").exists():
        return None
    start = time.monotonic()
    subprocess.run([sys.executable, "train.py", domain, "--out", str(model_dir)], cwd=ROOT, check=True)
    return time.monotonic() - start


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(command: list[str], cwd: Path, log: Path, env: dict | None = None) -> subprocess.Popen:
    out = open(log, "wb")  # never a pipe: it could fill and stall the server
    return subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}, start_new_session=True)


async def first_answer(port: int, process: subprocess.Popen, text: str, log: Path, timeout: float = 300) -> float:
    """Seconds from the process start until the webhook gives a non-empty answer: the same
    readiness test for both servers (Rasa's HTTP port opens before its model is loaded)."""
    started = time.monotonic()
    async with aiohttp.ClientSession() as http:
        while time.monotonic() - started < timeout:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited ({process.returncode}); see {log}")
            try:
                async with http.post(f"http://127.0.0.1:{port}{WEBHOOK}", json={"sender": "ready", "message": text},
                                     timeout=aiohttp.ClientTimeout(total=10)) as resp:
                    if resp.status == 200 and await resp.json():
                        return time.monotonic() - started
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                pass
            await asyncio.sleep(0.05)
    raise TimeoutError(f"no answer within {timeout}s; see {log}")


# The domain's demo business backend in a process of its own, on the port its webhooks call:
# a full turn that ends at a webhook (a balance request with the card digits) makes a real
# HTTP call, as in production, instead of waiting out a refused connection's retry.
BACKEND = """
import asyncio, sys
from framework.actions.demo_backend import start_demo_backend
async def main():
    await start_demo_backend(sys.argv[1], "127.0.0.1", int(sys.argv[2]))
    print("listening", flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
"""


async def backend_ready(port: int, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the demo backend exited ({process.returncode}); see {log}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise TimeoutError(f"the demo backend did not listen on {port} within {timeout}s; see {log}")


def rss_mb(process: subprocess.Popen) -> float:
    """RSS of the serving processes, Redis excluded (largest one: per worker)."""
    parent = psutil.Process(process.pid)
    procs = [parent] + [c for c in parent.children(recursive=True) if "redis" not in c.name()]
    return max(p.memory_info().rss for p in procs) / 2**20


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)


async def measure_domain(args, domain: str) -> dict:
    name = Path(domain).resolve().name
    work = ROOT / args.work / name
    project = work / "rasa"
    info = write_rasa_project(domain, project, args.rasa_epochs)
    print(f"[{name}] {info['intents']} intents, {info['examples']} examples; training Rasa if needed ...", flush=True)
    result: dict = {"domain": name, **info, "rasa_train_s": train_rasa(args.rasa_venv, project, info["digest"])}
    model_dir = Path(args.model_root) / name
    result["model"] = str(model_dir)
    result["dialogframe_train_s"] = train_dialogframe(domain, model_dir)
    texts = texts_of(domain)

    from framework.store import EmbeddedRedis

    redis = EmbeddedRedis(tempfile.mkdtemp(prefix="side_by_side_redis_")).start()
    servers: dict[str, tuple[subprocess.Popen, int]] = {}
    backend = None
    try:
        if args.demo_backend:
            from framework.actions.demo_backend import default_port

            port = default_port(domain)
            log = work / "demo_backend.log"
            backend = spawn([sys.executable, "-c", BACKEND, domain, str(port)], ROOT, log)
            await backend_ready(port, backend, log)
            result["demo_backend_port"] = port
        # Start one at a time, so that each start is measured on the same (otherwise idle) server side.
        port = free_port()
        log = work / "rasa_serve.log"
        proc = spawn([str(args.rasa_venv / "bin" / "rasa"), "run", "-m", f"models/{info['digest']}.tar.gz",
                      "--port", str(port), "-i", "127.0.0.1", "--credentials", "credentials.yml"], project, log,
                     env={"SANIC_WORKERS": "1", **RASA_ENV})
        servers["rasa"] = (proc, port)
        result["rasa_ready_s"] = await first_answer(port, proc, texts[0], log)
        port = free_port()
        log = work / "dialogframe_serve.log"
        proc = spawn([sys.executable, "-m", "framework", "serve", domain, "--model", str(model_dir), "--port",
                      str(port), "--redis-url", redis.url, "--rate-limit-ip", "0", "--rate-limit-sender", "0",
                      "--no-answer-cache", "--log-level", "WARNING", "--redis-dir", str(work / "redis"),
                      *args.serve_args.split()], ROOT, log)
        servers["dialogframe"] = (proc, port)
        result["dialogframe_ready_s"] = await first_answer(port, proc, texts[0], log)
        print(f"  ready: Rasa {result['rasa_ready_s']:.1f} s, dialogframe {result['dialogframe_ready_s']:.1f} s",
              flush=True)
        for which, (_, port) in servers.items():  # warm up both
            await closed_loop(f"http://127.0.0.1:{port}{WEBHOOK}", "turn", texts, 8, 64, 10, args.client)
        result["levels"] = []
        for c in args.concurrency:
            row = {"concurrency": c}
            for which, (_, port) in servers.items():
                r = await closed_loop(f"http://127.0.0.1:{port}{WEBHOOK}", "turn", texts, c,
                                      max(args.requests, 4 * c), args.seconds, args.client)
                row[which] = r
                print(f"  c={c:<4d} {which:12s} {r['rps']:7.1f} req/s  p50 {r['p50']:7.1f}  p99 {r['p99']:7.1f} ms"
                      f"  ({r['requests']} req, {r['errors']} errors; client {r['client_cpu_ms']:.2f} CPU ms a request)",
                      flush=True)
            result["levels"].append(row)
        for which, (proc, port) in servers.items():
            best = max(row[which]["rps"] for row in result["levels"])
            half = await open_loop(f"http://127.0.0.1:{port}{WEBHOOK}", "turn", texts, best / 2, args.open_seconds,
                                   args.client, warm=args.open_warm)
            result[f"{which}_half_load"] = half
            result[f"{which}_rss_mb"] = rss_mb(proc)
            print(f"  {which}: open loop at {best / 2:.0f} req/s p99 {half['p99']:.1f} ms; "
                  f"RSS {result[which + '_rss_mb']:.0f} MB", flush=True)
    finally:
        for proc, _ in servers.values():
            stop(proc)
        if backend is not None:
            stop(backend)
        redis.stop()
        shutil.rmtree(redis.directory, ignore_errors=True)
    return result


def prepare(args) -> int:
    """Train each domain's Rasa model now (the run reuses it: same project digest), and put
    the dialogframe model's served network (quantised as its check chose) and word-embedding
    table into the serving cache, which the first `serve` of a model otherwise writes
    (framework/nlu/quantized_cache.py, mapped_embeddings.py)."""
    import compileall

    # A pip-installed package has its bytecode written at install; an editable checkout run
    # with PYTHONDONTWRITEBYTECODE=1 would compile ~120 modules at every timed start.
    compileall.compile_dir(str(ROOT / "framework"), quiet=1)
    for domain in args.domains:
        name = Path(domain).resolve().name
        project = ROOT / args.work / name / "rasa"
        info = write_rasa_project(domain, project, args.rasa_epochs)
        seconds = train_rasa(args.rasa_venv, project, info["digest"])
        model = project / "models" / f"{info['digest']}.tar.gz"
        print(f"[{name}] {info['intents']} intents, {info['examples']} examples: "
              + (f"trained in {seconds:.0f} s" if seconds is not None else "already trained") + f" ({model})",
              flush=True)
        model_dir = Path(args.model_root) / name
        if (model_dir / "artifact.json").exists():  # the first start would write it: not a start to time
            from framework.nlu.mapped_embeddings import map_word_embeddings
            from framework.nlu.model import load_classifier
            from framework.nlu.precision import served_precision

            # Loaded as `serve` will load it: the quantised network and the table are cached.
            precision = served_precision(model_dir)
            mapped = map_word_embeddings(load_classifier(model_dir, quantize=precision, threads=1).network)
            print(f"[{name}] {model_dir}: {precision} network and word-embedding table in the serving cache "
                  f"({mapped / 2**20:.0f} MB)", flush=True)
    return 0


def ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def table(result: dict, serve_args: str) -> str:
    d = result
    lines = [f"**{d['domain']}** ({d['intents']} intents, {d['examples']} examples; dialogframe "
             f"`serve --model {d.get('model')} {serve_args or '(defaults)'}`"
             + (f"; its webhooks answered by the demo backend in its own process on port {d['demo_backend_port']}"
                if d.get("demo_backend_port") else "; no demo backend: a turn that reaches a webhook waits out its retry")
             + ")", "",
             "| concurrency | Rasa req/s (p99 ms) | dialogframe req/s (p99 ms) | ratio | goal | client CPU ms a request |",
             "|---:|---:|---:|---:|---|---|"]
    for row in d["levels"]:
        rasa, df, c = row["rasa"], row["dialogframe"], row["concurrency"]
        r, goal = ratio(df["rps"], rasa["rps"]), 1.5 if row["concurrency"] == 1 else 5.0
        verdict = "met" if r >= goal else f"missed: {r / goal:.0%} of {goal}x"
        errors = f", {rasa['errors']}/{df['errors']} errors" if rasa["errors"] or df["errors"] else ""
        lines.append(f"| {c} | {rasa['rps']:.1f} ({rasa['p99']:.1f}) | {df['rps']:.1f} ({df['p99']:.1f}) | "
                     f"**{r:.2f}x** | >= {goal}x: {verdict}{errors} | "
                     f"{rasa.get('client_cpu_ms', float('nan')):.2f} / {df.get('client_cpu_ms', float('nan')):.2f} |")
    rh, dh = d["rasa_half_load"], d["dialogframe_half_load"]
    lines += ["",
              f"| | Rasa {RASA_VERSION} | dialogframe | goal |", "|---|---:|---:|---|",
              f"| p99 at half the best req/s (open loop, {dh.get('warm_s', 0):g} s warm-up) | {rh['p99']:.1f} ms at "
              f"{rh['rate']:.0f}/s | "
              f"{dh['p99']:.1f} ms at {dh['rate']:.0f}/s | < 50 ms: {'met' if dh['p99'] < 50 else 'missed'} |",
              f"| start to first answer | {d['rasa_ready_s']:.1f} s | {d['dialogframe_ready_s']:.1f} s | "
              f"< 3 s: {'met' if d['dialogframe_ready_s'] < 3 else 'missed'} |",
              f"| RSS per serving process | {d['rasa_rss_mb']:.0f} MB | {d['dialogframe_rss_mb']:.0f} MB | "
              f"< 400 MB: {'met' if d['dialogframe_rss_mb'] < 400 else 'missed'} |"]
    trained = [f"{who} trained in {s:.0f} s" for who, s in (("Rasa", d["rasa_train_s"]),
                                                            ("dialogframe", d["dialogframe_train_s"])) if s]
    if trained:
        lines += ["", "; ".join(trained) + " (this run)."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("domains", nargs="*", default=["domains/banking_en", "domains/telecom_zh"])
    p.add_argument("--setup-rasa", action="store_true", help=f"make the Rasa virtualenv (rasa=={RASA_VERSION}) and exit")
    p.add_argument("--prepare", action="store_true",
                   help="build and train the domains' Rasa projects (kept under --work, reused by the run while "
                        "the domain and --rasa-epochs stay the same), cache the --model-root models' word-embedding "
                        "tables for serving, and exit")
    p.add_argument("--rasa-venv", type=Path, default=ROOT / "var" / "rasa-venv")
    p.add_argument("--rasa-epochs", type=int, default=100, help="DIET/TED/ResponseSelector epochs (rasa init: 100)")
    p.add_argument("--work", default="var/side_by_side", help="Rasa projects and server logs, per domain")
    p.add_argument("--model-root", default="models", help="dialogframe models: ROOT/<domain name> (trained if missing)")
    p.add_argument("--serve-args", default="", help="extra `dialogframe serve` options, e.g. '--workers 2'")
    p.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 8, 32, 128])
    p.add_argument("--seconds", type=float, default=10.0, help="most seconds per level and server")
    p.add_argument("--requests", type=int, default=2000, help="most requests per level and server")
    p.add_argument("--open-seconds", type=float, default=8.0, help="the half-load open-loop run, per server")
    p.add_argument("--open-warm", type=float, default=2.0,
                   help="seconds sent at the half-load rate before it is measured, per server, so that the client has "
                        "its connections open (0: none, as runs before 2026-12-07 14:10 UTC)")
    p.add_argument("--json", default=None, help="also write the results to this JSON file")
    p.add_argument("--client", choices=CLIENTS, default="light",
                   help="the load generator's HTTP client: light (default; benchmarks/light_client.py on uvloop, "
                        "less CPU a request than aiohttp's, so that the client takes less of the cores the "
                        "servers share; the table shows it) or aiohttp (aiohttp's client on asyncio's loop, as runs before "
                        "2026-12-07 11:00 UTC)")
    p.add_argument("--no-demo-backend", dest="demo_backend", action="store_false",
                   help="start no demo backend: turns that reach a webhook wait out a refused connection "
                        "(as runs before 2026-12-03 15:00 UTC did)")
    args = p.parse_args(argv)
    if args.setup_rasa:
        return setup_rasa(args.rasa_venv)
    problem = rasa_missing(args.rasa_venv)
    if problem:
        print(f"{problem}.\nMake it once with: python benchmarks/side_by_side.py --setup-rasa "
              f"(Python 3.10 from pyenv, pip install rasa=={RASA_VERSION} jieba; about 2 GB)", file=sys.stderr)
        return 2
    if args.prepare:
        return prepare(args)
    started, load = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.getloadavg()[0]
    # the light client on uvloop; aiohttp's on asyncio's loop, as the runs before 2026-12-07 11:00 UTC
    run = light_client.run if args.client == "light" else asyncio.run
    results = [run(measure_domain(args, d)) for d in args.domains]
    print(f"\nSide by side, {started}, {os.cpu_count()} CPU cores, load average before the run "
          f"{load:.1f}; Rasa {RASA_VERSION} (one Sanic worker, in-memory tracker store), "
          f"dialogframe (embedded Redis); one client ({CLIENT_WORDS[args.client]}), a fresh sender per request, at most "
          f"{args.seconds:.0f} s or {args.requests} requests per level and server.\n")
    for r in results:
        print(table(r, args.serve_args) + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps({"date": started, "args": {k: str(v) for k, v in vars(args).items()},
                                               "results": results}, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
