"""One dialog turn as the server runs it: the per-conversation lock, the stored state, the
answer cache, the agent (NLU -> engine -> actions), metrics and the turn's log line.

Every channel calls `Conversations.handle(sender, text, channel)`; nothing here knows HTTP.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from framework.engine.lifetimes import pii_values
from framework.masking import mask_values, without_trailing_number
from framework.server.answer_cache import AnswerCache
from framework.server.metrics import Metrics
from framework.server.session_upgrade import flow_changed_text, upgrade_session
from framework.store import Limit, SessionStore

log = logging.getLogger("framework.server.turns")


@dataclass(frozen=True)
class TurnOutcome:
    sender_id: str
    replies: list[dict[str, Any]]  # {"text", "buttons"?: [{"title", "payload"}]}
    cached: bool = False
    events: list[str] = field(default_factory=list)


def reply_dicts(replies: Any) -> list[dict[str, Any]]:
    out = []
    for reply in replies:
        rich = reply.rich()  # image, attachment, custom
        # Rasa leaves out the text of an image-only message; so does this.
        item: dict[str, Any] = {} if rich and not reply.text else {"text": reply.text}
        if reply.buttons:
            item["buttons"] = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
        out.append(item | rich)
    return out


LOGGED_TEXT = 500  # characters of a message in its turn's log line


def logged_text(text: str) -> str:
    """A message as its log line shows it: at most LOGGED_TEXT characters. A long message
    would cost every log reader (and the masking of the line) its full length; the cut
    drops a trailing run of digits so no half of a phone or ID number is left to read."""
    if len(text) <= LOGGED_TEXT:
        return text
    kept = without_trailing_number(text[:LOGGED_TEXT])  # typed or said digit by digit
    return f"{kept}…(+{len(text) - len(kept)} characters)"


class Conversations:
    def __init__(
        self,
        assistant: Any,
        agent: Any,
        store: SessionStore,
        metrics: Metrics,
        model_id: str,
        cache: AnswerCache | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        from framework.engine import SessionState  # the engine's own JSON form

        self.store, self.metrics, self.cache, self.clock = store, metrics, cache, clock
        self._state_type = SessionState
        self.use(assistant, agent, model_id)
        self.in_flight: set[asyncio.Task] = set()

    def use(self, assistant: Any, agent: Any, model_id: str) -> None:
        """Serve another version from the next turn on (hot reload, framework.server.reload).
        Synchronous, so no turn starts with half of it; a turn already running finishes with
        the version it started with."""
        self.assistant, self.agent, self.model_id = assistant, agent, model_id
        self._pii_slots = [name for name, slot in assistant.slots.items() if slot.pii]
        self._slot_free = {name for name, r in assistant.responses.items()
                           if not any("{" in v.text for v in r.variants)}

    async def handle(self, sender_id: str, text: str, channel: str = "rest", limit: Limit | None = None) -> TurnOutcome:
        """`limit`: the sender's rate limit, counted in the turn's first Redis round trip
        (RateLimited, before anything else happens, when this message is over it)."""
        task = asyncio.current_task()
        if task is not None:
            self.in_flight.add(task)
        try:
            return await self._handle(sender_id, text, channel, limit)
        finally:
            if task is not None:
                self.in_flight.discard(task)

    async def _handle(self, sender_id: str, text: str, channel: str, limit: Limit | None = None) -> TurnOutcome:
        started = time.perf_counter()
        assistant, agent, model_id = self.assistant, self.agent, self.model_id  # one version per turn
        # The answer-cache entry is read in the checkout's round trip (used only when the
        # conversation turns out idle; a wasted GET of a few bytes otherwise).
        cache_key = self.cache.lookup_key(model_id, channel, text) if self.cache is not None else None
        async with self.store.checkout(sender_id, prefetch=(cache_key,) if cache_key else (), limit=limit) as held:
            data = held.state
            state = self._state_type.from_dict(data) if data else None
            notice = []
            if state is not None:  # stored by an earlier version: its flow may be gone
                state, ended = upgrade_session(state, assistant)
                notice = [{"text": flow_changed_text(assistant)}] if ended else []
            idle = state is None or not state.stack
            if idle and self.cache is not None:
                cached = None if notice else await self.cache.get(model_id, channel, text, held.prefetched)
                if cached is not None:
                    self.metrics.cache.inc("hit")
                    if state is not None:
                        await self.store.touch(sender_id)
                    self._log(sender_id, text, channel, None, cached, ["answer_cached"], started,
                              self._secrets(state))
                    return TurnOutcome(sender_id, cached, cached=True)
                self.metrics.cache.inc("miss")
            turn = await agent.handle(state, sender_id, text, channel=channel, now=self.clock())
            # Before, after, and during: a flow that completes clears its slots, but its last
            # reply may still say the name; a value given and erased in one turn is in neither.
            secrets = self._secrets(turn.state) + self._secrets(state) + pii_values(assistant, turn.events)
            await self.store.put(sender_id, turn.state.to_dict(), lock=held, secrets=secrets, release=True)
        replies = notice + reply_dicts(turn.replies)
        events = ["flow_retired"] * bool(notice) + [e.name for e in turn.events]
        self._count(turn, events, channel)
        if idle and not notice and self.cache is not None and self._cacheable(turn, events):
            await self.cache.put(model_id, channel, text, replies)
        self._log(sender_id, text, channel, turn.nlu, replies, events, started, secrets)
        return TurnOutcome(sender_id, replies, events=events)

    def _cacheable(self, turn: Any, events: list[str]) -> bool:
        nlu = turn.nlu
        return (
            nlu is not None and nlu.intent is not None
            and nlu.intent.confidence >= self.cache.min_confidence
            and not turn.state.stack
            and bool(turn.replies)
            and all(r.response in self._slot_free for r in turn.replies)
            and not any(e.startswith(("action", "slot", "flow", "session", "handoff")) for e in events)
        )

    def _count(self, turn: Any, events: list[str], channel: str) -> None:
        self.metrics.turns.inc(channel)
        if turn.nlu is not None and turn.nlu.intent is not None:
            self.metrics.intents.inc(turn.nlu.intent.name)
        if "fallback" in events:
            self.metrics.fallbacks.inc()
        if any(e in ("action_failed", "action_failure") for e in events):
            self.metrics.action_failures.inc()

    def _secrets(self, state: Any) -> list[Any]:
        """Values of the slots the domain marks `pii` (e.g. names), masked in logs and storage."""
        return [state.slots.get(name) for name in self._pii_slots] if state is not None else []

    def _log(self, sender_id, text, channel, nlu, replies, events, started, secrets) -> None:
        if not log.isEnabledFor(logging.INFO):
            return
        # The record is masked again by framework.masking at creation (IDs, phones, cards,
        # emails); here also `secrets`, the values of the domain's `pii` slots.
        intent = f"{nlu.intent.name}:{nlu.intent.confidence:.2f}" if nlu is not None and nlu.intent else "-"
        line = (f"turn sender={sender_id} channel={channel} intent={intent} events={','.join(events)} "
                f"ms={1000 * (time.perf_counter() - started):.1f} text={logged_text(text)!r} "
                f"replies={[r.get('text', '') for r in replies]!r}")  # an image-only reply has no text
        log.info("%s", mask_values(line, secrets))

    async def drain(self, timeout: float) -> None:
        """Graceful shutdown: let the turns in progress finish (and save their state)."""
        pending = [t for t in self.in_flight if not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=timeout)
