"""Rasa's REST channel: POST {"sender", "message"} -> [{"recipient_id", "text", "buttons"?}].
With `?stream=true` (what `rasa shell` asks for) the same objects come one JSON object per
line, as Rasa streams them. A numeric sender (Rasa accepts one) is the conversation id as text.

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
        "sender": {"type": ["string", "integer"], "minLength": 1, "maxLength": MAX_SENDER,
                   "description": "conversation id (a number is taken as its decimal text)"},
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
    rich = True  # Rasa's image, attachment and custom keys, as Rasa's REST channel sends them

    def verify(self, request: web.Request, body: bytes) -> None:
        pass  # REST is called by the customer's own backend; put it behind their gateway

    def parse(self, request: web.Request, body: bytes) -> Incoming:
        data = parse_json(request, body)
        if isinstance(data, dict) and isinstance(data.get("message"), str):
            check_length(data["message"])  # 413 like every channel, before the schema's 400
        problem = schema_error(_VALIDATOR, data)
        if problem:
            raise ChannelError(400, "invalid_request", problem)
        stream = request.query.get("stream", "").lower() == "true"  # Rasa's bool_arg
        return Incoming(str(data["sender"]), data["message"], meta={"stream": True} if stream else {})

    async def respond(self, incoming: Incoming, replies: list[dict[str, Any]]) -> web.Response:
        messages = rasa_messages(incoming.sender_id, replies)
        if incoming.meta.get("stream"):
            lines = "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in messages)
            return web.Response(text=lines, content_type="text/event-stream", charset="utf-8")
        return web.json_response(messages, dumps=lambda o: json.dumps(o, ensure_ascii=False))

    def ignored(self) -> web.Response:
        return web.json_response([])

    def late_response(self, incoming: Incoming) -> web.Response:
        return web.json_response([])


def rasa_messages(recipient_id: str, replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Replies as Rasa's REST channel (CollectingOutputChannel.send_response) sends them:
    the text (one message per paragraph; buttons or quick replies ride on the last one),
    then the custom payload, the image and the attachment, each a message of its own, so
    a front end written against Rasa finds each part where it looks for it."""
    out: list[dict[str, Any]] = []
    for reply in replies:
        text = reply.get("text")
        choices = {k: reply[k] for k in ("buttons", "quick_replies") if reply.get(k)}
        paragraphs = [p for p in text.strip().split("\n\n") if p] if text and not choices else [text] if text else []
        for i, paragraph in enumerate(paragraphs):
            last = i == len(paragraphs) - 1
            out.append({"recipient_id": recipient_id, "text": paragraph, **(choices if last else {})})
        if choices and not paragraphs:
            out.append({"recipient_id": recipient_id, **choices})
        for key in ("custom", "image", "attachment"):
            if reply.get(key) is not None:
                out.append({"recipient_id": recipient_id, key: reply[key]})
        for key, value in reply.items():  # anything else (elements ...) stays on a message of its own
            if key not in ("text", "buttons", "quick_replies", "custom", "image", "attachment"):
                out.append({"recipient_id": recipient_id, key: value})
    return out
