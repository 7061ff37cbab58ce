"""`dialog shell --demo-backend` on a busy port: one line, exit 2, before any model loads
(golden text)."""
from __future__ import annotations

import socket
from pathlib import Path

from framework.shell import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "first_run"


def test_a_busy_demo_backend_port_is_one_line_and_exit_2(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code = main([str(ROOT / "domains" / "banking_en"), "--demo-backend", "--backend-port", str(port),
                     "--model", str(tmp_path / "no-model")])
    expected = (GOLDEN / "shell_backend_port_in_use.txt").read_text(encoding="utf-8").format(port=port)
    assert (code, capsys.readouterr().err) == (2, expected)


def test_a_domain_without_a_demo_backend_says_so(tmp_path, capsys):
    from tests.support.serving import write_domain

    domain = write_domain(tmp_path / "shop_zh")
    assert main([str(domain), "--demo-backend", "--model", str(tmp_path / "no-model")]) == 2
    assert capsys.readouterr().err == f"dialog shell: --demo-backend: {domain / 'backend.py'} not found: this domain has no demo backend\n"


def test_backend_port_0_takes_a_free_port_and_the_webhooks_follow(tmp_path, capsys, monkeypatch):
    """Several shells side by side (customer-trial helpers, session 41): `--backend-port 0` started
    the backend nowhere the webhooks called ("Cannot connect to host 127.0.0.1:0")."""
    import io

    import framework.nlu
    from tests.support.fake_classifier import FakeClassifier

    monkeypatch.setattr(framework.nlu, "load_classifier", lambda model_dir, assistant=None, quantize=False,
                        runtime="torch": FakeClassifier({"what's my balance": "check_balance", "1234": "inform"},
                                                        assistant.intents))
    monkeypatch.setattr("sys.stdin", io.StringIO("what's my balance\n1234\n/quit\n"))
    assert main([str(ROOT / "domains" / "banking_en"), "--demo-backend", "--backend-port", "0",
                 "--model", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "demo backend listening on http://127.0.0.1:0" not in out
    assert "$42.35" in out, out
