"""Stories: their members, the features story assignment reads, and the story list with its filters.

``stories`` titles each story, ``story_members`` puts each article in at most one,
``story_features`` keeps the encoder features assignment compares new articles with.
The list (``summaries``) is paged in two steps so a page never costs more as the corpus grows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from rashomon.model import Story
from rashomon.store.db import Database, chunked, marks

# Relation types that mean the sources (or one speaker) say opposite things.
CONFLICT_TYPES = ("contradict", "quote_drift")

# An article that names no outlet (a saved .txt file); each such article is a source of its own.
NO_OUTLET = "trim(coalesce(a.source, '')) = ''"

_SEARCH_WORD = re.compile(r"\w+")
_MAX_SEARCH_WORDS = 16


def fts_query(text: str) -> str | None:
    """A user's words as an FTS5 query that cannot be a syntax error: every word quoted, prefix-matched, all required.

    Operators typed by the user (AND, NEAR, quotes, parentheses) are searched as words, never interpreted.
    """
    words = _SEARCH_WORD.findall(text or "")[:_MAX_SEARCH_WORDS]
    return " ".join(f'"{word}"*' for word in words) or None


@dataclass(frozen=True)
class StorySummary:
    """One row of the story list: what a reader needs to pick a story, without loading its articles."""

    id: str
    title: str
    articles: int
    sources: list[str]
    languages: list[str]
    first_published: str | None
    last_published: str | None
    contradictions: int  # relations of type contradict or quote_drift in the stored comparison
    # Articles that name no outlet (saved .txt files): each is a source of its own, as the comparison counts it.
    unnamed_sources: int = 0


@dataclass(frozen=True)
class StoryFilter:
    """What the story list is narrowed to; every field optional."""

    query: str | None = None  # words searched in article titles and texts (FTS5)
    language: str | None = None
    source: str | None = None
    published_from: str | None = None  # ISO date, inclusive
    published_to: str | None = None  # ISO date, inclusive


@dataclass(frozen=True)
class StoryFeature:
    """One analysed article's stored features, with the story it is in (None: not placed yet)."""

    article_id: str
    story_id: str | None
    data: bytes


# Members in the order every story shows them: dated first, by date, then as they were stored.
_MEMBER_ORDER = "a.published IS NULL, a.published, a.rowid"


class StoryTable:
    """``stories``, ``story_members`` and ``story_features`` rows."""

    def __init__(self, database: Database):
        self.database = database

    # -- writing ------------------------------------------------------------
    def save_assignments(self, assignments: Iterable[tuple[str, str, float]], titles: dict[str, str]) -> None:
        """Record ``(article_id, story_id, score)`` and (re)title the stories touched."""
        db = self.database
        with db.transaction():
            for story_id, title in titles.items():
                db.execute(
                    "INSERT INTO stories (id, title) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET title=excluded.title, "
                    "updated_at=strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
                    (story_id, title),
                )
            db.executemany(
                "INSERT OR REPLACE INTO story_members (article_id, story_id, score) VALUES (?, ?, ?)",
                list(assignments),
            )

    def remove_member(self, article_id: str) -> None:
        """Take an article out of its story (its features changed); joins the caller's transaction."""
        self.database.execute("DELETE FROM story_members WHERE article_id = ?", (article_id,))

    def clear(self) -> None:
        with self.database.transaction():
            self.database.execute("DELETE FROM story_members")
            self.database.execute("DELETE FROM stories")

    def save_features(self, article_id: str, encoder: str, data: bytes) -> None:
        """Joins the caller's transaction."""
        self.database.execute(
            "INSERT OR REPLACE INTO story_features (article_id, encoder, data) VALUES (?, ?, ?)",
            (article_id, encoder, data),
        )

    # -- reading ------------------------------------------------------------
    def features(self, encoder: str) -> Iterator[StoryFeature]:
        """Every analysed article's features from ``encoder``, oldest article first."""
        for row in self.database.execute(
            "SELECT f.article_id, m.story_id, f.data FROM story_features f "
            "LEFT JOIN story_members m ON m.article_id = f.article_id "
            "JOIN articles a ON a.id = f.article_id WHERE f.encoder = ? ORDER BY a.rowid",
            (encoder,),
        ):
            yield StoryFeature(row[0], row[1], row[2])

    def all(self) -> list[Story]:
        """Every story with members, biggest first (then by id)."""
        members: dict[str, list[str]] = {}
        for row in self.database.execute(
            f"SELECT m.story_id, m.article_id FROM story_members m JOIN articles a ON a.id = m.article_id "
            f"ORDER BY {_MEMBER_ORDER}"
        ):
            members.setdefault(row[0], []).append(row[1])
        stories = [
            Story(row["id"], row["title"], members.get(row["id"], []))
            for row in self.database.execute("SELECT id, title FROM stories")
        ]
        stories = [s for s in stories if s.article_ids]
        stories.sort(key=lambda s: (-len(s.article_ids), s.id))
        return stories

    def get(self, story_id: str) -> Story | None:
        """One story with its members in the order of ``all()``; reads only that story."""
        found = self.many([story_id])
        return found[0] if found else None

    def many(self, story_ids: Iterable[str]) -> list[Story]:
        """The stories among ``story_ids`` that have members, in the order given; two queries per chunk."""
        wanted = list(dict.fromkeys(story_ids))
        found: dict[str, Story] = {}
        for chunk in chunked(wanted):
            members: dict[str, list[str]] = {}
            for row in self.database.execute(
                f"SELECT m.story_id, m.article_id FROM story_members m JOIN articles a ON a.id = m.article_id "
                f"WHERE m.story_id IN ({marks(chunk)}) ORDER BY {_MEMBER_ORDER}",
                chunk,
            ):
                members.setdefault(row[0], []).append(row[1])
            for row in self.database.execute(f"SELECT id, title FROM stories WHERE id IN ({marks(chunk)})", chunk):
                if row["id"] in members:
                    found[row["id"]] = Story(row["id"], row["title"], members[row["id"]])
        return [found[i] for i in wanted if i in found]

    def find(self, prefix: str) -> list[Story]:
        """Stories whose id starts with ``prefix`` (users type short ids)."""
        return [s for s in self.all() if s.id.startswith(prefix)]

    def of_article(self, article_id: str) -> str | None:
        """The id of the story the article is in."""
        row = self.database.execute("SELECT story_id FROM story_members WHERE article_id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    # -- the story list -----------------------------------------------------
    def summaries(
        self, where: StoryFilter = StoryFilter(), *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[StorySummary]]:
        """``(total matching, one page of summaries)``, stories by size then id (the export's order).

        Two steps, so the cost of a page does not grow with the corpus: the page's ids come from
        ``story_members`` alone (an index), then only those stories' articles are read.
        """
        db = self.database
        condition, params = _filter_sql(where)
        total = db.one("SELECT COUNT(DISTINCT m.story_id) FROM story_members m" + condition, params)
        page = db.execute(
            "SELECT m.story_id, COUNT(*) AS n FROM story_members m"
            + condition
            + " GROUP BY m.story_id ORDER BY n DESC, m.story_id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()
        if not page:
            return total, []
        ids = [r[0] for r in page]
        details = {
            r["id"]: r
            for r in db.execute(
                "SELECT s.id, s.title, group_concat(DISTINCT a.source) AS sources, "
                "group_concat(DISTINCT a.language) AS languages, MIN(a.published) AS first, MAX(a.published) AS last, "
                f"COUNT(DISTINCT CASE WHEN {NO_OUTLET} THEN a.outlet END) AS unnamed "
                f"FROM stories s JOIN story_members m ON m.story_id = s.id JOIN articles a ON a.id = m.article_id "
                f"WHERE s.id IN ({marks(ids)}) GROUP BY s.id",
                ids,
            )
        }
        conflicts = dict(
            db.execute(
                f"SELECT story_id, COUNT(*) FROM relations WHERE story_id IN ({marks(ids)}) "
                f"AND type IN ({marks(CONFLICT_TYPES)}) GROUP BY story_id",
                [*ids, *CONFLICT_TYPES],
            ).fetchall()
        )
        summaries = []
        for story_id, n in page:
            r = details[story_id]
            summaries.append(
                StorySummary(
                    id=story_id,
                    title=r["title"],
                    articles=n,
                    # group_concat joins with commas, and outlet names may hold commas: split per article instead.
                    sources=self._sources(story_id)
                    if r["sources"] and "," in r["sources"]
                    else ([r["sources"]] if r["sources"] else []),
                    languages=sorted(r["languages"].split(",")) if r["languages"] else [],
                    first_published=r["first"],
                    last_published=r["last"],
                    contradictions=conflicts.get(story_id, 0),
                    unnamed_sources=r["unnamed"] or 0,
                )
            )
        return total, summaries

    def _sources(self, story_id: str) -> list[str]:
        return self.database.column(
            "SELECT DISTINCT a.source FROM story_members m JOIN articles a ON a.id = m.article_id "
            "WHERE m.story_id = ? AND a.source IS NOT NULL ORDER BY a.source",
            (story_id,),
        )

    def facets(self) -> dict[str, list[tuple[str, int]]]:
        """Languages and sources of the articles in stories, with their article counts (for filter menus)."""

        def counted(column: str) -> list[tuple[str, int]]:
            # column is one of our own names, never user input.
            return [
                (r[0], r[1])
                for r in self.database.execute(
                    f"SELECT a.{column}, COUNT(*) FROM story_members m JOIN articles a ON a.id = m.article_id "
                    f"WHERE a.{column} IS NOT NULL AND a.{column} != '' GROUP BY a.{column} ORDER BY COUNT(*) DESC, a.{column}"
                )
            ]

        return {"languages": counted("language"), "sources": counted("source")}


def _filter_sql(where: StoryFilter) -> tuple[str, list]:
    """Conditions on ``m.story_id`` (``story_members m``) and their parameters: only bound values, never user text."""
    clauses: list[str] = []
    params: list = []
    member_conditions: list[str] = []
    for value, condition in (
        (where.language, "a.language = ?"),
        (where.source, "a.source = ?"),
        (where.published_from, "substr(a.published, 1, 10) >= ?"),
        (where.published_to, "substr(a.published, 1, 10) <= ?"),
    ):
        if value:
            member_conditions.append(condition)
            params.append(value)
    if member_conditions:
        # One member satisfying every condition: "a French article from Le Monde", not one of each.
        clauses.append(
            "m.story_id IN (SELECT m2.story_id FROM story_members m2 JOIN articles a ON a.id = m2.article_id WHERE "
            + " AND ".join(member_conditions)
            + ")"
        )
    match = fts_query(where.query or "")
    if where.query and match is None:
        clauses.append("0")  # only punctuation: nothing can match
    elif match:
        clauses.append(
            "m.story_id IN (SELECT m3.story_id FROM articles_fts f JOIN articles a ON a.rowid = f.rowid "
            "JOIN story_members m3 ON m3.article_id = a.id WHERE articles_fts MATCH ?)"
        )
        params.append(match)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params
