"""Stance benchmark on FNC-1, scored with the shipped model: ``rashomon bench stance``.

Scores every pair of the given files (the official competition test is scored whole); with ``split="test"``
(``--split test``) only the held-out test pairs of the training release (``rashomon.datasets.fnc1.pair_split``: a
test body and a test headline), which training never saw nor chose on. A line ``scored N [of M] pairs (...)`` says which. The last line is ``fnc=<relative score> macro_f1=<macro F1>``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Sequence, TextIO

import numpy as np

from rashomon.compare.stance import STANCES, StanceModel, batched_features, labels
from rashomon.datasets.fnc1 import (
    SPLIT_SEED,
    confusion,
    fnc_score,
    headline_key,
    macro_f1,
    pairs_for,
    per_class,
    read_fnc,
    rows_in,
)
from rashomon.datasets.splits import check_bench_split, scope_line


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
    split: str = "all",
) -> tuple[float, float]:
    """Score every given pair, or with ``split="test"`` the held-out test pairs (test body and headline); returns (FNC relative score,
    macro-F1)."""
    held_out = check_bench_split(split)
    model = model or StanceModel.load()
    seed = int(model.info.get("split", {}).get("seed", SPLIT_SEED))
    bodies, rows = read_fnc(bodies_csv, stances_csv)
    test = rows_in(rows, "test", seed) if held_out else rows
    if not test:
        raise ValueError(f"no {'held-out test ' if held_out else ''}pairs found in {stances_csv}")
    print(scope_line(len(test), len(rows), "pairs", held_out), file=out)
    split_rule = (
        f"test bodies and test headlines, seed {seed}; {len(rows_in(rows, 'dropped', seed))} pairs with only one "
        "of the two in test dropped"
        if held_out
        else "every given pair"
    )
    print(
        f"{len(test)} pairs over {len({r.body_id for r in test})} bodies and "
        f"{len({headline_key(r.headline) for r in test})} headlines ({split_rule})",
        file=out,
    )
    started = time.perf_counter()
    raw, blocks = batched_features(pairs_for(test, bodies), encoder)
    predicted = labels(model.proba_from_features(raw, blocks))
    seconds = time.perf_counter() - started
    print(
        f"features and predictions in {seconds:.1f}s ({len(test) / max(seconds, 1e-9):.0f} pairs/s, encoding included)",
        file=out,
    )
    relative, f1 = report([r.stance for r in test], predicted, out)
    print(f"fnc={relative:.4f} macro_f1={f1:.4f}", file=out, flush=True)
    return relative, f1
