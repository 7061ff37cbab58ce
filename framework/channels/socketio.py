"""Rasa's socket.io channel, the transport of rasa-webchat: the events, their shapes and the
settings of Rasa's `credentials.yml` (`socketio:`), so a page with the widget keeps working
when the server behind it is dialogframe.

The protocol, as Rasa's SocketIOInput speaks it:

- the client connects (path `socketio_path`, default `/socket.io`) and emits
  `session_request` `{"session_id": id or null}`; the server answers `session_confirm` with
  the id (a new one when none was given). With `session_persistence` the socket joins a room
  named by the id, so a reloaded page keeps its conversation and gets its replies.
- the user speaks with `user_message_evt` (default `user_uttered`) `{"message", "session_id",
  "customData"?}`; the conversation id is the session id with `session_persistence`, else
  the socket's own id (Rasa's default).
- the bot answers with one `bot_message_evt` (default `bot_uttered`) per message:
  `{"text"}` per paragraph of a text (Rasa splits at blank lines); buttons as
  `{"text", "quick_replies": [{"content_type": "text", "title", "payload"}]}` on the last
  paragraph; an image as `{"attachment": {"type": "image", "payload": {"src": url}}}`; an
  attachment as `{"attachment": ...}`; a custom JSON object as the event's data (see
  `bot_messages`).

What it is not: the turn. `attach` registers the event handlers on a python-socketio
AsyncServer bound to the aiohttp application and calls the `turn` function it is given
(the server's: rate limit, lock, NLU, engine, store), so this module knows nothing about the
server. python-socketio is imported only when the channel is attached.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable

from framework.channels.base import ChannelError, Incoming

log = logging.getLogger("framework.channels.socketio")

# Rasa's credentials.yml keys of its `socketio:` section that this channel reads; the others
# (jwt_key, jwt_method) are refused by `settings_from_credentials` with what to do instead.
CREDENTIAL_KEYS = ("user_message_evt", "bot_message_evt", "session_persistence", "socketio_path", "metadata_key",
                   "namespace")
UNSUPPORTED_KEYS = {"jwt_key": "JWT authentication of socket.io clients is not supported; put the server behind "
                               "your gateway, or leave jwt_key out",
                    "jwt_method": "JWT authentication of socket.io clients is not supported; leave jwt_method out"}


@dataclass(frozen=True)
class SocketIOSettings:
    """The `socketio:` section of Rasa's credentials.yml, with Rasa's defaults."""

    user_message_evt: str = "user_uttered"
    bot_message_evt: str = "bot_uttered"
    session_persistence: bool = False
    socketio_path: str = "/socket.io"
    metadata_key: str = "metadata"  # read, as Rasa reads it, and not used by the turn
    namespace: str | None = None


def settings_from_credentials(path: str | Path) -> SocketIOSettings:
    """The settings of a Rasa credentials.yml's `socketio:` section (a file with only that
    section, or without it, gives the defaults). ValueError saying what is wrong otherwise."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise ValueError(f"{path}: cannot read it as YAML: {err}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of channels (as Rasa's credentials.yml), found {type(data).__name__}")
    section = data.get("socketio", data.get("rasa.core.channels.socketio.SocketIOInput")) or {}
    if not isinstance(section, dict):
        raise ValueError(f"{path}: socketio: expected a mapping of settings, found {type(section).__name__}")
    problems = [f"{path}: socketio.{key}: {why}" for key, why in UNSUPPORTED_KEYS.items() if section.get(key)]
    unknown = sorted(set(section) - set(CREDENTIAL_KEYS) - set(UNSUPPORTED_KEYS))
    if unknown:
        problems.append(f"{path}: socketio: unknown setting{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                        f"(known: {', '.join(CREDENTIAL_KEYS)})")
    for key in ("user_message_evt", "bot_message_evt", "socketio_path", "metadata_key"):
        if key in section and (not isinstance(section[key], str) or not section[key]):
            problems.append(f"{path}: socketio.{key}: expected a name, found {section[key]!r}")
    if "session_persistence" in section and not isinstance(section["session_persistence"], bool):
        problems.append(f"{path}: socketio.session_persistence: expected true or false, "
                        f"found {section['session_persistence']!r}")
    if problems:
        raise ValueError("\n".join(problems))
    known = {k: v for k, v in section.items() if k in CREDENTIAL_KEYS and v is not None}
    return SocketIOSettings(**known)


def engineio_path(settings: SocketIOSettings) -> str:
    """`/socket.io/` -> `socket.io`, the form python-socketio's `attach` takes."""
    return settings.socketio_path.strip("/") or "socket.io"


def session_id_of(data: Any) -> str:
    """The conversation id a `session_request` asks for, or a new one (Rasa's uuid4 hex)."""
    wanted = data.get("session_id") if isinstance(data, dict) else None
    if isinstance(wanted, (str, int)) and not isinstance(wanted, bool) and str(wanted):
        return str(wanted)
    return uuid.uuid4().hex


def parse_message(sid: str, data: Any, settings: SocketIOSettings) -> Incoming | None:
    """The user's message of a `user_message_evt`; None for one without a session id when
    sessions persist (Rasa ignores it too, with a warning). ChannelError for a message too
    long, or a text or id that is not valid Unicode."""
    if not isinstance(data, dict):
        raise ChannelError(400, "invalid_request", "a user message is an object {\"message\", \"session_id\"}")
    if settings.session_persistence:
        session = data.get("session_id")
        if not isinstance(session, (str, int)) or isinstance(session, bool) or not str(session):
            log.warning("socket.io: a message without a session_id was ignored; the client must send "
                        "session_request first and put the confirmed session_id in each message")
            return None
        sender = str(session)
    else:
        sender = sid
    text = data.get("message")
    if text is None or isinstance(text, str) and not text.strip():
        # rasa-webchat sends its `initPayload` on connecting, null unless the page sets one
        raise ChannelError(400, "empty_message", "the message has no text; nothing to answer")
    if not isinstance(text, str):
        raise ChannelError(400, "invalid_request", f"the message must be text, found {type(text).__name__}")
    return Incoming(sender, text, {"room": sender})


def bot_messages(replies: list[dict[str, Any]]) -> list[Any]:
    """The `bot_message_evt` payloads of a turn's replies, in Rasa's order per reply: the
    text (or the text with its buttons), custom, image, attachment.

    Custom JSON is the event's data as it is. Rasa emits it with `sio.emit(event,
    **custom)`, so only a custom object `{"data": X}` reached the widget there (as X); that
    shape is honoured (X is sent), and any other object is sent whole instead of failing."""
    out: list[Any] = []
    for reply in replies:
        text = reply.get("text") or ""
        paragraphs = [p for p in text.strip().split("\n\n")] if text.strip() else []
        buttons = reply.get("buttons") or []
        if buttons:
            messages: list[dict[str, Any]] = [{"text": p, "quick_replies": []} for p in paragraphs or [text]]
            messages[-1]["quick_replies"] = [{"content_type": "text", "title": b["title"],
                                              "payload": b.get("payload", b["title"])} for b in buttons]
            out += messages
        else:
            out += [{"text": p} for p in paragraphs]
        custom = reply.get("custom")
        if custom is not None:
            out.append(custom["data"] if isinstance(custom, dict) and set(custom) == {"data"} else custom)
        if reply.get("image"):
            out.append({"attachment": {"type": "image", "payload": {"src": reply["image"]}}})
        if reply.get("attachment") is not None:
            out.append({"attachment": reply["attachment"]})
    return out


Turn = Callable[["SocketIOChannel", Incoming], Awaitable[list[dict[str, Any]]]]


class SocketIOChannel:
    """Rasa's SocketIOInput on an aiohttp application."""

    name = "socketio"
    reply_budget = None  # the replies are emitted whenever the turn ends
    rich = True  # images, attachments and custom JSON in Rasa's socket.io shapes

    def __init__(self, settings: SocketIOSettings, cors_origins: tuple[str, ...] = (),
                 max_message_bytes: int = 64 * 1024) -> None:
        self.settings, self.cors_origins, self.max_message_bytes = settings, cors_origins, max_message_bytes
        self.server: Any = None

    def attach(self, app: Any, turn: Turn) -> Any:
        """Bind a python-socketio AsyncServer to `app` at the settings' path and register the
        handlers; `turn(channel, incoming)` runs a turn and returns its replies (it may raise
        ChannelError, or an error the server maps to a status). The server is returned."""
        import socketio

        # Web pages of other origins may connect when `--cors` lets them call the REST API;
        # without it, only pages served by this server (the same origin).
        origins: Any = ("*" if "*" in self.cors_origins else list(self.cors_origins)) if self.cors_origins else None
        server = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins=origins, cors_credentials=False,
                                      max_http_buffer_size=self.max_message_bytes)
        settings, namespace = self.settings, self.settings.namespace or "/"

        async def session_request(sid: str, data: Any = None) -> None:
            session = session_id_of(data)
            if settings.session_persistence:
                await server.enter_room(sid, session, namespace=namespace)
            await server.emit("session_confirm", session, to=sid, namespace=namespace)

        async def user_message(sid: str, data: Any = None) -> dict[str, Any] | None:
            """Runs the turn and emits its replies; the returned object is the event's
            acknowledgement (rasa-webchat asks for none; a client that does learns why a
            message was refused)."""
            try:
                incoming = parse_message(sid, data, settings)
                if incoming is None:
                    return {"error": "no_session", "detail": "send session_request first, then the session_id"}
                replies = await turn(self, incoming)
            except ChannelError as err:
                log.info("socket.io message refused: %s %s", err.error, err.detail)
                return {"error": err.error, "detail": err.detail}
            except Exception as err:  # the server's errors (rate limit, store down ...) carry a status
                error = getattr(err, "error", None)
                if error is None:
                    log.exception("socket.io turn failed")
                    return {"error": "internal_error", "detail": "see the server log"}
                return {"error": error, "detail": getattr(err, "detail", "")}
            room = incoming.meta["room"]
            for message in bot_messages(replies):
                await server.emit(settings.bot_message_evt, message, to=room, namespace=namespace)
            return {"ok": True, "messages": len(replies)}

        server.on("session_request", session_request, namespace=namespace)
        server.on(settings.user_message_evt, user_message, namespace=namespace)
        server.attach(app, socketio_path=engineio_path(settings))

        async def disconnect_all(app: Any) -> None:
            # Tell the connected widgets that this server goes away (they reconnect, to the next
            # server, and the session id keeps the conversation), without waiting for clients
            # that no longer poll; a websocket left open is cut at the shutdown timeout.
            for client in list(server.eio.sockets.values()):
                await client.close(wait=False)
            await server.shutdown()

        app.on_shutdown.append(disconnect_all)
        self.server = server
        return server
