"""Request middleware: errors as JSON, metrics, and the per-address rate limit."""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Awaitable, Callable

from aiohttp import web

from framework.channels.base import ChannelError
from framework.server.batching import InferenceTimeout, Overloaded
from framework.store import UNAVAILABLE_ERRORS, LockLost, LockTimeout

log = logging.getLogger("framework.server")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error_response(status: int, error: str, detail: str = "", headers: dict | None = None) -> web.Response:
    body = {"error": error}
    if detail:
        body["detail"] = detail
    return web.json_response(body, status=status, headers=headers)


class ApiError(Exception):
    def __init__(self, status: int, error: str, detail: str = "", headers: dict | None = None) -> None:
        super().__init__(detail or error)
        self.status, self.error, self.detail, self.headers = status, error, detail, headers


def build_middlewares(metrics_key, limiter_key, config_key) -> list:
    @web.middleware
    async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiError as err:
            return error_response(err.status, err.error, err.detail, err.headers)
        except ChannelError as err:
            return error_response(err.status, err.error, err.detail)
        except web.HTTPRequestEntityTooLarge as err:
            return error_response(413, "payload_too_large", err.text or "")
        except web.HTTPException as err:
            if err.status < 400:
                raise
            allow = {"Allow": err.headers["Allow"]} if "Allow" in err.headers else None
            return error_response(err.status, err.reason.lower().replace(" ", "_"), "", allow)
        except UNAVAILABLE_ERRORS as err:
            request.app[metrics_key].store_errors.inc()
            log.warning("store unavailable: %s", err)
            return error_response(503, "store_unavailable", "the session store (Redis) is unreachable; retry shortly",
                                  {"Retry-After": "1"})
        except (LockTimeout, LockLost) as err:
            return error_response(503, "conversation_busy", str(err), {"Retry-After": "1"})
        except InferenceTimeout as err:
            return error_response(503, "inference_timeout", str(err), {"Retry-After": "1"})
        except Overloaded as err:
            return error_response(503, "overloaded", str(err), {"Retry-After": "1"})
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("unhandled error on %s %s", request.method, request.path)
            return error_response(500, "internal_error", "see the server log")

    @web.middleware
    async def measure(request: web.Request, handler: Handler) -> web.StreamResponse:
        start = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        finally:
            resource = request.match_info.route.resource
            route = resource.canonical if resource is not None else "unmatched"
            metrics = request.app[metrics_key]
            metrics.requests.inc(route, request.method, str(status))
            metrics.latency.observe(time.perf_counter() - start, route, str(status))

    @web.middleware
    async def limit_address(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method == "POST":
            config = request.app[config_key]
            verdict = await request.app[limiter_key].hit("ip", request.remote or "-", config.rate_limit_ip, config.rate_window)
            if not verdict.allowed:
                request.app[metrics_key].rate_limited.inc("ip")
                raise ApiError(429, "rate_limited", f"more than {config.rate_limit_ip} requests in {config.rate_window:g}s "
                               "from this address", {"Retry-After": str(verdict.retry_after)})
        return await handler(request)

    # Outermost first: metrics see the final status, errors become JSON before that.
    return [measure, errors, limit_address]
