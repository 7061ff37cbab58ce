"""Shared pytest configuration. Fixtures specific to one area live in tests/support/."""
import os
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
# Served models map their word-embedding tables from this cache: a temporary one, not ~/.cache.
os.environ.setdefault("DIALOG_SERVING_CACHE", tempfile.mkdtemp(prefix="dialog_serving_cache_"))

# Session fixtures shared by several modules (imported here so pytest registers them).
from tests.support.example_models import (  # noqa: E402,F401  (trains each example domain once, in the background)
    example_model, pytest_collection_finish, pytest_collection_modifyitems, pytest_sessionfinish)
