"""The persuasion stage: techniques, genre and frames of one article (pure, runs in workers).

It reads the cleaned text (paragraphs are lines there, as in the training
data) and maps every span to ``Article.original``. Any language goes: the
features are multilingual-encoder vectors plus cue lists, and a language
without lists reads all of them.
"""

from __future__ import annotations

from functools import cache

from rashomon.model import Article, Technique
from rashomon.resources import digest_data_files, package_data_dir

# Bump when the code changes output; the digest of the shipped model and cue lists is added, so retraining or
# editing a cue list re-runs the stage too (cue counts are model features and cue words place spans).
# 3: the encoder reads at most rashomon.bounds.MAX_ENCODED_CHARS of a paragraph or sentence.
CODE_VERSION = "3"


def data_digest(data) -> str:
    """A short hash of the model and every cue and name list in ``data`` (a folder laid out as the package's)."""
    return digest_data_files(
        (data,), ("cues.txt", "names.txt"), chars=8, seed=data.joinpath("persuasion.json").read_bytes()
    )


@cache
def version() -> str:
    return f"{CODE_VERSION}+{data_digest(package_data_dir('persuasion'))}"


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
