"""benchmarks/precision_near_threshold.py (issue 11, session 24): its buckets and its --help."""
from __future__ import annotations

import importlib.util
import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = ROOT / "benchmarks" / "precision_near_threshold.py"


def _module():
    spec = importlib.util.spec_from_file_location("precision_near_threshold", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_buckets_are_log_odds_distances_from_the_threshold():
    m = _module()
    assert m.bucket(0.7, 0.7) == 0  # at the threshold
    assert m.bucket(0.75, 0.7) == 1  # 0.25 <= log-odds distance 0.25 < 0.5
    assert m.bucket(0.5, 0.7) == 2 and m.bucket(0.9, 0.7) == 3
    assert m.bucket(0.999, 0.7) == 5 and m.bucket(0.001, 0.7) == 5
    assert m.shares([0, 0, 1, 5]) == [0.5, 0.25, 0.0, 0.0, 0.0, 0.25]


def test_help_explains_the_estimate():
    out = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "out-of-fold" in out.stdout and "--test" in out.stdout
