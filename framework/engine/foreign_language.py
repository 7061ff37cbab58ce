"""A message written in a script the assistant's language does not use.

Found in a customer trial (session 15): "我的卡丢了" and "Я потерял карту" sent to the English
banking assistant got "I'm not sure I understood. Say "help" to see what I can do.": a
customer who cannot read English is told to type an English word. When the classifier
was not sure (the fallback, framework.engine.turn) and most of the message's letters are of
a script the domain's language is not written in (Han, Cyrillic, Arabic, Hangul, ... for
English; anything but Han and Latin for Chinese, whose customers mix in English words),
or when such a message is no valid value at a question (no attempt is used up then),
the assistant says `utter_language_unsupported` instead ("Sorry, I can only chat in
English.", "抱歉，我目前只能用中文交流。"; a domain's response of that name wins), and asks its
question again as the fallback does. Event `language_unsupported` with the script.

A message the classifier understood is left alone (a multilingual base reads English in a
Chinese domain), and so is a value ("我的卡号是4821" fills the digits before any of this).
Latin-script languages other than English ("necesito bloquear mi tarjeta") cannot be told
from English by their letters; they keep the classifier's reading.
"""
from __future__ import annotations

import unicodedata

from framework.engine.context import TurnContext
from framework.slots.answers import language_key

RESPONSE = "utter_language_unsupported"
SHARE = 0.6  # of the message's letters in scripts the language does not use
# Scripts each language is written in (the first word of a letter's Unicode name; "CJK" is Han).
_SCRIPTS = {
    "en": {"LATIN"}, "de": {"LATIN"}, "fr": {"LATIN"}, "es": {"LATIN"}, "it": {"LATIN"}, "pt": {"LATIN"},
    "nl": {"LATIN"}, "id": {"LATIN"}, "ms": {"LATIN"}, "vi": {"LATIN"}, "tr": {"LATIN"}, "pl": {"LATIN"},
    "zh": {"CJK", "LATIN"}, "ja": {"CJK", "HIRAGANA", "KATAKANA", "LATIN"}, "ko": {"HANGUL", "CJK", "LATIN"},
    "ru": {"CYRILLIC", "LATIN"}, "uk": {"CYRILLIC", "LATIN"},
}


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


def foreign_script(text: str, language: str | None) -> str | None:
    """The script most of the message's letters are in, when the language does not use it;
    None for a language without a listed script set, or a message mostly in its own."""
    scripts = _SCRIPTS.get(language_key(language) or "")
    letters = [ch for ch in text if unicodedata.category(ch).startswith("L")]
    if not scripts or not letters:
        return None
    counts: dict[str, int] = {}
    for ch in letters:
        script = _script(ch)
        if script not in scripts:
            counts[script] = counts.get(script, 0) + 1
    if sum(counts.values()) < SHARE * len(letters):
        return None
    return max(counts, key=counts.get)


def handle(ctx: TurnContext) -> bool:
    """At the fallback, or for no value at a question: True when the message was in a foreign script and that was said."""
    script = foreign_script(ctx.text or "", ctx.assistant.language)
    if script is None:
        return False
    ctx.emit("language_unsupported", script=script)
    ctx.say(RESPONSE)
    return True
