"""Serving through ONNX Runtime (`serve --runtime onnx`): the fine-tuned network exported to
ONNX, with onnxruntime.transformers' BERT fusions (attention, embedding layer norm, GELU) and
int8 weights per output channel (`onnxruntime.quantization.quantize_dynamic`), run by an
`InferenceSession`, with the tokenizer read by `tokenizers` alone: a worker that finds the
file in the serving cache imports neither torch nor transformers.

Why (issue 11, BENCHMARKS.md session 16): `import torch` costs ~2.5 s of every worker's start
(goal: ready in < 3 s) and ~100 MB of RSS; ONNX Runtime imports in 0.3 s, and its int8
network answered a single text 1.2-1.5x faster than our torch int8 (a tie at batches of 8-32).
Of the variants measured, the fused per-channel one kept every answer of the served model on
both example domains, alone and in batches of 32 (per-tensor weights let batch-mates change
2 answers in ~130).

The file is made once per model, on the first start that asks for it (~10 s for MiniLM, ~35 s
for the 12-layer multilingual base, plus the check), or ahead of time with

    python -m framework.nlu.onnx_runtime MODEL_DIR DOMAIN

and kept in the serving cache (`$DIALOG_SERVING_CACHE`, else the base models' cache folder's
`serving`), named by a digest of the model file (framework.nlu.quantized_cache's fingerprint),
the onnxruntime and torch versions and this file's bytes: a retrained model or another version
gets another file. Making it needs torch, transformers, onnx and onnxruntime; serving it,
onnxruntime alone.

The check, before the file is used: the domain's labelled texts held out from training (the
int8 check's: eval/*.csv except HELD_OUT, framework.nlu.precision.labelled_texts, the same fixed sample; its
examples when it has none) answered by the float32 torch network and by the ONNX Runtime one,
each answer as the user gets it (below the threshold: out of scope); the int8 file serves
when it loses at most `precision.BOUND_PCT` (0.5) points, changes at most
`CHANGED_MAX_PCT` (0.5 %) of the answers against float32 (session 19: an accuracy that holds
on the check's texts can hide flips that cancel; on two held-out files telecom_zh's full int8,
which changed 0.8-1.3 % of the check's answers, lost 1.09 and 0.60 points against float32 where
torch's int8, 0.2-0.5 %, lost 0.36 and 0.20), and at most 1% of a sample's answers
change between a text alone and the same text in a batch of 32. Where it does not (ONNX
Runtime quantises each MatMul's activations with one scale per batch, where our torch int8
gives each token its own: on telecom_zh it lost 0.57-0.68 points and changed 0.8-1.3 % of the
answers), the same int8 after smoothing is checked ("int8-smooth", `_smooth`: each quantised
input divided per channel by a scale measured on the domain's training examples, the weight
rows multiplied by it; the float32 graph computes the same, and on telecom_zh the int8 one
changed 0.21 % of the answers, as fast as plain int8), then at a stronger migration
("int8-smooth-strong", alpha 0.9), then int8-smooth with the first encoder layer kept in float32
("int8-smooth-first"), then with the first third ("int8-smooth-mixed"; session 22: a telecom_zh
model changed 0.58 % at 0.75, 0.41 % at 0.9, 0.49 % with the lower third in float32; on another
the first layer alone passed at 0.74x the time of the lower third), then unsmoothed int8 with the lower
third in float32 ("int8-mixed"), then the fused float32 file: the same answers as
torch float32, at about 0.75x the speed of our torch int8 on one text, and still no torch at
start (training tries it wherever torch's own int8 did not pass its check, since session 24
also where torch float16 did: a worker that imports no torch is ready ~2 s sooner). The record is stored in the file's metadata;
a file that failed is kept too (no rebuilding at every start) and the server then serves with
torch, saying why. No onnxruntime installed, a model without a trace (`model.torchscript.pt`),
an export or quantisation that fails: the same (one warning line).
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Sequence

# answers (as the user gets them) that may differ from float32's on the check's texts: the same bound
# as torch's int8 and float16
from framework.nlu.precision import CHANGED_MAX_PCT

log = logging.getLogger(__name__)

RUNTIMES = ("auto", "torch", "onnx")
# the variants `build` tries, in this order (`variants`)
PRECISIONS = ("int8", "int8-smooth", "int8-smooth-strong", "int8-smooth-first", "int8-smooth-mixed", "int8-mixed",
              "float32")
SUFFIX = ".onnx"
MODEL_FILE = "model.onnx"  # made by training, beside model.torchscript.pt
CHECK_FILE = "onnx_check.json"  # training's record of the ONNX file's check, also where no variant passed
METADATA_KEY = "dialogframe_check"
SCHEME = "onnx-fused-int8-per-channel-v1"  # files made before int8-smooth existed stay valid (their check passed)
BATCH_MATES_MAX_PCT = 1.0  # answers that may change between a text alone and in a batch of 32
BATCH_SAMPLE = 200  # texts compared alone and in batches
SMOOTH_ALPHA = 0.75  # int8-smooth's migration strength (0.5 changed 1.0 % of telecom_zh's answers, 0.75 0.21 %)
# int8-smooth-strong's: a telecom_zh model of session 22 (seed 13) changed 0.58 % at 0.75 (the bound: 0.5),
# 0.41 % at 0.9, 0.64 % at 0.6; 0.75 with the lower third in float32 ("int8-smooth-mixed") 0.49 %
SMOOTH_ALPHA_STRONG = 0.9
CALIBRATION_TEXTS = 400  # training examples int8-smooth measures the activations on
_FALLBACK_TEXTS = ("what is my balance", "I lost my card", "我要投诉", "查一下话费", "hello", "谢谢", "ok")


class OnnxUnavailable(RuntimeError):
    """Why the ONNX Runtime network cannot serve this model (the server falls back to torch)."""


def missing_packages(build: bool = False) -> list[str]:
    """The packages that serving (or, with `build`, making the file) needs and lacks."""
    needed = ["onnxruntime"] + (["onnx", "torch", "transformers"] if build else [])
    return [name for name in needed if importlib.util.find_spec(name) is None]


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def cache_file(model_dir: str | Path, cache: Path | None = None) -> Path | None:
    """Where this model's ONNX file is (or would be) in the serving cache; None where the
    model has no trace with a checkable fingerprint (nothing may be keyed on it)."""
    from framework.nlu.mapped_embeddings import serving_cache
    from framework.nlu.quantized_cache import weights_fingerprint
    from framework.nlu.torchscript import TORCHSCRIPT_FILE

    fingerprint = weights_fingerprint(Path(model_dir) / TORCHSCRIPT_FILE)
    if fingerprint is None:
        return None
    key = {"weights": fingerprint, "scheme": SCHEME, "onnxruntime": _version("onnxruntime"),
           "torch": _version("torch"), "code": hashlib.sha256(Path(__file__).read_bytes()).hexdigest()}
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:32]
    return (serving_cache() if cache is None else cache) / f"{digest}{SUFFIX}"


def trace_digest(model_dir: str | Path) -> str | None:
    """What the model folder's ONNX file was exported from: the trace's entries (names, sizes,
    CRC-32s; quantized_cache.weights_fingerprint without the file's size and modification
    time, so a copied or unpacked model folder keeps its file) and this file's scheme. None
    where the trace is missing or has entries without CRCs."""
    from framework.nlu.quantized_cache import weights_fingerprint
    from framework.nlu.torchscript import TORCHSCRIPT_FILE

    entries = weights_fingerprint(Path(model_dir) / TORCHSCRIPT_FILE, with_stat=False)
    return None if entries is None else hashlib.sha256(f"{SCHEME}\0{entries}".encode()).hexdigest()


class OrtNetwork:
    """An InferenceSession called like our torch networks, on numpy arrays:
    (input_ids, attention_mask) -> (intent logits,) or (intent logits, tag logits)."""

    runtime = "onnx"

    def __init__(self, path: Path, threads: int = 1) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = max(1, threads), 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # threads that wait rather than spin: a busy core elsewhere must not stall a batch
        # (the OMP_WAIT_POLICY=PASSIVE of the torch path, framework.nlu.threads)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.path = Path(path)
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"],
                                            disabled_optimizers=list(SLOW_FUSIONS))
        self.outputs = [o.name for o in self.session.get_outputs()]
        meta = self.session.get_modelmeta().custom_metadata_map
        self.check: dict = json.loads(meta.get(METADATA_KEY, "{}"))
        # of the weights: one of PRECISIONS
        self.precision: str = self.check.get("served") or "int8"

    def __call__(self, input_ids, attention_mask):
        return tuple(self.session.run(self.outputs, {"input_ids": input_ids, "attention_mask": attention_mask}))


def load(model_dir: str | Path, meta: dict, assistant=None, threads: int = 1,
         cache: Path | None = None, make: bool = True) -> OrtNetwork:
    """The model's ONNX Runtime network: the model folder's `model.onnx` (made by training)
    when it was exported from this very trace, else the serving cache's file, else (with
    `make`) one made, checked and kept in the serving cache now. Raises OnnxUnavailable (with
    the reason) where it cannot serve."""
    missing = missing_packages()
    if missing:
        raise OnnxUnavailable(f"{', '.join(missing)} not installed (pip install onnxruntime)")
    network = _from_model_folder(Path(model_dir), threads)
    if network is None:
        path = cache_file(model_dir, cache)
        if path is None:
            raise OnnxUnavailable(f"{model_dir} has no model.torchscript.pt with checkable contents to export")
        if not path.is_file():
            if not make:
                raise OnnxUnavailable(_why_no_model_file(Path(model_dir)))
            build(model_dir, meta, path, assistant, threads)
        try:
            network = OrtNetwork(path, threads)
        except Exception as err:  # a damaged file: made again next start
            path.unlink(missing_ok=True)
            raise OnnxUnavailable(f"{path} could not be loaded: {err}") from err
        os.utime(path)  # in use: kept by the pruning of unused files
    if not network.check.get("ok"):
        raise OnnxUnavailable(f"its check did not pass ({summary(network.check)})")
    log.info("ONNX Runtime network of %s read from %s (%s)", model_dir, network.path, summary(network.check))
    return network


def _why_no_model_file(model_dir: Path) -> str:
    try:
        record = json.loads((model_dir / CHECK_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = None
    if isinstance(record, dict) and record.get("trace") == trace_digest(model_dir):
        return f"training made no {MODEL_FILE}: {record.get('why') or summary(record)}"
    return (f"{model_dir} has no {MODEL_FILE} (a model trained before training made it, or with --no-onnx); make it "
            f"with `python -m framework.nlu.onnx_runtime {model_dir} DOMAIN`")


def _from_model_folder(model_dir: Path, threads: int) -> OrtNetwork | None:
    """The model folder's ONNX network, where it was exported from the folder's own trace."""
    path = model_dir / MODEL_FILE
    if not path.is_file():
        return None
    try:
        network = OrtNetwork(path, threads)
    except Exception as err:
        log.warning("%s could not be loaded (%s): not used", path, err)
        return None
    if network.check.get("trace") != trace_digest(model_dir):
        log.warning("%s was not exported from this folder's model.torchscript.pt (replaced after training?): "
                    "not used", path)
        return None
    return network


def summary(record: dict) -> str:
    if not record:
        return "no check recorded"

    def one(c: dict) -> str:
        if "error" in c:
            return f"{c['precision']}: not made ({c['error']})"
        return (f"{c['precision']}: accuracy {c['onnx_accuracy_pct']}% vs {c['float32_accuracy_pct']}% in float32 "
                f"on {c['texts']} texts (bound {c['bound_pct']} points), "
                f"{100.0 - c.get('agreement_with_float32_pct', 100.0):.2f}% of answers changed (bound "
                f"{c.get('changed_max_pct', CHANGED_MAX_PCT)}%), {c['batch_changed_pct']}% changed in a batch: "
                f"{'passed' if c['ok'] else 'failed'}")
    checks = "; ".join(one(record[p]) for p in PRECISIONS if p in record)
    return f"served in {record.get('served')}; {checks}"


def build(model_dir: str | Path, meta: dict, out: Path, assistant=None, threads: int = 1,
          reference_answers: tuple[list, list] | None = None, float32_fallback: bool = True) -> dict:
    """Export, fuse and quantise the model's network; check the variants in PRECISIONS' order
    (full int8 first, the fused float32 graph last); write the first that passes
    (else the int8 one) to `out` (atomically, with the checks in its metadata) and return the
    record. `reference_answers`: (pairs, float32 answers) the caller has already computed on
    the check's texts (training's int8 check), else they are computed here. Without
    `float32_fallback` the float32 graph is not tried (training, where torch's int8 passed:
    it is faster)."""
    missing = missing_packages(build=True)
    if missing:
        raise OnnxUnavailable(f"making the ONNX file needs {', '.join(missing)} (pip install onnxruntime onnx)")
    started = time.perf_counter()
    log.info("making the ONNX Runtime network of %s (once per model; tens of seconds)", model_dir)
    with tempfile.TemporaryDirectory(prefix="onnx_") as tmp:
        try:
            makers = variants(Path(model_dir), meta, Path(tmp), calibration_texts(assistant))
        except Exception as err:
            raise OnnxUnavailable(f"export or quantisation failed: {type(err).__name__}: {str(err)[:300]}") from err
        if not float32_fallback:
            del makers["float32"]
        reference = _Reference(model_dir, meta, assistant, threads, reference_answers)
        record: dict = {}
        chosen = makers["int8"]()
        for precision, make in makers.items():  # the first that passes serves
            try:
                path = make()
            except Exception as err:  # a variant that cannot be made is skipped, said in the record
                record[precision] = {"precision": precision, "ok": False, "error": f"{type(err).__name__}: {err}"[:300]}
                continue
            record[precision] = reference.check(path, precision)
            if record[precision]["ok"]:
                record["served"], chosen = precision, path
                break
        record.setdefault("served", None)
        record.update(ok=record["served"] is not None, seconds=round(time.perf_counter() - started, 1),
                      trace=trace_digest(model_dir),
                      onnxruntime=_version("onnxruntime"), torch=_version("torch"), scheme=SCHEME)
        _store(chosen, out, record)
    log.info("ONNX Runtime network kept at %s (%s)", out, summary(record))
    return record


def variants(model_dir: Path, meta: dict, tmp: Path, texts: Sequence[str] = _FALLBACK_TEXTS) -> dict:
    """The networks `build` tries, in its order (PRECISIONS), as makers of their files in `tmp`:
    "int8", "int8-smooth" (int8 after smoothing, calibrated on `texts`), "int8-smooth-strong"
    (the same at SMOOTH_ALPHA_STRONG), "int8-smooth-first" / "int8-smooth-mixed" (int8-smooth with
    the first layer / the lower third of the layers in float32), "int8-mixed" (the lower third in float32, unsmoothed), "float32"
    (fused). The export, fusion and full int8 are done now (their errors raise); the others
    when asked."""
    fused, quantized = _export_fused_int8(model_dir, meta, tmp)

    smoothed: dict[float, Path] = {}

    def smoothed_graph(alpha: float) -> Path:
        if alpha not in smoothed:
            smoothed[alpha] = _smooth(tmp / "typed.onnx", tmp / f"smoothed_{alpha}.onnx", _tokenizer(model_dir, meta),
                                      texts, alpha=alpha)
        return smoothed[alpha]

    def smooth(alpha: float = SMOOTH_ALPHA) -> Path:
        with _quiet():
            return _quantize(smoothed_graph(alpha), tmp / f"int8_smooth_{alpha}.onnx")

    def third() -> int:  # the lower third of the encoder layers
        return max(1, int(getattr(_encoder_config(model_dir), "num_hidden_layers", 0) or 0) // 3)

    def smooth_first() -> Path:
        return _quantize_lower_layers_float(smoothed_graph(SMOOTH_ALPHA), tmp / "int8_smooth_first.onnx", 1)

    def smooth_mixed() -> Path:
        return _quantize_lower_layers_float(smoothed_graph(SMOOTH_ALPHA), tmp / "int8_smooth_mixed.onnx", third())

    def mixed() -> Path:
        return _quantize_lower_layers_float(tmp / "typed.onnx", tmp / "int8_mixed.onnx", third())

    return {"int8": lambda: quantized, "int8-smooth": smooth, "int8-smooth-strong": lambda: smooth(SMOOTH_ALPHA_STRONG),
            "int8-smooth-first": smooth_first, "int8-smooth-mixed": smooth_mixed, "int8-mixed": mixed,
            "float32": lambda: fused}


def calibration_texts(assistant, limit: int = CALIBRATION_TEXTS) -> list[str]:
    """The smoothing's texts: the domain's training examples (never the check's texts, which
    judge the result), a fixed sample of `limit`; a few fixed texts without a domain."""
    if assistant is None:
        return list(_FALLBACK_TEXTS)
    import random

    from framework.nlu.data import from_assistant

    texts = sorted({e.text for e in from_assistant(assistant) if e.text.strip()})
    return random.Random(0).sample(texts, min(limit, len(texts))) or list(_FALLBACK_TEXTS)


def _smooth(typed: Path, out: Path, tokenizer, texts: Sequence[str], alpha: float = SMOOTH_ALPHA) -> Path:
    """SmoothQuant (Xiao et al., 2023) for dynamic int8: ONNX Runtime quantises a MatMul's
    activations with one scale per batch, so a few input channels with large values (the GELU
    outputs before each layer's second dense MatMul reach 33 where the median channel is 0.7,
    telecom_zh) leave the others a handful of int8 steps. Each quantised MatMul's (and fused
    Attention's) input is divided per channel by s = max|x|^alpha / max|w|^(1 - alpha) (a Mul
    node) and its weight rows multiplied by s: the float32 graph computes the same, the int8
    one loses less. max|x| per channel is measured on `texts`, one at a time (no padding)."""
    import copy

    import numpy as np
    import onnx
    import onnxruntime as ort
    from onnx import helper, numpy_helper

    model = onnx.load(str(typed))
    weights = {i.name: i for i in model.graph.initializer}
    targets = [(k, n.input[0], n.input[1]) for k, n in enumerate(model.graph.node)
               if n.op_type in ("MatMul", "Attention") and len(n.input) > 1 and n.input[1] in weights]
    inputs = sorted({x for _, x, _ in targets})
    probe = copy.deepcopy(model)
    typed_values = {v.name: v for v in probe.graph.value_info}
    for name in inputs:
        probe.graph.output.append(typed_values.get(name) or helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(probe.SerializeToString(), options, providers=["CPUExecutionProvider"])
    peak: dict = {}
    for text in texts:
        encoded = tokenizer([text], return_tensors="np")
        values = session.run(inputs, {"input_ids": encoded["input_ids"], "attention_mask": encoded["attention_mask"]})
        for name, value in zip(inputs, values):
            m = np.abs(value.reshape(-1, value.shape[-1])).max(0)
            peak[name] = np.maximum(peak[name], m) if name in peak else m
    values = {v.name: v for v in model.graph.value_info}
    smoothing = []
    for k, x, w in targets:
        weight = numpy_helper.to_array(weights[w]).astype(np.float32)
        scale = np.maximum(peak[x], 1e-5) ** alpha / np.maximum(np.abs(weight).max(1), 1e-5) ** (1 - alpha)
        scale = np.clip(scale, 1e-2, 1e2).astype(np.float32)
        weights[w].CopyFrom(numpy_helper.from_array(weight * scale[:, None], w))
        inverse, smoothed = f"{w}_smooth_inverse", f"{x}_smoothed_{k}"
        model.graph.initializer.append(numpy_helper.from_array((1.0 / scale).astype(np.float32), inverse))
        model.graph.node[k].input[0] = smoothed
        smoothing.append((k, helper.make_node("Mul", [x, inverse], [smoothed], name=f"Smooth_{k}")))
        if x in values:  # the quantiser needs every tensor's type
            typed_value = copy.deepcopy(values[x])
            typed_value.name = smoothed
            model.graph.value_info.append(typed_value)
    for k, node in reversed(smoothing):  # each Mul just before its MatMul: the graph stays in order
        model.graph.node.insert(k, node)
    onnx.save(model, str(out))
    return out


def _export_fused_int8(model_dir: Path, meta: dict, tmp: Path) -> tuple[Path, Path]:
    import warnings

    import torch

    from framework.nlu.model import load_network

    network, tokenizer = load_network(model_dir, meta)
    # eager attention: the same arithmetic as SDPA, in the pattern ORT's attention fusion knows
    network.encoder.set_attn_implementation("eager")
    example = tokenizer(["hello, how are you doing today? 你好", "hi"], padding=True, return_tensors="pt")
    inputs = ["input_ids", "attention_mask"]
    outputs = ["logits", "tag_logits"] if network.tagger is not None else ["logits"]
    axes = {"input_ids": {0: "b", 1: "t"}, "attention_mask": {0: "b", 1: "t"}, "logits": {0: "b"},
            "tag_logits": {0: "b", 1: "t"}}
    exported = tmp / "model.onnx"
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(network, (example["input_ids"], example["attention_mask"]), str(exported),
                          input_names=inputs, output_names=outputs,
                          dynamic_axes={k: axes[k] for k in [*inputs, *outputs]}, dynamo=False)
    config = network.encoder.config
    with _quiet():  # onnxruntime's optimizer and quantizer log a line per tensor
        return _fuse_and_quantize(exported, config, tmp)


def _fuse_and_quantize(exported: Path, config, tmp: Path) -> tuple[Path, Path]:
    from onnxruntime.quantization.shape_inference import quant_pre_process
    from onnxruntime.transformers.optimizer import optimize_model

    fused = optimize_model(str(exported), model_type="bert", num_heads=config.num_attention_heads,
                           hidden_size=config.hidden_size, optimization_options=_fusion_options())
    fused_path, typed, quantized = tmp / "fused.onnx", tmp / "typed.onnx", tmp / "int8.onnx"
    fused.save_model_to_file(str(fused_path))
    # quantize_dynamic needs every tensor's type, which ONNX's shape inference does not give
    # behind the fused (com.microsoft) operators: ORT's symbolic shape inference does
    quant_pre_process(str(fused_path), str(typed), skip_optimization=True, auto_merge=True, guess_output_rank=True)
    return fused_path, _quantize(typed, quantized)


# Fusions left out: ONNX Runtime 1.32's CPU SkipLayerNormalization took 21 us for a 12 x 384 tensor where
# Add + LayerNormalization take 3.3 (BENCHMARKS.md, session 21), and BiasGelu more than Add + Gelu: without
# them telecom_zh's 12-layer int8 network ran 0.67x the time per text in batches of 4, 0.80x alone. The
# session must not fuse them back at load either (OrtNetwork: `disabled_optimizers`).
SLOW_FUSIONS = ("SkipLayerNormFusion", "BiasGeluFusion")


def _fusion_options():
    from onnxruntime.transformers.fusion_options import FusionOptions

    options = FusionOptions("bert")
    options.enable_skip_layer_norm = options.enable_bias_skip_layer_norm = options.enable_bias_gelu = False
    return options


def _quantize(typed: Path, out: Path, **options) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(typed), str(out), per_channel=True, weight_type=QuantType.QInt8, **options)
    return out


def _quantize_lower_layers_float(typed: Path, out: Path, lower: int) -> Path:
    """int8 as `_fuse_and_quantize`, except the first `lower` encoder layers (their attention
    and dense MatMuls), kept in float32: on telecom_zh the loss of full int8 (0.57 points) came
    mostly from the first third (BENCHMARKS.md, session 17: 98.39 against 98.54 in float32,
    where leaving out the last third, the FFN or the attention kept the loss). Session 22, a
    smoothed telecom_zh model: the first layer alone in float32 changed 0.49 % of the answers
    at 2.59 ms per text, the first four 0.44 % at 3.51 (int8-smooth: 0.55 % at 2.20)."""
    import re

    import onnx

    excluded = []
    for node in onnx.load(str(typed), load_external_data=False).graph.node:
        found = re.search(r"layer\.(\d+)/", node.name) or re.fullmatch(r"Attention_(\d+)", node.name)
        if node.op_type in ("MatMul", "Attention") and found and int(found.group(1)) < lower:
            excluded.append(node.name)
    if not excluded:
        raise OnnxUnavailable("no encoder layer found by name in the fused graph")
    with _quiet():
        return _quantize(typed, out, nodes_to_exclude=excluded)


@contextlib.contextmanager
def _quiet():
    previous = logging.root.manager.disable
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(previous)


def _encoder_config(model_dir):
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(model_dir)


def _tokenizer(model_dir, meta: dict):
    """The serving tokenizer (tokenizers alone), as OrtNetwork's classifier reads texts."""
    from framework.nlu.text_prefix import wrap
    from framework.nlu.torchscript import JsonTokenizer

    return wrap(JsonTokenizer(Path(model_dir), int(meta.get("max_length", 64)), meta.get("pad_token_id")),
                meta.get("text_prefix"))


class _Reference:
    """The float32 torch network's answers to the check's texts, computed once."""

    def __init__(self, model_dir, meta: dict, assistant, threads: int, given: tuple[list, list] | None = None) -> None:
        from framework.nlu.model import load_classifier
        from framework.nlu.precision import answered, check_sample, labelled_texts

        if given is not None:
            pairs, self.want = list(given[0]), list(given[1])
        else:
            pairs = check_sample(labelled_texts(assistant)) if assistant else []
            if not pairs:  # no domain: agreement with float32 on a few texts
                pairs = [(t, None) for t in _FALLBACK_TEXTS]
            reference = load_classifier(model_dir, assistant, quantize=False, threads=threads)
            self.want = [answered(r, reference.threshold, assistant) for r in reference.predict([t for t, _ in pairs])]
        self.pairs, self.texts, self.meta, self.assistant, self.threads = pairs, [t for t, _ in pairs], meta, assistant, threads
        self.tokenizer = _tokenizer(model_dir, meta)

    def check(self, path: Path, precision: str) -> dict:
        """The ONNX file at `path` against float32: accuracy as the user gets answers, and
        answers changed between a text alone and in a batch of 32."""
        from framework.nlu.model import BertIntentClassifier
        from framework.nlu.precision import BOUND_PCT, answered

        assistant, texts, pairs = self.assistant, self.texts, self.pairs
        onnx = BertIntentClassifier(OrtNetwork(path, self.threads), self.tokenizer, self.meta,
                                    quantized=f"onnx-{precision}", threads=self.threads)
        got = [answered(r, onnx.threshold, assistant) for r in onnx.predict(texts)]
        labelled = sum(i is not None for _, i in pairs)
        n = max(1, labelled)
        acc32 = 100.0 * sum(w == i for w, (_, i) in zip(self.want, pairs) if i is not None) / n
        acc = 100.0 * sum(g == i for g, (_, i) in zip(got, pairs) if i is not None) / n
        sample = texts[:BATCH_SAMPLE]
        alone = [answered(onnx.predict([t])[0], onnx.threshold, assistant) for t in sample]
        batched = [answered(r, onnx.threshold, assistant) for r in _in_batches(onnx, sample, 32)]
        changed = 100.0 * sum(a != b for a, b in zip(alone, batched)) / max(1, len(sample))
        loss = round(acc32 - acc, 3) if labelled else 0.0
        agree = 100.0 * sum(w == g for w, g in zip(self.want, got)) / max(1, len(texts))
        return {"precision": precision, "texts": len(texts), "labelled": bool(labelled),
                "float32_accuracy_pct": round(acc32, 3), "onnx_accuracy_pct": round(acc, 3),
                "accuracy_loss_points": loss, "agreement_with_float32_pct": round(agree, 3),
                "batch_sample": len(sample), "batch_changed_pct": round(changed, 3), "bound_pct": BOUND_PCT,
                "changed_max_pct": CHANGED_MAX_PCT, "ok": passes(loss, agree, changed, bool(labelled))}


def passes(loss_points: float, agreement_pct: float, batch_changed_pct: float, labelled: bool) -> bool:
    """The check's rule (see the module doc): accuracy lost, answers changed against float32,
    answers changed between a text alone and in a batch; unlabelled texts must all agree."""
    from framework.nlu.precision import BOUND_PCT

    return (loss_points <= BOUND_PCT and 100.0 - agreement_pct <= CHANGED_MAX_PCT
            and batch_changed_pct <= BATCH_MATES_MAX_PCT and (labelled or agreement_pct == 100.0))


def _in_batches(classifier, texts: Sequence[str], size: int) -> list:
    out = []
    for i in range(0, len(texts), size):
        out.extend(classifier.predict(texts[i:i + size]))
    return out


def _store(quantized: Path, out: Path, check: dict) -> None:
    import onnx

    from framework.nlu.mapped_embeddings import prune, write_atomically

    model = onnx.load(str(quantized))
    entry = model.metadata_props.add()
    entry.key, entry.value = METADATA_KEY, json.dumps(check, sort_keys=True)
    write_atomically(out, lambda f: f.write(model.SerializeToString()))
    if out.name != MODEL_FILE:  # the serving cache (never a model folder: its own files match the patterns)
        prune(out.parent, keep=out)


def main(argv: list[str] | None = None) -> int:
    """`python -m framework.nlu.onnx_runtime MODEL_DIR [DOMAIN]`: make (again) and check the
    model's ONNX Runtime file (into the model folder, or the serving cache with --cache); print
    the check."""
    import argparse

    p = argparse.ArgumentParser(description="Make and check a trained model's ONNX Runtime network (fused, int8 "
                                            f"per channel) as the model folder's {MODEL_FILE}, which `serve` uses "
                                            "by default (training makes it; this is for older models).")
    p.add_argument("model_dir")
    p.add_argument("domain", nargs="?", help="the domain: its held-out texts check the file (else a few texts)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--cache", action="store_true",
                   help="write it into the serving cache ($DIALOG_SERVING_CACHE) instead of the model folder "
                        "(a model folder that may not be written)")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from framework.nlu.model import read_artifact

    assistant = None
    if args.domain:
        from framework.spec import load_assistant

        assistant = load_assistant(args.domain)
    path = cache_file(args.model_dir) if args.cache else Path(args.model_dir) / MODEL_FILE
    if path is None or trace_digest(args.model_dir) is None:
        print(f"error: {args.model_dir} has no model.torchscript.pt with checkable contents to export")
        return 2
    try:
        check = build(args.model_dir, read_artifact(args.model_dir), path, assistant, args.threads)
    except OnnxUnavailable as err:
        print(f"error: {err}")
        return 2
    print(json.dumps(check, indent=1))
    return 0 if check["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
