"""The persuasion stage: techniques, genre and frames of one article (pure, runs in workers).

It reads the cleaned text (paragraphs are lines there, as in the training
data) and maps every span to ``Article.original``. Any language goes: the
features are multilingual-encoder vectors plus cue lists, and a language
without lists reads all of them.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

from rashomon.model import Article, Technique

# Bump when the code changes output; the shipped model's digest is added, so retraining re-runs the stage too.
CODE_VERSION = "2"


@cache
def _model_digest() -> str:
    data = resources.files("rashomon.persuasion").joinpath("data").joinpath("persuasion.json").read_bytes()
    return hashlib.sha256(data).hexdigest()[:8]


def version() -> str:
    return f"{CODE_VERSION}+{_model_digest()}"


def persuade_article(article: Article) -> Article:
    from rashomon.persuasion.analyse import analyse_text

    article.techniques, article.genre, article.genre_confidence, article.frames = [], None, None, []
    text = article.text or ""
    if not text.strip():
        return article
    result = analyse_text(text, article.language or "xx")
    for t in result.techniques:
        span = article.offsets.span_to_original(t.start, t.end)
        article.techniques.append(Technique(span.start, span.end, t.technique, t.confidence, t.paragraph, t.cue))
    article.genre = result.genre
    article.genre_confidence = result.genre_confidence if result.genre else None
    article.frames = list(result.frames)
    return article
