"""SemEval-2020 Task 11, PTC: propaganda techniques of given spans (subtask TC) in English news.

ARTICLES_DIR holds ``article<ID>.txt``; LABELS_DIR the ``*.task-flc-tc.labels`` files
(``id<TAB>technique<TAB>start<TAB>end``). Only the training release is here, so test and validation articles are
held out by a hash of the article id (``split_of``). ``micro_f1`` is the shared task's score when a span with k
gold labels gets k predictions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from rashomon.datasets.splits import hashed_split

SPLIT_SEED = 20200911
TEST_PERCENT = 20
VALIDATION_PERCENT = 20
SPLIT_RULE = (
    "bucket = int(sha1(f'{seed}:{part}:{article_id}').hexdigest(), 16) % 100; "
    "test if bucket('test') < 20, else validation if bucket('validation') < 20, else train"
)


def split_of(article_id: str, seed: int = SPLIT_SEED) -> str:
    return hashed_split(article_id, seed, TEST_PERCENT, VALIDATION_PERCENT)


@dataclass
class LabelledSpan:
    article_id: str
    start: int
    end: int
    techniques: list[str]  # one per gold line (a span can carry two)


def read_ptc(articles_dir: str | Path, labels_dir: str | Path) -> tuple[dict[str, str], list[LabelledSpan]]:
    texts: dict[str, str] = {}
    grouped: dict[tuple[str, int, int], list[str]] = {}
    for path in sorted(Path(labels_dir).glob("*.labels")):
        for line in path.read_text("utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 4:
                continue
            article_id, technique, start, end = parts[0].strip(), parts[1].strip(), int(parts[2]), int(parts[3])
            grouped.setdefault((article_id, start, end), []).append(technique)
    for article_id in sorted({k[0] for k in grouped}):
        path = Path(articles_dir) / f"article{article_id}.txt"
        if path.is_file():
            # newline="" keeps "\r\n" as two characters: PTC offsets count them.
            with open(path, encoding="utf-8", newline="") as handle:
                texts[article_id] = handle.read()
    spans = [LabelledSpan(a, s, e, t) for (a, s, e), t in sorted(grouped.items()) if a in texts]
    return texts, spans


def spans_in(spans: Sequence[LabelledSpan], part: str) -> list[LabelledSpan]:
    return [s for s in spans if split_of(s.article_id) == part]


def micro_f1(gold: Sequence[list[str]], predicted: Sequence[list[str]]) -> float:
    """Matched labels over all gold labels (= precision = recall: one prediction per gold label)."""
    hit = total = 0
    for g, p in zip(gold, predicted):
        hit += sum((Counter(g) & Counter(p)).values())
        total += len(g)
    return hit / total if total else 0.0
