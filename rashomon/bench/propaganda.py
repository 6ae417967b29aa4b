"""Propaganda technique classification of given spans (SemEval-2020 Task 11, subtask TC):
``rashomon bench propaganda``.

Scores every span of the given files (an official dev release is scored whole); with ``split="test"``
(``--split test``) only the spans of the held-out test articles of the training release
(``rashomon.datasets.ptc.split_of``). A line ``scored N [of M] spans (...)`` says which. A span with k gold labels gets the model's k
most likely techniques; micro-F1 is then the share of gold labels predicted, as in the shared task's scorer. The
last line is ``micro_f1=<f>``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from rashomon.datasets.ptc import micro_f1, read_ptc, spans_in
from rashomon.datasets.splits import check_bench_split, scope_line


def run_propaganda_bench(
    articles_dir: str | Path,
    labels_dir: str | Path,
    model=None,
    encoder=None,
    out: TextIO = sys.stdout,
    split: str = "all",
) -> float:
    from rashomon.persuasion.propaganda import GivenSpan, PropagandaModel, span_design, top_labels

    held_out = check_bench_split(split)
    model = model or PropagandaModel.load()
    texts, spans = read_ptc(articles_dir, labels_dir)
    test = spans_in(spans, "test") if held_out else spans
    if not test:
        raise ValueError(f"no {'test ' if held_out else ''}spans found under {labels_dir}")
    print(scope_line(len(test), len(spans), "spans", held_out), file=out)
    x = span_design(texts, [GivenSpan(s.article_id, s.start, s.end) for s in test], encoder)
    predicted = top_labels(model.predict_proba(x), [len(s.techniques) for s in test], model.head.classes)
    gold = [s.techniques for s in test]
    print(
        f"articles: {len({s.article_id for s in test})}, spans: {len(test)}, labels: {sum(map(len, gold))}",
        file=out,
    )
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
