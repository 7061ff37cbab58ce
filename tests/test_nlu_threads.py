"""The busy-core sampler behind the default thread count (framework.nlu.threads), fed with
fake /proc/stat text: no timing, no real load."""
from __future__ import annotations

import math
import os
import time

import pytest

from framework.nlu import threads

HZ = 100


def stat(*cpus: tuple[int, int], procs_running: int = 1) -> str:
    """/proc/stat text with per-CPU (busy, idle) ticks: busy split over user/nice/system,
    plus an iowait, irq and steal share that must be counted right."""
    lines = [f"cpu  {sum(b for b, _ in cpus)} 0 0 {sum(i for _, i in cpus)} 0 0 0 0 0 0"]
    for n, (busy, idle) in enumerate(cpus):
        user, nice, system = busy // 2, busy // 4, busy - busy // 2 - busy // 4 - 2
        lines.append(f"cpu{n} {user} {nice} {system} {idle - 1} 1 1 0 1 0 0")
    lines += ["intr 1 2 3", "ctxt 99", f"procs_running {procs_running}", "procs_blocked 0"]
    return "\n".join(lines) + "\n"


def clock(text: str, own_seconds: float = 0.0, cpus=None, at: float = 0.0) -> threads.CpuClock:
    return threads.CpuClock(*threads.parse_cpu_ticks(text, cpus), own_seconds, at)


def test_ticks_are_read_per_cpu_of_this_process():
    text = stat((300, 700), (900, 100))
    assert threads.parse_cpu_ticks(text) == (1200, 2000, 2)
    assert threads.parse_cpu_ticks(text, {1}) == (900, 1000, 1)  # taskset / cpuset: only CPU 1
    # a kernel that shows only the summary line: it stands for the CPUs given
    assert threads.parse_cpu_ticks("cpu  10 0 5 85 0 0 0 0\nprocs_running 2\n", {0, 1}) == (15, 100, 2)
    assert threads.parse_cpu_ticks("intr 1\nctxt 2\n") is None
    assert threads.parse_cpu_ticks("cpu0 x y z\n") is None


@pytest.mark.parametrize("case,before,after,own,expected", [
    # 15 ticks (0.15 s at 100 Hz) per CPU pass between the two readings
    ("idle machine", ((100, 900), (100, 900)), ((100, 915), (101, 914)), 0.0, 0.07),
    ("another process holds a core", ((100, 900), (100, 900)), ((115, 900), (100, 915)), 0.0, 1.0),
    ("both cores busy, one of them with this process", ((100, 900), (100, 900)), ((115, 900), (115, 900)), 0.15, 1.0),
    ("this process alone, running (its imports)", ((100, 900), (100, 900)), ((115, 900), (100, 915)), 0.15, 0.0),
    ("this process on both cores (two threads)", ((100, 900), (100, 900)), ((115, 900), (115, 900)), 0.30, 0.0),
])
def test_other_processes_busy_cores(case, before, after, own, expected):
    cores = threads.others_busy_cores(clock(stat(*before)), clock(stat(*after), own_seconds=own), HZ)
    assert cores == pytest.approx(expected, abs=0.01), case


def test_whole_busy_cores_count_from_half_a_core():
    assert [threads.busy_count(c) for c in (0.0, 0.07, 0.49, 0.5, 0.93, 1.0, 1.6, 2.0)] == [0, 0, 0, 1, 1, 1, 2, 2]
    # a reading that goes backwards (a hot-plugged CPU) counts as idle, never negative
    assert threads.others_busy_cores(clock(stat((500, 500))), clock(stat((100, 100))), HZ) == 0.0


def test_the_default_follows_the_last_window(monkeypatch):
    """Right after a job the 1-minute load average is still high; the window is not."""
    now = time.monotonic()
    readings = {"idle": [clock(stat((100, 900), (100, 900)), at=now - 0.5), clock(stat((100, 950), (101, 949)), at=now)],
                "busy": [clock(stat((100, 900), (100, 900)), at=now - 0.5), clock(stat((150, 900), (100, 950)), at=now)]}
    monkeypatch.setattr(threads, "available_cpus", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (1.9, 1.0, 0.5))  # a benchmark that just ended
    monkeypatch.delenv("DIALOG_NLU_THREADS", raising=False)
    monkeypatch.setattr(os, "sysconf", lambda name: HZ)
    for case, expected in (("idle", 2), ("busy", 1)):
        first, last = readings[case]
        monkeypatch.setattr(threads, "_mark", first)  # framework.nlu's import, half a second ago
        monkeypatch.setattr(threads, "read_cpu_clock", lambda *a, last=last: last)
        assert threads.default_threads() == expected, case


def test_without_proc_stat_the_load_average_decides(monkeypatch, tmp_path):
    assert threads.read_cpu_clock(str(tmp_path / "no-such-file")) is None
    monkeypatch.setattr(threads, "read_cpu_clock", lambda *a: None)
    monkeypatch.setattr(os, "getloadavg", lambda: (1.2, 1.0, 0.5))
    assert threads.busy_cpus() == 1
    monkeypatch.setattr(os, "getloadavg", lambda: (_ for _ in ()).throw(OSError("no load average")))
    assert threads.busy_cpus() == 0


def test_a_real_reading(tmp_path):
    (tmp_path / "stat").write_text(stat((300, 700), (900, 100)))
    c = threads.read_cpu_clock(str(tmp_path / "stat"))
    cpus = os.sched_getaffinity(0)
    assert (c.busy_ticks, c.total_ticks) == threads.parse_cpu_ticks(stat((300, 700), (900, 100)), cpus)[:2]
    assert c.own_seconds > 0 and math.isfinite(c.at)
    cores = threads.busy_cores_now(window=0.01)  # the machine's own /proc/stat
    assert cores is None or 0.0 <= cores <= len(cpus) + 0.5


def test_no_window_is_waited_for_when_the_answer_cannot_change(monkeypatch):
    """A server on 2 CPUs gets 1 torch thread per worker however busy the machine: its start
    does not wait for a window."""
    monkeypatch.delenv("DIALOG_NLU_THREADS", raising=False)
    monkeypatch.setattr(threads, "busy_cpus", lambda: pytest.fail("sampled"))
    monkeypatch.setattr(threads, "available_cpus", lambda: 2)
    assert threads.serving_threads(1) == 1 and threads.serving_threads(2) == 1
    monkeypatch.setattr(threads, "available_cpus", lambda: 1)
    assert threads.default_threads() == 1
