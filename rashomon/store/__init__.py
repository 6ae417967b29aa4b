"""The SQLite store: one file, WAL mode, a versioned schema.

Every statement is parameterised: article text is untrusted and never becomes SQL.
Writes happen in short transactions (one batch of articles each), so a run that is
killed halfway keeps every batch it committed and the next run resumes from there.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from rashomon.model import (
    Article,
    Claim,
    DateMention,
    Entity,
    LangSpan,
    Mention,
    OffsetMap,
    Proposition,
    Quantity,
    Quote,
    Rejection,
    Relation,
    Removed,
    Span,
    Technique,
    Story,
)
from rashomon.store.failures import Failure, FailureTable
from rashomon.store.jobs import JobRecord, JobTable
from rashomon.store.migrations import MIGRATIONS

DEFAULT_DB = "rashomon.db"


class StoreError(Exception):
    """The database cannot be used (newer schema, not a rashomon file, ...)."""


@dataclass(frozen=True)
class AddResult:
    article_id: str
    is_new: bool
    path: str


# An article that names no outlet (a saved .txt file); each such article is a source of its own.
_NO_OUTLET = "trim(coalesce(a.source, '')) = ''"


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


# Relation types that mean the sources (or one speaker) say opposite things.
CONFLICT_TYPES = ("contradict", "quote_drift")
_SEARCH_WORD = re.compile(r"\w+")
_MAX_SEARCH_WORDS = 16


def fts_query(text: str) -> str | None:
    """A user's words as an FTS5 query that cannot be a syntax error: every word quoted, prefix-matched, all required.

    Operators typed by the user (AND, NEAR, quotes, parentheses) are searched as words, never interpreted.
    """
    words = _SEARCH_WORD.findall(text or "")[:_MAX_SEARCH_WORDS]
    return " ".join(f'"{word}"*' for word in words) or None


_ARTICLE_COLUMNS = (
    "id, original, url, title, source, published, language, text, offsets, removed, paragraph_languages, given, "
    "layers"
)

# Analysis layers stored together as one JSON document per article: they are
# always read and written together, and their shapes grow with each release.
_LAYER_TYPES = {
    "sentences": Span,
    "mentions": Mention,
    "quotes": Quote,
    "quantities": Quantity,
    "dates": DateMention,
    "claims": Claim,
    "techniques": Technique,
}


# How long a statement waits for another connection's write lock before it fails (SQLite's busy timeout):
# long enough for the longest write transaction (one batch of analysis, or one story's comparison).
BUSY_TIMEOUT_S = 30.0

__all__ = [
    "AddResult", "CONFLICT_TYPES", "DEFAULT_DB", "Failure", "JobRecord", "Store", "StoreError", "StoryFilter",
    "StorySummary", "fts_query",
]


class Store:
    """One SQLite file; its table families are reached through it (``store.failures``, ``store.jobs``).

    ``shared_across_threads``: the connection may be handed from one thread to another (a web request's
    dependency and handler run in different worker threads), never used by two at once.
    """

    def __init__(self, path: str | Path = DEFAULT_DB, *, shared_across_threads: bool = False):
        self.path = str(path)
        try:
            self.db = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=not shared_across_threads
            )
            self.db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a rashomon database ({exc})") from exc
        self.db.execute("PRAGMA foreign_keys=ON")
        # NORMAL is durable at every WAL checkpoint and much faster than FULL;
        # a power cut can lose only the last transactions, never corrupt the file.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.row_factory = sqlite3.Row
        self._migrated = False
        self._migrate()
        self._migrated = True
        self.failures = FailureTable(self.db)
        self.jobs = JobTable(self.db)

    # -- schema -------------------------------------------------------------
    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this rashomon knows "
                f"({len(MIGRATIONS)}); upgrade rashomon"
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                for statement in _statements(script):
                    self.db.execute(statement)
                # PRAGMA takes no parameters; number is our own integer.
                self.db.execute(f"PRAGMA user_version = {int(number)}")

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it commits, or none of it. Each commit raises the store's ``revision``."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
            if self._migrated:  # the migrations themselves run before the counter exists
                self.db.execute("UPDATE revision SET value = value + 1 WHERE id = 1")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read inside sees the store as of one moment (WAL keeps it while writers go on)."""
        self.db.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            self.db.execute("COMMIT")

    def revision(self) -> int:
        """A number that changes whenever a write transaction commits: a key for caches of the whole corpus."""
        return self.db.execute("SELECT value FROM revision WHERE id = 1").fetchone()[0]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _column(self, sql: str, params: tuple = ()) -> list:
        """The first column of every row ``sql`` returns, in order."""
        return [row[0] for row in self.db.execute(sql, params)]

    # -- ingest -------------------------------------------------------------
    def add_articles(self, articles: Iterable[Article]) -> list[AddResult]:
        """Store new articles; for ones already stored, only record the new path."""
        results = []
        with self.transaction():
            for article in articles:
                exists = self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article.id,)).fetchone()
                if not exists:
                    self.db.execute(
                        f"INSERT INTO articles ({_ARTICLE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        _article_row(article),
                    )
                for path in article.paths:
                    self.db.execute(
                        "INSERT OR IGNORE INTO article_paths (article_id, path) VALUES (?, ?)", (article.id, path)
                    )
                results.append(AddResult(article.id, not exists, article.paths[0] if article.paths else ""))
        return results

    def log_rejections(self, rejections: Iterable[Rejection]) -> None:
        rows = [(r.input, r.problem) for r in rejections]
        if rows:
            with self.transaction():
                self.db.executemany("INSERT INTO rejections (input, problem) VALUES (?, ?)", rows)

    # -- per-article stages ------------------------------------------------------
    def pending(self, stage: str, version: str, limit: int | None = None) -> list[str]:
        """Ids of articles whose ``stage`` has not run at ``version``, oldest first.

        An article on which the stage failed at this very version is not pending: it would fail again.
        """
        sql = (
            "SELECT a.id FROM articles a LEFT JOIN stage_runs s ON s.article_id = a.id AND s.stage = ? "
            "WHERE (s.version IS NULL OR s.version != ?) AND a.id NOT IN "
            "(SELECT subject FROM stage_failures WHERE stage = ? AND version = ?) ORDER BY a.rowid"
        )
        params: tuple = (stage, version, stage, version)
        if limit is not None:
            sql += " LIMIT ?"
            params += (limit,)
        return self._column(sql, params)

    def forget_stage(self, stage: str) -> None:
        """Make every article pending for ``stage`` again (``--redo``)."""
        with self.transaction():
            self.db.execute("DELETE FROM stage_runs WHERE stage = ?", (stage,))

    def save_analysis(
        self,
        article: Article,
        stages: dict[str, str],
        features: tuple[str, bytes] | None = None,
    ) -> None:
        """Write the layers the per-article stages produced and mark those stages done.

        Call inside ``transaction()`` so a whole batch commits together.
        """
        row = dict(zip(_ARTICLE_COLUMNS.split(", "), _article_row(article)))
        updated = ("title", "source", "published", "language", "text", "offsets", "removed", "paragraph_languages", "layers")
        self.db.execute(
            f"UPDATE articles SET {', '.join(f'{c}=?' for c in updated)} WHERE id=?",
            (*(row[c] for c in updated), article.id),
        )
        self._index_entity_mentions(article)
        if features is not None:
            encoder, data = features
            self.db.execute(
                "INSERT OR REPLACE INTO story_features (article_id, encoder, data) VALUES (?, ?, ?)",
                (article.id, encoder, data),
            )
        self.db.executemany(
            "INSERT OR REPLACE INTO stage_runs (article_id, stage, version) VALUES (?, ?, ?)",
            [(article.id, stage, version) for stage, version in stages.items()],
        )
        self.failures.clear(article.id, stages)

    def story_features(self, encoder: str) -> Iterator[tuple[str, str | None, bytes]]:
        """``(article_id, story_id or None, feature bytes)`` for every analysed article."""
        for row in self.db.execute(
            "SELECT f.article_id, m.story_id, f.data FROM story_features f "
            "LEFT JOIN story_members m ON m.article_id = f.article_id "
            "JOIN articles a ON a.id = f.article_id WHERE f.encoder = ? ORDER BY a.rowid",
            (encoder,),
        ):
            yield row[0], row[1], row[2]

    def _index_entity_mentions(self, article: Article) -> None:
        self.db.execute("DELETE FROM entity_mentions WHERE article_id = ?", (article.id,))
        self.db.executemany(
            "INSERT INTO entity_mentions (article_id, mention, entity_id) VALUES (?, ?, ?)",
            [(article.id, i, m.entity_id) for i, m in enumerate(article.mentions) if m.entity_id],
        )

    # -- entities ----------------------------------------------------------------
    def save_entities(self, entities: Iterable[tuple[Entity, dict]]) -> None:
        """Upsert canonical entities with the resolver's state for each (its keys)."""
        with self.transaction():
            self.db.executemany(
                "INSERT INTO entities (id, name, label, aliases, state) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET name=excluded.name, label=excluded.label, "
                "aliases=excluded.aliases, state=excluded.state",
                [
                    (e.id, e.name, e.label, json.dumps(e.aliases, ensure_ascii=False), json.dumps(state, ensure_ascii=False))
                    for e, state in entities
                ],
            )

    def clear_entities(self) -> None:
        """Forget every canonical entity (``--rebuild-entities``); mentions keep their text."""
        with self.transaction():
            self.db.execute("DELETE FROM entities")
            self.db.execute("DELETE FROM entity_mentions")
            self.db.execute("DELETE FROM stage_runs WHERE stage = 'entities'")

    def article_ids(self) -> list[str]:
        """Every stored article id, oldest first."""
        return self._column("SELECT id FROM articles ORDER BY rowid")

    def entities(self) -> list[tuple[Entity, dict]]:
        return [
            (Entity(r["id"], r["name"], r["label"], json.loads(r["aliases"])), json.loads(r["state"]))
            for r in self.db.execute("SELECT id, name, label, aliases, state FROM entities ORDER BY rowid")
        ]

    def entity(self, entity_id: str) -> Entity | None:
        r = self.db.execute("SELECT id, name, label, aliases FROM entities WHERE id = ?", (entity_id,)).fetchone()
        return Entity(r["id"], r["name"], r["label"], json.loads(r["aliases"])) if r else None

    def entities_by_id(self, entity_ids: Iterable[str]) -> dict[str, Entity]:
        found: dict[str, Entity] = {}
        for entity_id in dict.fromkeys(entity_ids):
            entity = self.entity(entity_id)
            if entity:
                found[entity_id] = entity
        return found

    def stories_mentioning(self, entity_id: str) -> list[str]:
        """Ids of the stories with an article that names the entity."""
        return self._column(
            "SELECT DISTINCT m.story_id FROM entity_mentions e JOIN story_members m ON m.article_id = e.article_id "
            "WHERE e.entity_id = ? ORDER BY m.story_id",
            (entity_id,),
        )

    def articles_mentioning(self, entity_id: str) -> list[str]:
        return self._column(
            "SELECT DISTINCT article_id FROM entity_mentions WHERE entity_id = ? ORDER BY article_id", (entity_id,)
        )

    # -- stories -----------------------------------------------------------------
    def save_story_assignments(self, assignments: Iterable[tuple[str, str, float]], titles: dict[str, str]) -> None:
        """Record ``(article_id, story_id, score)`` and (re)title the stories touched."""
        with self.transaction():
            for story_id, title in titles.items():
                self.db.execute(
                    "INSERT INTO stories (id, title) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET title=excluded.title, "
                    "updated_at=strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
                    (story_id, title),
                )
            self.db.executemany(
                "INSERT OR REPLACE INTO story_members (article_id, story_id, score) VALUES (?, ?, ?)",
                list(assignments),
            )

    def clear_stories(self) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM story_members")
            self.db.execute("DELETE FROM stories")

    def stories(self) -> list[Story]:
        members: dict[str, list[str]] = {}
        for row in self.db.execute(
            "SELECT m.story_id, m.article_id FROM story_members m JOIN articles a ON a.id = m.article_id "
            "ORDER BY a.published IS NULL, a.published, a.rowid"
        ):
            members.setdefault(row[0], []).append(row[1])
        stories = [
            Story(row["id"], row["title"], members.get(row["id"], []))
            for row in self.db.execute("SELECT id, title FROM stories")
        ]
        stories = [s for s in stories if s.article_ids]
        stories.sort(key=lambda s: (-len(s.article_ids), s.id))
        return stories

    def story(self, story_id: str) -> Story | None:
        """One story with its members in the order of ``stories()``; reads only that story."""
        row = self.db.execute("SELECT id, title FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            return None
        members = self._column(
            "SELECT m.article_id FROM story_members m JOIN articles a ON a.id = m.article_id WHERE m.story_id = ? "
            "ORDER BY a.published IS NULL, a.published, a.rowid",
            (story_id,),
        )
        return Story(row["id"], row["title"], members) if members else None

    def story_of_article(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT story_id FROM story_members WHERE article_id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def _story_filter_sql(self, where: StoryFilter) -> tuple[str, list]:
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
                + " AND ".join(member_conditions) + ")"
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

    def story_summaries(
        self, where: StoryFilter = StoryFilter(), *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[StorySummary]]:
        """``(total matching, one page of summaries)``, stories by size then id (the export's order).

        Two steps, so the cost of a page does not grow with the corpus: the page's ids come from
        ``story_members`` alone (an index), then only those stories' articles are read.
        """
        condition, params = self._story_filter_sql(where)
        total = self.db.execute("SELECT COUNT(DISTINCT m.story_id) FROM story_members m" + condition, params).fetchone()[0]
        page = self.db.execute(
            "SELECT m.story_id, COUNT(*) AS n FROM story_members m" + condition
            + " GROUP BY m.story_id ORDER BY n DESC, m.story_id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()
        if not page:
            return total, []
        ids = [r[0] for r in page]
        marks = ", ".join("?" for _ in ids)
        conflict_marks = ", ".join("?" for _ in CONFLICT_TYPES)
        details = {
            r["id"]: r
            for r in self.db.execute(
                "SELECT s.id, s.title, group_concat(DISTINCT a.source) AS sources, "
                "group_concat(DISTINCT a.language) AS languages, MIN(a.published) AS first, MAX(a.published) AS last, "
                f"SUM(CASE WHEN {_NO_OUTLET} THEN 1 ELSE 0 END) AS unnamed "
                f"FROM stories s JOIN story_members m ON m.story_id = s.id JOIN articles a ON a.id = m.article_id "
                f"WHERE s.id IN ({marks}) GROUP BY s.id",
                ids,
            )
        }
        conflicts = dict(
            self.db.execute(
                f"SELECT story_id, COUNT(*) FROM relations WHERE story_id IN ({marks}) AND type IN ({conflict_marks}) "
                "GROUP BY story_id",
                [*ids, *CONFLICT_TYPES],
            ).fetchall()
        )
        summaries = []
        for story_id, n in page:
            r = details[story_id]
            summaries.append(StorySummary(
                id=story_id,
                title=r["title"],
                articles=n,
                # group_concat joins with commas, and outlet names may hold commas: split per article instead.
                sources=self._story_sources(story_id) if r["sources"] and "," in r["sources"] else
                ([r["sources"]] if r["sources"] else []),
                languages=sorted(r["languages"].split(",")) if r["languages"] else [],
                first_published=r["first"],
                last_published=r["last"],
                contradictions=conflicts.get(story_id, 0),
                unnamed_sources=r["unnamed"] or 0,
            ))
        return total, summaries

    def _story_sources(self, story_id: str) -> list[str]:
        return self._column(
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
                for r in self.db.execute(
                    f"SELECT a.{column}, COUNT(*) FROM story_members m JOIN articles a ON a.id = m.article_id "
                    f"WHERE a.{column} IS NOT NULL AND a.{column} != '' GROUP BY a.{column} ORDER BY COUNT(*) DESC, a.{column}"
                )
            ]

        return {"languages": counted("language"), "sources": counted("source")}

    def find_story(self, prefix: str) -> list[Story]:
        """Stories whose id starts with ``prefix`` (users type short ids)."""
        return [s for s in self.stories() if s.id.startswith(prefix)]

    # -- comparisons --------------------------------------------------------------
    def story_member_digests(self) -> dict[str, str]:
        """Per story, a digest of its members and their analysis layers: it changes when either does."""
        import hashlib

        digests: dict[str, "hashlib._Hash"] = {}
        for row in self.db.execute(
            "SELECT m.story_id, a.id, a.title, a.layers FROM story_members m JOIN articles a ON a.id = m.article_id "
            "ORDER BY m.story_id, a.id"
        ):
            d = digests.setdefault(row[0], hashlib.sha256())
            for value in (row[1], row[2] or "", row[3] or ""):
                d.update(value.encode("utf-8"))
                d.update(b"\x1f")
        # Entity resolution runs after analysis and can rename canonical entities
        # (--rebuild-entities): a comparison aligned on entity ids must then be redone.
        for row in self.db.execute(
            "SELECT m.story_id, e.article_id, e.mention, e.entity_id FROM story_members m "
            "JOIN entity_mentions e ON e.article_id = m.article_id ORDER BY m.story_id, e.article_id, e.mention"
        ):
            d = digests.setdefault(row[0], hashlib.sha256())
            d.update(f"{row[1]}:{row[2]}:{row[3]}\x1e".encode("utf-8"))
        return {story_id: d.hexdigest()[:16] for story_id, d in digests.items()}

    def comparison_states(self) -> dict[str, tuple[str, str]]:
        """``{story_id: (version, fingerprint)}`` of every stored comparison."""
        return {r[0]: (r[1], r[2]) for r in self.db.execute("SELECT story_id, version, fingerprint FROM story_comparisons")}

    def save_comparison(
        self, story_id: str, version: str, fingerprint: str, propositions: Iterable[Proposition], relations: Iterable[Relation]
    ) -> None:
        """Replace one story's comparison in one transaction."""
        with self.transaction():
            self.db.execute("DELETE FROM story_comparisons WHERE story_id = ?", (story_id,))
            self.db.execute(
                "INSERT INTO story_comparisons (story_id, version, fingerprint, propositions) VALUES (?, ?, ?, ?)",
                (story_id, version, fingerprint,
                 json.dumps([dataclasses.asdict(p) for p in propositions], ensure_ascii=False)),
            )
            self.db.executemany(
                "INSERT INTO relations (story_id, id, type, confidence, data) VALUES (?, ?, ?, ?, ?)",
                [(story_id, r.id, r.type, r.confidence, json.dumps(dataclasses.asdict(r), ensure_ascii=False))
                 for r in relations],
            )

    def forget_comparisons(self, keep: Iterable[str] = ()) -> int:
        """Drop stored comparisons of every story not in ``keep`` (stories that lost their members)."""
        keep = set(keep)
        gone = [i for i in self._column("SELECT story_id FROM story_comparisons") if i not in keep]
        if gone:
            with self.transaction():
                self.db.executemany("DELETE FROM story_comparisons WHERE story_id = ?", [(g,) for g in gone])
        return len(gone)

    def comparison(self, story_id: str) -> tuple[str, str, list[Proposition], list[Relation]] | None:
        """``(version, fingerprint, propositions, relations)`` stored for a story, or None."""
        row = self.db.execute(
            "SELECT version, fingerprint, propositions FROM story_comparisons WHERE story_id = ?", (story_id,)
        ).fetchone()
        if row is None:
            return None
        propositions = [Proposition(**p) for p in json.loads(row["propositions"])]
        relations = [
            Relation(**json.loads(r[0]))
            for r in self.db.execute("SELECT data FROM relations WHERE story_id = ? ORDER BY rowid", (story_id,))
        ]
        return row["version"], row["fingerprint"], propositions, relations

    def relations(self) -> list[Relation]:
        return [Relation(**json.loads(r[0])) for r in self.db.execute("SELECT data FROM relations ORDER BY story_id, rowid")]

    # -- reading -----------------------------------------------------------------
    def article(self, article_id: str) -> Article | None:
        row = self.db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        return self._article_from_row(row) if row else None

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        if ids is None:
            rows = self.db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY rowid").fetchall()
            return [self._article_from_row(r) for r in rows]
        found = [self.article(i) for i in ids]
        return [a for a in found if a is not None]

    def _article_from_row(self, row: sqlite3.Row) -> Article:
        paths = self._column(
            "SELECT path FROM article_paths WHERE article_id = ? ORDER BY added_at, rowid", (row["id"],)
        )
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
            removed=[Removed(s, e, r) for s, e, r in json.loads(row["removed"])],
            paragraph_languages=[LangSpan(s, e, lang, c) for s, e, lang, c in json.loads(row["paragraph_languages"])],
            given=json.loads(row["given"]),
            **_layers_from_json(row["layers"]),
        )

    def counts(self) -> dict[str, int]:
        one = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "articles": one("SELECT COUNT(*) FROM articles"),
            "stories": one("SELECT COUNT(DISTINCT story_id) FROM story_members"),
            # An article that names no outlet is a source of its own, as the comparison and the report count it.
            "sources": one(f"SELECT (SELECT COUNT(DISTINCT a.source) FROM articles a WHERE NOT {_NO_OUTLET})"
                           f" + (SELECT COUNT(*) FROM articles a WHERE {_NO_OUTLET})"),
            "languages": one("SELECT COUNT(DISTINCT language) FROM articles WHERE language IS NOT NULL"),
            "entities": one("SELECT COUNT(DISTINCT entity_id) FROM entity_mentions"),
            "relations": one("SELECT COUNT(*) FROM relations"),
            "contradictions": one("SELECT COUNT(*) FROM relations WHERE type IN ('contradict', 'quote_drift')"),
            "rejections": one("SELECT COUNT(*) FROM rejections"),
            "failed": self.failures.count(),
        }


def _article_row(article: Article) -> tuple:
    return (
        article.id,
        article.original,
        article.url,
        article.title,
        article.source,
        article.published,
        article.language,
        article.text,
        json.dumps(article.offsets.to_json()),
        json.dumps([[r.start, r.end, r.reason] for r in article.removed]),
        json.dumps([[p.start, p.end, p.language, p.confidence] for p in article.paragraph_languages]),
        json.dumps(article.given),
        _layers_to_json(article),
    )


def _layers_to_json(article: Article) -> str:
    layers: dict = {name: [dataclasses.astuple(item) for item in getattr(article, name)] for name in _LAYER_TYPES}
    layers["analysis_note"] = article.analysis_note
    layers["genre"] = article.genre
    layers["genre_confidence"] = article.genre_confidence
    layers["frames"] = list(article.frames)
    return json.dumps(layers, ensure_ascii=False)


def _layers_from_json(data: str) -> dict:
    layers = json.loads(data or "{}")
    restored: dict = {name: [kind(*values) for values in layers.get(name, [])] for name, kind in _LAYER_TYPES.items()}
    restored["analysis_note"] = layers.get("analysis_note")
    # Stores written before the persuasion stage have none of these: the stage fills them on the next run.
    restored["genre"] = layers.get("genre")
    restored["genre_confidence"] = layers.get("genre_confidence")
    restored["frames"] = list(layers.get("frames") or [])
    return restored


def _statements(script: str) -> list[str]:
    """The statements of a migration script, split at semicolons that end a statement.

    A trigger body holds semicolons of its own; ``sqlite3.complete_statement`` knows
    where the CREATE TRIGGER really ends.
    """
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n\t;"):
                statements.append(pending.strip().removesuffix(";").strip())
            pending = ""
    if pending.strip(" \n\t;"):
        statements.append(pending.strip().removesuffix(";").strip())
    return statements
