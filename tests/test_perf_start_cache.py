"""The quantised network kept in the serving cache (framework.nlu.quantized_cache; issue 11,
start to first answer): a start reads it instead of quantising, with the same answers to
the bit as quantising; a changed model file is never served from a stale file; a damaged
file is replaced; the mapped table is named from the model file, not by hashing it."""
from __future__ import annotations

import os
import shutil

import pytest

from framework.nlu.int8 import LINEAR_OP, activation_range

EXAMPLES = [
    ("hello there", "greet"), ("hi", "greet"), ("good morning", "greet"), ("hey", "greet"),
    ("bye", "goodbye"), ("goodbye", "goodbye"), ("see you later", "goodbye"), ("good night", "goodbye"),
    ("我想办理一张新卡", "办理"), ("我要开户", "办理"), ("办理新卡", "办理"), ("开一张卡", "办理"),
    ("转人工", "转人工"), ("我要找客服", "转人工"), ("人工服务", "转人工"), ("帮我转接人工", "转人工"),
]
TEXTS = ["hello", "bye bye", "我想开户", "找个真人", "good evening", "see you", "", "🙂", "hello bye 我想转人工"]


@pytest.fixture(autouse=True)
def serving_cache(tmp_path, monkeypatch):
    """A fresh serving cache per test, taken as on disk (pytest's tmp_path may be a tmpfs,
    where the product keeps nothing on purpose)."""
    import framework.nlu.mapped_embeddings as mapped

    monkeypatch.setattr(mapped, "filesystem_type", lambda path: "ext4")
    monkeypatch.setenv("DIALOG_SERVING_CACHE", str(tmp_path / "serving"))
    monkeypatch.delenv("DIALOG_QUANTIZED_CACHE", raising=False)
    return tmp_path / "serving"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from tests.support.tiny_model import train_tiny_model

    return train_tiny_model(EXAMPLES, tmp_path_factory.mktemp("start") / "model")


@pytest.fixture
def model(tiny_model, tmp_path):
    """A copy of the tiny model that a test may change."""
    return shutil.copytree(tiny_model, tmp_path / "model")


def load(model_dir, precision="int8"):
    from framework.nlu.model import load_classifier

    return load_classifier(model_dir, quantize=precision, threads=1)


def uncached(model_dir, monkeypatch, precision="int8"):
    """The answers as before the cache: the trace quantised at load."""
    with monkeypatch.context() as m:
        m.setenv("DIALOG_QUANTIZED_CACHE", "0")
        return load(model_dir, precision).parse(TEXTS)


def no_quantising(monkeypatch):
    import framework.nlu.int8 as int8

    def refuse(*args, **kwargs):
        raise AssertionError("quantised again although the serving cache holds the network")

    monkeypatch.setattr(int8, "quantize_script", refuse)


@pytest.mark.parametrize("precision", ["int8", "float16"])
def test_a_second_start_reads_the_network_and_answers_to_the_bit(model, serving_cache, monkeypatch, precision):
    reference = uncached(model, monkeypatch, precision)
    assert not serving_cache.exists() or not list(serving_cache.glob("*.pt"))  # off: nothing written
    first = load(model, precision).parse(TEXTS)
    [cached] = serving_cache.glob(f"*.{precision}.pt")
    no_quantising(monkeypatch)
    second = load(model, precision).parse(TEXTS)
    assert first == reference and second == reference  # rankings and entities, float for float
    assert list(serving_cache.glob("*.pt")) == [cached]  # read, not written again


def test_the_cached_network_keeps_the_scheme(model, monkeypatch):
    load(model)
    no_quantising(monkeypatch)
    network = load(model).network  # held: the graph's nodes live as long as the network
    calls = network.graph.findAllNodes(LINEAR_OP)
    assert len(calls) == 2 * 4 + 1  # the 2 layers' Linears (query, key, value in one) and the intent head
    assert {c.inputsAt(2).toIValue() for c in calls} == {activation_range()[1]}  # 8-bit activations where exact


def test_a_replaced_model_file_is_never_served_from_the_cache(model, tmp_path, serving_cache, monkeypatch):
    """Another model written over it, even with the old file's modification time (a copy
    that keeps times): the CRC-32s tell."""
    import torch

    from framework.nlu.torchscript import TORCHSCRIPT_FILE

    before = load(model).parse(TEXTS)
    path = model / TORCHSCRIPT_FILE
    stat = path.stat()
    other = torch.jit.load(str(path))
    with torch.no_grad():
        other.classifier.bias.copy_(other.classifier.bias.flip(0))  # other answers
    torch.jit.save(other, str(tmp_path / "other.pt"))
    os.replace(tmp_path / "other.pt", path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    want = uncached(model, monkeypatch)
    assert want != before
    assert load(model).parse(TEXTS) == want
    assert len(list(serving_cache.glob("*.int8.pt"))) == 2


def test_a_model_file_edited_in_place_is_never_served_from_the_cache(model, serving_cache, monkeypatch):
    """Bytes changed inside the file leave the zip's CRC-32s as they were (torch does not
    check them): the modification time tells."""
    import numpy as np

    from framework.nlu.model import weights_state
    from framework.nlu.torchscript import TORCHSCRIPT_FILE

    before = load(model).parse(TEXTS)
    path = model / TORCHSCRIPT_FILE
    bias = weights_state(model)["classifier.bias"].numpy().tobytes()
    data = path.read_bytes()
    assert data.count(bias) == 1
    stat = path.stat()
    with open(path, "r+b") as f:  # the intent head's bias reversed: other answers, same size
        f.seek(data.index(bias))
        f.write(np.frombuffer(bias, dtype=np.float32)[::-1].tobytes())
    # a later modification time than the cached one (the clock's tick may be coarser than ns)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    want = uncached(model, monkeypatch)
    assert want != before
    assert load(model).parse(TEXTS) == want


def test_a_model_file_written_while_it_is_read_is_not_cached(model, serving_cache, monkeypatch):
    """The fingerprint taken before and after reading differ: neither the quantised network
    nor the mapped table may be filed under either."""
    import itertools

    import framework.nlu.quantized_cache as quantized_cache
    from framework.nlu.mapped_embeddings import TABLE_KEY

    counter = itertools.count()
    monkeypatch.setattr(quantized_cache, "weights_fingerprint", lambda path: f"version {next(counter)}")
    for precision in ("int8", None):
        network, fingerprint = quantized_cache.load_trace(model / "model.torchscript.pt", precision)
        assert fingerprint is None
    assert getattr(load(model).network, TABLE_KEY) is None
    assert not serving_cache.exists() or not list(serving_cache.glob("*.pt"))


def test_a_damaged_cache_file_is_replaced(model, serving_cache, monkeypatch):
    reference = uncached(model, monkeypatch)
    load(model)
    [cached] = serving_cache.glob("*.int8.pt")
    cached.write_bytes(b"not a network")
    assert load(model).parse(TEXTS) == reference
    no_quantising(monkeypatch)
    assert load(model).parse(TEXTS) == reference  # the rewritten file reads


def test_the_fingerprint_needs_the_zip_crcs(model, tmp_path):
    from framework.nlu.quantized_cache import weights_fingerprint
    from framework.nlu.torchscript import TORCHSCRIPT_FILE

    assert weights_fingerprint(model / TORCHSCRIPT_FILE) == weights_fingerprint(model / TORCHSCRIPT_FILE)
    assert weights_fingerprint(model / "tokenizer.json") is None  # not a zip
    assert weights_fingerprint(tmp_path / "missing.pt") is None


def test_the_mapped_table_is_named_from_the_model_file(model, tmp_path):
    import hashlib

    from framework.nlu.mapped_embeddings import TABLE_SUFFIX, map_word_embeddings

    classifier = load(model)
    reference = classifier.parse(TEXTS)
    table = next(p for n, p in classifier.network.named_parameters() if n.endswith(TABLE_SUFFIX))
    by_values = hashlib.sha256(table.detach().numpy().data).hexdigest()[:32]
    assert map_word_embeddings(classifier.network, tmp_path / "tables") == table.numel() * 4
    [mapped] = (tmp_path / "tables").glob("*.f32")
    assert mapped.stem != by_values  # not hashed
    assert classifier.parse(TEXTS) == reference
