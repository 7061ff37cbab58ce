"""Context templates: free-text values ("我叫[张三](name)", "my name is [John Smith](name)")
found by the words around them, learned from the domain's annotated examples. Pure.

A text slot has no shape a pattern could find, but the examples say how people introduce
it: every annotated span gives a template, the literal text on its left and on its right
within the same clause, normalised (edge punctuation and whitespace stripped, Latin text
lower-cased). At runtime a clause that matches a template yields the span between them.

Two uses, with different caution:

- `context_entities` runs on every message (through `extract_entities`), so a wrong guess
  would silently fill a slot the user never meant to give ("I'm looking for my balance"
  is not a name). It uses only templates with at least two characters of context and
  refuses spans longer than the annotated values or made of the domain's everyday words.
- `collect_text` reads the answer to the slot's own question, so it is permissive: every
  template, then common carrier phrases of the language ("我叫", "my name is"), then the
  whole utterance.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Iterator

from framework.compile.machine import Assistant, Slot
from framework.slots.answers import corrected_tail, language_key, yes_no
from framework.slots.mapping import CONTEXT_EXTRACTOR, MODEL_EXTRACTOR
from framework.slots.memo import IdentityMemo
from framework.slots.person_names import (COMPOUND_SURNAMES_ZH, NAME_WORDS, first_name_first, name_after_title,
                                          name_dot, name_word, reordered, surname_first, without_title)
from framework.slots.values import ParseResult, parse_value

# Punctuation that ends a clause: a value never spans it. '.' only ends one before
# whitespace or the end, so "J.R.R." and e-mail addresses survive, and not after a title or an
# initial ("Ms. Hope May", "John A. Smith": framework.slots.person_names.name_dot); a trial of
# session 28 sent money to "Ms".
_CLAUSE_RE = re.compile(r"[，。！？；,!?;\n\r…]+|\.(?=\s|$)")
_CLAUSE_CHARS = "，。！？；,!?;\n\r…"
# Characters stripped from the edges of a context or a captured value.
_EDGE = " \t\u3000:：、\"'“”‘’()（）[]【】《》<>~～-—·."
# Bounded: "4", two thousand spaces and "x" took 51 s in the templates' search (three nested unbounded runs over
# the spaces: session 29, a helper's finding); at most 8 edge characters around a value and 200 in it keep one
# search linear in the text (a value's own edges are trimmed after the match anyway)
_EDGE_CLASS = "[" + re.escape(_EDGE) + "]{0,8}"
_VALUE_MAX = 200
# Trailing particles and punctuation people add to a one-word answer: 张三吧 / John.
_TRAILING = "。！!.,，吧啊呀噻嘛撒咯哟呗啦哈呢哦喔嘞咧"  # "我叫刘德明噻" (Sichuanese particle) stored 刘德明噻 (trial, session 38)
# Carrier phrases stripped before a collected short text value, per language.
CARRIERS = {
    # "不是说了吗 王小明" at the complaint's name question was added to the complaint (customer trial, session 44)
    "zh": ("我的名字是", "我的名字叫做", "我的名字叫", "名字叫做", "名字是", "我叫做", "我叫", "我是说", "我是", "叫我",
           "不是说了吗", "不是说过了吗", "不是告诉你了吗", "刚才说了", "刚才说过了", "我说了", "说过了"),
    "en": ("my name is", "my name's", "this is", "call me", "i am", "i'm", "it's"),
}
# What follows "我是" when it is no introduction but a discourse marker or a verb phrase:
# "我是说查一下余额" (I mean ...), "我是想转人工", "我是来交话费的". A value a template or a carrier
# took from inside a message never starts with one of these (a customer-trial bug: "不对不对，
# 我是说查一下余额" at the name question stored the name "说查一下余额"). "我是说张三" still gives
# 张三: "我是说" is a carrier of its own.
_NOT_A_VALUE_VERBS = "说|想|要|问|来|去|在|不是|觉得|打算|准备|因为|需要|希望"
NOT_A_VALUE_START = {"zh": re.compile(f"(?:{_NOT_A_VALUE_VERBS})")}
# A clause that starts with "I" says something about the speaker, it names no one: "莫名其妙开通了一个视频
# 会员，每个月扣我15元，我从来没订过" at the complainant's name question stored "我从来没订过" (customer
# trial, session 21). A carrier ("我叫张三", "I'm Jane") is taken before this, by its template.
_FIRST_PERSON_START = {"zh": re.compile(r"我"), "en": re.compile(r"i\b", re.IGNORECASE)}
# "我是" + one of those verbs: the message says what the customer means or wants.
_WISH = {"zh": re.compile(f"我是(?:{_NOT_A_VALUE_VERBS})"
                         # who, not what they are called: "我是老客户了", "我是东北的" (stored as the name,
                         # customer trial of session 26), "我是本地人"
                         r"|我是(?:老|新|你们的?|贵公司的?)?(?:客户|用户|会员|顾客|机主)"
                         r"|我是[\u4e00-\u9fff]{1,5}(?:的|人|了)(?:[啊呀吧哦嘛呢]|$|[，,。.!！])"
                         # a kind of person, counted: "我是个退休老师" was stored as the name "个退休老师" (customer trial,
                         # session 40); "我是一名老师", "我是一位老人家"
                         r"|我是(?:一)?(?:个|名|位)")}
# A slot whose answers can be this long is free text (a complaint): never trimmed.
SHORT_TEXT_MAX = 64
_MIN_CONTEXT = 2  # characters of context a template needs to be used on any message
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@dataclass(frozen=True)
class Template:
    entity: str
    prefix: str  # normalised left context ("" when the span starts its clause)
    suffix: str  # normalised right context
    anchored_start: bool  # the left context reached the clause start (no entity before it)
    anchored_end: bool  # the right context reached the clause end
    pattern: re.Pattern

    @property
    def context_length(self) -> int:
        return len(self.prefix) + len(self.suffix)


@dataclass(frozen=True)
class EntityProfile:
    """What the annotated values of one entity look like, to judge a guessed span."""
    max_chars: int  # longest annotated CJK value, in characters
    max_words: int  # most Latin words in an annotated value
    capitalised: bool = False  # every annotated Latin value starts with a capital (names)
    # some annotated value holds a digit; where none does (names), a guess with one is unlike them:
    # "多收了200元" was stored as a complainant's name (customer trial, session 21)
    digits: bool = True


@dataclass(frozen=True)
class ContextModel:
    templates: dict[str, tuple[Template, ...]]  # entity -> templates, longest prefix first
    profiles: dict[str, EntityProfile]
    vocabulary: frozenset[str]  # frequent words / CJK bigrams of the examples outside entities
    # slot_keys -> the templates `context_entities` may use on any message, filled on first
    # use: that runs for every message and slot, and the model lives as long as its assistant.
    strong: dict[tuple[str, ...], tuple[Template, ...]] = field(default_factory=dict, compare=False, repr=False)


# --------------------------------------------------------------------------- learning

def normalise(text: str) -> str:
    """Edge punctuation and whitespace stripped, inner whitespace collapsed, lower case."""
    return re.sub(r"\s+", " ", text.strip(_EDGE + _CLAUSE_CHARS)).lower().replace("’", "'")


def _clause_ends(text: str) -> Iterator[re.Match]:
    """The punctuation that ends each clause of a text (a name's dot is none)."""
    return (m for m in _CLAUSE_RE.finditer(text) if not (m.group() == "." and name_dot(text, m.start())))


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around text[start:end]: from the boundary before it to the one after."""
    left, right = 0, len(text)
    for m in _clause_ends(text):
        if m.end() <= start:
            left = m.end()
        elif m.start() >= end:
            right = m.start()
            break
    return left, right


def _literal(context: str) -> str:
    """A normalised context as a regex: whitespace flexible, either apostrophe."""
    out = []
    for ch in context:
        out.append(r"\s+" if ch == " " else "['’]" if ch == "'" else re.escape(ch))
    return "".join(out)


def _latin_edge(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _compile(prefix: str, suffix: str, anchored_start: bool, anchored_end: bool) -> re.Pattern:
    parts = [r"\s*" if anchored_start else ""]  # anchored ones are run with .match()
    if prefix:
        if not anchored_start and _latin_edge(prefix[0]):
            parts.append(r"(?<![A-Za-z0-9])")
        parts.append(_literal(prefix))
        if _latin_edge(prefix[-1]):
            parts.append(r"(?![A-Za-z0-9])")
        parts.append(_EDGE_CLASS)
    parts.append(rf"(?P<value>.{{1,{_VALUE_MAX}}}?)")
    parts.append(_EDGE_CLASS)
    if suffix:
        if _latin_edge(suffix[0]):
            parts.append(r"(?<![A-Za-z0-9])")
        parts.append(_literal(suffix))
        if _latin_edge(suffix[-1]) and not anchored_end:
            parts.append(r"(?![A-Za-z0-9])")
    parts.append(r"\s*$" if anchored_end else "")
    return re.compile("".join(parts), re.IGNORECASE)


def _tokens(text: str) -> list[str]:
    """Latin words and CJK character bigrams: the units the vocabulary counts."""
    units = [w.lower() for w in _WORD_RE.findall(text) if not _CJK_RE.search(w)]
    for run in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+", text):
        units += [run[i:i + 2] for i in range(len(run) - 1)] or [run]
    return units


def _ordered(templates) -> tuple[Template, ...]:
    """Longest prefix first, then longest suffix: "我的名字是" before "是"."""
    return tuple(sorted(templates, key=lambda t: (-len(t.prefix), -len(t.suffix), t.prefix, t.suffix)))


@functools.lru_cache(maxsize=16)
def carrier_templates(language: str) -> tuple[Template, ...]:
    """The language's carrier phrases as templates: anchored, nothing after the value."""
    phrases = CARRIERS.get(language_key(language), ())
    return _ordered(Template("", p, "", True, True, _compile(p, "", True, True)) for p in phrases)


def learn(assistant: Assistant) -> ContextModel:
    """Templates, value profiles and the everyday vocabulary from the annotated examples."""
    seen: dict[str, dict[tuple, Template]] = {}
    chars: dict[str, int] = {}
    words: dict[str, int] = {}
    capitals: dict[str, bool] = {}
    digits: dict[str, bool] = {}
    counts: Counter[str] = Counter()
    for intent in assistant.intents.values():
        for example in intent.examples:
            text, spans = example.text, sorted(example.entities, key=lambda s: s.start)
            outside, cursor = [], 0
            for i, span in enumerate(spans):
                key_name = label(span.entity, getattr(span, "role", None), getattr(span, "group", None))
                outside.append(text[cursor:span.start])
                cursor = span.end
                surface = text[span.start:span.end]
                chars[key_name] = max(chars.get(key_name, 0), len(_CJK_RE.findall(surface)))
                words[key_name] = max(words.get(key_name, 0), len(_WORD_RE.findall(surface)))
                if surface[:1].isascii() and surface[:1].isalpha():
                    capitals[key_name] = capitals.get(key_name, True) and surface[0].isupper()
                digits[key_name] = digits.get(key_name, False) or any(ch.isdigit() for ch in surface)
                left, right = _clause_bounds(text, span.start, span.end)
                before = spans[i - 1].end if i else 0
                after = spans[i + 1].start if i + 1 < len(spans) else len(text)
                anchored_start, anchored_end = before <= left, after >= right
                prefix = normalise(text[max(left, before):span.start])
                suffix = normalise(text[span.end:min(right, after)])
                if not prefix and not suffix:
                    continue  # a bare value ('[张三](name)') says nothing about context
                key = (prefix, suffix, anchored_start, anchored_end)
                seen.setdefault(key_name, {}).setdefault(key, Template(
                    key_name, prefix, suffix, anchored_start, anchored_end,
                    _compile(prefix, suffix, anchored_start, anchored_end)))
            outside.append(text[cursor:])
            counts.update(unit for part in outside for unit in _tokens(part))
    # The language's carrier phrases join every text entity the examples introduce with
    # words: "名字[高远](name)" alone would read "名字是张三" as "是张三".
    carriers = carrier_templates(assistant.language)
    text_entities = {k for s in assistant.slots.values() if s.type == "text" for k in slot_keys(s)}
    templates = {
        entity: _ordered([*found.values(), *(replace(c, entity=entity) for c in carriers
                                              if entity in text_entities and (c.prefix, "", True, True) not in found)])
        for entity, found in seen.items()
    }
    profiles = {e: EntityProfile(chars.get(e, 0), words.get(e, 0), capitals.get(e, False), digits.get(e, True))
                for e in set(chars) | set(words)}
    vocabulary = frozenset(unit for unit, n in counts.items() if n >= 2)
    return ContextModel(templates, profiles, vocabulary)


# `learn(assistant)`, computed once per Assistant object (framework.slots.memo: keyed by
# identity, dropped with the assistant, so a hot reload learns the new domain's templates).
model_for: IdentityMemo[ContextModel] = IdentityMemo(learn)


# --------------------------------------------------------------------------- matching

def clauses(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each clause of an utterance."""
    start = 0
    for m in _clause_ends(text):
        yield start, m.start()
        start = m.end()
    yield start, len(text)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


# "to" of a verb, not of a person: "right, I have to dash, cheers" at a read-back renamed the recipient "dash", and "yes"
# sent the money to it (customer trial, session 32)
_VERB_TO = re.compile(r"\b(?:have|has|had|got|gotta|need|needs|needed|want|wants|wanted|going|ought|used|able|like|love|"
                      r"hate|try|tries|tried|trying|plan|planning|about)\s+to\s+$", re.IGNORECASE)


def template_spans(templates: tuple[Template, ...], text: str) -> Iterator[tuple[int, int]]:
    """Candidate (start, end) spans, best template first, within one clause each."""
    bounds = list(clauses(text)) if templates else []  # once per text, not per template
    for template in templates:
        for c_start, c_end in bounds:
            find = template.pattern.match if template.anchored_start else template.pattern.search
            m = find(text, c_start, c_end)
            if m is not None and _VERB_TO.search(text, max(0, m.start("value") - 24), m.start("value")):
                # "want to [send money to tom]": the template's next place in the clause ("to [tom]"); at most once
                m = None if template.anchored_start else find(text, m.start("value"), c_end)
                if m is not None and _VERB_TO.search(text, max(0, m.start("value") - 24), m.start("value")):
                    m = None
            if m is None:
                continue
            start, end = _trim(text, m.start("value"), m.end("value"))
            if start < end:
                yield start, end


def label(entity: str, role: str | None = None, group: str | None = None) -> str:
    """What templates are learnt for: the entity, with its role and group when annotated
    ("city:from"), so "from [London] to [Tokyo]" teaches one template per role."""
    return entity + (f":{role}" if role else "") + (f"#{group}" if group else "")


def slot_keys(slot: Slot) -> list[str]:
    return [label(m.entity, m.role, m.group) for m in slot.entity_mappings()]


def slot_templates(model: ContextModel, slot: Slot) -> tuple[Template, ...]:
    keys = slot_keys(slot)
    if len(keys) == 1:
        return model.templates.get(keys[0], ())
    return _ordered(t for k in keys for t in model.templates.get(k, ()))


def looks_everyday(model: ContextModel, entity: str | Slot, value: str) -> bool:
    """True when a guessed value does not look like the annotated ones: longer than any of
    them (with a little slack), in lower case where they all start with a capital, or
    containing the domain's everyday words."""
    keys = slot_keys(entity) if isinstance(entity, Slot) else [entity]
    profile = next((model.profiles[k] for k in keys if k in model.profiles), None)
    if profile is not None:
        if len(_CJK_RE.findall(value)) > profile.max_chars + 2:
            return True
        if len(_WORD_RE.findall(value)) > profile.max_words + 1:
            return True
        if profile.capitalised and value[:1].isascii() and value[:1].islower():
            return True  # "name is wrong": the annotated names all start with a capital
        if not profile.digits and any(ch.isdigit() for ch in value):
            return True  # "多收了200元": no annotated name holds a digit
    return any(unit in model.vocabulary for unit in _tokens(value))


def digits_in_values(model: ContextModel, slot: Slot) -> bool:
    """Whether any annotated value of the slot holds a digit (True when the examples say nothing)."""
    profile = next((model.profiles[k] for k in slot_keys(slot) if k in model.profiles), None)
    return profile is None or bool(profile.digits)


def unlike_values(model: ContextModel, slot: Slot, value: str) -> bool:
    """True when a whole answer does not look like the slot's annotated values: every word
    of it (Latin word, CJK character pair) is an everyday word of the examples ("开户", "send
    money"), or it is longer than any of them. Unlike `looks_everyday` (a guess inside a
    sentence), one everyday word ("my mum") or lower case ("john") is no evidence here."""
    units = _tokens(value)
    if units and all(unit in model.vocabulary for unit in units):
        return True
    profile = next((model.profiles[k] for k in slot_keys(slot) if k in model.profiles), None)
    return profile is not None and (len(_CJK_RE.findall(value)) > profile.max_chars + 2
                                    or (not profile.digits and any(ch.isdigit() for ch in value))
                                    or len(_WORD_RE.findall(value)) > profile.max_words + 1)


def says_a_wish(text: str, language: str) -> bool:
    """True when the message says what the customer means or wants ("我是说查一下余额",
    "我是要办宽带", "我是来交话费的") rather than who they are: framework.engine.value_guard
    stores no name from it unless a part of it looks like one ("不对，我是说张三")."""
    wish = _WISH.get(language_key(language))
    return bool(wish and wish.search(text))


def describes_self(value: str, text: str, language: str) -> bool:
    """True when a name's value, taken after "我是", says who or how the customer is, not what
    they are called: "老客户了" of "我是老客户了", "东北的" (customer trial, session 26)."""
    said = f"我是{value}"
    return says_a_wish(said, language) and (said in text or value[-1:] in ("的", "了"))


def _strong_templates(model: ContextModel, slot: Slot) -> tuple[Template, ...]:
    key = tuple(slot_keys(slot))
    templates = model.strong.get(key)
    if templates is None:
        templates = model.strong[key] = tuple(
            t for t in slot_templates(model, slot) if t.context_length >= _MIN_CONTEXT)
    return templates


def from_user(slot: Slot) -> bool:
    """False for a backend-only slot (`from_user: false`): only actions and `initial` fill it."""
    return bool(slot.options.get("from_user", True))


def _titled_name(value: str) -> bool:
    """A title before two or three words: a name, everyday words or not ("Ms. Hope May")."""
    rest = without_title(value)
    return rest != value and len(_WORD_RE.findall(rest)) <= 3


def _written_as_a_name(model: ContextModel, slot: Slot, text: str, start: int, value: str) -> bool:
    """A given name that is also a word, written as a name ("Will", "Will Smith" of "send money to Will Smith"): its
    other words capitalised and not everyday words, unless names of the same kind."""
    words = value.split()
    return (0 < len(words) <= 3 and name_word(text, start, words[0])
            and all(w[:1].isupper() and (w.lower() in NAME_WORDS or not looks_everyday(model, slot, w))
                    for w in words[1:]))


_DIGITS_AFTER = re.compile(r"(?<=[\u4e00-\u9fff])\s*\d{4,}")


def context_entities(assistant: Assistant, slot: Slot, text: str, *, today=None) -> list[tuple[int, int, Any]]:
    """(start, end, value) of values of `slot` found by strong templates in any message."""
    model = model_for(assistant)
    templates = _strong_templates(model, slot)
    for span_start, span_end in template_spans(templates, text):
        # "name [on it is Jane Doe]" (the template "name [Sofia Rossi]"): the part after
        # the introduction's verb first.
        after = _after_copula(text[span_start:span_end])
        spans = [(span_end - len(after), span_end)] if after and text[span_start:span_end].endswith(after) else []
        for start, end in spans + [(span_start, span_end)]:
            surface = text[start:end]
            if slot.type == "text" and short_text(slot, model) and (cut := _DIGITS_AFTER.search(surface)) and cut.start() > 0:
                # "我是王小明11010519491231002X": the name, then the ID glued to it (customer trial, session 44)
                end, surface = start + cut.start(), surface[:cut.start()]
            if slot.type == "text" and looks_everyday(model, slot, surface) and not _titled_name(surface):
                name = _strip_trailing(surface)
                if not _written_as_a_name(model, slot, text, start, name):
                    continue
                end, surface = start + len(name), name  # "to Hope too": a name that is a word, written as one
            if slot.type == "text" and surface.strip(_EDGE + _TRAILING) in _FUNCTION_WORDS:
                continue  # "可以，不过身份证号是4201…" renamed the customer 不过 (customer trial, session 30)
            if slot.type == "text" and _NOT_BEFORE.search(text[max(0, start - 12):start]):
                continue  # "我叫张蔚不叫张薇": not 张薇 (customer trial, session 30)
            if slot.type == "text" and (cut := _NOT_INSIDE.search(surface)) and cut.start() > 0:
                end, surface = start + cut.start(), surface[:cut.start()]  # ... nor "张蔚不叫张薇"
            parsed = parse_value(slot, surface, assistant.language, today=today)
            if parsed.ok:
                # the name without the words after it: the span "Jo tmrw" overlapped the date "tmrw" and was
                # dropped, and the transfer asked who to (customer trial, session 36)
                kept = _strip_trailing(surface) if slot.type == "text" and short_text(slot, model) else surface
                if kept and kept != surface and surface.startswith(kept):
                    trimmed = parse_value(slot, kept, assistant.language, today=today)
                    if trimmed.ok:
                        return [(start, start + len(kept), trimmed.value)]
                return [(start, end, parsed.value)]
    return []


def short_text(slot: Slot, model: ContextModel) -> bool:
    """A name-like text slot, which carrier phrases may be trimmed from; free text (a
    complaint, which may well start with "我是") is taken as said."""
    high = slot.options.get("max_length")
    return bool(slot_templates(model, slot)) or (high is not None and high <= SHORT_TEXT_MAX)


# Words said after a value that are no part of it: politeness, and the adverbs of a
# correction ("send it to Alice instead", "改成王五才对"): a customer-trial bug stored the
# recipient "Alice instead".
# A customer trial of session 29 sent money to "Ali asap", "Ali immediately", "Ali urgent", "Ali thx",
# "Ali ty", "Ali right away", "Ali nxt" (of "Ali nxt tuesday"): short politeness, how soon, and the words
# of a date ("tmrw", "on friday", "next week"; a bare "next" / "nxt" whose weekday the date took) end no
# name. "ty" only in lower case ("Ty" is a name); months are not among them ("May", "June" end names).
_WEEKDAY = r"(?:monday|tues|tuesday|weds|wednesday|thurs|thursday|friday|saturday|sunday)"
# short forms only after a word of a date: "Sun", "Thu" end many names ("Wei Sun", "Nguyen Thi Thu")
_SHORT_DAY = r"(?:mon|tue|wed|thu|thur|fri|sat|sun|week|month)"
_TRAILING_EN = (r"please|pls|plz|thanks|thank you|thank u|thanx|thnx|thx|cheers|(?-i:ty)|instead|rather|then|now"
                r"|asap|a\.s\.a\.p|right now|right away|straight away|straightaway|immediately|urgent|urgently"
                r"|quickly|today|tonight|tomorrow|tomorow|tmrw|tmr|tmw"
                rf"|(?:(?:on|this|next|nxt|coming|fi|for|by)\s+)?{_WEEKDAY}|(?:on|this|next|nxt|coming)\s+{_SHORT_DAY}|next|nxt"
                # "to Ama also", "Marlon fi Friday", "Maria Cristina dela Cruz po" (customer trial, session 30)
                r"|also|too|as well|(?-i:po)|(?-i:opo)"
                # "my friend Siti leh": Singlish particles (customer trial, session 31), lower case only ("Ah" is a name)
                r"|(?-i:leh)|(?-i:lah)|(?-i:lor)|(?-i:meh)|(?-i:hor)|(?-i:sia)|(?-i:ah)"
                # "send 200 to Chioma abeg": Nigerian Pidgin and Igbo "please", "sharp sharp" (quickly; customer
                # trial, session 34: $200 went to "Chioma abeg"), lower case only
                r"|(?-i:abeg)|(?-i:biko)|(?-i:jare)|(?-i:jor)|(?-i:sharp sharp)|(?-i:na)|(?-i:o)"
                # "send Peter 10 for the taxi": the amount after the name (the recipient "Peter 10")
                r"|\d+(?:[.,]\d+)?(?:\s+(?:for|dollars?|bucks|usd)\b.*)?"
                r"|and|&"  # "Tom and" of "to Tom and Jerry" (the model's span): the name is "Tom"
                # dictated punctuation: "to Michael Johnson period on the fifteenth" sent $250 to "Michael Johnson
                # period" (customer trial, session 45), lower case only
                r"|(?-i:period)|(?-i:full stop)|(?-i:comma)|(?-i:question mark)|(?-i:exclamation (?:mark|point))"
                r"|(?-i:new line)|(?-i:newline)|(?-i:dot)"
                # "it's Maria on the card, Mary is what my friends call me" at the cardholder's name became the name
                # "Maria on the card" (customer trial, session 45)
                r"|(?:as (?:it'?s |it is )?)?(?:(?:written|printed|shown) )?on (?:the|my|this|that) card")
_POLITE_RE = re.compile(rf"(?:[\s,，]+(?:{_TRAILING_EN}|谢谢)(?![^\W\d_])"
                        r"|(?<=[\u3400-\u9fff])(?:才对|就行|就好|就可以|谢谢))+$", re.IGNORECASE)


def _strip_trailing(text: str) -> str:
    text = text.rstrip(_TRAILING + _EDGE)
    # only the end can hold the words: a long message of spaces took seconds in the pattern's nested runs
    # (session 29's hostile-input check); the words trailing a value are far fewer than 120 characters
    head, tail = (text[:-_TAIL], text[-_TAIL:]) if len(text) > _TAIL else ("", text)
    tail = tail.lstrip() if not head else tail
    return (head + _POLITE_RE.sub("", tail)).rstrip(_TRAILING + _EDGE).strip()


_TAIL = 120


# The dots that join the parts of a name: Uyghur and other minority names, and foreign names
# in Chinese ("迪丽热巴·迪力木拉提", "阿卜杜拉·买买提").
_NAME_JOINERS = "·•・‧．"
_NAME_PART_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z]+")


def join_name_parts(text: str, entities: tuple) -> tuple:
    """Found spans (the model's or a template's) that end or start at a name joiner, with
    the name on its other side: extended over it, so that "阿卜杜拉" of "阿卜杜拉·买买提" is
    the whole name, and the two spans of "迪丽热巴·迪力木拉提" become one. Spans of a pattern
    extractor, and spans not next to a joiner, are returned as they are."""
    out = []
    for e in entities:
        if e.extractor not in (MODEL_EXTRACTOR, CONTEXT_EXTRACTOR) or not isinstance(e.value, str) \
                or e.value != e.text:
            out.append(e)
            continue
        start, end = e.start, e.end
        while end + 1 < len(text) and text[end] in _NAME_JOINERS and (m := _NAME_PART_RE.match(text, end + 1)):
            end = m.end()
        while start >= 2 and text[start - 1] in _NAME_JOINERS:  # the part before it, found on its own
            before = [o.start for o in entities if o is not e and o.entity == e.entity and o.end == start - 1]
            if not before:
                break
            start = min(before)
        if (start, end) == (e.start, e.end):
            out.append(e)
        else:
            out.append(replace(e, value=text[start:end], text=text[start:end], start=start, end=end))
    return _join_split_words(text, tuple(out))


def _join_split_words(text: str, entities: tuple) -> tuple:
    """Two learnt spans of one entity with only a space between them, the second a capitalised word, are one name the
    model's tags split: "send 100 dollars to my sister Ngozi Eze" was tagged "my sister Ngozi" and "Eze", and the money
    went to "Eze" (customer trial, session 42)."""
    learnt = sorted((e for e in entities if e.extractor == MODEL_EXTRACTOR and isinstance(e.value, str)
                     and e.value == e.text), key=lambda e: e.start)
    heads, members = {}, set()
    i = 0
    while i < len(learnt):
        j = i
        while j + 1 < len(learnt) and _split_word(text, learnt[j], learnt[j + 1]):
            j += 1
        if j > i:
            first, last = learnt[i], learnt[j]
            sure = [e.confidence for e in learnt[i:j + 1] if e.confidence is not None]
            heads[id(first)] = replace(first, value=text[first.start:last.end], text=text[first.start:last.end],
                                       end=last.end, confidence=min(sure) if sure else None)
            members |= {id(e) for e in learnt[i + 1:j + 1]}
        i = j + 1
    return tuple(heads.get(id(e), e) for e in entities if id(e) not in members) if heads else entities


def _split_word(text: str, a, b) -> bool:
    return (a.entity == b.entity and (a.role, a.group) == (b.role, b.group) and 0 < b.start - a.end <= 2
            and not text[a.end:b.start].strip() and b.text[:1].isupper())


# A Chinese name is two to four characters. A learnt span that stops one character short of
# the end of its clause, where that character is no particle, left it out: "等下，名字打错了，
# 是赵亦鸣" at the confirmation was tagged "赵亦" and the account was opened under that name
# (customer trial, session 21). Spans of two or three Han characters are completed (to four at most).
_HAN_NAME_RE = re.compile(r"[\u3400-\u9fff]{2,3}")
_NOT_NAME_END = "的了吗呢吧啊呀哦嘛哈啦咯么哟呗噢喔嗯对"  # "改成王五对吧"


# "my sister", "my best mate"; "her friend Beth" was read back as the recipient "her friend Beth" (customer trial,
# session 33)
_EN_RELATION = r"(?:[Mm]y|[Oo]ur|[Hh]er|[Hh]is|[Tt]heir)(?:\s+[a-z]+){1,2}"
_BARE_RELATION_RE = re.compile(_EN_RELATION)


def only_relation(text: str) -> bool:
    """Whether `text` says only who a person is to the speaker ("his sister", "my best mate"), no name."""
    return bool(_BARE_RELATION_RE.fullmatch(text.strip()))
_NAME_AFTER_RE = re.compile(r"\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
_WORD_REST_RE = re.compile(r"[A-Za-z'-]*")


_LATIN_NAME_RE = re.compile(r"[A-Z][A-Za-z'’\-]+(?:\s+[A-Z][A-Za-z'’\-]+)*")
_NOT_A_NAME_WORD = (r"(?:I|I'm|Im|Please|Thanks|Thank|Pls|Ok|Okay|Yes|No|Today|Tomorrow|Tmrw|Tonight|Yesterday|Next|This"
                    r"|On|At|In|From|To|For|And|Asap|Now|Mon|Monday|Tue|Tues|Tuesday|Wed|Wednesday|Thu|Thur|Thurs"
                    r"|Thursday|Fri|Friday|Sat|Saturday|Sun|Sunday|Jan|January|Feb|February|Mar|March|Apr|April|May"
                    r"|Jun|June|Jul|July|Aug|August|Sep|Sept|September|Oct|October|Nov|November|Dec|December)")
# ... or followed by a word that is none ("send 50 to Oliver Twist tomorrow" sent $150 to "Oliver": customer trial,
# session 35)
_LATIN_NAME_REST_RE = re.compile(rf"(?P<rest>(?:\s+(?!{_NOT_A_NAME_WORD}\b)[A-Z][A-Za-z'’\-]+){{1,2}})"
                                 # ... or before the amount: "pay Greenleaf Produce $2,000 today" tagged "Green" (customer
                                 # trial, session 42)
                                 # ... or before a word in lower case: "send 500 kay Jose Santos bukas po" (Taglish) sent
                                 # $500 to "Jose" (customer trial, session 44)
                                 rf"\s*(?:[,.!?;]|$|(?=[$£€\d])|(?=(?i:{_NOT_A_NAME_WORD})\b)|(?=[a-z]))")


def _person_name(text: str, entity):
    """A learnt or template span of a name that stops inside a person's name written in English
    (customer trial, session 28: the money went to "Ms"), or None:

    - a span that is a title ("Ms" of "send $50 to Ms. Hope May"), starts with one, or follows
      one ("hope" of "transfer $25 to ms hope may"): extended over the name's words that end
      the clause (tidy_span then drops the title);
    - one part of "Surname, First" ("Smith" or "John" of "to Smith, John next friday", "May" of
      "send $15 to May, Hope"; framework.slots.person_names.surname_first says when it reads as
      one name): the whole of it, its value "John Smith"."""
    m = surname_first(text, entity.start)
    if m is None:  # "John" of "Smith, John": the part before it
        before = _SURNAME_BEFORE_RE.search(text, 0, entity.start)
        m = surname_first(text, before.start()) if before is not None else None
        if m is not None and m.start("first") != entity.start:
            m = None
    if m is not None and m.end() >= entity.end:
        return replace(entity, value=reordered(m), text=text[m.start():m.end()], start=m.start(), end=m.end())
    end = name_after_title(text, entity.start, entity.end)
    if end is not None and end > entity.end:
        return replace(entity, value=text[entity.start:end], text=text[entity.start:end], end=end)
    return None


_SURNAME_BEFORE_RE = re.compile(r"[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*\s*,\s*$")


_NAME_WORD_BEFORE_RE = re.compile(r"\b(" + "|".join(sorted(w.capitalize() for w in NAME_WORDS)) + r")[ \t]+$")


def complete_cut_name(text: str, entity):
    """A learnt span of a name-like slot, all Han characters, followed in its clause by one
    more Han character that is no particle (particles and politeness may follow it):
    extended over it. A span that is only who the person is ("my sister") followed by a
    capitalised name ("my sister Anna Lee": the model tagged "my sister" as the recipient and
    "Anna Lee" as a name, session 23) is extended over the name (tidy_span then drops "my
    sister"). A span cut inside a title and a name, or inside "Surname, First", learnt or a
    template's, is made the whole name (_person_name). Any other span is returned as it is."""
    if entity.extractor not in (MODEL_EXTRACTOR, CONTEXT_EXTRACTOR) or not isinstance(entity.value, str) \
            or entity.value != entity.text:
        return entity
    whole = _person_name(text, entity)
    if whole is not None:
        return whole
    if re.fullmatch(r"[\u3400-\u9fff]{3,5}", entity.text) and entity.text[-1] in "我俺" \
            and _SELF_GOES_ON.match(text, entity.end):
        # "我叫李建国我身份证号110101…" stored the name 李建国我, and an account was opened under it (customer
        # trial, session 31): the "我" that starts the next clause is no part of the name
        end = entity.end - 1
        return replace(entity, value=text[entity.start:end], text=text[entity.start:end], end=end)
    if entity.extractor != MODEL_EXTRACTOR:
        return entity
    cut = _WORD_REST_RE.match(text, entity.end) if entity.text[-1:].isascii() and entity.text[-1:].isalpha() else None
    if cut is not None and cut.end() > entity.end:  # "my ti" of "my tita Lorna" (a word piece: trial, session 25)
        whole = text[entity.start:cut.end()]
        entity = replace(entity, value=whole, text=whole, end=cut.end())
    first = _NAME_WORD_BEFORE_RE.search(text, 0, entity.start) if _LATIN_NAME_RE.fullmatch(entity.text) else None
    if first is not None and (first.start() == 0 or name_word(text, first.start(), first.group(1))):
        # "Will Carter" at "Who should I send it to?" tagged "Carter", and "yes" sent the money to "Carter" (customer
        # trial, session 37): a given name that is also a word, written as a name right before, is the name's start
        entity = replace(entity, value=text[first.start():entity.end], text=text[first.start():entity.end],
                         start=first.start())
    rest = _LATIN_NAME_REST_RE.match(text, entity.end) if _LATIN_NAME_RE.fullmatch(entity.text) else None
    if rest is not None:
        # "Temitope Ajayi" tagged "Temitope", "Nguyen Van An" tagged "Nguyen Van": the money went to "Nguyen Van"
        # (customer trial, session 27): capitalised words that end the clause are the rest of the name
        end = rest.end("rest")
        return replace(entity, value=text[entity.start:end], text=text[entity.start:end], end=end)
    if _BARE_RELATION_RE.fullmatch(entity.text):
        after = _NAME_AFTER_RE.match(text, entity.end)
        if after is None:
            return entity
        return replace(entity, value=text[entity.start:after.end()], text=text[entity.start:after.end()],
                       end=after.end())
    if not _HAN_NAME_RE.fullmatch(entity.text):
        return entity
    _, clause_end = _clause_bounds(text, entity.start, entity.end)
    rest = _strip_trailing(text[entity.end:clause_end]).rstrip(_NOT_NAME_END)  # particles after the name
    # a compound surname alone takes the one or two characters of the given name after it: "是欧阳小燕，小大的小" at
    # a read-back renamed the customer 欧阳 (customer trial, session 32)
    most = 2 if entity.text in COMPOUND_SURNAMES_ZH else 1
    if not 1 <= len(rest) <= most or not all("\u3400" <= ch <= "\u9fff" for ch in rest):
        return entity
    end = entity.end + len(rest)
    return replace(entity, value=text[entity.start:end], text=text[entity.start:end], end=end)


# What follows a "我" that opens the next clause of a run-on message: "…我叫马丽丽我身份证号是…", "…我想开个户"
_SELF_GOES_ON = re.compile(r"身份证|证件|手机|电话|号码|想|要|是|今年|住|在|的|需要|打算|准备|就|也|还|刚|已经")


# Who the named person is to the speaker, said before the name: "my flatmate Priya", "my sister
# Anna", "我妈刘桂芬" (a trial of session 23 sent money to "my flatmate Priya"). Only before a name:
# "my landlord" (a saved payee) stays.
_RELATION_RE = {
    # ... or the span without its "her": "send it to her husband Raj instead" at a read-back made the payee "husband Raj"
    # (customer trial, session 47, round 3)
    "en": re.compile(rf"^(?:{_EN_RELATION}|(?:husband|wife|son|daughter|brother|sister|mum|mom|dad|father|mother|cousin|uncle"
                     r"|aunt|auntie|friend|mate|partner|boyfriend|girlfriend|fiance|fiancee|landlord|landlady|neighbou?r|boss"
                     r"|colleague|nephew|niece|grandson|granddaughter|grandma|grandpa|flatmate|roommate))\s+(?=[A-Z][a-z])"),
    "zh": re.compile(r"^(?:我的?|俺)(?:亲)?(?:妈妈?|爸爸?|老妈|老爸|母亲|父亲|老婆|老公|媳妇|丈夫|妻子|儿子|女儿|哥哥?|姐姐?"
                     r"|弟弟?|妹妹?|朋友|同事|室友|舍友|房东|奶奶|爷爷|外婆|外公|姥姥|姥爷|孩子)(?=[\u4e00-\u9fff]{2,4}$)"),
}


_LOWER_RELATION_EN = re.compile(
    r"^(?:my|our|her|his|their)\s+(?:best\s+|old\s+|good\s+)?(?:mate|friend|buddy|pal|bro|brother|sister|sis|cousin|mum|mom"
    r"|dad|son|daughter|uncle|aunt|auntie|wife|husband|partner|colleague|boss|landlord|landlady|neighbou?r|roommate"
    r"|flatmate|girlfriend|boyfriend|gf|bf)\s+(?=(?!(?:from|at|in|on|the|who|that|with|of|for|and|or|to|is|was|my|his"
    r"|her|a|an|here|there)\b)[a-z][a-z'-]+\s+(?!(?:from|at|in|on|the|who|that|with|of|for|and|or|to|is|was|here|there)\b)"
    r"[a-z][a-z'-]+$)")


def tidy_span(assistant: Assistant, slot: Slot, value: str) -> str:
    """A name-like text value found inside a message (the model's or a template's span)
    without the words said after it ("Alice instead" -> "Alice", "李四吧" -> "李四") and
    without who the person is to the speaker, said before a name ("my flatmate Priya" ->
    "Priya", "我妈刘桂芬" -> "刘桂芬") or the title said before a full name ("Ms. Hope May" ->
    "Hope May"). Free text (a complaint) and a value that would be left empty are kept as they are."""
    if slot.type != "text" or not short_text(slot, model_for(assistant)):
        return value
    value = _strip_trailing(value) or value
    relation = _RELATION_RE.get(language_key(assistant.language) or "")
    value = (relation.sub("", value) or value) if relation else value
    # "my mate jake thompson" written all in lower case (customer trial, session 44: "Did you mean my mate jake thompson as
    # your recipient?"): a kin word, then a first and a last name
    value = _LOWER_RELATION_EN.sub("", value) if language_key(assistant.language) == "en" else value
    # "Oops, it's spelled Chidi Okafor-Nwosu" sent the money to "spelled Chidi Okafor-Nwosu" (customer trial, session 41)
    value = _SPELLED_LEAD.sub("", value) or value
    # "Ms. Hope May" -> "Hope May" (customer trial, session 28); "Mr Smith" stays, and asks for the full name
    return without_title(value)


_SPELLED_LEAD = re.compile(r"^(?:(?:it'?s|its|that'?s|thats|it is|that is|name is|name'?s)\s+)?(?:spelt|spelled|spelling|written|"
                           r"typed)(?:\s+is)?\s+(?:as\s+|like\s+|with\s+)?(?=\S)|^(?:the\s+)?spelling\s+is\s+|^怎么写[:：]?|^写作", re.IGNORECASE)


# The verb (or preposition) that joins a short introduction to its value: "name on it is
# [Jane Doe]", "名字写的是[张三]", "send it to [John]", "转给[李四]". A template's span that holds one ("name [on it is Jane Doe]", from the
# template "name [Sofia Rossi]") has the value after the last one.
_COPULA_RE = re.compile(r"(?:(?<![A-Za-z])(?:is|are|was|reads|says|under|to|for)(?![A-Za-z])|['’]s(?![A-Za-z])"
                        r"|[:：]|是|叫做|叫|为|转给|给)\s*",
                        re.IGNORECASE)


def _after_copula(value: str) -> str | None:
    last = None
    for m in _COPULA_RE.finditer(value):
        if m.end() < len(value):
            last = m
    return value[last.end():].strip(_EDGE) if last else None


_LABEL = re.compile(r"^(?:[A-Za-z]+(?:\s+[A-Za-z]+)?|[\u4e00-\u9fff]{1,4})\s*[:：]\s*")


# Words that join or lead a clause, never a value a template's span may hold on its own
_FUNCTION_WORDS = frozenset("不过 但是 但 就是 还是 可是 只是 而且 然后 所以 因为 另外 还有 其实 那么 那 这 这个 那个 可以 好的 好 行 "
                            "对 是的 是 嗯 哦 啊 我 你 您 他 她 我的 你的 麻烦 请 谢谢 对了 顺便 也 再".split())
_NOT_INSIDE = re.compile(r"[，,\s]*(?:而|并)?(?:不叫|不是|不姓)|,?\s+not\s+", re.IGNORECASE)
_NOT_BEFORE = re.compile(r"(?:不叫|不是|不姓|并非)\s*$|\bnot\s+(?:called\s+|named\s+)?$", re.IGNORECASE)
# A name, then the one it is not, at the end of an answer: "我叫张薇不叫张伟", "是张薇，不是张伟", "Ann, not Anna"
_NOT_THIS_NAME = {
    "zh": re.compile(r"[，,、\s]*(?:而|并)?(?:不叫|不是|不姓)[\u4e00-\u9fff·]{1,5}[。！!.…]*$"),
    "en": re.compile(r",?\s+(?:not|rather than)\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?[\s.!]*$"),
}


def collect_text(assistant: Assistant, slot: Slot, text: str, *, today=None) -> ParseResult:
    """The value of a text slot from the whole answer to its question: a template's span,
    the text after a carrier phrase, or the whole text; each candidate must be a valid
    value without clause punctuation, else the next one is tried. A span that still holds
    an introduction ("on it is Jane Doe") is tried after it ("Jane Doe") first, and
    candidates that look like the annotated values (not longer, no everyday words) come
    before those that do not."""
    model = model_for(assistant)
    language = assistant.language
    whole = text.strip()
    if short_text(slot, model):
        # "correction: Suresh not Ramesh" sent the money to "correction: Suresh" (customer trial, session 27):
        # a label before a colon is no part of a name
        whole = _LABEL.sub("", whole) or whole
        # "我叫张薇不叫张伟" was stored as 张伟 (customer trial, session 30): the name said as not the name goes
        whole = _NOT_THIS_NAME.get(language_key(language) or "en", _NOT_THIS_NAME["en"]).sub("", whole) or whole
    # (a free text is all of it: "我的59元套餐被改成了99元的，没人通知我" was filed as the complaint "了99元的，没人通知我",
    # what followed its "改成": customer trial, session 34)
    tail = corrected_tail(whole, language) if short_text(slot, model) else None
    if tail is not None:  # "我叫赵六，不对，我叫赵大六": the value after the correction first
        parsed = collect_text(assistant, slot, tail[1], today=today)
        if parsed.ok:
            return parsed
    candidates: list[str] = []
    if short_text(slot, model):
        templates = slot_templates(model, slot) or carrier_templates(language)
        spans = [whole[s:e] for s, e in template_spans(templates, whole)]
        # each clause of a longer answer too: "it's under my wife's name, Maria" (the template
        # span "under my wife's name" holds no name; the clause "Maria" is one)
        parts = [whole[a:b].strip() for a, b in clauses(whole)]
        spans += [part for part in parts if part and len(parts) > 1] + [whole]
        found = [part for f in spans for part in (_after_copula(f), f) if part]
        found = [_SPELLED_LEAD.sub("", f) or f for f in found]  # "it's spelled Chidi Okafor-Nwosu"
        # Each with trailing particles dropped first ("张三吧"), then as it is.
        verb = NOT_A_VALUE_START.get(language_key(language))
        speaker = _FIRST_PERSON_START.get(language_key(language))
        # "Smith, John" (a whole answer, or after an introduction) is John Smith, first (customer trial,
        # session 28: the recipient "Smith"); a title before a full name is dropped ("Mr. Tom Hanks")
        turned = [r for f in found if (r := first_name_first(_strip_trailing(f) or f))
                  and not looks_everyday(model, slot, r.rsplit(" ", 1)[-1])]
        candidates = [without_title(c) for f in found for c in (_strip_trailing(f), f)
                      if c and not any(ch in _CLAUSE_CHARS for ch in c)
                      and not (verb and c != whole and verb.match(c))
                      and not (speaker and c != whole and c in parts and speaker.match(c))
                      and not (c != whole and yes_no(c, language) is not None)]  # "那好吧，我姓林": no name "那好"
        candidates.sort(key=lambda c: looks_everyday(model, slot, c))  # stable: template order within each
        candidates = list(dict.fromkeys(turned)) + candidates
    for candidate in candidates:
        parsed = parse_value(slot, candidate, language, today=today)
        if parsed.ok:
            return parsed
    return parse_value(slot, whole, language, today=today)
