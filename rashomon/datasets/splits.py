"""Held-out splits as pure functions of an id: the training script and its bench rebuild the same split
from the data files alone, with no state to keep in sync."""

from __future__ import annotations

import hashlib


def bucket(seed: int, part: str, key: str) -> int:
    """0-99, uniform over keys, fixed for a (seed, part, key)."""
    return int(hashlib.sha1(f"{seed}:{part}:{key}".encode("utf-8")).hexdigest(), 16) % 100


def hashed_split(key: str, seed: int, test_percent: int, validation_percent: int) -> str:
    """'test' for test_percent of keys, 'validation' for validation_percent of the rest, else 'train'."""
    if bucket(seed, "test", key) < test_percent:
        return "test"
    if bucket(seed, "validation", key) < validation_percent:
        return "validation"
    return "train"


# What a bench scores: every item of the files it is given ("all", the default: a new test file is scored whole),
# or only the held-out test share of a training file ("test": the split its model was trained around).
BENCH_SPLITS = ("all", "test")


def check_bench_split(split: str) -> bool:
    """True for ``test``, False for ``all``; anything else is a ValueError (one error line from the CLI)."""
    if split not in BENCH_SPLITS:
        raise ValueError(f"--split must be one of {', '.join(BENCH_SPLITS)}, not {split!r}")
    return split == "test"


def scope_line(scored: int, total: int, noun: str, held_out: bool) -> str:
    """The line every bench prints to say what it scored: all of the given items, or the held-out share."""
    if held_out:
        return f"scored {scored} of {total} {noun} (held-out test share: --split test)"
    return f"scored {total} {noun} (all of the given files)"
