"""Prune a SentencePiece (Unigram) base model's vocabulary to the scripts a domain writes in.

multilingual-e5-small carries XLM-R's 250,002 pieces for ~100 languages; its word-embedding
matrix (250k x 384 float32, 384 MB) is 80 % of the model and of a Chinese worker's memory.
A Chinese customer-service domain writes Chinese, ASCII (English words, pinyin, digits,
product codes) and punctuation. This module keeps:

- every piece made only of CJK characters, CJK/full-width punctuation, ASCII and other
  punctuation, symbols and digits (with or without the word-start mark "▁");
- every single-character piece of any other script (Cyrillic, kana, accented Latin ...), so
  such text still gets its characters instead of <unk>, only in shorter pieces;
- the special tokens.

Why this cannot change how a kept-script text is tokenised: the Unigram tokenizer chooses the
segmentation with the highest total score among the pieces that match the text (Viterbi). A
piece that matches somewhere in a text consists only of that text's characters; so for a text
written only in the kept scripts, every piece it could use is kept, the candidate
segmentations are the same, and so is the best one. The ids change (they are renumbered);
the pieces and the embedding rows behind them do not. `prune_folder` checks this on sample
sentences and on the pieces themselves before it writes anything.
"""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Iterable

KEPT_SCRIPTS = "CJK ideographs, CJK and full-width punctuation, ASCII, punctuation, symbols and digits"
SPECIALS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")


def kept_character(ch: str) -> bool:
    """A character of the scripts a Chinese (or English) domain writes in."""
    o = ord(ch)
    if o < 128 or ch == "▁":
        return True
    if (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FFFF or 0xF900 <= o <= 0xFAFF
            or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF):
        return True
    return unicodedata.category(ch)[0] in "PSZN"


def kept_piece(piece: str) -> bool:
    if piece in SPECIALS or len(piece.lstrip("▁")) <= 1:
        return True
    return all(kept_character(ch) for ch in piece)


def kept_ids(pieces: Iterable[str]) -> list[int]:
    return [i for i, p in enumerate(pieces) if kept_piece(p)]


def pruned_tokenizer(tokenizer: dict, keep: list[int]) -> dict:
    """tokenizer.json with only the kept pieces, renumbered in their original order."""
    new_id = {old: new for new, old in enumerate(keep)}
    out = json.loads(json.dumps(tokenizer))
    vocab = tokenizer["model"]["vocab"]
    out["model"]["vocab"] = [vocab[i] for i in keep]
    out["model"]["unk_id"] = new_id[tokenizer["model"]["unk_id"]]
    for added in out.get("added_tokens", []):
        added["id"] = new_id[added["id"]]
    for special in (out.get("post_processor") or {}).get("special_tokens", {}).values():
        special["ids"] = [new_id[i] for i in special["ids"]]
    return out


def prune_folder(source: Path, target: Path, check_texts: list[str]) -> dict:
    """Write the pruned copy of the model folder `source` into `target` (which must exist and
    be empty); return the record kept in conversion.json. Raises RuntimeError when a check
    text tokenises differently (nothing is then valid in `target`; the caller removes it)."""
    import numpy as np
    from safetensors.numpy import load_file, save_file
    from tokenizers import Tokenizer

    tokenizer = json.loads((source / "tokenizer.json").read_text(encoding="utf-8"))
    pieces = [p for p, _ in tokenizer["model"]["vocab"]]
    keep = kept_ids(pieces)
    small = pruned_tokenizer(tokenizer, keep)

    full_tok = Tokenizer.from_str(json.dumps(tokenizer))
    small_tok = Tokenizer.from_str(json.dumps(small))
    checked = [t for t in check_texts if all(kept_character(ch) for ch in t)]  # the claim is for these
    for text in checked:
        a, b = full_tok.encode(text), small_tok.encode(text)
        if a.tokens != b.tokens or [keep[i] for i in b.ids] != a.ids:
            raise RuntimeError(f"vocabulary pruning changed the tokens of {text!r}: {a.tokens} -> {b.tokens}")

    weights = load_file(str(source / "model.safetensors"))
    name = next(k for k in weights if k.endswith("word_embeddings.weight"))
    weights[name] = np.ascontiguousarray(weights[name][np.asarray(keep)])
    save_file(weights, str(target / "model.safetensors"), metadata={"format": "pt"})

    config = json.loads((source / "config.json").read_text())
    config["vocab_size"] = len(keep)
    config["pad_token_id"] = keep.index(config.get("pad_token_id", 1))
    (target / "config.json").write_text(json.dumps(config, indent=2))
    (target / "tokenizer.json").write_text(json.dumps(small, ensure_ascii=False))
    for extra in ("tokenizer_config.json", "special_tokens_map.json"):
        if (source / extra).exists():
            (target / extra).write_bytes((source / extra).read_bytes())
    return {"pruned_from": str(source), "kept_pieces": len(keep), "of_pieces": len(pieces),
            "kept": KEPT_SCRIPTS + "; single characters of every other script; special tokens",
            "checked_texts": len(checked)}
