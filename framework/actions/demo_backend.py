"""Start a domain's demo business backend (<domain dir>/backend.py, `def init() -> web.Application`)
in this process, so `serve --demo-backend` and `shell --demo-backend` work without a second terminal.

It listens where the domain's webhooks expect it: the backend's own `PORT`, else the port of
the first webhook URL on this machine, else 5055 (see `default_port`).
"""
from __future__ import annotations

import importlib.util
import inspect
import sys
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


def _local_webhooks(assistant: Assistant) -> list[tuple[str, str, int]]:
    """(action name, host, port) of each webhook action whose URL points at this machine."""
    found = []
    for name, action in assistant.actions.items():
        if not isinstance(action, WebhookAction):
            continue
        try:
            url = urlsplit(action.url)
            port = url.port
        except ValueError:  # a malformed URL: the validator's business
            continue
        if url.hostname in _LOCAL_HOSTS:
            found.append((name, url.hostname, port or (443 if url.scheme == "https" else 80)))
    return found


def webhook_port(assistant: Assistant) -> int | None:
    """The port of the first webhook action whose URL points at this machine."""
    local = _local_webhooks(assistant)
    return local[0][2] if local else None


def unreached_webhooks_warning(assistant: Assistant, port: int, option: str = "--backend-port") -> str | None:
    """A warning when the demo backend is to listen on `port` while some of the domain's
    local webhooks call another port of this machine: those calls would fail ("could not
    connect") in every conversation. None when every local webhook calls `port`."""
    missed: dict[str, list[str]] = {}  # "host:port" -> the actions calling it
    for name, host, p in _local_webhooks(assistant):
        if p != port:
            missed.setdefault(f"{host}:{p}", []).append(name)
    if not missed:
        return None
    shown = "; ".join(f"{', '.join(names)} call {where}" for where, names in missed.items())
    return (f"warning: the demo backend listens on 127.0.0.1:{port} ({option}), but webhooks of the domain "
            f"call another port ({shown}): those calls will fail. Point their URLs at it (the domain's "
            f"${{VAR:-default}} variables are read from the environment) or leave out {option}.")


def follow_backend_port(assistant: Assistant, default: int, port: int) -> Assistant:
    """The assistant with the local webhooks that call the demo backend's `default` port pointed
    at `port` instead: `shell --demo-backend --backend-port 5162` started the backend there while
    every action still called 5055 and failed "on our side" (customer trial helpers, session 27).
    Local webhooks on other ports (another service of the user's) are left as they are."""
    import dataclasses

    if port == default:
        return assistant
    actions = dict(assistant.actions)
    for name, host, p in _local_webhooks(assistant):
        if p == default:
            url = urlsplit(assistant.actions[name].url)
            actions[name] = dataclasses.replace(assistant.actions[name],
                                                url=url._replace(netloc=f"{url.hostname}:{port}").geturl())
    return dataclasses.replace(assistant, actions=actions)


def warn_unreached_webhooks(assistant: Assistant, port: int, command: str) -> None:
    """Print `unreached_webhooks_warning` to stderr, prefixed by the command's name. Not an
    error: the user may mean it, but every such webhook call would fail unexplained."""
    warning = unreached_webhooks_warning(assistant, port)
    if warning:
        print(f"{command}: {warning}", file=sys.stderr)


def chosen_port(usual: int, asked: int | None) -> int:
    """The demo backend's port: the `usual` one unless --backend-port asked for another; 0 asks for any free port
    (several shells side by side), which the webhooks are then pointed at (follow_backend_port)."""
    if asked is None:
        return usual
    if asked == 0:
        from framework.server.ports import free_port

        return free_port()
    return asked


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
