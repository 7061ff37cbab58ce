"""train.py --bf16: the training steps' forward pass in bfloat16 autocast on a real tiny BERT;
the weights, their gradients and the evaluation stay float32; "off" is no context at all."""
from __future__ import annotations

import contextlib

import pytest

from framework.nlu.train import TrainingArguments
from tests.support.tiny_model import build_tiny_encoder

TEXTS = [("hello there", 0), ("hi friend", 0), ("good morning", 0),
         ("what is my balance", 1), ("how much money", 1), ("show my balance", 1),
         ("bye now", 2), ("see you later", 2), ("goodbye friend", 2)]


def train(bf16: str):
    import torch

    from framework.nlu.fit import _Batches, fit
    from framework.nlu.model import build_network

    encoder, tokenizer = build_tiny_encoder([t for t, _ in TEXTS])
    torch.manual_seed(0)
    network = build_network(encoder, 3)
    b = _Batches(tokenizer([t for t, _ in TEXTS])["input_ids"], [y for _, y in TEXTS], tokenizer.pad_token_id)
    args = TrainingArguments(threads=1, progress=False, seed=3, bf16=bf16, learning_rate=3e-3, head_learning_rate=3e-2)
    history = fit(network, b, b, 3, args, 3, 3)
    return network, history


def test_the_choice_of_context():
    import torch

    from framework.nlu.fit import training_autocast

    assert isinstance(training_autocast("off"), contextlib.nullcontext)
    on = training_autocast("on")
    assert isinstance(on, torch.autocast) and on.fast_dtype == torch.bfloat16
    with on:  # a Linear computes in bfloat16 inside the context
        assert torch.nn.Linear(4, 2)(torch.ones(1, 4)).dtype == torch.bfloat16
    assert type(training_autocast("auto")) in (torch.autocast, contextlib.nullcontext)


def test_the_default_is_auto_native_bf16_only():
    """bfloat16 where the CPU computes it natively (elsewhere autocast emulates it, slower than
    float32); "on" forces it, "off" never."""
    from framework.nlu.fit import bf16_native, uses_bf16

    assert TrainingArguments().bf16 == "auto"
    assert uses_bf16("auto") == bf16_native() and uses_bf16("on") and not uses_bf16("off")


def test_bf16_trains_float32_weights():
    import torch

    plain, plain_history = train("off")
    mixed, history = train("on")
    assert {p.dtype for p in mixed.parameters()} == {torch.float32}
    assert all(torch.isfinite(p).all() for p in mixed.parameters())
    assert any(not torch.equal(a, b) for a, b in zip(plain.state_dict().values(), mixed.state_dict().values()))
    # the same data and seed: the validation curves stay close (rounding, not a different model)
    assert [e["valid_accuracy"] for e in history["epochs"]] == pytest.approx(
        [e["valid_accuracy"] for e in plain_history["epochs"]], abs=0.34)
