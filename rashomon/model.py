"""The one data model every stage reads and writes.

Offsets: every span names characters of ``Article.original`` (the text exactly as
ingested, after decoding), so any output can be shown in its source. Cleaning
produces ``Article.text`` plus an ``OffsetMap`` from cleaned positions back to
original positions.
"""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit


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

    def _starts(self) -> list[int]:
        # Built once per map, not once per call: a text of 100,000 lines has 100,000 pieces, and
        # mapping every paragraph's span rebuilt this list each time (quadratic). Rebuilt whenever
        # ``pieces`` is replaced or grows; kept off the dataclass fields (not compared, not exported).
        cached = self.__dict__.get("_starts_cache")
        if cached is None or cached[0] is not self.pieces or len(cached[1]) != len(self.pieces):
            cached = (self.pieces, [p[0] for p in self.pieces])
            self.__dict__["_starts_cache"] = cached
        return cached[1]

    def to_original(self, pos: int) -> int:
        if not self.pieces:
            return pos
        starts = self._starts()
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
        starts = self._starts()
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
    # Set by article analysis (all spans in original offsets):
    sentences: list[Span] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    # Set by the persuasion stage: how the source tells it.
    techniques: list[Technique] = field(default_factory=list)
    genre: str | None = None  # opinion | reporting | satire
    # The genre head's probability for ``genre``: SemEval's genre labels are mostly "opinion", so a reader needs to
    # see how sure the call is before trusting it.
    genre_confidence: float | None = None
    frames: list[str] = field(default_factory=list)  # SemEval-2023 Task 3 frames, e.g. "Security_and_defense"
    # Why a layer is missing or partial, e.g. "not analysed for language xx", "analysed the first 300,000 of
    # 49,000,000 characters: ..."; None when the whole text was analysed.
    analysis_note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["offsets"] = self.offsets.to_json()
        return d

    @property
    def outlet(self) -> str:
        """Which source this article is: the one answer the comparison, the report, the profiles and the panels
        group by.

        The outlet it names; else its URL's host (without "www."); else the file it came from, as
        "Unknown source (a.txt)"; else its id. So two saved .txt files that name no outlet are two sources
        everywhere, and two unnamed pages of one site are one.
        """
        if self.names_outlet:
            return self.source.strip()  # type: ignore[union-attr]
        href = http_url(self.url)
        host = (urlsplit(href).hostname or "") if href else ""
        if host:
            return host.removeprefix("www.")
        where = next((p for p in self.paths if p.strip()), "") or self.id
        return f"Unknown source ({PurePath(where).name or where})"

    @property
    def names_outlet(self) -> bool:
        """Whether the article (or its input) named its outlet, rather than ``outlet`` standing in for it."""
        return bool(self.source and self.source.strip())


def http_url(url: str | None) -> str | None:
    """The url if it is an absolute http(s) url that can be a link, else None."""
    if not url:
        return None
    url = url.strip()
    if any(ord(c) < 0x20 or c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


@dataclass
class Mention:
    """A name in the text that refers to an entity."""

    start: int
    end: int
    text: str
    label: str  # person | organisation | place | group | other
    # Mentions of one entity inside this article share a cluster ("Omar Alloush" ... "Alloush").
    cluster: int = -1
    # The canonical entity across articles and languages, set by entity resolution.
    entity_id: str | None = None


@dataclass
class Entity:
    """One real-world entity, whatever the language or spelling it was named in."""

    id: str
    name: str
    label: str
    aliases: list[str] = field(default_factory=list)


@dataclass
class Quote:
    """A statement reported in the text, directly ("...") or indirectly (X said that ...)."""

    start: int  # the reported content
    end: int
    text: str
    direct: bool
    speaker: str | None = None  # as written: "SDF spokesman Mostafa Bali", "Russia's Defence Ministry"
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_cluster: int = -1  # the Mention cluster of the speaker, if resolved
    speaker_entity_id: str | None = None
    role: str | None = None  # "SDF spokesman", "a senior official of the Raqqa Civil Council"
    medium: str | None = None  # "AFP" in "told AFP"
    cue: str | None = None  # "said", "told", "according to", "selon", "заявил"


@dataclass
class Quantity:
    """A number in the text, with what it counts."""

    start: int
    end: int
    text: str
    value: float | None  # a single value, or None for a range
    low: float | None = None
    high: float | None = None
    counted: str | None = None  # "Syrian ISIS fighters", "trapped civilians"
    approximate: bool = False  # "about", "nearly", "environ", "около"


@dataclass
class DateMention:
    """A date or time expression, resolved against the publication date where possible."""

    start: int
    end: int
    text: str
    value: str | None  # ISO 8601 date when resolved
    relative: bool = False  # "on Sunday", "last week"


@dataclass
class Claim:
    """A checkable assertion: a sentence or clause, with who asserts it."""

    start: int
    end: int
    text: str
    quote: int | None = None  # index into Article.quotes when a speaker asserts it
    attributed_to: str | None = None  # entity id, or None for the outlet's own voice
    speaker: str | None = None  # the speaker as written, when there is one
    mention_ids: list[int] = field(default_factory=list)  # indexes into Article.mentions
    quantity_ids: list[int] = field(default_factory=list)  # indexes into Article.quantities
    date_ids: list[int] = field(default_factory=list)  # indexes into Article.dates
    negated: bool = False
    hedged: bool = False
    hedges: list[str] = field(default_factory=list)  # the words that hedge: "allegedly", "possible"


@dataclass
class Technique:
    """A persuasion technique (SemEval-2023 Task 3 inventory) used at a span of the original."""

    start: int
    end: int
    technique: str  # e.g. "Loaded_Language", "Name_Calling-Labeling", "Doubt"
    confidence: float  # the paragraph model's probability (a strong cue word: at least 0.6)
    paragraph: int = -1  # 0-based index among the article's non-empty paragraphs
    cue: bool = False  # placed on the cue words themselves rather than on a whole sentence


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


# Longest problem line kept: an exception's last line is enough to act on, and its text can be huge (it may
# quote a whole article).
MAX_PROBLEM_CHARS = 500


def problem_line(error: BaseException) -> str:
    """One line naming an error that stopped one item (an article's stage, a job): its type and message."""
    text = " ".join(str(error).split())
    line = f"{type(error).__name__}: {text}" if text else type(error).__name__
    return line if len(line) <= MAX_PROBLEM_CHARS else line[: MAX_PROBLEM_CHARS - 1] + "…"


@dataclass
class Proposition:
    """One point of a story, as each source states it: statements from several articles about it.

    ``claim_ids``, ``article_ids`` and ``stances`` are parallel: the statement
    (a claim ``c-…``, a quote the analysis made no claim of ``q-…``, or a
    headline ``h-<article id>``), its article, and how it holds the point:
    ``asserts``, ``denies`` or ``hedges``. A source with no statement is silent.
    ``voices`` and ``voice_names`` (parallel too) say whose position each stance is: a
    canonical entity id, ``n:<name>`` for a speaker no entity resolved, or ``None`` for
    the outlet's own words; the name to show ("the Coalition", or the outlet). A source
    reports, and is not charged with, a stance in another voice. Comparisons stored
    before voices existed read with both lists empty: every stance the outlet's own.
    """

    id: str
    label: str  # the text of the statement that best states the point
    claim_ids: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    stances: list[str] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)  # the shared words/entities the point was aligned on
    story_id: str | None = None
    voices: list[str | None] = field(default_factory=list)
    voice_names: list[str] = field(default_factory=list)

    def voice_of(self, index: int) -> tuple[str | None, str | None]:
        """(voice, name) of the ``index``-th statement; (None, None) for a comparison stored without voices."""
        if index < len(self.voices) and index < len(self.voice_names):
            return self.voices[index], self.voice_names[index]
        return None, None


@dataclass
class Relation:
    """How statements of a story's sources relate: agree, contradict, discuss, omission or quote_drift."""

    id: str
    type: str
    claim_ids: list[str]
    article_ids: list[str]
    confidence: float
    reason: str  # the main machine-readable reason ("denial", "negation-mismatch", ...)
    reasons: list[str] = field(default_factory=list)  # every reason, the main one first
    proposition_id: str | None = None
    speaker_entity_id: str | None = None  # quote_drift: whose statements drift
    story_id: str | None = None
    model: dict[str, float] | None = None  # the stance model's probabilities, when it ran
    # Whose position each statement states (parallel to claim_ids, as in Proposition): a contradiction is between
    # these voices ("presstv.ir" against "the Coalition"), whichever outlets report them.
    voices: list[str | None] = field(default_factory=list)
    voice_names: list[str] = field(default_factory=list)
