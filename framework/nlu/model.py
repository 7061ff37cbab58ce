"""The fine-tuned transformer intent classifier: network, artifact directory, inference.

Artifact (one directory, `FORMAT_VERSION`):

    artifact.json        format version, model id, labels, intent fingerprint, threshold,
                         pooling, max length, base model, training arguments, metrics; with an
                         entity head also entity_labels, entity_scheme ("BIO"), entity_decoder
                         ("constrained" or "argmax"; absent: constrained), entity_min_chars
                         (label -> its shortest value in training; shorter spans are dropped),
                         entity_threshold and entity_threshold_info (absent: intent-only)
    labels.json          the intents, in output order
    config.json          the encoder's transformers config
    model.torchscript.pt the network traced (input_ids, attention_mask -> logits, or
                         (logits, tag logits) with the entity head): the serving path that
                         never imports transformers (framework.nlu.torchscript). It is also
                         where the weights are stored: the eager (transformers) path reads
                         its parameters from it, so the folder holds them once (issue 12)
    model.safetensors    encoder + classification head (+ entity head `tagger.*`) weights,
                         only where the network could not be traced (and in models trained
                         before the weights were stored once, which load as they did)
    tokenizer.json ...   the tokenizer (with any characters added for the domain's language)
    evaluation.json/.md  the validation report written at training time

The network is a transformers encoder with a linear classification head over the *mean* of
the token states rather than BertForSequenceClassification's [CLS] pooler: the default base
model (all-MiniLM-L6-v2) was trained as a mean-pooled sentence encoder and ships no trained
pooler, so mean pooling starts from meaningful sentence vectors (see BENCHMARKS.md).

A domain with annotated examples (`[张三](name)`) also gets a token-classification head over
the same token states, trained jointly (framework.nlu.fit, framework.nlu.joint): one forward
pass gives the intent ranking and the entities (framework.nlu.tagging decodes the tags into
character spans). Intent-only domains get exactly the network they always had.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from framework.nlu.interface import Entity, IntentScore, Parsed
from framework.nlu.long_texts import plan, surest

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
ARTIFACT_FILE = "artifact.json"


class ModelMismatchError(RuntimeError):
    """The model was trained for a different set of intents than the domain declares."""


class ModelNotFoundError(FileNotFoundError):
    pass


def default_threads() -> int:
    """Inference/training threads: see framework.nlu.threads (free CPUs, not the CPU count)."""
    from framework.nlu.threads import default_threads as free_cpu_threads

    return free_cpu_threads()


def build_network(encoder, num_labels: int, pooling: str = "mean", dropout: float = 0.1, num_tags: int = 0):
    """An `IntentNetwork` (built lazily so that importing this module needs no torch).

    With `num_tags` > 0 it also has a token-classification head (`tagger`, one linear layer
    over the same encoder's token states, framework.nlu.tagging's BIO tags) and `forward`
    returns (intent logits, tag logits); without, it is exactly the intent-only network
    (same weights, same output, same speed)."""
    import torch
    from torch import nn

    class IntentNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = encoder
            self.pooling = pooling
            self.dropout = nn.Dropout(dropout)
            self.classifier = nn.Linear(encoder.config.hidden_size, num_labels)
            self.tagger = nn.Linear(encoder.config.hidden_size, num_tags) if num_tags else None

        def pool(self, states, attention_mask):
            if self.pooling == "cls":
                return states[:, 0]
            mask = attention_mask.unsqueeze(-1).to(states.dtype)
            return (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)

        def embed(self, input_ids, attention_mask):
            states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            return self.pool(states, attention_mask)

        def forward(self, input_ids, attention_mask):
            states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            logits = self.classifier(self.dropout(self.pool(states, attention_mask)))
            if self.tagger is None:
                return logits
            return logits, self.tagger(self.dropout(states))

    return IntentNetwork()


def intent_logits(output):
    """The intent logits of a network's output (a joint network returns a pair)."""
    return output[0] if isinstance(output, tuple) else output


def entity_tag_count(meta: dict) -> int:
    """The entity head's output size (0: intent-only, and every model trained before it)."""
    labels = meta.get("entity_labels") or ()
    return 1 + 2 * len(labels) if labels else 0


def encoder_kwargs(config) -> dict:
    """BERT-like encoders: no [CLS] pooler (the head reads the token states directly)."""
    return {"add_pooling_layer": False} if config.model_type in ("bert", "roberta", "xlm-roberta", "ernie") else {}


def save_artifact(out_dir: Path, network, tokenizer, labels: Sequence[str], meta: dict) -> None:
    from safetensors.torch import save_file

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().contiguous().cpu() for k, v in network.state_dict().items()}
    weights = out_dir / "model.safetensors"
    save_file(state, str(weights), metadata={"format_version": str(FORMAT_VERSION)})
    network.encoder.config.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    (out_dir / "labels.json").write_text(json.dumps(list(labels), ensure_ascii=False, indent=1), encoding="utf-8")
    meta = {"format_version": FORMAT_VERSION, "labels": list(labels), "pad_token_id": tokenizer.pad_token_id, **meta}
    (out_dir / ARTIFACT_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    from framework.nlu.torchscript import save_torchscript

    # The weights once: the trace holds every parameter that serving and evaluation need
    # (`weights_state` reads them back for the eager path); the safetensors copy stays
    # only when there is no trace.
    if save_torchscript(out_dir, network, tokenizer, int(meta.get("max_length", 64))):
        weights.unlink()


def weights_state(model_dir: Path) -> dict:
    """The network's parameters: model.safetensors where there is one (untraceable models,
    older models), else those of the TorchScript trace (the same names and values)."""
    from framework.nlu.torchscript import TORCHSCRIPT_FILE

    model_dir = Path(model_dir)
    if (model_dir / "model.safetensors").exists():
        from safetensors.torch import load_file

        return load_file(str(model_dir / "model.safetensors"))
    if (model_dir / TORCHSCRIPT_FILE).exists():
        import torch

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return dict(torch.jit.load(str(model_dir / TORCHSCRIPT_FILE), map_location="cpu").state_dict())
    raise ModelNotFoundError(f"{model_dir}: no weights (neither model.safetensors nor {TORCHSCRIPT_FILE}); "
                             f"retrain with: python train.py DOMAIN")


def read_artifact(model_dir: str | Path) -> dict:
    path = Path(model_dir) / ARTIFACT_FILE
    if not path.exists():
        raise ModelNotFoundError(
            f"No trained intent model in {model_dir} (missing {ARTIFACT_FILE}); "
            f"train one with: python train.py DOMAIN")
    meta = json.loads(path.read_text(encoding="utf-8"))
    if meta.get("format_version") != FORMAT_VERSION:
        raise ModelMismatchError(
            f"{model_dir}: model format version {meta.get('format_version')} is not supported "
            f"(expected {FORMAT_VERSION}); retrain with: python train.py DOMAIN")
    return meta


def check_fingerprint(meta: dict, assistant, model_dir) -> None:
    if assistant is None:
        return
    if meta.get("intent_fingerprint") != assistant.intent_fingerprint:
        have, want = set(meta.get("labels", ())), set(assistant.intents)
        diff = []
        if want - have:
            diff.append("new: " + ", ".join(sorted(want - have)))
        if have - want:
            diff.append("removed: " + ", ".join(sorted(have - want)))
        detail = f" ({'; '.join(diff)})" if diff else ""
        domain = assistant.source_dir or assistant.name
        raise ModelMismatchError(
            f"The model in {model_dir} does not match domain '{assistant.name}': its intents "
            f"changed since training{detail}. Retrain with: python train.py {domain}")


class BertIntentClassifier:
    """`IntentClassifier` over a fine-tuned encoder. Thread-safe: one lock around the model
    (torch already spreads one batch over `threads` cores; callers batch, e.g. the server's
    micro-batcher).

    A model trained with annotated entities also has an entity head: `entity_labels` (the
    learnt labels, framework.nlu.tagging), `entity_threshold` (confirm learnt values below
    it), and `parse(texts)` gives each text's ranking and entities from one forward pass.
    An intent-only model has `entity_labels == ()`, and its `parse` returns no entities."""

    def __init__(self, network, tokenizer, meta: dict, quantized: bool = False,
                 threads: int | None = None, batch_size: int = 32):
        self.network = network
        self.tokenizer = tokenizer
        self.meta = meta
        self.labels: tuple[str, ...] = tuple(meta["labels"])
        self.threshold: float | None = meta.get("threshold")
        self.entity_labels: tuple[str, ...] = tuple(meta.get("entity_labels") or ())
        self.entity_threshold: float | None = meta.get("entity_threshold") if self.entity_labels else None
        # how tags become spans (framework.nlu.tagging.read_entities); models trained before
        # the constrained decoder get it too: it needs no weights (BENCHMARKS.md)
        self.entity_decoder: str = meta.get("entity_decoder", "constrained")
        self.entity_min_chars: dict[str, int] = dict(meta.get("entity_min_chars") or {})
        # quantized: False (float32), True or "int8", "float16"
        self.model_id: str = meta.get("model_id", "unknown") + (f"-{'int8' if quantized is True else quantized}"
                                                                 if quantized else "")
        self.max_length: int = int(meta.get("max_length", 64))
        self.quantized = quantized
        # "torch" (a torch network) or "onnx" (framework.nlu.onnx_runtime.OrtNetwork)
        self.runtime: str = getattr(network, "runtime", "torch")
        self.threads = threads or default_threads()
        self.batch_size = batch_size
        self._lock = threading.Lock()

    @property
    def has_entities(self) -> bool:
        return bool(self.entity_labels)

    def _run(self, texts: Sequence[str], entities: bool):
        """(intent probabilities (len(texts), len(labels)), entity spans per text or None)."""
        import numpy as np

        entities = entities and self.has_entities
        blank = [not t.strip() for t in texts]
        texts = [t if t.strip() else "." for t in texts]  # an empty text still gets a ranking
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32), [] if entities else None
        with self._lock, self._inference():
            # a text longer than max_length tokens is read without its repeated filler, in
            # windows (framework.nlu.long_texts)
            read = [plan(self.tokenizer, t, self.max_length) for t in texts]
            parts = [ps for ps, _ in read]
            flat = [piece for ps in parts for _, piece in ps]
            flat_blank = [b for ps, b in zip(parts, blank) for _ in ps]  # a blank text is one window
            out, spans = self._forward(flat, entities, flat_blank)
        if len(flat) == len(texts) and all(index is None for _, index in read):
            return out, spans
        rows, found, i = [], ([] if entities else None), 0
        for ps, (_, index) in zip(parts, read):  # the surest window's ranking and entities, at their offsets in the whole text
            best = surest(out[i:i + len(ps)])
            rows.append(out[i + best])
            if entities:
                at = ps[best][0]
                found.append([replace(sp, start=sp.start + at, end=sp.end + at) if index is None else
                              replace(sp, start=index[sp.start + at], end=index[sp.end + at - 1] + 1)
                              for sp in spans[i + best]])
            i += len(ps)
        return np.stack(rows), found

    def _inference(self):
        """The context of a network pass: torch's inference mode and thread count; nothing
        for ONNX Runtime, whose session has its threads (and where torch is never imported)."""
        if self.runtime != "torch":
            return contextlib.nullcontext()
        import torch

        if torch.get_num_threads() != self.threads:
            torch.set_num_threads(self.threads)
        return torch.inference_mode()

    def _call(self, ids, mask, entities: bool):
        """(intent probabilities, tag log-probabilities or None) of one group, as numpy arrays."""
        if self.runtime != "torch":  # framework.nlu.onnx_runtime.OrtNetwork: numpy in, numpy out
            output = self.network(ids, mask)
            probs = _softmax(output[0])
            return probs, (_log_softmax(output[1]) if entities else None)
        import torch

        output = self.network(torch.from_numpy(ids), torch.from_numpy(mask))
        probs = torch.softmax(intent_logits(output).float(), dim=-1).numpy()
        return probs, (torch.log_softmax(output[1].float(), -1).numpy() if entities else None)

    def _forward(self, texts: Sequence[str], entities: bool, blank: Sequence[bool]):
        """_run's network pass on texts that fit (under the lock, in inference mode); a
        `blank` text (an empty message, read as ".") gets no entities."""
        import numpy as np

        from framework.nlu.tagging import read_entities

        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        spans: list | None = [[] for _ in texts] if entities else None
        # One tokenizer call for all texts (padded on the right to the longest), then the
        # network on groups of similar token lengths, each cut to its own longest text: a
        # padded token costs as much as a real one (length_groups).
        # numpy, not torch, for the bookkeeping: every torch call in this thread gives up
        # the GIL and must win it back from the busy event loop (a wait of up to 5 ms)
        enc = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="np",
                             return_special_tokens_mask=True, **({"return_offsets_mapping": True} if entities else {}))
        enc = {k: np.asarray(v, dtype=np.int64) for k, v in enc.items()}
        mask = enc["attention_mask"]
        unk = getattr(self.tokenizer, "unk_token_id", None)
        unread = _unread(enc["input_ids"], mask, enc["special_tokens_mask"], unk)
        lengths = mask.sum(1)
        if not _padded_on_the_right(mask, lengths):
            lengths = np.full_like(lengths, mask.shape[1])  # never cut
        lengths = lengths.tolist()
        groups = length_groups(lengths, self.batch_size, CALL_TOKENS)
        if len(groups) == 1:  # as before: one call on the batch as the tokenizer padded it
            groups = [list(range(len(texts)))]
        for idx in groups:
            if len(groups) == 1:
                group = enc
            else:
                width = max(lengths[i] for i in idx)
                group = {k: np.ascontiguousarray(v[idx, :width]) for k, v in enc.items()}
            probs, log_probs = self._call(group["input_ids"], group["attention_mask"], entities)
            out[idx] = probs
            if entities:
                log_probs = log_probs.tolist()
                special = (group["special_tokens_mask"].astype(bool) | (group["attention_mask"] == 0)).tolist()
                offsets = group["offset_mapping"].tolist()
                for r, i in enumerate(idx):
                    if not blank[i]:
                        spans[i] = read_entities(texts[i], offsets[r], log_probs[r], self.entity_labels,
                                                 special[r], self.entity_decoder, self.entity_min_chars)
        # "👎👎", "🙅", "🛑" were each read as affirm 0.85-0.94 by the English models (session 38's held-out file): every
        # token of them is the unknown token, so the network saw the same input for all; it can tell nothing apart,
        # and says so with an even ranking (below any threshold: out of scope; the engine's rules still read the text)
        if unread.any():
            out[unread] = 1.0 / len(self.labels)
            if entities:
                for i in np.flatnonzero(unread):
                    spans[i] = []
        return out, spans

    def probabilities(self, texts: Sequence[str]):
        """(len(texts), len(labels)) numpy array of softmax probabilities."""
        return self._run(texts, entities=False)[0]

    def _rankings(self, probs) -> list[tuple[IntentScore, ...]]:
        rankings = []
        for row in probs:
            order = row.argsort()[::-1]
            rankings.append(tuple(IntentScore(self.labels[j], float(row[j])) for j in order))
        return rankings

    def predict(self, texts: Sequence[str]) -> list[tuple[IntentScore, ...]]:
        return self._rankings(self.probabilities(texts))

    def parse(self, texts: Sequence[str]) -> list[Parsed]:
        """Each text's intent ranking and learnt entities, from one forward pass."""
        probs, spans = self._run(texts, entities=True)
        rankings = self._rankings(probs)
        if spans is None:
            return [Parsed(r) for r in rankings]
        return [Parsed(r, tuple(_entity(text, sp) for sp in ss)) for r, text, ss in zip(rankings, texts, spans)]

    def predict_entities(self, texts: Sequence[str]) -> list[tuple[Entity, ...]]:
        return [p.entities for p in self.parse(texts)]


# What one more network call costs, in padded tokens. Fitted to thread CPU time per call over
# batch 1-16 x length 8-24 shapes, int8, one torch thread (2026-12-02, load ~5): MiniLM about
# 22 (~2.2 ms a call, ~0.1 ms a token), the 12-layer multilingual e5-small about 31 (6.0 ms,
# 0.19 ms). Too low a value splits small batches into calls that cost more than they save.
CALL_TOKENS = 32


def length_groups(lengths: Sequence[int], max_size: int, call_tokens: int = CALL_TOKENS) -> list[list[int]]:
    """The indices of `lengths` (tokens per text) in groups of at most `max_size`, each run
    as one padded batch: the split of the texts sorted by length that needs the fewest
    padded tokens plus `call_tokens` per group. One long text among short ones gets a call
    of its own when the padding it would force on the others costs more than the call.
    Groups come out shortest first; each group's indices shortest first."""
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    n = len(order)
    best = [0] + [None] * n  # best[j]: least cost of the j shortest texts
    cut = [0] * (n + 1)
    for j in range(1, n + 1):
        width = lengths[order[j - 1]]  # the longest text of any group ending at j
        for i in range(max(0, j - max(1, max_size)), j):
            cost = best[i] + call_tokens + (j - i) * width
            if best[j] is None or cost < best[j]:
                best[j], cut[j] = cost, i
    groups, j = [], n
    while j > 0:
        groups.append(order[cut[j]:j])
        j = cut[j]
    return groups[::-1]


def _unread(ids, mask, special, unk: int | None):
    """Rows whose every real token (not padding, not a special token) is the unknown token `unk`."""
    import numpy as np

    if unk is None:
        return np.zeros(len(ids), dtype=bool)
    real = mask.astype(bool) & ~special.astype(bool)
    return real.any(1) & np.where(real, ids == unk, True).all(1)


def _softmax(logits):
    import numpy as np

    z = np.asarray(logits, dtype=np.float32)
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def _log_softmax(logits):
    import numpy as np

    z = np.asarray(logits, dtype=np.float32)
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def _padded_on_the_right(mask, lengths) -> bool:
    """Every row's real tokens come first (what cutting a group to its longest assumes);
    numpy arrays."""
    import numpy as np

    return bool(np.all((mask[np.arange(len(mask)), np.maximum(lengths - 1, 0)] == 1) | (lengths == 0)))


def _entity(text: str, span) -> Entity:
    """A learnt span as an Entity: the value is the surface text (the engine normalises it
    by the slot's type); role and group come from the label (`city:to#1`)."""
    from framework.nlu.tagging import split_label

    entity, role, group = split_label(span.label)
    surface = text[span.start:span.end]
    return Entity(entity, surface, surface, span.start, span.end, "model", span.confidence, role, group)


def load_network(model_dir: str | Path, meta: dict):
    """(network in eval mode, tokenizer) from an artifact directory."""
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    model_dir = Path(model_dir)
    config = AutoConfig.from_pretrained(model_dir)
    encoder = AutoModel.from_config(config, **encoder_kwargs(config))
    network = build_network(encoder, len(meta["labels"]), pooling=meta.get("pooling", "mean"),
                            num_tags=entity_tag_count(meta))
    state = weights_state(model_dir)
    missing, unexpected = network.load_state_dict(state, strict=False)
    missing = [k for k in missing if "position_ids" not in k]
    if missing:
        raise ModelMismatchError(f"{model_dir}: weights missing from the model folder: {missing[:5]}")
    network.eval()
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    return network, tokenizer


def quantize_dynamic(network, precision: str = "int8"):
    """Dynamic quantization of the Linear layers by framework.nlu.int8's scheme (the one the
    TorchScript path uses too): "int8", or "float16" weights."""
    from framework.nlu.int8 import quantize_eager

    return quantize_eager(network, precision=precision)


def load_classifier(model_dir, assistant=None, quantize: bool | str = False,
                    threads: int | None = None, runtime: str = "torch") -> BertIntentClassifier:
    """Load a trained model directory. Raises ModelNotFoundError if there is none and
    ModelMismatchError if it was trained for other intents than `assistant` declares.
    `quantize`: False or "float32", True or "int8", "float16" (framework.nlu.int8), or
    "auto": as the model's int8 check says (framework.nlu.precision.served_precision).

    `runtime="onnx"`: the network through ONNX Runtime (framework.nlu.onnx_runtime: fused,
    int8 weights per channel; the model folder's model.onnx made by training, else a file
    made once and kept in the serving cache; torch is not imported when the file is there);
    where that cannot serve (onnxruntime missing, its check failed) one warning says why and
    the torch network at `quantize` serves. `runtime="auto"` (the server's default): the
    same when the model folder or the serving cache has the file, else torch at once
    (nothing is made at start; one info line says how to make it).

    With `model.torchscript.pt` in the directory (models trained since it was added) the
    network is the TorchScript trace and the tokenizer `tokenizers` alone: transformers is
    never imported (~150 MB and ~3 s less per worker). Older models load through transformers."""
    from framework.nlu.int8 import precision_of
    from framework.nlu.torchscript import TORCHSCRIPT_FILE, load_torchscript

    meta = read_artifact(model_dir)
    check_fingerprint(meta, assistant, model_dir)
    if runtime in ("onnx", "auto"):
        from framework.nlu import onnx_runtime

        threads = threads or default_threads()
        try:
            network = onnx_runtime.load(model_dir, meta, assistant, threads, make=runtime == "onnx")
            if runtime == "auto" and network.precision == "float32":
                from framework.nlu.precision import served_precision

                # torch float16 is not preferred to it (session 24): about as fast, and a worker that
                # imports torch is ready ~2 s later (issue 11's ready < 3 s)
                if served_precision(model_dir) == "int8":
                    raise onnx_runtime.OnnxUnavailable(
                        "only its float32 graph passed its check, and torch's int8 that passed its own is "
                        "faster: 1.4-1.9x the texts/s on banking_en, BENCHMARKS.md session 18")
        except onnx_runtime.OnnxUnavailable as err:
            (log.warning if runtime == "onnx" else log.info)(
                "ONNX Runtime cannot serve %s (%s): serving with torch", model_dir, err)
        else:
            from framework.nlu.text_prefix import wrap
            from framework.nlu.torchscript import JsonTokenizer

            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            tokenizer = wrap(JsonTokenizer(Path(model_dir), int(meta.get("max_length", 64)), meta.get("pad_token_id")),
                             meta.get("text_prefix"))
            return BertIntentClassifier(network, tokenizer, meta, quantized=f"onnx-{network.precision}", threads=threads)
    elif runtime != "torch":
        raise ValueError(f"runtime must be 'auto', 'torch' or 'onnx', not {runtime!r}")
    if quantize == "auto":
        from framework.nlu.precision import served_precision

        quantize = served_precision(model_dir)
    precision = precision_of(quantize)
    import torch

    threads = threads or default_threads()
    torch.set_num_threads(threads)
    if (Path(model_dir) / TORCHSCRIPT_FILE).exists():
        network, tokenizer = load_torchscript(Path(model_dir), meta, quantize=precision)
    else:
        network, tokenizer = load_network(model_dir, meta)
        if precision:
            network = quantize_dynamic(network, precision)
    from framework.nlu.text_prefix import wrap

    tokenizer = wrap(tokenizer, meta.get("text_prefix"))  # the base's prefix, as in training
    return BertIntentClassifier(network, tokenizer, meta, quantized=precision or False, threads=threads)
