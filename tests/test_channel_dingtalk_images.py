"""Images on DingTalk (issue 13): Rasa's `image` (and an image attachment) arrive as images
on both delivery paths, as the fake of DingTalk (tests/support/fake_dingtalk.py) reads them:
a `markdown` message through the sessionWebhook, `sampleImageMsg` / `sampleMarkdown`
through the robot send API; an attachment that is not an image stays a link. Through the
real server with the rich example domain (tests/support/rich_domain.py)."""
from __future__ import annotations

import pytest

from framework.channels.dingtalk import api_message, shown, webhook_message
from tests.support.fake_classifier import FakeClassifier
from tests.support.fake_dingtalk import FakeDingTalk, markdown_parts, robot_settings, say
from tests.support.rich_domain import CARD_IMAGE, STATEMENT, TABLE, rich  # noqa: F401 (fixture)
from tests.support.serving import redis_server  # noqa: F401 (fixture)
from tests.support.wechat_serving import start_server

PHOTO = "https://example.com/a b(1).png"


@pytest.fixture
async def dingtalk(rich, redis_server):
    import redis.asyncio as redis

    await redis.Redis.from_url(redis_server.url).flushdb()
    fake = await FakeDingTalk().start()
    directory, assistant = rich
    client = await start_server(redis_server.url, directory, assistant,
                                FakeClassifier(TABLE, assistant.intents, threshold=0.5), **robot_settings(fake))
    yield client, fake
    await client.close()
    await fake.close()


def test_what_each_part_of_a_reply_becomes():
    image_alone = shown({"image": PHOTO})
    assert image_alone == {"text": "", "buttons": [], "image": PHOTO}
    assert api_message(image_alone) == ("sampleImageMsg", {"photoURL": PHOTO})
    assert webhook_message(image_alone) == {"msgtype": "markdown", "markdown": {
        "title": "图片", "text": "![图片](https://example.com/a%20b%281%29.png)"}}
    # A Rasa image attachment is an image; any other attachment is its link; custom is left out.
    both = shown({"text": "看这里", "attachment": {"type": "image", "payload": {"src": PHOTO}}, "custom": {"x": 1}})
    assert both["image"] == PHOTO and both["text"] == "看这里"
    key, param = api_message(both)
    assert key == "sampleMarkdown" and markdown_parts(param["text"]) == ("看这里", PHOTO.replace(" ", "%20")
                                                                         .replace("(", "%28").replace(")", "%29"))
    assert shown({"text": "账单", "attachment": {"type": "file", "url": "https://x/y.pdf"}}) == \
        {"text": "账单\nhttps://x/y.pdf", "buttons": [], "image": None}
    assert shown({"custom": {"only": "for another platform"}}) is None
    # With buttons, the image goes into the ActionCard's (markdown) text.
    card = webhook_message(shown({"text": "选一个", "image": PHOTO, "buttons": [{"title": "好", "payload": "/ok"}]}))
    assert card["msgtype"] == "actionCard" and card["actionCard"]["title"] == "选一个"
    assert card["actionCard"]["text"].startswith("选一个\n\n![图片](")


async def test_an_image_response_is_an_image_on_both_paths(dingtalk):
    client, fake = dingtalk
    [webhook] = await say(client, fake, "card")
    assert webhook["via"] == "sessionWebhook" and webhook["body"]["msgtype"] == "markdown"
    assert (webhook["text"], webhook["image"]) == ("Here is your card:", CARD_IMAGE)  # custom JSON left out
    [api] = await say(client, fake, "card", webhook_ttl_ms=-1)  # the webhook expired: the send API
    assert api["via"] == "batchSend" and api["body"]["msgKey"] == "sampleMarkdown"
    assert (api["text"], api["image"]) == ("Here is your card:", CARD_IMAGE)


async def test_an_attachment_that_is_not_an_image_stays_a_link(dingtalk):
    client, fake = dingtalk
    await say(client, fake, "hi")
    [statement] = await say(client, fake, "/statement")
    assert statement["text"] == f"Your statement:\n{STATEMENT}" and statement["image"] is None
    assert statement["body"]["msgtype"] == "text"
