"""Train the stance model (agree / disagree / discuss / unrelated) on FNC-1.

    rashomon train stance BODIES.csv STANCES.csv \
        --out rashomon/compare/data/stance.json [--cache enc.npz]

Deterministic: the split is a hash of the body id and of the headline (``rashomon.datasets.fnc1.
pair_split``), the fits are L-BFGS from zero (``rashomon.linear.fit_lbfgs``: scikit-learn, training only).
Test pairs have a test body AND a test headline (30% of each, never read here for fitting or choosing); pairs with
one of the two in test are dropped; the rest split by body into validation (20%, for every choice) and train.
The chosen spec is refitted on train + validation; the test scores recorded in the artifact are
computed once, after every choice is made.

Two stages, because the two decisions read different evidence and the
classes are very unbalanced: related vs unrelated (73% unrelated) from
similarity, then agree / disagree / discuss among related pairs from cues,
with class weights so the rare disagree (1.7% of all pairs, 7% of related)
counts in macro-F1.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, replace
from typing import Any, Sequence

import numpy as np

from rashomon.compare.stance import (
    FEATURE_NAMES,
    RELATED,
    STANCES,
    StanceModel,
    batched_features,
    design_matrix,
    labels,
)
from rashomon.datasets.fnc1 import (
    SPLIT_RULE,
    SPLIT_SEED,
    TEST_PERCENT,
    VALIDATION_PERCENT,
    StanceRow,
    confusion,
    fnc_score,
    macro_f1,
    pairs_for,
    per_class,
    read_fnc,
    rows_in,
)
from rashomon.linear import LinearModel, fit_lbfgs

# Products that let a linear stage see interactions the task is known to
# have: a refuting or negation cue only matters where the text is on topic.
STAGE1_PRODUCTS = (
    ("cos_max", "cos_max"),
    ("cos_max", "stem_overlap"),
    ("stem_overlap", "stem_overlap"),
    ("cos_doc", "stem_overlap_top"),
    ("name_overlap", "cos_top"),
)
STAGE2_PRODUCTS = (
    ("top_refuting", "cos_max"),
    ("top_negation", "cos_max"),
    ("doc_refuting", "stem_overlap"),
    ("top_hedge", "cos_max"),
    ("claim_question", "top_report"),
    ("cos_max", "cos_max"),
    ("stem_overlap_top", "stem_overlap_top"),
)


@dataclass(frozen=True)
class StageSpec:
    c: float = 1.0  # inverse L2 strength, scikit-learn's C
    products: bool = True
    blocks: tuple[str, ...] = ()
    weighting: str = "none"  # "none", "sqrt" or "balanced" class weights

    def describe(self) -> str:
        return f"C={self.c:g} products={self.products} blocks={','.join(self.blocks) or '-'} weighting={self.weighting}"


@dataclass
class Data:
    raw: np.ndarray
    blocks: dict[str, np.ndarray]
    y: np.ndarray  # indices into STANCES

    def take(self, mask: np.ndarray) -> "Data":
        return Data(self.raw[mask], {k: v[mask] for k, v in self.blocks.items()}, self.y[mask])

    @staticmethod
    def concat(parts: Sequence["Data"]) -> "Data":
        return Data(
            np.vstack([p.raw for p in parts]),
            {k: np.vstack([p.blocks[k] for p in parts]) for k in parts[0].blocks},
            np.concatenate([p.y for p in parts]),
        )


def _class_weights(y: np.ndarray, weighting: str) -> np.ndarray:
    classes, counts = np.unique(y, return_counts=True)
    if weighting == "none":
        per = np.ones(len(classes))
    else:
        per = counts.sum() / (len(classes) * counts)
        per = np.sqrt(per) if weighting == "sqrt" else per
    lookup = dict(zip(classes.tolist(), per.tolist()))
    return np.array([lookup[v] for v in y.tolist()])


def fit_stage(data: Data, target: np.ndarray, classes: list[str], spec: StageSpec, products) -> LinearModel:
    """Weighted multinomial logistic regression over all features (plus the chosen products and vector blocks)."""
    inputs = list(FEATURE_NAMES)
    chosen_products = list(products) if spec.products else []
    design = design_matrix(data.raw, inputs, chosen_products)
    stage = fit_lbfgs(
        design,
        {name: data.blocks[name] for name in spec.blocks},
        target,
        classes,
        spec.c,
        _class_weights(target, spec.weighting),
    )
    stage.inputs, stage.products = inputs, chosen_products
    return stage


UNRELATED = STANCES.index("unrelated")


def fit_model(
    data: Data, spec1: StageSpec, spec2: StageSpec, info: dict | None = None, cache: dict | None = None
) -> StanceModel:
    """Both stages; ``cache`` keeps stage-1 fits by spec, since stage 2's search reuses them."""
    related = (data.y != UNRELATED).astype(int)
    cache = {} if cache is None else cache
    if spec1 not in cache:
        cache[spec1] = fit_stage(data, related, ["unrelated", "related"], spec1, STAGE1_PRODUCTS)
    stage1 = cache[spec1]
    rel = data.take(related == 1)
    stage2 = fit_stage(rel, rel.y, list(RELATED), spec2, STAGE2_PRODUCTS)
    return StanceModel(stage1, stage2, info or {})


def evaluate(model: StanceModel, data: Data) -> dict:
    gold = [STANCES[i] for i in data.y]
    predicted = labels(model.proba_from_features(data.raw, data.blocks))
    score, best = fnc_score(gold, predicted)
    matrix = confusion(gold, predicted)
    return {
        "pairs": len(gold),
        "fnc_relative": round(score / best, 4),
        "macro_f1": round(macro_f1(gold, predicted), 4),
        "accuracy": round(float(np.trace(matrix) / max(1, matrix.sum())), 4),
        "per_class": {
            n: {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": s}
            for n, p, r, f, s in per_class(matrix)
        },
        "confusion": matrix.tolist(),
    }


def _objective(result: dict) -> float:
    # Both figures matter: the FNC score rewards related/unrelated, macro-F1 the rare classes.
    return result["fnc_relative"] + result["macro_f1"]


# Stage 1 reads no vector block: on a story-disjoint diagnostic inside
# train + validation (stories = connected headline/body components of related
# pairs), a claim*best block lowered unrelated F1 (0.954 -> 0.935): it learns
# topics, and FNC repeats its headlines across bodies. Related vs unrelated
# must carry over to new stories and languages.
STAGE1_START = StageSpec(c=1.0)
STAGE2_START = StageSpec(c=0.3, weighting="balanced", blocks=("claim*best", "claim*doc"))
STAGE1_CHOICES: dict = {}
STAGE2_CHOICES: dict[str, tuple[Any, ...]] = {
    "weighting": ("sqrt", "balanced"),
    "c": (0.1, 0.3, 1.0),
    "blocks": ((), ("claim*best",), ("claim*best", "claim*doc")),
}


def search(train: Data, validation: Data, out=None) -> tuple[StageSpec, StageSpec, dict, list[dict]]:
    """Coordinate search on validation: stage 1 first, then stage 2 on top of it."""
    log: list[dict] = []
    spec1, spec2 = STAGE1_START, STAGE2_START
    stage1_fits: dict = {}

    def run(s1: StageSpec, s2: StageSpec) -> dict:
        result = evaluate(fit_model(train, s1, s2, cache=stage1_fits), validation)
        entry = {
            "stage1": s1.describe(),
            "stage2": s2.describe(),
            "fnc": result["fnc_relative"],
            "macro_f1": result["macro_f1"],
        }
        log.append(entry)
        if out is not None:
            print(
                f"  fnc={entry['fnc']:.4f} macro_f1={entry['macro_f1']:.4f}  [1] {entry['stage1']}  [2] {entry['stage2']}",
                file=out,
                flush=True,
            )
        return result

    best = run(spec1, spec2)
    for key, values in STAGE1_CHOICES.items():
        for value in values:
            candidate = replace(spec1, **{key: value})
            if candidate == spec1:
                continue
            result = run(candidate, spec2)
            if _objective(result) > _objective(best):
                spec1, best = candidate, result
    for key, values in STAGE2_CHOICES.items():
        for value in values:
            candidate = replace(spec2, **{key: value})
            if candidate == spec2:
                continue
            result = run(spec1, candidate)
            if _objective(result) > _objective(best):
                spec2, best = candidate, result
    return spec1, spec2, best, log


def _data(rows: Sequence[StanceRow], bodies: dict[str, str], encoder) -> Data:
    raw, blocks = batched_features(pairs_for(rows, bodies), encoder)
    return Data(raw, blocks, np.array([STANCES.index(r.stance) for r in rows]))


def train(
    bodies_csv, stances_csv, encoder, seed: int = SPLIT_SEED, out=sys.stdout, verbose: bool = True
) -> StanceModel:
    bodies, rows = read_fnc(bodies_csv, stances_csv)
    parts = {name: rows_in(rows, name, seed) for name in ("train", "validation", "test")}
    dropped = rows_in(rows, "dropped", seed)
    for name, part in parts.items():
        print(f"{name}: {len(part)} pairs, {len({r.body_id for r in part})} bodies", file=out)
    print(f"dropped: {len(dropped)} pairs whose body or headline (not both) is a test one", file=out)
    started = time.perf_counter()
    data = {name: _data(part, bodies, encoder) for name, part in parts.items() if part}
    print(f"features in {time.perf_counter() - started:.1f}s", file=out, flush=True)
    if "validation" not in data or "train" not in data:
        raise ValueError("too few bodies for a train/validation split")
    print("search (validation):", file=out)
    spec1, spec2, validation_result, log = search(data["train"], data["validation"], out if verbose else None)
    print(f"chosen: [1] {spec1.describe()}  [2] {spec2.describe()}", file=out)
    final = fit_model(Data.concat([data["train"], data["validation"]]), spec1, spec2)
    info: dict[str, Any] = {
        "data": "FNC-1 training release (train_bodies.csv, train_stances.csv)",
        "split": {
            "by": "body id and headline (test disjoint in both; validation by body)",
            "rule": SPLIT_RULE,
            "seed": seed,
            "test_percent_of_bodies_and_of_headlines": TEST_PERCENT,
            "validation_percent_of_remaining_bodies": VALIDATION_PERCENT,
            "pairs": {name: len(part) for name, part in parts.items()} | {"dropped": len(dropped)},
            "bodies": {name: len({r.body_id for r in part}) for name, part in parts.items()},
        },
        "stage1": {"classes": ["unrelated", "related"], "spec": spec1.describe()},
        "stage2": {"classes": list(RELATED), "spec": spec2.describe()},
        "fitted_on": "train + validation, after the search",
        "validation": {k: validation_result[k] for k in ("fnc_relative", "macro_f1", "accuracy")},
        "search": log,
    }
    if "test" in data:
        # Computed once, after every choice: a report, never an input to one.
        info["test"] = evaluate(final, data["test"])
    final.info = info
    for name in ("validation", "test"):
        if name in info:
            print(f"{name}: fnc={info[name]['fnc_relative']:.4f} macro_f1={info[name]['macro_f1']:.4f}", file=out)
    return final
