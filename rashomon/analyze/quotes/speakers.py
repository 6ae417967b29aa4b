"""Speaker phrases: who a speech cue names, in what role, to which medium, and which mention cluster that is.

Read from per-language data: the cue and role lists (``speech_cues.txt``,
``speaker_roles.txt``) and the language's traits (``language.txt`` through
``rashomon.lang.defaults.language``: determiners, name connectors, word order,
pro-drop, ...), so nothing here asks which language a text is in.

Over 400 lines: ``SpeakerPhrases`` is one class because finding a speaker phrase
and resolving it share the mention lookups (binary searches over the mentions,
built once per text); splitting them would pass that state between classes.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from functools import cache

from rashomon.analyze.doc import AnalysisDoc
from rashomon.lang.defaults import language
from rashomon.model import Mention, Quote
from rashomon.resources import data_lines
from rashomon.text import LETTER_WORD, UNSPACED_LETTERS

MAX_SPEAKER_WORDS = 12
# Where every letter is a word (rashomon.text), a description this short is a speaker phrase ("一名高级警官").
_MAX_UNNAMED_SPEAKER_LETTERS = 8

# What ends the clause before a speaker (a dash opening the stretch is handled apart).
# The full-width marks of Chinese and Japanese ("，", "：", "、", 「」) end a clause as their Latin ones do.
_CLAUSE_MARK = re.compile(r"[,;:\[\]\"“”«»„，；：、「」『』]|\s[—–]\s|\s-\s")


def match_length(pattern: str, text: str) -> int:
    """How many characters at the start of ``text`` the ``pattern`` takes; it must be able to take none."""
    found = re.match(pattern, text)
    if found is None:
        raise ValueError(f"{pattern!r} must match an empty string, to measure what it skips")
    return found.end()


@dataclass
class _Lexicon:
    verbs: list[str] = field(default_factory=list)
    bare: set[str] = field(default_factory=set)
    objects: set[str] = field(default_factory=set)  # verbs whose object is what is reported ("denied being involved")
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
    # A clause ending in a coordinating word, where a new cue starts a new clause ("…, and said that").
    joined_clause_re: re.Pattern | None = None


def _alternation(phrases: list[str]) -> str:
    # Longest first so "as saying" wins over "saying"; spaces match any whitespace.
    parts = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in parts)


@cache
def lexicon(code: str) -> _Lexicon:
    """The speech cues and role words of language ``code``, with their patterns compiled."""
    lex = _Lexicon()
    for line in data_lines(code, "speech_cues.txt") + data_lines(code, "speaker_roles.txt"):
        value, section = line.value.lower(), line.section.replace("-", "_")
        target = getattr(lex, section, None)
        if isinstance(target, list):
            target.append(value)
        elif isinstance(target, set):
            target.add(value)
    traits = language(code)
    # A word boundary that also holds after a proclitic (Arabic و, ف), which may precede a cue.
    proclitics = "".join(re.escape(p) for p in traits.sequence("proclitics"))
    # In the scripts without spaces every letter is a word (rashomon.text), so a cue may touch letters there.
    unspaced = rf"(?<=[{UNSPACED_LETTERS}])"
    prefix = (
        rf"(?:(?<![^\W_])|{unspaced}|(?<=(?<![^\W_])[{proclitics}]))" if proclitics else rf"(?:(?<![^\W_])|{unspaced})"
    )
    kinds = []
    if lex.according_to:
        kinds.append(f"(?P<according>{_alternation(lex.according_to)})")
    if lex.verbs:
        kinds.append(f"(?P<verb>{_alternation(lex.verbs)})")
    if lex.after_quote:
        kinds.append(f"(?P<after>{_alternation(lex.after_quote)})")
    if kinds:
        # "لـ"-style phrases end in a tatweel, so no word boundary is asked after them.
        lex.cue_re = re.compile(
            prefix + "(?:" + "|".join(kinds) + rf")(?:(?![^\W_])|(?=[{UNSPACED_LETTERS}])|(?<=ـ)|(?<=ل))",
            re.IGNORECASE,
        )
    if lex.to:
        lex.to_re = re.compile(
            r"\s*(?:" + _alternation(lex.to) + r")(?:(?![^\W_])|(?<=ـ)|(?<=ل)|(?<=['’]))\s*", re.IGNORECASE
        )
    if lex.skip:
        lex.skip_re = re.compile(r"(?:^|(?<=\s))(?:" + _alternation(lex.skip) + r")\s*$", re.IGNORECASE)
    coordinators = traits.sequence("clause-coordinators")
    if coordinators:
        lex.joined_clause_re = re.compile(r"(?:,|\s)(?:" + "|".join(map(re.escape, coordinators)) + r")\s*$")
    return lex


def words_of(text: str) -> list[str]:
    return LETTER_WORD.findall(text)


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


def strip_span(text: str, start: int, end: int, chars: str = " \t\n,;:—–-") -> tuple[int, int]:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


@dataclass
class Speaker:
    start: int
    end: int
    role: str | None = None
    pronoun: bool = False
    implicit: bool = False  # pro-drop: no subject written ("Dijo que", "وأضاف أن")
    end_all: int = 0  # end of the speaker phrase with its appositive, where content may start


class SpeakerPhrases:
    """The speaker phrases of one text and their resolution to mention clusters.

    Holds the quotes found so far with a resolved speaker too: "He said" right
    after a quote nearly always continues it, so a named speaker is an antecedent.
    """

    def __init__(self, doc: AnalysisDoc):
        self.doc = doc
        self.text = doc.text
        self.lex = lexicon(doc.language)
        self.mentions = sorted(doc.mentions, key=lambda m: m.start)
        # Lookups below are binary searches: they run once or more per speech cue, and a long text has
        # tens of thousands of cues, sentences and mentions. Mentions never overlap, so their ends
        # are in order too.
        self._mention_starts = [m.start for m in self.mentions]
        self._mention_ends = [m.end for m in self.mentions]
        self._mentions_disjoint = all(a <= b for a, b in zip(self._mention_ends, self._mention_starts[1:]))
        # The quotes with a resolved speaker, in the order found.
        self._named_quotes: list[Quote] = []
        # Mention indices (and their ends) by label group, by title word beside them, by cluster: built
        # on first use, for "the last such mention before here".
        self._people: dict[tuple[str, ...], dict] = {}
        self._titled: dict | None = None
        self._cluster_mentions: dict | None = None
        self.spacy = doc.parsed if doc.parsed is not None and hasattr(doc.parsed, "char_span") else None
        traits = language(doc.language)
        self.dets = traits.words("determiners")
        self.definite_dets = self.dets - traits.words("indefinite-articles")
        self.connectors = traits.words("connectors")
        self.proclitics = traits.sequence("proclitics")
        self.definite_prefixes = traits.sequence("definite-prefixes")
        inverted = traits.sequence("inverted-pronouns")
        # French inversion: "a-t-il déclaré", "ont-ils affirmé".
        self.inversion = re.compile(r"-(?:t-)?(" + "|".join(map(re.escape, inverted)) + r")\s*$") if inverted else None
        self.speaker_joiners = traits.words("speaker-joiners")
        self.speaker_head = traits.option("speaker-head")
        self.names_by_case = traits.flag("names-by-case")
        self.uncased = traits.flag("uncased-script")
        self.determiners_end_names = traits.option("determiners-end-names")
        self.speaker_from_anchor = traits.flag("speaker-from-anchor")
        self.head_first = traits.flag("head-first")
        self.bare_nouns_definite = traits.flag("bare-nouns-definite")
        self.pro_drop = traits.flag("pro-drop")
        # Names found as substrings (no spaces, or endings glued on): the speaker is the last name before the cue.
        self.by_substring = traits.flag("names-by-substring")

    def norm(self, word: str) -> str:
        """A word as the lists hold it: lowercased, without a proclitic glued to it."""
        w = word.lower()
        if self.proclitics and len(w) > 3 and w[0] in self.proclitics:
            return w[1:]
        return w

    # ---------------------------------------------------------- lookups

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        if not self._mentions_disjoint:
            return [m for m in self.mentions if m.start < end and start < m.end]
        first = bisect.bisect_right(self._mention_ends, start)
        last = bisect.bisect_left(self._mention_starts, end, lo=first)
        return self.mentions[first:last]

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
        return self.norm(word) in self.lex.roles

    def is_institution(self, word: str) -> bool:
        return self.norm(word) in self.lex.institutions

    # ---------------------------------------------------------- speaker phrases

    def _looks_like_speaker(self, start: int, end: int) -> bool:
        words = words_of(self.text[start:end])
        if not words or len(words) > MAX_SPEAKER_WORDS:
            return False
        head = words[-1]
        if len(words) == 1 and self.norm(head) in self.lex.pronouns:
            return True
        if any(m.label in ("person", "organisation", "group", "place") for m in self.mentions_in(start, end)):
            return True
        if any(self.is_role(w) or self.is_institution(w) for w in words):
            return True
        if self.speaker_head == "capitalised" and head[:1].isupper():
            return True
        if (
            self.speaker_head == "determiner-capitalised"
            and len(words) >= 2
            and self.norm(words[0]) in self.dets
            and head[:1].isupper()
        ):
            return True  # "der 48-Jährige": German nouns are capitalised, so ask for the article too
        return False

    def _trim_left(self, start: int, end: int) -> tuple[int, int]:
        """Drop adverbs and auxiliaries between a speaker and its verb ("the official later told")."""
        while self.lex.skip_re is not None:
            m = self.lex.skip_re.search(self.text, start, end)
            if not m or m.start() <= start or m.end() < end:
                break
            end = m.start()
            end = strip_span(self.text, start, end, " \t\n")[1]
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
            w = self.norm(m.group())
            if w in self.lex.boundaries:
                cut = m.end()
            elif w in self.speaker_joiners:
                # "and" joins two speakers ("DeFazio and Thompson") but ends a clause before one.
                after = _first_char(text, m.end(), end)
                before = _last_char(text, lo, m.start())
                if not (after.isupper() and before.isalpha() and _last_word_start(text, lo, m.start()).isupper()):
                    cut = m.end()
        return cut

    def speaker_left(self, lo: int, cue_start: int) -> Speaker | None:
        text = self.text
        start, end = strip_span(text, lo, cue_start, " \t\n")
        start, end = self._trim_left(start, end)
        if end <= start:
            return None
        inv = self.inversion.search(text[start:end]) if self.inversion is not None else None
        if inv:
            p = start + inv.start(1)
            return Speaker(p, p + len(inv.group(1)), pronoun=True, end_all=cue_start)
        role = None
        name_end = end
        if text[end - 1] in ",—–-" and end - start > 1:
            # Appositive: "Omar Alloush, a senior official of the Raqqa Civil Council, told".
            inner_end = strip_span(text, start, end - 1, " \t\n")[1]
            delims = [m.end() for m in re.finditer(r",|\s[—–-]\s|[—–-]\s|(?<=\w)-(?=\s)", text[start:inner_end])]
            if not delims:
                return None
            app_start = start + delims[-1]
            a0, a1 = strip_span(text, app_start, inner_end)
            app_words = words_of(text[a0:a1])
            if not app_words or len(app_words) > 14:
                return None
            first = self.norm(app_words[0])
            if not (first in self.dets or any(self.is_role(w) or self.is_institution(w) for w in app_words)):
                return None
            role = text[a0:a1]
            name_end = strip_span(text, start, start + delims[-1], " \t\n,—–-")[1]
        s0 = self._boundary_left(start, name_end)
        s0, s1 = strip_span(text, s0, name_end)
        if self.speaker_from_anchor and len(words_of(text[s0:s1])) > 3:
            # Without capitals to end a leading adverbial ("Во время обращения понтифик"),
            # the speaker starts at its first name or role word.
            anchors = [
                w.start()
                for w in LETTER_WORD.finditer(text, s0, s1)
                if self.is_role(w.group()) or self.is_institution(w.group())
            ]
            anchors += [mm.start for mm in self.mentions_in(s0, s1) if mm.start >= s0]
            if anchors and min(anchors) > s0:
                a = min(anchors)
                prev_word = list(LETTER_WORD.finditer(text, s0, a))
                if prev_word and self.norm(prev_word[-1].group()) in self.dets:
                    a = prev_word[-1].start()
                s0 = a
        if self.by_substring and s1 > s0:
            return self._last_named(s0, s1, cue_start)
        if s1 <= s0 or not self._looks_like_speaker(s0, s1):
            return None
        words = words_of(text[s0:s1])
        pronoun = len(words) == 1 and self.norm(words[0]) in self.lex.pronouns
        if role is None and not pronoun:
            role = self._role_before_name(s0, s1)
        return Speaker(s0, s1, role=role, pronoun=pronoun, end_all=cue_start)

    def _last_named(self, start: int, end: int, cue_start: int) -> Speaker | None:
        """Where words are not spaced, a phrase's words cannot be told apart: its speaker is the last name in it
        ("中国外交部发言人华春莹12日" -> "华春莹"), or a pronoun ending it ("他", "彼", "그는")."""
        named = [m for m in self.mentions_in(start, end) if m.label in ("person", "organisation", "group")]
        if named:
            return Speaker(named[-1].start, named[-1].end, end_all=cue_start)
        phrase = self.text[start:end].rstrip()
        for pronoun in sorted(self.lex.pronouns, key=len, reverse=True):
            if phrase.lower().endswith(pronoun):
                p = start + len(phrase) - len(pronoun)
                return Speaker(p, p + len(pronoun), pronoun=True, end_all=cue_start)
        if 0 < len(words_of(phrase)) <= _MAX_UNNAMED_SPEAKER_LETTERS:
            # A short description that names no one ("警方", "该警官"): the speaker as written.
            return Speaker(start, start + len(phrase), end_all=cue_start)
        return None

    def speaker_right(self, pos: int, limit: int) -> Speaker | None:
        """A speaker after its verb: '"...," said Ryan Dillon', 'a déclaré le ministre', 'قال المتحدث'."""
        text = self.text
        m = re.match(r"[ \t]*", text[pos:limit])
        p = pos + (m.end() if m else 0)
        # Time words may stand between the verb and its subject ("dijo el lunes el presidente").
        while True:
            w = LETTER_WORD.match(text, p)
            if not w or w.end() > limit:
                break
            word = self.norm(w.group())
            if word not in self.lex.time:
                nxt = LETTER_WORD.match(text, w.end() + 1)
                # "el lunes", "am Sonntag": an article or preposition before a time word.
                if not (
                    nxt
                    and nxt.end() <= limit
                    and (word in self.dets or word in self.lex.stop)
                    and self.norm(nxt.group()) in self.lex.time
                ):
                    break
                w = nxt
            p = w.end() + match_length(r"[ \t]*", text[w.end() : limit])
        if p >= limit or not (text[p].isalpha() or text[p] in '«"'):
            return None
        end = p
        count = 0
        for w in LETTER_WORD.finditer(text, p, limit):
            gap = text[end : w.start()]
            if count and gap.strip() not in ("", "-", "'", "’", "’s", "'s", "."):
                break
            word = self.norm(w.group())
            if word in self.lex.that or (word in self.lex.stop and word not in self.connectors):
                break
            if (
                count == 0
                and not self.uncased
                and not (
                    word in self.dets
                    or word in self.lex.pronouns
                    or w.group()[:1].isupper()
                    or self.is_role(word)
                    or self.is_institution(word)
                    or self.mentions_in(w.start(), w.end())
                )
            ):
                break
            if (
                self.names_by_case
                and count
                and not (
                    w.group()[:1].isupper()
                    or word in self.connectors
                    or word in self.dets
                    or self.is_role(word)
                    or self.is_institution(word)
                    or self.mentions_in(w.start(), w.end())
                )
            ):
                break
            if (
                count
                and word in self.dets
                and self.determiners_end_names
                and (self.determiners_end_names == "always" or word not in self.connectors)
                and self.norm(text[p:end].split()[-1]) not in self.connectors
            ):
                break
            end = w.end()
            count += 1
            if count == 1 and word in self.lex.pronouns:
                break
            if count >= MAX_SPEAKER_WORDS:
                break
        if end <= p:
            return None
        # Connectors are not a speaker's last word.
        while True:
            ws = list(LETTER_WORD.finditer(text, p, end))
            if ws and (self.norm(ws[-1].group()) in self.connectors | self.dets) and len(ws) > 1:
                end = strip_span(text, p, ws[-2].end())[1]
            else:
                break
        if not self._looks_like_speaker(p, end):
            return None
        words = words_of(text[p:end])
        pronoun = len(words) == 1 and self.norm(words[0]) in self.lex.pronouns
        sp = Speaker(p, end, pronoun=pronoun, end_all=end)
        # Appositive after the name: "said Colonel Ryan Dillon, spokesman for the US coalition."
        app = re.match(r"\s*,\s*([^,.;:!?\"“”«»]{2,120}?)\s*(?=[,.;:!?]|$)", text[end:limit])
        if app and not pronoun:
            aw = words_of(app.group(1))
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
            elif self.names_by_case and len(caps) == 2 and len(words) > 3:
                name_start = caps[0].start()
        if name_start is not None:
            r0, r1 = strip_span(text, start, name_start)
            if r1 > r0 and any(self.is_role(w) for w in words_of(text[r0:r1])):
                return text[r0:r1]
            return None
        return text[start:end]

    # ---------------------------------------------------------- medium

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
        start = strip_span(text, start, limit, ' \t«"“')[0]
        end = start
        count = 0
        for w in LETTER_WORD.finditer(text, start, limit):
            gap = text[end : w.start()]
            if count and gap.strip(" ") not in ("", "-", "'", "’") and not gap.strip().startswith(("»", '"', "”")):
                break
            word = self.norm(w.group())
            if word in self.lex.that or (count and word in self.lex.stop) or count >= 6:
                break
            if self.names_by_case and not (
                w.group()[:1].isupper() or (count and word in self.connectors) or self.mentions_in(w.start(), w.end())
            ):
                break
            if not self.names_by_case and count and not self.mentions_in(w.start(), w.end()):
                break
            end = w.end()
            count += 1
        if end <= start:
            return None, pos
        medium = text[start:end]
        if not self.names_by_case and not self.mentions_in(start, end) and text[start - 1 : start] not in '«"“':
            return None, pos
        close = re.match(r"[»\"”]", text[end : end + 1])
        return medium, end + (1 if close else 0)

    # ---------------------------------------------------------- resolution

    def cluster_of(self, sp: Speaker) -> int:
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
            head_word = self.norm(head.group())
            if self.head_first:
                # Arabic heads come first ("المتحدث باسم الوزارة").
                head_word = self.norm(words[0].group())
            people = [m for m in inside if m.label == "person"]
            if people:
                return people[-1].cluster
            orgs = [m for m in inside if m.label == "organisation"]
            if head_word in self.lex.institutions and orgs:
                return orgs[-1].cluster
            first = self.norm(words[0].group())
            if head_word in self.lex.roles and not inside and first in self.definite_dets:
                # "the official later told …": a definite description points back to the person
                # introduced with that title, else to the last person named.
                titled = self.titled_person(head_word, sp.start)
                return titled if titled >= 0 else self.recent_person(sp.start, plural=False)
            if (
                self.definite_prefixes
                and head_word in self.lex.roles
                and not inside
                and words[0].group().startswith(self.definite_prefixes)
            ):
                return self.recent_person(sp.start, plural=False)
            # Russian has no articles: a bare noun ("понтифик сказал") is as definite as "the pontiff".
            definite = first in self.dets or self.bare_nouns_definite
            if not inside and len(words) <= 4 and definite:
                # "The President said": the person earlier introduced with that title
                # ("President Donald Trump", "Trump, the president"); else, for a role
                # noun, the last person named.
                titled = self.titled_person(head_word, sp.start)
                if titled < 0 and self.bare_nouns_definite and self.norm(words[0].group()) in self.lex.roles:
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
        before = [self.norm(w) for w in words_of(self.text[max(0, m.start - 60) : m.start])][-window:]
        after = [self.norm(w) for w in words_of(self.text[m.end : m.end + 60])][:window]
        return set(before) | set(after)

    def _plural(self, sp: Speaker) -> bool:
        return self.norm(self.text[sp.start : sp.end]) in self.lex.plural_pronouns

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
            if q.speaker_end is None:
                raise ValueError("a named quote without speaker_end: the finder keeps only quotes with one")
            if q.speaker_end <= pos:
                if q.speaker_end > best_pos:
                    best = q.speaker_cluster
                break
        return best

    def _antecedent(self, cluster: int, pos: int) -> str | None:
        """The text of the last mention of ``cluster`` ending by ``pos``."""
        if not self._mentions_disjoint:
            m = next((m for m in reversed(self.mentions) if m.cluster == cluster and m.end <= pos), None)
            return m.text if m else None
        if self._cluster_mentions is None:
            self._cluster_mentions = self._mentions_by(lambda m: (m.cluster,))
        i = self._last_by(self._cluster_mentions, cluster, pos)
        return self.mentions[i].text if i >= 0 else None

    def _implicit(self, pos: int) -> Speaker | None:
        cluster = self.recent_person(pos, plural=False)
        return Speaker(pos, pos, implicit=True, end_all=pos) if cluster >= 0 else None

    def _more_words_than(self, start: int, end: int, n: int) -> bool:
        """Whether ``text[start:end]`` has more than ``n`` words (counting stops there)."""
        return next(itertools.islice(LETTER_WORD.finditer(self.text, start, end), n, None), None) is not None

    # ---------------------------------------------------------- spaCy help

    def _parse_token(self, start: int, end: int):
        if self.spacy is None:
            raise ValueError("no parse to read: callers ask only when the document has a spaCy parse")
        span = self.spacy.char_span(start, end, alignment_mode="expand")
        return span.root if span is not None and len(span) else None

    def _parse_has_clause(self, start: int, end: int) -> bool:
        tok = self._parse_token(start, end)
        return tok is None or any(c.dep_ in ("ccomp", "parataxis", "xcomp", "advcl") for c in tok.children)

    def _parse_subject(self, start: int, end: int) -> Speaker | None:
        tok = self._parse_token(start, end)
        if tok is None:
            return None
        for c in tok.children:
            if c.dep_ in ("nsubj", "nsubj:pass"):
                toks = list(c.subtree)
                s, e = toks[0].idx, toks[-1].idx + len(toks[-1])
                if len(toks) <= MAX_SPEAKER_WORDS and self._looks_like_speaker(s, e):
                    words = words_of(self.text[s:e])
                    pronoun = len(words) == 1 and self.norm(words[0]) in self.lex.pronouns
                    return Speaker(
                        s, e, role=None if pronoun else self._role_before_name(s, e), pronoun=pronoun, end_all=end
                    )
        return None
