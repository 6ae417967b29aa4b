"""``rashomon bench api``: latency of the story list and the story page at N stored articles.

The corpus is synthetic and written straight through the store (no analysis: this
measures the web layer and its queries, not the NLP): N articles of a few hundred
words in stories of 2 to 8 sources in four languages, each with entity mentions,
quotes and claims so the story page draws every layer, and a stored comparison
per story. A real uvicorn server serves it; every figure is over real HTTP
requests from this process, after one warm-up request per URL.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from rashomon.model import Article, Claim, Entity, Mention, Proposition, Quote, Relation, Span
from rashomon.store import Store

OUTLETS = [
    ("en", "Daily Ledger"),
    ("en", "Morning Wire"),
    ("fr", "Le Quotidien"),
    ("fr", "Journal du Soir"),
    ("de", "Tagesbote"),
    ("ar", "الشرق اليوم"),
    ("en", "Global Courier"),
    ("de", "Abendpost"),
]
WORDS = (
    "convoy city council officials fighters deal agreement ministry spokesman reported said civilians border "
    "talks ceasefire region market election vote protest court report villages river bridge army"
).split()
NAMES = [
    ("Omar Alloush", "person"),
    ("Raqqa", "place"),
    ("Civil Council", "organisation"),
    ("Mostafa Bali", "person"),
    ("Deir Ezzor", "place"),
    ("Defence Ministry", "organisation"),
]


@dataclass
class Latency:
    name: str
    median_ms: float
    p95_ms: float
    requests: int


def build_corpus(db_path: str | Path, articles: int, seed: int = 7) -> tuple[int, list[str]]:
    """Write ``articles`` synthetic analysed articles in stories; returns (stories, story ids)."""
    rng = random.Random(seed)
    entities = [Entity(f"e-bench{n}", name, label, [name.lower()]) for n, (name, label) in enumerate(NAMES)]
    made: list[Article] = []
    assignments: list[tuple[str, str, float]] = []
    titles: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    story_n = 0
    while len(made) < articles:
        size = min(rng.randint(2, 8), articles - len(made))
        story_id = f"s-bench{story_n:06d}"
        story_n += 1
        topic = " ".join(rng.choice(WORDS) for _ in range(4))
        for k in range(size):
            language, outlet = OUTLETS[(story_n + k) % len(OUTLETS)]
            made.append(_article(rng, len(made), language, outlet, topic, story_n, entities))
            assignments.append((made[-1].id, story_id, 0.9))
            members.setdefault(story_id, []).append(made[-1].id)
        titles[story_id] = f"Story {story_n}: {topic}"
    with Store(db_path) as store:
        for start in range(0, len(made), 500):
            chunk = made[start : start + 500]
            store.articles.add(chunk)
            with store.transaction():
                for article in chunk:
                    store.save_analysis(article, {})
        store.entities.save([(e, {}) for e in entities])
        store.stories.save_assignments(assignments, titles)
        for story_id, ids in members.items():
            claim_ids = [f"c-{i}-0" for i in ids]
            proposition = Proposition(
                f"p-{story_id}",
                "The convoy left the city",
                claim_ids,
                ids,
                ["asserts"] * (len(ids) - 1) + ["denies"],
                ["convoy"],
                story_id,
            )
            relation = Relation(
                f"r-{story_id}",
                "contradict",
                claim_ids[:2],
                ids[:2],
                0.8,
                "negation-mismatch",
                ["negation-mismatch"],
                proposition.id,
                None,
                story_id,
            )
            store.comparisons.save(story_id, "bench", "bench", [proposition], [relation])
    return len(members), list(members)


def _article(
    rng: random.Random, n: int, language: str, outlet: str, topic: str, story_n: int, entities: list[Entity]
) -> Article:
    title = f"{topic.capitalize()} ({outlet}, {n})"
    sentences = []
    for _ in range(18):
        sentences.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 22))).capitalize() + ".")
    names = rng.sample(entities, 3)
    lead = f"{names[0].name} said the convoy left {names[1].name} after talks with the {names[2].name}."
    text = lead + " " + " ".join(sentences)
    mentions = []
    for index, entity in enumerate(names):
        at = text.find(entity.name)
        mentions.append(Mention(at, at + len(entity.name), entity.name, entity.label, index, entity.id))
    quote_start = len(names[0].name) + len(" said ")
    quote = Quote(
        quote_start,
        len(lead) - 1,
        lead[quote_start:-1],
        False,
        names[0].name,
        0,
        len(names[0].name),
        0,
        names[0].id,
        None,
        None,
        "said",
    )
    claim = Claim(0, len(lead), lead, 0, names[0].id, names[0].name, [0, 1, 2])
    day = 1 + story_n % 27
    return Article(
        id=f"bench{n:07d}",
        original=text,
        paths=[f"bench:{n}"],
        title=title,
        source=outlet,
        published=f"2024-03-{day:02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+00:00",
        language=language,
        text=text,
        sentences=[Span(0, len(lead))],
        mentions=mentions,
        quotes=[quote],
        claims=[claim],
    )


def measure(base: str, path: str, requests: int) -> Latency:
    def get() -> float:
        started = time.perf_counter()
        with urllib.request.urlopen(base + path, timeout=60) as response:
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
        return (time.perf_counter() - started) * 1000

    get()  # warm-up: first-use imports and caches are not what a reader waits for on every page
    timings = sorted(get() for _ in range(requests))
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return Latency(path, statistics.median(timings), p95, requests)


def run_api_bench(articles: int, requests: int, db: str | None = None, out=print) -> list[Latency]:
    import threading

    import uvicorn

    from rashomon.web import create_app
    from rashomon.web import server as web_server

    with tempfile.TemporaryDirectory() as tmp:
        db_path = db or str(Path(tmp) / "bench.db")
        started = time.perf_counter()
        n_stories, story_ids = build_corpus(db_path, articles)
        out(f"corpus: {articles} articles in {n_stories} stories, written in {time.perf_counter() - started:.1f} s")
        port = web_server.free_port()
        server = uvicorn.Server(web_server.config(create_app(db_path), "127.0.0.1", port, lifespan="off"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            base = f"http://127.0.0.1:{port}"
            biggest = story_ids[len(story_ids) // 2]
            results = [
                measure(base, "/api/stories", requests),
                measure(base, "/api/stories?q=convoy%20ministry&language=fr", requests),
                measure(base, "/", requests),
                measure(base, f"/api/stories/{biggest}", requests),
                measure(base, f"/stories/{biggest}", requests),
            ]
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    for r in results:
        out(f"{r.name}: median {r.median_ms:.1f} ms, p95 {r.p95_ms:.1f} ms over {r.requests} requests")
    story_list = max(results[0].p95_ms, results[2].p95_ms)
    story_page = max(results[3].p95_ms, results[4].p95_ms)
    out(f"story_list_p95_ms={story_list:.1f} story_page_p95_ms={story_page:.1f} articles={articles}")
    return results
