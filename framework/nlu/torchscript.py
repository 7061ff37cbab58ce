"""The serving path without transformers: a TorchScript trace of the fine-tuned network and
the artifact's `tokenizer.json` read by the `tokenizers` library alone.

Why: importing transformers 5 costs ~150 MB of RSS and ~3 s per serving worker (it pulls in
scipy, sympy, jinja2, torch.distributed ...), and at inference the network is fixed. Training
writes `model.torchscript.pt` (encoder + pooling + head(s) -> logits, traced on a padded
batch so batch size and length stay dynamic) and, once it is written, no separate weights
file: the eager path reads the trace's parameters (framework.nlu.model.weights_state).
`load_classifier` uses the trace when present and falls back to the transformers (eager)
path when not.
"""
from __future__ import annotations

import json
import logging
import os
import warnings
from pathlib import Path

TORCHSCRIPT_FILE = "model.torchscript.pt"
# Two texts of different lengths: the trace sees padding (a mask that is not all ones) and
# two batch rows, so neither shape nor the masking path is frozen into the graph.
_TRACE_TEXTS = ("hello, how are you doing today? 你好", "hi")
_CHECK_TEXTS = ("what is my balance", "a much longer sentence about a card that was lost on the way home", "ok")

log = logging.getLogger(__name__)


def save_torchscript(out_dir: Path, network, tokenizer, max_length: int) -> bool:
    """Trace `network` (in eval mode) into `out_dir/model.torchscript.pt`. A model that does
    not trace, or whose trace disagrees with the eager network on other shapes, gets no file
    (logged warning): loading then takes the eager path. Returns whether the file was written."""
    import torch

    path = Path(out_dir) / TORCHSCRIPT_FILE
    was_training = network.training
    network.eval()
    try:
        example = tokenizer(list(_TRACE_TEXTS), padding=True, truncation=True, max_length=max_length,
                            return_tensors="pt")
        check = tokenizer(list(_CHECK_TEXTS), padding=True, truncation=True, max_length=max_length,
                          return_tensors="pt")
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # TracerWarnings about Python-side shape values
            traced = torch.jit.trace(network, (example["input_ids"], example["attention_mask"]), check_trace=False)
            # a joint model returns (intent logits, tag logits): both must agree
            wants = _as_tuple(network(check["input_ids"], check["attention_mask"]))
            gots = _as_tuple(traced(check["input_ids"], check["attention_mask"]))
            for want, got in zip(wants, gots):
                if want.shape != got.shape or not torch.allclose(want, got, atol=1e-4, rtol=1e-4):
                    raise ValueError(f"the trace differs from the eager network on another batch shape (max |diff| "
                                     f"{float((want - got).abs().max()) if want.shape == got.shape else 'shape'})")
            torch.jit.save(traced, str(path))  # (torch.jit is deprecated for torch.export: quiet)
        return True
    except Exception as err:  # any model the tracer cannot handle keeps the eager path
        path.unlink(missing_ok=True)
        log.warning("no %s written (the model loads through transformers instead): %s", TORCHSCRIPT_FILE, err)
        return False
    finally:
        network.train(was_training)


def _as_tuple(output):
    return output if isinstance(output, tuple) else (output,)


class JsonTokenizer:
    """The artifact's `tokenizer.json` through `tokenizers.Tokenizer`, called like the
    transformers tokenizer in `BertIntentClassifier.probabilities` (same ids: transformers'
    fast tokenizer runs this very file). Truncates to `max_length`, pads to the batch's
    longest text. Not thread-safe on its own: the classifier's lock serialises calls."""

    def __init__(self, model_dir: Path, max_length: int, pad_token_id: int | None = None):
        from tokenizers import Tokenizer

        from framework.nlu.compact_unigram import compact_tokenizer

        model_dir = Path(model_dir)
        # a Unigram file in ~50 MB less memory, same ids (framework.nlu.compact_unigram)
        self._tok = (compact_tokenizer(model_dir / "tokenizer.json")
                     or Tokenizer.from_file(str(model_dir / "tokenizer.json")))
        self.pad_token_id = _pad_token_id(model_dir, self._tok) if pad_token_id is None else pad_token_id
        self.unk_token_id = _unk_token_id(model_dir, self._tok)
        self._max_length = None
        self._configure(max_length)

    def _configure(self, max_length: int) -> None:
        self._tok.enable_truncation(max_length=max_length)
        pad = self._tok.id_to_token(self.pad_token_id) or "[PAD]"
        self._tok.enable_padding(pad_id=self.pad_token_id, pad_token=pad)  # to the batch's longest
        self._max_length = max_length

    def __len__(self) -> int:
        return self._tok.get_vocab_size(with_added_tokens=True)

    def __call__(self, texts, padding=True, truncation=True, max_length=None, return_tensors="pt",
                 return_offsets_mapping=False, return_special_tokens_mask=False):
        """int64 arrays: numpy with return_tensors="np" (no torch imported), else torch tensors."""
        import numpy as np

        if max_length is not None and max_length != self._max_length:
            self._configure(max_length)
        encodings = self._tok.encode_batch(list(texts))
        out = {"input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
               "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64)}
        # as transformers' fast tokenizers give them (for the entity head's character spans)
        if return_offsets_mapping:
            out["offset_mapping"] = np.array([e.offsets for e in encodings], dtype=np.int64).reshape(len(encodings), -1, 2)
        if return_special_tokens_mask:
            out["special_tokens_mask"] = np.array([e.special_tokens_mask for e in encodings], dtype=np.int64)
        if return_tensors == "np":
            return out
        import torch

        return {k: torch.from_numpy(v) for k, v in out.items()}


def _pad_token_id(model_dir: Path, tok) -> int:
    """artifact.json's pad_token_id, else tokenizer_config.json's pad_token, else 0."""
    meta = json.loads((model_dir / "artifact.json").read_text(encoding="utf-8"))
    if meta.get("pad_token_id") is not None:
        return int(meta["pad_token_id"])
    config = model_dir / "tokenizer_config.json"
    if config.exists():
        pad = json.loads(config.read_text(encoding="utf-8")).get("pad_token")
        if isinstance(pad, dict):
            pad = pad.get("content")
        if pad and tok.token_to_id(pad) is not None:
            return tok.token_to_id(pad)
    return 0


def _unk_token_id(model_dir: Path, tok) -> int | None:
    """tokenizer_config.json's unk_token, else [UNK] or <unk> where the vocabulary has it, else None."""
    config = model_dir / "tokenizer_config.json"
    names = []
    if config.exists():
        unk = json.loads(config.read_text(encoding="utf-8")).get("unk_token")
        names.append(unk.get("content") if isinstance(unk, dict) else unk)
    for name in names + ["[UNK]", "<unk>"]:
        if name and tok.token_to_id(name) is not None:
            return tok.token_to_id(name)
    return None


def load_torchscript(model_dir: Path, meta: dict, quantize: bool | str = False):
    """(scripted network, JsonTokenizer). With `quantize` (True or "int8", or "float16"), the
    Linear layers get the same scheme as the eager path's `quantize_dynamic` (framework.nlu.int8),
    read from the serving cache after the first time (framework.nlu.quantized_cache)."""
    # bounded threads: tokenizers would otherwise start a Rayon pool of one thread per core
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from framework.nlu.int8 import precision_of
    from framework.nlu.mapped_embeddings import TABLE_KEY
    from framework.nlu.quantized_cache import load_trace

    model_dir = Path(model_dir)
    # quantised once per model and kept in the serving cache; None: float32
    network, fingerprint = load_trace(model_dir / TORCHSCRIPT_FILE, precision_of(quantize))
    # the mapped table's file is named after the model file's content, not by hashing the table
    setattr(network, TABLE_KEY, fingerprint)
    tokenizer = JsonTokenizer(model_dir, int(meta.get("max_length", 64)), meta.get("pad_token_id"))
    return network, tokenizer
