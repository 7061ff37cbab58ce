"""Rasa's YAML read with line numbers kept, and the list of what could not be converted.

Every mapping and list read here knows the file and line it came from (`LineDict.line`,
`LineDict.key_line(key)`), so a part the converter cannot use is reported as
`data/stories.yml:14: a checkpoint: ...`, never as a guess."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class LineDict(dict):
    file: str = ""
    line: int = 0
    key_lines: dict

    def key_line(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    file: str = ""
    line: int = 0
    item_lines: list


class _Loader(yaml.SafeLoader):
    file = ""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.file, result.line, result.key_lines = loader.file, node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.file, result.line = loader.file, node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load(path: Path, shown: str) -> Any:
    """The YAML document of `path` with lines; `shown` is the name problems use."""
    stream = io.StringIO(path.read_text(encoding="utf-8"))
    stream.name = shown  # YAML's own errors then name the file
    loader = _Loader(stream)
    loader.file = shown
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def line_of(value: Any, default: int = 0) -> int:
    return getattr(value, "line", default) or default


def file_of(value: Any, default: str = "") -> str:
    return getattr(value, "file", default) or default


@dataclass(frozen=True)
class Unconverted:
    """One thing of the Rasa project that the output does not carry, and why."""
    file: str
    line: int
    what: str
    why: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.what}: {self.why}"


@dataclass
class Report:
    unconverted: list[Unconverted] = field(default_factory=list)

    def skip(self, where: Any, what: str, why: str, line: int | None = None, file: str | None = None) -> None:
        self.unconverted.append(Unconverted(file or file_of(where, "?"), line or line_of(where), what, why))

    def sorted(self) -> list[Unconverted]:
        return sorted(set(self.unconverted), key=lambda u: (u.file, u.line, u.what))
