"""Start a domain's demo business backend (<domain dir>/backend.py, `def init() -> web.Application`)
in this process, so `serve --demo-backend` and `shell --demo-backend` work without a second terminal.

It listens where the domain's webhooks expect it: the backend's own `PORT`, else the port of
the first webhook URL on this machine, else 5055 (see `default_port`).
"""
from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

from aiohttp import web

from framework.compile.machine import Assistant, WebhookAction

DEFAULT_PORT = 5055
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})


def load_backend(domain_dir: str | Path) -> ModuleType:
    """The domain's backend.py as a module (not registered in sys.modules)."""
    path = Path(domain_dir) / "backend.py"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: this domain has no demo backend")
    spec = importlib.util.spec_from_file_location(f"_dialog_backend_{Path(domain_dir).resolve().name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def webhook_port(assistant: Assistant) -> int | None:
    """The port of the first webhook action whose URL points at this machine."""
    for action in assistant.actions.values():
        if not isinstance(action, WebhookAction):
            continue
        try:
            url = urlsplit(action.url)
            port = url.port
        except ValueError:  # a malformed URL: the validator's business
            continue
        if url.hostname in _LOCAL_HOSTS:
            return port or (443 if url.scheme == "https" else 80)
    return None


def default_port(domain_dir: str | Path, assistant: Assistant | None = None,
                 module: ModuleType | None = None) -> int:
    """Where the demo backend should listen: `PORT` in backend.py, else the first local
    webhook URL's port, else 5055. Without an `assistant` the domain is loaded for its
    URLs (with the environment's ${VAR:-default} expansion, as the server would see them)."""
    module = module if module is not None else load_backend(domain_dir)
    port = getattr(module, "PORT", None)
    if isinstance(port, int) and not isinstance(port, bool):
        return port
    if assistant is None:
        from framework.spec import SpecErrors, load_assistant

        try:
            assistant = load_assistant(domain_dir)
        except SpecErrors:
            assistant = None  # `validate` reports it; the backend can still start
    port = webhook_port(assistant) if assistant is not None else None
    return port or DEFAULT_PORT


async def start_demo_backend(domain_dir: str | Path, host: str = "127.0.0.1", port: int | None = None,
                             *, assistant: Assistant | None = None) -> web.AppRunner:
    """Start it; `port=None` means `default_port(...)`. Returns the started AppRunner (the
    bound port is `runner.addresses[0][1]`); stop it with `await runner.cleanup()`."""
    module = load_backend(domain_dir)
    if port is None:
        port = default_port(domain_dir, assistant, module)
    init = getattr(module, "init", None)
    if init is None:
        raise AttributeError(f"{Path(domain_dir) / 'backend.py'} defines no init() returning an aiohttp.web.Application")
    app = init()
    if inspect.isawaitable(app):
        app = await app
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


def bound_port(runner: web.AppRunner) -> int | None:
    """The port a started runner listens on."""
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return address[1]
    return None
