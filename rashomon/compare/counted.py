"""Which numbers count something a reader could check, and which count nothing.

The analysis finds every number with the words after it; the comparison only
weighs the ones that count a thing ("275 Syrian ISIS fighters"), because a
number that counts nothing is neither a conflict ("Big 12" against "Big 10")
nor a fact only one source gives ("mit 2 Bildern"). A number counts nothing when:

* it is part of a name or a label: a mention spans it, or a word of the
  language's ``[labels]`` list comes right before it ("Big 12",
  "Apollo 11", "No. 3"; ``uncounted.txt``);
* it is page furniture: what it "counts" is in the ``[furniture]`` list
  ("2 Bildern", "3 photos", "12 comments");
* it numbers a list ("1.- ...", "2) ...");
* a number word points back rather than counts: a definite determiner right
  before it ("the two like each other", "les deux", "die beiden").

A number with no counted phrase stays (a percentage, a number the analysis
could not attach): across languages it can still meet the same number in a
very similar statement; omissions ask for a counted phrase besides.

Years (four plain digits in the analysis's year range), clock times, ordinals
and list numbering never become quantities (``analyze/quantities.py``).
"""

from __future__ import annotations

import re
from functools import cache

from rashomon.lang import defaults as lang_defaults
from rashomon.model import Article, Quantity
from rashomon.resources import data_lines
from rashomon.text import fold

_WORD_BEFORE = re.compile(r"([^\W\d_][\w.#-]*|#)\s*$")


@cache
def _uncounted(language: str) -> tuple[frozenset[str], frozenset[str]]:
    """(label words, furniture words) of a language, folded; the neutral ``xx`` file's count for every language."""
    labels: set[str] = set()
    furniture: set[str] = set()
    for code in ("xx", language):
        for line in data_lines(code, "uncounted.txt"):
            value = fold(line.value.replace("\\#", "#"))  # a data line that starts with "#" is written "\\#"
            (labels if line.section == "labels" else furniture).add(value)
    return frozenset(labels), frozenset(furniture)


@cache
def _definite(language: str) -> frozenset[str]:
    traits = lang_defaults.language(language)
    return frozenset(fold(w) for w in traits.words("determiners") - traits.words("indefinite-articles"))


def counts_something(article: Article, q: Quantity, language: str) -> bool:
    """False when ``q`` is a label, page furniture or a number word that points back (see the module docstring)."""
    after = article.original[q.end : q.end + 2]
    if after.startswith((".-", ")")) and article.original[max(0, q.start - 1) : q.start] != "(":
        return False  # list numbering: "1.- Road State Villagran", "2) the second point"
    labels, furniture = _uncounted(language)
    if fold((q.counted or "").split()[0] if (q.counted or "").split() else "") in furniture:
        return False
    # Inside a name only: a name right before a number is often the subject ("die USA 750 Soldaten").
    if any(m.start <= q.start < m.end for m in article.mentions):
        return False
    before = article.original[max(0, q.start - 30) : q.start]
    word = _WORD_BEFORE.search(before)
    if word:
        previous = fold(word.group(1))
        if previous in labels or previous.rstrip(".") in labels:
            return False
        if previous in _definite(language) and not any(ch.isdigit() for ch in q.text):
            return False
    return True
