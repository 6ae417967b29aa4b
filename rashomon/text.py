"""Text helpers every stage shares: folding, scripts, transliteration, word patterns, published dates.

Each concept lives here once. Where callers need different answers on purpose, the difference is a named
option or a named variant with the reason beside it, never a second copy in the caller.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from functools import cache

from rashomon.resources import lang_data_dir, read_table

# ---------------------------------------------------------------- folding

_NON_WORD = re.compile(r"[^\w\s]")


def fold(text: str, *, keep_accents: bool = False, words_only: bool = False) -> str:
    """Case-fold ``text`` so that spellings a reader takes for one meet.

    By default accents go too (NFKD, combining marks dropped) and a typographic apostrophe is a plain one:
    "Zürich" = "zurich", "don’t" = "don't" (the comparison's words, cue phrases and aliases).

    ``keep_accents``: only what ``re.IGNORECASE`` equates, Turkish İ/ı with i too, and nothing else; the
    boilerplate matcher indexes its patterns by their folded first letter, so it must fold as the regex
    engine matches (an accent is a different letter there).

    ``words_only``: punctuation becomes space and spaces collapse, so "Deir ez-Zor" = "deir ez zor" (a mention's
    key inside one article).
    """
    if keep_accents:
        return text.casefold().replace("\u0131", "i").replace("i\u0307", "i")
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    if words_only:
        return " ".join(_NON_WORD.sub(" ", plain).split())
    return plain


# ---------------------------------------------------------------- scripts
#
# Three questions, three functions, one classifier each. They stay apart because their answers feed stored
# keys and committed indexes (a story feature's script, the entity gazetteer's names, the analysis gazetteer):
# unifying the letter ranges would move a few rare letters (IPA, Latin Extended-C, Arabic Extended-A) from one
# script to another and change those.


def letter_script(ch: str) -> str:
    """The script of one letter by code point: arabic, hebrew, cyrillic, greek, hangul, han, latin or other."""
    code = ord(ch)
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arabic"
    if 0x0590 <= code <= 0x05FF:
        return "hebrew"
    if 0x0400 <= code <= 0x052F:
        return "cyrillic"
    if 0x0370 <= code <= 0x03FF:
        return "greek"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
        return "hangul"
    if 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF:
        return "han"
    if code < 0x0250 or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    return "other"


def dominant_script(text: str) -> str:
    """ "dense" for Han/kana/hangul text, else the most common script of its letters (story features)."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            script = letter_script(ch)
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return ""
    best = max(counts, key=counts.__getitem__)
    return "dense" if best in ("han", "hangul") else best


def first_letter_script(text: str) -> str:
    """``latin``, ``cyrillic``, ``arabic`` or ``other``: the script of the first letter, by its Unicode name
    (entity keys: every Latin, Cyrillic or Arabic block counts, so a name's keys follow its script)."""
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            if name.startswith("LATIN"):
                return "latin"
            if name.startswith("CYRILLIC"):
                return "cyrillic"
            if name.startswith("ARABIC"):
                return "arabic"
            return "other"
    return "other"


def uniform_script(name: str) -> str | None:
    """ "arabic", "cyrillic", "latin", "han", "hangul" or "thai" when all of ``name``'s letters are in that script's main block; None
    otherwise (the analysis gazetteer: a place is sought in the texts of its script only).

    Latin names must start with a capital: in a cased script "nice" is not Nice.
    """
    letters = [ch for ch in name if ch.isalpha()]
    if not letters:
        return None
    if all("\u0600" <= ch <= "\u06ff" for ch in letters):
        return "arabic"
    if all("\u0400" <= ch <= "\u04ff" for ch in letters):
        return "cyrillic"
    if all(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in letters) and name[0].isupper():
        return "latin"
    # Scripts without capitals or spaces: their names are sought as substrings (rashomon.analyze.mentions).
    if all("\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in letters):
        return "han"
    if all("\uac00" <= ch <= "\ud7af" for ch in letters):
        return "hangul"
    if all("\u0e00" <= ch <= "\u0e7f" for ch in letters):
        return "thai"
    return None


# ---------------------------------------------------------------- transliteration

TRANSLIT_FILE = "translit.tsv"
# The table's schemes (its columns after script and letter); see the file's header for why there are two.
TRANSLIT_SCHEMES = ("keys", "names")


@cache
def translit_table(scheme: str) -> dict[str, str]:
    """letter -> Latin spelling under ``scheme`` (``lang/data/xx/translit.tsv``); letters the scheme leaves
    as they are (``-`` in its column) are absent."""
    column = 2 + TRANSLIT_SCHEMES.index(scheme)
    table: dict[str, str] = {}
    for row in read_table(lang_data_dir().joinpath("xx", TRANSLIT_FILE)):
        value = row[column] if len(row) > column else ""
        if value != "-":
            table[row[1]] = value
    return table


def romanise(text: str, scheme: str) -> str:
    """``text`` with every letter the scheme knows spelled in Latin; other characters as they are."""
    table = translit_table(scheme)
    return "".join(table.get(ch, ch) for ch in text)


# ---------------------------------------------------------------- words
#
# What a word is depends on what it is for; each pattern says for what. They are kept apart where merging
# them would change what a stage finds (an underscore, a trailing hyphen, a dot inside "U.S.").

# Letters of the scripts written without spaces between words (Han, kana, Thai): each is a word of its own
# for the patterns below, so word counts, cue lists and word boundaries work there without a segmenter (a
# two-character Chinese word is two "words", and a cue "表示" is matched as the pair). Thai vowel and tone
# marks are no \w, so a Thai letter is a word with the marks after it.
UNSPACED_LETTERS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f"
_UNSPACED_WORD = f"[{UNSPACED_LETTERS}][\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]*"
# \w without the unspaced letters.
_SPACED = rf"(?:(?![{UNSPACED_LETTERS}])\w)"
_SPACED_LETTER = rf"(?:(?![{UNSPACED_LETTERS}])[^\W_])"

# A word with its contraction ("don't", "l'armée") or a lone "n't": cue words and stems of claims and of the
# stance model.
CONTRACTED_WORD = re.compile(rf"{_SPACED}+(?:['’]{_SPACED}+)?|n't|{_UNSPACED_WORD}", re.UNICODE)
# A word with inner hyphens and apostrophes ("so-called", "aujourd'hui"): persuasion cues and word counts.
HYPHENATED_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)
# The same of letters and digits only, no underscore: words around a quote (speaker phrases, roles).
LETTER_WORD = re.compile(rf"{_SPACED_LETTER}+(?:[-'’]{_SPACED_LETTER}+)*|{_UNSPACED_WORD}", re.UNICODE)
# A name's word, with inner hyphens, apostrophes and dots ("ez-Zor", "U.S."); a final dot only after a one- or
# two-letter piece ("U.S.", "EE.UU."): mentions and the gazetteer's names.
NAME_WORD = re.compile(r"\w+(?:[-'’.]\w+)*(?:(?<=\.\w)\.|(?<=\.\w\w)\.)?", re.UNICODE)
# Statement tokens keep punctuation (a clause break ends a negation's scope) and split English "n't" off.
_STATEMENT_TOKEN = re.compile(r"n't|\w+['’](?=\w)|\w+|[^\w\s]", re.UNICODE)
_NT = re.compile(r"(\w)n['’]t\b", re.IGNORECASE)


def statement_tokens(text: str, *, split_nt: bool) -> list[str]:
    """Case-folded words and punctuation of a statement; with ``split_nt`` (a trait of English, see
    ``rashomon.lang.defaults``) "n't" is split off ("didn't" -> "did", "n't")."""
    text = text.casefold().replace("’", "'")
    if split_nt:
        text = _NT.sub(r"\1 n't", text)
    return _STATEMENT_TOKEN.findall(text)


# ---------------------------------------------------------------- published dates


def published_datetime(published: str | None, *, day_prefix: bool = False) -> datetime | None:
    """The moment an ISO 8601 ``published`` string names (aware when it gives an offset), or None.

    A final "Z" is UTC, after a date alone too ("2017-10-15Z", which ``fromisoformat`` refuses).
    ``day_prefix``: a string that is not ISO 8601 as a whole but starts with a date ("2017-10-15 evening")
    gives that day at midnight (story features and ingest's normalisation accept such dates).
    """
    if not published:
        return None
    text = published.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        if not day_prefix:
            return None
    try:
        return datetime.combine(date.fromisoformat(text[:10]), time())
    except ValueError:
        return None


def published_date(published: str | None) -> date | None:
    """The calendar day a published string starts with, as the article dates itself (no time zone applied):
    what "yesterday" in its text counts from."""
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None
