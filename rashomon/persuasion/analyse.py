"""Techniques as spans, genre and frames of one article's text.

The paragraph model decides WHICH techniques a paragraph uses; the span says
WHERE: on the cue words that signal the technique when the paragraph has them
("so-called" for Doubt, "Takfiri terrorists" for Name_Calling-Labeling), else
on the sentence the same model scores highest for it. Strong cues ("so-called",
"Takfiri") make a span even when the paragraph model is unsure: they are the
technique by definition. Offsets are into the text given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from rashomon.persuasion.cues import SECTION_TECHNIQUE, CueHit, name_words, section_words
from rashomon.persuasion.model import ArticleFeatures, PersuasionModel, featurize, sentence_design, shipped_model

# A strong cue's span is kept at this confidence at least.
STRONG_CONFIDENCE = 0.6
# A plain cue word makes a span where its paragraph scores at least this share of the threshold.
CUE_SHARE_OF_THRESHOLD = 0.5
_TOKEN = re.compile(r"[\w][\w\-'’.]*|\([A-Z]{2,}\)", re.UNICODE)


@dataclass
class TechniqueSpan:
    start: int
    end: int
    technique: str
    confidence: float
    paragraph: int  # 0-based index among the article's non-empty paragraphs
    cue: bool = False  # placed on cue words rather than a whole sentence


@dataclass
class Persuasion:
    techniques: list[TechniqueSpan] = field(default_factory=list)
    genre: str | None = None
    genre_confidence: float = 0.0
    frames: list[str] = field(default_factory=list)
    frame_scores: dict[str, float] = field(default_factory=dict)


def _extend_right(text: str, end: int, limit: int) -> int:
    """Over the name a doubt cue qualifies: "so-called Syrian Observatory for Human Rights (SOHR)"."""
    pos, last = end, end
    taken = 0
    for m in _TOKEN.finditer(text, end, limit):
        if text[pos : m.start()].strip() or taken >= 8:
            break
        word = m.group()
        if word[:1].isupper() or word.startswith("("):
            last = m.end()
        elif word.lower() not in name_words("name-connectors"):
            break
        pos = m.end()
        taken += 1
    return last


def _extend_left(text: str, start: int, floor: int) -> int:
    """Over the modifiers of a label: "US-led Kurdish militants", "foreign-sponsored militants"."""
    first = start
    tokens = list(_TOKEN.finditer(text, floor, start))
    for m in reversed(tokens[-3:]):
        if text[m.end() : first].strip():
            break
        word = m.group()
        if "-" in word.strip("-") or (word[:1].isupper() and m.start() > floor):
            first = m.start()
        else:
            break
    return first


def _extend_noun(text: str, end: int, limit: int, language: str) -> int:
    """Over the kind noun a label qualifies: "Takfiri" + " terrorists"."""
    m = re.match(r"\s+([\w][\w\-'’]*)", text[end:limit])
    if m and m.group(1).lower() in section_words(language, "nouns"):
        return end + m.end()
    return end


def _cue_span(text: str, hit: CueHit, para_start: int, para_end: int, language: str) -> tuple[int, int]:
    if hit.section == "doubt":
        return hit.start, _extend_right(text, hit.end, para_end)
    if hit.section == "labels":
        return _extend_left(text, hit.start, para_start), _extend_noun(text, hit.end, para_end, language)
    return hit.start, hit.end


def _merge(spans: list[TechniqueSpan], text: str) -> list[TechniqueSpan]:
    """Adjacent spans of one technique ("Takfiri" + "terrorists") become one."""
    spans.sort(key=lambda s: (s.technique, s.start, -s.end))
    out: list[TechniqueSpan] = []
    for s in spans:
        prev = out[-1] if out else None
        if prev and prev.technique == s.technique and s.start <= prev.end + 1 and not text[prev.end : s.start].strip():
            prev.end = max(prev.end, s.end)
            prev.confidence = max(prev.confidence, s.confidence)
            prev.cue = prev.cue and s.cue
            continue
        out.append(s)
    out.sort(key=lambda s: (s.start, s.end, s.technique))
    return out


def spans_of(text: str, f: ArticleFeatures, proba: np.ndarray, model: PersuasionModel) -> list[TechniqueSpan]:
    classes = model.techniques.classes
    thresholds = model.techniques.thresholds_for(f.language)
    flagged = model.techniques.decide(proba, f.language) if len(proba) else np.zeros((0, len(classes)), dtype=bool)
    spans: list[TechniqueSpan] = []
    for p, para in enumerate(f.paragraphs):
        hits = [h for h in f.stats[p].hits]
        covered: set[str] = set()
        for h in hits:
            technique = SECTION_TECHNIQUE[h.section]
            if technique not in classes:
                continue
            j = classes.index(technique)
            score = float(proba[p, j])
            strong = h.strong
            weak_ok = (
                h.section in ("labels", "doubt", "loaded", "fear", "flag")
                and score >= CUE_SHARE_OF_THRESHOLD * thresholds[j]
            )
            if not (strong or flagged[p, j] or weak_ok):
                continue
            a, b = _cue_span(
                text,
                CueHit(para.start + h.start, para.start + h.end, h.section, h.strong),
                para.start,
                para.end,
                f.language,
            )
            spans.append(
                TechniqueSpan(a, b, technique, round(max(score, STRONG_CONFIDENCE) if strong else score, 4), p, True)
            )
            covered.add(technique)
        missing = [int(j) for j in np.flatnonzero(flagged[p]) if classes[j] not in covered]
        if not missing:
            continue
        if len(para.sentences) > 1:
            sentence_proba = model.techniques.predict_proba(sentence_design(f, p))
        else:
            sentence_proba = proba[p : p + 1]
        for j in missing:
            best = int(np.argmax(sentence_proba[:, j]))
            a, b = para.sentences[best]
            spans.append(TechniqueSpan(a, b, classes[j], round(float(proba[p, j]), 4), p))
    return _merge(spans, text)


def analyse_text(text: str, language: str, model: PersuasionModel | None = None, encoder=None) -> Persuasion:
    """Techniques (offsets into ``text``), genre and frames of one article."""
    model = model or shipped_model()
    f = featurize([(text, language)], encoder)[0]
    return from_features(text, f, model)


def from_features(text: str, f: ArticleFeatures, model: PersuasionModel) -> Persuasion:
    if not f.paragraphs:
        return Persuasion()
    proba = model.predict_proba(f)
    from rashomon.persuasion.model import article_design

    x = article_design([f])
    genre_p = model.genre.predict_proba(x)[0]
    frame_p = model.frames.predict_proba(x)[0]
    frames = [c for c, keep in zip(model.frames.classes, model.frames.decide(frame_p[None, :])[0]) if keep]
    g = int(np.argmax(genre_p))
    return Persuasion(
        techniques=spans_of(text, f, proba, model),
        genre=model.genre.classes[g],
        genre_confidence=round(float(genre_p[g]), 4),
        frames=frames,
        frame_scores={c: round(float(s), 4) for c, s in zip(model.frames.classes, frame_p)},
    )
