"""The domain's `rasa_nlu:` files: Rasa `nlu.yml` data read into the domain. Torch-free.

    rasa_nlu: data/nlu.yml          # or a list; paths relative to the domain directory

What each part becomes (the file is read by framework.nlu.rasa_import, which refuses what
it cannot read with file:line and warns about lines it skips):
- regexes and lookup tables: an extractor (framework.slots.patterns.EntityPatterns) run on
  every message, its entities filling slots by entity name like the slots' own extractors;
- synonyms: applied to those entities' values and to learnt and context entities' values
  ("NYC" -> "New York") before the slot's type parses them;
- examples: added to the domain's intents of the same name (with their entities, roles and
  groups), so the model trains on them; an intent the domain does not declare is an error,
  as is an entity that fills no slot: nothing in the file is dropped without a word.

The file must not lie in the domain directory itself: every YAML file there is read as a
domain file (its `nlu:` key would be an unknown domain key). `data/` is the usual place.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from framework.compile.machine import EntitySpan, Example
from framework.spec.errors import SpecError
from framework.spec.files import SpecTree, display_path

_PROBLEM_RE = re.compile(r"^(?P<file>.*?):(?P<line>\d+): (?P<message>.*)$")


def nlu_files(tree: SpecTree) -> list[tuple[tuple, Path]]:
    """(YAML path of the entry, file path) of each `rasa_nlu:` entry."""
    value = tree.domain.get("rasa_nlu")
    entries = [(("rasa_nlu",), value)] if isinstance(value, str) else \
        [(("rasa_nlu", i), v) for i, v in enumerate(value)] if isinstance(value, list) else []
    return [(path, Path(tree.domain_dir) / v) for path, v in entries if isinstance(v, str) and v]


def read(tree: SpecTree) -> tuple[list[Any], list[SpecError], list[SpecError]]:
    """(the files' RasaData, errors, warnings)."""
    from framework.nlu.data import DataFormatError
    from framework.nlu.rasa_import import load_rasa_nlu

    datas, errors, warnings = [], [], []
    for path, file in nlu_files(tree):
        if not file.is_file():
            errors.append(tree.error("E064", path, f"cannot read Rasa NLU file '{display_path(file)}'",
                                     expected="a Rasa nlu.yml, relative to the domain directory",
                                     found="no such file"))
            continue
        try:
            data = load_rasa_nlu(display_path(file))
        except DataFormatError as err:
            errors += [_problem(line, tree, path) for line in str(err).splitlines() if line.strip()]
            continue
        datas.append((path, file, data))
        warnings += [SpecError(p.file, p.line, 1, "W002", "", p.message) for p in data.warnings]
    return datas, errors, warnings


def _problem(text: str, tree: SpecTree, path: tuple) -> SpecError:
    m = _PROBLEM_RE.match(text)
    if m is None:
        return tree.error("E064", path, text)
    return SpecError(m["file"], int(m["line"]), 1, "E064", "", m["message"])


def _where(lines: list[str], pattern: str) -> tuple[int, int]:
    """(line, column), 1-based, of the first match of `pattern` in the file; (1, 1) if none."""
    regex = re.compile(pattern)
    for number, line in enumerate(lines, 1):
        m = regex.search(line)
        if m:
            return number, m.start() + 1
    return 1, 1


def check(tree: SpecTree, intents: set[str], slot_entities: dict[str, set[str]]) -> list[SpecError]:
    """The files' errors, and examples that do not fit the domain (unknown intent or entity),
    each at its line of the file (the importer keeps no positions for examples: the first
    line that names it)."""
    datas, errors, _ = read(tree)
    for _, file, data in datas:
        shown = display_path(file)
        lines = file.read_text(encoding="utf-8").splitlines()
        for intent in sorted({ex.intent for ex in data.examples} - intents):
            line, column = _where(lines, rf"intent:\s*['\"]?{re.escape(intent)}\b")
            errors.append(SpecError(shown, line, column, "E064", "", f"intent '{intent}' is not one of the domain's intents",
                                    expected="each intent of the file declared under 'intents:' in the domain "
                                             "(with at least one example there)", found=f"'{intent}'"))
        for entity in sorted({e.entity for ex in data.examples for e in ex.entities} - set(slot_entities)):
            line, column = _where(lines, rf"\(\s*{re.escape(entity)}\b|\"entity\"\s*:\s*\"{re.escape(entity)}\"")
            errors.append(SpecError(shown, line, column, "E064", "", f"entity '{entity}' fills no slot",
                                    expected="the entity of a slot (a slot's name, its 'entity' or its 'mappings')",
                                    found=f"'{entity}'"))
    return errors


def warnings(tree: SpecTree) -> list[SpecError]:
    """Lines and keys of the files that the importer did not read (W002)."""
    return read(tree)[2]


def compiled(tree: SpecTree) -> tuple[Any, dict[str, tuple[Example, ...]], list[str]]:
    """(EntityPatterns or None, examples by intent, the examples' texts for the fingerprint)."""
    from framework.slots.patterns import EntityPatterns

    datas, _, _ = read(tree)
    regexes: dict[str, list[str]] = {}
    lookups: dict[str, list[str]] = {}
    synonyms: dict[str, str] = {}
    examples: dict[str, list[Example]] = {}
    fingerprint: list[str] = []
    for _, _, data in datas:
        for entity, patterns in data.regexes.items():
            regexes.setdefault(entity, []).extend(patterns)
        for entity, values in data.lookups.items():
            lookups.setdefault(entity, []).extend(values)
        synonyms.update(data.synonyms)
        for ex in data.examples:
            spans = tuple(EntitySpan(e.entity, e.value, e.start, e.end, e.role, e.group) for e in ex.entities)
            examples.setdefault(ex.intent, []).append(Example(ex.text, spans))
            fingerprint.append(f"{ex.intent}\t{ex.text}\t{[(s.entity, s.value, s.start, s.role, s.group) for s in spans]}")
    patterns = EntityPatterns.build(regexes, lookups, synonyms) if datas else None
    return patterns, {k: tuple(v) for k, v in examples.items()}, fingerprint
