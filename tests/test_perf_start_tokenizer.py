"""The compact Unigram tokenizer (framework.nlu.compact_unigram; issue 11, RSS per worker):
the same ids, offsets and masks as the tokenizers library's Unigram model, on a Unigram
trained here in a second and on the cached Chinese base model's tokenizer (both domains'
examples, and random strings); JsonTokenizer serves it for Unigram files, not for others."""
from __future__ import annotations

import json
import random

import pytest

from framework.nlu.compact_unigram import compact_tokenizer

SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
CORPUS = ["我想查一下话费", "帮我办理一张新卡", "套餐怎么改", "转人工服务", "what is my balance", "I lost my card",
          "请问流量还剩多少", "hello there, how are you", "我的手机号是13800138000", "账单为什么这么贵"] * 20
POOLS = ["".join(chr(c) for c in range(0x4e00, 0x4e00 + 300)), "abcdefghijklmnopqrstuvwxyzABC0123456789",
         "，。！？、；：“”（）《》 　\t\n", "ＡＢＣａｂｃ０１２", "😀👍🏽🇨🇳❤️‍🔥", "éèçàñüßø", "가나다あいうアイウ",
         "\u200b\u00ad\ufeff", "<unk><s></s><pad>▁"]


def random_texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(rng.choice(POOLS)) for _ in range(rng.randint(0, 30))) for _ in range(n)]


@pytest.fixture(scope="module")
def unigram_file(tmp_path_factory):
    """A small Unigram tokenizer.json shaped like multilingual-e5's (NFKC, Metaspace, <s> ... </s>)."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Metaspace()])
    tok.train_from_iterator(CORPUS, trainers.UnigramTrainer(vocab_size=150, special_tokens=SPECIALS,
                                                            unk_token="<unk>"))
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    path = tmp_path_factory.mktemp("unigram") / "tokenizer.json"
    tok.save(str(path))
    assert json.loads(path.read_text(encoding="utf-8"))["model"]["type"] == "Unigram"
    return path


def encodings(tok, texts):
    tok.enable_truncation(max_length=64)
    tok.enable_padding(pad_id=1, pad_token="<pad>")
    return [(e.ids, e.offsets, e.attention_mask, e.special_tokens_mask) for e in tok.encode_batch(texts)]


def assert_same_tokens(path, texts):
    from tokenizers import Tokenizer

    compact, library = compact_tokenizer(path), Tokenizer.from_file(str(path))
    assert compact is not None
    for start in range(0, len(texts), 64):  # batches pad alike
        batch = texts[start:start + 64]
        assert encodings(compact, batch) == encodings(library, batch), batch


def test_the_same_tokens_as_the_library(unigram_file):
    texts = list(dict.fromkeys(CORPUS)) + random_texts(3000)
    assert_same_tokens(unigram_file, texts)


def test_the_same_tokens_as_the_chinese_base_models_tokenizer():
    from framework.nlu.base_models import cache_dir
    from framework.spec import load_assistant

    found = sorted((cache_dir() / "base-models").glob("multilingual-e5-small-zh*/tokenizer.json"))
    if not found:
        pytest.skip("the Chinese base model is not in this machine's cache")
    texts = [e.text for domain in ("domains/telecom_zh", "domains/banking_en")
             for intent in load_assistant(domain).intents.values() for e in intent.examples]
    assert_same_tokens(found[0], texts + random_texts(1000, seed=11))


def test_json_tokenizer_serves_it_for_unigram_files_only(unigram_file, tmp_path, monkeypatch):
    from tokenizers import Tokenizer

    from framework.nlu.compact_unigram import UnigramSplit
    from framework.nlu.torchscript import JsonTokenizer

    (unigram_file.parent / "artifact.json").write_text(json.dumps({"pad_token_id": 1}), encoding="utf-8")
    served = JsonTokenizer(unigram_file.parent, 64)
    assert type(served._tok.model).__name__ == "WordLevel"
    texts = ["我想查一下话费", "", "hello 😀"]
    library = Tokenizer.from_file(str(unigram_file))
    library.enable_truncation(max_length=64)
    library.enable_padding(pad_id=1, pad_token="<pad>")
    assert served(texts)["input_ids"].tolist() == [e.ids for e in library.encode_batch(texts)]
    assert len(served) == library.get_vocab_size(with_added_tokens=True)
    monkeypatch.setenv("DIALOG_COMPACT_TOKENIZER", "0")
    assert type(JsonTokenizer(unigram_file.parent, 64)._tok.model).__name__ == "Unigram"
    monkeypatch.delenv("DIALOG_COMPACT_TOKENIZER")
    wordpiece = tmp_path / "tokenizer.json"
    spec = json.loads(unigram_file.read_text(encoding="utf-8"))
    spec["model"] = {"type": "WordLevel", "vocab": {"<unk>": 0}, "unk_token": "<unk>"}
    wordpiece.write_text(json.dumps(spec), encoding="utf-8")
    assert compact_tokenizer(wordpiece) is None  # not a Unigram: the library's own model
    assert UnigramSplit([("a", -1.0), ("<unk>", 0.0)], 1).spans("ab") == [(0, 1), (1, 2)]


def test_the_parsed_file_is_kept_in_the_serving_cache(unigram_file, tmp_path, monkeypatch):
    import framework.nlu.compact_unigram as compact_unigram

    texts = list(dict.fromkeys(CORPUS)) + random_texts(300)
    first = encodings(compact_tokenizer(unigram_file, tmp_path), texts)
    [kept] = tmp_path.glob("*.tok")
    with monkeypatch.context() as m:  # read back, not parsed again
        m.setattr(compact_unigram.json, "loads", lambda *a: pytest.fail("parsed although kept"))
        assert encodings(compact_tokenizer(unigram_file, tmp_path), texts) == first
    kept.write_bytes(b"damaged")
    assert encodings(compact_tokenizer(unigram_file, tmp_path), texts) == first  # parsed again
    changed = tmp_path / "changed" / "tokenizer.json"
    changed.parent.mkdir()
    spec = json.loads(unigram_file.read_text(encoding="utf-8"))
    spec["model"]["vocab"] = [[p, s - 1.0 if p == "▁" else s] for p, s in spec["model"]["vocab"]]
    changed.write_text(json.dumps(spec), encoding="utf-8")
    compact_tokenizer(changed, tmp_path)
    assert len(list(tmp_path.glob("*.tok"))) == 2  # another file, another entry
