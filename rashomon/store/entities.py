"""Canonical entities, with the resolver's state for each, and the index of the mentions that name them.

``entities`` holds one row per canonical entity (its display name, label, aliases and the
resolver's keys, forms and vectors as ``state``); ``entity_mentions`` maps each resolved
mention (article, index in ``Article.mentions``) to its entity, for "every story that names X".
"""

from __future__ import annotations

import json
from typing import Iterable

from rashomon.model import Article, Entity
from rashomon.store.db import Database, chunked, marks

_COLUMNS = "id, name, label, aliases"


def _entity(row) -> Entity:
    return Entity(row["id"], row["name"], row["label"], json.loads(row["aliases"]))


class EntityTable:
    """``entities`` and ``entity_mentions`` rows."""

    def __init__(self, database: Database):
        self.database = database

    # -- writing ------------------------------------------------------------
    def save(self, entities: Iterable[tuple[Entity, dict]]) -> None:
        """Upsert canonical entities with the resolver's state for each (its keys)."""
        with self.database.transaction():
            self.database.executemany(
                "INSERT INTO entities (id, name, label, aliases, state) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET name=excluded.name, label=excluded.label, "
                "aliases=excluded.aliases, state=excluded.state",
                [
                    (
                        e.id,
                        e.name,
                        e.label,
                        json.dumps(e.aliases, ensure_ascii=False),
                        json.dumps(state, ensure_ascii=False),
                    )
                    for e, state in entities
                ],
            )

    def clear(self) -> None:
        """Forget every canonical entity (``--rebuild-entities``); mentions keep their text, and every article
        is pending for the entities stage again."""
        with self.database.transaction():
            self.database.execute("DELETE FROM entities")
            self.database.execute("DELETE FROM entity_mentions")
            self.database.execute("DELETE FROM stage_runs WHERE stage = 'entities'")

    def index_mentions(self, article: Article) -> None:
        """Record which entity each of the article's mentions names; joins the caller's transaction."""
        self.database.execute("DELETE FROM entity_mentions WHERE article_id = ?", (article.id,))
        self.database.executemany(
            "INSERT INTO entity_mentions (article_id, mention, entity_id) VALUES (?, ?, ?)",
            [(article.id, i, m.entity_id) for i, m in enumerate(article.mentions) if m.entity_id],
        )

    # -- reading ------------------------------------------------------------
    def all(self) -> list[Entity]:
        """Every canonical entity, in the order they were first stored."""
        return [_entity(r) for r in self.database.execute(f"SELECT {_COLUMNS} FROM entities ORDER BY rowid")]

    def states(self) -> list[tuple[Entity, dict]]:
        """Every entity with the resolver's state for it: what ``EntityResolver.from_state`` reads."""
        return [
            (_entity(r), json.loads(r["state"]))
            for r in self.database.execute(f"SELECT {_COLUMNS}, state FROM entities ORDER BY rowid")
        ]

    def get(self, entity_id: str) -> Entity | None:
        return self.by_ids([entity_id]).get(entity_id)

    def by_ids(self, entity_ids: Iterable[str]) -> dict[str, Entity]:
        """The stored entities among ``entity_ids``, by id, in the order first given."""
        wanted = list(dict.fromkeys(entity_ids))
        rows: dict[str, Entity] = {}
        for chunk in chunked(wanted):
            for r in self.database.execute(f"SELECT {_COLUMNS} FROM entities WHERE id IN ({marks(chunk)})", chunk):
                rows[r["id"]] = _entity(r)
        return {i: rows[i] for i in wanted if i in rows}

    def stories_mentioning(self, entity_id: str) -> list[str]:
        """Ids of the stories with an article that names the entity."""
        return self.database.column(
            "SELECT DISTINCT m.story_id FROM entity_mentions e JOIN story_members m ON m.article_id = e.article_id "
            "WHERE e.entity_id = ? ORDER BY m.story_id",
            (entity_id,),
        )

    def articles_mentioning(self, entity_id: str) -> list[str]:
        """Ids of the articles that name the entity."""
        return self.database.column(
            "SELECT DISTINCT article_id FROM entity_mentions WHERE entity_id = ? ORDER BY article_id", (entity_id,)
        )
