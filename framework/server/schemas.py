"""JSON Schemas of the request bodies (validated on every request) and of the responses
(documented in /openapi.json). One source for both, so the documentation cannot drift."""
from __future__ import annotations

from typing import Any, Mapping

from jsonschema import Draft202012Validator

from framework.channels.base import MAX_TEXT, schema_error
from framework.channels.rest import REST_MESSAGE  # the channel owns its wire format

PREDICT_REQUEST = {
    "type": "object",
    "required": ["text"],
    "properties": {"text": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT}},
    "additionalProperties": False,
}

BUTTON = {"type": "object", "properties": {"title": {"type": "string"}, "payload": {"type": "string"}}}

REST_REPLIES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["recipient_id"],  # and text, except in a message of only an image, attachment or custom
        "properties": {"recipient_id": {"type": "string"}, "text": {"type": "string"},
                       "buttons": {"type": "array", "items": BUTTON}, "image": {"type": "string"},
                       "attachment": {"type": ["string", "object"]}, "custom": {"type": "object"}},
    },
}

PREDICTION = {
    "type": "object",
    "properties": {
        "text": {"type": "string"},
        "intent": {"type": ["object", "null"], "properties": {"name": {"type": "string"}, "confidence": {"type": "number"}}},
        "intent_ranking": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "confidence": {"type": "number"}}}},
        "entities": {"type": "array", "items": {"type": "object", "properties": {
            "entity": {"type": "string"}, "value": {}, "text": {"type": "string"},
            "start": {"type": "integer"}, "end": {"type": "integer"}, "extractor": {"type": "string"}}}},
        "model": {"type": ["string", "null"]},
    },
}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string", "description": "a stable code, e.g. invalid_request"},
                   "detail": {"type": "string"}},
}

_VALIDATORS = {id(s): Draft202012Validator(s) for s in (REST_MESSAGE, PREDICT_REQUEST)}


def first_error(schema: Mapping[str, Any], body: Any) -> str | None:
    """The most relevant validation error as one line (`at $.sender: ...`), or None."""
    return schema_error(_VALIDATORS.get(id(schema)) or Draft202012Validator(schema), body)
