"""Text is masked before it is cut: a log line or an error that shows the first N
characters of a sender's or a backend's text never shows the first half of a phone or ID
number the cut goes through (half of a number is not recognised by the masker, and seven
digits of a phone are too many to show). One test per site that cuts such text, each with
a number straddling its cut, typed or said digit by digit."""
from __future__ import annotations

import logging
import re

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from jsonschema import Draft202012Validator

from framework.actions.responses import result_from_json
from framework.actions.webhook import call_webhook
from framework.channels import wechat, wecom
from framework.channels.base import ChannelError, schema_error
from framework.channels.dingtalk_cards import PRESS, DingTalkCardCallbacks
from framework.channels.send_retries import read_json
from framework.channels.wechat_api import _brief
from framework.compile.machine import Slot, WebhookAction, frozen_map
from framework.engine import ActionCall
from framework.masking import MASK_WINDOW, masked_prefix
from framework.slots.digit_words import spell_digits

PHONE, ID = "13812345678", "110105194912310021"


def readable(number: str, text: str) -> list[str]:
    """The pieces of `number` (five digits or more, in a row) that `text` shows, typed or
    said digit by digit."""
    reading, _ = spell_digits(text, join=True)
    return [run for run in re.findall(r"\d{5,}", reading) if run in number]


def straddling(before: int, number: str = PHONE, keep: int = 7) -> str:
    """Text whose `before`-th character is the `keep`-th digit of `number`."""
    return "x" * (before - keep) + " " + number + " and more text after it"


@pytest.mark.parametrize("said,number", [
    (PHONE, PHONE),
    ("一三八一二三四五六七八", PHONE),
    ("幺三八，一二三四，五六七八", PHONE),
    ("one three eight one two three four five six seven eight", PHONE),
    (ID, ID),
    ("110105 19491231 0021", ID),
])
@pytest.mark.parametrize("tenths", [1, 5, 7, 9, 10])
def test_no_cut_shows_part_of_a_number(said, number, tenths):
    text = "my number is " + said + ", call me"
    cut = len("my number is ") + len(said) * tenths // 10
    shown = masked_prefix(text, cut)
    assert len(shown) <= cut and readable(number, shown) == []
    assert tenths < 7 or readable(number, text[:cut])  # where a plain cut shows a piece


def test_short_text_is_masked_whole_and_more_marks_a_cut():
    assert masked_prefix("call 13812345678", 40, more="...") == "call 138****5678"
    assert masked_prefix("call 13812345678 please", 12, more="...") == "call 138****..."
    assert masked_prefix("", 10) == ""


def test_a_number_beyond_the_window_is_dropped_at_the_cut():
    """A run of digit words with ever longer pauses can outlast the window read for the
    masking: the cut then drops the number it ends in rather than show it half masked."""
    text = "ok " + "，".join("一三八一二三四五六七八") + " " * MASK_WINDOW + "，九" * 10
    shown = masked_prefix(text, 20, more="…")
    assert shown.endswith("…") and readable(PHONE, shown) == []
    long_text = "x" * 35 + PHONE + "y" * (3 * MASK_WINDOW)
    assert masked_prefix(long_text, 40) == "x" * 35 + "138**"


# -- the sites ---------------------------------------------------------------------------

@pytest.fixture
async def backend():
    """A business backend that answers a fixed text (not JSON)."""
    answer: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        return web.Response(text=answer[0], content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    async with TestServer(app, host="127.0.0.1") as server:
        server.answer = answer
        yield server


async def test_webhook_a_non_json_answer(backend, caplog):
    backend.answer.append("<p>" + straddling(37) + "</p>")
    action = WebhookAction("act", str(backend.make_url("/hook")), timeout=2.0)
    call = ActionCall("act", "u1", "flow", "state", frozen_map({}), "hi", "greet")
    async with aiohttp.ClientSession() as session:
        result = await call_webhook(session, action, call)
    assert "the answer is not JSON ('<p>xxx" in result.error and readable(PHONE, result.error) == []
    (line,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "not JSON" in line and readable(PHONE, line) == []


async def test_send_retries_a_platform_answer_that_is_not_json(backend):
    backend.answer.append(straddling(200))
    async with aiohttp.ClientSession() as session, session.get(backend.make_url("/send")) as resp:
        shown = await read_json(resp)
    assert shown.startswith("xxx") and readable(PHONE, shown) == []


def test_webhook_a_slot_value_the_backend_sets():
    phone = Slot("phone", "phone", pii=True)
    result = result_from_json({"slots": {"phone": straddling(36)}}, ["phone"], "act", {"phone": phone})
    assert "cannot take 'xxx" in result.error and readable(PHONE, result.error) == []


def test_channel_schema_error_echoing_the_senders_value():
    validator = Draft202012Validator({"type": "object", "properties": {"sender": {"type": "integer"}}})
    error = schema_error(validator, {"sender": straddling(200)})
    assert error.startswith("at $.sender: 'xxx") and error.endswith("...") and readable(PHONE, error) == []


def test_wechat_api_answer_in_a_log_line():
    shown = _brief({"errcode": 45009, "errmsg": straddling(290)})
    assert shown.startswith("{'errcode': 45009") and readable(PHONE, shown) == []


@pytest.mark.parametrize("fields", [wechat._fields, wecom._fields])
def test_malformed_xml_naming_a_senders_encoding(fields):
    name = straddling(182).replace(" ", "-")  # an encoding name has no spaces
    body = f'<?xml version="1.0" encoding="{name}"?><xml/>'.encode()
    with pytest.raises(ChannelError) as err:
        fields(body)
    assert err.value.detail.startswith("unknown encoding") and readable(PHONE, err.value.detail) == []


def test_dingtalk_a_press_on_an_unknown_card(caplog):
    caplog.set_level(logging.INFO, logger="framework.channels")
    callbacks = DingTalkCardCallbacks(None, None)
    assert callbacks.parse({PRESS: (straddling(64), "staff1", "button0", None)}, b"") is None
    (line,) = [r.getMessage() for r in caplog.records]
    assert "press on card xxx" in line and readable(PHONE, line) == []
