"""Stage failures: what raised on one article (or one story), so that it never blocks the others.

A stage that raises on one subject is recorded here at the version it ran at, with
one line saying why. The subject is then not pending for that stage (nor for the
stages that read it) until the stage's version changes or the user asks for a
retry: a bad record must not make every later run fail the same way.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Iterable

from rashomon.model import MAX_PROBLEM_CHARS


@dataclass(frozen=True)
class Failure:
    subject: str  # an article id, or a story id for the comparison
    stage: str
    version: str
    problem: str
    at: str
    label: str  # what the user knows the subject by: the article's first path or URL, or the story's title

    def __str__(self) -> str:
        return f"{self.label}: {self.stage} failed ({self.problem})"


class FailureTable:
    """``stage_failures`` rows; writes join the caller's transaction when one is open."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def record(self, subject: str, stage: str, version: str, problem: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO stage_failures (subject, stage, version, problem) VALUES (?, ?, ?, ?)",
            (subject, stage, version, problem[:MAX_PROBLEM_CHARS]),
        )

    def clear(self, subject: str, stages: Iterable[str]) -> None:
        """Forget the failures of ``stages`` on ``subject`` (they have just run)."""
        self.db.executemany(
            "DELETE FROM stage_failures WHERE subject = ? AND stage = ?", [(subject, stage) for stage in stages]
        )

    def clear_all(self, stages: Iterable[str] | None = None) -> int:
        """Forget every failure (of ``stages``), so the next run retries them; returns how many."""
        if stages is None:
            return self.db.execute("DELETE FROM stage_failures").rowcount
        return sum(self.db.execute("DELETE FROM stage_failures WHERE stage = ?", (s,)).rowcount for s in stages)

    def failed(self, stage: str, version: str) -> set[str]:
        """Subjects whose ``stage`` failed at ``version``."""
        return {
            row[0]
            for row in self.db.execute(
                "SELECT subject FROM stage_failures WHERE stage = ? AND version = ?", (stage, version)
            )
        }

    def all(self) -> list[Failure]:
        return [
            Failure(*row)
            for row in self.db.execute(
                "SELECT f.subject, f.stage, f.version, f.problem, f.at, coalesce("
                "(SELECT path FROM article_paths p WHERE p.article_id = f.subject ORDER BY p.added_at, p.rowid LIMIT 1), "
                "(SELECT url FROM articles a WHERE a.id = f.subject), "
                "(SELECT 'story ' || s.id || ' (' || s.title || ')' FROM stories s WHERE s.id = f.subject), "
                "f.subject) FROM stage_failures f ORDER BY f.at, f.subject, f.stage"
            )
        ]

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(DISTINCT subject) FROM stage_failures").fetchone()[0]
