"""Named-entity recognition on an IOB file (WikiANN's layout): ``rashomon bench ner FILE --lang xx``.

Scored as conlleval does: an entity is a maximal run of tokens of one type (``B-`` starts one, and so does an
``I-`` after ``O`` or after another type); a predicted entity counts only when its first token, last token and type
all equal a gold entity's. Precision, recall and F1 per type (PER, ORG, LOC) and over all entities (micro).

Backends (``--backend``):

* ``crf``: the trained recogniser (``rashomon.analyze.ner``) on the file's own tokens;
* ``analysis``: the entity mentions of the article analysis as it runs for that language (spaCy for en/fr/es,
  natasha for ru, the gazetteer and capitalisation rules elsewhere, or the recogniser where the registry picks
  it): each sentence's tokens joined by spaces are analysed as one text, mentions are mapped back to the tokens
  they cover, and person / organisation / place become PER / ORG / LOC (groups and other names are not entities
  of the file);
* ``auto``: what the analysis registry uses for that language (``analyze.backends``);
* ``--system FILE``: another IOB file with the same tokens, holding a system's tags (as ``bench analysis --system``
  scores an export).

The last line printed is ``f1=<f> precision=<p> recall=<r>``.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Sequence, TextIO

from rashomon.analyze import ner
from rashomon.datasets.wikiann import Sentence, read_iob

TYPES = ("PER", "ORG", "LOC")
_TYPE_OF_LABEL = {label: kind for kind, label in ner.LABELS.items()}

Tagger = Callable[[Sequence[str]], list[tuple[int, int, str]]]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """(F1, precision, recall); a zero denominator scores 0 (conlleval's convention)."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


def score(gold: Sequence[Sequence[tuple[int, int, str]]], predicted: Sequence[Sequence[tuple[int, int, str]]]):
    """Per type and overall (key "all"): counts of true positives, false positives and false negatives."""
    counts: dict[str, Counter] = {kind: Counter() for kind in (*TYPES, "all")}
    for gold_spans, predicted_spans in zip(gold, predicted):
        g, p = set(gold_spans), set(predicted_spans)
        for kinds, key in ((g & p, "tp"), (p - g, "fp"), (g - p, "fn")):
            for _, _, kind in kinds:
                counts.setdefault(kind, Counter())[key] += 1
                counts["all"][key] += 1
    return counts


def crf_tagger(language: str) -> Tagger:
    def tag(words: Sequence[str]) -> list[tuple[int, int, str]]:
        return ner.spans_of(ner.tag(language, words))

    return tag


def analysis_tagger(language: str) -> Tagger:
    """The article analysis's mentions on one sentence, as token spans of the file's types."""
    from rashomon.analyze.doc import AnalysisDoc
    from rashomon.analyze.mentions import cluster_mentions, find_mentions
    from rashomon.analyze.sentences import split_sentences

    def tag(words: Sequence[str]) -> list[tuple[int, int, str]]:
        starts, pos = [], 0
        for word in words:
            starts.append(pos)
            pos += len(word) + 1
        doc = AnalysisDoc(text=" ".join(words), language=language)
        split_sentences(doc)
        find_mentions(doc)
        cluster_mentions(doc)
        spans = []
        for m in doc.mentions:
            kind = _TYPE_OF_LABEL.get(m.label)
            first = next((i for i, s in enumerate(starts) if s + len(words[i]) > m.start), None)
            last = next((i for i in range(len(words) - 1, -1, -1) if starts[i] < m.end), None)
            if kind and first is not None and last is not None and first <= last:
                spans.append((first, last + 1, kind))
        return spans

    return tag


def tagger_for(backend: str, language: str) -> Tagger:
    if backend == "crf":
        if not ner.has_recogniser(language):
            raise ValueError(f"no trained recogniser for language {language!r} ({ner.artifact_path(language)})")
        return crf_tagger(language)
    if backend in ("analysis", "auto"):
        return analysis_tagger(language)
    raise ValueError(f"unknown backend {backend!r} (crf, analysis or auto)")


def _system_spans(gold: Sequence[Sentence], system: Sequence[Sentence]) -> list[list[tuple[int, int, str]]]:
    if len(system) != len(gold):
        raise ValueError(f"the system file has {len(system)} sentences, the gold file {len(gold)}")
    for number, (g, s) in enumerate(zip(gold, system), 1):
        if g.words != s.words:
            raise ValueError(f"sentence {number}: the system file's tokens differ from the gold file's")
    return [ner.spans_of(s.tags) for s in system]


def run_ner_bench(
    path: Path | str,
    language: str,
    backend: str = "crf",
    limit: int | None = None,
    out: TextIO | None = None,
    system: Path | str | None = None,
) -> dict[str, tuple[float, float, float]]:
    """Score ``backend`` on the IOB file at ``path``; print the table; return (F1, P, R) per type and "all"."""
    out = out or sys.stdout
    sentences: list[Sentence] = read_iob(path, limit)
    began = time.perf_counter()
    if system is not None:
        backend = f"system file {system}"
        predicted = _system_spans(sentences, read_iob(system, limit))
    else:
        tag = tagger_for(backend, language)
        predicted = [tag(s.words) for s in sentences]
    seconds = time.perf_counter() - began
    gold = [ner.spans_of(s.tags) for s in sentences]
    counts = score(gold, predicted)
    tokens = sum(len(s.words) for s in sentences)
    print(
        f"{path}: {len(sentences)} sentences, {tokens} tokens, language {language}, backend {backend}; "
        f"tagged in {seconds:.1f} s ({tokens / max(seconds, 1e-9):,.0f} tokens/s)",
        file=out,
    )
    print(f"{'type':<5} {'gold':>6} {'found':>6} {'precision':>9} {'recall':>7} {'f1':>7}", file=out)
    result = {}
    for kind in (*TYPES, "all"):
        c = counts.get(kind, Counter())
        f1, precision, recall = prf(c["tp"], c["fp"], c["fn"])
        result[kind] = (f1, precision, recall)
        print(
            f"{kind:<5} {c['tp'] + c['fn']:>6} {c['tp'] + c['fp']:>6} {precision:>9.4f} {recall:>7.4f} {f1:>7.4f}",
            file=out,
        )
    f1, precision, recall = result["all"]
    print(f"f1={f1:.4f} precision={precision:.4f} recall={recall:.4f}", file=out)
    return result
