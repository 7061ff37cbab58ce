"""Which ONNX Runtime int8 recipe keeps the answers of the float32 network? (issue 11; the
recipe behind `serve --runtime onnx`, framework/nlu/onnx_runtime.py)

    python benchmarks/onnx_int8_variants.py MODEL_DIR DOMAIN OUT_DIR

Exports the model's network once (eager attention, torch.onnx.export dynamo=False), fuses it
(onnxruntime.transformers, BERT), and scores, on the domain's labelled held-out texts (the int8
check's: eval/*.csv except HELD_OUT), each answer as the user gets it (threshold applied):
torch float32, our served torch int8, ORT fused float32, ORT dynamic int8 per channel (all
quantisable ops; MatMul + Attention only; MatMul only), and 8-bit MatMulNBits (weight-only,
blockwise activations) on the fused and the unfused graph; the fused int8 after smoothing
(framework.nlu.onnx_runtime._smooth, the served "int8-smooth", alpha 0.5 / 0.75 / 0.9) and with
every layer's second FFN MatMul in float32 (where the changes came from). Also: answers that change between
a text alone and in its batch of 32 (first 200 texts), ms per text at batch 1 and texts/s at
batch 16, one thread, 3 interleaved rounds (medians). Prints a Markdown table. MatMulNBits' quantiser
needs `pip install onnx-ir` (a benchmark tool here, not a dependency).
"""
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from onnx_study import accuracy, answers, onnx_classifier, setup

study = setup(__doc__)
import onnx
from onnxruntime.quantization import QuantType, quantize_dynamic
from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

from framework.nlu.model import load_classifier
from framework.nlu.onnx_runtime import _export_fused_int8, _quantize, _smooth, _tokenizer, calibration_texts
from framework.nlu.precision import answered

model_dir, out, texts, a = study.model_dir, study.out, study.texts, study.assistant
# serving's own export (eager attention, dynamo=False), fusion, typed graph and int8 of all ops per channel
fused, int8_all = _export_fused_int8(model_dir, study.meta, out)
raw, typed = out / "model.onnx", out / "typed.onnx"
variants = {"ORT fused float32": fused, "ORT fused int8 dynamic per-channel, all ops": int8_all}
for label, ops in (("MatMul+Attention", ["MatMul", "Attention"]), ("MatMul only", ["MatMul"])):
    v = out / f"qdyn_{len(ops)}.onnx"
    quantize_dynamic(str(typed), str(v), per_channel=True, weight_type=QuantType.QInt8, op_types_to_quantize=ops)
    variants[f"ORT fused int8 dynamic per-channel, {label}"] = v
for alpha in (0.5, 0.75, 0.9):  # the served int8-smooth: alpha 0.75, calibrated on the training examples
    smoothed = _smooth(typed, out / f"smoothed_{alpha}.onnx", _tokenizer(model_dir, study.meta), calibration_texts(a),
                       alpha=alpha)
    variants[f"ORT fused int8 smoothed, alpha {alpha}"] = _quantize(smoothed, out / f"int8_smooth_{alpha}.onnx")
second_ffn = [n.name for n in onnx.load(str(typed), load_external_data=False).graph.node
              if n.op_type == "MatMul" and "/output/dense/" in n.name and "attention" not in n.name]
variants["ORT fused int8, second FFN MatMuls float32"] = _quantize(typed, out / "int8_no_ffn2.onnx",
                                                                   nodes_to_exclude=second_ffn)
for src, name in ((raw, "raw"), (fused, "fused")):
    for bs in (32,):
        for lvl in (4,):
            try:
                q = MatMulNBitsQuantizer(onnx.load(str(src)), bits=8, block_size=bs, is_symmetric=True, accuracy_level=lvl)
                q.process()
                p = out / f"nbits_{name}_{bs}_{lvl}.onnx"
                q.model.save_model_to_file(str(p), use_external_data_format=False)
                variants[f"ORT {name} MatMulNBits8 b{bs} acc{lvl}"] = p
            except Exception as e:
                print("nbits fail", name, e)
ref = load_classifier(model_dir, a, quantize=False, threads=1)
served = load_classifier(model_dir, a, quantize=True, threads=1)
score = lambda clf: answers(study, clf)
want = score(ref)
acc = lambda got: accuracy(study, got)
sample = texts[:300]
rows = []
clfs = {"torch float32": ref, "torch int8 (served)": served}
for name, p in variants.items():
    clfs[name] = onnx_classifier(study, p)
res = {}
for name, clf in clfs.items():
    got = score(clf) if name != "torch float32" else want
    alone = [answered(clf.predict([t])[0], clf.threshold, a) for t in sample[:200]]
    changed = sum(x != y for x, y in zip(alone, got[:200]))
    res[name] = dict(acc=acc(got), agree=100*sum(g == w for g, w in zip(got, want))/len(want), batch_changed=changed,
                     size_mb=round(Path(variants[name]).stat().st_size/1e6, 1) if name in variants else None)
# speed: interleaved rounds at batch 1 and 16
for rnd in range(3):
    for name, clf in clfs.items():
        t = time.perf_counter()
        for x in sample[:150]: clf.predict([x])
        b1 = (time.perf_counter() - t) / 150 * 1000
        t = time.perf_counter()
        for i in range(0, 256, 16): clf.predict(texts[i:i+16])
        b16 = 256 / (time.perf_counter() - t)
        res[name].setdefault("b1", []).append(b1); res[name].setdefault("b16", []).append(b16)
print(f"{len(texts)} texts; {model_dir}; float32 accuracy {acc(want):.2f}")
print("| network | file MB | accuracy | agree with float32 | changed in a batch | ms/text b1 | texts/s b16 |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, r in res.items():
    print(f"| {name} | {r['size_mb']} | {r['acc']:.2f} | {r['agree']:.2f} | {r['batch_changed']}/200 | {statistics.median(r['b1']):.2f} | {statistics.median(r['b16']):.0f} |")
