"""How an article persuades: techniques per paragraph and span, genre, frames.

Three linear heads (``rashomon.linear.LinearModel``) over one feature set, trained by
``rashomon.learn.train_persuasion`` on SemEval-2023 Task 3 (en, fr, de, it,
pl, ru) and stored as JSON (``data/persuasion.json``); inference is numpy only.

* techniques: 23 one-vs-rest logistic regressions per paragraph, each with its
  own threshold chosen on validation articles (thresholds decide micro-F1 far
  more than the fit does: most techniques are rare);
* genre: softmax over opinion / reporting / satire per article;
* frames: 14 one-vs-rest logistic regressions per article, with thresholds.

Features are what carries across languages: multilingual-encoder vectors of the
paragraph, its sentences (mean and max) and the whole article, plus counts of
per-language cue words (``cues.py``) and punctuation. A language the model was
not trained on still gets the vectors and, through the union of all cue lists,
the labels that travel ("Takfiri", "régime").
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from rashomon.linear import LinearModel
from rashomon.persuasion.cues import SECTIONS, CueHit, count_words, find_cues
from rashomon.persuasion.segment import Paragraph, paragraphs
from rashomon.resources import load_json_artifact

TECHNIQUES = (
    "Appeal_to_Authority",
    "Appeal_to_Popularity",
    "Appeal_to_Values",
    "Appeal_to_Fear-Prejudice",
    "Flag_Waving",
    "Causal_Oversimplification",
    "False_Dilemma-No_Choice",
    "Consequential_Oversimplification",
    "Straw_Man",
    "Red_Herring",
    "Whataboutism",
    "Slogans",
    "Appeal_to_Time",
    "Conversation_Killer",
    "Loaded_Language",
    "Repetition",
    "Exaggeration-Minimisation",
    "Obfuscation-Vagueness-Confusion",
    "Name_Calling-Labeling",
    "Doubt",
    "Guilt_by_Association",
    "Appeal_to_Hypocrisy",
    "Questioning_the_Reputation",
)
GENRES = ("opinion", "reporting", "satire")
FRAMES = (
    "Economic",
    "Capacity_and_resources",
    "Morality",
    "Fairness_and_equality",
    "Legality_Constitutionality_and_jurisprudence",
    "Policy_prescription_and_evaluation",
    "Crime_and_punishment",
    "Security_and_defense",
    "Health_and_safety",
    "Quality_of_life",
    "Cultural_identity",
    "Public_opinion",
    "Political",
    "External_regulation_and_reputation",
)
TRAINED_LANGUAGES = ("en", "fr", "de", "it", "pl", "ru")
DEFAULT_MODEL = "data/persuasion.json"

_QUOTES = re.compile(r"[\"«»“”„‘’‹›]")
_CAPS = re.compile(r"\b[^\W\d_]{3,}\b")

PARAGRAPH_SCALARS: tuple[str, ...] = (
    *(f"cue_{s}" for s in SECTIONS),
    *(f"strong_{s}" for s in ("labels", "doubt")),
    "exclaim",
    "question",
    "quotes",
    "caps",
    "log_words",
    "digits",
    "position",
    "first",
    "repeat_max",  # best cosine with another paragraph of the article (Repetition)
    "article_cue_rate",  # labels + loaded + doubt cues per word across the article
    "article_log_paragraphs",
    *(f"lang_{c}" for c in TRAINED_LANGUAGES),
)
ARTICLE_SCALARS: tuple[str, ...] = (
    *(f"rate_{s}" for s in SECTIONS),
    "exclaim_rate",
    "question_rate",
    "quotes_rate",
    "log_words",
    "log_paragraphs",
    *(f"lang_{c}" for c in TRAINED_LANGUAGES),
)
PARAGRAPH_BLOCKS = ("para", "sent_mean", "sent_max", "article")
ARTICLE_BLOCKS = ("doc", "first", "doc_max")


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


@dataclass
class TextStats:
    cues: dict[str, int]
    strong: dict[str, int]
    exclaim: int
    question: int
    quotes: int
    caps: int
    words: int
    digits: int
    hits: list[CueHit]


def text_stats(text: str, language: str) -> TextStats:
    hits = find_cues(text, language)
    cues = {s: 0 for s in SECTIONS}
    strong = {"labels": 0, "doubt": 0}
    for h in hits:
        cues[h.section] += 1
        if h.strong and h.section in strong:
            strong[h.section] += 1
    caps = sum(1 for m in _CAPS.finditer(text) if m.group().isupper())
    return TextStats(
        cues,
        strong,
        text.count("!"),
        text.count("?") + text.count("؟"),
        len(_QUOTES.findall(text)),
        caps,
        count_words(text),
        sum(ch.isdigit() for ch in text),
        hits,
    )


@dataclass
class ArticleFeatures:
    """Everything the heads read for one article, aligned with ``paragraphs``."""

    language: str
    paragraphs: list[Paragraph]
    stats: list[TextStats]
    raw: np.ndarray  # (P, len(PARAGRAPH_SCALARS))
    blocks: dict[str, np.ndarray]  # name -> (P, dim)
    sentence_vectors: list[np.ndarray]  # per paragraph (S_p, dim)
    article_raw: np.ndarray  # (len(ARTICLE_SCALARS),)
    article_blocks: dict[str, np.ndarray]  # name -> (dim,)


def _lang_onehot(language: str) -> list[float]:
    return [1.0 if language == c else 0.0 for c in TRAINED_LANGUAGES]


def paragraph_row(
    stats: TextStats,
    language: str,
    position: float,
    first: bool,
    repeat: float,
    article_cue_rate: float,
    n_paragraphs: int,
) -> list[float]:
    words = max(stats.words, 1)
    return [
        *(math.log1p(stats.cues[s]) for s in SECTIONS),
        *(math.log1p(stats.strong[s]) for s in ("labels", "doubt")),
        math.log1p(stats.exclaim),
        math.log1p(stats.question),
        math.log1p(stats.quotes),
        stats.caps / words,
        math.log1p(stats.words),
        min(stats.digits / words, 1.0),
        position,
        1.0 if first else 0.0,
        repeat,
        article_cue_rate,
        math.log1p(n_paragraphs),
        *_lang_onehot(language),
    ]


def featurize(texts: Sequence[tuple[str, str]], encoder=None) -> list[ArticleFeatures]:
    """Features of ``(text, language)`` articles with ONE batched encoder call."""
    from rashomon.embed import encode_distinct

    staged = []
    needed: list[str] = []
    for text, language in texts:
        paras = paragraphs(text, language)
        for p in paras:
            needed.append(p.text)
            needed.extend(text[a:b] for a, b in p.sentences)
        staged.append((text, language, paras))
    vectors = encode_distinct(needed, encoder)
    dim = next(iter(vectors.values())).shape[0] if vectors else 512
    return [_features_one(text, language, paras, vectors, dim) for text, language, paras in staged]


def _features_one(
    text: str, language: str, paras: list[Paragraph], vectors: dict[str, np.ndarray], dim: int
) -> ArticleFeatures:
    stats = [text_stats(p.text, language) for p in paras]
    n = len(paras)
    para_vecs = np.vstack([vectors[p.text] for p in paras]) if paras else np.zeros((0, dim), np.float32)
    sentence_vectors = [np.vstack([vectors[text[a:b]] for a, b in p.sentences]) for p in paras]
    article_vec = _unit(para_vecs.mean(axis=0)) if n else np.zeros(dim, np.float32)
    if n > 1:
        sims = para_vecs @ para_vecs.T
        np.fill_diagonal(sims, -1.0)
        repeat = sims.max(axis=1)
    else:
        repeat = np.zeros(n)
    total_words = max(sum(s.words for s in stats), 1)
    cue_rate = 100.0 * sum(s.cues["labels"] + s.cues["loaded"] + s.cues["doubt"] for s in stats) / total_words
    raw = np.array(
        [
            paragraph_row(s, language, i / max(n - 1, 1), i == 0, float(repeat[i]), cue_rate, n)
            for i, s in enumerate(stats)
        ],
        dtype=np.float64,
    ).reshape(n, len(PARAGRAPH_SCALARS))
    blocks = {
        "para": para_vecs,
        "sent_mean": np.vstack([_unit(v.mean(axis=0)) for v in sentence_vectors]) if n else para_vecs,
        "sent_max": np.vstack([v.max(axis=0) for v in sentence_vectors]) if n else para_vecs,
        "article": np.repeat(article_vec[None, :], n, axis=0),
    }
    totals = {s: sum(st.cues[s] for st in stats) for s in SECTIONS}
    article_raw = np.array(
        [
            *(100.0 * totals[s] / total_words for s in SECTIONS),
            100.0 * sum(s.exclaim for s in stats) / total_words,
            100.0 * sum(s.question for s in stats) / total_words,
            100.0 * sum(s.quotes for s in stats) / total_words,
            math.log1p(total_words),
            math.log1p(n),
            *_lang_onehot(language),
        ],
        dtype=np.float64,
    )
    article_blocks = {
        "doc": article_vec,
        "first": para_vecs[0] if n else article_vec,
        "doc_max": para_vecs.max(axis=0) if n else article_vec,
    }
    return ArticleFeatures(language, paras, stats, raw, blocks, sentence_vectors, article_raw, article_blocks)


def paragraph_design(raw: np.ndarray, blocks: dict[str, np.ndarray]) -> np.ndarray:
    return np.hstack([raw] + [blocks[name] for name in PARAGRAPH_BLOCKS]).astype(np.float64)


def article_design(features: Sequence[ArticleFeatures]) -> np.ndarray:
    rows = [np.concatenate([f.article_raw] + [f.article_blocks[n] for n in ARTICLE_BLOCKS]) for f in features]
    return np.vstack(rows).astype(np.float64) if rows else np.zeros((0, len(ARTICLE_SCALARS)))


def sentence_design(f: ArticleFeatures, p: int) -> np.ndarray:
    """Each sentence of paragraph ``p`` scored as if it were a paragraph of its own."""
    para = f.paragraphs[p]
    vecs = f.sentence_vectors[p]
    rows = []
    for (a, b), vec in zip(para.sentences, vecs):
        s = text_stats(f_text_slice(para, a, b), f.language)
        row = f.raw[p].copy()
        row[: len(PARAGRAPH_SCALARS)] = paragraph_row(
            s,
            f.language,
            row[PARAGRAPH_SCALARS.index("position")],
            bool(row[PARAGRAPH_SCALARS.index("first")]),
            row[PARAGRAPH_SCALARS.index("repeat_max")],
            row[PARAGRAPH_SCALARS.index("article_cue_rate")],
            len(f.paragraphs),
        )
        rows.append(np.concatenate([row, vec, vec, vec, f.blocks["article"][p]]))
    return np.vstack(rows)


def f_text_slice(para: Paragraph, a: int, b: int) -> str:
    return para.text[a - para.start : b - para.start]


# --- heads ---------------------------------------------------------------------------


@dataclass
class PersuasionModel:
    techniques: LinearModel
    genre: LinearModel
    frames: LinearModel
    info: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "PersuasionModel":
        data = load_json_artifact("rashomon.persuasion", DEFAULT_MODEL, path)
        if (
            tuple(data.get("paragraph_features", ())) != PARAGRAPH_SCALARS + PARAGRAPH_BLOCKS
            or tuple(data.get("article_features", ())) != ARTICLE_SCALARS + ARTICLE_BLOCKS
        ):
            raise ValueError("persuasion model reads features this code lacks; retrain it")
        return cls(
            LinearModel.from_dict(data["techniques"]),
            LinearModel.from_dict(data["genre"]),
            LinearModel.from_dict(data["frames"]),
            data.get("training", {}),
        )

    def to_dict(self) -> dict:
        return {
            "paragraph_features": list(PARAGRAPH_SCALARS + PARAGRAPH_BLOCKS),
            "article_features": list(ARTICLE_SCALARS + ARTICLE_BLOCKS),
            "techniques": self.techniques.to_dict(),
            "genre": self.genre.to_dict(),
            "frames": self.frames.to_dict(),
            "training": self.info,
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")

    def predict_proba(self, f: ArticleFeatures) -> np.ndarray:
        """(paragraphs, techniques) probabilities of one article."""
        if not f.paragraphs:
            return np.zeros((0, len(self.techniques.classes)))
        return self.techniques.predict_proba(paragraph_design(f.raw, f.blocks))


@lru_cache(maxsize=1)
def shipped_model() -> PersuasionModel:
    """Loaded once per process (worker processes each load their own)."""
    return PersuasionModel.load()
