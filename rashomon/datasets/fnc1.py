"""FNC-1 (Fake News Challenge, stage 1): the stance of an article body towards a headline.

Only the training release is here, so a test split is held out in BODIES AND HEADLINES at once, as FNC-1's official
test is (new claims, new bodies): a body and a headline each fall in the test share by a hash with a fixed seed
(no randomness state); a pair is a test pair when both do, and a pair with one foot on each side is dropped from
both (``pair_split``). FNC-1's headlines repeat across bodies, so a split by body alone (this module's rule before
2026-12-03) scored headlines that training had read. The rest is split by body into validation and train.
``rashomon.learn.train_stance`` never sees a test body or headline, and ``rashomon bench stance --split test``
rebuilds the same split from the files. ``fnc_score`` is the official scorer's.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from rashomon.compare.stance import RELATED, STANCES, StancePair
from rashomon.datasets.splits import bucket, hashed_split

SPLIT_SEED = 20240611
TEST_PERCENT = 30  # of bodies, and of headlines: about 9% of pairs fall in test, 40% are dropped
VALIDATION_PERCENT = 20  # of the remaining (train) bodies, for model selection
SPLIT_RULE = (
    "bucket(key) = int(sha1(f'{seed}:{part}:{key}').hexdigest(), 16) % 100; a body is test if "
    "bucket('test', body_id) < 30, a headline if bucket('test-headline', casefolded headline) < 30; "
    "a pair is test if both are, dropped if one is, else validation if bucket('validation', body_id) < 20, else train"
)
PARTS = ("train", "validation", "test", "dropped")


@dataclass(frozen=True)
class StanceRow:
    headline: str
    body_id: str
    stance: str


def split_of(body_id: str, seed: int = SPLIT_SEED) -> str:
    """'test', 'validation' or 'train' for one body: a pure function of the id and seed."""
    return hashed_split(str(body_id), seed, TEST_PERCENT, VALIDATION_PERCENT)


def headline_key(headline: str) -> str:
    """One key per headline however its spaces and case were typed (FNC-1 repeats headlines verbatim)."""
    return " ".join(headline.split()).casefold()


def headline_in_test(headline: str, seed: int = SPLIT_SEED) -> bool:
    return bucket(seed, "test-headline", headline_key(headline)) < TEST_PERCENT


def pair_split(row: StanceRow, seed: int = SPLIT_SEED) -> str:
    """'test' when both the body and the headline are test ones, 'dropped' when only one is (it would share text
    with the other side), else the body's 'validation' or 'train'."""
    body = split_of(row.body_id, seed)
    headline_test = headline_in_test(row.headline, seed)
    if body == "test" and headline_test:
        return "test"
    if body == "test" or headline_test:
        return "dropped"
    return body


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
    """The rows of one of ``PARTS`` (``pair_split``)."""
    return [r for r in rows if pair_split(r, seed) == part]


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
