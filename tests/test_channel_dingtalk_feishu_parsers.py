"""Hypothesis on the DingTalk and Feishu parsers (as tests/test_robustness_parsers.py does
for the other channels): whatever a verified request carries, `parse` (and Feishu's
decoding and URL verification) returns None, an `Incoming` within the limits every
channel shares, or a 4xx `ChannelError`; never anything else (a 500). Bodies are built
around each platform's documented shapes with arbitrary values, missing or wrongly typed
fields, lone surrogates, deep nesting and (Feishu) arbitrary `encrypt` strings."""
from __future__ import annotations

import json

from aiohttp.test_utils import make_mocked_request
from hypothesis import given, settings
from hypothesis import strategies as st

from framework.channels.base import ChannelError
from framework.channels.dingtalk import DingTalkChannel
from framework.channels.feishu import FeishuChannel
from tests.support.fake_feishu import ENCRYPT_KEY, encrypt
from tests.test_robustness_parsers import JSON, SETTINGS, TEXT, json_body, maybe, run_parse

SETTINGS = settings(SETTINGS, max_examples=60)  # x 3 tests: a few seconds

DINGTALK = maybe(st.fixed_dictionaries({}, optional={
    "msgtype": maybe(st.sampled_from(["text", "picture", "richText"])), "msgId": maybe(TEXT),
    "conversationId": maybe(TEXT), "conversationType": maybe(st.sampled_from(["1", "2"])), "senderId": maybe(TEXT),
    "senderStaffId": maybe(TEXT), "sessionWebhook": maybe(st.just("https://oapi.dingtalk.com/robot/sendBySession?s=1")),
    "sessionWebhookExpiredTime": maybe(st.integers()),
    "text": maybe(st.fixed_dictionaries({}, optional={"content": maybe(TEXT)}))}))

_MESSAGE = maybe(st.fixed_dictionaries({}, optional={
    "message_id": maybe(TEXT), "chat_id": maybe(TEXT), "message_type": maybe(st.just("text")),
    "content": maybe(st.builds(lambda t: json.dumps({"text": t}), TEXT) | TEXT),
    "mentions": maybe(st.lists(maybe(st.fixed_dictionaries({}, optional={"key": maybe(TEXT)})), max_size=2))}))
_SENDER = maybe(st.fixed_dictionaries({}, optional={
    "sender_type": maybe(st.just("user")),
    "sender_id": maybe(st.fixed_dictionaries({}, optional={"open_id": maybe(TEXT)}))}))
_CARD = maybe(st.fixed_dictionaries({}, optional={
    "operator": maybe(st.fixed_dictionaries({}, optional={"open_id": maybe(TEXT)})),
    "action": maybe(st.fixed_dictionaries({}, optional={"value": maybe(st.fixed_dictionaries({"payload": TEXT}))})),
    "context": maybe(st.fixed_dictionaries({}, optional={"open_chat_id": maybe(TEXT)}))}))
FEISHU = maybe(st.fixed_dictionaries({}, optional={
    "schema": maybe(st.just("2.0")), "type": maybe(st.just("url_verification")), "challenge": JSON, "token": JSON,
    "header": maybe(st.fixed_dictionaries({}, optional={
        "event_id": maybe(TEXT), "token": maybe(st.just("tok")),
        "event_type": maybe(st.sampled_from(["im.message.receive_v1", "card.action.trigger"]))})),
    "event": maybe(st.fixed_dictionaries({}, optional={"message": _MESSAGE, "sender": _SENDER}) | _CARD)}))

DINGTALK_CHANNEL = DingTalkChannel("key", "secret", session=None, tokens=None)
# Token only: no signature, so every body reaches the decoding and the token check.
FEISHU_PLAIN = FeishuChannel("cli_a", "s", session=None, tokens=None, verification_token="tok")
FEISHU_ENCRYPTED = FeishuChannel("cli_a", "s", session=None, tokens=None, encrypt_key=ENCRYPT_KEY)


class Verified:
    """A Feishu channel whose parse() first verifies (decrypts, checks the token)."""

    def __init__(self, channel: FeishuChannel) -> None:
        self.channel = channel

    def parse(self, request, body):
        try:
            self.channel.verify(request, body)
        except ChannelError as err:
            if err.status == 403:  # a wrong token: refused before parsing, as it should be
                return None
            raise
        self.channel.immediate(request, body)
        return self.channel.parse(request, body)


@SETTINGS
@given(body=json_body(DINGTALK))
def test_dingtalk_parser(body):
    run_parse(DINGTALK_CHANNEL, body)


@SETTINGS
@given(body=json_body(FEISHU))
def test_feishu_parser_plain(body):
    run_parse(Verified(FEISHU_PLAIN), body)


@SETTINGS
@given(event=FEISHU, wrap=st.sampled_from(["encrypted", "garbage", "wrong_type"]), garbage=TEXT)
def test_feishu_parser_encrypted(event, wrap, garbage):
    """Without signature headers, only a URL verification gets past verify(); the decoding
    of any `encrypt` value still answers 4xx or a challenge, never a 500."""
    value = {"encrypted": encrypt(json.dumps(event)), "garbage": garbage, "wrong_type": event}[wrap]
    run_parse(Verified(FEISHU_ENCRYPTED), json.dumps({"encrypt": value}).encode())


def test_a_verified_message_within_the_limits():
    """A well-formed verified message does parse (the refusals above are not all there is)."""
    event = {"schema": "2.0", "header": {"event_id": "e1", "token": "tok", "event_type": "im.message.receive_v1"},
             "event": {"sender": {"sender_type": "user", "sender_id": {"open_id": "ou_1"}},
                       "message": {"message_id": "om_1", "chat_id": "oc_1", "message_type": "text",
                                   "content": json.dumps({"text": "@_user_1 你好"}), "mentions": [{"key": "@_user_1"}]}}}
    request = make_mocked_request("POST", "/webhook")
    FEISHU_PLAIN.verify(request, json.dumps(event).encode())
    incoming = FEISHU_PLAIN.parse(request, b"")
    assert (incoming.sender_id, incoming.text, incoming.delivery_id) == ("oc_1:ou_1", "你好", "e1")
