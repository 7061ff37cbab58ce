"""`dialog serve`: its options, and its refusals (exit 2, a message, no traceback)."""
import subprocess
import sys
from pathlib import Path

from framework.server.command import build_parser, config_from_args, main

ROOT = Path(__file__).resolve().parent.parent


def test_help_is_fast_and_torch_free():
    code = ("import sys\nfrom framework.cli import main\ntry:\n    main(['serve', '--help'])\n"
            "except SystemExit as e:\n    assert e.code == 0\nassert 'torch' not in sys.modules, 'torch imported'\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


def test_defaults(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    config = config_from_args(build_parser().parse_args(["domains/telecom_zh"]))
    assert (config.port, config.redis_url, config.workers) == (5005, None, 1)
    assert Path(config.model_dir) == Path("models/telecom_zh")
    monkeypatch.setenv("REDIS_URL", "redis://10.0.0.1:6379/0")
    assert config_from_args(build_parser().parse_args(["d", "--workers", "4"])).redis_url == "redis://10.0.0.1:6379/0"


def test_workers_default_to_one_per_cpu(monkeypatch, capsys):
    """--workers auto (the default outside the tests, which set $DIALOG_WORKERS=1): one per CPU
    this process may use, at most 4; 1 with the socket.io channel; ONNX Runtime's default
    batching takes what arrived while the previous batch ran (no wait)."""
    import pytest

    from framework.nlu.threads import available_cpus
    from framework.server.command import MAX_AUTO_WORKERS

    monkeypatch.delenv("DIALOG_WORKERS")
    config = config_from_args(build_parser().parse_args(["d"]))
    assert config.workers == max(1, min(MAX_AUTO_WORKERS, available_cpus()))
    assert config.batch_wait_ms == 0.0 and config.runtime == "auto"
    assert config_from_args(build_parser().parse_args(["d", "--socketio"])).workers == 1
    assert config_from_args(build_parser().parse_args(["d", "--workers", "3"])).workers == 3
    monkeypatch.setenv("DIALOG_WORKERS", "2")
    assert config_from_args(build_parser().parse_args(["d"])).workers == 2
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["d", "--workers", "many"])
    assert exited.value.code == 2 and "expected a number of workers or auto, not 'many'" in capsys.readouterr().err


def test_invalid_domain_exits_2_without_traceback(tmp_path, capsys):
    (tmp_path / "domain.yml").write_text("version: '1'\nlanguage: zh\nintents: 5\n", encoding="utf-8")
    assert main([str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "domain.yml" in err and "Traceback" not in err


def test_model_for_other_intents_exits_2(tmp_path, capsys):
    from tests.support.tiny_model import train_tiny_model
    from tests.support.serving import write_domain

    domain = write_domain(tmp_path / "shop_zh")
    model = train_tiny_model([("hello", "greet"), ("bye", "goodbye")], tmp_path / "model")
    assert main([str(domain), "--model", str(model), "--redis-url", "redis://127.0.0.1:9/0"]) == 2
    assert "retrain" in capsys.readouterr().err.lower()
