"""What only one source reports.

Kept to numbers with what they count ("275 Syrian ISIS fighters"): they are the
checkable facts a reader most needs to know are single-sourced, and every
sentence one outlet alone wrote would otherwise flood the comparison (a long
article says many things a short one does not). A number is an omission by the
others when no other source gives a number for the same counted thing (same
language: a shared word of what is counted; across languages: a number in a
very similar statement, or a number counting what the encoder finds the same
thing: "civilians" / "civils"), and no other source agrees with the statement.
"""

from __future__ import annotations

from typing import Sequence

from .align import CROSS_LINGUAL_COS, Statement, Vocabulary, same_counted

OMISSION_CONFIDENCE = 0.8


def omissions(items: Sequence[Statement], vocab: Vocabulary, agreeing: set[str]) -> list[tuple[Statement, float]]:
    sources = {st.source for st in items}
    if len(sources) < 2:
        return []
    found = []
    for st in items:
        counted = [q for q in st.quantities if q[2]]
        if not counted or st.hedged or st.id in agreeing:
            continue
        reported_elsewhere = False
        for other in items:
            if other.source == st.source or not other.quantities:
                continue
            if other.language == st.language:
                if any(q[2] & o[2] for q in counted for o in other.quantities):
                    reported_elsewhere = True
            elif (
                st.vector is not None
                and other.vector is not None
                and float(st.vector @ other.vector) >= CROSS_LINGUAL_COS
            ):
                reported_elsewhere = True
            elif any(same_counted(a, b, vocab.counted_vectors) for a in st.counted for b in other.counted):
                reported_elsewhere = True
            if reported_elsewhere:
                break
        if not reported_elsewhere:
            found.append((st, OMISSION_CONFIDENCE))
    return found
