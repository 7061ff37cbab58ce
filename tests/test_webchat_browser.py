"""The chat page at / in headless Chromium, driven by Selenium: a whole flow of each example
domain (telecom_zh in Chinese, banking_en in English) through the real server, its REST
channel, a real Redis and the domain's demo backend, with a reload in the middle (the
session and its history survive it) and a screenshot of each conversation in the test's
tmp dir. The classifier is the test fake: typed messages are looked up in its table, and
button payloads need no model at all.

Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them) and the
`selenium` package (the test extra); skipped, with the reason, when they cannot be had.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from framework.spec import load_assistant
from tests.support.browser import WAIT, browser, console_errors, require_chromium  # noqa: F401 (fixture)
from tests.support.example_chat import ID
from tests.support.fake_classifier import FakeClassifier
from tests.support.live_server import LiveServers
from tests.support.redis_server import RedisServer, free_port
from tests.support.serving import make_config

ROOT = Path(__file__).resolve().parent.parent
webdriver = require_chromium()
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

XSS_DOMAIN = """\
version: "1"
language: en
flows: [flows.yml]
settings: {fallback_threshold: 0.4}
intents:
  greet: {examples: [hi, hello, good morning]}
  help: {examples: [help, what can you do, help me]}
responses:
  utter_greet:
    - text: "Guide: https://example.com/guide?a=1&b=2. <img src=x onerror=\\"document.title='pwned'\\"><script>document.title='pwned'</script> javascript:alert(1)\\nMap: https://example.com/map.png"
  utter_help: [{text: "I can greet you."}]
  utter_fallback: [{text: Sorry?}]
global:
  fallback: {response: utter_fallback}
  greet: {intent: greet, response: utter_greet}
"""
XSS_FLOWS = """\
flows:
  help:
    trigger: help
    states:
      tell: {say: utter_help, next: END}
"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    with RedisServer(tmp_path_factory.mktemp("redis")) as redis, LiveServers() as live:
        yield redis, live


def serve(servers, domain_dir: Path, table: dict, backend_env: str | None = None) -> str:
    """The real server for `domain_dir` (with its demo backend on a free port), at a new origin."""
    redis, live = servers
    environ, options = {}, {}
    if backend_env:
        port = free_port()
        environ[backend_env] = f"http://127.0.0.1:{port}"
        options = dict(demo_backend=True, demo_backend_port=port)
    assistant = load_assistant(domain_dir, environ)
    classifier = FakeClassifier(table, assistant.intents, threshold=0.5)

    def make_app():
        from framework.server.app import init

        return init(make_config((domain_dir, assistant), classifier, redis.url, **options))

    return live.serve(make_app) + "/"


class Page:
    """The chat page as a user sees it."""

    def __init__(self, driver, url: str):
        self.driver = driver
        driver.get(url)
        self.wait_idle()

    def bot_texts(self) -> list[str]:
        return [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, "li.msg.bot .bubble")]

    def user_texts(self) -> list[str]:
        return [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, "li.msg.user .bubble")]

    def wait_idle(self) -> None:
        WebDriverWait(self.driver, WAIT).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
            and d.find_element(By.ID, "send").is_enabled())

    def _await_answer(self, before: int) -> list[str]:
        WebDriverWait(self.driver, WAIT).until(lambda d: len(self.bot_texts()) > before
                                               and d.find_element(By.ID, "send").is_enabled())
        return self.bot_texts()[before:]

    def type(self, text: str) -> list[str]:
        before = len(self.bot_texts())
        box = self.driver.find_element(By.ID, "text")
        box.send_keys(text)
        self.driver.find_element(By.ID, "send").click()
        return self._await_answer(before)

    def buttons(self) -> list[str]:
        return [b.text for b in self.driver.find_elements(By.CSS_SELECTOR, "button.choice") if b.is_enabled()]

    def click(self, title: str) -> list[str]:
        before = len(self.bot_texts())
        (button,) = [b for b in self.driver.find_elements(By.CSS_SELECTOR, "button.choice")
                     if b.is_enabled() and b.text == title]
        button.click()
        return self._await_answer(before)

    def reload(self) -> None:
        self.driver.refresh()
        self.wait_idle()


def test_a_whole_telecom_flow_in_chinese(browser, servers, tmp_path):
    telecom = ROOT / "domains" / "telecom_zh"
    page = Page(browser, serve(servers, telecom, {"我想办理业务": "办理", "确认": "肯定"}, "TELECOM_BACKEND_URL"))
    assert browser.find_element(By.ID, "send").text == "发送"
    assert browser.find_element(By.ID, "title").text == "智能客服"
    assert browser.find_element(By.ID, "text").get_attribute("placeholder") == "请输入您的问题"

    assert page.type("我想办理业务") == ["请问您要办理开户（办新卡）还是变更套餐？"]
    assert page.buttons() == ["开户", "换套餐"]
    assert "姓名" in page.click("开户")[0]
    assert page.user_texts()[-1] == "开户"  # the button's title is shown for what was sent
    assert "身份证" in page.type("张三")[0]
    assert "套餐" in page.type(ID)[0]
    assert page.buttons() == ["39元", "59元", "99元", "129元"]

    shown = (page.user_texts(), page.bot_texts())
    page.reload()  # same conversation: the history is back and its last buttons work
    assert (page.user_texts(), page.bot_texts()) == shown
    assert page.buttons() == ["39元", "59元", "99元", "129元"]
    confirmation = page.click("59元")[0]
    assert "张三" in confirmation and "59" in confirmation and "开户" in confirmation
    assert page.buttons() == []  # answered buttons are spent
    assert page.type("确认")[0].startswith("开户成功！您的账户号是")
    assert console_errors(browser) == []
    browser.save_screenshot(str(tmp_path / "webchat_telecom_zh.png"))
    assert (tmp_path / "webchat_telecom_zh.png").read_bytes()[:4] == b"\x89PNG"


def test_a_whole_banking_flow_in_english(browser, servers, tmp_path):
    banking = ROOT / "domains" / "banking_en"
    page = Page(browser, serve(servers, banking, {"I want to activate my card": "activate_card", "yes": "affirm"},
                               "BANKING_BACKEND_URL"))
    assert browser.find_element(By.ID, "send").text == "Send"
    assert "four digits" in page.type("I want to activate my card")[0] or "4 digits" in page.bot_texts()[-1]
    assert "name" in page.type("4821")[0]
    page.reload()
    assert page.type("Maria Garcia") == ["Activate the card ending 4821 for Maria Garcia?"]
    assert page.type("yes") == ["Done! Your card ending 4821 is active and ready to use."]
    browser.find_element(By.ID, "restart").click()  # a new conversation: new sender, empty page
    assert page.bot_texts() == [] and page.user_texts() == []
    assert page.type("yes") != ["Done! Your card ending 4821 is active and ready to use."]
    assert console_errors(browser) == []
    browser.save_screenshot(str(tmp_path / "webchat_banking_en.png"))


def test_links_and_images_are_rendered_and_markup_is_only_text(browser, servers, tmp_path):
    domain_dir = tmp_path / "links_en"
    domain_dir.mkdir()
    (domain_dir / "domain.yml").write_text(XSS_DOMAIN, encoding="utf-8")
    (domain_dir / "flows.yml").write_text(XSS_FLOWS, encoding="utf-8")
    page = Page(browser, serve(servers, domain_dir, {"hi": "greet"}))
    (text,) = page.type("hi")
    assert "<script>document.title='pwned'</script>" in text and "<img src=x" in text  # shown as text
    bubble = browser.find_elements(By.CSS_SELECTOR, "li.msg.bot .bubble")[-1]
    links = [(a.get_attribute("href"), a.get_attribute("rel"), a.get_attribute("target"))
             for a in bubble.find_elements(By.TAG_NAME, "a")]
    assert links == [("https://example.com/guide?a=1&b=2", "noopener noreferrer nofollow", "_blank"),
                     ("https://example.com/map.png", "noopener noreferrer nofollow", "_blank")]
    images = [img.get_attribute("src") for img in bubble.find_elements(By.TAG_NAME, "img")]
    assert images == ["https://example.com/map.png"]  # the markup's <img> is not an element
    assert bubble.find_elements(By.TAG_NAME, "script") == []
    assert browser.title != "pwned"


def test_rasa_rich_responses_image_attachment_and_buttons(browser, servers, tmp_path):
    from tests.support.rich_domain import CARD_IMAGE, STATEMENT, TABLE, write_rich_domain

    page = Page(browser, serve(servers, write_rich_domain(tmp_path / "rich_en"), TABLE))
    assert page.type("hi") == ["Hello!\n\nWhat would you like to see?"]
    assert page.buttons() == ["My card", "My statement"]
    # REST sends Rasa's parts as messages of their own (text, custom, image): a bubble for the
    # text and one for the image; the custom JSON (Slack blocks) is not shown
    assert page.click("My card") == ["Here is your card:", ""]
    bubble = browser.find_elements(By.CSS_SELECTOR, "li.msg.bot .bubble")[-1]
    assert [img.get_attribute("src") for img in bubble.find_elements(By.TAG_NAME, "img")] == [CARD_IMAGE]
    assert page.type("hi")[0].startswith("Hello!")
    assert page.click("My statement") == ["Your statement:", "2026-11.pdf"]
    link = browser.find_elements(By.CSS_SELECTOR, "li.msg.bot .bubble a.attachment")[-1]
    assert (link.get_attribute("href"), link.get_attribute("rel")) == (STATEMENT, "noopener noreferrer nofollow")
    page.reload()  # the history keeps the image and the link
    assert browser.find_elements(By.CSS_SELECTOR, "li.msg.bot .bubble a.attachment")[-1].get_attribute("href") == STATEMENT
