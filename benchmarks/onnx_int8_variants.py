"""Which ONNX Runtime int8 recipe keeps the answers of the float32 network? (issue 11; the
recipe behind `serve --runtime onnx`, framework/nlu/onnx_runtime.py)

    python benchmarks/onnx_int8_variants.py MODEL_DIR DOMAIN OUT_DIR

Exports the model's network once (eager attention, torch.onnx.export dynamo=False), fuses it
(onnxruntime.transformers, BERT), and scores, on the domain's labelled held-out texts (the int8
check's: eval/*.csv except HELD_OUT), each answer as the user gets it (threshold applied):
torch float32, our served torch int8, ORT fused float32, ORT dynamic int8 per channel (all
quantisable ops; MatMul + Attention only; MatMul only), and 8-bit MatMulNBits (weight-only,
blockwise activations) on the fused and the unfused graph. Also: answers that change between
a text alone and in its batch of 32 (first 200 texts), ms per text at batch 1 and texts/s at
batch 16, one thread, 3 interleaved rounds (medians). Prints a Markdown table.
"""
import sys, time, json, logging, warnings, statistics
from pathlib import Path
logging.disable(logging.WARNING)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import torch
from framework.spec import load_assistant
from framework.nlu.model import load_classifier, load_network, read_artifact, BertIntentClassifier
from framework.nlu.precision import labelled_texts, answered
from framework.nlu.text_prefix import wrap
from framework.nlu.torchscript import JsonTokenizer
from framework.nlu.onnx_runtime import OrtNetwork

if len(sys.argv) != 4 or sys.argv[1] in ("-h", "--help"):  # MODEL_DIR DOMAIN OUT_DIR, nothing else
    print(__doc__)
    sys.exit(0 if sys.argv[1:2] in (["-h"], ["--help"]) else 2)
model_dir, domain, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)
meta = read_artifact(model_dir); a = load_assistant(domain)
pairs = list(dict.fromkeys((t, i) for t, i in labelled_texts(a) if t.strip()))
texts = [t for t, _ in pairs]
net, tok = load_network(model_dir, meta)
net.encoder.set_attn_implementation("eager")
ex = tok(["hello, how are you doing today? 你好", "hi"], padding=True, return_tensors="pt")
outs = ["logits", "tag_logits"] if net.tagger is not None else ["logits"]
axes = {"input_ids": {0: "b", 1: "t"}, "attention_mask": {0: "b", 1: "t"}, "logits": {0: "b"}, "tag_logits": {0: "b", 1: "t"}}
raw = out / "raw.onnx"
with warnings.catch_warnings(), torch.no_grad():
    warnings.simplefilter("ignore")
    torch.onnx.export(net, (ex["input_ids"], ex["attention_mask"]), str(raw), input_names=["input_ids", "attention_mask"],
                      output_names=outs, dynamic_axes={k: axes[k] for k in ["input_ids", "attention_mask", *outs]}, dynamo=False)
from onnxruntime.transformers.optimizer import optimize_model
from onnxruntime.quantization import QuantType, quantize_dynamic
from onnxruntime.quantization.shape_inference import quant_pre_process
from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
import onnx
c = net.encoder.config
fused = out / "fused.onnx"
optimize_model(str(raw), model_type="bert", num_heads=c.num_attention_heads, hidden_size=c.hidden_size).save_model_to_file(str(fused))
variants = {"ORT fused float32": fused}
typed = out / "typed.onnx"
quant_pre_process(str(fused), str(typed), skip_optimization=True, auto_merge=True, guess_output_rank=True)
for label, ops in (("all ops", None), ("MatMul+Attention", ["MatMul", "Attention"]), ("MatMul only", ["MatMul"])):
    v = out / f"qdyn_{len(ops or [])}.onnx"
    quantize_dynamic(str(typed), str(v), per_channel=True, weight_type=QuantType.QInt8, op_types_to_quantize=ops)
    variants[f"ORT fused int8 dynamic per-channel, {label}"] = v
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
tokenizer = wrap(JsonTokenizer(model_dir, int(meta.get("max_length", 64)), meta.get("pad_token_id")), meta.get("text_prefix"))
ref = load_classifier(model_dir, a, quantize=False, threads=1)
served = load_classifier(model_dir, a, quantize=True, threads=1)
def score(clf):
    got = []
    for i in range(0, len(texts), 32):
        got += [answered(r, clf.threshold, a) for r in clf.predict(texts[i:i+32])]
    return got
want = score(ref)
acc = lambda got: 100 * sum(g == i for g, (_, i) in zip(got, pairs)) / len(pairs)
sample = texts[:300]
rows = []
clfs = {"torch float32": ref, "torch int8 (served)": served}
for name, p in variants.items():
    clfs[name] = BertIntentClassifier(OrtNetwork(p, 1), tokenizer, meta, quantized="x", threads=1)
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
