"""A base model's input convention: e5 models were pre-trained on texts that start with
"query: " (or "passage: "), and fine-tuning keeps closer to what they learnt when the texts
still do. Measured on telecom_zh (5-fold cross-validation of the training data,
benchmarks/cv_settings.py, BENCHMARKS.md "Chinese users, third pass").

`PrefixedTokenizer` wraps a Hugging Face fast tokenizer so that every text it encodes gets
the prefix, for training and serving alike, while callers keep working in the user's own
text: character offsets (`return_offsets_mapping`) are shifted back to the text as given,
and the prefix's tokens are marked special (offset (0, 0), `special_tokens_mask` 1), so the
entity head neither learns nor predicts tags on them. Everything else (vocabulary, saving,
pad id, `len`) is the wrapped tokenizer's.
"""
from __future__ import annotations

from typing import Any

E5_QUERY = "query: "


class PrefixedTokenizer:
    def __init__(self, tokenizer, prefix: str):
        self.tokenizer = tokenizer
        self.prefix = prefix

    def __getattr__(self, name: str) -> Any:
        return getattr(self.tokenizer, name)

    def __len__(self) -> int:
        return len(self.tokenizer)

    def __call__(self, texts, *args, **kwargs):
        single = isinstance(texts, str)
        batch = [texts] if single else list(texts)
        enc = self.tokenizer([self.prefix + t for t in batch], *args, **kwargs)
        if "offset_mapping" in enc:
            _shift(enc, len(self.prefix))
        if single:
            return {k: v[0] for k, v in enc.items()} if not kwargs.get("return_tensors") else enc
        return enc


def _shift(enc, n: int) -> None:
    """Offsets back into the text as given; the prefix's own tokens become special."""
    offsets = enc["offset_mapping"]
    special = enc.get("special_tokens_mask")
    if hasattr(offsets, "clone"):  # torch tensors (return_tensors="pt")
        start, end = offsets[..., 0], offsets[..., 1]
        in_prefix = (end <= n) & (end > 0)
        shifted = (offsets - n).clamp(min=0)
        shifted[in_prefix] = 0
        enc["offset_mapping"] = shifted
        if special is not None:
            special[in_prefix] = 1
        return
    for row, seq in enumerate(offsets):
        for i, (start, end) in enumerate(seq):
            if 0 < end <= n:
                seq[i] = (0, 0)
                if special is not None:
                    special[row][i] = 1
            elif end > 0:
                seq[i] = (max(start - n, 0), end - n)


def wrap(tokenizer, prefix: str | None):
    """The tokenizer itself without a prefix, else the prefixed view of it."""
    if not prefix:
        return tokenizer
    if isinstance(tokenizer, PrefixedTokenizer):
        return tokenizer if tokenizer.prefix == prefix else PrefixedTokenizer(tokenizer.tokenizer, prefix)
    return PrefixedTokenizer(tokenizer, prefix)


def unwrap(tokenizer):
    return tokenizer.tokenizer if isinstance(tokenizer, PrefixedTokenizer) else tokenizer
