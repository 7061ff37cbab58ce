"""A Redis cache of answers to frequent questions.

Only answers that cannot depend on the conversation are cached: the turn started with no
active flow, left none behind, called no action, the top intent was confident, and no
reply's response template mentions a slot. The key holds the model id, so retraining
invalidates every entry at once (old entries simply age out with their TTL), and the
channel, because responses may have per-channel variants.

A message that holds a phone, ID or bank card number or an email (anything
`framework.masking` masks, whatever `--pii-kinds` the log uses) is never cached, nor looked
up: the key is an unsalted SHA-1 of the normalised message, so anyone who can read Redis
(or its MONITOR and SLOWLOG, which show a GET's key) could recover such a number by hashing
"my number is 13800000000" to "...99999999", a few minutes' work. A keyed hash (HMAC) would
close that too, but needs a secret every server shares, which a deployment without `pii`
slots does not have; a question worth caching names no one, so leaving these messages out
loses nothing.

A hit skips the model and the engine: the conversation's TTL is refreshed, but the turn is
not added to its stored history (`serve --no-answer-cache` when transcripts must be
complete).
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import lru_cache
from typing import Any

from framework.masking import Masker

_PUNCT = re.compile(r"[\s\u3000]+")
_TRAILING = re.compile(r"[\s?!.,;:。？！，；：~～…]+$")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    return _TRAILING.sub("", _PUNCT.sub(" ", text))


_MASKER = Masker()  # every kind


@lru_cache(maxsize=256)  # a message is checked at the lookup and again when its answer is put
def names_someone(text: str) -> bool:
    """Whether the masker finds personal data in `text` as typed or as the key normalises it
    (NFKC makes digits of mathematical or circled forms plain digits)."""
    return any(_MASKER.mask(form) != form for form in (text, normalise(text)))


class AnswerCache:
    def __init__(self, client: Any, prefix: str, ttl: int = 3600, min_confidence: float = 0.9) -> None:
        self.client, self.prefix, self.ttl, self.min_confidence = client, prefix, ttl, min_confidence

    def key(self, model_id: str, channel: str, text: str) -> str:
        digest = hashlib.sha1(normalise(text).encode()).hexdigest()
        return f"{self.prefix}:answers:{model_id}:{channel}:{digest}"

    def lookup_key(self, model_id: str, channel: str, text: str) -> str | None:
        """The key to look `text` up under, None for a message never cached (it names someone)."""
        return None if names_someone(text) else self.key(model_id, channel, text)

    async def get(self, model_id: str, channel: str, text: str,
                  prefetched: dict[str, Any] | None = None) -> list[dict[str, Any]] | None:
        """The cached replies; `prefetched` (key -> raw value, read in the turn's first
        round trip, framework.store.SessionStore.checkout) spares a GET of its own."""
        key = self.lookup_key(model_id, channel, text)
        if key is None:
            return None
        raw = prefetched[key] if prefetched is not None and key in prefetched else await self.client.get(key)
        return None if raw is None else json.loads(raw)

    async def put(self, model_id: str, channel: str, text: str, replies: list[dict[str, Any]]) -> None:
        if names_someone(text):
            return
        await self.client.set(self.key(model_id, channel, text), json.dumps(replies, ensure_ascii=False), ex=self.ttl)
