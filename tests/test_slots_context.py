"""Context templates: text values found by the words around them in annotated examples."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from framework.compile.machine import (
    Assistant, Behaviours, EntitySpan, Example, Intent, Settings, Slot, frozen_map,
)
from framework.slots import extract_entities
from framework.slots.context import collect_text, learn, model_for

TODAY = dt.date(2024, 5, 1)
_ANNOTATION = re.compile(r"\[([^\]]+)\]\((\w+)\)")


def annotated(raw: str) -> Example:
    """'我叫[张三](name)' -> Example('我叫张三', (EntitySpan('name', '张三', 2, 4),))."""
    text, spans, cursor = "", [], 0
    for m in _ANNOTATION.finditer(raw):
        text += raw[cursor:m.start()]
        spans.append(EntitySpan(m.group(2), m.group(1), len(text), len(text) + len(m.group(1))))
        text += m.group(1)
        cursor = m.end()
    return Example(text + raw[cursor:], tuple(spans))


def assistant(language: str, examples: dict[str, list[str]], **slots: Slot) -> Assistant:
    intents = {name: Intent(name, "", tuple(annotated(e) for e in raws)) for name, raws in examples.items()}
    return Assistant(
        name="t", language=language, settings=Settings(), intents=frozen_map(intents),
        slots=frozen_map(slots), responses=frozen_map(), actions=frozen_map(), flows=frozen_map(),
        behaviours=Behaviours(), intent_fingerprint="", examples_fingerprint="",
    )


def name_slot(low=2, high=20, **options) -> Slot:
    return Slot("name", "text", frozen_map({"min_length": low, "max_length": high, **options}))


ZH = assistant("zh", {
    "inform": ["我叫[张三](name)，想开户", "我的名字是[李四](name)", "[王小明](name)", "是[何静](name)",
               "叫我[徐明](name)就行", "身份证是[370202198302143212](id_number)，我叫[吴刚](name)"],
    "complain": ["我要投诉", "投诉你们的服务", "网速太慢了我要投诉", "我想问一下话费", "我想问一下套餐"],
}, name=name_slot(), id_number=Slot("id_number", "id_number"), phone=Slot("phone", "phone"),
    complaint=Slot("complaint", "text", frozen_map({"min_length": 4, "max_length": 500})))

EN = assistant("en", {
    "inform": ["my name is [John Smith](name)", "I'm [Zoe Martin](name)", "[Lucas Silva](name) here",
               "it's [Mateo Lopez](name) and it ends [2468](last4)"],
    "balance": ["what's my balance", "check my balance please", "I am looking for my balance",
                "how much money do I have", "how much is on my card"],
}, name=name_slot(high=40), last4=Slot("last4", "regex", frozen_map({"pattern": r"^\d{4}$"})))


def names(a: Assistant, text: str) -> list[tuple[str, int, int]]:
    return [(e.value, e.start, e.end) for e in extract_entities(a, text, today=TODAY)
            if e.entity == "name" and e.extractor == "context"]


def test_templates_are_learned_per_clause_and_normalised():
    model = learn(EN)
    found = {(t.prefix, t.suffix) for t in model.templates["name"]}
    assert {("my name is", ""), ("i'm", ""), ("", "here"), ("it's", "and it ends")} <= found
    zh = {(t.prefix, t.suffix) for t in learn(ZH).templates["name"]}
    assert {("我叫", ""), ("我的名字是", ""), ("是", ""), ("叫我", "就行")} <= zh
    assert ("", "") not in zh  # a bare '[王小明](name)' says nothing about context


@pytest.mark.parametrize("text,value", [
    ("我叫张三", "张三"), ("我叫张三，想开户", "张三"), ("叫我小王就行", "小王"),
    ("身份证是11010519491231002X，我叫吴刚", "吴刚"), ("我的名字是欧阳娜娜。", "欧阳娜娜"),
])
def test_zh_names_found_in_any_message(text, value):
    ((found, start, end),) = names(ZH, text)
    assert found == value and text[start:end] == value


@pytest.mark.parametrize("text,value", [
    ("my name is John Smith", "John Smith"), ("My name is  Jane Doe.", "Jane Doe"),
    ("I’m Noah Wilson", "Noah Wilson"), ("Grace Lee here", "Grace Lee"),
    ("it's Bob Stone and it ends 1234", "Bob Stone"),
])
def test_en_names_found_in_any_message(text, value):
    assert [v for v, _, _ in names(EN, text)] == [value]


@pytest.mark.parametrize("a,text", [
    (ZH, "我想开户"),  # no template
    (ZH, "我要投诉，是网速太慢"),  # the 1-character template "是" is too weak to use unasked
    (ZH, "我叫张三李四王五赵六钱七孙八周九吴十郑"),  # longer than any annotated name
    (ZH, "我的名字是问一下话费"),  # the domain's everyday words, not a name
    (EN, "I'm looking for my balance"),
    (EN, "I think it's broken"),  # "it's" is a template at the start of a clause only
])
def test_unsolicited_guesses_are_cautious(a, text):
    assert names(a, text) == []


def test_a_typed_slot_gets_a_context_second_chance_only_when_its_pattern_finds_nothing():
    # \A...\Z anchors keep the searchable pattern from finding the code inside a sentence.
    a = assistant("en", {"x": ["the code is [AB12](code)"]},
                  code=Slot("code", "regex", frozen_map({"pattern": r"\A[A-Z]{2}\d{2}\Z"})))
    (e,) = extract_entities(a, "AB12", today=TODAY)
    assert (e.value, e.extractor) == ("AB12", "regex")
    (e,) = extract_entities(a, "The code is CD34.", today=TODAY)
    assert (e.value, e.extractor) == ("CD34", "context")
    assert extract_entities(a, "the code is nothing", today=TODAY) == ()  # still validated


@pytest.mark.parametrize("a,text,value", [
    (ZH, "我叫张三", "张三"), (ZH, "我是张三丰", "张三丰"), (ZH, "名字是李四", "李四"),
    (ZH, "张三吧", "张三"), (ZH, "王五。", "王五"), (ZH, "我叫张三，想开户", "张三"),
    (ZH, "是明", "是明"),  # "是" + "明": the rest would be too short, the name stays whole
    (ZH, "我是王", "我是王"),
    (ZH, "张三", "张三"),
    (EN, "my name is John Smith.", "John Smith"), (EN, "I am Olu Adeyemi", "Olu Adeyemi"),
    (EN, "call me Liam", "Liam"), (EN, "this is Aisha Khan", "Aisha Khan"),
    (EN, "i amelia", "i amelia"),  # "i am" needs a word boundary
    (EN, "it's Al", "Al"), (EN, "it's A", "it's A"),
])
def test_collecting_a_name_strips_carrier_phrases(a, text, value):
    result = collect_text(a, a.slots["name"], text, today=TODAY)
    assert result.ok and result.value == value


def test_free_text_is_taken_as_said():
    complaint = ZH.slots["complaint"]
    for text in ("我是老用户，网速太慢了啊", "网速太慢了，晚上根本没法用"):
        assert collect_text(ZH, complaint, text).value == text


def test_carriers_work_without_annotated_examples():
    a = assistant("zh", {}, name=name_slot())
    assert collect_text(a, a.slots["name"], "我叫张三").value == "张三"
    assert names(a, "我叫张三") == []  # but not unasked: the domain never showed the entity in context


def test_from_user_false_slots_are_never_extracted():
    a = assistant("zh", {"x": ["我叫[张三](name)"]}, name=name_slot(from_user=False),
                  phone=Slot("phone", "phone", frozen_map({"from_user": False})))
    assert extract_entities(a, "我叫张三，手机13912345678", today=TODAY) == ()


def test_the_model_is_computed_once_per_assistant():
    assert model_for(ZH) is model_for(ZH)
    assert model_for(EN) is not model_for(ZH)


@pytest.mark.parametrize("text, value", [
    # customer trial, session 13: the template span "under my wife's name" gave "name", and the
    # bot asked "Did you mean name as your name?"; each clause is a candidate too now
    ("it's under my wife's name, Maria", "Maria"), ("Jane, I think", "Jane"), ("well, Jane Doe", "Jane Doe"),
    ("no, it is John Smith", "John Smith"),
])
def test_a_name_in_another_clause_of_the_answer_is_found(text, value):
    from framework.spec import load_assistant

    banking = load_assistant(Path(__file__).resolve().parent.parent / "domains" / "banking_en", environ={})
    assert collect_text(banking, banking.slots["name"], text, today=TODAY).value == value
