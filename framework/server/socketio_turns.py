"""The socket.io channel on the server: the turn its events run is the REST channel's
(`run_turn`: the per-sender rate limit, lock, answer cache, NLU, engine, store, masked log
line), so a rasa-webchat user is served exactly as a REST caller is."""
from __future__ import annotations

from aiohttp import web

from framework.channels.base import ChannelError, Incoming
from framework.channels.socketio import SocketIOChannel
from framework.server import keys
from framework.server.batching import InferenceTimeout, Overloaded
from framework.server.routes import run_turn
from framework.store import UNAVAILABLE_ERRORS, LockLost, LockTimeout


def add_socketio(app: web.Application) -> SocketIOChannel:
    """Attach the socket.io server at the configured path (config.socketio)."""
    config = app[keys.CONFIG]
    channel = SocketIOChannel(config.socketio, config.cors_origins, config.max_body_bytes)

    async def turn(channel: SocketIOChannel, incoming: Incoming) -> list[dict]:
        try:
            return await run_turn(app, channel, incoming)
        # The REST channel's 503s (framework.server.middleware), as the event's acknowledgement.
        except UNAVAILABLE_ERRORS as err:
            app[keys.METRICS].store_errors.inc()
            raise ChannelError(503, "store_unavailable", "the session store (Redis) is unreachable; retry shortly") from err
        except (LockTimeout, LockLost) as err:
            raise ChannelError(503, "conversation_busy", str(err)) from err
        except InferenceTimeout as err:
            raise ChannelError(503, "inference_timeout", str(err)) from err
        except Overloaded as err:
            raise ChannelError(503, "overloaded", str(err)) from err

    channel.attach(app, turn)
    return channel
