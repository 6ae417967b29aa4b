"""Persuasion-technique benchmark on SemEval-2023 Task 3 subtask 3 (paragraphs): ``rashomon bench persuasion``.

Scores every labelled article of the given files (an official dev or test release is scored whole); with
``split="test"`` (``--split test``) only the held-out test articles of a training file
(``rashomon.datasets.semeval2023.split_of``), which training never fitted on nor chose with. A line
``scored N [of M] articles (...)`` says which. Scores are the task's (micro-F1 over (paragraph, technique) decisions, macro-F1).
With ``--spans`` (the release's ``train-labels-subtask-3-spans`` folder) it also scores the spans a reader is
shown (``span_scores``). The last line is ``micro_f1=<f> macro_f1=<f>``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Sequence, TextIO

import numpy as np

from rashomon.datasets.semeval2023 import (
    LabelledArticle,
    gold_matrix,
    in_part,
    iso_language,
    labelled_rows,
    multilabel_scores,
    read_gold_spans,
    read_subtask3,
    spans_meet,
)
from rashomon.datasets.splits import check_bench_split, scope_line


def span_scores(
    articles: Sequence[LabelledArticle],
    features: Sequence,
    placed: Sequence[Sequence],
    gold_spans: Sequence[Sequence[tuple[str, int, int]]],
) -> dict:
    """How well the spans shown to a reader sit on the annotators' spans, over labelled paragraphs.

    ``placed[i]`` are the ``TechniqueSpan`` s made for ``articles[i]`` (``features[i]`` its
    ``ArticleFeatures``), ``gold_spans[i]`` its ``(technique, start, end)``.

    * on_gold: share of placed spans that meet a gold span of their technique;
    * located: the same share over spans whose paragraph the annotators gave that technique
      (where the span sits, once the paragraph call is right), for cue-word spans and
      whole-sentence spans apart, with ``sentence_chance``: what a sentence of the same
      paragraphs drawn at random would score;
    * found: share of gold spans met by a placed span of their technique.
    """
    placed_n = on_gold = gold_n = found = 0
    located = {"cue": [0, 0], "sentence": [0, 0]}  # kind -> [spans, meeting gold]
    chance = 0.0
    for article, f, spans, gold in zip(articles, features, placed, gold_spans):
        labelled = {p: para for p, para in enumerate(f.paragraphs) if para.index in article.paragraphs}
        for s in spans:
            para = labelled.get(s.paragraph)
            if para is None:
                continue
            placed_n += 1
            hit = any(t == s.technique and spans_meet(s.start, s.end, a, b) for t, a, b in gold)
            on_gold += hit
            if s.technique not in article.paragraphs[para.index]:
                continue
            in_paragraph = [(a, b) for t, a, b in gold if t == s.technique and spans_meet(para.start, para.end, a, b)]
            if in_paragraph:
                kind = located["cue" if s.cue else "sentence"]
                kind[0] += 1
                kind[1] += hit
                if not s.cue:
                    chance += sum(
                        any(spans_meet(x, y, a, b) for a, b in in_paragraph) for x, y in para.sentences
                    ) / len(para.sentences)
        for t, a, b in gold:
            if not any(spans_meet(para.start, para.end, a, b) for para in labelled.values()):
                continue
            gold_n += 1
            found += any(s.technique == t and spans_meet(s.start, s.end, a, b) for s in spans)
    share = lambda k, n: k / n if n else 0.0  # noqa: E731
    (cues, cue_hits), (sentences, sentence_hits) = located["cue"], located["sentence"]
    return {
        "placed": placed_n,
        "on_gold": share(on_gold, placed_n),
        "located_of": cues + sentences,
        "located": share(cue_hits + sentence_hits, cues + sentences),
        "cue_located_of": cues,
        "cue_located": share(cue_hits, cues),
        "sentence_located_of": sentences,
        "sentence_located": share(sentence_hits, sentences),
        "sentence_chance": share(chance, sentences),
        "gold": gold_n,
        "found": share(found, gold_n),
    }


def run_persuasion_bench(
    articles_dir: str | Path,
    labels: str | Path,
    language: str,
    model=None,
    encoder=None,
    out: TextIO = sys.stdout,
    spans_dir: str | Path | None = None,
    split: str = "all",
) -> dict:
    from rashomon.persuasion.analyse import spans_of
    from rashomon.persuasion.model import TECHNIQUES, PersuasionModel, featurize

    model = model or PersuasionModel.load()
    held_out = check_bench_split(split)
    given = read_subtask3(articles_dir, labels, language)
    articles = in_part(given, "test") if held_out else given
    which = "test articles" if held_out else "labelled articles"
    if not articles:
        raise ValueError(f"no {which} found for --lang {language} under {articles_dir}")
    gold_spans = [read_gold_spans(spans_dir, a.id) for a in articles] if spans_dir is not None else []
    if spans_dir is not None and not any(gold_spans):
        raise ValueError(f"no span file article<ID>-labels-subtask-3.txt for any of the {which} under {spans_dir}")
    started = time.time()
    features = featurize([(a.text, a.language) for a in articles], encoder)
    numbers = [[p.index for p in f.paragraphs] for f in features]
    probas = [model.predict_proba(f) for f in features]
    decided = np.vstack([model.techniques.decide(p, f.language) for p, f in zip(probas, features)])
    keep = labelled_rows(articles, numbers)
    classes = list(model.techniques.classes)
    gold = gold_matrix(articles, numbers, classes)[keep]
    predicted = decided[keep]
    scores = multilabel_scores(gold, predicted, classes)
    print(scope_line(len(articles), len(given), "articles", held_out), file=out)
    print(
        f"articles ({iso_language(language)}): {len(articles)}, labelled paragraphs: {int(keep.sum())}, "
        f"{time.time() - started:.1f}s",
        file=out,
    )
    print(f"{'technique':36s} {'P':>6s} {'R':>6s} {'F1':>6s} {'gold':>5s} {'pred':>5s}", file=out)
    for c in TECHNIQUES:
        s = scores["per_class"].get(c)
        if s and (s["support"] or s["predicted"]):
            print(
                f"{c:36s} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {s['support']:5d} {s['predicted']:5d}",
                file=out,
            )
    if spans_dir is not None:
        placed = [spans_of(a.text, f, p, model) for a, f, p in zip(articles, features, probas)]
        s = span_scores(articles, features, placed, gold_spans)
        scores["spans"] = s
        print(
            f"spans: {s['placed']} placed, {s['on_gold']:.1%} on a gold span of their technique; "
            f"in paragraphs that have it: {s['located']:.1%} of {s['located_of']} "
            f"(cue words {s['cue_located']:.1%} of {s['cue_located_of']}, "
            f"whole sentences {s['sentence_located']:.1%} of {s['sentence_located_of']}, "
            f"where a random sentence gets {s['sentence_chance']:.1%}); "
            f"gold spans met: {s['found']:.1%} of {s['gold']}",
            file=out,
        )
    print(f"micro_f1={scores['micro_f1']:.4f} macro_f1={scores['macro_f1']:.4f}", file=out)
    return scores
