"""Rendering a response: pick a variant (seeded, so the engine stays pure) and fill in slots."""
from __future__ import annotations

import random
import string
from typing import Any, Mapping

from framework.compile.machine import Assistant, ResponseVariant
from framework.engine.results import Reply

_FORMATTER = string.Formatter()


def choose_variant(variants: tuple[ResponseVariant, ...], channel: str | None, seed: str) -> ResponseVariant:
    """Channel-specific variants win on their channel; elsewhere the channel-less ones are used."""
    pool = [v for v in variants if channel is not None and v.channel == channel]
    if not pool:
        pool = [v for v in variants if v.channel is None] or list(variants)
    if len(pool) == 1:
        return pool[0]
    return random.Random(seed).choice(pool)  # str seeds hash with sha512: stable across runs


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def interpolate(text: str, slots: Mapping[str, Any]) -> str:
    """Replace {slot} placeholders; unknown or unset slots become empty, '{{' is a brace.

    Only plain names are looked up: no attribute access or indexing, so a response text can
    never reach into Python objects the way str.format would allow.
    """
    try:
        parts = list(_FORMATTER.parse(text))
    except ValueError:
        return text  # unbalanced braces: say the text as written
    out = []
    for literal, name, _spec, _conv in parts:
        out.append(literal)
        if name is not None:
            out.append(_display(slots.get(name.strip())))
    return "".join(out)


def render(assistant: Assistant, response: str, slots: Mapping[str, Any], *,
           channel: str | None = None, seed: str = "") -> Reply:
    spec = assistant.responses.get(response)
    if spec is None or not spec.variants:
        return Reply(text=response, response=response)  # the validator reports unknown names
    variant = choose_variant(spec.variants, channel, f"{seed}:{response}")
    return Reply(interpolate(variant.text, slots), response, variant.buttons)
