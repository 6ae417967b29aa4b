"""The trained named-entity recogniser: a linear-chain CRF per language over word features (PER, ORG, LOC in IOB).

One artifact per language, ``analyze/data/ner/<code>.crfsuite`` (python-crfsuite's binary model), trained by
``rashomon train ner`` (``rashomon.learn.train_ner``) on WikiANN and scored by ``rashomon bench ner``. The features
are the same function at training and at run time (``token_features``); tokens come from ``tokenize``, which
splits punctuation off words as WikiANN's tokenisation does. Tagging is per sentence (``entities`` takes the
sentence spans the analysis already has), because the CRF was trained on sentences and its cost is linear in them.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Iterable, Mapping, Sequence

from rashomon.resources import package_data_dir

# Our labels for the recogniser's types.
LABELS = {"PER": "person", "ORG": "organisation", "LOC": "place"}

# A word (letters, digits, inner hyphens and apostrophes), an initialism with dots ("U.S.", "R.H."), or one
# character of punctuation: WikiANN's tokens.
_TOKEN = re.compile(r"(?:\w\.){2,}|\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)
# Longer sentences are tagged in windows of this many tokens (a run-away "sentence" without stops costs
# linear time either way, and the CRF's context is two tokens).
_WINDOW = 200


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Token spans of ``text[start:end]`` in ``text`` offsets."""
    return [m.span() for m in _TOKEN.finditer(text, start, len(text) if end is None else end)]


def _shape(word: str) -> str:
    """Character classes with repeats collapsed: "Trump" -> "Xx", "U.S." -> "X.X.", "1968" -> "d"."""
    out: list[str] = []
    for ch in word:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def _word_features(word: str) -> list[str]:
    lower = word.lower()
    return [
        "w=" + lower,
        "s=" + _shape(word),
        "p2=" + lower[:2],
        "p3=" + lower[:3],
        "x2=" + lower[-2:],
        "x3=" + lower[-3:],
        "x4=" + lower[-4:],
    ]


# A gazetteer: entity names (their words joined by single spaces, case kept) -> type (PER, ORG, LOC).
Gazetteer = Mapping[str, str]
# Longest gazetteer name looked up, in words.
MAX_NAME_WORDS = 6


def gazetteer_tags(words: Sequence[str], gazetteer: Gazetteer) -> list[str | None]:
    """IOB tags of the gazetteer's names in ``words``: longest match first, left to right."""
    tags: list[str | None] = [None] * len(words)
    i = 0
    while i < len(words):
        for n in range(min(MAX_NAME_WORDS, len(words) - i), 0, -1):
            kind = gazetteer.get(" ".join(words[i : i + n]))
            if kind:
                tags[i : i + n] = ["B-" + kind] + ["I-" + kind] * (n - 1)
                i += n
                break
        else:
            i += 1
    return tags


def token_features(words: Sequence[str], gazetteer: Gazetteer | None = None) -> list[list[str]]:
    """The CRF's features of each word of one sentence: the word's own, its neighbours' within two, and where
    a name of the gazetteer covers it and its neighbours."""
    own = [_word_features(w) for w in words]
    lowers = [w.lower() for w in words]
    shapes = [f[1][2:] for f in own]
    listed = gazetteer_tags(words, gazetteer) if gazetteer is not None else None
    n = len(words)
    features = []
    for i in range(n):
        f = own[i]
        if listed is not None:
            f.append("g=" + (listed[i] or "O"))
            f.append("-1g|g=" + (listed[i - 1] or "O" if i else "BOS") + "|" + (listed[i] or "O"))
            f.append("g|+1g=" + (listed[i] or "O") + "|" + (listed[i + 1] or "O" if i + 1 < n else "EOS"))
        if i == 0:
            f.append("BOS")
        else:
            f += ["-1w=" + lowers[i - 1], "-1s=" + shapes[i - 1], "-1x3=" + lowers[i - 1][-3:]]
            f.append("-1s|s=" + shapes[i - 1] + "|" + shapes[i])
        if i >= 2:
            f += ["-2w=" + lowers[i - 2], "-2s=" + shapes[i - 2]]
        if i == n - 1:
            f.append("EOS")
        else:
            f += ["+1w=" + lowers[i + 1], "+1s=" + shapes[i + 1], "+1x3=" + lowers[i + 1][-3:]]
            f.append("s|+1s=" + shapes[i] + "|" + shapes[i + 1])
        if i + 2 < n:
            f += ["+2w=" + lowers[i + 2], "+2s=" + shapes[i + 2]]
        features.append(f)
    return features


def spans_of(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Entity spans ``(first token, last token + 1, type)`` of IOB tags, conlleval style: an I- after O or after
    another type starts an entity, as a B- does."""
    spans: list[tuple[int, int, str]] = []
    start, kind = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, tag_kind = tag.partition("-")
        if start >= 0 and (prefix != "I" or tag_kind != kind):
            spans.append((start, i, kind))
            start = -1
        if prefix == "B" or (prefix == "I" and start < 0):
            start, kind = i, tag_kind
    return spans


# Punctuation a name may hold inside ("U.S.", "AT&T", "Jean-Marc", "O'Neill"); any other mark splits a span.
_INNER_MARKS = frozenset(".&-'’")


def _is_mark(word: str) -> bool:
    return not any(ch.isalnum() for ch in word)


def _lower_initial(word: str) -> bool:
    return word[:1].islower()


def tidy(
    words: Sequence[str], spans: Iterable[tuple[int, int, str]], particles: frozenset[str] = frozenset()
) -> list[tuple[int, int, str]]:
    """The recogniser's spans as names: split at punctuation other than ``_INNER_MARKS`` and at lower-case words
    other than ``particles`` ("von", "of", "de": what names hold inside), and stripped of punctuation and lower-case
    words at both ends.

    WikiANN is full of title fragments, so on news the CRF runs a span on through a headline ("Richard Dannatt:
    Donbass wird für immer russisch"); names inside such a run are kept, the rest dropped. Only the analysis tidies
    (``entities``): WikiANN's own spans hold commas and brackets ("Spokane , Washington", "John Towers ( bishop )"),
    so ``rashomon bench ner --backend crf`` scores the CRF's spans as they are."""
    tidied = []
    for first, last, kind in spans:
        piece_start = first
        for i in range(first, last + 1):
            word = words[i] if i < last else ""
            if (
                i == last
                or (_is_mark(word) and word not in _INNER_MARKS)
                or (_lower_initial(word) and word not in particles)
            ):
                a, b = piece_start, i
                while a < b and (_is_mark(words[a]) or _lower_initial(words[a])):
                    a += 1
                while b > a and (_is_mark(words[b - 1]) and words[b - 1] != "." or _lower_initial(words[b - 1])):
                    b -= 1
                if a < b:
                    tidied.append((a, b, kind))
                piece_start = i + 1
    return tidied


def artifact_dir():
    return package_data_dir("analyze") / "ner"


def artifact_path(language: str):
    """The CRF model of ``language`` (python-crfsuite's binary format)."""
    return artifact_dir() / f"{language}.crfsuite"


def names_path(language: str):
    """The gazetteer the model was trained with: one name and its type a line (``name<TAB>PER``)."""
    return artifact_dir() / f"{language}.names.tsv"


def fingerprint() -> bytes:
    """The registry and every model's info file (settings, sizes, tune score), for the analysis stage's version:
    choosing or retraining a recogniser re-analyses stored articles. Not the models themselves: 24 MB to hash at
    every import."""
    root = artifact_dir()
    if not root.is_dir():
        return b""
    files = sorted((f for f in root.iterdir() if f.name == "registry.tsv" or f.name.endswith(".json")), key=str)
    return b"".join(f.name.encode() + b"\n" + f.read_bytes() for f in files)


def has_recogniser(language: str) -> bool:
    return artifact_path(language).is_file()


def read_names(text: str) -> dict[str, str]:
    names = {}
    for line in text.splitlines():
        name, _, kind = line.rpartition("\t")
        if name and kind:
            names[name] = kind
    return names


@cache
def registry() -> frozenset[str]:
    """The languages whose analysis takes its entities from this recogniser (``registry.tsv``: code, then why, per
    line; ``#`` starts a comment line)."""
    path = artifact_dir() / "registry.tsv"
    if not path.is_file():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.split("\t")[0].strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def _gazetteer(language: str) -> dict[str, str]:
    path = names_path(language)
    return read_names(path.read_text(encoding="utf-8")) if path.is_file() else {}


# A lower-case word inside this many names of the gazetteer is a particle of names ("von", "of", "de la").
_PARTICLE_NAMES = 5


@cache
def _particles(language: str) -> frozenset[str]:
    counts: dict[str, int] = {}
    for name in _gazetteer(language):
        for word in name.split()[1:-1]:
            if _lower_initial(word):
                counts[word] = counts.get(word, 0) + 1
    return frozenset(word for word, count in counts.items() if count >= _PARTICLE_NAMES)


@cache
def _tagger(language: str):
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(artifact_path(language)))
    return tagger


def tag(language: str, words: Sequence[str]) -> list[str]:
    """IOB tags of one sentence's words."""
    if not words:
        return []
    tagger, gazetteer = _tagger(language), _gazetteer(language)
    tags: list[str] = []
    for lo in range(0, len(words), _WINDOW):
        tags += tagger.tag(token_features(words[lo : lo + _WINDOW], gazetteer))
    return tags


def entities(language: str, text: str, sentences: Iterable[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """``(start, end, label)`` of every entity the recogniser finds in ``text``, sentence by sentence; labels are
    ours (person, organisation, place)."""
    found: list[tuple[int, int, str]] = []
    for s_start, s_end in sentences:
        tokens = tokenize(text, s_start, s_end)
        words = [text[a:b] for a, b in tokens]
        for first, last, kind in tidy(words, spans_of(tag(language, words)), _particles(language)):
            label = LABELS.get(kind)
            if label:
                found.append((tokens[first][0], tokens[last - 1][1], label))
    return _consistent(text, found)


def _consistent(text: str, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """One word that ends a person's longer name in the same text is that person ("Biden" after "Joe Biden": the
    CRF, trained on Wikipedia's anchors, types a lone unknown surname as an organisation more often than not);
    a German genitive ("Bidens") too."""
    surnames = set()
    for start, end, label in found:
        words = text[start:end].split()
        if len(words) >= 2 and label == "person":
            surnames.add(words[-1])
    consistent = []
    for start, end, label in found:
        word = text[start:end]
        surname = word in surnames or (word.endswith("s") and word[:-1] in surnames)
        consistent.append((start, end, "person" if surname and " " not in word else label))
    return consistent
