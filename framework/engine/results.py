"""What a turn produces: replies, events, a requested action, and an action's outcome."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from framework.compile.machine import Button, frozen_map

if TYPE_CHECKING:
    from framework.engine.state import SessionState


@dataclass(frozen=True)
class Reply:
    text: str
    response: str | None = None  # the response it was rendered from; None for webhook texts
    buttons: tuple[Button, ...] = ()
    image: str | None = None  # Rasa's rich responses: a URL
    attachment: Any = None  # a URL or a JSON object
    custom: Mapping[str, Any] | None = None  # JSON for the channel

    def rich(self) -> dict[str, Any]:
        """The image, attachment and custom parts that are set, as Rasa's channels send them."""
        parts = {"image": self.image, "attachment": self.attachment,
                 "custom": dict(self.custom) if self.custom is not None else None}
        return {k: v for k, v in parts.items() if v is not None}

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "response": self.response}
        if self.buttons:
            data["buttons"] = [{"title": b.title, "payload": b.payload} for b in self.buttons]
        return data | self.rich()


@dataclass(frozen=True)
class Event:
    name: str  # flow_started, slot_set, flow_interrupted, action_requested, fallback, ...
    data: Mapping[str, Any] = field(default_factory=frozen_map)

    def to_dict(self) -> dict[str, Any]:
        return {"event": self.name, **self.data}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Event":
        rest = {k: v for k, v in data.items() if k != "event"}
        return cls(data["event"], frozen_map(rest))


@dataclass(frozen=True)
class ActionCall:
    """A request for the edge to run an action; the turn resumes with handle_action_result."""
    action: str
    sender_id: str
    flow: str
    state: str
    slots: Mapping[str, Any]
    text: str | None = None  # the latest user message
    intent: str | None = None

    def request_json(self) -> dict[str, Any]:
        """The webhook request body of docs/DESIGN.md."""
        return {
            "action": self.action, "sender_id": self.sender_id, "flow": self.flow,
            "state": self.state, "slots": dict(self.slots),
            "latest_message": {"text": self.text, "intent": self.intent},
        }

    def to_dict(self) -> dict[str, Any]:
        return {"action": self.action, "sender_id": self.sender_id, "flow": self.flow,
                "state": self.state, "slots": dict(self.slots), "text": self.text, "intent": self.intent}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ActionCall":
        return cls(data["action"], data["sender_id"], data["flow"], data["state"],
                   frozen_map(data.get("slots")), data.get("text"), data.get("intent"))


@dataclass(frozen=True)
class ActionResult:
    ok: bool
    slots: Mapping[str, Any] = field(default_factory=frozen_map)
    next_state: str | None = None  # a webhook's "next"
    responses: tuple[str | Reply, ...] = ()  # texts (or whole replies: a Rasa SDK action's) to say as they are
    error: str | None = None
    kind: str | None = None  # of a failure: "timeout" (the step's on_timeout) or "error" (on_error)
    # The backend's refusal (HTTP 4xx, or a python action's ActionRefused): the state's
    # on_status maps it to a state, else it is an "error" failure like any other.
    status: int | None = None

    @classmethod
    def failure(cls, error: str, kind: str = "error", status: int | None = None) -> "ActionResult":
        return cls(ok=False, error=error, kind=kind, status=status)


@dataclass(frozen=True)
class TurnResult:
    state: "SessionState"
    replies: tuple[Reply, ...]
    events: tuple[Event, ...]
    action: ActionCall | None = None  # run it, then call handle_action_result
