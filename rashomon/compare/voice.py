"""Voices: who holds the position a statement takes.

A statement speaks in the outlet's own voice unless the analysis found a speaker for it
(a quote, or a claim inside one): then the position is the speaker's, and the outlet
only reports it. Three refinements, all read from the analysis, never guessed:

* a spokesperson speaks for the body they speak for ("Colonel Ryan Dillon, spokesman
  for the US coalition" is the coalition's voice; the nouns and prepositions per
  language are in ``lang/data/<code>/voices.txt``);
* reported speech inside an outlet's own sentence ("the deal, which the Coalition
  denied being involved in, were kept unclear": a quote the analysis found within the
  claim) gives its words to its speaker: the denial is the Coalition's, the rest of the
  sentence the outlet's. Such a quote is not a statement of its own: the claim holds it;
* an entity the speaker phrase only modifies ("residents of Raqqa") is not the voice.

A voice is a canonical entity id when the speaker resolved to one, ``n:<name>`` (the
folded name, leading determiners dropped) when not, ``u:<statement>`` for a pronoun the
analysis found no antecedent for (someone unnamed, a voice of its own), or ``None`` for
the outlet. Within one story, ``n:`` names that end another ("coalition" and "us
coalition") are one voice, shown by the shorter name.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Sequence

from rashomon.analyze.quotes.speakers import lexicon
from rashomon.lang import defaults as lang_defaults
from rashomon.model import Article, Entity, Quote
from rashomon.resources import data_lines
from rashomon.text import fold

from . import align
from .align import NEGATING, Reported, Statement

# A body a spokesperson speaks for is named ("the US coalition", "SDF") or an institution of voices.txt [bodies]
# ("la coalition"); "a spokesman for the militants" is one person's voice. Longer phrases are a description.
MAX_BODY_WORDS = 6


@cache
def _voices_data(language: str) -> tuple[tuple[str, ...], frozenset[str], frozenset[str]]:
    """(spokesperson nouns, folded, longest first; prepositions before the body; nouns of bodies) of ``voices.txt``."""
    nouns, prepositions, bodies = [], set(), set()
    for line in data_lines(language, "voices.txt"):
        if line.section == "spokespeople":
            nouns.append(fold(line.value))
        elif line.section == "for":
            prepositions.add(fold(line.value))
        elif line.section == "bodies":
            bodies.add(fold(line.value))
    return tuple(sorted(set(nouns), key=len, reverse=True)), frozenset(prepositions), frozenset(bodies)


@cache
def _determiners(language: str) -> frozenset[str]:
    return frozenset(fold(w) for w in lang_defaults.language(language).words("determiners"))


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+(?:[-'’][^\W_]+)*", text)


def _shown(name: str | None) -> str:
    """A speaker phrase as a name: without the punctuation the phrase was cut with ("CDU)", "Agustín Rossi,")."""
    return (name or "").strip(" \t\n,;:.()[]\"'“”«»-—–")


def name_key(name: str, language: str) -> str:
    """``n:`` and the folded name without its leading determiners: "the Coalition" -> "n:coalition"."""
    words = [fold(w) for w in _words(name)]
    dets = _determiners(language)
    while len(words) > 1 and words[0] in dets:
        words = words[1:]
    return "n:" + " ".join(words)


def spoken_for(role: str | None, language: str) -> str | None:
    """The named body a spokesperson's role speaks for: "spokesman for the US coalition" -> "the US coalition",
    "SDF spokesman" -> "SDF"; None for any other role."""
    if not role:
        return None
    nouns, prepositions, bodies = _voices_data(language)
    folded = fold(role)
    for noun in nouns:
        m = re.search(r"(?<![^\W_])" + re.escape(noun) + r"(?![^\W_])", folded)
        if m is None:
            continue
        # fold() keeps lengths for the scripts we read; when it does not, the role's own text is unsafe to cut.
        if len(folded) != len(role):
            return None
        after = _words(role[m.end() :])
        before = _words(role[: m.start()])
        if after and fold(after[0]) in prepositions:
            body = role[m.end() :].strip(" ,")
            body = body[len(body.split(None, 1)[0]) :].strip() if body.split(None, 1) else ""
        elif after and not prepositions:
            body = role[m.end() :].strip(" ,")  # a genitive with no preposition: "представитель МИД"
        else:
            while before and fold(before[0]) in _determiners(language):
                before = before[1:]
            body = " ".join(before)
        named = any(ch.isupper() for ch in body) or bool({fold(w) for w in _words(body)} & bodies)
        if body and named and len(_words(body)) <= MAX_BODY_WORDS:
            return body
        return None
    return None


class _Voices:
    """Voices of one story's speakers, resolved against the story's entities."""

    def __init__(self, entities: Sequence[Entity]):
        self.names = {e.id: e.name for e in entities}
        self.pattern, self.owner = align._alias_pattern(entities)
        self.aliases = {e.id: {fold(x).strip() for x in (e.name, *e.aliases) if x.strip()} for e in entities}

    def only_modifies(self, entity_id: str, speaker: str | None, language: str) -> bool:
        """Whether the speaker phrase names the entity only as a modifier: "residents of Raqqa", "engineers working
        with the SDF", "Raqqa residents" are not Raqqa or the SDF speaking. A phrase that ends in its name after a
        noun ("SDF spokesman Mostafa Bali") or names it not at all ("the official", "he": the analysis resolved
        who) is the entity's."""
        if not speaker:
            return False
        folded = fold(speaker).strip()
        found = [a for a in self.aliases.get(entity_id, ()) if re.search(r"(?<!\w)" + re.escape(a) + r"(?!\w)", folded)]
        if not found:
            return False
        function_words = align.stopwords(language) | _determiners(language)
        for alias in found:
            if not folded.endswith(alias):
                continue
            before = [w for w in _words(folded[: len(folded) - len(alias)]) if w not in _determiners(language)]
            if not before or before[-1] not in function_words:
                return False
        return True

    def entity_named(self, text: str) -> str | None:
        """The story's entity an alias at the end of ``text`` names: "SDF", "the Coalition"; not the US in "the US
        coalition", where the alias only describes the body."""
        if self.pattern is None:
            return None
        folded = fold(text).strip()
        found = [m.group(1) for m in self.pattern.finditer(folded) if m.end() == len(folded)]
        return self.owner.get(max(found, key=len)) if found else None

    def of(self, entity_id: str | None, speaker: str | None, role: str | None, language: str) -> tuple[str, str] | None:
        """(voice, display name) of a speaker as the analysis found it; None when it found none."""
        body = spoken_for(role, language) or spoken_for(speaker, language)
        if body:
            found = self.entity_named(body)
            return (found, self.names[found]) if found else (name_key(body, language), _shown(body))
        if entity_id and not self.only_modifies(entity_id, speaker, language):
            return entity_id, self.names.get(entity_id) or speaker or entity_id
        shown = _shown(speaker)
        if not shown:
            return None
        found = self.entity_named(shown)  # "El ministro de Defensa, Agustín Rossi" names Rossi last
        if found and not self.only_modifies(found, shown, language):
            return found, self.names[found]
        if fold(shown) in lexicon(language).pronouns:
            # "il a déclaré" with no antecedent found: someone unnamed, not one voice across the story.
            return "u:", f"someone unnamed ({shown})"
        return name_key(shown, language), shown


def _index(statement_id: str) -> int | None:
    try:
        return int(statement_id.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return None


def _quote_voice(voices: _Voices, q: Quote, language: str) -> tuple[str, str] | None:
    return voices.of(q.speaker_entity_id, q.speaker, q.role, language)


def assign(items: list[Statement], articles: Sequence[Article], entities: Sequence[Entity]) -> list[Statement]:
    """Set every statement's voice (and the voices reported inside outlet statements); drop the quotes a claim
    holds. Returns the statements kept, in their order."""
    # Only the story's own entities: the corpus's thousands would make one huge alias pattern per story.
    named = {m.entity_id for a in articles for m in a.mentions if m.entity_id}
    named |= {q.speaker_entity_id for a in articles for q in a.quotes if q.speaker_entity_id}
    voices = _Voices([e for e in entities if e.id in named])
    by_id = {a.id: a for a in articles}
    held: set[str] = set()  # q-ids of quotes reported inside a claim
    for st in items:
        article = by_id.get(st.article_id)
        n = _index(st.id)
        if article is None or st.kind == "headline" or n is None:
            st.voice, st.voice_name = None, st.source
            continue
        language = st.language
        found: tuple[str, str] | None = None
        quote: Quote | None = None
        if st.kind == "quote" and n < len(article.quotes):
            quote = article.quotes[n]
            found = _quote_voice(voices, quote, language)
        elif st.kind == "claim" and n < len(article.claims):
            c = article.claims[n]
            if c.quote is not None and 0 <= c.quote < len(article.quotes):
                quote = article.quotes[c.quote]
                found = _quote_voice(voices, quote, language)
            if found is None and (c.attributed_to or c.speaker):
                found = voices.of(c.attributed_to, c.speaker, None, language)
            if found is None and st.start is not None and st.end is not None:
                st.reported = _reported_within(st, article, c.quote, voices, held)
        if found and found[0] == "u:":
            found = (f"u:{st.id}", found[1])  # each unnamed speaker a voice of their own
        st.voice, st.voice_name = found if found else (None, st.source)
        if quote is not None and _denies(quote.cue, language):
            _deny_all(st, quote.cue or "")
    _unify(items)
    return [st for st in items if st.id not in held]


def _denies(cue: str | None, language: str) -> bool:
    """Whether a quote's cue is a denial ("denied", "a démenti"): its content is what the speaker denies."""
    if not cue:
        return False
    return tuple(fold(t) for t in align.tokens(cue, language)) in align._cues(language, "denials.txt")


def _deny_all(st: Statement, cue: str) -> None:
    """A denial's reported content ("X denied that the deal was US-backed": "the deal was US-backed") is denied by
    its speaker, not asserted: every content word falls under one denial scope, before the statement's own."""
    if any(sc.kind == "denial" and sc.at == 0 for sc in st.scopes):
        return
    ordered = sorted(st.positions, key=lambda s: min(st.positions[s]))
    st.scopes = (align.Scope("denial", cue, tuple(ordered), 0), *st.scopes)


def _reported_within(
    st: Statement, article: Article, own_quote: int | None, voices: _Voices, held: set[str]
) -> tuple[Reported, ...]:
    """The quotes inside an outlet's claim, as token ranges (from the speaker to the quote's end) and voices."""
    assert st.start is not None and st.end is not None
    out = []
    for k, q in enumerate(article.quotes):
        if k == own_quote or q.start < st.start or q.end > st.end:
            continue
        found = _quote_voice(voices, q, st.language)
        if found is None:
            continue
        if found[0] == "u:":
            found = (f"u:{article.id}-{k}", found[1])
        begin = q.speaker_start if q.speaker_start is not None and q.speaker_start >= st.start else q.start
        first = len(align.tokens(st.text[: begin - st.start], st.language))
        last = len(align.tokens(st.text[: q.end - st.start], st.language))
        out.append(Reported(first, last, found[0], found[1]))
        held.add(f"q-{article.id}-{k}")
    return tuple(out)


def _unify(items: Sequence[Statement]) -> None:
    """One voice for names of one speaker within the story: a name that ends another is that voice."""
    keys = {v for st in items for v in [st.voice, *(r.voice for r in st.reported)] if v and v.startswith("n:")}
    canonical: dict[str, str] = {}
    for key in keys:
        words = key[2:].split()
        shorter = [
            k
            for k in keys
            if k != key and len(k[2:].split()) < len(words) and words[-len(k[2:].split()) :] == k[2:].split()
        ]
        if shorter:
            canonical[key] = min(shorter, key=len)
    if not canonical:
        return
    shown: dict[str, str] = {}
    for st in items:
        for v, name in [(st.voice, st.voice_name), *((r.voice, r.name) for r in st.reported)]:
            if v in keys and v not in canonical:
                shown.setdefault(v, name)

    def fix(v: str | None, name: str) -> tuple[str | None, str]:
        if v in canonical:
            target = canonical[v]
            return target, shown.get(target, name)
        return v, name

    for st in items:
        st.voice, st.voice_name = fix(st.voice, st.voice_name)
        st.reported = tuple(
            Reported(r.first, r.last, canonical.get(r.voice, r.voice), fix(r.voice, r.name)[1]) for r in st.reported
        )


# ------------------------------------------------------------------ positions


def position(st: Statement, anchors: set[str]) -> tuple[str, str | None, str]:
    """(stance, voice, voice name) of a statement on a point (its anchors): asserts, denies or hedges, and whose.

    The stance is the statement's on the point's words: a negation or denial over them denies, a discussing or
    hedging cue over them hedges; its voice is the statement's, or the reported speaker's whose words the
    deciding cue (or, for an assertion, the point's first word) sits in.
    """
    words = {a for a in anchors if not a.startswith("e:")}
    negating = [sc for sc in st.scopes if sc.kind in NEGATING]
    for sc in negating:
        if words & align.expand(set(sc.stems), st.language):
            return ("denies", *st.voice_at(sc.at))
    holding = [sc for sc in st.scopes if sc.kind in ("discuss", "hedge")]
    for sc in holding:
        if words & align.expand(set(sc.focus()), st.language):
            return ("hedges", *st.voice_at(sc.at))
    if st.hedged and not words & st.content:
        return ("hedges", *st.voice_at(holding[0].at if holding else None))
    if negating and not words:
        return ("denies", *st.voice_at(negating[0].at))
    return ("asserts", *st.voice_at(st.first(align.expand(words, st.language) & st.content)))


# ------------------------------------------------------------------ cells

# A cell shows one state: what the source itself holds first (a denial, then an assertion, then a hedge: the
# firmest position it takes), then what it reports others holding in the same order.
STANCE_ORDER = ("denies", "asserts", "hedges")
GERUND = {"asserts": "asserting", "denies": "denying", "hedges": "hedging"}


def rank(stance: str, own: bool) -> int:
    order = STANCE_ORDER.index(stance) if stance in STANCE_ORDER else len(STANCE_ORDER)
    return order + (0 if own else len(STANCE_ORDER) + 1)


def state_label(stance: str, own: bool, voice_name: str | None) -> str:
    """ "denies" for the source's own position, "reports the Coalition denying" for one it reports."""
    if own:
        return stance
    return f"reports {voice_name or 'a speaker'} {GERUND.get(stance, stance)}"


__all__ = ["assign", "position", "rank", "state_label", "name_key", "spoken_for", "STANCE_ORDER"]
