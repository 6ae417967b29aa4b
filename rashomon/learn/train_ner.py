"""Train the named-entity recogniser of one language on a WikiANN training file.

    OMP_NUM_THREADS=1 rashomon train ner ../shared/data/wikiann/de/train.conllu --lang de \\
        --out rashomon/analyze/data/ner

writes ``<out>/<code>.crfsuite`` (the CRF), ``<out>/<code>.names.tsv`` (the gazetteer of the training file's
entity names its features read) and ``<out>/<code>.json`` (settings, sizes, tuning score, seconds).

Deterministic: the training file is split by a hash of each sentence's words (``datasets.wikiann.split_of``:
90% train, 10% tune); the CRF (L-BFGS, elastic net) is fitted on the train part and scored on the tune part,
which is all it is ever tuned on (the validation file is only scored, by ``rashomon bench ner``). The gazetteer
features are cross-fitted: a training sentence sees the names of the other folds only, as a sentence at run
time sees names the model may or may not have been trained on; otherwise the model would learn that a listed
name is always an entity of its listed type.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Sequence, TextIO

from rashomon.analyze.ner import spans_of, token_features
from rashomon.datasets.splits import bucket
from rashomon.datasets.wikiann import SPLIT_SEED, TUNE_PERCENT, Sentence, read_iob, split_of

C1 = 0.05  # L1: prunes the rare features, keeps the artifact small
C2 = 0.01  # L2
ITERATIONS = 100  # L-BFGS iterations: a fixed budget (minutes per language on one core), not tuned
FOLDS = 4  # gazetteer cross-fitting folds
FOLD_SEED = 7


def gazetteer_of(sentences: Sequence[Sentence]) -> dict[str, str]:
    """Every entity name of ``sentences`` (words joined by spaces, case kept) with its most frequent type; names
    written all in lower case are left out ("may" is a name once and a verb a thousand times)."""
    types: dict[str, Counter] = defaultdict(Counter)
    for sentence in sentences:
        for first, last, kind in spans_of(sentence.tags):
            name = " ".join(sentence.words[first:last])
            if name.lower() != name or name.upper() == name.lower():
                types[name][kind] += 1
    # Ties go to the type first seen, so the result depends on the file alone.
    return {name: counts.most_common(1)[0][0] for name, counts in types.items()}


def _fold(sentence: Sentence) -> int:
    return bucket(FOLD_SEED, "fold", sentence.key()) % FOLDS


def tune_score(tagger, sentences: Sequence[Sentence], gazetteer: dict[str, str]) -> tuple[float, float, float]:
    """(F1, precision, recall) of exact typed spans on ``sentences``."""
    tp = fp = fn = 0
    for s in sentences:
        gold = set(spans_of(s.tags))
        found = set(spans_of(tagger.tag(token_features(s.words, gazetteer))))
        tp, fp, fn = tp + len(gold & found), fp + len(found - gold), fn + len(gold - found)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return (2 * precision * recall / (precision + recall) if precision + recall else 0.0), precision, recall


def train(
    train_path: Path | str,
    language: str,
    out_dir: Path | str,
    c1: float = C1,
    c2: float = C2,
    iterations: int = ITERATIONS,
    limit: int | None = None,
    log: TextIO | None = None,
) -> dict:
    """Fit, score on the tune part, write the three files; return the info written to ``<code>.json``."""
    import pycrfsuite

    log = log or sys.stderr
    began = time.perf_counter()
    sentences = read_iob(train_path, limit)
    fit = [s for s in sentences if split_of(s) == "train"]
    tune = [s for s in sentences if split_of(s) == "tune"]
    print(f"{language}: {len(fit)} training and {len(tune)} tuning sentences", file=log)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    by_fold = {k: gazetteer_of([s for s in fit if _fold(s) != k]) for k in range(FOLDS)}
    trainer = pycrfsuite.Trainer(verbose=False)
    for s in fit:
        trainer.append(token_features(s.words, by_fold[_fold(s)]), list(s.tags))
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iterations, "feature.possible_transitions": True})
    model_path = out / f"{language}.crfsuite"
    trainer.train(str(model_path))
    gazetteer = gazetteer_of(fit)
    (out / f"{language}.names.tsv").write_text(
        "".join(f"{name}\t{kind}\n" for name, kind in sorted(gazetteer.items())), encoding="utf-8"
    )
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_path))
    f1, precision, recall = tune_score(tagger, tune, gazetteer)
    seconds = time.perf_counter() - began
    print(f"{language}: tune F1 {f1:.4f} (P {precision:.4f} R {recall:.4f}) in {seconds:.0f} s", file=log)
    info = {
        "language": language,
        "data": f"WikiANN training file ({Path(train_path).name}), first {limit} sentences"
        if limit
        else f"WikiANN training file ({Path(train_path).name})",
        "split": {"seed": SPLIT_SEED, "tune_percent": TUNE_PERCENT, "train": len(fit), "tune": len(tune)},
        "crf": {"c1": c1, "c2": c2, "iterations": iterations, "gazetteer_folds": FOLDS},
        "names": len(gazetteer),
        "tune": {"f1": round(f1, 4), "precision": round(precision, 4), "recall": round(recall, 4)},
    }
    # Seconds are printed, not stored: the files must come out byte for byte the same on every run.
    (out / f"{language}.json").write_text(json.dumps(info, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return info
