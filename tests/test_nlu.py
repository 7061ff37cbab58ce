"""The intent classifier: data import, training, the artifact, inference, evaluation."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from framework.nlu import data as nlu_data
from framework.nlu import metrics

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

TOY = [
    ("hello there", "greet"), ("hi", "greet"), ("good morning", "greet"), ("hey", "greet"), ("hello", "greet"),
    ("bye", "goodbye"), ("goodbye", "goodbye"), ("see you later", "goodbye"), ("bye bye", "goodbye"),
    ("good night", "goodbye"),
    ("我想办理一张新卡", "办理"), ("我要开户", "办理"), ("办理新卡", "办理"), ("开一张卡", "办理"), ("我想开户", "办理"),
    ("转人工", "转人工"), ("我要找客服", "转人工"), ("人工服务", "转人工"), ("帮我转接人工", "转人工"), ("找个真人", "转人工"),
]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    from tests.support.tiny_model import train_tiny_model

    return train_tiny_model(TOY, tmp_path_factory.mktemp("nlu") / "tiny")


@pytest.fixture(scope="session")
def tiny_classifier(tiny_model):
    from framework.nlu import load_classifier

    return load_classifier(tiny_model)


# --------------------------------------------------------------------------- data import

def test_rasa_nlu_file_is_imported_with_entity_markup_stripped():
    rows = nlu_data.read_data_file(DATA / "rasa_nlu.yml")
    by_intent = {}
    for r in rows:
        by_intent.setdefault(r.intent, []).append(r.text)
    assert sorted(by_intent) == ["check_balance", "goodbye", "greet", "transfer_money"]  # synonym/regex/lookup skipped
    assert len(by_intent["greet"]) == 7
    assert "how much money is in my savings account" in by_intent["check_balance"]
    assert "show me the balance of my checking account" in by_intent["check_balance"]
    assert "how much do I have in checking" in by_intent["check_balance"]
    assert "pay Anna 20 euros" in by_intent["transfer_money"]
    assert not any("[" in t or "(" in t or "{" in t for t in sum(by_intent.values(), []))


def test_csv_and_jsonl_files(tmp_path):
    (tmp_path / "a.csv").write_text("text,intent\nhello,greet\n我叫[张三](name),inform\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"text": "bye", "intent": "goodbye"}\n\n', encoding="utf-8")
    assert nlu_data.read_data_file(tmp_path / "a.csv") == [
        nlu_data.LabelledText("hello", "greet"), nlu_data.LabelledText("我叫张三", "inform")]
    assert nlu_data.read_data_file(tmp_path / "b.jsonl") == [nlu_data.LabelledText("bye", "goodbye")]
    (tmp_path / "bad.csv").write_text("sentence,label\nx,y\n")
    with pytest.raises(nlu_data.DataFormatError, match="expected a CSV header 'text,intent', found sentence,label"):
        nlu_data.read_data_file(tmp_path / "bad.csv")


def test_stratified_split_keeps_rare_intents_in_training():
    rows = [nlu_data.LabelledText(f"a{i}", "a") for i in range(50)] + [
        nlu_data.LabelledText(f"b{i}", "b") for i in range(5)] + [nlu_data.LabelledText("c", "c")]
    train, valid = nlu_data.stratified_split(rows, 0.2, seed=1)
    assert len(train) + len(valid) == len(rows)
    assert sorted(v.intent for v in valid) == ["a"] * 10 + ["b"]
    assert any(t.intent == "c" for t in train)


def test_fingerprint_matches_the_assistant_definition():
    import hashlib

    assert nlu_data.intent_fingerprint(["b", "a"]) == hashlib.sha256(b"a\nb").hexdigest()


# --------------------------------------------------------------------------- metrics

def test_threshold_with_out_of_scope_examples():
    gold = ["a", "a", "b", "oos", "oos"]
    pred = ["a", "a", "b", "a", "b"]
    conf = [0.9, 0.8, 0.7, 0.4, 0.3]
    th = metrics.choose_threshold(gold, pred, conf, out_of_scope="oos")
    assert 0.4 < th["threshold"] <= 0.7
    assert th["in_scope_accuracy"] == 1.0 and th["oos_recall"] == 1.0


def test_report_counts_unknown_gold_intents_as_errors():
    r = metrics.classification_report(["a", "b", "new"], ["a", "a", "b"], ["a", "b"])
    assert r["accuracy"] == pytest.approx(1 / 3)
    assert r["labels"] == ["a", "b", "new"]
    assert r["confused_pairs"][0]["count"] == 1


# --------------------------------------------------------------------------- the tiny model

def test_tiny_model_learns_its_training_intents(tiny_model, tiny_classifier):
    clf = tiny_classifier
    assert set(clf.labels) == {i for _, i in TOY}
    rankings = clf.predict([t for t, _ in TOY])
    assert [r[0].name for r in rankings] == [i for _, i in TOY]
    for r in rankings:
        assert len(r) == len(clf.labels)
        assert sum(s.confidence for s in r) == pytest.approx(1.0, abs=1e-4)
        assert [s.confidence for s in r] == sorted((s.confidence for s in r), reverse=True)
    assert clf.predict([]) == []
    assert len(clf.predict([""])[0]) == len(clf.labels)


def test_artifact_contents(tiny_model):
    names = {p.name for p in tiny_model.iterdir()}
    assert {"artifact.json", "labels.json", "model.torchscript.pt", "config.json", "tokenizer.json",
            "evaluation.json", "evaluation.md"} <= names
    assert "model.safetensors" not in names  # the weights once: in the trace (issue 12)
    meta = json.loads((tiny_model / "artifact.json").read_text(encoding="utf-8"))
    assert meta["format_version"] == 1
    assert meta["intent_fingerprint"] == nlu_data.intent_fingerprint({i for _, i in TOY})
    assert 0.0 <= meta["threshold"] <= 1.0
    assert meta["training_args"]["training"]["seed"] == 13
    assert json.loads((tiny_model / "labels.json").read_text(encoding="utf-8")) == meta["labels"]


def test_classifier_implements_the_protocol(tiny_classifier):
    from framework.nlu import IntentClassifier

    assert isinstance(tiny_classifier, IntentClassifier)
    assert tiny_classifier.model_id.startswith("tiny-")


def test_model_for_other_intents_is_refused(tiny_model):
    from framework.nlu import load_classifier
    from framework.nlu.model import ModelMismatchError

    intents = {i: None for _, i in TOY if i != "goodbye"} | {"complain": None}
    assistant = SimpleNamespace(name="shop", source_dir="domains/shop", intents=intents,
                                intent_fingerprint=nlu_data.intent_fingerprint(intents))
    with pytest.raises(ModelMismatchError) as err:
        load_classifier(tiny_model, assistant=assistant)
    assert str(err.value) == (
        f"The model in {tiny_model} does not match domain 'shop': its intents changed since training "
        "(new: complain; removed: goodbye). Retrain with: python train.py domains/shop")
    matching = SimpleNamespace(name="toy", source_dir="", intents={i: None for _, i in TOY},
                               intent_fingerprint=nlu_data.intent_fingerprint({i for _, i in TOY}))
    assert load_classifier(tiny_model, assistant=matching).labels


def test_missing_model_says_how_to_train(tmp_path):
    from framework.nlu import load_classifier
    from framework.nlu.model import ModelNotFoundError

    with pytest.raises(ModelNotFoundError, match="train one with: python train.py DOMAIN"):
        load_classifier(tmp_path)


def test_int8_agrees_with_float(tiny_model, tiny_classifier):
    from framework.nlu import load_classifier

    q = load_classifier(tiny_model, quantize=True)
    texts = [t for t, _ in TOY] + ["hello bye", "我想转人工"]
    f, i8 = tiny_classifier.predict(texts), q.predict(texts)
    assert [r[0].name for r in f] == [r[0].name for r in i8]
    assert q.model_id.endswith("-int8")
    eager_q = _eager_classifier(tiny_model, quantize=True)  # same int8 quantisation on both paths
    assert q.probabilities(texts) == pytest.approx(eager_q.probabilities(texts), abs=1e-4)


def test_predict_is_thread_safe(tiny_classifier):
    texts = [t for t, _ in TOY]
    expected = [r[0].name for r in tiny_classifier.predict(texts)]
    results, errors = [], []

    def work():
        try:
            for _ in range(5):
                results.append([r[0].name for r in tiny_classifier.predict(texts)])
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and all(r == expected for r in results)


def test_evaluate_command_writes_reports(tiny_model, tmp_path):
    from framework.nlu import evaluate

    held_out = tmp_path / "held_out.csv"
    held_out.write_text("text,intent\nhello there,greet\nbye,goodbye\n我要开户,办理\n人工服务,转人工\n", encoding="utf-8")
    out = tmp_path / "report"
    assert evaluate.main(["--model", str(tiny_model), "--data", str(held_out), "--out", str(out), "--int8"]) == 0
    report = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert report["accuracy"] == 1.0 and report["n"] == 4
    assert set(report["variants"]) == {"float32", "int8"}
    md = out.with_suffix(".md").read_text(encoding="utf-8")
    assert "| accuracy | 100.00 |" in md and "| 办理 |" in md
    assert (tmp_path / "report_confusion.png").stat().st_size > 1000
    assert evaluate.main(["--model", str(tiny_model)]) == 2


# --------------------------------------------------------------------------- the TorchScript serving path

def _eager_classifier(model_dir, quantize=False):
    """The transformers (eager) classifier of an artifact, as loaded before TorchScript."""
    from framework.nlu.model import BertIntentClassifier, load_network, quantize_dynamic, read_artifact

    meta = read_artifact(model_dir)
    network, tokenizer = load_network(model_dir, meta)
    return BertIntentClassifier(quantize_dynamic(network) if quantize else network, tokenizer, meta,
                                quantized=quantize, threads=1)


def test_torchscript_trace_matches_the_eager_network_for_any_batch_shape(tiny_model, tiny_classifier):
    import torch

    from framework.nlu.torchscript import JsonTokenizer

    assert (tiny_model / "model.torchscript.pt").exists()
    assert isinstance(tiny_classifier.tokenizer, JsonTokenizer)  # the serving path took the trace
    eager = _eager_classifier(tiny_model)
    texts = [t for t, _ in TOY] + ["hello " * 40, "我想办理一张新卡，然后转人工" * 5]
    with torch.inference_mode():
        for size in (1, 2, 5, 22):
            for start in (0, len(texts) - size):
                batch = texts[start:start + size]
                enc = eager.tokenizer(batch, padding=True, truncation=True, max_length=32, return_tensors="pt")
                want = eager.network(enc["input_ids"], enc["attention_mask"])
                got = tiny_classifier.network(enc["input_ids"], enc["attention_mask"])
                assert got.shape == want.shape
                assert torch.allclose(got, want, atol=1e-4), (size, start)
    want, got = eager.predict(texts), tiny_classifier.predict(texts)
    assert [[s.name for s in r] for r in got] == [[s.name for s in r] for r in want]
    assert [s.confidence for r in got for s in r] == pytest.approx([s.confidence for r in want for s in r], abs=1e-5)


def _assert_same_token_ids(model_dir, texts, max_length):
    from framework.nlu.model import load_network, read_artifact
    from framework.nlu.torchscript import JsonTokenizer

    _, hf = load_network(model_dir, read_artifact(model_dir))
    ours = JsonTokenizer(model_dir, max_length)
    for batch in (texts, texts[:1], texts[-3:]):
        want = hf(batch, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
        got = ours(batch, max_length=max_length)
        assert got["input_ids"].tolist() == want["input_ids"].tolist()
        assert got["attention_mask"].tolist() == want["attention_mask"].tolist()
    assert len(ours) == len(hf)


def test_json_tokenizer_gives_the_training_token_ids(tiny_model):
    texts = [t for t, _ in TOY] + ["Hello THERE, good-bye!", "", "héllo wörld 123", "bye " * 50, "我想办理  新卡?转人工"]
    _assert_same_token_ids(tiny_model, texts, 32)


def test_serving_path_never_imports_transformers(tiny_model, tiny_classifier):
    texts = [t for t, _ in TOY]
    code = ("import json, sys; from framework.nlu import load_classifier\n"
            f"clf = load_classifier({str(tiny_model)!r})\n"
            f"r = clf.predict({texts!r})\n"
            "assert 'transformers' not in sys.modules, 'transformers imported'\n"
            "print(json.dumps([[s.name, s.confidence] for s in (x[0] for x in r)]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    top = json.loads(out)
    assert [n for n, _ in top] == [i for _, i in TOY]
    assert [c for _, c in top] == pytest.approx([r[0].confidence for r in tiny_classifier.predict(texts)], abs=1e-5)


def test_model_without_torchscript_file_loads_through_transformers(tiny_model, tiny_classifier, tmp_path):
    import shutil

    from framework.nlu import load_classifier

    from safetensors.torch import save_file

    from framework.nlu.model import weights_state

    old = tmp_path / "old"
    shutil.copytree(tiny_model, old)
    # a model from before the trace existed: its weights in model.safetensors only
    save_file({k: v.contiguous() for k, v in weights_state(old).items()}, str(old / "model.safetensors"))
    (old / "model.torchscript.pt").unlink()
    clf = load_classifier(old)
    assert not isinstance(clf.network, __import__("torch").jit.ScriptModule)
    texts = [t for t, _ in TOY]
    assert [r[0].name for r in clf.predict(texts)] == [r[0].name for r in tiny_classifier.predict(texts)]


def test_untraceable_model_keeps_the_eager_path(tmp_path, caplog):
    import torch

    from framework.nlu.torchscript import save_torchscript

    class Shapeful(torch.nn.Module):  # Python control flow on the batch size: the trace would freeze it
        def forward(self, input_ids, attention_mask):
            return torch.zeros(2, 3) if input_ids.shape[0] == 2 else torch.ones(input_ids.shape[0], 3)

    def tokenizer(texts, **kw):
        return {"input_ids": torch.ones(len(texts), 4, dtype=torch.long),
                "attention_mask": torch.ones(len(texts), 4, dtype=torch.long)}
    with caplog.at_level("WARNING"):
        assert not save_torchscript(tmp_path, Shapeful(), tokenizer, 8)
    assert not (tmp_path / "model.torchscript.pt").exists()
    assert "model.torchscript.pt" in caplog.text


# --------------------------------------------------------------------------- the real base model

def test_packaged_minilm_fine_tunes_and_learns_new_chinese_characters(tmp_path):
    from framework.nlu import load_classifier
    from framework.nlu.data import LabelledText
    from framework.nlu.fit import load_base_model, train_and_save
    from framework.nlu.train import ModelArguments, TrainingArguments
    from framework.nlu.vocabulary import missing_cjk_chars, missing_symbols, unk_share

    encoder, tokenizer = load_base_model()
    rows = [LabelledText(t, i) for t, i in TOY]
    assert unk_share(tokenizer, ["我想办理一张新卡"]) > 0.5
    missing = missing_cjk_chars(tokenizer, [r.text for r in rows])
    symbols = missing_symbols(tokenizer)
    assert {"👍", "❌", "🙋", "✌"} <= set(symbols) and "a" not in symbols
    result = train_and_save(
        encoder, tokenizer, rows, tmp_path / "m", model_args=ModelArguments(max_length=16, extend_vocab="emoji"),
        train_args=TrainingArguments(epochs=3, batch_size=16, threads=1, progress=False), valid=rows, name="mini")
    m = result["metrics"]
    assert m["added_tokens"] == len(missing) > 0 and m["added_symbols"] == len(symbols)
    assert m["unk_share_after"] == 0.0 < m["unk_share_before"]
    clf = load_classifier(tmp_path / "m")
    assert len(clf.tokenizer) == 30522 + len(missing) + len(symbols)
    # an emoji is a token of its own, also glued to a word or with its variation selector
    from transformers import AutoTokenizer

    saved = AutoTokenizer.from_pretrained(tmp_path / "m")
    ids = saved("ok👍 ✌️", add_special_tokens=False)["input_ids"]
    assert saved.unk_token_id not in ids and len(ids) == 3
    # the TorchScript path's tokenizer gives the ids training used, added CJK characters and emoji included
    _assert_same_token_ids(tmp_path / "m", ["good morning", "我想办理一张新卡", "转人工 please", "我要开户" * 10,
                                            "ok👍 ✌️ 👨‍💼"], 16)
    assert clf.predict(["good morning"])[0][0].name in clf.labels
    assert m["validation_accuracy"] >= 0.5


# --------------------------------------------------------------------------- the command line

def test_help_does_not_import_torch():
    code = ("import sys; from framework.nlu import train, evaluate; "
            "import contextlib, io\n"
            "for m in (train, evaluate):\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        try: m.main(['--help'])\n"
            "        except SystemExit: pass\n"
            "assert 'torch' not in sys.modules and 'transformers' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_train_command_on_a_rasa_file(tmp_path, capsys):
    """`dialog train --data nlu.yml --out DIR --base-model DIR` end to end (a tiny base
    model saved as a local HF directory); bad input exits 2 without a traceback."""
    from framework.nlu import load_classifier, train
    from tests.support.tiny_model import build_tiny_encoder

    rows = nlu_data.read_data_file(DATA / "rasa_nlu.yml")
    encoder, tokenizer = build_tiny_encoder([r.text for r in rows])
    encoder.save_pretrained(tmp_path / "base")
    tokenizer.save_pretrained(tmp_path / "base")
    out = tmp_path / "model"
    assert train.main(["--data", str(DATA / "rasa_nlu.yml"), "--out", str(out), "--base-model", str(tmp_path / "base"),
                       "--epochs", "3", "--threads", "1", "--no-progress"]) == 0
    assert f"saved {out}  (21 examples, 4 intents" in capsys.readouterr().out
    meta = json.loads((out / "artifact.json").read_text(encoding="utf-8"))
    assert meta["intent_fingerprint"] == nlu_data.intent_fingerprint(["check_balance", "goodbye", "greet",
                                                                       "transfer_money"])
    assert meta["metrics"]["refit"]["epochs_used"] >= 2  # small data: refit on everything
    assert load_classifier(out).labels == ("check_balance", "goodbye", "greet", "transfer_money")

    assert train.main(["--data", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "m")]) == 2
    assert train.main(["--data", str(DATA / "rasa_nlu.yml")]) == 2  # no --out and no domain
    assert "give --out DIR" in capsys.readouterr().err


def test_train_command_on_an_example_domain(tmp_path, capsys):
    """`dialog train domains/banking_en`: the domain's examples, fingerprint and
    out-of-scope intent reach the artifact (tiny base model, so it takes seconds)."""
    from framework.nlu import load_classifier, train
    from framework.spec import load_assistant
    from tests.support.tiny_model import build_tiny_encoder

    domain = ROOT / "domains" / "banking_en"
    assistant = load_assistant(domain)
    encoder, tokenizer = build_tiny_encoder([r.text for r in nlu_data.from_assistant(assistant)])
    encoder.save_pretrained(tmp_path / "base")
    tokenizer.save_pretrained(tmp_path / "base")
    out = tmp_path / "model"
    assert train.main([str(domain), "--out", str(out), "--base-model", str(tmp_path / "base"), "--epochs", "2",
                       "--threads", "1", "--no-progress"]) == 0
    meta = json.loads((out / "artifact.json").read_text(encoding="utf-8"))
    assert meta["out_of_scope"] == assistant.behaviours.out_of_scope.intents[0]
    assert "in_scope_accuracy" in meta["threshold_info"]  # chosen with the out-of-scope examples
    assert load_classifier(out, assistant=assistant).labels == tuple(sorted(assistant.intents))
    # the ONNX Runtime network is made and checked at the end of training (framework.nlu.onnx_runtime)
    printed = capsys.readouterr().out
    line = next(x for x in printed.splitlines() if x.startswith("ONNX Runtime network:"))
    if "`serve` runs it by default" in line:  # its check passed: the server's default runtime uses it
        assert (out / "model.onnx").is_file()
        assert load_classifier(out, assistant=assistant, runtime="auto").runtime == "onnx"
    else:  # a file that would never serve is not kept, and the server says why
        assert not (out / "model.onnx").exists() and "`serve` runs torch" in line
        from framework.nlu.onnx_runtime import _why_no_model_file

        assert _why_no_model_file(out).startswith("training made no model.onnx: no variant passed its check")
    assert json.loads((out / "onnx_check.json").read_text(encoding="utf-8"))["trace"]


def test_an_emoji_starts_at_its_unicode_names_words():
    """"❌" (CROSS MARK) starts nearer "cross" than "🙋" (HAPPY PERSON RAISING ONE HAND) does, and an emoji the
    vocabulary knows is not added."""
    import torch

    from framework.nlu.fit import load_base_model
    from framework.nlu.vocabulary import add_named_tokens

    encoder, tokenizer = load_base_model()
    base = encoder.get_input_embeddings().weight.data.clone()
    assert add_named_tokens(tokenizer, encoder, ["❌", "🙋"]) == 2
    rows = encoder.get_input_embeddings().weight.data
    vocab = tokenizer.get_vocab()
    cross = base[vocab["cross"]]
    near = torch.nn.functional.cosine_similarity
    assert near(rows[vocab["❌"]], cross, dim=0) > near(rows[vocab["🙋"]], cross, dim=0) + 0.2
    assert torch.equal(rows[: base.shape[0]], base)
    assert add_named_tokens(tokenizer, encoder, ["❌"]) == 0
