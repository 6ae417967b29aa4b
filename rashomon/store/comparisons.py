"""Comparisons: each story's propositions and relations, with what they were computed from.

``story_comparisons`` holds one row per compared story: the comparison version, the
fingerprint of its members (``member_digests``) and its propositions; ``relations`` one
row per relation, its type and confidence as columns so the story list can count
conflicts without reading the JSON.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from typing import Iterable

from rashomon.model import Proposition, Relation
from rashomon.store.db import Database, chunked, marks
from rashomon.store.rows import fields_of, record, records


@dataclass(frozen=True)
class ComparisonState:
    """What a stored comparison was computed with: a story is compared again when either differs."""

    version: str  # the comparison's version (compare.version())
    fingerprint: str  # the digest of the story's members and their layers (member_digests)


@dataclass(frozen=True)
class StoredComparison:
    story_id: str
    version: str
    fingerprint: str
    propositions: list[Proposition] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    @property
    def state(self) -> ComparisonState:
        return ComparisonState(self.version, self.fingerprint)


def member_digests(db: sqlite3.Connection) -> dict[str, str]:
    """Per story, a digest of its members and their analysis layers as stored: it changes when either does."""
    digests: dict[str, "hashlib._Hash"] = {}
    for row in db.execute(
        "SELECT m.story_id, a.id, a.title, a.layers FROM story_members m JOIN articles a ON a.id = m.article_id "
        "ORDER BY m.story_id, a.id"
    ):
        d = digests.setdefault(row[0], hashlib.sha256())
        for value in (row[1], row[2] or "", row[3] or ""):
            d.update(value.encode("utf-8"))
            d.update(b"\x1f")
    # Entity resolution runs after analysis and can rename canonical entities
    # (--rebuild-entities): a comparison aligned on entity ids must then be redone.
    for row in db.execute(
        "SELECT m.story_id, e.article_id, e.mention, e.entity_id FROM story_members m "
        "JOIN entity_mentions e ON e.article_id = m.article_id ORDER BY m.story_id, e.article_id, e.mention"
    ):
        d = digests.setdefault(row[0], hashlib.sha256())
        d.update(f"{row[1]}:{row[2]}:{row[3]}\x1e".encode("utf-8"))
    return {story_id: d.hexdigest()[:16] for story_id, d in digests.items()}


class ComparisonTable:
    """``story_comparisons`` and ``relations`` rows."""

    def __init__(self, database: Database):
        self.database = database

    def member_digests(self) -> dict[str, str]:
        """``{story_id: fingerprint}`` of every story's members as they are stored now."""
        return member_digests(self.database.connection)

    def states(self) -> dict[str, ComparisonState]:
        """The state of every stored comparison, by story id."""
        return {
            r[0]: ComparisonState(r[1], r[2])
            for r in self.database.execute("SELECT story_id, version, fingerprint FROM story_comparisons")
        }

    def save(
        self,
        story_id: str,
        version: str,
        fingerprint: str,
        propositions: Iterable[Proposition],
        relations: Iterable[Relation],
    ) -> None:
        """Replace one story's comparison in one transaction."""
        db = self.database
        with db.transaction():
            db.execute("DELETE FROM story_comparisons WHERE story_id = ?", (story_id,))
            db.execute(
                "INSERT INTO story_comparisons (story_id, version, fingerprint, propositions) VALUES (?, ?, ?, ?)",
                (story_id, version, fingerprint, json.dumps([fields_of(p) for p in propositions], ensure_ascii=False)),
            )
            db.executemany(
                "INSERT INTO relations (story_id, id, type, confidence, data) VALUES (?, ?, ?, ?, ?)",
                [
                    (story_id, r.id, r.type, r.confidence, json.dumps(fields_of(r), ensure_ascii=False))
                    for r in relations
                ],
            )

    def forget(self, keep: Iterable[str] = ()) -> int:
        """Drop stored comparisons of every story not in ``keep`` (stories that lost their members)."""
        keep = set(keep)
        gone = [i for i in self.database.column("SELECT story_id FROM story_comparisons") if i not in keep]
        if gone:
            with self.database.transaction():
                self.database.executemany("DELETE FROM story_comparisons WHERE story_id = ?", [(g,) for g in gone])
        return len(gone)

    def get(self, story_id: str) -> StoredComparison | None:
        return self.many([story_id]).get(story_id)

    def many(self, story_ids: Iterable[str]) -> dict[str, StoredComparison]:
        """The stored comparisons of ``story_ids`` (stories never compared are absent), a query per chunk."""
        found: dict[str, StoredComparison] = {}
        for chunk in chunked(list(dict.fromkeys(story_ids))):
            relations: dict[str, list[Relation]] = {}
            for row in self.database.execute(
                f"SELECT story_id, data FROM relations WHERE story_id IN ({marks(chunk)}) ORDER BY rowid", chunk
            ):
                relations.setdefault(row[0], []).append(record(Relation, json.loads(row[1])))
            for row in self.database.execute(
                f"SELECT story_id, version, fingerprint, propositions FROM story_comparisons "
                f"WHERE story_id IN ({marks(chunk)})",
                chunk,
            ):
                found[row[0]] = StoredComparison(
                    row[0], row[1], row[2], records(Proposition, json.loads(row[3])), relations.get(row[0], [])
                )
        return found

    def relations(self) -> list[Relation]:
        """Every stored relation, story by story."""
        return [
            record(Relation, json.loads(r[0]))
            for r in self.database.execute("SELECT data FROM relations ORDER BY story_id, rowid")
        ]
