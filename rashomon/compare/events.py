"""Conflicts about one event beyond negation words: its day, its state, who said it.

Each check answers for one candidate pair (``align.Candidate``) whether the two
statements tell the same event differently, with the words the conflict sits
on, or None. Precision first, as everywhere in the comparison: the event must
be clearly the same (words both statements share right beside the conflicting
detail, an entity, a high cosine), and anything hedged, negated or dated
differently is left out.

* ``day_conflict``: two days for the same event ("left on Sunday" / "left on
  Tuesday"; a resolved date against a weekday compares their weekdays), across
  languages too. A day beside a speech verb is when something was said, not when
  it happened ("said on Tuesday that ... left"), and is never compared.
* ``state_conflict``: opposite states of the same thing from ``antonyms.txt``
  (left / stayed, killed / wounded, released / detained): each word only on its
  side, both beside what the statements share (a word, the same number).
* ``attribution_conflict``: the same direct quote put in the mouths of two
  different speakers of one kind (two people, or two organisations: a spokesman
  and his organisation speak with one voice), neither of whom the other article
  names at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from rashomon.resources import data_lines
from rashomon.text import fold

from .align import Candidate, Statement, Vocabulary, antonym_pairs, expand, tokens

# The same event told on two days: the statements must be this alike besides the shared words.
DAY_COS = 0.65
CROSS_DAY_COS = 0.8
# Tokens between a day and a speech verb for the day to be when something was said.
SPEECH_WINDOW = 3
STATE_COS = 0.5
# One quote, two speakers: the words must be nearly the same.
QUOTE_OVERLAP = 0.6
MIN_QUOTE_WORDS = 4
CROSS_QUOTE_COS = 0.9


@dataclass
class EventConflict:
    reason: str  # date-mismatch | antonym | attribution-mismatch
    confidence: float
    anchors: set[str]


@cache
def _speech_verbs(language: str) -> frozenset[str]:
    return frozenset(fold(line.value) for line in data_lines(language, "speech_cues.txt") if line.section == "verbs")


def _weekday(key: str) -> int:
    return int(key[3:]) if key.startswith("wd:") else date.fromisoformat(key).isoweekday()


def _days_differ(x: str, y: str) -> bool:
    if x.startswith("wd:") or y.startswith("wd:"):
        return _weekday(x) != _weekday(y)
    return x != y


def _reported_day(st: Statement, at: int) -> bool:
    """Whether a speech verb sits beside the day: "said on Tuesday", "on Tuesday, officials said"."""
    words = tokens(st.text, st.language)[max(0, at - SPEECH_WINDOW) : at + SPEECH_WINDOW + 2]
    verbs = _speech_verbs(st.language)
    return any(fold(w) in verbs for w in words)


def _near_shared(c: Candidate, at_a: int, at_b: int, exclude: set[str]) -> set[str]:
    """Salient words both statements share that sit beside the given token in each."""
    return {s for s in c.shared_stems - exclude if c.a.near(s, at_a) and c.b.near(s, at_b)}


def _no_number_shared(a: Statement, b: Statement) -> bool:
    """Both statements give numbers and none of a's is one of b's, whatever they count."""

    def same(qa, qb) -> bool:
        (la, ha, _, _), (lb, hb, _, _) = qa, qb
        return None in (la, ha, lb, hb) or (la <= hb and lb <= ha)

    return bool(a.quantities and b.quantities) and not any(same(x, y) for x in a.quantities for y in b.quantities)


def day_conflict(c: Candidate, vocab: Vocabulary, numbers_differ: bool) -> EventConflict | None:
    """``numbers_differ``: the statements give numbers for one thing that do not match. Then, as when both
    give numbers and share none, two days are two moments (Tuesday's rate and Thursday's), not one event
    told two ways."""
    a, b = c.a, c.b
    if numbers_differ or _no_number_shared(a, b):
        return None
    if a.negates or b.negates or a.hedged or b.hedged:
        return None
    days_a, days_b = {k for k, _ in a.days}, {k for k, _ in b.days}
    if len(days_a) != 1 or len(days_b) != 1:
        return None  # several days in one statement: which one the event took place on is unclear
    (key_a, at_a), (key_b, at_b) = a.days[0], b.days[0]
    if not _days_differ(key_a, key_b) or _reported_day(a, at_a) or _reported_day(b, at_b):
        return None
    if c.same_language:
        near = _near_shared(c, at_a, at_b, set())
        near = {s for s in near if s not in _speech_verbs(a.language)}
        support = len(near) + len(c.shared_entities) + (1 if c.same_speaker else 0)
        if len(near) < 2 or support < 3 or c.cosine < DAY_COS:
            return None
    else:
        if not c.shared_entities or c.cosine < CROSS_DAY_COS:
            return None
        near, support = set(), len(c.shared_entities) + 2
    confidence = round(min(0.9, 0.55 + 0.1 * min(support - 2, 3)), 2)
    return EventConflict("date-mismatch", confidence, near | {f"d:{key_a}", f"d:{key_b}"})


def state_conflict(c: Candidate, vocab: Vocabulary, same_number: bool) -> EventConflict | None:
    """Opposite state words, each on its side only, beside what both statements share."""
    a, b = c.a, c.b
    # A negation anywhere in either statement leaves which state it holds unclear ("has not tested ... under a
    # self-imposed moratorium" against "refusing to lift sanctions"): precision first, as for days.
    if not c.same_language or a.hedged or b.hedged or a.negates or b.negates or c.cosine < STATE_COS:
        return None
    language = a.language
    negated = expand(a.negated_stems() | b.negated_stems(), language)
    content_a, content_b = expand(set(a.content), language), expand(set(b.content), language)
    for x, y in sorted(antonym_pairs(language)):
        if x not in a.content or y not in b.content or x in negated or y in negated:
            continue
        if x in content_b or y in content_a:
            continue  # "3 killed and 5 wounded" on one side states both: no conflict
        near: set[str] = set()
        for pa in a.positions[x]:
            for pb in b.positions[y]:
                near |= _near_shared(c, pa, pb, {x, y})
        support = len(near) + len(c.shared_entities) + (2 if c.same_speaker else 0) + (1 if same_number else 0)
        if not near or support < 2:
            continue
        confidence = round(min(0.85, 0.5 + 0.1 * min(support, 3)), 2)
        return EventConflict("antonym", confidence, {x, y} | near)
    return None


def attribution_conflict(c: Candidate, vocab: Vocabulary) -> EventConflict | None:
    """The same direct quote attributed to two speakers of one kind."""
    a, b = c.a, c.b
    if not (a.direct and b.direct and a.speaker and b.speaker) or a.speaker == b.speaker:
        return None
    if not a.speaker_label or a.speaker_label != b.speaker_label or a.speaker_label not in ("person", "organisation"):
        return None
    if a.speaker in b.article_entities or b.speaker in a.article_entities:
        # Each article names the other's speaker: one of them quotes the other, or the analysis gave a
        # quote to the wrong name of the two ("Grassley tweeted about Henninger's column: ...").
        return None
    if c.same_language:
        words_a, words_b = set(a.content), set(b.content)
        shared = words_a & words_b
        if len(shared) < MIN_QUOTE_WORDS or len(shared) < QUOTE_OVERLAP * min(len(words_a), len(words_b)):
            return None
    elif c.cosine < CROSS_QUOTE_COS:
        return None
    return EventConflict("attribution-mismatch", 0.6, {f"e:{a.speaker}", f"e:{b.speaker}"})
