"""Language identification: per article and per paragraph, ISO 639-1 codes.

The detector (py3langid: 97 languages, a few ms per article, no model download)
is loaded once per process. Short paragraphs are unreliable to classify on their
own, so they inherit the article's language.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rashomon.clean import readable_end
from rashomon.model import Article, LangSpan
from rashomon.resources import load_json_artifact

# Bump when a change alters output: stored articles are then re-identified.
# 2: an original that cleaning emptied is read only as far as cleaning reads it (rashomon.bounds).
VERSION = "2"

# Paragraphs shorter than this take the article's language: n-gram models guess
# wildly on a headline or a byline.
MIN_PARAGRAPH_CHARS = 60
# Below this confidence a paragraph that disagrees with the article is not
# trusted to be in another language.
MIN_SWITCH_CONFIDENCE = 0.9

_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")


@lru_cache(maxsize=1)
def _identifier():
    import py3langid.langid as langid

    return langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=1)
def _code_map() -> dict[str, str | None]:
    data = load_json_artifact("rashomon.lang", "data/detector_codes.json")
    return {k: v for k, v in data.items() if not k.startswith("_")}


def known_languages() -> list[str]:
    codes = {_code_map().get(c, c) for c in _identifier().nb_classes}
    return sorted(c for c in codes if c)


def detect(text: str) -> tuple[str | None, float]:
    """Return ``(iso_code, confidence)``; ``(None, 0.0)`` for text with no letters."""
    if not any(ch.isalpha() for ch in text):
        return None, 0.0
    code, confidence = _identifier().classify(text)
    code_map = _code_map()
    return (code_map[code] if code in code_map else code), float(confidence)


def identify_article(article: Article) -> Article:
    """Set ``article.language`` (unless the input gave it) and per-paragraph languages.

    Works on the cleaned text so that menus and footers don't vote; paragraph
    spans are reported in original offsets like every other span.
    """
    body = _body(article)
    sample = f"{article.title}\n{body}" if article.title else body
    detected, _ = detect(sample[:5000])
    if not article.given.get("language"):
        article.language = detected
    article.paragraph_languages = _paragraph_languages(article, article.language)
    return article


def _body(article: Article) -> str:
    """The cleaned text, or the original when cleaning kept nothing (as much of it as cleaning would read)."""
    if article.text:
        return article.text
    end, _ = readable_end(article.original)
    return article.original[:end]


def _paragraph_languages(article: Article, article_language: str | None) -> list[LangSpan]:
    spans: list[LangSpan] = []
    uses_clean_text = bool(article.text)
    body = _body(article)
    for match in _PARAGRAPH.finditer(body):
        paragraph = match.group()
        language, confidence = article_language, 1.0
        if len(paragraph.strip()) >= MIN_PARAGRAPH_CHARS:
            guess, guess_confidence = detect(paragraph)
            if guess and (guess == article_language or guess_confidence >= MIN_SWITCH_CONFIDENCE):
                language, confidence = guess, guess_confidence
        if language is None:
            continue
        if uses_clean_text:
            span = article.offsets.span_to_original(match.start(), match.end())
            start, end = span.start, span.end
        else:
            start, end = match.start(), match.end()
        spans.append(LangSpan(start, end, language, round(confidence, 3)))
    return spans
