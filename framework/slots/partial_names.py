"""A surname alone is no name: "我姓李", "王女士", "Mr Smith", "my last name is Smith".

Found in a customer trial (telecom_zh, session 13): at "麻烦告诉我您的真实姓名（与身份证一致）"
the answers "我姓李" and "王女士" were stored as the name and the flow went on to the ID
number; the name then matched no ID card. A text slot has only length checks, and both
answers pass them. People say these as a polite first answer, so they are no wrong answer
either: framework.engine.value_guard asks for the full name (`utter_full_name`) without
using up an attempt, and framework.engine.slot_filling stores no such value found inside a
message.

Only a short text slot (a name: framework.slots.context.short_text) is checked, and only
these shapes, which are never a whole person's name:

- a message that states a surname and nothing else: "我姓李", "免贵姓王", "本人姓欧阳",
  "my surname is Li", "last name's Smith";
- a value that is a surname with a title: "王女士", "李先生", "张小姐", "刘老师", "Mr Smith",
  "Mrs. Lee", "Dr Brown". A title with a full name ("Mr John Smith") is a name.

"叫我老王就行" stays a value (the customer chose how to be called), and so does "我姓李，叫
李明": its value is 李明.
"""
from __future__ import annotations

import re

from framework.slots.answers import language_key, yes_no

_PUNCT = " \t\u3000,.!?;:~，。！？；：、…～\"'“”‘’"
_CJK = r"[\u3400-\u9fff]"
_SURNAME_STATEMENT = {
    "zh": re.compile(rf"(?:我|本人)?(?:免贵)?姓(?:是)?{_CJK}{{1,2}}(?:的)?[吧啊呀哦呢]?"),
    "en": re.compile(r"(?:(?:my|his|her|their|the)\s+)?(?:surname|last\s+name|family\s+name)"
                     r"(?:\s+is|['’]s)?\s+[a-z][a-z'’-]*", re.IGNORECASE),
}
_TITLED_SURNAME = {
    "zh": re.compile(rf"{_CJK}{{1,2}}(?:先生|女士|小姐|太太|夫人|老师|师傅)"),
    "en": re.compile(r"(?:mr|mrs|ms|miss|mx|dr)(?:\.\s*|\s+)[a-z][a-z'’-]*", re.IGNORECASE),
}


def partial_name(text: str, value: str, language: str | None) -> bool:
    """True when the message states only a surname, or the value (or the whole message) is a
    surname with a title."""
    code = language_key(language or "en")
    statement, titled = _SURNAME_STATEMENT.get(code), _TITLED_SURNAME.get(code)
    said = text.strip(_PUNCT)
    # "那好吧，我姓林" (customer trial, session 25): a yes or no first, then only the surname
    first, rest = (re.split(r"[,，。.!！;；]", said, maxsplit=1) + [""])[:2]
    if rest.strip(_PUNCT) and yes_no(first, language) is not None:
        said = rest.strip(_PUNCT)
    if statement is not None and statement.fullmatch(said):
        return True
    # the value, or the whole message: "Mrs. Lee" splits into two clauses at its dot
    return titled is not None and any(titled.fullmatch(t) for t in (str(value).strip(_PUNCT), said))
