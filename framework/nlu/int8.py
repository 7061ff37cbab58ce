"""How a trained network is made int8: one scheme, applied alike to the eager (transformers)
network and to the TorchScript trace, so that what `train.py`'s int8 check measures is what
`serve` runs.

The scheme is dynamic quantisation of the Linear layers (weights int8 once, each batch's
activations quantised as it comes), chosen by measurement (BENCHMARKS.md, "int8 that keeps
the answers"). Two of torch's defaults cost accuracy for nothing on a machine like this one:

- **per-channel weights** (`per_channel_dynamic_qconfig`): one scale per output row instead
  of one per matrix, so a row of small weights is not rounded on the grid of the largest;
- **8-bit activations** (`reduce_range=False`): torch quantises activations to 7 bits by
  default, because CPUs without VNNI sum pairs of u8 x s8 products in 16 bits, which can
  overflow at 8 bits. `full_range_exact()` runs that overflowing case once and uses 8 bits
  only where the result is exact (VNNI: the sums go straight to 32 bits).

Together they cut the mean largest change of an intent probability against float32 3-7x
(torch's default -> this scheme) at the same speed. `float_modules` (a regular expression over module names, e.g. the FFN
output Linears) can keep modules in float32.

`precision="float16"` is the fallback for a model that int8 changes too much: the Linear
weights stored in float16 and multiplied in float32 (`float16_dynamic_qconfig`), answers
as float32's to about 1e-5 in probability, about 2.5x faster for one text (half the bytes
to read) and 1.1-1.5x for a batch.

Imports torch only when a function is called.
"""
from __future__ import annotations

import re
import warnings
from functools import lru_cache

# what the int8 check records and `int8_recommended` compares: a check of another scheme
# does not vouch for this one
SCHEME = "dynamic-per-channel-a8"
DESCRIPTION = ("dynamic int8 of the Linear layers: per-channel int8 weights, activations quantised per batch "
               "to 8 bits where the CPU sums them exactly (VNNI), else 7")


def quantized_linears(names, float_modules: str | None = None) -> list[str]:
    """The Linear module names to quantise: all but those matching `float_modules`."""
    keep = re.compile(float_modules) if float_modules else None
    return [n for n in names if not (keep and keep.search(n))]


def activation_bits() -> int:
    """8 where `full_range_exact()`, else 7: recorded by the check, which vouches only for
    a machine that quantises activations alike."""
    return 8 if full_range_exact() else 7


@lru_cache(maxsize=1)
def full_range_exact() -> bool:
    """Whether int8 matrix products with 8-bit activations are exact on this CPU: the one case
    that overflows 16-bit pair sums (255 x 127 twice) must come out as in float."""
    import torch

    x = torch.ones(1, 64)
    x[0, 0] = 0.0  # range [0, 1]: zero point 0, every other value quantised to 255
    weight = torch.quantize_per_tensor(torch.ones(4, 64), 1 / 127, 0, torch.qint8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        packed = torch.ops.quantized.linear_prepack(weight, None)
        got = torch.ops.quantized.linear_dynamic(x, packed, False)
    return bool(torch.allclose(got, torch.full_like(got, 63.0), atol=0.05))


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


def _qconfig(precision: str):
    from torch.ao.quantization import float16_dynamic_qconfig, per_channel_dynamic_qconfig

    _qconfig_check(precision)
    return per_channel_dynamic_qconfig if precision == "int8" else float16_dynamic_qconfig


def quantize_eager(network, float_modules: str | None = None, precision: str = "int8"):
    """The eager network with its Linear layers quantised by the scheme (a new module)."""
    import torch
    from torch.ao.quantization import quantize_dynamic

    qconfig = _qconfig(precision)
    names = [n for n, m in network.named_modules() if isinstance(m, torch.nn.Linear)]
    spec = {n: qconfig for n in quantized_linears(names, float_modules)}
    full_range = precision == "int8" and full_range_exact()
    linear = _full_range_linear() if full_range else torch.ao.nn.quantized.dynamic.Linear
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return quantize_dynamic(network, spec, mapping={torch.nn.Linear: linear})


def quantize_script(network, float_modules: str | None = None, precision: str = "int8"):
    """The TorchScript network quantised by the scheme (`quantize_dynamic_jit`: the eager
    `quantize_dynamic` leaves a scripted module unchanged)."""
    import torch
    from torch.ao.quantization.quantize_jit import convert_dynamic_jit, prepare_dynamic_jit

    from framework.nlu.mapped_embeddings import TABLE_SUFFIX

    names = [n for n, m in network.named_modules() if m.original_name == "Linear"]
    kept = set(quantized_linears(names, float_modules))
    # one global qconfig, None for the float ones: a qconfig per module would give the
    # input that query, key and value share three observers, which the pass refuses
    spec = {"": _qconfig(precision), **{n: None for n in names if n not in kept}}
    # `quantize_dynamic_jit`, but the word-embedding table stays a parameter rather than a
    # constant of the frozen graph, so that serving can still map it from a file
    # (framework.nlu.mapped_embeddings)
    table = [n for n, _ in network.named_parameters() if n.endswith(TABLE_SUFFIX)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        network = convert_dynamic_jit(prepare_dynamic_jit(network, spec), True, preserved_attrs=table)
    torch._C._jit_pass_constant_propagation(network.graph)
    torch._C._jit_pass_dce(network.graph)
    if precision == "int8" and full_range_exact():
        _script_full_range(network)
    return network


def _script_full_range(network) -> None:
    """The pass writes `reduce_range=True` into every `quantized::linear_dynamic` call; make it
    False (8-bit activations)."""
    graph = network.graph
    false = graph.insertConstant(False)
    false.node().moveBefore(next(iter(graph.nodes())))  # defined before any use
    for node in graph.findAllNodes("quantized::linear_dynamic"):
        node.replaceInput(2, false)


@lru_cache(maxsize=1)
def _full_range_linear():
    """torch's dynamic quantised Linear with 8-bit activations (its forward passes
    reduce_range=True)."""
    import torch
    from torch.ao.nn.quantized.dynamic import Linear

    class FullRangeLinear(Linear):
        def forward(self, x):
            return torch.ops.quantized.linear_dynamic(x, self._packed_params._packed_params, False).to(x.dtype)

        def _get_name(self):
            return "DynamicQuantizedLinearA8"

    return FullRangeLinear
