"""The served model's word-embedding table read through a file mapping (issue 11: RSS per
worker): the same answers to the bit, the table's pages not on the heap, the cache file
written once and reused, and the heap kept wherever the cache cannot serve."""
from __future__ import annotations

import pytest

from framework.nlu.mapped_embeddings import TABLE_SUFFIX, filesystem_type, map_word_embeddings
from tests.support.serving import backend_port, domain, training_examples  # noqa: F401 (fixtures)
from tests.support.tiny_model import train_tiny_model

TEXTS = ["你好", "我想查一下话费", "hello there", "转账给张三 100 元", "", "🙂"]


@pytest.fixture(autouse=True)
def on_disk(monkeypatch):
    """pytest's tmp_path may be a tmpfs (where the product keeps the heap on purpose; its own test below)."""
    import framework.nlu.mapped_embeddings as mapped

    monkeypatch.setattr(mapped, "filesystem_type", lambda path: "ext4")


@pytest.fixture(scope="module")
def model_dir(domain, tmp_path_factory):  # noqa: F811 (fixture)
    """The server tests' tiny model (trained once per session, whichever test asks first)."""
    _, assistant = domain
    return train_tiny_model(training_examples(assistant), tmp_path_factory.mktemp("mapped") / "m",
                            intent_fingerprint=assistant.intent_fingerprint)


def load(model_dir):
    from framework.nlu.model import load_classifier

    return load_classifier(model_dir, threads=1)


def table_of(classifier):
    return next(p for n, p in classifier.network.named_parameters() if n.endswith(TABLE_SUFFIX))


def mapping_of(tensor) -> str | None:
    """The file whose mapping holds `tensor`'s data, from /proc/self/maps (None: the heap)."""
    address = tensor.data_ptr()
    for line in open("/proc/self/maps"):
        fields = line.split()
        start, end = (int(x, 16) for x in fields[0].split("-"))
        if start <= address < end:
            return fields[5] if len(fields) > 5 else None
    return None


def test_the_same_answers_from_a_mapped_table(model_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("DIALOG_MAP_EMBEDDINGS", raising=False)
    classifier = load(model_dir)
    before = classifier.parse(TEXTS)
    heap_table = table_of(classifier).detach().clone()
    assert not str(mapping_of(table_of(classifier))).endswith(".f32")  # on the heap
    moved = map_word_embeddings(classifier.network, tmp_path)
    assert moved == heap_table.numel() * 4
    [cached] = tmp_path.glob("*.f32")
    assert mapping_of(table_of(classifier)) == str(cached)
    assert table_of(classifier).dtype == heap_table.dtype and bool((table_of(classifier) == heap_table).all())
    assert classifier.parse(TEXTS) == before  # rankings and entities, float for float


def test_the_serving_cache_is_set_by_the_environment(model_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("DIALOG_SERVING_CACHE", str(tmp_path / "serving"))
    assert map_word_embeddings(load(model_dir).network) > 0
    assert len(list((tmp_path / "serving").glob("*.f32"))) == 1


def test_a_second_worker_maps_the_same_file(model_dir, tmp_path):
    first, second = load(model_dir), load(model_dir)
    assert map_word_embeddings(first.network, tmp_path) and map_word_embeddings(second.network, tmp_path)
    assert len(list(tmp_path.glob("*"))) == 1  # one file, no temporary left
    assert mapping_of(table_of(first)) == mapping_of(table_of(second))


def test_the_heap_is_kept_where_the_cache_cannot_serve(model_dir, tmp_path, monkeypatch):
    classifier = load(model_dir)
    before = classifier.parse(TEXTS)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    assert map_word_embeddings(classifier.network, blocked / "serving") == 0
    monkeypatch.setenv("DIALOG_MAP_EMBEDDINGS", "0")
    assert map_word_embeddings(classifier.network, tmp_path / "off") == 0 and not (tmp_path / "off").exists()
    assert not str(mapping_of(table_of(classifier))).endswith(".f32")
    assert classifier.parse(TEXTS) == before


def test_a_cache_in_memory_is_not_used(model_dir, monkeypatch, tmp_path):
    import framework.nlu.mapped_embeddings as mapped

    monkeypatch.setattr(mapped, "filesystem_type", lambda path: "tmpfs")
    assert map_word_embeddings(load(model_dir).network, tmp_path) == 0
    assert not list(tmp_path.glob("*.f32"))


def test_filesystem_type_of_a_path():
    from framework.nlu import mapped_embeddings

    assert mapped_embeddings.filesystem_type is not filesystem_type  # the fixture's stand-in
    assert filesystem_type("/proc/self") == "proc"
    assert filesystem_type("/") != ""
