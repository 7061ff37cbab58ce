"""Hypothesis on the encrypted channels (WeChat safe mode, WeCom): whatever a correctly
signed and encrypted request carries inside (the shapes of tests/test_robustness_parsers.py:
missing fields, other encodings, entity declarations, arbitrary bytes), and whatever a
forged one carries outside, `verify` + `parse` give None, an `Incoming` within the shared
limits, or a 4xx `ChannelError`; never anything the server would turn into a 500."""
from __future__ import annotations

import time
from urllib.parse import urlencode

from aiohttp.test_utils import make_mocked_request
from hypothesis import given
from hypothesis import strategies as st

from framework.channels.base import MAX_SENDER, MAX_TEXT, ChannelError, Incoming
from framework.channels.wechat import WeChatChannel, wechat_signature
from framework.channels.wechat_crypto import MessageCrypt
from framework.channels.wecom import WeComChannel
from tests.support.fake_wechat import (WECOM_AES_KEY, WECOM_AGENT_ID, WECOM_CORP_ID, WECOM_TOKEN, WX_AES_KEY,
                                       WX_APP_ID, WX_TOKEN)
from tests.test_robustness_parsers import SETTINGS, wechat_bodies

WECHAT = WeChatChannel(WX_TOKEN, crypt=MessageCrypt(WX_TOKEN, WX_AES_KEY, WX_APP_ID))
WECOM = WeComChannel(MessageCrypt(WECOM_TOKEN, WECOM_AES_KEY, WECOM_CORP_ID), WECOM_AGENT_ID)


def outcome(channel, query: dict, body: bytes) -> None:
    request = make_mocked_request("POST", "/webhook?" + urlencode(query), headers={"Content-Type": "text/xml"})
    try:
        channel.verify(request, body)
        incoming = channel.parse(request, body)
    except ChannelError as err:
        assert 400 <= err.status < 500 and err.error and len(err.detail) <= 300
        return
    if incoming is not None:
        assert isinstance(incoming, Incoming)
        assert 1 <= len(incoming.sender_id) <= MAX_SENDER and len(incoming.text) <= MAX_TEXT
        incoming.sender_id.encode("utf-8")
        incoming.text.encode("utf-8")


def signed(channel, inner: bytes, outer_extra: str = "") -> tuple[dict, bytes]:
    """`inner` encrypted and signed as the platform does it."""
    crypt = channel.crypt
    ts, nonce = str(int(time.time())), "123"
    encrypted = crypt.encrypt(inner)
    query = {"timestamp": ts, "nonce": nonce, "msg_signature": crypt.signature(ts, nonce, encrypted)}
    if channel is WECHAT:
        query.update(signature=wechat_signature(WX_TOKEN, ts, nonce), encrypt_type="aes")
    return query, f"<xml>{outer_extra}<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>".encode()


@SETTINGS
@given(inner=wechat_bodies() | st.binary(max_size=64), wecom=st.booleans())
def test_any_signed_encrypted_message(inner, wecom):
    channel = WECOM if wecom else WECHAT
    outcome(channel, *signed(channel, inner))


@SETTINGS
@given(body=wechat_bodies() | st.binary(max_size=64), query=st.dictionaries(
    st.sampled_from(["timestamp", "nonce", "msg_signature", "signature", "encrypt_type"]),
    st.text(max_size=50) | st.just(str(int(time.time()))), max_size=5), wecom=st.booleans())
def test_any_forged_request(body, query, wecom):
    outcome(WECOM if wecom else WECHAT, query, body)
