"""What every channel does: verify a request, parse it to (sender, text), format replies.

The server's generic webhook handler calls these in order and runs the turn in between;
a channel knows its platform's wire format and signature scheme, and nothing about turns
or about the server (its error type, `ChannelError`, is defined here).

Every parsed message goes through `Incoming`, which is where the limits shared by all
channels hold: a text of at most `MAX_TEXT` characters, a sender id of at most
`MAX_SENDER`, and valid Unicode (a lone surrogate, valid in JSON as "\\ud800", cannot be
stored, logged or tokenized: it is refused at the edge rather than failing deeper down).
"""
from __future__ import annotations

import hmac
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any, Mapping, Protocol

from aiohttp import web
from jsonschema import Draft202012Validator

from framework.masking import masked_prefix

MAX_TEXT = 5000  # characters of one user message, on every channel
MAX_SENDER = 128  # characters of a conversation id

_SURROGATE = re.compile("[\ud800-\udfff]")


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
    except RecursionError:  # "[[[[..." deeper than the interpreter's stack
        raise ChannelError(400, "malformed_json", "the JSON is nested too deeply") from None


def json_object(body: bytes, what: str) -> dict:
    """A body that must be a JSON object; `what` names it in the 400 ("a Slack event")."""
    data = decode_json(body)
    if not isinstance(data, dict):
        raise ChannelError(400, "invalid_request", f"{what} is a JSON object")
    return data


def schema_error(validator: Draft202012Validator, body: Any) -> str | None:
    """The most relevant JSON Schema error as one short line (`at $.sender: ...`), or None.
    Never echoes a long value back: a 60k-character message is not repeated in the 400."""
    errors = sorted(validator.iter_errors(body), key=lambda e: (len(e.path), e.message))
    if not errors:
        return None
    error = errors[0]
    where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.path)
    if error.validator == "maxLength":
        message = f"longer than {error.validator_value} characters"
    elif error.validator == "minLength":
        message = f"shorter than {error.validator_value} characters"
    else:
        message = masked_prefix(error.message, 200, more="...")  # the sender's value, maybe a phone
    return f"at {where}: {message}"


def unicode_problem(text: str, what: str) -> str | None:
    """Why `text` is not valid Unicode (it holds a lone surrogate), or None."""
    bad = _SURROGATE.search(text)
    if bad is None:
        return None
    return f"{what} is not valid Unicode: a lone surrogate U+{ord(bad.group()):04X} at position {bad.start()}"


def check_length(text: str) -> None:
    """The one "message too long" answer of every channel: a 413 `message_too_long`."""
    if len(text) > MAX_TEXT:
        raise ChannelError(413, "message_too_long", f"the message has {len(text)} characters; at most {MAX_TEXT} are accepted")


def fresh(timestamp: str, max_age: float, now: float | None = None) -> bool:
    """Whether a signed request's Unix `timestamp` is within `max_age` seconds of now
    (either way: clocks drift); a missing or non-numeric one is not. Replay protection."""
    if not (0 < len(timestamp) <= 12 and timestamp.isascii() and timestamp.isdigit()):
        return False
    return abs((time.time() if now is None else now) - int(timestamp)) <= max_age


def signatures_match(expected: str, given: str) -> bool:
    """Constant-time comparison that also takes non-ASCII input (a forged header or query
    value): `hmac.compare_digest` raises TypeError on non-ASCII str, so compare bytes."""
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "surrogatepass"))


@dataclass(frozen=True)
class Incoming:
    """A user's message. Constructing one checks the limits every channel shares, so a
    channel cannot forget them: too long a text is a 413 `message_too_long`; an empty or
    too long sender id, or either one holding a lone surrogate, a 400 `invalid_request`."""

    sender_id: str
    text: str
    meta: Mapping[str, Any] = field(default_factory=dict)  # what `respond` needs (chat id, ...)
    # The platform's id of this delivery (WeChat MsgId, Telegram update_id, Slack event_id):
    # a redelivery with the same id never runs a second turn. None: no deduplication.
    delivery_id: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.sender_id, str) or not 1 <= len(self.sender_id) <= MAX_SENDER:
            raise ChannelError(400, "invalid_request", f"the sender id must have 1 to {MAX_SENDER} characters")
        check_length(self.text)
        problem = unicode_problem(self.sender_id, "the sender id") or unicode_problem(self.text, "the message")
        if self.delivery_id is not None and not 0 < len(self.delivery_id) <= MAX_SENDER:
            problem = f"the message id must have 1 to {MAX_SENDER} characters"
        problem = problem or unicode_problem(self.delivery_id or "", "the message id")
        if problem:
            raise ChannelError(400, "invalid_request", problem)


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
        """The answer to an update that is not a text message, or a redelivery of one
        already handled (the platform must not retry it)."""

    def late_response(self, incoming: Incoming) -> web.StreamResponse:
        """The answer when the turn outlives `reply_budget`."""

    # Optional:
    #   rich = True: `respond` shows images, attachments and custom JSON (Rasa's responses);
    #     without it the server hands the channel `plain_replies(replies)`. May be set per
    #     instance: WeChat and WeCom are rich only with their API (to upload images).
    #   async prepare(request, body) -> None: after `verify`, before `parse`, reads what
    #     parsing needs from elsewhere (a DingTalk card's record in Redis) onto the request.
    #   immediate(request, body) -> web.StreamResponse | None: an answer that needs no turn
    #     (Slack's url_verification, a platform's retry of a delivered event).
    #   can_push = True: `respond` sends through the platform's API, so the replies of a
    #     turn that outlived `reply_budget` are still delivered when it ends.
    #   push(incoming, replies) -> None: with can_push, how those late replies are sent when
    #     `respond` answers in the HTTP reply itself (WeChat, WeCom); without it, `respond`.


def plain_replies(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The replies as a channel that shows only text and buttons gets them (the server applies
    this to every channel without `rich = True`): an image's or an attachment's URL is a line
    of its own after the text; custom JSON, which is meant for another platform, is left out,
    and a reply left with nothing to say is dropped."""
    out = []
    for reply in replies:
        lines = [reply["text"]] if reply.get("text") else []
        lines += [url for url in (reply.get("image"), attachment_url(reply.get("attachment"))) if url]
        if lines or reply.get("buttons"):
            out.append({"text": "\n".join(lines)} | ({"buttons": reply["buttons"]} if reply.get("buttons") else {}))
    return out


def attachment_url(attachment: Any) -> str | None:
    """The URL of a Rasa attachment: the string itself, or an object's `url` or
    `payload.src` / `payload.url` (rasa-webchat's {"type": "video", "payload": {"src": ...}})."""
    if isinstance(attachment, str):
        return attachment or None
    if isinstance(attachment, dict):
        payload = attachment.get("payload") if isinstance(attachment.get("payload"), dict) else {}
        for url in (attachment.get("url"), payload.get("src"), payload.get("url")):
            if isinstance(url, str) and url:
                return url
    return None
