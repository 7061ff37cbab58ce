"""Hot reload: what the server serves now (a `Version`: the compiled domain and flows, the
model with its batcher, the agent), and how a new one replaces it without a restart.

A reload (SIGHUP, `POST /admin/reload`, or another process's announcement through Redis,
framework/server/reload_sync.py) reads the domain from disk, validates it (all problems at
once, with file:line), loads the model only when its files changed, checks that the two
match, and only then swaps the new version in, in one synchronous step on the event loop:
a request reads `live.current` once and sees the old version or the new one, never a mix.
An invalid change is rejected with its errors and the old version keeps serving.

The version id is a hash of the domain's YAML *content* (comments and layout do not count)
and of the model's artifact.json: every process that reads the same files computes the same
id, which is how processes sharing a Redis know they serve the same thing.

What a reload cannot change (the server says so and keeps serving the old version):
the assistant's name (it is the prefix of every Redis key) and the settings the session
store was opened with (session_timeout, history_limit, pii_masking, which slots are pii).
Python code (actions.py, backend.py) is not re-imported. docs/DESIGN.md "Hot reload".
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable

log = logging.getLogger("framework.server.reload")


class ReloadRejected(Exception):
    """A change that cannot be served; `errors` are SpecError JSON objects (file, line, ...)."""

    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__(message)
        self.message, self.errors = message, list(errors or [])


@dataclass
class Version:
    """One servable whole. `model_key` identifies the model's files (unchanged files: the
    loaded classifier is kept)."""
    id: str
    domain_hash: str
    model_key: str
    assistant: Any
    classifier: Any
    parse: Any  # framework.agent.ClassifierParser: text -> NLUResult
    agent: Any = None
    batcher: Any = None
    executor: ThreadPoolExecutor | None = None
    loaded_at: float = field(default_factory=time.time)

    @property
    def model_id(self) -> str:
        return self.classifier.model_id


def version_id(domain_hash: str, model_key: str) -> str:
    return hashlib.sha256(f"{domain_hash}\n{model_key}".encode()).hexdigest()[:12]


def tree_hash(tree: Any) -> str:
    """The domain's YAML content (every domain and flow document, parsed): the same files give
    the same hash in every process, whatever the path they were read from."""
    docs = sorted([Path(d.file).name, d.data] for d in [*tree.domain_docs, *tree.flow_docs])
    return hashlib.sha256(json.dumps(docs, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def load_domain(domain_dir: str) -> tuple[Any, str]:
    """(compiled assistant, content hash), or SpecErrors listing every problem."""
    from framework.compile.compiler import compile_assistant
    from framework.spec import check_domain_dir
    from framework.spec.errors import SpecErrors

    tree, errors = check_domain_dir(domain_dir)
    if errors or not tree.complete:
        raise SpecErrors(errors)
    return compile_assistant(tree), tree_hash(tree)


def rejected_domain(err: Any) -> ReloadRejected:
    """SpecErrors as a rejected reload: a summary line, then every problem (file:line:column)."""
    count = len(err.errors)
    return ReloadRejected(f"the domain has {count} problem{'s' if count != 1 else ''}; the previous version "
                          f"keeps serving\n{err.format()}", [e.to_json() for e in err.errors])


def domain_hash_of(domain_dir: str) -> str:
    """The hash of a domain already loaded elsewhere (an injected assistant); "injected" when
    its files cannot be read as a valid whole."""
    from framework.spec import check_domain_dir

    try:
        tree, errors = check_domain_dir(domain_dir)
    except Exception:  # no such directory: an assistant built in code
        return "injected"
    return "injected" if errors or not tree.complete else tree_hash(tree)


def model_key(model_dir: str | None) -> str:
    """The model's identity on disk: the hash of its artifact.json (written last by training,
    with the new model's id); "injected" for a classifier given in code."""
    if model_dir is None:
        return "injected"
    try:
        return hashlib.sha256((Path(model_dir) / "artifact.json").read_bytes()).hexdigest()[:16]
    except OSError:
        return "missing"


def store_settings(assistant: Any) -> dict:
    """What the session store was opened with: a reload cannot change these."""
    s = assistant.settings
    return {"session_timeout": s.session_timeout, "history_limit": s.history_limit, "pii_masking": s.pii_masking,
            "pii slots": sorted(name for name, slot in assistant.slots.items() if slot.pii)}


def unservable(old: Any, new: Any) -> str | None:
    """Why `new` cannot replace `old` in a running server, or None."""
    if new.name != old.name:
        return (f"the assistant's name changed ({old.name!r} -> {new.name!r}); it is the prefix of every "
                f"session key in Redis: restart the server to serve it")
    before, after = store_settings(old), store_settings(new)
    changed = [k for k in before if before[k] != after[k]]
    if changed:
        return (f"{', '.join(changed)} changed; the session store was opened with the old "
                f"value{'s' if len(changed) > 1 else ''}: restart the server to apply "
                f"{'them' if len(changed) > 1 else 'it'}")
    return None


class Live:
    """The version being served and the last reload's outcome. Handlers read `current`
    once per request; `reload()` is serialised by a lock (a signal and an announcement
    arriving together load once)."""

    def __init__(self, current: Version, domain_dir: str, model_dir: str | None,
                 open_model: Callable[[Any, Any | None], Awaitable[Version]],
                 close_model: Callable[[Version], Awaitable[None]],
                 build_agent: Callable[[Version], Any], on_swap: Callable[[Version], None],
                 grace: float = 10.0) -> None:
        self.current = current
        self.domain_dir, self.model_dir = domain_dir, model_dir
        self._open_model, self._close_model, self._build_agent = open_model, close_model, build_agent
        self._on_swap = on_swap
        self.grace = grace  # seconds an old model stays open for turns that started with it
        self.status: dict[str, Any] = {"status": "serving", "version": current.id, "at": current.loaded_at}
        self.announce: Callable[[str], Awaitable[None]] | None = None  # set by reload_sync
        self._lock = asyncio.Lock()
        self._retiring: dict[asyncio.Task, Version] = {}

    async def reload(self, origin: str, wanted: str | None = None) -> dict:
        """Load, validate and swap in what is on disk. Returns the outcome as JSON-able data
        (`status`: reloaded, unchanged or rejected); never raises for a bad change."""
        async with self._lock:
            if wanted is not None and wanted == self.current.id:
                return self._outcome("unchanged", origin)
            try:
                version = await self._load(wanted)
            except ReloadRejected as err:
                log.error("reload (%s) rejected; still serving version %s: %s", origin, self.current.id, err.message)
                self.status = {"status": "failed", "version": self.current.id, "wanted": wanted, "origin": origin,
                               "at": time.time(), "message": err.message.split("\n")[0], "errors": err.errors}
                return {"status": "rejected", "version": self.current.id, "message": err.message.split("\n")[0],
                        "errors": err.errors}
            if version is None:
                return self._outcome("unchanged", origin)
            previous, self.current = self.current, version
            self._on_swap(version)  # synchronous: no request sees half of it
            log.info("reload (%s): now serving version %s (model %s), was %s", origin, version.id,
                     version.model_id, previous.id)
            if version.batcher is not previous.batcher:
                self._retire(previous)
            outcome = self._outcome("reloaded", origin, previous=previous.id)
        if self.announce is not None and wanted is None:
            await self.announce(version.id)  # the other processes load the same files
        return outcome

    def _outcome(self, status: str, origin: str, **extra: Any) -> dict:
        self.status = {"status": "serving", "version": self.current.id, "at": time.time(), "origin": origin}
        return {"status": status, "version": self.current.id, "model": self.current.model_id, **extra}

    async def _load(self, wanted: str | None) -> Version | None:
        from framework.spec.errors import SpecErrors

        current = self.current
        try:
            assistant, dhash = await asyncio.to_thread(load_domain, self.domain_dir)
        except SpecErrors as err:
            raise rejected_domain(err) from None
        except Exception as err:  # the folder is gone, a file cannot be read, a compile step failed
            raise ReloadRejected(f"the domain in {self.domain_dir} could not be loaded: {err}") from None
        problem = unservable(current.assistant, assistant)
        if problem:
            raise ReloadRejected(problem)
        mkey = model_key(self.model_dir) if current.model_key != "injected" else "injected"
        vid = version_id(dhash, mkey)
        if wanted is not None and vid != wanted:
            raise ReloadRejected(f"the files here are version {vid}, not the announced {wanted}: "
                                 f"deploy the same domain and model files to every server")
        if vid == current.id:
            return None
        if mkey == current.model_key:  # the same model: it must still fit the domain's intents
            check_model(current.classifier, assistant, self.model_dir)
            version = Version(vid, dhash, mkey, assistant, current.classifier, None,
                              batcher=current.batcher, executor=current.executor)
            version.parse = _parser(current.classifier, assistant, current.batcher)
        else:
            try:
                version = await self._open_model(assistant, None)
            except Exception as err:  # ModelMismatchError, a half-written model folder ...
                raise ReloadRejected(f"the model in {self.model_dir} could not be loaded: {err}") from None
            version.id, version.domain_hash, version.model_key = vid, dhash, mkey
        try:
            version.agent = self._build_agent(version)
        except Exception as err:
            if version.batcher is not current.batcher:
                await self._close_model(version)
            raise ReloadRejected(f"the new version could not be started: {err}") from None
        return version

    def _retire(self, old: Version) -> None:
        """Close the old model once the turns that started with it are done with it."""
        async def later() -> None:
            await asyncio.sleep(self.grace)
            await self._close_model(old)

        task = asyncio.ensure_future(later())
        self._retiring[task] = old
        task.add_done_callback(lambda t: self._retiring.pop(t, None))

    async def close(self) -> None:
        """At shutdown: close the old models still waiting for their grace period now."""
        waiting = dict(self._retiring)
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        for old in waiting.values():
            await self._close_model(old)


def check_model(classifier: Any, assistant: Any, model_dir: str | None) -> None:
    """The loaded model still knows exactly the domain's intents (else: retrain first)."""
    from framework.nlu.model import ModelMismatchError, check_fingerprint

    meta = getattr(classifier, "meta", None)
    if meta is None or model_dir is None:  # an injected classifier: its labels are all there is to compare
        missing = set(assistant.intents) - set(classifier.labels)
        if missing:
            raise ReloadRejected(f"the classifier does not know the intents {', '.join(sorted(missing))}: "
                                 f"retrain the model, then reload")
        return
    try:
        check_fingerprint(meta, assistant, model_dir)
    except ModelMismatchError as err:
        raise ReloadRejected(f"{err} Then reload.") from None


def _parser(classifier: Any, assistant: Any, batcher: Any) -> Any:
    from framework.agent import ClassifierParser

    return ClassifierParser(classifier, assistant, rank=batcher.predict if batcher is not None else None)
