"""Which encoder layers lose ONNX Runtime int8 its accuracy? (issue 11; why `--runtime onnx` tries
"int8-mixed", framework/nlu/onnx_runtime.py)

    python benchmarks/onnx_layer_study.py MODEL_DIR DOMAIN OUT_DIR

OUT_DIR must hold typed.onnx (made by benchmarks/onnx_int8_variants.py for the same model). The fused
graph is quantised by quantize_dynamic (int8 per channel) with one group of nodes left in float32 at a
time (FFN down- or up-projections, the last or the first third of the layers, the attention), and each
variant scored on the domain's labelled held-out texts against torch float32, answers as the user gets
them. Prints one line per variant.
"""
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from onnx_study import accuracy, answers, onnx_classifier, setup

study = setup(__doc__)
import onnx
from onnxruntime.quantization import QuantType, quantize_dynamic

from framework.nlu.model import load_classifier

typed = study.out / "typed.onnx"
m = onnx.load(str(typed), load_external_data=False)
nodes = [n.name for n in m.graph.node if n.op_type in ('MatMul', 'Attention')]
def layer(name):
    g = re.search(r'layer\.(\d+)/', name) or re.search(r'Attention_(\d+)', name)
    return int(g.group(1)) if g else None
variants = {
  "exclude FFN down-projections": [n for n in nodes if n.endswith('/output/dense/MatMul') and 'attention' not in n],
  "exclude FFN up-projections": [n for n in nodes if 'intermediate/dense' in n],
  "exclude layers 8-11": [n for n in nodes if (layer(n) or -1) >= 8],
  "exclude layers 0-3": [n for n in nodes if layer(n) is not None and layer(n) <= 3],
  "exclude Attention (QKV)": [n for n in nodes if n.startswith('Attention')],
}
want = answers(study, load_classifier(study.model_dir, study.assistant, quantize=False, threads=1))
print(f"float32 {accuracy(study, want):.2f}", flush=True)
for name, excl in variants.items():
    p = study.out / f"ex_{abs(hash(name))}.onnx"
    quantize_dynamic(str(typed), str(p), per_channel=True, weight_type=QuantType.QInt8, nodes_to_exclude=excl)
    got = answers(study, onnx_classifier(study, p))
    print(f"| {name} | {len(excl)} excluded | {accuracy(study, got):.2f} | agree {100*sum(g==w for g,w in zip(got,want))/len(want):.2f} |", flush=True)
