"""The working document of article analysis.

Components read and write an ``AnalysisDoc`` whose offsets point into the
*cleaned* text (what the NLP backends see). ``to_article`` maps every span back
to the original text once, at the end, so components never deal with offset maps.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rashomon.model import Article, Claim, DateMention, Mention, Quantity, Quote, Span


@dataclass
class AnalysisDoc:
    text: str  # cleaned text
    language: str
    title: str | None = None
    published: date | None = None
    sentences: list[tuple[int, int]] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    # The backend's own parse (a spaCy Doc, a natasha Doc) for components that can use it.
    parsed: Any = None

    def sentence_of(self, pos: int) -> int:
        """Index of the sentence holding cleaned position ``pos`` (-1 if none)."""
        for i, (start, end) in enumerate(self.sentences):
            if start <= pos < end:
                return i
        return -1


def _map_span(article: Article, start: int, end: int) -> tuple[int, int]:
    span = article.offsets.span_to_original(start, end)
    return span.start, span.end


def to_article(doc: AnalysisDoc, article: Article) -> Article:
    """Write the doc's layers onto the article, in original offsets."""

    def moved(obj, **extra):
        start, end = _map_span(article, obj.start, obj.end)
        return dataclasses.replace(obj, start=start, end=end, **extra)

    article.sentences = [Span(*_map_span(article, s, e)) for s, e in doc.sentences]
    article.mentions = [moved(m) for m in doc.mentions]
    quotes = []
    for q in doc.quotes:
        speaker = {}
        if q.speaker_start is not None and q.speaker_end is not None:
            s_start, s_end = _map_span(article, q.speaker_start, q.speaker_end)
            speaker = {"speaker_start": s_start, "speaker_end": s_end}
        quotes.append(moved(q, **speaker))
    article.quotes = quotes
    article.quantities = [moved(q) for q in doc.quantities]
    article.dates = [moved(d) for d in doc.dates]
    article.claims = [moved(c) for c in doc.claims]
    return article
