"""Train the span technique classifier on SemEval-2020 Task 11 (PTC, subtask TC).

    rashomon train propaganda ../shared/data/ptc-semeval2020-task11/train-articles \
        ../shared/data/ptc-semeval2020-task11/train-labels-task-flc-tc \
        --out rashomon/persuasion/data/propaganda.json [--cache /tmp/persuasion_enc.npz]

Deterministic like ``train_persuasion``: articles split by a hash of their id
(``rashomon.datasets.ptc.split_of``), full-batch Adam from zero, L2 and
class weighting chosen on validation spans, refit on train + validation, the
test score computed once and recorded in the artifact.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

import numpy as np

from rashomon.datasets.ptc import SPLIT_RULE, SPLIT_SEED, TEST_PERCENT, VALIDATION_PERCENT, micro_f1, read_ptc, spans_in
from rashomon.learn.train_persuasion import L2_GRID, STEPS, WEIGHTINGS
from rashomon.linear import fit_adam
from rashomon.persuasion.propaganda import PTC_TECHNIQUES, GivenSpan, PropagandaModel, span_design, top_labels


def _xy(texts, spans, encoder):
    x = span_design(texts, [GivenSpan(s.article_id, s.start, s.end) for s in spans], encoder)
    y = np.zeros((len(spans), len(PTC_TECHNIQUES)))
    for i, s in enumerate(spans):
        for t in s.techniques:
            y[i, PTC_TECHNIQUES.index(t)] = 1.0
    # A span with two labels is two half-examples of the softmax.
    y = y / np.clip(y.sum(axis=1, keepdims=True), 1, None)
    return x, y


def train(
    articles_dir: str | Path,
    labels_dir: str | Path,
    encoder=None,
    log=None,
    steps: int = STEPS,
    l2_grid: Sequence[float] = L2_GRID,
    weightings: Sequence[str] = WEIGHTINGS,
) -> PropagandaModel:
    log = log or sys.stderr
    texts, spans = read_ptc(articles_dir, labels_dir)
    parts = {p: spans_in(spans, p) for p in ("train", "validation", "test")}
    print("spans train/validation/test: " + "/".join(str(len(parts[p])) for p in parts), file=log)
    xt, yt = _xy(texts, parts["train"], encoder)
    xv, _ = _xy(texts, parts["validation"], encoder)
    gold_v = [s.techniques for s in parts["validation"]]
    best = None
    search = []
    for weighting in weightings:
        for l2 in l2_grid:
            head = fit_adam(xt, yt, l2, "softmax", weighting, steps, classes=PTC_TECHNIQUES)
            score = micro_f1(gold_v, top_labels(head.predict_proba(xv), [len(g) for g in gold_v], PTC_TECHNIQUES))
            search.append({"l2": l2, "weighting": weighting, "validation_micro_f1": round(score, 4)})
            print(f"l2={l2:g} weighting={weighting}: validation micro-F1 {score:.4f}", file=log)
            if best is None or score > best[0] + 1e-9:
                best = (score, l2, weighting)
    if best is None:
        raise ValueError("no setting to choose from: pass at least one weighting and one L2")
    score, l2, weighting = best
    xa = np.vstack([xt, xv])
    _, yv = _xy(texts, parts["validation"], encoder)
    ya = np.vstack([yt, yv])
    head = fit_adam(xa, ya, l2, "softmax", weighting, steps, classes=PTC_TECHNIQUES)
    xs, _ = _xy(texts, parts["test"], encoder)
    gold_s = [s.techniques for s in parts["test"]]
    test = micro_f1(gold_s, top_labels(head.predict_proba(xs), [len(g) for g in gold_s], PTC_TECHNIQUES))
    print(f"test micro-F1 {test:.4f}", file=log)
    info = {
        "data": "SemEval-2020 Task 11 (PTC) training release, technique classification",
        "split": {
            "rule": SPLIT_RULE,
            "seed": SPLIT_SEED,
            "test_percent": TEST_PERCENT,
            "validation_percent": VALIDATION_PERCENT,
            "spans": {p: len(v) for p, v in parts.items()},
        },
        "fit": {"steps": steps, "refit_on": "train+validation"},
        "chosen": {"l2": l2, "weighting": weighting, "validation_micro_f1": round(score, 4)},
        "search": search,
        "test": {"micro_f1": round(test, 4)},
    }
    return PropagandaModel(head, info)
