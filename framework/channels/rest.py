"""Rasa's REST channel: POST {"sender", "message"} -> [{"recipient_id", "text", "buttons"?}]."""
from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from framework.channels.base import ChannelError, Incoming, decode_json
from framework.server.schemas import REST_MESSAGE, first_error


def parse_json(request: web.Request, body: bytes) -> Any:
    if request.content_type != "application/json":
        raise ChannelError(415, "unsupported_media_type", f"expected Content-Type application/json, got {request.content_type!r}")
    return decode_json(body)


class RestChannel:
    name = "rest"
    reply_budget = None

    def verify(self, request: web.Request, body: bytes) -> None:
        pass  # REST is called by the customer's own backend; put it behind their gateway

    def parse(self, request: web.Request, body: bytes) -> Incoming:
        data = parse_json(request, body)
        problem = first_error(REST_MESSAGE, data)
        if problem:
            raise ChannelError(400, "invalid_request", problem)
        return Incoming(data["sender"], data["message"])

    async def respond(self, incoming: Incoming, replies: list[dict[str, Any]]) -> web.Response:
        return web.json_response([{"recipient_id": incoming.sender_id, **r} for r in replies],
                                 dumps=lambda o: json.dumps(o, ensure_ascii=False))

    def ignored(self) -> web.Response:
        return web.json_response([])

    def late_response(self, incoming: Incoming) -> web.Response:
        return web.json_response([])
