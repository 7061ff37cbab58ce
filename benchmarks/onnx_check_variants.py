"""The ONNX Runtime network's check, on every variant `build` may serve (issue 11):

    python benchmarks/onnx_check_variants.py MODEL_DIR DOMAIN

framework.nlu.onnx_runtime.variants in PRECISIONS' order (int8, int8-smooth, int8-smooth-strong,
int8-smooth-mixed, int8-mixed, float32), each checked as training checks it (`_Reference.check`:
the domain's labelled texts held out from training, eval/*.csv except HELD_OUT; answers as the
user gets them), where `build` stops at the first that passes. Prints a Markdown table: accuracy
lost against torch float32, answers changed (bound CHANGED_MAX_PCT), answers changed between a
text alone and in a batch of 32, and whether the check passes. With --speed, also ms per text
alone and in batches of 4 on the check's first 200 texts, one thread (3 interleaved rounds,
medians).
"""
import argparse
import statistics
import tempfile
import time
from pathlib import Path

from framework.nlu import onnx_runtime as ort_network
from framework.nlu.model import read_artifact
from framework.spec import load_assistant


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model_dir", type=Path)
    p.add_argument("domain", type=Path)
    p.add_argument("--speed", action="store_true", help="also time each variant (ms per text alone, in batches of 4)")
    args = p.parse_args()
    meta, assistant = read_artifact(args.model_dir), load_assistant(args.domain)
    speed = " ms/text alone | ms/text in 4s |" if args.speed else ""
    print(f"| variant | accuracy lost (points) | answers changed (%; bound {ort_network.CHANGED_MAX_PCT}) "
          f"| changed in a batch (%) | check |{speed}\n|---|---:|---:|---:|---|{'---:|---:|' if args.speed else ''}",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="onnx_variants_") as tmp:
        makers = ort_network.variants(args.model_dir, meta, Path(tmp), ort_network.calibration_texts(assistant))
        reference = ort_network._Reference(args.model_dir, meta, assistant, 1)
        paths = {precision: makers[precision]() for precision in ort_network.PRECISIONS}
        times = _times(paths, reference, meta) if args.speed else {}
        for precision, path in paths.items():
            r = reference.check(path, precision)
            timed = " {:.2f} | {:.2f} |".format(*times[precision]) if precision in times else ""
            print(f"| {precision} | {r['accuracy_loss_points']:.3f} | {100 - r['agreement_with_float32_pct']:.2f} "
                  f"| {r['batch_changed_pct']:.1f} | {'passes' if r['ok'] else 'fails'} |{timed}", flush=True)


def _times(paths: dict, reference, meta: dict, rounds: int = 3) -> dict:
    """precision -> (ms per text alone, ms per text in batches of 4): medians of interleaved rounds."""
    from framework.nlu.model import BertIntentClassifier

    texts = reference.texts[:200]
    classifiers = {p: BertIntentClassifier(ort_network.OrtNetwork(path, 1), reference.tokenizer, meta, threads=1)
                   for p, path in paths.items()}
    samples: dict = {p: ([], []) for p in paths}
    for _ in range(rounds):
        for p, c in classifiers.items():
            started = time.perf_counter()
            for t in texts:
                c.predict([t])
            alone = time.perf_counter()
            for i in range(0, len(texts), 4):
                c.predict(texts[i:i + 4])
            samples[p][0].append(1000 * (alone - started) / len(texts))
            samples[p][1].append(1000 * (time.perf_counter() - alone) / len(texts))
    return {p: (statistics.median(a), statistics.median(b)) for p, (a, b) in samples.items()}


if __name__ == "__main__":
    main()
