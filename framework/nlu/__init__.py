"""Natural-language understanding. This package's __init__ must stay torch-free:
heavy modules (model, train, evaluate, quantize) import torch/transformers lazily."""
from framework.nlu.interface import Entity, IntentClassifier, IntentScore, NLUResult
from framework.nlu.threads import prepare_openmp

prepare_openmp()  # before anything imports torch (libgomp reads it once, when loaded)

__all__ = ["Entity", "IntentClassifier", "IntentScore", "NLUResult", "load_classifier", "default_model_dir"]


def load_classifier(model_dir, assistant=None, quantize=False, runtime="torch"):
    """Load a trained classifier (imports torch unless ONNX Runtime serves it: `runtime`).
    See framework.nlu.model."""
    from framework.nlu.model import load_classifier as _load

    return _load(model_dir, assistant=assistant, quantize=quantize, runtime=runtime)


def default_model_dir(domain_dir):
    """models/<domain name>/ under the current directory."""
    from pathlib import Path

    return Path("models") / Path(domain_dir).resolve().name
