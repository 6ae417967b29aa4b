"""Persuasion-technique benchmark on SemEval-2023 Task 3 subtask 3 (paragraphs).

    python -m rashomon.bench.persuasion ARTICLES_DIR LABELS.txt --lang en [--model PATH] [--cache enc.npz] [--spans DIR]

The task's data here has only its training release, so
``rashomon.learn.train_persuasion`` holds out test ARTICLES by a hash of the
language and article id (``split_of``); this bench rebuilds the same split from
the files and scores only test articles of the given language, which training
never fitted on nor chose with. Scores are the task's: micro-F1 over
(paragraph, technique) decisions, macro-F1 the mean of per-technique F1 over
techniques that occur in gold or predictions. With ``--spans`` (the release's
``train-labels-subtask-3-spans`` folder) it also scores the spans a reader is
shown (``span_scores``). The last line is ``micro_f1=<f> macro_f1=<f>``.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, TextIO

import numpy as np

from rashomon.bench.splits import hashed_split

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


def read_subtask3(articles_dir: str | Path, labels: str | Path, language: str,
                  genres: str | Path | None = None, frames: str | Path | None = None) -> list[LabelledArticle]:
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
        out.append(LabelledArticle(article_id, iso_language(language), text, by_article[article_id],
                                   genre_of.get(article_id), frame_list))
    return out


def read_language_dir(root: str | Path, code: str) -> list[LabelledArticle]:
    """One language folder of the SemEval-2023 Task 3 release (``en``, ``ge``, ...)."""
    d = Path(root) / code
    return read_subtask3(d / "train-articles", d / "train-labels-subtask-3.txt", code,
                         d / "train-labels-subtask-1.txt", d / "train-labels-subtask-2.txt")


def in_part(articles: Sequence[LabelledArticle], part: str) -> list[LabelledArticle]:
    return [a for a in articles if split_of(a.language, a.id) == part]


def gold_matrix(articles: Sequence[LabelledArticle], paragraph_numbers: Sequence[list[int]], classes: Sequence[str]) -> np.ndarray:
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


def span_scores(articles: Sequence[LabelledArticle], features: Sequence, placed: Sequence[Sequence],
                gold_spans: Sequence[Sequence[tuple[str, int, int]]]) -> dict:
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
                    chance += sum(any(spans_meet(x, y, a, b) for a, b in in_paragraph)
                                  for x, y in para.sentences) / len(para.sentences)
        for t, a, b in gold:
            if not any(spans_meet(para.start, para.end, a, b) for para in labelled.values()):
                continue
            gold_n += 1
            found += any(s.technique == t and spans_meet(s.start, s.end, a, b) for s in spans)
    share = lambda k, n: k / n if n else 0.0  # noqa: E731
    (cues, cue_hits), (sentences, sentence_hits) = located["cue"], located["sentence"]
    return {"placed": placed_n, "on_gold": share(on_gold, placed_n),
            "located_of": cues + sentences, "located": share(cue_hits + sentence_hits, cues + sentences),
            "cue_located_of": cues, "cue_located": share(cue_hits, cues),
            "sentence_located_of": sentences, "sentence_located": share(sentence_hits, sentences),
            "sentence_chance": share(chance, sentences), "gold": gold_n, "found": share(found, gold_n)}


def multilabel_scores(gold: np.ndarray, predicted: np.ndarray, classes: Sequence[str]) -> dict:
    tp = (gold & predicted).sum(axis=0)
    fp = (~gold & predicted).sum(axis=0)
    fn = (gold & ~predicted).sum(axis=0)
    per = {}
    for i, c in enumerate(classes):
        p = tp[i] / (tp[i] + fp[i]) if tp[i] + fp[i] else 0.0
        r = tp[i] / (tp[i] + fn[i]) if tp[i] + fn[i] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per[c] = {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(tp[i] + fn[i]),
                  "predicted": int(tp[i] + fp[i])}
    TP, FP, FN = int(tp.sum()), int(fp.sum()), int(fn.sum())
    micro = 2 * TP / (2 * TP + FP + FN) if TP else 0.0
    occurring = [per[c]["f1"] for c in classes if per[c]["support"] or per[c]["predicted"]]
    macro = float(np.mean(occurring)) if occurring else 0.0
    return {"micro_f1": float(micro), "macro_f1": macro, "per_class": per}


def run_persuasion_bench(articles_dir: str | Path, labels: str | Path, language: str, model=None, encoder=None,
                         out: TextIO = sys.stdout, spans_dir: str | Path | None = None) -> dict:
    from rashomon.persuasion.analyse import spans_of
    from rashomon.persuasion.model import TECHNIQUES, PersuasionModel, featurize

    model = model or PersuasionModel.load()
    articles = in_part(read_subtask3(articles_dir, labels, language), "test")
    if not articles:
        raise ValueError(f"no test articles found for --lang {language} under {articles_dir}")
    gold_spans = [read_gold_spans(spans_dir, a.id) for a in articles] if spans_dir is not None else []
    if spans_dir is not None and not any(gold_spans):
        raise ValueError(f"no span file article<ID>-labels-subtask-3.txt for any test article under {spans_dir}")
    started = time.time()
    features = featurize([(a.text, a.language) for a in articles], encoder)
    numbers = [[p.index for p in f.paragraphs] for f in features]
    probas = [model.paragraph_proba(f) for f in features]
    decided = np.vstack([model.techniques.decide(p, f.language) for p, f in zip(probas, features)])
    keep = labelled_rows(articles, numbers)
    classes = list(model.techniques.classes)
    gold = gold_matrix(articles, numbers, classes)[keep]
    predicted = decided[keep]
    scores = multilabel_scores(gold, predicted, classes)
    print(f"test articles ({iso_language(language)}): {len(articles)}, labelled paragraphs: {int(keep.sum())}, "
          f"{time.time() - started:.1f}s", file=out)
    print(f"{'technique':36s} {'P':>6s} {'R':>6s} {'F1':>6s} {'gold':>5s} {'pred':>5s}", file=out)
    for c in TECHNIQUES:
        s = scores["per_class"].get(c)
        if s and (s["support"] or s["predicted"]):
            print(f"{c:36s} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {s['support']:5d} {s['predicted']:5d}", file=out)
    if spans_dir is not None:
        placed = [spans_of(a.text, f, p, model) for a, f, p in zip(articles, features, probas)]
        s = span_scores(articles, features, placed, gold_spans)
        scores["spans"] = s
        print(f"spans: {s['placed']} placed, {s['on_gold']:.1%} on a gold span of their technique; "
              f"in paragraphs that have it: {s['located']:.1%} of {s['located_of']} "
              f"(cue words {s['cue_located']:.1%} of {s['cue_located_of']}, "
              f"whole sentences {s['sentence_located']:.1%} of {s['sentence_located_of']}, "
              f"where a random sentence gets {s['sentence_chance']:.1%}); "
              f"gold spans met: {s['found']:.1%} of {s['gold']}", file=out)
    print(f"micro_f1={scores['micro_f1']:.4f} macro_f1={scores['macro_f1']:.4f}", file=out)
    return scores


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles_dir")
    parser.add_argument("labels")
    parser.add_argument("--lang", required=True, help="en, fr, ge/de, it, po/pl, ru")
    parser.add_argument("--model", default=None)
    parser.add_argument("--cache", default=None, help="encoder cache .npz (speeds up repeated runs)")
    parser.add_argument("--spans", default=None, help="folder of article<ID>-labels-subtask-3.txt span files: "
                        "also score where the shown spans sit")
    args = parser.parse_args(argv)
    from rashomon.bench.similarity import bench_encoder
    from rashomon.persuasion.model import PersuasionModel

    with bench_encoder(args.cache, lambda problem: parser.exit(2, f"error: {problem}\n")) as encoder:
        run_persuasion_bench(args.articles_dir, args.labels, args.lang,
                             PersuasionModel.load(args.model) if args.model else None, encoder, spans_dir=args.spans)


if __name__ == "__main__":
    main()
