"""Benchmark of the story similarity on SemEval-2022 Task 8 style article pairs: ``rashomon bench similarity``.

Reads the pairs (``rashomon.datasets.semeval2022``), builds features through the same code path as the pipeline
(encoding repair, title split, ``compute_features``), scores each pair with ``StorySimilarity.score`` and prints
Pearson against -Overall, per language pair and overall, next to the plain-cosine baseline.

The shipped model is trained on pairs.csv, so its in-sample figure flatters
it. ``--cv`` refits the same combiner per grouped fold and scores each pair
with a model that never saw its texts; the last line is then that figure.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import numpy as np

from rashomon.datasets.semeval2022 import (
    BASELINE_CHARS,
    FOLD_SEED,
    FOLDS,
    PairSet,
    baseline_scores,
    build_pair_set,
    folds,
    print_breakdown,
    read_pairs,
)
from rashomon.embed import Encoder, get_encoder
from rashomon.stories.combiner import CombinerSpec, cross_validated_scores, pearson
from rashomon.stories.similarity import StorySimilarity


def score_pairs(pair_set: PairSet, similarity: StorySimilarity) -> np.ndarray:
    """``similarity.score`` for every pair: the function clustering uses."""
    return np.array(
        [similarity.score(pair_set.features[i], pair_set.features[j]) for i, j in zip(pair_set.left, pair_set.right)]
    )


def spec_of(similarity: StorySimilarity) -> CombinerSpec:
    """The training choices recorded in a model, to refit them per fold."""
    if "spec" not in similarity.info:
        raise ValueError("this similarity model records no training spec; --cv needs one")
    return CombinerSpec.from_dict(similarity.info["spec"])


def cross_validated(pair_set: PairSet, spec: CombinerSpec) -> np.ndarray:
    """Each pair scored by ``StorySimilarity.score`` refitted (projection too) without its fold."""
    return cross_validated_scores(
        pair_set.features, pair_set.left, pair_set.right, pair_set.overall, folds(pair_set), spec
    )


def run_similarity_bench(
    pairs_path: str | Path,
    out: TextIO = sys.stdout,
    *,
    cv: bool = False,
    encoder: Encoder | None = None,
    similarity: StorySimilarity | None = None,
) -> float:
    """Print the benchmark; return the Pearson of the last line (out-of-fold with ``cv``)."""
    encoder = encoder or get_encoder()
    similarity = similarity or StorySimilarity.load()
    pairs = read_pairs(pairs_path)
    pair_set = build_pair_set(pairs, encoder)
    target = -pair_set.overall
    columns = {"score": score_pairs(pair_set, similarity)}
    if cv:
        columns["score_oof"] = cross_validated(pair_set, spec_of(similarity))
    columns["baseline"] = baseline_scores(pair_set, encoder)

    print(
        f"pairs={len(pairs)} articles={len(pair_set.texts)} "
        f"features_ms_per_article={1000 * pair_set.seconds_per_article:.1f}",
        file=out,
    )
    print_breakdown(pairs, target, columns, out)
    print(f"baseline_cosine_first_{BASELINE_CHARS}_chars={pearson(columns['baseline'], target):.4f}", file=out)
    in_sample = pearson(columns["score"], target)
    print(
        f"score_pearson={in_sample:.4f}" + (" (in-sample: the shipped model was trained on these pairs)" if cv else ""),
        file=out,
    )
    result = in_sample
    if cv:
        result = pearson(columns["score_oof"], target)
        print(
            f"out_of_fold: {FOLDS} folds grouped by shared article, seed {FOLD_SEED}, {spec_of(similarity).describe()}",
            file=out,
        )
    print(f"pearson={result:.4f}", file=out)
    return result
