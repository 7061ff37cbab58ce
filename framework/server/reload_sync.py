"""What starts a hot reload, and how every process sharing a Redis ends up on one version.

Triggers: `SIGHUP` (to `serve`, which passes it to each worker), `POST /admin/reload` with
`Authorization: Bearer <--admin-token>`, and announcements from the other processes.

Agreement: a process that reloads a new version writes its id to `<prefix>:served_version`
and publishes it on `<prefix>:reload`. Every other process (workers of this server, other
servers on the same Redis) then reloads from its own disk and swaps only when it computes
the same id (framework.server.reload.version_id: a hash of the files' content). A process
that cannot (invalid files, another version on its disk) keeps serving its version and
says so in `/ready` (`"reload": {"status": "failed", "wanted": ..., "message": ...}`).
The key is also read when the subscription starts (or starts again after Redis was
away), so a process that missed a message catches up.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
import signal
from typing import AsyncIterator

from aiohttp import web

from framework.server import keys

log = logging.getLogger("framework.server.reload")


def version_key(prefix: str) -> str:
    return f"{prefix}:served_version"


def reload_channel(prefix: str) -> str:
    return f"{prefix}:reload"


async def reload_ctx(app: web.Application) -> AsyncIterator[None]:
    live, redis, prefix = app[keys.LIVE], app[keys.REDIS], app[keys.STORE].prefix
    background: set[asyncio.Task] = set()

    async def announce(version: str) -> None:
        try:
            await redis.set(version_key(prefix), version)
            await redis.publish(reload_channel(prefix), version)
        except Exception as err:  # Redis away: the others catch up when they next read the key
            log.warning("could not announce version %s through Redis: %r", version, err)

    live.announce = announce
    stop = asyncio.Event()
    listener = asyncio.ensure_future(listen(live, redis, prefix, stop))
    loop = asyncio.get_running_loop()
    installed = False
    try:
        def on_hup() -> None:
            log.info("SIGHUP: reloading the domain, flows and model")
            task = asyncio.ensure_future(live.reload("SIGHUP"))
            background.add(task)
            task.add_done_callback(background.discard)

        loop.add_signal_handler(signal.SIGHUP, on_hup)
        installed = True
    except (NotImplementedError, RuntimeError, AttributeError):  # not the main thread, or Windows
        log.debug("no SIGHUP handler in this loop; POST /admin/reload still reloads")
    yield
    if installed:
        loop.remove_signal_handler(signal.SIGHUP)
    stop.set()
    listener.cancel()
    # Never let the subscription (a Redis connection being torn down) hold up shutdown. The
    # flag as well as the cancel: redis-py's get_message can swallow a cancellation, and the
    # task then kept the event loop from closing (a test file hung at teardown).
    await asyncio.wait([listener, *background], timeout=2.0)


async def listen(live, redis, prefix: str, stop: asyncio.Event) -> None:
    """Follow the other processes' announcements until cancelled; resubscribe after errors.
    A process that starts announces the version it loaded (the newest start wins: a rolling
    restart onto new files moves the processes not yet restarted); one that subscribes
    again after an error catches up with the key instead."""
    starting = True
    while not stop.is_set():
        try:
            await follow(live, redis, prefix, starting, stop)
        except asyncio.CancelledError:
            raise
        except Exception as err:
            log.debug("reload announcements: %r; subscribing again", err)
            starting = False
        if not stop.is_set():
            await asyncio.sleep(1.0)


async def follow(live, redis, prefix: str, starting: bool, stop: asyncio.Event) -> None:
    pubsub = redis.pubsub() if hasattr(redis, "pubsub") else None
    if pubsub is None:  # a client without pub/sub (a cluster client): read the key now and then
        while not stop.is_set():
            await catch_up(live, await redis.get(version_key(prefix)))
            await asyncio.sleep(2.0)
    try:
        await pubsub.subscribe(reload_channel(prefix))
        announced = await redis.get(version_key(prefix))
        if starting and _text(announced) != live.current.id:
            await live.announce(live.current.id)
        elif not starting:
            await catch_up(live, announced)
        while not stop.is_set():
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            if message is not None and message.get("type") == "message":
                await catch_up(live, message["data"])
    finally:
        close = pubsub.aclose() if hasattr(pubsub, "aclose") else pubsub.close()
        try:
            await asyncio.wait_for(close, 1.0)
        except Exception as err:  # shutting down, or Redis away: the connection is dropped anyway
            log.debug("closing the reload subscription: %r", err)


def _text(value) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


async def catch_up(live, announced) -> None:
    announced = _text(announced)
    if announced and announced != live.current.id:
        log.info("version %s announced (serving %s): reloading", announced, live.current.id)
        await live.reload("announcement", wanted=announced)


async def admin_reload(request: web.Request) -> web.Response:
    """POST /admin/reload: 200 reloaded or unchanged, 422 rejected with its errors."""
    token = request.app[keys.CONFIG].admin_token
    if not token:
        return web.json_response({"error": "admin_disabled", "detail": (
            "the admin API is off: start `serve` with --admin-token TOKEN (or $DF_ADMIN_TOKEN) and send "
            "'Authorization: Bearer TOKEN'; or send SIGHUP to the server process")}, status=403)
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return web.json_response({"error": "unauthorized", "detail": "send 'Authorization: Bearer <admin token>'"},
                                 status=401, headers={"WWW-Authenticate": 'Bearer realm="admin"'})
    outcome = await request.app[keys.LIVE].reload("POST /admin/reload")
    return web.json_response(outcome, status=422 if outcome["status"] == "rejected" else 200, dumps=keys.dumps)
