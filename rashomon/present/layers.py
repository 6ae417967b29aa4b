"""What the report and the web app draw over stored articles, computed once for both.

``story_layers`` gathers every annotation layer (entity mentions, quotes, claims,
persuasion techniques, the statements the comparison matrix links to) and every
story panel (the matrix, who is quoted, entities and their variants, how each
source tells it and names the actors); ``export_corpus`` is the
public JSON document exactly as ``rashomon export`` writes it. Both receive what
the caller read from the store (records, never the store itself).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..model import Article, Entity, Story
from ..store import Corpus
from ..store.comparisons import StoredComparison
from .analysis import analysis_layers, analysis_sections, entities_panel, quoted_panel, story_panels
from .compare import compare_sections, comparison_panels
from .export import export_document, order_stories
from .report import Panel
from .spans import Mark


def story_layers(
    stories: Sequence[Story],
    articles: Sequence[Article],
    entities: Sequence[Entity],
    comparisons: Mapping[str, StoredComparison],
) -> tuple[dict[str, list[Mark]], dict[str, list[Panel]]]:
    """``(marks per article id, panels per story id)`` for ``render_report``/``build_views``."""
    from .persuasion import PERSUASION_PANELS, technique_layers

    layers = analysis_layers(articles, entities)
    panels = story_panels(stories, articles, entities, (quoted_panel, entities_panel, *PERSUASION_PANELS))
    matrix, anchors = comparison_panels(stories, articles, comparisons, entities)
    for article_id, marks in anchors.items():
        layers.setdefault(article_id, []).extend(marks)
    for story_id, found in matrix.items():
        # The matrix first: it is the story's summary; the other panels are detail.
        panels[story_id] = [*found, *panels.get(story_id, [])]
    for article_id, marks in technique_layers(articles).items():
        layers.setdefault(article_id, []).extend(marks)
    return layers, panels


def export_corpus(corpus: Corpus) -> dict[str, Any]:
    """The JSON export document (docs/export.md) of everything the store holds (``Store.corpus()``)."""
    stories = order_stories(corpus.stories)
    sections = analysis_sections(corpus.articles, corpus.entities) | compare_sections(
        stories, corpus.comparisons, corpus.articles, corpus.entities
    )
    return export_document(corpus.articles, stories, sections=sections)
