"""Rich renderables for the command line: a stories table and one story's sources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..model import Article, Story
from .export import article_key, order_stories
from .languages import language_name
from .report import parse_date


def _clean(value: str | None) -> str:
    """One line of untrusted text for a terminal: no control characters."""
    if not value:
        return ""
    return "".join(ch if ch.isprintable() else " " for ch in value).strip()


def _story_articles(story: Story, articles_by_id: Mapping[str, Article]) -> list[Article]:
    seen: set[str] = set()
    arts = []
    for aid in story.article_ids:
        if aid in articles_by_id and aid not in seen:
            seen.add(aid)
            arts.append(articles_by_id[aid])
    return sorted(arts, key=article_key)


def _date(article: Article) -> str:
    iso, label = parse_date(article.published)
    return (iso or label or "")[:10]


def stories_table(stories: Sequence[Story], articles_by_id: Mapping[str, Article]) -> Table:
    """One row per story (largest first): size, sources, languages, dates."""
    table = Table(title="Stories", box=box.SIMPLE_HEAVY, show_lines=False, expand=False)
    table.add_column("Id", style="dim", no_wrap=True)
    table.add_column("Story", overflow="fold", ratio=3)
    table.add_column("Articles", justify="right", no_wrap=True)
    table.add_column("Sources", overflow="fold", ratio=2)
    table.add_column("Languages", no_wrap=True)
    table.add_column("Dates", no_wrap=True, style="dim")
    for story in order_stories(stories):
        arts, sources, langs, span = _story_summary(story, articles_by_id)
        table.add_row(
            story.id,
            Text(_clean(story.title) or "(untitled story)", style="bold"),
            str(len(arts)),
            Text(", ".join(_clean(s) for s in sources)),
            Text(_clean(", ".join(langs))),
            Text(_clean(span)),
        )
    return table


def stories_lines(stories: Sequence[Story], articles_by_id: Mapping[str, Article]) -> list[str]:
    """The same rows as plain tab-separated lines, for pipes and scripts.

    Columns: id, articles, languages, dates, sources, title. Tabs and newlines
    inside values become spaces so every story stays one line.
    """
    lines = ["id\tarticles\tlanguages\tdates\tsources\ttitle"]
    for story in order_stories(stories):
        arts, sources, langs, span = _story_summary(story, articles_by_id)
        values = [story.id, str(len(arts)), ",".join(langs), span, ", ".join(sources), story.title or ""]
        lines.append("\t".join(" ".join(_clean(v).split()) for v in values))
    return lines


def _story_summary(story: Story, articles_by_id: Mapping[str, Article]):
    arts = _story_articles(story, articles_by_id)
    sources = sorted({a.outlet for a in arts}, key=str.casefold)
    langs = sorted({a.language or "?" for a in arts})
    dates = sorted(d for d in (_date(a) for a in arts) if d)
    span = "" if not dates else dates[0] if dates[0] == dates[-1] else f"{dates[0]} – {dates[-1]}"
    return arts, sources, langs, span


def story_panel(story: Story, articles: Sequence[Article]):
    """One story: its sources as rows (outlet, language, date, title, url).

    Untrusted strings go in as ``Text`` so Rich never reads them as markup.
    """
    by_id = {a.id: a for a in articles}
    arts = _story_articles(story, by_id) or sorted(articles, key=article_key)
    table = Table(box=box.SIMPLE, expand=True, show_edge=False)
    table.add_column("Source", style="bold", overflow="fold", ratio=2)
    table.add_column("Language", no_wrap=True)
    table.add_column("Date", no_wrap=True, style="dim")
    table.add_column("Title", overflow="fold", ratio=4)
    table.add_column("Words", justify="right", no_wrap=True, style="dim")
    for a in arts:
        lang = f"{language_name(a.language)} ({a.language})" if a.language else "?"
        title = Text(_clean(a.title) or "(untitled)")
        if a.url:
            title.append("\n" + _clean(a.url), style="dim")
        table.add_row(
            Text(_clean(a.outlet)),
            Text(_clean(lang)),
            Text(_clean(_date(a))),
            title,
            str(len(a.text.split())),
        )
    n_sources = len({a.outlet for a in arts})
    subtitle = Text(f"{len(arts)} articles · {n_sources} sources")
    return Panel(
        Group(table),
        title=Text(_clean(story.title) or "(untitled story)", style="bold"),
        subtitle=subtitle,
        subtitle_align="right",
        box=box.ROUNDED,
    )
