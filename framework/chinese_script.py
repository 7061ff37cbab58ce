"""Traditional Chinese typed to an assistant written in Simplified Chinese, read as Simplified.

Found in a customer trial (telecom_zh, session 30): "我想查下話費餘額，號碼是13812345678" had its 話費餘額 found by no
synonym (the domain lists 话费余额) and the balance question was asked again; "換套餐" was no plan change; "餘額" at
the menu was refused. Customers in Hong Kong, Macau and Taiwan, and many on the mainland, type Traditional
characters. OpenCC (the `opencc` package, the conversion tables every major Chinese input method uses) converts
the message, character by character ("t2s"), before anything reads it: the classifier (trained on Simplified
examples), the synonyms, the templates. Only for a domain whose `language` is Chinese without a Traditional
region or script (zh, zh-CN, zh-SG, zh-Hans); a zh-TW / zh-HK / zh-Hant domain keeps what was typed. A conversion
that would change the message's length is not used (entity offsets index the text), nor is any when OpenCC is
not installed.
"""
from __future__ import annotations

import functools
import re

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TRADITIONAL_LOCALES = ("tw", "hk", "mo", "hant")


def simplifies(language: str | None) -> bool:
    """Whether messages to an assistant in `language` are read in Simplified characters."""
    parts = (language or "").lower().replace("_", "-").split("-")
    return parts[0] == "zh" and not any(p in _TRADITIONAL_LOCALES for p in parts[1:])


@functools.lru_cache(maxsize=1)
def _converter():
    try:
        import opencc
    except ImportError:  # an optional speed-up of reading, never a reason not to serve
        return None
    return opencc.OpenCC("t2s")


def simplified(text: str, language: str | None) -> str:
    """`text` in Simplified characters for a Simplified-Chinese assistant; else as it is."""
    if not text or not simplifies(language) or not _CJK.search(text):
        return text
    converter = _converter()
    if converter is None:
        return text
    out = converter.convert(text)
    return out if len(out) == len(text) else text
