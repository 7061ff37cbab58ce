"""Training options of framework.nlu.fit (train.py's TrainingArguments): layer-wise learning-rate
decay, label smoothing, R-Drop and a minimum epoch count, on a real tiny BERT. The defaults
must leave training as it was: one learning rate for the encoder, plain cross-entropy, one
forward pass per batch, early stopping from the first epoch."""
from __future__ import annotations

import pytest

from framework.nlu.train import TrainingArguments
from tests.support.tiny_model import build_tiny_encoder

TEXTS = [("hello there", 0), ("hi friend", 0), ("good morning", 0),
         ("what is my balance", 1), ("how much money", 1), ("show my balance", 1),
         ("bye now", 2), ("see you later", 2), ("goodbye friend", 2)]


def tiny_network(dropout: float = 0.1):
    from framework.nlu.model import build_network

    encoder, tokenizer = build_tiny_encoder([t for t, _ in TEXTS])
    return build_network(encoder, 3, dropout=dropout), tokenizer


def batches(tokenizer):
    from framework.nlu.fit import _Batches

    ids = tokenizer([t for t, _ in TEXTS])["input_ids"]
    return _Batches(ids, [y for _, y in TEXTS], tokenizer.pad_token_id)


def args(**kw):
    return TrainingArguments(threads=1, progress=False, seed=3, **kw)


def test_one_learning_rate_by_default_and_every_trainable_weight_once():
    from framework.nlu.fit import _encoder_groups

    network, _ = tiny_network()
    encoder = network.encoder
    encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    trainable = [p for p in encoder.parameters() if p.requires_grad]
    groups = _encoder_groups(encoder, 1e-4, 0.01)
    # as before the option: weights with decay, then biases and norms without, one rate
    assert [(g["lr"], g["weight_decay"]) for g in groups] == [(1e-4, 0.01), (1e-4, 0.0)]
    assert [id(p) for g in groups for p in g["params"]] == ([id(p) for p in trainable if p.ndim > 1]
                                                            + [id(p) for p in trainable if p.ndim == 1])
    decayed = _encoder_groups(encoder, 1e-4, 0.01, layer_decay=0.5)
    assert sorted(id(p) for g in decayed for p in g["params"]) == sorted(id(p) for p in trainable)


def test_layer_decay_gives_lower_layers_smaller_rates():
    from framework.nlu.fit import _encoder_groups

    network, _ = tiny_network()
    encoder = network.encoder  # 2 layers: layer 1 at lr * 0.5, layer 0 at * 0.25, embeddings at * 0.125
    rate = {id(p): g["lr"] for g in _encoder_groups(encoder, 1e-3, 0.01, layer_decay=0.5) for p in g["params"]}
    by_name = {n: rate[id(p)] for n, p in encoder.named_parameters()}
    assert by_name["encoder.layer.1.attention.self.query.weight"] == pytest.approx(5e-4)
    assert by_name["encoder.layer.1.output.LayerNorm.bias"] == pytest.approx(5e-4)
    assert by_name["encoder.layer.0.intermediate.dense.weight"] == pytest.approx(2.5e-4)
    assert by_name["embeddings.position_embeddings.weight"] == pytest.approx(1.25e-4)
    assert by_name["embeddings.LayerNorm.weight"] == pytest.approx(1.25e-4)


def test_label_smoothing_and_rdrop_change_the_loss_only_when_asked():
    import torch

    from framework.nlu.fit import _batch_loss

    network, tokenizer = tiny_network(dropout=0.5)
    b = batches(tokenizer)
    ids, mask, y = b.batch(list(range(len(TEXTS))))
    weights = torch.ones(3)
    with torch.no_grad():
        network.eval()  # no dropout: the two R-Drop passes agree, so the KL term is 0
        plain = float(_batch_loss(network, ids, mask, y, None, weights, args()))
        logits = network(ids, mask)
        assert plain == pytest.approx(float(torch.nn.functional.cross_entropy(logits, y)), rel=1e-5)
        twice = float(_batch_loss(network, ids, mask, y, None, weights, args(rdrop=1.0)))
        assert twice == pytest.approx(plain, rel=1e-5)
        smoothed = float(_batch_loss(network, ids, mask, y, None, weights, args(label_smoothing=0.2)))
        expected = float(torch.nn.functional.cross_entropy(logits, y, label_smoothing=0.2))
        assert smoothed == pytest.approx(expected, rel=1e-5) and smoothed != pytest.approx(plain, rel=1e-3)

        network.train()  # two dropout masks: the R-Drop term is the (positive) KL between the passes
        torch.manual_seed(0)
        tiny = float(_batch_loss(network, ids, mask, y, None, weights, args(rdrop=1e-9)))
        torch.manual_seed(0)
        with_kl = float(_batch_loss(network, ids, mask, y, None, weights, args(rdrop=1.0)))
    assert with_kl > tiny + 1e-6


def test_min_epochs_keeps_training_and_the_best_epoch_late():
    from framework.nlu.fit import _Batches, fit

    def run(**kw):
        network, tokenizer = tiny_network(dropout=0.0)
        b = batches(tokenizer)
        # the same texts with the wrong intents: every epoch of training makes them worse,
        # so patience 1 stops at epoch 2 with epoch 1 the best
        wrong = _Batches(b.ids, [(y + 1) % 3 for y in b.labels], b.pad_id)
        return fit(network, b, wrong, 3, args(learning_rate=3e-3, head_learning_rate=3e-2, warmup_ratio=0.0,
                                              freeze_embeddings=False, patience=1, **kw), 12, 3)

    early = run()
    assert early["stopped"].startswith("early stopping") and early["best_epoch"] < 5
    late = run(min_epochs=6)
    assert late["best_epoch"] >= 6 and len(late["epochs"]) >= 7
    assert late["stopped"] == f"early stopping after epoch {len(late['epochs'])}"
    assert late["epochs"][:len(early["epochs"])] == [dict(e, seconds=late["epochs"][i]["seconds"])
                                                     for i, e in enumerate(early["epochs"])]


def test_epoch_choice_ranks_by_the_mean_by_default_and_by_intent_accuracy_when_asked():
    from framework.nlu.fit import epoch_score

    intents_better, entities_better = (0.92, 0.50), (0.90, 0.70)
    assert epoch_score(*entities_better) > epoch_score(*intents_better)  # joint: 0.80 > 0.71
    assert epoch_score(*intents_better, "intent") > epoch_score(*entities_better, "intent")
    assert epoch_score(0.92, 0.60, "intent") > epoch_score(0.92, 0.50, "intent")  # a tie: the F1 decides
    assert epoch_score(0.92, None, "intent") == epoch_score(0.92, None) == (0.92,)
    assert TrainingArguments().epoch_choice == "joint"


def test_frozen_layers_are_computed_once_and_give_the_full_networks_answers():
    import torch

    from framework.nlu.fit import _FrozenBottom

    network, tokenizer = tiny_network()
    network.eval()
    b = batches(tokenizer)
    everything = list(range(len(TEXTS)))
    ids, mask, _ = b.batch(everything)
    with torch.no_grad():
        full = network(ids, mask)
    bottom = _FrozenBottom(network.encoder, 1)
    cached = bottom.cached(b)
    assert len(cached.states) == len(TEXTS) and cached.states[0].shape[0] == len(b.ids[0])
    states, state_mask, _ = cached.batch(everything)
    with bottom, torch.no_grad():  # the lowest layer skipped, its output read from the cache
        through_cache = network(states, state_mask)
    torch.testing.assert_close(through_cache, full, rtol=1e-4, atol=1e-5)
    with torch.no_grad():  # and the encoder is itself again once the block is left
        torch.testing.assert_close(network(ids, mask), full)


def test_freeze_layers_trains_only_the_layers_above():
    import torch

    from framework.nlu.fit import fit

    network, tokenizer = tiny_network()
    before = {n: p.detach().clone() for n, p in network.encoder.named_parameters()}
    trainable = {n: p.requires_grad for n, p in network.encoder.named_parameters()}
    fit(network, batches(tokenizer), None, 3, args(freeze_layers=1), epochs=2, batch_size=4)
    after = dict(network.encoder.named_parameters())
    for name, old in before.items():
        moved = not torch.equal(old, after[name].detach())
        assert moved == name.startswith("encoder.layer.1."), name
    assert {n: p.requires_grad for n, p in network.encoder.named_parameters()} == trainable


@pytest.mark.parametrize("n", [2, -1])
def test_freeze_layers_out_of_range_is_a_clear_error(n):
    from framework.nlu.fit import _FrozenBottom

    network, _ = tiny_network()
    with pytest.raises(ValueError, match="between 1 and 1"):
        _FrozenBottom(network.encoder, n)
