"""The one data model every stage reads and writes.

Offsets: every span names characters of ``Article.original`` (the text exactly as
ingested, after decoding), so any output can be shown in its source. Cleaning
produces ``Article.text`` plus an ``OffsetMap`` from cleaned positions back to
original positions.
"""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Span:
    """A half-open range ``[start, end)`` of ``Article.original``."""

    start: int
    end: int


@dataclass(frozen=True)
class Removed:
    """A stretch of the original that cleaning dropped, and why."""

    start: int
    end: int
    reason: str  # e.g. "boilerplate:site-menu", "repeated-paragraph"


@dataclass(frozen=True)
class LangSpan:
    """The language of one paragraph (offsets into the original)."""

    start: int
    end: int
    language: str  # ISO 639-1 where one exists, else the detector's code
    confidence: float = 0.0


@dataclass
class OffsetMap:
    """Maps positions in cleaned text back to positions in the original.

    Stored as pieces ``(clean_start, orig_start, clean_len, orig_len)``. Inside a
    piece whose lengths match, the mapping is exact; inside one whose lengths
    differ (a repaired or collapsed stretch) positions are interpolated, so the
    ends of the piece are exact and the inside is close.
    """

    pieces: list[tuple[int, int, int, int]] = field(default_factory=list)

    def to_original(self, pos: int) -> int:
        if not self.pieces:
            return pos
        starts = [p[0] for p in self.pieces]
        i = max(0, bisect.bisect_right(starts, pos) - 1)
        c0, o0, clen, olen = self.pieces[i]
        offset = pos - c0
        if offset >= clen:
            return o0 + olen + (offset - clen)
        if clen == olen:
            return o0 + offset
        return o0 + round(offset * olen / clen) if clen else o0

    def span_to_original(self, start: int, end: int) -> Span:
        """Map a cleaned ``[start, end)`` to the original, keeping it non-empty."""
        o_start = self.to_original(start)
        if end <= start:
            return Span(o_start, o_start)
        return Span(o_start, max(self._end_to_original(end), o_start + 1))

    def _end_to_original(self, end: int) -> int:
        # An end maps through the piece holding the last character, rounding up, so
        # a span ending inside a repaired stretch ("é" from "Ã©") covers all of it.
        if not self.pieces:
            return end
        starts = [p[0] for p in self.pieces]
        i = max(0, bisect.bisect_right(starts, end - 1) - 1)
        c0, o0, clen, olen = self.pieces[i]
        offset = end - c0
        if offset >= clen or clen == olen:
            return o0 + olen + (offset - clen)
        return o0 + -(-offset * olen // clen)

    def to_json(self) -> list[list[int]]:
        return [list(p) for p in self.pieces]

    @classmethod
    def from_json(cls, data: list[list[int]] | None) -> "OffsetMap":
        return cls([tuple(p) for p in (data or [])])  # type: ignore[misc]


@dataclass
class Article:
    """One news article and every layer the pipeline has added to it."""

    id: str
    original: str
    paths: list[str] = field(default_factory=list)  # provenance: every path/url it came from
    url: str | None = None
    title: str | None = None
    source: str | None = None  # the outlet, e.g. "presstv.ir", "Asharq Al-Awsat"
    published: str | None = None  # ISO 8601 date or datetime
    language: str | None = None  # ISO 639-1
    # Set by cleaning:
    text: str = ""
    offsets: OffsetMap = field(default_factory=OffsetMap)
    removed: list[Removed] = field(default_factory=list)
    # Set by language identification:
    paragraph_languages: list[LangSpan] = field(default_factory=list)
    # Hints given with the input (a JSON "language" field, a feed's outlet) that
    # later stages respect rather than overwrite.
    given: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["offsets"] = self.offsets.to_json()
        return d


@dataclass
class Story:
    """Articles from any outlets and languages that tell the same story."""

    id: str
    title: str
    article_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Rejection:
    """An input that could not become an article: one clear line for the user."""

    input: str  # path (with ":line" for line-oriented formats) or "<stdin>"
    problem: str

    def __str__(self) -> str:
        return f"{self.input}: {self.problem}"
