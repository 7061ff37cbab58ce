"""The example domains' models, trained once per test session and shared by every module
that needs them (tests/test_examples_e2e.py, tests/test_convtest_examples.py):

    def test_x(example_model):
        model_dir = example_model("banking_en")   # waits for (or starts) its training

Training is the real default (`python train.py DOMAIN --out DIR --no-progress`: MiniLM for
English, multilingual-e5-small for Chinese, the default epochs and threshold folds), minutes
per domain on two cores, so it happens at most once per session. To save wall time it runs
in `python train.py` child processes started when collection ends (the hooks below, imported
by tests/conftest.py), for the example domains the collected tests name, and the test files
that use the models are moved to the end of the session:

- both domains train at the same time, with the CPUs shared between them
  (`DIALOG_NLU_THREADS`, the documented override of the thread count; on two cores that is
  the 1 thread `default_threads()` picks anyway while pytest keeps a core busy);
- each domain's threshold-fold models train at once, in their own one-thread processes
  (`--fold-processes K`, what the default does where two CPUs are free), not one after
  another: single-thread processes cannot collapse on a busy core, and once the other tests
  are done the last training's folds use both cores (its final model stays on one thread:
  both threads made the suite slower, BENCHMARKS.md session 13; on a CPU without native bf16 the float32
  telecom_zh training at one thread was the suite's critical path: 17 minutes);
- the children are niced (by 5, the level of a machine's other background jobs), so the
  rest of the suite, which runs first, keeps its CPU and the training uses what it leaves
  idle (a second core, waits on servers and subprocesses); once a test waits for a model,
  they get pytest's own priority back where the OS allows it (root; unprivileged processes
  may not raise a priority, which matters only on a machine with other busy jobs).

A test asking for a domain that was not started trains it then. A training that fails
fails the tests that need it with the tail of its log (once trained and failed, the later
tests fail at once with that message: no second training). Children still running when the
session ends (a `-x` stop, a deselected test) are ended.

`DIALOG_TEST_MODELS=DIR` keeps the models in DIR between sessions (a developer's loop); a
kept model is used again only while the domain's intents and examples are unchanged (its
fingerprints are compared), else it is trained again.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
KEEP_ENV = "DIALOG_TEST_MODELS"
EXAMPLE_DOMAINS = ("banking_en", "telecom_zh")
NICENESS = 5  # added to pytest's own: below the tests, level with other background jobs


def _fingerprint(domain: str) -> str:
    from framework.spec import load_assistant

    assistant = load_assistant(ROOT / "domains" / domain)
    return f"{assistant.intent_fingerprint} {assistant.examples_fingerprint}"


def train_example_model(domain: str, out: Path) -> Path:
    """Train domains/<domain> into `out` in this process with the defaults of `python train.py`."""
    from framework.nlu.train import main

    assert main([f"domains/{domain}", "--out", str(out), "--no-progress"]) == 0
    return out


class Training:
    """`python train.py domains/<domain> --out <out> --no-progress --fold-processes K` in a
    niced child process;
    `wait()` returns `out` once it is trained (and, with a stamp, records its fingerprint)."""

    def __init__(self, domain: str, out: Path, threads: int, stamp: Path | None = None) -> None:
        from framework.nlu.train import TrainingArguments

        self.domain, self.out, self.stamp = domain, out, stamp
        self.log = out.parent / f"{out.name}.train.log"
        out.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "DIALOG_NLU_THREADS": str(threads)}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "train.py", f"domains/{domain}", "--out", str(out), "--no-progress",
                 # no model.onnx: its ~60 s for telecom_zh would lengthen the suite's critical path; the
                 # tests load the example models with torch (tests/test_onnx_runtime.py covers the file)
                 "--no-onnx", "--fold-processes", str(TrainingArguments().threshold_folds)],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        # from here rather than a preexec_fn, which is unsafe once the tests have threads
        self.renice(min(19, os.getpriority(os.PRIO_PROCESS, 0) + NICENESS))

    def renice(self, niceness: int) -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, niceness)
        except (AttributeError, OSError):  # not POSIX, the child has exited, or raising it back is not allowed
            pass

    def wait(self) -> Path:
        code = self.process.wait()
        if code != 0:
            tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])
            pytest.fail(f"training the example model {self.domain} failed (exit {code}; python train.py "
                        f"domains/{self.domain} --out {self.out} --no-progress, log {self.log}); its last lines:\n"
                        f"{tail}\nrun that command to see the whole error", pytrace=False)
        if self.stamp is not None:
            self.stamp.write_text(_fingerprint(self.domain))
        return self.out

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class ExampleModels:
    """Where each domain's model is (kept, trained, or training), for one session."""

    def __init__(self) -> None:
        self.keep = os.environ.get(KEEP_ENV)
        self.scratch: Path | None = None
        self.ready: dict[str, Path] = {}
        self.training: dict[str, Training] = {}
        self.failed: dict[str, str] = {}  # domain -> the failure every test needing it gets

    def start(self, domains: list[str]) -> None:
        """Start the trainings of `domains` that are neither kept nor started, side by side."""
        todo = []
        for domain in domains:
            if domain in self.ready or domain in self.training:
                continue
            if self.keep:
                out, stamp = Path(self.keep) / domain, Path(self.keep) / f"{domain}.fingerprint"
                if out.is_dir() and stamp.is_file() and stamp.read_text() == _fingerprint(domain):
                    self.ready[domain] = out
                    continue
                shutil.rmtree(out, ignore_errors=True)
                stamp.unlink(missing_ok=True)
                todo.append((domain, out, stamp))
            else:
                if self.scratch is None:
                    self.scratch = Path(tempfile.mkdtemp(prefix="example_models_"))
                todo.append((domain, self.scratch / domain / "model", None))
        from framework.nlu.threads import available_cpus

        threads = max(1, available_cpus() // max(2, len(todo)))  # pytest keeps a core busy meanwhile
        for domain, out, stamp in todo:
            self.training[domain] = Training(domain, out, threads, stamp)

    def model(self, domain: str) -> Path:
        if domain in self.failed:  # at once: not minutes of training again for each later test
            pytest.fail(self.failed[domain], pytrace=False)
        if domain not in self.ready:
            self.start([domain])
        if domain not in self.ready:
            # the tests wait now: the trainings need not give way any more (where the OS lets
            # an unprivileged process raise a child's priority back, or pytest runs as root)
            for training in self.training.values():
                training.renice(os.getpriority(os.PRIO_PROCESS, 0))
            training = self.training[domain]  # listed while waited for: close() ends it on an interrupt
            try:
                self.ready[domain] = training.wait()
            except pytest.fail.Exception as failure:
                self.failed[domain] = failure.msg
                raise
            finally:
                if training.process.poll() is not None:
                    del self.training[domain]
        return self.ready[domain]

    def close(self) -> None:
        for training in self.training.values():
            training.stop()
        self.training.clear()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


_MODELS = ExampleModels()


def domains_named_by(items) -> list[str]:
    """The example domains whose models the collected tests need: named in the id of a test
    that uses `example_model`; all of them when such a test names none (it may need any)."""
    users = [item.nodeid for item in items if "example_model" in getattr(item, "fixturenames", ())]
    named = [d for d in EXAMPLE_DOMAINS if any(d in nodeid for nodeid in users)]
    if any(not any(d in nodeid for d in EXAMPLE_DOMAINS) for nodeid in users):
        return list(EXAMPLE_DOMAINS)
    return named


def pytest_collection_modifyitems(session, config, items) -> None:
    """The test files that use the example models run last (each file's tests together and
    in their order): every other test runs while the models train."""
    users = {item.path for item in items if "example_model" in getattr(item, "fixturenames", ())}
    items[:] = [i for i in items if i.path not in users] + [i for i in items if i.path in users]


def pytest_collection_finish(session) -> None:
    """Start the example trainings the session will need, before the first test runs."""
    if not session.config.option.collectonly:
        _MODELS.start(domains_named_by(session.items))


def pytest_sessionfinish(session, exitstatus) -> None:
    _MODELS.close()


@pytest.fixture(scope="session")
def example_model() -> Callable[[str], Path]:
    return _MODELS.model
