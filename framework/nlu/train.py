"""`dialog train DOMAIN` / `python train.py DOMAIN`: fine-tune the intent classifier.

One linear `main()`: read arguments -> gather data -> split -> load base model (and extend
its vocabulary for uncovered CJK characters) -> fine-tune with early stopping -> choose the
fallback threshold -> evaluate -> save the artifact. torch and transformers are imported
only after the arguments are parsed, so `--help` stays instant.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class DataArguments:
    """What to learn from and where the model goes."""

    domain: str | None = field(default=None, metadata={
        "positional": True, "help": "domain directory whose intents (and their examples) are learnt"})
    data: list[str] = field(default_factory=list, metadata={
        "help": "extra training data: CSV (text,intent), JSONL {\"text\",\"intent\"} or Rasa nlu.yml; repeatable"})
    valid_data: str | None = field(default=None, metadata={
        "help": "validation file (same formats); default: a stratified split of the training data"})
    out: str | None = field(default=None, metadata={
        "help": "output directory (default: models/<domain name>/)"})
    validation_fraction: float = field(default=0.1, metadata={
        "help": "share of each intent held out for early stopping and the threshold (at most 2000 examples)"})
    out_of_scope: str | None = field(default=None, metadata={
        "help": "the out-of-scope intent (default: the domain's global out_of_scope intent)"})
    oos_data: str | None = field(default=None, metadata={
        "help": "extra out-of-scope messages (text per line, or CSV/JSONL/Rasa with any intent): negatives for "
                "the fallback threshold only, never trained on"})


@dataclass
class ModelArguments:
    """The base encoder and how utterances reach it."""

    base_model: str | None = field(default=None, metadata={
        "help": "built-in name (minilm, multilingual-e5-small, multilingual-e5-small-zh), local Hugging Face model "
                "folder or Hub id (default: minilm for English, multilingual-e5-small-zh, the vocabulary pruned to "
                "Chinese and ASCII pieces, for Chinese, multilingual-e5-small for any other language)"})
    pooling: str = field(default="mean", metadata={
        "choices": ["mean", "cls"], "help": "sentence vector: mean of token states, or the [CLS] state"})
    max_length: int = field(default=64, metadata={"help": "tokens per utterance (longer ones are cut)"})
    text_prefix: str = field(default="none", metadata={
        "choices": ["auto", "none"],
        "help": "auto: put the base model's own prefix before every text, in training and serving (\"query: \" "
                "for the e5 bases, which were pre-trained that way; nothing for the others); none: never "
                "(the default: two sets of cross-validation folds showed no gain, BENCHMARKS.md)"})
    extend_vocab: str = field(default="auto", metadata={
        "choices": ["auto", "emoji", "off"],
        "help": "auto: add CJK characters of the training data the base vocabulary maps to [UNK] as new tokens; "
                "emoji: those and every emoji the base vocabulary maps to [UNK] (each starting at the mean of its "
                "Unicode name's words: CROSS MARK; measured, not the default: BENCHMARKS.md session 39)"})
    entities: str = field(default="auto", metadata={
        "choices": ["auto", "off"],
        "help": "auto: learn the annotated entities ([Paris](city)) with a token-classification head trained "
                "jointly with the intents (only when some example is annotated); off: intents only"})


@dataclass
class TrainingArguments:
    """Optimisation; the defaults need no tuning from 5 examples per intent to tens of thousands."""

    epochs: int = field(default=0, metadata={
        "help": "maximum epochs; 0 = auto (more for small data, early stopping ends sooner)"})
    batch_size: int = field(default=0, metadata={"help": "0 = auto (16 below 4000 examples, else 32)"})
    learning_rate: float = field(default=1e-4, metadata={"help": "peak learning rate of the encoder"})
    head_learning_rate: float = field(default=2e-3, metadata={"help": "peak learning rate of the classification head"})
    entity_learning_rate: float = field(default=0.0, metadata={
        "help": "peak learning rate of the entity (token-classification) head; 0 = the head learning rate "
                "(1e-2 gave CAIS +1.8 valid slot F1, SNIPS +0.1, both 2 utterances fewer intents: BENCHMARKS.md)"})
    new_token_learning_rate: float = field(default=2e-3, metadata={
        "help": "peak learning rate of the embeddings of tokens added for the domain's language"})
    warmup_ratio: float = field(default=0.06, metadata={"help": "share of steps with a linear warm-up"})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay (not on biases/LayerNorm)"})
    patience: int = field(default=2, metadata={"help": "stop after this many epochs without a better validation score"})
    min_epochs: int = field(default=0, metadata={
        "help": "no early stopping, and no best epoch (the refit's epoch count), before this epoch; 0 = none"})
    epoch_choice: str = field(default="joint", metadata={
        "choices": ["joint", "intent"],
        "help": "with entities, the best validation epoch by the mean of intent accuracy and entity F1 (joint), "
                "or by intent accuracy with the entity F1 breaking ties (intent); without entities: intent accuracy"})
    label_smoothing: float = field(default=0.0, metadata={
        "help": "intent loss: share of the target spread over the other intents (0 = plain cross-entropy)"})
    rdrop: float = field(default=0.0, metadata={
        "help": "R-Drop: weight of the symmetric KL divergence between the intent distributions of two dropout "
                "passes over each batch (0 = off; on: about twice the training compute)"})
    layer_decay: float = field(default=1.0, metadata={
        "help": "layer-wise learning-rate decay: encoder layer i of L learns at learning_rate * decay^(L-i), "
                "the embeddings at decay^(L+1) (1 = one rate for the whole encoder)"})
    class_weights: str = field(default="sqrt", metadata={
        "choices": ["sqrt", "balanced", "none"],
        "help": "loss weight per intent: inverse square root of its frequency, inverse frequency, or equal"})
    freeze_layers: int = field(default=0, metadata={
        "help": "keep the embeddings and the lowest N encoder layers fixed: their output is computed once per "
                "example and every training step runs only the layers above (0 = train every layer, the "
                "default). Faster, less accurate: banking_en 3 of 6 layers 44 s instead of 82-125 s, telecom_zh "
                "9 of 12 0.43x the CPU, at 0.7-1.1 points of in-scope accuracy on the dev files (BENCHMARKS.md)"})
    freeze_embeddings: bool = field(default=True, metadata={
        "help": "keep the base model's word embeddings fixed (faster; new CJK tokens are still trained)"})
    head_init: str = field(default="centroid", metadata={
        "choices": ["centroid", "random"],
        "help": "start the head at each intent's mean sentence vector, or at random"})
    bucket: bool = field(default=True, metadata={"help": "batch utterances of similar length (less padding)"})
    bf16: str = field(default="auto", metadata={
        "choices": ["auto", "on", "off"],
        "help": "training steps' forward pass in bfloat16 autocast, the weights and their updates in float32 "
                "(auto: where the CPU computes bfloat16 natively, AVX512-BF16 or AMX; evaluation stays float32). "
                "Measured over 3 seeds: the same accuracy and threshold spread, 0.58x (telecom_zh) and 0.77x "
                "(banking_en) the training CPU time (BENCHMARKS.md)"})
    max_minutes: float = field(default=0.0, metadata={"help": "stop training after this many minutes (0 = no limit)"})
    threads: int = field(default=0, metadata={"help": "torch threads (0 = $DIALOG_NLU_THREADS or the CPU count)"})
    threshold_folds: int = field(default=3, metadata={
        "help": "K: the threshold comes from out-of-fold predictions of K models over all training examples "
                "(whatever their number, unless a validation file is given); 0 = validation split"})
    fold_processes: int = field(default=0, metadata={
        "help": "threshold models trained at once, each in its own process with one thread, the final model "
                "starting beside the last ones; 0 = auto: all K when 2 or more CPUs are free (--threads), else "
                "one after another in this process; 1 = one after another"})
    onnx: bool = field(default=True, metadata={
        "help": "after training, make and check model.onnx (the network through ONNX Runtime, int8 weights), "
                "which `serve` runs by default when its check passed: a worker then imports no torch (ready in "
                "~1.8 s instead of ~4, 140-240 MB instead of 310-380 MB; BENCHMARKS.md). Costs ~15 s (MiniLM) "
                "to ~60 s (multilingual) more; needs onnxruntime and onnx"})
    seed: int = field(default=13, metadata={"help": "random seed (split, initialisation, batches)"})
    progress: bool = field(default=True, metadata={"help": "show a progress bar"})


ARGUMENT_GROUPS = (DataArguments, ModelArguments, TrainingArguments)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dialog train", description="Fine-tune the transformer intent classifier on a domain's intents.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    for cls in ARGUMENT_GROUPS:
        group = parser.add_argument_group(cls.__name__, cls.__doc__)
        for f in dataclasses.fields(cls):
            kw = {"help": f.metadata.get("help", "")}
            if "choices" in f.metadata:
                kw["choices"] = f.metadata["choices"]
            if f.metadata.get("positional"):
                group.add_argument(f.name, nargs="?", default=None, **kw)
                continue
            flag = "--" + f.name.replace("_", "-")
            if f.type in ("bool", bool):
                group.add_argument(flag, default=f.default, action=argparse.BooleanOptionalAction, **kw)
            elif f.name == "data":
                group.add_argument(flag, action="append", default=[], metavar="FILE", **kw)
            else:
                caster = {"int": int, "float": float}.get(str(f.type), str)
                group.add_argument(flag, type=caster, default=f.default, **kw)
    return parser


def parse_args(argv):
    ns = build_parser().parse_args(argv)
    return tuple(cls(**{f.name: getattr(ns, f.name) for f in dataclasses.fields(cls)}) for cls in ARGUMENT_GROUPS)


def main(argv: list[str] | None = None) -> int:
    data_args, model_args, train_args = parse_args(sys.argv[1:] if argv is None else argv)
    from framework.nlu import data as nlu_data

    # --- gather the training data -------------------------------------------------------
    assistant = None
    examples: list = []
    if data_args.domain:
        try:
            from framework.spec import load_assistant
        except ImportError:
            print("dialog train: framework.spec.load_assistant is not available yet", file=sys.stderr)
            return 1
        try:
            assistant = load_assistant(data_args.domain)
        except Exception as e:  # SpecErrors: the user-facing text is str(e)
            print(str(e), file=sys.stderr)
            return 2
        examples += nlu_data.from_assistant(assistant)
    try:
        for path in data_args.data:
            examples += nlu_data.read_data_file(path)
        valid = nlu_data.read_data_file(data_args.valid_data) if data_args.valid_data else None
        oos_data = nlu_data.read_oos_file(data_args.oos_data) if data_args.oos_data else []
    except nlu_data.DataFormatError as e:
        print(f"dialog train: {e}", file=sys.stderr)
        return 2
    if not examples:
        print("dialog train: no training examples (give a DOMAIN and/or --data FILE)", file=sys.stderr)
        return 2
    if assistant is not None:
        unknown = sorted({e.intent for e in examples} - set(assistant.intents))
        if unknown:
            print(f"dialog train: --data has intents the domain does not declare: {', '.join(unknown)}", file=sys.stderr)
            return 2
    out_dir = Path(data_args.out) if data_args.out else None
    if out_dir is None:
        if not data_args.domain:
            print("dialog train: give --out DIR when training without a domain", file=sys.stderr)
            return 2
        from framework.nlu import default_model_dir
        out_dir = default_model_dir(data_args.domain)
    oos = data_args.out_of_scope
    if oos is None and assistant is not None and assistant.behaviours.out_of_scope.intents:
        oos = assistant.behaviours.out_of_scope.intents[0]

    # --- base model: named, or the domain language's default ----------------------------
    from framework.nlu.base_models import BaseModelError, resolve

    language = assistant.language if assistant is not None else None
    try:
        base = resolve(model_args.base_model, language)
    except BaseModelError as e:
        print(f"dialog train: {e}", file=sys.stderr)
        return 2
    print(f"base model: {base.name} ({base.source})" + (f", default for language {language!r}"
                                                         if not model_args.base_model and language else ""))

    # --- threads: the CPUs free now (framework.nlu.threads), unless given -----------------
    from framework.nlu.threads import available_cpus, default_threads

    if not train_args.threads:
        train_args.threads = default_threads()
        print(f"threads: {train_args.threads} (of {available_cpus()} CPUs; OMP_WAIT_POLICY="
              f"{os.environ.get('OMP_WAIT_POLICY', 'unset')})")

    # --- train, evaluate, save ------------------------------------------------------------
    from framework.nlu.fit import load_base_model, train_and_save, uses_bf16

    print("training steps: " + ("bfloat16 autocast (weights float32)" if uses_bf16(train_args.bf16)
                                else "float32") + f" (--bf16 {train_args.bf16})"
          + (f"; embeddings and the lowest {train_args.freeze_layers} layers fixed (--freeze-layers)"
             if train_args.freeze_layers else ""))

    t0 = time.time()
    encoder, tokenizer = load_base_model(str(base.path), text_prefix=model_args.text_prefix == "auto")
    fingerprint = assistant.intent_fingerprint if assistant is not None else None
    result = train_and_save(
        encoder, tokenizer, examples, out_dir, model_args=model_args, train_args=train_args,
        valid=valid, validation_fraction=data_args.validation_fraction, out_of_scope=oos,
        intent_fingerprint=fingerprint, name=assistant.name if assistant else out_dir.name,
        extra_meta={"data_args": dataclasses.asdict(data_args), "base_model": base.name,
                    "base_model_info": base.describe(), "language": language},
        oos_data=oos_data)
    m = result["metrics"]
    acc = m.get("validation_accuracy")
    if m["unk_share_before"] > 0.001:
        print(f"[UNK] share of the training tokens: {m['unk_share_before']:.1%} with the base vocabulary, "
              f"{m['unk_share_after']:.1%} after adding {m['added_tokens']} characters")
    if m.get("added_symbols"):
        print(f"emoji and symbols the base vocabulary lacks: {m['added_symbols']} added, each starting at its "
              f"Unicode name's words")
    print(f"saved {out_dir}  ({m['train_examples']} examples, {len(result['labels'])} intents, "
          f"{time.time() - t0:.0f} s; validation accuracy "
          f"{'n/a' if acc is None else f'{acc:.1%}'}; threshold {result['threshold']})")
    if result.get("entity_labels"):
        f1 = m.get("validation_entity_f1")
        print(f"entities: {', '.join(result['entity_labels'])} (held-out F1 {'n/a' if f1 is None else f'{f1:.1%}'}; "
              f"values below confidence {result['entity_threshold']} are confirmed)")
    # --- int8 check: the server quantises when int8 loses at most 0.5 points of accuracy ---
    if assistant is not None:
        from framework.nlu.precision import check_int8_and_reference, labelled_texts

        check, reference = check_int8_and_reference(out_dir, labelled_texts(assistant), assistant,
                                                    threads=train_args.threads)
        print(f"int8 check on {check['texts']} labelled texts: accuracy {check['accuracy_pct']['int8']:.2f}% "
              f"vs {check['accuracy_pct']['float32']:.2f}% in float32: served in {check['served']}")
        if train_args.onnx:
            make_onnx(out_dir, result.get("meta"), assistant, train_args.threads, reference, check["served"])
    return 0


def make_onnx(out_dir: Path, meta: dict | None, assistant, threads: int, reference, torch_served: str) -> None:
    """The model folder's model.onnx, which `serve` runs by default (framework.nlu.onnx_runtime):
    made and checked against the float32 answers of the int8 check just run. Never fails the
    training: where it cannot be made, one line says why and the server uses torch."""
    from framework.nlu import onnx_runtime
    from framework.nlu.model import read_artifact

    missing = onnx_runtime.missing_packages(build=True)
    if missing:
        print(f"ONNX Runtime network: not made ({', '.join(missing)} not installed); `serve` runs torch")
        return
    path = out_dir / onnx_runtime.MODEL_FILE
    try:
        # where torch's own int8 passed, ONNX Runtime's float32 graph is not worth making (slower); where it
        # did not, that graph serves rather than torch float16: the same answers as float32, and a worker
        # that imports no torch is ready ~2 s sooner (issue 11's ready < 3 s)
        record = onnx_runtime.build(out_dir, meta or read_artifact(out_dir), path, assistant, threads,
                                    reference_answers=reference, float32_fallback=torch_served != "int8")
        served = record.get("served")
        check = record.get(served) if served else None
        record["why"] = None if check else f"no variant passed its check ({onnx_runtime.summary(record)})"
    except onnx_runtime.OnnxUnavailable as err:
        record, check = {"why": f"not made ({err})", "trace": onnx_runtime.trace_digest(out_dir)}, None
    # the record, also where no file is kept: the server's line then says why (onnx_runtime._why_no_model_file)
    (out_dir / onnx_runtime.CHECK_FILE).write_text(json.dumps(record, indent=1), encoding="utf-8")
    if check:
        print(f"ONNX Runtime network: {path.name} in {served} ({path.stat().st_size / 1e6:.0f} MB, {record['seconds']:.0f} s; "
              f"accuracy {check['onnx_accuracy_pct']:.2f}% vs {check['float32_accuracy_pct']:.2f}% in float32 on "
              f"{check['texts']} texts): `serve` runs it by default")
    else:
        path.unlink(missing_ok=True)  # a file that would never serve: not kept in the model
        print(f"ONNX Runtime network: {record['why']}; `serve` runs torch in {torch_served}")


if __name__ == "__main__":
    sys.exit(main())
