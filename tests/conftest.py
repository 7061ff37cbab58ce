"""Shared pytest configuration. Fixtures specific to one area live in tests/support/."""
import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Nothing may reach the network: model hubs are offline in every test.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# `serve` starts one worker per CPU by default (--workers auto); servers the tests start run
# one, beside the example models' training (tests/test_server_command.py tests the default).
os.environ.setdefault("DIALOG_WORKERS", "1")
# Served models map their word-embedding tables from this cache: a temporary one, not ~/.cache,
# removed when the session ends (each session wrote ~240 MB there and left it behind).
if "DIALOG_SERVING_CACHE" not in os.environ:
    os.environ["DIALOG_SERVING_CACHE"] = tempfile.mkdtemp(prefix="dialog_serving_cache_")
    atexit.register(shutil.rmtree, os.environ["DIALOG_SERVING_CACHE"], ignore_errors=True)

# The suite starts hundreds of servers (framework.server.app.init) in this one process, whose
# heap (torch, transformers, hypothesis, every test module) made each start-up's two full
# collections cost ~1 s of CPU: they are off here (framework.server.heap.COLLECT, a test-only
# hook; the heap is still frozen and thawed as in a server). tests/test_perf_serve_heap.py,
# which tests the collections themselves, turns them back on; server processes the tests
# start (`dialog serve` children) always collect.
from framework.server import heap as _heap  # noqa: E402  (no heavy imports: asyncio, gc)

_heap.COLLECT = False

# Session fixtures shared by several modules (imported here so pytest registers them).
from tests.support.example_models import (  # noqa: E402,F401  (trains each example domain once, in the background)
    example_model, pytest_collection_finish, pytest_collection_modifyitems, pytest_sessionfinish)
