"""`dialog shell`: refusing to start without a model, and a scripted conversation."""
from __future__ import annotations

import io
import shutil

import framework.nlu
from framework import shell
from tests.support.fake_classifier import FakeClassifier
from tests.support.bank_domain import DOMAIN
from tests.support.redis_server import free_port


def test_refuses_to_start_without_a_trained_model(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert shell.main([str(DOMAIN)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"No trained model at models/bank. Train one first: python train.py {DOMAIN}"


def test_reports_domain_errors(tmp_path, capsys):
    (tmp_path / "domain.yml").write_text("version: '1'\nlanguage: zh\nintents: [\n")
    assert shell.main([str(tmp_path), "--model", str(tmp_path)]) == 2
    assert "domain.yml" in capsys.readouterr().err


def test_scripted_conversation(tmp_path, capsys, monkeypatch):
    loaded = {}

    def fake_load(model_dir, assistant=None, quantize=False, runtime="torch"):
        loaded["dir"], loaded["as_served"] = model_dir, (quantize, runtime)
        return FakeClassifier({"我想开户": "开户"}, assistant.intents, threshold=0.5)

    monkeypatch.setattr(framework.nlu, "load_classifier", fake_load)
    monkeypatch.setattr("sys.stdin", io.StringIO("/debug\n我想开户\n/debug\n张三\n/slots\n/restart\n/slots\n/quit\n"))
    assert shell.main([str(DOMAIN), "--model", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert loaded["dir"] == tmp_path
    assert loaded["as_served"] == ("auto", "auto")  # what `serve` would run, not float32
    assert "debug on" in out and "intent: 开户 (0.95)   flow: open_account.ask_name" in out
    assert "bot> 请问您的姓名？" in out and "bot> 张三，请提供身份证号。" in out
    assert '"name": "张三"' in out and "(new conversation)" in out
    assert out.rstrip().endswith("you> {}\nyou>")  # /restart forgot the slots


def test_demo_backend_listens_on_the_domains_port(tmp_path, capsys, monkeypatch):
    domain = tmp_path / "bank"
    shutil.copytree(DOMAIN, domain)
    port = free_port()
    (domain / "backend.py").write_text(
        f"from aiohttp import web\nPORT = {port}\n\ndef init():\n    return web.Application()\n")
    monkeypatch.setattr(framework.nlu, "load_classifier",
                        lambda model_dir, assistant=None, quantize=False, runtime="torch": FakeClassifier({}, assistant.intents))
    monkeypatch.setattr("sys.stdin", io.StringIO("/quit\n"))
    assert shell.main([str(domain), "--model", str(tmp_path), "--demo-backend"]) == 0
    assert f"demo backend listening on http://127.0.0.1:{port}\n" in capsys.readouterr().out
    assert shell.build_parser().parse_args([str(domain), "--backend-port", "6000"]).backend_port == 6000
