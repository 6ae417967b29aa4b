"""``rashomon bench alignment``: do the statements of two articles on one story meet?

Each SemEval-2022 Task 8 pair is compared as a two-article story with a source per
article, whatever its score. A pair *aligns* when the comparison finds at least one
agree, contradict or discuss relation between its articles. Reported: the share of
same-story pairs (Overall <= 1.5) that align, same-language and cross-language apart,
and the share of different-story pairs (Overall >= 3.5) that align, which must stay
low; then the same per language pair. Languages the analysis does not cover yet
give their articles no statements but the headline: their rows say so. The last
line is ``same_mono= same_cross= different=``.

Analysing ~1,400 articles takes tens of minutes of CPU; ``--articles-cache FILE``
keeps the analysed articles (and their resolved entities) in a pickle keyed by the
texts and the versions of every stage that produced them, so a re-run after a
change to the comparison only compares.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rashomon.datasets.alignment import SAME_STORY_MAX, analysed_articles, bench_pairs, pair_story

ALIGNING = ("agree", "contradict", "discuss")


@dataclass
class Tally:
    pairs: int = 0
    aligned: int = 0

    @property
    def share(self) -> float:
        return self.aligned / self.pairs if self.pairs else 0.0

    def cell(self) -> str:
        return f"{self.aligned}/{self.pairs} {self.share:.2f}" if self.pairs else "-"


@dataclass
class AlignmentResult:
    same_mono: Tally
    same_cross: Tally
    different: Tally
    by_languages: dict[str, tuple[Tally, Tally]]  # "es-en" -> (same-story, different-story)
    not_analysed: set[str]  # languages whose articles were not analysed


def run_alignment_bench(
    pairs_csv: str | Path,
    *,
    encoder=None,
    articles_cache: str | Path | None = None,
    workers: int = 1,
    limit: int | None = None,
    out: TextIO = sys.stdout,
) -> AlignmentResult:
    from rashomon.compare import compare_story
    from rashomon.embed import get_encoder

    pairs = bench_pairs(pairs_csv, limit)
    articles = analysed_articles(pairs, cache=articles_cache, workers=workers, out=out)
    encoder = encoder or get_encoder()
    result = AlignmentResult(Tally(), Tally(), Tally(), defaultdict(lambda: (Tally(), Tally())), set())
    for a in articles.values():
        if (a.analysis_note or "").startswith("not analysed"):
            result.not_analysed.add(a.language or "?")
    started = time.perf_counter()
    for pair in pairs:
        story, entities = pair_story(pair, articles, encoder)
        found = compare_story(story, entities, encoder=encoder)
        aligned = any(r.type in ALIGNING and len(set(r.article_ids)) == 2 for r in found.relations)
        same = pair.overall <= SAME_STORY_MAX
        totals = [result.by_languages[pair.languages][0 if same else 1]]
        if same:
            totals.append(result.same_mono if pair.lang1 == pair.lang2 else result.same_cross)
        else:
            totals.append(result.different)
        for tally in totals:
            tally.pairs += 1
            tally.aligned += aligned
    print(f"compared {len(pairs)} pairs in {time.perf_counter() - started:.0f} s", file=out)
    print(file=out)
    print("| languages | same story (aligned/pairs share) | different story | analysed |", file=out)
    print("|---|---|---|---|", file=out)
    for languages in sorted(result.by_languages, key=lambda k: (k.split("-")[0] != k.split("-")[1], k)):
        same_tally, different_tally = result.by_languages[languages]
        missing = sorted(set(languages.split("-")) & result.not_analysed)
        note = "no: " + ", ".join(missing) if missing else "yes"
        print(f"| {languages} | {same_tally.cell()} | {different_tally.cell()} | {note} |", file=out)
    print(file=out)
    print(
        f"same-story, same language: {result.same_mono.cell()}; cross-language: {result.same_cross.cell()}; "
        f"different-story: {result.different.cell()}",
        file=out,
    )
    print(
        f"same_mono={result.same_mono.share:.3f} same_cross={result.same_cross.share:.3f} "
        f"different={result.different.share:.3f}",
        file=out,
    )
    return result
