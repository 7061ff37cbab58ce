"""YAML -> plain Python data, keeping `file:line:column` for every node.

PyYAML's `compose` gives nodes with start marks; we walk them ourselves instead of calling
`yaml.safe_load`, which throws positions away (Rasa needed ~100 lines of guesswork to get
them back). Every value's position is kept in `Document.marks` under its path, and every
mapping key's in `Document.key_marks`, so any later check can point at the exact spot.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from framework.spec.errors import SpecError

Path = tuple  # of str (mapping keys) and int (list indices)

_MAX_DEPTH = 50  # no domain nests this deep; deeper input would exhaust Python's stack
_MAX_NODES = 200_000  # an alias bomb expands to millions of nodes; refuse it politely
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class Mark:
    file: str
    line: int  # 1-based
    column: int  # 1-based
    style: str | None = None  # scalar style: None (plain), "'", '"', "|", ">"

    def inside(self, offset: int) -> "Mark":
        """The position of character `offset` of a single-line scalar's text."""
        if self.style in ("|", ">"):
            return self  # block scalars start on the next line; the key is close enough
        quote = 1 if self.style in ("'", '"') else 0
        return replace(self, column=self.column + quote + offset)


@dataclass
class Document:
    """One YAML file as plain data plus the position of every node in it."""
    file: str
    data: Any
    marks: dict[Path, Mark] = field(default_factory=dict)
    key_marks: dict[Path, Mark] = field(default_factory=dict)

    def mark(self, path: Path, key: bool = False) -> Mark:
        return find_mark(self.marks, self.key_marks, path, key, self.file)


def find_mark(marks: dict, key_marks: dict, path: Path, key: bool, file: str) -> Mark:
    """The mark of `path` (its key's mark when `key`), or of its nearest known ancestor."""
    path = tuple(path)
    if key and path in key_marks:
        return key_marks[path]
    while path:
        if path in marks:
            return marks[path]
        path = path[:-1]
    return marks.get((), Mark(file, 1, 1))


def format_path(path: Path) -> str:
    """`flows.open_account.states.ask_id.collect`, `intents.greet.examples[2]`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.fullmatch(r"[^\s.\[\]\"']+", str(part)):
            text += f".{part}" if text else str(part)
        else:
            text += f'["{part}"]'
    return text


class _Walker:
    """Builds plain data from a composed node tree, recording marks and problems."""

    def __init__(self, file: str, doc: Document, errors: list[SpecError]):
        self.file = file
        self.doc = doc
        self.errors = errors
        self.constructor = SafeConstructor()
        self.active: set[int] = set()  # nodes on the current path: a repeat is a recursive alias
        self.merged: dict[int, int] = {}  # mapping node -> how many leading pairs came from `<<`
        self.count = 0

    def mark(self, node, style: str | None = None) -> Mark:
        m = node.start_mark
        return Mark(self.file, m.line + 1, m.column + 1, style)

    def error(self, code: str, node, path: Path, message: str, **kw) -> None:
        m = self.mark(node)
        self.errors.append(SpecError(self.file, m.line, m.column, code, format_path(path), message, **kw))

    def walk(self, node, path: Path) -> Any:
        self.count += 1
        if self.count > _MAX_NODES:
            if self.count == _MAX_NODES + 1:
                self.error("E005", node, path, "the document expands to too many nodes",
                           expected=f"at most {_MAX_NODES} values", found="more (an alias bomb?)")
            return None
        style = (node.style or None) if isinstance(node, ScalarNode) else None  # libyaml says ''
        if len(path) > _MAX_DEPTH:
            self.doc.marks[path] = self.mark(node, style)
            self.error("E005", node, path, "values nested too deeply",
                       expected=f"at most {_MAX_DEPTH} levels", found="more")
            return None

        self.doc.marks[path] = self.mark(node, style)
        if id(node) in self.active:
            self.error("E005", node, path, "recursive alias", expected="a value", found="an alias to itself")
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.walk(item, path + (i,)) for i, item in enumerate(node.value)]
            return self.mapping(node, path)
        finally:
            self.active.discard(id(node))

    def scalar(self, node: ScalarNode, path: Path) -> Any:
        if node.tag == _TIMESTAMP:
            return node.value  # dates stay text; slot types parse them
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self.error("E005", node, path, f"cannot read this value: {getattr(exc, 'problem', exc)}",
                       expected="a plain YAML value", found=f"tag {node.tag}")
            return None

    def mapping(self, node: MappingNode, path: Path) -> dict:
        if id(node) not in self.merged:
            own = sum(1 for k, _ in node.value if k.tag != _MERGE)
            try:
                self.constructor.flatten_mapping(node)  # resolves `<<: *anchor` merge keys, in place
            except yaml.YAMLError as exc:
                self.error("E005", node, path, f"invalid merge key: {getattr(exc, 'problem', exc)}")
                return {}
            self.merged[id(node)] = len(node.value) - own
        merged = self.merged[id(node)]
        result: dict[str, Any] = {}
        first_seen: dict[str, Any] = {}
        # Merged-in pairs come first; a key written here overrides them, which is no duplicate.
        own_keys = {k.value for k, _ in node.value[merged:] if isinstance(k, ScalarNode)}
        for key_node, value_node in node.value[:merged]:  # PyYAML orders them so the last wins
            if isinstance(key_node, ScalarNode) and key_node.value not in own_keys:
                result[key_node.value] = self.walk(value_node, path + (key_node.value,))
        for key_node, value_node in node.value[merged:]:
            if not isinstance(key_node, ScalarNode):
                self.error("E005", key_node, path, "a key must be a plain name",
                           expected="a name", found="a list or mapping used as a key")
                continue
            # The key's raw text: `yes:` stays "yes" and `50:` stays "50" (YAML 1.1 would make
            # them a boolean and a number, and an intent called "yes" would silently vanish).
            key = key_node.value
            if key in first_seen:
                first = first_seen[key].start_mark
                self.error("E002", key_node, path + (key,), f"duplicate key '{key}'",
                           expected="each key once in a mapping",
                           found=f"'{key}' again (first at line {first.line + 1})")
                continue
            first_seen[key] = key_node
            self.doc.key_marks[path + (key,)] = self.mark(key_node)
            result[key] = self.walk(value_node, path + (key,))
        return result


_FAILED = object()


def _nesting_bound(text: str) -> int:
    """An upper bound of how deeply `text` nests: brackets, or indentation and '- ' prefixes."""
    depth = deepest = 0
    for match in re.finditer(r"[\[\]{}]", text):
        depth = depth + 1 if match.group() in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    indent = max((len(line) - len(line.lstrip(" -")) for line in text.splitlines()), default=0)
    return max(deepest, indent)


def _compose_fast(text: str):
    """Compose with libyaml when it is there (10x faster); _FAILED on any problem."""
    loader_class = getattr(yaml, "CSafeLoader", None)
    if loader_class is None or _nesting_bound(text) > 2 * _MAX_DEPTH:
        return _FAILED  # libyaml recurses in C and crashes on absurd nesting; Python raises instead
    loader = None
    try:
        loader = loader_class(text)
        return loader.get_single_node()
    except yaml.YAMLError:
        return _FAILED
    finally:
        if loader is not None:
            loader.dispose()


def parse_yaml(text: str, file: str) -> tuple[Document, list[SpecError]]:
    """Parse one YAML file. Returns the document (data None when unreadable) and its problems."""
    doc = Document(file, None)
    errors: list[SpecError] = []
    loader = None
    try:
        node = _compose_fast(text)
        if node is _FAILED:  # parse again in pure Python: its error messages are the ones we translate
            loader = yaml.SafeLoader(text)
            node = loader.get_single_node()
    except yaml.composer.ComposerError as exc:
        if "single document" in str(exc):
            m = exc.problem_mark
            return doc, [SpecError(file, m.line + 1, m.column + 1, "E005", "", "more than one YAML document",
                                   expected="one document per file", found="a second document ('---')")]
        return doc, [yaml_error(exc, file, text)]
    except yaml.YAMLError as exc:
        return doc, [yaml_error(exc, file, text)]
    except RecursionError:  # PyYAML composes recursively
        return doc, [SpecError(file, 1, 1, "E005", "", "values nested too deeply",
                               expected=f"at most {_MAX_DEPTH} levels", found="far more")]
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        doc.data = {}
        doc.marks[()] = Mark(file, 1, 1)
        return doc, errors
    doc.data = _Walker(file, doc, errors).walk(node, ())
    return doc, errors


# --------------------------------------------------------------------------- syntax errors

_TOKEN_NAMES = {
    "<block end>": "the end of the block (is the indentation right?)",
    "<block mapping start>": "a new indented mapping",
    "<block sequence start>": "a new indented list",
    "<stream end>": "end of file",
    "<document end>": "end of document",
    "<block entry>": "a list item '-'",
    "<scalar>": "a value",
    "<flow mapping start>": "'{'",
    "<flow sequence start>": "'['",
    "<key>": "a key",
    "<value>": "':'",
}


def _token(text: str) -> str:
    text = text.strip()
    return _TOKEN_NAMES.get(text.strip("'"), text)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    if line >= len(lines):
        return "end of file"
    row = lines[line]
    if column >= len(row):
        return "end of line"
    ch = row[column]
    return "a tab character" if ch == "\t" else f"'{ch}'"


def yaml_error(exc: yaml.YAMLError, file: str, text: str) -> SpecError:
    """A PyYAML exception as an E001 problem with a position, an expectation and a finding."""
    if isinstance(exc, yaml.reader.ReaderError):
        before = text[:exc.position]
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        return SpecError(file, line, column, "E001", "", "character not allowed in YAML",
                         expected="printable text", found=f"the control character U+{exc.character:04X}")
    problem = str(getattr(exc, "problem", None) or exc)
    context = getattr(exc, "context", None) or ""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line, mark.column) if mark else (0, 0)
    expected, found = "", _char_at(text, line, column)
    message = f"YAML syntax error: {problem}"
    if "cannot start any token" in problem and "'\\t'" in problem:
        message, expected, found = "YAML syntax error: tab character", "spaces (YAML does not allow tabs for indentation)", "a tab character"
    elif "unexpected end of stream" in problem and getattr(exc, "context_mark", None):
        cm = exc.context_mark
        return SpecError(file, cm.line + 1, cm.column + 1, "E001", "",
                         f"YAML syntax error: unterminated value ({context})",
                         expected="a closing quote or bracket", found="end of file")
    elif match := re.match(r"expected (.*), but (?:found|got) (.*)", problem):
        expected, found = _token(match.group(1)), _token(match.group(2))
        message = f"YAML syntax error {context}" if context else "YAML syntax error"
    elif "mapping values are not allowed" in problem:
        message = "YAML syntax error: ': ' inside a plain value"
        expected = "a value without ': ', or the value in quotes"
    elif "could not find expected ':'" in problem:
        message = "YAML syntax error: a key without ':'"
        expected = "'key: value'"
    elif context:
        message += f" ({context})"
    return SpecError(file, line + 1, column + 1, "E001", "", message, expected=expected, found=found)
