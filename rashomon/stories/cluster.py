"""Incremental story clustering: each new article joins a story or starts one.

Nothing is ever recomputed for the corpus: an article is compared with the
members most like it (one matrix-vector product over all members' projected
document vectors, restricted to a date window), those candidates are scored
with ``StorySimilarity.score_many``, and the best story whose score passes the
model's threshold takes it. Earlier assignments never change, so stories stay
stable as the corpus grows.

A story's score for a new article is the mean of its best ``top_k`` member
scores: a one-article story needs one good match, a larger one needs two,
which keeps a long story from drifting by chaining through single members.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from rashomon.stories.features import (
    LEXICAL_CHARS,
    StoryFeatures,
    cut_at_word,
    extract_names,
    guess_title,
    published_day,
)
from rashomon.stories.similarity import StorySimilarity, default_similarity

STORY_ID_PREFIX = "s-"
DATE_WINDOW_DAYS = 10.0
CANDIDATE_MEMBERS = 64
TOP_K = 2
TITLE_MAX_CHARS = 120


@dataclass
class _Story:
    id: str
    rows: list[int] = field(default_factory=list)  # member rows in the index
    doc_sum: np.ndarray | None = None  # sum of members' projected document vectors

    @property
    def centroid(self) -> np.ndarray:
        assert self.doc_sum is not None
        return self.doc_sum / max(np.linalg.norm(self.doc_sum), 1e-12)


class StoryIndex:
    """Stories and their members' features, for assigning new articles one by one."""

    def __init__(
        self,
        similarity: StorySimilarity | None = None,
        *,
        date_window_days: float = DATE_WINDOW_DAYS,
        candidate_members: int = CANDIDATE_MEMBERS,
        top_k: int = TOP_K,
    ):
        self.similarity = similarity or default_similarity()
        self.date_window_days = date_window_days
        self.candidate_members = candidate_members
        self.top_k = top_k
        self._features: list[StoryFeatures] = []
        self._article_ids: list[str] = []
        self._row_of_article: dict[str, int] = {}
        self._stories: dict[str, _Story] = {}
        # Per member row, grown by doubling so adding stays amortised O(1).
        self._docs = np.zeros((0, 0), dtype=np.float32)  # projected document vectors
        self._days = np.zeros(0, dtype=np.float64)  # NaN where unknown
        self._story_of_row = np.zeros(0, dtype=np.int64)  # index into _story_ids
        self._story_ids: list[str] = []
        self._story_number: dict[str, int] = {}

    # --- reading -----------------------------------------------------------

    def __len__(self) -> int:
        return len(self._stories)

    @property
    def article_count(self) -> int:
        return len(self._article_ids)

    def story_ids(self) -> list[str]:
        return list(self._stories)

    def members(self, story_id: str) -> list[str]:
        return [self._article_ids[r] for r in self._stories[story_id].rows]

    def story_of(self, article_id: str) -> str | None:
        row = self._row_of_article.get(article_id)
        return None if row is None else self._story_ids[self._story_of_row[row]]

    def centroid(self, story_id: str) -> np.ndarray:
        """Normalised mean of the story's projected document vectors."""
        return self._stories[story_id].centroid

    # --- assigning ---------------------------------------------------------

    def assign(self, features: StoryFeatures) -> tuple[str | None, float]:
        """The story this article belongs to and its score, or ``(None, best score)``."""
        scores = self.story_scores(features)
        if not scores:
            return None, 0.0
        story_id = max(scores, key=lambda s: (scores[s], s))
        best = scores[story_id]
        return (story_id, best) if self.similarity.is_same_story(best) else (None, best)

    def story_scores(self, features: StoryFeatures) -> dict[str, float]:
        """Score of every candidate story for this article (stories with no near member are left out)."""
        rows = self._candidate_rows(features)
        if len(rows) == 0:
            return {}
        member_scores = self.similarity.score_many(features, [self._features[r] for r in rows])
        by_story: dict[str, list[float]] = {}
        for row, score in zip(rows, member_scores):
            by_story.setdefault(self._story_ids[self._story_of_row[row]], []).append(float(score))
        return {story: _mean_of_top(scores, self.top_k) for story, scores in by_story.items()}

    def _candidate_rows(self, features: StoryFeatures) -> np.ndarray:
        """The members most like this article by document cosine, within the date window."""
        n = len(self._article_ids)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        query = self._project_doc(features)
        cosines = self._docs[:n] @ query
        day = published_day(features.published)
        if day is not None:
            # Unknown dates on either side never exclude.
            far = np.abs(self._days[:n] - day) > self.date_window_days
            cosines = np.where(far, -np.inf, cosines)
        k = min(self.candidate_members, n)
        rows = np.argpartition(-cosines, k - 1)[:k]
        rows = rows[np.isfinite(cosines[rows])]
        return np.sort(rows)  # scoring order must not depend on the partition's order

    # --- writing -----------------------------------------------------------

    def new_story(self, article_id: str, features: StoryFeatures) -> str:
        """Start a story with this article; its id is "s-" + the article id."""
        story_id = STORY_ID_PREFIX + article_id
        suffix = 2
        while story_id in self._stories:  # the founder's id was taken by a restored story
            story_id = f"{STORY_ID_PREFIX}{article_id}-{suffix}"
            suffix += 1
        self.add(story_id, article_id, features)
        return story_id

    def add(self, story_id: str, article_id: str, features: StoryFeatures) -> None:
        """Put an article into a story, creating the story if it is new (e.g. when restoring)."""
        if article_id in self._row_of_article:
            raise ValueError(f"article {article_id!r} is already in story {self.story_of(article_id)!r}")
        story = self._stories.get(story_id)
        if story is None:
            story = self._stories[story_id] = _Story(story_id)
            self._story_number[story_id] = len(self._story_ids)
            self._story_ids.append(story_id)
        row = len(self._article_ids)
        projected = self._project_doc(features)
        self._grow(row + 1, projected.shape[0])
        self._docs[row] = projected
        day = published_day(features.published)
        self._days[row] = math.nan if day is None else day
        self._story_of_row[row] = self._story_number[story_id]
        self._features.append(features)
        self._article_ids.append(article_id)
        self._row_of_article[article_id] = row
        story.rows.append(row)
        story.doc_sum = projected.copy() if story.doc_sum is None else story.doc_sum + projected

    def _project_doc(self, features: StoryFeatures) -> np.ndarray:
        projection = self.similarity.projection
        vector = features.doc_vector[None, :]
        return (projection.apply(vector) if projection is not None else vector)[0].astype(np.float32)

    def _grow(self, needed: int, dim: int) -> None:
        if self._docs.shape[0] >= needed and self._docs.shape[1] == dim:
            return
        capacity = max(needed, 2 * self._docs.shape[0], 64)
        docs = np.zeros((capacity, dim), dtype=np.float32)
        days = np.full(capacity, math.nan)
        story_of_row = np.zeros(capacity, dtype=np.int64)
        n = len(self._article_ids)
        if n:
            docs[:n] = self._docs[:n]
            days[:n] = self._days[:n]
            story_of_row[:n] = self._story_of_row[:n]
        self._docs, self._days, self._story_of_row = docs, days, story_of_row


def _mean_of_top(scores: list[float], k: int) -> float:
    best = sorted(scores, reverse=True)[:k]
    return float(sum(best) / len(best))


# --- Titles ------------------------------------------------------------------

Member = tuple[str | None, str, str | None]  # title, text, published


def story_title(members: Sequence[Member], features: Sequence[StoryFeatures] | None = None) -> str:
    """A readable title: that of the member most central to the story.

    Centrality is the mean cosine of a member's document vector to the others
    when ``features`` are given, else the overlap of the names it mentions
    with the other members' (no encoder needed). Ties go to the earliest
    published. A member without a title lends its headline-like first line.
    """
    if not members:
        return ""
    centrality = _vector_centrality(features) if features else _name_centrality(members)
    order = sorted(
        range(len(members)),
        key=lambda i: (-round(centrality[i], 9), _day_or_inf(members[i][2]), i),
    )
    for i in order:
        title = _member_title(members[i])
        if title:
            return title
    return ""


def _member_title(member: Member) -> str:
    title, text, _ = member
    title = " ".join((title or "").split())
    if not title:
        title = guess_title((text or "").strip())[0]
    return cut_at_word(title, TITLE_MAX_CHARS) + ("…" if len(title) > TITLE_MAX_CHARS else "")


def _vector_centrality(features: Sequence[StoryFeatures]) -> list[float]:
    docs = np.vstack([f.doc_vector for f in features]).astype(np.float64)
    sims = docs @ docs.T
    n = len(features)
    if n == 1:
        return [0.0]
    return [float((sims[i].sum() - sims[i, i]) / (n - 1)) for i in range(n)]


def _name_centrality(members: Sequence[Member]) -> list[float]:
    names = [extract_names(f"{title or ''}\n{text or ''}"[:LEXICAL_CHARS]) for title, text, _ in members]
    centrality = []
    for i, mine in enumerate(names):
        overlaps = [
            len(mine & other) / math.sqrt(len(mine) * len(other))
            for j, other in enumerate(names)
            if j != i and mine and other
        ]
        centrality.append(sum(overlaps) / max(len(members) - 1, 1))
    return centrality


def _day_or_inf(published: str | None) -> float:
    day = published_day(published)
    return math.inf if day is None else day
