"""Dates: absolute, weekday and relative date expressions, resolved to ISO values.

Candidates are found with per-language patterns built from
``rashomon/lang/data/<code>/dates.txt`` (month and weekday names, relative
phrases, year cues) and resolved by this module against the publication date.
The patterns already name the day, month and year, so a general parser
(dateparser) would only add start-up time and guesses.

Values and choices:

* ``"October 15, 2017"``, ``"15 octobre 2017"``, ``"15.10.2017"`` -> ``"2017-10-15"``.
* A date without a year (``"June 6"``) takes the publication year, or the year
  before when that would put it more than ``FUTURE_DAYS`` after publication
  (news announces events a few weeks ahead, but a distant "future" date is
  almost always last year's), or the year after when it would be more than
  ``PAST_DAYS`` before it (late December mentioning "January 3").
  No publication date: value None.
* A month with a year (``"October 2017"``) -> ``"2017-10"``; a bare year -> ``"2014"``
  (ISO partial dates). A bare year is a date when a cue word stands before it
  ("in 2014", "depuis 2011", "в 2014 году") or when it lies in ``YEAR_RANGE``:
  quantities never count those as numbers, so every such year is reported here.
* Weekdays ("on Sunday", "dimanche", "el domingo") -> the most recent such day on
  or before publication; with "last"/"dernier"/"pasado"... strictly before, with
  "next"/"prochain"... strictly after. ``relative=True``.
* Relative phrases: days ("yesterday", "hier", "вчера") -> that day; weeks
  ("last week") -> the Monday of that week; months ("last month") -> ``"YYYY-MM"``;
  years ("last year") -> ``"YYYY"``. ``relative=True``; value None without a
  publication date.

Times of day are not dates here (quantities keeps them from being counted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from rashomon.analyze.doc import AnalysisDoc
from rashomon.model import DateMention
from rashomon.resources import data_lines, valued_words
from rashomon.text import UNSPACED_LETTERS

NEUTRAL = "xx"
# A yearless date this far after publication is taken from the year before.
FUTURE_DAYS = 60
# ... and this far before publication from the year after.
PAST_DAYS = 305
# Four-digit numbers in this range are years, cue word or not.
YEAR_RANGE = (1990, 2030)
# A cued bare year must lie in this range ("in 1945", not "in 5000 cases").
CUED_YEAR_RANGE = (1800, 2099)

# Word edges that work for every script; \b would split "г." or "Oct.". In the scripts without spaces every
# letter is a word (rashomon.text), so an edge may touch one ("在2020年").
_L = rf"(?:(?<!\w)|(?<=[{UNSPACED_LETTERS}]))"
_R = rf"(?:(?!\w)|(?=[{UNSPACED_LETTERS}]))"


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    value: str | None
    relative: bool
    # An uncued year outside YEAR_RANGE: kept only when linked to a date year
    # ("desde 1955 a 1979", "1914-1918").
    weak: bool = False


def _alternation(words) -> str:
    # Longest first, so that "sept" never cuts "septembre" short; inner spaces
    # match any run of whitespace.
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(part) for part in w.split()) for w in ordered)


def _sections(code: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    for c in (NEUTRAL, code) if code != NEUTRAL else (NEUTRAL,):
        for line in data_lines(c, "dates.txt"):
            sections.setdefault(line.section, []).append(line.value)
    return sections


class _Language:
    """One language's compiled date patterns (built once per process)."""

    def __init__(self, code: str):
        s = _sections(code)
        self.months = valued_words(s.get("months", []), int)
        self.weekdays = valued_words(s.get("weekdays", []), int)
        self.weekday_abbr = valued_words(s.get("weekday-abbreviations", []), int)
        self.before = {w.lower() for w in s.get("weekday-before", [])}
        self.after = {w.lower() for w in s.get("weekday-after", [])}
        self.weekday_prefixes = [w.lower() for w in s.get("weekday-prefixes", [])]
        self.relative = {
            unit: valued_words(s.get(f"relative-{unit}", []), int) for unit in ("days", "weeks", "months", "years")
        }
        # The language's own options come after the neutral ones and override them.
        options = dict(line.split(None, 1) for line in s.get("options", []))
        self.order = options.get("order", "dmy")
        # Thai papers count years in the Buddhist era (2563 = 2020): added to a year past 2400.
        self.year_offset = int(options.get("year-offset", "0"))
        # English and German always capitalise months; lower case "may 5" is a verb.
        self.capitalised_months = options.get("months") == "capitalised"
        clitics = s.get("clitics", [])
        # Arabic glues conjunctions to the next word ("وأمس"): allow one before a date word.
        left = _L if not clitics else rf"(?:{_L}|(?<=(?<!\w)[{''.join(clitics)}]))"
        self.patterns: list[tuple[str, re.Pattern]] = []
        flags = re.IGNORECASE
        day_suffix = _alternation(s.get("day-suffixes", []))
        day_links = _alternation(s.get("day-month-links", []))
        month_year_links = _alternation(s.get("month-year-links", []))
        year_suffix = _alternation(s.get("year-suffixes", []))
        wd_all = _alternation(list(self.weekdays) + list(self.weekday_abbr))
        day = r"(?P<d>[0-3]?\d)(?!\d)" + (rf"(?:{day_suffix})?" if day_suffix else "")
        year = r"(?P<y>\d{4})(?!\d)" + (rf"(?:\s*(?:{year_suffix}){_R})?" if year_suffix else "")
        my_link = rf"(?:,?\s+(?:(?:{month_year_links})\s+)?)" if month_year_links else r"(?:,?\s+)"
        weekday_lead = rf"(?:(?P<wd>{wd_all})\.?,?\s+(?:the\s+)?)?" if wd_all else ""
        if self.months:
            # Only an abbreviation ("Oct.", "sept.") takes a dot; after a full name
            # the dot ends the sentence ("before March 15." / "7 ноября. Однако").
            abbreviations = [a for a in self.months if any(f != a and f.startswith(a) for f in self.months)]
            full = [f for f in self.months if f not in abbreviations]
            dotted = rf"(?:{_alternation(abbreviations)})\.?|" if abbreviations else ""
            month = rf"(?P<m>{dotted}{_alternation(full)})"
            # Arabic papers gloss one month name with another: "15 أكتوبر (تشرين الأول) 2017".
            gloss = rf"(?:\s*\((?:{_alternation(self.months)})\))?"
            dm_link = rf"\s*(?:(?:{day_links})\s+)*" if day_links else r"\s*"
            # "15 octobre 2017", "15. Oktober", "15 de octubre de 2017", "15 تشرين الأول"
            dmy = rf"{left}{weekday_lead}{day}{dm_link}{month}(?!\w){gloss}(?:{my_link}{year})?"
            self.patterns.append(("dmy", re.compile(dmy, flags)))
            # "October 15, 2017", "Sun Oct 15, 2017", "June 6"
            self.patterns.append(
                (
                    "mdy",
                    re.compile(
                        rf"{left}{weekday_lead}{month}\s*(?P<d>[0-3]?\d)(?!\d)(?:st|nd|rd|th)?{_R}(?:,?\s+{year})?",
                        flags,
                    ),
                )
            )
            # "October 2017", "в октябре 2017 года"
            self.patterns.append(("my", re.compile(rf"{left}{month}{_R}{my_link}{year}", flags)))
        self.patterns.append(
            (
                "numeric",
                re.compile(
                    r"(?<![\d./-])(?:(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
                    r"|(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<ny>\d{4}|\d{2}))(?![\d]|[./]\d)"
                ),
            )
        )
        marks = [_alternation(s.get(f"{unit}-marks", [])) for unit in ("year", "month", "day")]
        if all(marks):
            # Dates written with unit marks after the numbers: "2020年3月12日", "2020년 3월 12일".
            y_mark, m_mark, d_mark = marks
            self.patterns.append(
                (
                    "marked",
                    re.compile(
                        rf"(?<!\d)(?:(?P<y>\d{{4}})\s*(?:{y_mark})\s*)?(?P<mn>1[0-2]|0?[1-9])\s*(?:{m_mark})"
                        rf"(?:\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*(?:{d_mark}))?"
                    ),
                )
            )
        if self.weekdays:
            mods = _alternation(self.before | self.after)
            wd = rf"(?P<w>{_alternation(self.weekdays)}){_R}"
            before = rf"(?:(?P<mb>{mods})\s+)?" if mods else ""
            after = rf"(?:\s+(?P<ma>{mods}){_R})?" if mods else ""
            prefix = ""
            if self.weekday_prefixes:
                prefix = rf"(?:(?P<pre>{_alternation(self.weekday_prefixes)})\s+)"
            if options.get("weekday") == "needs-prefix":
                # Spanish weekdays are also names ("Plácido Domingo"): one counts only
                # after a prefix ("el domingo") or before a modifier ("domingo pasado").
                self.patterns.append(("weekday", re.compile(rf"{left}{prefix}{before}{wd}{after}", flags)))
                self.patterns.append(("weekday", re.compile(rf"{left}{wd}\s+(?P<ma>{mods}){_R}", flags)))
            else:
                optional = f"{prefix}?" if prefix else ""
                self.patterns.append(("weekday", re.compile(rf"{left}{optional}{before}{wd}{after}", flags)))
        for unit, phrases in self.relative.items():
            if phrases:
                self.patterns.append((f"rel-{unit}", re.compile(rf"{left}(?P<r>{_alternation(phrases)}){_R}", flags)))
        habitual = _alternation(s.get("weekday-habitual", []))
        # "every Tuesday" is a habit, not a day.
        self.habitual = re.compile(rf"{_L}(?:{habitual})\s+$", re.IGNORECASE) if habitual else None
        self.year_link = re.compile(rf"\s*(?:{_alternation(s.get('year-links', []))})\s*", re.IGNORECASE)
        cues = _alternation(s.get("year-cues", []))
        cue = rf"(?:(?P<cue>{cues})\s+)?" if cues else ""
        self.patterns.append(
            (
                "year",
                re.compile(
                    rf"{left}{cue}(?<![\d.,])(?P<y>\d{{4}})(?![\d]|[.,]\d)"
                    + (rf"(?:\s*(?P<ys>{year_suffix}){_R})?" if year_suffix else ""),
                    flags,
                ),
            )
        )


@lru_cache(maxsize=None)
def _language(code: str) -> _Language:
    # A language without a dates.txt still gets numeric dates and years.
    return _Language(code)


def _month_key(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).rstrip(".")


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _yearless(m: int, d: int, published: date | None) -> str | None:
    if published is None:
        return None
    when = _valid(published.year, m, d)
    if when is None:
        # 29 February of a non-leap publication year: try the neighbours.
        when = _valid(published.year - 1, m, d) or _valid(published.year + 1, m, d)
        return when.isoformat() if when else None
    if (when - published).days > FUTURE_DAYS:
        when = _valid(when.year - 1, m, d)
    elif (published - when).days > PAST_DAYS:
        when = _valid(when.year + 1, m, d)
    return when.isoformat() if when else None


def _weekday(target: int, published: date | None, direction: str) -> str | None:
    if published is None:
        return None
    if direction == "after":
        ahead = (target - published.isoweekday()) % 7 or 7
        return (published + timedelta(days=ahead)).isoformat()
    back = (published.isoweekday() - target) % 7
    if direction == "before" and back == 0:
        back = 7
    return (published - timedelta(days=back)).isoformat()


def _shift_month(published: date, months: int) -> str:
    index = published.year * 12 + published.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _relative(unit: str, offset: int, published: date | None) -> str | None:
    if published is None:
        return None
    if unit == "days":
        return (published + timedelta(days=offset)).isoformat()
    if unit == "weeks":
        monday = published - timedelta(days=published.weekday())
        return (monday + timedelta(weeks=offset)).isoformat()
    if unit == "months":
        return _shift_month(published, offset)
    return f"{published.year + offset:04d}"


def _year(y: str, lang: _Language) -> int:
    """A written four-digit year in the common era (``year-offset`` for a calendar such as the Buddhist era)."""
    year = int(y)
    return year + lang.year_offset if lang.year_offset and year > 2400 else year


def _full_year(y: str) -> int:
    year = int(y)
    return year + 2000 if len(y) == 2 else year


def _resolve(kind: str, m: re.Match, lang: _Language, published: date | None) -> _Found | None:
    g = m.groupdict()
    start, end = m.span()
    if kind in ("dmy", "mdy", "my") and lang.capitalised_months and g["m"][0].islower():
        return None
    if kind in ("dmy", "mdy"):
        month = lang.months[_month_key(g["m"])]
        day = int(g["d"])
        if not 1 <= day <= 31:
            return None
        if g.get("y"):
            when = _valid(_year(g["y"], lang), month, day)
            return _Found(start, end, when.isoformat(), False) if when else None
        if _valid(2000, month, day) is None:  # 2000 is leap: only impossible days fail
            return None
        return _Found(start, end, _yearless(month, day, published), False)
    if kind == "marked":
        month, year = int(g["mn"]), g.get("y")
        if g.get("d"):
            day = int(g["d"])
            if year:
                when = _valid(_year(year, lang), month, day)
                return _Found(start, end, when.isoformat(), False) if when else None
            if _valid(2000, month, day) is None:
                return None
            return _Found(start, end, _yearless(month, day, published), False)
        # A month without a year or a day ("3月") is as often a duration as a date.
        return _Found(start, end, f"{_year(year, lang):04d}-{month:02d}", False) if year else None
    if kind == "my":
        month = lang.months[_month_key(g["m"])]
        return _Found(start, end, f"{_year(g['y'], lang):04d}-{month:02d}", False)
    if kind == "numeric":
        if g.get("iy"):
            when = _valid(int(g["iy"]), int(g["im"]), int(g["id"]))
        else:
            a, b, y = int(g["a"]), int(g["b"]), _full_year(g["ny"])
            d_, m_ = (b, a) if lang.order == "mdy" else (a, b)
            if m_ > 12 and d_ <= 12:
                d_, m_ = m_, d_
            when = _valid(y, m_, d_)
        return _Found(start, end, when.isoformat(), False) if when else None
    if kind == "weekday":
        if lang.habitual and lang.habitual.search(m.string, max(0, start - 20), start):
            return None
        target = lang.weekdays[g["w"].lower()]
        mod = (g.get("mb") or g.get("ma") or "").lower()
        mod = re.sub(r"\s+", " ", mod)
        direction = "before" if mod in lang.before else "after" if mod in lang.after else "on-or-before"
        if g.get("pre") and g["pre"].lower() not in ("يوم",):
            # Articles and determiners ("el", "este") are not part of the expression.
            start = m.start("pre") + len(g["pre"])
            start += len(m.string[start:end]) - len(m.string[start:end].lstrip())
        return _Found(start, end, _weekday(target, published, direction), True)
    if kind.startswith("rel-"):
        unit = kind[4:]
        offset = lang.relative[unit][re.sub(r"\s+", " ", g["r"].lower())]
        return _Found(m.start("r"), m.end("r"), _relative(unit, offset, published), True)
    if kind == "year":
        year = _year(g["y"], lang)
        cued = bool(g.get("cue") or g.get("ys"))
        if YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            return _Found(m.start("y"), end, f"{year:04d}", False)
        if CUED_YEAR_RANGE[0] <= year <= CUED_YEAR_RANGE[1]:
            return _Found(m.start("y"), end, f"{year:04d}", False, weak=not cued)
        return None
    return None


@lru_cache(maxsize=8)
def _find(text: str, language: str, published: date | None) -> tuple[_Found, ...]:
    # Cached because quantities asks for the same spans (to leave dates alone)
    # just before find_dates runs on the same document.
    lang = _language(language)
    found: list[_Found] = []
    for kind, pattern in lang.patterns:
        for m in pattern.finditer(text):
            hit = _resolve(kind, m, lang, published)
            if hit is not None and hit.end > hit.start:
                found.append(hit)
    # Earlier, then longer wins: a full date swallows its weekday and its year.
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[_Found] = []
    for f in found:
        if kept and f.start < kept[-1].end:
            continue
        if f.weak:
            prev = kept[-1] if kept else None
            linked = prev and prev.value and len(prev.value) == 4 and lang.year_link.fullmatch(text, prev.end, f.start)
            if not linked:
                continue
            f = _Found(f.start, f.end, f.value, f.relative)
        kept.append(f)
    return tuple(kept)


def date_spans(doc: AnalysisDoc) -> list[tuple[int, int]]:
    """Cleaned-text spans of every date expression (for other components to avoid)."""
    return [(f.start, f.end) for f in _find(doc.text, doc.language, doc.published)]


def find_dates(doc: AnalysisDoc) -> None:
    doc.dates = [
        DateMention(start=f.start, end=f.end, text=doc.text[f.start : f.end], value=f.value, relative=f.relative)
        for f in _find(doc.text, doc.language, doc.published)
    ]
