"""Article analysis: sentences, entity mentions, quotes, quantities, dates, claims.

``analyze_article`` is pure (article in, article out) so it runs in worker
processes. Components run in a fixed order on an ``AnalysisDoc`` in cleaned-text
offsets; the results are mapped to original offsets at the end. Languages
without the resources to analyse them well get a note instead of wrong output.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Callable

from rashomon.analyze import ner
from rashomon.analyze.doc import AnalysisDoc, to_article
from rashomon.clean import readable_end
from rashomon.model import Article
from rashomon.resources import LANGUAGE_NEUTRAL, data_codes, digest_data_files, lang_data_dir
from rashomon.text import published_date

# Bump when a change alters output: stored articles are then re-analysed. The stage's VERSION adds a
# digest of the per-language data files the analysis reads, so editing a word list or a trait re-analyses too.
# 2: the analysis note says how much of an over-long text was read; numbers of over 100 digits and
# runs of over 20 number words are not read as one quantity (rashomon.bounds).
# 3: entity mentions of the languages in analyze/data/ner/registry.tsv come from (or are typed by) the trained
# recogniser (analyze/ner.py).
# 4: a denial verb's object is reported speech ("which the Coalition denied being involved in"), and its sentence
# stays the outlet's claim (speech_cues.txt [objects]).
# 5: every language with the data files is analysed (it, pl, tr, zh, nl, pt, ja, ko, th); letters of scripts
# without spaces are words of their own; full-width punctuation; verb-final reporting (word order "sov").
CODE_VERSION = "5"
DATA_FILES = (
    "abbreviations.txt",  # sentences
    "mentions.txt",  # mentions
    "known_names.tsv",
    "speech_cues.txt",  # quotes
    "speaker_roles.txt",
    "language.txt",  # quotes' traits (rashomon.lang.defaults)
    "numbers.txt",  # quantities
    "dates.txt",  # dates
    "negation.txt",  # claims
    "hedges.txt",
)

# A language is analysed when its data is there: these files under lang/data/<code>/ (speech cues for quotes,
# negation and hedges for claims; sentences, mentions, numbers and dates fall back on language-neutral rules
# and gazetteers). Others are marked "not analysed".
REQUIRED_FILES = ("speech_cues.txt", "negation.txt", "hedges.txt")


@cache
def analysed_languages() -> frozenset[str]:
    """The language codes the analysis covers: those whose data dir holds every file of ``REQUIRED_FILES``."""
    codes = [set(data_codes(lang_data_dir(), name)) for name in REQUIRED_FILES]
    return frozenset(set.intersection(*codes) - {LANGUAGE_NEUTRAL})


def data_language(code: str | None) -> str | None:
    """The analysed language whose data reads ``code``: itself, or its base language for a regional or script
    variant given with the article ("zh-Hant" and "zh-TW" read as zh, "pt-BR" as pt); None when neither is analysed."""
    if not code:
        return None
    for candidate in (code, code.replace("_", "-").split("-")[0].lower()):
        if candidate in analysed_languages():
            return candidate
    return None


def comparison_note(languages: Iterable[str | None]) -> str | None:
    """ "not compared (language xx)" when some of ``languages`` (a story's) has no analysis, else None: such
    articles have no statements to compare, so "no contradiction found" would claim what was never looked at."""
    missing = sorted({code or "unknown" for code in languages if data_language(code) is None})
    if not missing:
        return None
    return f"not compared (language{'s' if len(missing) > 1 else ''} {', '.join(missing)})"


# The trained recogniser's registry and model info files seed the digest (rashomon.analyze.ner.fingerprint).
VERSION = f"{CODE_VERSION}+{digest_data_files((lang_data_dir(),), DATA_FILES, chars=12, seed=ner.fingerprint())}"


def _components() -> list[tuple[str, Callable[[AnalysisDoc], None]]]:
    # Imported here so that importing rashomon.analyze stays cheap (workers
    # load the heavy backends on first use, per language).
    from rashomon.analyze.claims import find_claims
    from rashomon.analyze.dates import find_dates
    from rashomon.analyze.mentions import cluster_mentions, find_mentions
    from rashomon.analyze.quantities import find_quantities
    from rashomon.analyze.quotes import find_quotes
    from rashomon.analyze.sentences import split_sentences

    return [
        ("sentences", split_sentences),
        ("mentions", find_mentions),
        ("clusters", cluster_mentions),
        ("quotes", find_quotes),
        ("quantities", find_quantities),
        ("dates", find_dates),
        ("claims", find_claims),
    ]


def _length_note(article: Article, supported: bool) -> str | None:
    """What part of a text longer than any news article the stages read (``rashomon.bounds``), in plain words."""
    end, reason = readable_end(article.original)
    if reason is None:
        return None
    return f"{'analysed' if supported else 'read'} the first {end:,} of {len(article.original):,} characters: {reason}"


def analyze_article(article: Article) -> Article:
    """Fill every analysis layer of ``article`` (in original offsets)."""
    for layer in ("sentences", "mentions", "quotes", "quantities", "dates", "claims"):
        setattr(article, layer, [])
    language = data_language(article.language)
    supported = language is not None
    notes = [] if supported else [f"not analysed for language {article.language or 'unknown'}"]
    length_note = _length_note(article, supported)
    article.analysis_note = "; ".join(notes + ([length_note] if length_note else [])) or None
    if not supported or language is None:
        return article
    doc = AnalysisDoc(
        text=article.text,
        language=language,
        title=article.title,
        published=published_date(article.published),
    )
    for _, component in _components():
        component(doc)
    return to_article(doc, article)
