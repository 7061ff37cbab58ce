"""Serving through ONNX Runtime (framework.nlu.onnx_runtime, `serve --runtime onnx`): the
file is made once and kept in the serving cache, answers as the torch network does, and a
worker that finds it imports no torch; where it cannot serve (no onnxruntime, a failed
check) the torch network serves and one warning says why. A tiny real model."""
from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

EXAMPLES = [
    ("hello there", "greet"), ("hi", "greet"), ("good morning", "greet"), ("hey", "greet"),
    ("bye", "goodbye"), ("goodbye", "goodbye"), ("see you later", "goodbye"), ("good night", "goodbye"),
    ("我想办理一张新卡", "办理"), ("我要开户", "办理"), ("办理新卡", "办理"), ("开一张卡", "办理"),
    ("转人工", "转人工"), ("我要找客服", "转人工"), ("人工服务", "转人工"), ("帮我转接人工", "转人工"),
]
TEXTS = ["hello", "bye bye", "我想开户", "找个真人", "good evening", "see you", "", "🙂", "hello bye 我想转人工"]


@pytest.fixture(autouse=True)
def serving_cache(tmp_path, monkeypatch):
    import framework.nlu.mapped_embeddings as mapped

    monkeypatch.setattr(mapped, "filesystem_type", lambda path: "ext4")
    monkeypatch.setenv("DIALOG_SERVING_CACHE", str(tmp_path / "serving"))
    return tmp_path / "serving"


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    from tests.support.tiny_model import train_tiny_model

    return train_tiny_model(EXAMPLES, tmp_path_factory.mktemp("onnx") / "model")


def test_made_once_answers_as_torch_and_kept(model, serving_cache):
    from framework.nlu.model import load_classifier

    onnx = load_classifier(model, quantize=False, threads=1, runtime="onnx")
    assert onnx.runtime == "onnx" and onnx.model_id.endswith("-onnx-int8")
    files = list(serving_cache.glob("*.onnx"))
    assert len(files) == 1
    check = onnx.network.check
    assert check["ok"] and check["served"] == "int8" and "float32" not in check  # int8 passed: float32 not needed
    assert check["int8"]["texts"] == 7 and check["int8"]["agreement_with_float32_pct"] == 100.0
    torch_answers = [r[0].name for r in load_classifier(model, quantize=False, threads=1).predict(TEXTS)]
    assert [r[0].name for r in onnx.predict(TEXTS)] == torch_answers
    assert len(onnx.predict([""])) == 1 and onnx.predict([]) == []
    stamp = files[0].stat().st_mtime_ns
    again = load_classifier(model, quantize=False, threads=1, runtime="onnx")  # read, not made again
    assert [r[0].name for r in again.predict(TEXTS)] == torch_answers
    assert list(serving_cache.glob("*.onnx")) == files and files[0].stat().st_mtime_ns >= stamp


def test_a_worker_that_finds_the_file_imports_no_torch(model, serving_cache):
    from framework.nlu.model import load_classifier

    load_classifier(model, quantize=False, threads=1, runtime="onnx")
    code = textwrap.dedent(f"""
        import sys
        from framework.nlu.model import load_classifier
        c = load_classifier({str(model)!r}, quantize="auto", threads=1, runtime="onnx")
        print(c.runtime, c.predict(["hello"])[0][0].name, "torch" in sys.modules, "transformers" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "DIALOG_SERVING_CACHE": str(serving_cache)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["onnx", "greet", "False", "False"]


def test_without_onnxruntime_or_with_failed_checks_torch_serves(model, monkeypatch, caplog, serving_cache):
    from framework.nlu import onnx_runtime
    from framework.nlu.model import load_classifier

    with monkeypatch.context() as patched, caplog.at_level(logging.WARNING):
        patched.setattr(onnx_runtime, "missing_packages", lambda build=False: ["onnxruntime"])
        classifier = load_classifier(model, quantize=False, threads=1, runtime="onnx")
    assert classifier.runtime == "torch"
    assert "ONNX Runtime cannot serve" in caplog.text and "onnxruntime not installed" in caplog.text

    real_check = onnx_runtime._Reference.check

    def failing(*precisions):
        def check(self, path, precision):
            return {**real_check(self, path, precision), "ok": precision not in precisions}
        return check

    torch_names = [r[0].name for r in load_classifier(model, quantize=False, threads=1).predict(TEXTS)]
    monkeypatch.setattr(onnx_runtime._Reference, "check", failing("int8"))  # int8 after smoothing then
    classifier = load_classifier(model, quantize=False, threads=1, runtime="onnx")
    assert classifier.runtime == "onnx" and classifier.model_id.endswith("-onnx-int8-smooth")
    assert classifier.network.check["served"] == "int8-smooth" and "int8-mixed" not in classifier.network.check
    assert [r[0].name for r in classifier.predict(TEXTS)] == torch_names

    # then a stronger smoothing, smoothing with the lower layers in float32, the lower layers alone in float32
    for served in onnx_runtime.PRECISIONS[2:-1]:
        for cached in serving_cache.glob("*.onnx"):
            cached.unlink()
        before = onnx_runtime.PRECISIONS[:onnx_runtime.PRECISIONS.index(served)]
        monkeypatch.setattr(onnx_runtime._Reference, "check", failing(*before))
        classifier = load_classifier(model, quantize=False, threads=1, runtime="onnx")
        assert classifier.runtime == "onnx" and classifier.model_id.endswith(f"-onnx-{served}")
        assert classifier.network.check["served"] == served and "float32" not in classifier.network.check
        assert [r[0].name for r in classifier.predict(TEXTS)] == torch_names

    for cached in serving_cache.glob("*.onnx"):
        cached.unlink()
    monkeypatch.setattr(onnx_runtime._Reference, "check", failing(*onnx_runtime.PRECISIONS[:-1]))  # float32 then
    classifier = load_classifier(model, quantize=False, threads=1, runtime="onnx")
    assert classifier.runtime == "onnx" and classifier.model_id.endswith("-onnx-float32")
    assert classifier.network.check["served"] == "float32" and not classifier.network.check["int8"]["ok"]
    torch_answers = load_classifier(model, quantize=False, threads=1).predict(TEXTS)
    for onnx_ranking, torch_ranking in zip(classifier.predict(TEXTS), torch_answers):
        assert onnx_ranking[0].name == torch_ranking[0].name
        assert abs(onnx_ranking[0].confidence - torch_ranking[0].confidence) < 1e-4

    for cached in serving_cache.glob("*.onnx"):
        cached.unlink()
    monkeypatch.setattr(onnx_runtime._Reference, "check",
                        lambda self, path, precision: {**real_check(self, path, precision), "ok": False})
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert load_classifier(model, quantize=False, threads=1, runtime="onnx").runtime == "torch"
    assert "its check did not pass" in caplog.text
    monkeypatch.setattr(onnx_runtime._Reference, "check", lambda *a, **k: pytest.fail("made again"))
    assert load_classifier(model, quantize=False, threads=1, runtime="onnx").runtime == "torch"  # kept: not made again


def test_auto_serves_the_model_folders_file_and_makes_none(model, tmp_path, serving_cache, caplog):
    """`runtime="auto"` (the server's default): the model folder's model.onnx (training makes
    it) when it was exported from the folder's own trace, even in a copy of the folder; else
    torch at once, nothing made at start."""
    import shutil

    from framework.nlu import onnx_runtime
    from framework.nlu.model import load_classifier
    from tests.support.tiny_model import train_tiny_model

    folder = tmp_path / "m"
    shutil.copytree(model, folder)
    with caplog.at_level(logging.INFO):
        classifier = load_classifier(folder, quantize=False, threads=1, runtime="auto")
    assert classifier.runtime == "torch" and not list(serving_cache.glob("*.onnx"))
    assert "python -m framework.nlu.onnx_runtime" in caplog.text
    # where training tried and no variant passed, the line says so instead
    (folder / "onnx_check.json").write_text(json.dumps({"why": "no variant passed its check (x)",
                                                        "trace": onnx_runtime.trace_digest(folder)}), encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.INFO):
        assert load_classifier(folder, quantize=False, threads=1, runtime="auto").runtime == "torch"
    assert "training made no model.onnx: no variant passed its check (x)" in caplog.text

    assert onnx_runtime.main([str(folder), "--threads", "1"]) == 0  # into the folder, as training does
    assert (folder / "model.onnx").is_file() and not list(serving_cache.glob("*.onnx"))
    torch_answers = [r[0].name for r in classifier.predict(TEXTS)]
    onnx = load_classifier(folder, quantize=False, threads=1, runtime="auto")
    assert onnx.runtime == "onnx" and onnx.network.path == folder / "model.onnx"
    assert [r[0].name for r in onnx.predict(TEXTS)] == torch_answers

    copied = tmp_path / "copied"  # new modification times: the file still belongs to the trace
    shutil.copytree(folder, copied, copy_function=shutil.copy)
    assert load_classifier(copied, quantize=False, threads=1, runtime="auto").runtime == "onnx"

    other = train_tiny_model(EXAMPLES, tmp_path / "other", epochs=29)  # same intents, other weights
    shutil.copy(other / "model.torchscript.pt", copied / "model.torchscript.pt")
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert load_classifier(copied, quantize=False, threads=1, runtime="auto").runtime == "torch"
    assert "was not exported from this folder's model.torchscript.pt" in caplog.text
    assert not list(serving_cache.glob("*.onnx"))


def test_auto_prefers_torch_int8_to_onnx_float32(model, tmp_path, monkeypatch, serving_cache):
    """Where only ONNX Runtime's float32 graph passed its check, `auto` serves torch when
    torch's own check allows int8 (about 1.9x the texts/s on banking_en), else the float32 graph."""
    import shutil

    from framework.nlu import onnx_runtime, precision
    from framework.nlu.model import load_classifier, read_artifact

    folder = tmp_path / "m"
    shutil.copytree(model, folder)
    real_check = onnx_runtime._Reference.check
    monkeypatch.setattr(onnx_runtime._Reference, "check", lambda self, path, p: {
        **real_check(self, path, p), "ok": p == "float32"})
    record = onnx_runtime.build(folder, read_artifact(folder), folder / "model.onnx", threads=1)
    assert record["served"] == "float32"
    monkeypatch.setattr(precision, "served_precision", lambda model_dir: "int8")
    assert load_classifier(folder, quantize=False, threads=1, runtime="auto").runtime == "torch"
    assert load_classifier(folder, quantize=False, threads=1, runtime="onnx").model_id.endswith("-onnx-float32")
    monkeypatch.setattr(precision, "served_precision", lambda model_dir: "float32")
    assert load_classifier(folder, quantize=False, threads=1, runtime="auto").model_id.endswith("-onnx-float32")
    # training makes no float32 graph where torch's int8 passed: build(float32_fallback=False)
    record = onnx_runtime.build(folder, read_artifact(folder), tmp_path / "x.onnx", threads=1, float32_fallback=False)
    assert record["served"] is None and "float32" not in record


def test_an_unknown_runtime_is_refused(model):
    from framework.nlu.model import load_classifier

    with pytest.raises(ValueError, match="runtime must be 'auto', 'torch' or 'onnx'"):
        load_classifier(model, threads=1, runtime="tensorflow")


def test_serve_runtime_onnx(tmp_path, serving_cache):
    """A real `serve.py --runtime onnx` process: /ready names the ONNX model, a turn answers."""
    import json
    import os
    import signal
    import time
    import urllib.request
    from pathlib import Path

    from framework.spec import load_assistant
    from tests.support.redis_server import free_port
    from tests.support.serving import training_examples, write_domain
    from tests.support.tiny_model import train_tiny_model

    domain = write_domain(tmp_path / "shop_zh")
    assistant = load_assistant(domain)
    model = train_tiny_model(training_examples(assistant), tmp_path / "model",
                             intent_fingerprint=assistant.intent_fingerprint)
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if k != "REDIS_URL"}, "DIALOG_SERVING_CACHE": str(serving_cache)}
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen([sys.executable, "serve.py", str(domain), "--model", str(model), "--port", str(port),
                                "--redis-dir", str(tmp_path / "redis"), "--runtime", "onnx", "--no-webchat"],
                               cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        deadline = time.monotonic() + 120  # a bound on a busy machine, not a timing assertion
        lines = []
        while time.monotonic() < deadline and process.poll() is None:
            lines.append(process.stdout.readline())
            if "listening on" in lines[-1]:
                break
        assert "listening on" in lines[-1], "".join(lines)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=10) as reply:
            health = json.loads(reply.read())
        assert health["model"].endswith("-onnx-int8"), health
        request = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/rest/webhook", method="POST",
                                         data=json.dumps({"sender": "u1", "message": "你好"}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            assert json.loads(reply.read())  # answered
        assert list(serving_cache.glob("*.onnx"))
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_smoothing_changes_the_graph_not_what_it_computes(model, tmp_path):
    """int8-smooth's float32 graph (a Mul per channel before each MatMul / Attention, its
    weight rows scaled back) computes what the fused graph does; its calibration texts are the
    domain's training examples, never the check's."""
    import numpy as np
    import onnx

    from framework.nlu import onnx_runtime
    from framework.nlu.model import read_artifact

    meta = read_artifact(model)
    fused, _ = onnx_runtime._export_fused_int8(model, meta, tmp_path)
    tokenizer = onnx_runtime._tokenizer(model, meta)
    smoothed = onnx_runtime._smooth(tmp_path / "typed.onnx", tmp_path / "smoothed.onnx", tokenizer, TEXTS)
    graph = onnx.load(str(smoothed))
    muls = [n for n in graph.graph.node if n.name.startswith("Smooth_")]
    quantisable = [n for n in graph.graph.node if n.op_type in ("MatMul", "Attention")]
    weights = {i.name for i in graph.graph.initializer}
    assert muls and all("_smoothed_" in n.input[0] for n in quantisable if n.input[1] in weights)
    inverse = {i.name: onnx.numpy_helper.to_array(i) for i in graph.graph.initializer if i.name.endswith("_smooth_inverse")}
    assert any(not np.allclose(v, 1.0) for v in inverse.values())  # it did rescale
    encoded = tokenizer(TEXTS, return_tensors="np")
    before = onnx_runtime.OrtNetwork(fused)(encoded["input_ids"], encoded["attention_mask"])[0]
    after = onnx_runtime.OrtNetwork(smoothed)(encoded["input_ids"], encoded["attention_mask"])[0]
    assert np.allclose(before, after, atol=1e-4)


def test_no_skip_layer_norm_nor_bias_gelu_in_the_graph_or_the_session(model, tmp_path):
    """ONNX Runtime's CPU SkipLayerNormalization was ~6x slower than Add + LayerNormalization
    (BENCHMARKS.md, session 21): the export leaves it (and BiasGelu) unfused, the session does
    not fuse them back, and the unfused graph computes what the fused one does."""
    import numpy as np
    import onnx
    import onnxruntime as ort

    from framework.nlu import onnx_runtime
    from framework.nlu.model import read_artifact

    meta = read_artifact(model)
    fused, quantized = onnx_runtime._export_fused_int8(model, meta, tmp_path)
    for path in (fused, quantized):
        ops = {n.op_type for n in onnx.load(str(path)).graph.node}
        assert "LayerNormalization" in ops and not ops & {"SkipLayerNormalization", "BiasGelu"}, ops
    network = onnx_runtime.OrtNetwork(fused)
    options = ort.SessionOptions()
    options.optimized_model_filepath = str(tmp_path / "as_loaded.onnx")
    ort.InferenceSession(str(fused), options, providers=["CPUExecutionProvider"],
                         disabled_optimizers=list(onnx_runtime.SLOW_FUSIONS))
    assert "SkipLayerNormalization" not in {n.op_type for n in onnx.load(str(tmp_path / "as_loaded.onnx")).graph.node}
    refused = onnx_runtime._fusion_options
    try:  # the same export with every fusion, for the answers
        onnx_runtime._fusion_options = lambda: None
        (tmp_path / "all").mkdir()
        all_fused, _ = onnx_runtime._export_fused_int8(model, meta, tmp_path / "all")
    finally:
        onnx_runtime._fusion_options = refused
    assert "SkipLayerNormalization" in {n.op_type for n in onnx.load(str(all_fused)).graph.node}
    encoded = onnx_runtime._tokenizer(model, meta)(TEXTS, return_tensors="np")
    ours = network(encoded["input_ids"], encoded["attention_mask"])[0]
    theirs = onnx_runtime.OrtNetwork(all_fused)(encoded["input_ids"], encoded["attention_mask"])[0]
    assert np.allclose(ours, theirs, atol=1e-4)


def test_calibration_texts_are_the_training_examples():
    from framework.nlu.data import from_assistant
    from framework.nlu.onnx_runtime import calibration_texts
    from framework.nlu.precision import labelled_texts
    from framework.spec import load_assistant

    telecom = load_assistant("domains/telecom_zh")
    texts = calibration_texts(telecom)
    assert len(texts) == 400 and texts == calibration_texts(telecom)  # a fixed sample
    assert set(texts) <= {e.text for e in from_assistant(telecom)}
    assert calibration_texts(None)


@pytest.mark.parametrize("loss,agree,batch,labelled,ok", [
    (0.2, 99.7, 0.5, True, True),
    (0.42, 98.95, 0.0, True, False),   # telecom_zh's full int8, session 19: within the accuracy bound, 1.05 % changed
    (0.6, 99.9, 0.0, True, False),
    (0.0, 99.9, 1.5, True, False),
    (0.0, 99.9, 0.0, False, False),    # unlabelled texts must all agree
    (0.0, 100.0, 0.0, False, True),
])
def test_the_checks_rule(loss, agree, batch, labelled, ok):
    """An ONNX variant serves only when it loses at most 0.5 points, changes at most 0.5 % of
    the answers against float32, and at most 1 % between a text alone and in a batch."""
    from framework.nlu.onnx_runtime import passes

    assert passes(loss, agree, batch, labelled) is ok
