"""The resolver alone on the gold set, gold mentions in (no clusters), merging scored: ``rashomon bench entities``.

Feeds every gold mention as a ``Mention`` with ``cluster=-1`` and the gold type
as label, so detection is perfect and the scores are the resolver's merging
alone (``rashomon.bench.analysis``'s pairwise entity-merge metric). The last line is
``resolved in <s>s; entity_merge_f1=<f>``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TextIO

from rashomon.bench.analysis import Report, score
from rashomon.datasets.gold import DEFAULT_DATA_ROOT, DEFAULT_GOLD, load_gold
from rashomon.entities.resolver import EntityResolver
from rashomon.model import Article, Mention


def evaluate(gold_path=DEFAULT_GOLD, data_root=DEFAULT_DATA_ROOT, encoder=None):
    gold = load_gold(gold_path, data_root)
    articles = [
        Article(
            id=d.doc_id,
            original=d.text,
            text=d.text,
            language=d.language,
            mentions=[
                Mention(m.start, m.end, m.text, next(e.type for e in d.entities if e.gid == m.gid)) for m in d.mentions
            ],
        )
        for d in gold
    ]
    started = time.perf_counter()
    resolver = EntityResolver(encoder)
    resolver.resolve(articles)
    elapsed = time.perf_counter() - started
    entities: dict[str, dict] = {}
    for a in articles:
        for m in a.mentions:
            if m.entity_id is None:
                raise ValueError(f"the resolver left a mention without an entity in {a.id}: {m.text!r}")
            ent = entities.setdefault(
                m.entity_id, {"id": m.entity_id, "type": resolver.ents[m.entity_id].label, "mentions": []}
            )
            ent["mentions"].append({"article_id": a.id, "text": m.text, "start": m.start, "end": m.end})
    system = {
        "articles": [{"id": d.doc_id, "text": d.text, "language": d.language} for d in gold],
        "entities": list(entities.values()),
        "quotes": [],
    }
    return score(gold, system), elapsed, articles, resolver


def run_entities_bench(
    gold_path: str | Path = DEFAULT_GOLD,
    data_root: str | Path = DEFAULT_DATA_ROOT,
    encoder=None,
    out: TextIO = sys.stdout,
) -> Report:
    """Print merging P/R/F1 per language, across languages and overall; ``encoder=False`` resolves without one."""
    report, elapsed, _, _ = evaluate(gold_path, data_root, encoder)
    print(f"{'lang':<6} {'goldpairs':>9} {'syspairs':>8} {'P':>6} {'R':>6} {'F1':>6}", file=out)
    rows = sorted(report.languages.items()) + [("all", report.overall)]
    for lang, s in rows:
        m = s.merge
        print(f"{lang:<6} {m.n_gold:>9} {m.n_pred:>8} {m.precision:>6.3f} {m.recall:>6.3f} {m.f1:>6.3f}", file=out)
    c = report.merge_cross_language
    print(f"{'xlang':<6} {c.n_gold:>9} {c.n_pred:>8} {c.precision:>6.3f} {c.recall:>6.3f} {c.f1:>6.3f}", file=out)
    print(f"resolved in {elapsed:.2f}s; entity_merge_f1={report.entity_merge_f1:.4f}", file=out)
    return report
