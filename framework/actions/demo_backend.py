"""Start a domain's demo business backend (<domain dir>/backend.py, `def init() -> web.Application`)
in this process, so `serve --demo-backend` and `shell --demo-backend` work without a second terminal."""
from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path

from aiohttp import web


async def start_demo_backend(domain_dir: str | Path, host: str = "127.0.0.1", port: int = 5055) -> web.AppRunner:
    """Returns the started AppRunner; stop it with `await runner.cleanup()`."""
    path = Path(domain_dir) / "backend.py"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: this domain has no demo backend")
    spec = importlib.util.spec_from_file_location(f"_dialog_backend_{Path(domain_dir).resolve().name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    init = getattr(module, "init", None)
    if init is None:
        raise AttributeError(f"{path} defines no init() returning an aiohttp.web.Application")
    app = init()
    if inspect.isawaitable(app):
        app = await app
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
