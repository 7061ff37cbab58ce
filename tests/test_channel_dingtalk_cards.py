"""DingTalk interactive cards whose buttons call back (framework/channels/dingtalk_cards.py),
against the local fake of DingTalk (tests/support/fake_dingtalk.py), the real server,
domains/telecom_zh and a real redis-server: a whole 办理 conversation whose choices are card
presses, the callback registered once, a press being the same user's turn (slots typed as
text carry over), replays and DingTalk's retries running no second turn, refused callbacks
leaving nothing in the store, and the ActionCard back when registration fails."""
from __future__ import annotations

import json

import pytest

from framework.channels.dingtalk_cards import standard_card
from framework.server import keys
from tests.support.dingtalk_feishu_world import ID, NAME, serve_telecom, store_keys
from tests.support.fake_dingtalk import (APP_SECRET, CONVERSATION, STAFF_ID, FakeDingTalk, answers, robot_settings, say,
                                         signed)
from tests.support.serving import redis_server  # noqa: F401 (fixture)

CARD_PATH = "/webhooks/dingtalk/card"
CALLBACK_URL, CARD_SECRET = "https://bot.example.com/webhooks/dingtalk/card", "card-secret-9Qe2"


@pytest.fixture
async def dingtalk(redis_server):
    fake = await FakeDingTalk().start()
    client = await serve_telecom(redis_server.url, **robot_settings(
        fake, dingtalk_card_callback_url=CALLBACK_URL, dingtalk_card_api_secret=CARD_SECRET))
    yield client, fake
    await client.close()
    await fake.close()


async def press(client, fake: FakeDingTalk, card: dict, title: str, user: str = STAFF_ID) -> list[dict]:
    button = dict(card["buttons"])[title]
    return await answers(client, fake, fake.press_card(card["card_id"], button, user), CARD_PATH)


def test_a_standard_card_has_one_request_button_per_reply_button():
    card = standard_card({"text": "请选择套餐：", "image": None,
                          "buttons": [{"title": "39元", "payload": "39"}, {"title": "59元", "payload": "59"}]})
    assert card["header"]["title"]["text"] == "请选择套餐："
    [text, action] = card["contents"]
    assert text == {"type": "markdown", "text": "请选择套餐：", "id": "reply_text"}
    assert [(b["id"], b["label"]["text"], b["actionType"]) for b in action["actions"]] == \
        [("button_0", "39元", "request"), ("button_1", "59元", "request")]


async def test_a_whole_business_conversation_by_card_presses(dingtalk):
    client, fake = dingtalk
    [ask] = await say(client, fake, "我想办理业务")
    assert ask["via"] == "interactiveCard" and ask["to"] == STAFF_ID and ask["body"]["callbackUrl"] == CALLBACK_URL
    assert ask["text"] == "请问您要办理开户（办新卡）还是变更套餐？"
    assert ask["buttons"] == [("开户", "button_0"), ("换套餐", "button_1")]
    assert fake.routes == {"dialogframe": {"callbackUrl": CALLBACK_URL, "apiSecret": CARD_SECRET}}
    assert "/webhooks/dingtalk/card" in (await (await client.get("/openapi.json")).json())["paths"]
    # The press is the user's turn; its reply goes through the send API (no sessionWebhook).
    [name] = await press(client, fake, ask, "开户")
    assert (name["via"], name["to"], name["text"]) == ("batchSend", [STAFF_ID], "请问您的姓名是？")
    await say(client, fake, NAME)
    [plans] = await say(client, fake, ID)
    assert plans["via"] == "interactiveCard" and [b[0] for b in plans["buttons"]] == ["39元", "59元", "99元", "129元"]
    [confirm] = await press(client, fake, plans, "59元")
    assert NAME in confirm["text"] and ID[-4:] in confirm["text"] and "59" in confirm["text"]  # slots carried over
    [done] = await say(client, fake, "是的")
    assert done["text"].startswith("开户成功！您的账户号是 ")
    assert fake.token_requests == 1 and len(fake.routes) == 1  # one token, registered once


async def test_a_group_card_is_answered_in_the_group(dingtalk):
    client, fake = dingtalk
    [card] = await say(client, fake, "我想办理业务", group=True)
    assert card["via"] == "interactiveCard" and card["to"] == CONVERSATION
    assert "singleChatReceiver" not in card["body"]
    [reply] = await press(client, fake, card, "开户")
    assert (reply["via"], reply["to"], reply["text"]) == ("groupMessages", CONVERSATION, "请问您的姓名是？")


async def test_a_replayed_or_retried_press_runs_no_second_turn(dingtalk, redis_server):
    client, fake = dingtalk
    [card] = await say(client, fake, "我想办理业务")
    request = fake.press_card(card["card_id"], "button_0")
    assert [m["text"] for m in await answers(client, fake, request, CARD_PATH)] == ["请问您的姓名是？"]
    before = await store_keys(redis_server.url)
    replay = await client.post(CARD_PATH, **request)  # the same timestamp, sign and body
    assert replay.status == 403 and (await replay.json())["error"] == "replayed"
    assert await store_keys(redis_server.url) == before and fake.sent == []
    retry = dict(request, headers=signed(CARD_SECRET, int(request["headers"]["timestamp"]) + 1000))
    assert await answers(client, fake, retry, CARD_PATH) == []  # signed anew: no second turn
    assert [k for k in await store_keys(redis_server.url) if ":seen:" not in k] == \
        [k for k in before if ":seen:" not in k]


async def test_a_late_press_is_answered_when_its_turn_ends(dingtalk):
    client, fake = dingtalk
    [card] = await say(client, fake, "我想办理业务")
    client.server.app[keys.CHANNELS]["dingtalk_card"].reply_budget = 0.0  # every turn is "late"
    resp = await client.post(CARD_PATH, **fake.press_card(card["card_id"], "button_0"))
    assert resp.status == 200 and await resp.json() == {}
    assert await fake.delivered() == ["请问您的姓名是？"]


def _callback(card_id: str, **changes) -> bytes:
    body = {"outTrackId": card_id, "corpId": "ding1", "userId": STAFF_ID,
            "content": json.dumps({"cardPrivateData": {"actionIds": ["button_0"], "params": {}}})}
    return json.dumps({k: v for k, v in {**body, **changes}.items() if v is not None}).encode()


@pytest.mark.parametrize("case, status, error", [
    ("app_secret", 403, "bad_signature"),  # signed with the robot's AppSecret, not the card's apiSecret
    ("no_headers", 403, "bad_signature"),
    ("not_json", 400, "malformed_json"),
    ("no_user", 400, "invalid_request"),
    ("no_action", 400, "invalid_request"),
    ("unknown_button", 400, "invalid_request"),
    ("another_user", 403, "not_recipient"),
])
async def test_refused_callbacks_leave_no_trace(dingtalk, redis_server, case, status, error):
    client, fake = dingtalk
    [card] = await say(client, fake, "我想办理业务")
    before, card_id = await store_keys(redis_server.url), card["card_id"]
    body = {"not_json": b"{outTrackId", "no_user": _callback(card_id, userId=None),
            "no_action": _callback(card_id, content=json.dumps({"cardPrivateData": {"params": {}}})),
            "unknown_button": _callback(card_id, content=json.dumps({"cardPrivateData": {"actionIds": ["button_9"]}})),
            "another_user": _callback(card_id, userId="someone-else")}.get(case, _callback(card_id))
    headers = {"app_secret": signed(APP_SECRET), "no_headers": {}}.get(case, signed(CARD_SECRET))
    resp = await client.post(CARD_PATH, data=body, headers=headers)
    assert resp.status == status and (await resp.json())["error"] == error
    assert fake.sent == [] and await store_keys(redis_server.url) == before


async def test_a_press_on_a_card_this_server_did_not_send_is_ignored(dingtalk, redis_server):
    client, fake = dingtalk
    await say(client, fake, "我想办理业务")
    before = await store_keys(redis_server.url)
    resp = await client.post(CARD_PATH, data=_callback("f" * 32), headers=signed(CARD_SECRET))
    assert resp.status == 200 and await resp.json() == {}
    assert fake.sent == [] and await store_keys(redis_server.url) == before


async def test_buttons_are_an_action_card_while_registration_fails(dingtalk, caplog):
    client, fake = dingtalk
    fake.registration_refused = True
    with caplog.at_level("WARNING", logger="framework.channels"):
        [fallback] = await say(client, fake, "我想办理业务")
    assert fallback["via"] == "sessionWebhook" and fallback["body"]["msgtype"] == "actionCard"
    assert any("could not register the card callback" in r.getMessage() for r in caplog.records)
    fake.registration_refused = False  # the next card registers and is sent as a card
    [card] = await say(client, fake, "开户")
    assert card["via"] == "sessionWebhook" and card["text"] == "请问您的姓名是？"  # no buttons: no card
    await say(client, fake, NAME)
    [plans] = await say(client, fake, ID)
    assert plans["via"] == "interactiveCard" and fake.routes


async def test_a_refused_card_is_sent_as_an_action_card(dingtalk, caplog):
    client, fake = dingtalk
    fake.cards_refused = True
    with caplog.at_level("WARNING", logger="framework.channels"):
        [fallback] = await say(client, fake, "我想办理业务")
    assert fallback["via"] == "sessionWebhook" and fallback["buttons"] == [("开户", "开户"), ("换套餐", "换套餐")]
    assert any("refused the card" in r.getMessage() for r in caplog.records)
