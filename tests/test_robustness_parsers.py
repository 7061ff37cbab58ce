"""Hypothesis on each channel's parser: whatever body a (verified) platform request
carries, `parse` returns None, or an `Incoming` within the limits every channel shares,
or refuses with a 4xx `ChannelError`; it never raises anything else (which the server
would turn into a 500). The bodies are built around each platform's real shapes, with
arbitrary values, missing and wrongly typed fields, lone surrogates, deep nesting and
(WeChat) other encodings and entity declarations."""
from __future__ import annotations

import json
from xml.sax.saxutils import escape

import pytest
from aiohttp.test_utils import make_mocked_request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framework.channels.base import MAX_SENDER, MAX_TEXT, ChannelError, Incoming
from framework.channels.rest import RestChannel
from framework.channels.slack import SlackChannel
from framework.channels.telegram import TelegramChannel
from framework.channels.wechat import WeChatChannel

SETTINGS = settings(max_examples=100, deadline=None, database=None, suppress_health_check=list(HealthCheck))

# Text with the characters that have broken things: lone surrogates, NUL, CJK, long runs.
TEXT = st.text(st.sampled_from(["\ud800", "\udfff", "\x00", "\n", "长"]) | st.characters(), max_size=20) | \
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "长"]), st.sampled_from([MAX_TEXT, MAX_TEXT + 1, 20_000]))
SCALAR = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT
JSON = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                    max_leaves=8)


def maybe(value):
    """The right shape, or any JSON value instead (a wrong type, a missing object ...)."""
    return value | JSON


CHAT = maybe(st.fixed_dictionaries({}, optional={"id": maybe(st.integers()), "type": JSON}))
MESSAGE = maybe(st.fixed_dictionaries({}, optional={"text": maybe(TEXT), "chat": CHAT, "message_id": JSON}))
TELEGRAM = maybe(st.fixed_dictionaries({}, optional={
    "update_id": maybe(st.integers()), "message": MESSAGE, "edited_message": MESSAGE,
    "callback_query": maybe(st.fixed_dictionaries({}, optional={
        "data": maybe(TEXT), "message": MESSAGE, "from": CHAT}))}))
SLACK = maybe(st.fixed_dictionaries({}, optional={
    "type": maybe(st.sampled_from(["event_callback", "url_verification"])), "event_id": maybe(TEXT),
    "challenge": JSON,
    "event": maybe(st.fixed_dictionaries({}, optional={
        "type": maybe(st.just("message")), "channel": maybe(TEXT), "user": maybe(TEXT), "text": maybe(TEXT),
        "subtype": JSON, "bot_id": JSON}))}))
REST = maybe(st.fixed_dictionaries({}, optional={"sender": maybe(TEXT), "message": maybe(TEXT), "metadata": JSON}))
DEEP = st.integers(1, 20_000).map(lambda n: "[" * n)


def json_body(strategy):
    # ensure_ascii writes a lone surrogate as the escape "\ud800", as a client could
    return strategy.map(lambda v: json.dumps(v).encode()) | DEEP.map(str.encode) | st.binary(max_size=64)


XML_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20) | st.sampled_from(["a" * (MAX_TEXT + 1)])


@st.composite
def wechat_bodies(draw):
    fields = draw(st.dictionaries(st.sampled_from(["ToUserName", "FromUserName", "MsgType", "Content", "MsgId",
                                                   "CreateTime", "Event"]),
                                  st.sampled_from(["text", "event", "123"]) | XML_TEXT, max_size=7))
    inner = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in fields.items())
    doctype = draw(st.sampled_from(["", '<!DOCTYPE xml [<!ENTITY e "x">]>', '<!DOCTYPE xml SYSTEM "file:///etc/passwd">']))
    document = f"{doctype}<xml>{inner}{'&e;' if doctype and draw(st.booleans()) else ''}</xml>"
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "utf-16-le", "gb18030"]))
    if encoding != "utf-8":
        document = f'<?xml version="1.0" encoding="{encoding}"?>' + document
    try:
        return document.encode(encoding)
    except UnicodeEncodeError:  # text gb18030 cannot hold; the bytes would be malformed anyway
        return document.encode("utf-8")


def run_parse(channel, body: bytes, content_type: str = "application/json") -> None:
    request = make_mocked_request("POST", "/webhook", headers={"Content-Type": content_type})
    try:
        incoming = channel.parse(request, body)
    except ChannelError as err:
        assert 400 <= err.status < 500 and err.error and len(err.detail) <= 300
        return
    if incoming is None:
        return
    assert isinstance(incoming, Incoming)
    assert 1 <= len(incoming.sender_id) <= MAX_SENDER and len(incoming.text) <= MAX_TEXT
    incoming.sender_id.encode("utf-8")  # valid Unicode: storable, loggable, tokenizable
    incoming.text.encode("utf-8")
    assert incoming.delivery_id is None or 1 <= len(incoming.delivery_id) <= MAX_SENDER


@pytest.fixture(scope="module")
def channels():
    return {"rest": RestChannel(), "wechat": WeChatChannel("token"),
            "telegram": TelegramChannel("1:A", "secret", session=None),
            "slack": SlackChannel("secret", "xoxb", session=None)}


@SETTINGS
@given(body=json_body(REST))
def test_rest_parser(channels, body):
    run_parse(channels["rest"], body)


@SETTINGS
@given(body=json_body(TELEGRAM))
def test_telegram_parser(channels, body):
    run_parse(channels["telegram"], body)


@SETTINGS
@given(body=json_body(SLACK))
def test_slack_parser(channels, body):
    run_parse(channels["slack"], body)
    try:  # the url_verification handshake reads the body too
        channels["slack"].immediate(make_mocked_request("POST", "/webhook"), body)
    except ChannelError as err:
        assert 400 <= err.status < 500


@SETTINGS
@given(body=wechat_bodies() | st.binary(max_size=64))
def test_wechat_parser(channels, body):
    run_parse(channels["wechat"], body, "text/xml")


def test_wechat_entities_never_expand(channels):
    for encoding in ("utf-8", "utf-16"):
        body = ('<?xml version="1.0" encoding="%s"?><!DOCTYPE xml [<!ENTITY e "%s">]><xml><ToUserName>a'
                "</ToUserName><FromUserName>b</FromUserName><MsgType>text</MsgType><Content>&e;</Content></xml>"
                % (encoding, "x" * 100)).encode(encoding)
        with pytest.raises(ChannelError) as err:
            channels["wechat"].parse(make_mocked_request("POST", "/webhook"), body)
        assert (err.value.status, err.value.error) == (400, "malformed_xml")
