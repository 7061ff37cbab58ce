"""`${VAR}` and `${VAR:-default}` in action urls and headers, expanded at load time."""
from __future__ import annotations

import re
from typing import Mapping

_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand(text: str, environ: Mapping[str, str]) -> tuple[str, list[tuple[str, int]]]:
    """`text` with references replaced; also the (name, offset) of each variable that is
    unset and has no default (it expands to "")."""
    missing: list[tuple[str, int]] = []

    def replace(match: re.Match) -> str:
        name, default = match.group(1), match.group(2)
        if name in environ:
            return environ[name]
        if default is None:
            missing.append((name, match.start()))
            return ""
        return default

    return _REFERENCE.sub(replace, text), missing
