"""The DingTalk robot channel against a local fake of DingTalk (tests/support/fake_dingtalk.py),
through the real server, domains/telecom_zh and a real redis-server: a whole 办理
conversation with ActionCard buttons pressed; the send API with its cached access token
once the sessionWebhook has expired, refreshed once when DingTalk refuses it; refused
requests (bad sign, stale timestamp, malformed body) leave nothing in the store, and a
replayed msgId runs no second turn."""
from __future__ import annotations

import json
import time

import pytest

from framework.channels.dingtalk import api_message, button_link, dingtalk_signature, webhook_message
from framework.server import keys
from tests.support.dingtalk_feishu_world import ID, NAME, serve_telecom, store_keys
from tests.support.fake_dingtalk import (APP_KEY, CONVERSATION, STAFF_ID, FakeDingTalk, press, robot_settings, say,
                                         signed)
from tests.support.serving import redis_server  # noqa: F401 (fixture)

PATH = "/webhooks/dingtalk/webhook"


@pytest.fixture
async def dingtalk(redis_server):
    fake = await FakeDingTalk().start()
    client = await serve_telecom(redis_server.url, **robot_settings(fake))
    yield client, fake
    await client.close()
    await fake.close()


def test_signature_is_the_documented_hmac():
    """sign = base64(HmacSHA256(key=appSecret, "timestamp\\nappSecret")), computed here by hand."""
    import base64
    import hashlib
    import hmac

    expected = base64.b64encode(hmac.new(b"secret", b"1577262236757\nsecret", hashlib.sha256).digest()).decode()
    assert dingtalk_signature("secret", "1577262236757") == expected


def test_buttons_render_as_an_action_card_of_send_message_links():
    reply = {"text": "请选择套餐：", "buttons": [{"title": "39元", "payload": "39"}, {"title": "取消", "payload": "/取消"}]}
    assert webhook_message(reply) == {"msgtype": "actionCard", "actionCard": {
        "title": "请选择套餐：", "text": "请选择套餐：", "btnOrientation": "0",
        "btns": [{"title": "39元", "actionURL": "dtmd://dingtalkclient/sendMessage?content=39"},
                 {"title": "取消", "actionURL": "dtmd://dingtalkclient/sendMessage?content=%2F%E5%8F%96%E6%B6%88"}]}}
    assert press(button_link("/取消 & 更多")) == "/取消 & 更多"
    assert api_message({"text": "好"}) == ("sampleText", {"content": "好"})
    key, param = api_message(reply)
    assert key == "sampleActionCard2" and param["actionTitle2"] == "取消" and param["actionURL1"].endswith("=39")
    key, param = api_message({"text": "t", "buttons": [{"title": str(i), "payload": str(i)} for i in range(7)]})
    assert key == "sampleMarkdown" and "[6](dtmd://dingtalkclient/sendMessage?content=6)" in param["text"]


async def test_a_whole_business_conversation_with_buttons(dingtalk):
    client, fake = dingtalk
    [ask] = await say(client, fake, "我想办理业务")
    assert ask["via"] == "sessionWebhook" and ask["body"]["msgtype"] == "actionCard"
    assert ask["text"] == "请问您要办理开户（办新卡）还是变更套餐？"
    assert ask["buttons"] == [("开户", "开户"), ("换套餐", "换套餐")]
    # Pressing a button: the user's client sends its content as the user's message.
    assert [m["text"] for m in await say(client, fake, ask["buttons"][0][1])] == ["请问您的姓名是？"]
    await say(client, fake, NAME)
    [plans] = await say(client, fake, ID)
    assert [b[0] for b in plans["buttons"]] == ["39元", "59元", "99元", "129元"]
    [confirm] = await say(client, fake, dict(plans["buttons"])["59元"])
    assert NAME in confirm["text"] and ID[:6] + "********" + ID[-4:] in confirm["text"] and "59" in confirm["text"]
    [done] = await say(client, fake, "是的")
    assert done["text"].startswith("开户成功！您的账户号是 ") and done["via"] == "sessionWebhook"
    assert fake.token_requests == 0  # the webhook needs no token


async def test_expired_webhook_uses_the_send_api_with_one_cached_token(dingtalk, redis_server):
    client, fake = dingtalk
    [first] = await say(client, fake, "我想办理业务", webhook_ttl_ms=-1000)
    assert first["via"] == "batchSend" and first["to"] == [STAFF_ID]
    assert first["body"]["msgKey"] == "sampleActionCard2" and first["buttons"][0] == ("开户", "开户")
    [second] = await say(client, fake, "开户", webhook_ttl_ms=5000)  # expires within the safety margin
    assert second["via"] == "batchSend" and second["text"] == "请问您的姓名是？"
    assert fake.token_requests == 1  # cached in Redis between the two
    assert f"df:telecom_zh:token:dingtalk:{APP_KEY}" in await store_keys(redis_server.url)
    fake.expire_tokens()  # DingTalk rotated it: refused once, fetched again, retried
    [third] = await say(client, fake, NAME, webhook_ttl_ms=-1)
    assert "18 位" in third["text"] and fake.token_requests == 2  # a variant of utter_ask_id_number


async def test_a_group_conversation_is_answered_in_the_group(dingtalk):
    client, fake = dingtalk
    [webhook] = await say(client, fake, "我想办理业务", group=True)  # " 我想办理业务": the @mention's space
    assert webhook["text"].startswith("请问您要办理")
    [api] = await say(client, fake, "开户", group=True, webhook_ttl_ms=-1)
    assert api["via"] == "groupMessages" and api["to"] == CONVERSATION


async def test_a_late_turn_is_delivered_when_it_ends(dingtalk):
    client, fake = dingtalk
    client.server.app[keys.CHANNELS]["dingtalk"].reply_budget = 0.0  # every turn is "late"
    resp = await client.post(PATH, **fake.request("我想办理业务"))
    assert resp.status == 200 and await resp.json() == {}
    assert await fake.delivered() == ["请问您要办理开户（办新卡）还是变更套餐？"]


async def test_a_redelivered_msg_id_runs_no_second_turn_and_a_replay_is_refused(dingtalk, redis_server):
    client, fake = dingtalk
    body = json.dumps(fake.message("我想办理业务", msg_id="msgReplay==")).encode()
    headers = signed()
    first = await client.post(PATH, data=body, headers=headers)
    assert first.status == 200 and len(fake.texts()) == 1
    before = await store_keys(redis_server.url)
    replay = await client.post(PATH, data=body, headers=headers)  # the same timestamp and sign
    assert replay.status == 403 and (await replay.json())["error"] == "replayed"
    assert await store_keys(redis_server.url) == before and fake.texts() == []
    later = signed(timestamp_ms=int(headers["timestamp"]) + 1000)  # a fresh sign, the same message
    again = await client.post(PATH, data=body, headers=later)
    assert again.status == 200 and fake.texts() == []
    # What the redelivery added is only its own replay key: no turn, no session.
    assert [k for k in await store_keys(redis_server.url) if ":seen:" not in k] == \
        [k for k in before if ":seen:" not in k]


@pytest.mark.parametrize("case", ["wrong_secret", "stale", "future", "no_headers", "ms_as_seconds"])
async def test_refused_requests_leave_no_trace(dingtalk, redis_server, case):
    client, fake = dingtalk
    body = json.dumps(fake.message("我想办理业务")).encode()
    now_ms = int(time.time() * 1000)
    headers = {"wrong_secret": signed("another-secret"), "stale": signed(timestamp_ms=now_ms - 3_601_000),
               "future": signed(timestamp_ms=now_ms + 3_601_000), "no_headers": {},
               "ms_as_seconds": signed(timestamp_ms=now_ms // 1000)}[case]
    resp = await client.post(PATH, data=body, headers=headers)
    assert resp.status == 403 and (await resp.json())["error"] == "bad_signature"
    assert fake.sent == [] and await store_keys(redis_server.url) == []


@pytest.mark.parametrize("body, error", [
    (b"{not json", "malformed_json"),
    (b"[]", "invalid_request"),
    (json.dumps({"msgtype": "text", "text": {"content": "hi"}}).encode(), "invalid_request"),
    (json.dumps({"msgtype": "text", "msgId": "m", "conversationId": "c", "senderId": "s",
                 "text": {"content": "x" * 5001}}).encode(), "message_too_long"),
])
async def test_malformed_bodies_are_4xx_and_leave_no_trace(dingtalk, redis_server, body, error):
    client, fake = dingtalk
    resp = await client.post(PATH, data=body, headers=signed())
    assert 400 <= resp.status < 500 and (await resp.json())["error"] == error
    assert fake.sent == [] and await store_keys(redis_server.url) == []


async def test_other_message_types_and_foreign_webhooks(dingtalk, redis_server):
    client, fake = dingtalk
    [picture] = [await client.post(PATH, **fake.request("", msgtype="picture"))]
    assert picture.status == 200 and fake.sent == [] and await store_keys(redis_server.url) == []
    # A sessionWebhook outside DingTalk's host is never called (the sign does not cover
    # the body): the reply goes through the send API instead.
    message = fake.message("我想办理业务")
    message["sessionWebhook"] = "http://127.0.0.1:9/robot/sendBySession?session=evil"
    resp = await client.post(PATH, data=json.dumps(message).encode(), headers=signed())
    assert resp.status == 200 and [m["via"] for m in fake.sent] == ["batchSend"]


async def test_a_failed_send_is_retried_then_logged(dingtalk, redis_server, caplog):
    client, fake = dingtalk
    fake.fail_next(1)  # one HTTP 502 (a gateway's HTML page): the second attempt delivers
    assert [m["text"] for m in await say(client, fake, "我想办理业务")] == ["请问您要办理开户（办新卡）还是变更套餐？"]
    fake.fail_next(3)  # an outage longer than the attempts: one WARNING line, still a 200
    with caplog.at_level("WARNING", logger="framework.channels"):
        assert await say(client, fake, "开户") == []
    [line] = [r.getMessage() for r in caplog.records if r.name == "framework.channels"]
    assert line == (f"dingtalk: reply 1 of 1 to {CONVERSATION}:{STAFF_ID} not delivered: "
                    "sessionWebhook answered 502: <html><body>502 Bad Gateway</body></html>")


async def test_a_refusing_webhook_falls_back_to_the_send_api(dingtalk):
    client, fake = dingtalk
    fake.sessions_closed = True
    [reply] = await say(client, fake, "我想办理业务")
    assert reply["via"] == "batchSend" and reply["text"].startswith("请问您要办理")


async def test_without_card_settings_there_is_no_card_callback_route(dingtalk):
    client, fake = dingtalk
    resp = await client.post("/webhooks/dingtalk/card", data=b"{}", headers=signed())
    assert resp.status == 404 and fake.sent == []
