"""A message the classifier was unsure of, mostly in a script the domain's language does not
use, gets "Sorry, I can only chat in English." / "抱歉，我目前只能用中文交流。" instead of the
fallback (framework.engine.foreign_language); understood messages, values and Latin-script
languages keep their old handling. Pure engine turns with set rankings.
"""
from __future__ import annotations

import pytest

from framework.engine.foreign_language import foreign_script
from tests.support.engine_turns import replies, start, turns, write_domain

DOMAIN = """\
version: "1"
language: %s
flows: [flows]
settings: {fallback_threshold: 0.5}
intents:
  block: {examples: [block my card]}
  inform: {examples: ["1234"]}
slots:
  last4: {type: regex, pattern: '^\\d{4}$'}
responses:
  utter_ask_last4: [{text: "Last four digits?"}]
  utter_done: [{text: Blocked.}]
  utter_fallback: [{text: "Sorry, say that again?"}]
global:
  fallback: {response: utter_fallback}
"""
FLOW = """\
flows:
  block:
    trigger: block
    states:
      ask_last4: {collect: last4, next: done}
      done: {end: utter_done}
"""
turn = turns(default_intent="block", runner_up=("inform",))


def build(path, language):
    return write_domain(path, {"domain.yml": DOMAIN % language, "flows/block.yml": FLOW})


def test_english_domain(tmp_path):
    en = build(tmp_path, "en")
    result = turn(en, start(), "我的卡丢了", "block", 0.39)
    assert replies(result) == ["Sorry, I can only chat in English."]
    assert [e.data["script"] for e in result.events if e.name == "language_unsupported"] == ["CJK"]
    assert replies(turn(en, start(), "Я потерял карту", "block", 0.4)) == ["Sorry, I can only chat in English."]
    assert replies(turn(en, start(), "hola amigo", "block", 0.3)) == ["Sorry, say that again?"]
    assert replies(turn(en, start(), "我要 block my card", "block", 0.99)) == ["Last four digits?"]  # understood


def test_chinese_domain_takes_english_and_refuses_cyrillic(tmp_path):
    zh = build(tmp_path, "zh")
    assert replies(turn(zh, start(), "help me please", "block", 0.3)) == ["Sorry, say that again?"]
    result = turn(zh, start(), "Помогите", "block", 0.3)
    assert replies(result) == ["抱歉，我目前只能用中文交流。"]


def test_a_value_in_such_a_message_still_answers_the_question(tmp_path):
    en = build(tmp_path, "en")
    state = turn(en, start(), "block my card").state
    result = turn(en, state, "我的卡号是4821", "inform")
    assert [e.data["value"] for e in result.events if e.name == "slot_set"] == ["4821"]
    assert replies(result) == ["Blocked."]
    result = turn(en, state, "我不明白", "inform", 0.2)  # no value: the fallback's place, then the question
    assert replies(result) == ["Sorry, I can only chat in English.", "Last four digits?"]


@pytest.mark.parametrize("text,language,script", [
    ("我的卡丢了", "en", "CJK"), ("카드를 잃어버렸어요", "en", "HANGUL"), ("block 我的卡", "en", None),
    ("hola", "en", None), ("I lost my card", "zh", None), ("カードをなくした", "zh", "HIRAGANA"),
    ("1234", "en", None), ("我的卡丢了", "xx", None),
])
def test_foreign_script(text, language, script):
    assert foreign_script(text, language) == script
