"""The chat page at / and CORS (`serve --cors ORIGIN`), through the real application with
the test shop domain (zh), a real Redis and the fake classifier. The page itself is driven
in Chromium by tests/test_webchat_browser.py."""
from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from framework.server.middleware import parse_origin
from tests.support.fake_classifier import FakeClassifier
from tests.support.serving import backend_port, domain, make_config, redis_server  # noqa: F401 (fixtures)

SHOP = "https://shop.example.com"
REST = "/webhooks/rest/webhook"


@pytest.fixture
async def client_with(domain, redis_server):  # noqa: F811 (fixtures)
    clients = []

    async def make(**overrides) -> TestClient:
        from framework.server.app import init

        _, assistant = domain
        classifier = FakeClassifier({"我要开户": "办理"}, assistant.intents, threshold=0.5)
        client = TestClient(TestServer(init(make_config(domain, classifier, redis_server.url, **overrides))))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


async def test_the_page_is_served_at_the_root_in_the_domains_language(client_with):
    client = await client_with()
    resp = await client.get("/")
    page = await resp.text()
    assert resp.status == 200 and resp.content_type == "text/html"
    assert '<html lang="zh" data-assistant="shop_zh">' in page
    assert "{" not in page  # every placeholder filled
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp and "unsafe-inline" not in csp
    for name, kind in (("webchat.js", "javascript"), ("webchat.css", "text/css")):
        asset = await client.get(f"/webchat/{name}")
        assert asset.status == 200 and kind in asset.content_type, name


async def test_the_script_never_parses_bot_text_as_html(client_with):
    script = await (await (await client_with()).get("/webchat/webchat.js")).text()
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert unsafe not in script, unsafe


async def test_no_webchat_serves_no_chat_page(client_with):
    client = await client_with(webchat=False)
    root = await client.get("/")  # Rasa's "hello" there instead, as `rasa run` answers
    assert root.content_type != "text/html"
    assert (await client.get("/webchat/webchat.js")).status == 404


async def test_without_cors_a_preflight_is_refused_as_before(client_with):
    client = await client_with()
    resp = await client.options(REST, headers={"Origin": SHOP, "Access-Control-Request-Method": "POST"})
    assert resp.status == 405
    assert "Access-Control-Allow-Origin" not in resp.headers


async def test_a_preflight_from_an_allowed_origin_is_answered(client_with):
    client = await client_with(cors_origins=(SHOP, "http://localhost:3000"))
    resp = await client.options(REST, headers={"Origin": SHOP, "Access-Control-Request-Method": "POST",
                                               "Access-Control-Request-Headers": "content-type"})
    assert resp.status == 204
    assert resp.headers["Access-Control-Allow-Origin"] == SHOP
    assert "POST" in resp.headers["Access-Control-Allow-Methods"]
    assert resp.headers["Access-Control-Allow-Headers"] == "content-type"
    assert resp.headers["Vary"] == "Origin"


async def test_a_preflight_from_another_origin_gets_no_cors_headers(client_with):
    client = await client_with(cors_origins=(SHOP,))
    resp = await client.options(REST, headers={"Origin": "https://evil.example.net",
                                               "Access-Control-Request-Method": "POST"})
    assert resp.status == 403
    assert "Access-Control-Allow-Origin" not in resp.headers
    assert await resp.json() == {"error": "cors_origin_not_allowed", "detail":
                                 "origin 'https://evil.example.net' is not among the server's --cors origins"}
    unknown = await client.options("/nowhere", headers={"Origin": SHOP, "Access-Control-Request-Method": "POST"})
    assert unknown.status == 404


async def test_answers_to_an_allowed_origin_carry_cors_headers_errors_included(client_with):
    client = await client_with(cors_origins=(SHOP,))
    ok = await client.post(REST, json={"sender": "c1", "message": "我要开户"}, headers={"Origin": SHOP})
    assert ok.status == 200 and ok.headers["Access-Control-Allow-Origin"] == SHOP
    bad = await client.post(REST, json={"sender": "c1"}, headers={"Origin": SHOP})
    assert bad.status == 400 and bad.headers["Access-Control-Allow-Origin"] == SHOP
    assert "Retry-After" in bad.headers["Access-Control-Expose-Headers"]
    other = await client.post(REST, json={"sender": "c2", "message": "你好"}, headers={"Origin": "https://evil.example.net"})
    assert other.status == 200 and "Access-Control-Allow-Origin" not in other.headers


async def test_a_wildcard_allows_any_origin(client_with):
    client = await client_with(cors_origins=("*",))
    resp = await client.options(REST, headers={"Origin": "http://127.0.0.1:8000", "Access-Control-Request-Method": "POST"})
    assert resp.status == 204 and resp.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8000"


@pytest.mark.parametrize("given, origin", [
    ("https://shop.example.com/", "https://shop.example.com"),
    ("HTTPS://Shop.Example.com:443", "https://shop.example.com"),
    ("http://localhost:3000", "http://localhost:3000"),
    ("*", "*"),
])
def test_origins_are_written_as_browsers_send_them(given, origin):
    assert parse_origin(given) == origin


@pytest.mark.parametrize("given", ["shop.example.com", "https://shop.example.com/chat", "ftp://x", "https://"])
def test_a_value_that_is_no_origin_is_refused(given):
    with pytest.raises(ValueError, match="expected an origin like https://shop.example.com"):
        parse_origin(given)
