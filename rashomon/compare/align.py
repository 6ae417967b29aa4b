"""Statements and their alignment: which statements of a story speak of the same point.

A statement is what one source says at one place: a claim, a quote the analysis
did not make a claim (it named nothing it could check, yet a speaker said it),
or the article's headline. Each carries what comparison needs: its voice (the
speaker's canonical entity, or ``None`` for the outlet's own), the entities,
numbers and content words it names, and the words under a negation, a denial,
or a discussing cue ("whether", "conflicting reports"), so a conflict can be
checked on the very word both statements share rather than anywhere in two
long sentences.

Alignment is deliberately lexical first: the encoder's cosines between two
news sentences of one story are all alike (0.2 to 0.5), so two statements are
only taken to speak of the same point when they share salient words, entities
or counted things, with the cosine as support; across languages, where words
cannot be shared, the calibrated alignment (``calibration``: cosine, entities, numbers and dates, per language
pair) decides, and a fixed high cosine plus a shared entity or number while no calibration ships.

Longer than the ~400 lines a module keeps to: statements, their word features (stems, cue scopes) and the
candidate pairs all read the one ``Statement``; moving the word features to a module of their own is open work.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Sequence

import numpy as np

from rashomon.analyze.doc import SpanIndex
from rashomon.bounds import MAX_STATEMENTS_PER_ARTICLE
from rashomon.lang import defaults as lang_defaults
from rashomon.model import Article, DateMention, Entity
from rashomon.resources import data_lines, word_list
from rashomon.text import fold, statement_tokens

from . import calibration
from .counted import counts_something

# Content words further than this after a negation or denial are rarely what it negates.
SCOPE_TOKENS = 8
# A word in more than this share of a story's statements is its vocabulary, not a point.
MAX_ANCHOR_SHARE = 0.3
MIN_ANCHOR_DF = 3
# Across languages nothing lexical is shared; a pair needs this cosine to be compared at all.
CROSS_LINGUAL_COS = 0.6
# Within a language, a pair with no shared anchor is compared only above this cosine.
SAME_LANGUAGE_COS = 0.7
FOCUS_NEGATION = 1
FOCUS_DISCUSS = 3
# Words further apart than this (in tokens) do not describe the same detail of a sentence.
LOCAL_WINDOW = 8

_CLAUSE_BREAK = frozenset(',;:.!?()[]"“”«»—–')


@cache
def _stemming(code: str) -> tuple[tuple[str, ...], str, bool, str]:
    """A language's stemming traits (``language.txt``): suffixes, plural endings, a final e, an article prefix."""
    traits = lang_defaults.language(code)
    return (
        traits.sequence("stem-suffixes"),
        traits.option("stem-plural-endings") or "",
        traits.flag("stem-drops-final-e"),
        traits.option("stem-article-prefix") or "",
    )


def stem(word: str, language: str) -> str:
    """A crude, deterministic stem: enough to meet "foreigners" with "foreign-born"."""
    w = fold(word)
    suffixes, plural_endings, drops_final_e, article_prefix = _stemming(language)
    for suffix in suffixes:
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            w = w[: -len(suffix)]
            break
    if plural_endings:
        w = w.rstrip(plural_endings) if len(w) > 4 else w
    if drops_final_e:
        w = w[:-1] if len(w) > 4 and w.endswith("e") else w
    if article_prefix and w.startswith(article_prefix) and len(w) > 4:
        w = w[len(article_prefix) :]
    return w[:6]


def tokens(text: str, language: str) -> list[str]:
    """A statement's case-folded words and punctuation; "n't" its own token where the language says so."""
    return statement_tokens(text, split_nt=_splits_nt(language))


@cache
def _splits_nt(code: str) -> bool:
    return lang_defaults.language(code).flag("split-nt")


@cache
def _cues(language: str, name: str) -> tuple[tuple[str, ...], ...]:
    """Cue phrases of a word list as folded token tuples, longest first."""
    phrases = {tuple(fold(t) for t in tokens(cue, language)) for cue in word_list(language, name)}
    return tuple(sorted((p for p in phrases if p), key=len, reverse=True))


@cache
def stopwords(language: str) -> frozenset[str]:
    return frozenset(fold(w) for w in word_list(language, "stopwords.txt"))


def has_stopwords(language: str) -> bool:
    return bool(stopwords(language))


@cache
def synonym_families(language: str) -> dict[str, frozenset[str]]:
    """stem -> every stem of its family (``synonyms.txt``)."""
    families: dict[str, set[str]] = defaultdict(set)
    for line in word_list(language, "synonyms.txt"):
        family = {stem(w.strip(), language) for w in line.split("|") if w.strip()}
        for s in family:
            families[s] |= family
    return {s: frozenset(f) for s, f in families.items()}


@cache
def antonym_pairs(language: str) -> frozenset[tuple[str, str]]:
    pairs = set()
    for line in word_list(language, "antonyms.txt"):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 2 and all(parts):
            a, b = stem(parts[0], language), stem(parts[1], language)
            pairs |= {(a, b), (b, a)}
    return frozenset(pairs)


def expand(stems: set[str] | frozenset[str], language: str) -> set[str]:
    families = synonym_families(language)
    out = set(stems)
    for s in stems:
        out |= families.get(s, frozenset())
    return out


# Cue lists in matching order: a word in two lists belongs to the first ("denied" is a denial, "no"
# before a noun a determiner negation).
CUE_KINDS = (
    ("denial", "denials.txt"),
    ("negation-det", "negation_determiners.txt"),
    ("negation", "negation.txt"),
    ("discuss", "discuss.txt"),
    ("hedge", "hedges.txt"),
    ("privative", "privatives.txt"),
)
NEGATING = ("negation", "negation-det", "denial")
# "a suspension of missile tests", "a ban on": what a privative word governs is not asserted, yet the
# word itself is a point two statements may share, so it stays a content word (unlike the other cues).
PRIVATIVE = "privative"


@dataclass
class Scope:
    """Content-word stems governed by one cue: a negation, a denial, or a discussing cue."""

    # "negation" (of a verb) | "negation-det" (of a noun: "no foreigners") | "denial" | "discuss" | "hedge" | "privative"
    kind: str
    cue: str
    stems: tuple[str, ...]  # in text order: the first ones are what the cue bears on
    at: int = 0  # token index of the cue
    clause: str = ""  # the cue and the words it governs, up to the clause's end ("has not tested a missile")
    vector: np.ndarray | None = field(default=None, repr=False)  # the clause's encoder vector (negating cues)

    def focus(self) -> tuple[str, ...]:
        # A negation bears on the word right after it: "did not comment on the convoy" denies a
        # comment, not the convoy; "no foreigners left" denies foreigners. A discussing cue ("whether
        # it included foreign-born militants") holds its next few words open.
        # A verb's negation ("will not be featured on the cover") bears on the verb and what follows:
        # the verb alone is too common a point ("expect", "play"), so its focus is wider and a
        # conflict needs two of its words (see relations).
        wide = self.kind in ("discuss", "hedge", "negation")
        return self.stems[: FOCUS_DISCUSS if wide else FOCUS_NEGATION]


@dataclass(frozen=True)
class Reported:
    """Reported speech inside an outlet's statement: its tokens ``[first, last)`` are ``voice``'s (compare.voice)."""

    first: int
    last: int
    voice: str
    name: str


@dataclass
class Statement:
    id: str  # c-<article>-<n>, q-<article>-<n> or h-<article>
    kind: str  # claim | quote | headline
    article_id: str
    source: str
    language: str
    text: str
    start: int | None  # into the article's original; None when the text is not found there
    end: int | None
    speaker: str | None  # canonical entity id; None for the outlet's own voice
    speaker_name: str | None
    speaker_label: str | None = None  # the speaker entity's label: person | organisation | ...
    entities: frozenset[str] = frozenset()
    article_entities: frozenset[str] = frozenset()  # every entity its article names (speakers included)
    quantities: tuple[
        tuple[float | None, float | None, frozenset[str], bool], ...
    ] = ()  # low, high, counted stems, approx
    counted: tuple[str, ...] = ()  # what each quantity counts, as written (parallel to quantities)
    dates: frozenset[str] = frozenset()  # resolved ISO dates, else the folded expression ("donnerstag")
    # Dates precise to the day, with the token index they sit at: "2017-10-15", or "wd:7" for an
    # unresolved weekday (Sunday), comparable across languages (relations: conflicting dates).
    days: tuple[tuple[str, int], ...] = ()
    content: frozenset[str] = frozenset()  # content-word stems
    positions: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)  # stem -> token indexes
    scopes: tuple[Scope, ...] = ()
    hedged: bool = False
    hedges: tuple[str, ...] = ()
    vector: np.ndarray | None = field(default=None, repr=False)
    # Who holds the position (compare.voice): an entity id, "n:<name>", or None for the outlet's own words.
    voice: str | None = None
    voice_name: str = ""
    reported: tuple[Reported, ...] = ()  # others' words inside an outlet's statement

    def voice_at(self, at: int | None) -> tuple[str | None, str]:
        """(voice, name) of the words at token ``at``: the speaker's, a reported speaker's, else the outlet's."""
        if self.voice is None and at is not None:
            for r in self.reported:
                if r.first <= at < r.last:
                    return r.voice, r.name
        return self.voice, self.voice_name or self.source

    position: float = 0.0  # where it starts in its article, as a share of the article's length (headline: 0)
    direct: bool = False  # a direct quote ("..."): its words are the speaker's own

    def scoped(self, kind: str) -> set[str]:
        return {s for sc in self.scopes if sc.kind == kind for s in sc.stems}

    def near(self, stem: str, at: int) -> bool:
        return any(abs(p - at) <= LOCAL_WINDOW for p in self.positions.get(stem, ()))

    def first(self, stems) -> int | None:
        found = [p for s in stems for p in self.positions.get(s, ())]
        return min(found) if found else None

    def negated_stems(self) -> set[str]:
        return {s for sc in self.scopes if sc.kind in NEGATING for s in sc.stems}

    @property
    def negates(self) -> bool:
        return any(sc.kind in NEGATING for sc in self.scopes)


def _find_cues(folded: list[str], language: str, name: str) -> list[tuple[int, int, str]]:
    """(start, end, phrase) of each cue occurrence, longest phrase first at a position."""
    found: list[tuple[int, int, str]] = []
    taken: set[int] = set()
    for phrase in _cues(language, name):
        n = len(phrase)
        for i in range(len(folded) - n + 1):
            if tuple(folded[i : i + n]) == phrase and not taken & set(range(i, i + n)):
                found.append((i, i + n, " ".join(phrase)))
                taken |= set(range(i, i + n))
    return sorted(found)


@cache
def _cue_words(language: str) -> frozenset[str]:
    """Single words of the cue lists: they mark a stance, they are never the point itself."""
    return frozenset(
        p[0] for kind, name in CUE_KINDS if kind != PRIVATIVE for p in _cues(language, name) if len(p) == 1
    )


def _content(tok: str, language: str, exclude: frozenset[str] = frozenset()) -> str | None:
    if not any(c.isalnum() for c in tok) or tok.endswith("'"):
        return None
    folded = fold(tok)
    if folded in stopwords(language) or folded in _cue_words(language) or folded in exclude:
        return None
    if len(folded) < 3 and not folded.isdigit():
        return None
    return stem(tok, language)


def text_features(
    text: str, language: str, exclude: frozenset[str] = frozenset()
) -> tuple[frozenset[str], tuple[Scope, ...], tuple[str, ...], dict[str, tuple[int, ...]]]:
    """Content stems, cue scopes and hedge words of one statement.

    ``exclude``: folded words that are names (entities are compared as entities,
    whatever their spelling, not as words).
    """
    toks = tokens(text, language)
    folded = [fold(t) for t in toks]
    positions: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(toks):
        s = _content(t, language, exclude)
        if s:
            positions[s].append(i)
    content = frozenset(positions)
    scopes: list[Scope] = []
    cue_positions: set[int] = set()
    for kind, name in CUE_KINDS:
        for start, end, phrase in _find_cues(folded, language, name):
            if cue_positions & set(range(start, end)):
                continue  # "denied" is in both denials.txt and negation.txt: one scope, the stronger
            cue_positions |= set(range(start, end))
            stems: list[str] = []
            stop = end
            for tok in toks[end:]:
                if tok in _CLAUSE_BREAK or len(stems) >= SCOPE_TOKENS:
                    break
                stop += 1
                s = _content(tok, language, exclude)
                if s:
                    stems.append(s)
            clause = " ".join(toks[start:stop])
            scopes.append(Scope(kind, phrase, tuple(dict.fromkeys(stems)), start, clause))
    hedges = tuple(sc.cue for sc in scopes if sc.kind == "hedge")
    return content, tuple(scopes), hedges, {s: tuple(p) for s, p in positions.items()}


@cache
def _weekdays(language: str) -> dict[str, int]:
    """Weekday names of a language (the analysis's ``dates.txt``) -> ISO weekday number."""
    out = {}
    for line in data_lines(language, "dates.txt"):
        if line.section == "weekdays":
            word, _, number = line.value.rpartition(" ")
            out[fold(word)] = int(number)
    return out


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _days(article: Article, dates: Sequence[DateMention], start: int | None) -> tuple[tuple[str, int], ...]:
    """The statement's dates precise to a day, each with the index of its first token in the statement."""
    if start is None:
        return ()
    language = article.language or "xx"
    out = []
    for d in dates:
        if d.value and _ISO_DAY.fullmatch(d.value):
            key = d.value
        else:
            named = {_weekdays(language).get(fold(t)) for t in tokens(d.text, language)} - {None}
            if d.value or len(named) != 1:
                continue  # a month, a year, "yesterday" without a publication date: not a day to compare
            key = f"wd:{named.pop()}"
        out.append((key, len(tokens(article.original[start : max(start, d.start)], language))))
    return tuple(out)


def _counted_stems(counted: str | None, language: str) -> frozenset[str]:
    if not counted:
        return frozenset()
    return frozenset(s for s in (_content(t, language) for t in tokens(counted, language)) if s)


def _alias_pattern(entities: Sequence[Entity]) -> tuple[re.Pattern | None, dict[str, str]]:
    """One regex over every alias of the story's entities (headlines carry no analysed mentions)."""
    owner: dict[str, str] = {}
    for e in entities:
        for alias in {e.name, *e.aliases}:
            key = fold(alias).strip()
            if len(key) >= 3 or (len(key) == 2 and alias.isupper()):
                owner.setdefault(key, e.id)
    if not owner:
        return None, owner
    alternatives = sorted(owner, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in alternatives) + r")(?!\w)"), owner


def statements(articles: Sequence[Article], entities: Sequence[Entity]) -> list[Statement]:
    """Every statement of the story's articles, in article order then position."""
    # Only the story's own entities: the corpus's thousands would make one huge pattern per story.
    named = {m.entity_id for a in articles for m in a.mentions if m.entity_id}
    entities = [e for e in entities if e.id in named]
    pattern, owner = _alias_pattern(entities)
    names = {e.id: e.name for e in entities}
    labels = {e.id: e.label for e in entities}
    name_words = frozenset(w for alias in owner for w in alias.split() if len(w) >= 3 and " " not in alias)
    out: list[Statement] = []

    def alias_entities(text: str) -> set[str]:
        if pattern is None:
            return set()
        return {owner[m.group(1)] for m in pattern.finditer(fold(text)) if m.group(1) in owner}

    for article in articles:
        language = article.language or "xx"
        source = article.outlet
        in_article = frozenset(m.entity_id for m in article.mentions if m.entity_id) | frozenset(
            q.speaker_entity_id for q in article.quotes if q.speaker_entity_id
        )
        claimed_quotes = {c.quote for c in article.claims if c.quote is not None}

        def make(
            sid,
            kind,
            text,
            start,
            end,
            speaker,
            speaker_name,
            mention_ids=(),
            quantity_ids=(),
            date_ids=(),
            direct=False,
        ):
            content, scopes, hedges, positions = text_features(text, language, name_words)
            ents = {article.mentions[i].entity_id for i in mention_ids if 0 <= i < len(article.mentions)}
            ents = {e for e in ents if e} | alias_entities(text)
            quantities, counted = [], []
            for i in quantity_ids:
                if 0 <= i < len(article.quantities):
                    q = article.quantities[i]
                    low = q.value if q.value is not None else q.low
                    high = q.value if q.value is not None else q.high
                    if not counts_something(article, q, language):
                        continue  # "Big 12", "mit 2 Bildern", "the two": no fact to compare or to miss
                    quantities.append((low, high, _counted_stems(q.counted, language), q.approximate))
                    counted.append((q.counted or "").strip())
            out.append(
                Statement(
                    id=sid,
                    kind=kind,
                    article_id=article.id,
                    source=source,
                    language=language,
                    text=text,
                    start=start,
                    end=end,
                    speaker=speaker,
                    speaker_name=speaker_name or (names.get(speaker) if speaker else None),
                    speaker_label=labels.get(speaker) if speaker else None,
                    entities=frozenset(ents - ({speaker} if speaker else set())),
                    article_entities=in_article,
                    quantities=tuple(quantities),
                    counted=tuple(counted),
                    dates=frozenset(
                        (d.value or fold(d.text))
                        for i in date_ids
                        if 0 <= i < len(article.dates)
                        for d in (article.dates[i],)
                    ),
                    days=_days(article, [article.dates[i] for i in date_ids if 0 <= i < len(article.dates)], start),
                    content=content,
                    positions=positions,
                    scopes=scopes,
                    hedged=bool(hedges),
                    hedges=hedges,
                    position=(start or 0) / max(1, len(article.original)),
                    direct=direct,
                )
            )

        title = (article.title or "").strip()
        # Statements are compared pair by pair across the story: an article gives at most this many.
        room = MAX_STATEMENTS_PER_ARTICLE
        if title:
            at = article.original.find(title)
            make(
                f"h-{article.id}",
                "headline",
                title,
                at if at >= 0 else None,
                at + len(title) if at >= 0 else None,
                None,
                None,
            )
            room -= 1
        within = [SpanIndex(article.mentions), SpanIndex(article.quantities), SpanIndex(article.dates)]
        for n, q in enumerate(article.quotes):
            if n in claimed_quotes:
                continue
            if room <= 0:
                break
            mention_ids, quantity_ids, date_ids = (items.within(q.start, q.end) for items in within)
            make(
                f"q-{article.id}-{n}",
                "quote",
                q.text,
                q.start,
                q.end,
                q.speaker_entity_id,
                q.speaker,
                mention_ids,
                quantity_ids,
                date_ids,
                q.direct,
            )
            room -= 1
        for n, c in enumerate(article.claims[: max(room, 0)]):
            speaker = c.attributed_to
            direct = False
            if c.quote is not None and 0 <= c.quote < len(article.quotes):
                speaker = speaker or article.quotes[c.quote].speaker_entity_id
                direct = article.quotes[c.quote].direct
            make(
                f"c-{article.id}-{n}",
                "claim",
                c.text,
                c.start,
                c.end,
                speaker,
                c.speaker,
                c.mention_ids,
                c.quantity_ids,
                c.date_ids,
                direct,
            )
    return out


@dataclass
class Vocabulary:
    """How common each stem and entity is in the story, to tell a point from the story's vocabulary."""

    stem_df: Counter
    entity_df: Counter
    size: int
    counted_vectors: dict[str, np.ndarray] = field(default_factory=dict)  # counted phrase -> vector

    @classmethod
    def of(cls, items: Sequence[Statement], counted_vectors: dict[str, np.ndarray] | None = None) -> "Vocabulary":
        return cls(
            Counter(s for st in items for s in st.content),
            Counter(e for st in items for e in st.entities),
            len(items),
            counted_vectors or {},
        )

    def _limit(self) -> float:
        return max(MIN_ANCHOR_DF, MAX_ANCHOR_SHARE * self.size)

    def salient_stem(self, s: str) -> bool:
        return not s.isdigit() and self.stem_df[s] <= self._limit()

    def salient_entity(self, e: str) -> bool:
        return self.entity_df[e] <= self._limit()

    def weight(self, s: str) -> float:
        return math.log((self.size + 1) / (self.stem_df[s] + 1)) + 1.0


@dataclass
class Candidate:
    a: Statement
    b: Statement
    cosine: float
    shared_stems: frozenset[str]  # salient content stems both name (synonyms included)
    shared_entities: frozenset[str]  # salient entities both name
    # The calibrated probability that both state the same point (``calibration``), and whether it passes its
    # language pair's threshold; None and False while no calibration ships.
    probability: float | None = None
    aligned: bool = False

    @property
    def same_language(self) -> bool:
        return self.a.language == self.b.language

    @property
    def same_speaker(self) -> bool:
        return self.a.speaker is not None and self.a.speaker == self.b.speaker


# Across languages, two numbers count the same thing when what they count means the same:
# "fighters" / "combattants" / "Kämpfer" are 0.75-0.86 apart in the encoder, "fighters" / "civilians" 0.46.
COUNTED_COS = 0.7


def encode(items: Sequence[Statement], encoder) -> dict[str, np.ndarray]:
    """Vectors of every statement and negated clause (set on them) and of every counted phrase (returned),
    in one encoder call. A negated clause's vector tells, across languages, whether the negation bears on
    what the other statement says ("has not tested a missile" against "tested a missile") or on another
    detail of the sentence."""
    if not items:
        return {}
    phrases = sorted({c for st in items for c in st.counted if c})
    clauses = [sc for st in items for sc in st.scopes if sc.kind in NEGATING and sc.clause]
    vectors = encoder.encode([s.text for s in items] + phrases + [sc.clause for sc in clauses])
    for s, v in zip(items, vectors):
        s.vector = v
    for sc, v in zip(clauses, vectors[len(items) + len(phrases) :]):
        sc.vector = v
    return dict(zip(phrases, vectors[len(items) : len(items) + len(phrases)]))


def same_counted(a: str, b: str, counted_vectors: dict[str, np.ndarray]) -> bool:
    va, vb = counted_vectors.get(a), counted_vectors.get(b)
    return va is not None and vb is not None and float(va @ vb) >= COUNTED_COS


def shared_anchors(a: Statement, b: Statement, vocab: Vocabulary) -> tuple[set[str], set[str]]:
    """The salient content stems (same language only, synonyms included) and entities two statements share."""
    shared_stems: set[str] = set()
    if a.language == b.language:
        ea, eb = expand(set(a.content), a.language), expand(set(b.content), b.language)
        shared_stems = {s for s in a.content if s in eb and vocab.salient_stem(s)}
        shared_stems |= {s for s in b.content if s in ea and vocab.salient_stem(s)}
    return shared_stems, {e for e in a.entities & b.entities if vocab.salient_entity(e)}


def candidates(items: Sequence[Statement], vocab: Vocabulary) -> list[Candidate]:
    """Pairs worth comparing: from two articles, or the same speaker twice in one.

    A pair qualifies if it shares a salient stem or entity (same language), or
    has a high cosine (any language); the inverted index keeps this linear in
    the pairs that share something rather than quadratic in the story.
    """
    calibrated = calibration.shipped()
    index: dict[str, list[int]] = defaultdict(list)
    for i, st in enumerate(items):
        keys = {f"s:{st.language}:{s}" for s in expand(set(st.content), st.language) if vocab.salient_stem(s)}
        keys |= {f"e:{e}" for e in st.entities if vocab.salient_entity(e)}
        keys |= {f"q:{st.language}:{s}" for q in st.quantities for s in q[2]}
        # The same telling number is an anchor across languages too ("87 personas" / "87 people").
        keys |= {f"v:{q[0]}" for q in st.quantities if calibrated is not None and calibration.telling(q)}
        for k in keys:
            index[k].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in index.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pairs.add((members[x], members[y]))
    floor = calibrated.cosine_floor if calibrated else min(CROSS_LINGUAL_COS, SAME_LANGUAGE_COS)
    vectors = [st.vector for st in items if st.vector is not None]
    if items and len(vectors) == len(items):
        matrix = np.vstack(vectors) @ np.vstack(vectors).T
        close = np.argwhere(np.triu(matrix, 1) >= floor)
        pairs |= {(int(i), int(j)) for i, j in close}
    else:
        matrix = None
    out = []
    rows: list[list[float]] = []
    for i, j in sorted(pairs):
        a, b = items[i], items[j]
        same_article = a.article_id == b.article_id
        if same_article and not (a.speaker and a.speaker == b.speaker):
            continue
        if not same_article and a.source == b.source:
            continue  # one outlet's two articles are not two sources
        cos = float(matrix[i, j]) if matrix is not None else 0.0
        shared_stems, shared_entities = shared_anchors(a, b, vocab)
        if calibrated is not None:
            if not shared_stems and not shared_entities and cos < floor and not (a.quantities and b.quantities):
                continue
            rows.append(calibration.features(a, b, cos, shared_stems, shared_entities, vocab.counted_vectors))
        elif not shared_stems and not shared_entities:
            threshold = SAME_LANGUAGE_COS if a.language == b.language else CROSS_LINGUAL_COS
            if cos < threshold:
                continue
        out.append(Candidate(a, b, cos, frozenset(shared_stems), frozenset(shared_entities)))
    if calibrated is not None:
        for c, p in zip(out, calibrated.probabilities(rows)):
            c.probability = round(float(p), 3)
            c.aligned = c.probability >= calibrated.threshold(calibration.language_pair(c.a.language, c.b.language))
    return out
