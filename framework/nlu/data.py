"""Training data for the intent classifier: where it comes from and how it is split.

Torch-free. Sources: a compiled domain (`Assistant.intents`), CSV (`text,intent`), JSONL
(`{"text", "intent"}`) and Rasa's `nlu.yml` (framework.nlu.rasa_import: examples keep their
entities, with roles and groups; CSV and JSONL have Rasa's inline markup stripped), and
BIO / BIOES slot files for benchmarks (`read_bio_tokens`, `read_bioes_chars`).
"""
from __future__ import annotations

import csv
import hashlib
import json
import logging
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence


@dataclass(frozen=True)
class AnnotatedEntity:
    """An entity in a training example: `[Berlin]{"entity": "city", "role": "from"}`."""
    entity: str
    value: str  # the annotated value, synonyms applied ("checking" -> "current")
    start: int  # character offsets into LabelledText.text
    end: int
    role: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class LabelledText:
    text: str
    intent: str
    entities: tuple[AnnotatedEntity, ...] = ()
    # True where every entity in the text is known to be annotated (BIO / BIOES benchmark
    # files): the text then teaches the entity head even with no entity ("all O").
    # Otherwise framework.nlu.joint.entity_targets decides (see there).
    tagged: bool = False


_log = logging.getLogger(__name__)


class DataFormatError(ValueError):
    """A data file that cannot be read; the message names the file and what was expected."""


# [text](entity) / [text](entity:value) / [text]{"entity": ...} / [text][{...}, {...}]
_ENTITY_MARKUP = re.compile(r"\[([^\[\]]+)\](?:\([^()]*\)|\{[^{}]*\}|\[\s*\{.*?\}\s*\])")


def strip_entity_markup(text: str) -> str:
    """`我叫[张三](name)` -> `我叫张三`."""
    return _ENTITY_MARKUP.sub(lambda m: m.group(1), text).strip()


def intent_fingerprint(intents: Iterable[str]) -> str:
    """sha256 of the sorted intent names joined by newlines (as `Assistant.intent_fingerprint`)."""
    return hashlib.sha256("\n".join(sorted(set(intents))).encode("utf-8")).hexdigest()


def from_assistant(assistant) -> list[LabelledText]:
    """The domain's examples, with their annotated entities (`我叫[张三](name)`)."""
    return [LabelledText(ex.text, name, tuple(AnnotatedEntity(e.entity, e.value, e.start, e.end,
                                                              getattr(e, "role", None), getattr(e, "group", None))
                                              for e in ex.entities))
            for name, intent in assistant.intents.items() for ex in intent.examples]


def read_data_file(path: str | Path) -> list[LabelledText]:
    """Read CSV, JSONL / JSON or Rasa YAML by the file's extension."""
    path = Path(path)
    if not path.exists():
        raise DataFormatError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".jsonl", ".json"):
        return _read_jsonl(path)
    if suffix in (".yml", ".yaml"):
        return read_rasa_nlu(path)
    raise DataFormatError(f"{path}: unknown data format '{suffix}'; expected .csv (text,intent), .jsonl or Rasa .yml")


def _read_csv(path: Path) -> list[LabelledText]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames or []
        label_col = next((c for c in ("intent", "label", "category") if c in fields), None)
        if "text" not in fields or label_col is None:
            raise DataFormatError(f"{path}: expected a CSV header 'text,intent', found {','.join(fields) or 'none'}")
        return [LabelledText(strip_entity_markup(r["text"]), r[label_col].strip())
                for r in reader if (r.get("text") or "").strip()]


def _read_jsonl(path: Path) -> list[LabelledText]:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json" and text.lstrip().startswith("["):
        records = json.loads(text)
    else:
        records = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise DataFormatError(f"{path}:{n}: invalid JSON ({e.msg})") from None
    out = []
    for n, r in enumerate(records, 1):
        if not isinstance(r, dict) or "text" not in r or "intent" not in r:
            raise DataFormatError(f'{path}: record {n}: expected {{"text": ..., "intent": ...}}, found {r!r:.80}')
        out.append(LabelledText(strip_entity_markup(str(r["text"])), str(r["intent"])))
    return out


def read_rasa_nlu(path: str | Path) -> list[LabelledText]:
    """Rasa 2/3 `nlu.yml`: the examples, with their entities; every line the importer does
    not understand is logged as a warning with its line number (see rasa_import)."""
    from framework.nlu.rasa_import import load_rasa_nlu

    data = load_rasa_nlu(path)
    for problem in data.warnings:
        _log.warning("%s", problem)
    return data.examples


def read_oos_file(path: str | Path) -> list[str]:
    """Out-of-scope messages for the threshold (`dialog train --oos-data`): a .txt file
    with one message per line, or any data file above (its intents are ignored)."""
    path = Path(path)
    if path.suffix.lower() in (".csv", ".jsonl", ".json", ".yml", ".yaml"):
        return [d.text for d in read_data_file(path)]
    if not path.exists():
        raise DataFormatError(f"{path}: no such file")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def dedupe(data: Sequence[LabelledText]) -> list[LabelledText]:
    seen, out = set(), []
    for d in data:
        if (d.text, d.intent) not in seen:
            seen.add((d.text, d.intent))
            out.append(d)
    return out


def stratified_split(data: Sequence[LabelledText], fraction: float, seed: int,
                     max_size: int = 2000) -> tuple[list[LabelledText], list[LabelledText]]:
    """Hold out about `fraction` of every intent (at least one where an intent has 3 or
    more examples, none where it has fewer: those need every example to be learnt at all)."""
    by_intent: dict[str, list[LabelledText]] = defaultdict(list)
    for d in data:
        by_intent[d.intent].append(d)
    fraction = min(fraction, max_size / max(len(data), 1))
    rng = random.Random(seed)
    train, valid = [], []
    for intent in sorted(by_intent):
        items = by_intent[intent][:]
        rng.shuffle(items)
        k = 0 if len(items) < 3 else max(1, round(len(items) * fraction))
        valid += items[:k]
        train += items[k:]
    rng.shuffle(train)
    return train, valid


def class_counts(data: Sequence[LabelledText]) -> Counter:
    return Counter(d.intent for d in data)


def spans_from_tags(tokens: Sequence[str], tags: Sequence[str], sep: str) -> tuple[str, tuple[AnnotatedEntity, ...]]:
    """Tokens joined by `sep` and their BIO or BIOES tags -> (text, entities with character
    offsets). `B-`/`S-` open an entity, `I-`/`E-` continue one of the same label (an `I-`
    after another label opens one, as conlleval reads it), `O` closes."""
    text, entities, current, pos = [], [], None, 0

    def close():
        nonlocal current
        if current is not None:
            start, end, label = current
            entities.append(AnnotatedEntity(label, "".join(text)[start:end], start, end))
        current = None

    for i, (token, tag) in enumerate(zip(tokens, tags)):
        if i:
            text.append(sep)
            pos += len(sep)
        prefix, _, label = tag.partition("-")
        if tag == "O" or not label:
            close()
        elif prefix in ("I", "E") and current is not None and current[2] == label:
            current[1] = pos + len(token)
        else:
            close()
            current = [pos, pos + len(token), label]
        text.append(token)
        pos += len(token)
        if prefix in ("E", "S"):
            close()
    close()
    return "".join(text), tuple(entities)


def read_bio_tokens(seq_in: str | Path, seq_out: str | Path, labels: str | Path) -> list[LabelledText]:
    """SNIPS / ATIS style: `seq.in` space-separated tokens per line, `seq.out` their BIO
    tags, `label` the intent per line."""
    lines = [Path(p).read_text(encoding="utf-8").splitlines() for p in (seq_in, seq_out, labels)]
    if not len(lines[0]) == len(lines[1]) == len(lines[2]):
        raise DataFormatError(f"{seq_in}: {len(lines[0])} lines, {seq_out}: {len(lines[1])}, {labels}: "
                              f"{len(lines[2])}; expected one line per utterance in each")
    out = []
    for n, (words, tags, intent) in enumerate(zip(*lines), 1):
        words, tags = words.split(), tags.split()
        if len(words) != len(tags):
            raise DataFormatError(f"{seq_out}:{n}: {len(tags)} tags for {len(words)} tokens of {seq_in}:{n}")
        text, entities = spans_from_tags(words, tags, " ")
        out.append(LabelledText(text, intent.strip(), entities, tagged=True))
    return out


def read_bioes_chars(path: str | Path, intents: str | Path) -> list[LabelledText]:
    """CAIS / CoNLL style: one `character tag` per line, blank lines between utterances
    (BIO or BIOES tags); `intents` the intent per utterance. Characters are joined with no
    separator (Chinese)."""
    utterances, chars, tags = [], [], []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split()
        if not parts:
            if chars:
                utterances.append((chars, tags))
                chars, tags = [], []
            continue
        if len(parts) == 1:  # a space character: only the tag is left after split()
            parts = [" ", parts[0]]
        chars.append(parts[0])
        tags.append(parts[-1])
    if chars:
        utterances.append((chars, tags))
    labels = [l.strip() for l in Path(intents).read_text(encoding="utf-8").splitlines() if l.strip()]
    if len(labels) != len(utterances):
        raise DataFormatError(f"{path}: {len(utterances)} utterances but {intents} has {len(labels)} intents")
    out = []
    for (chars, tags), intent in zip(utterances, labels):
        text, entities = spans_from_tags(chars, tags, "")
        out.append(LabelledText(text, intent, entities, tagged=True))
    return out
