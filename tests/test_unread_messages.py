"""A message whose every token is the tokenizer's unknown token ("👎👎", "🙅", "🛑" to an English vocabulary) gives the
network the same input whatever it says: the English models of session 38 read each of them as affirm 0.85-0.94 (its
held-out file). The classifier gives such a message an even ranking (below any threshold: out of scope), on the torch
and the served paths; messages with any known token are read as before."""
from __future__ import annotations

import pytest

from tests.support.tiny_model import train_tiny_model

EXAMPLES = [("yes please", "affirm"), ("yes", "affirm"), ("sure go ahead", "affirm"), ("no thanks", "deny"),
            ("no", "deny"), ("nope not now", "deny"), ("hello there", "greet"), ("hi", "greet"), ("hey you", "greet")]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return train_tiny_model(EXAMPLES, tmp_path_factory.mktemp("unread") / "model")


class _Assistant:  # what load_classifier reads of an assistant
    def __init__(self, fingerprint):
        self.intent_fingerprint = fingerprint


@pytest.mark.parametrize("options", [{"quantize": False}, {}])
def test_unknown_tokens_only_get_an_even_ranking(model_dir, options):
    import json

    from framework.nlu.model import load_classifier

    meta = json.loads((model_dir / "artifact.json").read_text(encoding="utf-8"))
    classifier = load_classifier(model_dir, _Assistant(meta.get("intent_fingerprint")), **options)
    rankings = classifier.predict(["👎👎", "🙅 🛑", "yes please", "hi 👋"])
    for ranking in rankings[:2]:
        assert {round(s.confidence, 6) for s in ranking} == {round(1 / 3, 6)}
    assert rankings[2][0].name == "affirm" and rankings[2][0].confidence > 0.5
    assert rankings[3][0].name == "greet" and rankings[3][0].confidence > 0.5
    assert classifier.parse(["👎👎"])[0].entities == ()
