"""SemEval-2023 Task 3 (persuasion in online news, en fr ge it po ru): its readers, split and scores.

Only the training release is here, so test and validation ARTICLES are held out by a hash of the language and
article id (``split_of``): ``rashomon.learn.train_persuasion`` never fits on nor chooses with a test article, and
``rashomon bench persuasion`` rebuilds the same split from the files. Scores are the task's (``multilabel_scores``):
micro-F1 over (paragraph, technique) decisions, macro-F1 the mean of per-technique F1 over techniques that occur
in gold or predictions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from rashomon.datasets.splits import hashed_split

SPLIT_SEED = 20240923
TEST_PERCENT = 20  # of articles, per language
VALIDATION_PERCENT = 20  # of the remaining articles, for every choice
SPLIT_RULE = (
    "bucket = int(sha1(f'{seed}:{part}:{language}:{article_id}').hexdigest(), 16) % 100; "
    "test if bucket('test') < 20, else validation if bucket('validation') < 20, else train"
)
# SemEval's directory codes -> ISO 639-1, which the rest of rashomon speaks.
SEMEVAL_LANGUAGES = {"en": "en", "fr": "fr", "ge": "de", "it": "it", "po": "pl", "ru": "ru"}


def iso_language(code: str) -> str:
    return SEMEVAL_LANGUAGES.get(code, code)


def split_of(language: str, article_id: str, seed: int = SPLIT_SEED) -> str:
    """'test', 'validation' or 'train': a pure function of language, id and seed."""
    return hashed_split(f"{iso_language(language)}:{article_id}", seed, TEST_PERCENT, VALIDATION_PERCENT)


@dataclass
class LabelledArticle:
    id: str
    language: str  # ISO 639-1
    text: str
    paragraphs: dict[int, list[str]]  # paragraph_no (1-based line) -> techniques; every labelled line
    genre: str | None = None
    frames: list[str] | None = None


def _read_pairs(path: Path) -> dict[str, str]:
    out = {}
    if path.is_file():
        for line in path.read_text("utf-8").splitlines():
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and parts[0].strip():
                out[parts[0].strip()] = parts[1].strip()
    return out


def read_subtask3(
    articles_dir: str | Path,
    labels: str | Path,
    language: str,
    genres: str | Path | None = None,
    frames: str | Path | None = None,
) -> list[LabelledArticle]:
    """Articles with paragraph labels (``article_id<TAB>paragraph_no<TAB>techniques``)."""
    articles_dir = Path(articles_dir)
    by_article: dict[str, dict[int, list[str]]] = {}
    for line in Path(labels).read_text("utf-8").splitlines():
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 2 or not parts[0].strip():
            continue
        techniques = [t.strip() for t in (parts[2] if len(parts) > 2 else "").split(",") if t.strip()]
        by_article.setdefault(parts[0].strip(), {})[int(parts[1])] = techniques
    genre_of = _read_pairs(Path(genres)) if genres else {}
    frames_of = _read_pairs(Path(frames)) if frames else {}
    out = []
    for article_id in sorted(by_article):
        path = articles_dir / f"article{article_id}.txt"
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8")  # as stored: span offsets count "\r" too
        frame_list = [f for f in frames_of[article_id].split(",") if f] if article_id in frames_of else None
        out.append(
            LabelledArticle(
                article_id, iso_language(language), text, by_article[article_id], genre_of.get(article_id), frame_list
            )
        )
    return out


def read_language_dir(root: str | Path, code: str) -> list[LabelledArticle]:
    """One language folder of the SemEval-2023 Task 3 release (``en``, ``ge``, ...)."""
    d = Path(root) / code
    return read_subtask3(
        d / "train-articles",
        d / "train-labels-subtask-3.txt",
        code,
        d / "train-labels-subtask-1.txt",
        d / "train-labels-subtask-2.txt",
    )


def in_part(articles: Sequence[LabelledArticle], part: str) -> list[LabelledArticle]:
    return [a for a in articles if split_of(a.language, a.id) == part]


def gold_matrix(
    articles: Sequence[LabelledArticle], paragraph_numbers: Sequence[list[int]], classes: Sequence[str]
) -> np.ndarray:
    """(total paragraphs, C) booleans, paragraphs in the order the features list them."""
    index = {c: i for i, c in enumerate(classes)}
    rows = []
    for article, numbers in zip(articles, paragraph_numbers):
        for n in numbers:
            row = np.zeros(len(classes), dtype=bool)
            for t in article.paragraphs.get(n, []):
                if t in index:
                    row[index[t]] = True
            rows.append(row)
    return np.vstack(rows) if rows else np.zeros((0, len(classes)), dtype=bool)


def labelled_rows(articles: Sequence[LabelledArticle], paragraph_numbers: Sequence[list[int]]) -> np.ndarray:
    """Which feature rows carry a label line (SemEval scores only those paragraphs)."""
    return np.array([n in a.paragraphs for a, numbers in zip(articles, paragraph_numbers) for n in numbers], dtype=bool)


def read_gold_spans(spans_dir: str | Path, article_id: str) -> list[tuple[str, int, int]]:
    """``(technique, start, end)`` of ``article<ID>-labels-subtask-3.txt`` (id, technique, start, end); [] if absent."""
    path = Path(spans_dir) / f"article{article_id}-labels-subtask-3.txt"
    out = []
    if path.is_file():
        for line in path.read_text("utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 4 and parts[2].strip().isdigit() and parts[3].strip().isdigit():
                out.append((parts[1].strip(), int(parts[2]), int(parts[3])))
    return out


def spans_meet(a: int, b: int, gold_start: int, gold_end: int) -> bool:
    # A few characters in common, not a shared space: some released offsets are a word or two off.
    return min(b, gold_end) - max(a, gold_start) >= max(1, min(3, b - a, gold_end - gold_start))


def multilabel_scores(gold: np.ndarray, predicted: np.ndarray, classes: Sequence[str]) -> dict:
    tp = (gold & predicted).sum(axis=0)
    fp = (~gold & predicted).sum(axis=0)
    fn = (gold & ~predicted).sum(axis=0)
    per = {}
    for i, c in enumerate(classes):
        p = tp[i] / (tp[i] + fp[i]) if tp[i] + fp[i] else 0.0
        r = tp[i] / (tp[i] + fn[i]) if tp[i] + fn[i] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per[c] = {
            "precision": float(p),
            "recall": float(r),
            "f1": float(f),
            "support": int(tp[i] + fn[i]),
            "predicted": int(tp[i] + fp[i]),
        }
    TP, FP, FN = int(tp.sum()), int(fp.sum()), int(fn.sum())
    micro = 2 * TP / (2 * TP + FP + FN) if TP else 0.0
    occurring = [per[c]["f1"] for c in classes if per[c]["support"] or per[c]["predicted"]]
    macro = float(np.mean(occurring)) if occurring else 0.0
    return {"micro_f1": float(micro), "macro_f1": macro, "per_class": per}
