"""Rasa `nlu.yml`, all of it: entities with roles and groups, synonyms, regexes, lookup
tables and retrieval intents are imported and used; what is not understood is a warning with
its line, what cannot be used an error naming the line (golden text)."""
import logging
from pathlib import Path

import pytest

from framework.nlu import data as nlu_data
from framework.nlu.rasa_import import load_rasa_nlu

DATA = Path(__file__).resolve().parent / "data"


def spans(example):
    return [(e.entity, example.text[e.start:e.end], e.value, e.role, e.group) for e in example.entities]


@pytest.fixture(autouse=True)
def at_tests_dir(monkeypatch):
    monkeypatch.chdir(DATA.parent)  # messages name files relative to the current directory


def test_formbot_nothing_dropped():
    data = load_rasa_nlu("data/rasa_formbot_nlu.yml")
    assert data.warnings == []
    by_intent = {}
    for ex in data.examples:
        by_intent.setdefault(ex.intent, []).append(ex)
    # every example line of the file is an example
    assert {k: len(v) for k, v in by_intent.items()} == {
        "greet": 4, "request_restaurant": 6, "inform": 9, "affirm": 3, "deny": 2,
        "chitchat/ask_name": 2, "chitchat/ask_weather": 2}
    annotated = [e for ex in data.examples for e in ex.entities]
    assert len(annotated) == 15  # every [..](..) of the file
    assert spans(by_intent["request_restaurant"][5]) == [("cuisine", "veggie", "vegetarian", None, None)]
    assert spans(by_intent["request_restaurant"][3]) == [("number", "two", "2", None, None)]
    assert spans(by_intent["inform"][4]) == [("seating", "outside", "outdoor", None, None)]  # synonym block
    assert spans(by_intent["inform"][6]) == [("seating", "inside", "indoor", None, None)]  # inline value
    assert data.synonyms["veggie"] == "vegetarian" and data.synonyms["inside"] == "indoor"
    assert data.regexes == {"phone_number": [r"\d{3}-\d{4}"], "email": [r"[\w.+-]+@[\w-]+\.[\w.]+"]}
    assert data.lookups["cuisine"][:2] == ["afghan", "asian oriental"] and len(data.lookups["cuisine"]) == 6
    assert data.retrieval_intents == {"chitchat": ["chitchat/ask_name", "chitchat/ask_weather"]}


def test_roles_and_groups_nothing_dropped():
    data = load_rasa_nlu("data/rasa_roles_groups_nlu.yml")
    assert data.warnings == []
    assert [spans(ex) for ex in data.examples] == [
        [("city", "Berlin", "Berlin", "departure", None), ("city", "London", "London", "destination", None)],
        [("city", "NYC", "New York", "destination", None), ("city", "Paris", "Paris", "departure", None)],
        [("city", "London", "London", None, None), ("city", "Tokyo", "Tokyo", "destination", None)],
        [("city", "上海", "上海", "departure", None), ("city", "北京", "北京", "destination", None)],
        [("size", "large", "large", None, "1"), ("topping", "pepperoni", "pepperoni", None, "1"),
         ("size", "small", "small", None, "2"), ("topping", "margherita", "margherita", None, "2")],
        [("size", "medium", "medium", None, "1"), ("topping", "mushrooms", "mushrooms", None, "1"),
         ("topping", "olives", "olives", None, "1")],
        [("city", "Munich", "Munich", "departure", None), ("city", "Vienna", "Vienna", "destination", None)],
        [("city", "Rome", "Rome", "destination", None), ("place", "Rome", "Rome", None, None)],
    ]
    assert data.examples[3].text == "从上海飞北京"
    assert data.examples[6].text == "train from Munich to Vienna"  # the long form, metadata ignored


def test_imported_patterns_extract_entities_with_synonyms():
    formbot = load_rasa_nlu("data/rasa_formbot_nlu.yml").patterns()
    found = formbot.extract("Table for 2, asian oriental or veggie? mail me at bob@example.org or 555-0199")
    assert [(e.entity, e.text, e.value, e.extractor) for e in found] == [
        ("cuisine", "asian oriental", "asian oriental", "lookup"),
        ("email", "bob@example.org", "bob@example.org", "regex"),
        ("phone_number", "555-0199", "555-0199", "regex"),
    ]
    # lookups match whole words, any case; synonyms normalise what a lookup or regex found
    assert [e.value for e in formbot.extract("MEXICAN please, not mexicano")] == ["mexican"]
    cities = load_rasa_nlu("data/rasa_roles_groups_nlu.yml").patterns()
    assert [(e.text, e.value) for e in cities.extract("从上海到北京, or NYC to New York")] == [
        ("上海", "上海"), ("北京", "北京"), ("New York", "New York")]


def test_imported_patterns_fill_slots_through_extract_entities():
    from framework.compile.machine import Assistant, Behaviours, Settings, Slot, frozen_map
    from framework.slots import extract_entities

    slots = {"cuisine": Slot("cuisine", "text"), "phone": Slot("phone", "text", entity="phone_number")}
    a = Assistant(name="t", language="en", settings=Settings(), intents=frozen_map(), slots=frozen_map(slots),
                  responses=frozen_map(), actions=frozen_map(), flows=frozen_map(), behaviours=Behaviours(),
                  intent_fingerprint="", examples_fingerprint="")
    patterns = load_rasa_nlu("data/rasa_formbot_nlu.yml").patterns()
    found = extract_entities(a, "swedish food, call 555-0100", patterns=patterns)
    assert [(e.entity, e.value) for e in found] == [("cuisine", "swedish"), ("phone_number", "555-0100")]
    assert extract_entities(a, "swedish food") == ()  # without the imported patterns


UNREAD_WARNINGS = """\
data/rasa_unread_lines_nlu.yml:6: 'hello' is not an example of intent 'greet': examples are written '- hello'; this line was not read
data/rasa_unread_lines_nlu.yml:7: 'hi there' is not an example of intent 'greet': examples are written '- hi there'; this line was not read
data/rasa_unread_lines_nlu.yml:11: unknown key 'text' in the intent block 'goodbye'; it was ignored
data/rasa_unread_lines_nlu.yml:15: the intent block 'thanks' has no 'examples:'; it was not read
data/rasa_unread_lines_nlu.yml:20: an empty example of regex 'zipcode'; it was not read
data/rasa_unread_lines_nlu.yml:23: the synonym block 'NYC' has no examples
data/rasa_unread_lines_nlu.yml:25: 'stories:' is not NLU data (version, nlu); this section was not read"""


def test_lines_not_understood_are_warnings_with_line_numbers_golden():
    data = load_rasa_nlu("data/rasa_unread_lines_nlu.yml")
    assert "\n".join(map(str, data.warnings)) == UNREAD_WARNINGS
    assert [(ex.text, ex.intent) for ex in data.examples] == [("good morning", "greet"), ("bye", "goodbye")]
    assert data.regexes == {"zipcode": [r"\d{5}"]}


def test_read_data_file_logs_the_warnings(caplog):
    with caplog.at_level(logging.WARNING, logger="framework.nlu.data"):
        rows = nlu_data.read_data_file("data/rasa_unread_lines_nlu.yml")
    assert len(rows) == 2
    assert "\n".join(r.getMessage() for r in caplog.records) == UNREAD_WARNINGS


def test_a_file_without_bullets_warns_for_every_line(tmp_path):
    path = tmp_path / "nlu.yml"
    path.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    hello\n    hey\n', encoding="utf-8")
    data = load_rasa_nlu(path)
    assert data.examples == [] and [w.line for w in data.warnings] == [4, 5, 6]
    assert str(data.warnings[0]).endswith(":4: the intent block 'greet' has no examples")


def test_what_cannot_be_used_is_refused_with_every_line_golden():
    with pytest.raises(nlu_data.DataFormatError) as exc:
        load_rasa_nlu("data/rasa_broken_nlu.yml")
    assert str(exc.value) == """\
data/rasa_broken_nlu.yml:6: unknown key 'rol' (expected entity, value, role, group) in the annotation '[John]{"entity": "person", "rol": "receiver"}'
data/rasa_broken_nlu.yml:7: invalid JSON (Expecting ',' delimiter) in the annotation '[Anna]{"entity": "person" to her account'
data/rasa_broken_nlu.yml:12: invalid regular expression in regex 'account_number': unterminated character set in '[0-9{4}'
data/rasa_broken_nlu.yml:14: 'intent:' needs a name"""


@pytest.mark.parametrize("text,message", [
    ("nlu: [\n", "x.yml:2: invalid YAML: expected the node content, but found '<stream end>'"),
    ("- just a list\n", "x.yml:1: expected a Rasa NLU file with a top-level 'nlu:' list"),
    ("version: '3.1'\nnlu: {}\n", "x.yml:2: expected a top-level 'nlu:' list of intent, synonym, regex "
                                  "and lookup blocks"),
])
def test_unreadable_files_golden(tmp_path, monkeypatch, text, message):
    monkeypatch.chdir(tmp_path)
    Path("x.yml").write_text(text, encoding="utf-8")
    with pytest.raises(nlu_data.DataFormatError) as exc:
        load_rasa_nlu("x.yml")
    assert str(exc.value) == message


def test_the_old_fixture_still_imports_with_its_entities():
    rows = nlu_data.read_data_file("data/rasa_nlu.yml")
    pay = next(r for r in rows if r.text == "pay Anna 20 euros")
    assert [(e.entity, e.value, e.role) for e in pay.entities] == [("person", "Anna", "receiver"), ("amount", "20 euros", None)]
    checking = next(r for r in rows if r.text == "how much do I have in checking")
    assert [(e.entity, e.value) for e in checking.entities] == [("account_type", "current")]


def test_importing_and_extracting_stays_torch_free():
    import subprocess
    import sys

    code = ("import sys, framework.nlu.rasa_import, framework.slots.money, framework.slots.dates, "
            "framework.slots.patterns; print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_domain_examples_keep_their_entities_for_training():
    from framework.spec import load_assistant

    assistant = load_assistant(DATA.parent / "fixtures" / "spec" / "base", environ={})
    (row,) = [r for r in nlu_data.from_assistant(assistant) if r.entities]
    assert (row.text, row.intent) == ("a table for two", "book")
    assert [(e.entity, row.text[e.start:e.end], e.value) for e in row.entities] == [("people", "two", "two")]
