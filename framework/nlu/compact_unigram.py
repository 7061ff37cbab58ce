"""A Unigram (SentencePiece) `tokenizer.json` served in ~50 MB less memory, with the same ids.

Why: the `tokenizers` library's Unigram model keeps its pieces in a trie that costs telecom_zh
~82 MB of each worker's RSS for 108,318 pieces (issue 11: RSS < 400 MB per worker). Here the
same file is served by the library with two parts changed: the model is a WordLevel lookup
(piece -> id, the same ids), and the split of each word into pieces is the Unigram's own
Viterbi search (best total score; a run of unknown characters fused into one <unk>, whose
score is the lowest piece's minus 10, as in the library), done in Python over a dict of
the pieces' scores. The normalizer, pre-tokenizer, special tokens, post-processor, padding
and truncation are the file's own, so offsets and masks come out as before.

What it costs: ~0.2-0.3 ms of CPU per text, on the model's thread. What vouches for it:
tests/test_perf_start_tokenizer.py compares ids, offsets and masks with the library's on
the domains' texts and on random strings; benchmarks/start_time.py's section in
BENCHMARKS.md lists the check on every text of both domains and their eval files.

Used by `framework.nlu.torchscript.JsonTokenizer` for Unigram files without byte
fallback; `DIALOG_COMPACT_TOKENIZER=0` keeps the library's Unigram model.
"""
from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

UNK_PENALTY = 10.0  # tokenizers' Unigram: unknown = lowest piece score - 10
FORMAT = 1  # of the parts kept in the serving cache


class UnigramSplit:
    """The Unigram model's segmentation of a word into pieces, as a custom pre-tokenizer."""

    def __init__(self, vocab: list, unk_id: int):
        """`vocab`: the file's [piece, score] pairs, in id order."""
        self.scores = dict(vocab)
        self.unk = vocab[unk_id][0]
        self.unk_score = min(self.scores.values()) - UNK_PENALTY
        self.longest: dict[str, int] = {}  # first character -> longest piece starting with it
        for piece in sorted(self.scores, key=len):
            if piece:
                self.longest[piece[0]] = len(piece)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each piece of the best segmentation; unknown runs fused."""
        n = len(text)
        score = [0.0] * (n + 1)
        start = [-1] * (n + 1)
        unknown = [False] * (n + 1)
        scores, unk, longest = self.scores, self.unk, self.longest
        for s in range(n):
            here, single = score[s], False
            for e in range(s + 1, min(n, s + longest.get(text[s], 0)) + 1):
                piece_score = scores.get(text[s:e])
                if piece_score is None:
                    continue
                candidate = piece_score + here
                if start[e] < 0 or candidate > score[e]:
                    score[e], start[e], unknown[e] = candidate, s, text[s:e] == unk
                if e == s + 1:
                    single = True
            if not single:  # no piece of one character: the character is unknown
                candidate = self.unk_score + here
                if start[s + 1] < 0 or candidate > score[s + 1]:
                    score[s + 1], start[s + 1], unknown[s + 1] = candidate, s, True
        out: list[tuple[int, int]] = []
        e, fused_end = n, None
        while e > 0:
            s = start[e]
            if unknown[e]:
                fused_end = e if fused_end is None else fused_end
            else:
                if fused_end is not None:
                    out.append((e, fused_end))
                    fused_end = None
                out.append((s, e))
            e = s
        if fused_end is not None:
            out.append((0, fused_end))
        out.reverse()
        return out

    def split(self, i, normalized):
        return [normalized[s:e] for s, e in self.spans(str(normalized))]

    def pre_tokenize(self, pretok):
        pretok.split(self.split)


def compact_tokenizer(path: str | Path, cache: Path | None = None):
    """A `tokenizers.Tokenizer` for the Unigram file at `path` with the same ids, or None when
    the file is not one this serves (another model, byte fallback, repeated pieces) or
    `DIALOG_COMPACT_TOKENIZER=0`. What it is read into is kept in the serving cache
    (`<sha256 of the file>.tok`): reading that back takes ~0.1 s less than parsing the file."""
    if os.environ.get("DIALOG_COMPACT_TOKENIZER", "1") == "0":
        return None
    from tokenizers import Tokenizer, models, pre_tokenizers
    from tokenizers.pre_tokenizers import PreTokenizer

    parts = read_parts(Path(path), cache)
    if parts is None:
        return None
    rest, vocab, unk_id = parts
    pieces = [piece for piece, _ in vocab]
    split = UnigramSplit(vocab, unk_id)
    tok = Tokenizer.from_str(rest)
    tok.model = models.WordLevel(dict(zip(pieces, range(len(pieces)))), pieces[unk_id])
    word_split = PreTokenizer.custom(split)
    tok.pre_tokenizer = (pre_tokenizers.Sequence([tok.pre_tokenizer, word_split]) if tok.pre_tokenizer is not None
                         else word_split)
    return tok


def read_parts(path: Path, cache: Path | None = None):
    """(the file as JSON with an empty WordLevel model, the [piece, score] pairs, the unknown
    piece's id), or None for a file this does not serve; from the serving cache when it
    holds them (marshal: plain data, no code), else parsed and kept there."""
    import hashlib
    import marshal
    import sys

    from framework.nlu.mapped_embeddings import serving_cache, write_atomically

    raw = path.read_bytes()
    key = hashlib.sha256(raw + f"\0{FORMAT}\0{sys.version}".encode()).hexdigest()[:32]
    kept = (serving_cache() if cache is None else cache) / f"{key}.tok"
    try:
        return marshal.loads(kept.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
    spec = json.loads(raw)
    model = spec.get("model") or {}
    if model.get("type") != "Unigram" or model.get("byte_fallback") or model.get("unk_id") is None:
        return None
    vocab = [(piece, float(score)) for piece, score in model["vocab"]]
    if len({piece for piece, _ in vocab}) != len(vocab):  # a repeated piece: one id per piece could not hold
        return None
    # the file's other parts as they are; the model is swapped in after (faster than through JSON)
    spec["model"] = {"type": "WordLevel", "vocab": {}, "unk_token": vocab[model["unk_id"]][0]}
    parts = (json.dumps(spec), vocab, model["unk_id"])
    data = marshal.dumps(parts)
    with contextlib.suppress(OSError):  # else read from the file again next time
        write_atomically(kept, lambda f: f.write(data))  # another worker may write it at once
    return parts
