"""Covering a language the base model's vocabulary does not: [UNK] share and CJK characters.

BERT's basic tokenizer already splits CJK ideographs into one-character words, so a
character missing from an English WordPiece vocabulary becomes one [UNK] each. Adding every
missing CJK character seen in the training data as a token (and giving it a trainable
embedding) lets the default English model learn Chinese intents.
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from typing import Iterable, Sequence

# Blocks of pictographs and symbols customers type: arrows, dingbats, geometric shapes, the emoji planes
_SYMBOL_BLOCKS = ((0x2190, 0x21FF), (0x2300, 0x23FF), (0x2460, 0x24FF), (0x25A0, 0x27BF), (0x2900, 0x297F),
                  (0x2B00, 0x2BFF), (0x3030, 0x303D), (0x3297, 0x3299), (0x1F000, 0x1FAFF))
# words of Unicode names that say nothing of the meaning ("THUMBS UP SIGN", "HUNDRED POINTS SYMBOL")
_NAME_FILLER = frozenset({"sign", "symbol", "with", "of", "and", "the", "a"})


def is_cjk_char(ch: str) -> bool:
    """The CJK ranges BERT's basic tokenizer splits on."""
    cp = ord(ch)
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF
            or 0x2F800 <= cp <= 0x2FA1F)


def unk_share(tokenizer, texts: Sequence[str]) -> float:
    """Fraction of the (non-special) tokens of `texts` that are the unknown token."""
    unk = tokenizer.unk_token_id
    if unk is None or not texts:
        return 0.0
    total = hits = 0
    for ids in tokenizer(list(texts), add_special_tokens=False)["input_ids"]:
        total += len(ids)
        hits += sum(1 for i in ids if i == unk)
    return hits / total if total else 0.0


def missing_cjk_chars(tokenizer, texts: Iterable[str], min_count: int = 1) -> list[str]:
    """CJK characters of `texts` the tokenizer maps to [UNK], most frequent first."""
    counts = Counter(ch for t in texts for ch in t if is_cjk_char(ch))
    unk = tokenizer.unk_token_id
    missing = []
    for ch, n in counts.most_common():
        if n < min_count:
            break
        ids = tokenizer(ch, add_special_tokens=False)["input_ids"]
        if ids == [unk]:
            missing.append(ch)
    return missing


def add_tokens(tokenizer, model, chars: Sequence[str]) -> int:
    """Add `chars` to the tokenizer and grow the model's input embeddings.

    New rows are drawn from the base vocabulary's per-dimension mean and standard deviation:
    distinct vectors that look like ordinary tokens to the pretrained layers, so the encoder
    can tell the characters apart from the first step (rows that all start at [UNK] stay
    near-identical for epochs; measured in BENCHMARKS.md).
    """
    import torch

    if not chars:
        return 0
    before = len(tokenizer)
    added = tokenizer.add_tokens(list(chars))
    if not added:
        return 0
    old = model.get_input_embeddings().weight.data[:before]
    model.resize_token_embeddings(len(tokenizer), mean_resizing=False)
    new = model.get_input_embeddings().weight.data
    g = torch.Generator().manual_seed(0)
    noise = torch.randn((len(tokenizer) - before, old.shape[1]), generator=g)
    new[before:] = old.mean(0) + noise * old.std(0)
    return added


def missing_symbols(tokenizer) -> list[str]:
    """Every emoji and pictograph (Unicode category So in the blocks customers' emoji come from) the
    tokenizer maps to [UNK]: "👍", "❌", "🙋" are all the same [UNK] to all-MiniLM-L6-v2, so "👎👎" and "🙋" read
    the same (held-out banking_en files of session 38: every emoji-only message was affirm 0.85-0.94)."""
    unk = tokenizer.unk_token_id
    if unk is None:
        return []
    chars = [chr(c) for a, b in _SYMBOL_BLOCKS for c in range(a, b + 1) if unicodedata.category(chr(c)) == "So"]
    found = tokenizer(chars, add_special_tokens=False)["input_ids"]
    return [ch for ch, ids in zip(chars, found) if ids == [unk]]


def add_named_tokens(tokenizer, model, chars: Sequence[str]) -> int:
    """Add `chars` (symbols) as tokens whose first embedding is the mean of their Unicode name's words in the
    base vocabulary ("❌" CROSS MARK: "cross", "mark"), scaled to those rows' mean length: a symbol never seen in
    training still starts near what its name says. A name of no known word starts as `add_tokens` rows do."""
    if not chars:
        return 0
    unk = tokenizer.unk_token_id
    words = [[w for w in unicodedata.name(ch, "").lower().split() if w not in _NAME_FILLER] for ch in chars]
    pieces = tokenizer([" ".join(w) for w in words], add_special_tokens=False)["input_ids"]
    before = len(tokenizer)
    added = add_tokens(tokenizer, model, chars)
    if not added:
        return 0
    rows = model.get_input_embeddings().weight.data
    vocab = tokenizer.get_vocab()
    for ch, ids in zip(chars, pieces):
        ids = [i for i in ids if i != unk and i < before]
        row = vocab.get(ch)
        if ids and row is not None and row >= before:
            named = rows[ids]
            mean = named.mean(0)
            rows[row] = mean * (named.norm(dim=1).mean() / mean.norm().clamp_min(1e-6))
    return added
