"""Source profiles and actor naming, computed from stored articles (no model calls).

* ``naming``: per canonical entity, the words each article puts around its
  mentions: the modifiers before the name back to a determiner ("The
  US-backed alliance of militants Syrian Democratic Forces" -> "US-backed
  alliance of militants"), a kind noun after it ("Daesh terrorists"), and the
  technique spans that cover or touch the mention ("so-called").
* ``source_profiles``: per outlet across all its stories: techniques per 1,000
  words, attributed vs unattributed claims, whom it quotes, how it names its
  most frequent actors, genres and frames, and techniques per 1,000 words per
  story (the heat map).

Used by the report and meant for the web app: plain dataclasses, no HTML.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rashomon.analyze.quantities import number_words
from rashomon.model import Article, Entity, Story
from rashomon.persuasion.cues import count_words, find_cues, name_words, section_words

_TOKEN = re.compile(r"[\w][\w\-'’]*", re.UNICODE)
_MAX_MODIFIERS = 5
# Technique spans about an actor: the ones that name or cast doubt on it.
NAMING_TECHNIQUES = ("Name_Calling-Labeling", "Doubt", "Loaded_Language")


def _measures(word: str, language: str) -> bool:
    """A compound that measures rather than names: "three-year-long", "10-day", "two-week"."""
    head = word.split("-", 1)[0].lower()
    return "-" in word and (head[:1].isdigit() or head in number_words(language))


def _describes(word: str, language: str) -> bool:
    """A word that says what an actor is: a kind noun, a label, a loaded or doubt word, a compound.

    Not a measuring compound: in "the three-year-long Daesh siege" the
    modifier belongs to "siege", and says nothing of how Daesh is named.
    """
    lowered = word.lower()
    if _measures(word, language):
        return False
    if "-" in word.strip("-") or lowered in section_words(language, "nouns"):
        return True
    return any(h.section in ("labels", "loaded", "doubt", "fear") for h in find_cues(word, language))


def _left_descriptor(text: str, start: int, floor: int, language: str) -> str:
    """Modifiers right before a mention, within its sentence: "US-backed alliance of militants", "so-called".

    Only words that describe (compounds, kind nouns, cue words) and names between
    them are taken, so verbs and prepositions ("convoy of", "said") end the phrase.
    """
    lo = max(floor, start - 120)
    window = text[lo:start]
    tokens = list(_TOKEN.finditer(window))
    picked: list[str] = []
    cursor = len(window)
    for m in reversed(tokens):
        gap = window[m.end() : cursor]
        if gap.strip() or len(picked) >= _MAX_MODIFIERS:
            break
        word = m.group()
        lowered = word.lower()
        if lowered in name_words("descriptor-determiners") or word[:1].isdigit():
            break
        sentence_start = not text[floor : lo + m.start()].strip()
        if lowered in name_words("descriptor-connectors") and picked:
            picked.append(word)
        elif _describes(word, language) or (word[:1].isupper() and not sentence_start and picked):
            picked.append(word)
        else:
            break
        cursor = m.start()
    while picked and picked[-1].lower() in name_words("descriptor-connectors"):
        picked.pop()
    if not picked or not any(_describes(w, language) for w in picked):
        return ""
    return " ".join(reversed(picked))


def _right_noun(text: str, end: int, language: str) -> str:
    m = re.match(r"\s+([\w][\w\-'’]*)", text[end : end + 40])
    if m and m.group(1).lower() in section_words(language, "nouns"):
        return m.group(1)
    return ""


@dataclass
class Naming:
    """How one article names one entity."""

    phrases: Counter = field(default_factory=Counter)  # descriptor -> times
    techniques: Counter = field(default_factory=Counter)  # technique -> spans at its mentions


def article_naming(article: Article) -> dict[str, Naming]:
    """Per entity id, the descriptors and technique spans at this article's mentions of it."""
    text = article.original
    sentences = sorted((s.start, s.end) for s in article.sentences)
    starts = [s for s, _ in sentences]
    language = article.language or "xx"
    out: dict[str, Naming] = {}
    for m in article.mentions:
        if not m.entity_id:
            continue
        i = bisect.bisect_right(starts, m.start) - 1
        floor = sentences[i][0] if i >= 0 else 0
        naming = out.setdefault(m.entity_id, Naming())
        left = _left_descriptor(text, m.start, floor, language)
        right = _right_noun(text, m.end, language)
        if left or right:
            phrase = " ".join(p for p in (left, text[m.start : m.end] if right else "", right) if p)
            naming.phrases[phrase] += 1
        for t in article.techniques:
            if t.technique in NAMING_TECHNIQUES and t.cue and t.start <= m.end + 2 and t.end >= m.start - 2:
                naming.techniques[t.technique] += 1
    return out


@dataclass
class NamingRow:
    entity_id: str
    name: str
    by_source: dict[str, Naming]  # source -> merged naming


def story_naming(members: Sequence[Article], entities: Mapping[str, Entity], min_sources: int = 2) -> list[NamingRow]:
    """Entities named by at least ``min_sources`` sources of the story, with each source's naming."""
    merged: dict[str, dict[str, Naming]] = defaultdict(dict)
    named_by: dict[str, set[str]] = defaultdict(set)
    for article in members:
        source = article.outlet
        for m in article.mentions:
            if m.entity_id:
                named_by[m.entity_id].add(source)
        for entity_id, naming in article_naming(article).items():
            target = merged[entity_id].setdefault(source, Naming())
            target.phrases.update(naming.phrases)
            target.techniques.update(naming.techniques)
    rows = []
    for entity_id, by_source in merged.items():
        if len(named_by[entity_id]) < min_sources or entity_id not in entities:
            continue
        if not any(n.phrases or n.techniques for n in by_source.values()):
            continue
        rows.append(NamingRow(entity_id, entities[entity_id].name, by_source))
    rows.sort(
        key=lambda r: (
            -sum(sum(n.phrases.values()) + sum(n.techniques.values()) for n in r.by_source.values()),
            r.name.casefold(),
        )
    )
    return rows


@dataclass
class SourceProfile:
    source: str
    articles: int = 0
    words: int = 0
    techniques: Counter = field(default_factory=Counter)
    attributed_claims: int = 0
    unattributed_claims: int = 0
    quoted: Counter = field(default_factory=Counter)  # speaker name -> quotes
    naming: dict[str, Counter] = field(default_factory=dict)  # entity name -> descriptor counts
    genres: Counter = field(default_factory=Counter)
    frames: Counter = field(default_factory=Counter)
    per_story: dict[str, float] = field(default_factory=dict)  # story id -> techniques per 1,000 words

    @property
    def techniques_per_1000(self) -> float:
        return 1000.0 * sum(self.techniques.values()) / self.words if self.words else 0.0

    @property
    def attributed_share(self) -> float | None:
        total = self.attributed_claims + self.unattributed_claims
        return self.attributed_claims / total if total else None

    def per_1000(self, technique: str) -> float:
        return 1000.0 * self.techniques[technique] / self.words if self.words else 0.0


def article_words(article: Article) -> int:
    return count_words(article.text or article.original)


def techniques_per_1000(article: Article) -> float:
    words = article_words(article)
    return 1000.0 * len(article.techniques) / words if words else 0.0


def is_attributed(claim) -> bool:
    return claim.quote is not None or bool(claim.attributed_to) or bool(claim.speaker)


def source_profiles(
    articles: Iterable[Article], stories: Iterable[Story], entities: Iterable[Entity], top_actors: int = 5
) -> list[SourceProfile]:
    """One profile per outlet, most articles first."""
    articles = list(articles)
    entity_by_id = {e.id: e for e in entities}
    story_of: dict[str, list[str]] = defaultdict(list)
    for story in stories:
        for article_id in story.article_ids:
            story_of[article_id].append(story.id)
    profiles: dict[str, SourceProfile] = {}
    story_counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    actor_naming: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    actor_mentions: dict[str, Counter] = defaultdict(Counter)
    for article in articles:
        source = article.outlet
        p = profiles.setdefault(source, SourceProfile(source))
        words = article_words(article)
        p.articles += 1
        p.words += words
        p.techniques.update(t.technique for t in article.techniques)
        for c in article.claims:
            if is_attributed(c):
                p.attributed_claims += 1
            else:
                p.unattributed_claims += 1
        for q in article.quotes:
            if q.speaker:
                entity = entity_by_id.get(q.speaker_entity_id or "")
                p.quoted[entity.name if entity else q.speaker] += 1
        if article.genre:
            p.genres[article.genre] += 1
        p.frames.update(article.frames)
        for story_id in story_of.get(article.id, []):
            counts = story_counts[source][story_id]
            counts[0] += len(article.techniques)
            counts[1] += words
        for m in article.mentions:
            if m.entity_id in entity_by_id:
                actor_mentions[source][m.entity_id] += 1
        for entity_id, naming in article_naming(article).items():
            if entity_id in entity_by_id:
                actor_naming[source][entity_id].update(naming.phrases)
    for source, p in profiles.items():
        p.per_story = {sid: (1000.0 * n / w if w else 0.0) for sid, (n, w) in story_counts[source].items()}
        for entity_id, _ in actor_mentions[source].most_common(top_actors):
            phrases = actor_naming[source].get(entity_id)
            if phrases:
                p.naming[entity_by_id[entity_id].name] = phrases
    return sorted(profiles.values(), key=lambda p: (-p.articles, p.source.casefold()))
