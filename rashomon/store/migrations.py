"""Schema versions, applied in order. Never edit a released step: add a new one.

``PRAGMA user_version`` records how many steps a database has had.
"""

MIGRATIONS: list[str] = [
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
