"""Slot types: parse and validate a value, and find typed values inside an utterance. Pure.

The names below are loaded on first use (PEP 562), so that the validator, which needs only
`framework.slots.bounds`, does not load the extractors and the NLU interface with it.
"""
import importlib

_EXPORTS = {
    "GENERIC_EXTRACTORS": "framework.slots.entities", "extract_entities": "framework.slots.entities",
    "id_check_char": "framework.slots.identity",
    "ParseResult": "framework.slots.values", "parse_value": "framework.slots.values", "yes_no": "framework.slots.values",
}

__all__ = ["GENERIC_EXTRACTORS", "ParseResult", "extract_entities", "id_check_char", "parse_value", "yes_no"]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'framework.slots' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value
