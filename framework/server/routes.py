"""HTTP handlers: each parses, calls one function, responds."""
from __future__ import annotations

import asyncio
import functools
import html
import logging
import os
from pathlib import Path

from aiohttp import web

from framework.channels.base import Channel, Incoming, check_length, plain_replies, unicode_problem
from framework.channels.replays import refuse_replay
from framework.channels.rest import parse_json
from framework.server import keys
from framework.server.event_loop import loop_name
from framework.server.middleware import ApiError
from framework.server.schemas import PREDICT_REQUEST, first_error
from framework.store import Limit, RateLimited
from framework.store.deliveries import Deliveries

log = logging.getLogger("framework.server")
DELIVERIES = web.AppKey("deliveries", Deliveries)  # set with the store, in app.store_ctx


async def predict(request: web.Request) -> web.Response:
    data = parse_json(request, await request.read())
    if isinstance(data, dict) and isinstance(data.get("text"), str):
        check_length(data["text"])  # the channels' 413 `message_too_long`
    problem = first_error(PREDICT_REQUEST, data) or unicode_problem(data["text"], "the text")
    if problem:
        raise ApiError(400, "invalid_request", problem)
    result = await request.app[keys.LIVE].current.parse(data["text"])
    return web.json_response(result.to_dict(), dumps=keys.dumps)


def channel_webhook(name: str):
    async def handler(request: web.Request) -> web.StreamResponse:
        channel: Channel = request.app[keys.CHANNELS][name]
        body = await request.read()
        channel.verify(request, body)
        prepare = getattr(channel, "prepare", None)
        if prepare is not None:  # reads what `parse` needs from Redis (a DingTalk card's record)
            await prepare(request, body)
        immediate = getattr(channel, "immediate", None)
        early = immediate(request, body) if immediate else None
        if early is not None:  # a handshake, a platform's retry ...
            return early
        incoming = channel.parse(request, body)
        if incoming is None:
            return channel.ignored()
        # After parsing: a malformed body leaves no trace, not even its replay key.
        await refuse_replay(request.app[keys.REDIS], request.app[keys.STORE].prefix, channel, request, body)
        deliveries = request.app[DELIVERIES] if incoming.delivery_id is not None else None
        if deliveries is not None and not await deliveries.claim(channel.name, incoming.delivery_id):
            request.app[keys.METRICS].duplicates.inc(channel.name)
            return channel.ignored()  # a redelivery: its turn ran (or runs) already
        try:
            replies = await run_turn(request.app, channel, incoming)
        except Exception:
            if deliveries is not None:  # the turn did not complete: serve the platform's retry
                await release_delivery(deliveries, channel.name, incoming.delivery_id)
            raise
        if replies is None:  # the turn outlived the platform's patience; it goes on
            return channel.late_response(incoming)
        return await channel.respond(incoming, replies)

    handler.__name__ = f"{name}_webhook"
    return handler


async def release_delivery(deliveries: Deliveries, channel: str, delivery_id: str) -> None:
    try:
        await deliveries.release(channel, delivery_id)
    except Exception as err:  # Redis down as well: the claim expires with its TTL
        log.warning("could not release delivery %s of %s: %r", delivery_id, channel, err)


async def wechat_handshake(request: web.Request) -> web.Response:
    return request.app[keys.CHANNELS]["wechat"].handshake(request)


async def wecom_handshake(request: web.Request) -> web.Response:
    return request.app[keys.CHANNELS]["wecom"].handshake(request)


def sender_limit(app: web.Application) -> Limit | None:
    config = app[keys.CONFIG]
    return Limit(config.rate_limit_sender, config.rate_window) if config.rate_limit_sender > 0 else None


def sender_limited(app: web.Application, retry_after: int) -> ApiError:
    """The 429 of a sender over its limit (counted and refused by the store)."""
    config = app[keys.CONFIG]
    app[keys.METRICS].rate_limited.inc("sender")
    return ApiError(429, "rate_limited", f"more than {config.rate_limit_sender} messages in "
                    f"{config.rate_window:g}s from this sender", {"Retry-After": str(retry_after)})


async def limit_sender(app: web.Application, sender_id: str) -> None:
    """The sender's limit in a round trip of its own, for a turn that does not go through
    `run_turn` (which counts it in the turn's lock script instead)."""
    config = app[keys.CONFIG]
    verdict = await app[keys.LIMITER].hit("sender", sender_id, config.rate_limit_sender, config.rate_window)
    if not verdict.allowed:
        raise sender_limited(app, verdict.retry_after)


async def run_turn(app: web.Application, channel: Channel, incoming: Incoming) -> list[dict] | None:
    """The turn's replies, or None when it takes longer than the channel's reply budget.
    The turn runs in its own task, so a client hanging up (or a late answer) never cuts a
    turn in half: it always finishes and saves its state. The sender's rate limit is
    counted in the turn's first Redis round trip (with the lock and the state): a 429
    when over it, before anything else happens."""
    task = asyncio.ensure_future(app[keys.CONVERSATIONS].handle(incoming.sender_id, incoming.text, channel.name,
                                                                limit=sender_limit(app)))
    background: set[asyncio.Task] = app[keys.BACKGROUND]
    background.add(task)
    task.add_done_callback(_finished(background))
    done, _ = await asyncio.wait({task}, timeout=channel.reply_budget)
    if not done:
        log.warning("turn of %s on %s exceeded %.1fs; answering early, the turn goes on",
                    incoming.sender_id, channel.name, channel.reply_budget)
        if getattr(channel, "can_push", False):  # the platform has an API to send later
            task.add_done_callback(lambda t: _push_late(app, channel, incoming, t))
        return None
    try:
        outcome = task.result()
    except RateLimited as err:
        raise sender_limited(app, err.retry_after) from None
    return shown(channel, outcome.replies)


def shown(channel: Channel, replies: list[dict]) -> list[dict]:
    """The replies as `channel` can show them: Rasa's image, attachment and custom parts only
    on the channels that declare `rich = True`; the others get text (and URLs) and buttons."""
    return replies if getattr(channel, "rich", False) else plain_replies(replies)


def _push_late(app: web.Application, channel: Channel, incoming: Incoming, task: asyncio.Task) -> None:
    if task.cancelled() or task.exception() is not None:
        return
    # A channel whose `respond` answers in the HTTP reply (WeChat) sends late ones with `push`.
    send = getattr(channel, "push", None) or channel.respond
    push = asyncio.ensure_future(send(incoming, shown(channel, task.result().replies)))
    app[keys.BACKGROUND].add(push)
    push.add_done_callback(_finished(app[keys.BACKGROUND]))


def _finished(background: set):
    def callback(task: asyncio.Task) -> None:
        background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # Also raised to the handler if it was still waiting; logged here for late turns.
            log.debug("turn failed: %r", task.exception())
    return callback


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def ready(request: web.Request) -> web.Response:
    live = request.app.get(keys.LIVE)
    checks = {"model": live is not None, "store": False}
    try:
        checks["store"] = await asyncio.wait_for(request.app[keys.STORE].ping(), 1.0)
    except Exception as err:  # any failure means "not ready", never a crash
        log.debug("readiness: store ping failed: %r", err)
    if all(checks.values()):
        # `reload`: the last hot reload's outcome; "failed" means the old version still serves
        return web.json_response({"status": "ready", "model": live.current.model_id, "version": live.current.id,
                                  "reload": live.status, "pid": os.getpid(), "checks": checks,
                                  "event_loop": loop_name(asyncio.get_running_loop())}, dumps=keys.dumps)
    return web.json_response({"status": "unavailable", "checks": checks}, status=503)


async def metrics(request: web.Request) -> web.Response:
    registry = request.app[keys.METRICS]
    try:
        registry.active_sessions.set(await asyncio.wait_for(request.app[keys.STORE].active_sessions(), 1.0))
    except Exception:  # keep the last value; the scrape itself must not fail
        registry.store_errors.inc()
    shared = request.app.get(keys.SHARED_METRICS)
    text = await asyncio.to_thread(shared.render, registry) if shared is not None else registry.render()
    return web.Response(text=text, content_type="text/plain",
                        headers={"X-Content-Type-Options": "nosniff"}, charset="utf-8")


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(request.app[keys.OPENAPI])


WEBCHAT_DIR = Path(__file__).with_name("webchat")  # package data: HTML, CSS, JS; no build step
# The page runs no inline script or style, talks to this origin only, and shows images from
# the http(s) URLs the assistant sends: a bot text that slipped through as markup could do nothing.
WEBCHAT_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
               "img-src 'self' https: http: data:; base-uri 'none'; form-action 'none'")


def add_webchat(app: web.Application) -> None:
    """The chat page at / and its files under /webchat/."""
    app.router.add_get("/", webchat_page)
    app.router.add_static("/webchat/", WEBCHAT_DIR)


@functools.cache
def _webchat_template() -> str:
    return (WEBCHAT_DIR / "index.html").read_text(encoding="utf-8")


async def webchat_page(request: web.Request) -> web.Response:
    from framework.engine.builtin_responses import language_code

    assistant = request.app[keys.LIVE].current.assistant
    page = (_webchat_template().replace("{lang}", language_code(assistant.language))
            .replace("{assistant}", html.escape(assistant.name)))
    return web.Response(text=page, content_type="text/html", charset="utf-8",
                        headers={"Content-Security-Policy": WEBCHAT_CSP, "X-Content-Type-Options": "nosniff",
                                 "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"})
