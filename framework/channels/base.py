"""What every channel does: verify a request, parse it to (sender, text), format replies.

The server's generic webhook handler calls these in order and runs the turn in between;
a channel knows its platform's wire format and signature scheme, and nothing about turns.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping, Protocol

from aiohttp import web


class ChannelError(Exception):
    """A request the channel refuses; the server answers `status` with a JSON error."""

    def __init__(self, status: int, error: str, detail: str = "") -> None:
        super().__init__(detail or error)
        self.status, self.error, self.detail = status, error, detail


def decode_json(body: bytes) -> Any:
    """The request body as JSON, or a 400 `malformed_json` saying what is wrong with it."""
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ChannelError(400, "malformed_json", str(err)) from None


def json_object(body: bytes, what: str) -> dict:
    """A body that must be a JSON object; `what` names it in the 400 ("a Slack event")."""
    data = decode_json(body)
    if not isinstance(data, dict):
        raise ChannelError(400, "invalid_request", f"{what} is a JSON object")
    return data


@dataclass(frozen=True)
class Incoming:
    sender_id: str
    text: str
    meta: Mapping[str, Any] = field(default_factory=dict)  # what `respond` needs (chat id, ...)


class Channel(Protocol):
    name: str
    # Seconds a platform waits for the HTTP answer; None: no limit. When a turn would take
    # longer the server answers `late_response()` and lets the turn finish in the background.
    reply_budget: float | None

    def verify(self, request: web.Request, body: bytes) -> None:
        """Raise ChannelError(401/403) unless the request comes from the platform."""

    def parse(self, request: web.Request, body: bytes) -> Incoming | None:
        """The user's message; None for updates that carry no text (they get `ignored()`)."""

    async def respond(self, incoming: Incoming, replies: list[dict[str, Any]]) -> web.StreamResponse:
        """Deliver the replies (in the HTTP answer, or through the platform's API)."""

    def ignored(self) -> web.StreamResponse:
        """The answer to an update that is not a text message."""

    def late_response(self, incoming: Incoming) -> web.StreamResponse:
        """The answer when the turn outlives `reply_budget`."""

    # Optional:
    #   immediate(request, body) -> web.StreamResponse | None: an answer that needs no turn
    #     (Slack's url_verification, a platform's retry of a delivered event).
    #   can_push = True: `respond` sends through the platform's API, so the replies of a
    #     turn that outlived `reply_budget` are still delivered when it ends.
