"""The connection to one SQLite file: pragmas, busy timeout, migrations, transactions, snapshots, the revision.

Every table family (``articles.py``, ``stories.py``, ...) holds its SQL and reaches the
file only through a ``Database``; a second backend replaces this module and the SQL of
each family, never the callers.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Sequence, TypeVar

from rashomon.store.migrations import MIGRATIONS

DEFAULT_DB = "rashomon.db"

# How long a statement waits for another connection's write lock before it fails (SQLite's busy timeout):
# long enough for the longest write transaction (one batch of analysis, or one story's comparison).
BUSY_TIMEOUT_S = 30.0

# Values bound in one ``IN (...)`` list: under SQLite's variable limit (999 before 3.32, 32766 since),
# large enough that reading a batch of articles is a handful of queries.
MAX_BOUND = 500

T = TypeVar("T")


class StoreError(Exception):
    """The database cannot be used (newer schema, not a rashomon file, ...)."""


def chunked(values: Sequence[T], size: int = MAX_BOUND) -> Iterator[Sequence[T]]:
    """``values`` in slices small enough to bind in one statement."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def marks(values: Sequence) -> str:
    """``?, ?, ?``: one placeholder per value, for an ``IN (...)`` list."""
    return ", ".join("?" for _ in values)


class Database:
    """One SQLite file in WAL mode, migrated to the latest schema when opened.

    ``shared_across_threads``: the connection may be handed from one thread to another (a web request's
    dependency and handler run in different worker threads), never used by two at once.
    """

    def __init__(self, path: str | Path = DEFAULT_DB, *, shared_across_threads: bool = False):
        self.path = str(path)
        try:
            self.connection = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=not shared_across_threads
            )
            self.connection.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a rashomon database ({exc})") from exc
        self.connection.execute("PRAGMA foreign_keys=ON")
        # NORMAL is durable at every WAL checkpoint and much faster than FULL;
        # a power cut can lose only the last transactions, never corrupt the file.
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.row_factory = sqlite3.Row
        self._migrated = False
        self._migrate()
        self._migrated = True

    # -- schema -------------------------------------------------------------
    def _migrate(self) -> None:
        version = self.schema_version
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this rashomon knows "
                f"({len(MIGRATIONS)}); upgrade rashomon"
            )
        for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                if isinstance(step, str):
                    for statement in statements(step):
                        self.connection.execute(statement)
                else:  # a step that rewrites rows: Python over the open transaction
                    step(self.connection)
                # PRAGMA takes no parameters; number is our own integer.
                self.connection.execute(f"PRAGMA user_version = {int(number)}")

    @property
    def schema_version(self) -> int:
        return self.connection.execute("PRAGMA user_version").fetchone()[0]

    # -- transactions -------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it commits, or none of it. Each commit raises ``revision``."""
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
            if self._migrated:  # the migrations themselves run before the counter exists
                self.connection.execute("UPDATE revision SET value = value + 1 WHERE id = 1")
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        else:
            self.connection.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read inside sees the store as of one moment (WAL keeps it while writers go on)."""
        self.connection.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            self.connection.execute("COMMIT")

    def revision(self) -> int:
        """A number that changes whenever a write transaction commits: a key for caches of the whole corpus."""
        return self.connection.execute("SELECT value FROM revision WHERE id = 1").fetchone()[0]

    # -- reading ------------------------------------------------------------
    def execute(self, sql: str, params: Iterable = ()) -> sqlite3.Cursor:
        return self.connection.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> sqlite3.Cursor:
        return self.connection.executemany(sql, rows)

    def column(self, sql: str, params: Iterable = ()) -> list:
        """The first column of every row ``sql`` returns, in order."""
        return [row[0] for row in self.connection.execute(sql, tuple(params))]

    def one(self, sql: str, params: Iterable = ()):
        """The first column of the first row ``sql`` returns (an aggregate)."""
        return self.connection.execute(sql, tuple(params)).fetchone()[0]

    def close(self) -> None:
        self.connection.close()


def statements(script: str) -> list[str]:
    """The statements of a migration script, split at semicolons that end a statement.

    A trigger body holds semicolons of its own; ``sqlite3.complete_statement`` knows
    where the CREATE TRIGGER really ends.
    """
    found: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n\t;"):
                found.append(pending.strip().removesuffix(";").strip())
            pending = ""
    if pending.strip(" \n\t;"):
        found.append(pending.strip().removesuffix(";").strip())
    return found
