"""Model objects <-> stored rows, every value keyed by its field name.

Layers (sentences, mentions, quotes, ...) and the small records inside an article
(removed spans, paragraph languages) are stored as JSON objects ``{"field": value}``,
and propositions, relations and entities likewise: a field added to a model class, or
moved within it, never shifts what an old row means. Reading goes by name: a field the
row lacks takes the class's default (a row written before the field existed), a field
the class lacks is ignored (a row written by a newer release); only a required field
with no default that is missing makes the row unreadable.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from typing import Any, Mapping, TypeVar

from rashomon.model import (
    Article,
    Claim,
    DateMention,
    LangSpan,
    Mention,
    OffsetMap,
    Quantity,
    Quote,
    Removed,
    Span,
    Technique,
)

R = TypeVar("R")

# The columns of ``articles`` that ``article_row`` fills, in the order of ``ARTICLE_COLUMNS``.
ARTICLE_COLUMNS = (
    "id",
    "original",
    "url",
    "title",
    "source",
    "published",
    "language",
    "text",
    "offsets",
    "removed",
    "paragraph_languages",
    "given",
    "layers",
    "outlet",
)
# What a stage may change in a stored article: all but its id, original, url and given record, which never change.
ANALYSED_COLUMNS = tuple(c for c in ARTICLE_COLUMNS if c not in ("id", "original", "url", "given"))

# Analysis layers stored together as one JSON document per article: they are
# always read and written together, and their shapes grow with each release.
LAYER_TYPES: dict[str, type] = {
    "sentences": Span,
    "mentions": Mention,
    "quotes": Quote,
    "quantities": Quantity,
    "dates": DateMention,
    "claims": Claim,
    "techniques": Technique,
}


class RowError(ValueError):
    """A stored record lacks a field that has no default: it cannot be read as its class."""


def fields_of(item: Any) -> dict[str, Any]:
    """A dataclass instance as ``{field name: value}`` (JSON-ready for the model's flat records)."""
    return dataclasses.asdict(item)


def record(kind: type[R], values: Mapping[str, Any]) -> R:
    """An instance of the dataclass ``kind`` from a stored object, by field name (see the module docstring)."""
    given: dict[str, Any] = {}
    for field in dataclasses.fields(kind):  # type: ignore[arg-type]
        if field.name in values:
            given[field.name] = values[field.name]
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise RowError(f"a stored {kind.__name__} lacks its field {field.name!r}")
    return kind(**given)


def records(kind: type[R], stored: list | None) -> list[R]:
    return [record(kind, values) for values in stored or []]


def article_row(article: Article) -> dict[str, Any]:
    """The ``articles`` columns of an article (its paths live in ``article_paths``)."""
    return {
        "id": article.id,
        "original": article.original,
        "url": article.url,
        "title": article.title,
        "source": article.source,
        "published": article.published,
        "language": article.language,
        "text": article.text,
        "offsets": json.dumps(article.offsets.to_json()),
        "removed": json.dumps([fields_of(r) for r in article.removed], ensure_ascii=False),
        "paragraph_languages": json.dumps([fields_of(p) for p in article.paragraph_languages]),
        "given": json.dumps(article.given),
        "layers": layers_to_json(article),
        # Derived (Article.outlet), stored for the counts and the story list; never read back into an Article.
        "outlet": article.outlet,
    }


def article_from_row(row: sqlite3.Row | Mapping[str, Any], paths: list[str]) -> Article:
    return Article(
        id=row["id"],
        original=row["original"],
        paths=paths,
        url=row["url"],
        title=row["title"],
        source=row["source"],
        published=row["published"],
        language=row["language"],
        text=row["text"],
        offsets=OffsetMap.from_json(json.loads(row["offsets"])),
        removed=records(Removed, json.loads(row["removed"])),
        paragraph_languages=records(LangSpan, json.loads(row["paragraph_languages"])),
        given=json.loads(row["given"]),
        **layers_from_json(row["layers"]),
    )


def layers_to_json(article: Article) -> str:
    layers: dict[str, Any] = {name: [fields_of(item) for item in getattr(article, name)] for name in LAYER_TYPES}
    layers["analysis_note"] = article.analysis_note
    layers["genre"] = article.genre
    layers["genre_confidence"] = article.genre_confidence
    layers["frames"] = list(article.frames)
    return json.dumps(layers, ensure_ascii=False)


def layers_from_json(data: str | None) -> dict[str, Any]:
    layers = json.loads(data or "{}")
    restored: dict[str, Any] = {name: records(kind, layers.get(name)) for name, kind in LAYER_TYPES.items()}
    restored["analysis_note"] = layers.get("analysis_note")
    # Stores written before the persuasion stage have none of these: the stage fills them on the next run.
    restored["genre"] = layers.get("genre")
    restored["genre_confidence"] = layers.get("genre_confidence")
    restored["frames"] = list(layers.get("frames") or [])
    return restored
