"""`zero_words` of integer, number and money slots (framework/slots/values.py): "没有" to
"这件事给您造成的经济损失大概是多少钱？" means 0, not "stop the flow" (the stop question,
framework.engine.stop_question, is for a "no" that is no value) and not a wrong amount.
Only the whole answer counts: extractors never find a zero word inside a sentence."""
from __future__ import annotations

import pytest

from framework.compile.machine import Slot, frozen_map
from framework.slots import extract_entities, parse_value
from framework.spec import SpecErrors
from tests.test_entity_slots import write_domain

LOSS = Slot("loss", "money", frozen_map({"currency": "CNY", "min": 0, "zero_words": ("没有", "没有损失", "none")}))


@pytest.mark.parametrize("text,amount", [("没有", 0), ("没有损失。", 0), ("None!", 0), ("三千五", 3500)])
def test_zero_words_are_zero(text, amount):
    assert parse_value(LOSS, text, "zh").value == {"amount": amount, "currency": "CNY"}


@pytest.mark.parametrize("text,ok", [("没有损失，就是很烦", True), ("没有就是很烦", True), ("none, just annoyed", True),
                                     ("没有损失但是扣了20", False), ("没有多少", False)])
def test_a_zero_word_opening_a_clause_with_no_digit(text, ok):
    """"没啥损失就是很烦" at the loss question asked whether to drop the complaint (customer trial,
    session 21): a zero word as the first clause, no digit anywhere, is 0."""
    parsed = parse_value(LOSS, text, "zh")
    assert parsed.ok is ok and (not ok or parsed.value["amount"] == 0)


def test_only_the_whole_answer_and_only_where_declared():
    assert not parse_value(LOSS, "没有多少", "zh").ok
    people = Slot("people", "integer", frozen_map({"min": 0, "zero_words": ("nobody",)}))
    assert parse_value(people, "nobody", "en").value == 0
    assert not parse_value(Slot("n", "integer", frozen_map({"min": 0})), "没有", "zh").ok


DOMAIN = """\
version: "1"
language: zh
intents:
  claim: {examples: [我要报案]}
slots:
  loss: {type: money, currency: CNY, min: MIN, zero_words: [没有]}
  note: {type: text, zero_words: [没有]}
"""


def test_spec_errors(tmp_path):
    with pytest.raises(SpecErrors) as err:
        write_domain(tmp_path, {"domain.yml": DOMAIN.replace("MIN", "1")})
    lines = str(err.value).splitlines()
    assert ("domain.yml:6:46: E052 slots.loss.zero_words: 'zero_words' mean 0, which 'min: 1' refuses. "
            "Expected 'min: 0' or lower with 'zero_words'; found min: 1.") in lines
    assert any(": E050 slots.note.zero_words: 'zero_words' is not an option of text slots." in line for line in lines)


def test_no_entity_from_a_zero_word(tmp_path):
    assistant = write_domain(tmp_path, {"domain.yml": DOMAIN.replace("MIN", "0").replace(
        "  note: {type: text, zero_words: [没有]}\n", "")})
    assert extract_entities(assistant, "没有") == ()
