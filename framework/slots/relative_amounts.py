"""A change of an amount said relative to the one already given. Pure.

"actually add another 20", "plus 50", "20 less", "再加20", "多加50块", "少20", "减掉20" after an
amount was set: the number is how much to add or take off, not the new total (customer trial,
session 27: "add another 20" to $150 sent $20). `relative_change(text, spans, language)`
looks at the words right around each value span of the message (spans of entities the caller
read as amounts) and says which one is a change and which way: +1 (add), -1 (take off), or 0
when the message speaks of a change whose direction it does not give ("change it by 20",
"差20") or gives both ways. None when no span has such words, or when the message also says
an amount that has none ("not 20 more, make it 200"): the values are then read as they always
were. "increase it to 200", "加到200", "at least 20", "至少20", "差不多20", "20多" are no
relative change.
"""
from __future__ import annotations

import re
from typing import Iterable

from framework.slots.answers import language_key

Span = tuple[int, int]

_I = re.IGNORECASE
_EN_OBJECT = r"(?:\s+(?:it|that|this|the\s+(?:amount|total|sum|transfer|payment)))?"
_EN_UNIT = r"(?:(?:dollars?|bucks?|usd|quid)\s+)?"
# What may follow "20 more" / "20 less": nothing, punctuation, or a word that ends the phrase
# ("one more thing", "20 more days" are no amount)
_EN_END = r"(?=\s*(?:$|[,.!?;:)]|(?:please|pls|then|than|to|on|for|and|thanks|thank|instead|now|actually)\b))"

# (sign, words right before the span, words right after it); both given: both must be there
_CUES: dict[str, tuple[tuple[int, re.Pattern | None, re.Pattern | None], ...]] = {
    "en": (
        (1, re.compile(r"\b(?:add(?:\s+on)?|plus|another|(?:an?\s+)?(?:extra|additional)|top" + _EN_OBJECT
                       + r"\s+up\s+(?:by|with)|(?:increase|raise|up|bump)" + _EN_OBJECT + r"(?:\s+up)?\s+by)"
                       r"\s+(?:(?:another|an?\s+(?:extra|additional)|extra|additional|on|just|only)\s+)?$", _I), None),
        (1, None, re.compile(r"^\s*" + _EN_UNIT + r"(?:more|extra|additional|on\s+top)\b" + _EN_END, _I)),
        (-1, re.compile(r"\b(?:minus|less|subtract|deduct|remove|take\s+(?:off|away)|knock\s+off|shave\s+off"
                        r"|(?:reduce|lower|decrease|cut|drop|bring)" + _EN_OBJECT + r"(?:\s+down)?\s+by)"
                        r"\s+(?:(?:just|only)\s+)?$", _I), None),
        (-1, None, re.compile(r"^\s*" + _EN_UNIT + r"(?:less|fewer)\b" + _EN_END, _I)),
        (-1, re.compile(r"\b(?:take|knock|shave)\s+$", _I),
         re.compile(r"^\s*" + _EN_UNIT + r"off\b", _I)),
        (0, re.compile(r"\b(?:(?:change|adjust|alter|modify|move|shift)" + _EN_OBJECT + r"|off)\s+by\s+$", _I), None),
        (0, re.compile(r"\b(?:a\s+)?difference\s+of\s+$", _I), None),
    ),
    "zh": (
        # "再加20", "多加50块", "加上20", "追加20", "多给我20", "多20"; not "最多20", "差不多20", "加到200"
        (1, re.compile(r"(?:(?:再|多|另外|额外)?(?:增加|追加|添加|加上|(?<![参更])加|补上|补)"
                       r"|(?<![至最不很好太许么])多(?:给|转|付|赔|算|补|要|退)?|再(?:给|补|赔|付|多给?))"
                       r"(?:了|点|个)?(?:我|他|她|他们)?$"), None),
        # "少20", "减掉20", "扣掉20", "少给20块钱"; not "至少20", "最少20", "多少", "减到100"
        (-1, re.compile(r"(?:减少|减掉|减去|减|扣掉|扣除|去掉|拿掉|降低|(?<![至最多不很好太缺])少"
                        r"(?:给|转|付|赔|算|要|退)?)(?:了|点|个)?(?:我|他|她|他们)?$"
                        # a bare "扣20" takes 20 off; "其实是扣了35块", "扣我35" at a complaint's loss say what was
                        # charged (read as 20 - 35, "没听懂这个金额": customer trial, session 30)
                        r"|(?<![多])扣(?:点|个)?$"), None),
        (0, re.compile(r"(?:(?<![不])差|相差|调整|改动|变动)(?:了|个)?$"), None),
    ),
}


def _cues(text: str, span: Span, language: str | None) -> set[int]:
    cues = _CUES.get(language_key(language) or "en") or _CUES["en"]
    start, end = span
    before, after = text[max(0, start - 60):start], text[end:end + 40]
    found = set()
    for sign, ahead, behind in cues:
        if (ahead is None or ahead.search(before)) and (behind is None or behind.search(after)):
            found.add(sign)
    return found


def relative_change(text: str, spans: Iterable[Span], language: str | None) -> tuple[int, Span] | None:
    """(sign, span) of the value in `text` said as a change of the amount already given: sign
    +1 to add it, -1 to take it off, 0 when the direction is unclear; None when there is none
    (see the module doc). `spans` are (start, end) offsets of the amounts in `text`."""
    marked = [(span, _cues(text, span, language)) for span in sorted(set(spans))]
    relative = [span for span, signs in marked if signs]
    if not relative or any(not signs and not _overlaps(span, relative) for span, signs in marked):
        return None
    signs = set().union(*(signs for _, signs in marked))
    first = relative[0]
    if any(not _overlaps(span, [first]) for span in relative) or len(signs) > 1 or 0 in signs:
        return 0, first  # two changes, or both ways: which one is meant is asked
    return signs.pop(), first


def _overlaps(span: Span, others: list[Span]) -> bool:
    """`span` shares characters with one of `others`: two readings of one amount ("20", "20 bucks")."""
    return any(span[0] < o[1] and o[0] < span[1] for o in others)


# "make it double", "double it", "twice that", "half of it", "翻倍", "减半": the whole message (less a lead-in such
# as "actually" / "no wait" / "其实") multiplies the amount already given ("make it double" at a read-back of $50
# heard "I'm not sure I understood": customer trial, session 35)
_LEAD = {"en": r"^(?:(?:oh|ah|hmm+|actually|wait|no|nah|sorry|ok(?:ay)?|yes|yeah|but|and|um+|er+m*|you know what|on second thought"
               r"|can you|could you|please|pls|let'?s)[\s,.!]*)*",
         "zh": r"^(?:(?:哦|噢|啊|嗯|其实|等等|等一下|不对|算了|还是|那|那就|帮我|给我|麻烦)[\s，,。！!、]*)*"}
_TAIL = {"en": r"[\s,.!]*(?:please|pls|plz|then|instead|actually|thanks|thank you)?[\s,.!]*$",
         "zh": r"[\s，,。！!吧呀啊~～]*$"}
_MULTIPLES = {
    "en": ((2, r"(?:make\s+(?:it|that)\s+(?:double|twice\s+(?:that|as\s+much))|double\s+(?:it|that|the\s+amount)"
               r"|twice\s+(?:that|as\s+much)|(?:send\s+|make\s+it\s+)?double)"),
           (3, r"(?:make\s+(?:it|that)\s+(?:triple|three\s+times\s+(?:that|as\s+much))|triple\s+(?:it|that|the\s+amount))"),
           (0.5, r"(?:make\s+(?:it|that)\s+half(?:\s+(?:of\s+)?(?:that|it))?|halve\s+(?:it|that|the\s+amount)"
                 r"|(?:just\s+|only\s+)?half\s+(?:of\s+)?(?:it|that|the\s+amount)|half\s+as\s+much)")),
    "zh": ((2, r"(?:金额)?(?:翻倍|翻一倍|加倍|双倍|乘以二|乘2|再加一倍|多一倍)"),
           (0.5, r"(?:金额)?(?:减半|砍半|砍一半|少一半|只要一半|一半就行|一半就好|改成一半|一半)")),
}


def multiple(text: str, language: str | None) -> float | None:
    """The factor a message that only says to multiply the amount already given says ("make it double" -> 2,
    "half of that" -> 0.5, "翻倍" -> 2), or None."""
    key = "zh" if language_key(language) == "zh" else "en"
    for factor, words in _MULTIPLES[key]:
        if re.match(_LEAD[key] + words + _TAIL[key], text.strip(), re.IGNORECASE):
            return factor
    return None
