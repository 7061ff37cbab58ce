"""A button named by its place: "the first one", "option 2", "第二个", "最后一个". Pure.

The agent keeps the buttons of the turn's last reply that showed any (SessionState.buttons,
until the next turn). A message that only names one of them by its place is that button's
payload, as if it had been clicked: "first one" at "Which would you like to change? [amount]
[recipient] [date]" was read as out of scope and the question asked again (session 25's
trial). Nothing else in the message: "the first one was wrong" names no button.
"""
from __future__ import annotations

import re
from typing import Sequence

from framework.slots.answers import language_key

_EN_PLACES = {"first": 0, "1st": 0, "top": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3,
              "4th": 3, "fifth": 4, "5th": 4, "last": -1, "bottom": -1}
_ZH_DIGITS = {"一": 0, "1": 0, "二": 1, "2": 1, "两": 1, "三": 2, "3": 2, "四": 3, "4": 3, "五": 4, "5": 4}

_EN = re.compile(
    r"^(?:(?:um+|uh+|ok(?:ay)?|hmm+|so|then|yeah|yes|i'?ll (?:take|go with|have)|i (?:want|choose|pick|need)|"
    r"i'?d like|let'?s (?:go with|do)|go with|pick|choose|take|select|just)\s+)*"
    r"(?:(?:the|that)\s+)?(?:(?P<place>first|1st|top|second|2nd|third|3rd|fourth|4th|fifth|5th|last|bottom)"
    r"(?:\s+(?:one|option|button|choice|item))?|(?:option|choice|number|no\.?|#)\s*(?P<number>[1-5]))"
    r"(?:\s+(?:one|please|pls|plz|thanks|thx|mate))*$", re.IGNORECASE)
_ZH = re.compile(r"^(?:嗯|那|就|我)*(?:要|选|选择|点|办)?(?:(?:第(?P<place>[一二两三四五1-5])(?:个|项|种|档|条|那个|一个)?)"
                 r"|(?P<last>最后(?:一个|那个|一项|一种|一档)))(?:吧|啊|呀|了|的|哈|好了)*$")
_EDGE = " \t\r\n,.!?;:~，。！？；：、…～\"'“”‘’"


def chosen(buttons: Sequence[tuple[str, str]], text: str, language: str | None) -> tuple[str, str] | None:
    """The (title, payload) of the button `text` names by its place, or None."""
    if not buttons or not text:
        return None
    said = text.strip(_EDGE)
    index = None
    if language_key(language) == "zh":
        m = _ZH.match(said)
        if m:
            index = -1 if m.group("last") else _ZH_DIGITS[m.group("place")]
    if index is None:
        m = _EN.match(said.lower())
        if m:
            index = _EN_PLACES[m.group("place").lower()] if m.group("place") else int(m.group("number")) - 1
    if index is None or not -len(buttons) <= index < len(buttons):
        return None
    return buttons[index]


def names_a_place(text: str, language: str | None) -> bool:
    """Whether the message only names a place in a list ("第一个", "the first one"): at a yes/no
    question with no list it is no answer ("第一个" read as 肯定 0.76 submitted a plan change,
    customer trial of session 26)."""
    return chosen(tuple(("", "") for _ in range(5)), text, language) is not None
