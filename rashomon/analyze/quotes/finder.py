"""The main pass of quote finding: every speech cue in text order, each attributing a quote.

The steps, per cue (``_attribute``):

1. a direct quote closing just before it (``"...," X said`` / ``«…», a déclaré X``);
2. else the speaker (before or after the verb, by the language's word order), then a
   direct quote opening just after it (``X said: "..."``);
3. else the clause it reports (``X said that ...``), an indirect quote;
4. else the content before a sentence-final cue (``Daesh is finished, he said.``).

Then quotation marks with no cue continue the previous speaker's quote when
they follow it closely; the rest (scare quotes, titles) are dropped.

Over 400 lines: the steps share one run's state (the quotations, those a cue
attributed, the quotes found so far by sentence), which is what the class holds.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence

from rashomon.analyze.doc import AnalysisDoc, sentence_index
from rashomon.analyze.quotes.marks import QUOTE_CHARS, Quotations, direct_spans
from rashomon.analyze.quotes.speakers import (
    MAX_SPEAKER_WORDS,
    Speaker,
    SpeakerPhrases,
    match_length,
    strip_span,
    words_of,
)
from rashomon.bounds import MAX_SENTENCE_CHARS
from rashomon.lang.defaults import language
from rashomon.model import Quote
from rashomon.text import LETTER_WORD, UNSPACED_LETTERS

# Quotes of fewer words are kept only when a cue stands right beside them.
_SHORT_QUOTE_WORDS = 3
_SENTENCE_END = re.compile(r"(?<=[.!?؟。])[\"'”»“’)]*\s+|\n+")


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


class QuoteFinder(SpeakerPhrases):
    """The quotes of one analysed text: ``QuoteFinder(doc).run()``."""

    def __init__(self, doc: AnalysisDoc):
        super().__init__(doc)
        traits = language(doc.language)
        self.word_order = traits.option("word-order", "svo")
        self.comma_opens_clause = traits.flag("comma-opens-reported-clause")
        self.according_within_clause = traits.flag("according-to-within-clause")
        self.clause_final_coordinators = traits.sequence("clause-final-coordinators")
        # Verb-final languages (word order "sov") mark where the subject ends with a comma or a topic marker
        # ("は", "은"): the marker must end a word, or touch a letter of a script without spaces.
        markers = traits.sequence("topic-markers")
        self.topic_markers = markers
        self.subject_end_re = re.compile(
            "[,，、]" + "".join(f"|{re.escape(w)}(?=[\\s、，,]|[{UNSPACED_LETTERS}])" for w in markers)
        )
        self.sentences = _sentences(doc)
        self.quotes: list[Quote] = []
        # Quotes by the sentences their start and end fall in, in the order found: "the latest quote
        # such that ..." looks only where one can be.
        self._quotes_in_sentence: dict[int, list[int]] = {}
        self._commas: list[int] | None = None
        # Set by run(): the direct quotations, those a cue attributed, those an indirect quote holds.
        self.direct = Quotations([])
        self.attributed: dict[tuple[int, int], Quote] = {}
        self.merged: set[tuple[int, int]] = set()

    # ---------------------------------------------------------- lookups

    def sentence(self, pos: int) -> tuple[int, int]:
        i = sentence_index(self.sentences, pos)
        return self.sentences[i] if i >= 0 else (0, len(self.text))

    def _add(self, q: Quote) -> None:
        index = len(self.quotes)
        self.quotes.append(q)
        for i in dict.fromkeys((sentence_index(self.sentences, q.start), sentence_index(self.sentences, q.end))):
            if i >= 0:
                self._quotes_in_sentence.setdefault(i, []).append(index)
        if q.speaker_cluster >= 0 and q.speaker_end is not None:
            self._named_quotes.append(q)

    def _continuing(
        self, speaker_of: Quote, start: int, end: int, direct: bool, medium: str | None, cue: str | None
    ) -> Quote:
        """A quote at ``start:end`` that continues ``speaker_of``'s words: their speaker, span and role."""
        return Quote(
            start=start,
            end=end,
            text=self.text[start:end],
            direct=direct,
            speaker=speaker_of.speaker,
            speaker_start=speaker_of.speaker_start,
            speaker_end=speaker_of.speaker_end,
            speaker_cluster=speaker_of.speaker_cluster,
            role=speaker_of.role,
            medium=medium,
            cue=cue,
        )

    def latest_quote_between(self, start: int, pos: int) -> Quote | None:
        """The quote found last that starts in ``[start, pos)`` or ends in ``[start, pos]``.

        When ``start`` begins the sentence holding ``pos`` (as for every cue), such a quote starts or
        ends in that sentence, so only that sentence's quotes are read."""
        i = sentence_index(self.sentences, pos)
        candidates: Sequence[int]
        if i >= 0 and self.sentences[i][0] == start:
            candidates = self._quotes_in_sentence.get(i, [])
        else:
            candidates = range(len(self.quotes))
        for index in reversed(candidates):
            q = self.quotes[index]
            if start <= q.start < pos or start <= q.end <= pos:
                return q
        return None

    # ---------------------------------------------------------- main pass

    def run(self) -> list[Quote]:
        self.direct = Quotations(direct_spans(self.text))
        self.attributed = {}
        self.merged = set()
        cues = (
            []
            if self.lex.cue_re is None
            else [m for m in self.lex.cue_re.finditer(self.text) if not self.direct.holding(m.start())]
        )
        for m in cues:
            self._attribute(m)
        self._continuations()
        self.quotes.sort(key=lambda q: (q.start, q.end))
        return self._dedupe()

    def _attribute(self, m: re.Match) -> None:
        """The quote one speech cue attributes, if any (the steps in the module docstring)."""
        kind = m.lastgroup or "verb"
        cue = re.sub(r"\s+", " ", m.group())
        s_start, s_end = self.sentence(m.start())
        prev = self.latest_quote_between(s_start, m.start())
        if kind == "according":
            self._according(m, cue, s_start, s_end)
            return
        if self._quote_before(m, cue, s_start, s_end) or kind == "after":
            return
        if self.word_order == "sov" and self._verb_final(m, cue, s_start, s_end):
            return
        sp = self._speaker_beside(m, s_start, s_end, prev)
        pos = m.end() if sp is None or sp.end_all <= m.end() else sp.end_all
        medium, pos = self.medium_after(m.group(), pos, s_end)
        if sp is None:
            sp = self._subject_elsewhere(m, cue, s_start, prev)
        inherit = prev if sp is None else None
        if sp is None and inherit is None:
            sp = self._implicit(m.start()) if self.pro_drop else None
        if sp is None and inherit is None:
            return
        if self._quote_after(pos, sp, cue, medium, inherit):
            return
        if self._indirect(m, pos, s_end, sp, cue, medium, inherit):
            return
        self._content_before(m, pos, s_start, s_end, sp, cue, medium, inherit)

    def _quote_before(self, m: re.Match, cue: str, s_start: int, s_end: int) -> bool:
        """Step 1: a quote closing just before the cue: '"...," X said' / '«…», a déclaré X'."""
        text = self.text
        d = self.direct.last_closing(s_start - 2000, m.start(), self.attributed)
        if d is None:
            return False
        gap = text[d[1] + 1 : m.start()]
        g_end = self._trim_left(d[1] + 1, strip_span(text, d[1] + 1, m.start(), " \t\n")[1])[1]
        gap_ok = re.fullmatch(r"\s*[,.!?…，。]?\s*(?:[—–-]\s*)?", text[d[1] + 1 : g_end]) is not None
        sp = None
        if (
            not gap_ok
            and len(words_of(gap)) <= MAX_SPEAKER_WORDS
            and re.match(r"\s*[,.!?…，。]?\s*(?:[—–-]\s*)?[^\W\d_]", gap)
        ):
            g0 = d[1] + 1 + match_length(r"\s*[,.!?…，。]?\s*(?:[—–-]\s*)?", gap)
            sp = self.speaker_left(g0, m.start())
            gap_ok = sp is not None and self.sentence(d[1])[0] <= s_start
        if not gap_ok:
            return False
        if sp is None and self.word_order == "sov":
            # 'Erdoğan, "…" dedi' / '首相は「…」と述べた': the speaker opens the sentence, before the quote.
            sp = self._speaker_before_quote(d[0] - 1)
        if sp is None:
            sp = self.speaker_right(m.end(), s_end) or self._implicit(m.start())
        if sp is None:
            return False
        medium, _ = self.medium_after(m.group(), sp.end_all if sp.end_all > m.end() else m.end(), s_end)
        q = self.make(d[0], d[1], True, sp, cue, medium)
        if q:
            self.attributed[d] = q
            self._add(q)
        return True

    def _subject_end(self, start: int, end: int) -> tuple[int, int] | None:
        """(end of the subject, start of what follows) at the first comma or topic marker in ``[start, end)``."""
        found = self.subject_end_re.search(self.text, start, end)
        return (found.start(), found.end()) if found else None

    def _speaker_before_quote(self, opening: int) -> Speaker | None:
        """The speaker phrase between the start of the sentence and a quote's opening mark at ``opening``."""
        lo = self.sentence(opening)[0]
        end = strip_span(self.text, lo, opening, " \t\n,，、:：")[1]
        marker = next((w for w in self.topic_markers if self.text.endswith(w, lo, end)), None)
        if marker:
            end = strip_span(self.text, lo, end - len(marker), " \t\n,，、")[1]
        return self.speaker_left(lo, end) if end > lo else None

    def _verb_final(self, m: re.Match, cue: str, s_start: int, s_end: int) -> bool:
        """A reported clause before a sentence-final verb (Turkish, Japanese, Korean): "Çavuşoğlu, Rusya'nın …
        olduğunu söyledi." / "首相は、…と述べた。": the subject opens the sentence up to its first comma or topic
        marker, the content runs from there to the verb."""
        text = self.text
        tail = text[m.end() : s_end]
        # The verb ends the sentence, or its clause: "… uzatıldığını açıkladı, Nikol Paşinyan …".
        if not re.fullmatch(r"[\s.!?。！？\"'”」』»)]*", tail) and not re.match(r"\s*[,，、]", tail):
            return False
        closed = self.direct.last_end_before(m.start())
        lo = s_start if closed is None or closed < s_start else closed + 1
        cut = self._subject_end(lo, m.start())
        if cut is None or cut[0] <= lo:
            return False
        sp = self.speaker_left(lo, cut[0])
        if sp is None:
            return False
        q = self.make(cut[1], m.start(), False, sp, cue)
        if q is None or not self._more_words_than(q.start, q.end, 1):
            return False
        self._add(q)
        self.merged.update(self.direct.within(cut[1], m.start() + 1))
        return True

    def _speaker_beside(self, m: re.Match, s_start: int, s_end: int, prev: Quote | None) -> Speaker | None:
        """The speaker on the left of the cue (SVO) or after it (VSO, inversion), by the word order."""
        closed = self.direct.last_end_before(m.start())
        lo = max(s_start, closed + 1 if closed is not None else s_start)
        if prev is not None and prev.end < m.start() and not prev.direct:
            lo = max(lo, prev.end)
        sp_left = self.speaker_left(lo, m.start())
        names_nothing = sp_left is None or not self.mentions_in(sp_left.start, sp_left.end)
        sp_right = None
        if (
            self.word_order == "vso"
            or sp_left is None
            or (self.word_order == "v2" and not sp_left.pronoun and names_nothing)
        ):
            sp_right = self.speaker_right(m.end(), s_end)
        if sp_right is not None and (
            sp_left is None or self.word_order == "vso" or (self.word_order == "v2" and names_nothing)
        ):
            return sp_right
        return sp_left

    def _subject_elsewhere(self, m: re.Match, cue: str, s_start: int, prev: Quote | None) -> Speaker | None:
        """A speaker not beside the cue: the parse's subject, or the sentence's subject before a participle."""
        if self.spacy is not None:
            sp = self._parse_subject(m.start(), m.end())
            if sp is not None:
                return sp
        if prev is None and cue.lower() in self.lex.participles:
            # "La partie américaine, cependant, a refusé …, soulignant que …": the sentence's subject.
            comma = self.text.find(",", s_start, m.start())
            for w in LETTER_WORD.finditer(self.text, s_start, comma if comma > 0 else s_start):
                if self.norm(w.group()) in self.lex.skip or self.norm(w.group()) in self.lex.verbs:
                    comma = w.start()  # the subject ends at its verb: "La partie américaine a refusé …"
                    break
            if comma > s_start:
                return self.speaker_left(s_start, comma)
        return None

    def _quote_after(self, pos: int, sp: Speaker | None, cue: str, medium: str | None, inherit: Quote | None) -> bool:
        """Step 2: a quote opening just after: 'X said: "..."', 'X told AFP on Sunday: “…”'."""
        after = self.direct.first_opening_after(pos, self.attributed)
        if after is None or self._more_words_than(pos, after[0] - 1, 4):
            return False
        gap = self.text[pos : after[0] - 1]
        if not (
            re.search(r"[:,：，]\s*$|^\s*$", gap)
            and not re.search(r"[.!?]\s|[。！？]", gap)
            and not any(self.norm(w) in self.lex.that for w in words_of(gap))
        ):
            return False
        q = self.make(after[0], after[1], True, sp, cue, medium, inherit)
        if q:
            self.attributed[after] = q
            self._add(q)
        return True

    def _indirect(
        self, m: re.Match, pos: int, s_end: int, sp: Speaker | None, cue: str, medium: str | None, inherit: Quote | None
    ) -> bool:
        """Step 3: the clause after the complementiser (or a bare clause, a colon)."""
        c0 = self._content_start(m, pos, s_end)
        if c0 is None:
            return False
        c1 = self.clause_end(c0, s_end)
        if self._reports_object(m) and not self.text[pos:c0].strip():
            # What a denial denies is its object, which ends at the first clause mark: "the deal, which
            # the Coalition denied being involved in, were kept unclear".
            mark = re.search(r"[,;:.!?()]", self.text[c0:c1])
            c1 = c0 + mark.start() if mark else c1
        if len(words_of(self.text[c0:c1])) < 2:
            return False
        q = self.make(c0, c1, False, sp, cue, medium, inherit)
        if q:
            self._add(q)
            self.merged.update(self.direct.within(c0, c1 + 1))
        return True

    def _content_before(
        self,
        m: re.Match,
        pos: int,
        s_start: int,
        s_end: int,
        sp: Speaker | None,
        cue: str,
        medium: str | None,
        inherit: Quote | None,
    ) -> None:
        """Step 4: content before a sentence-final cue: "Daesh is finished, he said." / "…, — заявил Надь."."""
        text = self.text
        tail = text[(sp.end_all if sp and sp.end_all > m.end() else m.end()) : s_end]
        if not (re.fullmatch(r"[\s.!?]*", tail) or (medium and re.fullmatch(r"[\s.!?]*", text[pos:s_end]))):
            return
        left_end = sp.start if sp and sp.start < m.start() and not sp.implicit else m.start()
        head = text[s_start:left_end].rstrip()
        if head.endswith((",", "—", "–", "-")):
            c0, c1 = strip_span(text, s_start, len(head) + s_start)
            if len(words_of(text[c0:c1])) >= 3:
                dash = bool(re.match(r"\s*[—–-]", text[s_start : c0 + 1]))
                q = self.make(c0, c1, dash, sp, cue, medium, inherit)
                if q:
                    self._add(q)

    def _content_start(self, m: re.Match, pos: int, s_end: int) -> int | None:
        text = self.text
        # A complementiser within a few words (after a time phrase: "said on Sunday that").
        for i, w in enumerate(LETTER_WORD.finditer(text, pos, s_end)):
            word = self.norm(w.group())
            addressee = self.lex.to_re is not None and self.lex.to_re.match(text, pos, s_end) is not None
            if i > 6 or (
                i == 0
                and not addressee
                and word not in self.lex.that
                and word not in self.lex.stop
                and not any(word.startswith(c) for c in self.lex.that if c.endswith(("'", "’")))
            ):
                # Only a time or place phrase may stand before the complementiser
                # ("said on Sunday that"); "said it was possible that" reports "it was …".
                break
            # With proclitics the word is looked up as written too ("فإن").
            if word in self.lex.that or (self.proclitics and w.group() in self.lex.that):
                return w.end()
            elided = next((c for c in self.lex.that if c.endswith(("'", "’")) and word.startswith(c)), None)
            if elided:  # "qu'ils", which the word pattern keeps whole
                return w.start() + len(elided)
            if text[pos : w.start()].strip(" \t,") and re.search(r"[.;!?。；！？]", text[pos : w.start()]):
                break
        colon = re.match(r"\s*[:：]\s*", text[pos:s_end])
        if colon:
            return pos + colon.end()
        lead = re.match(r"\s*[,，]\s*", text[pos:s_end])
        if self.comma_opens_clause and lead:
            # "sagte er, Daesh sei…" / "заявил он, Украина…": the comma opens the clause.
            return pos + lead.end()
        word = re.sub(r"\s+", " ", m.group().lower())
        if self._reports_object(m) and not lead:
            return pos
        if word in self.lex.bare and not lead:
            if self.spacy is not None and not self._parse_has_clause(m.start(), m.end()):
                return None
            return pos
        return None

    def _reports_object(self, m: re.Match) -> bool:
        """Whether the cue reports its object rather than a clause ("denied being involved in"; "denied that …"
        is a clause, found before this is asked)."""
        return re.sub(r"\s+", " ", m.group().lower()) in self.lex.objects

    def _according(self, m: re.Match, cue: str, s_start: int, s_end: int) -> None:
        """An "according to X" cue: X said the clause it opens or ends."""
        text = self.text
        sp = self.speaker_right(m.end(), s_end)
        if sp is None:
            # Arabic "وفقا لوزارة الدفاع": the name is glued to the preposition.
            return
        after = text[sp.end_all : s_end]
        lead = text[s_start : m.start()]
        if not words_of(lead) or re.fullmatch(r"\W*(?:\w+\W*){0,3},?\s*", lead) and re.match(r"\s*[,،]", after):
            # "According to X, …": the rest of the sentence.
            c0 = sp.end_all + match_length(r"\s*[,،]?", after)
            c1 = self.clause_end(c0, s_end)
        else:
            # "…, according to X." (or "laut Polizei wurden …" mid-clause)
            c0, c1 = s_start, strip_span(text, s_start, m.start())[1]
            if self.according_within_clause and not lead.rstrip().endswith(","):
                c0, c1 = sp.end_all, s_end
        q = self.make(c0, c1, False, sp, cue)
        if q and len(words_of(q.text)) >= 2:
            self._add(q)
            self.merged.update(self.direct.within(c0, c1 + 1))

    def _continuations(self) -> None:
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
        for d in self.direct:
            if d in self.attributed or d in self.merged:
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
                last_added is not None and last_added.start > last.end
            )
            # The same paragraph, with at most the previous quote's cue sentence between.
            if (
                not self._more_words_than(last.end, d[0], 12)
                and self.text.find("\n\n", last.end, d[0]) < 0
                and not between_quote
            ):
                q = self._continuing(last, d[0], d[1], True, last.medium, last.cue)
                self._add(q)
                self.attributed[d] = q
                last_added = q

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

    def clause_end(self, start: int, sent_end: int) -> int:
        """Where a reported clause stops: the sentence end, or a coordinated new cue ("…, adding that")."""
        text = self.text
        end = sent_end
        if self.lex.cue_re is not None:
            for m in self.lex.cue_re.finditer(text, start, sent_end):
                if self.direct.holding(m.start()):
                    continue
                # What comes before the cue, read in place: the cues of a long sentence each read it.
                before_end = m.start()
                while before_end > start and text[before_end - 1].isspace():
                    before_end -= 1
                if (before_end > start and text[before_end - 1] in ",;—–") or (
                    self.lex.joined_clause_re is not None
                    and self.lex.joined_clause_re.search(text, max(start, before_end - 16), before_end)
                ):
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
        if colon >= 0 and text[colon + 2 : colon + 3] in QUOTE_CHARS:
            end = colon
        e = strip_span(text, start, end, " \t\n,;:—–-.")[1]
        for word in self.clause_final_coordinators:
            # The clause's last few characters are enough to tell how it ends.
            if text[max(start, e - 16) : e].lower().endswith(" " + word):
                e = strip_span(text, start, e - len(word), " \t\n,;:—–-")[1]
        return e

    def _last_comma(self, start: int, end: int) -> int:
        """The position of the last comma in ``text[start:end]``, -1 if none."""
        if self._commas is None:
            self._commas = [m.start() for m in re.finditer(",", self.text)]
        i = bisect.bisect_left(self._commas, end) - 1
        return self._commas[i] if i >= 0 and self._commas[i] >= start else -1

    # ---------------------------------------------------------- quotes

    def make(
        self,
        start: int,
        end: int,
        direct: bool,
        sp: Speaker | None,
        cue: str,
        medium: str | None = None,
        inherit: Quote | None = None,
    ) -> Quote | None:
        start, end = strip_span(self.text, start, end, " \t\n,;:—–-、，：" + ("" if direct else '"“”«»„'))
        if end <= start or len(words_of(self.text[start:end])) < 1:
            return None
        if sp is None and inherit is not None:
            return self._continuing(inherit, start, end, direct, medium or None, cue)
        if sp is None:
            return None
        cluster = self.cluster_of(sp)
        speaker = self.text[sp.start : sp.end] if sp.end > sp.start else None
        if sp.implicit and cluster >= 0:
            # Nothing is written for a dropped subject: name the antecedent instead.
            speaker = self._antecedent(cluster, sp.start)
        return Quote(
            start=start,
            end=end,
            text=self.text[start:end],
            direct=direct,
            speaker=speaker,
            speaker_start=None if sp.implicit else sp.start,
            speaker_end=None if sp.implicit else sp.end,
            speaker_cluster=cluster,
            role=sp.role,
            medium=medium,
            cue=cue,
        )
