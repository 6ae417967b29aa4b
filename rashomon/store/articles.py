"""Articles: their rows and paths, the rejected inputs of ingest, and per-article stage bookkeeping.

``articles`` holds one row per distinct text (keyed by content), ``article_paths`` every
path or URL it came from, ``stage_runs`` the version each per-article stage last ran at.
Reads of many articles are batched: one query per ``MAX_BOUND`` ids, never one per article.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from rashomon.model import Article, Rejection
from rashomon.store.db import Database, chunked, marks
from rashomon.store.rows import ANALYSED_COLUMNS, ARTICLE_COLUMNS, article_from_row, article_row

_COLUMNS = ", ".join(ARTICLE_COLUMNS)


@dataclass(frozen=True)
class AddResult:
    article_id: str
    is_new: bool
    path: str


class ArticleTable:
    """``articles``, ``article_paths``, ``rejections`` and ``stage_runs`` rows."""

    def __init__(self, database: Database):
        self.database = database

    # -- writing ------------------------------------------------------------
    def add(self, articles: Iterable[Article]) -> list[AddResult]:
        """Store new articles; for ones already stored, only record the new path. One transaction."""
        db = self.database
        results = []
        with db.transaction():
            for article in articles:
                exists = db.execute("SELECT 1 FROM articles WHERE id = ?", (article.id,)).fetchone()
                if not exists:
                    row = article_row(article)
                    db.execute(
                        f"INSERT INTO articles ({_COLUMNS}) VALUES ({marks(ARTICLE_COLUMNS)})",
                        [row[c] for c in ARTICLE_COLUMNS],
                    )
                db.executemany(
                    "INSERT OR IGNORE INTO article_paths (article_id, path) VALUES (?, ?)",
                    [(article.id, path) for path in article.paths],
                )
                results.append(AddResult(article.id, not exists, article.paths[0] if article.paths else ""))
        return results

    def update(self, article: Article) -> None:
        """Write what the stages changed (text, metadata, layers); joins the caller's transaction."""
        row = article_row(article)
        self.database.execute(
            f"UPDATE articles SET {', '.join(f'{c}=?' for c in ANALYSED_COLUMNS)} WHERE id=?",
            (*(row[c] for c in ANALYSED_COLUMNS), article.id),
        )

    def fill_outlets(self) -> None:
        """Set ``outlet`` where it is missing (rows stored before it existed), as ``Article.outlet`` says today."""
        missing = self.database.column("SELECT id FROM articles WHERE outlet IS NULL")
        if not missing:
            return
        with self.database.transaction():
            for chunk in chunked(missing):
                rows = self.database.execute(
                    f"SELECT id, source, url FROM articles WHERE id IN ({marks(chunk)})", chunk
                ).fetchall()
                paths = self._paths(chunk)
                self.database.executemany(
                    "UPDATE articles SET outlet = ? WHERE id = ?",
                    [
                        (Article(id=r[0], original="", paths=paths.get(r[0], []), url=r[2], source=r[1]).outlet, r[0])
                        for r in rows
                    ],
                )

    def log_rejections(self, rejections: Iterable[Rejection]) -> None:
        rows = [(r.input, r.problem) for r in rejections]
        if rows:
            with self.database.transaction():
                self.database.executemany("INSERT INTO rejections (input, problem) VALUES (?, ?)", rows)

    # -- reading ------------------------------------------------------------
    def get(self, article_id: str) -> Article | None:
        found = self.many([article_id])
        return found[0] if found else None

    def many(self, ids: Iterable[str]) -> list[Article]:
        """The stored articles among ``ids``, in the order given (unknown ids are skipped)."""
        wanted = list(ids)
        unique = list(dict.fromkeys(wanted))
        by_id: dict[str, Article] = {}
        for chunk in chunked(unique):
            rows = self.database.execute(f"SELECT {_COLUMNS} FROM articles WHERE id IN ({marks(chunk)})", chunk)
            by_id.update(self._articles(rows.fetchall(), chunk))
        return [by_id[i] for i in wanted if i in by_id]

    def all(self) -> list[Article]:
        """Every stored article, oldest first."""
        rows = self.database.execute(f"SELECT {_COLUMNS} FROM articles ORDER BY rowid").fetchall()
        return list(self._articles(rows, None).values())

    def ids(self) -> list[str]:
        """Every stored article id, oldest first."""
        return self.database.column("SELECT id FROM articles ORDER BY rowid")

    def _articles(self, rows: list, ids: Sequence[str] | None) -> dict[str, Article]:
        """Rows as articles with their paths, read in one query (for ``ids``, or for every article)."""
        paths = self._paths(ids)
        return {row["id"]: article_from_row(row, paths.get(row["id"], [])) for row in rows}

    def _paths(self, ids: Sequence[str] | None) -> dict[str, list[str]]:
        """The paths of ``ids`` (or of every article), first stored first, in one query."""
        paths: dict[str, list[str]] = {}
        sql = "SELECT article_id, path FROM article_paths"
        if ids is not None:
            sql += f" WHERE article_id IN ({marks(ids)})"
        for article_id, path in self.database.execute(sql + " ORDER BY added_at, rowid", ids or ()):
            paths.setdefault(article_id, []).append(path)
        return paths

    # -- per-article stages -------------------------------------------------
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
        return self.database.column(sql, params)

    def mark_done(self, article_id: str, stages: dict[str, str]) -> None:
        """Record that ``stages`` (name: version) ran on the article; joins the caller's transaction."""
        self.database.executemany(
            "INSERT OR REPLACE INTO stage_runs (article_id, stage, version) VALUES (?, ?, ?)",
            [(article_id, stage, version) for stage, version in stages.items()],
        )

    def forget_run(self, article_id: str, stage: str) -> None:
        """Make ``stage`` pending again for one article; joins the caller's transaction."""
        self.database.execute("DELETE FROM stage_runs WHERE article_id = ? AND stage = ?", (article_id, stage))

    def forget_stage(self, stage: str) -> None:
        """Make every article pending for ``stage`` again (``--redo``)."""
        with self.database.transaction():
            self.database.execute("DELETE FROM stage_runs WHERE stage = ?", (stage,))
