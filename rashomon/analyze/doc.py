"""The working document of article analysis.

Components read and write an ``AnalysisDoc`` whose offsets point into the
*cleaned* text (what the NLP backends see). ``to_article`` maps every span back
to the original text once, at the end, so components never deal with offset maps.
"""

from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Sequence

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
        return sentence_index(self.sentences, pos)


def sentence_index(sentences: list[tuple[int, int]], pos: int) -> int:
    """Index of the first span of ``sentences`` holding ``pos`` (-1 if none).

    Sentences come in text order without overlaps, so this is a binary search: components ask it
    once per quote or cue, and a long text has tens of thousands of sentences.
    """
    i = bisect.bisect_right(sentences, (pos, _AFTER_ANY_END)) - 1
    if i >= 0 and sentences[i][0] <= pos < sentences[i][1]:
        return i
    return -1


# Greater than any end: (pos, _AFTER_ANY_END) sorts after every sentence starting at pos.
_AFTER_ANY_END = float("inf")


class SpanIndex:
    """Which of ``items`` (anything with ``start`` and ``end``) lie inside a given span: a binary search
    over their starts, since a long text has tens of thousands of claims and as many mentions."""

    def __init__(self, items: Sequence) -> None:
        self.items = items
        self.order = sorted(range(len(items)), key=lambda i: items[i].start)
        self.starts = [items[i].start for i in self.order]

    def within(self, start: int, end: int) -> list[int]:
        """Indices (ascending) of the items with ``start <= item.start`` and ``item.end <= end``."""
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_right(self.starts, end, lo)
        return sorted(i for i in self.order[lo:hi] if self.items[i].end <= end)


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
