"""Schema versions, applied in order. Never edit a released step: add a new one.

``PRAGMA user_version`` records how many steps a database has had. A step is a SQL script, or a
function that rewrites rows over the open migration transaction (it must describe the rows it reads
with its own constants, never with today's model classes, which later releases change).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Callable, Union

Step = Union[str, Callable[[sqlite3.Connection], None]]

MIGRATIONS: list[Step] = [
    # 1: articles with their provenance, per-article stage bookkeeping, stories.
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        original TEXT NOT NULL,
        url TEXT,
        title TEXT,
        source TEXT,
        published TEXT,
        language TEXT,
        text TEXT NOT NULL DEFAULT '',
        offsets TEXT NOT NULL DEFAULT '[]',
        removed TEXT NOT NULL DEFAULT '[]',
        paragraph_languages TEXT NOT NULL DEFAULT '[]',
        given TEXT NOT NULL DEFAULT '{}',
        added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    CREATE TABLE article_paths (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        PRIMARY KEY (article_id, path)
    );
    CREATE TABLE stage_runs (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        stage TEXT NOT NULL,
        version TEXT NOT NULL,
        done_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        PRIMARY KEY (article_id, stage)
    );
    CREATE TABLE story_features (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        encoder TEXT NOT NULL,
        data BLOB NOT NULL
    );
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    CREATE TABLE story_members (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        score REAL NOT NULL
    );
    CREATE INDEX story_members_by_story ON story_members(story_id);
    CREATE TABLE rejections (
        id INTEGER PRIMARY KEY,
        input TEXT NOT NULL,
        problem TEXT NOT NULL,
        at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    """,
]

MIGRATIONS.append(
    # 2: article analysis layers (sentences, mentions, quotes, quantities, dates, claims) as one JSON
    # document per article; canonical entities; a mention index for "every story that names X".
    """
    ALTER TABLE articles ADD COLUMN layers TEXT NOT NULL DEFAULT '{}';
    CREATE TABLE entities (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        label TEXT NOT NULL,
        aliases TEXT NOT NULL DEFAULT '[]',
        state TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE entity_mentions (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        mention INTEGER NOT NULL,
        entity_id TEXT NOT NULL,
        PRIMARY KEY (article_id, mention)
    );
    CREATE INDEX entity_mentions_by_entity ON entity_mentions(entity_id)
    """
)

MIGRATIONS.append(
    # 3: source comparison per story: its propositions and relations, and the comparison version and
    # member fingerprint (ids and analysis layers) they were computed for, so only changed stories recompute.
    """
    CREATE TABLE story_comparisons (
        story_id TEXT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
        version TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        propositions TEXT NOT NULL DEFAULT '[]',
        computed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    CREATE TABLE relations (
        story_id TEXT NOT NULL REFERENCES story_comparisons(story_id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        type TEXT NOT NULL,
        confidence REAL NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (story_id, id)
    );
    CREATE INDEX relations_by_type ON relations(type)
    """
)

MIGRATIONS.append(
    # 4: full-text search over titles and cleaned texts (FTS5, external content: the text is stored once, in
    # articles), kept in sync by triggers so every writer (ingest, cleaning, a future one) updates it without
    # knowing about it; existing databases are backfilled by 'rebuild'. A covering index on the columns the
    # story list reads, so listing stories never walks the (large) article texts.
    """
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
        INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
    CREATE INDEX articles_listing ON articles(id, source, language, published, title)
    """
)

MIGRATIONS.append(
    # 5: failures and jobs, so that one bad article never blocks the others and an accepted job is never lost.
    # stage_failures: a stage that raised on one subject (an article id, or a story id for the comparison), at the
    # stage version it failed at; the subject is not pending for that stage again until the version changes or the
    # user retries (`rashomon analyze --retry-failed`). jobs: the web app's background ingests, with their inputs
    # spooled to disk before the server answers 202, resumed when the server starts. revision: a counter every
    # committed write transaction raises, so what is computed from the whole corpus (the export) can be cached
    # until the corpus changes.
    """
    CREATE TABLE stage_failures (
        subject TEXT NOT NULL,
        stage TEXT NOT NULL,
        version TEXT NOT NULL,
        problem TEXT NOT NULL,
        at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        PRIMARY KEY (subject, stage)
    );
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        kind TEXT NOT NULL,
        inputs INTEGER NOT NULL,
        spool TEXT NOT NULL,
        progress TEXT NOT NULL DEFAULT '{}',
        result TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    CREATE INDEX jobs_by_state ON jobs(state, created_at);
    CREATE TABLE revision (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        value INTEGER NOT NULL
    );
    INSERT INTO revision (id, value) VALUES (1, 0)
    """
)

# The field order in which schema 5 wrote each record with ``dataclasses.astuple`` (rashomon 870b427 and
# before; older rows may be shorter: a field added at the end was absent from the rows written before it).
_V5_FIELDS = {
    "sentences": ("start", "end"),
    "mentions": ("start", "end", "text", "label", "cluster", "entity_id"),
    "quotes": (
        "start",
        "end",
        "text",
        "direct",
        "speaker",
        "speaker_start",
        "speaker_end",
        "speaker_cluster",
        "speaker_entity_id",
        "role",
        "medium",
        "cue",
    ),
    "quantities": ("start", "end", "text", "value", "low", "high", "counted", "approximate"),
    "dates": ("start", "end", "text", "value", "relative"),
    "claims": (
        "start",
        "end",
        "text",
        "quote",
        "attributed_to",
        "speaker",
        "mention_ids",
        "quantity_ids",
        "date_ids",
        "negated",
        "hedged",
        "hedges",
    ),
    "techniques": ("start", "end", "technique", "confidence", "paragraph", "cue"),
}
_V5_REMOVED = ("start", "end", "reason")
_V5_PARAGRAPH_LANGUAGES = ("start", "end", "language", "confidence")


def _named(rows: list, names: tuple[str, ...]) -> list[dict]:
    """Positional rows as objects keyed by field name; a row already named is kept as it is."""
    return [row if isinstance(row, dict) else dict(zip(names, row)) for row in rows]


def _layers_by_name(db: sqlite3.Connection) -> None:
    """6: every stored layer, removed span and paragraph language keyed by field name instead of position.

    The comparison fingerprint of a story digests its members' layers as stored: a comparison (or a recorded
    comparison failure) that was current before the rewrite is re-keyed to the new digest, so nothing is
    recomputed that the rewrite did not change.
    """
    from rashomon.store.comparisons import member_digests

    before = member_digests(db)
    for row in db.execute("SELECT id, removed, paragraph_languages, layers FROM articles").fetchall():
        layers = json.loads(row[3] or "{}")
        for name, fields in _V5_FIELDS.items():
            if name in layers:
                layers[name] = _named(layers[name], fields)
        db.execute(
            "UPDATE articles SET removed = ?, paragraph_languages = ?, layers = ? WHERE id = ?",
            (
                json.dumps(_named(json.loads(row[1]), _V5_REMOVED), ensure_ascii=False),
                json.dumps(_named(json.loads(row[2]), _V5_PARAGRAPH_LANGUAGES)),
                json.dumps(layers, ensure_ascii=False),
                row[0],
            ),
        )
    after = member_digests(db)
    for story_id, old in before.items():
        new = after.get(story_id)
        if new is None or new == old:
            continue
        db.execute(
            "UPDATE story_comparisons SET fingerprint = ? WHERE story_id = ? AND fingerprint = ?", (new, story_id, old)
        )
        # A failed comparison is recorded at "<comparison version>:<fingerprint>" (pipeline.update_comparisons).
        db.execute(
            "UPDATE stage_failures SET version = substr(version, 1, length(version) - length(?)) || ? "
            "WHERE subject = ? AND stage = 'compare' AND version LIKE '%:' || ?",
            (old, new, story_id, old),
        )


MIGRATIONS.append(_layers_by_name)

MIGRATIONS.append(
    # 7: the outlet an article is counted as (model.Article.outlet: its named source, else its URL's host, else its
    # file), kept for the store's counts and story list so they group as the comparison and the report do. It is
    # derived: left NULL here, filled by today's code when a store opens (ArticleTable.fill_outlets).
    """
    ALTER TABLE articles ADD COLUMN outlet TEXT;
    CREATE INDEX articles_outlet ON articles(outlet);
    """
)
