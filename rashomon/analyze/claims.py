"""Claims: the checkable assertions of an article, with who makes them.

A claim is a sentence, or the reported content of a quote, that names something
checkable: an entity, a quantity or a date. Its voice is the quote's speaker
when it sits inside a quote, else the outlet's own. Polarity and hedging come
from per-language cue lists (``negation.txt``, ``hedges.txt``) and, where the
parse has them, negation dependencies and the conditional mood.
"""

from __future__ import annotations

import re
from functools import cache

from rashomon.analyze.doc import AnalysisDoc, SpanIndex
from rashomon.analyze.quotes.speakers import lexicon
from rashomon.lang import defaults as lang_defaults
from rashomon.model import Claim
from rashomon.resources import word_list
from rashomon.text import CONTRACTED_WORD, UNSPACED_LETTERS

_UNSPACED = re.compile(f"[{UNSPACED_LETTERS}]")

# Fewer words than this rarely assert anything checkable ("He added:").
MIN_CLAIM_WORDS = 5


@cache
def _cues(language: str, name: str) -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    """Single-word cues as a set, multiword cues as token tuples."""
    single, multi = set(), []
    for cue in word_list(language, name):
        tokens = tuple(cue.lower().split())
        if _UNSPACED.search(cue):
            # Tokenised as texts are: "没有" is two words where every Han letter is one (rashomon.text).
            tokens = tuple(_tokens(cue))
        (single.add(tokens[0]) if len(tokens) == 1 else multi.append(tokens))
    return frozenset(single), tuple(multi)


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in CONTRACTED_WORD.findall(text)]


@cache
def _cue_prefixes(language: str) -> frozenset[str]:
    """Conjunctions and prepositions written joined to the next word (Arabic): a cue is also read without one."""
    return lang_defaults.language(language).words("cue-prefixes")


def _found_cues(tokens: list[str], language: str, name: str) -> list[str]:
    single, multi = _cues(language, name)
    found = []
    for token in tokens:
        if token in single:
            found.append(token)
        elif token.endswith("n't") and "n't" in single:
            found.append("n't")
        elif token[:1] in _cue_prefixes(language) and token[1:] in single:
            found.append(token[1:])
    for phrase in multi:
        n = len(phrase)
        if any(tuple(tokens[i : i + n]) == phrase for i in range(len(tokens) - n + 1)):
            found.append(" ".join(phrase))
    return found


def _parse_flags(doc: AnalysisDoc, start: int, end: int) -> tuple[bool, bool]:
    """(negated, conditional) from a spaCy parse of the span, when there is one."""
    parsed = doc.parsed
    if parsed is None or not hasattr(parsed, "char_span"):
        return False, False
    span = parsed.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False, False
    negated = any(token.dep_ == "neg" for token in span)
    conditional = any("Cnd" in token.morph.get("Mood") for token in span)
    return negated, conditional


def _is_question(text: str) -> bool:
    return text.rstrip().rstrip("\"'”»“」』").endswith(("?", "؟", "？"))


def _claim(
    doc: AnalysisDoc, start: int, end: int, quote: int | None, within: tuple[SpanIndex, SpanIndex, SpanIndex]
) -> Claim | None:
    # Trim surrounding quote marks and spaces so the span is the assertion itself.
    while start < end and doc.text[start] in " \n\"'“”«»„‚‘’「」『』":
        start += 1
    while end > start and doc.text[end - 1] in " \n\"'“”«»„‚‘’,「」『』，":
        end -= 1
    text = doc.text[start:end]
    tokens = _tokens(text)
    if len(tokens) < MIN_CLAIM_WORDS or _is_question(text):
        return None
    mention_ids, quantity_ids, date_ids = (items.within(start, end) for items in within)
    if not (mention_ids or quantity_ids or date_ids):
        return None
    negation_cues = _found_cues(tokens, doc.language, "negation.txt")
    hedges = _found_cues(tokens, doc.language, "hedges.txt")
    parsed_negation, conditional = _parse_flags(doc, start, end)
    if conditional and not hedges:
        hedges = ["conditional"]
    speaker = doc.quotes[quote].speaker if quote is not None else None
    return Claim(
        start=start,
        end=end,
        text=text,
        quote=quote,
        speaker=speaker,
        mention_ids=mention_ids,
        quantity_ids=quantity_ids,
        date_ids=date_ids,
        negated=bool(negation_cues) or parsed_negation,
        hedged=bool(hedges),
        hedges=hedges,
    )


def find_claims(doc: AnalysisDoc) -> None:
    """One claim per quote's content, and one per other sentence that names something."""
    claims: list[Claim] = []
    quoted_sentences: set[int] = set()
    within = (SpanIndex(doc.mentions), SpanIndex(doc.quantities), SpanIndex(doc.dates))
    reported_objects = lexicon(doc.language).objects
    for index, quote in enumerate(doc.quotes):
        claim = _claim(doc, quote.start, quote.end, index, within)
        if claim:
            claims.append(claim)
        if (quote.cue or "").lower() in reported_objects:
            # "the deal, which the Coalition denied being involved in, were kept unclear": the sentence says
            # more than the denial it holds, and stays the outlet's (its denial the quote's speaker's).
            continue
        # A sentence whose substance is a quote is that quote's claim, not the outlet's.
        first, last = doc.sentence_of(quote.start), doc.sentence_of(max(quote.start, quote.end - 1))
        quoted_sentences.update(range(first, last + 1) if first >= 0 else ())
    for index, (start, end) in enumerate(doc.sentences):
        if index in quoted_sentences:
            continue
        claim = _claim(doc, start, end, None, within)
        if claim:
            claims.append(claim)
    claims.sort(key=lambda c: (c.start, c.end))
    doc.claims = claims
