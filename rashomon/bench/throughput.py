"""``rashomon bench throughput``: ingest + analysis end to end on a corpus."""

from __future__ import annotations

import csv
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

from rashomon.pipeline import analyze_pending, ingest, update_comparisons, update_entities, update_stories
from rashomon.run import get_executor
from rashomon.store import Store


def _rss_mb() -> float:
    """Resident memory of this process now (MB), from /proc where there is one."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _peak_mb(workers: int) -> tuple[float, float, float]:
    """(this process, the largest worker, an upper bound for all of them together) in MB.

    The OS reports only the largest finished child, so the total assumes every
    worker peaked as high as the largest one at the same moment as the parent.
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KB
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 if workers > 1 else 0.0
    return own, child, own + (workers * child if workers > 1 else 0.0)


def run_throughput_bench(corpus: str, *, workers: int = 1, limit: int | None = None, out: TextIO = sys.stdout) -> float:
    with tempfile.TemporaryDirectory(prefix="rashomon-bench-") as tmp:
        store = Store(Path(tmp) / "bench.db")
        started = time.perf_counter()
        report = ingest(store, [corpus])
        if limit is not None:
            keep = {r.article_id for r in report.added[:limit]}
            with store.transaction():
                for r in report.added[limit:]:
                    if r.article_id not in keep:
                        store.db.execute("DELETE FROM articles WHERE id = ?", (r.article_id,))
        ingested = time.perf_counter()
        n_articles = store.counts()["articles"]

        rss_marks: list[tuple[int, float]] = []
        done = 0

        def on_batch(n: int) -> None:
            nonlocal done
            done += n
            rss_marks.append((done, _rss_mb()))

        executor = get_executor(workers)
        try:
            analyze_pending(store, executor, on_batch=on_batch)
        finally:
            executor.close()
        analysed = time.perf_counter()
        update_entities(store)
        resolved = time.perf_counter()
        update = update_stories(store)
        grouped = time.perf_counter()
        compared = update_comparisons(store)
        finished = time.perf_counter()
        store.close()

    elapsed = finished - started
    rate = n_articles / elapsed if elapsed else float("inf")
    print(f"corpus: {corpus}", file=out)
    print(f"articles: {n_articles} ({len(report.rejections)} inputs rejected)", file=out)
    print(f"workers: {workers}", file=out)
    print(f"ingest: {ingested - started:.1f} s", file=out)
    print(f"analysis (clean, language, article analysis, story features): {analysed - ingested:.1f} s", file=out)
    print(f"entities: {resolved - analysed:.1f} s", file=out)
    print(f"stories: {grouped - resolved:.1f} s ({update.new_stories} stories)", file=out)
    print(
        f"comparison: {finished - grouped:.1f} s ({compared.compared} stories, {compared.relations} relations)",
        file=out,
    )
    for fraction in (0.25, 0.5, 1.0):
        mark = next(((d, m) for d, m in rss_marks if d >= fraction * n_articles), None)
        if mark:
            print(f"rss after {mark[0]} articles: {mark[1]:.0f} MB", file=out)
    own, child, total = _peak_mb(workers)
    if workers > 1:
        print(f"peak rss: main process {own:.0f} MB, largest worker {child:.0f} MB", file=out)
    print(f"articles_per_s={rate:.1f} peak_rss_mb={total:.0f}", file=out)
    return rate


def corpus_from_pairs(pairs_csv: str, out_path: str) -> int:
    """Write every distinct text of a SemEval-2022 pairs file as JSONL articles."""
    csv.field_size_limit(10**9)
    seen: set[str] = set()
    with open(pairs_csv, newline="", encoding="utf-8") as src, open(out_path, "w", encoding="utf-8") as dst:
        for row in csv.DictReader(src):
            for side in ("1", "2"):
                text = row[f"text{side}"]
                if text in seen or not text.strip():
                    continue
                seen.add(text)
                record = {"text": text, "language": row[f"lang{side}"], "source": f"semeval2022:{row['pair_id']}"}
                dst.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(seen)
