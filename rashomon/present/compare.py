"""The source comparison as an export section, a terminal matrix and a report panel.

Rows are propositions (points of the story), columns are sources, and each cell
says how the source holds the point: asserts, denies, hedges, or is silent, in its
own words, or what it reports another voice holding ("reports the Coalition
denying"): a source is never charged with a position it only reports. A cell
shows one state, the strongest (``compare.voice.rank``: its own denial, assertion,
hedge, then the reported ones); the others are its detail.
Statement ids are the export's: ``c-…`` claims, ``q-…`` quotes, ``h-<article>``
headlines; in the report each cell links to its statement's sentence, which
carries the anchor ``cmp-<statement id>``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from rich import box
from rich.table import Table
from rich.text import Text

from ..compare.voice import GERUND, rank, state_label
from ..model import Article, Entity, Proposition, Relation, Story
from ..store.comparisons import StoredComparison
from .reasons import UNCERTAIN, UNCERTAIN_BELOW, certainty, explanations, is_uncertain, shorten, statements
from .report import Panel
from .spans import Mark

RELATION_FIELDS = (
    "id",
    "type",
    "story_id",
    "proposition_id",
    "claim_ids",
    "article_ids",
    "confidence",
    "reason",
    "reasons",
    "speaker_entity_id",
    "model",
    "voices",
    "voice_names",
    # Added for people: the relation in a plain sentence (present/reasons.py), and whether its confidence is below
    # reasons.UNCERTAIN_BELOW. The machine reasons above stay the API.
    "explanation",
    "uncertain",
)
STANCE_MARK = {"asserts": "✓", "denies": "✗", "hedges": "~"}
TYPE_LABEL = {
    "agree": "agree",
    "contradict": "contradict",
    "discuss": "discuss",
    "omission": "only one source",
    "quote_drift": "quote drift",
}


def anchor_id(statement_id: str) -> str:
    return f"cmp-{statement_id}"


def statement_span(article: Article, statement_id: str) -> tuple[int | None, int | None, str]:
    """``(start, end, text)`` of a statement id in its article's original (start/end None if not found)."""
    kind, _, rest = statement_id.partition("-")
    if kind == "h":
        title = (article.title or "").strip()
        at = article.original.find(title) if title else -1
        return (at, at + len(title), title) if at >= 0 else (None, None, title)
    try:
        n = int(rest.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return None, None, ""
    items = article.claims if kind == "c" else article.quotes if kind == "q" else []
    if 0 <= n < len(items):
        return items[n].start, items[n].end, items[n].text
    return None, None, ""


# ------------------------------------------------------------------ export


def relation_records(relations: Iterable[Relation], explained: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Relations as the export writes them; ``explained``: relation id -> plain sentence (``reasons.explanations``)."""
    records = []
    for r in relations:
        values = dataclasses.asdict(r) | {"explanation": (explained or {}).get(r.id), "uncertain": is_uncertain(r)}
        records.append({k: values[k] for k in RELATION_FIELDS})
    return records


def proposition_records(propositions: Iterable[Proposition]) -> list[dict[str, Any]]:
    return [
        {
            "id": p.id,
            "story_id": p.story_id,
            "label": p.label,
            "claim_ids": list(p.claim_ids),
            "article_ids": list(p.article_ids),
            "stances": list(p.stances),
            "anchors": list(p.anchors),
            "voices": list(p.voices),
            "voice_names": list(p.voice_names),
        }
        for p in propositions
    ]


def compare_sections(
    stories: Sequence[Story],
    comparisons: Mapping[str, StoredComparison],
    articles: Iterable[Article] = (),
    entities: Iterable[Entity] = (),
) -> dict[str, list[dict[str, Any]]]:
    """``relations`` and ``propositions`` for ``export_document(sections=...)``, stories in export order."""
    relations: list[Relation] = []
    propositions: list[Proposition] = []
    for story in stories:
        stored = comparisons.get(story.id)
        if stored:
            propositions.extend(stored.propositions)
            relations.extend(stored.relations)
    explained = explanations(relations, articles, entities, propositions)
    return {"relations": relation_records(relations, explained), "propositions": proposition_records(propositions)}


# ------------------------------------------------------------------ matrix


def shown_propositions(propositions: Sequence[Proposition], relations: Sequence[Relation], everything: bool = False):
    """The rows worth a reader's time: propositions some relation stands on (all of them with ``everything``)."""
    used = {r.proposition_id for r in relations}
    return [p for p in propositions if everything or p.id in used]


def source_columns(articles: Sequence[Article]) -> list[tuple[str, list[str]]]:
    """``(source label, [article ids])`` in story order; one outlet's articles share a column."""
    columns: dict[str, list[str]] = {}
    for a in articles:
        columns.setdefault(a.outlet, []).append(a.id)
    return list(columns.items())


@dataclass(frozen=True)
class Entry:
    """One statement of a source on a point: its stance, and whose it is (``voice`` None: the source's own)."""

    stance: str
    statement_id: str
    voice: str | None = None
    voice_name: str | None = None

    @property
    def own(self) -> bool:
        return self.voice is None

    @property
    def label(self) -> str:
        """ "asserts", or "reports the Coalition denying"."""
        return state_label(self.stance, self.own, self.voice_name)

    @property
    def mark(self) -> str:
        """The stance's mark; in quotation marks when the source reports it."""
        return STANCE_MARK[self.stance] if self.own else f"“{STANCE_MARK[self.stance]}”"


@dataclass(frozen=True)
class Cell:
    """What one source says on one point: its entries strongest first; none when it is silent."""

    entries: tuple[Entry, ...] = ()

    @property
    def shown(self) -> Entry | None:
        """The cell's one state."""
        return self.entries[0] if self.entries else None

    @property
    def detail(self) -> tuple[Entry, ...]:
        return self.entries[1:]

    @property
    def state(self) -> str:
        """``asserts``/``denies``/``hedges`` (own), ``reports-asserting``/... (reported), or ``silent``."""
        e = self.shown
        if e is None:
            return "silent"
        return e.stance if e.own else "reports-" + GERUND[e.stance]

    @property
    def label(self) -> str:
        return self.shown.label if self.shown else "silent"


def cells(p: Proposition, columns: Sequence[tuple[str, list[str]]]) -> list[Cell]:
    """Per column, the source's cell on the point (its statements strongest first; empty for a silent source)."""
    out = []
    for _, ids in columns:
        entries = [
            Entry(stance, sid, *p.voice_of(n))
            for n, (sid, aid, stance) in enumerate(zip(p.claim_ids, p.article_ids, p.stances))
            if aid in ids
        ]
        out.append(Cell(tuple(sorted(entries, key=lambda e: rank(e.stance, e.own)))))
    return out


def _row_types(p: Proposition, relations: Sequence[Relation]) -> list[str]:
    return sorted({r.type for r in relations if r.proposition_id == p.id})


def _clean(value: str | None, limit: int | None = None) -> str:
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in (value or "")).split())
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def compare_table(
    story: Story, articles: Sequence[Article], propositions, relations, everything: bool = False
) -> Table:
    columns = source_columns(articles)
    said = statements(articles)
    table = Table(title=Text(_clean(story.title) or story.id, style="bold"), box=box.SIMPLE_HEAVY, show_lines=True)
    table.add_column("Proposition", overflow="fold", ratio=3)
    table.add_column("Relations", overflow="fold", no_wrap=False)
    for source, _ in columns:
        table.add_column(Text(_clean(source)), overflow="fold", ratio=2)
    styles = {"asserts": "green", "denies": "red bold", "hedges": "yellow"}
    # Reported positions are the same colour, italic and without bold: visibly not the source's own.
    reported_styles = {"asserts": "italic green", "denies": "italic red", "hedges": "italic yellow"}
    for p in shown_propositions(propositions, relations, everything):
        types = _row_types(p, relations)
        row_style = "on grey11" if "contradict" in types or "quote_drift" in types else None
        row = [
            Text(_clean(p.label, 160)),
            Text(", ".join(TYPE_LABEL[t] for t in types), style="red" if row_style else ""),
        ]
        for cell in cells(p, columns):
            text = Text()
            for n, e in enumerate(cell.entries):
                if n:
                    text.append("\nalso ", style="dim")
                text.append(f"{e.mark} {_clean(e.label)}", style=(styles if e.own else reported_styles)[e.stance])
                # The statement's own words (shortened): the matrix reads without the export at hand.
                sid = e.statement_id
                text.append(f" {shorten(said[sid].text, 90)}" if sid in said else f" {sid}", style="dim")
            row.append(text if cell.entries else Text("silent", style="dim"))
        table.add_row(*row, style=row_style)
    return table


def relations_table(relations: Sequence[Relation], explained: Mapping[str, str]) -> Table:
    """Every relation: its type, confidence ("uncertain" below reasons.UNCERTAIN_BELOW) and plain sentence."""
    table = Table(box=box.SIMPLE, show_lines=False, expand=True)
    table.add_column("Relation", no_wrap=True)
    table.add_column("Conf.", justify="right", no_wrap=True)
    table.add_column("Why", overflow="fold", ratio=4)
    for r in relations:
        style = "red bold" if r.type in ("contradict", "quote_drift") else ""
        confidence = Text(f"{r.confidence:.2f}")
        if is_uncertain(r):
            confidence.append(f"\n{UNCERTAIN}", style="yellow italic")
        why = Text(_clean(explained.get(r.id)) or ", ".join(r.reasons))
        why.append(f"  [{', '.join(r.reasons)}]", style="dim")
        table.add_row(Text(TYPE_LABEL[r.type], style=style), confidence, why)
    return table


def statement_texts(
    articles: Sequence[Article], entity_names: Mapping[str, str] | None = None
) -> dict[str, tuple[str, str]]:
    """Every statement id a comparison can name -> (who: the source, and the speaker when quoted, text).

    The speaker is named by its canonical entity when resolved (``reasons.statements``).
    """
    return {
        sid: (f"{s.source} · {s.speaker}" if s.speaker else s.source, s.text)
        for sid, s in statements(articles, entity_names or {}).items()
    }


PIPED_RELATION_COLUMNS = (
    "relation",
    "type",
    "confidence",
    "certainty",
    "explanation",
    "reason",
    "claim_ids",
    *(f"{key}_{n}" for n in (1, 2) for key in ("source", "speaker", "stance", "text")),
)


def compare_lines(
    articles: Sequence[Article],
    propositions,
    relations,
    everything: bool = False,
    entities: Iterable[Entity] = (),
) -> list[str]:
    """Tab-separated, for pipes: the matrix (one proposition per line, each cell its stance and statements' text
    with their ids), a blank line, then one relation per line with its plain sentence and each statement's source,
    speaker, stance and text. Tabs and line breaks inside texts become spaces."""
    columns = source_columns(articles)
    said = statements(articles, entities)
    explained = explanations(relations, articles, entities, propositions)
    stance_of = {(p.id, c): s for p in propositions for c, s in zip(p.claim_ids, p.stances)}

    def text(sid: str) -> str:
        return _clean(said[sid].text) if sid in said else ""

    lines = ["proposition\trelations\t" + "\t".join(_clean(s) for s, _ in columns) + "\tlabel"]
    for p in shown_propositions(propositions, relations, everything):
        values = [
            "; also ".join(f"{_clean(e.label)}: {text(e.statement_id)} ({e.statement_id})" for e in cell.entries)
            or "silent"
            for cell in cells(p, columns)
        ]
        lines.append("\t".join([p.id, ",".join(_row_types(p, relations)), *values, _clean(p.label)]))
    lines.append("")
    lines.append("\t".join(PIPED_RELATION_COLUMNS))
    for r in relations:
        row = [r.id, r.type, f"{r.confidence:.2f}", certainty(r), _clean(explained[r.id]), ",".join(r.reasons)]
        row.append(",".join(r.claim_ids))
        for sid in (list(r.claim_ids) + ["", ""])[:2]:
            s = said.get(sid)
            stance = stance_of.get((r.proposition_id or "", sid), "")
            row += [_clean(s.source), _clean(s.speaker), stance, text(sid)] if s else ["", "", "", ""]
        lines.append("\t".join(row))
    return lines


# ------------------------------------------------------------------ report


def comparison_marks(articles: Iterable[Article], propositions: Iterable[Proposition]) -> dict[str, list[Mark]]:
    """An anchored mark over every statement a proposition names, so report cells can link to it."""
    by_id = {a.id: a for a in articles}
    marks: dict[str, list[Mark]] = {}
    seen: set[str] = set()
    for p in propositions:
        for sid, aid in zip(p.claim_ids, p.article_ids):
            if sid in seen or aid not in by_id:
                continue
            seen.add(sid)
            start, end, _ = statement_span(by_id[aid], sid)
            if start is not None and end is not None and end > start:
                marks.setdefault(aid, []).append(
                    Mark(start, end, "compared", "compared across sources", None, anchor_id(sid))
                )
    return marks


def _reasons_html(found: Sequence[Relation], explained: Mapping[str, str]) -> Markup:
    """Each relation of a row: its type, "uncertain" when it is, its confidence and its plain sentence."""
    items = [
        Markup(
            '<li><span class="cmp-type cmp-type-{}">{}</span>{} <span class="cmp-conf">{:.2f}</span> {}</li>'
        ).format(
            r.type,
            TYPE_LABEL[r.type],
            Markup(' <span class="cmp-uncertain">{}</span>').format(UNCERTAIN) if is_uncertain(r) else "",
            r.confidence,
            explained.get(r.id) or ", ".join(r.reasons),
        )
        for r in found
    ]
    return Markup('<ul class="cmp-reasons">{}</ul>').format(Markup("").join(items)) if items else Markup("")


def matrix_panel(
    story: Story, articles: Sequence[Article], propositions, relations, explained: Mapping[str, str] | None = None
) -> Panel | None:
    shown = shown_propositions(propositions, relations)
    if not shown:
        return None
    explained = explained or {}
    columns = source_columns(articles)
    head = Markup("").join(Markup('<th scope="col">{}</th>').format(source) for source, _ in columns)
    rows = []
    for p in shown:
        types = _row_types(p, relations)
        conflict = "contradict" in types or "quote_drift" in types
        tds = []
        for cell in cells(p, columns):
            if not cell.entries:
                tds.append(Markup('<td class="cmp-cell cmp-silent">silent</td>'))
                continue
            links = [
                Markup('<a class="cmp-{}{}" href="#{}">{} {}</a>').format(
                    e.stance, "" if e.own else " cmp-reported", anchor_id(e.statement_id), e.mark, _clean(e.label)
                )
                for e in cell.entries
            ]
            also = (
                Markup('<div class="cmp-also">also: {}</div>').format(Markup("; ").join(links[1:]))
                if links[1:]
                else Markup("")
            )
            tds.append(Markup('<td class="cmp-cell">{}{}</td>').format(links[0], also))
        found = [r for r in relations if r.proposition_id == p.id]
        # A conflict row whose every conflict is uncertain is drawn dashed, not filled: a lead, not a finding.
        doubtful = conflict and all(is_uncertain(r) for r in found if r.type in ("contradict", "quote_drift"))
        row_class = ("cmp-conflict cmp-doubtful" if doubtful else "cmp-conflict") if conflict else "cmp-row"
        rows.append(
            Markup('<tr class="{}"><th scope="row" dir="auto">{}{}</th>{}</tr>').format(
                row_class, _clean(p.label, 220), _reasons_html(found, explained), Markup("").join(tds)
            )
        )
    html = Markup(
        # The matrix scrolls inside its own box: with several sources it is wider than a phone, and the page
        # itself must not scroll sideways.
        '<div class="cmp-scroll" role="region" aria-label="Comparison matrix" tabindex="0">'
        '<table class="cmp-matrix"><thead><tr><th scope="col">Proposition</th>{}</tr></thead><tbody>{}</tbody></table></div>'
        '<p class="cmp-legend">✓ asserts · ✗ denies · ~ hedges or reports without taking a side · silent: not said. '
        "In quotation marks and italics (“✗” reports the Coalition denying): a position the source reports someone "
        "else holding, not its own. Each cell shows the strongest position; the others follow it (also: …). "
        "Rows in red: the sources, or one speaker, contradict each other; dashed and marked "
        '<span class="cmp-uncertain">{}</span>: confidence below {:.1f}, a lead to check. '
        '<a href="#key">Key to every colour and mark</a>.</p>'
    ).format(head, Markup("").join(rows), UNCERTAIN, UNCERTAIN_BELOW)
    return Panel("Where the sources agree and differ", html, lead=True)


def comparison_panels(
    stories: Sequence[Story],
    articles: Sequence[Article],
    comparisons: Mapping[str, StoredComparison],
    entities: Iterable[Entity] = (),
) -> tuple[dict[str, list[Panel]], dict[str, list[Mark]]]:
    """Per story the matrix panel, and the anchored marks its cells link to."""
    by_id = {a.id: a for a in articles}
    names = {e.id: e.name for e in entities}
    panels: dict[str, list[Panel]] = {}
    marks: dict[str, list[Mark]] = {}
    for story in stories:
        stored = comparisons.get(story.id)
        if not stored:
            continue
        propositions, relations = stored.propositions, stored.relations
        members = [by_id[i] for i in story.article_ids if i in by_id]
        explained = explanations(relations, members, names, propositions)
        panel = matrix_panel(story, members, propositions, relations, explained)
        if panel:
            panels[story.id] = [panel]
            for aid, ms in comparison_marks(members, shown_propositions(propositions, relations)).items():
                marks.setdefault(aid, []).extend(ms)
    return panels, marks
