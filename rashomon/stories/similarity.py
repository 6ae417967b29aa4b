"""The one function that decides whether two articles tell the same story.

``StorySimilarity.score(a, b)`` turns pair features (cosines of the encoded
pieces, name and number overlap, same language, how much text there is) into
the probability that two articles tell the same story, with a small model
trained by ``rashomon.learn.train_similarity`` and stored as JSON. Clustering
and the benchmark both call exactly this score.

Evaluation needs numpy only; the JSON holds everything: the vector
projection, which raw features the model reads, the products added for a
little nonlinearity, standardisation, weights, the threshold and the date rule.

Size: about 410 lines: the features and the model that scores them stay together for the same reason as
stance: training and clustering must compute the very same features.
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from rashomon.linear import LinearModel, named_design
from rashomon.resources import load_json_artifact
from rashomon.stories.features import StoryFeatures, published_day

# Every raw pair feature this module computes; a model reads a subset by name.
FEATURE_NAMES: tuple[str, ...] = (
    "doc_cos",  # the openings (title + ~1500 chars)
    "title_cos",
    "lead_cos",
    "title_lead_cos",  # each title against the other's lead, averaged
    "views_cos",  # the mean of all of an article's vectors, against the other's
    "chunk_match",  # each chunk's best match on the other side, averaged both ways
    "chunk_max",  # the best-matching pair of chunks
    "name_overlap",  # shared names / sqrt(|A| |B|)
    "name_shared",  # log(1 + shared names): evidence, not just proportion
    "number_overlap",
    "number_shared",
    "same_language",  # 1, 0, or 0.5 when unknown and the scripts agree
    "min_length",  # log characters of the shorter body, capped: short texts make noisy vectors
)
_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}
# Training texts stop near 1,200 characters; longer bodies count as that long
# so the model never extrapolates.
LENGTH_CAP = 1200

DEFAULT_MODEL = "data/similarity.json"


@dataclass
class Projection:
    """Centre vectors and drop their top principal directions, then renormalise.

    Every encoder vector shares a "this is news" component, and the top
    directions of the rest mostly encode language and register, not topic;
    removing them spreads cosines out where stories differ ("all but the top"
    post-processing). Unsupervised, fitted on the training articles.
    """

    mean: np.ndarray  # (dim,)
    components: np.ndarray  # (k, dim), orthonormal rows

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        centred = vectors.astype(np.float32) - self.mean
        if len(self.components):
            centred = centred - (centred @ self.components.T) @ self.components
        norms = np.linalg.norm(centred, axis=-1, keepdims=True)
        return centred / np.where(norms > 0, norms, 1.0)

    def to_dict(self) -> dict:
        stacked = np.vstack([self.mean[None, :], self.components])
        return {
            "dim": int(self.mean.shape[0]),
            "k": int(len(self.components)),
            "float32_base64": _encode_floats(stacked),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Projection":
        matrix = _decode_floats(data["float32_base64"]).reshape(data["k"] + 1, data["dim"])
        return cls(mean=matrix[0], components=matrix[1:])


def _encode_floats(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f4").tobytes()).decode("ascii")


def _decode_floats(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f4").astype(np.float32)


@dataclass
class FeatureTable:
    """Many articles' features stacked into arrays (vectors already projected)."""

    titles: np.ndarray  # (n, dim)
    leads: np.ndarray  # (n, dim)
    docs: np.ndarray  # (n, dim)
    views: np.ndarray  # (n, dim): normalised mean of all the article's vectors
    chunks: np.ndarray  # (n, max_chunks, dim), zero rows where mask is False
    chunk_mask: np.ndarray  # (n, max_chunks) bool
    names: list[frozenset[str]]
    numbers: list[frozenset[str]]
    languages: list[str | None]
    scripts: list[str]
    lengths: np.ndarray  # (n,) body characters
    days: np.ndarray  # (n,) float, NaN where the date is unknown

    def __len__(self) -> int:
        return len(self.names)

    @classmethod
    def from_features(
        cls, items: Sequence[StoryFeatures], projection: Projection | None = None, max_chunks: int | None = None
    ) -> "FeatureTable":
        """Stack ``items``; vectors go through ``projection`` when one is given."""
        dim = items[0].doc_vector.shape[0] if items else 0
        width = max_chunks or max((f.chunk_vectors.shape[0] for f in items), default=1)
        project = projection.apply if projection is not None else _identity
        chunks = np.zeros((len(items), width, dim), dtype=np.float32)
        mask = np.zeros((len(items), width), dtype=bool)
        for i, f in enumerate(items):
            k = min(width, f.chunk_vectors.shape[0])
            chunks[i, :k] = project(f.chunk_vectors[:k])
            mask[i, :k] = True
        titles = project(_stack([f.title_vector for f in items], dim))
        leads = project(_stack([f.lead_vector for f in items], dim))
        docs = project(_stack([f.doc_vector for f in items], dim))
        return cls(
            titles=titles,
            leads=leads,
            docs=docs,
            views=_views(titles, leads, docs, chunks, mask),
            chunks=chunks,
            chunk_mask=mask,
            names=[f.names for f in items],
            numbers=[f.numbers for f in items],
            languages=[f.language for f in items],
            scripts=[f.script for f in items],
            lengths=np.array([f.length for f in items], dtype=np.float64),
            days=np.array([_day(f.published) for f in items], dtype=np.float64),
        )

    def row(self, i: int) -> "FeatureTable":
        return self.take(np.array([i]))

    def take(self, rows: np.ndarray) -> "FeatureTable":
        """A sub-table of the given row indices."""
        return FeatureTable(
            titles=self.titles[rows],
            leads=self.leads[rows],
            docs=self.docs[rows],
            views=self.views[rows],
            chunks=self.chunks[rows],
            chunk_mask=self.chunk_mask[rows],
            names=[self.names[i] for i in rows],
            numbers=[self.numbers[i] for i in rows],
            languages=[self.languages[i] for i in rows],
            scripts=[self.scripts[i] for i in rows],
            lengths=self.lengths[rows],
            days=self.days[rows],
        )


def _identity(vectors: np.ndarray) -> np.ndarray:
    return vectors


def _views(titles: np.ndarray, leads: np.ndarray, docs: np.ndarray, chunks: np.ndarray, mask: np.ndarray) -> np.ndarray:
    total = titles + leads + docs + (chunks * mask[:, :, None]).sum(axis=1)
    norms = np.linalg.norm(total, axis=1, keepdims=True)
    return (total / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def _stack(rows: list[np.ndarray], dim: int) -> np.ndarray:
    return np.vstack(rows).astype(np.float32, copy=False) if rows else np.zeros((0, dim), dtype=np.float32)


def _day(published: str | None) -> float:
    day = published_day(published)
    return math.nan if day is None else day


def pair_features_table(one: FeatureTable, table: FeatureTable) -> np.ndarray:
    """Raw features of the single row of ``one`` against every row of ``table``."""
    n = len(table)
    out = np.zeros((n, len(FEATURE_NAMES)), dtype=np.float64)
    if n == 0:
        return out
    out[:, _INDEX["doc_cos"]] = table.docs @ one.docs[0]
    out[:, _INDEX["title_cos"]] = table.titles @ one.titles[0]
    out[:, _INDEX["lead_cos"]] = table.leads @ one.leads[0]
    out[:, _INDEX["title_lead_cos"]] = 0.5 * (table.leads @ one.titles[0] + table.titles @ one.leads[0])
    out[:, _INDEX["views_cos"]] = table.views @ one.views[0]
    match, best = _chunk_similarity(one.chunks[0][one.chunk_mask[0]], table.chunks, table.chunk_mask)
    out[:, _INDEX["chunk_match"]] = match
    out[:, _INDEX["chunk_max"]] = best
    shorter = np.minimum(np.minimum(table.lengths, one.lengths[0]), LENGTH_CAP)
    out[:, _INDEX["min_length"]] = np.log1p(shorter)
    for i in range(n):
        out[i, _INDEX["name_overlap"]], out[i, _INDEX["name_shared"]] = _set_overlap(one.names[0], table.names[i])
        out[i, _INDEX["number_overlap"]], out[i, _INDEX["number_shared"]] = _set_overlap(
            one.numbers[0], table.numbers[i]
        )
        out[i, _INDEX["same_language"]] = _same_language(
            one.languages[0], one.scripts[0], table.languages[i], table.scripts[i]
        )
    return out


def _chunk_similarity(a_chunks: np.ndarray, b_chunks: np.ndarray, b_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric best-match mean and the overall best chunk cosine, per row of ``b``."""
    sims = np.einsum("ncd,md->ncm", b_chunks, a_chunks)  # (n, c, m)
    sims = np.where(b_mask[:, :, None], sims, -np.inf)
    a_to_b = sims.max(axis=1).mean(axis=1)  # every chunk of a finds its best in b
    b_best = sims.max(axis=2)  # (n, c)
    counts = b_mask.sum(axis=1).clip(min=1)
    b_to_a = np.where(b_mask, b_best, 0.0).sum(axis=1) / counts
    return 0.5 * (a_to_b + b_to_a), b_best.max(axis=1)


def _set_overlap(a: frozenset[str], b: frozenset[str]) -> tuple[float, float]:
    if not a or not b:
        return 0.0, 0.0
    shared = len(a & b)
    return shared / math.sqrt(len(a) * len(b)), math.log1p(shared)


def _same_language(lang_a: str | None, script_a: str, lang_b: str | None, script_b: str) -> float:
    if lang_a and lang_b:
        return float(lang_a == lang_b)
    # Unknown language: different scripts still settle it; the same script only half.
    return 0.0 if script_a and script_b and script_a != script_b else 0.5


# --- The learned combiner ------------------------------------------------------


# The combiner is a ``rashomon.linear.LinearModel`` with one output: ``link(bias + weights .
# standardised(inputs + products) + metric . (a_doc * b_doc))``. ``link`` is "sigmoid" (the output is a
# probability) or "identity" (a regression on -Overall, mapped linearly from ``output_range`` to [0, 1]). The
# metric, when present, is the input block ``DOC_PRODUCTS``: it weighs each dimension of the projected document
# vectors' elementwise product, a learned, diagonal refinement of their cosine, kept close to uniform by a strong
# penalty in training.
DOC_PRODUCTS = "a_doc*b_doc"
_LINKS = {"logistic": "sigmoid", "identity": "identity"}  # the artifact's name -> rashomon.linear's


def combiner_to_dict(model: LinearModel) -> dict:
    """The combiner in the layout of the shipped artifact."""
    if model.mean is None or model.scale is None:
        raise ValueError("the combiner's artifact keeps its standardisation: fit it with mean and scale")
    metric = model.blocks.get(DOC_PRODUCTS)
    return {
        "inputs": list(model.inputs or []),
        "products": [list(p) for p in model.products],
        "mean": _rounded(model.mean),
        "scale": _rounded(model.scale),
        "weights": _rounded(model.weights),
        "bias": round(float(model.bias), 8),
        "link": next(name for name, link in _LINKS.items() if link == model.link),
        "output_range": list(model.output_range),
        "metric_float32_base64": _encode_floats(metric) if metric is not None else None,
    }


def combiner_from_dict(data: dict) -> LinearModel:
    unknown = [n for n in data["inputs"] if n not in _INDEX]
    if unknown:
        raise ValueError(f"similarity model reads features this code lacks: {unknown}; retrain it")
    metric = data.get("metric_float32_base64")
    return LinearModel(
        weights=np.asarray(data["weights"], dtype=np.float64),
        bias=float(data["bias"]),
        link=_LINKS[data["link"]],
        inputs=list(data["inputs"]),
        products=[(a, b) for a, b in data["products"]],
        mean=np.asarray(data["mean"], dtype=np.float64),
        scale=np.asarray(data["scale"], dtype=np.float64),
        blocks={DOC_PRODUCTS: _decode_floats(metric).astype(np.float64)} if metric else {},
        output_range=(float(data["output_range"][0]), float(data["output_range"][1])),
    )


def design_matrix(raw: np.ndarray, inputs: Sequence[str], products: Sequence[tuple[str, str]]) -> np.ndarray:
    """The chosen raw columns, then the named pairwise products."""
    return named_design(raw, _INDEX, inputs, products)


def _rounded(values: np.ndarray) -> list[float]:
    return [round(float(v), 8) for v in values]


@dataclass(frozen=True)
class DateRule:
    """A hand-set penalty for articles published far apart.

    The training pairs carry no dates, so this is not learned: past
    ``grace_days`` apart, the logit drops by ``per_log_day`` for every e-fold
    of extra distance. Unknown dates cost nothing.
    """

    grace_days: float = 3.0
    per_log_day: float = 1.5

    def penalty(self, day: float, other_days: np.ndarray) -> np.ndarray:
        distance = np.abs(other_days - day)
        over = np.log1p(np.maximum(distance - self.grace_days, 0.0))
        return np.where(np.isnan(over), 0.0, self.per_log_day * over)


@dataclass
class StorySimilarity:
    """Probability that two articles tell the same story, and the threshold for "same"."""

    model: LinearModel
    threshold: float
    projection: Projection | None = None
    date_rule: DateRule = field(default_factory=DateRule)
    info: dict = field(default_factory=dict)  # how it was trained and how well it did

    @classmethod
    def load(cls, path: str | Path | None = None) -> "StorySimilarity":
        """The shipped model, or one written by the training script."""
        return cls.from_dict(load_json_artifact("rashomon.stories", DEFAULT_MODEL, path))

    @classmethod
    def from_dict(cls, data: dict) -> "StorySimilarity":
        return cls(
            model=combiner_from_dict(data["model"]),
            threshold=float(data["threshold"]),
            projection=Projection.from_dict(data["projection"]) if data.get("projection") else None,
            date_rule=DateRule(**data.get("date_rule", {})),
            info=data.get("training", {}),
        )

    def to_dict(self) -> dict:
        return {
            "model": combiner_to_dict(self.model),
            "threshold": round(self.threshold, 6),
            "date_rule": {"grace_days": self.date_rule.grace_days, "per_log_day": self.date_rule.per_log_day},
            "training": self.info,
            "projection": self.projection.to_dict() if self.projection is not None else None,
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    def table(self, items: Sequence[StoryFeatures], max_chunks: int | None = None) -> FeatureTable:
        """Features stacked and projected the way this model reads them."""
        return FeatureTable.from_features(items, self.projection, max_chunks)

    def score(self, a: StoryFeatures, b: StoryFeatures) -> float:
        """Probability in [0, 1] that ``a`` and ``b`` tell the same story (symmetric)."""
        return float(self.score_many(a, [b])[0])

    def score_many(self, a: StoryFeatures | FeatureTable, others: Sequence[StoryFeatures] | FeatureTable) -> np.ndarray:
        """``score(a, b)`` for every ``b`` in ``others``, vectorised.

        Either side may be a ``FeatureTable`` made by ``self.table`` (``a``
        then as a one-row table), so callers that keep tables skip restacking.
        """
        one = a if isinstance(a, FeatureTable) else self.table([a])
        table = others if isinstance(others, FeatureTable) else self.table(list(others))
        if len(table) == 0:
            return np.zeros(0, dtype=np.float64)
        raw = pair_features_table(one, table)
        doc_products = table.docs * one.docs[0] if DOC_PRODUCTS in self.model.blocks else None
        penalty = self.date_rule.penalty(float(one.days[0]), table.days)
        return self.scores_from_raw(raw, doc_products, penalty)

    def scores_from_raw(
        self, raw: np.ndarray, doc_products: np.ndarray | None = None, date_penalty: np.ndarray | None = None
    ) -> np.ndarray:
        """Scores from raw pair features (and ``a_doc * b_doc`` rows when the model has a metric)."""
        if DOC_PRODUCTS in self.model.blocks and doc_products is None:
            raise ValueError("this model weighs document dimensions: pass doc_products")
        blocks = (
            {DOC_PRODUCTS: doc_products} if doc_products is not None and DOC_PRODUCTS in self.model.blocks else None
        )
        margin = self.model.decision_function(self.model.design(raw, _INDEX), blocks)
        if self.model.link == "sigmoid":
            # The date penalty is in logit units: it lowers the margin before the link.
            return self.model.proba_of(margin - date_penalty if date_penalty is not None else margin)
        scores = self.model.proba_of(margin)
        return scores * np.exp(-date_penalty) if date_penalty is not None else scores

    def is_same_story(self, score: float) -> bool:
        return score >= self.threshold

    def pair_features(self, a: StoryFeatures, b: StoryFeatures) -> np.ndarray:
        """Raw features of one pair, in ``FEATURE_NAMES`` order, as this model sees them."""
        return pair_features_table(self.table([a]), self.table([b]))[0]


def pair_features(a: StoryFeatures, b: StoryFeatures, projection: Projection | None = None) -> np.ndarray:
    """Raw features of one pair, in ``FEATURE_NAMES`` order."""
    return pair_features_table(
        FeatureTable.from_features([a], projection), FeatureTable.from_features([b], projection)
    )[0]


@lru_cache(maxsize=1)
def default_similarity() -> StorySimilarity:
    return StorySimilarity.load()
