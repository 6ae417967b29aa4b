"""Stance benchmark on FNC-1: the held-out bodies, scored with the shipped model.

    python -m rashomon.bench.stance BODIES.csv STANCES.csv [--model PATH] [--cache enc.npz]

FNC-1 here has only its training release, so ``rashomon.learn.train_stance``
holds out a test split BY BODY (``split_of``: a hash of the body id with a
fixed seed, no randomness state); this bench rebuilds the same split from the
files and scores only test pairs, which training never saw nor chose on.
The last line is ``fnc=<relative score> macro_f1=<macro F1>``.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, TextIO

import numpy as np

from rashomon.bench.splits import hashed_split
from rashomon.compare.stance import RELATED, STANCES, StanceModel, StancePair, feature_matrix, labels, prepare

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
        rows = [StanceRow(r["Headline"], r["Body ID"].strip(), r["Stance"].strip().lower()) for r in csv.DictReader(handle)]
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


def prepared_features(rows: Sequence[StanceRow], bodies: dict[str, str], encoder, batch: int = 4000):
    """Features of many FNC pairs, encoding in big batches (the encoder is slow per call)."""
    raws, blocks = [], {}
    for start in range(0, len(rows), batch):
        raw, block = feature_matrix(prepare(pairs_for(rows[start : start + batch], bodies), encoder))
        raws.append(raw)
        for name, values in block.items():
            blocks.setdefault(name, []).append(values)
    return np.vstack(raws), {k: np.vstack(v) for k, v in blocks.items()}


def report(gold: Sequence[str], predicted: Sequence[str], out: TextIO) -> tuple[float, float]:
    matrix = confusion(gold, predicted)
    print(f"{'':<10}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}", file=out)
    for name, p, r, f, n in per_class(matrix):
        print(f"{name:<10}{p:>10.3f}{r:>10.3f}{f:>10.3f}{n:>10}", file=out)
    print("confusion (rows gold, columns predicted):", file=out)
    print(f"{'':<10}" + "".join(f"{s:>10}" for s in STANCES), file=out)
    for i, name in enumerate(STANCES):
        print(f"{name:<10}" + "".join(f"{v:>10}" for v in matrix[i]), file=out)
    score, best = fnc_score(gold, predicted)
    relative = score / best if best else 0.0
    f1 = macro_f1(gold, predicted)
    accuracy = float(np.trace(matrix) / max(1, matrix.sum()))
    print(f"accuracy {accuracy:.4f}  macro-F1 {f1:.4f}", file=out)
    print(f"FNC-1 score {score:.2f} of {best:.2f} ({100 * relative:.2f}%)", file=out)
    return relative, f1


def run_stance_bench(
    bodies_csv: str | Path,
    stances_csv: str | Path,
    out: TextIO = sys.stdout,
    model: StanceModel | None = None,
    encoder=None,
) -> tuple[float, float]:
    """Score the held-out test bodies; returns (FNC relative score, macro-F1)."""
    model = model or StanceModel.load()
    seed = int(model.info.get("split", {}).get("seed", SPLIT_SEED))
    bodies, rows = read_fnc(bodies_csv, stances_csv)
    test = rows_in(rows, "test", seed)
    test_bodies = {r.body_id for r in test}
    print(f"held-out test: {len(test)} pairs over {len(test_bodies)} bodies (split by body, seed {seed})", file=out)
    started = time.perf_counter()
    raw, blocks = prepared_features(test, bodies, encoder)
    predicted = labels(model.proba_from_features(raw, blocks))
    seconds = time.perf_counter() - started
    print(f"features and predictions in {seconds:.1f}s ({len(test) / max(seconds, 1e-9):.0f} pairs/s, encoding included)", file=out)
    relative, f1 = report([r.stance for r in test], predicted, out)
    print(f"fnc={relative:.4f} macro_f1={f1:.4f}", file=out, flush=True)
    return relative, f1


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bodies", help="FNC-1 bodies CSV (Body ID, articleBody)")
    parser.add_argument("stances", help="FNC-1 stances CSV (Headline, Body ID, Stance)")
    parser.add_argument("--model", help="a model JSON (default: the shipped one)")
    parser.add_argument("--cache", help="encoder cache .npz (created if missing)")
    args = parser.parse_args(argv)
    model = StanceModel.load(args.model) if args.model else None
    from rashomon.bench.similarity import encoder_cached_in

    with encoder_cached_in(args.cache) as encoder:
        run_stance_bench(args.bodies, args.stances, model=model, encoder=encoder)


if __name__ == "__main__":
    main()
