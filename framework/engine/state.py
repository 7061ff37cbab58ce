"""SessionState: everything the engine knows about one conversation, frozen and JSON-able."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from framework.compile.machine import frozen_map
from framework.engine.results import ActionCall

SCHEMA_VERSION = 1


class SessionStateError(ValueError):
    """Stored session data that cannot be read (corrupt, or another schema version)."""


def timestamp(now: float | dt.datetime | None) -> float:
    """Seconds since the epoch; the engine takes time as an argument, never reads a clock."""
    if now is None:
        raise ValueError("the engine needs `now`; it never reads the clock itself")
    return now.timestamp() if isinstance(now, dt.datetime) else float(now)


# Frame.waiting_for while "Do you want to stop here?" waits: after a plain no, "stop:" + the
# slot; after a goodbye, "end:" + what the frame waited for before (framework.engine.stop_question)
WAITING_STOP = "stop:"
WAITING_END = "end:"
# Frame.waiting_for while "Shall I connect you to a colleague?" waits, after "I don't know
# it" at a question: "unknown:" + the slot (framework.engine.unknown_value)
WAITING_UNKNOWN = "unknown:"


@dataclass(frozen=True)
class Frame:
    """A flow on the stack: where it is and what it waits for."""
    flow: str
    state: str
    attempts: int = 0  # invalid answers to the current collect step
    # "slot:<name>", "confirm", "which", "intent", "value:<name>", "stop:<name>", "end:<what it was>",
    # "unknown:<name>", "check" (framework.engine.intent_check), or None
    waiting_for: str | None = None
    # Learnt values below the entity threshold waiting for their "Did you mean Paris?"
    # (framework.engine.slot_filling), as {"slots": {name: value}}: the shape the store
    # seals for `pii` slots.
    held: Mapping[str, Any] | None = None
    # The flow that ends the conversation (a goodbye) waiting behind "Do you want to stop
    # here?" while `waiting_for` is "end:..." (framework.engine.stop_question)
    ending: str | None = None
    # Values of this flow's slots that a flow interrupting it was given in the message that
    # started it ("it was my old card 1234 that I lost" while card 5678 was being activated),
    # as {"slots": {name: value}}, sealed like `held`: restored when this flow resumes
    # (framework.engine.other_request)
    saved: Mapping[str, Any] | None = None
    # Slots of this flow whose `default` is not taken: the customer named a value the slot lists as
    # not served here ("查上上个月的账单") while another question was asked, so the slot's question
    # comes instead (framework.engine.unavailable)
    undefaulted: tuple[str, ...] = ()
    # The values of one slot said together ("block 1234 and 9876") while the flow asks "which one?", as
    # {"slots": {name: [first, second]}}, sealed like `held`: "both" takes them one after the other
    # (framework.engine.slot_filling.both_chosen)
    choices: Mapping[str, Any] | None = None
    # The last request's values for slots this flow asks and had no value for when it started, as {"slots": {name:
    # value}}, sealed like `held`: "the same card" at its question takes one (framework.engine.steps.referred_answer)
    before: Mapping[str, Any] | None = None
    # While `waiting_for` is "check": the flow of the classifier's runner-up for the checked message, if it starts
    # one; a value only that flow asks for at "您是想咨询…吗？" goes there (framework.engine.intent_check)
    other: str | None = None
    # (this run, how many runs) of a flow whose message asked for the same thing several times ("给店里三个伙计各办一张卡"):
    # each further run starts, with the same values, once this one succeeds (framework.engine.repeats)
    runs: tuple[int, int] | None = None

    def fits(self, assistant: Any) -> bool:
        """Whether `assistant` (a reloaded domain) still has this frame's flow, its state, and
        the slot it waits for: "slot:x" waits for x's answer, "stop:x" asks whether to stop
        x's question, and "end:" + either of them asks the same after a goodbye
        (framework.engine.stop_question); each needs slot x."""
        flow = assistant.flows.get(self.flow)
        if flow is None or self.state not in flow.states:
            return False
        waiting = (self.waiting_for or "").removeprefix(WAITING_END)
        prefix = next((p for p in ("slot:", WAITING_STOP, WAITING_UNKNOWN) if waiting.startswith(p)), None)
        return prefix is None or waiting[len(prefix):] in assistant.slots

    def to_dict(self) -> dict[str, Any]:
        data = {"flow": self.flow, "state": self.state, "attempts": self.attempts, "waiting_for": self.waiting_for}
        if self.held is not None:  # only when set: stored sessions keep their old shape
            data["held"] = {"slots": dict(self.held.get("slots") or {})}
        if self.ending is not None:
            data["ending"] = self.ending
        if self.saved is not None:
            data["saved"] = {"slots": dict(self.saved.get("slots") or {})}
        if self.undefaulted:
            data["undefaulted"] = list(self.undefaulted)
        if self.choices is not None:
            data["choices"] = {"slots": {k: list(v) for k, v in (self.choices.get("slots") or {}).items()}}
        if self.before is not None:
            data["before"] = {"slots": dict(self.before.get("slots") or {})}
        if self.other is not None:
            data["other"] = self.other
        if self.runs is not None:
            data["runs"] = list(self.runs)
        return data

    @classmethod
    def from_dict(cls, f: Mapping[str, Any]) -> "Frame":
        held, saved, before = f.get("held"), f.get("saved"), f.get("before")
        ending, undefaulted, choices = f.get("ending"), f.get("undefaulted"), f.get("choices")
        return cls(f["flow"], f["state"], f.get("attempts", 0), f.get("waiting_for"),
                   frozen_map({"slots": frozen_map(held.get("slots"))}) if isinstance(held, Mapping) else None,
                   ending if isinstance(ending, str) else None,
                   frozen_map({"slots": frozen_map(saved.get("slots"))}) if isinstance(saved, Mapping) else None,
                   tuple(n for n in undefaulted if isinstance(n, str)) if isinstance(undefaulted, list) else (),
                   _choices(choices),
                   frozen_map({"slots": frozen_map(before.get("slots"))}) if isinstance(before, Mapping) else None,
                   f["other"] if isinstance(f.get("other"), str) else None,
                   _runs(f.get("runs")))


def _runs(value: Any) -> tuple[int, int] | None:
    """A stored `Frame.runs`: two whole numbers, the run at most the count; None otherwise."""
    if (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            and 1 <= value[0] <= value[1]):
        return value[0], value[1]
    return None


@dataclass(frozen=True)
class Turn:
    """One user message and what came of it, for the session's history."""
    time: float
    text: str | None
    intent: str | None
    confidence: float | None
    slot_changes: Mapping[str, Any] = field(default_factory=frozen_map)
    replies: tuple[str, ...] = ()
    events: tuple[str, ...] = ()  # event names

    def to_dict(self) -> dict[str, Any]:
        return {"time": self.time, "text": self.text, "intent": self.intent,
                "confidence": self.confidence, "slot_changes": dict(self.slot_changes),
                "replies": list(self.replies), "events": list(self.events)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Turn":
        return cls(d["time"], d.get("text"), d.get("intent"), d.get("confidence"),
                   frozen_map(d.get("slot_changes")), tuple(d.get("replies", ())), tuple(d.get("events", ())))


@dataclass(frozen=True)
class SessionState:
    sender_id: str
    slots: Mapping[str, Any] = field(default_factory=frozen_map)
    stack: tuple[Frame, ...] = ()  # the active flow is the last frame
    history: tuple[Turn, ...] = ()
    turn_count: int = 0
    created_at: float = 0.0
    updated_at: float = 0.0
    handoff: bool = False  # handed to a human agent
    pending_action: ActionCall | None = None
    schema_version: int = SCHEMA_VERSION
    # The flow that ended last with nothing under it, until another starts: "and for 1234?"
    # follows it up (framework.engine.follow_up)
    last_flow: str | None = None
    # what it was asked, for its follow-up: the values of its collected slots that are not
    # `pii` ("那13900001111呢" after a balance is a balance again); cleared with last_flow
    last_values: Mapping[str, Any] = field(default_factory=frozen_map)
    # (title, payload) of the buttons the last turn's last reply with buttons showed, until the
    # next turn: "the first one" clicks one (framework.engine.by_place)
    buttons: tuple[tuple[str, str], ...] = ()
    # What a handoff or a cancel of the last turn stopped, for the next message only: {"flow": the flow or
    # None, "slots": its values (`pii` ones sealed at rest like slots'), "by": "handoff" or "cancel"}. "那算了不转了，继续办吧" takes it up again
    # (framework.engine.handoff)
    stopped: Mapping[str, Any] | None = None

    @classmethod
    def new(cls, sender_id: str, now: float | dt.datetime) -> "SessionState":
        t = timestamp(now)
        return cls(sender_id=sender_id, created_at=t, updated_at=t)

    @property
    def frame(self) -> Frame | None:
        return self.stack[-1] if self.stack else None

    @property
    def active_flow(self) -> str | None:
        return self.stack[-1].flow if self.stack else None

    def replace(self, **changes: Any) -> "SessionState":
        return replace(self, **changes)

    # ------------------------------------------------------------------ JSON

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "sender_id": self.sender_id,
            "slots": dict(self.slots),
            "stack": [f.to_dict() for f in self.stack],
            "history": [t.to_dict() for t in self.history],
            "turn_count": self.turn_count,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "handoff": self.handoff,
            "pending_action": self.pending_action.to_dict() if self.pending_action else None,
            **({"last_flow": self.last_flow} if self.last_flow else {}),  # only when set: the old shape otherwise
            **({"last_values": dict(self.last_values)} if self.last_values else {}),
            **({"buttons": [list(b) for b in self.buttons]} if self.buttons else {}),
            **({"stopped": {"flow": self.stopped.get("flow"), "slots": dict(self.stopped.get("slots") or {}),
                            "by": self.stopped.get("by") or "handoff"}} if self.stopped is not None else {}),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "SessionState":
        version = d.get("schema_version")
        if version != SCHEMA_VERSION:
            raise SessionStateError(f"session schema version {version!r}, expected {SCHEMA_VERSION}")
        try:
            return cls(
                sender_id=d["sender_id"],
                slots=frozen_map(d.get("slots")),
                stack=tuple(Frame.from_dict(f) for f in d.get("stack", ())),
                history=tuple(Turn.from_dict(t) for t in d.get("history", ())),
                turn_count=d.get("turn_count", 0),
                created_at=d.get("created_at", 0.0),
                updated_at=d.get("updated_at", 0.0),
                handoff=d.get("handoff", False),
                pending_action=ActionCall.from_dict(d["pending_action"]) if d.get("pending_action") else None,
                last_flow=d["last_flow"] if isinstance(d.get("last_flow"), str) else None,
                last_values=frozen_map(d.get("last_values") if isinstance(d.get("last_values"), Mapping) else None),
                buttons=_buttons(d.get("buttons")),
                stopped=_stopped(d.get("stopped")),
            )
        except (KeyError, TypeError) as err:
            raise SessionStateError(f"malformed session data: {err!r}") from err

    @classmethod
    def from_json(cls, data: str | bytes | Mapping[str, Any]) -> "SessionState":
        if isinstance(data, Mapping):
            return cls.from_dict(data)
        try:
            return cls.from_dict(json.loads(data))
        except json.JSONDecodeError as err:
            raise SessionStateError(f"session data is not JSON: {err}") from err


def _buttons(data: Any) -> tuple[tuple[str, str], ...]:
    """Stored buttons, as (title, payload) pairs of text; anything else is none."""
    if not isinstance(data, list):
        return ()
    return tuple((b[0], b[1]) for b in data
                 if isinstance(b, (list, tuple)) and len(b) == 2 and all(isinstance(x, str) for x in b))


def _stopped(data: Any) -> Mapping[str, Any] | None:
    """A stored `stopped`, or None for anything else."""
    if not isinstance(data, Mapping):
        return None
    flow, values, by = data.get("flow"), data.get("slots"), data.get("by")
    return frozen_map({"flow": flow if isinstance(flow, str) else None,
                       "slots": frozen_map(values if isinstance(values, Mapping) else None),
                       "by": by if by in ("handoff", "cancel") else "handoff"})


def new(sender_id: str, now: float | dt.datetime) -> SessionState:
    return SessionState.new(sender_id, now)


def _choices(stored: Any) -> Mapping[str, Any] | None:
    """A stored frame's `choices`, each slot's values a tuple (a frame stays hashable and frozen)."""
    slots = stored.get("slots") if isinstance(stored, Mapping) else None
    if not isinstance(slots, Mapping):
        return None
    kept = {k: tuple(v) for k, v in slots.items() if isinstance(v, (list, tuple)) and len(v) > 1}
    return frozen_map({"slots": frozen_map(kept)}) if kept else None
