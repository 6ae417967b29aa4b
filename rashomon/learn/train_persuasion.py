"""Train the persuasion model (techniques per paragraph, genre, frames) on SemEval-2023 Task 3.

    rashomon train persuasion ../shared/data/semeval2023-task3 \
        --out rashomon/persuasion/data/persuasion.json [--cache /tmp/persuasion_enc.npz]

Deterministic: the split is a hash of language and article id
(``rashomon.datasets.semeval2023.split_of``); every fit is full-batch Adam from
zero in numpy (``rashomon.linear.fit_adam``) with a fixed number of steps, so the same data gives the same
weights. Articles split three ways per language: test (20%, never read here
for fitting or choosing), validation (20% of the rest: the L2 strength, the
class weighting and every threshold) and train. The chosen spec is refitted on
train + validation with the validation thresholds; the test scores recorded in
the artifact are computed once, after every choice is made.

One model for all six languages: the features are multilingual-encoder vectors
and cue counts, so languages lend each other their examples (most techniques
have under 100 paragraphs in any one language); a one-hot language feature
lets each language keep its own base rates.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from rashomon.datasets.semeval2023 import (
    SEMEVAL_LANGUAGES,
    SPLIT_RULE,
    SPLIT_SEED,
    TEST_PERCENT,
    VALIDATION_PERCENT,
    LabelledArticle,
    gold_matrix,
    in_part,
    labelled_rows,
    multilabel_scores,
    read_language_dir,
)
from rashomon.linear import ADAM_LEARNING_RATE, ADAM_STEPS, LinearModel, fit_adam, shift_thresholds
from rashomon.persuasion.model import (
    FRAMES,
    GENRES,
    TECHNIQUES,
    ArticleFeatures,
    PersuasionModel,
    article_design,
    featurize,
    paragraph_design,
)

STEPS = ADAM_STEPS
L2_GRID = (1e-2, 3e-2, 1e-1, 3e-1)
WEIGHTINGS = ("none", "sqrt")
THRESHOLD_GRID = np.round(np.arange(0.05, 0.91, 0.025), 3)


def choose_thresholds(gold: np.ndarray, proba: np.ndarray, passes: int = 3) -> np.ndarray:
    """Per-class thresholds by coordinate ascent on micro-F1 (the task's headline score).

    Start from each class's own best F1, then revisit each class holding the
    others fixed; a class that only costs precision ends up never firing.
    """
    c = gold.shape[1]
    thresholds = np.full(c, 0.5)
    for j in range(c):
        best, best_f = 0.5, -1.0
        for t in THRESHOLD_GRID:
            pred = proba[:, j] >= t
            tp = int((pred & gold[:, j]).sum())
            f = 2 * tp / (pred.sum() + gold[:, j].sum()) if tp else 0.0
            if f > best_f + 1e-12:
                best, best_f = t, f
        thresholds[j] = best
    for _ in range(passes):
        for j in range(c):
            pred = proba >= thresholds
            tp_rest = int((pred & gold).sum() - (pred[:, j] & gold[:, j]).sum())
            fp_rest = int((pred & ~gold).sum() - (pred[:, j] & ~gold[:, j]).sum())
            fn_rest = int((~pred & gold).sum() - (~pred[:, j] & gold[:, j]).sum())
            best, best_f = thresholds[j], -1.0
            for t in list(THRESHOLD_GRID) + [1.01]:
                pj = proba[:, j] >= t
                tp = tp_rest + int((pj & gold[:, j]).sum())
                fp = fp_rest + int((pj & ~gold[:, j]).sum())
                fn = fn_rest + int((~pj & gold[:, j]).sum())
                f = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
                if f > best_f + 1e-12:
                    best, best_f = t, f
            thresholds[j] = best
    return thresholds


OFFSET_GRID = (-1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0)


def _decide_by_language(head: LinearModel, proba: np.ndarray, languages: np.ndarray) -> np.ndarray:
    out = np.zeros(proba.shape, dtype=bool)
    for lang in set(languages.tolist()):
        mask = languages == lang
        out[mask] = head.decide(proba[mask], lang)
    return out


def choose_language_offsets(
    gold: np.ndarray, proba: np.ndarray, languages: np.ndarray, thresholds: np.ndarray
) -> dict[str, float]:
    """One logit shift of all thresholds per language, on that language's validation micro-F1.

    One number per language, not per technique: validation holds 20-90
    articles a language, too few to tune 23 cuts each without chasing noise.
    """
    offsets = {}
    for lang in sorted(set(languages.tolist())):
        mask = languages == lang
        scored = [
            (
                multilabel_scores(gold[mask], proba[mask] >= shift_thresholds(thresholds, o), TECHNIQUES)["micro_f1"],
                -abs(o),
                o,
            )
            for o in OFFSET_GRID
        ]
        best = max(scored)
        if best[2]:
            offsets[lang] = best[2]
    return offsets


CLASS_OFFSET_GRID = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)


def _argmax(logits: np.ndarray) -> np.ndarray:
    out = np.zeros(logits.shape, dtype=bool)
    out[np.arange(len(logits)), logits.argmax(axis=1)] = True
    return out


def choose_class_offsets(gold: np.ndarray, logits: np.ndarray, classes: Sequence[str]) -> np.ndarray:
    """Logit offsets for the minority classes, on validation macro-F1.

    Three quarters of the training articles are opinion pieces, so a plain
    argmax calls nearly everything opinion; shifting the rarer classes up is
    the softmax's counterpart of the techniques' thresholds.
    """
    import itertools

    majority = int(gold.sum(axis=0).argmax())
    others = [j for j in range(len(classes)) if j != majority]
    best = (-1.0, 0.0, np.zeros(len(classes)))
    for combo in itertools.product(CLASS_OFFSET_GRID, repeat=len(others)):
        offsets = np.zeros(len(classes))
        offsets[others] = combo
        score = multilabel_scores(gold, _argmax(logits + offsets), classes)["macro_f1"]
        # Ties go to the smaller shift: no evidence, no move.
        key = (score, -float(np.abs(offsets).sum()))
        if key > best[:2]:
            best = (key[0], key[1], offsets)
    return best[2]


@dataclass
class Part:
    articles: list[LabelledArticle]
    features: list[ArticleFeatures]

    def paragraph_xy(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Design rows of labelled paragraphs, their gold, and each row's language."""
        numbers = [[p.index for p in f.paragraphs] for f in self.features]
        x = np.vstack([paragraph_design(f.raw, f.blocks) for f in self.features if f.paragraphs])
        keep = labelled_rows(self.articles, numbers)
        gold = gold_matrix(self.articles, numbers, TECHNIQUES)
        languages = np.array([f.language for f in self.features for _ in f.paragraphs])
        return x[keep], gold[keep], languages[keep]

    def article_xy(self, what: str) -> tuple[np.ndarray, np.ndarray]:
        rows = [i for i, a in enumerate(self.articles) if (a.genre if what == "genre" else a.frames) is not None]
        x = article_design([self.features[i] for i in rows])
        classes = GENRES if what == "genre" else FRAMES
        y = np.zeros((len(rows), len(classes)), dtype=bool)
        for r, i in enumerate(rows):
            a = self.articles[i]
            # Only articles with the labels are rows (above).
            for label in [a.genre] if what == "genre" else a.frames or []:
                if label in classes:
                    y[r, classes.index(label)] = True
        return x, y


def _concat(parts: Sequence[Part]) -> Part:
    return Part([a for p in parts for a in p.articles], [f for p in parts for f in p.features])


def _per_language(gold, pred, languages) -> dict:
    out = {}
    for lang in sorted(set(languages.tolist())):
        mask = languages == lang
        s = multilabel_scores(gold[mask], pred[mask], TECHNIQUES)
        out[lang] = {
            "micro_f1": round(s["micro_f1"], 4),
            "macro_f1": round(s["macro_f1"], 4),
            "paragraphs": int(mask.sum()),
        }
    return out


def _macro_f1_single(gold: np.ndarray, pred: np.ndarray) -> float:
    scores = multilabel_scores(gold, pred, GENRES)
    return scores["macro_f1"]


def train(
    data_root: str | Path,
    encoder=None,
    log=None,
    steps: int = STEPS,
    l2_grid: Sequence[float] = L2_GRID,
    weightings: Sequence[str] = WEIGHTINGS,
    languages: Sequence[str] | None = None,
) -> PersuasionModel:
    log = log or sys.stderr
    started = time.time()
    codes = [c for c in SEMEVAL_LANGUAGES if (Path(data_root) / c).is_dir()] if languages is None else list(languages)
    articles = [a for code in codes for a in read_language_dir(data_root, code)]
    print(f"{len(articles)} articles in {codes}", file=log)
    features = featurize([(a.text, a.language) for a in articles], encoder)
    by_id = {id(a): f for a, f in zip(articles, features)}

    def part(name: str) -> Part:
        chosen = in_part(articles, name)
        return Part(chosen, [by_id[id(a)] for a in chosen])

    train_part, val_part, test_part = part("train"), part("validation"), part("test")
    print(
        f"articles train/validation/test: {len(train_part.articles)}/{len(val_part.articles)}/{len(test_part.articles)} "
        f"({time.time() - started:.0f}s)",
        file=log,
    )

    # --- techniques: choose L2 and weighting on validation micro-F1 ---------------
    xt, yt, _ = train_part.paragraph_xy()
    xv, yv, lv = val_part.paragraph_xy()
    best = None
    search = []
    for weighting in weightings:
        for l2 in l2_grid:
            proba = fit_adam(xt, yt, l2, "sigmoid", weighting, steps, classes=TECHNIQUES).predict_proba(xv)
            thresholds = choose_thresholds(yv, proba)
            micro = multilabel_scores(yv, proba >= thresholds, TECHNIQUES)["micro_f1"]
            search.append({"l2": l2, "weighting": weighting, "validation_micro_f1": round(micro, 4)})
            print(f"techniques l2={l2:g} weighting={weighting}: validation micro-F1 {micro:.4f}", file=log)
            if best is None or micro > best[0] + 1e-9:
                best = (micro, l2, weighting, thresholds, proba)
    if best is None:
        raise ValueError("no setting to choose from: pass at least one weighting and one L2")
    micro, l2, weighting, thresholds, val_proba = best
    offsets = choose_language_offsets(yv, val_proba, lv, thresholds)
    val_head = LinearModel(
        np.zeros((1, len(TECHNIQUES))),
        np.zeros(len(TECHNIQUES)),
        "sigmoid",
        list(TECHNIQUES),
        thresholds=thresholds,
        language_offsets=offsets,
    )
    val_pred = _decide_by_language(val_head, val_proba, lv)
    val_per_language = _per_language(yv, val_pred, lv)
    print(
        f"language offsets {offsets}: validation micro-F1 {multilabel_scores(yv, val_pred, TECHNIQUES)['micro_f1']:.4f}",
        file=log,
    )
    trainval = _concat([train_part, val_part])
    xa, ya, _ = trainval.paragraph_xy()
    techniques = fit_adam(xa, ya, l2, "sigmoid", weighting, steps, classes=TECHNIQUES)
    techniques.thresholds = np.asarray(thresholds, dtype=np.float64)
    techniques.language_offsets = offsets

    # --- genre (softmax) and frames (multi-label) per article -----------------------
    def article_search(what: str, kind: str, classes):
        xt_, yt_ = train_part.article_xy(what)
        xv_, yv_ = val_part.article_xy(what)
        chosen = None
        for weighting_ in weightings:
            for l2_ in l2_grid:
                head_ = fit_adam(xt_, yt_, l2_ * 10, kind, weighting_, steps, classes=classes)
                proba_ = head_.predict_proba(xv_)
                if kind == "sigmoid":
                    thr = choose_thresholds(yv_, proba_)
                    score = multilabel_scores(yv_, proba_ >= thr, classes)["micro_f1"]
                else:
                    thr = choose_class_offsets(yv_, head_.decision_function(xv_), classes)
                    score = multilabel_scores(yv_, _argmax(head_.decision_function(xv_) + thr), classes)["macro_f1"]
                print(f"{what} l2={l2_ * 10:g} weighting={weighting_}: validation {score:.4f}", file=log)
                if chosen is None or score > chosen[0] + 1e-9:
                    chosen = (score, l2_ * 10, weighting_, thr)
        if chosen is None:
            raise ValueError("no setting to choose from: pass at least one weighting and one L2")
        score, l2_, weighting_, thr = chosen
        xa_, ya_ = trainval.article_xy(what)
        choice = {"l2": l2_, "weighting": weighting_, "validation": round(score, 4)}
        if kind == "softmax":
            head = fit_adam(xa_, ya_, l2_, kind, weighting_, steps, classes=classes)
            # The class offsets are folded into the bias: the artifact stays a plain softmax.
            head.bias = head.bias + thr
            choice["class_offsets"] = {c: float(o) for c, o in zip(classes, thr)}
        else:
            head = fit_adam(xa_, ya_, l2_, kind, weighting_, steps, classes=classes)
            head.thresholds = np.asarray(thr, dtype=np.float64)
        return head, choice

    genre, genre_choice = article_search("genre", "softmax", GENRES)
    frames, frames_choice = article_search("frames", "sigmoid", FRAMES)

    # --- test, once -----------------------------------------------------------------
    xs, ys, ls = test_part.paragraph_xy()
    test_pred = _decide_by_language(techniques, techniques.predict_proba(xs), ls)
    test_scores = multilabel_scores(ys, test_pred, TECHNIQUES)
    gx, gy = test_part.article_xy("genre")
    fx, fy = test_part.article_xy("frames")
    info: dict[str, Any] = {
        "data": "SemEval-2023 Task 3 training release, " + ", ".join(codes),
        "split": {
            "rule": SPLIT_RULE,
            "seed": SPLIT_SEED,
            "test_percent": TEST_PERCENT,
            "validation_percent": VALIDATION_PERCENT,
            "articles": {
                "train": len(train_part.articles),
                "validation": len(val_part.articles),
                "test": len(test_part.articles),
            },
        },
        "fit": {"steps": steps, "learning_rate": ADAM_LEARNING_RATE, "refit_on": "train+validation"},
        "techniques": {
            "chosen": {
                "l2": l2,
                "weighting": weighting,
                "validation_micro_f1": round(micro, 4),
                "language_offsets": offsets,
            },
            "search": search,
            "validation_per_language": val_per_language,
            "test": {
                "micro_f1": round(test_scores["micro_f1"], 4),
                "macro_f1": round(test_scores["macro_f1"], 4),
                "per_language": _per_language(ys, test_pred, ls),
            },
        },
        "genre": {
            "chosen": genre_choice,
            "test_macro_f1": round(multilabel_scores(gy, genre.decide(genre.predict_proba(gx)), GENRES)["macro_f1"], 4),
        },
        "frames": {
            "chosen": frames_choice,
            "test_micro_f1": round(
                multilabel_scores(fy, frames.decide(frames.predict_proba(fx)), FRAMES)["micro_f1"], 4
            ),
        },
    }
    print(
        f"test: techniques micro-F1 {info['techniques']['test']['micro_f1']} macro-F1 "
        f"{info['techniques']['test']['macro_f1']}; genre macro-F1 {info['genre']['test_macro_f1']}; "
        f"frames micro-F1 {info['frames']['test_micro_f1']} ({time.time() - started:.0f}s)",
        file=log,
    )
    return PersuasionModel(techniques, genre, frames, info)
