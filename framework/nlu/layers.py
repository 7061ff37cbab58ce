"""A shallower base model: the first K transformer layers of an encoder, saved as a base
model folder that `train.py --base-model FOLDER` fine-tunes like any other.

    python -m framework.nlu.layers multilingual-e5-small var/e5-small-6 --keep 6
    python train.py domains/telecom_zh --base-model var/e5-small-6

Inference time on CPU is nearly proportional to the number of layers (the embeddings and
the head are a small share), so keeping 6 of multilingual-e5-small's 12 layers about
halves it. The cut is made *before* fine-tuning, so the kept layers and the head adapt to
the missing ones; cutting a fine-tuned model instead loses far more accuracy. What it
costs on telecom_zh is measured in BENCHMARKS.md (fresh test file), not assumed.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path


def truncate(base: str, out: str | Path, keep: int) -> dict:
    """Write the first `keep` layers of base model `base` (a built-in name or a folder) to
    `out`. Returns what was done."""
    from transformers import AutoModel, AutoTokenizer

    from framework.nlu.base_models import resolve

    source = resolve(base)
    from framework.nlu.fit import quiet_transformers
    from framework.nlu.model import encoder_kwargs

    quiet_transformers()
    from transformers import AutoConfig

    model = AutoModel.from_pretrained(str(source.path), **encoder_kwargs(AutoConfig.from_pretrained(str(source.path))))
    layers = model.encoder.layer
    if not 1 <= keep <= len(layers):
        raise ValueError(f"--keep must be between 1 and {len(layers)} (the base has {len(layers)} layers), got {keep}")
    model.encoder.layer = layers[:keep]
    model.config.num_hidden_layers = keep
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    AutoTokenizer.from_pretrained(str(source.path)).save_pretrained(out)
    info = {"base": source.describe(), "layers_kept": keep, "layers_of_base": len(layers)}
    (out / "truncation.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    return info


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("base", help="a built-in base model name (minilm, multilingual-e5-small) or a model folder")
    p.add_argument("out", help="folder for the shallower base model")
    p.add_argument("--keep", type=int, default=6, help="layers to keep, from the bottom (default 6)")
    args = p.parse_args(argv)
    print(json.dumps(truncate(args.base, args.out, args.keep), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
