"""Recognise a line that is nothing but a date ("Sun Oct 15, 2017 11:03AM").

dateparser reads such lines well but costs 1-15 ms a call (hundreds on the first
call for a language), too much for a step that runs on every article's head. So a
strict tokenizer decides here: every token of the line must be a number, a month
or weekday name, a time, or a dateline word, and the line must name a day, a
month and a year. Month and weekday names come from dateparser's locale data
(no need to keep our own copies); dateline words ("Published", "mis à jour")
come from ``rashomon/clean/data/<code>/dateline.txt``. dateparser itself is asked
only to settle the day/month order of an all-numeric date ("10/11/2017"), and
only when the article's language is known.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from dataclasses import dataclass
from functools import cache

from rashomon.resources import LANGUAGE_NEUTRAL, data_codes, package_data_dir, read_data_files
from rashomon.text import fold

DATELINE_FILE = "dateline.txt"

# A dateline is short; anything longer is a sentence that mentions a date.
MAX_DATELINE = 90
_EARLIEST_YEAR, _LATEST_YEAR = 1900, 2100

_MONTH_KEYS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Token kinds, tried in this order at each position. Full dates come before
# times and numbers so "2017-10-15" is not read as three numbers.
_TOKEN_PATTERNS = (
    ("iso", r"\d{4}-\d{1,2}-\d{1,2}(?:T\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)"),
    ("ymd", r"\d{4}[/.]\d{1,2}[/.]\d{1,2}(?!\d)"),
    ("cjk", r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"),
    ("dmy", r"\d{1,2}\.\d{1,2}\.\d{4}(?!\d)"),  # dotted numeric dates put the day first
    ("numeric", r"\d{1,2}[/-]\d{1,2}[/-]\d{4}(?!\d)"),
    ("time", r"\d{1,2}(?::\d{2}){1,2}(?:\s*[ap]\.?\s?m\b\.?)?|\d{1,2}\s?h\s?\d{2}(?!\d)|\d{1,2}\s*[ap]\.?m\b\.?"),
    ("offset", r"(?:gmt|utc)\s?[+-]\s?\d{1,2}(?::?\d{2})?(?!\d)|[+-]\d{2}:?\d{2}(?!\d)"),
    ("number", r"\d{1,4}(?:st|nd|rd|th|er|e|ème|º|\.)?(?![^\W_])"),
    ("word", r"[^\W\d_]+(?:['’][^\W\d_]+)?\.?"),
    ("separator", r"[\s,;|/()\[\]·•–—:.\-،]+"),
)


# Between the parts of a line carrying two dates ("Publié le ... - Mis à jour le ...").
_PART_SEPARATOR = re.compile(r"\s[|•·–—-]\s")


@dataclass(frozen=True)
class Dateline:
    """What a dateline says: a date, or an all-numeric date whose order is unclear."""

    date: dt.date | None
    ambiguous: tuple[int, int, int] | None = None  # (first, second, year) of "10/11/2017"


@dataclass(frozen=True)
class DateVocabulary:
    months: dict[str, frozenset[int]]  # folded name -> the months it can mean
    weekdays: frozenset[str]
    words: frozenset[str]  # labels, connectors, am/pm, time zones
    tokenizer: re.Pattern[str]


def parse_dateline(line: str) -> Dateline | None:
    """The date a line consists of, or None when the line is anything more."""
    if len(line) > MAX_DATELINE or not any(ch.isdigit() for ch in line):
        return None
    found = _parse_whole(line)
    if found is not None:
        return found
    # "Published 15 Oct 2017 | Updated 16 Oct 2017": each part a dateline, the first wins.
    parts = [part for part in _PART_SEPARATOR.split(line) if part.strip()]
    if len(parts) < 2:
        return None
    parsed = [_parse_whole(part) for part in parts]
    if any(result is None for result in parsed):
        return None
    return parsed[0]


def resolve_ambiguous(first: int, second: int, year: int, language: str | None) -> dt.date | None:
    """Settle "10/11/2017" by the conventions of ``language``; None without one."""
    if not language:
        return None
    try:
        import dateparser
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    try:
        parsed = dateparser.parse(
            f"{first}/{second}/{year}",
            languages=[language],
            settings={"PREFER_DATES_FROM": "past", "STRICT_PARSING": True},
        )
    except (ValueError, KeyError):  # an unknown language code
        return None
    return parsed.date() if parsed else None


def _parse_whole(line: str) -> Dateline | None:
    tokens = _tokenize(line, date_vocabulary())
    if tokens is None:
        return None
    return _read_tokens(tokens, date_vocabulary())


def _tokenize(line: str, vocab: DateVocabulary) -> list[tuple[str, str]] | None:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(line):
        found = vocab.tokenizer.match(line, pos)
        if found is None or found.end() == pos:
            return None
        kind = found.lastgroup or ""
        if kind != "separator":
            tokens.append((kind, found.group()))
        pos = found.end()
    return tokens


def _read_tokens(tokens: list[tuple[str, str]], vocab: DateVocabulary) -> Dateline | None:
    full_dates: list[dt.date | None] = []
    ambiguous: list[tuple[int, int, int]] = []
    numbers: list[str] = []
    month_words: list[tuple[frozenset[int], bool]] = []
    for kind, text in tokens:
        if kind in ("iso", "ymd", "cjk", "dmy"):
            full_dates.append(_full_date(kind, text))
        elif kind == "numeric":
            first, second, year = (int(n) for n in re.findall(r"\d+", text))
            ambiguous.append((first, second, year))
        elif kind == "number":
            numbers.append(re.match(r"\d+", text).group())  # type: ignore[union-attr]
        elif kind in ("word", "phrase"):
            word = " ".join(fold(text, keep_accents=True).rstrip(".").split())
            months = vocab.months.get(word)
            if months:
                month_words.append((months, word in vocab.weekdays))
            elif word not in vocab.weekdays and word not in vocab.words:
                return None
    if full_dates or ambiguous:
        return _single_numeric_date(full_dates, ambiguous, numbers, month_words)
    return _date_from_parts(numbers, month_words)


def _full_date(kind: str, text: str) -> dt.date | None:
    numbers = [int(n) for n in re.findall(r"\d+", text)[:3]]
    year, month, day = numbers if kind != "dmy" else (numbers[2], numbers[1], numbers[0])
    return _valid_date(year, month, day)


def _single_numeric_date(
    full_dates: list[dt.date | None],
    ambiguous: list[tuple[int, int, int]],
    numbers: list[str],
    month_words: list[tuple[frozenset[int], bool]],
) -> Dateline | None:
    if numbers or any(not is_weekday for _, is_weekday in month_words):
        return None
    if full_dates and not ambiguous:
        first_date = full_dates[0]
        return Dateline(first_date) if first_date is not None and all(d == first_date for d in full_dates) else None
    if full_dates or len(ambiguous) != 1:
        return None
    first, second, year = ambiguous[0]
    if first > 12:
        return _dateline_or_none(_valid_date(year, second, first))
    if second > 12 or first == second:
        return _dateline_or_none(_valid_date(year, first, second))
    if not _EARLIEST_YEAR <= year <= _LATEST_YEAR:
        return None
    return Dateline(None, ambiguous=(first, second, year))


def _date_from_parts(numbers: list[str], month_words: list[tuple[frozenset[int], bool]]) -> Dateline | None:
    month = _the_month(month_words)
    years = [int(n) for n in numbers if len(n) == 4]
    days = [int(n) for n in numbers if len(n) <= 2]
    if month is None or len(years) != 1 or len(days) != 1 or len(years) + len(days) != len(numbers):
        return None
    return _dateline_or_none(_valid_date(years[0], month, days[0]))


def _the_month(month_words: list[tuple[frozenset[int], bool]]) -> int | None:
    """The one month the words name. A word that can also be a weekday ("mar" is
    March in English and Tuesday in French) counts only when nothing else names one."""
    definite = {m for months, is_weekday in month_words if not is_weekday for m in months}
    if not definite:
        definite = {m for months, _ in month_words for m in months}
    return next(iter(definite)) if len(definite) == 1 else None


def _valid_date(year: int, month: int, day: int) -> dt.date | None:
    if not _EARLIEST_YEAR <= year <= _LATEST_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _dateline_or_none(date: dt.date | None) -> Dateline | None:
    return Dateline(date) if date is not None else None


@cache
def date_vocabulary() -> DateVocabulary:
    codes = [code for code in data_codes(package_data_dir("clean"), DATELINE_FILE) if code != LANGUAGE_NEUTRAL]
    months: dict[str, set[int]] = {}
    weekdays: set[str] = set()
    words: set[str] = set()
    for code in codes:
        _add_locale_names(code, months, weekdays, words)
    for line in read_data_files(package_data_dir("clean"), DATELINE_FILE):
        entry = fold(line.value, keep_accents=True).rstrip(".")
        if line.section == "months":
            number, _, name = line.value.partition(" ")
            months.setdefault(fold(name.strip(), keep_accents=True).rstrip("."), set()).add(int(number))
        elif line.section == "weekdays":
            weekdays.add(entry)
        else:
            words.add(entry)
    phrases = sorted((w for w in [*months, *weekdays, *words] if " " in w), key=len, reverse=True)
    return DateVocabulary(
        months={name: frozenset(numbers) for name, numbers in months.items()},
        weekdays=frozenset(weekdays),
        words=frozenset(words),
        tokenizer=_build_tokenizer(phrases),
    )


def _build_tokenizer(phrases: list[str]) -> re.Pattern[str]:
    # Names of several words ("mis à jour", "تشرين الأول") are single tokens,
    # tried before the single-word pattern would split them.
    alternatives = [f"(?P<{kind}>{pattern})" for kind, pattern in _TOKEN_PATTERNS]
    if phrases:
        spelled = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
        alternatives.insert(0, rf"(?P<phrase>(?:{spelled}))(?![^\W_])")
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _add_locale_names(code: str, months: dict[str, set[int]], weekdays: set[str], words: set[str]) -> None:
    """Month and weekday names, am/pm and filler words from dateparser's locale data."""
    try:
        info = importlib.import_module(f"dateparser.data.date_translation_data.{code}").info
    except ImportError:
        return
    for number, key in enumerate(_MONTH_KEYS, start=1):
        for name in info.get(key, []):
            months.setdefault(fold(name, keep_accents=True).rstrip("."), set()).add(number)
    for key in _WEEKDAY_KEYS:
        weekdays.update(fold(name, keep_accents=True).rstrip(".") for name in info.get(key, []))
    for key in ("am", "pm", "skip"):
        words.update(fold(w, keep_accents=True).rstrip(".") for w in info.get(key, []) if any(ch.isalpha() for ch in w))
