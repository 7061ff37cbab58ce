"""The Feishu bot channel against a local fake of Feishu (tests/support/fake_feishu.py),
through the real server, domains/telecom_zh and a real redis-server: the URL
verification (plain and encrypted), a whole 办理 conversation in encrypted and signed
events with interactive-card buttons pressed (card.action.trigger), the
tenant_access_token cached in Redis and refreshed once, and refused requests (bad
signature or token, stale timestamp, malformed or undecryptable body) leaving nothing in
the store; a redelivered event_id runs no second turn."""
from __future__ import annotations

import json
import time

import pytest
import redis.asyncio as redis

from framework.channels.feishu import card, decrypt, feishu_signature
from framework.server import keys
from tests.support.dingtalk_feishu_world import ID, NAME, serve_telecom, store_keys
from tests.support.fake_feishu import (APP_ID, APP_SECRET, CHAT_ID, ENCRYPT_KEY, OPEN_ID, VERIFICATION_TOKEN,
                                       FakeFeishu, card_action_event, encrypt, message_event, request,
                                       url_verification)
from tests.support.serving import redis_server  # noqa: F401 (fixture)

PATH = "/webhooks/feishu/webhook"
BOTH = dict(feishu_encrypt_key=ENCRYPT_KEY, feishu_verification_token=VERIFICATION_TOKEN)


@pytest.fixture
async def feishu_with(redis_server):
    started = []

    async def start(**security):
        fake = await FakeFeishu().start()
        client = await serve_telecom(redis_server.url, feishu_app_id=APP_ID, feishu_app_secret=APP_SECRET,
                                     feishu_api_base=fake.base, **security)
        started.append((client, fake))
        return client, fake

    yield start
    for client, fake in started:
        await client.close()
        await fake.close()


@pytest.fixture
async def feishu(feishu_with):
    return await feishu_with(**BOTH)


async def post(client, fake: FakeFeishu, event: dict, **kw) -> list[dict]:
    resp = await client.post(PATH, **request(event, **kw))
    assert resp.status == 200, await resp.text()
    assert await resp.json() == {}
    sent, fake.sent[:] = list(fake.sent), []
    return sent


def test_decryption_matches_the_documented_sample():
    """open.feishu.cn's own example: Encrypt Key "test key" -> "hello world"."""
    assert decrypt("test key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=") == "hello world"
    with pytest.raises(ValueError, match="does not decrypt"):
        decrypt("other key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=")
    assert decrypt(ENCRYPT_KEY, encrypt('{"a": "飞书"}')) == '{"a": "飞书"}'


def test_signature_is_sha256_of_timestamp_nonce_key_body():
    import hashlib

    assert feishu_signature("1600000000", "n1", "key", b'{"a":1}') == \
        hashlib.sha256(b'1600000000n1key{"a":1}').hexdigest()


def test_buttons_render_as_an_interactive_card():
    reply = {"text": "请选择：", "buttons": [{"title": "开户", "payload": "开户"}, {"title": "取消", "payload": "/取消"}]}
    assert card(reply) == {"config": {"wide_screen_mode": True}, "elements": [
        {"tag": "div", "text": {"tag": "plain_text", "content": "请选择："}},
        {"tag": "action", "actions": [
            {"tag": "button", "text": {"tag": "plain_text", "content": "开户"}, "type": "default", "value": {"payload": "开户"}},
            {"tag": "button", "text": {"tag": "plain_text", "content": "取消"}, "type": "default", "value": {"payload": "/取消"}}]}]}


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
async def test_url_verification(feishu_with, redis_server, encrypted):
    security = BOTH if encrypted else {"feishu_verification_token": VERIFICATION_TOKEN}
    client, _ = await feishu_with(**security)
    # The console's check carries no signature headers.
    resp = await client.post(PATH, **request(url_verification("ajls384kdjx98XX"), encrypted=encrypted, signed=False))
    assert resp.status == 200 and await resp.json() == {"challenge": "ajls384kdjx98XX"}
    forged = await client.post(PATH, **request(url_verification(token="wrong"), encrypted=encrypted, signed=False))
    assert forged.status == 403 and (await forged.json())["error"] == "bad_signature"
    assert await store_keys(redis_server.url) == []


async def test_a_whole_business_conversation_with_card_buttons(feishu):
    client, fake = feishu
    [ask] = await post(client, fake, message_event("我想办理业务"))
    assert ask["via"] == "reply" and ask["body"]["msg_type"] == "interactive"
    assert ask["text"] == "请问您要办理开户（办新卡）还是变更套餐？"
    assert ask["buttons"] == [("开户", {"payload": "开户"}), ("换套餐", {"payload": "换套餐"})]
    # Pressing a button: the card.action.trigger callback with the button's value.
    [name] = await post(client, fake, card_action_event(ask["buttons"][0][1]))
    assert name == {**name, "via": "send", "to": CHAT_ID, "text": "请问您的姓名是？"}
    await post(client, fake, message_event(NAME))
    [plans] = await post(client, fake, message_event(ID))
    assert [b[0] for b in plans["buttons"]] == ["39元", "59元", "99元", "129元"]
    [confirm] = await post(client, fake, card_action_event(dict(plans["buttons"])["59元"]))
    assert NAME in confirm["text"] and ID[-4:] in confirm["text"] and "59" in confirm["text"]
    [done] = await post(client, fake, message_event("是的"))
    assert done["text"].startswith("开户成功！您的账户号是 ") and done["body"]["msg_type"] == "text"
    assert fake.token_requests == 1  # one tenant_access_token for the whole conversation


async def test_verification_token_only_plain_events(feishu_with):
    client, fake = await feishu_with(feishu_verification_token=VERIFICATION_TOKEN)
    [ask] = await post(client, fake, message_event("我想办理业务", group=True), encrypted=False, signed=False)
    assert ask["text"].startswith("请问您要办理")  # "@_user_1 我想办理业务": the mention removed
    resp = await client.post(PATH, **request(message_event("开户", token="forged"), encrypted=False, signed=False))
    assert resp.status == 403 and fake.sent == []


async def test_an_expired_token_is_refreshed_once(feishu, redis_server):
    client, fake = feishu
    await post(client, fake, message_event("我想办理业务"))
    key = f"df:telecom_zh:token:feishu:{APP_ID}"
    assert key in await store_keys(redis_server.url)
    ttl = await redis.Redis.from_url(redis_server.url).ttl(key)
    assert 7200 - 300 - 60 < ttl <= 7200 - 300  # Feishu's `expire` less the 5-minute margin
    fake.expire_tokens()
    [reply] = await post(client, fake, message_event("开户"))
    assert reply["text"] == "请问您的姓名是？" and fake.token_requests == 2


async def test_a_late_turn_is_delivered_when_it_ends(feishu):
    client, fake = feishu
    client.server.app[keys.CHANNELS]["feishu"].reply_budget = 0.0
    resp = await client.post(PATH, **request(message_event("我想办理业务")))
    assert resp.status == 200 and await resp.json() == {}
    assert await fake.delivered() == ["请问您要办理开户（办新卡）还是变更套餐？"]


async def test_a_redelivered_event_runs_no_second_turn(feishu, redis_server):
    client, fake = feishu
    event = message_event("我想办理业务", event_id="f7984f25108f8137722bb63cee927e66")
    assert len(await post(client, fake, event)) == 1
    before = await store_keys(redis_server.url)
    assert await post(client, fake, event) == []  # Feishu's retry: new encryption, new signature
    # What the retry added is only its own replay key (framework.channels.replays): no turn.
    assert [k for k in await store_keys(redis_server.url) if ":seen:" not in k] == \
        [k for k in before if ":seen:" not in k]


@pytest.mark.parametrize("case", ["wrong_key_signature", "stale", "no_signature", "wrong_token", "tampered_body"])
async def test_refused_requests_leave_no_trace(feishu, redis_server, case):
    client, fake = feishu
    event = message_event("我想办理业务", token="forged" if case == "wrong_token" else VERIFICATION_TOKEN)
    kw = dict(request(event, timestamp=int(time.time()) - 301 if case == "stale" else None))
    if case == "wrong_key_signature":
        kw["headers"]["X-Lark-Signature"] = feishu_signature(kw["headers"]["X-Lark-Request-Timestamp"],
                                                             kw["headers"]["X-Lark-Request-Nonce"], "other", kw["data"])
    elif case == "no_signature":
        kw["headers"] = {"Content-Type": "application/json"}
    elif case == "tampered_body":
        kw["data"] = json.dumps({"encrypt": encrypt(json.dumps(message_event("我要投诉")))}).encode()
    resp = await client.post(PATH, **kw)
    assert resp.status == 403 and (await resp.json())["error"] == "bad_signature"
    assert fake.sent == [] and await store_keys(redis_server.url) == []


@pytest.mark.parametrize("case", ["not_json", "not_base64", "wrong_key", "short", "plain_but_key_set", "bad_content"])
async def test_malformed_bodies_are_4xx_and_leave_no_trace(feishu, redis_server, case):
    client, fake = feishu
    bad_content = message_event("x")
    bad_content["event"]["message"]["content"] = "not json"
    plain = json.dumps(bad_content)
    body = {"not_json": b"{oops", "not_base64": b'{"encrypt": "%%%"}',
            "wrong_key": json.dumps({"encrypt": encrypt(plain, "another key")}).encode(),
            "short": json.dumps({"encrypt": "AAAA"}).encode(), "plain_but_key_set": plain.encode(),
            "bad_content": json.dumps({"encrypt": encrypt(plain)}).encode()}[case]
    resp = await client.post(PATH, data=body, headers=request({}, encrypted=False)["headers"] | _signed(body))
    assert 400 <= resp.status < 500, await resp.text()
    assert (await resp.json())["error"] in {"malformed_json", "invalid_request"}
    assert fake.sent == [] and await store_keys(redis_server.url) == []


def _signed(body: bytes) -> dict:
    from tests.support.fake_feishu import signature_headers

    return signature_headers(body)


async def test_other_events_are_acknowledged_and_ignored(feishu, redis_server):
    client, fake = feishu
    image = await client.post(PATH, **request(message_event("", message_type="image")))
    foreign_card = await client.post(PATH, **request(card_action_event({"other": "app"})))
    assert image.status == foreign_card.status == 200 and fake.sent == []
    assert await store_keys(redis_server.url) == []
    assert OPEN_ID.startswith("ou_")


async def test_a_failed_send_is_retried_then_logged(feishu, caplog):
    client, fake = feishu
    fake.fail_next(2)  # two HTTP 502s (a gateway's HTML page): the third attempt delivers
    assert [m["text"] for m in await post(client, fake, message_event("我想办理业务"))] == \
        ["请问您要办理开户（办新卡）还是变更套餐？"]
    fake.fail_next(3)
    with caplog.at_level("WARNING", logger="framework.channels"):
        assert await post(client, fake, message_event("开户")) == []
    [line] = [r.getMessage() for r in caplog.records if r.name == "framework.channels"]
    assert line.startswith(f"feishu: reply 1 of 1 to {CHAT_ID}:{OPEN_ID} not delivered: /open-apis/im/v1/messages/om_")
    assert line.endswith("/reply answered 502: <html><body>502 Bad Gateway</body></html>")
