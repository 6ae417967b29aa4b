"""FNC-1 (Fake News Challenge, stage 1): the stance of an article body towards a headline.

Only the training release is here, so a test split is held out BY BODY (``split_of``: a hash of the body id with a
fixed seed, no randomness state): ``rashomon.learn.train_stance`` never sees a test body, and ``rashomon bench
stance`` rebuilds the same split from the files. ``fnc_score`` is the official scorer's.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from rashomon.compare.stance import RELATED, STANCES, StancePair
from rashomon.datasets.splits import hashed_split

SPLIT_SEED = 20240611
TEST_PERCENT = 20  # of bodies
VALIDATION_PERCENT = 20  # of the remaining (train) bodies, for model selection
SPLIT_RULE = (
    "bucket = int(sha1(f'{seed}:{part}:{body_id}').hexdigest(), 16) % 100; "
    "test if bucket('test') < 20, else validation if bucket('validation') < 20, else train"
)


@dataclass(frozen=True)
class StanceRow:
    headline: str
    body_id: str
    stance: str


def split_of(body_id: str, seed: int = SPLIT_SEED) -> str:
    """'test', 'validation' or 'train' for one body: a pure function of the id and seed."""
    return hashed_split(str(body_id), seed, TEST_PERCENT, VALIDATION_PERCENT)


def read_fnc(bodies_csv: str | Path, stances_csv: str | Path) -> tuple[dict[str, str], list[StanceRow]]:
    csv.field_size_limit(1 << 30)
    with open(bodies_csv, encoding="utf-8", newline="") as handle:
        bodies = {row["Body ID"].strip(): row["articleBody"] for row in csv.DictReader(handle)}
    with open(stances_csv, encoding="utf-8", newline="") as handle:
        rows = [
            StanceRow(r["Headline"], r["Body ID"].strip(), r["Stance"].strip().lower()) for r in csv.DictReader(handle)
        ]
    unknown = {r.stance for r in rows} - set(STANCES)
    if unknown:
        raise ValueError(f"unknown stance labels: {sorted(unknown)}")
    return bodies, [r for r in rows if r.body_id in bodies]


def rows_in(rows: Sequence[StanceRow], part: str, seed: int = SPLIT_SEED) -> list[StanceRow]:
    return [r for r in rows if split_of(r.body_id, seed) == part]


def fnc_score(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float]:
    """(score, max score) of the official FNC-1 scorer.

    +0.25 when related-vs-unrelated is right; when gold is related, +0.75 more
    for the exact label. The maximum is every pair right.
    """
    score = best = 0.0
    for g, p in zip(gold, predicted):
        g_related, p_related = g in RELATED, p in RELATED
        best += 1.0 if g_related else 0.25
        if g_related == p_related:
            score += 0.25
        if g_related and g == p:
            score += 0.75
    return score, best


def confusion(gold: Sequence[str], predicted: Sequence[str]) -> np.ndarray:
    matrix = np.zeros((len(STANCES), len(STANCES)), dtype=np.int64)
    for g, p in zip(gold, predicted):
        matrix[STANCES.index(g), STANCES.index(p)] += 1
    return matrix


def per_class(matrix: np.ndarray) -> list[tuple[str, float, float, float, int]]:
    """(label, precision, recall, F1, support) per stance from a confusion matrix."""
    out = []
    for i, name in enumerate(STANCES):
        tp = matrix[i, i]
        precision = tp / matrix[:, i].sum() if matrix[:, i].sum() else 0.0
        recall = tp / matrix[i].sum() if matrix[i].sum() else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out.append((name, float(precision), float(recall), float(f1), int(matrix[i].sum())))
    return out


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return float(np.mean([f1 for _, _, _, f1, _ in per_class(confusion(gold, predicted))]))


def pairs_for(rows: Sequence[StanceRow], bodies: dict[str, str]) -> list[StancePair]:
    return [StancePair(r.headline, bodies[r.body_id], "en", "en") for r in rows]
