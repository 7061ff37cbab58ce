"""A server middleware that honours the `Idempotency-Key` header dialogframe's webhooks send.

For business backends written with aiohttp (the example domains' demo backends use it): a
webhook call carries one key on all its retries, and a retry after a timeout may arrive while
the first request is still being served, or after it succeeded but its answer was lost.
Either way it must get the first request's answer, never a second account or case.

This is not a store: the answers live in the process's memory, which is right for a demo and
for tests; a production backend keeps them with its own data, in the same transaction.
"""
from __future__ import annotations

import asyncio

from aiohttp import web

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def idempotency_middleware():
    """A fresh middleware with its own memory of (method, path, key) -> (status, body)."""
    answers: dict[tuple[str, str, str], asyncio.Future] = {}

    @web.middleware
    async def idempotency(request: web.Request, handler) -> web.StreamResponse:
        key = request.headers.get("Idempotency-Key")
        if request.method not in UNSAFE_METHODS or not key:
            return await handler(request)
        slot = (request.method, request.path, key)
        if slot in answers:  # a retry: wait for the first request if it is still running
            status, body = await asyncio.shield(answers[slot])
            return web.Response(status=status, body=body, content_type="application/json")
        answers[slot] = asyncio.get_running_loop().create_future()
        try:
            response = await handler(request)
        except web.HTTPException as exc:  # 4xx raised by a handler: remembered like any answer
            response = exc
        except BaseException as exc:
            answers.pop(slot).set_exception(exc)  # not remembered: a retry may try again
            raise
        answers[slot].set_result((response.status, response.body))
        if isinstance(response, web.HTTPException):
            raise response
        return response

    return idempotency
