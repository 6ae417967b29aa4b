"""How often each cue word sits inside an annotator's span of its technique.

    rashomon train audit-cues ../shared/data/semeval2023-task3 [--min-hits 15] [--worst 30]

The cue lists (``rashomon/persuasion/data/<code>/cues.txt``) do two jobs: their
counts are features of the paragraph model, and their hits become the spans a
reader is shown. For the second job a cue should sit where annotators put the
technique. This reads the training and validation articles of the SemEval-2023
Task 3 release (never the test split the benches score) with their
``train-labels-subtask-3-spans`` files and prints, per language and cue section,
how many hits there are and the share that meet a gold span of the section's
technique, then the cue words with at least ``--min-hits`` hits that meet one
least often: candidates to drop from the span rule or from the lists.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from typing import Sequence, TextIO

from rashomon.datasets.semeval2023 import SEMEVAL_LANGUAGES, read_gold_spans, read_language_dir, spans_meet, split_of
from rashomon.persuasion.cues import SECTION_TECHNIQUE, find_cues


def cue_hit_rates(data_root: str | Path, codes: Sequence[str] | None = None) -> dict[tuple[str, str, str], list[int]]:
    """``(language, section, cue as written, lower-cased) -> [hits, hits meeting a gold span of the technique]``."""
    root = Path(data_root)
    codes = [c for c in SEMEVAL_LANGUAGES if (root / c).is_dir()] if codes is None else list(codes)
    rates: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for code in codes:
        spans_dir = root / code / "train-labels-subtask-3-spans"
        for article in read_language_dir(root, code):
            if split_of(article.language, article.id) == "test":
                continue
            gold = read_gold_spans(spans_dir, article.id)
            if not gold:
                continue
            for hit in find_cues(article.text, article.language):
                technique = SECTION_TECHNIQUE.get(hit.section)
                if technique is None:
                    continue
                counts = rates[(article.language, hit.section, article.text[hit.start : hit.end].lower())]
                counts[0] += 1
                counts[1] += any(t == technique and spans_meet(hit.start, hit.end, a, b) for t, a, b in gold)
    return dict(rates)


def report(
    rates: dict[tuple[str, str, str], list[int]], min_hits: int = 15, worst: int = 30, out: TextIO = sys.stdout
) -> None:
    sections: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for (language, section, _), (hits, met) in rates.items():
        sections[(language, section)][0] += hits
        sections[(language, section)][1] += met
    print(f"{'language':8s} {'section':13s} {'technique':28s} {'hits':>6s} {'in gold':>8s}", file=out)
    for (language, section), (hits, met) in sorted(sections.items()):
        print(f"{language:8s} {section:13s} {SECTION_TECHNIQUE[section]:28s} {hits:6d} {met / hits:8.1%}", file=out)
    frequent = sorted((met / hits, -hits, key) for key, (hits, met) in rates.items() if hits >= min_hits)
    print(f"cue words with {min_hits}+ hits that meet a gold span least often:", file=out)
    for share, negative_hits, (language, section, word) in frequent[:worst]:
        print(f"  {language} {section:13s} {word!r}: {share:.1%} of {-negative_hits}", file=out)
