"""Sentence splitting for every language.

The backend proposes breaks (spaCy's sentences for en/fr/es, razdel's through
natasha for ru, a punctuation rule elsewhere); the same corrections then apply
to all of them: a paragraph break always ends a sentence, and a break is
withdrawn after a known abbreviation ("Oct. 15", "z.B.", "т.е."), an initial
("John F. Kennedy"), before a lower-case continuation ('"…," he said.'), or
before a piece with no letters or digits (a stray closing quote).
"""

from __future__ import annotations

import re
from functools import cache

from rashomon.analyze import backends
from rashomon.analyze.doc import AnalysisDoc
from rashomon.resources import data_lines

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LINE_BREAK = re.compile(r"\n\s*")
# A rule-based break: terminal punctuation, closing quotes or brackets, space.
# CJK full stops need no space after them. Each is tried only from the first mark of a run: from
# every mark of "!?!?!?…" it backtracked over the rest of the run (quadratic), and found nothing more.
_RULE_BREAK = re.compile(r"(?<![.!?…؟])[.!?…؟]+[\"'”»’)\]]*\s+(?=\S)|(?<![。！？])[。！？]+[”」』）]*\s*(?=\S)")
_INITIAL = re.compile(r"^\(?[A-ZÀ-ÖØ-ÞА-ЯЁ]\.$")
_OPENING = "\"'“„«‘‚(["
# Quote marks that only ever open a quotation (“ closes one in German).
_OPENING_ONLY = "«„‚"
_TERMINAL = ".!?…؟:;\"'”»’)"


@cache
def _abbreviations(language: str) -> tuple[frozenset[str], frozenset[str]]:
    """(never final, possibly final) abbreviations, lower-cased."""
    always: set[str] = set()
    ambiguous: set[str] = set()
    for line in data_lines(language, "abbreviations.txt"):
        (always if line.section == "always" else ambiguous).add(line.value.lower())
    return frozenset(always), frozenset(ambiguous)


# No abbreviation or initial is longer than this; a longer word before a break is read as a plain word.
_MAX_ABBREVIATION_CHARS = 64


def _last_word(text: str, start: int, end: int) -> str:
    """The last whitespace-separated word of ``text[start:end]``, opening quotes off, lower-cased.

    Read backwards from ``end`` instead of splitting the piece: when breaks keep being withdrawn the
    piece grows with every one ("a. a. a. …"), and splitting it each time was quadratic.
    """
    word_end = end
    while word_end > start and text[word_end - 1].isspace():
        word_end -= 1
    word_start = word_end
    while word_start > start and not text[word_start - 1].isspace():
        word_start -= 1
        if word_end - word_start > _MAX_ABBREVIATION_CHARS:
            return ""
    return text[word_start:word_end].lstrip(_OPENING).lower()


def _last_char(text: str, start: int, end: int) -> str:
    """The last non-space character of ``text[start:end]`` ("" if none)."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return text[end - 1] if end > start else ""


def _has_alnum(text: str, start: int, end: int) -> bool:
    return any(ch.isalnum() for ch in text[start:end])


def _first_char(piece: str) -> str:
    stripped = piece.lstrip().lstrip(_OPENING + "—–- ")
    return stripped[:1]


def _joins(language: str, text: str, start: int, cut: int, after: str, before_has_alnum: bool) -> bool:
    """Whether a proposed break at ``cut`` is wrong, between the piece ``text[start:cut]`` (which has a
    letter or digit when ``before_has_alnum``) and ``after``."""
    if not any(ch.isalnum() for ch in after):
        return True
    if not before_has_alnum:
        # A lone opening quote or bullet belongs to what follows.
        last_char = _last_char(text, start, cut)
        return not last_char or last_char not in _TERMINAL
    first = _first_char(after)
    if first.islower():
        return True
    always, ambiguous = _abbreviations(language)
    last = _last_word(text, start, cut)
    if last in always:
        return True
    if last in ambiguous and (first.isdigit() or first.islower()):
        return True
    if _INITIAL.match(last) and first.isupper():
        return True
    return False


def _before_opening_quote(text: str, cut: int) -> int:
    """Move a break left past opening quotes that spaCy leaves on the sentence before ("Paris. «")."""
    end = cut
    while end > 0 and text[end - 1].isspace():
        end -= 1
    if end > 0 and text[end - 1] in _OPENING_ONLY and (end == 1 or text[end - 2].isspace()):
        return end - 1
    return cut


def _backend_breaks(parsed, kind: str) -> list[int]:
    if kind == "spacy":
        return [sent.start_char for sent in parsed.sents]
    if kind == "natasha":
        return [sent.start for sent in parsed.doc.sents]
    return []


def _rule_breaks(text: str, start: int, end: int) -> list[int]:
    return [m.end() for m in _RULE_BREAK.finditer(text, start, end)]


def sentence_spans(text: str, language: str, parsed=None) -> list[tuple[int, int]]:
    """Sentences of ``text`` as ``(start, end)``, trimmed, covering every non-space character."""
    backend = backends.backend_for(language)
    parsed_end = backends.parsed_length(parsed) if parsed is not None else 0
    proposed = set(_backend_breaks(parsed, backend.kind)) if parsed is not None else set()
    proposed.update(_rule_breaks(text, parsed_end, len(text)))
    # A single line break ends a headline, a byline or a list item (none has a
    # full stop); only a lower-case continuation shows a wrapped line instead.
    line_breaks = {m.end() for m in _LINE_BREAK.finditer(text)}
    forced = {m.end() for m in _PARAGRAPH_BREAK.finditer(text)}
    cuts = sorted((proposed | line_breaks | forced | {0, len(text)}))
    kept = [0]
    # Whether the piece since the last kept break, text[kept[-1]:cut], has a letter or digit: kept up
    # to date piece by piece, since that piece grows with every withdrawn break.
    before_has_alnum = False
    for index in range(1, len(cuts) - 1):
        cut = cuts[index]
        before_has_alnum = before_has_alnum or _has_alnum(text, cuts[index - 1], cut)
        if cut not in forced:
            after = text[cut : cuts[index + 1]]
            if cut in line_breaks:
                if _first_char(after).islower() or not any(ch.isalnum() for ch in after):
                    continue
            elif _joins(language, text, kept[-1], cut, after, before_has_alnum):
                continue
        kept.append(cut)
        before_has_alnum = False
    kept.append(len(text))
    kept = [_before_opening_quote(text, cut) for cut in kept]
    spans = []
    for start, end in zip(kept, kept[1:]):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def split_sentences(doc: AnalysisDoc) -> None:
    """Parse ``doc`` with its language's backend (kept on ``doc.parsed``) and set ``doc.sentences``."""
    doc.parsed = backends.parse(doc.language, doc.text)
    doc.sentences = sentence_spans(doc.text, doc.language, doc.parsed)
