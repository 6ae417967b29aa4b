"""Quotes: who said what, directly ("...") or indirectly (X said that ...).

Rule-based over the cleaned text, driven by per-language data (``speech_cues.txt``:
reporting verbs, "according to" phrases, complementisers; ``speaker_roles.txt``:
role and institution nouns; ``language.txt``: the traits read through
``rashomon.lang.defaults.language``), so it works for languages without a
parse. Where a spaCy parse is there it only fills gaps (a speaker the rules did
not find, a bare reported clause the rules would not trust).

* ``marks``: direct quotes, the outermost stretches inside quotation marks.
* ``speakers``: speaker phrases (cues, roles, media) and their mention clusters.
* ``finder``: the main pass, cue by cue, and the quotes that continue one.
"""

from __future__ import annotations

from rashomon.analyze.doc import AnalysisDoc
from rashomon.analyze.quotes.finder import QuoteFinder


def find_quotes(doc: AnalysisDoc) -> None:
    """Set ``doc.quotes``: direct and indirect quotes with speaker, role, medium and cue."""
    doc.quotes = QuoteFinder(doc).run()
