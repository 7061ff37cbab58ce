"""Rasa's `image` responses shown as native images on WeChat (Official Account, safe mode),
WeCom and Feishu, through the real server, a real redis-server, the rich test domain with
its images on a local web server (tests/support/image_host.py), and the fakes of the
platforms' APIs (tests/support/fake_wechat.py, fake_feishu.py), which take the uploads only
as documented (multipart field, type, token). An image is uploaded once for many replies; a
failed download or upload leaves the URL as a text line and one WARNING line."""
from __future__ import annotations

import asyncio
import logging

import pytest
import yaml

from framework.server import keys
from tests.support import fake_feishu, rich_domain
from tests.support.fake_classifier import FakeClassifier
from tests.support.fake_feishu import FakeFeishu, message_event
from tests.support.fake_wechat import WECOM_SECRET, WX_SECRET, OfficialAccount, WeComApp
from tests.support.image_host import ImageHost
from tests.support.serving import redis_server  # noqa: F401 (fixture)
from tests.support.wechat_serving import platform_api, start_server  # noqa: F401 (fixture)


def write_domain(directory, host: ImageHost) -> None:
    """tests/support/rich_domain.py with its card image on `host`, and three responses
    more: an image alone, an image with buttons, and an image URL that is an HTML page."""
    domain, flows = yaml.safe_load(rich_domain.DOMAIN), yaml.safe_load(rich_domain.FLOWS)
    domain["responses"]["utter_card"][0]["image"] = host.url("/cards/blue.png")
    domain["responses"] |= {
        "utter_logo": [{"image": host.url("/octet.png")}],
        "utter_menu": [{"text": "Pick one:", "image": host.url("/cards/blue.png"),
                        "buttons": [{"title": "Card", "payload": "/show_card"},
                                    {"title": "Logo", "payload": "/logo"}]}],
        "utter_broken": [{"text": "Broken:", "image": host.url("/page.html")}]}
    for name in ("logo", "menu", "broken"):
        domain["intents"][name] = {"examples": [name]}
        flows["flows"][name] = {"trigger": name, "states": {"show": {"say": f"utter_{name}", "next": "END"}}}
    (directory / "domain.yml").write_text(yaml.safe_dump(domain, allow_unicode=True), encoding="utf-8")
    (directory / "flows.yml").write_text(yaml.safe_dump(flows, allow_unicode=True), encoding="utf-8")


WECHAT = OfficialAccount(mode="safe")
WECOM = WeComApp()


@pytest.fixture
async def serve(tmp_path, redis_server):
    """start(**channel options) -> (test client, image host): the domain served with its
    images on a local web server."""
    import redis.asyncio as redis

    from framework.spec import load_assistant

    await redis.Redis.from_url(redis_server.url).flushdb()
    host = await ImageHost().start()
    write_domain(tmp_path, host)
    assistant = load_assistant(tmp_path)
    clients = []

    async def start(**options):
        classifier = FakeClassifier({}, assistant.intents, threshold=0.5)
        clients.append(await start_server(redis_server.url, tmp_path, assistant, classifier, **options))
        return clients[-1], host

    yield start
    for client in clients:
        await client.close()
    await host.close()


async def arrived(sent: list, count: int) -> list:
    for _ in range(200):
        if len(sent) >= count:
            break
        await asyncio.sleep(0.02)
    return sent


def wechat_options(base: str, **more) -> dict:
    return dict(wechat_token=WECHAT.token, wechat_aes_key=WECHAT.aes_key, wechat_app_id=WECHAT.app_id,
                wechat_app_secret=WX_SECRET, wechat_api_base=base, **more)


async def test_wechat_one_image_is_a_passive_image_message_uploaded_once(serve, platform_api):
    base, api = platform_api
    client, host = await serve(**wechat_options(base))
    for _ in range(2):
        resp = await client.post("/webhooks/wechat/webhook", **WECHAT.message("o_user", "/logo"))
        reply = WECHAT.read_reply(await resp.text())  # safe mode: signed and encrypted, as any reply
        assert (reply["MsgType"], reply["Image.MediaId"], reply["ToUserName"]) == ("image", "MEDIA_1", "o_user")
    assert len(api.uploads) == 1 and host.hits["/octet.png"] == 1 and api.sent == []
    assert {k: api.uploads[0][k] for k in ("filename", "content_type", "fields")} == {
        "filename": "image.png", "content_type": "image/png", "fields": ["media"]}


async def test_wechat_text_and_image_go_in_order_through_the_customer_service_api(serve, platform_api):
    base, api = platform_api
    client, host = await serve(**wechat_options(base))
    resp = await client.post("/webhooks/wechat/webhook", **WECHAT.message("o_user", "/show_card"))
    assert await resp.text() == "success"
    resp = await client.post("/webhooks/wechat/webhook", **WECHAT.message("o_user", "/menu"))
    assert await resp.text() == "success"
    assert api.texts() == ["Here is your card:", "[image MEDIA_1]", "Pick one:", "[image MEDIA_1]"]
    assert api.sent[1] == {"path": "/cgi-bin/message/custom/send", "touser": "o_user", "msgtype": "image",
                           "image": {"media_id": "MEDIA_1"}}
    assert api.sent[2]["msgtype"] == "msgmenu" and len(api.uploads) == 1  # custom JSON is left out


async def test_wechat_late_turn_sends_its_image_by_api(serve, platform_api):
    base, api = platform_api
    client, _ = await serve(**wechat_options(base, wechat_reply_budget=0.0))
    resp = await client.post("/webhooks/wechat/webhook", **WECHAT.message("o_late", "/logo"))
    assert await resp.text() == "success"
    await arrived(api.sent, 1)
    assert api.texts() == ["[image MEDIA_1]"] and api.sent[0]["touser"] == "o_late"


async def test_wechat_a_shutdown_right_after_an_image_missed_the_passive_reply_still_sends_it(
        serve, platform_api, caplog):
    base, api = platform_api
    client, host = await serve(**wechat_options(base, wechat_reply_budget=0.3))
    api.upload_delay = 0.5  # the upload outlives the passive reply; the turn itself does not
    with caplog.at_level(logging.INFO, logger="framework.channels"):
        resp = await client.post("/webhooks/wechat/webhook", **WECHAT.message("o_user", "/logo"))
        assert await resp.text() == "success" and api.sent == []
        await client.close()  # the graceful shutdown waits for the send, as for any late reply
    assert api.texts() == ["[image MEDIA_1]"]
    assert f"image {host.url('/octet.png')} not uploaded in time for the passive reply" in caplog.text


async def test_wechat_upload_refreshes_an_expired_token_once(serve, platform_api):
    base, api = platform_api
    client, _ = await serve(**wechat_options(base))
    await client.post("/webhooks/wechat/webhook", **WECHAT.message("o_user", "/show_card"))  # a token, cached
    api.expire_next = True
    resp = await client.post("/webhooks/wechat/webhook", **WECHAT.message("o_user", "/logo"))
    assert WECHAT.read_reply(await resp.text())["Image.MediaId"] == "MEDIA_2"
    assert api.token_fetches == 2


async def test_wechat_a_failed_image_is_its_link_and_one_warning(serve, platform_api, caplog):
    base, api = platform_api
    client, host = await serve(**wechat_options(base))
    api.fail_uploads = True
    with caplog.at_level(logging.WARNING, logger="framework.channels"):
        resp = await client.post("/webhooks/wechat/webhook", **WECHAT.message("o_user", "/logo"))
        assert WECHAT.read_reply(await resp.text())["Content"] == host.url("/octet.png")
        resp = await client.post("/webhooks/wechat/webhook", **WECHAT.message("o_user", "/broken"))
        assert await resp.text() == "success"
    assert api.texts() == ["Broken:", host.url("/page.html")] and api.uploads == []  # refused before upload
    assert [r.getMessage() for r in caplog.records if r.name == "framework.channels"] == [
        f"wechat: image {host.url('/octet.png')} sent as a link: /cgi-bin/media/upload answered errcode 40004: "
        "{'errcode': 40004, 'errmsg': 'invalid media type'}",
        f"wechat: image {host.url('/page.html')} sent as a link: the download is text/html, not an image the "
        "platform takes (image/gif, image/jpeg, image/png)"]


async def test_wechat_without_the_app_secret_images_stay_links(serve):
    client, host = await serve(wechat_token=WECHAT.token, wechat_aes_key=WECHAT.aes_key, wechat_app_id=WECHAT.app_id)
    resp = await client.post("/webhooks/wechat/webhook", **WECHAT.message("o_user", "/show_card"))
    assert WECHAT.read_reply(await resp.text())["Content"] == f"Here is your card:\n{host.url('/cards/blue.png')}"
    assert host.hits == {}


async def test_wecom_images_go_through_message_send(serve, platform_api):
    base, api = platform_api
    client, host = await serve(wecom_corp_id=WECOM.corp_id, wecom_token=WECOM.token, wecom_aes_key=WECOM.aes_key,
                               wecom_agent_id=WECOM.agent_id, wecom_secret=WECOM_SECRET, wecom_api_base=base)
    for text in ("/show_card", "/logo", "/show_card"):
        resp = await client.post("/webhooks/wecom/webhook", **WECOM.message("zhangsan", text))
        assert resp.status == 200 and await resp.text() == ""
    assert api.texts() == ["Here is your card:", "[image MEDIA_1]", "[image MEDIA_2]", "Here is your card:",
                           "[image MEDIA_1]"]
    assert api.sent[1] == {"path": "/cgi-bin/message/send", "touser": "zhangsan", "agentid": 1000002,
                           "msgtype": "image", "image": {"media_id": "MEDIA_1"}}
    assert len(api.uploads) == 2 and host.hits["/cards/blue.png"] == 1


@pytest.fixture
async def feishu(serve):
    fake = await FakeFeishu().start()
    client, host = await serve(feishu_app_id=fake_feishu.APP_ID, feishu_app_secret=fake_feishu.APP_SECRET,
                               feishu_encrypt_key=fake_feishu.ENCRYPT_KEY, feishu_api_base=fake.base,
                               feishu_verification_token=fake_feishu.VERIFICATION_TOKEN)
    yield client, host, fake
    await fake.close()


async def feishu_says(client, text: str) -> None:
    resp = await client.post("/webhooks/feishu/webhook", **fake_feishu.request(message_event(text)))
    assert resp.status == 200, await resp.text()


async def test_feishu_images_are_image_messages_and_card_images(feishu):
    client, host, fake = feishu
    await feishu_says(client, "/show_card")
    await feishu_says(client, "/menu")
    shown = [(m["via"], m["text"], m.get("image"), [t for t, _ in m["buttons"]]) for m in fake.sent]
    assert shown == [("reply", "Here is your card:", None, []), ("reply", "", "img_v2_1", []),
                     ("reply", "Pick one:", "img_v2_1", ["Card", "Logo"])]  # the card's img element
    assert fake.sent[1]["body"]["msg_type"] == "image" and len(fake.uploads) == 1
    assert fake.uploads[0]["fields"] == ["image", "image_type"] and fake.uploads[0]["content_type"] == "image/png"


async def test_feishu_upload_refreshes_the_token_once_and_falls_back_to_the_link(feishu, caplog):
    client, host, fake = feishu
    await feishu_says(client, "/show_card")
    fake.expire_tokens()
    await feishu_says(client, "/logo")
    assert fake.sent[-1]["image"] == "img_v2_2" and fake.token_requests == 2
    fake.fail_uploads = True
    fake.sent.clear()
    with caplog.at_level(logging.WARNING, logger="framework.channels"):
        await feishu_says(client, "/broken")
        await client.server.app[keys.CHANNELS]["feishu"].images.forget(host.url("/octet.png"))
        await feishu_says(client, "/logo")
    assert fake.texts() == ["Broken:", host.url("/page.html"), host.url("/octet.png")]
    warnings = [r.getMessage() for r in caplog.records if r.name == "framework.channels"]
    assert len(warnings) == 2 and warnings[1] == (
        f"feishu: image {host.url('/octet.png')} sent as a link: /open-apis/im/v1/images answered 400: "
        "{'code': 234011, 'msg': \"Can't regonnize the image format.\"}")


async def test_wechat_an_upload_slower_than_the_passive_reply_goes_by_api(platform_api):
    import aiohttp

    from framework.channels.base import Incoming
    from framework.channels.wechat import WeChatChannel
    from framework.channels.wechat_api import official_account_api
    from tests.support.fake_wechat import WX_APP_ID

    base, api = platform_api
    uploaded = asyncio.Event()

    async def slow_upload(image) -> str:
        await uploaded.wait()
        return "MEDIA_SLOW"

    host = await ImageHost().start()
    async with aiohttp.ClientSession() as session:
        channel = WeChatChannel("wx-token", api=official_account_api(session, None, "df", WX_APP_ID, WX_SECRET, base))
        channel.images.upload = slow_upload
        incoming = Incoming("o_slow", "/logo", {"account": "gh_1", "encrypted": False, "deadline": 0.0}, "1")
        resp = await channel.respond(incoming, [{"image": host.url("/cards/blue.png")}])
        assert resp.text == "success" and api.sent == []  # WeChat stops waiting: nothing passive
        uploaded.set()
        await arrived(api.sent, 1)
    await host.close()
    assert api.texts() == ["[image MEDIA_SLOW]"]


WECOM_OPTIONS = dict(wecom_corp_id=WECOM.corp_id, wecom_token=WECOM.token, wecom_aes_key=WECOM.aes_key,
                     wecom_agent_id=WECOM.agent_id, wecom_secret=WECOM_SECRET)


@pytest.mark.parametrize("name", ["wechat", "wecom"])
async def test_a_media_id_the_platform_forgot_is_uploaded_again_once(serve, platform_api, caplog, name):
    base, api = platform_api
    if name == "wechat":
        client, host = await serve(**wechat_options(base))
        platform = WECHAT
    else:
        client, host = await serve(**WECOM_OPTIONS, wecom_api_base=base)
        platform = WECOM
    url = host.url("/cards/blue.png")

    async def show_card() -> None:
        resp = await client.post(f"/webhooks/{name}/webhook", **platform.message("o_user", "/show_card"))
        assert resp.status == 200

    await show_card()
    api.forget("MEDIA_1")  # WeChat dropped it before its three days: 40007 "invalid media_id"
    await show_card()
    api.forget("MEDIA_2")
    api.fail_uploads = True
    with caplog.at_level(logging.WARNING, logger="framework.channels"):
        await show_card()
    assert api.texts() == ["Here is your card:", "[image MEDIA_1]", "Here is your card:", "[image MEDIA_2]",
                           "Here is your card:", url]
    assert len(api.uploads) == 2 and host.hits["/cards/blue.png"] == 3
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        f"{name}: image {url} sent as a link: /cgi-bin/media/upload answered errcode 40004: "
        "{'errcode': 40004, 'errmsg': 'invalid media type'}"]
    images = client.server.app[keys.CHANNELS][name].images
    assert await images._cached(images.key(url)) is None  # the refused id is not offered again


async def test_feishu_an_image_key_it_forgot_is_uploaded_again_once(feishu, caplog):
    client, host, fake = feishu
    url = host.url("/cards/blue.png")
    await feishu_says(client, "/show_card")
    fake.forget("img_v2_1")  # an image message naming it: 230001 "ext=invalid image_key."
    await feishu_says(client, "/menu")  # a card naming it: 230099 with 200570
    fake.forget("img_v2_2")
    fake.fail_uploads = True
    with caplog.at_level(logging.WARNING, logger="framework.channels"):
        await feishu_says(client, "/show_card")
    shown = [(m["text"], m.get("image"), len(m["buttons"])) for m in fake.sent]
    assert shown == [("Here is your card:", None, 0), ("", "img_v2_1", 0), ("Pick one:", "img_v2_2", 2),
                     ("Here is your card:", None, 0), (url, None, 0)]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        f"feishu: image {url} sent as a link: /open-apis/im/v1/images answered 400: "
        "{'code': 234011, 'msg': \"Can't regonnize the image format.\"}"]
