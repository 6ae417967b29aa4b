"""``rashomon train alignment``: calibrate statement alignment on the statement-pair gold set.

Reads the gold pairs (``tests/fixtures/alignment/gold.jsonl``, texts read back from the SemEval-2022 pairs file),
analyses their article pairs as two-article stories (``datasets.alignment``, cached with ``--articles-cache``),
finds each gold statement among the comparison's statements by its offsets, and computes the calibration's
features (``compare.calibration.features``) for every gold pair.

The quarter of the article pairs ``datasets.alignment.held_out`` names is never looked at while tuning. On the rest:
a logistic regression (``linear.fit_lbfgs``), out-of-fold probabilities by grouped k-fold (article pairs that share
an article share a fold), the lowest threshold reaching ``TARGET_PRECISION`` on them (else the best F0.5), and a per-language-pair shift upwards (never below the
global threshold: precision first) where a pair has enough gold pairs (``MIN_PAIRS_FOR_OFFSET``). The model is then fitted on the whole tuning part. Reported: precision
and recall per language pair, out of fold on the tuning part, and on the held-out part, for the calibration and for
the fixed-cosine rule it replaces.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

import numpy as np

from rashomon.compare import align, calibration
from rashomon.datasets.alignment import (
    DEFAULT_ALIGNMENT_GOLD,
    GoldStatementPair,
    analysed_articles,
    article_id,
    pair_statements,
    read_statement_gold,
)
from rashomon.datasets.semeval2022 import read_pairs
from rashomon.linear import LinearModel, fit_lbfgs
from rashomon.stories.combiner import connected_groups, grouped_folds

FOLDS = 5
SEED = 0
C = 1.0
MIN_PAIRS_FOR_OFFSET = 30  # and at least MIN_POSITIVES_FOR_OFFSET aligned ones
MIN_POSITIVES_FOR_OFFSET = 8
FLOOR_MARGIN = 0.02
TARGET_PRECISION = 0.8
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "compare" / "data" / "alignment.json"


def gold_features(gold: list[GoldStatementPair], pairs_csv: str | Path, encoder, articles_cache, out: TextIO):
    """Feature rows, the old rule's verdicts and the kept gold pairs (those whose statements the analysis finds)."""
    wanted = {g.pair_id for g in gold}
    pairs = [p for p in read_pairs(pairs_csv) if p.pair_id in wanted]
    articles = analysed_articles(pairs, cache=articles_cache, out=out)
    statements = {}
    vocabularies = {}
    for pair in pairs:
        first, second, vocab = pair_statements(pair, articles, encoder)
        for side, items in ((1, first), (2, second)):
            for st in items:
                statements[(pair.pair_id, side, st.start, st.end)] = st
        vocabularies[pair.pair_id] = vocab
    rows, old_rule, kept, missing = [], [], [], 0
    for g in gold:
        a = statements.get((g.pair_id, 1, g.a.start, g.a.end))
        b = statements.get((g.pair_id, 2, g.b.start, g.b.end))
        if a is None or b is None or a.vector is None or b.vector is None:
            missing += 1
            continue
        vocab = vocabularies[g.pair_id]
        cosine = float(a.vector @ b.vector)
        stems, ents = align.shared_anchors(a, b, vocab)
        rows.append(calibration.features(a, b, cosine, stems, ents, vocab.counted_vectors))
        # The rule before calibration: a candidate (shared anchor or fixed cosine), and across languages what
        # the judge then required (cosine 0.6 and an entity or number; agreement at 0.75).
        if a.language == b.language:
            old_rule.append(bool(stems or ents) or cosine >= align.SAME_LANGUAGE_COS)
        else:
            old_rule.append(cosine >= align.CROSS_LINGUAL_COS and bool(ents or rows[-1][4]))
        kept.append(g)
    if missing:
        print(f"{missing} gold pairs skipped: a statement the analysis no longer gives at those offsets", file=out)
    return np.asarray(rows, dtype=np.float64), np.asarray(old_rule, dtype=bool), kept, articles


def _fit(x: np.ndarray, y: np.ndarray) -> LinearModel:
    """A sigmoid head from the two-class softmax fit (class 1's logit against class 0's zero)."""
    model = fit_lbfgs(x, {}, y.astype(np.int64), ["not-aligned", "aligned"], C, np.ones(len(y)))
    weights = (model.weights[:, 1] - model.weights[:, 0]).reshape(-1, 1)
    bias = np.atleast_1d(np.asarray(model.bias, dtype=np.float64))
    return LinearModel(
        weights,
        np.array([bias[1] - bias[0]]),
        "sigmoid",
        ["aligned"],
        inputs=list(calibration.FEATURES),
        mean=model.mean,
        scale=model.scale,
    )


def _best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The lowest threshold whose precision reaches TARGET_PRECISION (the most recall at that precision); where none
    does, the one with the best F0.5. Precision first: a wrong alignment becomes an agreement a reader sees."""
    best_f, best_t, reaching = -1.0, 0.5, None
    for t in np.round(np.arange(0.2, 0.95, 0.01), 2):
        pred = p >= t
        tp = float((pred & y).sum())
        precision = tp / pred.sum() if pred.sum() else 0.0
        recall = tp / y.sum() if y.sum() else 0.0
        if reaching is None and pred.sum() >= 3 and precision >= TARGET_PRECISION:
            reaching = float(t)
        f = 1.25 * precision * recall / (0.25 * precision + recall) if precision + recall else 0.0
        if f > best_f + 1e-9:
            best_f, best_t = f, float(t)
    return reaching if reaching is not None else best_t


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


def _scores(pred: np.ndarray, y: np.ndarray) -> str:
    tp = int((pred & y).sum())
    precision = tp / pred.sum() if pred.sum() else float("nan")
    recall = tp / y.sum() if y.sum() else float("nan")
    return f"P {precision:.2f} R {recall:.2f} (tp {tp}, predicted {int(pred.sum())}, gold {int(y.sum())})"


def report(title: str, keys: list[str], y: np.ndarray, predictions: dict[str, np.ndarray], out: TextIO) -> None:
    print(f"\n{title}", file=out)
    print("| languages | pairs | aligned | " + " | ".join(predictions) + " |", file=out)
    print("|---|---|---|" + "---|" * len(predictions), file=out)
    for key in sorted(set(keys)) + ["all"]:
        mask = np.ones(len(keys), bool) if key == "all" else np.array([k == key for k in keys])
        cells = [_scores(pred[mask], y[mask]) for pred in predictions.values()]
        print(f"| {key} | {int(mask.sum())} | {int(y[mask].sum())} | " + " | ".join(cells) + " |", file=out)


def train_alignment(
    pairs_csv: str | Path,
    *,
    gold_path: str | Path = DEFAULT_ALIGNMENT_GOLD,
    encoder,
    articles_cache: str | Path | None = None,
    out_path: str | Path | None = DEFAULT_OUT,
    out: TextIO = sys.stdout,
) -> calibration.Calibration:
    gold = read_statement_gold(pairs_csv, gold_path)
    x, old_rule, kept, articles = gold_features(gold, pairs_csv, encoder, articles_cache, out)
    y = np.array([g.aligned for g in kept])
    keys = [calibration.language_pair(*g.languages.split("-")) for g in kept]
    held = np.array([g.held_out for g in kept])
    tune = ~held
    print(f"{len(kept)} gold pairs: {int(tune.sum())} to tune on, {int(held.sum())} held out", file=out)
    tune_idx = np.flatnonzero(tune)
    groups = connected_groups(
        [articles[article_id(kept[i].pair_id, 1)].original[:2000] for i in tune_idx],
        [articles[article_id(kept[i].pair_id, 2)].original[:2000] for i in tune_idx],
    )
    folds = grouped_folds(groups, FOLDS, SEED)
    oof = np.zeros(len(tune_idx))
    for fold in range(FOLDS):
        test = folds == fold
        model = _fit(x[tune_idx][~test], y[tune_idx][~test])
        oof[test] = model.predict_proba(x[tune_idx][test])[:, 0]
    y_tune = y[tune_idx]
    threshold = _best_threshold(oof, y_tune)
    offsets: dict[str, float] = {}
    tune_keys = [keys[i] for i in tune_idx]
    for key in sorted(set(tune_keys)):
        mask = np.array([k == key for k in tune_keys])
        if mask.sum() >= MIN_PAIRS_FOR_OFFSET and y_tune[mask].sum() >= MIN_POSITIVES_FOR_OFFSET:
            # A language pair's sample is thin: it may raise its bar, never lower it below the global one.
            own = max(_best_threshold(oof[mask], y_tune[mask]), threshold)
            if own != threshold:
                offsets[key] = round(_logit(own) - _logit(threshold), 3)
    model = _fit(x[tune_idx], y_tune)
    model.thresholds = np.array([threshold])
    model.language_offsets = offsets

    def decide(probabilities: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return np.array([p >= model.thresholds_for(keys[i])[0] for p, i in zip(probabilities, rows)], dtype=bool)

    oof_pred = decide(oof, tune_idx)
    report(
        "Out of fold, tuning part (grouped by article pair)",
        tune_keys,
        y_tune,
        {"calibrated": oof_pred, "fixed cosines (before)": old_rule[tune_idx]},
        out,
    )
    held_idx = np.flatnonzero(held)
    held_pred = decide(model.predict_proba(x[held_idx])[:, 0], held_idx)
    report(
        "Held out (never tuned on)",
        [keys[i] for i in held_idx],
        y[held_idx],
        {"calibrated": held_pred, "fixed cosines (before)": old_rule[held_idx]},
        out,
    )
    # Pairs sharing nothing but meaning are only met from this cosine up: below the lowest the model accepts.
    cos_col = calibration.FEATURES.index("cosine")
    anchor_cols = [calibration.FEATURES.index(n) for n in ("entities", "values", "stems")]
    lone = tune_idx[(x[tune_idx][:, anchor_cols].sum(axis=1) == 0)]
    accepted = lone[decide(model.predict_proba(x[lone])[:, 0], lone)] if len(lone) else lone
    floor = float(x[accepted, cos_col].min()) - FLOOR_MARGIN if len(accepted) else align.CROSS_LINGUAL_COS
    result = calibration.Calibration(
        model,
        round(max(floor, 0.3), 3),
        {
            "command": "rashomon train alignment PAIRS.csv",
            "gold": str(Path(gold_path).name),
            "gold_pairs": len(kept),
            "tuned_on": int(tune.sum()),
            "held_out": int(held.sum()),
            "folds": FOLDS,
            "threshold_by": f"most recall at precision {TARGET_PRECISION} out of fold (else F0.5)",
        },
    )
    print(
        f"\nthreshold {threshold:.2f}, per language pair shifts {offsets or 'none'}, cosine floor {result.cosine_floor}",
        file=out,
    )
    print(
        "weights: "
        + ", ".join(f"{n} {w:+.2f}" for n, w in zip(calibration.FEATURES, model.weights[:, 0] / model.scale)),
        file=out,
    )
    if out_path is not None:
        Path(out_path).write_text(json.dumps(result.to_dict(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {out_path}", file=out)
    tp = int((held_pred & y[held_idx]).sum())
    print(
        f"held_out_precision={tp / max(int(held_pred.sum()), 1):.3f} "
        f"held_out_recall={tp / max(int(y[held_idx].sum()), 1):.3f}",
        file=out,
    )
    return result


__all__ = ["train_alignment"]
