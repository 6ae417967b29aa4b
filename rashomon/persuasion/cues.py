"""Per-language persuasion cue lists: ``rashomon/persuasion/data/<code>/cues.txt``.

Sections name what a cue signals (``labels``, ``doubt``, ``loaded``, ...). A
trailing ``*`` matches any ending (inflected languages); a trailing `` !``
marks a cue that flags its technique on its own ("so-called", "Takfiri").
The lists live apart from ``rashomon/lang/data`` on purpose: cleaning hashes
that folder into its stage version, and new cue words must not re-clean stores.
The persuasion stage hashes them into its own version instead: cue counts are
model features and cue words place spans. ``xx/names.txt`` holds the words
around actors' names, read in every language (``name_words``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rashomon.resources import LANGUAGE_NEUTRAL, package_data_dir, read_data_file
from rashomon.text import HYPHENATED_WORD

SECTIONS = ("labels", "doubt", "loaded", "intensifiers", "fear", "flag", "authority", "minimise")
# The technique a cue section points at when it makes a span.
SECTION_TECHNIQUE = {
    "labels": "Name_Calling-Labeling",
    "doubt": "Doubt",
    "loaded": "Loaded_Language",
    "intensifiers": "Exaggeration-Minimisation",
    "fear": "Appeal_to_Fear-Prejudice",
    "flag": "Flag_Waving",
    "authority": "Appeal_to_Authority",
    "minimise": "Exaggeration-Minimisation",
}
CUE_LANGUAGES = ("en", "fr", "de", "it", "pl", "ru")


@dataclass(frozen=True)
class Cue:
    section: str
    words: tuple[str, ...]  # lowercased; the last may be a prefix
    prefix: bool
    strong: bool


@dataclass(frozen=True)
class CueHit:
    start: int
    end: int
    section: str
    strong: bool


def _parse(code: str) -> list[Cue]:
    cues = []
    for line in read_data_file(package_data_dir("persuasion"), code, "cues.txt"):
        value, strong = line.value, False
        if value.endswith(" !"):
            value, strong = value[:-2].strip(), True
        prefix = value.endswith("*")
        words = tuple(HYPHENATED_WORD.findall(value.rstrip("*").lower()))
        if words and line.section in SECTIONS:
            cues.append(Cue(line.section, words, prefix, strong))
    return cues


@lru_cache(maxsize=None)
def cue_table(language: str) -> dict[str, list[Cue]]:
    """Cues indexed by their first word's first three letters (fast lookup).

    A language without lists reads every list: labels like "Takfiri" or
    "régime" travel, and a miss costs nothing.
    """
    codes = (language,) if language in CUE_LANGUAGES else CUE_LANGUAGES
    table: dict[str, list[Cue]] = {}
    for code in codes:
        for cue in _parse(code):
            table.setdefault(cue.words[0][:3], []).append(cue)
    return table


def _word_matches(token: str, word: str, prefix: bool) -> bool:
    return token.startswith(word) if prefix else token == word


def find_cues(text: str, language: str) -> list[CueHit]:
    """Every cue occurrence, longest match first at each position, no overlaps."""
    table = cue_table(language)
    tokens = [(m.start(), m.end(), m.group().lower()) for m in HYPHENATED_WORD.finditer(text)]
    hits: list[CueHit] = []
    seen: set[tuple[int, str]] = set()
    for i, (start, _, token) in enumerate(tokens):
        for cue in table.get(token[:3], ()):
            n = len(cue.words)
            if i + n > len(tokens):
                continue
            ok = all(tokens[i + k][2] == cue.words[k] for k in range(n - 1)) and _word_matches(
                tokens[i + n - 1][2], cue.words[-1], cue.prefix
            )
            if ok and (start, cue.section) not in seen:
                seen.add((start, cue.section))
                hits.append(CueHit(start, tokens[i + n - 1][1], cue.section, cue.strong))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    return hits


@lru_cache(maxsize=None)
def section_words(language: str, section: str) -> frozenset[str]:
    """Plain lowercased words of one section (e.g. ``nouns``), all languages for an unknown one."""
    codes = (language,) if language in CUE_LANGUAGES else CUE_LANGUAGES
    out: set[str] = set()
    for code in codes:
        out.update(
            line.value.lower()
            for line in read_data_file(package_data_dir("persuasion"), code, "cues.txt")
            if line.section == section
        )
    return frozenset(out)


NAMES_FILE = "names.txt"


@lru_cache(maxsize=None)
def name_words(section: str) -> frozenset[str]:
    """A list of ``xx/names.txt``: words around the names of actors, read in every language."""
    lines = read_data_file(package_data_dir("persuasion"), LANGUAGE_NEUTRAL, NAMES_FILE)
    return frozenset(line.value for line in lines if line.section == section)


def count_words(text: str) -> int:
    return len(HYPHENATED_WORD.findall(text))
