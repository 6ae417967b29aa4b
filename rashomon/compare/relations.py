"""The relation of two aligned statements: agree, contradict, discuss, or none.

Precision first: a contradiction needs a conflict on a word both statements
share (one negates or denies what the other asserts, opposite words from
``antonyms.txt``, two different numbers for the same counted thing) *and*
alignment beyond that word (other shared words or entities, the same
speaker, or a high cosine). Anything weaker is left out rather than shown:
a reader who finds one absurd contradiction stops trusting the rest.

Beyond negation words (``events``): two days for the same event
(``date-mismatch``), opposite states of the same thing (``antonym``), one direct
quote given to two speakers (``attribution-mismatch``).

Reason codes (machine-readable, the first is the main one):
``negation-mismatch``, ``denial``, ``quantity-mismatch``, ``antonym``, ``date-mismatch``, ``attribution-mismatch``,
``hedge`` (one side reports without taking a side), ``shared-point`` (agree),
``same-quantity``, ``same-speaker`` / ``different-speaker``,
``cross-lingual``, ``stance-model``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .align import (
    CROSS_LINGUAL_COS,
    NEGATING,
    PRIVATIVE,
    Candidate,
    Statement,
    Vocabulary,
    expand,
    has_stopwords,
    same_counted,
)
from .events import EventConflict, attribution_conflict, day_conflict, state_conflict

AGREE_COS = 0.5
# Two numbers closer than this (relative) are rounding, a later update or a market moving, not a
# contradiction worth a reader's attention.
MIN_QUANTITY_GAP = 0.1
# Numbers of two statements only contradict when the statements are about the same moment and
# event: above this cosine (cumulative totals and daily counts, forecasts and results sit below it).
QUANTITY_COS = 0.5
# Short sentences of one story reach 0.5 by topic alone; only above this does a cosine count as alignment.
SUPPORT_COS = 0.65
CROSS_AGREE_COS = 0.75
# Across languages no word is shared: a negation bears on the shared point only when the negated clause
# itself ("has not tested a long-range missile") is this close to the other statement.
NEGATED_CLAUSE_COS = 0.5


def _negation_on_the_point(x: Statement, y: Statement) -> bool:
    """Across languages: whether one of x's negated clauses says what y asserts (y itself negating nothing)."""
    if y.negates or y.vector is None:
        return False
    return any(
        sc.kind in NEGATING and sc.vector is not None and float(sc.vector @ y.vector) >= NEGATED_CLAUSE_COS
        for sc in x.scopes
    )


@dataclass
class Judgement:
    type: str  # agree | contradict | discuss
    confidence: float
    reasons: list[str]
    anchors: set[str]
    candidate: Candidate
    model: dict[str, float] | None = None  # the stance model's probabilities, when it weighed this judgement


def _ranges_overlap(qa, qb, gap: float = 0.0) -> bool:
    """Whether two numbers (or ranges) can be the same, allowing for "about" and a relative ``gap``."""
    (la, ha, _, xa), (lb, hb, _, xb) = qa, qb
    if None in (la, ha, lb, hb):
        return True  # an open range cannot be shown to differ
    slack = (0.1 if (xa or xb) else 0.0) + gap
    return la * (1 - slack) <= hb * (1 + slack) and lb * (1 - slack) <= ha * (1 + slack)


def _same_counted_words(a: frozenset[str], b: frozenset[str]) -> bool:
    """ "fighters" counts what "Syrian ISIS fighters" counts; "Syrian fighters" and "foreign fighters" differ."""
    if not a or not b:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return short <= long


def _quantity_conflict(c: Candidate, vocab: Vocabulary) -> tuple[bool, bool, set[str]]:
    """(mismatch, match, counted stems) over numbers that count the same thing.

    A number that meets its like on the other side is matched, whatever else is there: "five soldiers
    were killed and twelve wounded" does not contradict "twelve soldiers were wounded"."""
    anchors: set[str] = set()
    counted_a = c.a.counted or ("",) * len(c.a.quantities)
    counted_b = c.b.counted or ("",) * len(c.b.quantities)
    # (index in a, index in b, "match" | "mismatch" | "unclear", what the two count)
    verdicts: list[tuple[int, int, str, frozenset[str]]] = []
    for i, (qa, ca) in enumerate(zip(c.a.quantities, counted_a)):
        for k, (qb, cb) in enumerate(zip(c.b.quantities, counted_b)):
            if c.same_language:
                shared = set(qa[2] & qb[2]) if _same_counted_words(qa[2], qb[2]) else set()
            elif same_counted(ca, cb, vocab.counted_vectors) and c.cosine >= CROSS_LINGUAL_COS:
                # Across languages the counted words differ: their meanings meet in the encoder.
                shared = {f"#{ca}"}
            else:
                # No counted phrase: one number each in very similar statements.
                shared = (
                    {"#"} if len(c.a.quantities) == len(c.b.quantities) == 1 and c.cosine >= CROSS_AGREE_COS else set()
                )
            if not shared:
                continue
            anchors |= shared
            # Between the same number and a clear gap lies rounding or an update: neither.
            if _ranges_overlap(qa, qb):
                verdicts.append((i, k, "match", frozenset(shared)))
            elif not _ranges_overlap(qa, qb, MIN_QUANTITY_GAP):
                verdicts.append((i, k, "mismatch", frozenset(shared)))
            else:
                verdicts.append((i, k, "unclear", frozenset(shared)))
    matched_a = {i for i, _, v, _ in verdicts if v == "match"}
    matched_b = {k for _, k, v, _ in verdicts if v == "match"}
    # A counted thing one pair of numbers already matches on is a list of like figures (rates per country: "Romania
    # 15.3 %, Luxembourg 13.5 %, ..."), cut or garbled differently on each side: its other figures are other items of
    # the list, not conflicting counts. "Five killed, twelve wounded" against "seven killed" still conflicts.
    listed = {x for _, _, v, shared in verdicts if v == "match" for x in shared}
    # A bare number equal to one on the other side is likely the same count ("twelve were wounded").
    matched_a |= {
        i for i, qa in enumerate(c.a.quantities) if any(not qb[2] and _ranges_overlap(qa, qb) for qb in c.b.quantities)
    }
    matched_b |= {
        k for k, qb in enumerate(c.b.quantities) if any(not qa[2] and _ranges_overlap(qa, qb) for qa in c.a.quantities)
    }
    mismatch = any(
        v == "mismatch" and i not in matched_a and k not in matched_b and not shared & listed
        for i, k, v, shared in verdicts
    )
    unclear = any(v == "unclear" for _, _, v, _ in verdicts)
    # Close but different numbers for one thing (1,529 and 1,553 dollars) are no agreement either.
    return mismatch, bool(matched_a) and not unclear, anchors


def _same_time(a: Statement, b: Statement) -> bool:
    """False when both statements are dated differently: Thursday's rate is not Friday's, and a
    sentence that spans 2019 and a 2030 forecast is not about 2019 alone."""
    return not (a.dates and b.dates) or a.dates == b.dates


@dataclass
class Conflict:
    reason: str
    x: Statement  # the side that negates, denies or discusses
    y: Statement  # the side that asserts
    at: int  # the cue's token index in x
    hits: set[str]  # the words of the point, in x's focus and met in y
    met: int = 1  # how many of x's focus words y meets
    kind: str = "negation"  # the cue's scope kind
    first_met: bool = True  # whether y meets the first word after the cue (what a negated verb is)


def _scoped_conflicts(x: Statement, y: Statement, vocab: Vocabulary, kinds: tuple[str, ...]) -> list[Conflict]:
    """Where ``x`` negates, denies (or, for discuss/hedge, only reports) a word ``y`` asserts."""
    found = []
    y_content = set(y.content)
    # What y holds under its own negation, or only reports or hedges, y does not assert.
    # A privative word ("suspension of tests") holds what it governs as not happening either.
    y_not_asserted = expand(
        y.negated_stems() | y.scoped("discuss") | y.scoped("hedge") | y.scoped(PRIVATIVE), y.language
    )
    for scope in x.scopes:
        if scope.kind not in kinds:
            continue
        hits, count, first_met = set(), 0, False
        for n, st in enumerate(scope.focus()):
            met = {t for t in expand({st}, x.language) if t in y_content and t not in y_not_asserted}
            if met and vocab.salient_stem(st):
                hits |= met | {st}
                count += 1
                first_met = first_met or n == 0
        if hits:
            reason = {"denial": "denial", "negation": "negation-mismatch", "negation-det": "negation-mismatch"}.get(
                scope.kind, "hedge"
            )
            found.append(Conflict(reason, x, y, scope.at, hits, count, scope.kind, first_met))
    return found


def _support(c: Candidate, conflict: Conflict | None, exclude: set[str]) -> int:
    """How much aligns the pair besides the conflicting words: nearby shared words, entities, the speaker."""
    stems: frozenset[str] | set[str] = c.shared_stems - exclude
    if conflict is not None:
        y_at = conflict.y.first(conflict.hits)
        stems = {s for s in stems if conflict.x.near(s, conflict.at) and (y_at is None or conflict.y.near(s, y_at))}
    return len(stems) + len(c.shared_entities) + (2 if c.same_speaker else 0) + (1 if c.cosine >= SUPPORT_COS else 0)


def _speaker_reason(c: Candidate) -> list[str]:
    if c.same_speaker:
        return ["same-speaker"]
    if c.a.speaker and c.b.speaker:
        return ["different-speaker"]
    return []


def _event_judgement(event: EventConflict, c: Candidate, reasons: list[str]) -> Judgement:
    return Judgement("contradict", event.confidence, reasons, set(event.anchors), c)


def judge(c: Candidate, vocab: Vocabulary) -> Judgement | None:
    """The relation the rules can stand behind, or None."""
    a, b = c.a, c.b
    speaker = _speaker_reason(c)
    q_mismatch, q_match, q_anchors = _quantity_conflict(c, vocab)

    if not c.same_language:
        # With a calibration shipped, whether the two state the same point is its call (per language pair).
        calibrated = c.probability is not None
        if not (c.aligned if calibrated else c.cosine >= CROSS_AGREE_COS - 0.15 and (c.shared_entities or q_anchors)):
            return None
        close = c.aligned if calibrated else c.cosine >= CROSS_AGREE_COS
        # Numbers differ for many reasons (dates, cumulative counts): a contradiction also needs
        # the same actor or place, or the same speaker.
        if q_mismatch and (c.shared_entities or c.same_speaker) and not (a.hedged or b.hedged) and _same_time(a, b):
            return Judgement("contradict", 0.6, ["quantity-mismatch", "cross-lingual", *speaker], q_anchors, c)
        for event in (day_conflict(c, vocab, bool(q_anchors) and not q_match), attribution_conflict(c, vocab)):
            if event is not None:
                return _event_judgement(event, c, [event.reason, "cross-lingual", *speaker])
        a_neg, b_neg = a.negates, b.negates
        # A negation somewhere in one of two related sentences is no conflict: it must bear on the point.
        if (
            a_neg != b_neg
            and c.cosine >= CROSS_AGREE_COS
            and (_negation_on_the_point(a, b) or _negation_on_the_point(b, a))
        ):
            return Judgement(
                "contradict", 0.55, ["negation-mismatch", "cross-lingual", *speaker], set(c.shared_entities), c
            )
        if a_neg == b_neg and not (a.hedged or b.hedged) and close:
            return Judgement(
                "agree",
                round(min(0.9, c.probability if c.probability is not None else c.cosine), 2),
                ["shared-point", "cross-lingual", *speaker],
                set(c.shared_entities),
                c,
            )
        return None

    kinds: tuple[str, ...] = NEGATING
    # Cue scopes need the language's function words, else "nicht aus ..." bears on "aus".
    worded = has_stopwords(a.language)
    conflicts = (_scoped_conflicts(a, b, vocab, kinds) + _scoped_conflicts(b, a, vocab, kinds)) if worded else []
    best: tuple[float, Judgement] | None = None
    for conflict in conflicts:
        if conflict.y.negates:
            continue  # both sides negate something: word order ("arbeitet nicht") blurs which
        if conflict.kind == "negation" and (conflict.met < 2 or not conflict.first_met):
            # A negated verb bears on itself and its object: both must be what the other side asserts
            # ("has not tested a missile" / "missile tests"; a shared verb alone, "do not expect", is no point).
            continue
        if a.article_id == b.article_id and conflict.kind == "negation":
            continue  # one speaker in one article: only a flat denial or "no X" against "X" is drift
        support = _support(c, conflict, expand(conflict.hits, a.language))
        if support < 1:
            continue
        confidence = 0.5 + 0.1 * min(support, 3) + (0.1 if conflict.reason == "denial" else 0.0)
        if a.hedged or b.hedged:
            confidence -= 0.1
        confidence = round(min(confidence, 0.95), 2)
        if best is None or confidence > best[0]:
            best = (confidence, Judgement("contradict", confidence, [conflict.reason, *speaker], set(conflict.hits), c))
    # Two numbers for "years" or "people" in one story differ all the time; the same thing counted
    # means the same named entity in both statements and more aligned words besides.
    if (
        q_mismatch
        and c.shared_entities
        and _support(c, None, q_anchors) >= 2
        and c.cosine >= QUANTITY_COS
        and not (a.hedged or b.hedged)
        and _same_time(a, b)
    ):
        confidence = round(min(0.95, 0.6 + 0.1 * min(_support(c, None, q_anchors), 3)), 2)
        if best is None or confidence >= best[0]:
            best = (confidence, Judgement("contradict", confidence, ["quantity-mismatch", *speaker], set(q_anchors), c))
    if best is None and not q_mismatch:
        events = [day_conflict(c, vocab, bool(q_anchors) and not q_match), attribution_conflict(c, vocab)]
        if not conflicts and worded and _same_time(a, b):
            events.append(state_conflict(c, vocab, q_match))
        event = max((e for e in events if e is not None), key=lambda e: e.confidence, default=None)
        if event is not None:
            best = (event.confidence, _event_judgement(event, c, [event.reason, *speaker]))
    if best is not None:
        return best[1]

    kinds = ("discuss", "hedge")
    for conflict in (_scoped_conflicts(a, b, vocab, kinds) + _scoped_conflicts(b, a, vocab, kinds)) if worded else []:
        # Reporting a point without a side is weak evidence: two of its words, or a nearby shared one.
        support = _support(c, conflict, expand(conflict.hits, a.language)) + conflict.met - 1
        if support >= 1:
            confidence = round(min(0.5 + 0.1 * min(support + 1, 3), 0.85), 2)
            return Judgement("discuss", confidence, ["hedge", *speaker], set(conflict.hits), c)
    if a.hedged or b.hedged or conflicts:
        return None
    if q_match and not q_mismatch and _same_time(a, b):
        return Judgement(
            "agree",
            round(0.7 + (0.1 if _support(c, None, q_anchors) >= 2 else 0.0), 2),
            ["same-quantity", *speaker],
            q_anchors,
            c,
        )
    if q_mismatch or (q_anchors and not q_match):
        return None  # different numbers for one thing (another day, an update) agree on nothing shown
    shared = len(c.shared_stems) + len(c.shared_entities)
    # Both sides must hold the shared words the same way: both assert them, or both negate them.
    a_negated, b_negated = expand(a.negated_stems(), a.language), expand(b.negated_stems(), b.language)
    if any((s in a_negated) != (s in b_negated) for s in c.shared_stems):
        return None
    # The calibrated alignment (compare/calibration.py) also finds the point where words differ ("will nicht mehr
    # arbeiten" / "arbeitet nicht mehr"); alone it needs a cosine that counts as alignment here.
    calibrated_point = c.aligned and c.cosine >= SUPPORT_COS
    if (shared >= 3 and c.cosine >= AGREE_COS) or (c.same_speaker and len(c.shared_stems) >= 2) or calibrated_point:
        confidence = 0.5 + 0.05 * min(shared, 4) + (0.1 if c.same_speaker else 0.0) + max(0.0, c.cosine - AGREE_COS)
        return Judgement(
            "agree",
            round(min(confidence, 0.9), 2),
            ["shared-point", *speaker],
            set(c.shared_stems) | {f"e:{e}" for e in c.shared_entities},
            c,
        )
    return None
