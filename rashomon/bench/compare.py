"""``rashomon bench compare``: how long comparing one big multilingual story takes.

Takes ``articles`` texts from a SemEval-2022 Task 8 pairs file, spread evenly over
its ``languages`` most frequent languages, analyses them (not timed: that is
``bench throughput``'s business), treats them as one story with a source per
article, and times ``compare.compare_story`` on it, encoder included. The last
line is the headline figure.
"""

from __future__ import annotations

import csv
import time
from collections import Counter, defaultdict

from rashomon.compare import compare_story
from rashomon.embed import get_encoder
from rashomon.pipeline import analyze_texts


def pick_texts(pairs_csv: str, articles: int, languages: int) -> list[tuple[str, str, str]]:
    """``(id, text, language)``: ``articles`` distinct texts over the ``languages`` commonest languages."""
    csv.field_size_limit(10**9)
    by_lang: dict[str, list[str]] = defaultdict(list)
    seen: set[str] = set()
    with open(pairs_csv, newline="", encoding="utf-8") as src:
        for row in csv.DictReader(src):
            for side in ("1", "2"):
                text, lang = row[f"text{side}"], row[f"lang{side}"]
                if text.strip() and text not in seen and len(text) < 20_000:
                    seen.add(text)
                    by_lang[lang].append(text)
    common = [lang for lang, _ in Counter({k: len(v) for k, v in by_lang.items()}).most_common(languages)]
    picked: list[tuple[str, str, str]] = []
    per = -(-articles // max(1, len(common)))
    for lang in common:
        for n, text in enumerate(by_lang[lang][:per]):
            picked.append((f"{lang}{n:03d}", text, lang))
    return picked[:articles]


def run_compare_bench(pairs_csv: str, *, articles: int = 50, languages: int = 5, repeat: int = 3) -> float:
    items = pick_texts(pairs_csv, articles, languages)
    t0 = time.perf_counter()
    analysed, entities = analyze_texts(items)
    print(
        f"analysed {len(analysed)} articles in {len(set(a.language for a in analysed))} languages "
        f"in {time.perf_counter() - t0:.1f} s (not part of the figure)"
    )
    for a in analysed:
        a.source = f"source-{a.id}"
    encoder = get_encoder()
    encoder.encode(["warm up"])
    timings = []
    for _ in range(repeat):
        t = time.perf_counter()
        result = compare_story(analysed, entities, encoder=encoder)
        timings.append(time.perf_counter() - t)
    counts = Counter(r.type for r in result.relations)
    statements = sum(len(a.claims) + len(a.quotes) + 1 for a in analysed)
    print(f"~{statements} statements; relations: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    best = min(timings)
    print(f"compare_story: {len(analysed)} articles, {languages} languages: {best:.2f} s (best of {repeat})")
    return best


def run_pairs_review(pairs_csv: str, *, pairs: int = 400, seed: int = 1) -> Counter:
    """Compare ``pairs`` same-story pairs (Overall <= 1.5) as two-source stories; print every contradiction.

    Real same-story pairs rarely contradict each other, so what this prints is
    mostly what a reader would reject: the precision check behind "no flood of
    spurious contradictions". The last line counts relations by type.
    """
    import random

    from rashomon.present.compare import statement_texts

    csv.field_size_limit(10**9)
    with open(pairs_csv, newline="", encoding="utf-8") as src:
        rows = [r for r in csv.DictReader(src) if r.get("Overall") and float(r["Overall"]) <= 1.5]
    random.Random(seed).shuffle(rows)
    rows = rows[:pairs]
    items = []
    for n, row in enumerate(rows):
        items += [(f"p{n}a", row["text1"], row["lang1"]), (f"p{n}b", row["text2"], row["lang2"])]
    analysed, entities = analyze_texts(items)
    encoder = get_encoder()
    names = {e.id: e.name for e in entities}
    counts: Counter = Counter()
    for n, row in enumerate(rows):
        story = analysed[2 * n : 2 * n + 2]
        for a in story:
            a.source = a.id
        result = compare_story(story, entities, encoder=encoder)
        texts = statement_texts(story, names)
        for r in result.relations:
            counts[r.type] += 1
            if r.type in ("contradict", "quote_drift"):
                print(f"pair {n} ({row['lang1']}-{row['lang2']}) {r.type} {r.confidence:.2f} {','.join(r.reasons)}")
                for cid in r.claim_ids:
                    who, text = texts.get(cid, ("?", ""))
                    print(f"    [{who}] {text[:200]}")
    print(
        f"{len(rows)} same-story pairs: "
        + " ".join(f"{k}={counts[k]}" for k in ("agree", "contradict", "discuss", "omission", "quote_drift"))
    )
    return counts
