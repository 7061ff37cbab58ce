"""The example domains' models, trained once per test session and shared by every module
that needs them (tests/test_examples_e2e.py, tests/test_convtest_examples.py):

    def test_x(example_model):
        model_dir = example_model("banking_en")   # trains on first use, as `python train.py` does

Training is the real default (`train.py DOMAIN --out DIR --no-progress`: MiniLM for English,
multilingual-e5-small for Chinese), minutes per domain on two cores, so it happens at most
once per session. `DIALOG_TEST_MODELS=DIR` keeps the models in DIR between sessions (a
developer's loop); a kept model is used again only while the domain's intents and examples
are unchanged (its fingerprints are compared), else it is trained again.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
KEEP_ENV = "DIALOG_TEST_MODELS"


def _fingerprint(domain: str) -> str:
    from framework.spec import load_assistant

    assistant = load_assistant(ROOT / "domains" / domain)
    return f"{assistant.intent_fingerprint} {assistant.examples_fingerprint}"


def train_example_model(domain: str, out: Path) -> Path:
    """Train domains/<domain> into `out` with the defaults of `python train.py`."""
    from framework.nlu.train import main

    assert main([f"domains/{domain}", "--out", str(out), "--no-progress"]) == 0
    return out


@pytest.fixture(scope="session")
def example_model(tmp_path_factory) -> Callable[[str], Path]:
    models: dict[str, Path] = {}
    keep = os.environ.get(KEEP_ENV)

    def model(domain: str) -> Path:
        if domain in models:
            return models[domain]
        if keep:
            out, stamp = Path(keep) / domain, Path(keep) / f"{domain}.fingerprint"
            wanted = _fingerprint(domain)
            if not (out.is_dir() and stamp.is_file() and stamp.read_text() == wanted):
                shutil.rmtree(out, ignore_errors=True)
                train_example_model(domain, out)
                stamp.write_text(wanted)
        else:
            out = train_example_model(domain, tmp_path_factory.mktemp(domain) / "model")
        models[domain] = out
        return out

    return model
