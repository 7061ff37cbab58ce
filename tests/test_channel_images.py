"""framework.channels.media against a real local web server of images
(tests/support/image_host.py) and a real redis-server: what is fetched and what is refused
before any upload (the messages are golden: they end up in the WARNING line), the media id
cached so an image is uploaded once, and how replies are cut into text and image parts."""
from __future__ import annotations

import asyncio

import aiohttp
import pytest

from framework.channels.media import (FEISHU_IMAGES, WECHAT_IMAGES, WECOM_IMAGES, MediaError, MediaIds, as_link,
                                      fetch_image, image_parts)
from framework.channels.platform_tokens import PlatformTokens
from tests.support.image_host import GIF, OVER_CAP, PNG, ImageHost
from tests.support.serving import redis_server  # noqa: F401 (fixture)


@pytest.fixture
async def host():
    host = await ImageHost().start()
    async with aiohttp.ClientSession() as session:
        yield host, session
    await host.close()


@pytest.mark.parametrize("path, rules, content, kind", [
    ("/cards/blue.png", WECHAT_IMAGES, PNG, "image/png"),
    ("/logo.gif", FEISHU_IMAGES, GIF, "image/gif"),
    ("/octet.png", WECOM_IMAGES, PNG, "image/png"),  # a generic Content-Type: the bytes decide
    ("/moved.png", WECHAT_IMAGES, PNG, "image/png"),  # one redirect is followed
], ids=["png", "gif", "octet-stream", "redirect"])
async def test_images_the_platform_takes_are_fetched(host, path, rules, content, kind):
    host, session = host
    image = await fetch_image(session, host.url(path), rules)
    assert (image.content, image.content_type, image.filename) == (content, kind, "image." + kind[6:])


TAKES = "(image/gif, image/jpeg, image/png)"


@pytest.mark.parametrize("path, rules, message", [
    ("/page.html", WECHAT_IMAGES, f"the download is text/html, not an image the platform takes {TAKES}"),
    ("/fake.png", WECHAT_IMAGES, f"the download is not an image the platform takes {TAKES}; its first bytes are "
                                 "b'<html><b'"),
    ("/logo.gif", WECOM_IMAGES, "the download is image/gif, not an image the platform takes (image/jpeg, image/png)"),
    ("/huge.png", WECHAT_IMAGES, f"the image has {len(PNG) + OVER_CAP} bytes; the platform takes at most 10485760"),
    ("/endless.png", FEISHU_IMAGES, "the image has more than 10485760 bytes, the most the platform takes"),
    ("/missing.png", WECHAT_IMAGES, "the download answered HTTP 404"),
    ("/to-ftp.png", WECHAT_IMAGES, "redirected to ftp://127.0.0.1/blue.png, not an http(s) URL"),
    ("/loop.png", WECHAT_IMAGES, "more than 3 redirects"),
], ids=lambda v: v if isinstance(v, str) and v.startswith("/") else "")
async def test_what_is_not_such_an_image_is_refused_before_any_upload(host, path, rules, message):
    host, session = host
    with pytest.raises(MediaError) as refused:
        await fetch_image(session, host.url(path), rules)
    assert str(refused.value) == message


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/blue.png", "data:image/png;base64,iVBO",
                                 "/cards/blue.png", "http://"])
async def test_only_http_urls_are_fetched(host, url):
    _, session = host
    with pytest.raises(MediaError, match="^not an http"):
        await fetch_image(session, url, WECHAT_IMAGES)


async def test_an_image_is_uploaded_once_and_its_id_kept_for_the_platforms_ttl(host, redis_server):
    import redis.asyncio as redis

    host, session = host
    client = redis.Redis.from_url(redis_server.url)
    await client.flushdb()
    uploaded = []

    async def upload(image) -> str:
        await asyncio.sleep(0.01)  # the others wait for this one, not upload it again
        uploaded.append(image.url)
        return f"MEDIA_{len(uploaded)}"

    ids = MediaIds("wechat", "wx2c2769f8efd9abc2", session, PlatformTokens(client, "df"), WECHAT_IMAGES, upload)
    url = host.url("/cards/blue.png")
    assert await asyncio.gather(*(ids.media_id(url) for _ in range(5))) == ["MEDIA_1"] * 5
    assert await ids.media_id(url) == "MEDIA_1"
    assert uploaded == [url] and host.hits["/cards/blue.png"] == 1
    key = ids.key(url)
    assert key.startswith("df:media:wechat:wx2c2769f8efd9abc2:")
    assert 2 * 24 * 3600 - 5 < await client.ttl(key) <= 2 * 24 * 3600  # the media itself lives 3 days
    feishu = MediaIds("feishu", "cli_a", session, PlatformTokens(client, "df"), FEISHU_IMAGES, upload)
    assert await feishu.media_id(url) == "MEDIA_2"  # another platform, another upload
    assert await client.ttl(feishu.key(url)) > 29 * 24 * 3600
    await ids.forget(url)
    assert await ids.media_id(url) == "MEDIA_3"


async def test_a_failed_image_becomes_its_link_with_one_warning(host, caplog):
    host, session = host

    async def refuse(image) -> str:
        raise MediaError("/cgi-bin/media/upload answered errcode 40004: {'errcode': 40004}")

    ids = MediaIds("wecom", "corp", session, PlatformTokens(None, "df"), WECOM_IMAGES, refuse)
    url = host.url("/cards/blue.png")
    with caplog.at_level("WARNING", logger="framework.channels"):
        parts = await ids.resolve([{"text": "Your card:"}, {"image": url}])
    assert parts == [{"text": "Your card:"}, {"text": url}]
    assert [r.getMessage() for r in caplog.records] == [
        f"wecom: image {url} sent as a link: /cgi-bin/media/upload answered errcode 40004: {{'errcode': 40004}}"]


def test_replies_are_cut_into_text_and_image_parts():
    buttons = [{"title": "More", "payload": "/more"}]
    replies = [{"text": "Here is your card:", "image": "https://x/c.png", "custom": {"blocks": []}},
               {"image": "https://x/logo.png"},
               {"text": "Statement:", "attachment": "https://x/s.pdf"},
               {"text": "Pick:", "image": "https://x/m.png", "buttons": buttons, "attachment": "https://x/a.pdf"}]
    parts = image_parts(replies)
    assert parts == [{"text": "Here is your card:"}, {"image": "https://x/c.png"}, {"image": "https://x/logo.png"},
                     {"text": "Statement:\nhttps://x/s.pdf"},  # not an image: a link line, as before
                     {"text": "Pick:", "buttons": buttons}, {"image": "https://x/m.png"}, {"text": "https://x/a.pdf"}]
    assert image_parts(parts) == parts
    video = {"type": "video", "payload": {"src": "https://x/v.mp4"}}
    assert image_parts([{"text": "Look:", "attachment": {"type": "image", "payload": {"src": "https://x/i.png"}}},
                        {"attachment": video}]) == [{"text": "Look:"}, {"image": "https://x/i.png"},
                                                    {"text": "https://x/v.mp4"}]  # Rasa's image attachment
    with_card = image_parts(replies[3:], images_with_buttons=True)
    assert with_card == [{"text": "Pick:\nhttps://x/a.pdf", "buttons": buttons, "image": "https://x/m.png"}]
    assert as_link(with_card[0]) == {"text": "Pick:\nhttps://x/a.pdf\nhttps://x/m.png", "buttons": buttons}


async def test_sending_uploads_a_refused_media_id_again_once_and_passes_other_errors_on(host, redis_server, caplog):
    import redis.asyncio as redis

    host, session = host
    client = redis.Redis.from_url(redis_server.url)
    await client.flushdb()
    uploads, sent, refused = [], [], {"OLD"}

    async def upload(image) -> str:
        uploads.append(image.url)
        return f"NEW_{len(uploads)}"

    async def send(part) -> None:
        if part.get("media_id") in refused:
            raise LookupError(f"unknown {part['media_id']}")
        if part.get("text") == "boom":
            raise RuntimeError("the platform is down")
        sent.append(part)

    ids = MediaIds("wecom", "corp", session, PlatformTokens(client, "df"), WECOM_IMAGES, upload)
    url = host.url("/cards/blue.png")
    await client.set(ids.key(url), b"OLD")
    sending = ids.sending(send, lambda err: isinstance(err, LookupError))
    await sending({"image": url, "media_id": "OLD"})
    assert sent == [{"image": url, "media_id": "NEW_1"}] and await client.get(ids.key(url)) == b"NEW_1"
    refused.add("NEW_1")
    refused.add("NEW_2")
    with caplog.at_level("WARNING", logger="framework.channels"):
        await sending({"image": url, "media_id": "NEW_1"})  # the new id refused too: the link
    assert sent[-1] == {"text": url} and len(uploads) == 2
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [
        f"wecom: image {url} sent as a link: LookupError('unknown NEW_2')"]
    with pytest.raises(RuntimeError):
        await sending({"text": "boom"})
