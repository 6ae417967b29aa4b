"""Fitting the similarity combiner with numpy alone, and honest evaluation.

Shared by the training script and the benchmark's ``--cv`` mode, so both
refit exactly the same way. Folds are grouped: pairs that share an article
(even through a chain of pairs) fall in the same fold, so no text is scored by
a model that saw it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from rashomon.linear import LinearModel, fit_newton, fit_ridge
from rashomon.stories.features import StoryFeatures
from rashomon.stories.similarity import (
    DOC_PRODUCTS,
    FEATURE_NAMES,
    FeatureTable,
    Projection,
    StorySimilarity,
    design_matrix,
    pair_features_table,
)


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    x = np.asarray(x, dtype=np.float64) - np.mean(x)
    y = np.asarray(y, dtype=np.float64) - np.mean(y)
    denominator = np.sqrt((x @ x) * (y @ y))
    return float(x @ y / denominator) if denominator > 0 else 0.0


def connected_groups(left: Sequence[str], right: Sequence[str]) -> np.ndarray:
    """Group id per pair: pairs linked by a shared text share a group (union-find)."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for a, b in zip(left, right):
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    roots = [find(a) for a in left]
    ids = {root: i for i, root in enumerate(dict.fromkeys(roots))}
    return np.array([ids[r] for r in roots], dtype=np.int64)


def grouped_folds(groups: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """Fold number per row; whole groups go to one fold, folds balanced by size."""
    rng = np.random.default_rng(seed)
    unique, sizes = np.unique(groups, return_counts=True)
    order = rng.permutation(len(unique))
    # Biggest groups first, each to the currently smallest fold (ties: lowest fold).
    order = order[np.argsort(-sizes[order], kind="stable")]
    fold_sizes = np.zeros(k, dtype=np.int64)
    fold_of_group: dict[int, int] = {}
    for g in order:
        fold = int(np.argmin(fold_sizes))
        fold_of_group[int(unique[g])] = fold
        fold_sizes[fold] += sizes[g]
    return np.array([fold_of_group[int(g)] for g in groups], dtype=np.int64)


@dataclass(frozen=True)
class CombinerSpec:
    """How to fit: inputs, products, target, L2 strengths, projection, metric."""

    target: str  # "soft": (4 - Overall) / 3 as a probability; "binary": Overall <= 2; "regression": -Overall
    inputs: tuple[str, ...] = FEATURE_NAMES
    products: tuple[tuple[str, str], ...] = ()
    l2: float = 1.0
    projection_k: int | None = 2  # top directions removed after centring; None: no projection
    metric_l2: float | None = None  # penalty on the per-dimension document metric; None: no metric

    def describe(self) -> str:
        extra = " ".join(f"{a}*{b}" for a, b in self.products) or "none"
        return (
            f"target={self.target} l2={self.l2:g} projection_k={self.projection_k} metric_l2={self.metric_l2} "
            f"inputs={' '.join(self.inputs)} products={extra}"
        )

    def to_dict(self) -> dict:
        return {
            "target": self.target,
            "inputs": list(self.inputs),
            "products": [list(p) for p in self.products],
            "l2": self.l2,
            "projection_k": self.projection_k,
            "metric_l2": self.metric_l2,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "CombinerSpec":
        return cls(
            target=data["target"],
            inputs=tuple(data["inputs"]),
            products=tuple((a, b) for a, b in data["products"]),
            l2=float(data["l2"]),
            projection_k=data["projection_k"],
            metric_l2=data.get("metric_l2"),
        )


def target_values(overall: np.ndarray, target: str) -> np.ndarray:
    if target == "soft":
        return np.clip((4.0 - overall) / 3.0, 0.0, 1.0)
    if target == "binary":
        return (overall <= 2.0).astype(np.float64)
    if target == "regression":
        return -overall
    raise ValueError(f"unknown target {target!r}")


def fit_projection(features: Sequence[StoryFeatures], k: int) -> Projection:
    """Mean and top-``k`` principal directions of the articles' document vectors."""
    vectors = np.vstack([f.doc_vector for f in features]).astype(np.float64)
    mean = vectors.mean(axis=0)
    centred = vectors - mean
    centred /= np.linalg.norm(centred, axis=1, keepdims=True).clip(min=1e-12)
    centred -= centred.mean(axis=0)
    _, _, directions = np.linalg.svd(centred, full_matrices=False)
    components = directions[:k]
    # SVD signs are arbitrary; fix them so the artifact is reproducible.
    signs = np.sign(components[np.arange(len(components)), np.abs(components).argmax(axis=1)])
    return Projection(mean=mean.astype(np.float32), components=(components * signs[:, None]).astype(np.float32))


def fit_combiner(
    raw: np.ndarray, overall: np.ndarray, spec: CombinerSpec, doc_products: np.ndarray | None = None
) -> LinearModel:
    """Fit the combiner on raw pair features and SemEval Overall ratings (1 same .. 4 unrelated).

    With ``spec.metric_l2``, ``doc_products`` (rows ``a_doc * b_doc``) join
    the design under their own, much stronger penalty.
    """
    x = design_matrix(raw, spec.inputs, spec.products)
    n_main = x.shape[1]
    use_metric = spec.metric_l2 is not None
    if use_metric:
        if doc_products is None:
            raise ValueError("spec asks for a document metric: pass doc_products")
        x = np.hstack([x, doc_products])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    y = target_values(overall, spec.target)
    penalties = np.array([spec.l2] * n_main + [spec.metric_l2 or 0.0] * (x.shape[1] - n_main))
    if spec.target == "regression":
        weights, bias = fit_ridge(z, y, penalties)
        link, output_range = "identity", (-4.0, -1.0)
    else:
        weights, bias = fit_newton(z, y, penalties)
        link, output_range = "sigmoid", (0.0, 1.0)
    blocks = {}
    if use_metric:
        # Fold the metric block's standardisation into plain per-dimension weights.
        metric = weights[n_main:] / scale[n_main:]
        bias -= float(metric @ mean[n_main:])
        blocks[DOC_PRODUCTS] = metric
    return LinearModel(
        weights[:n_main],
        bias,
        link,
        inputs=list(spec.inputs),
        products=list(spec.products),
        mean=mean[:n_main],
        scale=scale[:n_main],
        blocks=blocks,
        output_range=output_range,
    )


def pair_raw_features(
    features: Sequence[StoryFeatures], left: np.ndarray, right: np.ndarray, projection: Projection | None
) -> tuple[np.ndarray, np.ndarray]:
    """Raw pair features (FEATURE_NAMES order) and ``a_doc * b_doc`` rows of the pairs ``(left[i], right[i])``."""
    table = FeatureTable.from_features(features, projection)
    rows = [pair_features_table(table.row(i), table.row(j)) for i, j in zip(left, right)]
    raw = np.vstack(rows) if rows else np.zeros((0, len(FEATURE_NAMES)))
    return raw, (table.docs[left] * table.docs[right]).astype(np.float64)


def fit_similarity(
    features: Sequence[StoryFeatures],
    left: np.ndarray,
    right: np.ndarray,
    overall: np.ndarray,
    spec: CombinerSpec,
    threshold: float = 0.5,
) -> StorySimilarity:
    """Projection from the articles in these pairs, then the combiner on their features."""
    projection = None
    if spec.projection_k is not None:
        used = np.unique(np.concatenate([left, right]))
        projection = fit_projection([features[i] for i in used], spec.projection_k)
    raw, doc_products = pair_raw_features(features, left, right, projection)
    model = fit_combiner(raw, overall, spec, doc_products)
    return StorySimilarity(model, threshold, projection, info={"spec": spec.to_dict()})


def cross_validated_scores(
    features: Sequence[StoryFeatures],
    left: np.ndarray,
    right: np.ndarray,
    overall: np.ndarray,
    folds: np.ndarray,
    spec: CombinerSpec,
) -> np.ndarray:
    """Every pair scored by ``StorySimilarity.score`` from a model fitted without its fold."""
    scores = np.zeros(len(overall), dtype=np.float64)
    for fold in np.unique(folds):
        train = folds != fold
        similarity = fit_similarity(features, left[train], right[train], overall[train], spec)
        for row in np.flatnonzero(~train):
            scores[row] = similarity.score(features[left[row]], features[right[row]])
    return scores


def out_of_fold(
    raw: np.ndarray,
    overall: np.ndarray,
    folds: np.ndarray,
    fit: Callable[[np.ndarray, np.ndarray], Callable[[np.ndarray], np.ndarray]],
) -> np.ndarray:
    """Predictions for every row from a model fitted without that row's fold."""
    predictions = np.zeros(len(overall), dtype=np.float64)
    for fold in np.unique(folds):
        test = folds == fold
        predict = fit(raw[~test], overall[~test])
        predictions[test] = predict(raw[test])
    return predictions


def best_threshold(scores: np.ndarray, same: np.ndarray, beta: float = 1.0) -> tuple[float, float]:
    """The score cut that maximises F-beta for "same story"; returns (threshold, f_beta).

    ``beta`` < 1 weighs precision above recall.
    """
    order = np.argsort(-scores, kind="stable")
    sorted_scores, sorted_same = scores[order], same[order].astype(np.float64)
    true_positives = np.cumsum(sorted_same)
    predicted = np.arange(1, len(scores) + 1)
    b2 = beta * beta
    f1 = (1 + b2) * true_positives / (predicted + b2 * sorted_same.sum())
    # Only cut between distinct scores.
    distinct = np.append(sorted_scores[1:] < sorted_scores[:-1], True)
    f1 = np.where(distinct, f1, -1.0)
    best = int(np.argmax(f1))
    below = sorted_scores[best + 1] if best + 1 < len(scores) else sorted_scores[best] - 1e-6
    return float((sorted_scores[best] + below) / 2), float(f1[best])
