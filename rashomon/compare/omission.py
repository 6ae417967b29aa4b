"""What only one source reports, ranked by how much a reader should see it.

An omission (by the other sources) is a claim, quote or headline whose content
no other source of the story covers, and that holds a checkable fact of its own:

* a number with what it counts ("275 Syrian ISIS fighters") that no other
  source gives for the same counted thing (same language: a shared word of what
  is counted; across languages: a number in a very similar statement, or a
  number counting what the encoder finds the same thing: "civilians" / "civils");
  numbers that count nothing never qualify (``counted``: "Big 12", "mit 2
  Bildern", "the two");
* or a named entity no other source names anywhere in the story, outside the
  headline and lead (which tell the main event), in an attributed statement or one of at least ``MIN_OWN_WORDS`` salient words, when
  most of what the statement names and says (``OWN_SHARE`` of its salient words
  and entities) is nowhere in the other sources: words alone are no omission
  (another source may tell the same in other words).

Covered means another source has a statement that says much the same: one of
the story's relations touches it (agree, contradict, discuss), it shares half
its salient words with one statement of another source (same language), or the
encoder finds them close (``COVERED_COS`` in one language, the cross-lingual
threshold across; ``LEAD_COVERED_COS`` between two headlines or leads, which tell
the main event each in its own words). A number is covered by the same number
(of at least ``MIN_TELLING_VALUE``) anywhere in another source.

Salience is the omission's ``Relation.confidence`` (the presentation sorts on
it): 0.5, plus the headline (0.3) or the lead (0.15, the first fifth of the
article), an attribution (0.1), a counted number (0.15), an entity of its own
(0.05 each, up to 0.1); capped at 0.95. Its reasons say which parts it got
("headline", "lead", "attributed", "number", "entity"). Only omissions of at
least ``MIN_SALIENCE`` are kept, at most ``MAX_PER_ARTICLE`` per article, the
most salient first: a long article says many things a short one does not, and
the reader needs the few that matter.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

from .align import CROSS_LINGUAL_COS, Statement, Vocabulary, expand, same_counted

COVERED_COS = 0.6
LEAD_COVERED_COS = 0.5
# A number this large is rarely the same by chance: met anywhere in another source, it is covered.
MIN_TELLING_VALUE = 10
COVERED_SHARE = 0.5
MIN_OWN_WORDS = 3
OWN_SHARE = 0.5
LEAD = 0.2
MIN_SALIENCE = 0.65
MAX_PER_ARTICLE = 5
SAME_TEXT_COS = 0.95


@dataclass
class Omission:
    statement: Statement
    salience: float
    reasons: list[str]


def _same_value(q, o) -> bool:
    (la, ha, _, _), (lb, hb, _, _) = q, o
    return None not in (la, ha, lb, hb) and la <= hb and lb <= ha


def _counted_elsewhere(st: Statement, counted: list, others: Sequence[Statement], vocab: Vocabulary) -> bool:
    for other in others:
        if not other.quantities:
            continue
        # The same number of some size counts the same thing, whatever the words: "20,000 deaths" /
        # "fast 20.000 Todesopfern", "drei Personen" / "drei Menschen" in a very similar statement.
        if any(_same_value(q, o) and (q[0] or 0) >= MIN_TELLING_VALUE for q in counted for o in other.quantities):
            return True
        if other.language == st.language:
            if any(q[2] & o[2] for q in counted for o in other.quantities):
                return True
        elif (
            st.vector is not None and other.vector is not None and float(st.vector @ other.vector) >= CROSS_LINGUAL_COS
        ):
            return True
        elif any(same_counted(a, b, vocab.counted_vectors) for a in st.counted for b in other.counted):
            return True
    return False


def _leading(st: Statement) -> bool:
    return st.kind == "headline" or st.position < LEAD


def _covered(st: Statement, salient: set[str], others: Sequence[Statement]) -> bool:
    for other in others:
        if st.vector is not None and other.vector is not None:
            cos = float(st.vector @ other.vector)
            if cos >= (COVERED_COS if other.language == st.language else CROSS_LINGUAL_COS):
                return True
            # Headlines and leads tell the story's main event, each source in its own words.
            if _leading(st) and _leading(other) and cos >= LEAD_COVERED_COS:
                return True
        if other.language == st.language and salient:
            met = salient & expand(set(other.content), other.language)
            if len(met) >= 2 and len(met) >= COVERED_SHARE * len(salient):
                return True
    return False


def omissions(items: Sequence[Statement], vocab: Vocabulary, related: set[str]) -> list[Omission]:
    """Omissions of the story, most salient first within each article; ``related``: statements in a relation."""
    sources = {st.source for st in items}
    if len(sources) < 2:
        return []
    entities_of: dict[str, set[str]] = defaultdict(set)
    stems_of: dict[tuple[str, str], set[str]] = defaultdict(set)  # (source, language) -> stems it uses
    for st in items:
        entities_of[st.source] |= st.entities | ({st.speaker} if st.speaker else set())
        stems_of[st.source, st.language] |= expand(set(st.content), st.language)
    by_article: dict[str, list[Omission]] = defaultdict(list)
    for st in items:
        if st.hedged or st.id in related:
            continue
        others = [o for o in items if o.source != st.source]
        named_elsewhere = set().union(*(entities_of[s] for s in sources if s != st.source))
        said_elsewhere = set().union(*(stems_of[s, st.language] for s in sources if s != st.source))
        own_entities = {e for e in st.entities if e not in named_elsewhere}
        salient = {s for s in st.content if vocab.salient_stem(s)}
        counted = [q for q in st.quantities if q[2]]
        own_number = bool(counted) and not _counted_elsewhere(st, counted, others, vocab)
        attributed = st.speaker is not None or st.kind == "quote"
        # Without a number of its own, the statement's own name must come with words of its own: most of
        # what it says is nowhere else in the story ("Daesh" and "ISIS" may be two entities for one group).
        own_words = salient - said_elsewhere
        units = len(salient) + len(st.entities)
        own_units = len(own_words) + len(own_entities)
        if not own_number and not (
            own_entities
            and not _leading(st)
            and (len(salient) >= MIN_OWN_WORDS or attributed)
            and own_units >= max(2, OWN_SHARE * units)
        ):
            # A headline or lead without a number of its own tells the main event, which the other sources
            # tell in words the comparison cannot match (or is page furniture: "(MENAFN - Saudi Press Agency)").
            continue
        if _covered(st, salient, others):
            continue
        reasons = ["single-source"]
        salience = 0.5
        if st.kind == "headline":
            salience += 0.3
            reasons.append("headline")
        elif _leading(st):
            salience += 0.15
            reasons.append("lead")
        if attributed:
            salience += 0.1
            reasons.append("attributed")
        if own_number:
            salience += 0.15
            reasons.append("number")
        if own_entities:
            salience += 0.05 * min(len(own_entities), 2)
            reasons.append("entity")
        salience = round(min(salience, 0.95), 2)
        if salience >= MIN_SALIENCE:
            by_article[st.article_id].append(Omission(st, salience, reasons))
    found = []
    for article_omissions in by_article.values():
        article_omissions.sort(key=lambda o: -o.salience)
        kept: list[Omission] = []
        for o in article_omissions:
            # An article that says one thing twice (a translation's doubled sentence) omits it once.
            if not any(_same_text(o.statement, k.statement) for k in kept):
                kept.append(o)
        found += kept[:MAX_PER_ARTICLE]
    return found


def _same_text(a: Statement, b: Statement) -> bool:
    return a.vector is not None and b.vector is not None and float(a.vector @ b.vector) >= SAME_TEXT_COS
