"""What each page and API endpoint shows, read from the store and shaped by the shared presentation code.

Pages and the JSON API call the same functions here, so a page never shows
something the API cannot return. Nothing here renders HTML itself: span markup
comes from ``present.spans`` (escaping), panels from ``present.analysis`` and
``present.compare``, everything else is plain data for autoescaping templates.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..analyze import comparison_note
from ..model import Article, Entity, Story
from ..present.analysis import claim_records, entity_records, quote_records
from ..present.compare import proposition_records, relation_records
from ..present.export import article_key, article_record
from ..present.languages import lang_tag, language_name, text_dir
from ..present.layers import story_layers
from ..present.reasons import explanations
from ..present.report import ArticleView, Panel, StoryView, article_view, build_views, parse_date
from ..store import CONFLICT_TYPES, Store, StoredComparison, StoryFilter, StorySummary
from ..text import published_datetime


class NotFound(Exception):
    """The thing a request named does not exist; the message names it."""


# ------------------------------------------------------------------ story list


@dataclass
class StoryRow:
    """A story list entry, with labels ready for display."""

    summary: StorySummary
    title_dir: str
    date_range: str | None
    language_labels: list[tuple[str, str]]  # (tag, "Arabic")
    not_compared: str | None = None  # "not compared (language xx)": a member language has no analysis


def story_rows(summaries: list[StorySummary]) -> list[StoryRow]:
    rows = []
    for s in summaries:
        first, last = parse_date(s.first_published)[1], parse_date(s.last_published)[1]
        dates = None if not first else first if first == last or not last else f"{first} – {last}"
        labels = [(lang_tag(code), language_name(code)) for code in s.languages]
        rows.append(StoryRow(s, "auto", dates, labels, comparison_note(s.languages)))
    return rows


def summary_record(summary: StorySummary) -> dict[str, Any]:
    return asdict(summary)


def list_stories(store: Store, where: StoryFilter, *, limit: int, offset: int) -> tuple[int, list[StorySummary]]:
    return store.stories.summaries(where, limit=limit, offset=offset)


# ------------------------------------------------------------------ one story


@dataclass
class TimelinePoint:
    article_id: str
    anchor: str
    source: str
    title: str
    published_iso: str | None
    label: str
    x: float  # 0..100 along the axis, None-dated articles are not placed


@dataclass
class EntityChip:
    id: str
    name: str
    label: str
    articles: int  # how many of the story's articles name it
    mention_label: str  # the data-label the mention spans carry ("person: Omar Alloush")


@dataclass
class StoryPage:
    story: Story
    view: StoryView
    timeline: list[TimelinePoint]
    timeline_span: str | None
    undated: list[TimelinePoint]
    chips: list[EntityChip]
    entities_by_article: dict[str, list[str]]
    contradictions: int
    articles: list[Article] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    comparison: StoredComparison | None = None  # None: the story was never compared
    not_compared: str | None = None  # "not compared (language xx)": a member language has no analysis


def _entities_of(store: Store, articles: list[Article]) -> list[Entity]:
    ids = [m.entity_id for a in articles for m in a.mentions if m.entity_id]
    return list(store.entities.by_ids(ids).values())


def _instant(published: str | None) -> datetime | None:
    dt = published_datetime(published)
    if dt is None:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def timeline(
    view: StoryView, articles_by_id: dict[str, Article]
) -> tuple[list[TimelinePoint], list[TimelinePoint], str | None]:
    """Where each source sits in time: ``(placed points, undated ones, the span they cover)``."""
    dated: list[tuple[datetime, ArticleView]] = []
    undated: list[TimelinePoint] = []
    for a in view.articles:
        instant = _instant(articles_by_id[a.id].published)
        if instant is None:
            undated.append(TimelinePoint(a.id, a.anchor, a.source, a.title, None, "no date", 0.0))
        else:
            dated.append((instant, a))
    if not dated:
        return [], undated, None
    first, last = min(d for d, _ in dated), max(d for d, _ in dated)
    width = (last - first).total_seconds()
    points = []
    for instant, a in sorted(dated, key=lambda item: item[0]):
        x = 50.0 if width == 0 else 4 + 92 * (instant - first).total_seconds() / width
        points.append(
            TimelinePoint(a.id, a.anchor, a.source, a.title, a.published_iso, a.published_label or "", round(x, 2))
        )
    hours = width / 3600
    span = (
        "published within the same hour"
        if hours < 1
        else (
            f"published over {math.ceil(hours)} hours" if hours < 48 else f"published over {math.ceil(hours / 24)} days"
        )
    )
    return points, undated, span


def story_page(store: Store, story_id: str) -> StoryPage:
    story = store.stories.get(story_id)
    if story is None:
        raise NotFound(f"story {story_id}: no such story")
    articles = store.articles.many(story.article_ids)
    entities = _entities_of(store, articles)
    comparisons = store.comparisons.many([story.id])
    layers, panels = story_layers([story], articles, entities, comparisons)
    (view,) = build_views(articles, [story], article_layers=layers, story_panels=panels)
    by_id = {a.id: a for a in articles}
    points, undated, span = timeline(view, by_id)
    entity_by_id = {e.id: e for e in entities}
    per_article: dict[str, list[str]] = {}
    naming: Counter[str] = Counter()
    for a in articles:
        ids = sorted({m.entity_id for m in a.mentions if m.entity_id in entity_by_id})
        per_article[a.id] = ids
        naming.update(ids)
    chips = [
        EntityChip(e.id, e.name, e.label, naming[e.id], f"{e.label}: {e.name}")
        for e in sorted(entity_by_id.values(), key=lambda e: (-naming[e.id], e.name.casefold()))
        if naming[e.id]
    ][:40]
    comparison = comparisons.get(story.id)
    relations = comparison.relations if comparison else []
    contradictions = sum(1 for r in relations if r.type in CONFLICT_TYPES)
    return StoryPage(
        story,
        view,
        points,
        span,
        undated,
        chips,
        per_article,
        contradictions,
        articles,
        entities,
        comparison,
        comparison_note(a.language for a in articles),
    )


def story_record(page: StoryPage) -> dict[str, Any]:
    """The API's story: its members in display order, with the analysis and comparison of the story."""
    stored = page.comparison
    propositions, relations = (stored.propositions, stored.relations) if stored else ([], [])
    ordered = [a.id for a in page.view.articles]
    by_id = {a.id: a for a in page.articles}
    return {
        "id": page.story.id,
        "title": page.story.title,
        "article_ids": ordered,
        "articles": [article_summary(by_id[i]) for i in ordered],
        "entities": entity_records(page.articles, page.entities),
        "quotes": quote_records(page.articles),
        "claims": claim_records(page.articles),
        "propositions": proposition_records(propositions),
        "relations": relation_records(relations, explanations(relations, page.articles, page.entities, propositions)),
    }


def article_summary(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "language": article.language,
        "published": article.published,
        "url": article.url,
    }


# ------------------------------------------------------------------ one article


@dataclass
class ArticlePage:
    article: Article
    view: ArticleView
    story: Story | None
    entities: list[tuple[Entity, int]]  # the entities it names, with how often
    kinds: list[tuple[str, int]]  # span kinds drawn, with counts, for the legend


def article_page(store: Store, article_id: str) -> ArticlePage:
    article = store.articles.get(article_id)
    if article is None:
        raise NotFound(f"article {article_id}: no such article")
    story_id = store.stories.of_article(article.id)
    story = store.stories.get(story_id) if story_id else None
    entities = _entities_of(store, [article])
    stories = [story] if story else []
    layers, _ = story_layers(stories, [article], entities, store.comparisons.many(s.id for s in stories))
    marks = layers.get(article.id, [])
    view = article_view(article, "a", marks)
    counts = Counter(m.entity_id for m in article.mentions if m.entity_id)
    named = sorted(((e, counts[e.id]) for e in entities), key=lambda item: (-item[1], item[0].name.casefold()))
    kinds = Counter(m.kind for m in marks)
    if article.removed:
        kinds["removed"] = len(article.removed)
    return ArticlePage(article, view, story, named, sorted(kinds.items()))


def article_api_record(page: ArticlePage) -> dict[str, Any]:
    a = page.article
    return {
        "article": article_record(a),
        "story_id": page.story.id if page.story else None,
        "removed": [{"start": r.start, "end": r.end, "reason": r.reason} for r in a.removed],
        "mentions": [
            {"start": m.start, "end": m.end, "text": m.text, "label": m.label, "entity_id": m.entity_id}
            for m in a.mentions
        ],
        "quotes": quote_records([a]),
        "claims": claim_records([a]),
        "entities": [{"id": e.id, "name": e.name, "type": e.label, "mentions": n} for e, n in page.entities],
    }


# ------------------------------------------------------------------ one entity


@dataclass
class EntityStory:
    id: str
    title: str
    articles: int
    sources: list[str]


@dataclass
class EntityPage:
    entity: Entity
    variants: list[tuple[str, int, list[str]]]  # (spelling, mentions, languages)
    stories: list[EntityStory]
    article_ids: list[str]


def entity_page(store: Store, entity_id: str) -> EntityPage:
    entity = store.entities.get(entity_id)
    if entity is None:
        raise NotFound(f"entity {entity_id}: no such entity")
    article_ids = store.entities.articles_mentioning(entity.id)
    articles = store.articles.many(article_ids)
    spellings: Counter[str] = Counter()
    languages: dict[str, set[str]] = defaultdict(set)
    for a in articles:
        for m in a.mentions:
            if m.entity_id == entity.id:
                spellings[m.text] += 1
                if a.language:
                    languages[m.text].add(a.language)
    for alias in entity.aliases:
        spellings.setdefault(alias, 0)
    variants = [
        (text, n, sorted(languages[text]))
        for text, n in sorted(spellings.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
    ]
    by_id = {a.id: a for a in articles}
    stories = []
    for story in store.stories.many(store.entities.stories_mentioning(entity.id)):
        naming = [by_id[i] for i in story.article_ids if i in by_id]
        stories.append(
            EntityStory(
                story.id, story.title, len(story.article_ids), sorted({a.outlet for a in naming}, key=str.casefold)
            )
        )
    stories.sort(key=lambda s: (-s.articles, s.id))
    ordered = [a.id for a in sorted(articles, key=article_key)]
    return EntityPage(entity, variants, stories, ordered)


def entity_api_record(page: EntityPage) -> dict[str, Any]:
    e = page.entity
    return {
        "id": e.id,
        "name": e.name,
        "type": e.label,
        "aliases": list(e.aliases),
        "variants": [{"text": t, "mentions": n, "languages": langs} for t, n, langs in page.variants],
        "stories": [asdict(s) for s in page.stories],
        "article_ids": page.article_ids,
    }


def text_direction(code: str | None) -> str:
    return text_dir(code)


@dataclass
class SourcesPage:
    profiles: list  # rashomon.persuasion.profiles.SourceProfile, busiest source first
    panels: list[Panel]  # the report's profile plots: bars, heat map, details


def sources_page(store: Store) -> SourcesPage:
    """How each outlet tells its stories, across the whole database (the report's source profiles)."""
    from ..persuasion.profiles import source_profiles
    from ..present.persuasion import profiles_panels

    articles, stories = store.articles.all(), store.stories.all()
    entities = store.entities.all()
    return SourcesPage(source_profiles(articles, stories, entities), profiles_panels(articles, stories, entities))


def profile_record(profile) -> dict[str, Any]:
    return {
        "source": profile.source,
        "articles": profile.articles,
        "words": profile.words,
        "techniques_per_1000": round(profile.techniques_per_1000, 2),
        "techniques": dict(profile.techniques.most_common()),
        "attributed_share": None if profile.attributed_share is None else round(profile.attributed_share, 3),
        "quoted": dict(profile.quoted.most_common()),
        "naming": {name: dict(counts.most_common()) for name, counts in profile.naming.items()},
        "genres": dict(profile.genres),
        "frames": dict(profile.frames),
        "per_story": {k: round(v, 2) for k, v in profile.per_story.items()},
    }
