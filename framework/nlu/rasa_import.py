"""Rasa's `nlu.yml`, all of it: examples with their entities (roles, groups, values),
synonyms, regexes, lookup tables and retrieval intents (`faq/ask_name`). Torch-free.

Nothing is dropped without a word. What the importer cannot use is refused with an error
naming `file:line` (invalid YAML, a broken entity annotation, a regex Python cannot compile),
all errors of a file together; a line or key it does not understand is a warning with its
line number (an example without its `- ` bullet, a `stories:` section), and the rest is read.

How the parts are used (`RasaData`):
- examples carry their entity spans (`AnnotatedEntity`, with role and group) for training;
- synonyms normalise entity values: the annotated ones at import ("checking" -> "current")
  and extracted ones at runtime (`EntityPatterns.extract`);
- regexes and lookup tables become an `EntityPatterns` extractor whose entities fill the
  slots with that entity name, as the domain's own extractors do;
- a retrieval intent `faq/ask_name` stays one label per sub-intent (each has its own
  answer), and `retrieval_intents` lists them by their base intent.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from framework.nlu.data import AnnotatedEntity, DataFormatError, LabelledText

_BLOCK_KEYS = ("intent", "synonym", "regex", "lookup")
_EXAMPLE_KEYS = {"intent": ("examples", "metadata"), "synonym": ("examples",), "regex": ("examples",),
                 "lookup": ("examples",)}
_ENTITY_KEYS = ("entity", "value", "role", "group")
_NAME_RE = re.compile(r"[^\s\[\](){}]+")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class RasaData:
    examples: list[LabelledText] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)  # lower-cased variant -> value
    regexes: dict[str, list[str]] = field(default_factory=dict)  # entity -> patterns
    lookups: dict[str, list[str]] = field(default_factory=dict)  # entity -> values
    retrieval_intents: dict[str, list[str]] = field(default_factory=dict)  # faq -> [faq/ask_name, ...]
    warnings: list[Problem] = field(default_factory=list)

    def patterns(self):
        """The regexes and lookup tables as an extractor (framework.slots.patterns)."""
        from framework.slots.patterns import EntityPatterns

        return EntityPatterns.build(self.regexes, self.lookups, self.synonyms)


class _Reader:
    def __init__(self, path: Path):
        self.path = path
        self.file = str(path)
        self.data = RasaData()
        self.errors: list[Problem] = []

    def warn(self, line: int, message: str) -> None:
        self.data.warnings.append(Problem(self.file, line, message))

    def error(self, line: int, message: str) -> None:
        self.errors.append(Problem(self.file, line, message))

    # ------------------------------------------------------------------ the file

    def read(self) -> RasaData:
        try:
            root = yaml.compose(self.path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise DataFormatError(f"{self.file}:{mark.line + 1 if mark else 1}: invalid YAML: {exc.problem}") from None
        if not isinstance(root, MappingNode):
            raise DataFormatError(f"{self.file}:1: expected a Rasa NLU file with a top-level 'nlu:' list")
        sections = {key.value: (key, value) for key, value in root.value if isinstance(key, ScalarNode)}
        for name, (key, _) in sections.items():
            if name not in ("version", "nlu"):
                self.warn(_line(key), f"'{name}:' is not NLU data (version, nlu); this section was not read")
        if "nlu" not in sections or not isinstance(sections["nlu"][1], SequenceNode):
            where = _line(sections["nlu"][1]) if "nlu" in sections else 1
            raise DataFormatError(f"{self.file}:{where}: expected a top-level 'nlu:' list of intent, synonym, "
                                  "regex and lookup blocks")
        for block in sections["nlu"][1].value:
            self.block(block)
        if self.errors:
            raise DataFormatError("\n".join(str(e) for e in self.errors))
        self.apply_synonyms()
        self.data.warnings.sort(key=lambda p: p.line)
        return self.data

    def block(self, node: Node) -> None:
        if not isinstance(node, MappingNode):
            self.warn(_line(node), "expected a block such as '- intent: name' with 'examples: |'; "
                                   f"found {_describe(node)}; it was not read")
            return
        keys = {k.value: (k, v) for k, v in node.value if isinstance(k, ScalarNode)}
        kinds = [k for k in _BLOCK_KEYS if k in keys]
        if len(kinds) != 1:
            found = ", ".join(f"'{k}'" for k in keys) or "nothing"
            self.warn(_line(node), f"a block needs exactly one of 'intent', 'synonym', 'regex' or 'lookup'; "
                                   f"found {found}; it was not read")
            return
        kind = kinds[0]
        name_node = keys[kind][1]
        name = str(name_node.value).strip() if isinstance(name_node, ScalarNode) else ""
        if not name:
            self.error(_line(name_node), f"'{kind}:' needs a name")
            return
        for key, (key_node, _) in keys.items():
            if key != kind and key not in _EXAMPLE_KEYS[kind]:
                self.warn(_line(key_node), f"unknown key '{key}' in the {kind} block '{name}'; it was ignored")
        if "examples" not in keys:
            self.warn(_line(node), f"the {kind} block '{name}' has no 'examples:'; it was not read")
            return
        items = self.items(keys["examples"][1], f"{kind} '{name}'")
        if not items:
            self.warn(_line(keys["examples"][1]), f"the {kind} block '{name}' has no examples")
            return
        if kind == "intent":
            self.intent(name, items)
        elif kind == "synonym":
            for line, text in items:
                self.data.synonyms[text.lower()] = name
        elif kind == "regex":
            for line, pattern in items:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    self.error(line, f"invalid regular expression in regex '{name}': {exc.msg} in {pattern!r}")
                    continue
                self.data.regexes.setdefault(name, []).append(pattern)
        else:
            self.data.lookups.setdefault(name, []).extend(text for _, text in items)

    def items(self, node: Node, owner: str) -> list[tuple[int, str]]:
        """(line, text) of each example: a `|` block of `- ` lines, or a list of strings or of
        `{text: ...}` mappings (the long form)."""
        if isinstance(node, SequenceNode):
            out = []
            for item in node.value:
                if isinstance(item, MappingNode):
                    fields = {k.value: v for k, v in item.value if isinstance(k, ScalarNode)}
                    text = fields.get("text")
                    for key in fields:
                        if key not in ("text", "metadata"):
                            self.warn(_line(item), f"unknown key '{key}' in an example of {owner}; it was ignored")
                    if isinstance(text, ScalarNode) and str(text.value).strip():
                        out.append((_line(text) + (1 if text.style in ("|", ">") else 0), str(text.value).strip()))
                    else:
                        self.warn(_line(item), f"an example of {owner} has no 'text:'; it was not read")
                elif isinstance(item, ScalarNode) and str(item.value).strip():
                    out.append((_line(item), str(item.value).strip()))
                else:
                    self.warn(_line(item), f"expected an example of {owner}; found {_describe(item)}")
            return out
        if not isinstance(node, ScalarNode):
            self.warn(_line(node), f"expected the examples of {owner} as a '|' block of '- ' lines; "
                                   f"found {_describe(node)}")
            return []
        # A `|` block starts on the line after the indicator, and keeps its lines as they are;
        # any other style (a folded '>' or a quoted string) is read line by line from its start.
        first = _line(node) + (1 if node.style in ("|", ">") else 0)
        out = []
        for offset, raw in enumerate(str(node.value).splitlines()):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("- ") or line == "-":
                text = line[1:].strip()
                if text:
                    out.append((first + offset, text))
                else:
                    self.warn(first + offset, f"an empty example of {owner}; it was not read")
            else:
                self.warn(first + offset, f"'{_short(line)}' is not an example of {owner}: examples are "
                                          f"written '- {_short(line)}'; this line was not read")
        return out

    # ------------------------------------------------------------------ examples and entities

    def intent(self, name: str, items: list[tuple[int, str]]) -> None:
        base, slash, _ = name.partition("/")
        if slash:
            if name not in self.data.retrieval_intents.setdefault(base, []):
                self.data.retrieval_intents[base].append(name)
        for line, raw in items:
            parsed = self.annotated(raw, line)
            if parsed is not None:
                self.data.examples.append(LabelledText(parsed[0], name, parsed[1]))

    def annotated(self, raw: str, line: int) -> tuple[str, tuple[AnnotatedEntity, ...]] | None:
        """The example's text without markup and its entities; None (with an error) when an
        annotation cannot be read."""
        out, entities, i, length = [], [], 0, 0
        while i < len(raw):
            close = raw.find("]", i + 1) if raw[i] == "[" else -1
            if close < 0 or "[" in raw[i + 1:close] or raw[close + 1:close + 2] not in ("(", "{", "["):
                out.append(raw[i])
                length += 1
                i += 1
                continue
            text = raw[i + 1:close]
            labels, end, problem = self.labels(raw, close + 1)
            if problem:
                self.error(line, f"{problem} in the annotation '{_short(raw[i:end], 60)}'")
                return None
            for label in labels:
                value = label.get("value")
                entities.append(AnnotatedEntity(label["entity"], str(value) if value is not None else text,
                                                length, length + len(text), _opt(label.get("role")),
                                                _opt(label.get("group"))))
                if value is not None and str(value) != text:
                    self.data.synonyms.setdefault(text.lower(), str(value))  # as Rasa does
            out.append(text)
            length += len(text)
            i = end
        return "".join(out).strip(), tuple(entities)

    def labels(self, raw: str, pos: int) -> tuple[list[dict], int, str]:
        """`(entity)`, `(entity:value)`, `{json}`, `(entity){json}` or `[{json}, ...]` at pos."""
        opener = raw[pos]
        if opener == "(":
            close = raw.find(")", pos)
            if close < 0:
                return [], len(raw), "unclosed '('"
            entity, colon, value = raw[pos + 1:close].partition(":")
            label = {"entity": entity.strip()}
            if colon:
                label["value"] = value.strip()
            end = close + 1
            if raw[end:end + 1] == "{":
                extra, end, problem = self.json_label(raw, end, many=False)
                if problem:
                    return [], end, problem
                label.update(extra[0])
            labels = [label]
        else:
            labels, end, problem = self.json_label(raw, pos, many=opener == "[")
            if problem:
                return [], end, problem
        for label in labels:
            unknown = [k for k in label if k not in _ENTITY_KEYS]
            if unknown:
                return [], end, f"unknown key '{unknown[0]}' (expected {', '.join(_ENTITY_KEYS)})"
            if not isinstance(label.get("entity"), str) or not _NAME_RE.fullmatch(label["entity"]):
                return [], end, "an entity needs a name (\"entity\": \"city\")"
        return labels, end, ""

    def json_label(self, raw: str, pos: int, many: bool) -> tuple[list[dict], int, str]:
        try:
            data, end = json.JSONDecoder().raw_decode(raw, pos)
        except json.JSONDecodeError as exc:
            return [], len(raw), f"invalid JSON ({exc.msg})"
        data = data if many else [data]
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data) or not data:
            return [], end, "expected {\"entity\": ...} or a list of them"
        return data, end, ""

    def apply_synonyms(self) -> None:
        """Annotated values that are a synonym's variant take its value ("checking" -> "current")."""
        synonyms = self.data.synonyms
        if not synonyms:
            return
        self.data.examples = [
            LabelledText(ex.text, ex.intent, tuple(
                AnnotatedEntity(e.entity, synonyms.get(e.value.lower(), e.value), e.start, e.end, e.role, e.group)
                for e in ex.entities))
            for ex in self.data.examples]


def _opt(value) -> str | None:
    return None if value is None else str(value)


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _describe(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return f"'{_short(str(node.value))}'"
    return "a list" if isinstance(node, SequenceNode) else "a mapping"


def load_rasa_nlu(path: str | Path) -> RasaData:
    """Everything in a Rasa `nlu.yml`; raises DataFormatError listing every error."""
    path = Path(path)
    if not path.exists():
        raise DataFormatError(f"{path}: no such file")
    return _Reader(path).read()
