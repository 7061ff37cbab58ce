"""Request middleware: errors as JSON, metrics, CORS for the configured origins, and the
per-address rate limit."""
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

    @web.middleware
    async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
        allowed = request.app[config_key].cors_origins
        origin = request.headers.get("Origin")
        if not allowed or origin is None:
            return await handler(request)
        permitted = "*" in allowed or origin in allowed
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            return preflight(request, origin if permitted else None)
        response = await handler(request)
        if permitted:
            response.headers.update(cors_headers(origin))
        return response

    # Outermost first: metrics see the final status; CORS headers go on every answer to an
    # allowed origin, errors included (a widget must be able to read a 429's Retry-After).
    return [measure, cors, errors, limit_address]


CORS_METHODS = "GET, POST, OPTIONS"
CORS_MAX_AGE = "600"  # seconds a browser may reuse a preflight answer


def parse_origin(text: str) -> str:
    """An --cors value as browsers send it in `Origin`: scheme://host[:port], lower case,
    no path ('https://shop.example.com/' -> 'https://shop.example.com'); or '*'.
    ValueError with what was expected otherwise."""
    from urllib.parse import urlsplit

    if text == "*":
        return text
    try:
        url = urlsplit(text.strip())
        port = url.port
    except ValueError:
        url, port = None, None
    if url is None or url.scheme not in ("http", "https") or not url.hostname or url.path not in ("", "/") \
            or url.query or url.fragment or url.username:
        raise ValueError(f"expected an origin like https://shop.example.com or http://localhost:3000 "
                         f"(scheme, host and port only), or '*'; found {text!r}")
    host = f"[{url.hostname}]" if ":" in url.hostname else url.hostname
    default = {"http": 80, "https": 443}[url.scheme]  # browsers leave the default port out
    return f"{url.scheme}://{host}" + (f":{port}" if port not in (None, default) else "")


def cors_headers(origin: str) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin",
            "Access-Control-Expose-Headers": "Retry-After"}


def preflight(request: web.Request, origin: str | None) -> web.Response:
    """The answer to a browser's preflight OPTIONS: 204 with the CORS headers for an allowed
    origin, 403 for any other (a browser then refuses the real request); 404 for no route."""
    problem = request.match_info.http_exception
    if problem is not None and problem.status != 405:  # 405: the route exists, OPTIONS is not its method
        return error_response(problem.status, problem.reason.lower().replace(" ", "_"))
    if origin is None:
        return error_response(403, "cors_origin_not_allowed",
                              f"origin {request.headers['Origin']!r} is not among the server's --cors origins")
    headers = cors_headers(origin)
    headers.update({"Access-Control-Allow-Methods": CORS_METHODS, "Access-Control-Max-Age": CORS_MAX_AGE,
                    "Access-Control-Allow-Headers": request.headers.get("Access-Control-Request-Headers",
                                                                        "Content-Type")})
    return web.Response(status=204, headers=headers)
