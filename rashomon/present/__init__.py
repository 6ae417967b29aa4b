"""Presentation: export formats, the HTML report, terminal tables."""

from .export import export_document, write_csv, write_json, write_jsonl
from .report import Panel, render_report
from .spans import Mark, render_spans

__all__ = [
    "Mark",
    "Panel",
    "export_document",
    "render_report",
    "render_spans",
    "write_csv",
    "write_json",
    "write_jsonl",
]
