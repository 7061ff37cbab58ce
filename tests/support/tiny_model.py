"""A tiny real intent model, trained in seconds, for tests that need a classifier.

    from tests.support.tiny_model import train_tiny_model
    model_dir = train_tiny_model([("hello there", "greet"), ("bye now", "goodbye"), ...], tmp_path / "m",
                                 intent_fingerprint=assistant.intent_fingerprint)
    clf = framework.nlu.load_classifier(model_dir, assistant)

With `annotated=True` the texts carry inline entity markup (`我叫[张三](name)`, Rasa's
`[Paris]{"entity": "city", "role": "to"}`) and the model gets the joint entity head:

    model_dir = train_tiny_model([("fly to [Paris]{\"entity\": \"city\", \"role\": \"to\"}", "book"), ...],
                                 tmp_path / "m", annotated=True)

The encoder is a 2-layer BERT with hidden size 32 whose WordPiece vocabulary is made from
the training texts' words and characters (so Chinese works too), fine-tuned with the
product's own training code (`framework.nlu.fit.train_and_save`). Results are cached per
test session: the same examples are trained once and copied to each `out_dir`.
"""
from __future__ import annotations

import atexit
import functools
import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Sequence

_CACHE: dict[str, Path] = {}


@functools.cache
def _cache_root() -> Path:
    """This session's one folder for the cached models, removed at exit."""
    root = Path(tempfile.mkdtemp(prefix="tiny_models_"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


_SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _vocab(texts: Sequence[str]) -> list[str]:
    from tokenizers.normalizers import BertNormalizer
    from tokenizers.pre_tokenizers import BertPreTokenizer

    normalizer = BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True)
    pre = BertPreTokenizer()
    words, chars = set(), set()
    for t in texts:
        for w, _ in pre.pre_tokenize_str(normalizer.normalize_str(t)):
            words.add(w)
            chars.update(w)
    # whole words, single characters, and their continuations: any unseen word still splits
    return _SPECIAL + sorted(words | chars) + sorted("##" + c for c in chars)


def build_tiny_encoder(texts: Sequence[str], seed: int = 0):
    """(BertModel, BertTokenizerFast) with a vocabulary made from `texts`."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    from framework.nlu.fit import quiet_transformers

    quiet_transformers()
    vocab = _vocab(texts)
    tokenizer = BertTokenizerFast(vocab={w: i for i, w in enumerate(vocab)}, do_lower_case=True,
                                  tokenize_chinese_chars=True)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, hidden_dropout_prob=0.0,
                        attention_probs_dropout_prob=0.0)
    torch.manual_seed(seed)
    return BertModel(config, add_pooling_layer=False), tokenizer


def annotated_examples(examples: Sequence[tuple[str, str]]):
    """(marked-up text, intent) pairs -> LabelledText with their entities (roles, groups)."""
    import json
    import re

    from framework.nlu.data import AnnotatedEntity, LabelledText

    markup = re.compile(r"\[([^\[\]]+)\](?:\(([\w-]+)\)|(\{[^{}]*\}))")
    out = []
    for raw, intent in examples:
        text, entities, pos = [], [], 0
        for m in markup.finditer(raw):
            text.append(raw[pos:m.start()])
            start = sum(map(len, text))
            info = json.loads(m.group(3)) if m.group(3) else {"entity": m.group(2)}
            entities.append(AnnotatedEntity(info["entity"], m.group(1), start, start + len(m.group(1)),
                                            info.get("role"), info.get("group")))
            text.append(m.group(1))
            pos = m.end()
        text.append(raw[pos:])
        out.append(LabelledText("".join(text), intent, tuple(entities)))
    return out


def train_tiny_model(examples: Sequence[tuple[str, str]], out_dir, intent_fingerprint: str | None = None,
                     out_of_scope: str | None = None, annotated: bool = False, epochs: int = 30) -> Path:
    """Train (or copy from this session's cache) a tiny model on (text, intent) pairs into
    `out_dir`; returns `out_dir`. `intent_fingerprint` defaults to the sha256 of the sorted
    intent names, as `Assistant.intent_fingerprint` is computed. `annotated`: the texts
    carry entity markup, learnt by the entity head."""
    from framework.nlu.data import LabelledText
    from framework.nlu.fit import train_and_save
    from framework.nlu.train import ModelArguments, TrainingArguments

    out_dir = Path(out_dir)
    key = hashlib.sha256(json.dumps([list(map(list, examples)), intent_fingerprint, out_of_scope, annotated, epochs],
                                    ensure_ascii=False).encode()).hexdigest()
    cached = _CACHE.get(key)
    if cached is None or not cached.exists():
        cached = Path(tempfile.mkdtemp(dir=_cache_root())) / "model"
        data = annotated_examples(examples) if annotated else [LabelledText(t, i) for t, i in examples]
        encoder, tokenizer = build_tiny_encoder([d.text for d in data])
        train_and_save(
            encoder, tokenizer, data, cached,
            model_args=ModelArguments(max_length=32, extend_vocab="off"),
            train_args=TrainingArguments(epochs=epochs, batch_size=8, learning_rate=3e-3, head_learning_rate=1e-2,
                                         warmup_ratio=0.0, freeze_embeddings=False, head_init="centroid",
                                         patience=1000, threads=1, progress=False),
            valid=data, out_of_scope=out_of_scope,
            intent_fingerprint=intent_fingerprint, name="tiny")
        _CACHE[key] = cached
    if out_dir.resolve() != cached.resolve():
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.copytree(cached, out_dir)
    return out_dir
