"""Is a TCP port free to listen on? Asked before serving starts, so that a busy port is one
clear line (exit 2) rather than an OSError traceback after the model has loaded."""
from __future__ import annotations

import errno
import socket


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the OS's pick): `--backend-port 0` and the embedded Redis."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def busy_port_message(host: str, port: int, what: str, option: str, program: str = "serve") -> str | None:
    """None when `host:port` can be bound now; otherwise the line a user sees. The probe binds
    without SO_REUSEPORT, so a second `serve` on the same port is caught even though the
    workers of one server share their port with that option."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds: TIME_WAIT is no conflict
        try:
            probe.bind((host, port))
        except OSError as err:
            return describe_bind_error(err, host, port, what, option, program)
    return None


def describe_bind_error(err: OSError, host: str, port: int, what: str, option: str, program: str = "serve") -> str:
    if err.errno == errno.EADDRINUSE:
        return (f"{program}: port {port} on {host} is already in use (another server running?); "
                f"stop it or choose another {what} port with {option}")
    if err.errno == errno.EACCES:
        return f"{program}: no permission to listen on port {port} on {host}; choose a port above 1023 with {option}"
    if err.errno == errno.EADDRNOTAVAIL:
        return f"{program}: {host} is not an address of this machine; choose another with --host"
    return f"{program}: cannot listen on {host}:{port}: {err.strerror or err}"
