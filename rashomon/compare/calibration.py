"""Calibrated alignment: how likely two statements of a story state the same point, per language pair.

The encoder's cosine alone does not say it: between two sentences of one story it sits at 0.2 to 0.5 whatever
they say, and its scale differs by language pair (Chinese against English runs lower than Spanish against
English for the same meaning). So the decision is a logistic model over the cosine and the anchors that hold
across languages: the same canonical entities (the resolver maps spellings and scripts to one id), the same
number for the same counted thing (``align.same_counted``), the same number where one side does not say what it
counts, the same resolved dates, shared content words within a language, and whether both are headlines. Its
threshold is raised per language pair where the gold set had enough pairs of it to choose one (never lowered).
Precision and recall per language pair, out of fold and held out: docs/benchmarks.md.

Fitted by ``rashomon train alignment`` on the statement-pair gold set (``tests/fixtures/alignment/``; guide in
its ``GUIDE.md``), thresholds chosen out of fold, grouped by article pair; the artifact is
``compare/data/alignment.json`` (a ``linear.LinearModel`` plus the candidate cosine floor and how it was made).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Collection, Sequence

import numpy as np

from rashomon.linear import LinearModel
from rashomon.resources import load_json_artifact

if TYPE_CHECKING:
    from .align import Statement

DEFAULT_CALIBRATION = "data/alignment.json"
FEATURES = ("cosine", "cross", "cross_cosine", "entities", "numbers", "values", "dates", "stems", "headlines")
MAX_SHARED = 3  # shared entities or words past this many say nothing more
# A number this small ("two sides", "one of") is shared by unrelated sentences all the time.
MIN_TELLING_NUMBER = 3


def language_pair(a: str, b: str) -> str:
    """The key of a language pair, the same both ways round: "en-es"."""
    return "-".join(sorted((a or "xx", b or "xx")))


def telling(quantity) -> bool:
    """Whether a number is one two unrelated sentences rarely share by chance: exact, and not a small count."""
    low, high = quantity[0], quantity[1]
    return low is not None and low == high and (abs(low) >= MIN_TELLING_NUMBER or low != int(low))


def _same_value(qa, qb) -> bool:
    return telling(qa) and telling(qb) and qa[0] == qb[0]


def features(
    a: Statement,
    b: Statement,
    cosine: float,
    shared_stems: Collection[str],
    shared_entities: Collection[str],
    counted_vectors: dict[str, np.ndarray],
) -> list[float]:
    """The model's inputs for one pair, in ``FEATURES`` order."""
    from .align import same_counted

    cross = float(a.language != b.language)
    same_number = any_value = False
    for qa, ca in zip(a.quantities, a.counted or ("",) * len(a.quantities)):
        for qb, cb in zip(b.quantities, b.counted or ("",) * len(b.quantities)):
            if not _same_value(qa, qb):
                continue
            same_thing = same_counted(ca, cb, counted_vectors) if cross else bool(qa[2] & qb[2])
            same_number = same_number or same_thing
            # "12 grandchildren" and "12 mills" share a number and nothing else: only a number whose counted thing
            # one side leaves unsaid is the same number without being the same count.
            any_value = any_value or same_thing or not (ca and cb)
    return [
        cosine,
        cross,
        cross * cosine,
        float(min(len(shared_entities), MAX_SHARED)),
        float(same_number),
        float(any_value),
        float(bool(a.dates & b.dates)),
        float(min(len(shared_stems), MAX_SHARED)),
        float(a.kind == b.kind == "headline"),
    ]


@dataclass
class Calibration:
    model: LinearModel  # sigmoid, one class "aligned"; language_offsets keyed by language_pair()
    cosine_floor: float  # pairs sharing no word, entity or counted thing are considered from this cosine up
    info: dict = field(default_factory=dict)  # how it was made: command, gold digest, figures

    def probabilities(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        if not len(rows):
            return np.zeros(0)
        return self.model.predict_proba(np.asarray(rows, dtype=np.float64))[:, 0]

    def threshold(self, languages: str) -> float:
        return float(self.model.thresholds_for(languages)[0])

    def to_dict(self) -> dict:
        return {"model": self.model.to_dict(), "cosine_floor": self.cosine_floor, "info": self.info}

    @classmethod
    def from_dict(cls, data: dict) -> "Calibration":
        model = LinearModel.from_dict(data["model"])
        if list(model.inputs or []) != list(FEATURES):
            raise ValueError(f"alignment calibration reads {model.inputs}, this code computes {list(FEATURES)}")
        return cls(model, float(data["cosine_floor"]), dict(data.get("info", {})))

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Calibration":
        return cls.from_dict(load_json_artifact("rashomon.compare", DEFAULT_CALIBRATION, path))


@cache
def digest() -> str:
    """A short digest of the shipped calibration ("none" while none ships): part of the comparison's version."""
    found = shipped()
    if found is None:
        return "none"
    return hashlib.sha256(json.dumps(found.to_dict(), sort_keys=True).encode()).hexdigest()[:8]


@cache
def shipped() -> Calibration | None:
    """The shipped calibration, or None while none ships (alignment then falls back to fixed cosines)."""
    try:
        return Calibration.load()
    except (OSError, ValueError, KeyError):
        return None
