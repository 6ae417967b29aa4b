"""Background jobs (the web app's ingests), kept in the store so that a 202 is a promise kept.

A job row is written, with its inputs already spooled to disk, before the server
answers 202; the worker moves it from ``queued`` to ``running`` to ``done`` or
``failed``. A server stopped or killed mid-job finds its ``queued`` and
``running`` jobs here when it starts again and runs them (ingest is idempotent:
articles are keyed by their content).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
UNFINISHED = (QUEUED, RUNNING)


@dataclass(frozen=True)
class JobRecord:
    id: str
    state: str  # queued | running | done | failed
    kind: str  # what the spool holds: "articles" (JSON records), "urls", "uploads" (files)
    inputs: int  # how many inputs were given (articles, URLs, files)
    spool: str  # the folder holding the job's inputs until it is done
    progress: dict[str, Any] = field(default_factory=dict)  # stage, done, total
    result: dict[str, Any] = field(default_factory=dict)  # added, duplicates, rejections, summary, error
    created_at: str = ""
    updated_at: str = ""


_COLUMNS = "id, state, kind, inputs, spool, progress, result, created_at, updated_at"


def _record(row: sqlite3.Row | tuple) -> JobRecord:
    id_, state, kind, inputs, spool, progress, result, created, updated = tuple(row)
    return JobRecord(id_, state, kind, inputs, spool, json.loads(progress), json.loads(result), created, updated)


class JobTable:
    """``jobs`` rows. Each write is one statement: it commits at once, or joins the caller's open transaction."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def add(self, job_id: str, kind: str, inputs: int, spool: str) -> JobRecord:
        self.db.execute(
            "INSERT INTO jobs (id, state, kind, inputs, spool, progress) VALUES (?, ?, ?, ?, ?, ?)",
            (job_id, QUEUED, kind, inputs, spool, json.dumps({"stage": QUEUED, "done": 0, "total": None})),
        )
        found = self.get(job_id)
        assert found is not None
        return found

    def get(self, job_id: str) -> JobRecord | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _record(row) if row else None

    def unfinished(self) -> list[JobRecord]:
        """Queued and running jobs, oldest first: the work a starting server resumes."""
        return [
            _record(row)
            for row in self.db.execute(
                f"SELECT {_COLUMNS} FROM jobs WHERE state IN (?, ?) ORDER BY created_at, rowid", UNFINISHED
            )
        ]

    def active(self) -> int:
        """How many jobs are queued or running."""
        return self.db.execute("SELECT COUNT(*) FROM jobs WHERE state IN (?, ?)", UNFINISHED).fetchone()[0]

    def set_progress(self, job_id: str, stage: str, done: int, total: int | None, *, state: str | None = None) -> None:
        progress = json.dumps({"stage": stage, "done": done, "total": total})
        self.db.execute(
            "UPDATE jobs SET progress = ?, state = coalesce(?, state), "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
            (progress, state, job_id),
        )

    def set_result(self, job_id: str, result: dict[str, Any]) -> None:
        """Merge ``result`` into what the job has found so far (rejections, then what it added)."""
        current = self.get(job_id)
        merged = {**(current.result if current else {}), **result}
        self.db.execute(
            "UPDATE jobs SET result = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
            (json.dumps(merged, ensure_ascii=False), job_id),
        )

    def finish(self, job_id: str, state: str, result: dict[str, Any]) -> None:
        """Mark the job ``done`` or ``failed`` with what it found; its last counts stay."""
        self.set_result(job_id, result)
        self.db.execute(
            "UPDATE jobs SET state = ?, progress = json_set(progress, '$.stage', ?), "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
            (state, state, job_id),
        )

    def forget_finished(self, keep: int) -> list[JobRecord]:
        """Drop all but the ``keep`` newest finished jobs; returns the dropped ones (their spools can go)."""
        old = [
            _record(row)
            for row in self.db.execute(
                f"SELECT {_COLUMNS} FROM jobs WHERE state NOT IN (?, ?) ORDER BY updated_at DESC, rowid DESC "
                "LIMIT -1 OFFSET ?",
                (*UNFINISHED, keep),
            )
        ]
        self.db.executemany("DELETE FROM jobs WHERE id = ?", [(job.id,) for job in old])
        return old
