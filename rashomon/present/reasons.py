"""Why the comparison relates two statements, in plain words: one sentence per relation.

The comparison's reasons are machine words (``negation-mismatch``, ``same-speaker``): a stable API the export
keeps. People read a sentence built from the relation itself, its statements, who published them and whom they
quote: "Asharq Al-Awsat quotes Omar Alloush saying “no foreigners had left Raqqa in the convoy”; presstv.ir quotes
Omar Alloush saying “a deal had been reached to allow the militants, including both Syrian and foreign-born …”".
Each statement is named by its voice (:func:`voice`): the outlet when it speaks in its own words, or the outlet
and the speaker it quotes or reports. Statements keep the words they were written in, whatever their language.

The terminal, the HTML report, the web app and the spreadsheet exports all call :func:`explain` and
:func:`is_uncertain`, so a reader sees the same sentence, and the same doubt, everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ..model import Article, Entity, Proposition, Relation
from .languages import language_name

# A relation whose confidence is below this is shown as "uncertain". The comparison's confidences are rule scores,
# not calibrated probabilities: a rule call starts at 0.5 and gains 0.1 per piece of evidence that aligns the two
# statements beyond the one that paired them (a shared entity, number or salient word). Below 0.6 a call rests on
# that pairing alone (or the stance model pulled it down), so it is a lead to check, not a finding. To recalibrate
# once a statement-pair gold set measures precision by confidence, change this one number.
UNCERTAIN_BELOW = 0.6
UNCERTAIN = "uncertain"

# Longest quotation of a statement inside a sentence; longer ones are cut at a word with "…".
QUOTE_CHARS = 110

# What a contradiction rests on, when the two quotations do not show it by themselves. Reason codes not listed
# here (newer rules) are said as their words ("date-mismatch" -> "date mismatch").
CLASH_WORDS = {
    "denial": "one denies what the other states",
    "negation-mismatch": "one negates what the other says",
    "quantity-mismatch": "different numbers for the same thing",
    "antonym": "opposite words",
}
# Reasons that say how the pair was found, not why it clashes: never the "why" of a contradiction.
SUPPORT_REASONS = frozenset(
    {"same-speaker", "different-speaker", "cross-lingual", "stance-model", "shared-point", "same-quantity"}
)


@dataclass(frozen=True)
class Said:
    """One statement as a sentence names it: who published it, whom it quotes or reports, and its words."""

    id: str
    article_id: str
    source: str  # the outlet (model.Article.outlet)
    text: str
    speaker: str | None = None  # the quoted or reported speaker (canonical name when resolved); None: the outlet
    direct: bool = False  # in quotation marks
    headline: bool = False
    language: str | None = None


def statements(articles: Iterable[Article], entities: Iterable[Entity] | Mapping[str, str] = ()) -> dict[str, Said]:
    """Every statement id a comparison can name (``h-``, ``q-``, ``c-``) -> :class:`Said`.

    A speaker is named by its canonical entity when resolved ("the official" in one article is Omar Alloush in
    the story), so a quote drift reads as one person saying two things.
    """
    names = dict(entities) if isinstance(entities, Mapping) else {e.id: e.name for e in entities}
    out: dict[str, Said] = {}
    for a in articles:
        source, lang = a.outlet, a.language
        if a.title:
            out[f"h-{a.id}"] = Said(f"h-{a.id}", a.id, source, a.title, headline=True, language=lang)
        for n, q in enumerate(a.quotes):
            speaker = names.get(q.speaker_entity_id or "") or q.speaker
            out[f"q-{a.id}-{n}"] = Said(f"q-{a.id}-{n}", a.id, source, q.text, speaker, q.direct, language=lang)
        for n, c in enumerate(a.claims):
            speaker = names.get(c.attributed_to or "") or c.speaker
            quote = a.quotes[c.quote] if c.quote is not None and 0 <= c.quote < len(a.quotes) else None
            direct = bool(quote and quote.direct)
            out[f"c-{a.id}-{n}"] = Said(f"c-{a.id}-{n}", a.id, source, c.text, speaker, direct, language=lang)
    return out


def clean_text(value: str | None) -> str:
    """One line: control characters and runs of whitespace become single spaces."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in (value or "")).split())


def shorten(text: str | None, limit: int = QUOTE_CHARS) -> str:
    """``text`` on one line, without its own quotation marks, cut at a word boundary to at most ``limit`` chars."""
    line = clean_text(text).strip(" \"'“”„«»‘’‚‹›「」『』")
    if len(line) <= limit:
        return line
    cut = line[: limit - 2]
    space = cut.rfind(" ")
    if space > limit // 2:  # a language written with spaces: cut between words
        return cut[:space].rstrip(" ,;:") + " …"
    return cut + "…"


def quoted(s: Said, languages: bool = False) -> str:
    """The statement's words in quotation marks, as written; with its language's name when ``languages``."""
    text = f"“{shorten(s.text)}”"
    return f"{text} ({language_name(s.language)})" if languages and s.language else text


def voice(s: Said, stance: str | None = None) -> str:
    """Who holds the statement, as the start of a sentence: "Asharq Al-Awsat quotes Omar Alloush saying".

    A hedge (``stance`` "hedges": the statement's stance in its proposition) is said as such; a denial shows in
    the quoted words themselves, so it is not said twice.
    """
    hedges = stance == "hedges"
    if s.headline:
        return f"{s.source} headlines" + (", hedging:" if hedges else "")
    if s.speaker:
        verb = "quotes" if s.direct else "reports"
        return f"{s.source} {verb} {s.speaker}" + (", hedging:" if hedges else " saying")
    return f"{s.source} hedges:" if hedges else f"{s.source} says"


def _in_voice(s: Said, relation: Relation, index: int) -> Said:
    """``s`` with the relation's voice of it as its speaker, when the comparison found one other than the outlet
    (compare/voice.py: a spokesperson's body, reported speech inside an outlet's sentence); relations stored before
    voices existed keep the analysis's speaker."""
    if index < len(relation.voices) and index < len(relation.voice_names):
        voice_id, name = relation.voices[index], relation.voice_names[index]
        if voice_id is not None and name and name != s.source:
            return replace(s, speaker=name)
    return s


def _clash(relation: Relation) -> str:
    for code in relation.reasons or [relation.reason]:
        if code not in SUPPORT_REASONS:
            return CLASH_WORDS.get(code, code.replace("-", " "))
    return ""


def explain(relation: Relation, said: Mapping[str, Said], stances: Mapping[str, str] | None = None) -> str:
    """The relation in one plain sentence (see the module docstring); never empty.

    ``stances``: statement id -> its stance (asserts, denies, hedges) in the relation's proposition.
    """
    items = [_in_voice(said[c], relation, n) for n, c in enumerate(relation.claim_ids) if c in said]
    stances = stances or {}
    languages = len({s.language for s in items if s.language}) > 1
    if relation.type == "omission" and items:
        s = items[0]
        if s.speaker:
            how = "quoting" if s.direct else "citing"
            return f"Only {s.source} reports this, {how} {s.speaker}: {quoted(s)}"
        return f"Only {s.source} reports: {quoted(s)}"
    if len(items) < 2:
        return f"{relation.type.replace('_', ' ')}: {', '.join(relation.claim_ids)}"
    a, b = items[0], items[1]
    if relation.type == "discuss" and stances.get(a.id) == "hedges" and stances.get(b.id) != "hedges":
        a, b = b, a  # the side that states it first, then the one that hedges
    first = f"{voice(a, stances.get(a.id))} {quoted(a, languages)}"
    if relation.type == "quote_drift" and a.source == b.source and a.speaker and a.speaker == b.speaker:
        return f"{first}, and elsewhere {quoted(b, languages)}"
    both = f"{first}; {voice(b, stances.get(b.id))} {quoted(b, languages)}"
    if relation.type == "agree":
        return f"Both say it: {both}"
    if relation.type == "discuss" and "hedges" not in (stances.get(a.id), stances.get(b.id)):
        return f"{both} (one reports it without taking a side)"
    if relation.type in ("contradict", "quote_drift"):
        clash = _clash(relation)
        return f"{both} ({clash})" if clash else both
    return both


def is_uncertain(relation: Relation) -> bool:
    # An omission's confidence is its salience (compare/omission.py: how much a reader should see it), not how sure
    # the call is: a minor single-source detail is not an uncertain one.
    return relation.type != "omission" and relation.confidence < UNCERTAIN_BELOW


def certainty(relation: Relation) -> str:
    """``"uncertain"`` for a call below :data:`UNCERTAIN_BELOW`, else ``""``."""
    return UNCERTAIN if is_uncertain(relation) else ""


def explanations(
    relations: Sequence[Relation], articles: Iterable[Article], entities, propositions: Iterable[Proposition] = ()
) -> dict[str, str]:
    """Relation id -> its plain sentence, for a story's (or a corpus's) relations."""
    said = statements(articles, entities)
    stances = {p.id: dict(zip(p.claim_ids, p.stances)) for p in propositions}
    return {r.id: explain(r, said, stances.get(r.proposition_id or "")) for r in relations}
