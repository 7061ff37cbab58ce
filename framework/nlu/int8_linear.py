"""The per-token int8 Linear of framework.nlu.int8's scheme, in the one form both serving
paths run: `per_token_linear` is compiled by TorchScript, called by the eager network's
`Int8Linear` and inlined into the trace's graph.

What it is not: the choice of which layers are quantised, nor the weights' packing
(framework.nlu.int8). This module imports torch (TorchScript compiles a function from its
module's globals); framework.nlu.int8 imports it only when a network is quantised.
"""
from __future__ import annotations

import torch
from torch import Tensor


@torch.jit.script
def row_scale(x: Tensor, levels: float) -> Tensor:
    """Each row's (token's) scale: absmax / `levels` (an all-zero row: tiny, so zeros, not NaN)."""
    return x.abs().amax(-1, keepdim=True).clamp_min(1e-30) / levels


@torch.jit.script
def scale_rows(x: Tensor, scale: Tensor) -> Tensor:
    """The rows divided by their scales: each row's largest magnitude becomes `levels`."""
    return x / scale


@torch.jit.script
def scaled_product(scaled: Tensor, scale: Tensor, packed: torch.classes.quantized.LinearPackedParamsBase,
                   bias: Tensor, zero_point: int) -> Tensor:
    """fbgemm's int8 Linear with a fixed input scale of 1 (`linear_with_input_q_dq_qweight_
    dq_output_fp32`: round, + `zero_point`, u8) on rows already scaled to +-levels: products
    with the packed per-channel int8 weight (no bias) summed exactly in int32, times the
    channel scales; then times the row's scale, plus the bias."""
    out = torch.ops.quantized.linear_with_input_q_dq_qweight_dq_output_fp32(scaled, 1.0, zero_point, packed)
    return out.mul_(scale).add_(bias)


@torch.jit.script
def output_columns(out: Tensor, start: int, length: int) -> Tensor:
    """One Linear's columns of a call that ran several side by side (a view)."""
    return out.narrow(-1, start, length)


@torch.jit.script
def per_token_linear(x: Tensor, packed: torch.classes.quantized.LinearPackedParamsBase, bias: Tensor,
                     levels: float, zero_point: int) -> Tensor:
    """`x @ W.T + bias` with each row (token) of `x` quantised with its own scale. Every step
    is elementwise or the row's own reduction, with exact integer sums: a row's result is the
    same to the bit whatever rows come with it. (The trace runs the same three steps once
    for the Linears that share an input, query, key and value, with their weights side by
    side: framework.nlu.int8.)"""
    scale = row_scale(x, levels)
    return scaled_product(scale_rows(x, scale), scale, packed, bias, zero_point)


class Int8Linear(torch.nn.Module):
    """A float Linear's place in the eager network, run by `per_token_linear`."""

    def __init__(self, linear: torch.nn.Linear):
        from framework.nlu.int8 import activation_range, pack_weight

        super().__init__()
        self.packed = pack_weight(linear.weight)
        self.levels, self.zero_point = activation_range()
        bias = linear.bias.detach().float() if linear.bias is not None else torch.zeros(linear.out_features)
        self.register_buffer("bias", bias.clone())
        self.in_features, self.out_features = linear.in_features, linear.out_features

    def forward(self, x: Tensor) -> Tensor:
        return per_token_linear(x, self.packed, self.bias, self.levels, self.zero_point)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, per-token int8"
