"""Compilation details: defaults, fingerprints, annotations, environment, one-file domains."""
import textwrap
from pathlib import Path

import pytest

from framework.compile import machine as m
from framework.compile.compiler import examples_fingerprint, intent_fingerprint
from framework.spec import SpecErrors, load_assistant
from framework.spec.annotation import parse_example
from framework.spec.environment import expand

BASE = Path(__file__).resolve().parent / "fixtures" / "spec" / "base"


def write_domain(tmp_path: Path, domain: str, flows: str | None = None) -> Path:
    (tmp_path / "domain.yml").write_text(textwrap.dedent(domain), encoding="utf-8")
    if flows is not None:
        (tmp_path / "flows").mkdir()
        (tmp_path / "flows" / "main.yml").write_text(textwrap.dedent(flows), encoding="utf-8")
    return tmp_path


def test_defaults():
    a = load_assistant(BASE, environ={})
    assert a.settings == m.Settings()  # fallback_threshold: auto -> None
    assert a.behaviours == m.Behaviours()
    flow = a.flows["book"]
    assert (flow.description, flow.interruptible, flow.start) == ("", True, "ask_people")
    assert flow.states["ask_people"].step == m.Collect("people", "utter_ask_people", None, 3, None, True)
    assert a.slots["people"].entity == "people" and a.slots["people"].pii is False


def test_intent_fingerprint_depends_only_on_names():
    assert intent_fingerprint(["b", "a"]) == intent_fingerprint(["a", "b"])
    assert intent_fingerprint(["a"]) != intent_fingerprint(["a", "b"])
    one = {"a": {"examples": ["x"]}}
    assert examples_fingerprint(one) != examples_fingerprint({"a": {"examples": ["[x](e)"]}})


@pytest.mark.parametrize("raw, text, spans", [
    ("plain", "plain", ()),
    ("我叫[张三](name)", "我叫张三", (m.EntitySpan("name", "张三", 2, 4),)),
    ("[五十元](plan:50)", "五十元", (m.EntitySpan("plan", "50", 0, 3),)),
    ('[五十元](plan){"value": "50"}', "五十元", (m.EntitySpan("plan", "50", 0, 3),)),
    ('to [Paris]{"entity": "city"} and [Rome](city)', "to Paris and Rome",
     (m.EntitySpan("city", "Paris", 3, 8), m.EntitySpan("city", "Rome", 13, 17))),
    ("a [bracket] stays", "a [bracket] stays", ()),
])
def test_annotations(raw, text, spans):
    example, errors = parse_example(raw)
    assert errors == [] and example == m.Example(text, spans)


def test_environment_expansion():
    assert expand("${A}/x", {"A": "h"}) == ("h/x", [])
    assert expand("${A:-d}/x", {}) == ("d/x", [])
    assert expand("k=${B}", {}) == ("k=", [("B", 2)])


def test_flows_may_live_in_a_domain_file(tmp_path):
    """A file in the domain directory whose `flows:` is a mapping holds flows itself."""
    domain = write_domain(tmp_path, """\
        language: en
        intents: {hi: {examples: [hi]}}
        responses: {utter_hi: [{text: Hi}]}
        flows:
          hello:
            trigger: hi
            states: {say_hi: {end: utter_hi}}
        """)
    assert load_assistant(domain).flows["hello"].states["say_hi"].step == m.End("utter_hi")


def test_required_top_level_keys(tmp_path):
    domain = write_domain(tmp_path, "version: '1'\n")
    with pytest.raises(SpecErrors) as err:
        load_assistant(domain)
    assert [e.code for e in err.value.errors] == ["E011", "E011"]
    assert {e.message for e in err.value.errors} == {"the domain has no 'intents'", "the domain has no 'language'"}


def test_quote_hint_for_yaml_booleans(tmp_path):
    domain = write_domain(tmp_path, """\
        language: en
        intents: {hi: {examples: [hi, yes]}}
        """)
    with pytest.raises(SpecErrors) as err:
        load_assistant(domain)
    (e,) = err.value.errors
    assert (e.code, e.path, e.found) == ("E012", "intents.hi.examples[1]", "the boolean true")
    assert "quotes" in e.hint


def test_unreadable_file_does_not_cascade(tmp_path):
    """Names defined in a file with a syntax error must not be reported as undefined elsewhere."""
    domain = write_domain(tmp_path, "language: en\nintents: {hi: {examples: [hi]\n", flows="""\
        flows:
          f: {trigger: hi, states: {s: {end: true}}}
        """)
    (tmp_path / "domain.yml").write_text("language: en\nflows: [flows]\nintents: {hi: {examples: [hi]\n")
    with pytest.raises(SpecErrors) as err:
        load_assistant(domain)
    assert [e.code for e in err.value.errors] == ["E001"]
