"""How a trained network is made int8: one scheme, applied alike to the eager (transformers)
network and to the TorchScript trace, so that what `train.py`'s int8 check measures is what
`serve` runs.

The scheme quantises the Linear layers: weights int8 once, one scale per output channel (so
a row of small weights is not rounded on the grid of the largest), packed for fbgemm;
activations as they come, **each token row with its own scale** (absmax / 127), then
fbgemm's int8 product with exact int32 sums, rescaled by channel scale x row scale, plus
the bias (framework.nlu.int8_linear). Integer sums are exact and every other step works row
by row, so a text's answer does not depend on the other texts in its micro-batch. The
scheme before it (torch's dynamic int8 Linear, `quantized::linear_dynamic`) quantised a
whole batch's activations with one scale: 0.5-0.8 % of served top intents changed with
batch-mates (issue 11; BENCHMARKS.md has both schemes' speed and accuracy).

Measured and not taken (2026-12-02): `torch._int_mm` (oneDNN s8 x s8 GEMM, int32 out) gives
the same per-token scheme but repacks the weight at every call: 1.4x the CPU per text at
batch 1 on MiniLM; oneDNN's `qlinear_pointwise` takes one activation scale only and runs a
reference kernel for s8 activations; torchao's `Int8DynamicActivationInt8WeightConfig`
(per-token, on PyPI) is tensor subclasses that neither trace into TorchScript nor run fast
eagerly on a CPU (3x torch's dynamic Linear per call).

CPUs without VNNI sum pairs of u8 x s8 products in 16 bits, which can overflow at 8 bits:
`full_range_exact()` runs that case once, and elsewhere rows are quantised to +-63 around a
zero point of 64 (7 bits; u8 0-127).

`float_modules` (a regular expression over module names, e.g. the FFN output Linears) can
keep modules in float32.

`precision="float16"` is the fallback for a model that int8 changes too much: the Linear
weights stored in float16 and multiplied in float32 (`float16_dynamic_qconfig`), answers
as float32's to about 1e-5 in probability, about 2.5x faster for one text (half the bytes
to read) and 1.1-1.5x for a batch.

Imports torch only when a function is called.
"""
from __future__ import annotations

import copy
import re
import warnings
from functools import lru_cache

# what the int8 check records and `int8_recommended` compares: a check of another scheme
# (until 2026-12-02 "dynamic-per-channel-a8", one activation scale per batch) does not vouch
# for this one
SCHEME = "per-token-a8-fbgemm"
LINEAR_OP = "quantized::linear_with_input_q_dq_qweight_dq_output_fp32"  # each int8 Linear's call in the graph
DESCRIPTION = ("int8 of the Linear layers: per-channel int8 weights, each token's activations quantised with "
               "its own scale to 8 bits where the CPU sums them exactly (VNNI), else 7; exact int32 sums: "
               "answers independent of batch-mates")


def quantized_linears(names, float_modules: str | None = None) -> list[str]:
    """The Linear module names to quantise: all but those matching `float_modules`."""
    keep = re.compile(float_modules) if float_modules else None
    return [n for n in names if not (keep and keep.search(n))]


def activation_bits() -> int:
    """8 where `full_range_exact()`, else 7: recorded by the check, which vouches only for
    a machine that quantises activations alike."""
    return 8 if full_range_exact() else 7


def activation_range() -> tuple[float, int]:
    """(levels, zero point): each row is quantised to +-levels around the zero point of
    fbgemm's u8 activations, +-127 around 128 where `full_range_exact()`, else +-63 around 64
    (u8 0-127, which 16-bit pair sums hold)."""
    return (127.0, 128) if full_range_exact() else (63.0, 64)


@lru_cache(maxsize=1)
def full_range_exact() -> bool:
    """Whether int8 matrix products with 8-bit activations are exact on this CPU: the one case
    that overflows 16-bit pair sums (u8 255 x s8 127 twice) must come out as in float."""
    import torch

    x = torch.full((1, 64), 127.0)  # scale 1, zero point 128: every value quantised to 255
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weight = torch.quantize_per_tensor(torch.full((4, 64), 127.0), 1.0, 0, torch.qint8)
        packed = torch.ops.quantized.linear_prepack(weight, None)
        got = torch.ops.quantized.linear_with_input_q_dq_qweight_dq_output_fp32(x, 1.0, 128, packed)
    return bool(torch.equal(got, torch.full_like(got, 127.0 * 127 * 64)))


def pack_weight(weight):
    """A Linear's float (out, in) weight as fbgemm's packed int8 weight, one scale per output
    channel (absmax of the row / 127, symmetric), without bias (added after the row scale)."""
    import torch

    weight = weight.detach().float()
    scale = (weight.abs().amax(1).clamp_min(1e-12) / 127).double()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # quantised tensors: deprecated, still supported
        q = torch.quantize_per_channel(weight, scale, torch.zeros_like(scale, dtype=torch.long), 0, torch.qint8)
        return torch.ops.quantized.linear_prepack(q, None)


PRECISIONS = ("int8", "float16")


def precision_of(quantize: bool | str | None) -> str | None:
    """`load_classifier`'s `quantize` as a precision: True = "int8"; False, None, "float32":
    none (float32); "int8" and "float16" as they are."""
    if quantize in (False, None, "float32"):
        return None
    if quantize is True:
        return "int8"
    _qconfig_check(quantize)
    return quantize


def _qconfig_check(precision) -> None:
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; expected float32 or one of {', '.join(PRECISIONS)}")


def _float16_qconfig():
    from torch.ao.quantization import float16_dynamic_qconfig

    return float16_dynamic_qconfig


def quantize_eager(network, float_modules: str | None = None, precision: str = "int8"):
    """The eager network with its Linear layers quantised by the scheme (a new module)."""
    import torch
    from torch.ao.quantization import quantize_dynamic

    _qconfig_check(precision)
    names = [n for n, m in network.named_modules() if isinstance(m, torch.nn.Linear)]
    kept = quantized_linears(names, float_modules)
    if precision == "float16":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return quantize_dynamic(network, {n: _float16_qconfig() for n in kept})
    from framework.nlu.int8_linear import Int8Linear

    network = copy.deepcopy(network)
    for name in kept:
        parent, _, child = name.rpartition(".")
        owner = network.get_submodule(parent) if parent else network
        setattr(owner, child, Int8Linear(getattr(owner, child)))
    return network


def quantize_script(network, float_modules: str | None = None, precision: str = "int8"):
    """The TorchScript network quantised by the scheme. float16: `quantize_dynamic_jit` (the
    eager `quantize_dynamic` leaves a scripted module unchanged); int8: the module frozen (its
    weights become graph constants) and each `aten::linear` replaced by the per-token Linear's
    graph with the int8 weight as a constant."""
    import torch
    from torch.ao.quantization.quantize_jit import convert_dynamic_jit, prepare_dynamic_jit

    from framework.nlu.mapped_embeddings import TABLE_SUFFIX

    linears = {n: m for n, m in network.named_modules() if m.original_name == "Linear"}
    names = list(linears)
    kept = set(quantized_linears(names, float_modules))
    # the word-embedding table stays a parameter rather than a constant of the frozen graph,
    # so that serving can still map it from a file (framework.nlu.mapped_embeddings)
    table = [n for n, _ in network.named_parameters() if n.endswith(TABLE_SUFFIX)]
    _qconfig_check(precision)
    if precision == "int8":
        return _script_int8(network, {linears[n].weight.data_ptr() for n in kept}, table)
    # one global qconfig, None for the float ones: a qconfig per module would give the
    # input that query, key and value share three observers, which the pass refuses
    spec = {"": _float16_qconfig(), **{n: None for n in names if n not in kept}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        network = convert_dynamic_jit(prepare_dynamic_jit(network, spec), True, preserved_attrs=table)
    torch._C._jit_pass_constant_propagation(network.graph)
    torch._C._jit_pass_dce(network.graph)
    return network


def _script_int8(network, quantised_weights: set[int], table: list[str]):
    """The frozen trace with each Linear whose weight's storage is in `quantised_weights`
    (freezing keeps the parameters' storage as the constants') run by the steps of
    `per_token_linear`. The Linears that read one input (query, key and value) become one
    call with their weights side by side, each taking its columns of the output: integer
    sums and per-channel scales make those columns the same to the bit as three calls'."""
    import torch
    from torch.jit._recursive import wrap_cpp_module

    from framework.nlu.int8_linear import output_columns, row_scale, scale_rows, scaled_product

    network = wrap_cpp_module(torch._C._freeze_module(network._c, table))
    graph = network.graph
    levels, zero_point = activation_range()
    readers = {}  # input -> the quantised Linear nodes that read it, in the graph's order
    for node in graph.findAllNodes("aten::linear"):
        weight = node.inputsAt(1).toIValue()
        if isinstance(weight, torch.Tensor) and weight.data_ptr() in quantised_weights:
            readers.setdefault(node.inputsAt(0).unique(), []).append(node)
    for nodes in readers.values():
        x, weights = nodes[0].inputsAt(0), [n.inputsAt(1).toIValue() for n in nodes]
        biases = [b if isinstance(b := n.inputsAt(2).toIValue(), torch.Tensor) else torch.zeros(w.shape[0])
                  for n, w in zip(nodes, weights)]  # a Linear without bias: zeros
        with graph.insert_point_guard(nodes[0]):
            scale = graph.insertGraph(row_scale.graph, [x, graph.insertConstant(levels)])[0]
            rows = graph.insertGraph(scale_rows.graph, [x, scale])[0]
            args = [rows, scale, graph.insertConstant(pack_weight(torch.cat(weights))),
                    graph.insertConstant(torch.cat(biases)), graph.insertConstant(zero_point)]
            out = graph.insertGraph(scaled_product.graph, args)[0]
            start = 0
            for node, weight in zip(nodes, weights):
                columns = [out, graph.insertConstant(start), graph.insertConstant(weight.shape[0])]
                part = out if len(nodes) == 1 else graph.insertGraph(output_columns.graph, columns)[0]
                node.output().replaceAllUsesWith(part)
                start += weight.shape[0]
        for node in nodes:
            node.destroy()
    torch._C._jit_pass_constant_propagation(graph)
    torch._C._jit_pass_dce(graph)  # the float weights go with their last use
    return network
