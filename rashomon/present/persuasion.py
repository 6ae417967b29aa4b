"""How each source tells it, in the report: technique marks, naming panel, source profiles.

Plots are inline SVG (attributes, no CSS from attributes, no script), so the
report stays one self-contained file under its strict Content-Security-Policy.
Every string from an article (sources, names, descriptors) goes through
``Markup.format`` escaping.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from markupsafe import Markup

from ..model import Article, Entity, Story
from ..persuasion.profiles import SourceProfile, source_profiles, story_naming, techniques_per_1000
from .report import Panel
from .spans import Mark

BAR_WIDTH = 260
ROW_HEIGHT = 18
LABEL_WIDTH = 190


def _pretty(technique: str) -> str:
    return technique.replace("_", " ")


def technique_marks(article: Article) -> list[Mark]:
    return [
        Mark(t.start, t.end, "technique", f"{_pretty(t.technique)} ({t.confidence:.2f})") for t in article.techniques
    ]


def technique_layers(articles: Iterable[Article]) -> dict[str, list[Mark]]:
    return {a.id: technique_marks(a) for a in articles if a.techniques}


def _bars(rows: Sequence[tuple[str, float, str]], maximum: float, unit: str) -> Markup:
    """Horizontal bar chart: (label, value, value text) rows."""
    height = ROW_HEIGHT * len(rows) + 4
    width = LABEL_WIDTH + BAR_WIDTH + 70
    parts = [
        Markup('<svg class="bars" role="img" width="{}" height="{}" viewBox="0 0 {} {}" aria-label="{}">').format(
            width, height, width, height, unit
        )
    ]
    for i, (label, value, text) in enumerate(rows):
        y = i * ROW_HEIGHT + 2
        length = 0 if maximum <= 0 else max(1, round(BAR_WIDTH * value / maximum))
        parts.append(
            Markup('<text x="{}" y="{}" text-anchor="end" font-size="11">{}</text>').format(
                LABEL_WIDTH - 6, y + 12, label[:40]
            )
        )
        parts.append(
            Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="#b5532f"><title>{}: {}</title></rect>').format(
                LABEL_WIDTH, y + 2, length, ROW_HEIGHT - 6, label, text
            )
        )
        parts.append(
            Markup('<text x="{}" y="{}" font-size="11">{}</text>').format(LABEL_WIDTH + length + 4, y + 12, text)
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _heat(value: float, maximum: float) -> str:
    share = 0.0 if maximum <= 0 else min(value / maximum, 1.0)
    # From paper to a deep red: darker is more techniques per 1,000 words.
    r, g, b = 250 - round(70 * share), 245 - round(180 * share), 235 - round(190 * share)
    return f"#{r:02x}{g:02x}{b:02x}"


def heat_map(profiles: Sequence[SourceProfile], stories: Sequence[Story]) -> Markup | None:
    """Sources (rows) by stories (columns): techniques per 1,000 words."""
    used = [s for s in stories if any(s.id in p.per_story for p in profiles)]
    if not used or not profiles:
        return None
    cell = 22
    left = LABEL_WIDTH
    width = left + cell * len(used) + 4
    height = cell * len(profiles) + 4
    maximum = max((v for p in profiles for v in p.per_story.values()), default=0.0)
    parts = [
        Markup(
            '<svg class="heat" role="img" width="{}" height="{}" viewBox="0 0 {} {}" '
            'aria-label="techniques per 1,000 words, by source and story">'
        ).format(width, height, width, height)
    ]
    for i, p in enumerate(profiles):
        y = i * cell + 2
        parts.append(
            Markup('<text x="{}" y="{}" text-anchor="end" font-size="11">{}</text>').format(
                left - 6, y + 15, p.source[:40]
            )
        )
        for j, story in enumerate(used):
            if story.id not in p.per_story:
                continue
            value = p.per_story[story.id]
            parts.append(
                Markup(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} · {}: {:.1f} per 1,000 words</title></rect>'
                ).format(left + j * cell, y, cell - 2, cell - 2, _heat(value, maximum), p.source, story.title, value)
            )
    parts.append(Markup("</svg>"))
    legend = (
        Markup('<p class="heat-legend">Columns: ')
        + Markup(", ").join(Markup("{}. {}").format(j + 1, s.title) for j, s in enumerate(used))
        + Markup(". Darker: more techniques per 1,000 words.</p>")
    )
    return Markup("").join(parts) + legend


def _counter_list(counter: Counter, limit: int = 6) -> Markup:
    items = [Markup("{} ×{}").format(k, v) for k, v in counter.most_common(limit) if v]
    return Markup(", ").join(items) if items else Markup('<span class="none">none</span>')


def profiles_panels(articles: Sequence[Article], stories: Sequence[Story], entities: Iterable[Entity]) -> list[Panel]:
    """Report-level panels: per-source bars, attribution shares, the per-story heat map, each source's details."""
    profiles = source_profiles(articles, stories, entities)
    if not profiles or not any(a.techniques or a.genre for a in articles):
        return []
    panels = []
    maximum = max(p.techniques_per_1000 for p in profiles)
    panels.append(
        Panel(
            "Techniques per 1,000 words, by source",
            _bars(
                [(p.source, p.techniques_per_1000, f"{p.techniques_per_1000:.1f}") for p in profiles],
                maximum,
                "techniques per 1,000 words",
            ),
        )
    )
    shares = [(p.source, p.attributed_share, p) for p in profiles if p.attributed_share is not None]
    if shares:
        panels.append(
            Panel(
                "Attributed claims, by source",
                _bars(
                    [(s, v * 100, f"{v:.0%} of {p.attributed_claims + p.unattributed_claims}") for s, v, p in shares],
                    100.0,
                    "share of claims attributed to a speaker",
                ),
            )
        )
    heat = heat_map(profiles, list(stories))
    if heat is not None:
        panels.append(Panel("Techniques per 1,000 words, by source and story", heat))
    rows = []
    for p in profiles:
        techniques = Markup(", ").join(
            Markup("{} {:.1f}").format(_pretty(t), p.per_1000(t)) for t, _ in p.techniques.most_common(5)
        )
        naming = Markup("; ").join(
            Markup("<strong>{}</strong>: {}").format(name, _counter_list(c, 3)) for name, c in p.naming.items()
        )
        rows.append(
            Markup(
                '<tr><th scope="row"><bdi>{}</bdi></th><td>{}</td><td>{:.1f}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>'
            ).format(
                p.source,
                p.articles,
                p.techniques_per_1000,
                techniques or Markup("–"),
                "–" if p.attributed_share is None else f"{p.attributed_share:.0%}",
                _counter_list(p.quoted, 4),
                naming or Markup("–"),
                _counter_list(p.genres, 3) + Markup(" · ") + _counter_list(p.frames, 3),
            )
        )
    table = (
        Markup(
            '<table class="profiles"><thead><tr><th scope="col">Source</th><th scope="col">Articles</th>'
            '<th scope="col">Techniques / 1,000 words</th><th scope="col">Most used (per 1,000 words)</th>'
            '<th scope="col">Attributed claims</th><th scope="col">Quotes</th><th scope="col">How it names its main actors</th>'
            '<th scope="col">Genre · frames</th></tr></thead><tbody>'
        )
        + Markup("").join(rows)
        + Markup("</tbody></table>")
    )
    panels.append(Panel("Source profiles", table))
    return panels


def naming_panel(members: Sequence[Article], entities: Mapping[str, Entity]) -> Panel | None:
    """For each actor several sources name, the words each source puts around the name."""
    rows = story_naming(members, entities)
    if not rows:
        return None
    sources = sorted({a.outlet for a in members}, key=str.casefold)
    head = Markup("").join(Markup('<th scope="col"><bdi>{}</bdi></th>').format(s) for s in sources)
    body = []
    for row in rows[:12]:
        cells = []
        for s in sources:
            naming = row.by_source.get(s)
            if naming is None or not (naming.phrases or naming.techniques):
                cells.append(Markup("<td>–</td>"))
                continue
            phrases = Markup(", ").join(
                Markup("<q>{}</q>{}").format(k, Markup(" ×{}").format(v) if v > 1 else "")
                for k, v in naming.phrases.most_common(4)
            )
            flags = Markup(" ").join(
                Markup('<span class="flag">{}</span>').format(_pretty(t)) for t in sorted(naming.techniques)
            )
            cells.append(Markup("<td>{} {}</td>").format(phrases, flags))
        body.append(Markup('<tr><th scope="row">{}</th>{}</tr>').format(row.name, Markup("").join(cells)))
    html = (
        Markup('<table class="naming"><thead><tr><th scope="col">Actor</th>')
        + head
        + Markup("</tr></thead><tbody>")
        + Markup("").join(body)
        + Markup("</tbody></table>")
    )
    return Panel("How each source names the actors", html)


GENRE_CAVEAT = (
    "The genre model's probability, learnt from SemEval-2023 Task 3, where three articles in four are "
    "labelled opinion: it leans to opinion on news reports too (on FNC-1 news bodies it said opinion "
    "for three in four, mostly below 90%)."
)
# Below this the call is shown as a lean: the model's opinion calls on ordinary news reports sit
# around 0.75, so only a call above it says more than the training prior.
GENRE_VERDICT = 0.9


def _genre(article: Article) -> Markup | str:
    if not article.genre:
        return "genre unknown"
    if article.genre_confidence is None:
        return article.genre
    c = article.genre_confidence
    shown = f"leans {article.genre} ({c:.0%})" if c < GENRE_VERDICT else f"{article.genre} ({c:.0%} sure)"
    return Markup('<span class="genre" title="{}">{}</span>').format(GENRE_CAVEAT, shown)


def telling_panel(members: Sequence[Article], entities: Mapping[str, Entity] | None = None) -> Panel | None:
    """Per source of the story: genre, frames, techniques per 1,000 words and the most used ones.

    ``entities`` is unread: every story panel builder takes the same two arguments.
    """
    if not any(a.techniques or a.genre for a in members):
        return None
    items = []
    for a in members:
        top = Counter(t.technique for t in a.techniques).most_common(4)
        items.append(
            Markup("<li><strong><bdi>{}</bdi></strong>: {} · {:.1f} techniques per 1,000 words{}{}</li>").format(
                a.outlet,
                _genre(a),
                techniques_per_1000(a),
                Markup(" · ") + Markup(", ").join(Markup("{} ×{}").format(_pretty(t), n) for t, n in top)
                if top
                else "",
                Markup(" · frames: {}").format(", ".join(f.replace("_", " ") for f in a.frames)) if a.frames else "",
            )
        )
    return Panel("How each source tells it", Markup('<ul class="telling">') + Markup("").join(items) + Markup("</ul>"))


# The persuasion panels of a story, for ``analysis.story_panels(builders=...)``.
PERSUASION_PANELS = (telling_panel, naming_panel)
