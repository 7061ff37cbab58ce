"""How long `python train.py DOMAIN` takes is (optimiser steps) x (seconds per step): this
measures the second factor for each example domain's base model on this machine now, and
counts the first from the trainer's own rules, so the README's training-time figures can be
re-measured anywhere in a minute instead of a whole training.

    python benchmarks/train_step_seconds.py [--threads 1] [--steps 10]

Prints a table: domain, base model, examples, seconds per step (batch 16, forward and
backward through the base encoder as fine-tuning does), the step count of a default run
(3 fold models stopping after --fold-epochs epochs, the final model for --final-epochs),
the estimated minutes one after another, the estimated minutes with the folds in parallel
processes on --cpus CPUs (framework.nlu.parallel_folds: the folds share the CPUs, then the
final model; the critical path, so a lower bound), and the 1-minute load average.
"""
from __future__ import annotations

import argparse
import math
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = ("banking_en", "telecom_zh")
BATCH = 16  # the trainer's batch below 1000 examples


def seconds_per_step(domain: str, steps: int) -> tuple[str, int, float]:
    import torch

    from framework.nlu.fit import load_base_model
    from framework.spec import load_assistant

    assistant = load_assistant(ROOT / "domains" / domain)
    texts = [e.text for intent in assistant.intents.values() for e in intent.examples]
    encoder, tokenizer = load_base_model(None, assistant.language)
    optimizer = torch.optim.AdamW(encoder.parameters(), lr=1e-5)
    encoder.train()

    def step(i: int) -> None:
        chunk = [texts[(i * BATCH + j) % len(texts)] for j in range(BATCH)]
        batch = tokenizer(chunk, padding=True, truncation=True, max_length=64, return_tensors="pt")
        encoder(**batch).last_hidden_state.mean(1).sum().backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    step(0)  # warm-up: allocations, thread pool
    start = time.perf_counter()
    for i in range(1, steps + 1):
        step(i)
    from framework.nlu.base_models import default_for_language
    base = default_for_language(assistant.language)
    return base, len(texts), (time.perf_counter() - start) / steps


def default_run_steps(examples: int, fold_epochs: int, final_epochs: int, folds: int = 3) -> int:
    per_fold = math.ceil(examples * (folds - 1) / folds / BATCH)
    return folds * per_fold * fold_epochs + math.ceil(examples / BATCH) * final_epochs


def parallel_run_steps(examples: int, fold_epochs: int, final_epochs: int, cpus: int, folds: int = 3) -> float:
    """Step-times on the critical path when the K folds run at once on `cpus` CPUs (one
    thread each) and the final model starts when they end (it starts when the second to
    last ends; equal folds end together)."""
    per_fold = math.ceil(examples * (folds - 1) / folds / BATCH) * fold_epochs
    return folds * per_fold / min(folds, max(1, cpus)) + math.ceil(examples / BATCH) * final_epochs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--steps", type=int, default=10, help="steps timed per model (default 10)")
    parser.add_argument("--fold-epochs", type=int, default=6, help="epochs a fold model runs before early stopping")
    parser.add_argument("--final-epochs", type=int, default=4, help="epochs of the final model")
    parser.add_argument("--cpus", type=int, default=2, help="CPUs for the folds-in-processes estimate")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    print(f"threads {args.threads}, {os.cpu_count()} CPUs")
    print(f"| domain | base model | examples | s/step | steps (default run) | minutes | minutes, folds in "
          f"processes on {args.cpus} CPUs | load |")
    print("|---|---|---|---|---|---|---|---|")
    for domain in DOMAINS:
        base, examples, seconds = seconds_per_step(domain, args.steps)
        steps = default_run_steps(examples, args.fold_epochs, args.final_epochs)
        parallel = parallel_run_steps(examples, args.fold_epochs, args.final_epochs, args.cpus)
        print(f"| {domain} | {base} | {examples} | {seconds:.2f} | {steps} | {steps * seconds / 60:.1f} "
              f"| {parallel * seconds / 60:.1f} | {os.getloadavg()[0]:.1f} |", flush=True)


if __name__ == "__main__":
    main()
