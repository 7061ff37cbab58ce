"""The joint intent + entity model: a tiny real model trained on a toy domain (English and
Chinese, roles included), exact character spans, both serving paths, intent-only models,
and the BIO / BIOES benchmark readers."""
from __future__ import annotations

import json
import shutil

import pytest

from framework.nlu.interface import Entity, IntentScore, NLUResult, Parsed, parse_texts
from tests.support.tiny_model import train_tiny_model

CITIES = ["Paris", "London", "Tokyo", "Berlin", "Rome", "Madrid", "Oslo", "Vienna"]
NAMES = ["张三", "李四", "王小明", "赵六", "陈静", "刘洋"]


def _toy_examples():
    ex = []
    for i, a in enumerate(CITIES):
        b = CITIES[(i + 3) % len(CITIES)]
        ex.append((f'fly from [{a}]{{"entity": "city", "role": "from"}} to [{b}]{{"entity": "city", "role": "to"}}',
                   "book"))
        ex.append((f'I want to go to [{b}]{{"entity": "city", "role": "to"}}', "book"))
        ex.append((f"weather in [{a}](city) please", "weather"))
    for i, n in enumerate(NAMES):
        ex.append((f"我叫[{n}](name)", "intro"))
        ex.append((f"我的名字是[{n}](name)", "intro"))
        ex.append((f"你好，我是[{NAMES[(i + 2) % len(NAMES)]}](name)", "intro"))
    ex += [("hello there", "greet"), ("hi", "greet"), ("good morning", "greet"), ("你好", "greet"),
           ("早上好", "greet")]
    return ex


@pytest.fixture(scope="module")
def joint_dir(tmp_path_factory):
    return train_tiny_model(_toy_examples(), tmp_path_factory.mktemp("joint") / "m", annotated=True)


@pytest.fixture(scope="module")
def joint(joint_dir):
    from framework.nlu.model import load_classifier

    return load_classifier(joint_dir, threads=1)


def _spans(parsed: Parsed):
    return [(e.entity, e.role, e.text, e.start, e.end) for e in parsed.entities]


def test_artifact_records_the_entity_head(joint_dir, joint):
    meta = json.loads((joint_dir / "artifact.json").read_text(encoding="utf-8"))
    assert meta["entity_labels"] == ["city", "city:from", "city:to", "name"]
    assert meta["entity_scheme"] == "BIO" and meta["entity_decoder"] == "constrained"
    # the shortest value of each label in training: shorter served spans are dropped
    assert meta["entity_min_chars"] == {label: min(len(v) for v in values) for label, values in (
        ("city", CITIES), ("city:from", CITIES), ("city:to", CITIES), ("name", NAMES))}
    assert joint.entity_decoder == "constrained" and joint.entity_min_chars == meta["entity_min_chars"]
    assert 0.0 < meta["entity_threshold"] <= 1.0
    assert "held-out" in meta["entity_threshold_info"]["method"]
    assert joint.has_entities and joint.entity_labels == tuple(meta["entity_labels"])
    assert joint.entity_threshold == meta["entity_threshold"]


def test_one_pass_gives_intent_and_entities_with_exact_spans(joint):
    text = "fly from Paris to Tokyo"
    (parsed,) = joint.parse([text])
    assert parsed.ranking[0].name == "book"
    assert _spans(parsed) == [("city", "from", "Paris", 9, 14), ("city", "to", "Tokyo", 18, 23)]
    for e in parsed.entities:
        assert e.extractor == "model" and e.value == e.text == text[e.start:e.end]
        assert 0.0 < e.confidence <= 1.0 and e.group is None


@pytest.mark.parametrize("text, want", [
    ("我叫张三", [("name", None, "张三", 2, 4)]),
    ("我的名字是王小明", [("name", None, "王小明", 5, 8)]),
    ("fly  from   Berlin to    Rome", [("city", "from", "Berlin", 12, 18), ("city", "to", "Rome", 25, 29)]),
    ("  weather in Oslo please  ", [("city", None, "Oslo", 13, 17)]),
    ("weather in ROME please", [("city", None, "ROME", 11, 15)]),  # the tokenizer lower-cases
])
def test_spans_are_character_offsets_of_the_text_as_given(joint, text, want):
    (parsed,) = joint.parse([text])
    assert _spans(parsed) == want


def test_full_width_and_mixed_chinese_english_spans(joint):
    for text in ("weather in Ｏｓｌｏ please", "你好，我是张三 fly from Paris to Tokyo"):
        (parsed,) = joint.parse([text])
        for e in parsed.entities:  # whatever it finds is an exact slice of the text
            assert text[e.start:e.end] == e.text and e.text == e.text.strip()
    (parsed,) = joint.parse(["weather in Ｏｓｌｏ please"])
    assert [(e.entity, e.text, e.start, e.end) for e in parsed.entities] == [("city", "Ｏｓｌｏ", 11, 15)]


def test_intent_only_texts_and_blank_texts_have_no_entities(joint):
    parsed = joint.parse(["hello there", "", "   "])
    assert [p.entities for p in parsed] == [(), (), ()]
    assert parsed[0].ranking[0].name == "greet"
    assert len(parsed[1].ranking) == len(joint.labels)  # a blank text still gets a ranking


def test_predict_and_parse_agree_and_batching_does_not_change_entities(joint):
    texts = ["fly from Madrid to Vienna", "我叫李四", "hi", "weather in London please"]
    together = joint.parse(texts)
    alone = [joint.parse([t])[0] for t in texts]
    assert [_spans(p) for p in together] == [_spans(p) for p in alone]
    assert [r[0].name for r in joint.predict(texts)] == [p.ranking[0].name for p in together]
    assert joint.predict_entities(texts) == [p.entities for p in together]
    assert parse_texts(joint, texts)[1].entities == together[1].entities


def test_torchscript_and_transformers_paths_give_the_same_entities(joint_dir, joint):
    from framework.nlu.model import BertIntentClassifier, load_network, read_artifact
    from framework.nlu.torchscript import TORCHSCRIPT_FILE

    assert (joint_dir / TORCHSCRIPT_FILE).exists()
    meta = read_artifact(joint_dir)
    network, tokenizer = load_network(joint_dir, meta)
    eager = BertIntentClassifier(network, tokenizer, meta, threads=1)
    texts = ["fly from Paris to Tokyo", "我叫王小明", "fly  from   Berlin to    Rome", "weather in Ｏｓｌｏ please", "hello"]
    got, want = joint.parse(texts), eager.parse(texts)
    assert [_spans(p) for p in got] == [_spans(p) for p in want]
    for g, w in zip(got, want):
        assert [e.confidence for e in g.entities] == pytest.approx([e.confidence for e in w.entities], abs=1e-3)


def test_int8_serving_still_returns_entities(joint_dir):
    from framework.nlu.model import load_classifier

    q = load_classifier(joint_dir, quantize=True, threads=1)
    (parsed,) = q.parse(["fly from Paris to Tokyo"])
    assert [e.entity for e in parsed.entities] == ["city", "city"]


@pytest.fixture(scope="module")
def intent_only_dir(tmp_path_factory):
    examples = [("hello there", "greet"), ("hi", "greet"), ("bye now", "goodbye"), ("see you", "goodbye"),
                ("good morning", "greet"), ("farewell", "goodbye")]
    return train_tiny_model(examples, tmp_path_factory.mktemp("intent") / "m")


def test_an_intent_only_model_has_no_entity_head(intent_only_dir):
    from framework.nlu.model import load_classifier, weights_state

    meta = json.loads((intent_only_dir / "artifact.json").read_text(encoding="utf-8"))
    assert not any(k.startswith("entity") for k in meta)
    assert not any(k.startswith("tagger") for k in weights_state(intent_only_dir))
    clf = load_classifier(intent_only_dir, threads=1)
    assert clf.entity_labels == () and clf.entity_threshold is None and not clf.has_entities
    (parsed,) = clf.parse(["hello there"])
    assert parsed.entities == () and parsed.ranking[0].name == "greet"


def test_a_model_trained_before_entities_still_loads(intent_only_dir, tmp_path):
    """An artifact as written before the entity head existed (no entity keys), through both
    the TorchScript path and the transformers path (no model.torchscript.pt)."""
    from framework.nlu.model import load_classifier
    from framework.nlu.torchscript import TORCHSCRIPT_FILE

    old = tmp_path / "old"
    shutil.copytree(intent_only_dir, old)
    meta = json.loads((old / "artifact.json").read_text(encoding="utf-8"))
    for key in [k for k in meta if k.startswith("entity")]:
        del meta[key]
    (old / "artifact.json").write_text(json.dumps(meta), encoding="utf-8")
    assert load_classifier(old, threads=1).parse(["bye now"])[0].ranking[0].name == "goodbye"
    # the older layout: weights in model.safetensors, no trace
    from safetensors.torch import save_file

    from framework.nlu.model import weights_state

    save_file({k: v.contiguous() for k, v in weights_state(old).items()}, str(old / "model.safetensors"))
    (old / TORCHSCRIPT_FILE).unlink()
    clf = load_classifier(old, threads=1)
    assert clf.predict(["bye now"])[0][0].name == "goodbye" and clf.parse(["bye now"])[0].entities == ()


def test_the_model_folder_stores_its_weights_once(joint_dir):
    """Issue 12: the trace holds the weights; the eager path reads them from it."""
    from framework.nlu.model import load_network, read_artifact

    assert not (joint_dir / "model.safetensors").exists()
    network, _ = load_network(joint_dir, read_artifact(joint_dir))
    assert network.tagger is not None


def test_unannotated_examples_of_annotated_intents_do_not_teach_all_o():
    from framework.nlu.data import AnnotatedEntity, LabelledText
    from framework.nlu.joint import entity_targets

    data = [LabelledText("fly to Paris", "book", (AnnotatedEntity("city", "Paris", 7, 12),)),
            LabelledText("fly to Rome", "book"),  # the author left this one plain
            LabelledText("hello", "greet"),  # an intent with no annotation at all: all O
            LabelledText("play jazz", "music", tagged=True)]  # a BIO file: all O is known
    assert entity_targets(data) == [True, False, True, True]


# --------------------------------------------------------------------------- the parser


async def test_classifier_parser_appends_the_models_entities_after_the_pattern_extractors():
    from framework.agent import classifier_parser
    from tests.support.bank_domain import ID, bank
    from tests.support.fake_classifier import FakeClassifier

    assistant = bank()
    learnt = Entity("name", "张三", "张三", 2, 4, "model", 0.93)

    class Joint(FakeClassifier):
        def parse(self, texts):
            return [Parsed(ranking, (learnt,)) for ranking in self.predict(texts)]

    result = await classifier_parser(Joint({"我想开户": "开户"}, assistant.intents), assistant)(f"我想开户 {ID}")
    assert result.intent.name == "开户"
    assert [(e.entity, e.extractor) for e in result.entities] == [("id_number", "id_number"), ("name", "model")]
    assert result.entities[-1] == learnt
    # a classifier with only `predict` (every fake, every older model) adds none
    plain = await classifier_parser(FakeClassifier({"我想开户": "开户"}, assistant.intents), assistant)(f"我想开户 {ID}")
    assert [e.extractor for e in plain.entities] == ["id_number"]


def test_entity_contract_round_trips():
    e = Entity("city", "Paris", "Paris", 7, 12, "model", 0.9, "to", "1")
    assert Entity.from_dict(e.to_dict()) == e
    plain = Entity("amount", 50, "50", 5, 7, "number")
    assert plain.to_dict() == {"entity": "amount", "value": 50, "text": "50", "start": 5, "end": 7,
                               "extractor": "number"}
    result = NLUResult("fly to Paris", (IntentScore("book", 1.0),), (e, plain), "m")
    assert NLUResult.from_dict(result.to_dict()) == result


# --------------------------------------------------------------------------- benchmark readers


def test_bio_token_files_become_character_spans(tmp_path):
    from framework.nlu.data import read_bio_tokens

    (tmp_path / "seq.in").write_text("book a table at le cinq for 2\nhello\n", encoding="utf-8")
    (tmp_path / "seq.out").write_text("O O O O B-restaurant I-restaurant O B-party\nO\n", encoding="utf-8")
    (tmp_path / "label").write_text("Book\nGreet\n", encoding="utf-8")
    first, second = read_bio_tokens(tmp_path / "seq.in", tmp_path / "seq.out", tmp_path / "label")
    assert first.text == "book a table at le cinq for 2" and first.tagged
    assert [(e.entity, e.value, first.text[e.start:e.end]) for e in first.entities] == [
        ("restaurant", "le cinq", "le cinq"), ("party", "2", "2")]
    assert second.entities == () and second.tagged


def test_bioes_character_files_become_character_spans(tmp_path):
    from framework.nlu.data import read_bioes_chars

    rows = ["我 O", "要 O", "听 O", "周 B-singer", "杰 I-singer", "伦 E-singer", "的 O", "歌 S-type", "",
            "播 O", "放 O", "  O", "a B-song", "b E-song", ""]
    (tmp_path / "ch.x").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "ch.x.intent").write_text("PlayMusic\nPlayMusic\n", encoding="utf-8")
    first, second = read_bioes_chars(tmp_path / "ch.x", tmp_path / "ch.x.intent")
    assert first.text == "我要听周杰伦的歌"
    assert [(e.entity, e.value, e.start, e.end) for e in first.entities] == [("singer", "周杰伦", 3, 6),
                                                                             ("type", "歌", 7, 8)]
    assert second.text == "播放 ab" and [(e.value, e.start) for e in second.entities] == [("ab", 3)]


def test_decoding_reads_tags_as_conlleval_does():
    from framework.nlu.tagging import decode, span_scores, tag_names, token_tags, Span

    labels = ["city", "name"]
    assert tag_names(labels) == ["O", "B-city", "I-city", "B-name", "I-name"]
    text = "to  New York, Ada"
    offsets = [(0, 0), (0, 2), (4, 7), (8, 12), (12, 13), (14, 17), (0, 0)]
    special = [True, False, False, False, False, False, True]
    tags = token_tags(offsets, [Span("city", 4, 12), Span("name", 14, 17)], {"city": 0, "name": 1}, special)
    assert tags == [-100, 0, 1, 2, 0, 3, -100]
    probs = [1.0, 0.9, 0.8, 0.6, 0.9, 0.7, 1.0]
    assert decode(text, offsets, tags, probs, labels, special) == [Span("city", 4, 12, 0.6), Span("name", 14, 17, 0.7)]
    # an I- with no open entity of its label opens one (conlleval), B- after B- splits
    assert decode(text, offsets, [0, 0, 2, 1, 0, 4, 0], probs, labels) == [
        Span("city", 4, 7, 0.8), Span("city", 8, 12, 0.6), Span("name", 14, 17, 0.7)]
    # a lone "▁" piece has the next character's offsets: B-, B- over them is one entity
    assert decode("to 　width", [(0, 2), (4, 5), (4, 9)], [0, 1, 1], [1.0, 0.9, 0.8], labels) == [
        Span("city", 4, 9, 0.8)]
    assert span_scores([{("city", 4, 12)}], [{("city", 4, 12), ("name", 14, 17)}])["f1"] == pytest.approx(2 / 3)


def test_sentencepiece_offsets_round_trip_to_the_same_spans():
    """The multilingual base's XLM-R tokenizer: tags made from character spans decode back to
    the same spans (leading '▁' pieces, Chinese characters, full-width letters)."""
    from framework.nlu.base_models import resolve
    from framework.nlu.tagging import Span, decode, token_tags

    try:
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(str(resolve("multilingual-e5-small").path))
    except Exception as err:  # the converted base is built on first use elsewhere
        pytest.skip(f"multilingual-e5-small not available here: {err}")
    cases = [("我叫张三，要去 Paris", [Span("name", 2, 4), Span("city", 8, 13)]),
             ("send  50 dollars to John", [Span("amount", 6, 8), Span("name", 20, 24)]),
             ("飞往Ｔｏｋｙｏ明天", [Span("city", 2, 7)])]
    labels = ["amount", "city", "name"]
    for text, spans in cases:
        enc = tokenizer(text, return_offsets_mapping=True, return_special_tokens_mask=True)
        tags = token_tags(enc["offset_mapping"], spans, {n: k for k, n in enumerate(labels)},
                          enc["special_tokens_mask"])
        got = decode(text, enc["offset_mapping"], [max(t, 0) for t in tags], [1.0] * len(tags), labels,
                     enc["special_tokens_mask"])
        assert [(s.label, text[s.start:s.end]) for s in got] == [(s.label, text[s.start:s.end]) for s in spans]
