"""The export as spreadsheet tables: ``articles`` (one row per article) and ``comparison`` (one row per statement
per source in each compared point), written as CSV (one table) or as an xlsx workbook (one sheet per table).

The comparison table is the story matrix laid flat for a spreadsheet: for every proposition some relation stands
on, one row per statement in each relation (with the relation's type, confidence, "uncertain" below
``reasons.UNCERTAIN_BELOW``, its plain sentence and its machine reasons), one row per statement of the point that
no relation names, and one ``silent`` row per source that does not state the point. Filter on ``relation_id``
for the relations, pivot ``stance`` by ``source`` for the matrix.

Article text is untrusted: a CSV cell starting with ``= + - @`` (or tab, CR) gets a leading ``'`` so no
spreadsheet runs it as a formula; xlsx cells are written as typed strings, which no spreadsheet evaluates.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from ..store import Corpus
from .compare import source_columns
from .export import CSV_COLUMNS as ARTICLE_COLUMNS
from .export import cell_text, csv_rows, order_stories, write_json, write_jsonl
from .reasons import certainty, explanations, statements

COMPARISON_COLUMNS: tuple[str, ...] = (
    "story_id",
    "story_title",
    "proposition_id",
    "proposition",
    "relation_id",
    "relation",
    "confidence",
    "certainty",
    "explanation",
    "reasons",
    "statement_id",
    "article_id",
    "source",
    "speaker",
    "stance",
    "language",
    "statement",
)
TABLES: tuple[str, ...] = ("articles", "comparison")
FORMATS: tuple[str, ...] = ("json", "jsonl", "csv", "xlsx")  # what `rashomon export` and GET /api/export write
XLSX_CELL_CHARS = 32767  # Excel's limit on one cell; longer text is cut with "…"


def comparison_rows(corpus: Corpus) -> list[dict[str, Any]]:
    """The ``comparison`` table (see the module docstring), stories in export order."""
    by_id = {a.id: a for a in corpus.articles}
    rows: list[dict[str, Any]] = []
    for story in order_stories(corpus.stories):
        stored = corpus.comparisons.get(story.id)
        if not stored:
            continue
        members = [by_id[i] for i in story.article_ids if i in by_id]
        said = statements(members, corpus.entities)
        explained = explanations(stored.relations, members, corpus.entities, stored.propositions)
        propositions = {p.id: p for p in stored.propositions}
        columns = source_columns(members)

        def row(point, sid: str | None, stance: str, relation=None, source: str = "") -> dict[str, Any]:
            s = said.get(sid or "")
            return {
                "story_id": story.id,
                "story_title": story.title,
                "proposition_id": point.id if point else None,
                "proposition": point.label if point else None,
                "relation_id": relation.id if relation else None,
                "relation": relation.type if relation else None,
                "confidence": relation.confidence if relation else None,
                "certainty": certainty(relation) if relation else None,
                "explanation": explained.get(relation.id) if relation else None,
                "reasons": ", ".join(relation.reasons) if relation else None,
                "statement_id": sid,
                "article_id": s.article_id if s else None,
                "source": s.source if s else source,
                "speaker": s.speaker if s else None,
                "stance": stance,
                "language": s.language if s else None,
                "statement": s.text if s else None,
            }

        order = list(dict.fromkeys(r.proposition_id for r in stored.relations))
        for pid in order:
            point = propositions.get(pid or "")
            stance_of = dict(zip(point.claim_ids, point.stances)) if point else {}
            named: set[str] = set()
            for relation in (r for r in stored.relations if r.proposition_id == pid):
                for sid in relation.claim_ids:
                    named.add(sid)
                    rows.append(row(point, sid, stance_of.get(sid, ""), relation))
            if point is None:
                continue
            for sid, stance in zip(point.claim_ids, point.stances):
                if sid not in named:
                    rows.append(row(point, sid, stance))
            for source, ids in columns:
                if not set(ids) & set(point.article_ids):
                    rows.append(row(point, None, "silent", source=source))
    return rows


def table_rows(doc: Mapping[str, Any], corpus: Corpus, table: str) -> tuple[Sequence[str], list[dict[str, Any]]]:
    """``(columns, rows)`` of one table: ``articles`` from the export document, ``comparison`` from the corpus."""
    if table == "articles":
        return ARTICLE_COLUMNS, csv_rows(doc)
    if table == "comparison":
        return COMPARISON_COLUMNS, comparison_rows(corpus)
    raise ValueError(f"unknown table {table!r} ({', '.join(TABLES)})")


def write_table_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]], out: TextIO) -> None:
    """One table as CSV, formulas neutralised (open ``out`` with ``newline=""``)."""
    writer = csv.DictWriter(out, fieldnames=list(columns))
    writer.writeheader()
    for r in rows:
        writer.writerow({k: cell_text(r.get(k), True) for k in columns})


def write_xlsx(tables: Mapping[str, tuple[Sequence[str], Iterable[Mapping[str, Any]]]], path: Path) -> None:
    """One sheet per table: a bold, frozen header row with filters; numbers as numbers, text as typed strings."""
    import xlsxwriter  # only the xlsx export needs it

    # Strings are never turned into formulas or links: typed string cells are inert whatever they start with.
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    workbook = xlsxwriter.Workbook(str(path), options)
    try:
        bold = workbook.add_format({"bold": True})
        for name, (columns, rows) in tables.items():
            sheet = workbook.add_worksheet(name[:31])
            for c, column in enumerate(columns):
                sheet.write_string(0, c, column, bold)
            n = 0
            for n, r in enumerate(rows, 1):
                for c, column in enumerate(columns):
                    value = r.get(column)
                    if value is None or value == "":
                        continue
                    if isinstance(value, (int, float)) and not isinstance(value, bool):
                        sheet.write_number(n, c, value)
                    else:
                        text = str(value)
                        if len(text) > XLSX_CELL_CHARS:
                            text = text[: XLSX_CELL_CHARS - 1] + "…"
                        sheet.write_string(n, c, text)
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(n, 1), max(len(columns) - 1, 0))
    finally:
        workbook.close()


def write_export(doc: Mapping[str, Any], corpus: Corpus, format: str, table: str, out: TextIO) -> None:
    """A text export (json, jsonl, or csv of ``table``) of ``doc`` (``layers.export_corpus(corpus)``)."""
    if format == "json":
        write_json(doc, out)
    elif format == "jsonl":
        write_jsonl(doc, out)
    elif format == "csv":
        write_table_csv(*table_rows(doc, corpus, table), out)
    else:
        raise ValueError(f"{format!r} is not a text format (json, jsonl, csv)")


def write_workbook(doc: Mapping[str, Any], corpus: Corpus, path: Path) -> None:
    """The xlsx export: every table, one sheet each."""
    write_xlsx({name: table_rows(doc, corpus, name) for name in TABLES}, path)
