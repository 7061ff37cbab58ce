"""The ONNX Runtime network's check, on every variant `build` may serve (issue 11):

    python benchmarks/onnx_check_variants.py MODEL_DIR DOMAIN

framework.nlu.onnx_runtime.variants in PRECISIONS' order (int8, int8-smooth, int8-smooth-strong,
int8-smooth-mixed, int8-mixed, float32), each checked as training checks it (`_Reference.check`:
the domain's labelled texts held out from training, eval/*.csv except HELD_OUT; answers as the
user gets them), where `build` stops at the first that passes. Prints a Markdown table: accuracy
lost against torch float32, answers changed (bound CHANGED_MAX_PCT), answers changed between a
text alone and in a batch of 32, and whether the check passes.
"""
import argparse
import tempfile
from pathlib import Path

from framework.nlu import onnx_runtime as ort_network
from framework.nlu.model import read_artifact
from framework.spec import load_assistant


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model_dir", type=Path)
    p.add_argument("domain", type=Path)
    args = p.parse_args()
    meta, assistant = read_artifact(args.model_dir), load_assistant(args.domain)
    print(f"| variant | accuracy lost (points) | answers changed (%; bound {ort_network.CHANGED_MAX_PCT}) "
          "| changed in a batch (%) | check |\n|---|---:|---:|---:|---|", flush=True)
    with tempfile.TemporaryDirectory(prefix="onnx_variants_") as tmp:
        makers = ort_network.variants(args.model_dir, meta, Path(tmp), ort_network.calibration_texts(assistant))
        reference = ort_network._Reference(args.model_dir, meta, assistant, 1)
        for precision in ort_network.PRECISIONS:
            r = reference.check(makers[precision](), precision)
            print(f"| {precision} | {r['accuracy_loss_points']:.3f} | {100 - r['agreement_with_float32_pct']:.2f} "
                  f"| {r['batch_changed_pct']:.1f} | {'passes' if r['ok'] else 'fails'} |", flush=True)


if __name__ == "__main__":
    main()
