"""The fine-tuning loop behind `dialog train` (and the tests' tiny model).

CPU speed (measured in BENCHMARKS.md): utterances are tokenized once; batches are padded
only to their own longest utterance, and utterances of similar length are batched together;
the base vocabulary's embeddings stay frozen (their AdamW update is a third of the weights);
AdamW is torch's fused kernel; a threshold fold's held-out probabilities are those of its
best epoch's evaluation, not a second pass; the head starts at each intent's mean sentence
vector, so few epochs are needed.
"""
from __future__ import annotations

import contextlib
import copy
import math
import os
import random
import sys
import time
from pathlib import Path
from typing import Sequence

from framework.nlu.data import LabelledText, class_counts, dedupe, intent_fingerprint, stratified_split

SMALL_DATA = 1000  # below this many examples: a 20% split where there are no folds
# Below this many examples: batches of 16, else 32. It was SMALL_DATA until session 14: telecom_zh
# passing 1000 examples (1008) doubled its batches, and with the auto epoch count (~400 steps) its
# training compute (final model 15 epochs at 32 instead of 8 at 16: 363 s against 200 s).
BATCH_16_BELOW = 4000


def quiet_transformers() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import transformers

    transformers.logging.set_verbosity_error()
    try:
        transformers.utils.logging.disable_progress_bar()
    except AttributeError:
        pass


def load_base_model(name: str | None = None, language: str | None = None, text_prefix: bool = False):
    """(encoder, tokenizer) from a built-in name, a local folder or a Hub id
    (`framework.nlu.base_models.resolve`; raises its BaseModelError). The tokenizer puts the
    base's own text prefix before every text (framework.nlu.text_prefix) when `text_prefix`
    (train.py --text-prefix auto)."""
    from framework.nlu.base_models import resolve
    from framework.nlu.text_prefix import wrap

    base = resolve(str(name) if name else None, language)
    path = base.path
    quiet_transformers()
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    from framework.nlu.model import encoder_kwargs

    config = AutoConfig.from_pretrained(path)
    encoder = AutoModel.from_pretrained(path, **encoder_kwargs(config))
    tokenizer = AutoTokenizer.from_pretrained(path)
    return encoder, wrap(tokenizer, base.text_prefix if text_prefix else "")


class _Batches:
    """Token id lists -> padded (ids, mask, labels) batches, length-bucketed when asked;
    with `tags` (joint model) also the padded tag ids of a batch (`tags_of`)."""

    def __init__(self, ids: list[list[int]], labels: list[int], pad_id: int, tags: list[list[int]] | None = None):
        self.ids, self.labels, self.pad_id, self.tags = ids, labels, pad_id, tags

    def tags_of(self, idx, width: int):
        import torch

        from framework.nlu.tagging import IGNORE

        out = torch.full((len(idx), width), IGNORE, dtype=torch.long)
        for r, i in enumerate(idx):
            out[r, :len(self.tags[i])] = torch.tensor(self.tags[i])
        return out

    def batch(self, idx):
        import torch

        width = max(len(self.ids[i]) for i in idx)
        ids = torch.full((len(idx), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(idx), width), dtype=torch.long)
        for r, i in enumerate(idx):
            ids[r, :len(self.ids[i])] = torch.tensor(self.ids[i])
            mask[r, :len(self.ids[i])] = 1
        return ids, mask, torch.tensor([self.labels[i] for i in idx])

    def epoch(self, batch_size: int, rng: random.Random, bucket: bool):
        order = list(range(len(self.ids)))
        rng.shuffle(order)
        if bucket:  # sort within chunks of 50 batches, then shuffle the batches
            chunk = batch_size * 50
            order = [i for s in range(0, len(order), chunk)
                     for i in sorted(order[s:s + chunk], key=lambda i: len(self.ids[i]))]
        batches = [order[s:s + batch_size] for s in range(0, len(order), batch_size)]
        rng.shuffle(batches)
        return batches

    def in_order(self, batch_size: int):
        order = sorted(range(len(self.ids)), key=lambda i: len(self.ids[i]))
        return [order[s:s + batch_size] for s in range(0, len(order), batch_size)]


def _freeze_base_embeddings(encoder):
    """Freeze the base vocabulary's embeddings; rows added for new tokens stay trainable.

    Returns (trainable parameters, sync, restore): `sync` copies the trainable rows into the
    embedding table (so state_dict() sees them), `restore` also removes the wrapper."""
    import torch

    emb = encoder.get_input_embeddings()
    n_base = getattr(encoder, "_dialog_base_vocab", emb.weight.shape[0])
    emb.weight.requires_grad_(False)
    if emb.weight.shape[0] <= n_base:
        return [], (lambda: None), (lambda: None)
    extra = torch.nn.Parameter(emb.weight.data[n_base:].clone())
    F = torch.nn.functional

    def forward(input_ids):  # frozen base rows, trainable new rows
        out = F.embedding(input_ids.clamp(max=n_base - 1), emb.weight[:n_base], emb.padding_idx)
        is_new = input_ids >= n_base
        if bool(is_new.any()):
            out = torch.where(is_new.unsqueeze(-1), F.embedding((input_ids - n_base).clamp(min=0), extra), out)
        return out
    emb.forward = forward

    def sync():
        emb.weight.data[n_base:] = extra.data

    def restore():
        sync()
        del emb.forward  # back to the class's forward
    return [extra], sync, restore


class _StateBatches(_Batches):
    """`_Batches` whose batches carry the frozen lower layers' output (one [length, hidden] tensor
    per example, computed once) in place of token ids: `batch` returns (states, mask, labels)."""

    def __init__(self, source: _Batches, states: list):
        super().__init__(source.ids, source.labels, source.pad_id, source.tags)
        self.states = states

    def batch(self, idx):
        import torch

        _, mask, labels = super().batch(idx)
        states = torch.zeros((len(idx), mask.shape[1], self.states[idx[0]].shape[-1]))
        for r, i in enumerate(idx):
            states[r, :len(self.ids[i])] = self.states[i]
        return states, mask, labels


class _FrozenBottom:
    """The embeddings and the lowest `n` layers of a BERT-like encoder, fixed for one `fit`.

    Their output does not change while training, so it is computed once per example
    (`cached`, dropout off) and, inside `with`, the encoder's embeddings pass those states
    through and the lowest `n` layers are skipped: a step's forward and backward passes run
    only the layers above. Instance-level `forward` patches (as `_freeze_base_embeddings`), so
    `state_dict()` keeps every weight; leaving the block restores the encoder."""

    def __init__(self, encoder, n: int):
        layers = getattr(getattr(encoder, "encoder", None), "layer", None)
        if layers is None or not hasattr(encoder, "embeddings"):
            raise ValueError(f"--freeze-layers needs a BERT-like encoder (embeddings + encoder.layer); "
                             f"this base is {type(encoder).__name__}")
        if not 0 < n < len(layers):
            raise ValueError(f"--freeze-layers must be between 1 and {len(layers) - 1} for this base "
                             f"({len(layers)} layers), got {n}")
        self.encoder, self.n, self.layers = encoder, n, layers
        self.fixed = [p for m in (encoder.embeddings, *layers[:n]) for p in m.parameters()]
        self.was_trainable = [p.requires_grad for p in self.fixed]
        for param in self.fixed:
            param.requires_grad_(False)

    def _skip(self, modules, forward):
        for module in modules:
            module.forward = forward

    def _unskip(self, modules):
        for module in modules:
            module.__dict__.pop("forward", None)

    def cached(self, batches: _Batches | None, batch_size: int = 64):
        """`batches` with each example's state after the lowest `n` layers (None stays None)."""
        import torch

        if batches is None:
            return None
        states: list = [None] * len(batches.ids)
        was_training = self.encoder.training
        self.encoder.eval()
        self._skip(self.layers[self.n:], lambda hidden_states, *a, **k: hidden_states)
        try:
            with torch.no_grad():
                for idx in batches.in_order(batch_size):
                    ids, mask, _ = batches.batch(idx)
                    out = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
                    for r, i in enumerate(idx):
                        states[i] = out[r, :len(batches.ids[i])].clone()
        finally:
            self._unskip(self.layers[self.n:])
            self.encoder.train(was_training)
        return _StateBatches(batches, states)

    def __enter__(self):
        # the encoder's "input_ids" are now the cached states (BertModel passes them to the
        # embeddings and builds the attention mask from the embeddings' output)
        self.encoder.embeddings.forward = lambda input_ids=None, **k: input_ids
        self._skip(self.layers[:self.n], lambda hidden_states, *a, **k: hidden_states)
        return self

    def __exit__(self, *exc):
        self._unskip((self.encoder.embeddings, *self.layers[:self.n]))
        for param, trainable in zip(self.fixed, self.was_trainable):
            param.requires_grad_(trainable)


def _centroid_head(network, batches: _Batches, n_labels: int, batch_size: int, per_class: int = 24):
    """Initialise the head at the centred, normalised mean sentence vector of each intent
    (at most `per_class` examples each), scaled so the logits start in a useful range."""
    import torch

    by_label: dict[int, list[int]] = {}
    for i, y in enumerate(batches.labels):
        by_label.setdefault(y, []).append(i)
    idx = [i for y in sorted(by_label) for i in by_label[y][:per_class]]
    vecs = []
    network.eval()
    with torch.inference_mode():
        for s in range(0, len(idx), batch_size):
            ids, mask, _ = batches.batch(idx[s:s + batch_size])
            vecs.append(network.embed(ids, mask))
    vecs = torch.cat(vecs)
    labels = torch.tensor([batches.labels[i] for i in idx])
    mu = vecs.mean(0)
    scale = 10.0 / (vecs - mu).norm(dim=1).mean().clamp(min=1e-6)
    w = torch.zeros((n_labels, vecs.shape[1]))
    for y in range(n_labels):
        if (labels == y).any():
            c = vecs[labels == y].mean(0) - mu
            w[y] = c / c.norm().clamp(min=1e-6)
    with torch.no_grad():
        network.classifier.weight.copy_(w * scale)
        network.classifier.bias.copy_(-(w * scale) @ mu)


def _evaluate(network, batches: _Batches, batch_size: int, scores: dict | None = None):
    """(accuracy, mean loss, predictions, confidences) on a batch source. With `scores`
    (a dict) and tags, the entity head's token-level entity F1 goes into scores["entity_f1"];
    with `scores`, the intent probabilities (an array, rows in the source's order) go into
    scores["probabilities"]: those of `_probabilities` for the same weights."""
    import numpy as np
    import torch

    from framework.nlu.model import intent_logits
    from framework.nlu.tagging import IGNORE, span_scores, token_spans

    network.eval()
    preds = [0] * len(batches.ids)
    confs = [0.0] * len(batches.ids)
    loss_sum = 0.0
    gold_spans, pred_spans = [], []
    probs = np.zeros((len(batches.ids), network.classifier.out_features), dtype=np.float32)
    with torch.inference_mode():
        for idx in batches.in_order(batch_size):
            ids, mask, y = batches.batch(idx)
            out = network(ids, mask)
            logits = intent_logits(out)
            if isinstance(out, tuple) and batches.tags is not None:
                gold = batches.tags_of(idx, ids.shape[1])
                pred = torch.where(gold == IGNORE, IGNORE, out[1].argmax(-1))
                for r in range(len(idx)):
                    if bool((gold[r] != IGNORE).any()):
                        gold_spans.append(token_spans(gold[r].tolist()))
                        pred_spans.append(token_spans(pred[r].tolist()))
            loss_sum += float(torch.nn.functional.cross_entropy(logits, y, reduction="sum"))
            p = torch.softmax(logits, -1)
            probs[idx] = p.numpy()
            c, k = p.max(-1)
            for r, i in enumerate(idx):
                preds[i], confs[i] = int(k[r]), float(c[r])
    n = max(len(batches.ids), 1)
    acc = sum(int(p == y) for p, y in zip(preds, batches.labels)) / n
    if scores is not None:
        scores["probabilities"] = probs
        if gold_spans:
            scores["entity_f1"] = span_scores(gold_spans, pred_spans)["f1"]
    return acc, loss_sum / n, preds, confs


def _encoder_groups(encoder, learning_rate: float, weight_decay: float, layer_decay: float = 1.0) -> list[dict]:
    """AdamW parameter groups of the encoder's trainable weights: no weight decay on biases and
    norms; with `layer_decay` < 1, layer i of L learns at learning_rate * decay^(L-i) and the
    embeddings (and anything outside the layers) at decay^(L+1), so the lower, more general
    layers move less (layer-wise learning-rate decay, as in ELECTRA and BEiT fine-tuning)."""
    import re

    no_decay = ("bias", "LayerNorm.weight", "layer_norm", "norm.weight")
    n_layers = int(getattr(encoder.config, "num_hidden_layers", 0) or 0)
    groups: dict[tuple, dict] = {}
    for name, param in encoder.named_parameters():
        if not param.requires_grad:
            continue
        depth = n_layers + 1  # the top: one rate for everything
        if layer_decay != 1.0:
            m = re.search(r"(?:^|\.)layers?\.(\d+)\.", name)
            depth = int(m.group(1)) + 1 if m else (n_layers + 1 if name.startswith(("pooler", "encoder.norm")) else 0)
        decay = 0.0 if any(k in name for k in no_decay) else weight_decay
        group = groups.setdefault((depth, decay), {
            "params": [], "weight_decay": decay,
            "lr": learning_rate * layer_decay ** max(0, n_layers + 1 - depth)})
        group["params"].append(param)
    return [groups[k] for k in sorted(groups, key=lambda k: (-k[0], -k[1]))]


def _batch_loss(network, ids, mask, y, tags, weights, args):
    """The training loss of one batch: weighted intent cross-entropy (with `label_smoothing`),
    plus the entity head's token loss where the batch has tags; with `rdrop` > 0 the batch goes
    through twice (two dropout masks, one forward pass of twice the rows), both passes' losses
    are averaged and rdrop x the symmetric KL divergence between their intent distributions is
    added (R-Drop, Liang et al. 2021)."""
    import torch

    F = torch.nn.functional
    rdrop = getattr(args, "rdrop", 0.0)
    smoothing = getattr(args, "label_smoothing", 0.0)
    if rdrop > 0:
        ids, mask, y = ids.repeat(2, *[1] * (ids.dim() - 1)), mask.repeat(2, 1), y.repeat(2)  # ids or states
        tags = tags.repeat(2, 1) if tags is not None else None
    out = network(ids, mask)
    logits = out[0] if isinstance(out, tuple) else out
    loss = F.cross_entropy(logits, y, weight=weights, label_smoothing=smoothing)
    if isinstance(out, tuple) and tags is not None and bool((tags != -100).any()):
        # joint model: + the entity (token) loss, only examples that teach the entity head
        loss = loss + F.cross_entropy(out[1].reshape(-1, out[1].shape[-1]), tags.reshape(-1), ignore_index=-100)
    if rdrop > 0:
        a, b = F.log_softmax(logits, -1).chunk(2)
        kl = (F.kl_div(a, b, log_target=True, reduction="batchmean")
              + F.kl_div(b, a, log_target=True, reduction="batchmean")) / 2
        loss = loss + rdrop * kl
    return loss


def fit(network, train: _Batches, valid: _Batches | None, n_labels: int, args, epochs: int,
        batch_size: int, early_stopping: bool = True, log=None, kept_probabilities: list | None = None):
    """Fine-tune `network` in place; returns a history dict. With `valid` and
    `early_stopping`, the weights of the best validation epoch are restored at the end, and
    `kept_probabilities` (a list) then holds that epoch's intent probabilities of `valid`
    (what `_probabilities` would compute again from the restored weights; empty when the
    last epoch's weights are kept)."""
    import torch
    from tqdm.auto import tqdm

    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    counts = torch.bincount(torch.tensor(train.labels), minlength=n_labels).float().clamp(min=1)
    if args.class_weights == "none":
        weights = torch.ones(n_labels)
    else:
        weights = counts.pow(-0.5 if args.class_weights == "sqrt" else -1.0)
        weights = weights / (weights * counts).sum() * counts.sum()  # mean weight per example = 1
    extra, sync, restore = [], (lambda: None), (lambda: None)
    frozen = contextlib.nullcontext()
    if getattr(args, "freeze_layers", 0):  # the embeddings and the lowest layers: fixed, run once
        frozen = _FrozenBottom(network.encoder, args.freeze_layers)
        train, valid = frozen.cached(train, batch_size * 2), frozen.cached(valid, batch_size * 2)
    elif args.freeze_embeddings:
        extra, sync, restore = _freeze_base_embeddings(network.encoder)
    groups = _encoder_groups(network.encoder, args.learning_rate, args.weight_decay,
                             getattr(args, "layer_decay", 1.0))
    groups.append({"params": list(network.classifier.parameters()), "lr": args.head_learning_rate,
                   "weight_decay": 0.0})
    tagger = getattr(network, "tagger", None)
    if tagger is not None:  # the entity head learns at the intent head's rate unless told otherwise
        lr = getattr(args, "entity_learning_rate", 0.0) or args.head_learning_rate
        groups.append({"params": list(tagger.parameters()), "lr": lr, "weight_decay": 0.0})
    if extra:  # new tokens' embeddings start from nothing: they learn faster than the encoder
        groups.append({"params": extra, "lr": args.new_token_learning_rate, "weight_decay": 0.0})
    # fused: one kernel for all the weights' update; torch's CPU default is a Python loop of
    # ~10 small ops per tensor, a fifth of a MiniLM step (BENCHMARKS.md, issue 11 item 4)
    optimizer = torch.optim.AdamW([g for g in groups if g["params"]], fused=True)
    steps_per_epoch = math.ceil(len(train.ids) / batch_size)
    total = max(1, steps_per_epoch * epochs)
    warmup = int(total * args.warmup_ratio)

    def lr_factor(step):
        if step < warmup:
            return (step + 1) / (warmup + 1)
        return max(0.0, (total - step) / max(1, total - warmup))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)

    autocast = training_autocast(getattr(args, "bf16", "auto"))
    history = {"epochs": [], "best_epoch": epochs, "stopped": "max epochs"}
    min_epochs = min(getattr(args, "min_epochs", 0), epochs)
    best = ((-1.0,), float("inf"))
    best_state = None
    bad = 0
    start = time.time()
    bar = tqdm(total=total, disable=not args.progress, unit="step", dynamic_ncols=True,
               desc=("training (stops when held-out accuracy stops improving)"
                     if valid is not None and valid.ids and early_stopping else "training the final model (every example)"))
    step = 0
    loss_ema = None
    last_val: dict = {}
    with frozen:
        for epoch in range(1, epochs + 1):
            network.train()
            for idx in train.epoch(batch_size, rng, args.bucket):
                ids, mask, y = train.batch(idx)
                tags = train.tags_of(idx, ids.shape[1]) if train.tags is not None else None
                with autocast:
                    loss = _batch_loss(network, ids, mask, y, tags, weights, args)
                loss.backward()
                torch.nn.utils.clip_grad_norm_([p for g in groups for p in g["params"]], 1.0)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
                step += 1
                loss_ema = loss.item() if loss_ema is None else 0.9 * loss_ema + 0.1 * loss.item()
                bar.update(1)
                bar.set_postfix(epoch=epoch, loss=f"{loss_ema:.3f}", **last_val, refresh=False)
            record = {"epoch": epoch, "train_loss": loss_ema, "seconds": round(time.time() - start, 1)}
            if valid is not None and valid.ids:
                scores: dict = {}
                acc, vloss, _, _ = _evaluate(network, valid, batch_size * 2, scores)
                record.update(valid_accuracy=acc, valid_loss=vloss)
                last_val = {"val_acc": f"{acc:.3f}"}
                score = epoch_score(acc, scores.get("entity_f1"), getattr(args, "epoch_choice", "joint"))
                if "entity_f1" in scores:
                    record["valid_entity_f1"] = scores["entity_f1"]
                    last_val["val_f1"] = f"{scores['entity_f1']:.3f}"
                bar.set_postfix(epoch=epoch, loss=f"{loss_ema:.3f}", **last_val)
                if epoch < min_epochs:  # too early to be the best epoch or to count against patience
                    pass
                elif (score, -vloss) > (best[0], -best[1]):
                    best, bad = (score, vloss), 0
                    history["best_epoch"] = epoch
                    if early_stopping:
                        sync()
                        best_state = copy.deepcopy(network.state_dict())
                        if kept_probabilities is not None:
                            kept_probabilities[:] = [scores["probabilities"]]
                else:
                    bad += 1
            history["epochs"].append(record)
            if log:
                log(record)
            if valid is not None and early_stopping and bad >= args.patience:
                history["stopped"] = f"early stopping after epoch {epoch}"
                break
            if args.max_minutes and time.time() - start > args.max_minutes * 60:
                history["stopped"] = f"time limit after epoch {epoch}"
                break
        bar.close()
    restore()
    if best_state is not None:
        network.load_state_dict(best_state)
    elif kept_probabilities is not None:
        kept_probabilities.clear()
    history["train_seconds"] = round(time.time() - start, 1)
    network.eval()
    return history


def epoch_score(accuracy: float, entity_f1: float | None, choice: str = "joint") -> tuple:
    """How a validation epoch ranks, higher first: intent accuracy alone without entities; with
    them the mean of accuracy and entity F1 (joint), or the accuracy with the F1 breaking ties
    (intent: the intent is what fails on fresh messages, and the F1 still rises after it peaks)."""
    if entity_f1 is None:
        return (accuracy,)
    return (accuracy, entity_f1) if choice == "intent" else ((accuracy + entity_f1) / 2,)


def bf16_native() -> bool:
    """Whether this CPU computes bfloat16 natively (oneDNN's own test: AVX512-BF16 or AMX);
    elsewhere autocast would emulate it, slower than float32."""
    import torch

    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def uses_bf16(bf16: str) -> bool:
    """Whether `--bf16 bf16` trains in bfloat16 autocast on this CPU."""
    return bf16 == "on" or (bf16 == "auto" and bf16_native())


def training_autocast(bf16: str):
    """The context of a training step's forward pass: bfloat16 autocast for `bf16` "on", or
    "auto" on a CPU with native bfloat16; else nothing. The weights, gradients and AdamW stay
    float32 (autocast casts per operation)."""
    import contextlib

    import torch

    if uses_bf16(bf16):
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def stratified_folds(examples: Sequence[LabelledText], k: int, seed: int) -> list[list[LabelledText]]:
    """K folds with each intent's examples dealt round-robin after a seeded shuffle."""
    rng = random.Random(seed)
    by_intent: dict[str, list] = {}
    for e in examples:
        by_intent.setdefault(e.intent, []).append(e)
    folds: list[list[LabelledText]] = [[] for _ in range(k)]
    offset = 0
    for intent in sorted(by_intent):
        items = by_intent[intent][:]
        rng.shuffle(items)
        for i, e in enumerate(items):
            folds[(i + offset) % k].append(e)
        offset += len(items)
    return folds


def auto_epochs(n: int, batch_size: int) -> int:
    """Enough passes for about 400 optimiser steps, between 4 and 30 epochs."""
    return int(min(30, max(4, math.ceil(400 / math.ceil(n / batch_size)))))


def threshold_from_folds(examples: Sequence[LabelledText], valid, folds_k: int) -> bool:
    """True when the threshold comes from K folds' pooled out-of-fold predictions: no
    validation file, K >= 2 and enough examples for K folds, whatever their number."""
    return valid is None and folds_k >= 2 and len(examples) >= 2 * folds_k and min(class_counts(examples).values()) >= 1


def train_and_save(encoder, tokenizer, examples: Sequence[LabelledText], out_dir, *, model_args, train_args,
                   valid: Sequence[LabelledText] | None = None, validation_fraction: float = 0.1,
                   out_of_scope: str | None = None,
                   intent_fingerprint: str | None = None, name: str = "model", extra_meta: dict | None = None,
                   report_int8: bool = False, oos_data: Sequence[str] = ()) -> dict:
    """Everything after loading the base model: split, extend the vocabulary, fit, choose
    the threshold, evaluate and write the artifact. Returns its metadata.

    The fallback threshold (docs: README, "Training"): without a validation file and with
    `threshold_folds` K >= 2, K models are trained on stratified folds, each predicting its
    held-out fold (and the `oos_data` messages); the pooled out-of-fold predictions over
    *every* training example, with the out-of-scope intent's examples and `oos_data` as
    negatives, give it (`metrics.pooled_threshold`: the mean log-odds of the lowest 8% of the
    correct in-scope confidences; the negatives' recall there is recorded). The
    final model is then trained on everything for the folds' median best epoch count.
    A validation file, or K < 2, uses the validation split instead."""
    import numpy as np
    import torch

    from framework.nlu import metrics, vocabulary
    from framework.nlu.model import build_network, default_threads, save_artifact
    from framework.nlu.parallel_folds import FoldProcesses, fold_bar, fold_processes, threads_when_done, without_progress

    threads = train_args.threads or default_threads()
    torch.set_num_threads(threads)
    random.seed(train_args.seed)
    np.random.seed(train_args.seed)
    torch.manual_seed(train_args.seed)
    examples = dedupe(examples)
    labels = sorted({e.intent for e in examples})
    label_index = {n: i for i, n in enumerate(labels)}
    oos_label = out_of_scope if out_of_scope in label_index else None

    # --- split: K folds (no validation file), validation file, or stratified split ----------
    folds_k = train_args.threshold_folds
    # Folds whenever no validation file is given, whatever the size: a size cut-off (1000
    # examples until session 14) switched a domain that grew past it to a 10% split with no
    # refit, a different threshold rule and a final model on 90% of the data (issue 7 item 3).
    no_valid_file = valid is None
    use_folds = threshold_from_folds(examples, valid, folds_k)
    if use_folds:
        train, valid = list(examples), []
    elif valid is None:
        fraction = validation_fraction if len(examples) >= SMALL_DATA else max(validation_fraction, 0.2)
        train, valid = stratified_split(examples, fraction, train_args.seed)
    else:
        train = list(examples)
        valid = [v for v in valid if v.intent in label_index] + [v for v in valid if v.intent not in label_index]
    # --- vocabulary: CJK characters the base vocabulary lacks -----------------------------
    from framework.nlu.text_prefix import unwrap

    texts = [e.text for e in examples]
    raw_tokenizer = unwrap(tokenizer)  # the texts as given (the base's prefix is no vocabulary question)
    unk_before = vocabulary.unk_share(raw_tokenizer, texts)
    added, symbols = [], []
    encoder._dialog_base_vocab = len(raw_tokenizer)
    if model_args.extend_vocab in ("auto", "emoji"):
        added = vocabulary.missing_cjk_chars(raw_tokenizer, texts)
        vocabulary.add_tokens(raw_tokenizer, encoder, added)
    if model_args.extend_vocab == "emoji":
        # not the default: on banking_en's fresh_test_50 / 51 (three seeds each, BENCHMARKS.md session 39) in scope
        # +0.8 / +0.3, confidently wrong +1.6 / +0.1: "🙋" (HAPPY PERSON RAISING ONE HAND) read as human_agent 0.97, "💯"
        # as inform; the default gives a message of unknown tokens only an even ranking (below any threshold)
        symbols = vocabulary.missing_symbols(raw_tokenizer)
        vocabulary.add_named_tokens(raw_tokenizer, encoder, symbols)
    unk_after = vocabulary.unk_share(raw_tokenizer, texts) if added else unk_before
    # --- entities: a token-classification head when any example is annotated ---------------
    from framework.nlu import joint, tagging

    ent_labels = joint.entity_labels(examples) if getattr(model_args, "entities", "auto") != "off" else []

    def encode(items):
        intents = [label_index.get(t.intent, -1) for t in items]
        if ent_labels:
            ids, tags = joint.encode_with_tags(tokenizer, items, ent_labels, model_args.max_length)
            return _Batches(ids, intents, tokenizer.pad_token_id or 0, tags)
        ids = tokenizer([t.text for t in items], truncation=True, max_length=model_args.max_length)["input_ids"]
        return _Batches(ids, intents, tokenizer.pad_token_id or 0)

    min_chars = joint.entity_min_chars(examples) if ent_labels else {}

    def spans_of(items):  # read as the served model reads them
        return joint.predict_spans(network, tokenizer, [t.text for t in items], ent_labels, model_args.max_length,
                                   batch_size * 2, min_chars=min_chars)

    batch_size = train_args.batch_size or (16 if len(train) < BATCH_16_BELOW else 32)
    initial_state = copy.deepcopy(encoder.state_dict()) if no_valid_file else None
    network = build_network(encoder, len(labels), pooling=model_args.pooling,
                            num_tags=len(tagging.tag_names(ent_labels)) if ent_labels else 0)
    head_init = copy.deepcopy(network.classifier.state_dict())
    tagger_init = copy.deepcopy(network.tagger.state_dict()) if ent_labels else None
    held_spans: list = []  # (examples, their predicted spans) held out from training: entity report

    def reset_heads():
        network.classifier.load_state_dict(head_init)
        if tagger_init is not None:
            network.tagger.load_state_dict(tagger_init)

    def train_final(epochs, runner=None, threads_after=1):
        """The final model: every example, `epochs` epochs; with `runner` (folds still in their
        processes) it reads their news each epoch and takes all `threads_after` threads once
        they are done."""
        encoder.load_state_dict(initial_state)
        reset_heads()
        if train_args.head_init == "centroid":
            _centroid_head(network, encode(examples), len(labels), batch_size * 2)
        out = fit(network, encode(examples), None, len(labels), train_args, epochs, batch_size,
                  log=None if runner is None else lambda record: threads_when_done(runner, threads_after))
        out["epochs_used"] = epochs
        return out

    negatives_label = oos_label or "__out_of_scope__"
    report, threshold_info = None, {"threshold": None, "method": "none (no validation data)"}

    def judge(gold, probs, extra_probs, data_name, items, pooled=False):
        """Report and threshold from predictions `probs` of `items` (+ oos_data's `extra_probs`)."""
        pred = [labels[int(k)] for k in probs.argmax(1)] + [labels[int(k)] for k in extra_probs.argmax(1)]
        conf = [float(c) for c in probs.max(1)] + [float(c) for c in extra_probs.max(1)]
        gold = list(gold) + [negatives_label] * len(extra_probs)
        rep = metrics.classification_report(gold[:len(items)], pred[:len(items)], labels)
        negatives = negatives_label if (oos_label or len(extra_probs)) else None
        info = (metrics.pooled_threshold(gold, pred, conf, negatives) if pooled
                else metrics.choose_threshold(gold, pred, conf, negatives))
        info.update(data=data_name, negatives=sum(g == negatives_label for g in gold))
        rep["threshold"] = info
        rep["scope"] = metrics.scope_metrics(gold, pred, conf, info["threshold"], negatives_label)
        rep["misclassified"] = [{"text": v.text, "gold": g, "predicted": p, "confidence": round(c, 4)}
                                for v, g, p, c in zip(items, gold, pred, conf) if g != p][:100]
        return rep, info

    oos_batches = _Batches(tokenizer(list(oos_data), truncation=True, max_length=model_args.max_length)["input_ids"]
                           if oos_data else [], [-1] * len(oos_data), tokenizer.pad_token_id or 0)
    no_probs = np.zeros((0, len(labels)), dtype=np.float32)
    refit, fold_histories = None, []
    if use_folds:
        # --- K models on K folds: out-of-fold predictions for every example ------------------
        # (in parallel processes when 2 CPUs are free, the final model starting as soon as the
        # folds fix its epoch count: framework.nlu.parallel_folds)
        folds = stratified_folds(examples, folds_k, train_args.seed)
        oof = np.zeros((len(examples), len(labels)), dtype=np.float32)
        index = {id(e): i for i, e in enumerate(examples)}
        extra = []
        fold_epochs = [train_args.epochs or auto_epochs(len(examples) - len(held), batch_size) for held in folds]

        def run_fold(k, log=None):
            held_ids = {id(e) for e in folds[k]}
            fold_train = [e for e in examples if id(e) not in held_ids]
            encoder.load_state_dict(initial_state)
            reset_heads()
            fold_b, held_b = encode(fold_train), encode(folds[k])
            if train_args.head_init == "centroid":
                _centroid_head(network, fold_b, len(labels), batch_size * 2)
            args = train_args if processes == 0 else without_progress(train_args)
            kept: list = []  # the best epoch's held-out probabilities: no second pass over the fold
            history = fit(network, fold_b, held_b, len(labels), args, fold_epochs[k], batch_size, log=log,
                          kept_probabilities=kept)
            return (history, kept[0] if kept else _probabilities(network, held_b, batch_size * 2),
                    spans_of(folds[k]) if ent_labels else None,
                    _probabilities(network, oos_batches, batch_size * 2) if oos_data else None)
        processes = fold_processes(folds_k, threads, getattr(train_args, "fold_processes", 0),
                                   sum(p.numel() * p.element_size() for p in encoder.parameters()))
        with FoldProcesses(run_fold, folds_k, processes, patience=train_args.patience, max_epochs=fold_epochs,
                           on_epoch=fold_bar(train_args, folds_k, processes, sum(fold_epochs))) as runner:
            if processes:  # the final model trains here while the last folds finish
                torch.set_num_threads(1)
                refit = train_final(max(runner.median_best_epoch(), 2), runner, threads)
            outcomes = runner.results()
        torch.set_num_threads(threads)
        for k, (fold_history, probs, spans, oos_probs) in enumerate(outcomes):
            fold_histories.append(fold_history)
            oof[[index[id(e)] for e in folds[k]]] = probs
            if ent_labels:
                held_spans.append((folds[k], spans))
            if oos_data:
                extra.append(oos_probs)
        report, threshold_info = judge([e.intent for e in examples], oof, np.concatenate(extra) if extra else no_probs,
                                       f"out-of-fold predictions of {folds_k} models (every training example)",
                                       examples, pooled=True)
        report["predictions"] = [[e.intent, labels[int(k)], round(float(c), 4)]  # gold, predicted, confidence
                                 for e, k, c in zip(examples, oof.argmax(1), oof.max(1))]
        best_epoch = int(np.median([h["best_epoch"] for h in fold_histories]))
        history = {"folds": fold_histories, "best_epoch": best_epoch,
                   "train_seconds": round(sum(h["train_seconds"] for h in fold_histories), 1)}
        epochs = train_args.epochs or auto_epochs(len(examples), batch_size)
    else:
        epochs = train_args.epochs or auto_epochs(len(train), batch_size)
        train_b = encode(train)
        known_valid = [v for v in valid if v.intent in label_index]
        valid_b = encode(known_valid) if known_valid else None
        if train_args.head_init == "centroid":
            _centroid_head(network, train_b, len(labels), batch_size * 2)
        history = fit(network, train_b, valid_b, len(labels), train_args, epochs, batch_size)
        # --- validation report and threshold (before any refit: these examples were unseen) ---
        if valid:
            probs = _probabilities(network, encode(valid), batch_size * 2)
            extra_probs = _probabilities(network, oos_batches, batch_size * 2) if oos_data else no_probs
            report, threshold_info = judge([v.intent for v in valid], probs, extra_probs,
                                           "validation split (held out from training)", valid)
            if ent_labels:
                held_spans.append((valid, spans_of(valid)))
    # --- no validation file: refit on every example for the epochs that validated best ------
    # (a final model trained beside the folds is kept when its epoch count is the rule's)
    if initial_state is not None and (use_folds or valid) and (refit is None or
                                                               refit["epochs_used"] != max(history["best_epoch"], 2)):
        refit = train_final(max(history["best_epoch"], 2))
    if threshold_info["threshold"] is None:
        threshold_info = {"threshold": round(min(0.6, 2.0 / max(len(labels), 2)), 4) if len(labels) > 1 else 0.0,
                          "method": "default: 2 / number of intents (no validation data)"}

    # --- entity report and threshold, from the same held-out predictions as the intents' ----
    entity_info: dict = {}
    if ent_labels:
        held_examples = [e for items, _ in held_spans for e in items]
        entity_report = joint.entity_report(held_examples, [p for _, ps in held_spans for p in ps])
        judged = entity_report.pop("judged")
        entity_info = tagging.choose_entity_threshold([ok for ok, _ in judged], [c for _, c in judged])
        if entity_info["threshold"] is None:
            entity_info = {"threshold": 0.5, "method": "default 0.5 (no held-out entity predictions)"}
        entity_info["data"] = threshold_info.get("data")
        if report is not None:
            report["entities"] = entity_report
    train_counts = class_counts(train if initial_state is None else examples)
    fingerprint = intent_fingerprint or _fingerprint(labels)
    model_id = f"{name}-{time.strftime('%Y%m%d%H%M%S')}-{fingerprint[:8]}"
    metrics_out = {
        "train_examples": len(train if initial_state is None else examples),
        "validation_examples": len(examples) if use_folds else len(valid),
        "validation_accuracy": report["accuracy"] if report else None,
        "validation_macro_f1": report["macro_f1"] if report else None,
        "unk_share_before": unk_before, "unk_share_after": unk_after, "added_tokens": len(added),
        "added_symbols": len(symbols),
        "train_seconds": history["train_seconds"] + (refit["train_seconds"] if refit else 0.0),
        "history": history, "refit": refit, "class_counts": dict(train_counts),
    }
    if ent_labels and report is not None:
        metrics_out["validation_entity_f1"] = report["entities"]["f1"]
    meta = {
        "model_id": model_id, "name": name, "intent_fingerprint": fingerprint,
        "threshold": threshold_info["threshold"], "threshold_info": threshold_info,
        "out_of_scope": out_of_scope if out_of_scope in label_index else None,
        "pooling": model_args.pooling, "max_length": model_args.max_length,
        # put before every text by the tokenizer, training and serving (framework.nlu.text_prefix)
        "text_prefix": getattr(tokenizer, "prefix", ""),
        # entity head (absent: an intent-only model): labels (framework.nlu.tagging), BIO tags
        **({"entity_labels": ent_labels, "entity_scheme": "BIO", "entity_decoder": "constrained",
            "entity_min_chars": min_chars, "entity_threshold": entity_info["threshold"],
            "entity_threshold_info": entity_info} if ent_labels else {}),
        "added_tokens": added[:50] + (["..."] if len(added) > 50 else []),
        "training_args": {"model": _asdict(model_args), "training": _asdict(train_args),
                          "epochs": epochs, "batch_size": batch_size, **(extra_meta or {})},
        "metrics": metrics_out, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    out_dir = Path(out_dir)
    save_artifact(out_dir, network, raw_tokenizer, labels, meta)
    if report is not None:
        from framework.nlu.report import write_report

        report["model_id"] = model_id
        report["data"] = threshold_info.get("data", "validation split (held out from training)")
        report["base_model"] = (extra_meta or {}).get("base_model_info")
        write_report(report, out_dir / "evaluation", confusion_png=len(labels) <= 80)
        from framework.compile.diagram import NO_CJK_FONT

        for note in report.get("notes", []):
            if NO_CJK_FONT in note:  # the one line instead of matplotlib's one per glyph
                print(note, file=sys.stderr)
    return {"labels": labels, "threshold": threshold_info["threshold"], "metrics": metrics_out,
            "entity_labels": ent_labels, "entity_threshold": entity_info.get("threshold"),
            "model_id": model_id, "out_dir": str(out_dir), "report": report}


def _probabilities(network, batches: _Batches, batch_size: int):
    import numpy as np
    import torch

    from framework.nlu.model import intent_logits

    out = np.zeros((len(batches.ids), network.classifier.out_features), dtype=np.float32)
    network.eval()
    with torch.inference_mode():
        for idx in batches.in_order(batch_size):
            ids, mask, _ = batches.batch(idx)
            out[idx] = torch.softmax(intent_logits(network(ids, mask)), -1).numpy()
    return out


def _fingerprint(labels):
    return intent_fingerprint(labels)


def _asdict(obj):
    import dataclasses

    return dataclasses.asdict(obj) if dataclasses.is_dataclass(obj) else dict(vars(obj))
