"""A message longer than the classifier reads (`max_length` tokens, 64 by default) is read
in windows, and the window the classifier is surest of gives its intent.

Found in a customer trial (banking_en, session 13): a ~1,950-character message ("so
basically " x 150, then "send forty two dollars to my brother Sam tomorrow") got "Sorry, I
didn't quite get that": the tokenizer kept the first 64 tokens and the request at the end
was never read. People write long messages in customer service (a story first, the request
last, or the request first and the story after), so neither end alone will do.

The rule:
- a text that fits is read as before (one pass, nothing else changes);
- a longer one is cut into consecutive windows that each fit, at the last clause end
  (framework.slots.context.clauses: ，。！？；,!?, a newline, a full stop before a space) in
  the second half of a window where there is one, else at the last whole token; the last
  window is the end of the text (as much as fits, from a clause start where there is one),
  so that a request said last is read whole;
- at most MAX_WINDOWS (4) are read: the first two and the last two (the request is at one
  end in the messages people write; a 5,000-character message costs the classifier 4
  windows, never 80, and the tokenizer a few calls per window on a bounded prefix);
- the intent ranking and the learnt entities are those of the window whose top intent is
  the most confident (entities at their offsets in the whole text): the request and its
  values are read together, and a number in the story ("a customer for ten years") is no
  amount. The pattern extractors (money, dates, IDs) still read the whole text.

Filler said over and over ("so basically " x 150, "就是说就是说……", "嗯嗯嗯嗯") is read once
(`collapse_repeats`, long texts only): a run of three or more copies of the same piece of up
to 24 characters with no digit in it keeps its first copy. In session 14 the trial message's
last window still held ~28 fillers and read `help` at 0.23; a phone or card number is never
touched (digits), and a text that fits is read as written.
"""
from __future__ import annotations

import re

from framework.slots.context import clauses

# three or more copies in a row of one piece (1-24 characters, no digit): filler
_REPEAT = re.compile(r"(\D{1,24}?)\1{2,}")

MAX_WINDOWS = 4
_CHARS_PER_TOKEN = 24  # more than any token covers (a long word piece, a URL's run of letters)
_SPECIAL_SLACK = 3  # [CLS], [SEP] and a zero-width first piece: a text this much shorter always fits


def _covered(tokenizer, text: str, max_length: int) -> int:
    """How many characters of `text` the first `max_length` tokens cover."""
    text = text[:max_length * _CHARS_PER_TOKEN]  # the first max_length tokens lie in it: a long text costs O(n)
    try:
        enc = tokenizer([text], padding=True, truncation=True, max_length=max_length, return_tensors="np",
                        return_offsets_mapping=True, return_special_tokens_mask=True)
    except (NotImplementedError, TypeError, ValueError):
        return len(text)  # a tokenizer without character offsets (a slow one): read as before, cut at max_length
    ends = [int(end) for (start, end), special in zip(enc["offset_mapping"][0], enc["special_tokens_mask"][0])
            if not special and end > start]
    return max(ends, default=len(text))


def collapse_repeats(text: str) -> tuple[str, list[int] | None]:
    """(`text` with each run of 3+ copies of a digit-free piece cut to its first copy, the
    index in `text` of each of its characters); (text, None) when nothing repeats."""
    kept, pos = [], 0
    for m in _REPEAT.finditer(text):
        kept.append((pos, m.start() + len(m.group(1))))
        pos = m.end()
    if not kept:
        return text, None
    kept.append((pos, len(text)))
    return "".join(text[a:b] for a, b in kept), [i for a, b in kept for i in range(a, b)]


def plan(tokenizer, text: str, max_length: int) -> tuple[list[tuple[int, str]], list[int] | None]:
    """How to read `text`: its windows, and None; or, for a text that does not fit and repeats
    filler, the windows of the text without it (collapse_repeats) and the index in `text` of
    each of that text's characters."""
    parts = windows(tokenizer, text, max_length)
    if len(parts) == 1:
        return parts, None
    collapsed, index = collapse_repeats(text)
    return (parts, None) if index is None else (windows(tokenizer, collapsed, max_length), index)


def windows(tokenizer, text: str, max_length: int) -> list[tuple[int, str]]:
    """(offset, piece) of the windows to read of `text`: [(0, text)] when it fits. At most
    MAX_WINDOWS: half cut forward from the start, half back from the end (a text's middle
    past them is not read), each found with a few tokenizer calls on a bounded prefix, so a
    5,000-character message costs about as much as 4 short ones."""
    if len(text) + _SPECIAL_SLACK <= max_length:
        return [(0, text)]
    head: list[tuple[int, str]] = []
    start = 0
    while start < len(text) and len(head) < MAX_WINDOWS // 2:
        rest = text[start:]
        end = _covered(tokenizer, rest, max_length)
        if end >= len(rest.rstrip()):
            return head + [(start, rest)]  # the whole text is read
        clause_ends = _clause_starts(rest[:end])
        cut = clause_ends[-1] if clause_ends and clause_ends[-1] > end // 2 else max(end, 1)
        head.append((start, rest[:cut]))
        start += cut
        while start < len(text) and text[start].isspace():
            start += 1
    # the end of the text, window by window back to where the head stopped: the last window
    # ends where the text ends, so a request said last is read whole
    tail: list[tuple[int, str]] = []
    end, guess = len(text), len(head[-1][1])
    while end > start and len(tail) < MAX_WINDOWS // 2:
        begin = max(_last_window(tokenizer, text[:end], max_length, guess)[0], start)
        if text[begin:end].strip():
            tail.append((begin, text[begin:end]))
        end = begin
    return head + tail[::-1]


def _last_window(tokenizer, text: str, max_length: int, guess: int) -> tuple[int, str]:
    """(offset, piece): the longest end of `text` that fits, starting after a clause end in
    its first half where there is one. `guess` is a window's length in characters so far."""
    start = max(0, len(text) - guess)
    for _ in range(4):  # a guess that does not fit is cut to what its first tokens cover
        tail = text[start:]
        covered = _covered(tokenizer, tail, max_length)
        if covered >= len(tail.rstrip()):
            break
        start += len(tail) - covered
    tail = text[start:]
    clause_ends = _clause_starts(tail[:len(tail) // 2])
    if clause_ends:
        start += clause_ends[-1]
    while start < len(text) - 1 and text[start].isspace():
        start += 1
    return start, text[start:]


def _clause_starts(text: str) -> list[int]:
    """Where each clause after the first begins: just past its separator, as
    framework.slots.context.clauses cuts an utterance ("$1.50" holds no clause end)."""
    return [start for start, _ in clauses(text)][1:]


def surest(rows) -> int:
    """The index of the probability row whose top value is the highest."""
    return max(range(len(rows)), key=lambda i: float(rows[i].max()))
