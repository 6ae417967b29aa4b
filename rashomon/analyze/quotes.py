"""Quotes: who said what, directly ("...") or indirectly (X said that ...).

Rule-based over the cleaned text, driven by per-language lists
(``speech_cues.txt``: reporting verbs, "according to" phrases, complementisers;
``speaker_roles.txt``: role and institution nouns), so it works for languages
without a parse. Where a spaCy parse is there it only fills gaps (a speaker the
rules did not find, a bare reported clause the rules would not trust).

The steps:

1. Direct quotes: the outermost stretches inside quotation marks of any style.
2. Every speech cue in text order either attributes a direct quote next to it
   (``"...," X said`` / ``X said: "..."``) or, failing that, makes an indirect
   quote of the clause it reports.
3. Quotation marks with no cue continue the previous speaker's quote when they
   follow it closely; the rest (scare quotes, titles) are dropped.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from functools import cache

from rashomon.analyze.doc import AnalysisDoc, sentence_index
from rashomon.bounds import MAX_SENTENCE_CHARS
from rashomon.model import Mention, Quote
from rashomon.resources import data_lines
from rashomon.text import LETTER_WORD

# Opening mark -> the marks that may close it. Straight double quotes pair with
# themselves; straight single quotes are left alone (apostrophes).
_PAIRS: dict[str, str] = {
    "“": "”“",  # “…” English; “ may also close „ below
    "„": "“”",
    "«": "»",
    "»": "«",  # German »…«
    "‘": "’",
    "‚": "‘’",
    "‹": "›",
    "›": "‹",
    "「": "」",
    "『": "』",
    '"': '"',
}
_QUOTE_CHARS = "\"“”„«»‘’‚‹›「」『』"
# A quotation longer than this without a closing mark is a stray mark.
_MAX_QUOTE = 2000
# Quotes of fewer words are kept only when a cue stands right beside them.
_SHORT_QUOTE_WORDS = 3
_MAX_SPEAKER_WORDS = 12

# What ends the clause before a speaker (a dash opening the stretch is handled apart).
_CLAUSE_MARK = re.compile(r"[,;:\[\]\"“”«»„]|\s[—–]\s|\s-\s")
# A clause ending in a coordinating word, where a new cue starts a new clause ("…, and said that").
_JOINED_CLAUSE = re.compile(r"(?:,|\s)(?:and|but|et|mais|y|pero|und|aber|и|а|но|و)\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?؟。])[\"'”»“’)]*\s+|\n+")
_ARABIC_PROCLITICS = ("و", "ف")
_DETERMINERS = {
    "en": {"the", "a", "an"},
    "fr": {"le", "la", "les", "l", "un", "une", "des"},
    "es": {"el", "la", "los", "las", "un", "una"},
    "de": {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines"},
    "ru": set(),
    "ar": set(),
}
# Words that may join the parts of a name or a role ("Director of the Syrian Observatory").
_CONNECTORS = {
    "en": {"of", "for", "the", "and", "'s", "’s", "-", "al", "bin", "abu", "de", "von"},
    "fr": {"de", "du", "des", "la", "le", "les", "l", "d", "et", "-"},
    "es": {"de", "del", "la", "el", "los", "las", "y", "-"},
    "de": {"der", "des", "die", "für", "von", "und", "-"},
    "ru": set(),
    "ar": set(),
}


@dataclass
class _Lexicon:
    verbs: list[str] = field(default_factory=list)
    bare: set[str] = field(default_factory=set)
    told: set[str] = field(default_factory=set)
    to: list[str] = field(default_factory=list)
    according_to: list[str] = field(default_factory=list)
    after_quote: list[str] = field(default_factory=list)
    that: set[str] = field(default_factory=set)
    participles: set[str] = field(default_factory=set)
    time: set[str] = field(default_factory=set)
    boundaries: set[str] = field(default_factory=set)
    skip: list[str] = field(default_factory=list)
    stop: set[str] = field(default_factory=set)
    pronouns: set[str] = field(default_factory=set)
    plural_pronouns: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    institutions: set[str] = field(default_factory=set)
    cue_re: re.Pattern | None = None
    to_re: re.Pattern | None = None
    skip_re: re.Pattern | None = None


def _alternation(phrases: list[str]) -> str:
    # Longest first so "as saying" wins over "saying"; spaces match any whitespace.
    parts = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in parts)


@cache
def _lexicon(language: str) -> _Lexicon:
    lex = _Lexicon()
    for line in data_lines(language, "speech_cues.txt") + data_lines(language, "speaker_roles.txt"):
        value, section = line.value.lower(), line.section.replace("-", "_")
        target = getattr(lex, section, None)
        if isinstance(target, list):
            target.append(value)
        elif isinstance(target, set):
            target.add(value)
    # A word boundary that also holds for Arabic, whose proclitics may precede a cue.
    prefix = r"(?:(?<![^\W_])|(?<=(?<![^\W_])[وف]))" if language == "ar" else r"(?<![^\W_])"
    kinds = []
    if lex.according_to:
        kinds.append(f"(?P<according>{_alternation(lex.according_to)})")
    if lex.verbs:
        kinds.append(f"(?P<verb>{_alternation(lex.verbs)})")
    if lex.after_quote:
        kinds.append(f"(?P<after>{_alternation(lex.after_quote)})")
    if kinds:
        # "لـ"-style phrases end in a tatweel, so no word boundary is asked after them.
        lex.cue_re = re.compile(prefix + "(?:" + "|".join(kinds) + r")(?:(?![^\W_])|(?<=ـ)|(?<=ل))", re.IGNORECASE)
    if lex.to:
        lex.to_re = re.compile(r"\s*(?:" + _alternation(lex.to) + r")(?:(?![^\W_])|(?<=ـ)|(?<=ل)|(?<=['’]))\s*", re.IGNORECASE)
    if lex.skip:
        lex.skip_re = re.compile(r"(?:^|(?<=\s))(?:" + _alternation(lex.skip) + r")\s*$", re.IGNORECASE)
    return lex


# ------------------------------------------------------------------ direct quotes


class _OpenMarks:
    """The quotation marks open at a point of the text, innermost last, counted per mark: the marks
    are asked about at every character, and hundreds can be open at once («a «a «a …)."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, int]] = []
        self.count: dict[str, int] = {}

    def __bool__(self) -> bool:
        return bool(self.stack)

    def push(self, mark: str, pos: int) -> None:
        self.stack.append((mark, pos))
        self.count[mark] = self.count.get(mark, 0) + 1

    def pop(self) -> tuple[str, int]:
        mark, pos = self.stack.pop()
        self.count[mark] -= 1
        return mark, pos

    def clear(self) -> None:
        self.stack.clear()
        self.count.clear()

    def has(self, mark: str) -> bool:
        return self.count.get(mark, 0) > 0

    def marks(self) -> list[str]:
        return [mark for mark, n in self.count.items() if n]


def _opens(text: str, i: int, stack: _OpenMarks) -> bool:
    mark = text[i]
    if mark not in _PAIRS:
        return False
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if nxt.isspace() and mark not in "«»‹›":  # « » ‹ › are spaced in French
        return False
    if mark == '"':
        prev = text[i - 1] if i else " "
        return prev.isspace() or prev in "([{—–-:,;/" or i == 0
    if mark in "‘‚":
        prev = text[i - 1] if i else " "
        return not prev.isalnum()
    if mark == "»":  # German »…« only when no « is open
        return not stack.has("«")
    if mark == "›":
        return not stack.has("‹")
    return True


def _closes(text: str, i: int, opener: str) -> bool:
    mark = text[i]
    if mark not in _PAIRS.get(opener, ""):
        return False
    if mark in "’‘":  # an apostrophe inside a word does not close
        nxt = text[i + 1] if i + 1 < len(text) else " "
        return not nxt.isalnum()
    return True


def _direct_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the content of every outermost quotation, marks excluded."""
    spans: list[tuple[int, int]] = []
    stack = _OpenMarks()
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\n" and i + 1 < len(text) and text[i + 1] == "\n" or (stack and i - stack.stack[0][1] > _MAX_QUOTE):
            # A paragraph ends every open quotation: news style reopens it in the next one.
            stack.clear()
        elif stack and any(_closes(text, i, m) for m in stack.marks()):
            # Close the innermost matching mark, dropping unclosed marks inside it.
            while stack and not _closes(text, i, stack.stack[-1][0]):
                stack.pop()
            _, pos = stack.pop()
            if not stack and i > pos + 1:
                spans.append((pos + 1, i))
        elif ch in _PAIRS and _opens(text, i, stack):
            stack.push(ch, i)
        elif ch == "\n" and stack:
            # A line break inside a quotation: keep it open only if the next line reopens it.
            nxt = text[i + 1 : i + 2]
            if nxt not in _QUOTE_CHARS or not nxt:
                stack.clear()
        i += 1
    return spans


class _Quotations:
    """The direct quotations of a text (outermost, in text order, never overlapping) and the lookups
    the speech cues need, as binary searches: scanning them all for each cue was quadratic."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]

    def __iter__(self):
        return iter(self.spans)

    def holding(self, pos: int) -> bool:
        """Whether ``pos`` lies inside a quotation."""
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]

    def last_end_before(self, pos: int) -> int | None:
        """The end of the last quotation closing before ``pos``."""
        i = bisect.bisect_left(self.ends, pos)
        return self.ends[i - 1] if i else None

    def last_closing(self, floor: int, pos: int, skip) -> tuple[int, int] | None:
        """The last quotation ending in ``[floor, pos]`` that is not in ``skip``."""
        i = bisect.bisect_right(self.ends, pos) - 1
        while i >= 0 and self.ends[i] >= floor:
            if self.spans[i] not in skip:
                return self.spans[i]
            i -= 1
        return None

    def first_opening_after(self, pos: int, skip) -> tuple[int, int] | None:
        """The first quotation starting after ``pos`` that is not in ``skip``."""
        for i in range(bisect.bisect_right(self.starts, pos), len(self.spans)):
            if self.spans[i] not in skip:
                return self.spans[i]
        return None

    def within(self, start: int, end: int) -> list[tuple[int, int]]:
        """The quotations lying in ``[start, end]``."""
        out = []
        for i in range(bisect.bisect_left(self.starts, start), len(self.spans)):
            if self.ends[i] > end:
                break
            out.append(self.spans[i])
        return out


# ------------------------------------------------------------------ helpers


def _words(text: str) -> list[str]:
    return LETTER_WORD.findall(text)


def _sentences(doc: AnalysisDoc) -> list[tuple[int, int]]:
    if doc.sentences:
        return _in_pieces(doc.text, doc.sentences)
    out, start = [], 0
    for m in _SENTENCE_END.finditer(doc.text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(doc.text):
        out.append((start, len(doc.text)))
    return _in_pieces(doc.text, out)


def _in_pieces(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``sentences`` with any longer than ``MAX_SENTENCE_CHARS`` cut in pieces of at most that (at a space
    when one lies in the second half): every cue reads its sentence, so one endless sentence made the
    finder quadratic, and each reported clause could run to its end."""
    if all(end - start <= MAX_SENTENCE_CHARS for start, end in sentences):
        return sentences
    out = []
    for start, end in sentences:
        while end - start > MAX_SENTENCE_CHARS:
            cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
            cut = cut if cut > 0 else start + MAX_SENTENCE_CHARS
            out.append((start, cut))
            start = cut
        out.append((start, end))
    return out


def _first_char(text: str, start: int, end: int) -> str:
    """The first non-space character of ``text[start:end]`` ("" if none)."""
    while start < end and text[start].isspace():
        start += 1
    return text[start] if start < end else ""


def _last_char(text: str, start: int, end: int) -> str:
    """The last non-space character of ``text[start:end]`` ("" if none)."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return text[end - 1] if end > start else ""


def _last_word_start(text: str, start: int, end: int) -> str:
    """The first character of the last whitespace-separated word of ``text[start:end]`` ("" if none)."""
    while end > start and text[end - 1].isspace():
        end -= 1
    word_start = end
    while word_start > start and not text[word_start - 1].isspace():
        word_start -= 1
    return text[word_start] if word_start < end else ""


def _strip_span(text: str, start: int, end: int, chars: str = " \t\n,;:—–-") -> tuple[int, int]:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def _norm(word: str, language: str) -> str:
    w = word.lower()
    if language == "ar" and len(w) > 3 and w[0] in _ARABIC_PROCLITICS:
        return w[1:]
    return w


@dataclass
class _Speaker:
    start: int
    end: int
    role: str | None = None
    pronoun: bool = False
    implicit: bool = False  # pro-drop: no subject written ("Dijo que", "وأضاف أن")
    end_all: int = 0  # end of the speaker phrase with its appositive, where content may start


class _Finder:
    def __init__(self, doc: AnalysisDoc):
        self.doc = doc
        self.text = doc.text
        self.lang = doc.language
        self.lex = _lexicon(doc.language)
        self.sentences = _sentences(doc)
        self.mentions = sorted(doc.mentions, key=lambda m: m.start)
        # Lookups below are binary searches: they run once or more per speech cue, and a long text has
        # tens of thousands of cues, sentences and mentions. Mentions never overlap, so their ends
        # are in order too.
        self._mention_starts = [m.start for m in self.mentions]
        self._mention_ends = [m.end for m in self.mentions]
        self._mentions_disjoint = all(a <= b for a, b in zip(self._mention_ends, self._mention_starts[1:]))
        self.quotes: list[Quote] = []
        # Quotes by the sentences their start and end fall in, and the quotes with a resolved speaker,
        # both in the order found: "the latest quote such that ..." looks only where one can be.
        self._quotes_in_sentence: dict[int, list[int]] = {}
        self._named_quotes: list[Quote] = []
        # Mention indices (and their ends) by label group, by title word beside them, by cluster: built
        # on first use, for "the last such mention before here".
        self._people: dict[tuple[str, ...], dict] = {}
        self._titled: dict | None = None
        self._cluster_mentions: dict | None = None
        self._commas: list[int] | None = None
        self.spacy = doc.parsed if doc.parsed is not None and hasattr(doc.parsed, "char_span") else None
        self.dets = _DETERMINERS.get(self.lang, set())
        self.connectors = _CONNECTORS.get(self.lang, set())

    # ---------------------------------------------------------- lookups

    def sentence(self, pos: int) -> tuple[int, int]:
        i = sentence_index(self.sentences, pos)
        return self.sentences[i] if i >= 0 else (0, len(self.text))

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        if not self._mentions_disjoint:
            return [m for m in self.mentions if m.start < end and start < m.end]
        first = bisect.bisect_right(self._mention_ends, start)
        last = bisect.bisect_left(self._mention_starts, end, lo=first)
        return self.mentions[first:last]

    def _add(self, q: Quote) -> None:
        index = len(self.quotes)
        self.quotes.append(q)
        for i in dict.fromkeys((sentence_index(self.sentences, q.start), sentence_index(self.sentences, q.end))):
            if i >= 0:
                self._quotes_in_sentence.setdefault(i, []).append(index)
        if q.speaker_cluster >= 0 and q.speaker_end is not None:
            self._named_quotes.append(q)

    def latest_quote_between(self, start: int, pos: int) -> Quote | None:
        """The quote found last that starts in ``[start, pos)`` or ends in ``[start, pos]``.

        When ``start`` begins the sentence holding ``pos`` (as for every cue), such a quote starts or
        ends in that sentence, so only that sentence's quotes are read."""
        i = sentence_index(self.sentences, pos)
        if i >= 0 and self.sentences[i][0] == start:
            candidates = self._quotes_in_sentence.get(i, [])
        else:
            candidates = range(len(self.quotes))
        for index in reversed(candidates):
            q = self.quotes[index]
            if start <= q.start < pos or start <= q.end <= pos:
                return q
        return None

    def _mentions_by(self, keys) -> dict:
        """``{key: (mention indices, their ends)}`` for each key ``keys(mention)`` gives, in text order."""
        index: dict = {}
        for i, m in enumerate(self.mentions):
            for key in keys(m):
                indices, ends = index.setdefault(key, ([], []))
                indices.append(i)
                ends.append(m.end)
        return index

    @staticmethod
    def _last_by(index: dict, key, pos: int) -> int:
        """The last mention under ``key`` of a ``_mentions_by`` index ending by ``pos``; -1 if none."""
        indices, ends = index.get(key, ((), ()))
        k = bisect.bisect_right(ends, pos)
        return indices[k - 1] if k else -1

    def is_role(self, word: str) -> bool:
        w = _norm(word, self.lang)
        return w in self.lex.roles or (self.lang == "ar" and w.startswith("ال") and w in self.lex.roles)

    def is_institution(self, word: str) -> bool:
        return _norm(word, self.lang) in self.lex.institutions

    # ---------------------------------------------------------- speaker phrases

    def _looks_like_speaker(self, start: int, end: int) -> bool:
        words = _words(self.text[start:end])
        if not words or len(words) > _MAX_SPEAKER_WORDS:
            return False
        head = words[-1]
        if len(words) == 1 and _norm(head, self.lang) in self.lex.pronouns:
            return True
        if any(m.label in ("person", "organisation", "group", "place") for m in self.mentions_in(start, end)):
            return True
        if any(self.is_role(w) or self.is_institution(w) for w in words):
            return True
        if self.lang in ("en", "fr", "es", "ru") and head[:1].isupper():
            return True
        if self.lang == "de" and len(words) >= 2 and _norm(words[0], self.lang) in self.dets and head[:1].isupper():
            return True  # "der 48-Jährige": German nouns are capitalised, so ask for the article too
        return False

    def _trim_left(self, start: int, end: int) -> tuple[int, int]:
        """Drop adverbs and auxiliaries between a speaker and its verb ("the official later told")."""
        while self.lex.skip_re is not None:
            m = self.lex.skip_re.search(self.text, start, end)
            if not m or m.start() <= start or m.end() < end:
                break
            end = m.start()
            end = _strip_span(self.text, start, end, " \t\n")[1]
        return start, end

    def _boundary_left(self, lo: int, end: int) -> int:
        """Start of the clause holding the phrase that ends at ``end``."""
        # Read in place (pos/endpos), not on a copy of the stretch: it is read once per cue.
        text = self.text
        cut = lo
        if lo + 1 < end and text[lo] in "—–-" and text[lo + 1].isspace():
            cut = lo + 2  # a dash opening the stretch
        for m in _CLAUSE_MARK.finditer(text, cut, end):
            cut = m.end()
        # No word runs across a clause mark, so the words from it on are the words that can move the start.
        for m in LETTER_WORD.finditer(text, cut, end):
            w = _norm(m.group(), self.lang)
            if w in self.lex.boundaries:
                cut = m.end()
            elif w in ("and", "et", "y", "und", "и"):
                # "and" joins two speakers ("DeFazio and Thompson") but ends a clause before one.
                after = _first_char(text, m.end(), end)
                before = _last_char(text, lo, m.start())
                if not (after.isupper() and before.isalpha() and _last_word_start(text, lo, m.start()).isupper()):
                    cut = m.end()
        return cut

    def speaker_left(self, lo: int, cue_start: int) -> _Speaker | None:
        text = self.text
        start, end = _strip_span(text, lo, cue_start, " \t\n")
        start, end = self._trim_left(start, end)
        if end <= start:
            return None
        # French inversion: "a-t-il déclaré", "ont-ils affirmé".
        inv = re.search(r"-(?:t-)?(il|elle|ils|elles|on)\s*$", text[start:end])
        if self.lang == "fr" and inv:
            p = start + inv.start(1)
            return _Speaker(p, p + len(inv.group(1)), pronoun=True, end_all=cue_start)
        role = None
        name_end = end
        if text[end - 1] in ",—–-" and end - start > 1:
            # Appositive: "Omar Alloush, a senior official of the Raqqa Civil Council, told".
            inner_end = _strip_span(text, start, end - 1, " \t\n")[1]
            delims = [m.end() for m in re.finditer(r",|\s[—–-]\s|[—–-]\s|(?<=\w)-(?=\s)", text[start:inner_end])]
            if not delims:
                return None
            app_start = start + delims[-1]
            a0, a1 = _strip_span(text, app_start, inner_end)
            app_words = _words(text[a0:a1])
            if not app_words or len(app_words) > 14:
                return None
            first = _norm(app_words[0], self.lang)
            if not (first in self.dets or any(self.is_role(w) or self.is_institution(w) for w in app_words)):
                return None
            role = text[a0:a1]
            name_end = _strip_span(text, start, start + delims[-1], " \t\n,—–-")[1]
        s0 = self._boundary_left(start, name_end)
        s0, s1 = _strip_span(text, s0, name_end)
        if self.lang in ("ru", "ar", "de") and len(_words(text[s0:s1])) > 3:
            # Without capitals to end a leading adverbial ("Во время обращения понтифик"),
            # the speaker starts at its first name or role word.
            anchors = [w.start() for w in LETTER_WORD.finditer(text, s0, s1) if self.is_role(w.group()) or self.is_institution(w.group())]
            anchors += [mm.start for mm in self.mentions_in(s0, s1) if mm.start >= s0]
            if anchors and min(anchors) > s0:
                a = min(anchors)
                prev_word = list(LETTER_WORD.finditer(text, s0, a))
                if prev_word and _norm(prev_word[-1].group(), self.lang) in self.dets:
                    a = prev_word[-1].start()
                s0 = a
        if s1 <= s0 or not self._looks_like_speaker(s0, s1):
            return None
        words = _words(text[s0:s1])
        pronoun = len(words) == 1 and _norm(words[0], self.lang) in self.lex.pronouns
        if role is None and not pronoun:
            role = self._role_before_name(s0, s1)
        return _Speaker(s0, s1, role=role, pronoun=pronoun, end_all=cue_start)

    def speaker_right(self, pos: int, limit: int) -> _Speaker | None:
        """A speaker after its verb: '"...," said Ryan Dillon', 'a déclaré le ministre', 'قال المتحدث'."""
        text = self.text
        m = re.match(r"[ \t]*", text[pos:limit])
        p = pos + (m.end() if m else 0)
        # Time words may stand between the verb and its subject ("dijo el lunes el presidente").
        while True:
            w = LETTER_WORD.match(text, p)
            if not w or w.end() > limit:
                break
            word = _norm(w.group(), self.lang)
            if word not in self.lex.time:
                nxt = LETTER_WORD.match(text, w.end() + 1)
                # "el lunes", "am Sonntag": an article or preposition before a time word.
                if not (nxt and nxt.end() <= limit and (word in self.dets or word in self.lex.stop)
                        and _norm(nxt.group(), self.lang) in self.lex.time):
                    break
                w = nxt
            p = w.end() + len(re.match(r"[ \t]*", text[w.end():limit]).group())
        if p >= limit or not (text[p].isalpha() or text[p] in "«\""):
            return None
        end = p
        count = 0
        for w in LETTER_WORD.finditer(text, p, limit):
            gap = text[end:w.start()]
            if count and gap.strip() not in ("", "-", "'", "’", "’s", "'s", "."):
                break
            word = _norm(w.group(), self.lang)
            if word in self.lex.that or (word in self.lex.stop and word not in self.connectors):
                break
            if count == 0 and self.lang != "ar" and not (word in self.dets or word in self.lex.pronouns
                                                         or w.group()[:1].isupper() or self.is_role(word)
                                                         or self.is_institution(word) or self.mentions_in(w.start(), w.end())):
                break
            if self.lang in ("en", "es", "fr", "de") and count and not (
                w.group()[:1].isupper() or word in self.connectors or word in self.dets or self.is_role(word)
                or self.is_institution(word) or self.mentions_in(w.start(), w.end())
            ):
                break
            if count and word in self.dets and self.lang in ("de", "fr", "es") and \
                    (self.lang == "de" or word not in self.connectors) and \
                    _norm(text[p:end].split()[-1], self.lang) not in self.connectors:
                break
            end = w.end()
            count += 1
            if count == 1 and word in self.lex.pronouns:
                break
            if count >= _MAX_SPEAKER_WORDS:
                break
        if end <= p:
            return None
        # Connectors are not a speaker's last word.
        while True:
            ws = list(LETTER_WORD.finditer(text, p, end))
            if ws and (_norm(ws[-1].group(), self.lang) in self.connectors | self.dets) and len(ws) > 1:
                end = _strip_span(text, p, ws[-2].end())[1]
            else:
                break
        if not self._looks_like_speaker(p, end):
            return None
        words = _words(text[p:end])
        pronoun = len(words) == 1 and _norm(words[0], self.lang) in self.lex.pronouns
        sp = _Speaker(p, end, pronoun=pronoun, end_all=end)
        # Appositive after the name: "said Colonel Ryan Dillon, spokesman for the US coalition."
        app = re.match(r"\s*,\s*([^,.;:!?\"“”«»]{2,120}?)\s*(?=[,.;:!?]|$)", text[end:limit])
        if app and not pronoun:
            aw = _words(app.group(1))
            if aw and len(aw) <= 12 and any(self.is_role(w) for w in aw[:4]):
                sp.role = app.group(1).strip()
                sp.end_all = end + app.end()
        if sp.role is None and not pronoun:
            sp.role = self._role_before_name(p, end)
        return sp

    def _role_before_name(self, start: int, end: int) -> str | None:
        """'SDF spokesman' in 'SDF spokesman Mostafa Bali'; the phrase itself when it has no name."""
        text = self.text
        people = [m for m in self.mentions_in(start, end) if m.label == "person"]
        words = list(LETTER_WORD.finditer(text, start, end))
        has_role = any(self.is_role(w.group()) for w in words)
        if not has_role:
            return None
        # The name is the person mention, else a mention or two capitalised words closing the phrase.
        name_start = people[-1].start if people else None
        if name_start is None:
            last = [m for m in self.mentions_in(start, end) if m.end >= end - 1]
            caps = [w for w in words[-2:] if w.group()[:1].isupper() and not self.is_role(w.group())]
            if last:
                name_start = last[-1].start
            elif self.lang in ("en", "fr", "es", "de") and len(caps) == 2 and len(words) > 3:
                name_start = caps[0].start()
        if name_start is not None:
            r0, r1 = _strip_span(text, start, name_start)
            if r1 > r0 and any(self.is_role(w) for w in _words(text[r0:r1])):
                return text[r0:r1]
            return None
        return text[start:end]

    # ---------------------------------------------------------- medium, content

    def medium_after(self, cue_word: str, pos: int, limit: int) -> tuple[str | None, int]:
        """The addressee/medium after a verb ("told AFP", "a déclaré à l'AFP") and where it ends."""
        text = self.text
        start = pos
        if cue_word.lower() not in self.lex.told:
            if self.lex.to_re is None:
                return None, pos
            m = self.lex.to_re.match(text, pos, limit)
            if not m:
                return None, pos
            start = m.end()
        start = _strip_span(text, start, limit, " \t«\"“")[0]
        end = start
        count = 0
        for w in LETTER_WORD.finditer(text, start, limit):
            gap = text[end:w.start()]
            if count and gap.strip(" ") not in ("", "-", "'", "’") and not gap.strip().startswith(("»", "\"", "”")):
                break
            word = _norm(w.group(), self.lang)
            if word in self.lex.that or (count and word in self.lex.stop) or count >= 6:
                break
            if self.lang in ("en", "fr", "es", "de") and not (w.group()[:1].isupper() or (count and word in self.connectors)
                                                              or self.mentions_in(w.start(), w.end())):
                break
            if self.lang in ("ru", "ar") and count and not self.mentions_in(w.start(), w.end()):
                break
            end = w.end()
            count += 1
        if end <= start:
            return None, pos
        medium = text[start:end]
        if self.lang in ("ru", "ar") and not self.mentions_in(start, end) and text[start - 1 : start] not in "«\"“":
            return None, pos
        close = re.match(r"[»\"”]", text[end:end + 1])
        return medium, end + (1 if close else 0)

    def clause_end(self, start: int, sent_end: int, direct: _Quotations) -> int:
        """Where a reported clause stops: the sentence end, or a coordinated new cue ("…, adding that")."""
        text = self.text
        end = sent_end
        if self.lex.cue_re is not None:
            for m in self.lex.cue_re.finditer(text, start, sent_end):
                if direct.holding(m.start()):
                    continue
                # What comes before the cue, read in place: the cues of a long sentence each read it.
                before_end = m.start()
                while before_end > start and text[before_end - 1].isspace():
                    before_end -= 1
                if (before_end > start and text[before_end - 1] in ",;—–") or _JOINED_CLAUSE.search(
                        text, max(start, before_end - 16), before_end):
                    end = m.start()
                    break
                # A new speaker after a comma: "…, the official later told X that …".
                comma = self._last_comma(start, before_end)
                if comma >= 0 and not self._more_words_than(comma, before_end, 6):
                    sp = self.speaker_left(comma + 1, m.start())
                    if sp is not None and not sp.pronoun:
                        end = comma
                        break
        colon = text.find(": ", start, end)
        if colon >= 0 and text[colon + 2 : colon + 3] in _QUOTE_CHARS:
            end = colon
        e = _strip_span(text, start, end, " \t\n,;:—–-.")[1]
        for word in ("and", "but", "et", "mais", "y", "pero", "und", "aber", "и", "а", "но"):
            # The clause's last few characters are enough to tell how it ends.
            if text[max(start, e - 16):e].lower().endswith(" " + word):
                e = _strip_span(text, start, e - len(word), " \t\n,;:—–-")[1]
        return e

    def _last_comma(self, start: int, end: int) -> int:
        """The position of the last comma in ``text[start:end]``, -1 if none."""
        if self._commas is None:
            self._commas = [m.start() for m in re.finditer(",", self.text)]
        i = bisect.bisect_left(self._commas, end) - 1
        return self._commas[i] if i >= 0 and self._commas[i] >= start else -1

    # ---------------------------------------------------------- resolution

    def cluster_of(self, sp: _Speaker) -> int:
        """The mention cluster of a speaker phrase: the mention on its head, else a person in it."""
        if sp.pronoun or sp.implicit:
            return self.recent_person(sp.start, plural=sp.pronoun and self._plural(sp))
        inside = self.mentions_in(sp.start, sp.end)
        words = list(LETTER_WORD.finditer(self.text, sp.start, sp.end))
        if words:
            head = words[-1]
            for m in inside:
                if m.start < head.end() and head.start() < m.end:
                    return m.cluster
            head_word = _norm(head.group(), self.lang)
            if self.lang == "ar":
                # Arabic heads come first ("المتحدث باسم الوزارة").
                head_word = _norm(words[0].group(), self.lang)
            people = [m for m in inside if m.label == "person"]
            if people:
                return people[-1].cluster
            orgs = [m for m in inside if m.label == "organisation"]
            if head_word in self.lex.institutions and orgs:
                return orgs[-1].cluster
            first = _norm(words[0].group(), self.lang)
            if head_word in self.lex.roles and not inside and first in self.dets - {"a", "an", "un", "une", "ein", "eine", "una"}:
                # "the official later told …": a definite description points back to the person
                # introduced with that title, else to the last person named.
                titled = self.titled_person(head_word, sp.start)
                return titled if titled >= 0 else self.recent_person(sp.start, plural=False)
            if self.lang == "ar" and head_word in self.lex.roles and not inside and words[0].group().startswith(("ال", "وال")):
                return self.recent_person(sp.start, plural=False)
            # Russian has no articles: a bare noun ("понтифик сказал") is as definite as "the pontiff".
            definite = first in self.dets or self.lang == "ru"
            if not inside and len(words) <= 4 and definite:
                # "The President said": the person earlier introduced with that title
                # ("President Donald Trump", "Trump, the president"); else, for a role
                # noun, the last person named.
                titled = self.titled_person(head_word, sp.start)
                if titled < 0 and self.lang == "ru" and _norm(words[0].group(), self.lang) in self.lex.roles:
                    titled = self.recent_person(sp.start, plural=False)
                return titled
        return -1

    def titled_person(self, title: str, pos: int, window: int = 3) -> int:
        """The cluster of the nearest person before ``pos`` named next to the word ``title``."""
        if not self._mentions_disjoint:
            for m in reversed(self.mentions):
                if m.end <= pos and m.label == "person" and m.cluster >= 0 and title in self._words_beside(m, window):
                    return m.cluster
            return -1
        if self._titled is None:
            # Each person's neighbouring words, read once (asked per cue, they were read again each time).
            self._titled = self._mentions_by(
                lambda m: self._words_beside(m, window) if m.label == "person" and m.cluster >= 0 else ()
            )
        i = self._last_by(self._titled, title, pos)
        return self.mentions[i].cluster if i >= 0 else -1

    def _words_beside(self, m: Mention, window: int) -> set[str]:
        before = [_norm(w, self.lang) for w in _words(self.text[max(0, m.start - 60):m.start])][-window:]
        after = [_norm(w, self.lang) for w in _words(self.text[m.end:m.end + 60])][:window]
        return set(before) | set(after)

    def _plural(self, sp: _Speaker) -> bool:
        return _norm(self.text[sp.start:sp.end], self.lang) in self.lex.plural_pronouns

    def recent_person(self, pos: int, plural: bool) -> int:
        """The nearest antecedent before ``pos``: a person mention or the last quote's named speaker.

        The speaker counts too because "He said" after a quote nearly always
        continues it, even when the recogniser did not label the speaker a person.
        """
        labels = ("organisation", "group", "person") if plural else ("person",)
        best, best_pos = -1, -1
        if self._mentions_disjoint:
            if labels not in self._people:
                self._people[labels] = self._mentions_by(lambda m: (0,) if m.label in labels and m.cluster >= 0 else ())
            i = self._last_by(self._people[labels], 0, pos)
            if i >= 0:
                best, best_pos = self.mentions[i].cluster, self.mentions[i].end
        else:
            for m in reversed(self.mentions):
                if m.end <= pos and m.label in labels and m.cluster >= 0:
                    best, best_pos = m.cluster, m.end
                    break
        for q in reversed(self._named_quotes):
            if q.speaker_end <= pos:
                if q.speaker_end > best_pos:
                    best = q.speaker_cluster
                break
        return best

    def make(self, start: int, end: int, direct: bool, sp: _Speaker | None, cue: str,
             medium: str | None = None, inherit: Quote | None = None) -> Quote | None:
        start, end = _strip_span(self.text, start, end, " \t\n,;:—–-" + ("" if direct else "\"“”«»„"))
        if end <= start or len(_words(self.text[start:end])) < 1:
            return None
        if sp is None and inherit is not None:
            return Quote(start=start, end=end, text=self.text[start:end], direct=direct, speaker=inherit.speaker,
                         speaker_start=inherit.speaker_start, speaker_end=inherit.speaker_end,
                         speaker_cluster=inherit.speaker_cluster, role=inherit.role,
                         medium=medium or None, cue=cue)
        if sp is None:
            return None
        cluster = self.cluster_of(sp)
        speaker = self.text[sp.start:sp.end] if sp.end > sp.start else None
        if sp.implicit and cluster >= 0:
            # Nothing is written for a dropped subject: name the antecedent instead.
            speaker = self._antecedent(cluster, sp.start)
        return Quote(start=start, end=end, text=self.text[start:end], direct=direct, speaker=speaker,
                     speaker_start=None if sp.implicit else sp.start, speaker_end=None if sp.implicit else sp.end,
                     speaker_cluster=cluster, role=sp.role, medium=medium, cue=cue)

    def _antecedent(self, cluster: int, pos: int) -> str | None:
        """The text of the last mention of ``cluster`` ending by ``pos``."""
        if not self._mentions_disjoint:
            m = next((m for m in reversed(self.mentions) if m.cluster == cluster and m.end <= pos), None)
            return m.text if m else None
        if self._cluster_mentions is None:
            self._cluster_mentions = self._mentions_by(lambda m: (m.cluster,))
        i = self._last_by(self._cluster_mentions, cluster, pos)
        return self.mentions[i].text if i >= 0 else None

    # ---------------------------------------------------------- main pass

    def run(self) -> list[Quote]:
        text = self.text
        direct = _Quotations(_direct_spans(text))
        attributed: dict[tuple[int, int], Quote] = {}
        merged: set[tuple[int, int]] = set()
        cues = [] if self.lex.cue_re is None else [
            m for m in self.lex.cue_re.finditer(text) if not direct.holding(m.start())
        ]
        for m in cues:
            kind = m.lastgroup or "verb"
            cue = re.sub(r"\s+", " ", m.group())
            s_start, s_end = self.sentence(m.start())
            prev = self.latest_quote_between(s_start, m.start())
            if kind == "according":
                self._according(m, cue, s_start, s_end, direct, merged)
                continue
            # 1. A quote closing just before the cue: '"...," X said' / '«…», a déclaré X'.
            d = direct.last_closing(s_start - 2000, m.start(), attributed)
            if d is not None:
                gap = text[d[1] + 1 : m.start()]
                g_end = self._trim_left(d[1] + 1, _strip_span(text, d[1] + 1, m.start(), " \t\n")[1])[1]
                gap_ok = re.fullmatch(r"\s*[,.!?…]?\s*(?:[—–-]\s*)?", text[d[1] + 1 : g_end]) is not None
                sp = None
                if not gap_ok and len(_words(gap)) <= _MAX_SPEAKER_WORDS and re.match(r"\s*[,.!?…]?\s*(?:[—–-]\s*)?[^\W\d_]", gap):
                    g0 = d[1] + 1 + len(re.match(r"\s*[,.!?…]?\s*(?:[—–-]\s*)?", gap).group())
                    sp = self.speaker_left(g0, m.start())
                    gap_ok = sp is not None and self.sentence(d[1])[0] <= s_start
                if gap_ok:
                    if sp is None:
                        sp = self.speaker_right(m.end(), s_end) or self._implicit(m.start())
                    if sp is not None and kind != "according":
                        medium, _ = self.medium_after(m.group(), sp.end_all if sp.end_all > m.end() else m.end(), s_end)
                        q = self.make(d[0], d[1], True, sp, cue, medium)
                        if q:
                            attributed[d] = q
                            self._add(q)
                        continue
            if kind == "after":
                continue
            # The speaker: on the left (SVO) or after the verb (VSO, inversion).
            closed = direct.last_end_before(m.start())
            lo = max(s_start, closed + 1 if closed is not None else s_start)
            if prev is not None and prev.end < m.start() and not prev.direct:
                lo = max(lo, prev.end)
            sp_left = self.speaker_left(lo, m.start())
            sp_right = None
            if self.lang == "ar" or sp_left is None or (self.lang == "de" and not sp_left.pronoun and not self.mentions_in(sp_left.start, sp_left.end)):
                sp_right = self.speaker_right(m.end(), s_end)
            sp = sp_right if (self.lang == "ar" and sp_right) or sp_left is None else sp_left
            if self.lang == "de" and sp_right and (sp_left is None or not self.mentions_in(sp_left.start, sp_left.end)):
                sp = sp_right
            pos = m.end() if sp is None or sp.end_all <= m.end() else sp.end_all
            medium, pos = self.medium_after(m.group(), pos, s_end)
            if sp is None and self.spacy is not None:
                sp = self._parse_subject(m.start(), m.end())
            if sp is None and prev is None and cue.lower() in self.lex.participles:
                # "La partie américaine, cependant, a refusé …, soulignant que …": the sentence's subject.
                comma = text.find(",", s_start, m.start())
                for w in LETTER_WORD.finditer(text, s_start, comma if comma > 0 else s_start):
                    if _norm(w.group(), self.lang) in self.lex.skip or _norm(w.group(), self.lang) in self.lex.verbs:
                        comma = w.start()  # the subject ends at its verb: "La partie américaine a refusé …"
                        break
                if comma > s_start:
                    sp = self.speaker_left(s_start, comma)
            inherit = prev if sp is None else None
            if sp is None and inherit is None:
                sp = self._implicit(m.start()) if self.lang in ("es", "ar", "ru") else None
            if sp is None and inherit is None:
                continue
            # 2. A quote opening just after: 'X said: "..."', 'X told AFP on Sunday: “…”'.
            after = direct.first_opening_after(pos, attributed)
            if after is not None and not self._more_words_than(pos, after[0] - 1, 4):
                gap = text[pos : after[0] - 1]
                if (re.search(r"[:,]\s*$|^\s*$", gap) and not re.search(r"[.!?]\s", gap)
                        and not any(_norm(w, self.lang) in self.lex.that for w in _words(gap))):
                    q = self.make(after[0], after[1], True, sp, cue, medium, inherit)
                    if q:
                        attributed[after] = q
                        self._add(q)
                    continue
            # 3. Indirect: the clause after the complementiser (or a bare clause, a colon).
            c0 = self._content_start(m, pos, s_end)
            if c0 is not None:
                c1 = self.clause_end(c0, s_end, direct)
                if len(_words(text[c0:c1])) >= 2:
                    q = self.make(c0, c1, False, sp, cue, medium, inherit)
                    if q:
                        self._add(q)
                        merged.update(direct.within(c0, c1 + 1))
                    continue
            # 4. Content before a sentence-final cue: "Daesh is finished, he said." / "…, — заявил Надь."
            tail = text[(sp.end_all if sp and sp.end_all > m.end() else m.end()) : s_end]
            if re.fullmatch(r"[\s.!?]*", tail) or (medium and re.fullmatch(r"[\s.!?]*", text[pos:s_end])):
                left_end = (sp.start if sp and sp.start < m.start() and not sp.implicit else m.start())
                head = text[s_start:left_end].rstrip()
                if head.endswith((",", "—", "–", "-")):
                    c0, c1 = _strip_span(text, s_start, len(head) + s_start)
                    if len(_words(text[c0:c1])) >= 3:
                        dash = bool(re.match(r"\s*[—–-]", text[s_start:c0 + 1]))
                        q = self.make(c0, c1, dash, sp, cue, medium, inherit)
                        if q:
                            self._add(q)
        self._continuations(direct, attributed, merged)
        self.quotes.sort(key=lambda q: (q.start, q.end))
        return self._dedupe()

    def _implicit(self, pos: int) -> _Speaker | None:
        cluster = self.recent_person(pos, plural=False)
        return _Speaker(pos, pos, implicit=True, end_all=pos) if cluster >= 0 else None

    def _content_start(self, m: re.Match, pos: int, s_end: int) -> int | None:
        text = self.text
        # A complementiser within a few words (after a time phrase: "said on Sunday that").
        for i, w in enumerate(LETTER_WORD.finditer(text, pos, s_end)):
            word = _norm(w.group(), self.lang)
            addressee = self.lex.to_re is not None and self.lex.to_re.match(text, pos, s_end) is not None
            if i > 6 or (i == 0 and not addressee and word not in self.lex.that and word not in self.lex.stop
                         and not any(word.startswith(c) for c in self.lex.that if c.endswith(("'", "’")))):
                # Only a time or place phrase may stand before the complementiser
                # ("said on Sunday that"); "said it was possible that" reports "it was …".
                break
            if word in self.lex.that or (self.lang == "ar" and w.group() in self.lex.that):
                return w.end()
            elided = next((c for c in self.lex.that if c.endswith(("'", "’")) and word.startswith(c)), None)
            if elided:  # "qu'ils", which the word pattern keeps whole
                return w.start() + len(elided)
            if text[pos:w.start()].strip(" \t,") and re.search(r"[.;!?]", text[pos:w.start()]):
                break
        colon = re.match(r"\s*:\s*", text[pos:s_end])
        if colon:
            return pos + colon.end()
        lead = re.match(r"\s*,\s*", text[pos:s_end])
        if self.lang in ("de", "ru") and lead:
            # "sagte er, Daesh sei…" / "заявил он, Украина…": the comma opens the clause.
            return pos + lead.end()
        word = re.sub(r"\s+", " ", m.group().lower())
        if word in self.lex.bare and not lead:
            if self.spacy is not None and not self._parse_has_clause(m.start(), m.end()):
                return None
            return pos
        return None

    def _according(self, m: re.Match, cue: str, s_start: int, s_end: int,
                   direct: _Quotations, merged: set) -> None:
        text = self.text
        sp = self.speaker_right(m.end(), s_end)
        if sp is None:
            # Arabic "وفقا لوزارة الدفاع": the name is glued to the preposition.
            return
        after = text[sp.end_all : s_end]
        lead = text[s_start : m.start()]
        if not _words(lead) or re.fullmatch(r"\W*(?:\w+\W*){0,3},?\s*", lead) and re.match(r"\s*[,،]", after):
            # "According to X, …": the rest of the sentence.
            c0 = sp.end_all + (len(re.match(r"\s*[,،]?", after).group()))
            c1 = self.clause_end(c0, s_end, direct)
        else:
            # "…, according to X." (or "laut Polizei wurden …" mid-clause)
            c0, c1 = s_start, _strip_span(text, s_start, m.start())[1]
            if self.lang == "de" and not lead.rstrip().endswith(","):
                c0, c1 = sp.end_all, s_end
        q = self.make(c0, c1, False, sp, cue)
        if q and len(_words(q.text)) >= 2:
            self._add(q)
            merged.update(direct.within(c0, c1 + 1))

    def _continuations(self, direct, attributed, merged) -> None:
        """Quotation marks without a cue right after a quote by the same speaker continue it."""
        # Each check below looks up the quotes found before this pass (scanning them all for every
        # quotation was quadratic). A continuation added here is direct and ends before every later
        # quotation starts, so it holds none of them; it only joins "the quotes before" a later one.
        found = list(self.quotes)
        by_start = sorted(range(len(found)), key=lambda k: found[k].start)
        starts = [found[k].start for k in by_start]
        reach = list(itertools.accumulate((found[k].end for k in by_start), max))
        nearest_end = list(itertools.accumulate((found[k].end for k in reversed(by_start)), min))[::-1]
        directs = sorted((k for k, q in enumerate(found) if q.direct), key=lambda k: (found[k].end, k))
        taken = 0  # directs[:taken] end before the current quotation
        last_found: Quote | None = None  # of those, the one ending last (found first on ties)
        last_added: Quote | None = None  # continuations come in text order, after every quote found
        for d in direct:
            if d in attributed or d in merged:
                continue
            k = bisect.bisect_right(starts, d[0])
            if k and reach[k - 1] >= d[1] - 1:
                continue  # inside a quote (one starting by d[0] and ending by d[1] - 1)
            if not self._more_words_than(d[0], d[1], _SHORT_QUOTE_WORDS):
                continue  # a scare quote or a title
            while taken < len(directs) and found[directs[taken]].end <= d[0]:
                if last_found is None or found[directs[taken]].end > last_found.end:
                    last_found = found[directs[taken]]
                taken += 1
            # The direct quote before it that ends last, the first in the list on ties.
            last = last_found
            if last_added is not None and (last is None or last_added.end > last.end):
                last = last_added
            if last is None:
                continue
            k = bisect.bisect_right(starts, last.end)
            between_quote = (k < len(starts) and nearest_end[k] <= d[0]) or (
                last_added is not None and last_added.start > last.end)
            # The same paragraph, with at most the previous quote's cue sentence between.
            if (not self._more_words_than(last.end, d[0], 12) and self.text.find("\n\n", last.end, d[0]) < 0
                    and not between_quote):
                q = Quote(start=d[0], end=d[1], text=self.text[d[0]:d[1]], direct=True, speaker=last.speaker,
                          speaker_start=last.speaker_start, speaker_end=last.speaker_end,
                          speaker_cluster=last.speaker_cluster, role=last.role, medium=last.medium, cue=last.cue)
                self._add(q)
                attributed[d] = q
                last_added = q

    def _more_words_than(self, start: int, end: int, n: int) -> bool:
        """Whether ``text[start:end]`` has more than ``n`` words (counting stops there)."""
        return next(itertools.islice(LETTER_WORD.finditer(self.text, start, end), n, None), None) is not None

    def _dedupe(self) -> list[Quote]:
        """The quotes (sorted by start, then end) that no other one holds."""
        # Kept quotes start at or before the next one, so one of them holds it when the furthest end so
        # far reaches its end; those it holds start where it does, at the top of the stack.
        out: list[Quote] = []
        reach: list[int] = []
        for q in self.quotes:
            if reach and reach[-1] >= q.end:
                continue
            while out and out[-1].start == q.start:
                out.pop()
                reach.pop()
            out.append(q)
            reach.append(max(reach[-1], q.end) if reach else q.end)
        return out

    # ---------------------------------------------------------- spaCy help

    def _parse_token(self, start: int, end: int):
        span = self.spacy.char_span(start, end, alignment_mode="expand")
        return span.root if span is not None and len(span) else None

    def _parse_has_clause(self, start: int, end: int) -> bool:
        tok = self._parse_token(start, end)
        return tok is None or any(c.dep_ in ("ccomp", "parataxis", "xcomp", "advcl") for c in tok.children)

    def _parse_subject(self, start: int, end: int) -> _Speaker | None:
        tok = self._parse_token(start, end)
        if tok is None:
            return None
        for c in tok.children:
            if c.dep_ in ("nsubj", "nsubj:pass"):
                toks = list(c.subtree)
                s, e = toks[0].idx, toks[-1].idx + len(toks[-1])
                if len(toks) <= _MAX_SPEAKER_WORDS and self._looks_like_speaker(s, e):
                    words = _words(self.text[s:e])
                    pronoun = len(words) == 1 and _norm(words[0], self.lang) in self.lex.pronouns
                    return _Speaker(s, e, role=None if pronoun else self._role_before_name(s, e), pronoun=pronoun, end_all=end)
        return None


def find_quotes(doc: AnalysisDoc) -> None:
    """Set ``doc.quotes``: direct and indirect quotes with speaker, role, medium and cue."""
    doc.quotes = _Finder(doc).run()
