"""A web server of images for the channel image tests (framework.channels.media): an
in-process aiohttp app on a free loopback port, serving a real PNG and GIF, and the things
a bot's image URL must not be: an HTML page, HTML served as image/png, a file over the
platforms' 10 MB (announced by Content-Length, or streamed without one), redirects (fine,
to another scheme, and in a loop). `hits` counts the requests per path, so a test sees how
often an image was downloaded.

    host = await ImageHost().start()
    host.url("/cards/blue.png")
"""
from __future__ import annotations

import struct
import zlib
from collections import Counter

from aiohttp import web
from aiohttp.test_utils import TestServer

OVER_CAP = 10 * 1024 * 1024 + 1  # one byte more than any of the three platforms takes


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# A 1x1 white PNG and GIF, built as their formats specify.
PNG = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
       + _chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + _chunk(b"IEND", b""))
GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
       b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
HTML = b"<html><body>404 Not Found</body></html>"


class ImageHost:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.base = ""

    def url(self, path: str) -> str:
        return self.base + path

    def app(self) -> web.Application:
        def serve(body: bytes, content_type: str):
            async def handler(request: web.Request) -> web.Response:
                return web.Response(body=body, content_type=content_type)
            return handler

        def redirect(to: str):
            async def handler(request: web.Request) -> web.Response:
                raise web.HTTPFound(to if "://" in to else self.url(to))
            return handler

        async def huge(request: web.Request) -> web.Response:  # Content-Length says it all
            return web.Response(body=PNG + bytes(OVER_CAP), content_type="image/png")

        async def endless(request: web.Request) -> web.StreamResponse:  # no Content-Length
            resp = web.StreamResponse(headers={"Content-Type": "image/png"})
            resp.enable_chunked_encoding()
            await resp.prepare(request)
            await resp.write(PNG)
            for _ in range(OVER_CAP // 65536 + 2):
                await resp.write(bytes(65536))
            return resp

        @web.middleware
        async def count(request: web.Request, handler):
            self.hits[request.path] += 1
            return await handler(request)

        app = web.Application(middlewares=[count])
        for path, body, kind in [("/cards/blue.png", PNG, "image/png"), ("/logo.gif", GIF, "image/gif"),
                                 ("/octet.png", PNG, "application/octet-stream"), ("/page.html", HTML, "text/html"),
                                 ("/fake.png", HTML, "image/png")]:
            app.router.add_get(path, serve(body, kind))
        app.router.add_get("/huge.png", huge)
        app.router.add_get("/endless.png", endless)
        app.router.add_get("/moved.png", redirect("/cards/blue.png"))
        app.router.add_get("/to-ftp.png", redirect("ftp://127.0.0.1/blue.png"))
        app.router.add_get("/loop.png", redirect("/loop.png"))
        return app

    async def start(self) -> "ImageHost":
        self.server = TestServer(self.app(), host="127.0.0.1")
        await self.server.start_server()
        self.base = str(self.server.make_url("")).rstrip("/")
        return self

    async def close(self) -> None:
        await self.server.close()
