"""The engine's fixture domain, tests/fixtures/engine/bank, for tests that converse with it
or execute its actions (transcripts, actions, agent, engine, shell).

    from tests.support.bank_domain import DOMAIN, ID, PHONE, bank
    assistant = bank(backend.url)   # BANK_BACKEND points at the given backend

The ID and phone number are valid values of the domain's id_number and phone slots.
"""
from __future__ import annotations

import functools
from pathlib import Path

from framework.spec import load_assistant

DOMAIN = Path(__file__).parent.parent / "fixtures" / "engine" / "bank"
ID = "11010519491231002X"
PHONE = "13912345678"


@functools.lru_cache(maxsize=None)
def bank(backend_url: str = "http://127.0.0.1:9"):
    return load_assistant(DOMAIN, {"BANK_BACKEND": backend_url})
