"""Which encoder layers lose ONNX Runtime int8 its accuracy? (issue 11; why `--runtime onnx` tries
"int8-mixed", framework/nlu/onnx_runtime.py)

    python benchmarks/onnx_layer_study.py MODEL_DIR DOMAIN OUT_DIR

OUT_DIR must hold typed.onnx (made by benchmarks/onnx_int8_variants.py for the same model). The fused
graph is quantised by quantize_dynamic (int8 per channel) with one group of nodes left in float32 at a
time (FFN down- or up-projections, the last or the first third of the layers, the attention), and each
variant scored on the domain's labelled held-out texts against torch float32, answers as the user gets
them. Prints one line per variant.
"""
import sys, logging
from pathlib import Path
logging.disable(logging.WARNING)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import onnx
from framework.spec import load_assistant
from framework.nlu.model import load_classifier, read_artifact, BertIntentClassifier
from framework.nlu.precision import labelled_texts, answered
from framework.nlu.text_prefix import wrap
from framework.nlu.torchscript import JsonTokenizer
from framework.nlu.onnx_runtime import OrtNetwork
from onnxruntime.quantization import QuantType, quantize_dynamic
if len(sys.argv) != 4 or sys.argv[1] in ("-h", "--help"):  # MODEL_DIR DOMAIN OUT_DIR, nothing else
    print(__doc__)
    sys.exit(0 if sys.argv[1:2] in (["-h"], ["--help"]) else 2)
model_dir, domain, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
meta = read_artifact(model_dir); a = load_assistant(domain)
pairs = list(dict.fromkeys((t, i) for t, i in labelled_texts(a) if t.strip())); texts = [t for t, _ in pairs]
typed = out / "typed.onnx"
m = onnx.load(str(typed), load_external_data=False)
nodes = [n.name for n in m.graph.node if n.op_type in ('MatMul', 'Attention')]
def layer(name):
    import re
    g = re.search(r'layer\.(\d+)/', name) or re.search(r'Attention_(\d+)', name)
    return int(g.group(1)) if g else None
variants = {
  "exclude FFN down-projections": [n for n in nodes if n.endswith('/output/dense/MatMul') and 'attention' not in n],
  "exclude FFN up-projections": [n for n in nodes if 'intermediate/dense' in n],
  "exclude layers 8-11": [n for n in nodes if (layer(n) or -1) >= 8],
  "exclude layers 0-3": [n for n in nodes if layer(n) is not None and layer(n) <= 3],
  "exclude Attention (QKV)": [n for n in nodes if n.startswith('Attention')],
}
tokenizer = wrap(JsonTokenizer(model_dir, int(meta.get("max_length", 64)), meta.get("pad_token_id")), meta.get("text_prefix"))
ref = load_classifier(model_dir, a, quantize=False, threads=1)
def score(clf):
    got = []
    for i in range(0, len(texts), 32):
        got += [answered(r, clf.threshold, a) for r in clf.predict(texts[i:i+32])]
    return got
want = score(ref)
acc = lambda got: 100 * sum(g == i for g, (_, i) in zip(got, pairs)) / len(pairs)
print(f"float32 {acc(want):.2f}", flush=True)
for name, excl in variants.items():
    p = out / f"ex_{abs(hash(name))}.onnx"
    quantize_dynamic(str(typed), str(p), per_channel=True, weight_type=QuantType.QInt8, nodes_to_exclude=excl)
    clf = BertIntentClassifier(OrtNetwork(p, 1), tokenizer, meta, quantized="x", threads=1)
    got = score(clf)
    print(f"| {name} | {len(excl)} excluded | {acc(got):.2f} | agree {100*sum(g==w for g,w in zip(got,want))/len(want):.2f} |", flush=True)
