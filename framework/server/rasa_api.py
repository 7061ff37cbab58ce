"""The parts of Rasa's HTTP API that Rasa users' tools call, answered in Rasa's shapes.

`GET /version`, `GET /status`, `POST /model/parse`, `GET /webhooks/rest/`, and the
conversation API: `GET /conversations/{id}/tracker`, `POST|PUT
/conversations/{id}/tracker/events` (slot and restart events) and `POST
/conversations/{id}/trigger_intent`. `GET /` says hello, as Rasa's does, where the chat page
does not take it (`serve --no-webchat`).

Authentication is `rasa run --auth-token`'s: `?token=SECRET` on the request, answered 401
(JSON) when wrong. `/status` and `/model/parse` are open when the server has no token, as in
Rasa; the conversation API reads and changes conversations, so without a token it is off
(401, saying so) rather than open.

What it is not: a second dialog engine. A tracker is a view of the stored SessionState,
events change that state under the conversation's lock, and trigger_intent is a turn whose
message is the payload `/intent{"entity": value}`, run by Conversations like any other.
"""
from __future__ import annotations

import hmac
import json
import time
from typing import Any

from aiohttp import web

from framework import __version__
from framework.actions.responses import json_kind, slot_value
from framework.channels.base import decode_json
from framework.channels.rest import rasa_messages
from framework.server import keys
from framework.server.middleware import ApiError

RASA_VERSION = "3.6.0"  # the Rasa API this imitates, for tools that compare versions
MINIMUM_COMPATIBLE_VERSION = "3.0.0"
LISTEN = "action_listen"
EVENTS = ("slot", "restart")  # the tracker events a client may send


def add_rasa_api(app: web.Application, with_root: bool) -> None:
    router = app.router
    if with_root:
        router.add_get("/", hello)
    router.add_get("/version", version)
    router.add_get("/status", status)
    router.add_post("/model/parse", model_parse)
    router.add_get("/webhooks/rest/", rest_health)
    router.add_get("/conversations/{sender}/tracker", tracker)
    router.add_post("/conversations/{sender}/tracker/events", append_events)
    router.add_put("/conversations/{sender}/tracker/events", replace_events)
    router.add_post("/conversations/{sender}/trigger_intent", trigger_intent)


def authorize(request: web.Request, required: bool) -> None:
    """401 unless `?token=` is the server's --auth-token; without one, `required` routes
    are refused and the others are open."""
    token = request.app[keys.CONFIG].auth_token
    if token is None:
        if required:
            raise ApiError(401, "unauthorized", "the conversation API is off: start the server with "
                                                "--auth-token (or DF_AUTH_TOKEN) and send ?token=")
        return
    given = request.query.get("token", "")
    if not hmac.compare_digest(given.encode("utf-8", "surrogatepass"), token.encode("utf-8")):
        raise ApiError(401, "unauthorized", "missing or wrong ?token= (the server's --auth-token)")


# --------------------------------------------------------------------------- server

async def hello(request: web.Request) -> web.Response:
    return web.Response(text=f"Hello from dialogframe: {__version__} (Rasa API {RASA_VERSION})")


async def version(request: web.Request) -> web.Response:
    return web.json_response({"version": RASA_VERSION, "minimum_compatible_version": MINIMUM_COMPATIBLE_VERSION,
                              "dialogframe": __version__})


async def status(request: web.Request) -> web.Response:
    authorize(request, required=False)
    model_id = request.app[keys.LIVE].current.model_id if keys.LIVE in request.app else None
    return web.json_response({"model_id": model_id, "model_file": model_id, "num_active_training_jobs": 0,
                              "fingerprint": {"intents": request.app[keys.LIVE].current.assistant.intent_fingerprint}})


async def rest_health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def model_parse(request: web.Request) -> web.Response:
    authorize(request, required=False)
    data = _json_body(request, await request.read())
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise ApiError(400, "invalid_request", "expected a JSON object {\"text\": \"...\"}")
    return web.json_response(parse_result(await request.app[keys.LIVE].current.parse(data["text"])), dumps=keys.dumps)


def parse_result(nlu) -> dict[str, Any]:
    """An NLUResult in Rasa's /model/parse shape."""
    top = nlu.intent
    return {
        "text": nlu.text,
        "intent": {"name": top.name, "confidence": top.confidence} if top else {"name": None, "confidence": 0.0},
        "entities": [rasa_entity(e) for e in nlu.entities],
        "intent_ranking": [{"name": s.name, "confidence": s.confidence} for s in nlu.ranking],
    }


def rasa_entity(e) -> dict[str, Any]:
    """One Entity in Rasa's shape: rule-based ones are certain (confidence 1.0); the model's
    carry their own confidence, and role / group when it learnt them."""
    data = {"entity": e.entity, "value": e.value, "start": e.start, "end": e.end, "extractor": e.extractor,
            "confidence_entity": 1.0 if e.confidence is None else e.confidence}
    data.update({k: getattr(e, k) for k in ("role", "group") if getattr(e, k) is not None})
    return data


# --------------------------------------------------------------------------- conversations

async def tracker(request: web.Request) -> web.Response:
    authorize(request, required=True)
    sender = request.match_info["sender"]
    data = await request.app[keys.STORE].get(sender)
    return web.json_response(tracker_json(sender, data), dumps=keys.dumps)


def tracker_json(sender: str, data: dict | None) -> dict[str, Any]:
    """A stored SessionState (its JSON) as Rasa's tracker. The events are a view of the
    session's history: each turn's user message, the slots it set, the bot's replies."""
    data = data or {}
    events: list[dict[str, Any]] = [{"event": "action", "name": "action_session_start",
                                     "timestamp": data.get("created_at")},
                                    {"event": "session_started", "timestamp": data.get("created_at")}]
    latest: dict[str, Any] = {}
    for turn in data.get("history") or ():
        when = turn.get("time")
        events.append({"event": "action", "name": LISTEN, "timestamp": when})
        latest = {"text": turn.get("text"), "intent": {"name": turn.get("intent"), "confidence": turn.get("confidence")},
                  "entities": []}
        events.append({"event": "user", "timestamp": when, "text": turn.get("text"), "parse_data": latest})
        events += [{"event": "slot", "timestamp": when, "name": name, "value": value}
                   for name, value in (turn.get("slot_changes") or {}).items()]
        events += [{"event": "bot", "timestamp": when, "text": text} for text in turn.get("replies") or ()]
    stack = data.get("stack") or []
    return {
        "sender_id": sender, "slots": data.get("slots") or {}, "latest_message": latest,
        "latest_event_time": data.get("updated_at"), "followup_action": None,
        "paused": bool(data.get("handoff")), "events": events, "latest_input_channel": None,
        "active_loop": {"name": stack[-1]["flow"]} if stack else {},
        "latest_action_name": LISTEN, "latest_action": {"action_name": LISTEN},
    }


async def append_events(request: web.Request) -> web.Response:
    return await _apply_events(request, replace=False)


async def replace_events(request: web.Request) -> web.Response:
    return await _apply_events(request, replace=True)


async def _apply_events(request: web.Request, replace: bool) -> web.Response:
    """POST appends events to the conversation, PUT replaces its history with them (a fresh
    session, then the events). All are checked before any applies."""
    from framework.engine import SessionState

    authorize(request, required=True)
    sender = request.match_info["sender"]
    data = _json_body(request, await request.read())
    events = data if isinstance(data, list) else [data]
    assistant = request.app[keys.LIVE].current.assistant
    changes = [_checked_event(assistant, event, i) for i, event in enumerate(events)]
    store, now = request.app[keys.STORE], time.time()
    async with store.checkout(sender) as held:
        state = None if replace or not held.state else SessionState.from_dict(held.state)
        state = state or SessionState.new(sender, now)
        for change in changes:
            if change is None:  # restart
                state = SessionState.new(sender, now)
            else:
                state = state.replace(slots={**state.slots, change[0]: change[1]}, updated_at=now)
        stored = state.to_dict()
        secrets = [state.slots.get(n) for n, s in assistant.slots.items() if s.pii]
        await store.put(sender, stored, lock=held, secrets=secrets, release=True)
    return web.json_response(tracker_json(sender, stored), dumps=keys.dumps)


def _checked_event(assistant, event: Any, index: int) -> tuple[str, Any] | None:
    """(slot, value) of a slot event, None for a restart; ApiError 400 otherwise."""
    kind = event.get("event") if isinstance(event, dict) else None
    if kind == "restart":
        return None
    if kind != "slot":
        found = repr(kind) if kind else json_kind(event)
        raise ApiError(400, "invalid_request", f"event {index}: {found} is not supported "
                                               f"(supported: {', '.join(EVENTS)})")
    name = event.get("name")
    slot = assistant.slots.get(name) if isinstance(name, str) else None
    if slot is None:
        raise ApiError(400, "invalid_request", f"event {index}: no slot {name!r} in the domain")
    ok, value, problem = slot_value(slot, event.get("value"))
    if not ok:
        raise ApiError(400, "invalid_request", f"event {index}: slot '{name}' ({slot.type}): {problem}")
    return name, value


async def trigger_intent(request: web.Request) -> web.Response:
    from framework.server.routes import limit_sender

    authorize(request, required=True)
    sender = request.match_info["sender"]
    data = _json_body(request, await request.read())
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise ApiError(400, "invalid_request", "expected {\"name\": \"intent\", \"entities\"?: {...}}")
    assistant = request.app[keys.LIVE].current.assistant
    if data["name"] not in assistant.intents:
        raise ApiError(404, "not_found", f"no intent {data['name']!r} in the domain")
    entities = data.get("entities") or {}
    if not isinstance(entities, dict):
        raise ApiError(400, "invalid_request", "'entities' must be an object {\"entity\": value}")
    await limit_sender(request.app, sender)
    payload = "/" + data["name"] + (json.dumps(entities, ensure_ascii=False) if entities else "")
    outcome = await request.app[keys.CONVERSATIONS].handle(sender, payload, "rest")
    stored = await request.app[keys.STORE].get(sender)
    return web.json_response({"tracker": tracker_json(sender, stored),
                              "messages": rasa_messages(sender, outcome.replies)},
                             dumps=keys.dumps)


def _json_body(request: web.Request, body: bytes) -> Any:
    if request.content_type not in ("application/json", "application/octet-stream") and body:
        raise ApiError(415, "unsupported_media_type",
                       f"expected Content-Type application/json, got {request.content_type!r}")
    return decode_json(body)


# --------------------------------------------------------------------------- OpenAPI

_TOKEN = {"name": "token", "in": "query", "schema": {"type": "string"},
          "description": "the server's --auth-token (required when it has one)"}
_SENDER = {"name": "sender", "in": "path", "required": True, "schema": {"type": "string"}}
_OBJECT = {"type": "object"}
_EVENT = {"type": "object", "required": ["event"], "properties": {
    "event": {"enum": list(EVENTS)}, "name": {"type": "string", "description": "the slot (slot events)"},
    "value": {"description": "the slot's value; null unsets it"}}}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return {"$ref": "#/components/responses/Error", "description": description}


def openapi_paths() -> dict[str, Any]:
    """The routes above, for /openapi.json (framework.server.openapi)."""
    unauthorized = {"401": _error("missing or wrong ?token=, or no --auth-token for the conversation API")}
    tracker = _json(_OBJECT, "Rasa's tracker: sender_id, slots, latest_message, events, active_loop, paused")
    events = {"requestBody": {"required": True, "content": {"application/json": {
                  "schema": {"oneOf": [_EVENT, {"type": "array", "items": _EVENT}]}}}},
              "parameters": [_SENDER, _TOKEN],
              "responses": {"200": tracker, "400": _error("an event that cannot be applied (none is)"),
                            **unauthorized}}
    return {
        "/version": {"get": {"summary": "Rasa's /version: the Rasa API version imitated", "responses": {
            "200": _json(_OBJECT, "{version, minimum_compatible_version, dialogframe}")}}},
        "/status": {"get": {"summary": "Rasa's /status: the loaded model", "parameters": [_TOKEN], "responses": {
            "200": _json(_OBJECT, "{model_id, model_file, num_active_training_jobs, fingerprint}"), **unauthorized}}},
        "/model/parse": {"post": {
            "summary": "Rasa's /model/parse: intent, entities (start, end, extractor) and intent_ranking",
            "parameters": [_TOKEN],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}}}},
            "responses": {"200": _json(_OBJECT, "{text, intent, entities, intent_ranking}"),
                          "400": _error("no text"), **unauthorized}}},
        "/webhooks/rest/": {"get": {"summary": "Rasa's REST channel health", "responses": {
            "200": _json(_OBJECT, "{status: ok}")}}},
        "/conversations/{sender}/tracker": {"get": {
            "summary": "Rasa's tracker of a conversation (a view of its stored state and history)",
            "parameters": [_SENDER, _TOKEN], "responses": {"200": tracker, **unauthorized}}},
        "/conversations/{sender}/tracker/events": {
            "post": {"summary": "Append slot or restart events", **events},
            "put": {"summary": "Replace the conversation with a fresh one and these events", **events}},
        "/conversations/{sender}/trigger_intent": {"post": {
            "summary": "Run a turn as if the user had sent the intent (with entities)",
            "parameters": [_SENDER, _TOKEN],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["name"],
                "properties": {"name": {"type": "string"}, "entities": _OBJECT}}}}},
            "responses": {"200": _json(_OBJECT, "{tracker, messages}"), "404": _error("no such intent"),
                          **unauthorized}}},
    }
