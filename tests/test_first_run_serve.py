"""`serve` as a newcomer first meets it: a busy port is one clear line (exit 2, no
traceback; golden texts), the demo backend listens where the domain's webhooks call it, and
the embedded Redis's address and the chat page's address are printed at startup."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.redis_server import free_port

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "first_run"
BANKING = ROOT / "domains" / "banking_en"
ENV = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}  # the embedded Redis


def serve(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "serve.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=ENV)


def golden(name: str, **values) -> str:
    return (GOLDEN / f"{name}.txt").read_text(encoding="utf-8").format(**values)


@pytest.fixture
def busy_port():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        yield taken.getsockname()[1]


def test_a_busy_port_is_one_line_and_exit_2(busy_port, tmp_path):
    out = serve(str(BANKING), "--port", str(busy_port), "--model", str(tmp_path / "no-model"))
    assert (out.returncode, out.stderr) == (2, golden("serve_port_in_use", port=busy_port))
    assert "Traceback" not in out.stdout + out.stderr
    assert "training" not in out.stdout  # refused before any model is trained or loaded


def test_a_busy_demo_backend_port_is_one_line_and_exit_2(busy_port, tmp_path):
    out = serve(str(BANKING), "--port", str(free_port()), "--demo-backend", "--backend-port", str(busy_port),
                "--model", str(tmp_path / "no-model"))
    assert (out.returncode, out.stderr) == (2, golden("serve_backend_port_in_use", port=busy_port))


def test_a_cors_value_that_is_no_origin_is_one_line_and_exit_2():
    out = serve(str(BANKING), "--cors", "https://shop.example.com", "--cors", "shop.example.com/chat")
    assert (out.returncode, out.stderr) == (2, golden("serve_bad_cors"))


def test_the_demo_backend_port_follows_the_domain_unless_given():
    from framework.server.command import build_parser, config_from_args, ports_problem
    from framework.spec import load_assistant

    config = config_from_args(build_parser().parse_args([str(BANKING), "--demo-backend", "--port", str(free_port())]))
    assert config.demo_backend_port is None
    problem = ports_problem(config, load_assistant(BANKING))
    assert config.demo_backend_port == 5056  # banking_en's backend.py PORT, which its webhooks call
    assert problem is None or "5056" in problem  # another program may hold 5056 on this machine
    given = config_from_args(build_parser().parse_args([str(BANKING), "--demo-backend", "--backend-port", "6001"]))
    assert given.demo_backend_port == 6001


def test_startup_prints_the_embedded_redis_and_the_chat_page(tmp_path):
    """A real `serve.py` process with a tiny model: what it prints, then a clean stop."""
    from framework.spec import load_assistant
    from tests.support.serving import training_examples, write_domain
    from tests.support.tiny_model import train_tiny_model

    domain = write_domain(tmp_path / "shop_zh")
    assistant = load_assistant(domain)
    model = train_tiny_model(training_examples(assistant), tmp_path / "model",
                             intent_fingerprint=assistant.intent_fingerprint)
    port = free_port()
    process = subprocess.Popen([sys.executable, "serve.py", str(domain), "--model", str(model), "--port", str(port),
                                "--redis-dir", str(tmp_path / "redis")], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env=ENV)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 120  # a bound on a busy machine, not a timing assertion
        while time.monotonic() < deadline and process.poll() is None:
            line = process.stdout.readline()
            lines.append(line)
            if "listening on" in line:
                break
        output = "".join(lines)
        redis = re.search(r"^Redis: embedded redis-server at (redis://127\.0\.0\.1:(\d+)/0) \(data in (.+?);", output,
                          re.M)
        assert redis, output
        assert Path(redis.group(3)) == tmp_path / "redis"
        with socket.create_connection(("127.0.0.1", int(redis.group(2))), timeout=5) as conn:
            conn.sendall(b"PING\r\n")
            assert conn.recv(16) == b"+PONG\r\n"
        assert f"Chat in your browser: http://127.0.0.1:{port}/" in output, output
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            assert b'<html lang="zh"' in page.read()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_demo_backend_on_another_port_than_the_webhooks_is_said(capsys):
    """`--backend-port 6001` while banking_en's webhooks call 127.0.0.1:5056 (customer trial,
    session 13: every transfer failed "could not connect" with no hint why): both commands
    warn, name the webhooks and the way out, and still start (the user may mean it)."""
    from framework.actions.demo_backend import unreached_webhooks_warning
    from framework.server.command import build_parser, config_from_args, ports_problem
    from framework.spec import load_assistant

    assistant = load_assistant(BANKING)
    assert unreached_webhooks_warning(assistant, 5056) is None
    warning = unreached_webhooks_warning(assistant, 6001)
    assert "127.0.0.1:6001" in warning and "send_money call 127.0.0.1:5056" in warning
    assert "leave out --backend-port" in warning
    # Since session 27 the webhooks that call the backend's usual port follow --backend-port (customer
    # trial helpers found every action failing); a local webhook on a third port is still warned about.
    port = free_port()
    config = config_from_args(build_parser().parse_args([str(BANKING), "--demo-backend", "--backend-port", str(port)]))
    assert ports_problem(config, assistant) is None
    assert "warning" not in capsys.readouterr().err
    other = _with_webhook(assistant, "http://127.0.0.1:6123/x")
    assert ports_problem(config, other) is None
    assert f"serve: warning: the demo backend listens on 127.0.0.1:{port}" in capsys.readouterr().err
    out = subprocess.run([sys.executable, "-m", "framework", "shell", str(BANKING), "--demo-backend",
                          "--backend-port", str(port), "--model", "/nonexistent"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 2
    assert "warning" not in out.stderr and "No trained model at /nonexistent" in out.stderr


def _with_webhook(assistant, url):
    import dataclasses

    from framework.compile.machine import WebhookAction

    return dataclasses.replace(assistant, actions={**assistant.actions, "elsewhere": WebhookAction("elsewhere", url)})


def test_webhooks_follow_the_demo_backends_port():
    from framework.actions.demo_backend import follow_backend_port
    from framework.spec import load_assistant

    assistant = _with_webhook(load_assistant(BANKING, environ={}), "http://127.0.0.1:6123/x")
    moved = follow_backend_port(assistant, 5056, 6001)
    assert moved.actions["send_money"].url.startswith("http://127.0.0.1:6001/")
    assert moved.actions["send_money"].url.split(":6001", 1)[1] == assistant.actions["send_money"].url.split(":5056", 1)[1]
    assert moved.actions["elsewhere"].url == "http://127.0.0.1:6123/x"
    assert follow_backend_port(assistant, 5056, 5056) is assistant
