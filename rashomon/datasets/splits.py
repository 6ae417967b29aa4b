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
