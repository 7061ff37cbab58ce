"""A person's name as people write it in English: a title before it, and "Surname, First".

Found in a customer trial (banking_en, session 28), where money was sent to "Ms":

- a title with its dot ("Ms. Hope May") ended the clause at the dot, so a template's span
  and a whole answer's first clause were the title alone, and a learnt span of the title
  alone ("Ms") was taken as the name; a lower-case name after a title ("ms hope may") was
  tagged "hope" only;
- "Smith, John" was read as two clauses, and "Smith" (or "John") was the name.

Here: where a title's or an initial's dot is no end of a clause (framework.slots.context
splits clauses), how far a name said after a title reaches, the value without its title
("Ms. Hope May" -> "Hope May"), and "Surname, First" read as one name ("Smith, John" ->
"John Smith"). A title alone, or a title and one word ("Mr Smith", "dr watson"), is kept as
said: framework.slots.partial_names asks for the full name then. And two people joined by "and"
("split 100 between Tom and Jerry", customer trial of session 29): `joined_people` lists them, so that
framework.engine.slot_filling asks which one, as for two cards' digits. Pure.
"""
from __future__ import annotations

import re

from framework.slots.answers import language_key

# The titles said before a person's name, any case, with or without a dot.
TITLES = ("mrs", "mr", "ms", "miss", "mx", "dr", "prof", "sir")
_TITLE = "(?:" + "|".join(TITLES) + ")"
# A word of a name: letters (apostrophes and hyphens inside: "O'Neil", "Watson-Clarke").
_WORD = r"[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*"

# A title with its dot and a following word: the dot ends no clause ("Mr. Tom Hanks").
_TITLE_BEFORE_DOT_RE = re.compile(rf"(?<![^\W\d_]){_TITLE}$", re.IGNORECASE)
# An initial between two capitalised words ("John A. Smith"): its dot ends no clause either.
_INITIAL_BEFORE_DOT_RE = re.compile(r"(?<![^\W\d_])[A-Z][a-z'’\-]+\s+[A-Z]$")

# Words that are no part of a name said after a title, where the name ends: politeness and the
# words of a date ("to Ms Hope May tomorrow"), and how soon ("Ms Hope May immediately", "urgent", "nxt
# tuesday": customer trial, session 29). Months are not among them: "May", "June" end many names.
_SOON = r"|immediately|urgent|urgently|nxt|tmr|cheers"
# "last" and "coming" of "to Mr. Tanaka Hiroshi last Friday" (the money went to "Tanaka Hiroshi last": customer trial,
# session 33)
_NOT_NAME = (r"(?:i|please|pls|plz|thanks|thank|thx|ok|okay|yes|no|today|tomorrow|tmrw|tonight|yesterday|next|last|coming"
             + _SOON +
             r"|this|on|at|in|by|from|to|for|and|or|asap|now|instead|then|mon|monday|tue|tues|tuesday|wed"
             r"|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday|sun|sunday|the|a|an|of|with|but)")
# What may follow the end of a name: the end of the text or of a clause, or one of those words.
_NAME_END = rf"(?=\s*(?:$|[,.!?;，。！？；]|[\s,]+{_NOT_NAME}\b))"
# ... and after "Smith, John": no comma ("Smith, John, Mary" is three people) and no "and" or "or"
# ("Smith, John and Mary"): only the end, a full stop, a date or politeness.
_DATE_OR_POLITE = (r"(?:please|pls|plz|thanks|thank|thx|today|tomorrow|tmrw|tonight|next|last|coming|this|on|by|asap|now"
                   + _SOON +
                   r"|instead|mon|monday|tue|tues|tuesday|wed|wednesday|thu|thur|thurs|thursday|fri|friday|sat"
                   r"|saturday|sun|sunday)")
_SURNAME_FIRST_END = rf"(?=\s*(?:$|[.!?]|\s+{_DATE_OR_POLITE}\b))"
# Words said before a comma that are no surname: "Sorry, John", "Yes, John", "Hi, John".
_NOT_SURNAME = frozenset("""yes yeah yep yup no nope nah ok okay sure sorry hi hey hello thanks thank well oh ah uh um
umm hmm actually right fine great cool alright so and but or please dear wait also then now send pay to for it its
it's that that's this is not correct wrong again recipient name payee
guy man lady mate friend buddy pal boss landlord landlady neighbour neighbor cousin brother sister mum mom dad son
daughter uncle aunt auntie wife husband partner colleague plumber contractor tutor teacher doctor dentist cleaner
babysitter nanny tenant roommate flatmate electrician mechanic builder gardener""".split())
# (the last three lines: who a person is, no surname: "move 2000 to my savings guy, Peter" paid "Peter guy": customer
# trial, session 36)
# After such a dot: the name goes on ("Plan B. Thanks" ends a clause).
_AFTER_NAME_DOT_RE = re.compile(rf"\s+(?!{_NOT_NAME}\b)[^\W\d_]", re.IGNORECASE)
_AFTER_INITIAL_DOT_RE = re.compile(rf"\s+(?!(?i:{_NOT_NAME})\b)[A-Z][a-z]")
# A word of a name after a title: none of those words, an initial aside ("A." of "John A. Smith").
_NAME_WORD = rf"(?!{_NOT_NAME}\b(?!\.)){_WORD}"
# A name's words after a title (with its dot or not): one to four, initials among them ("John A. Smith").
_NAME_AFTER_TITLE_RE = re.compile(
    rf"{_TITLE}(?:\.\s*|\s+)(?P<name>{_NAME_WORD}\.?(?:\s+{_NAME_WORD}\.?){{0,3}})"
    rf"(?<!\.){_NAME_END}", re.IGNORECASE)
_TITLE_AT_START_RE = re.compile(rf"{_TITLE}(?![^\W\d_])", re.IGNORECASE)
_TITLE_JUST_BEFORE_RE = re.compile(rf"(?<![^\W\d_]){_TITLE}\.?\s+$", re.IGNORECASE)
# A title before two name words or more: dropped from the value.
_LEADING_TITLE_RE = re.compile(rf"{_TITLE}(?:\.\s*|\s+)(?=(?:{_WORD}\.?\s+)+{_WORD})", re.IGNORECASE)

# "Smith, John": two one-word parts with a comma between them, where the name ends.
_SURNAME_FIRST_RE = re.compile(rf"(?P<surname>{_WORD})\s*,\s*(?P<first>{_WORD}){_SURNAME_FIRST_END}")
# Common given names. "Surname, First" is read as one name only when the second part is one of
# these and the first part is none: "John, Mary" is two people, and so is "Smith, Jones" (no given
# name). Names that are also months, common words or common surnames ("May", "June", "Will", "Chen",
# "Kim") are left out: as the first part they are surnames ("May, Hope" is Hope May). A name
# missing here only keeps the behaviour from before: the first part alone.
GIVEN_NAMES = frozenset("""
aaron abigail adam adrian ahmed aisha alan albert alex alexander alexandra alice alicia alison amanda amber amelia
amy ana andrea andrew angela anita ann anna anne anthony antonio arthur ashley barbara ben benjamin beth betty bill
bob brandon brenda brian bruce carl carlos carol caroline catherine charles charlie charlotte chidi chloe chris
christina christine christopher claire craig daniel david deborah debra dennis diana diane donald donna dorothy
douglas dylan edward elena elizabeth ella ellen emily emma eric ethan eva evelyn fatima frank gary george grace
gregory hannah harry heather helen henry hope ian isabella jack jacob james jane janet jason jean jennifer jeremy
jessica joan joe john jonathan jordan jose joseph joshua joyce juan judith julia julie justin karen kate katherine
kathleen keith kelly kemi kenneth kevin kim kofi laura lauren linda lisa liam lily lucas lucy luis maria marie marilyn
mark martha mary matthew megan melissa michael michelle mohamed mohammed muhammad nancy natalie nathan nicholas
nicole noah olivia oliver pamela patricia patrick paul peter philip priya rachel ramesh raymond rebecca richard
robert roger ronald rose ruth ryan samantha samuel sandra sara sarah scott sean sharon sofia sophia sophie stephanie
stephen steven susan suresh teresa thomas timothy tom tony victoria vincent walter wayne william zoe
""".split())


# Given names that are also everyday words ("send 40 dollars to Will", "send 20 to Hope too", "send $20 to Jo tmrw":
# no name was read, customer trials of sessions 35-36): such a word is a name only where it is written with a capital
# in the middle of a message whose other words are not capitalised (framework.slots.context).
NAME_WORDS = frozenset("""
will hope grace joy faith may june april rose jo bill mark pat sue don frank guy bob sunny summer autumn dawn ray jack
rob nick drew chase penny ruby amber ivy holly robin max harry sandy eve miles reed cliff dale glen heath lance wade
rocky rusty sky river brook jay kit mo al art ben chuck dot gene hunter jewel king lee mercy noble pearl rich star
tiny victor violet wendy will iris olive hazel ginger honey crystal destiny heaven angel bliss
""".split())


def name_word(text: str, start: int, word: str) -> bool:
    """True when `word` (said at text[start:]) is one of NAME_WORDS written as a name: a capital, then lower case, not
    at the start of the message, in a message whose words before it are not capitalised ("send 20 to Hope too"; not
    "Send To Will" nor "Hope you can help")."""
    if not (word[:1].isupper() and word[1:].islower() and word.lower() in NAME_WORDS):
        return False
    before = re.findall(r"[^\W\d_]+", text[:start])
    return bool(before) and all(not w[:1].isupper() or w in ("I", "OK", "Ok") for w in before[1:])


def name_dot(text: str, at: int) -> bool:
    """True when the dot at text[at] belongs to a name: after a title ("Ms. Hope May") or an
    initial ("John A. Smith"), with the name going on after it."""
    before = text[max(0, at - 60):at]  # a title or an initial is short; the whole text per dot was quadratic
    if _TITLE_BEFORE_DOT_RE.search(before):
        return bool(_AFTER_NAME_DOT_RE.match(text, at + 1))
    return bool(_INITIAL_BEFORE_DOT_RE.search(before) and _AFTER_INITIAL_DOT_RE.match(text, at + 1))


def name_after_title(text: str, start: int, end: int) -> int | None:
    """Where the name of a span text[start:end] ends when the span starts with a title ("Ms"
    of "send $50 to Ms. Hope May") or follows one ("hope" of "to ms hope may"): after the
    name's words that end the clause (politeness and a date may follow them). None when no
    title is there, or no such words follow it."""
    span = text[start:end]
    if _TITLE_AT_START_RE.match(span):
        title_at = start
    else:
        before = _TITLE_JUST_BEFORE_RE.search(text, 0, start)
        if before is None:
            return None
        title_at = before.start()
    m = _NAME_AFTER_TITLE_RE.match(text, title_at)
    return m.end("name") if m is not None else None


def without_title(value: str) -> str:
    """The name without the title said before it, when two words or more follow the title
    ("Ms. Hope May" -> "Hope May", "Dr Amelia Watson-Clarke" -> "Amelia Watson-Clarke"); a
    title alone, or one with one word ("Mr Smith"), is kept as said."""
    return _LEADING_TITLE_RE.sub("", value.strip(), count=1) if _LEADING_TITLE_RE.match(value.strip()) else value


def surname_first(text: str, start: int = 0) -> re.Match | None:
    """"Smith, John" at text[start:], where the name ends (at the end, before a date or a polite
    word): the match, with groups `surname` and `first`, when it reads as one name (see
    GIVEN_NAMES), else None."""
    m = _SURNAME_FIRST_RE.match(text, start)
    if m is None:
        return None
    surname, first = m.group("surname").lower(), m.group("first").lower()
    if first not in GIVEN_NAMES or surname in GIVEN_NAMES or surname.replace("’", "'") in _NOT_SURNAME:
        return None
    return m


def reordered(m: re.Match) -> str:
    """"John Smith" for the match of "Smith, John"."""
    return f"{m.group('first')} {m.group('surname')}"


def first_name_first(value: str) -> str | None:
    """A whole value "Smith, John" (a full stop after it aside) as "John Smith"; None when the
    value is no such name."""
    said = value.strip().rstrip(".!")
    m = surname_first(said)
    return reordered(m) if m is not None and m.end() == len(said) else None


# Two people joined by "and", "&", "or" ("split 100 between Tom and Jerry", "send 100 to Tom and Jerry",
# "Tom & Jerry"): one transfer goes to one person, and a customer trial of session 29 sent the $100 to
# Jerry alone. A list may have commas before its last joiner ("Tom, Dick and Harry").
_JOINER = r"(?:,\s*)?(?i:\band\b|\bor\b|&|\+)"
_GAP_RE = re.compile(rf"\s*(?:{_JOINER}|,)\s*")
_JOINED_IN_VALUE_RE = re.compile(rf"\s*{_JOINER}\s*")
_CAPITALISED = rf"(?!(?i:{_NOT_NAME}|send|pay|transfer|give|split|wire)\b)[A-Z][a-z'’\-]+"
_PERSON = rf"{_CAPITALISED}(?:\s+{_CAPITALISED})?"
# A capitalised name said right after a found one, or right before it, with a joiner between them: the
# other person where the model tagged one only ("Jerry" of "between Tom and Jerry").
_OTHER_AFTER_RE = re.compile(rf"\s*{_JOINER}\s*(?P<name>{_PERSON})(?![^\W\d_])")
_OTHER_BEFORE_RE = re.compile(rf"(?<![^\W\d_])(?P<name>{_PERSON})\s*{_JOINER}\s*$")
_PART_RE = re.compile(r"[^\W\d_][^\W\d_'’\-]*(?:['’\-][^\W\d_]+)*(?:\s+[^\W\d_]+(?:['’\-][^\W\d_]+)*){0,2}")


def _value_bounds(text: str, start: int, end: int, value: str) -> tuple[int, int]:
    """Where `value` lies in the span text[start:end] (a tidied value: "Tom" of the span "Tom and")."""
    at = text.find(value, start, end)
    return (at, at + len(value)) if at >= 0 else (start, end)


def joined_people(text: str, found: list[tuple[int, int, str]]) -> list[str]:
    """The people a message names for one name slot, joined by "and", "&" or "or", in their order, each
    once: `found` holds the (start, end, value) of the values found for the slot (spans inside others
    already dropped). Several found values joined so ("Tom" and "Jerry" of "between Tom and Jerry"), one
    value that is two names so joined ("Tom & Jerry"), or one value with a capitalised name joined to it
    in the text ("Tom" of "send 100 to Tom and Jerry", only "Tom" tagged). Fewer than two: []."""
    spans = sorted({(*_value_bounds(text, s, e, v), v.strip()) for s, e, v in found if v and v.strip()})
    if not spans:
        return []
    people = _joined_people(text, spans)
    # a firm's name is one payee: "pay the florist, Bloom & Co, 450 dollars" asked which of "Bloom" and "Co" (customer
    # trial, session 47, round 3)
    return [] if any(_FIRM_TAIL_RE.fullmatch(p) for p in people[1:]) else people


_FIRM_TAIL_RE = re.compile(r"(?:Co|Co\.|Company|Sons?|Daughters|Partners|Associates|Brothers|Bros\.?|Ltd\.?|Inc\.?|LLC|LLP|Friends"
                           r"|Family|Kids)", re.IGNORECASE)


def _joined_people(text: str, spans: list) -> list[str]:
    """joined_people of the sorted (start, end, value) spans."""
    if len({v for _, _, v in spans}) == 1:  # one value, found by the model and a template alike
        start, end, value = spans[0]
        parts = _JOINED_IN_VALUE_RE.split(value)
        if len(parts) > 1 and all(_PART_RE.fullmatch(p) for p in parts):
            return list(dict.fromkeys(parts))
        after = _OTHER_AFTER_RE.match(text, end)
        before = _OTHER_BEFORE_RE.search(text, 0, start)
        other = after or before
        if other is None or other.group("name").lower() == value.lower():
            return []
        return [value, other.group("name")] if other is after else [other.group("name"), value]
    names = [spans[0][2]]
    joined = False
    for (_, end, _), (start, _, value) in zip(spans, spans[1:]):
        if start < end:
            return []  # overlapping: two readings of one name
        gap = _GAP_RE.fullmatch(text, end, start)
        if gap is None:
            return []
        joined = joined or gap.group().strip(" ,") != ""
        names.append(value)
    names = list(dict.fromkeys(names))
    return names if joined and len(names) > 1 else []


# Another person named before the name: "我朋友李娜推荐我来开户的" opened the account in the name 李娜,
# "营业厅有个叫孙丽的态度很差" filed the complaint under the clerk's name, "对了我老婆叫王丽" renamed the
# customer (customer trial, session 29). Only for a slot of the customer's own name (`own: true`).
_ANOTHER_BEFORE = {
    "zh": re.compile(r"(?:(?:老婆|老公|爱人|媳妇|妻子|丈夫|对象|儿子|女儿|闺女|孩子|爸爸?|妈妈?|父亲|母亲|老爸|老妈|老伴|朋友|同事"
                     r"|同学|邻居|哥哥?|姐姐?|弟弟?|妹妹?|家人|亲戚|营业员|客服|工作人员|员工|经理|师傅|领导|老板|业务员|装维"
                     r"|他|她|别人|人家)(?:的名字|的姓名)?(?:叫做?|名叫|是)?"
                     r"|(?:有个|有一个|有位|有一位|那个|那位|一个|这个|这位)(?:人|姑娘|小伙子|女的|男的)?(?:叫做?|名叫))\s*$"),
}


# ... or right after it: "刘芳，是我老婆，她让我来办的" at "请问您的姓名是？" opened the account in the wife's name, "王秀兰，
# 我妈的名字" filed the complaint under the mother's name with the son's ID (customer trial, session 33)
KIN_ZH = (r"老婆|老公|爱人|媳妇|妻子|丈夫|对象|儿子|女儿|闺女|孩子|爸爸?|妈妈?|父亲|母亲|老爸|老妈|老伴|朋友|同事|同学|邻居"
        r"|哥哥?|姐姐?|弟弟?|妹妹?|家人|亲戚|爷爷|奶奶|外公|外婆|姥姥|姥爷|公公|婆婆|岳父|岳母|丈母娘"
        # "我是王小明，我孙子说…" was read back with the name "孙子" (customer trial, session 40)
        r"|孙子|孙女|外孙女?|儿媳妇?|女婿|侄子|侄女|外甥女?|叔叔|阿姨|舅舅|姑姑|老头子?|老太太|领导|老板")
_ANOTHER_AFTER = {
    "zh": re.compile(rf"^\s*[，,、]?\s*(?:她|他)?(?:是|就是|乃)?(?:我|俺)(?:的|家)?(?:{KIN_ZH})(?:的名字|的姓名|的)?(?=$|[，,。.!！?？;；\s]|啊|呀|哈|吧)"),
}


_KIN_ONLY = re.compile(rf"(?:我|俺)?(?:的|家)?(?:{KIN_ZH})")


def names_kin(value: str) -> bool:
    """"我老婆", taken as the name from "刘芳是我老婆": a relation, no one's name."""
    return bool(_KIN_ONLY.fullmatch(value.strip()))


def another_persons_name(text: str, start: int, language: str | None, end: int | None = None) -> bool:
    """True when the words right before `text[start:]` (or, given its `end`, right after the name) name someone other
    than the customer."""
    key = language_key(language) or "en"
    pattern, after = _ANOTHER_BEFORE.get(key), _ANOTHER_AFTER.get(key)
    if pattern is not None and start > 0 and pattern.search(text[max(0, start - 12):start]):
        return True
    return after is not None and end is not None and bool(after.match(text[end:end + 12]))


# A name as written alone, whatever a classifier makes of it ("阿卜杜拉·买买提", "扎西次仁", "王芳" read as 再见 at the name
# question asked whether to stop, and "对" cancelled the opening: customer trial, session 33): Han characters with a
# middle dot between the parts of a transliterated name, two to four starting with a common surname or a common start
# of a Tibetan, Uyghur or Mongolian name, or capitalised Latin words
_MINORITY_STARTS = ("扎西", "次仁", "卓玛", "旦增", "格桑", "达瓦", "尼玛", "多吉", "阿卜", "买买", "古丽", "热依", "努尔",
                    "艾力", "迪丽", "阿依", "巴特", "其其格", "乌云", "那仁", "阿迪", "帕提", "吐尔")
_DOTTED = re.compile(r"[\u4e00-\u9fff]{1,8}(?:[·•・][\u4e00-\u9fff]{1,8}){1,2}")
_HAN_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
_LATIN_NAME = re.compile(r"[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){0,3}")


def written_name(text: str) -> bool:
    """Whether the whole text is a person's name as written (see above)."""
    from framework.slots.partial_names import COMMON_SURNAMES_ZH

    said = text.strip().strip("。.!！")
    for lead in ("我叫", "我是", "名字是", "姓名"):
        said = said[len(lead):] if said.startswith(lead) else said
    if _DOTTED.fullmatch(said) or _LATIN_NAME.fullmatch(said):
        return True
    return bool(_HAN_NAME.fullmatch(said)) and (said[0] in COMMON_SURNAMES_ZH or said.startswith(_MINORITY_STARTS)
                                               or said[:2] in COMPOUND_SURNAMES_ZH)


COMPOUND_SURNAMES_ZH = frozenset("欧阳 司马 诸葛 上官 东方 皇甫 慕容 令狐 司徒 夏侯 公孙 轩辕 尉迟 长孙 宇文 端木 南宫 西门 "
                                 "独孤 澹台 申屠 万俟 闻人 呼延 赫连".split())
