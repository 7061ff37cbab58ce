"""Prometheus metrics, written in the text exposition format (version 0.0.4) directly:
counters, gauges and histograms with labels are a few dozen lines, not a dependency.

Each worker process keeps its own registry. With several workers on one port (`serve
--workers N`, one per CPU by default) a scrape lands on any of them, so each worker also
writes its counters and histograms to a file of its slot in a folder the parent made
(`SharedMetrics`, once a second and at each scrape), and `/metrics` answers the sum over the
slots: counters stay monotonic whichever worker answers (a restarted worker takes over its
slot: a counter reset, as Prometheus expects). Gauges are read at scrape time (active
sessions from Redis), never summed.
"""
from __future__ import annotations

import json
import math
import os
import threading
from pathlib import Path
from typing import Callable, Iterable, Sequence

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(names: Sequence[str], values: Sequence[str], extra: str = "") -> str:
    parts = [f'{n}="{_escape(str(v))}"' for n, v in zip(names, values)]
    if extra:
        parts.append(extra)
    return "{" + ",".join(parts) + "}" if parts else ""


def _num(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


class _Metric:
    kind = ""

    def __init__(self, name: str, help: str, labels: Sequence[str] = ()) -> None:
        self.name, self.help, self.label_names = name, help, tuple(labels)
        self._lock = threading.Lock()  # inference callbacks run on executor threads

    def header(self) -> list[str]:
        return [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} {self.kind}"]


class Counter(_Metric):
    kind = "counter"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.values: dict[tuple[str, ...], float] = {}

    def inc(self, *labels: str, amount: float = 1.0) -> None:
        with self._lock:
            self.values[labels] = self.values.get(labels, 0.0) + amount

    def render(self) -> list[str]:
        lines = self.header()
        for labels, value in sorted(self.values.items()):
            lines.append(f"{self.name}{_labels(self.label_names, labels)} {_num(value)}")
        return lines


class Gauge(_Metric):
    """A gauge whose value is read at scrape time (e.g. active sessions from Redis)."""
    kind = "gauge"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.value = 0.0

    def set(self, value: float) -> None:
        self.value = value

    def render(self) -> list[str]:
        return self.header() + [f"{self.name} {_num(self.value)}"]


class Histogram(_Metric):
    kind = "histogram"

    def __init__(self, name: str, help: str, labels: Sequence[str] = (), buckets: Iterable[float] = LATENCY_BUCKETS) -> None:
        super().__init__(name, help, labels)
        self.buckets = tuple(sorted(buckets))
        self.series: dict[tuple[str, ...], list[float]] = {}  # bucket counts..., sum, count

    def observe(self, value: float, *labels: str) -> None:
        with self._lock:
            series = self.series.get(labels)
            if series is None:
                series = self.series[labels] = [0.0] * (len(self.buckets) + 2)
            for i, bound in enumerate(self.buckets):
                if value <= bound:
                    series[i] += 1
            series[-2] += value
            series[-1] += 1

    def render(self) -> list[str]:
        lines = self.header()
        for labels, series in sorted(self.series.items()):
            for bound, count in zip(self.buckets, series):
                le = f'le="{_num(bound)}"'
                lines.append(f"{self.name}_bucket{_labels(self.label_names, labels, le)} {_num(count)}")
            inf = 'le="+Inf"'
            lines.append(f"{self.name}_bucket{_labels(self.label_names, labels, inf)} {_num(series[-1])}")
            lines.append(f"{self.name}_sum{_labels(self.label_names, labels)} {_num(series[-2])}")
            lines.append(f"{self.name}_count{_labels(self.label_names, labels)} {_num(series[-1])}")
        return lines


class Metrics:
    """The server's metrics, one attribute each."""

    def __init__(self) -> None:
        self.requests = Counter("df_http_requests_total", "HTTP requests by route, method and status", ("route", "method", "status"))
        self.latency = Histogram("df_http_request_duration_seconds", "HTTP request latency by route and status", ("route", "status"))
        self.turns = Counter("df_turns_total", "Dialog turns by channel", ("channel",))
        self.intents = Counter("df_intents_total", "Top intent of each classified message", ("intent",))
        self.fallbacks = Counter("df_fallbacks_total", "Turns answered with the fallback response", ())
        self.active_sessions = Gauge("df_active_sessions", "Conversations active within the session timeout", ())
        self.inference_time = Histogram("df_inference_seconds", "Model inference time per batch", ())
        self.batch_size = Histogram("df_inference_batch_size", "Texts per inference batch", (), buckets=BATCH_BUCKETS)
        self.store_errors = Counter("df_store_errors_total", "Requests that failed because Redis was unreachable", ())
        self.rate_limited = Counter("df_rate_limited_total", "Requests refused by a rate limit", ("scope",))
        self.cache = Counter("df_answer_cache_total", "Answer cache lookups", ("result",))
        self.action_failures = Counter("df_action_failures_total", "Turns in which an action failed", ())
        self.duplicates = Counter("df_duplicate_deliveries_total", "Redeliveries of a message already handled (no second turn)", ("channel",))

    def all(self) -> list[_Metric]:
        return [m for m in vars(self).values() if isinstance(m, _Metric)]

    def render(self) -> str:
        return "\n".join(line for metric in self.all() for line in metric.render()) + "\n"

    def snapshot(self) -> dict:
        """The counters' and histograms' values, JSON-able (for SharedMetrics)."""
        out: dict = {}
        for metric in self.all():
            with metric._lock:
                if isinstance(metric, Counter):
                    out[metric.name] = [[list(k), v] for k, v in metric.values.items()]
                elif isinstance(metric, Histogram):
                    out[metric.name] = [[list(k), list(v)] for k, v in metric.series.items()]
        return out

    def summed(self, snapshots: Iterable[dict]) -> "Metrics":
        """A registry holding the sums of `snapshots` (this one's gauges kept)."""
        total = Metrics()
        for name, metric in vars(self).items():
            if isinstance(metric, Gauge):
                setattr(total, name, metric)
        by_name = {m.name: m for m in total.all()}
        for snap in snapshots:
            for name, rows in snap.items():
                metric = by_name.get(name)
                if isinstance(metric, Counter):
                    for labels, value in rows:
                        metric.inc(*labels, amount=float(value))
                elif isinstance(metric, Histogram):
                    for labels, series in rows:
                        if len(series) == len(metric.buckets) + 2:
                            old = metric.series.setdefault(tuple(labels), [0.0] * len(series))
                            metric.series[tuple(labels)] = [a + float(b) for a, b in zip(old, series)]
        return total


class SharedMetrics:
    """The workers' registries side by side in `directory` (one JSON file per worker slot),
    written atomically; `render` answers the sum. Not mapped_embeddings.write_atomically: a
    figure a second needs no fsync, and that one makes the folder again, which would leave
    it behind once the parent has removed it at the end."""

    def __init__(self, directory: str, slot: int) -> None:
        self.directory, self.slot = Path(directory), slot

    def write(self, metrics: Metrics) -> None:
        path = self.directory / f"worker-{self.slot}.json"
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(metrics.snapshot()), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:  # the folder is gone (the parent is stopping): this worker's own figures serve
            tmp.unlink(missing_ok=True)

    def render(self, metrics: Metrics) -> str:
        self.write(metrics)
        snapshots = []
        for path in sorted(self.directory.glob("worker-*.json")):
            try:
                snapshots.append(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):  # replaced meanwhile or gone: skipped this once
                continue
        if not snapshots:
            return metrics.render()
        return metrics.summed(snapshots).render()


def timer() -> Callable[[], float]:
    import time

    start = time.perf_counter()
    return lambda: time.perf_counter() - start
