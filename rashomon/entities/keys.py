"""Matching keys for names: what two spellings of one name have in common.

Three levels, from strict to loose:

* ``norm``: the name as written, case-folded, without diacritics, punctuation,
  spaces and Arabic/Latin articles (``Deir ez-Zor`` = ``Deir Ez-Zor``,
  ``الزور`` = ``زور``). Stays in its own script.
* ``phon``: ``norm`` romanised (Cyrillic and Arabic through
  the ``keys`` scheme of ``lang/data/xx/translit.tsv``) and folded the way transliterations of one name differ:
  doubled letters, q/k/c, ou/u, e/i/y, o/u, diphthongs, a final ``h``
  (``Raqqah`` = ``Raqqa`` = ``Rakka`` = ``Ракка``; ``Dayr al-Zawr`` =
  ``Deir ez-Zor`` = ``دير الزور``).
* ``skeleton``: the consonants of ``phon`` only, with p/b, v/f, g/j and k/q
  merged. Arabic script writes no short vowels and Russian writes English "u"
  as "а", so this is the level at which ``ترامب`` = ``Трамп`` = ``Trump``. It
  collides easily (``Ahmed``/``Hamid``), so callers use it only across scripts
  and only when the candidate is unique.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from rashomon.text import first_letter_script
from rashomon.text import romanise as romanise_letters

# Arabic article as romanised ("al-", "el-") and its sun-letter assimilations ("ad-Dawla", "ez-Zor").
ARTICLES = frozenset(
    "al el ad ed ar er as es az ez at et ash esh ath adh ud ul an en аль эль ад ар ас аз эз аш эш ат эт ан эн".split()
)
# Determiners a mention may carry ("the AfD", "l'Iran"); the name is the same without them.
DETERMINERS = frozenset("the le la les l der die das den dem des el los las lo il".split())
# Heads that many languages add to a group's name ("Islamic State group").
GENERIC_TAILS = frozenset("group groupe gruppe grupo gruppo organisation organization organizacion".split())
# Words skipped when forming initials ("Islamic State of Iraq and the Levant" -> ISIL).
STOPWORDS = frozenset(
    "of and the for in on at to a an de du des la le les et en au aux d l del y los las el für fur der die das "
    "und von im am zu i и в на по для di e da do dos das".split()
)
NAME_SUFFIXES = frozenset("jr sr ii iii iv jun".split())

_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# ڤ and گ write a hard "g" in Maghrebi names (شنڤريحة = شنقريحة), so they fold onto ق and ك.
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        "ی": "ي",
        "ک": "ك",
        "ڤ": "ق",
        "گ": "ك",
    }
)
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_POSSESSIVE = re.compile(r"(?:['’ʼ]s|s['’ʼ]|['’ʼ])$", re.IGNORECASE)
_ELISION = re.compile(r"^(?:[dlj]|qu)['’ʼ]", re.IGNORECASE)


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    # й and ё lose their marks here too; the romanisation table treats й/и and ё/е alike anyway.
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def clean_surface(text: str) -> str:
    """The form a name is counted under: trimmed, no possessive or elided article."""
    text = unicodedata.normalize("NFKC", text).strip().strip("\"'«»“”„‘’‹›()[]{}.,;:!?")
    text = _POSSESSIVE.sub("", text) if first_letter_script(text) == "latin" else text
    return _ELISION.sub("", text).strip()


def _fold_arabic_token(token: str) -> str:
    token = token.translate(_ARABIC_FOLD)
    # Proclitics fused with the article (وال بال فال كال لل) are never part of a name.
    for prefix in ("وال", "بال", "فال", "كال"):
        if token.startswith(prefix) and len(token) > len(prefix) + 1:
            return token[len(prefix) :]
    if token.startswith("لل") and len(token) > 3:
        return token[2:]
    if token.startswith("ال") and len(token) > 3:
        return token[2:]
    return token


@lru_cache(maxsize=200_000)
def tokens(text: str, person: bool = False) -> tuple[str, ...]:
    """Case-folded, diacritic-free tokens of a name, without articles and determiners."""
    folded = strip_diacritics(_ARABIC_DIACRITICS.sub("", clean_surface(text)).casefold())
    found = [
        (m.group(), folded[m.end() : m.end() + 1] in "-‐‑–'’ʼ" and m.end() < len(folded))
        for m in _TOKEN.finditer(folded)
    ]
    out: list[str] = []
    for i, (tok, hyphenated) in enumerate(found):
        if first_letter_script(tok) == "arabic":
            tok = _fold_arabic_token(tok)
        last = i == len(found) - 1
        if not last and i == 0 and tok in DETERMINERS:
            continue
        # "al-Baghdadi", "Deir ez Zor" lose the article; "Al Gore" keeps his first name.
        if not last and tok in ARTICLES and (hyphenated or not (person and i == 0)):
            continue
        if not person and len(tok) > 4 and tok[0] in "ae" and tok[1] == tok[2] and tok[1] in "dtrszn":
            tok = tok[2:]  # "Ezzor", "Arraqqa": an assimilated article fused to its noun
        out.append(tok)
    return tuple(out) or tuple(t for t, _ in found)


def norm_key(text: str, person: bool = False) -> str:
    return "".join(tokens(text, person))


def romanise(token: str) -> str:
    if token.endswith("ه") and first_letter_script(token) == "arabic":
        token = token[:-1] + "ة"  # a final ه is almost always a folded ta marbuta, a vowel
    return romanise_letters(token, "keys")


# Order matters: multi-letter spellings before the letters they contain.
_PHON_RULES = [
    (re.compile(r"shch|sch|tch"), "sh"),
    (re.compile(r"dzh|dj|zh"), "j"),
    (re.compile(r"ch"), "sh"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"th"), "t"),
    (re.compile(r"dh"), "d"),
    (re.compile(r"ck|q|c(?=[aou]|$|[^aeiouyhs])"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"(?:ay|ai|ei|ey|ej|aj)(?![aeiou])"), "i"),
    (re.compile(r"(?:aw|au|ou|ow|oo)(?![aeiou])"), "u"),
    (re.compile(r"ee|ie"), "i"),
    (re.compile(r"[eyj]"), "i"),
    (re.compile(r"[ow]"), "u"),
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile(r"(?<=[aiu])h$"), ""),
]


@lru_cache(maxsize=200_000)
def phon_token(token: str) -> str:
    t = romanise(token)
    t = strip_diacritics(t)
    for pattern, repl in _PHON_RULES:
        t = pattern.sub(repl, t)
    return t


def phon_key(text: str, person: bool = False) -> str:
    return "".join(phon_token(t) for t in tokens(text, person))


# g goes with k/q: Maghrebi and Gulf names write the hard g with ق or ڤ.
_SKELETON = str.maketrans({"p": "b", "v": "f", "g": "k", "q": "k", "c": "k", "x": "k", "w": "", "y": ""})


@lru_cache(maxsize=200_000)
def skeleton_token(token: str) -> str:
    t = phon_token(token).translate(_SKELETON)
    t = re.sub(r"[aeiou]", "", t)
    t = re.sub(r"(?<=.)h$", "", t)  # Chanegriha / شنقريحة: a final -ha is the Arabic ta marbuta
    return re.sub(r"(.)\1+", r"\1", t)


def skeleton_key(text: str, person: bool = False) -> str:
    return re.sub(r"(.)\1+", r"\1", "".join(skeleton_token(t) for t in tokens(text, person)))


_RU_ENDING = re.compile(r"(?:ами|ями|ого|его|ому|ему|ыми|ими|ой|ей|ом|ем|ым|им|ов|ев|ах|ях|ам|ям|[аяуюеиыоь])$")


def ru_stem(token: str) -> str:
    """A Russian word without its case ending (Ракки, Ракке -> ракк): for words no dictionary knows."""
    stem = _RU_ENDING.sub("", token)
    return stem if len(stem) >= 3 else token


_morph: Any = None  # natasha's MorphVocab once loaded (untyped), False when it cannot load


@lru_cache(maxsize=100_000)
def ru_lemmas(token: str) -> tuple[str, ...]:
    """Dictionary forms of a Russian word, likeliest first (Путина -> путин, путина)."""
    global _morph
    if _morph is None:
        try:
            from natasha import MorphVocab

            _morph = MorphVocab()
        except Exception:  # natasha or its dictionaries missing: suffix stripping only
            _morph = False
    out: list[str] = []
    if _morph:
        for parse in _morph.parse(token)[:4]:
            lemma = parse.normal.replace("ё", "е")
            if lemma not in out:
                out.append(lemma)
    return tuple(out[:2]) or (token,)


def is_acronym(text: str) -> bool:
    """ "SDF", "AfD", "ИГИЛ", "EE. UU.": short, mostly capitals, no lower-case word."""
    compact = re.sub(r"[\s.&\-]", "", unicodedata.normalize("NFKC", text))
    if not (2 <= len(compact) <= 8) or not compact.isalpha():
        return False
    upper = sum(1 for c in compact if c.isupper())
    return upper >= 2 and upper >= len(compact) - 1


def acronym_key(text: str) -> str:
    return strip_diacritics(re.sub(r"[\s.&\-]", "", text).casefold())


def initials(text: str) -> set[str]:
    """Initials of a multi-word name: of every word and of content words only."""
    words = [w for w in _TOKEN.findall(strip_diacritics(clean_surface(text).casefold()))]
    if len(words) < 2:
        return set()
    out = {"".join(w[0] for w in words)}
    content = [w for w in words if w not in STOPWORDS]
    if len(content) >= 2:
        out.add("".join(w[0] for w in content))
    return out


def is_full_name(text: str) -> bool:
    return len(tokens(text)) >= 2 and not is_acronym(text)


def surname(text: str) -> str | None:
    """The last name of a multi-word person name ("Joseph R. Biden Jr." -> "biden")."""
    toks = [t for t in tokens(text, person=True) if t not in NAME_SUFFIXES and len(t) > 1]
    return toks[-1] if len(toks) >= 2 else None


def first_last(text: str) -> tuple[str, str] | None:
    toks = [t for t in tokens(text, person=True) if t not in NAME_SUFFIXES and len(t) > 1]
    return (toks[0], toks[-1]) if len(toks) >= 2 else None


def prefix_overlap(a: str, b: str, n: int = 4) -> float:
    """Share of the shorter name's content words that begin like a word of the other (cognates)."""
    wa = {phon_token(t)[:n] for t in tokens(a) if t not in STOPWORDS and len(t) >= 3}
    wb = {phon_token(t)[:n] for t in tokens(b) if t not in STOPWORDS and len(t) >= 3}
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))
