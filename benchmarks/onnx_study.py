"""What benchmarks/onnx_int8_variants.py and benchmarks/onnx_layer_study.py share: their
arguments (MODEL_DIR DOMAIN OUT_DIR), the domain's labelled held-out texts (the int8
check's: framework.nlu.precision.labelled_texts), the model's tokenizer, an ONNX Runtime
network called like the served classifier, and answers scored as the user gets them."""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import SimpleNamespace

logging.disable(logging.WARNING)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def setup(doc: str) -> SimpleNamespace:
    """The study's model, domain, output folder, texts and tokenizer from `sys.argv` (the
    usage in `doc` for --help or other arguments)."""
    if len(sys.argv) != 4 or sys.argv[1] in ("-h", "--help"):  # MODEL_DIR DOMAIN OUT_DIR, nothing else
        print(doc)
        sys.exit(0 if sys.argv[1:2] in (["-h"], ["--help"]) else 2)
    from framework.nlu.model import read_artifact
    from framework.nlu.precision import labelled_texts
    from framework.nlu.text_prefix import wrap
    from framework.nlu.torchscript import JsonTokenizer
    from framework.spec import load_assistant

    model_dir, assistant, out = Path(sys.argv[1]), load_assistant(sys.argv[2]), Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    meta = read_artifact(model_dir)
    pairs = list(dict.fromkeys((t, i) for t, i in labelled_texts(assistant) if t.strip()))
    tokenizer = wrap(JsonTokenizer(model_dir, int(meta.get("max_length", 64)), meta.get("pad_token_id")),
                     meta.get("text_prefix"))
    return SimpleNamespace(model_dir=model_dir, assistant=assistant, out=out, meta=meta, pairs=pairs,
                           texts=[t for t, _ in pairs], tokenizer=tokenizer)


def onnx_classifier(study: SimpleNamespace, path: Path):
    """The ONNX file at `path` as a classifier, one thread."""
    from framework.nlu.model import BertIntentClassifier
    from framework.nlu.onnx_runtime import OrtNetwork

    return BertIntentClassifier(OrtNetwork(path, 1), study.tokenizer, study.meta, quantized="x", threads=1)


def answers(study: SimpleNamespace, classifier) -> list[str]:
    """The classifier's answers to the study's texts in batches of 32, below its threshold out of scope."""
    from framework.nlu.precision import answered

    got: list[str] = []
    for i in range(0, len(study.texts), 32):
        got += [answered(r, classifier.threshold, study.assistant) for r in classifier.predict(study.texts[i:i + 32])]
    return got


def accuracy(study: SimpleNamespace, got: list[str]) -> float:
    return 100 * sum(g == i for g, (_, i) in zip(got, study.pairs)) / len(study.pairs)
