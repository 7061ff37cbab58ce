"""The OpenAPI 3 description served at /openapi.json, built from framework.server.schemas
and the channels' own wire formats (each channel module owns its request schema)."""
from __future__ import annotations

from typing import Any

from framework import __version__
from framework.channels.dingtalk import MESSAGE as DINGTALK_MESSAGE
from framework.channels.dingtalk_cards import CALLBACK as DINGTALK_CARD_CALLBACK
from framework.channels.feishu import EVENT as FEISHU_EVENT
from framework.channels.slack import EVENT as SLACK_EVENT
from framework.channels.telegram import UPDATE as TELEGRAM_UPDATE
from framework.channels.wechat import MESSAGE as WECHAT_MESSAGE
from framework.channels.wecom import MESSAGE as WECOM_MESSAGE
from framework.server import rasa_api, schemas


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    text = {400: "invalid body", 413: "body or message too long", 415: "not JSON", 429: "rate limited (see Retry-After)",
            401: "bad signature", 403: "bad signature", 503: "store unreachable, model not ready or overloaded"}
    return {str(c): {"$ref": "#/components/responses/Error", "description": text[c]} for c in codes}


def build_openapi(channels: list[str]) -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/webhooks/rest/webhook": {"post": {
            "summary": "Send a user message; get the assistant's replies (Rasa REST channel contract)",
            "parameters": [{"name": "stream", "in": "query", "schema": {"type": "string", "enum": ["true", "false"]},
                            "description": "true: one JSON reply object per line (text/event-stream), as Rasa"}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": schemas.REST_MESSAGE}}},
            "responses": {"200": _json(schemas.REST_REPLIES, "the replies"), **_errors(400, 413, 415, 429, 503)},
        }},
        "/api/v1/predict": {"post": {
            "summary": "Classify a text: intent ranking and entities",
            "requestBody": {"required": True, "content": {"application/json": {"schema": schemas.PREDICT_REQUEST}}},
            "responses": {"200": _json(schemas.PREDICTION, "the prediction"), **_errors(400, 413, 415, 429, 503)},
        }},
        "/health": {"get": {"summary": "Liveness", "responses": {"200": {"description": "the process is up"}}}},
        "/ready": {"get": {"summary": "Readiness: model loaded and Redis reachable",
                           "responses": {"200": {"description": "ready"}, "503": {"description": "not ready"}}}},
        "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": {
            "description": "text exposition format", "content": {"text/plain": {}}}}}},
        "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3"}}}},
        "/admin/reload": {"post": {
            "summary": "Hot reload: validate the domain, flows and model on disk and serve them (docs/DESIGN.md)",
            "description": "Needs `Authorization: Bearer <serve --admin-token>`; without a configured token 403.",
            "responses": {"200": {"description": "reloaded, or unchanged"},
                          "401": {"description": "missing or wrong token"},
                          "403": {"description": "the admin API is off (no --admin-token)"},
                          "422": {"description": "rejected: the errors (file, line, ...); the old version serves"}},
        }},
        **rasa_api.openapi_paths(),
    }
    if "wechat" in channels:
        query = [{"name": n, "in": "query", "required": True, "schema": {"type": "string"}}
                 for n in ("signature", "timestamp", "nonce")]
        safe_mode = [{"name": "encrypt_type", "in": "query", "schema": {"enum": ["aes"]},
                      "description": "safe and compatible modes (required when an EncodingAESKey is configured)"},
                     {"name": "msg_signature", "in": "query", "schema": {"type": "string"},
                      "description": "safe and compatible modes: sha1 of the sorted token, timestamp, nonce and "
                                     "<Encrypt>; the reply is encrypted too"}]
        paths["/webhooks/wechat/webhook"] = {
            "get": {"summary": "WeChat URL verification: echoes `echostr` when the signature is valid",
                    "parameters": query + [{"name": "echostr", "in": "query", "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "echostr"}, **_errors(403)}},
            "post": {"summary": "WeChat Official Account message (XML); passive XML reply. `signature` is "
                                "sha1 of the sorted token, timestamp and nonce; a timestamp more than 5 minutes "
                                "from now is refused",
                     "parameters": query + safe_mode,
                     "requestBody": {"required": True, "content": {"text/xml": {"schema": WECHAT_MESSAGE}}},
                     "responses": {"200": {"description": "XML reply or `success`"}, **_errors(400, 403, 413, 429, 503)}},
        }
    if "wecom" in channels:
        signed = [{"name": n, "in": "query", "required": True, "schema": {"type": "string"}}
                  for n in ("msg_signature", "timestamp", "nonce")]
        paths["/webhooks/wecom/webhook"] = {
            "get": {"summary": "WeCom URL verification: answers the decrypted `echostr` when msg_signature (sha1 "
                               "of the sorted token, timestamp, nonce and echostr) is valid",
                    "parameters": signed + [{"name": "echostr", "in": "query", "required": True,
                                             "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "the echostr plaintext"}, **_errors(400, 403)}},
            "post": {"summary": "WeCom application message (encrypted XML; text or template card press); an "
                                "encrypted passive reply, or message/send for cards and late replies. A timestamp "
                                "more than 5 minutes from now is refused",
                     "parameters": signed,
                     "requestBody": {"required": True, "content": {"text/xml": {"schema": WECOM_MESSAGE}}},
                     "responses": {"200": {"description": "encrypted XML reply, or empty"},
                                   **_errors(400, 403, 413, 429, 503)}},
        }
    if "telegram" in channels:
        paths["/webhooks/telegram/webhook"] = {"post": {
            "summary": "Telegram Bot API update; replies are sent with sendMessage",
            "parameters": [{"name": "X-Telegram-Bot-Api-Secret-Token", "in": "header", "required": True,
                            "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": TELEGRAM_UPDATE}}},
            "responses": {"200": {"description": "processed"}, **_errors(400, 403, 413, 429, 503)},
        }}
    if "slack" in channels:
        paths["/webhooks/slack/webhook"] = {"post": {
            "summary": "Slack Events API (url_verification and message events); replies via chat.postMessage. "
                       "X-Slack-Signature is v0=HMAC-SHA256(signing secret, v0:timestamp:body); a timestamp "
                       "more than 5 minutes from now is refused",
            "parameters": [{"name": n, "in": "header", "required": True, "schema": {"type": "string"}}
                           for n in ("X-Slack-Request-Timestamp", "X-Slack-Signature")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": SLACK_EVENT}}},
            "responses": {"200": {"description": "acknowledged"}, **_errors(400, 403, 413, 429, 503)},
        }}
    if "dingtalk" in channels:
        paths["/webhooks/dingtalk/webhook"] = {"post": {
            "summary": "DingTalk robot message (HTTP callback mode); replies via the sessionWebhook, or the robot "
                       "send API once it has expired. `sign` is base64 HmacSHA256(AppSecret, timestamp + \"\\n\" + "
                       "AppSecret); a `timestamp` (ms) more than an hour from now is refused",
            "parameters": [{"name": n, "in": "header", "required": True, "schema": {"type": "string"}}
                           for n in ("timestamp", "sign")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": DINGTALK_MESSAGE}}},
            "responses": {"200": {"description": "acknowledged"}, **_errors(400, 403, 413, 429, 503)},
        }}
    if "dingtalk_card" in channels:  # the robot's headers and answers, another body
        paths["/webhooks/dingtalk/card"] = {"post": {
            **paths["/webhooks/dingtalk/webhook"]["post"],
            "summary": "A press on a button of the DingTalk robot's interactive cards (opt-in); the button's payload "
                       "is the user's message, replies via the robot send API. Signed like the robot's messages "
                       "with the card callback's apiSecret (an assumption: docs/channels/dingtalk.md)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": DINGTALK_CARD_CALLBACK}}},
        }}
    if "feishu" in channels:
        paths["/webhooks/feishu/webhook"] = {"post": {
            "summary": "Feishu event subscription 2.0 (url_verification, im.message.receive_v1, card.action.trigger), "
                       "plain or encrypted with the Encrypt Key; replies via the reply/send message API. With an "
                       "Encrypt Key, X-Lark-Signature is hex sha256(timestamp + nonce + Encrypt Key + body) and a "
                       "timestamp more than 5 minutes from now is refused; with a Verification Token, the event's "
                       "token must match",
            "parameters": [{"name": n, "in": "header", "schema": {"type": "string"}}
                           for n in ("X-Lark-Request-Timestamp", "X-Lark-Request-Nonce", "X-Lark-Signature")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": FEISHU_EVENT}}},
            "responses": {"200": {"description": "the challenge, or acknowledged"}, **_errors(400, 403, 413, 429, 503)},
        }}
    return {
        "openapi": "3.1.0",
        "info": {"title": "dialogframe assistant API", "version": __version__},
        "paths": paths,
        "components": {
            "schemas": {"Error": schemas.ERROR},
            "responses": {"Error": _json({"$ref": "#/components/schemas/Error"}, "an error")},
        },
    }
