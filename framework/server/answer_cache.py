"""A Redis cache of answers to frequent questions.

Only answers that cannot depend on the conversation are cached: the turn started with no
active flow, left none behind, called no action, the top intent was confident, and no
reply's response template mentions a slot. The key holds the model id, so retraining
invalidates every entry at once (old entries simply age out with their TTL), and the
channel, because responses may have per-channel variants.

A hit skips the model and the engine: the conversation's TTL is refreshed, but the turn is
not added to its stored history (`serve --no-answer-cache` when transcripts must be
complete).
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Any

_PUNCT = re.compile(r"[\s\u3000]+")
_TRAILING = re.compile(r"[\s?!.,;:。？！，；：~～…]+$")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    return _TRAILING.sub("", _PUNCT.sub(" ", text))


class AnswerCache:
    def __init__(self, client: Any, prefix: str, ttl: int = 3600, min_confidence: float = 0.9) -> None:
        self.client, self.prefix, self.ttl, self.min_confidence = client, prefix, ttl, min_confidence

    def key(self, model_id: str, channel: str, text: str) -> str:
        digest = hashlib.sha1(normalise(text).encode()).hexdigest()
        return f"{self.prefix}:answers:{model_id}:{channel}:{digest}"

    async def get(self, model_id: str, channel: str, text: str) -> list[dict[str, Any]] | None:
        raw = await self.client.get(self.key(model_id, channel, text))
        return None if raw is None else json.loads(raw)

    async def put(self, model_id: str, channel: str, text: str, replies: list[dict[str, Any]]) -> None:
        await self.client.set(self.key(model_id, channel, text), json.dumps(replies, ensure_ascii=False), ex=self.ttl)
