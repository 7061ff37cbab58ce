"""Typed keys of the application's state (aiohttp AppKey)."""
from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from framework.server.config import ServerConfig
from framework.server.metrics import Metrics, SharedMetrics

CONFIG = web.AppKey("config", ServerConfig)
METRICS = web.AppKey("metrics", Metrics)
SHARED_METRICS = web.AppKey("shared_metrics", SharedMetrics)  # several workers: /metrics sums them
ASSISTANT = web.AppKey("assistant", object)
REDIS = web.AppKey("redis", object)
STORE = web.AppKey("store", object)  # framework.store.SessionStore
LIMITER = web.AppKey("limiter", object)  # framework.server.limits.RateLimiter
CACHE = web.AppKey("answer_cache", object)
CLASSIFIER = web.AppKey("classifier", object)
MODEL_ID = web.AppKey("model_id", str)
BATCHER = web.AppKey("batcher", object)
NLU = web.AppKey("nlu", object)  # text -> NLUResult
CONVERSATIONS = web.AppKey("conversations", object)  # framework.server.conversation.Conversations
CHANNELS = web.AppKey("channels", dict)
HTTP = web.AppKey("http_client", object)  # aiohttp.ClientSession for channels and actions
BACKGROUND = web.AppKey("background_turns", set)
OPENAPI = web.AppKey("openapi", dict)
# Hot reload (framework.server.reload): ASSISTANT, CLASSIFIER, NLU, MODEL_ID and BATCHER above
# are the version loaded at startup; handlers read what is served now from LIVE.current.
DOMAIN_HASH = web.AppKey("domain_hash", str)
VERSION = web.AppKey("startup_version", object)  # framework.server.reload.Version
LIVE = web.AppKey("live", object)  # framework.server.reload.Live


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)

