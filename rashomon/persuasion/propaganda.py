"""Technique of a GIVEN span (SemEval-2020 Task 11, technique classification).

A softmax over the 14 PTC techniques from the span's encoder vector, the
vector of the line around it, cue counts inside the span and how often the
span's words recur in the article (Repetition is the span said again). Trained
by ``rashomon.learn.train_propaganda``; inference numpy only.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from rashomon.linear import LinearModel
from rashomon.persuasion.cues import SECTIONS, count_words
from rashomon.persuasion.model import text_stats
from rashomon.resources import load_json_artifact

PTC_TECHNIQUES = (
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)
SPAN_SCALARS = (
    *(f"cue_{s}" for s in SECTIONS),
    "log_words",
    "log_chars",
    "exclaim",
    "question",
    "quotes",
    "caps",
    "recurs",  # log1p(times the span text occurs elsewhere in the article)
    "line_share",  # span length / line length
    "quoted",  # the span sits inside quotation marks
)
SPAN_BLOCKS = ("span", "context", "span*context")
DEFAULT_MODEL = "data/propaganda.json"


@dataclass(frozen=True)
class GivenSpan:
    article_id: str
    start: int
    end: int


def context_of(text: str, start: int, end: int) -> str:
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return text[a : b if b >= 0 else len(text)].strip() or text[start:end]


def span_scalars(text: str, start: int, end: int, language: str = "en") -> list[float]:
    span = text[start:end]
    stats = text_stats(span, language)
    words = max(stats.words, 1)
    key = span.strip().lower()
    recurs = text.lower().count(key) - 1 if key else 0
    line = context_of(text, start, end)
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    quoted = any(q in before for q in "\"“«'‘") and any(q in after for q in "\"”»'’")
    return [
        *(math.log1p(stats.cues[s]) for s in SECTIONS),
        math.log1p(count_words(span)),
        math.log1p(len(span)),
        math.log1p(stats.exclaim),
        math.log1p(stats.question),
        math.log1p(stats.quotes),
        stats.caps / words,
        math.log1p(max(recurs, 0)),
        len(span) / max(len(line), 1),
        1.0 if quoted else 0.0,
    ]


def span_design(texts: dict[str, str], spans: Sequence[GivenSpan], encoder=None, language: str = "en") -> np.ndarray:
    """Design rows for spans of articles ``texts`` (id -> text); ONE batched encoder call."""
    pieces = []
    for s in spans:
        t = texts[s.article_id]
        pieces.append((t[s.start : s.end].strip() or ".", context_of(t, s.start, s.end)))
    needed = list(dict.fromkeys(x for pair in pieces for x in pair))
    if encoder is None:
        from rashomon.embed import get_encoder

        encoder = get_encoder()
    vectors = dict(zip(needed, encoder.encode(needed))) if needed else {}
    rows = []
    for s, (span_text, context) in zip(spans, pieces):
        sv, cv = np.asarray(vectors[span_text], np.float64), np.asarray(vectors[context], np.float64)
        rows.append(np.concatenate([span_scalars(texts[s.article_id], s.start, s.end, language), sv, cv, sv * cv]))
    return np.vstack(rows) if rows else np.zeros((0, len(SPAN_SCALARS) + 3 * 512))


@dataclass
class PropagandaModel:
    head: LinearModel
    info: dict

    @classmethod
    def load(cls, path: str | Path | None = None) -> "PropagandaModel":
        data = load_json_artifact("rashomon.persuasion", DEFAULT_MODEL, path)
        if tuple(data.get("features", ())) != SPAN_SCALARS + SPAN_BLOCKS:
            raise ValueError("propaganda model reads features this code lacks; retrain it")
        return cls(LinearModel.from_dict(data["head"]), data.get("training", {}))

    def save(self, path: str | Path) -> None:
        data = {"features": list(SPAN_SCALARS + SPAN_BLOCKS), "head": self.head.to_dict(), "training": self.info}
        Path(path).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """(spans, techniques) probabilities from ``span_design`` rows."""
        return self.head.predict_proba(x)


def top_labels(proba: np.ndarray, counts: Sequence[int], classes: Sequence[str]) -> list[list[str]]:
    """The ``k`` most likely techniques per span, ``k`` = how many labels the span carries."""
    out = []
    for row, k in zip(proba, counts):
        order = np.argsort(-row, kind="stable")[: max(k, 1)]
        out.append([classes[i] for i in order])
    return out


@lru_cache(maxsize=1)
def shipped_propaganda_model() -> PropagandaModel:
    return PropagandaModel.load()
