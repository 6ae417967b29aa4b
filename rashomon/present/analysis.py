"""The article-analysis layers as export sections and report layers.

Export: ``entities``, ``quotes`` and ``claims`` sections of the JSON contract
(docs/export.md). Report: marks over each article's original text (entity
mentions, quotes, claims), and per story a "who is quoted" panel and the
entities it names with every variant that was merged into each.

Ids in the export are derived, not stored: a quote is ``q-<article id>-<n>``
and a claim ``c-<article id>-<n>``, ``n`` its position in the article, so the
same corpus always exports the same ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from markupsafe import Markup

from ..model import Article, Entity, Story
from .report import Panel
from .spans import Mark

ENTITY_FIELDS = ("id", "name", "type", "aliases", "mentions")
QUOTE_FIELDS = ("id", "article_id", "speaker", "speaker_entity_id", "role", "medium", "text", "direct", "start", "end")
CLAIM_FIELDS = (
    "id",
    "article_id",
    "text",
    "start",
    "end",
    "attributed_to",
    "entity_ids",
    "quantities",
    "negated",
    "hedged",
)


def quote_id(article_id: str, index: int) -> str:
    return f"q-{article_id}-{index}"


def claim_id(article_id: str, index: int) -> str:
    return f"c-{article_id}-{index}"


def technique_id(article_id: str, index: int) -> str:
    return f"t-{article_id}-{index}"


# ------------------------------------------------------------------ export


def entity_records(articles: Iterable[Article], entities: Iterable[Entity]) -> list[dict[str, Any]]:
    """Every entity named in ``articles``, with each of its mentions."""
    mentions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for article in articles:
        for m in article.mentions:
            if m.entity_id:
                mentions[m.entity_id].append({"article_id": article.id, "text": m.text, "start": m.start, "end": m.end})
    records: list[dict[str, Any]] = []
    for entity in entities:
        if entity.id not in mentions:
            continue
        records.append(
            {
                "id": entity.id,
                "name": entity.name,
                "type": entity.label,
                "aliases": list(entity.aliases),
                "mentions": mentions[entity.id],
            }
        )
    records.sort(key=lambda r: (-len(r["mentions"]), r["name"].casefold(), r["id"]))
    return records


def quote_records(articles: Iterable[Article]) -> list[dict[str, Any]]:
    return [
        {
            "id": quote_id(article.id, n),
            "article_id": article.id,
            "speaker": q.speaker,
            "speaker_entity_id": q.speaker_entity_id,
            "role": q.role,
            "medium": q.medium,
            "text": q.text,
            "direct": q.direct,
            "start": q.start,
            "end": q.end,
            "cue": q.cue,
        }
        for article in articles
        for n, q in enumerate(article.quotes)
    ]


def _quantity_record(q) -> dict[str, Any]:
    return {
        "text": q.text,
        "value": q.value,
        "low": q.low,
        "high": q.high,
        "counted": q.counted,
        "approximate": q.approximate,
    }


def claim_records(articles: Iterable[Article]) -> list[dict[str, Any]]:
    records = []
    for article in articles:
        for n, c in enumerate(article.claims):
            entity_ids = []
            for i in c.mention_ids:
                if 0 <= i < len(article.mentions) and article.mentions[i].entity_id:
                    entity_ids.append(article.mentions[i].entity_id)
            quantities = [
                _quantity_record(article.quantities[i]) for i in c.quantity_ids if 0 <= i < len(article.quantities)
            ]
            dates = [article.dates[i].value or article.dates[i].text for i in c.date_ids if 0 <= i < len(article.dates)]
            records.append(
                {
                    "id": claim_id(article.id, n),
                    "article_id": article.id,
                    "text": c.text,
                    "start": c.start,
                    "end": c.end,
                    "attributed_to": c.attributed_to,
                    "speaker": c.speaker,
                    "quote_id": quote_id(article.id, c.quote) if c.quote is not None else None,
                    "entity_ids": list(dict.fromkeys(entity_ids)),
                    "quantities": quantities,
                    "dates": dates,
                    "negated": c.negated,
                    "hedged": c.hedged,
                    "hedges": list(c.hedges),
                }
            )
    return records


def technique_records(articles: Iterable[Article]) -> list[dict[str, Any]]:
    """Persuasion technique spans; offsets into the article's ``original``."""
    return [
        {
            "id": technique_id(article.id, n),
            "article_id": article.id,
            "technique": t.technique,
            "start": t.start,
            "end": t.end,
            "confidence": t.confidence,
            "paragraph": t.paragraph,
            "cue": t.cue,
        }
        for article in articles
        for n, t in enumerate(article.techniques)
    ]


def analysis_sections(articles: Sequence[Article], entities: Iterable[Entity]) -> dict[str, list[dict[str, Any]]]:
    """The ``entities``, ``quotes``, ``claims`` and ``techniques`` sections for ``export_document(sections=...)``."""
    return {
        "entities": entity_records(articles, entities),
        "quotes": quote_records(articles),
        "claims": claim_records(articles),
        "techniques": technique_records(articles),
    }


# ------------------------------------------------------------------ report


def article_marks(article: Article, entity_names: Mapping[str, str]) -> list[Mark]:
    """Entity mentions, quotes and claims as marks over the article's original text."""
    marks: list[Mark] = []
    for c in article.claims:
        label = "claim" + (" (negated)" if c.negated else "") + (" (hedged)" if c.hedged else "")
        marks.append(Mark(c.start, c.end, "claim", label))
    for q in article.quotes:
        who = q.speaker or "unattributed"
        marks.append(Mark(q.start, q.end, "quote" if q.direct else "quote-indirect", f"{who}"))
        if q.speaker_start is not None and q.speaker_end is not None and q.speaker_end > q.speaker_start:
            marks.append(Mark(q.speaker_start, q.speaker_end, "speaker", "speaker"))
    for m in article.mentions:
        name = entity_names.get(m.entity_id or "", m.text)
        marks.append(Mark(m.start, m.end, f"ent-{m.label}", f"{m.label}: {name}"))
    return marks


def analysis_layers(articles: Iterable[Article], entities: Iterable[Entity]) -> dict[str, list[Mark]]:
    names = {e.id: e.name for e in entities}
    return {a.id: article_marks(a, names) for a in articles}


def quoted_panel(story_articles: Sequence[Article], entities: Mapping[str, Entity]) -> Panel | None:
    """Who is quoted in the story, by which sources, and how often."""
    rows: dict[str, dict[str, Any]] = {}
    for article in story_articles:
        for q in article.quotes:
            if not q.speaker:
                continue
            key = q.speaker_entity_id or q.speaker.casefold()
            entity = entities.get(q.speaker_entity_id or "")
            row = rows.setdefault(
                key, {"name": entity.name if entity else q.speaker, "roles": set(), "by": defaultdict(lambda: [0, 0])}
            )
            if q.role:
                row["roles"].add(q.role)
            row["by"][article.outlet][0 if q.direct else 1] += 1
    if not rows:
        return None
    items = []
    for row in sorted(rows.values(), key=lambda r: (-sum(sum(v) for v in r["by"].values()), r["name"].casefold())):
        sources = "; ".join(
            Markup("{}: {} direct, {} reported").format(source, direct, indirect)
            for source, (direct, indirect) in sorted(row["by"].items())
        )
        roles = ", ".join(sorted(row["roles"]))
        items.append(
            Markup('<li><strong>{}</strong>{} <span class="quoted-by">{}</span></li>').format(
                row["name"], Markup(" ({})").format(roles) if roles else "", Markup(sources)
            )
        )
    return Panel("Who is quoted", Markup('<ul class="quoted">') + Markup("").join(items) + Markup("</ul>"))


def entities_panel(story_articles: Sequence[Article], entities: Mapping[str, Entity]) -> Panel | None:
    """The entities the story names, each with every spelling merged into it and which sources use them."""
    used: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for article in story_articles:
        for m in article.mentions:
            if m.entity_id is not None and m.entity_id in entities:
                used[m.entity_id][m.text].add(article.outlet)
    if not used:
        return None
    items = []
    order = sorted(used, key=lambda e: (-sum(len(s) for s in used[e].values()), entities[e].name.casefold()))
    for entity_id in order:
        entity = entities[entity_id]
        variants = Markup(", ").join(
            Markup('<span class="variant" title="{}">{}</span>').format(", ".join(sorted(sources)), text)
            for text, sources in sorted(used[entity_id].items(), key=lambda kv: kv[0].casefold())
        )
        items.append(
            Markup('<li><strong>{}</strong> <span class="etype">{}</span> {}</li>').format(
                entity.name, entity.label, variants
            )
        )
    return Panel(
        "Entities and their variants", Markup('<ul class="entities">') + Markup("").join(items) + Markup("</ul>")
    )


# A story panel builder: the story's articles and the entities by id -> a panel, or None when it has nothing to show.
PanelBuilder = Callable[[Sequence[Article], Mapping[str, Entity]], "Panel | None"]


def story_panels(
    stories: Iterable[Story],
    articles: Iterable[Article],
    entities: Iterable[Entity],
    builders: Sequence[PanelBuilder] = (quoted_panel, entities_panel),
) -> dict[str, list[Panel]]:
    """Per story id, the panels the ``builders`` draw for it, in their order; stories with none are left out."""
    by_id = {a.id: a for a in articles}
    entity_by_id = {e.id: e for e in entities}
    panels: dict[str, list[Panel]] = {}
    for story in stories:
        members = [by_id[i] for i in story.article_ids if i in by_id]
        found = [p for p in (build(members, entity_by_id) for build in builders) if p]
        if found:
            panels[story.id] = found
    return panels


__all__ = [
    "analysis_layers",
    "analysis_sections",
    "claim_records",
    "entity_records",
    "quote_records",
    "story_panels",
    "technique_records",
]
