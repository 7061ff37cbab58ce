"""Rasa's HTTP API on a real server (aiohttp app, real redis-server, fake classifier):
`?stream=true`, a numeric sender, /version, /status, /model/parse, the tracker, tracker
events and trigger_intent behind `--auth-token`."""
from __future__ import annotations

import json

import pytest
from aiohttp.test_utils import TestClient, TestServer

from framework.server.app import init
from framework.server.config import ServerConfig
from framework.spec import load_assistant
from tests.support.fake_classifier import FakeClassifier
from tests.support.redis_server import RedisServer
from tests.test_rasa_sdk import BOT, TABLE

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture
async def make_client(redis_server):
    import redis.asyncio as redis

    await redis.Redis.from_url(redis_server.url).flushdb()
    assistant = load_assistant(BOT, environ={"RASA_SDK_URL": "http://127.0.0.1:9/webhook"})
    clients = []

    async def make(**overrides) -> TestClient:
        options = dict(domain_dir=str(BOT), redis_url=redis_server.url, assistant=assistant,
                       classifier=FakeClassifier(TABLE, assistant.intents, model_id="fake-1"),
                       wechat_token=None, telegram_bot_token=None, telegram_secret=None,
                       slack_signing_secret=None, slack_bot_token=None, auth_token=TOKEN, webchat=False)
        options.update(overrides)
        client = TestClient(TestServer(init(ServerConfig(**options))))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


async def test_stream_true_answers_one_json_object_per_line(make_client):
    client = await make_client()
    response = await client.post("/webhooks/rest/webhook?stream=true", json={"sender": "s1", "message": "what is my balance"})
    assert response.status == 200 and response.content_type == "text/event-stream"
    body = await response.text()
    assert body == '{"recipient_id": "s1", "text": "Which account?"}\n'
    block = await client.post("/webhooks/rest/webhook", json={"sender": "s1", "message": "hello"})
    assert block.content_type == "application/json" and isinstance(await block.json(), list)


async def test_a_numeric_sender_is_its_decimal_text(make_client):
    client = await make_client()
    response = await client.post("/webhooks/rest/webhook", json={"sender": 42, "message": "what is my balance"})
    assert await response.json() == [{"recipient_id": "42", "text": "Which account?"}]
    tracker = await (await client.get(f"/conversations/42/tracker?token={TOKEN}")).json()
    assert tracker["active_loop"] == {"name": "balance"}
    refused = await client.post("/webhooks/rest/webhook", json={"sender": True, "message": "hi"})
    assert refused.status == 400


async def test_root_version_status_and_rest_health(make_client):
    client = await make_client()
    assert (await (await client.get("/")).text()).startswith("Hello from dialogframe: ")
    version = await (await client.get("/version")).json()
    assert version["version"] == "3.6.0" and version["minimum_compatible_version"] == "3.0.0"
    assert (await client.get("/status")).status == 401
    status = await (await client.get(f"/status?token={TOKEN}")).json()
    assert status["model_id"] == "fake-1" and status["num_active_training_jobs"] == 0
    assert await (await client.get("/webhooks/rest/")).json() == {"status": "ok"}


async def test_model_parse_in_rasas_shape(make_client):
    client = await make_client()
    response = await client.post(f"/model/parse?token={TOKEN}", json={"text": "what is my balance"})
    data = await response.json()
    assert data["text"] == "what is my balance"
    assert data["intent"]["name"] == "check_balance" and data["intent"]["confidence"] == pytest.approx(0.95)
    assert data["intent_ranking"][0] == data["intent"] and len(data["intent_ranking"]) == 8
    assert data["entities"] == []
    payload = await (await client.post(f"/model/parse?token={TOKEN}", json={"text": '/greet{"customer": "Ada"}'})).json()
    assert payload["intent"] == {"name": "greet", "confidence": 1.0}
    (entity,) = payload["entities"]
    assert {k: entity[k] for k in ("entity", "value", "start", "end", "extractor")} == {
        "entity": "customer", "value": "Ada", "start": 6, "end": 25, "extractor": "payload"}


@pytest.mark.parametrize("path,method", [
    ("/conversations/u1/tracker", "GET"), ("/conversations/u1/tracker/events", "POST"),
    ("/conversations/u1/tracker/events", "PUT"), ("/conversations/u1/trigger_intent", "POST"),
    ("/model/parse", "POST"), ("/status", "GET"),
])
async def test_a_wrong_or_missing_token_is_a_401_json(make_client, path, method):
    client = await make_client()
    for query in ("", "?token=wrong"):
        response = await client.request(method, path + query, json={"text": "x", "name": "greet"})
        assert response.status == 401
        assert await response.json() == {"error": "unauthorized",
                                         "detail": "missing or wrong ?token= (the server's --auth-token)"}


async def test_without_a_token_the_conversation_api_is_off_and_parse_is_open(make_client):
    client = await make_client(auth_token=None)
    response = await client.get("/conversations/u1/tracker")
    assert response.status == 401 and await response.json() == {
        "error": "unauthorized", "detail": "the conversation API is off: start the server with --auth-token "
                                           "(or DF_AUTH_TOKEN) and send ?token="}
    assert (await client.post("/model/parse", json={"text": "hello"})).status == 200


async def test_tracker_shows_the_conversation(make_client):
    client = await make_client()
    for text in ("what is my balance", "hello"):
        await client.post("/webhooks/rest/webhook", json={"sender": "u5", "message": text})
    tracker = await (await client.get(f"/conversations/u5/tracker?token={TOKEN}")).json()
    assert tracker["sender_id"] == "u5" and tracker["slots"] == {}
    users = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    bots = [e["text"] for e in tracker["events"] if e["event"] == "bot"]
    assert users == ["what is my balance", "hello"] and bots[0] == "Which account?"
    assert tracker["latest_message"]["intent"]["name"] == "greet"


async def test_slot_and_restart_events(make_client):
    client = await make_client()
    url = f"/conversations/u6/tracker/events?token={TOKEN}"
    response = await client.post(url, json=[{"event": "slot", "name": "balance", "value": 12.5},
                                            {"event": "slot", "name": "account", "value": "ACC-9"}])
    assert response.status == 200 and (await response.json())["slots"] == {"balance": 12.5, "account": "ACC-9"}
    # the engine sees it: the balance flow skips the filled account and says the balance ... via its action,
    # which fails here (no action server), so the failure response proves the account was not asked again
    replies = await (await client.post("/webhooks/rest/webhook", json={"sender": "u6", "message": "what is my balance"})).json()
    assert [r["text"] for r in replies] == ["The action server could not do that."]
    restarted = await (await client.post(url, json={"event": "restart"})).json()
    assert restarted["slots"] == {} and [e["event"] for e in restarted["events"]] == ["action", "session_started"]
    replaced = await (await client.put(url, json=[{"event": "slot", "name": "customer", "value": "Ada"}])).json()
    assert replaced["slots"] == {"customer": "Ada"}


@pytest.mark.parametrize("events,detail", [
    ({"event": "slot", "name": "balance", "value": "lots"},
     "event 0: slot 'balance' (number): expected a JSON number, found text"),
    ([{"event": "restart"}, {"event": "slot", "name": "nope", "value": 1}], "event 1: no slot 'nope' in the domain"),
    ({"event": "followup", "name": "x"}, "event 0: 'followup' is not supported (supported: slot, restart)"),
    ([3], "event 0: a number is not supported (supported: slot, restart)"),
])
async def test_events_that_cannot_be_applied_change_nothing(make_client, events, detail):
    client = await make_client()
    url = f"/conversations/u7/tracker/events?token={TOKEN}"
    await client.post(url, json={"event": "slot", "name": "customer", "value": "Grace"})
    response = await client.post(url, json=events)
    assert response.status == 400 and await response.json() == {"error": "invalid_request", "detail": detail}
    tracker = await (await client.get(f"/conversations/u7/tracker?token={TOKEN}")).json()
    assert tracker["slots"] == {"customer": "Grace"}


async def test_trigger_intent_runs_a_turn(make_client):
    client = await make_client()
    response = await client.post(f"/conversations/u8/trigger_intent?token={TOKEN}",
                                 json={"name": "check_balance", "entities": {"account": "ACC-7"}})
    data = await response.json()
    # the account came as an entity: the flow goes straight to its (unreachable) action
    assert data["messages"] == [{"recipient_id": "u8", "text": "The action server could not do that."}]
    assert data["tracker"]["sender_id"] == "u8"
    unknown = await client.post(f"/conversations/u8/trigger_intent?token={TOKEN}", json={"name": "nope"})
    assert unknown.status == 404 and (await unknown.json())["detail"] == "no intent 'nope' in the domain"


async def test_image_custom_and_attachment_responses_on_rest(make_client):
    client = await make_client()
    url = f"/conversations/u9/tracker/events?token={TOKEN}"
    await client.post(url, json={"event": "slot", "name": "customer", "value": "Ada"})
    replies = await (await client.post("/webhooks/rest/webhook", json={"sender": "u9", "message": "show me a card"})).json()
    assert replies == [  # one message per part, in Rasa's order (text, custom, image, attachment)
        {"recipient_id": "u9", "text": "Your card, Ada:"},
        {"recipient_id": "u9", "custom": {"blocks": [{"type": "divider"}]}},
        {"recipient_id": "u9", "image": "https://example.com/cards/Ada.png"},
        {"recipient_id": "u9", "attachment": "https://example.com/statements/Ada.pdf"},
    ]


def test_rest_messages_split_like_rasas_collecting_output_channel():
    from framework.channels.rest import rasa_messages

    buttons = [{"title": "Yes", "payload": "/affirm"}]
    assert rasa_messages("u", [{"text": "One.\n\nTwo."}, {"text": "Sure?\n\nReally?", "buttons": buttons},
                               {"image": "https://x/i.png"}, {"buttons": buttons}]) == [
        {"recipient_id": "u", "text": "One."}, {"recipient_id": "u", "text": "Two."},
        {"recipient_id": "u", "text": "Sure?\n\nReally?", "buttons": buttons},
        {"recipient_id": "u", "image": "https://x/i.png"}, {"recipient_id": "u", "buttons": buttons}]


async def test_openapi_documents_the_rasa_api(make_client):
    client = await make_client()
    paths = (await (await client.get("/openapi.json")).json())["paths"]
    for path in ("/version", "/status", "/model/parse", "/conversations/{sender}/tracker",
                 "/conversations/{sender}/tracker/events", "/conversations/{sender}/trigger_intent"):
        assert path in paths, path
    assert set(paths["/conversations/{sender}/tracker/events"]) >= {"post", "put"}
    assert "stream" in json.dumps(paths["/webhooks/rest/webhook"])


def test_rich_response_shapes_are_checked(tmp_path):
    import shutil

    from framework.spec import check_domain_dir

    shutil.copytree(BOT, tmp_path / "bot")
    domain = tmp_path / "bot" / "domain.yml"
    domain.write_text(domain.read_text().replace(
        "  utter_done:\n    - text: Done.\n",
        "  utter_done:\n    - text: Done.\n  utter_nothing:\n    - channel: rest\n"
        "  utter_number:\n    - attachment: 7\n", 1))
    _, errors = check_domain_dir(tmp_path / "bot", {})
    assert [e.format().replace(str(tmp_path), "TMP") for e in errors] == [
        "TMP/bot/domain.yml:36:7: E011 responses.utter_nothing[0]: missing key 'text'. Expected a key 'text' here.",
        "TMP/bot/domain.yml:38:19: E012 responses.utter_number[0].attachment: wrong type of value. Expected a URL "
        "or an object; found the number 7. Put it in quotes if you mean text: YAML reads unquoted yes, no, on, off "
        "and numbers as non-text.",
    ]
