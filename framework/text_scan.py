"""Linear-time scanners for personal values in free text: runs of grouped digits and e-mail
addresses, over any form a user may type them in.

Why not one regular expression each: Python's `re` backtracks, and the obvious e-mail
pattern `[local]+@domain` is quadratic on a long run of letters with no `@` (every start
position rescans the run: 20k letters took 0.45 s, 300k hung a server). Here every
pattern is either applied at one fixed position (`match`, never `search`) or has a
bounded length per start, so each character is examined a constant number of times.

`fold_forms(text)` first maps each character to the ASCII one it stands for, one
character for one, so offsets found in the folded text are offsets in the original:
full-width forms (`１３８`, `＠`), any Unicode decimal digit, any space (the ideographic
space U+3000 too) and any dash. The slot types accept these forms (`\\d` and `\\s` are
Unicode-aware), so masking has to recognise them too.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterator

__all__ = ["EmailPattern", "EMAIL_PATTERN", "digit_runs", "find_emails", "fold_forms"]


class _FormTable(dict):
    """`str.translate` table computed per character on first sight (the whole Unicode
    range would cost ~0.3 s at import)."""

    def __missing__(self, code: int) -> int:
        ch = chr(code)
        folded = code
        digit = unicodedata.decimal(ch, None)
        if digit is not None:
            folded = 48 + digit
        elif ch.isspace():
            folded = 32
        elif unicodedata.category(ch) == "Pd" or ch == "\u2212":  # dashes, minus sign
            folded = 45
        else:
            nfkc = unicodedata.normalize("NFKC", ch)
            if len(nfkc) == 1 and nfkc.isascii():  # full-width letters, ＠, ＋, ．, ﹫ ...
                folded = ord(nfkc)
        self[code] = folded
        return folded


_FORMS = _FormTable({c: c for c in range(128)})


def fold_forms(text: str) -> str:
    """`text` with each character replaced by the ASCII one it stands for; same length."""
    return text.translate(_FORMS)


# A run of 11 or more digits (shorter ones identify no one) grouped by up to three spaces or
# dashes ("1394 567 8901", "110101 1990 0307 7774"), with an optional leading + and a
# trailing X (the ID check character). Each repetition must consume a digit and separators
# are not digits, so the engine never backtracks more than three characters; a start that
# fails has read at most 11 digits; finditer resumes after a run, never inside it.
_DIGIT_RUN = re.compile(r"(?<![0-9])\+?[0-9](?:[ -]{0,3}[0-9]){10,}(?:[Xx](?![A-Za-z0-9]))?")


def digit_runs(folded: str) -> Iterator[re.Match]:
    """Maximal runs of 11+ grouped digits in text already passed through `fold_forms`."""
    return _DIGIT_RUN.finditer(folded)


_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_LOCAL_RUN = re.compile(r"[A-Za-z0-9._%+-]*")  # applied to the reversed text
_DOMAIN_CHAIN = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
_TLD = re.compile(r"\.[A-Za-z]{2,}")
# The `@`s worth a closer look: a local character before, a domain with a dot after. The
# lookahead only reads the label chain up to the next `@` (not a domain character) and its
# labels are split by dots, so it is linear in that chain; `@` is a literal the engine
# searches for at C speed, so text with many bare `@`s costs no Python per `@`.
_AT_WITH_DOMAIN = re.compile(r"(?<=[A-Za-z0-9._%+-])@(?=[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2})")


def find_emails(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each e-mail address, exactly the spans `_EMAIL.finditer` would give
    (leftmost, greedy), in O(len(text)).

    Only the characters around each `@` are looked at: the local part is the run of local
    characters just before it (matched forward in the reversed text), the domain the chain
    of labels after it, cut after the last `.` followed by two or more letters (where the
    greedy pattern backtracks to). A local run stops at the previous `@` and a domain chain
    at the next one, so each character is scanned at most twice.
    """
    if "@" not in text:
        return
    reversed_text = text[::-1]
    n, resume = len(text), 0
    for candidate in _AT_WITH_DOMAIN.finditer(text):
        at = candidate.start()
        if at >= resume:
            local = _LOCAL_RUN.match(reversed_text, n - at).end() - (n - at)
            start = max(resume, at - local)
            chain = _DOMAIN_CHAIN.match(text, at + 1) if start < at else None
            if chain is not None:
                tld = None
                for tld in _TLD.finditer(text, chain.start(), chain.end()):
                    pass
                if tld is not None:
                    yield start, tld.end()
                    resume = tld.end()


class EmailPattern:
    """The `re.Pattern` methods the slot extractors use (`finditer`, `fullmatch`, `search`)
    for e-mail addresses, in linear time; the matches are real `re.Match` objects."""

    pattern = _EMAIL.pattern

    def finditer(self, text: str) -> Iterator[re.Match]:
        for start, end in find_emails(text):
            yield _EMAIL.fullmatch(text, start, end)  # O(end - start): the span is an address

    def search(self, text: str) -> re.Match | None:
        return next(self.finditer(text), None)

    def fullmatch(self, text: str) -> re.Match | None:
        first = next(iter(find_emails(text)), None)
        return _EMAIL.fullmatch(text) if first == (0, len(text)) else None


EMAIL_PATTERN = EmailPattern()
