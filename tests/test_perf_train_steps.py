"""Training-time savings in framework.nlu.fit that must not change what training chooses
(issue 11 item 4): a threshold fold's held-out probabilities are kept from its best epoch's
evaluation instead of a second pass over the fold, and must equal that second pass exactly.
Real tiny model (tests/support/tiny_model.py)."""
from __future__ import annotations

import numpy as np

from tests.support.tiny_model import build_tiny_encoder

TRAIN = [("hello there", 0), ("hi", 0), ("good morning", 0), ("hey you", 0), ("hello", 0), ("hi there", 0),
         ("bye", 1), ("goodbye", 1), ("see you later", 1), ("bye bye", 1), ("good night", 1), ("later", 1),
         ("send money", 2), ("transfer cash", 2), ("pay my friend", 2), ("move money now", 2), ("send cash", 2)]
VALID = [("hello you", 0), ("good bye", 1), ("pay money now", 2), ("see you", 1), ("hey", 0), ("transfer", 2),
         ("morning there", 0), ("night night later", 1)]


def _args(**overrides):
    from framework.nlu.train import TrainingArguments

    options = dict(learning_rate=5e-3, head_learning_rate=5e-2, warmup_ratio=0.0, freeze_embeddings=False,
                   patience=2, threads=1, progress=False, seed=3)
    options.update(overrides)
    return TrainingArguments(**options)


def _trained(epochs: int, **overrides):
    import torch

    from framework.nlu.fit import _Batches, fit
    from framework.nlu.model import build_network

    torch.set_num_threads(1)
    encoder, tokenizer = build_tiny_encoder([t for t, _ in TRAIN + VALID])

    def batches(items):
        ids = tokenizer([t for t, _ in items], truncation=True, max_length=16)["input_ids"]
        return _Batches(ids, [y for _, y in items], tokenizer.pad_token_id or 0)
    network = build_network(encoder, 3)
    valid = batches(VALID)
    kept: list = []
    history = fit(network, batches(TRAIN), valid, 3, _args(**overrides), epochs, 4, kept_probabilities=kept)
    return network, valid, kept, history


def test_the_kept_probabilities_are_those_of_the_restored_best_epoch():
    from framework.nlu.fit import _probabilities

    network, valid, kept, history = _trained(epochs=12)
    # the test means something only when the weights of an earlier epoch were restored
    assert history["stopped"].startswith("early stopping"), history["stopped"]
    assert history["best_epoch"] < len(history["epochs"])
    assert len(kept) == 1
    again = _probabilities(network, valid, 8)
    assert kept[0].shape == again.shape == (len(VALID), 3)
    assert np.array_equal(kept[0], again)  # bit for bit: same weights, same batches


def test_fold_probabilities_rows_follow_the_source_order_not_the_length_order():
    # _evaluate runs the batches shortest first; the kept rows must still be the source's rows
    from framework.nlu.fit import _evaluate

    network, valid, _, _ = _trained(epochs=2, patience=5)
    scores: dict = {}
    _, _, preds, confs = _evaluate(network, valid, 3, scores)
    probs = scores["probabilities"]
    assert [int(k) for k in probs.argmax(1)] == preds
    assert np.allclose(probs.max(1), confs)
    assert sorted(len(i) for i in valid.ids) != [len(i) for i in valid.ids]  # the orders differ
