"""Reading a domain: every `*.yml` / `*.yaml` in its directory, then the flow files it lists.

The result is a `SpecTree`: the merged domain mapping, all flows by name, and the marks of
every node of every file, so that checks can report `file:line:column` anywhere.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from framework.spec.errors import SpecError
from framework.spec.loader import Document, Mark, Path, find_mark, format_path, parse_yaml

YAML_SUFFIXES = (".yml", ".yaml")


@dataclass
class SpecTree:
    domain_dir: str
    name: str
    domain: dict[str, Any]
    flows: dict[str, Any]
    domain_docs: list[Document] = field(default_factory=list)
    flow_docs: list[Document] = field(default_factory=list)
    marks: dict[Path, Mark] = field(default_factory=dict)
    key_marks: dict[Path, Mark] = field(default_factory=dict)
    first_file: str = ""
    complete: bool = True  # False when a file could not be read: cross-checks would mislead

    def mark(self, path: Path, key: bool = False) -> Mark:
        return find_mark(self.marks, self.key_marks, path, key, self.first_file)

    def error(self, code: str, path: Path, message: str, *, key: bool = False, offset: int | None = None,
              **kw: str) -> SpecError:
        """A problem at `path` (at its key when `key`; `offset` characters into its text)."""
        m = self.mark(path, key)
        if offset is not None:
            m = m.inside(offset)
        return SpecError(m.file, m.line, m.column, code, format_path(path), message, **kw)


def display_path(path: str | os.PathLike) -> str:
    """A path as a user sees it: relative to the current directory when inside it."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:  # another drive on Windows
        return absolute
    return absolute if relative.startswith("..") else relative


def _yaml_files(directory: FsPath) -> list[FsPath]:
    return sorted(p for p in directory.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file())


def _read(path: FsPath, errors: list[SpecError], tree: SpecTree) -> Document | None:
    doc = _read_file(path, errors)
    if doc is None:
        tree.complete = False
    return doc


def _read_file(path: FsPath, errors: list[SpecError]) -> Document | None:
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        errors.append(SpecError(shown, 1, 1, "E004", "", f"cannot read the file: {exc.strerror}",
                                expected="a readable YAML file"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[:exc.start].decode("utf-8", "replace")
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        errors.append(SpecError(shown, line, column, "E001", "", "the file is not UTF-8 text",
                                expected="UTF-8", found=f"the byte 0x{raw[exc.start]:02X}"))
        return None
    doc, problems = parse_yaml(text, shown)
    errors.extend(problems)
    if doc.data is None and any(p.code in ("E001", "E005") and not p.path for p in problems):
        return None  # unreadable; the syntax error says why
    if not isinstance(doc.data, dict):
        m = doc.mark(())
        errors.append(SpecError(shown, m.line, m.column, "E012", "", "the file must be a mapping of top-level keys",
                                expected="'key: value' lines", found=_kind(doc.data)))
        return None
    return doc


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return "a list" if isinstance(value, list) else f"a single value ({value!r})"


def _split_inline_flows(doc: Document) -> tuple[Document | None, Document | None]:
    """A file in the domain directory whose `flows:` is a mapping holds flows itself
    (handy for a one-file domain); the domain's own `flows:` is a list of paths."""
    if not isinstance(doc.data.get("flows"), dict):
        return doc, None
    flows = Document(doc.file, {"flows": doc.data["flows"]}, doc.marks, doc.key_marks)
    rest = {k: v for k, v in doc.data.items() if k != "flows"}
    return (Document(doc.file, rest, doc.marks, doc.key_marks) if rest else None), flows


def read_domain(domain_dir: str | os.PathLike) -> tuple[SpecTree, list[SpecError]]:
    directory = FsPath(domain_dir)
    errors: list[SpecError] = []
    tree = SpecTree(display_path(directory), directory.resolve().name, {}, {})
    tree.first_file = display_path(directory / "domain.yml")
    if not directory.is_dir():
        errors.append(SpecError(tree.domain_dir, 1, 1, "E004", "", "no such domain directory",
                                expected="a directory holding domain.yml", found="nothing"))
        tree.complete = False
        return tree, errors
    files = _yaml_files(directory)
    if not files:
        tree.complete = False
        errors.append(SpecError(tree.domain_dir, 1, 1, "E004", "", "the domain directory has no YAML files",
                                expected="domain.yml", found="no *.yml or *.yaml file"))
        return tree, errors
    tree.first_file = display_path(files[0])

    owner: dict[str, Document] = {}  # top-level key -> the file that defines it
    for path in files:
        doc = _read(path, errors, tree)
        if doc is None:
            continue
        domain_doc, flow_doc = _split_inline_flows(doc)
        if flow_doc is not None:
            tree.flow_docs.append(flow_doc)
        if domain_doc is None:
            continue
        tree.domain_docs.append(domain_doc)
        for key, value in domain_doc.data.items():
            if key in owner:
                first = owner[key].mark((key,), key=True)
                m = domain_doc.mark((key,), key=True)
                errors.append(SpecError(m.file, m.line, m.column, "E003", key,
                                        f"'{key}' is defined in two files of the domain",
                                        expected="each top-level key in one file",
                                        found=f"'{key}' also at {first.file}:{first.line}"))
                continue
            owner[key] = domain_doc
            tree.domain[key] = value
            tree.marks.update({p: m for p, m in domain_doc.marks.items() if p[:1] == (key,)})
            tree.key_marks.update({p: m for p, m in domain_doc.key_marks.items() if p[:1] == (key,)})

    # A file already read as part of the domain (`flows: [.]`, say) is not read again.
    seen = {os.path.abspath(p) for p in files}
    for path in _flow_files(directory, tree, errors):
        if os.path.abspath(path) in seen:
            continue
        seen.add(os.path.abspath(path))
        doc = _read(path, errors, tree)
        if doc is not None:
            tree.flow_docs.append(doc)
    _merge_flows(tree, errors)
    return tree, errors


def _is_test_file(directory: FsPath, path: FsPath) -> bool:
    """Conversation tests (<domain>/tests/*.yml, framework.convtest) are no flows, even under
    `flows: [.]`; the domain's own YAML is read from its top folder only."""
    return (directory / "tests").resolve() in path.resolve().parents


def _flow_files(directory: FsPath, tree: SpecTree, errors: list[SpecError]) -> list[FsPath]:
    listed = tree.domain.get("flows")
    if not isinstance(listed, list):
        return []  # absent, or a type error the schema reports
    result: list[FsPath] = []
    for i, entry in enumerate(listed):
        if not isinstance(entry, str) or not entry:
            continue
        target = directory / entry
        if target.is_dir():
            found = sorted(p for p in target.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file()
                           and not _is_test_file(directory, p))
            if not found:
                errors.append(tree.error("E004", ("flows", i), "the flow directory has no YAML files",
                                         expected="*.yml files", found=f"an empty directory '{entry}'"))
            result += found
        elif target.is_file():
            result.append(target)
        else:
            errors.append(tree.error("E004", ("flows", i), f"flow path '{entry}' does not exist",
                                     expected="a file or directory relative to the domain directory",
                                     found=f"nothing at {display_path(target)}"))
    return result


def _merge_flows(tree: SpecTree, errors: list[SpecError]) -> None:
    first: dict[str, Mark] = {}
    for doc in tree.flow_docs:
        flows = doc.data.get("flows")
        if not isinstance(flows, dict):
            continue  # the schema says what is wrong with the file
        for name, flow in flows.items():
            key_mark = doc.mark(("flows", name), key=True)
            if name in first:
                other = first[name]
                errors.append(SpecError(key_mark.file, key_mark.line, key_mark.column, "E003",
                                        f"flows.{name}", f"flow '{name}' is defined twice",
                                        expected="each flow name once",
                                        found=f"'{name}' also at {other.file}:{other.line}"))
                continue
            first[name] = key_mark
            tree.flows[name] = flow
            prefix = ("flows", name)
            tree.marks.update({p: m for p, m in doc.marks.items() if p[:2] == prefix})
            tree.key_marks.update({p: m for p, m in doc.key_marks.items() if p[:2] == prefix})
