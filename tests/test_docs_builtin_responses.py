"""docs/DESIGN.md names every built-in response a domain may replace (the list had fallen
behind by eleven names by session 23)."""
from __future__ import annotations

from pathlib import Path

from framework.engine.builtin_responses import BUILTIN_RESPONSES

DESIGN = Path(__file__).resolve().parent.parent / "docs" / "DESIGN.md"


def test_design_lists_every_builtin_response():
    text = DESIGN.read_text(encoding="utf-8")
    assert [name for name in sorted(BUILTIN_RESPONSES) if f"`{name}`" not in text] == []
