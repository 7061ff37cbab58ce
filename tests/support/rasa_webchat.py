"""The real rasa-webchat widget from the npm registry, for the browser test: `npm pack
rasa-webchat@VERSION` into var/rasa-webchat/ (once; cached after), and its UMD bundle
`lib/index.js` taken out of the tarball (it holds React and socket.io-client 3, so nothing
else is installed). `widget_bundle()` skips the calling test, saying why, when npm is missing
or the registry cannot be reached."""
from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERSION = "1.0.1"  # rasa-webchat 1.x: socket.io-client 3 (Socket.IO protocol 5, python-socketio 5)
CACHE = ROOT / "var" / "rasa-webchat" / VERSION


def widget_bundle() -> Path:
    bundle = CACHE / "index.js"
    if bundle.exists():
        return bundle
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: the test loads the real rasa-webchat widget from the npm registry "
                    "(apt-get install npm)")
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run([npm, "pack", f"rasa-webchat@{VERSION}", "--pack-destination", str(CACHE)],
                              capture_output=True, text=True, timeout=180, cwd=CACHE)
    except subprocess.TimeoutExpired:
        pytest.skip("npm pack rasa-webchat took over 180 s (no registry reachable?)")
    tarballs = sorted(CACHE.glob("rasa-webchat-*.tgz"))
    if done.returncode != 0 or not tarballs:
        pytest.skip(f"npm pack rasa-webchat@{VERSION} failed: {(done.stderr or done.stdout).strip()[-300:]}")
    with tarfile.open(tarballs[-1]) as archive:
        member = archive.extractfile("package/lib/index.js")
        if member is None:
            pytest.skip(f"{tarballs[-1].name} has no package/lib/index.js")
        partial = bundle.with_suffix(".part")
        partial.write_bytes(member.read())
    partial.replace(bundle)  # whole or not at all: a half-written bundle is never cached
    return bundle
