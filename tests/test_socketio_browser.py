"""The real rasa-webchat widget (1.0.1, from the npm registry) in headless Chromium, on a
page of another origin, talking socket.io to the real server (its socket.io channel, a real
Redis, the fake classifier): a typed message is answered, the answer's buttons are shown
and a click on one runs the next turn, whose image is shown; a reload keeps the
conversation (session_persistence).

Skipped, saying why, without Chromium and chromium-driver, selenium, or npm and the registry
(tests/support/browser.py, tests/support/rasa_webchat.py).
"""
from __future__ import annotations

import json

import pytest
from aiohttp import web

from framework.channels.socketio import SocketIOSettings
from framework.spec import load_assistant
from tests.support.browser import WAIT, browser, require_chromium  # noqa: F401 (fixture)
from tests.support.fake_classifier import FakeClassifier
from tests.support.live_server import LiveServers
from tests.support.rasa_webchat import widget_bundle
from tests.support.redis_server import RedisServer
from tests.support.rich_domain import CARD_IMAGE, TABLE, write_rich_domain
from tests.support.serving import make_config

webdriver = require_chromium()
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A shop</title></head>
<body><h1>A shop with a chat</h1>
<script src="/rasa-webchat.js"></script>
<script>
  WebChat.default({socketUrl: %s, socketPath: "/socket.io/", embedded: true, title: "Shop assistant",
                   customData: {language: "en"}, params: {storage: "session"}}, null);
</script></body></html>
"""


def page_app(socket_url: dict) -> web.Application:
    """The shop's own web site: a page with the widget, and the widget's bundle."""
    bundle = widget_bundle()

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=PAGE % json.dumps(socket_url["url"]), content_type="text/html")

    async def script(request: web.Request) -> web.FileResponse:
        return web.FileResponse(bundle, headers={"Content-Type": "application/javascript"})

    app = web.Application()
    app.router.add_get("/", page)
    app.router.add_get("/rasa-webchat.js", script)
    return app


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """(the shop page's URL): the dialog server allows the page's origin (--cors)."""
    widget_bundle()  # skip early when the widget cannot be had
    directory = write_rich_domain(tmp_path_factory.mktemp("rich") / "rich_en")
    assistant = load_assistant(directory)
    classifier = FakeClassifier(TABLE, assistant.intents, threshold=0.5)
    socket_url: dict = {}
    with RedisServer(tmp_path_factory.mktemp("redis")) as redis, LiveServers() as live:
        page_url = live.serve(lambda: page_app(socket_url))

        def make_app():
            from framework.server.app import init

            return init(make_config((directory, assistant), classifier, redis.url, webchat=False,
                                    socketio=SocketIOSettings(session_persistence=True), cors_origins=(page_url,)))

        socket_url["url"] = live.serve(make_app)
        yield page_url + "/"


class Widget:
    """rasa-webchat as a user sees it."""

    def __init__(self, driver):
        self.driver = driver

    def box(self):
        return WebDriverWait(self.driver, WAIT).until(
            lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, "textarea.rw-new-message")
                            if e.is_enabled()), None))

    def bot_texts(self) -> list[str]:
        return [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, ".rw-response .rw-message-text")]

    def replies(self) -> list[str]:
        return [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, ".rw-replies .rw-reply")]

    def wait_for(self, what, label: str):
        try:
            return WebDriverWait(self.driver, WAIT).until(lambda d: what())
        except Exception:
            raise AssertionError(f"{label}; the widget shows {self.bot_texts()!r}, buttons {self.replies()!r}, "
                                 f"console {self.driver.get_log('browser')[-5:]!r}") from None

    def type(self, text: str) -> None:
        box = self.box()
        box.send_keys(text)
        box.send_keys(Keys.ENTER)


def test_rasa_webchat_talks_to_the_socketio_channel(browser, shop, tmp_path):
    browser.get(shop)
    widget = Widget(browser)
    widget.type("hi")
    widget.wait_for(lambda: "What would you like to see?" in widget.bot_texts(), "no greeting")
    assert widget.bot_texts()[:2] == ["Hello!", "What would you like to see?"]  # Rasa's paragraphs
    widget.wait_for(lambda: widget.replies() == ["My card", "My statement"], "no buttons")

    (card,) = [e for e in browser.find_elements(By.CSS_SELECTOR, ".rw-replies .rw-reply") if e.text == "My card"]
    card.click()  # sends the payload /show_card
    widget.wait_for(lambda: "Here is your card:" in widget.bot_texts(), "no answer to the button")
    widget.wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, f'.rw-conversation-container img[src="{CARD_IMAGE}"]'),
                    "no image")

    shown = widget.bot_texts()
    browser.refresh()  # session storage and session_persistence: the same conversation comes back
    widget.box()
    widget.wait_for(lambda: widget.bot_texts() == shown, "the conversation is gone after a reload")
    widget.type("card")
    widget.wait_for(lambda: widget.bot_texts().count("Here is your card:") == 2, "no answer after the reload")
    browser.save_screenshot(str(tmp_path / "rasa_webchat.png"))
    browser.get("about:blank")  # the widget's socket closes with its page, as a visitor leaving
