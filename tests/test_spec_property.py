"""Property: whatever YAML a user writes, loading either succeeds or raises SpecErrors whose
every problem has a file and a line -- never another exception, never a missing position."""
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framework.compile.machine import Assistant
from framework.spec import SpecErrors, load_assistant

VALID = Path(__file__).resolve().parent / "fixtures" / "spec" / "valid"
FILES = sorted(str(p.relative_to(VALID)) for p in VALID.rglob("*.yml"))
JUNK = [":", ": ", "- ", "\t", "{", "}", "[", "]", "'", '"', "&a ", "*a", "*nope", "!!binary x", "!foo ",
        "---\n", "? ", "|", ">", "#", "%YAML 1.1\n", "<<: *a\n", "\x00", "\x07", "é", "办理", "${", "END",
        "\n  - x\n", "\nnext: END\n", "  ", "\n", "slots.", "[x](y", "{z}"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False, width=16),
                    st.sampled_from(["", "END", "utter_done", "name", "slots.amount > 1", "[a](b)", "${X}", "{x}"]),
                    st.text(max_size=8))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(min_size=1, max_size=6), inner, max_size=3)), max_leaves=8)


def check(mutate) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        domain = Path(tmp) / "valid"
        shutil.copytree(VALID, domain)
        mutate(domain)
        try:
            result = load_assistant(domain, environ={})
        except SpecErrors as err:
            assert err.errors
            for e in err.errors:
                assert e.file and e.line >= 1 and e.column >= 1, e
                assert e.code and e.message, e
            assert str(err)
        else:
            assert isinstance(result, Assistant)


def _walk(data, path=()):
    """Every (path, value) of a YAML tree."""
    yield path, data
    children = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in children:
        yield from _walk(value, path + (key,))


@SETTINGS
@given(file=st.sampled_from(FILES), position=st.floats(0, 1), junk=st.sampled_from(JUNK),
       action=st.sampled_from(["insert", "truncate", "delete_line", "duplicate_line", "replace_char"]))
def test_text_mutations_give_positioned_errors(file, position, junk, action):
    def mutate(domain: Path) -> None:
        path = domain / file
        text = path.read_text(encoding="utf-8")
        at = int(position * len(text))
        lines = text.splitlines(keepends=True)
        row = min(int(position * len(lines)), len(lines) - 1)
        if action == "insert":
            text = text[:at] + junk + text[at:]
        elif action == "truncate":
            text = text[:at]
        elif action == "delete_line":
            text = "".join(lines[:row] + lines[row + 1:])
        elif action == "duplicate_line":
            text = "".join(lines[:row + 1] + lines[row:])
        else:
            text = text[:at] + junk[:1] + text[at + 1:]
        path.write_text(text, encoding="utf-8")
    check(mutate)


@SETTINGS
@given(file=st.sampled_from(FILES), pick=st.floats(0, 1), value=values,
       action=st.sampled_from(["delete", "replace", "rename", "add_key"]))
def test_tree_mutations_give_positioned_errors(file, pick, value, action):
    def mutate(domain: Path) -> None:
        path = domain / file
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        nodes = [(p, v) for p, v in _walk(data) if p]
        target, old = nodes[min(int(pick * len(nodes)), len(nodes) - 1)]
        parent = data
        for key in target[:-1]:
            parent = parent[key]
        last = target[-1]
        if action == "delete":
            del parent[last]
        elif action == "replace":
            parent[last] = value
        elif action == "rename":
            parent[last] = old + "x" if isinstance(old, str) else value
        elif isinstance(old, dict):
            old[str(value)[:10] or "k"] = value
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    check(mutate)


@SETTINGS
@given(document=values)
def test_random_yaml_documents_give_positioned_errors(document):
    def mutate(domain: Path) -> None:
        (domain / "domain.yml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    check(mutate)


@SETTINGS
@given(file=st.sampled_from(FILES), position=st.floats(0, 1), junk=st.binary(min_size=1, max_size=6))
def test_binary_junk_gives_positioned_errors(file, position, junk):
    def mutate(domain: Path) -> None:
        path = domain / file
        data = path.read_bytes()
        at = int(position * len(data))
        path.write_bytes(data[:at] + junk + data[at:])
    check(mutate)
