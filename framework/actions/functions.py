"""Finding the function a python action names: `module:function`, looked up first as
<domain dir>/<module>.py, then as an importable module; or a name registered with
`framework.actions.register`.

Light on purpose (no aiohttp, no engine): `dialog validate` imports the functions with it
to check that they exist and can be called as `f(slots, context)` or `f(request)`.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import sys
from pathlib import Path
from typing import Any, Callable

from framework.actions.registry import registered


def _domain_module(domain_dir: str, module: str):
    path = Path(domain_dir, *module.split(".")).with_suffix(".py")
    if not domain_dir or not path.is_file():
        return None
    # A private, per-domain module name: two domains may both have an actions.py.
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
    name = f"_dialog_domain_{digest}_{module.replace('.', '_')}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    try:
        spec.loader.exec_module(mod)
    except BaseException:
        del sys.modules[name]
        raise
    return mod


def resolve_function(reference: str, domain_dir: str = "") -> Callable[..., Any]:
    """The callable a python action names; raises LookupError saying what was tried.
    An exception raised while importing the module propagates as it is."""
    if ":" not in reference:
        func = registered(reference)
        if func is None:
            raise LookupError(f"no python action registered as {reference!r} (use @register({reference!r}) "
                              "or write 'module:function')")
        return func
    module_name, _, func_name = reference.partition(":")
    module = _domain_module(domain_dir, module_name)
    if module is None:
        try:
            module = importlib.import_module(module_name)
        except ImportError as err:
            raise LookupError(f"cannot find module {module_name!r} in {domain_dir or '.'} or on sys.path: {err}") from err
    func = getattr(module, func_name, None)
    if not callable(func):
        raise LookupError(f"module {module_name!r} has no function {func_name!r}")
    return func


def positional_parameters(func: Callable[..., Any]) -> list[inspect.Parameter] | None:
    """The parameters a call must fill positionally; None when the signature is unknown."""
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return None
    return [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]


def signature_problem(func: Callable[..., Any]) -> str:
    """'' when the function can be called as f(request) or f(slots, context), else what its
    parameters are."""
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return ""  # a builtin or C function: cannot tell, let the call decide
    for args in ((None,), (None, None)):
        try:
            signature.bind(*args)
            return ""
        except TypeError:
            continue
    return f"parameters ({', '.join(str(p) for p in signature.parameters.values())})"
