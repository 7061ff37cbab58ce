"""The texts a student learns its teacher's answers on (framework.nlu.distill).

A student learns far more from its teacher than from the ~800 labelled examples alone when
it sees the teacher's answers on many more texts; the product must work offline with the
domain's data only, so those texts are made from the domain's own examples:

- delete: drop about one character in seven (at least one);
- swap: exchange two neighbouring characters;
- insert: add one or two characters drawn from the domain's own character frequencies;
- substitute: replace one or two characters so (masking, without a mask token the served
  model would never see);
- mix: the first part of one example and the last part of another, of any intent: the
  teacher's mixed or low-confidence answers there teach the student where intents meet,
  which is where the fallback threshold acts.

No label is attached here: the teacher labels every text. Pure Python, no torch.
"""
from __future__ import annotations

import random
from collections import Counter
from typing import Sequence

OPERATIONS = ("delete", "swap", "insert", "substitute", "mix")


def augment(text: str, other: str, op: str, rng: random.Random, alphabet: Sequence[str],
            weights: Sequence[float]) -> str:
    """`text` changed by one operation (`other` is the second example of a mix)."""
    chars = list(text)
    n = len(chars)
    if op == "delete" and n >= 3:
        drop = set(rng.sample(range(n), max(1, round(n / 7))))
        return "".join(c for i, c in enumerate(chars) if i not in drop)
    if op == "swap" and n >= 2:
        i = rng.randrange(n - 1)
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
        return "".join(chars)
    if op == "insert":
        for _ in range(rng.choice((1, 2))):
            chars.insert(rng.randrange(len(chars) + 1), rng.choices(alphabet, weights)[0])
        return "".join(chars)
    if op == "substitute" and n >= 2:
        for i in rng.sample(range(n), min(n - 1, rng.choice((1, 2)))):
            chars[i] = rng.choices(alphabet, weights)[0]
        return "".join(chars)
    if op == "mix" and n >= 2 and len(other) >= 2:
        cut = max(1, round(n * rng.uniform(0.3, 0.7)))
        rest = max(1, round(len(other) * rng.uniform(0.3, 0.7)))
        return text[:cut] + other[rest:]
    return text


def make_transfer_set(texts: Sequence[str], per_text: int, seed: int,
                      exclude: Sequence[str] = ()) -> list[str]:
    """About `per_text` new texts for each of `texts`, none equal to a text of `texts` or
    `exclude` nor to each other; the same for the same arguments (seeded)."""
    rng = random.Random(seed)
    texts = [t for t in dict.fromkeys(t.strip() for t in texts) if t]
    if not texts:
        return []
    counts = Counter(c for t in texts for c in t if not c.isspace())
    alphabet, weights = list(counts), list(counts.values())
    seen = set(texts) | {t.strip() for t in exclude}
    out: list[str] = []
    for text in texts:
        made, tries = 0, 0
        while made < per_text and tries < per_text * 4:
            tries += 1
            new = augment(text, rng.choice(texts), rng.choice(OPERATIONS), rng, alphabet, weights).strip()
            if new and new not in seen:
                seen.add(new)
                out.append(new)
                made += 1
    return out
