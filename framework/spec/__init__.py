"""YAML loading with file:line:column, JSON Schema, cross-checks, and `load_assistant()`.

    from framework.spec import load_assistant
    assistant = load_assistant("domains/telecom_zh")   # raises SpecErrors listing every problem
"""
from __future__ import annotations

import os
from typing import Mapping

from framework.compile.machine import Assistant
from framework.spec.errors import SpecError, SpecErrors

__all__ = ["SpecError", "SpecErrors", "check_domain_dir", "load_assistant"]


def check_domain_dir(domain_dir: str | os.PathLike, environ: Mapping[str, str] | None = None):
    """Reads and checks a domain; returns (tree, problems), the problems sorted by file and
    position (as users see them), so callers and tests get one order. Never raises for bad input."""
    from framework.spec.checks import Context, check_domain
    from framework.spec.files import read_domain
    from framework.spec.flow_checks import check_flows
    from framework.spec.schema import validate_structure

    environ = os.environ if environ is None else environ
    tree, errors = read_domain(domain_dir)
    errors += validate_structure(tree)
    if not tree.complete:
        return tree, sorted(set(errors))  # names defined in an unreadable file would all look undefined
    ctx = Context(tree)
    check_domain(ctx, environ)
    check_flows(ctx)
    return tree, sorted(set(errors + ctx.errors))


def load_assistant(domain_dir: str | os.PathLike, environ: Mapping[str, str] | None = None) -> Assistant:
    """The compiled, frozen assistant of a domain directory, or SpecErrors with all problems."""
    from framework.compile.compiler import compile_assistant

    tree, errors = check_domain_dir(domain_dir, environ)
    if errors or not tree.complete:
        raise SpecErrors(errors)
    return compile_assistant(tree, environ)
