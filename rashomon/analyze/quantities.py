"""Quantities: the numbers an article states, with what they count.

Per-language data (``rashomon/lang/data/<code>/numbers.txt``, over the neutral
``xx`` file) gives digit grouping, scale words ("million", "млн"), number words,
approximation and bound cues, range patterns and the words that end a counted
phrase. Number words are valued by text2num where the file's ``[options]`` say
``text2num yes`` and by a small additive parser over the file's values elsewhere (ru, ar).

What a quantity is:

* ``value`` is the number as written, scaled ("1.5 million" -> 1_500_000.0).
* A range ("between 200 and 300", "200-300", "от 200 до 300") has ``value=None``
  and ``low``/``high``.
* "about", "environ", "около"... set ``approximate``. Bounds keep the value and
  set one side: "more than 200" -> ``value=200, low=200``; "up to 200" ->
  ``value=200, high=200``. The cue is part of the span.
* ``counted`` is what follows the number: from the spaCy parse when the document
  has one (the noun chunk that holds or follows the number, else the noun the
  number modifies), else a rule (up to ``MAX_COUNTED_WORDS`` words, ending at
  punctuation or a stop word). Percentages count ``"%"``.

Not quantities: years (four plain digits in ``dates.YEAR_RANGE``), anything inside
a date expression (the date finder's spans, shared through its cache), clock
times, codes glued to letters ("COVID-19", "5G", "F-16"), ordinals ("1st",
"15.", "3-й"), long digit strings and phone numbers, numbers of more than
``rashomon.bounds.MAX_NUMBER_DIGITS`` digits, and a lone "one"/"un"/"ein"
(an article or pronoun far more often than a count).
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rashomon.analyze.dates import YEAR_RANGE, date_spans
from rashomon.analyze.doc import AnalysisDoc
from rashomon.bounds import MAX_NUMBER_DIGITS, MAX_NUMBER_WORDS
from rashomon.model import Quantity
from rashomon.resources import data_lines, valued_words
from rashomon.text import UNSPACED_LETTERS

NEUTRAL = "xx"
MAX_COUNTED_WORDS = 4
# Plain digit strings this long are identifiers, not counts ("Media ID: 55385332").
MAX_PLAIN_DIGITS = 6
# A counted phrase from the parse longer than this is a parse gone astray.
MAX_PARSED_COUNTED_TOKENS = 6
# How far back to look for "about", "more than", "between"...
CUE_WINDOW = 40

# Same-length replacements, so positions in the normalised text are positions in
# the document: Arabic-Indic and Persian digits, their separators, and every
# kind of space that groups thousands.
_NORMALISE = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        "\u066c": ",",
        "\u066b": ".",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2007": " ",
    }
)
# "3,000 of the civilians": the parse path skips one linking word.
_OF = re.compile(r"of\s", re.IGNORECASE)
_SEPARATORS = {"comma": ",", "period": ".", "space": " "}
# In the scripts without spaces every letter is a word (rashomon.text): an edge may touch one ("有3人").
_L = rf"(?:(?<!\w)|(?<=[{UNSPACED_LETTERS}]))"
_R = rf"(?:(?!\w)|(?=[{UNSPACED_LETTERS}]))"
_WORD = re.compile(r"[ \t]*([^\W\d_][\w'’-]*)")
# Letters a counter may be glued to a number with: the scripts without spaces, and Hangul ("7,869명").
_GLUED_COUNTER = re.compile(f"[{UNSPACED_LETTERS}\uac00-\ud7af]")
_CLOCK = re.compile(r"\d{1,2}[:h]\d{2}")
# Phone numbers, and numbers joined by slashes ("01/53427-275", "4/2020").
_PHONE = re.compile(
    r"\+\d[\d ()-]{6,}\d"  # +7 495 123-45-67
    r"|(?<!\d)\d{2,4}(?:-\d{2,4}){2,}(?!\d)"  # 123-45-67
    r"|(?<![\d,.])0\d{1,4}[ /-]\d{3,}"  # 0211 8700
    # Only from the first digit of a run: tried inside a long digit string, \d+ backtracked over the
    # rest of it at every position (a 40,000-digit string took 40 s).
    r"|(?<!\d)\d+(?:/\d+)+(?:-\d+)?"  # 01/53427-275, 4/2020
)


def _alternation(words) -> str:
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(part) for part in w.split()) for w in ordered)


class _Language:
    """One language's compiled number patterns and word lists (built once per process)."""

    def __init__(self, code: str):
        own: dict[str, list[str]] = {}
        for line in data_lines(code, "numbers.txt") if code != NEUTRAL else ():
            own.setdefault(line.section, []).append(line.value)
        s: dict[str, list[str]] = {}
        for line in data_lines(NEUTRAL, "numbers.txt"):
            s.setdefault(line.section, []).append(line.value)
        for section, values in own.items():
            # A language's format replaces the neutral one; every other list adds to it.
            s[section] = values if section == "format" else s.get(section, []) + values
        self.code = code
        fmt = [line.split() for line in s.get("format", [])]
        thousands = "".join(re.escape(_SEPARATORS[v]) for k, v in fmt if k == "thousands")
        decimal = next((_SEPARATORS[v] for k, v in fmt if k == "decimal"), ".")
        self.thousands = {_SEPARATORS[v] for k, v in fmt if k == "thousands"}
        self.decimal = decimal
        options = dict(line.split(None, 1) for line in s.get("options", []))
        self.ends_on = options.get("counted-ends-on", "")
        self.max_counted = int(options.get("counted-max-words", MAX_COUNTED_WORDS))
        self.ordinal_dot = options.get("ordinal-dot") == "yes"
        # text2num values this language's number words (else the additive parser over [words] does).
        self.text2num = options.get("text2num") == "yes"

        self.scales = valued_words(s.get("scales", []), float)
        glued = [w for w in self.scales if len(w) <= 2]
        spaced = [w for w in self.scales if len(w) > 2]
        percent_symbols = [p for p in s.get("percent", []) if not p[0].isalnum()]
        percent_words = [p for p in s.get("percent", []) if p[0].isalnum()]
        percent = "|".join(
            filter(
                None,
                [_alternation(percent_symbols), f"(?:{_alternation(percent_words)}){_R}" if percent_words else ""],
            )
        )
        group = ""
        if thousands:
            group = rf"\d{{1,3}}(?P<ts>[{thousands}])\d{{3}}(?:(?P=ts)\d{{3}})*(?:{re.escape(decimal)}\d+)?"
        # The other separator followed by anything but a group of three reads as a
        # decimal mark ("1.5 Millionen" in German copy written the English way).
        plain = r"\d+(?:[.,]\d+)?"
        number = f"(?:{group}|{plain})" if group else plain
        currency = _alternation(s.get("currency", []))
        # Short scale words only glued to their digits ("$5bn", "£3m"): "5 m" is metres.
        scale = "|".join(
            filter(
                None,
                [
                    f"(?:{_alternation(glued)}){_R}" if glued else "",
                    rf"\s*(?:{_alternation(spaced)}){_R}" if spaced else "",
                ],
            )
        )
        # Arabic glues "و" (and) to the next word, digits included: "ما بين 200 و300".
        glued_and = [c for c in s.get("connectors", []) if len(c) == 1 and not c.isascii()]
        left = rf"(?:(?<![\w.,])|(?<=[{UNSPACED_LETTERS}])" + (
            rf"|(?<=(?<!\w)[{''.join(glued_and)}]))" if glued_and else ")"
        )
        self.digits = re.compile(
            (rf"(?P<cur>(?:{currency})\s?)?" if currency else "")
            + rf"{left}(?P<num>{number})(?!\d)"
            + (rf"(?P<scale>{scale})?" if scale else "")
            + (rf"(?P<pct>\s*(?:{percent}))?" if percent else ""),
            re.IGNORECASE,
        )
        self.units = tuple(sorted((u.lower() for u in s.get("attached-units", [])), key=len, reverse=True))
        clock = _alternation(s.get("clock", []))
        self.clock = re.compile(rf"\s*(?:{clock})(?!\w)", re.IGNORECASE) if clock else None

        self.words = valued_words(s.get("words", []), float)
        self.glue = {w.lower() for w in s.get("glue", [])}
        stems = list(self.words) + list(self.glue)
        self.connectors = {c.lower() for c in s.get("connectors", [])}
        self.number_words = None
        if self.words:
            stem = f"(?:{_alternation(stems)})"
            prefix = rf"(?P<pc>{_alternation(glued_and)})?" if glued_and else ""
            self.number_words = re.compile(rf"{_L}{prefix}(?P<w>{stem}(?:-?{stem})*){_R}", re.IGNORECASE)
        self.connector_gap = re.compile(
            rf"\s+(?:(?:{_alternation(self.connectors)})\s+)?" if self.connectors else r"\s+", re.IGNORECASE
        )

        def cue(name: str) -> re.Pattern | None:
            words = s.get(name, [])
            return re.compile(rf"{left}(?:{_alternation(words)})\s*$", re.IGNORECASE) if words else None

        self.cues = [(kind, p) for kind in ("approximate", "at-least", "at-most") if (p := cue(kind))]
        self.ranges = []
        for range_line in s.get("ranges", []):
            prefix, middle, _ = (range_line.split("{n}") + ["", ""])[:3]
            pre = re.compile(rf"{_L}{_alternation([prefix.strip()])}\s*$", re.IGNORECASE) if prefix.strip() else None
            mid_text = middle.strip()
            mid = re.compile(rf"\s*{_alternation([mid_text])}\s*" if mid_text else r"\s+", re.IGNORECASE)
            self.ranges.append((pre, mid))
        # Patterns with a prefix first: "between 200 and 300" over "200 and 300".
        self.ranges.sort(key=lambda r: r[0] is None)
        self.stop = {w.lower() for w in s.get("stop", [])}
        self.stop_suffixes = tuple(w.lower() for w in s.get("stop-suffixes", []))
        self.plural_nouns = {w.lower() for w in s.get("plural-nouns", [])}
        labels = s.get("labels", [])
        # "Season 1", "Episode 7", "Article 5", "Resolution 2254": the number names one thing, it counts nothing.
        self.label = re.compile(rf"{_L}(?:{_alternation(labels)})\.?\s+$", re.IGNORECASE) if labels else None
        linkers = s.get("linkers", [])
        self.linker = (
            re.compile(rf"\s*(?:{_alternation(linkers)})(?:\s+|(?<=['’]))", re.IGNORECASE) if linkers else None
        )


@lru_cache(maxsize=None)
def _language(code: str) -> _Language:
    return _Language(code if data_lines(code, "numbers.txt") else NEUTRAL)


@lru_cache(maxsize=None)
def number_words(code: str) -> frozenset[str]:
    """A language's number words, lowercased ("three", "trois"), as quantity detection reads them."""
    return frozenset(_language(code).words)


@dataclass
class _Num:
    start: int
    end: int
    value: float
    raw: float  # before any scale word
    scale: float = 1.0
    percent: bool = False
    currency: str | None = None
    unit: str | None = None
    plain_digits: bool = False  # digits only, no separator, scale, sign or unit


def _parse_digits(m: re.Match, lang: _Language) -> float:
    text = m.group("num")
    if m.group("ts"):
        return float(text.replace(m.group("ts"), "").replace(lang.decimal, "."))
    return float(text.replace(",", "."))


class _Blocked:
    """Spans numbers must stay out of (dates, phone numbers), asked about in O(log n) per number."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        # reach[i]: the furthest end among the first i + 1 spans (spans may overlap one another).
        self.reach = list(itertools.accumulate((e for _, e in spans), max))
        self.start_set = set(self.starts)
        self.end_set = {e for _, e in spans}

    def overlaps(self, start: int, end: int) -> bool:
        before_end = bisect.bisect_left(self.starts, end)  # the spans starting before ``end``
        return before_end > 0 and self.reach[before_end - 1] > start

    def dash_joined(self, t: str, start: int, end: int) -> bool:
        """Whether a span ends right before a dash before ``start``, or starts right after one after ``end``."""
        return (start - 1 in self.end_set and t[start - 1] in "-–") or (end + 1 in self.start_set and t[end] in "-–")


def _digit_numbers(t: str, lang: _Language, blocked: _Blocked) -> list[_Num]:
    found = []
    for m in lang.digits.finditer(t):
        n_start, n_end = m.span("num")
        end = m.end()
        raw_text = m.group("num")
        if _rejected(t, n_start, n_end, m, lang):
            continue
        raw = _parse_digits(m, lang)
        scale = 1.0
        if m.group("scale"):
            scale = lang.scales.get(re.sub(r"\s+", " ", m.group("scale").strip().lower()), 1.0)
        unit = None
        # A letter glued to the digits makes a code ("5G"), except a counter ("80793例", "7,869명").
        if (
            not m.group("scale")
            and not m.group("pct")
            and end < len(t)
            and t[end].isalpha()
            and not _GLUED_COUNTER.match(t[end])
        ):
            unit = next(
                (u for u in lang.units if t[end : end + len(u)].lower() == u and not _is_word(t, end + len(u))), None
            )
            if unit is None:
                continue  # "5G", "1st", "3e", "2017г"
        start = m.start("cur") if m.group("cur") else n_start
        if blocked.overlaps(start, end):
            continue
        # The other end of a span of days: "Jan. 5-25", "5-25 janvier".
        if blocked.dash_joined(t, start, end):
            continue
        plain = raw_text.isdigit() and not (m.group("scale") or m.group("pct") or m.group("cur") or unit)
        if plain and len(raw_text) == 4 and YEAR_RANGE[0] <= int(raw_text) <= YEAR_RANGE[1]:
            continue
        found.append(
            _Num(
                start,
                end,
                raw * scale,
                raw,
                scale,
                bool(m.group("pct")),
                m.group("cur").strip() if m.group("cur") else None,
                unit,
                plain,
            )
        )
    return found


def _is_word(t: str, i: int) -> bool:
    return i < len(t) and (t[i].isalnum() or t[i] == "_")


def _rejected(t: str, start: int, end: int, m: re.Match, lang: _Language) -> bool:
    """Codes, ordinals, times, phone numbers and identifiers."""
    raw = t[start:end]
    if sum(ch.isdigit() for ch in raw) > MAX_NUMBER_DIGITS:
        return True  # noise, not a count (and a float overflows to infinity past 309 digits)
    before = t[start - 1] if start else ""
    if before in "-–" and start >= 2 and t[start - 2].isalpha():
        return True  # COVID-19, Su-24
    if before in "/:#№+" or (before in ".," and start >= 2 and t[start - 2].isalnum()):
        return True
    if raw.isdigit() and (len(raw) > MAX_PLAIN_DIGITS or (len(raw) > 1 and raw[0] == "0")):
        return True  # identifiers, area codes ("0211")
    after = t[end : end + 2]
    if m.group("pct") or m.group("scale"):
        return False
    if lang.label is not None and lang.label.search(t, max(0, start - 30), start):
        return True  # "Episode 7", "Article 5"
    if after[:1] in ("/", ":") and after[1:2].isdigit():
        return True  # 24/7, 11:03
    if after[:1] in ("-", "–") and after[1:2].isalpha():
        return True  # three-year, 3-й
    if after[:1] in (".", ",") and after[1:2].isdigit():
        return True  # 1.2.3
    if after[:1] in "ºª":
        return True
    if lang.ordinal_dot and after == ". " and raw.isdigit() and int(raw) <= 100 and t[end + 2 : end + 3].isalpha():
        return True  # "am 3. Tag"
    return bool(lang.clock and lang.clock.match(t, end) or _CLOCK.match(t, start))


@lru_cache(maxsize=4096)
def _word_value(phrase: str, code: str) -> float | None:
    lang = _language(code)
    if lang.text2num:
        from text_to_num import text2num

        try:
            return float(text2num(phrase, code))
        except ValueError:
            return None
    total = current = 0.0
    for word in phrase.split():
        value = lang.words.get(word.lower())
        if value is None:
            if word.lower() in lang.connectors:
                continue
            return None
        if value >= 1000:
            total += (current or 1) * value
            current = 0.0
        elif value == 100 and 0 < current < 10:
            current *= 100
        else:
            current += value
    return total + current


def _word_numbers(t: str, lang: _Language, blocked: _Blocked) -> list[_Num]:
    if lang.number_words is None:
        return []
    tokens = []  # (start of the word, end, start of its glued "و")
    for m in lang.number_words.finditer(t):
        word = m.group("w").lower()
        if word in lang.connectors or word in lang.glue:
            continue
        tokens.append((m.start("w"), m.end("w"), m.start()))
    runs: list[list[tuple[int, int, int]]] = []
    for tok in tokens:
        if runs:
            prev = runs[-1][-1]
            gap_end = tok[2]
            if (
                gap_end == tok[0]
                and lang.connector_gap.fullmatch(t, prev[1], gap_end)
                or (gap_end < tok[0] and t[prev[1] : gap_end].isspace())
            ):
                runs[-1].append(tok)
                continue
        runs.append([tok])
    found = []
    for run in runs:
        i = 0
        while i < len(run):
            # Longest phrase first, but no longer than a number is ever written: a run of 100,000
            # number words would otherwise be valued prefix by prefix (cubic).
            for k in range(min(len(run), i + MAX_NUMBER_WORDS), i, -1):
                start, end = run[i][0], run[k - 1][1]
                phrase = " ".join(t[start:end].split())
                for glue in (c for c in lang.connectors if len(c) == 1 and not c.isascii()):
                    phrase = re.sub(rf"(?<=\s){glue}(?=\w)", f"{glue} ", phrase)
                value = _word_value(phrase, lang.code)
                if value is not None:
                    break
            else:
                i += 1
                continue
            if not (k - i == 1 and value <= 1) and not _word_rejected(t, end) and not blocked.overlaps(start, end):
                found.append(_Num(start, end, value, value))
            i = k
    return found


def _word_rejected(t: str, end: int) -> bool:
    # "three-year-long", "one-time": a number word glued to a noun is an adjective.
    return t[end : end + 1] in ("-", "–") and t[end + 1 : end + 2].isalpha()


def _merge_ranges(t: str, nums: list[_Num], lang: _Language) -> list[tuple[int, int, _Num | None, _Num | None, _Num]]:
    """(start, end, low, high, last number) for each range or single number, in order."""
    out: list[tuple[int, int, _Num | None, _Num | None, _Num]] = []
    i = 0
    while i < len(nums):
        a = nums[i]
        if i + 1 < len(nums):
            b = nums[i + 1]
            hit = _range(t, a, b, lang)
            if hit is not None:
                out.append((hit, b.end, a, b, b))
                i += 2
                continue
            if t[a.end : b.start] in ("-", ":") and a.plain_digits and b.plain_digits:
                i += 2  # a score: "won 3-1"
                continue
        out.append((a.start, a.end, None, None, a))
        i += 1
    return out


def _range(t: str, a: _Num, b: _Num, lang: _Language) -> int | None:
    """Where the range "a .. b" starts (its prefix included), or None if it is not one."""
    if a.percent and not b.percent:
        return None
    # "2 to 3 million": the second number's scale applies to the first.
    low = a.raw * b.scale if b.scale != 1.0 and a.scale == 1.0 and a.raw < b.raw else a.value
    if not low < b.value:
        return None  # a score ("3-1") or two separate numbers
    for pre, mid in lang.ranges:
        if not mid.fullmatch(t, a.end, b.start):
            continue
        start = a.start
        if pre is not None:
            window = t[max(0, a.start - CUE_WINDOW) : a.start]
            m = pre.search(window)
            if m is None:
                continue
            start = a.start - len(window) + m.start()
        a.value = low
        a.percent = a.percent or b.percent
        return start
    return None


def _cue(t: str, start: int, lang: _Language) -> tuple[str | None, int]:
    window = t[max(0, start - CUE_WINDOW) : start]
    for kind, pattern in lang.cues:
        m = pattern.search(window)
        if m:
            return kind, start - len(window) + m.start()
    return None, start


def _counted_by_rule(t: str, end: int, num: _Num, lang: _Language) -> tuple[int, int] | None:
    pos = end
    if num.scale != 1.0 and lang.linker is not None:
        m = lang.linker.match(t, pos)
        if m:
            pos = m.end()  # "3 millions de personnes"
    first: int | None = None
    last: int | None = None
    noun = False
    for _ in range(lang.max_counted):
        m = _WORD.match(t, pos)
        if m is None:
            break
        word = m.group(1).rstrip("'’-")
        low = word.lower()
        if low in lang.stop or any(low.endswith(s) and len(low) > len(s) + 2 for s in lang.stop_suffixes):
            break
        if first is None:
            first = m.start(1)
        last = m.start(1) + len(word)
        pos = m.end()
        # English counts end on their plural noun, German ones on their (capitalised) noun.
        if (
            lang.ends_on == "plural"
            and word.islower()
            and (
                low in lang.plural_nouns
                or (low.endswith("s") and not low.endswith(("ss", "us", "is")) and len(low) > 3)
            )
        ):
            break
        if lang.ends_on == "capital" and word[0].isupper():
            noun = True
            break
    if lang.ends_on == "capital" and not noun:
        return None  # German lower-case words after a number are verbs or adverbs
    return (first, last) if first is not None and last is not None else None


class _ParseIndex:
    """Noun chunks of a spaCy parse, by token, built once per document."""

    def __init__(self, parsed: Any, text: str):
        self.parsed = parsed
        self.text = text  # the parse's text: spaCy's Doc.text joins every token again on each call
        self.chunk_of: dict[int, tuple[int, int]] = {}
        self.chunk_at: dict[int, int] = {}
        for chunk in parsed.noun_chunks:
            self.chunk_at[chunk.start] = chunk.end
            for i in range(chunk.start, chunk.end):
                self.chunk_of[i] = (chunk.start, chunk.end)

    def counted(self, start: int, end: int, linkers: re.Pattern | None) -> tuple[int, int] | None:
        span = self.parsed.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        last, nxt = span.end - 1, span.end
        stop = None
        if last in self.chunk_of and self.chunk_of[last][1] > nxt:
            stop = self.chunk_of[last][1]
        elif nxt in self.chunk_at:
            stop = self.chunk_at[nxt]
        elif (
            nxt + 1 in self.chunk_at
            and nxt < len(self.parsed)
            and linkers is not None
            and linkers.fullmatch(self.parsed[nxt].text + " ")
        ):
            nxt, stop = nxt + 1, self.chunk_at[nxt + 1]  # "3,000 of the civilians", "millions de personnes"
        else:
            token = self.parsed[last]
            if token.dep_.startswith("nummod") and last < token.head.i <= last + MAX_PARSED_COUNTED_TOKENS:
                stop = token.head.i + 1
        if stop is None:
            return None
        # French and Spanish chunks stop before the adjectives that follow the noun
        # ("300 combattants | étrangers"); take those that modify the chunk.
        while (
            stop < len(self.parsed)
            and self.parsed[stop].dep_ == "amod"
            and nxt <= self.parsed[stop].head.i < stop
            and not self.parsed[stop].is_sent_start
        ):
            stop += 1
        tokens = [tok for tok in self.parsed[nxt:stop]]
        while tokens and (tok := tokens[0]) and (tok.is_punct or tok.pos_ in ("DET", "ADP", "CCONJ")):
            tokens.pop(0)
        while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
            tokens.pop()
        if not tokens or len(tokens) > MAX_PARSED_COUNTED_TOKENS or any(tok.is_sent_start for tok in tokens[1:]):
            return None
        first, last = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        return (first, last) if any(c.isalpha() for c in self.text[first:last]) else None


def _parse_index(doc: AnalysisDoc) -> _ParseIndex | None:
    parsed = doc.parsed
    if parsed is None or not hasattr(parsed, "noun_chunks") or getattr(parsed, "text", None) != doc.text:
        return None
    try:
        return _ParseIndex(parsed, doc.text)
    except (ValueError, NotImplementedError, AttributeError):
        return None  # a pipeline without a parser, or a language without chunk rules


def find_quantities(doc: AnalysisDoc) -> None:
    lang = _language(doc.language)
    t = doc.text.translate(_NORMALISE)
    blocked = date_spans(doc) + [m.span() for m in _PHONE.finditer(t)]
    digits = _digit_numbers(t, lang, _Blocked(blocked))
    # A scale word after digits ("1.5 million") is part of that number, not one of its own.
    words = _word_numbers(t, lang, _Blocked(blocked + [(n.start, n.end) for n in digits]))
    nums = sorted(digits + words, key=lambda n: n.start)
    index = _parse_index(doc)
    linkers = lang.linker or _OF
    quantities = []
    for start, end, low, high, last in _merge_ranges(t, nums, lang):
        kind, cue_start = _cue(t, start, lang)
        value = None if low is not None else last.value
        q_low = low.value if low is not None else (value if kind == "at-least" else None)
        q_high = high.value if high is not None else (value if kind == "at-most" else None)
        counted = "%" if last.percent else None
        if counted is None:
            span = index.counted(last.start, end, linkers) if index is not None else None
            span = span or _counted_by_rule(t, end, last, lang)
            counted = doc.text[span[0] : span[1]] if span else last.unit or last.currency
        begin = cue_start if kind else start
        quantities.append(
            Quantity(
                start=begin,
                end=end,
                text=doc.text[begin:end],
                value=value,
                low=q_low,
                high=q_high,
                counted=counted,
                approximate=kind == "approximate",
            )
        )
    doc.quantities = quantities
