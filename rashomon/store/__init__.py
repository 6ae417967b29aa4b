"""The SQLite store: one file, WAL mode, a versioned schema, reached through one ``Store`` per connection.

``Store`` is a façade over table families, each a module with its SQL (as sqlite-utils'
``Database`` hands out ``Table`` objects): ``store.articles`` (articles, paths, rejections,
stage runs), ``store.stories`` (members, features, the story list), ``store.comparisons``,
``store.entities``, ``store.failures`` and ``store.jobs``. ``db.py`` owns the connection,
the migrations and transactions; ``rows.py`` turns model objects into rows and back, by
field name. What spans families (saving one article's analysis, the corpus counts) is here.

Every statement is parameterised: article text is untrusted and never becomes SQL.
Writes happen in short transactions (one batch of articles each), so a run that is
killed halfway keeps every batch it committed and the next run resumes from there.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from rashomon.model import Article, Entity, Story
from rashomon.store.articles import AddResult, ArticleTable
from rashomon.store.comparisons import ComparisonState, ComparisonTable, StoredComparison
from rashomon.store.db import BUSY_TIMEOUT_S, DEFAULT_DB, Database, StoreError
from rashomon.store.entities import EntityTable
from rashomon.store.failures import Failure, FailureTable
from rashomon.store.jobs import JobRecord, JobTable
from rashomon.store.stories import (
    CONFLICT_TYPES,
    StoryFeature,
    StoryFilter,
    StorySummary,
    StoryTable,
    fts_query,
)

__all__ = [
    "AddResult",
    "BUSY_TIMEOUT_S",
    "CONFLICT_TYPES",
    "ComparisonState",
    "Corpus",
    "DEFAULT_DB",
    "Failure",
    "JobRecord",
    "Store",
    "StoreError",
    "StoredComparison",
    "StoryFeature",
    "StoryFilter",
    "StorySummary",
    "fts_query",
]


@dataclass(frozen=True)
class Corpus:
    """Everything the store holds that the report and the export show."""

    articles: list[Article]  # oldest first
    stories: list[Story]  # biggest first, then by id
    entities: list[Entity]
    comparisons: dict[str, StoredComparison]  # by story id; stories never compared are absent


class Store:
    """One SQLite file and its table families (see the module docstring).

    ``shared_across_threads``: the connection may be handed from one thread to another (a web request's
    dependency and handler run in different worker threads), never used by two at once.
    """

    def __init__(self, path: str | Path = DEFAULT_DB, *, shared_across_threads: bool = False):
        self.database = Database(path, shared_across_threads=shared_across_threads)
        self.path = self.database.path
        self.db: sqlite3.Connection = self.database.connection  # for statements no family owns (tests, benchmarks)
        self.articles = ArticleTable(self.database)
        self.stories = StoryTable(self.database)
        self.comparisons = ComparisonTable(self.database)
        self.entities = EntityTable(self.database)
        self.failures = FailureTable(self.db)
        self.jobs = JobTable(self.db)
        self.articles.fill_outlets()

    @property
    def schema_version(self) -> int:
        return self.database.schema_version

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction: all of it commits, or none of it. Each commit raises the store's ``revision``."""
        return self.database.transaction()

    def snapshot(self) -> AbstractContextManager[None]:
        """Every read inside sees the store as of one moment (WAL keeps it while writers go on)."""
        return self.database.snapshot()

    def revision(self) -> int:
        """A number that changes whenever a write transaction commits: a key for caches of the whole corpus."""
        return self.database.revision()

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- across families --------------------------------------------------------
    def save_analysis(
        self, article: Article, stages: dict[str, str], features: tuple[str, bytes] | None = None
    ) -> None:
        """Write the layers the per-article stages produced, index its entity mentions, keep its story features
        (``(encoder, data)``), and mark those stages done.

        Call inside ``transaction()`` so a whole batch commits together.
        """
        self.articles.update(article)
        self.entities.index_mentions(article)
        if features is not None:
            encoder, data = features
            self.stories.save_features(article.id, encoder, data)
        self.articles.mark_done(article.id, stages)
        self.failures.clear(article.id, stages)

    def corpus(self) -> Corpus:
        """Every article, story, entity and comparison: the report's and the export's input.

        Inside ``snapshot()`` it is the store as of one moment (the web app's export); a command line
        reading its own file does not need that.
        """
        stories = self.stories.all()
        return Corpus(self.articles.all(), stories, self.entities.all(), self.comparisons.many(s.id for s in stories))

    def counts(self) -> dict[str, int]:
        one = self.database.one
        return {
            "articles": one("SELECT COUNT(*) FROM articles"),
            "stories": one("SELECT COUNT(DISTINCT story_id) FROM story_members"),
            # Sources as the comparison and the report count them (Article.outlet).
            "sources": one("SELECT COUNT(DISTINCT outlet) FROM articles"),
            "languages": one("SELECT COUNT(DISTINCT language) FROM articles WHERE language IS NOT NULL"),
            "entities": one("SELECT COUNT(DISTINCT entity_id) FROM entity_mentions"),
            "relations": one("SELECT COUNT(*) FROM relations"),
            "contradictions": one(
                f"SELECT COUNT(*) FROM relations WHERE type IN ({', '.join('?' for _ in CONFLICT_TYPES)})",
                CONFLICT_TYPES,
            ),
            "rejections": one("SELECT COUNT(*) FROM rejections"),
            "failed": self.failures.count(),
        }
