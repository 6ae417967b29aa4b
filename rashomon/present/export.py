"""Export formats: the public JSON document, JSON Lines and CSV.

The JSON document is a public contract. Its shape::

    {
      "rashomon_version": "0.1.0",
      "articles": [{"id", "paths", "url", "title", "source", "language",
                    "published", "text"}, ...],
      "stories":  [{"id", "title", "article_ids"}, ...]
    }

Later work only ADDS keys (top-level sections such as ``entities``,
``quotes``, ``claims``, ``relations``, ``techniques``; more article keys) and
never renames or removes one. To add an article key, append to
``ARTICLE_FIELDS`` (or extend :func:`article_record`); to add a section, pass
it in ``sections=`` and, if its record type is not the section name minus
"s", add it to ``RECORD_TYPES``. JSONL and CSV follow automatically.

Ordering is deterministic: stories by size (descending) then id; articles by
their first story (in story order), then publication time, then id; articles
in no story come last. A story's ``article_ids`` follow the same order.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import timezone
from typing import Any, TextIO

from .. import __version__
from ..analyze import comparison_note
from ..model import Article, Story
from ..text import published_datetime

# Article keys of the JSON contract, in output order.
ARTICLE_FIELDS: tuple[str, ...] = (
    "id",
    "paths",
    "url",
    "title",
    "source",
    "language",
    "published",
    "text",
    # Added with article analysis: every span offset (mentions, quotes, claims)
    # points into this text, as it was read, so any span can be shown in place.
    "original",
    "analysis_note",
    # Added with the persuasion stage: opinion | reporting | satire, and the SemEval-2023 frames.
    "genre",
    "frames",
    # Added after: how sure the genre call is (0-1).
    "genre_confidence",
)
STORY_FIELDS: tuple[str, ...] = ("id", "title", "article_ids", "comparison_note")

# Section name -> JSONL record type. Unlisted sections drop a trailing "s".
RECORD_TYPES: dict[str, str] = {
    "articles": "article",
    "stories": "story",
    "entities": "entity",
    "quotes": "quote",
    "claims": "claim",
    "relations": "relation",
    "techniques": "technique",
}

CSV_COLUMNS: tuple[str, ...] = (
    "story_id",
    "story_title",
    "story_size",
    "article_id",
    "source",
    "language",
    "published",
    "title",
    "url",
    "paths",
    "text",
    "story_comparison_note",
)
PATHS_SEPARATOR = "; "


# ---------------------------------------------------------------- ordering


def published_key(published: str | None) -> tuple[int, float, str]:
    """Sort key for a publication date: parsed instants first (UTC), then
    unparsable strings, then missing dates. Naive times are taken as UTC."""
    if not published:
        return (2, math.inf, "")
    raw = published.strip()
    dt = published_datetime(raw)
    if dt is None:
        return (1, math.inf, raw)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return (0, dt.timestamp(), raw)


def article_key(article: Article) -> tuple:
    return (published_key(article.published), article.id)


def order_stories(stories: Iterable[Story]) -> list[Story]:
    """Stories by size (number of articles) descending, then id."""
    return sorted(stories, key=lambda s: (-len(s.article_ids), s.id))


def order_story_article_ids(story: Story, articles_by_id: Mapping[str, Article]) -> list[str]:
    """A story's article ids by publication time then id; unknown ids last, by id."""
    known = [i for i in story.article_ids if i in articles_by_id]
    unknown = sorted({i for i in story.article_ids if i not in articles_by_id})
    seen: set[str] = set()
    ordered: list[str] = []
    for aid in sorted(known, key=lambda i: article_key(articles_by_id[i])):
        if aid not in seen:
            seen.add(aid)
            ordered.append(aid)
    return ordered + unknown


def order_articles(articles: Iterable[Article], stories: Sequence[Story]) -> list[Article]:
    """Articles by their first story (in :func:`order_stories` order), then
    publication time, then id; articles in no story come last."""
    rank: dict[str, int] = {}
    for n, story in enumerate(order_stories(stories)):
        for aid in story.article_ids:
            rank.setdefault(aid, n)
    return sorted(articles, key=lambda a: (rank.get(a.id, math.inf), article_key(a)))


# ---------------------------------------------------------------- records


def article_record(article: Article) -> dict[str, Any]:
    """One article as the contract describes it (JSON-ready, fresh lists)."""
    values = {
        "id": article.id,
        "paths": list(article.paths),
        "url": article.url,
        "title": article.title,
        "source": article.source,
        "language": article.language,
        "published": article.published,
        "text": article.text,
        "original": article.original,
        "analysis_note": article.analysis_note,
        "genre": article.genre,
        "frames": list(article.frames),
        "genre_confidence": article.genre_confidence,
    }
    return {k: values[k] for k in ARTICLE_FIELDS}


def story_record(story: Story, articles_by_id: Mapping[str, Article]) -> dict[str, Any]:
    values = {
        "id": story.id,
        "title": story.title,
        "article_ids": order_story_article_ids(story, articles_by_id),
        "comparison_note": comparison_note(
            articles_by_id[i].language for i in story.article_ids if i in articles_by_id
        ),
    }
    return {k: values[k] for k in STORY_FIELDS}


def export_document(
    articles: list[Article],
    stories: list[Story],
    *,
    sections: Mapping[str, list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """The public JSON document (see the module docstring for the contract).

    ``sections`` adds further top-level lists (e.g. ``{"entities": [...]}``),
    in the given order, after ``stories``.
    """
    by_id = {a.id: a for a in articles}
    doc: dict[str, Any] = {
        "rashomon_version": __version__,
        "articles": [article_record(a) for a in order_articles(articles, stories)],
        "stories": [story_record(s, by_id) for s in order_stories(stories)],
    }
    for name, records in (sections or {}).items():
        if name in doc:
            raise ValueError(f"section {name!r} is already part of the document")
        doc[name] = list(records)
    return doc


# ---------------------------------------------------------------- writers


def write_json(doc: Mapping[str, Any], out: TextIO) -> None:
    """The document as indented UTF-8 JSON (non-ASCII kept as is)."""
    json.dump(doc, out, ensure_ascii=False, indent=2)
    out.write("\n")


def record_type(section: str) -> str:
    return RECORD_TYPES.get(section, section[:-1] if section.endswith("s") else section)


def iter_records(doc: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    """Every record of every list section, as ``{"type": <record type>, ...}``.

    JSONL's ``type`` names the record type, so a record's own ``type`` field
    (an entity's person/place/...) is written as ``<record type>_type``.
    """
    for section, records in doc.items():
        if not isinstance(records, list):
            continue  # scalars such as rashomon_version
        kind = record_type(section)
        for rec in records:
            if "type" in rec:
                rec = {(f"{kind}_type" if key == "type" else key): value for key, value in rec.items()}
            yield {"type": kind, **rec}


def write_jsonl(doc: Mapping[str, Any], out: TextIO) -> None:
    """One JSON object per line: articles, then stories, then later sections."""
    for rec in iter_records(doc):
        out.write(json.dumps(rec, ensure_ascii=False))
        out.write("\n")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: Any, neutralize: bool) -> str:
    """A CSV cell: "" for None; with ``neutralize``, text a spreadsheet would run as a formula gets a leading '."""
    if value is None:
        return ""
    s = str(value)
    if neutralize and s.startswith(_FORMULA_START):
        # Untrusted text must not run as a spreadsheet formula (CSV injection).
        return "'" + s
    return s


def csv_rows(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per article, with the story it belongs to (its first, in story order)."""
    story_of: dict[str, dict[str, Any]] = {}
    for story in doc.get("stories", []):
        for aid in story["article_ids"]:
            story_of.setdefault(aid, story)
    rows = []
    for art in doc.get("articles", []):
        story = story_of.get(art["id"])
        rows.append(
            {
                "story_id": story["id"] if story else None,
                "story_title": story["title"] if story else None,
                "story_size": len(story["article_ids"]) if story else None,
                "story_comparison_note": story.get("comparison_note") if story else None,
                "article_id": art["id"],
                "source": art.get("source"),
                "language": art.get("language"),
                "published": art.get("published"),
                "title": art.get("title"),
                "url": art.get("url"),
                "paths": PATHS_SEPARATOR.join(art.get("paths") or []),
                "text": art.get("text"),
            }
        )
    return rows


def write_csv(
    doc: Mapping[str, Any],
    out: TextIO,
    *,
    neutralize_formulas: bool = True,
    bom: bool = False,
) -> None:
    """The articles table: one row per article with its story id and title.

    Cells that a spreadsheet would run as a formula (starting with ``= + - @``,
    tab or CR) get a leading ``'`` unless ``neutralize_formulas=False``. Pass
    ``bom=True`` for files meant for Excel (it needs it to read UTF-8). Open
    ``out`` with ``newline=""``.
    """
    if bom:
        out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS))
    writer.writeheader()
    for row in csv_rows(doc):
        writer.writerow({k: cell_text(row[k], neutralize_formulas) for k in CSV_COLUMNS})
