"""Propaganda technique classification of given spans (SemEval-2020 Task 11, subtask TC).

    python -m rashomon.bench.propaganda ARTICLES_DIR LABELS_DIR [--model PATH] [--cache enc.npz]

ARTICLES_DIR holds ``article<ID>.txt``; LABELS_DIR the ``*.task-flc-tc.labels``
files (``id<TAB>technique<TAB>start<TAB>end``). Only the training release is
here, so ``rashomon.learn.train_propaganda`` holds out test articles by a hash
of the article id (``split_of``) and this bench scores only those. A span with
k gold labels gets the model's k most likely techniques; micro-F1 is then the
share of gold labels predicted, as in the shared task's scorer. The last line
is ``micro_f1=<f>``.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, TextIO

from rashomon.bench.splits import hashed_split

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


def run_propaganda_bench(articles_dir: str | Path, labels_dir: str | Path, model=None, encoder=None,
                         out: TextIO = sys.stdout) -> float:
    from rashomon.persuasion.propaganda import GivenSpan, PropagandaModel, span_design, top_labels

    model = model or PropagandaModel.load()
    texts, spans = read_ptc(articles_dir, labels_dir)
    test = spans_in(spans, "test")
    if not test:
        raise ValueError(f"no test spans found under {labels_dir}")
    x = span_design(texts, [GivenSpan(s.article_id, s.start, s.end) for s in test], encoder)
    predicted = top_labels(model.proba(x), [len(s.techniques) for s in test], model.head.classes)
    gold = [s.techniques for s in test]
    print(f"test articles: {len({s.article_id for s in test})}, spans: {len(test)}, labels: {sum(map(len, gold))}", file=out)
    print(f"{'technique':36s} {'P':>6s} {'R':>6s} {'F1':>6s} {'gold':>5s}", file=out)
    for c in model.head.classes:
        tp = sum(min(g.count(c), p.count(c)) for g, p in zip(gold, predicted))
        ng = sum(g.count(c) for g in gold)
        np_ = sum(p.count(c) for p in predicted)
        pr = tp / np_ if np_ else 0.0
        rc = tp / ng if ng else 0.0
        f = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
        print(f"{c:36s} {pr:6.3f} {rc:6.3f} {f:6.3f} {ng:5d}", file=out)
    score = micro_f1(gold, predicted)
    print(f"micro_f1={score:.4f}", file=out)
    return score


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles_dir")
    parser.add_argument("labels_dir")
    parser.add_argument("--model", default=None)
    parser.add_argument("--cache", default=None)
    args = parser.parse_args(argv)
    from rashomon.bench.similarity import bench_encoder
    from rashomon.persuasion.propaganda import PropagandaModel

    with bench_encoder(args.cache, lambda problem: parser.exit(2, f"error: {problem}\n")) as encoder:
        run_propaganda_bench(args.articles_dir, args.labels_dir,
                             PropagandaModel.load(args.model) if args.model else None, encoder)


if __name__ == "__main__":
    main()
