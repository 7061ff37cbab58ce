"""benchmarks/light_client.py: the load generator's cheap HTTP client, against a real aiohttp server on loopback."""
from __future__ import annotations

import asyncio
import sys

import pytest
from aiohttp import web

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import light_client  # noqa: E402
import serve_benchmark  # noqa: E402


async def _server(handlers):
    app = web.Application()
    for path, handler in handlers.items():
        app.router.add_post(path, handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, f"http://127.0.0.1:{port}"


async def _echo(request):
    body = await request.json()
    return web.json_response([{"recipient_id": body["sender"], "text": body["message"] * 50}])


async def _closing(request):
    return web.json_response({"ok": True}, headers={"Connection": "close"})


async def _chunked(request):
    response = web.StreamResponse()
    response.enable_chunked_encoding()
    await response.prepare(request)
    await response.write(b"{}")
    await response.write_eof()
    return response


def test_posts_reuse_connections_and_read_whole_answers():
    async def go():
        runner, base = await _server({"/turn": _echo, "/close": _closing, "/chunked": _chunked})
        try:
            async with light_client.LightClient(base + "/turn") as client:
                statuses = await asyncio.gather(*(client.post({"sender": f"s{i}", "message": "hi " * i})
                                                  for i in range(40)))
                assert statuses == [200] * 40
                assert len(client.all) <= 40 and len(client.idle) == len(client.all)
                before = len(client.all)
                for i in range(20):  # one at a time: one connection, reused
                    assert await client.post({"sender": "x", "message": "again"}) == 200
                assert len(client.all) == before
            async with light_client.LightClient(base + "/nowhere") as client:
                assert await client.post({}) == 404
            async with light_client.LightClient(base + "/close") as client:
                assert [await client.post({}) for _ in range(3)] == [200, 200, 200]
                assert len(client.all) == 3 and not client.idle  # a closed connection is not reused
            async with light_client.LightClient(base + "/chunked") as client:
                with pytest.raises(ValueError, match="chunked"):
                    await client.post({})
        finally:
            await runner.cleanup()

    light_client.run(go())


@pytest.mark.parametrize("client", serve_benchmark.CLIENTS)
def test_the_benchmark_loops_with_either_client(client):
    async def go():
        runner, base = await _server({"/turn": _echo})
        try:
            closed = await serve_benchmark.closed_loop(base + "/turn", "turn", ["hello", "你好"], 4, 60, 10, client)
            opened = await serve_benchmark.open_loop(base + "/turn", "turn", ["hello"], 100, 0.3, client)
        finally:
            await runner.cleanup()
        return closed, opened

    closed, opened = light_client.run(go())
    assert closed["requests"] == 60 and closed["errors"] == 0 and closed["client"] == client
    assert closed["client_cpu_ms"] > 0
    assert 20 <= opened["requests"] <= 40 and opened["errors"] == 0
