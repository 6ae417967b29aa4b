"""SemEval-2022 Task 8 (multilingual news article similarity): pairs of articles rated 1 (same story) .. 4.

A CSV with columns ``pair_id, lang1, lang2, text1, text2, Overall``. ``build_pair_set`` repairs each distinct text,
splits its title and computes its story features once, through the same code path as the pipeline
(``compute_features``); the grouped folds (``folds``: pairs sharing an article, even through a chain of pairs,
fall in the same fold) are what the training search and the bench's ``--cv`` both score out of fold.
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, TextIO

import numpy as np

from rashomon.datasets import repair_text
from rashomon.embed import Encoder
from rashomon.stories.combiner import connected_groups, grouped_folds, pearson
from rashomon.stories.features import StoryFeatures, compute_features, split_title

BASELINE_CHARS = 1500
FOLDS = 10
FOLD_SEED = 0
ENCODE_BATCH = 64  # articles per compute_features call, as the pipeline batches


@dataclass(frozen=True)
class Pair:
    pair_id: str
    lang1: str
    lang2: str
    text1: str
    text2: str
    overall: float

    @property
    def languages(self) -> str:
        return f"{self.lang1}-{self.lang2}"


def read_pairs(path: str | Path) -> list[Pair]:
    csv.field_size_limit(10**9)
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            Pair(row["pair_id"], row["lang1"], row["lang2"], row["text1"], row["text2"], float(row["Overall"]))
            for row in csv.DictReader(handle)
        ]


@dataclass
class PairSet:
    """The pairs, their distinct articles' features, and which two each pair joins."""

    pairs: list[Pair]
    texts: list[str]  # repaired, one per distinct article
    features: list[StoryFeatures]
    left: np.ndarray  # index into texts/features per pair
    right: np.ndarray
    seconds_per_article: float

    @property
    def overall(self) -> np.ndarray:
        return np.array([p.overall for p in self.pairs], dtype=np.float64)

    def groups(self) -> np.ndarray:
        return connected_groups([str(i) for i in self.left], [str(i) for i in self.right])


def build_pair_set(pairs: Sequence[Pair], encoder: Encoder) -> PairSet:
    """Repair, split titles and compute features once per distinct article."""
    index: dict[tuple[str, str], int] = {}
    texts: list[str] = []
    languages: list[str] = []
    sides: list[tuple[int, int]] = []
    for pair in pairs:
        ids = []
        for text, language in ((pair.text1, pair.lang1), (pair.text2, pair.lang2)):
            key = (repair_text(text).strip(), language)
            if key not in index:
                index[key] = len(texts)
                texts.append(key[0])
                languages.append(language)
            ids.append(index[key])
        sides.append((ids[0], ids[1]))
    articles = [(*split_title(text), None, language) for text, language in zip(texts, languages)]
    started = time.perf_counter()
    features: list[StoryFeatures] = []
    for start in range(0, len(articles), ENCODE_BATCH):
        batch = [
            (title, body, published, lang) for title, body, published, lang in articles[start : start + ENCODE_BATCH]
        ]
        features.extend(compute_features(batch, encoder))
    elapsed = time.perf_counter() - started
    left = np.array([s[0] for s in sides], dtype=np.int64)
    right = np.array([s[1] for s in sides], dtype=np.int64)
    return PairSet(list(pairs), texts, features, left, right, elapsed / max(len(articles), 1))


def folds(pair_set: PairSet, k: int = FOLDS, seed: int = FOLD_SEED) -> np.ndarray:
    """Fold number per pair; pairs linked through a shared article share a fold."""
    return grouped_folds(pair_set.groups(), k, seed)


def baseline_scores(pair_set: PairSet, encoder: Encoder) -> np.ndarray:
    """Plain encoder cosine over each repaired text's first 1,500 characters."""
    vectors = encoder.encode([text[:BASELINE_CHARS] for text in pair_set.texts])
    return np.einsum("nd,nd->n", vectors[pair_set.left], vectors[pair_set.right])


def print_breakdown(pairs: Sequence[Pair], target: np.ndarray, columns: dict[str, np.ndarray], out: TextIO) -> None:
    """Pearson per language pair (largest first), one column per scorer."""
    names = list(columns)
    print(f"{'languages':<10} {'n':>5} " + " ".join(f"{n:>12}" for n in names), file=out)
    by_languages: dict[str, list[int]] = {}
    for row, pair in enumerate(pairs):
        by_languages.setdefault(pair.languages, []).append(row)
    for languages, rows in sorted(by_languages.items(), key=lambda item: (-len(item[1]), item[0])):
        values = " ".join(f"{pearson(columns[n][rows], target[rows]):>12.3f}" for n in names)
        print(f"{languages:<10} {len(rows):>5} {values}", file=out)
    values = " ".join(f"{pearson(columns[n], target):>12.3f}" for n in names)
    print(f"{'all':<10} {len(pairs):>5} {values}", file=out)
