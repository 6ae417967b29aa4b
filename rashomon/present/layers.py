"""What the report and the web app draw over stored articles, computed once for both.

``story_layers`` gathers every annotation layer (entity mentions, quotes, claims,
persuasion techniques, the statements the comparison matrix links to) and every
story panel (the matrix, who is quoted, entities and their variants, how each
source tells it and names the actors); ``export_from_store`` is the
public JSON document exactly as ``rashomon export`` writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model import Article, Entity, Story
from .analysis import analysis_layers, analysis_sections, entities_panel, quoted_panel, story_panels
from .compare import compare_sections, comparison_panels
from .export import export_document, order_stories
from .report import Panel
from .spans import Mark


def story_layers(
    store, stories: Sequence[Story], articles: Sequence[Article], entities: Sequence[Entity]
) -> tuple[dict[str, list[Mark]], dict[str, list[Panel]]]:
    """``(marks per article id, panels per story id)`` for ``render_report``/``build_views``."""
    from .persuasion import PERSUASION_PANELS, technique_layers

    layers = analysis_layers(articles, entities)
    panels = story_panels(stories, articles, entities, (quoted_panel, entities_panel, *PERSUASION_PANELS))
    matrix, anchors = comparison_panels(store, stories, articles)
    for article_id, marks in anchors.items():
        layers.setdefault(article_id, []).extend(marks)
    for story_id, found in matrix.items():
        # The matrix first: it is the story's summary; the other panels are detail.
        panels[story_id] = [*found, *panels.get(story_id, [])]
    for article_id, marks in technique_layers(articles).items():
        layers.setdefault(article_id, []).extend(marks)
    return layers, panels


def export_from_store(store) -> dict[str, Any]:
    """The JSON export document (docs/export.md) of everything the store holds."""
    articles = store.articles()
    entities = [entity for entity, _ in store.entities()]
    stories = order_stories(store.stories())
    sections = analysis_sections(articles, entities) | compare_sections(store, stories)
    return export_document(articles, stories, sections=sections)
