"""Statement alignment on SemEval-2022 Task 8 pairs: the pairs as two-article stories, analysed once.

``analysed_articles`` analyses every side of the pairs (texts repaired with
:func:`rashomon.datasets.repair_text`, exactly as the analysis gold set hashes them, so offsets are into the
repaired text) and keeps them in a pickle keyed by the texts and the versions of every stage that produced them.
``rashomon bench alignment`` and ``rashomon train alignment`` both read the pairs through here.
"""

from __future__ import annotations

import copy
import hashlib
import json
import pickle
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence, TextIO

from rashomon.datasets import repair_text
from rashomon.datasets.semeval2022 import Pair, read_pairs
from rashomon.model import Article, Entity

SAME_STORY_MAX = 1.5
DIFFERENT_STORY_MIN = 3.5
CACHE_STAGES = ("clean", "lang", "analyze")  # entities are resolved per pair, never cached


def article_id(pair_id: str, side: int) -> str:
    return f"{pair_id}-{side}"


def bench_pairs(pairs_csv: str | Path, limit: int | None = None) -> list[Pair]:
    """The pairs the bench scores: same-story and different-story ones, in file order."""
    chosen = [p for p in read_pairs(pairs_csv) if p.overall <= SAME_STORY_MAX or p.overall >= DIFFERENT_STORY_MIN]
    return chosen[:limit] if limit else chosen


def _versions() -> str:
    from rashomon import stages

    return "\0".join(f"{name}={stages.version(name)}" for name in CACHE_STAGES)


def _text_key(versions: str, text: str, language: str) -> str:
    return hashlib.sha256(f"{versions}\0{language}\0{text}".encode("utf-8")).hexdigest()


def analysed_articles(
    pairs: Sequence[Pair], *, cache: str | Path | None = None, workers: int = 1, out: TextIO = sys.stdout
) -> dict[str, Article]:
    """Every side of every pair through the article stages (texts repaired, each distinct text once), by
    ``article_id``; entities are resolved per pair (``pair_story``).

    ``cache``: a pickle of analysed articles keyed by text, language and the versions of the stages that made
    them, written after every batch, so a run stopped halfway keeps its work and a later one analyses only
    what it lacks.
    """
    from rashomon.pipeline import analyze_texts

    versions = _versions()
    first_of: dict[str, tuple[str, str, str]] = {}
    key_of: dict[str, str] = {}
    for pair in pairs:
        for side, (text, language) in enumerate(((pair.text1, pair.lang1), (pair.text2, pair.lang2)), start=1):
            repaired = repair_text(text)
            key = _text_key(versions, repaired, language)
            first_of.setdefault(key, (article_id(pair.pair_id, side), repaired, language))
            key_of[article_id(pair.pair_id, side)] = key
    path = Path(cache) if cache else None
    done: dict[str, Article] = {}
    if path is not None and path.is_file():
        with open(path, "rb") as handle:
            done = pickle.load(handle)  # noqa: S301 - a cache this command wrote, on the user's disk
    todo = [item for key, item in first_of.items() if key not in done]
    if todo:
        print(f"analysing {len(todo)} articles ({len(first_of) - len(todo)} cached)", file=out, flush=True)
        executor = None
        if workers > 1:
            from rashomon.run import ProcessPool

            executor = ProcessPool(workers)
        started = time.perf_counter()
        step = 16 * workers
        for at in range(0, len(todo), step):
            chunk = todo[at : at + step]
            # Entities are resolved per pair (pair_story); analyze_texts' resolution of the chunk is discarded.
            analysed, _ = analyze_texts(chunk, executor)
            for (_, text, language), article in zip(chunk, analysed):
                done[_text_key(versions, text, language)] = article
            if path is not None:
                # Written aside and moved into place: a reader never sees half a file.
                partial = path.with_name(path.name + ".partial")
                with open(partial, "wb") as handle:
                    pickle.dump(done, handle)
                partial.replace(path)
            print(f"  {at + len(chunk)}/{len(todo)} in {time.perf_counter() - started:.0f} s", file=out, flush=True)
    return {aid: replace(done[key], id=aid) for aid, key in key_of.items()}


def pair_story(pair: Pair, articles: dict[str, Article], encoder=None) -> tuple[list[Article], list[Entity]]:
    """The pair as a two-source story (each side its own source, whatever outlet it names) with its entities,
    resolved over the two articles alone, as a user who analysed just these two would get them."""
    from rashomon.entities import EntityResolver

    story = []
    for side in (1, 2):
        aid = article_id(pair.pair_id, side)
        article = replace(copy.deepcopy(articles[aid]), source=aid, url=None)
        for mention in article.mentions:
            mention.entity_id = None
        story.append(article)
    resolver = EntityResolver(encoder)
    story = resolver.resolve(story)
    return story, [entity for entity, _ in resolver.state()]


# ------------------------------------------------------------------ the statement-pair gold set

DEFAULT_ALIGNMENT_GOLD = (
    Path(__file__).resolve().parent.parent.parent / "tests" / "fixtures" / "alignment" / "gold.jsonl"
)
# A quarter of the article pairs (by a hash of their pair id) is never tuned on: its figures are reported apart.
HELD_OUT_SHARE = 0.25
SAMPLES = ("candidate", "near-miss", "random")


# Article pairs the gold set samples statements from: every same-story pair of these language pairs ...
ANNOTATE_ALL = ("de-en", "es-en", "de-fr")
# ... and the first so many in file order of these.
ANNOTATE_FIRST = {
    "zh-en": 6,
    "es-it": 6,
    "pl-en": 6,
    "en-en": 5,
    "de-de": 5,
    "es-es": 5,
    "fr-fr": 4,
    "ar-ar": 3,
    "ru-ru": 2,
}


def annotation_pairs(pairs: Sequence[Pair]) -> list[Pair]:
    """The same-story article pairs the gold set was sampled from (GUIDE.md, "How pairs were sampled")."""
    taken: dict[str, int] = {}
    out = []
    for pair in pairs:
        if pair.overall > SAME_STORY_MAX:
            continue
        wanted = ANNOTATE_FIRST.get(pair.languages, 0)
        if pair.languages in ANNOTATE_ALL or taken.get(pair.languages, 0) < wanted:
            taken[pair.languages] = taken.get(pair.languages, 0) + 1
            out.append(pair)
    return out


def held_out(pair_id: str) -> bool:
    """Whether an article pair is in the held-out part (a hash, so adding pairs never moves one)."""
    return int(hashlib.sha256(f"alignment-gold\0{pair_id}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < HELD_OUT_SHARE


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class GoldStatement:
    side: int
    start: int  # into the repaired text of that side
    end: int
    text: str


@dataclass(frozen=True)
class GoldStatementPair:
    pair_id: str
    languages: str  # "es-en": the article pair's languages, side 1 first
    a: GoldStatement  # from side 1
    b: GoldStatement  # from side 2
    aligned: bool
    sample: str  # how it was drawn: one of SAMPLES
    note: str = ""

    @property
    def held_out(self) -> bool:
        return held_out(self.pair_id)


def statement_ref(side: int, start: int, end: int, text: str) -> dict:
    return {"side": side, "start": start, "end": end, "sha256": sha256(text)}


def read_statement_gold(
    pairs_csv: str | Path, gold_path: str | Path = DEFAULT_ALIGNMENT_GOLD
) -> list[GoldStatementPair]:
    """The gold statement pairs with their texts read back from the pairs file (hashes checked)."""
    texts: dict[tuple[str, int], str] = {}
    for pair in read_pairs(pairs_csv):
        texts[(pair.pair_id, 1)] = pair.text1
        texts[(pair.pair_id, 2)] = pair.text2
    out = []
    with open(gold_path, encoding="utf-8") as handle:
        for n, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            sides = []
            for ref in (record["a"], record["b"]):
                raw = texts.get((record["pair_id"], ref["side"]))
                if raw is None:
                    raise ValueError(f"{gold_path}:{n}: pair {record['pair_id']} is not in {pairs_csv}")
                text = repair_text(raw)[ref["start"] : ref["end"]]
                if sha256(text) != ref["sha256"]:
                    raise ValueError(f"{gold_path}:{n}: the text at {ref['start']}-{ref['end']} changed (hash differs)")
                sides.append(GoldStatement(ref["side"], ref["start"], ref["end"], text))
            out.append(
                GoldStatementPair(
                    record["pair_id"],
                    record["languages"],
                    sides[0],
                    sides[1],
                    bool(record["aligned"]),
                    record["sample"],
                    record.get("note", ""),
                )
            )
    return out


def pair_statements(pair: Pair, articles: dict[str, Article], encoder):
    """The statements of a two-article story with vectors and its vocabulary: (side 1's, side 2's, vocabulary).

    Only statements whose text sits in the article (offsets known) can be referred to by the gold set.
    """
    from rashomon.compare import align

    story, entities = pair_story(pair, articles, encoder)
    items = [st for st in align.statements(story, entities) if st.start is not None and st.end is not None]
    vocab = align.Vocabulary.of(items, align.encode(items, encoder))
    first = [st for st in items if st.article_id == story[0].id]
    second = [st for st in items if st.article_id == story[1].id]
    return first, second, vocab


def sample_for_annotation(
    pairs: Sequence[Pair],
    articles: dict[str, Article],
    encoder,
    *,
    per_sample: int = 2,
    seed: int = 15,
) -> list[dict]:
    """Statement pairs to annotate, per article pair: up to ``per_sample`` of the comparison's candidates (best
    cosine first), as many near-misses (the highest cosines among the other pairs) and as many random other pairs.

    Records carry the texts: a worklist for the annotator, never committed.
    """
    import random

    from rashomon.compare import align

    rng = random.Random(seed)
    out: list[dict] = []
    for pair in pairs:
        first, second, vocab = pair_statements(pair, articles, encoder)
        if not first or not second:
            continue
        chosen = {(c.a.id, c.b.id) for c in align.candidates(first + second, vocab)}
        by_id = {st.id: st for st in first + second}
        ranked = sorted(
            ((float(a.vector @ b.vector), a.id, b.id) for a in first for b in second),
            reverse=True,
        )
        candidates = [r for r in ranked if (r[1], r[2]) in chosen or (r[2], r[1]) in chosen][:per_sample]
        others = [r for r in ranked if (r[1], r[2]) not in chosen and (r[2], r[1]) not in chosen]
        near = others[:per_sample]
        rest = others[per_sample:]
        drawn = rng.sample(rest, min(per_sample, len(rest)))
        original = {
            1: articles[article_id(pair.pair_id, 1)].original,
            2: articles[article_id(pair.pair_id, 2)].original,
        }
        for sample, rows in (("candidate", candidates), ("near-miss", near), ("random", drawn)):
            for cosine, a_id, b_id in rows:
                a, b = by_id[a_id], by_id[b_id]
                assert a.start is not None and a.end is not None and b.start is not None and b.end is not None
                out.append(
                    {
                        "pair_id": pair.pair_id,
                        "languages": pair.languages,
                        "a": {**statement_ref(1, a.start, a.end, original[1][a.start : a.end]), "kind": a.kind},
                        "b": {**statement_ref(2, b.start, b.end, original[2][b.start : b.end]), "kind": b.kind},
                        "sample": sample,
                        "cosine": round(cosine, 3),
                        "text_a": original[1][a.start : a.end],
                        "text_b": original[2][b.start : b.end],
                    }
                )
    return out
