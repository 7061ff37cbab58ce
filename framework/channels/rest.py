"""Rasa's REST channel: POST {"sender", "message"} -> [{"recipient_id", "text", "buttons"?}].

The request schema lives here, with the channel that reads it; the server's OpenAPI
document imports it from here (a channel knows nothing about the server)."""
from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from jsonschema import Draft202012Validator

from framework.channels.base import (MAX_SENDER, MAX_TEXT, ChannelError, Incoming, check_length, decode_json,
                                     schema_error)

REST_MESSAGE = {
    "type": "object",
    "required": ["sender", "message"],
    "properties": {
        "sender": {"type": "string", "minLength": 1, "maxLength": MAX_SENDER, "description": "conversation id"},
        "message": {"type": "string", "maxLength": MAX_TEXT, "description": "what the user said"},
        "metadata": {"type": "object"},
    },
}
_VALIDATOR = Draft202012Validator(REST_MESSAGE)


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
        if isinstance(data, dict) and isinstance(data.get("message"), str):
            check_length(data["message"])  # 413 like every channel, before the schema's 400
        problem = schema_error(_VALIDATOR, data)
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
