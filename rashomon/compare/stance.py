"""Stance of a piece of evidence towards a claim: agree, disagree, discuss or unrelated.

The claim is a headline or one claim sentence; the evidence is an article body
(text or sentences) or another claim. ``StanceModel.predict_proba`` turns pair
features into four probabilities with a two-stage model trained by
``rashomon.learn.train_stance`` on FNC-1 and stored as JSON:

* stage 1, related vs unrelated: mostly similarity (cosines of the claim with
  its best-matching evidence sentences and with the whole evidence, shared
  content words, names and numbers);
* stage 2, agree / disagree / discuss among related pairs: mostly cues
  (negation, refuting, hedging and reporting words from per-language lists
  ``rashomon/lang/data/<code>/{negation,refuting,hedges,speech_cues}.txt``)
  in the claim, in the sentences that best match it and across the evidence.

Everything a feature reads is either a multilingual-encoder cosine or a
per-language word list, so the English-trained model applies to fr/es/de/ru/ar
claims too (less well: the lists are shorter than the English signal it
learnt from). Inference is numpy only.

Size: about 450 lines: the pair features and the two-stage model that reads them stay together, since
training (``rashomon.learn.train_stance``) and inference must compute the very same features.
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

from rashomon.linear import LinearModel, named_design
from rashomon.resources import load_json_artifact, word_list
from rashomon.text import CONTRACTED_WORD

STANCES = ("agree", "disagree", "discuss", "unrelated")
RELATED = STANCES[:3]
DEFAULT_MODEL = "data/stance.json"

# Long bodies: the opening carries the story; later sentences are mostly
# background, and capping keeps encoding cost bounded.
MAX_SENTENCES = 40
TOP_K = 3

FEATURE_NAMES: tuple[str, ...] = (
    "cos_max",  # claim vs its best-matching evidence sentence
    "cos_top",  # mean of the TOP_K best
    "cos_doc",  # claim vs the normalised mean of all evidence sentences
    "cos_first",  # claim vs the first sentence (news puts the claim first)
    "stem_overlap",  # share of the claim's content words found anywhere in the evidence
    "stem_overlap_top",  # ... found in the best-matching sentences
    "stem_shared",  # log(1 + shared content words): evidence, not just proportion
    "name_overlap",  # share of the claim's capitalised names found in the evidence
    "number_overlap",  # share of the claim's numbers found in the evidence
    "quantity_mismatch",  # claim and best sentences both give numbers, none shared
    "claim_negation",
    "claim_refuting",
    "claim_hedge",
    "claim_report",
    "claim_question",
    "top_negation",  # cue counts in the best-matching sentences, log1p
    "top_refuting",
    "top_hedge",
    "top_report",
    "doc_negation",  # share of evidence sentences with the cue
    "doc_refuting",
    "doc_hedge",
    "doc_report",
    "negation_mismatch",  # one side negated, the other not
    "log_sentences",
    "log_claim_words",
)
_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}
# Vector blocks a model may read besides the scalar features: elementwise
# products keep them symmetric in meaning across languages (no raw topic axes).
VECTOR_BLOCKS = ("claim*best", "claim*doc")

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_ARABIC_PREFIXES = ("و", "ف", "ب", "ل")
# Words this short are mostly function words in every language we read.
MIN_CONTENT_CHARS = 4
STEM_CHARS = 6
CUE_LISTS = {"negation": "negation.txt", "refuting": "refuting.txt", "hedge": "hedges.txt", "report": "speech_cues.txt"}
# Languages with cue lists: an unknown language is looked up in all of them.
CUE_LANGUAGES = ("en", "fr", "es", "de", "ru", "ar")


@dataclass
class StancePair:
    claim: str
    evidence: str | list[str]
    claim_language: str | None = None
    evidence_language: str | None = None
    claim_vector: np.ndarray | None = None  # (dim,)
    evidence_vectors: np.ndarray | None = None  # (n_sentences, dim), aligned with the evidence sentences


@dataclass
class Prepared:
    """A pair with its evidence split into sentences and every vector present."""

    claim: str
    sentences: list[str]
    claim_language: str
    evidence_language: str
    claim_vector: np.ndarray
    sentence_vectors: np.ndarray


# --- text analysis ---------------------------------------------------------------


@dataclass(frozen=True)
class TextInfo:
    stems: frozenset[str]
    names: frozenset[str]
    numbers: frozenset[str]
    cues: tuple[int, int, int, int]  # negation, refuting, hedge, report
    words: int


def _strip_arabic(token: str) -> str:
    for prefix in ("وال", "بال", "فال", "لل", "ال"):
        if token.startswith(prefix) and len(token) - len(prefix) >= 3:
            return token[len(prefix) :]
    return token


def _stem(token: str) -> str:
    return _strip_arabic(token)[:STEM_CHARS]


@lru_cache(maxsize=None)
def _cue_set(language: str, name: str) -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    languages = (language,) if language in CUE_LANGUAGES else CUE_LANGUAGES
    single, multi = set(), set()
    for code in languages:
        for cue in word_list(code, name):
            tokens = tuple(cue.lower().split())
            (single.add(tokens[0]) if len(tokens) == 1 else multi.add(tokens))
    return frozenset(single), tuple(sorted(multi))


def _count_cues(tokens: list[str], language: str, name: str) -> int:
    single, multi = _cue_set(language, name)
    count = 0
    for token in tokens:
        if token in single or (token.endswith("n't") and "n't" in single):
            count += 1
        elif token[:1] in _ARABIC_PREFIXES and token[1:] in single:
            count += 1
    for phrase in multi:
        n = len(phrase)
        count += sum(tuple(tokens[i : i + n]) == phrase for i in range(len(tokens) - n + 1))
    return count


def _normalise_number(text: str) -> str:
    # "1,000" and "1000" are the same quantity; "1.5" and "1,5" too.
    text = re.sub(r"(?<=\d)[.,](?=\d{3}\b)", "", text)
    return text.replace(",", ".")


@lru_cache(maxsize=200_000)
def analyse(text: str, language: str) -> TextInfo:
    raw = CONTRACTED_WORD.findall(text)
    tokens = [t.lower() for t in raw]
    stems = frozenset(_stem(t) for t in tokens if len(t) >= MIN_CONTENT_CHARS and not t.isdigit())
    # A capitalised word after the first is a name in cased scripts; headlines
    # in title case make every word one, which only blurs names into stems.
    names = frozenset(_stem(t.lower()) for t in raw[1:] if t[:1].isupper() and len(t) >= 2)
    numbers = frozenset(_normalise_number(m) for m in _NUMBER.findall(text))
    cues = tuple(_count_cues(tokens, language, CUE_LISTS[k]) for k in ("negation", "refuting", "hedge", "report"))
    return TextInfo(stems, names, numbers, cues, len(tokens))  # type: ignore[arg-type]


def _language(given: str | None, text: str) -> str:
    if given:
        return given
    from rashomon.lang import detect

    code, _ = detect(text[:500])
    return code or "xx"


def split_evidence(evidence: str | Sequence[str], language: str) -> list[str]:
    if isinstance(evidence, str):
        from rashomon.analyze.sentences import sentence_spans

        sentences = [evidence[a:b] for a, b in sentence_spans(evidence, language)]
    else:
        sentences = [s for s in evidence]
    sentences = [s for s in sentences if any(ch.isalnum() for ch in s)]
    return sentences[:MAX_SENTENCES] or [""]


def prepare(pairs: Sequence[StancePair], encoder=None) -> list[Prepared]:
    """Split evidence and fill in missing vectors with ONE batched encoder call."""
    from rashomon.embed import encode_distinct

    staged = []
    needed: list[str] = []
    for pair in pairs:
        claim_language = _language(pair.claim_language, pair.claim)
        evidence_text = pair.evidence if isinstance(pair.evidence, str) else " ".join(pair.evidence)
        evidence_language = (
            _language(pair.evidence_language, evidence_text)
            if pair.evidence_language is None
            else pair.evidence_language
        )
        if pair.evidence_vectors is not None and not isinstance(pair.evidence, str):
            # Caller's vectors follow the caller's sentences: keep them aligned.
            sentences = list(pair.evidence)[:MAX_SENTENCES] or [""]
        else:
            sentences = split_evidence(pair.evidence, evidence_language)
        if pair.claim_vector is None:
            needed.append(pair.claim)
        if pair.evidence_vectors is None:
            needed.extend(sentences)
        staged.append((pair, claim_language, evidence_language, sentences))
    vectors = encode_distinct(needed, encoder)
    out = []
    for pair, claim_language, evidence_language, sentences in staged:
        claim_vector = pair.claim_vector if pair.claim_vector is not None else vectors[pair.claim]
        if pair.evidence_vectors is not None:
            sentence_vectors = np.asarray(pair.evidence_vectors, dtype=np.float32)[: len(sentences)]
        else:
            sentence_vectors = np.vstack([vectors[s] for s in sentences])
        out.append(
            Prepared(
                pair.claim,
                sentences,
                claim_language,
                evidence_language,
                np.asarray(claim_vector, dtype=np.float32),
                sentence_vectors,
            )
        )
    return out


# --- features ----------------------------------------------------------------------


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


@lru_cache(maxsize=20_000)
def _evidence_summary(
    sentences: tuple[str, ...], language: str
) -> tuple[frozenset[str], frozenset[str], frozenset[str], np.ndarray]:
    infos = [analyse(s, language) for s in sentences]
    stems = frozenset().union(*(i.stems for i in infos))
    names = frozenset().union(*(i.names for i in infos)) | stems
    numbers = frozenset().union(*(i.numbers for i in infos))
    has_cue = np.array([[c > 0 for c in i.cues] for i in infos], dtype=np.float64).mean(axis=0)
    return stems, names, numbers, has_cue


def _share(part: frozenset[str], whole: frozenset[str]) -> float:
    return len(part & whole) / len(part) if part else 0.0


def features_one(p: Prepared) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(raw features, claim*best vector, claim*doc vector) of one prepared pair."""
    f = np.zeros(len(FEATURE_NAMES), dtype=np.float64)
    sims = p.sentence_vectors @ p.claim_vector
    order = np.argsort(-sims, kind="stable")
    top = order[:TOP_K]
    doc = _unit(p.sentence_vectors.mean(axis=0))
    f[_INDEX["cos_max"]] = sims[order[0]]
    f[_INDEX["cos_top"]] = sims[top].mean()
    f[_INDEX["cos_doc"]] = float(doc @ p.claim_vector)
    f[_INDEX["cos_first"]] = sims[0]
    claim = analyse(p.claim, p.claim_language)
    stems, names, numbers, has_cue = _evidence_summary(tuple(p.sentences), p.evidence_language)
    top_infos = [analyse(p.sentences[i], p.evidence_language) for i in top]
    top_stems = frozenset().union(*(i.stems for i in top_infos))
    top_numbers = frozenset().union(*(i.numbers for i in top_infos))
    f[_INDEX["stem_overlap"]] = _share(claim.stems, stems)
    f[_INDEX["stem_overlap_top"]] = _share(claim.stems, top_stems)
    f[_INDEX["stem_shared"]] = math.log1p(len(claim.stems & stems))
    f[_INDEX["name_overlap"]] = _share(claim.names, names)
    f[_INDEX["number_overlap"]] = _share(claim.numbers, numbers)
    f[_INDEX["quantity_mismatch"]] = float(
        bool(claim.numbers) and bool(top_numbers) and not (claim.numbers & top_numbers)
    )
    for k, name in enumerate(("negation", "refuting", "hedge", "report")):
        f[_INDEX[f"claim_{name}"]] = math.log1p(claim.cues[k])
        f[_INDEX[f"top_{name}"]] = math.log1p(sum(i.cues[k] for i in top_infos))
        f[_INDEX[f"doc_{name}"]] = has_cue[k]
    f[_INDEX["claim_question"]] = float(p.claim.rstrip().rstrip("\"'”»“").endswith(("?", "؟")))
    best_negated = analyse(p.sentences[order[0]], p.evidence_language).cues[0] > 0
    f[_INDEX["negation_mismatch"]] = float((claim.cues[0] > 0) != best_negated)
    f[_INDEX["log_sentences"]] = math.log1p(len(p.sentences))
    f[_INDEX["log_claim_words"]] = math.log1p(claim.words)
    return f, p.claim_vector * p.sentence_vectors[order[0]], p.claim_vector * doc


def feature_matrix(prepared: Sequence[Prepared]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Raw scalar features (n, F) and the vector blocks by name."""
    rows = [features_one(p) for p in prepared]
    dim = prepared[0].claim_vector.shape[0] if prepared else 0
    raw = np.vstack([r[0] for r in rows]) if rows else np.zeros((0, len(FEATURE_NAMES)))
    blocks = {
        "claim*best": np.vstack([r[1] for r in rows]) if rows else np.zeros((0, dim)),
        "claim*doc": np.vstack([r[2] for r in rows]) if rows else np.zeros((0, dim)),
    }
    return raw, blocks


def batched_features(
    pairs: Sequence[StancePair], encoder=None, batch: int = 4000
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``feature_matrix`` of many pairs, prepared in batches: one encoder call per batch (the encoder is slow per
    call), without holding every text's vectors at once."""
    raws: list[np.ndarray] = []
    blocks: dict[str, list[np.ndarray]] = {}
    for start in range(0, len(pairs), batch):
        raw, block = feature_matrix(prepare(pairs[start : start + batch], encoder))
        raws.append(raw)
        for name, values in block.items():
            blocks.setdefault(name, []).append(values)
    return np.vstack(raws), {k: np.vstack(v) for k, v in blocks.items()}


# --- the model ---------------------------------------------------------------------


def stage_to_dict(stage: LinearModel) -> dict:
    """A stage in the layout of the shipped artifact (8 decimals; 6 for the vector blocks)."""
    return {
        "classes": list(stage.classes),
        "inputs": list(stage.inputs or []),
        "products": [list(p) for p in stage.products],
        "mean": _rounded(stage.mean),
        "scale": _rounded(stage.scale),
        "weights": [_rounded(row) for row in stage.weights],
        "bias": _rounded(stage.bias),
        "blocks": {name: [_rounded(row, 6) for row in m] for name, m in stage.blocks.items()},
    }


def stage_from_dict(data: dict) -> LinearModel:
    """A softmax stage over ``standardised(inputs + products)`` plus raw vector blocks."""
    unknown = [n for n in data["inputs"] if n not in _INDEX] + [b for b in data["blocks"] if b not in VECTOR_BLOCKS]
    if unknown:
        raise ValueError(f"stance model reads features this code lacks: {unknown}; retrain it")
    return LinearModel(
        weights=np.asarray(data["weights"], dtype=np.float64).reshape(-1, len(data["classes"])),
        bias=np.asarray(data["bias"], dtype=np.float64),
        link="softmax",
        classes=list(data["classes"]),
        inputs=list(data["inputs"]),
        products=[(a, b) for a, b in data["products"]],
        mean=np.asarray(data["mean"], dtype=np.float64),
        scale=np.asarray(data["scale"], dtype=np.float64),
        blocks={k: np.asarray(v, dtype=np.float64) for k, v in data["blocks"].items()},
    )


def stage_proba(stage: LinearModel, raw: np.ndarray, blocks: dict[str, np.ndarray]) -> np.ndarray:
    """A stage's probabilities from raw features (``FEATURE_NAMES`` columns) and the vector blocks it reads."""
    return stage.predict_proba(stage.design(raw, _INDEX), blocks)


def design_matrix(raw: np.ndarray, inputs: Sequence[str], products: Sequence[tuple[str, str]]) -> np.ndarray:
    return named_design(raw, _INDEX, inputs, products)


def _rounded(values, digits: int = 8) -> list[float]:
    return [round(float(v), digits) for v in np.ravel(values)]


@dataclass
class StanceModel:
    related: LinearModel  # softmax over ("unrelated", "related")
    stance: LinearModel  # softmax over RELATED
    info: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "StanceModel":
        """The shipped model, or one written by the training script."""
        return cls.from_dict(load_json_artifact("rashomon.compare", DEFAULT_MODEL, path))

    @classmethod
    def from_dict(cls, data: dict) -> "StanceModel":
        return cls(stage_from_dict(data["related"]), stage_from_dict(data["stance"]), data.get("training", {}))

    def to_dict(self) -> dict:
        return {
            "stances": list(STANCES),
            "related": stage_to_dict(self.related),
            "stance": stage_to_dict(self.stance),
            "training": self.info,
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")

    def proba_from_features(self, raw: np.ndarray, blocks: dict[str, np.ndarray]) -> np.ndarray:
        """(n, 4) in STANCES order: P(related) times the stance split, and P(unrelated)."""
        related = stage_proba(self.related, raw, blocks)[:, self.related.classes.index("related")]
        split = stage_proba(self.stance, raw, blocks)
        out = np.zeros((raw.shape[0], len(STANCES)))
        for j, name in enumerate(self.stance.classes):
            out[:, STANCES.index(name)] = related * split[:, j]
        out[:, STANCES.index("unrelated")] = 1.0 - related
        return out

    def predict_proba(self, pairs: Sequence[StancePair], encoder=None) -> np.ndarray:
        if not pairs:
            return np.zeros((0, len(STANCES)))
        raw, blocks = feature_matrix(prepare(pairs, encoder))
        return self.proba_from_features(raw, blocks)

    def predict(self, pairs: Sequence[StancePair], encoder=None) -> list[str]:
        return labels(self.predict_proba(pairs, encoder))


def labels(proba: np.ndarray) -> list[str]:
    return [STANCES[i] for i in np.argmax(proba, axis=1)]


# Thresholds for reasons, in raw feature units; reasons explain, they do not decide.
LOW_OVERLAP = 0.2


def reasons_from_features(row: np.ndarray) -> list[str]:
    """Short machine-readable reasons a pair's features show."""
    reasons = []
    if row[_INDEX["negation_mismatch"]] > 0:
        reasons.append("negation_mismatch")
    if row[_INDEX["top_refuting"]] > 0 or row[_INDEX["claim_refuting"]] > 0:
        reasons.append("refuting_cue")
    if row[_INDEX["top_hedge"]] > 0 or row[_INDEX["claim_hedge"]] > 0 or row[_INDEX["claim_question"]] > 0:
        reasons.append("hedge")
    if row[_INDEX["top_report"]] > 0:
        reasons.append("reported_speech")
    if row[_INDEX["quantity_mismatch"]] > 0:
        reasons.append("quantity_mismatch")
    if row[_INDEX["stem_overlap"]] < LOW_OVERLAP and row[_INDEX["name_overlap"]] < LOW_OVERLAP:
        reasons.append("low_overlap")
    return reasons


def pair_reasons(pair: StancePair | Prepared, encoder=None) -> list[str]:
    prepared = pair if isinstance(pair, Prepared) else prepare([pair], encoder)[0]
    return reasons_from_features(features_one(prepared)[0])
