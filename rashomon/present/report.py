"""The self-contained HTML report: every story, its sources side by side.

One file, no external resources, no script: inline CSS allowed by a hash in a
strict Content-Security-Policy. All article content is untrusted; it reaches
the page only through Jinja2 autoescaping or :func:`spans.render_spans`.

Extension points (all optional keyword arguments of :func:`render_report`):

* ``article_layers``: ``{article_id: [Mark(start, end, kind, label), ...]}``
  over ``article.original``. The marks are drawn in the original view and,
  mapped through the article's offsets, in the cleaned text. Style a new kind
  with ``.sp-<kind>`` in ``templates/report.css``.
* ``story_panels``: ``{story_id: [Panel(title, html), ...]}`` drawn under a
  story's columns (who is quoted, claims matrix...). ``html`` must be Markup
  built with escaping (e.g. a small Jinja template with autoescape, or
  ``markupsafe.Markup.format``).
* ``report_panels``: ``[Panel(title, html), ...]`` drawn after every story,
  about the whole corpus (source profiles).
"""

from __future__ import annotations

import base64
import bisect
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .. import __version__
from ..model import Article, OffsetMap, Story, http_url
from ..text import published_datetime
from .export import article_key, order_stories, order_story_article_ids
from .key import report_key
from .languages import lang_tag, language_name, text_dir
from .spans import Mark, render_spans

REMOVED_KIND = "removed"


@dataclass
class Panel:
    """An extra block under a story's columns. ``html`` must already be escaped Markup."""

    title: str
    html: Markup
    # A lead panel summarises the story and goes above its columns (the comparison matrix);
    # the others are detail and go below.
    lead: bool = False


@dataclass
class ArticleView:
    id: str
    anchor: str
    source: str
    source_known: bool
    title: str
    title_known: bool
    lang: str  # BCP 47 tag for lang=
    dir: str  # "rtl" or "auto"
    language_label: str  # "Arabic (ar)"
    published_iso: str | None  # machine-readable, for <time datetime>
    published_label: str | None
    url: str | None  # shown as text
    href: str | None  # only for http(s) urls
    paths: list[str]
    words: int
    text_html: Markup
    original_html: Markup
    removed_count: int
    removed_chars: int
    removed_reasons: list[tuple[str, int]]


@dataclass
class StoryView:
    id: str
    anchor: str
    title: str
    articles: list[ArticleView]
    languages: list[str]
    sources: list[str]
    date_range: str | None
    panels: list[Panel] = field(default_factory=list)
    synthetic: bool = False  # a stand-in group for articles in no story
    title_lang: str | None = None  # set when the title is one of its articles' titles


# ---------------------------------------------------------------- helpers


def parse_date(value: str | None) -> tuple[str | None, str | None]:
    """(machine-readable ISO, human label) for a published string."""
    if not value:
        return None, None
    raw = value.strip()
    dt = published_datetime(raw)
    if dt is None:
        return None, raw
    date_only = len(raw) <= 10
    if date_only:
        return dt.date().isoformat(), _day(dt)
    label = f"{_day(dt)}, {dt:%H:%M}"
    off = dt.utcoffset()
    if off is not None:
        label += " UTC" if not off else " " + dt.strftime("%z")[:3] + ":" + dt.strftime("%z")[3:]
    return dt.isoformat(), label


def _day(dt: datetime) -> str:
    """``15 Oct 2017`` (English month abbreviations, whatever the locale)."""
    return f"{dt.day} {_MONTHS[dt.month - 1]} {dt.year}"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _date_range(articles: Sequence[ArticleView]) -> str | None:
    dates = sorted(a.published_iso[:10] for a in articles if a.published_iso)
    if not dates:
        return None
    first = _day(datetime.fromisoformat(dates[0]))
    last = _day(datetime.fromisoformat(dates[-1]))
    return first if first == last else f"{first} – {last}"


def removed_marks(article: Article) -> list[Mark]:
    """The article's removed stretches as marks over its original.

    Leading whitespace of a stretch becomes its own unlabelled mark, so the
    reason label sits next to the text it names rather than before a line break.
    """
    text = article.original
    out = []
    for r in article.removed:
        first = max(0, r.start)
        while first < min(r.end, len(text)) and text[first].isspace():
            first += 1
        if r.start < first < r.end and first < len(text):
            out.append(Mark(r.start, first, REMOVED_KIND, ""))
            out.append(Mark(first, r.end, REMOVED_KIND, r.reason))
        else:
            out.append(Mark(r.start, r.end, REMOVED_KIND, r.reason))
    return out


def language_marks(article: Article) -> list[Mark]:
    """Paragraphs detected in another language than the article's, as ``lang`` marks."""
    base = lang_tag(article.language).lower()
    out = []
    for span in article.paragraph_languages:
        tag = lang_tag(span.language)
        if tag != "und" and tag.lower() != base:
            out.append(Mark(span.start, span.end, "lang", f"{language_name(tag)} ({tag})", tag))
    return out


def original_to_clean(offsets: OffsetMap, marks: Iterable[Mark], clean_len: int) -> list[Mark]:
    """Map marks over the original onto the cleaned text (inverse of ``OffsetMap``).

    Positions inside removed stretches snap to the nearest kept text inward,
    so a mark that lies wholly in removed text disappears.
    """
    pieces = sorted(offsets.pieces, key=lambda p: p[1])
    if not pieces:
        return [
            m._replace(start=min(m.start, clean_len), end=min(m.end, clean_len))
            for m in marks
            if min(m.end, clean_len) > m.start
        ]
    orig_starts = [p[1] for p in pieces]

    def to_clean(pos: int, is_end: bool) -> int:
        # The last piece starting at or before pos (for an end, strictly before).
        i = bisect.bisect_left(orig_starts, pos) - 1 if is_end else bisect.bisect_right(orig_starts, pos) - 1
        if i < 0:
            return 0 if is_end else pieces[0][0]
        c0, o0, clen, olen = pieces[i]
        d = pos - o0
        if d < olen or (is_end and d == olen):
            return c0 + (d if clen == olen else round(d * clen / olen) if olen else 0)
        if i + 1 < len(pieces):  # in a gap (removed text) after piece i
            return c0 + clen if is_end else pieces[i + 1][0]
        return c0 + clen + (d - olen)  # past the last piece

    out = []
    for m in marks:
        s = min(to_clean(m.start, False), clean_len)
        e = min(to_clean(m.end, True), clean_len)
        if e > s:
            out.append(m._replace(start=s, end=e))
    return out


def _word_count(text: str) -> int:
    return len(text.split())


def article_view(article: Article, index: str, extra: Sequence[Mark]) -> ArticleView:
    """One article as the report and the web app show it: metadata labels and its texts with every mark drawn."""
    lang = lang_tag(article.language)
    iso, label = parse_date(article.published)
    extra = [m if isinstance(m, Mark) else Mark(*m) for m in extra]
    removed = removed_marks(article)
    langs = language_marks(article)
    text_marks = original_to_clean(article.offsets, [*langs, *extra], len(article.text))
    # An anchor lives once in the page: in the cleaned text when its span survived cleaning, else in the original.
    anchored = {m.anchor for m in text_marks if m.anchor}
    original_extra = [m._replace(anchor=None) if m.anchor in anchored else m for m in extra]
    reasons = Counter(r.reason for r in article.removed)
    spans = [(max(0, r.start), min(len(article.original), r.end)) for r in article.removed]
    covered = _covered_length(spans)
    title = (article.title or "").strip()
    return ArticleView(
        id=article.id,
        anchor=index,
        source=article.outlet,
        source_known=article.names_outlet,
        title=title or "(untitled)",
        title_known=bool(title),
        lang=lang,
        dir=text_dir(article.language),
        language_label=f"{language_name(lang)} ({lang})" if lang != "und" else "Unknown language",
        published_iso=iso,
        published_label=label,
        url=article.url,
        href=http_url(article.url),
        paths=list(article.paths),
        words=_word_count(article.text),
        text_html=render_spans(article.text, text_marks),
        original_html=render_spans(article.original, [*langs, *removed, *original_extra]),
        removed_count=len(article.removed),
        removed_chars=covered,
        removed_reasons=sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])),
    )


def _covered_length(spans: Iterable[tuple[int, int]]) -> int:
    total, cur_s = 0, 0
    cur_e: int | None = None  # the merged span being extended, (cur_s, cur_e), once there is one
    for s, e in sorted(sp for sp in spans if sp[1] > sp[0]):
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                total += cur_e - cur_s
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None:
        total += cur_e - cur_s
    return total


# ---------------------------------------------------------------- template


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("rashomon.present", "templates"),
        autoescape=True,  # every template, whatever its extension
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


@lru_cache(maxsize=1)
def report_stylesheet() -> str:
    """The report's CSS: inlined in the report file, served as /assets/report.css by the web app."""
    return resources.files("rashomon.present").joinpath("templates/report.css").read_text("utf-8")


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(css: str) -> str:
    return (
        "default-src 'none'; "
        f"style-src {_csp_hash(css)}; "
        "img-src data:; "
        "script-src 'none'; "
        "base-uri 'none'; "
        "form-action 'none'"
    )


def build_views(
    articles: list[Article],
    stories: list[Story],
    *,
    article_layers: Mapping[str, Sequence[Mark]] | None = None,
    story_panels: Mapping[str, Sequence[Panel]] | None = None,
) -> list[StoryView]:
    """The report's stories as view objects, in export order."""
    by_id = {a.id: a for a in articles}
    layers = article_layers or {}
    panels = story_panels or {}
    views: list[StoryView] = []
    placed: set[str] = set()

    def make(story_id: str, title: str, ids: list[str], synthetic: bool) -> StoryView:
        anchor = f"s{len(views) + 1}"
        arts = [article_view(by_id[aid], f"{anchor}-a{n}", layers.get(aid, ())) for n, aid in enumerate(ids, 1)]
        placed.update(ids)
        langs = sorted({a.lang for a in arts})
        clean_title = (title or "").strip()
        title_lang = next((a.lang for a in arts if a.title_known and a.title == clean_title), None)
        sources = sorted({a.source for a in arts}, key=str.casefold)
        return StoryView(
            id=story_id,
            anchor=anchor,
            title=clean_title or "(untitled story)",
            title_lang=title_lang,
            articles=arts,
            languages=langs,
            sources=sources,
            date_range=_date_range(arts),
            panels=list(panels.get(story_id, ())),
            synthetic=synthetic,
        )

    for story in order_stories(stories):
        ids = [i for i in order_story_article_ids(story, by_id) if i in by_id]
        views.append(make(story.id, story.title, ids, synthetic=False))
    leftover = sorted((a for a in articles if a.id not in placed), key=article_key)
    if leftover:
        views.append(make("", "Articles in no story", [a.id for a in leftover], synthetic=True))
    return views


def render_report(
    articles: list[Article],
    stories: list[Story],
    *,
    generated_at: str | None = None,
    title: str = "Rashomon report",
    article_layers: Mapping[str, Sequence[Mark]] | None = None,
    story_panels: Mapping[str, Sequence[Panel]] | None = None,
    report_panels: Sequence[Panel] | None = None,
) -> str:
    """The whole report as one self-contained HTML document.

    Output is deterministic for the same input; pass ``generated_at`` (any
    string, e.g. an ISO timestamp) to show when it was made.
    """
    views = build_views(articles, stories, article_layers=article_layers, story_panels=story_panels)
    shown = [a for v in views for a in v.articles]
    languages = Counter(a.lang for a in shown)
    sources = {a.source for a in shown}
    real_stories = [v for v in views if not v.synthetic]
    css = report_stylesheet()
    reasons = sorted({r for v in views for a in v.articles for r, _ in a.removed_reasons})
    return (
        _env()
        .get_template("report.html.j2")
        .render(
            title=title,
            version=__version__,
            generated_at=generated_at,
            csp=content_security_policy(css),
            css=Markup(css),  # our own static stylesheet
            stories=views,
            counts={
                "articles": len(shown),
                "stories": len(real_stories),
                "sources": len(sources),
                "languages": len(languages),
            },
            single_source=sum(1 for v in real_stories if len(v.sources) == 1),
            languages=[
                (tag, language_name(tag), n) for tag, n in sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            removed_reasons=reasons,
            colour_key=report_key(),
            report_panels=list(report_panels or ()),
        )
    )
