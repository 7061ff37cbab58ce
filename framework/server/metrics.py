"""Prometheus metrics, written in the text exposition format (version 0.0.4) directly:
counters, gauges and histograms with labels are a few dozen lines, not a dependency.

Each worker process keeps its own registry; with `--workers N` scrape each worker (or sum
over the instances), as with any multi-process server.
"""
from __future__ import annotations

import math
import threading
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


def timer() -> Callable[[], float]:
    import time

    start = time.perf_counter()
    return lambda: time.perf_counter() - start
