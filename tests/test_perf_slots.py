"""The pattern extractors' per-domain work done once (issue 11): a categorical slot's words
and a slot's context templates are prepared on first use per Slot / Assistant object and
dropped with it, so a hot reload (new objects) extracts with the new domain at once."""
from __future__ import annotations

import dataclasses
import gc

from framework.compile.machine import (
    Assistant, Behaviours, EntitySpan, Example, Intent, Settings, Slot, frozen_map,
)
from framework.slots import extract_entities
from framework.slots.memo import IdentityMemo


def _assistant(slots: dict[str, Slot], examples=()) -> Assistant:
    intents = {"give": Intent("give", "", tuple(examples))}
    return Assistant(
        name="t", language="en", settings=Settings(), intents=frozen_map(intents),
        slots=frozen_map(slots), responses=frozen_map(), actions=frozen_map(), flows=frozen_map(),
        behaviours=Behaviours(), intent_fingerprint="", examples_fingerprint="",
    )


def _size(choices) -> Slot:
    return Slot("size", "categorical", frozen_map({"choices": choices}))


def _values(assistant: Assistant, text: str) -> list[tuple[str, str]]:
    return [(e.text, e.value) for e in extract_entities(assistant, text)]


class _Thing:
    pass


def test_identity_memo_builds_once_per_object_and_forgets_collected_ones():
    built = []  # how many times it built, not the objects (that would keep them alive)
    memo = IdentityMemo(lambda obj: built.append(1) or len(built))
    a, b = _Thing(), _Thing()
    assert (memo(a), memo(a), memo(b), memo(b)) == (1, 1, 2, 2)
    del a
    gc.collect()
    assert len(memo) == 1  # the collected object's entry is gone, b's stays
    assert memo(b) == 2


def test_categorical_words_longest_first_whole_ascii_words_and_synonyms():
    domain = _assistant({"size": _size({"large": ["extra large", "XL"], "small": [], "50": []})})
    assert _values(domain, "An Extra Large one, not small") == [("Extra Large", "large"), ("small", "small")]
    assert _values(domain, "xl or 150") == [("xl", "large")]  # "50" is not inside "150"
    assert _values(domain, "50 please") == [("50", "50")]


def test_a_reloaded_domain_extracts_with_its_own_choices():
    before = _assistant({"size": _size(["small", "large"])})
    assert _values(before, "a large one") == [("large", "large")]
    after = _assistant({"size": dataclasses.replace(before.slots["size"],
                                                    options=frozen_map({"choices": ["large", "huge"]}))})
    assert _values(after, "a huge one") == [("huge", "huge")]
    assert _values(before, "a huge one") == []  # the old version, while a turn still holds it


def test_a_reloaded_domain_extracts_with_its_own_context_templates():
    name = Slot("name", "text", frozen_map({"min_length": 2, "max_length": 30}))
    first = _assistant({"name": name}, [Example("my name is John", (EntitySpan("name", "John", 11, 15),))])
    assert _values(first, "my name is Jane") == [("Jane", "Jane")]
    assert _values(first, "the card holder Jane") == []
    second = _assistant({"name": name}, [Example("the card holder John", (EntitySpan("name", "John", 16, 20),))])
    assert _values(second, "the card holder Jane") == [("Jane", "Jane")]


def test_both_spelled_readings_at_once_are_the_two_readings():
    from framework.slots.digit_words import spell_digits, spell_readings
    for text in ("nothing to read here", "one three eight one two three four five six seven eight",
                 "一三八，一二三四，五六七八", "１３８ 一二三 four", "一一零一零五一九九零零一零一零零二叉", ""):
        assert spell_readings(text) == [spell_digits(text), spell_digits(text, join=True)], text
