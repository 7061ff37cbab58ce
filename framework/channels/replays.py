"""Replayed signed requests: refused with a 403, told apart from a platform's retries.

A signature with a timestamp proves a request came from the platform within the last few
minutes; it does not prove the request is new. Someone who captured one (a proxy log, a
misrouted copy) could send it again inside the window. So each channel that has a
nonce or timestamp in its signature names the values that make a request unique
(`replay_key(request, body)`), and the server refuses a key it has seen before:

    403 {"error": "replayed", "detail": "this signed request (the same timestamp, nonce and
         signature) was received before: a platform's retry is signed anew"}

A platform's *retry* is another matter: WeChat and WeCom resend a message three times
when the answer is slow, Feishu resends an event it got no 200 for, each with the same
message id (MsgId, event_id, msgId) but signed anew (a new timestamp and nonce). Those
are not replays: they pass here and meet the delivery ids of framework.store.deliveries,
which answer "success" (or `{}`) without a second turn.

| channel  | what makes a request unique (its replay key)         | a retry           |
|----------|------------------------------------------------------|-------------------|
| wechat   | timestamp, nonce, signature (and msg_signature)      | same MsgId, new nonce |
| wecom    | timestamp, nonce, msg_signature                      | same MsgId, new nonce |
| feishu   | X-Lark-Request-Timestamp, -Nonce, X-Lark-Signature   | same event_id, new nonce |
| dingtalk | timestamp (ms), sign, msgId (the sign covers only     | same msgId, new timestamp |
|          | the timestamp, so two messages of one millisecond     |                   |
|          | share it: the msgId keeps them apart)                 |                   |
| dingtalk | timestamp (ms), sign, the body's digest (a card      | same card, user and |
| cards    | press has no message id; framework.channels.          | button, new timestamp |
|          | dingtalk_cards)                                       |                   |

Channels without either (REST behind the customer's gateway; Telegram, whose secret
header is the same on every request; Feishu with only a Verification Token) cannot tell a
replay from a retry: for them the delivery id is the only guard.

A key is kept `2 * max_age` seconds (a timestamp is accepted from max_age before to
max_age after it, so no replay can outlive that), hashed so that a long nonce costs no
memory, with SET NX EX: two servers receiving the same replay at once cannot both pass.
Only a request that carries a message is recorded (handshakes, events without text and
malformed bodies are answered before), and a refused replay writes nothing.
"""
from __future__ import annotations

import hashlib
from typing import Any

from aiohttp import web

from framework.channels.base import ChannelError

DETAIL = ("this signed request (the same timestamp, nonce and signature) was received before: "
          "a platform's retry is signed anew")


def unique(*parts: str) -> str:
    """A replay key from the request's signed values (joined unambiguously)."""
    return "\n".join(p.replace("\\", "\\\\").replace("\n", "\\n") for p in parts)


async def refuse_replay(redis: Any, prefix: str, channel: Any, request: web.Request, body: bytes) -> None:
    """Raise a 403 `replayed` when this verified request was received before. Call it after
    `channel.verify` (a forged request must not fill the set) and `channel.parse` (a
    malformed body leaves no trace), before the turn."""
    replay_key = getattr(channel, "replay_key", None)
    key = replay_key(request, body) if replay_key is not None else None
    if key is None or redis is None:
        return
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()
    window = 2 * int(getattr(channel, "max_age", 300))
    if not await redis.set(f"{prefix}:seen:{channel.name}:{digest}", b"1", nx=True, ex=window):
        raise ChannelError(403, "replayed", DETAIL)


__all__ = ["DETAIL", "refuse_replay", "unique"]
