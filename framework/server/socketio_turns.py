"""The socket.io channel on the server: the turn its events run is the REST channel's
(the per-sender rate limit, then `run_turn`: lock, answer cache, NLU, engine, store,
masked log line), so a rasa-webchat user is served exactly as a REST caller is."""
from __future__ import annotations

from aiohttp import web

from framework.channels.base import Incoming
from framework.channels.socketio import SocketIOChannel
from framework.server import keys
from framework.server.routes import limit_sender, run_turn


def add_socketio(app: web.Application) -> SocketIOChannel:
    """Attach the socket.io server at the configured path (config.socketio)."""
    config = app[keys.CONFIG]
    channel = SocketIOChannel(config.socketio, config.cors_origins, config.max_body_bytes)

    async def turn(channel: SocketIOChannel, incoming: Incoming) -> list[dict]:
        await limit_sender(app, incoming.sender_id)
        return await run_turn(app, channel, incoming)

    channel.attach(app, turn)
    return channel
