"""The socket.io channel (Rasa's SocketIOInput protocol, rasa-webchat's transport) with
python-socketio's own AsyncClient against the real server (aiohttp, real redis-server, fake
classifier): session_request / session_confirm, user_uttered -> bot_uttered in Rasa's
shapes, session persistence across a reconnect, event names and path from a Rasa
credentials.yml, the REST channel's rate limit and limits; and the payload shapes alone."""
from __future__ import annotations

import asyncio

import pytest
from aiohttp.test_utils import TestServer

from framework.channels.socketio import SocketIOSettings, bot_messages, settings_from_credentials
from framework.server.app import init
from framework.server.config import ServerConfig
from tests.support.fake_classifier import FakeClassifier
from tests.support.redis_server import RedisServer
from tests.support.rich_domain import CARD_IMAGE, STATEMENT, TABLE, rich  # noqa: F401 (fixture)
from tests.support.serving import redis_server  # noqa: F401 (fixture)

socketio = pytest.importorskip("socketio", reason="python-socketio is not installed (pip install -e .)")

WAIT = 20  # seconds a reply may take on a busy machine (a bound, not a timing assertion)
GREETING = [{"text": "Hello!", "quick_replies": []},  # Rasa: the buttons go on the last paragraph
            {"text": "What would you like to see?", "quick_replies": [
                {"content_type": "text", "title": "My card", "payload": "/show_card"},
                {"content_type": "text", "title": "My statement", "payload": "/statement"}]}]
CARD = [{"text": "Here is your card:"}, {"blocks": [{"type": "divider"}]},
        {"attachment": {"type": "image", "payload": {"src": CARD_IMAGE}}}]


@pytest.fixture
async def serve(rich, redis_server):
    import redis.asyncio as redis

    await redis.Redis.from_url(redis_server.url).flushdb()
    servers = []

    async def start(settings: SocketIOSettings = SocketIOSettings(), **overrides) -> str:
        directory, assistant = rich
        options = dict(domain_dir=str(directory), redis_url=redis_server.url, assistant=assistant,
                       classifier=FakeClassifier(TABLE, assistant.intents, threshold=0.5), socketio=settings,
                       wechat_token=None, telegram_bot_token=None, telegram_secret=None,
                       slack_signing_secret=None, slack_bot_token=None)
        options.update(overrides)
        server = TestServer(init(ServerConfig(**options)))
        await server.start_server()
        servers.append(server)
        return str(server.make_url("")).rstrip("/")

    yield start
    for server in servers:
        await server.close()


class Widget:
    """What rasa-webchat does on the wire, with python-socketio's client."""

    def __init__(self, bot_event: str = "bot_uttered", user_event: str = "user_uttered") -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.user_event = user_event
        self.received: asyncio.Queue = asyncio.Queue()
        self.confirmed: asyncio.Queue = asyncio.Queue()
        self.client.on(bot_event, self.received.put_nowait)
        self.client.on("session_confirm", self.confirmed.put_nowait)

    async def connect(self, url: str, path: str = "/socket.io", session_id: str | None = None,
                      transports=("websocket",)) -> str:
        await self.client.connect(url, socketio_path=path, transports=list(transports))
        await self.client.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), WAIT)

    async def say(self, text: str, session_id: str | None, count: int) -> list:
        ack = await self.client.call(self.user_event, {"message": text, "customData": {"language": "en"},
                                                       "session_id": session_id}, timeout=WAIT)
        assert ack.get("ok"), ack
        return [await asyncio.wait_for(self.received.get(), WAIT) for _ in range(count)]

    async def close(self) -> None:
        await self.client.disconnect()


async def test_a_whole_flow_in_rasa_shapes(serve):
    url = await serve()
    widget = Widget()
    session = await widget.connect(url)
    assert len(session) == 32  # a new conversation id, as Rasa's (uuid4 hex)
    assert await widget.say("hi", session, 2) == GREETING
    assert await widget.say("/show_card", session, 3) == CARD
    statement = await widget.say("/statement", session, 2)
    assert statement == [{"text": "Your statement:"}, {"attachment": STATEMENT}]
    await widget.close()


async def test_sessions_persist_across_a_reconnect_when_asked(serve):
    url = await serve(SocketIOSettings(session_persistence=True))
    first = Widget()
    session = await first.connect(url, session_id="web-123")
    assert session == "web-123"
    assert await first.say("hi", session, 2) == GREETING
    await first.close()
    again = Widget()  # a reload: a new socket, the same session id, the same conversation
    assert await again.connect(url, session_id="web-123", transports=("polling", "websocket")) == "web-123"
    ack = await again.client.call("user_uttered", {"message": "hi"}, timeout=WAIT)  # no session_id: ignored, as Rasa
    assert ack == {"error": "no_session", "detail": "send session_request first, then the session_id"}
    assert await again.say("/show_card", "web-123", 3) == CARD
    await again.close()


async def test_event_names_and_path_from_rasa_credentials(serve, tmp_path):
    credentials = tmp_path / "credentials.yml"
    credentials.write_text("rest:\nsocketio:\n  user_message_evt: user_says\n  bot_message_evt: bot_says\n"
                           "  session_persistence: true\n  socketio_path: /chat/socket.io/\n", encoding="utf-8")
    settings = settings_from_credentials(credentials)
    assert settings == SocketIOSettings("user_says", "bot_says", True, "/chat/socket.io/")
    url = await serve(settings)
    widget = Widget(bot_event="bot_says", user_event="user_says")
    session = await widget.connect(url, path="/chat/socket.io")
    assert await widget.say("hi", session, 2) == GREETING
    await widget.close()


async def test_the_rest_channels_limits_hold(serve):
    url = await serve(rate_limit_sender=2)
    widget = Widget()
    session = await widget.connect(url)
    too_long = await widget.client.call("user_uttered", {"message": "x" * 5001, "session_id": session}, timeout=WAIT)
    assert too_long == {"error": "message_too_long", "detail": "the message has 5001 characters; at most 5000 are accepted"}
    empty = await widget.client.call("user_uttered", {"message": None, "session_id": session}, timeout=WAIT)
    assert empty == {"error": "empty_message", "detail": "the message has no text; nothing to answer"}
    await widget.say("hi", session, 2)
    await widget.say("hi", session, 2)
    limited = await widget.client.call("user_uttered", {"message": "hi", "session_id": session}, timeout=WAIT)
    assert limited["error"] == "rate_limited" and "more than 2 messages" in limited["detail"]
    assert widget.received.empty()
    await widget.close()


async def test_other_origins_need_cors(serve):
    """The engine.io handshake (what a page of another origin's widget sends first) is
    refused unless `--cors` names the origin, as the REST API's calls are."""
    import aiohttp

    handshake = "/socket.io/?EIO=4&transport=polling"
    shop = {"Origin": "https://shop.example.com"}
    closed, opened = await serve(), await serve(cors_origins=("https://shop.example.com",))
    async with aiohttp.ClientSession() as session:
        async with session.get(closed + handshake, headers=shop) as refused:
            assert refused.status == 400
        async with session.get(closed + handshake, headers={"Origin": closed}) as same_origin:
            assert same_origin.status == 200
        async with session.get(opened + handshake, headers=shop) as allowed:
            assert allowed.status == 200 and allowed.headers["Access-Control-Allow-Origin"] == "https://shop.example.com"
            assert (await allowed.text()).startswith('0{"sid":')


def test_the_socketio_path_is_off_unless_enabled():
    config = ServerConfig(domain_dir="x")
    assert config.socketio is None


def test_payload_shapes_follow_rasa():
    replies = [{"text": "One.\n\nTwo.", "buttons": [{"title": "Yes", "payload": "/affirm"}]},
               {"custom": {"data": {"kind": "map"}}},  # Rasa's workaround shape: its data is sent
               {"text": "Look", "image": "https://example.com/a.png", "attachment": {"type": "video",
                                                                                      "payload": {"src": "v"}}}]
    assert bot_messages(replies) == [
        {"text": "One.", "quick_replies": []},
        {"text": "Two.", "quick_replies": [{"content_type": "text", "title": "Yes", "payload": "/affirm"}]},
        {"kind": "map"},
        {"text": "Look"}, {"attachment": {"type": "image", "payload": {"src": "https://example.com/a.png"}}},
        {"attachment": {"type": "video", "payload": {"src": "v"}}},
    ]
    assert bot_messages([{"text": "", "buttons": [{"title": "Go", "payload": "go"}]}]) == [
        {"text": "", "quick_replies": [{"content_type": "text", "title": "Go", "payload": "go"}]}]


def test_credentials_problems_are_all_said(tmp_path):
    credentials = tmp_path / "credentials.yml"
    credentials.write_text("socketio:\n  jwt_key: abc\n  session_persistence: yes please\n  colour: blue\n",
                           encoding="utf-8")
    with pytest.raises(ValueError) as err:
        settings_from_credentials(credentials)
    assert str(err.value).replace(str(tmp_path), "TMP") == (
        "TMP/credentials.yml: socketio.jwt_key: JWT authentication of socket.io clients is not supported; put the "
        "server behind your gateway, or leave jwt_key out\n"
        "TMP/credentials.yml: socketio: unknown setting colour (known: user_message_evt, bot_message_evt, "
        "session_persistence, socketio_path, metadata_key, namespace)\n"
        "TMP/credentials.yml: socketio.session_persistence: expected true or false, found 'yes please'")
    assert settings_from_credentials(_write(tmp_path / "empty.yml", "rest:\n")) == SocketIOSettings()


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_serve_refuses_what_the_channel_cannot_honour(rich, tmp_path, capsys):
    """Before any model is trained or loaded: a credentials.yml with JWT settings, and
    --socketio with several workers (long-polling needs sticky sessions)."""
    from framework.server.command import main

    directory, _ = rich
    credentials = _write(tmp_path / "credentials.yml", "socketio:\n  jwt_key: secret\n")
    assert main([str(directory), "--socketio", str(credentials), "--port", "1"]) == 2
    assert capsys.readouterr().err.strip().replace(str(tmp_path), "TMP") == (
        "serve: --socketio: TMP/credentials.yml: socketio.jwt_key: JWT authentication of socket.io clients is not "
        "supported; put the server behind your gateway, or leave jwt_key out")
    assert main([str(directory), "--socketio", "--workers", "2", "--port", "1"]) == 2
    assert capsys.readouterr().err.startswith("serve: --socketio needs --workers 1: socket.io's long-polling")


async def test_a_store_outage_is_the_rest_channels_503_as_the_acknowledgement(serve, tmp_path):
    with RedisServer(tmp_path / "redis") as redis:
        url = await serve(redis_url=redis.url)
        widget = Widget()
        session = await widget.connect(url)
        await widget.say("hi", session, 2)
        redis.stop()  # Redis goes away mid-conversation
        ack = await widget.client.call("user_uttered", {"message": "hi", "session_id": session}, timeout=WAIT)
        assert ack == {"error": "store_unavailable", "detail": "the session store (Redis) is unreachable; retry shortly"}
        await widget.close()
