"""Cleaning: from the text as ingested to the article's body, with a way back.

``clean_article`` repairs mojibake, drops site chrome and metadata lines, collapses
repeated paragraphs and normalises whitespace. The result is ``Article.text``
(paragraphs separated by one blank line), an ``OffsetMap`` from it to
``Article.original``, and a ``Removed`` record, in original offsets, for every
stretch dropped. ``extract_metadata`` fills the title, date and outlet that the
head of the text carries. Both are pure and can run in either order: each reads
only ``article.original`` (and a title already known for the article).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rashomon.clean.boilerplate import BoilerplateRule, boilerplate_matcher
from rashomon.clean.builder import CleanTextBuilder
from rashomon.clean.dateline import resolve_ambiguous
from rashomon.clean.head import HeadFacts, read_head
from rashomon.clean.lines import Line, continues, read_lines, readable_end
from rashomon.model import Article, OffsetMap, Removed
from rashomon.resources import digest_data_files, lang_data_dir, package_data_dir
from rashomon.text import fold

__all__ = ["BEYOND_LENGTH_LIMIT", "CODE_VERSION", "VERSION", "clean_article", "extract_metadata", "readable_end"]

# Bump when the code changes what cleaning produces. The stage's VERSION adds a
# fingerprint of every data file cleaning reads, so editing a pattern re-cleans.
# 2: texts past rashomon.bounds' length limits are cleaned up to them only.
CODE_VERSION = "2"
# Every data file cleaning reads: the boilerplate patterns (shared language data) and its own dateline words and
# outlet-name suffixes (clean/data).
DATA_FILES = ("boilerplate.txt", "dateline.txt", "site_suffix.txt")
VERSION = CODE_VERSION + "+" + digest_data_files((lang_data_dir(), package_data_dir("clean")), DATA_FILES, chars=12)

# Paragraphs shorter than this ("Reuters", "Photo", a subheading) may well repeat
# legitimately, so only longer ones are collapsed.
MIN_REPEATED_PARAGRAPH = 40
PARAGRAPH_SEPARATOR = "\n\n"


def clean_article(article: Article) -> Article:
    """Set ``text``, ``offsets`` and ``removed`` from ``original``; return the article."""
    cleaned = _clean(article.original, _title_hint(article))
    article.text = cleaned.text
    article.offsets = OffsetMap(list(cleaned.pieces))
    article.removed = list(cleaned.removed)
    return article


def extract_metadata(article: Article) -> Article:
    """Fill title, published and source from the text's head, where still unknown.

    A field set in ``article.given`` or already set is left alone; a field the text
    does not state stays None.
    """
    facts = _clean(article.original, _title_hint(article)).facts
    if _open(article, "title"):
        article.title = facts.title
    if _open(article, "source"):
        article.source = facts.source
    if _open(article, "published"):
        article.published = facts.published or _resolve_date(facts, article)
    return article


@dataclass(frozen=True)
class _Cleaned:
    text: str
    pieces: tuple[tuple[int, int, int, int], ...]
    removed: tuple[Removed, ...]
    facts: HeadFacts


# Stretches past what cleaning reads (``readable_end``) are recorded with this reason.
BEYOND_LENGTH_LIMIT = "beyond-length-limit"


# clean_article and extract_metadata run back to back on the same text. Two entries, not more: each
# key holds an original alive, and an original can be 50 MB.
@lru_cache(maxsize=2)
def _clean(original: str, title_hint: str | None) -> _Cleaned:
    end, _ = readable_end(original)
    lines = read_lines(original[:end] if end < len(original) else original)
    matcher = boilerplate_matcher()
    chrome = [_reason(matcher.match(line.text)) for line in lines]
    facts = read_head(lines, chrome, title_hint)
    reasons = [facts.roles.get(i, chrome[i]) for i in range(len(lines))]
    removed = [Removed(lines[i].start, lines[i].end, reason) for i, reason in enumerate(reasons) if reason]
    paragraphs = _paragraphs(lines, reasons)
    kept = _drop_repeats(paragraphs, removed)
    text, offsets = _assemble(kept)
    if end < len(original):
        removed.append(Removed(end, len(original), BEYOND_LENGTH_LIMIT))
    removed.sort(key=lambda r: (r.start, r.end))
    return _Cleaned(text, tuple(offsets.pieces), tuple(removed), facts)


def _reason(rule: BoilerplateRule | None) -> str | None:
    return rule.reason if rule is not None else None


def _paragraphs(lines: list[Line], reasons: list[str | None]) -> list[list[Line]]:
    """Kept lines grouped into paragraphs: each line its own, unless it plainly
    continues the line right above it (text hard-wrapped mid-sentence)."""
    paragraphs: list[list[Line]] = []
    previous_kept = -2
    for i, line in enumerate(lines):
        if reasons[i] is not None:
            continue
        if paragraphs and previous_kept == i - 1 and continues(paragraphs[-1][-1], line):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
        previous_kept = i
    return paragraphs


def _drop_repeats(paragraphs: list[list[Line]], removed: list[Removed]) -> list[list[Line]]:
    seen: set[str] = set()
    kept: list[list[Line]] = []
    for paragraph in paragraphs:
        key = " ".join(fold(" ".join(line.text for line in paragraph), keep_accents=True).split())
        if len(key) >= MIN_REPEATED_PARAGRAPH:
            if key in seen:
                removed.append(Removed(paragraph[0].start, paragraph[-1].end, "repeated-paragraph"))
                continue
            seen.add(key)
        kept.append(paragraph)
    return kept


def _assemble(paragraphs: list[list[Line]]) -> tuple[str, OffsetMap]:
    """Join paragraphs with a blank line, wrapped lines with a space. Each joint
    stands for the original stretch between the two pieces of text it joins."""
    builder = CleanTextBuilder()
    previous: Line | None = None
    for paragraph in paragraphs:
        for index, line in enumerate(paragraph):
            if previous is not None:
                joint = PARAGRAPH_SEPARATOR if index == 0 else " "
                builder.append(joint, previous.end, line.start)
            builder.append_pieces(line.pieces)
            previous = line
    return builder.build()


def _title_hint(article: Article) -> str | None:
    hint = article.title if article.title is not None else article.given.get("title")
    return hint if isinstance(hint, str) and hint.strip() else None


def _open(article: Article, name: str) -> bool:
    return getattr(article, name) is None and name not in article.given


def _resolve_date(facts: HeadFacts, article: Article) -> str | None:
    if facts.ambiguous_date is None:
        return None
    language = article.language or article.given.get("language")
    resolved = resolve_ambiguous(*facts.ambiguous_date, language if isinstance(language, str) else None)
    return resolved.isoformat() if resolved else None
