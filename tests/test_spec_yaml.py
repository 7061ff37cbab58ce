"""Malformed YAML: every syntax problem names file:line:column, what was expected and found."""
import pytest

from framework.spec.loader import format_path, parse_yaml


def problems(text: str) -> list[str]:
    return [e.format() for e in parse_yaml(text, "d.yml")[1]]


@pytest.mark.parametrize("text, expected", [
    ("a: 1\nb:\n\t- x\n",
     "d.yml:3:1: E001 YAML syntax error: tab character. Expected spaces (YAML does not allow tabs for "
     "indentation); found a tab character."),
    ("a: 1\na: 2\n",
     "d.yml:2:1: E002 a: duplicate key 'a'. Expected each key once in a mapping; found 'a' again (first at line 1)."),
    ('a: "abc\n',
     "d.yml:1:4: E001 YAML syntax error: unterminated value (while scanning a quoted scalar). "
     "Expected a closing quote or bracket; found end of file."),
    ("a:\n  b: 1\n c: 2\n",
     "d.yml:3:2: E001 YAML syntax error while parsing a block mapping. Expected the end of the block "
     "(is the indentation right?); found a new indented mapping."),
    ("a: b: c\n",
     "d.yml:1:5: E001 YAML syntax error: ': ' inside a plain value. Expected a value without ': ', "
     "or the value in quotes; found ':'."),
    ("a: [1, 2\n",
     "d.yml:2:1: E001 YAML syntax error while parsing a flow sequence. Expected ',' or ']'; found end of file."),
    ("a: 1\n---\nb: 2\n",
     "d.yml:2:1: E005 more than one YAML document. Expected one document per file; found a second document ('---')."),
    ("a: &x [*x]\n", "d.yml:1:4: E005 a[0]: recursive alias. Expected a value; found an alias to itself."),
    ("a: \x07\n",
     "d.yml:1:4: E001 character not allowed in YAML. Expected printable text; found the control character U+0007."),
])
def test_syntax_errors_have_positions(text, expected):
    assert problems(text) == [expected]


def test_duplicate_keys_deep_inside_are_reported_with_their_path():
    text = "flows:\n  f:\n    states:\n      s: {say: a}\n      s: {say: b}\n"
    assert problems(text) == ["d.yml:5:7: E002 flows.f.states.s: duplicate key 's'. Expected each key once "
                              "in a mapping; found 's' again (first at line 4)."]


def test_marks_are_kept_for_every_node_and_key():
    doc, errors = parse_yaml("intents:\n  办理:\n    examples:\n      - 我想办理\n      - '[a](b)'\n", "d.yml")
    assert not errors
    assert doc.data == {"intents": {"办理": {"examples": ["我想办理", "[a](b)"]}}}
    assert (doc.marks[("intents", "办理", "examples", 1)].line, doc.marks[("intents", "办理", "examples", 1)].column) == (5, 9)
    assert doc.marks[("intents", "办理", "examples", 1)].style == "'"
    assert doc.marks[("intents", "办理", "examples", 1)].inside(1).column == 11  # after the quote
    assert (doc.key_marks[("intents", "办理")].line, doc.key_marks[("intents", "办理")].column) == (2, 3)


def test_keys_stay_text_and_dates_stay_text():
    doc, _ = parse_yaml("yes: 1\n50: x\nd: 2024-05-01\nbase: &b {x: 1}\nmerged: {<<: *b, y: 2}\n", "d.yml")
    assert doc.data == {"yes": 1, "50": "x", "d": "2024-05-01", "base": {"x": 1}, "merged": {"x": 1, "y": 2}}


def test_empty_file_is_an_empty_mapping():
    doc, errors = parse_yaml("# only a comment\n", "d.yml")
    assert doc.data == {} and errors == []


def test_format_path():
    assert format_path(("flows", "open", "states", "ask", "transitions", 0, "if")) == \
        "flows.open.states.ask.transitions[0].if"
    assert format_path(("intents", "a b")) == 'intents["a b"]'


def test_merge_keys_follow_yaml_and_overrides_are_not_duplicates():
    text = "a: &a {x: 1, y: 1}\nb: &b {x: 9, z: 3}\nm: {<<: [*a, *b], y: 2}\n"
    doc, errors = parse_yaml(text, "d.yml")
    assert errors == [] and doc.data["m"] == {"x": 1, "z": 3, "y": 2}


def test_absurd_nesting_is_an_error_not_a_crash():
    for text in ("a: " + "[" * 100000 + "]" * 100000 + "\n", "- " * 100000 + "x\n"):
        assert [e.code for e in parse_yaml(text, "d.yml")[1]] == ["E005"]
