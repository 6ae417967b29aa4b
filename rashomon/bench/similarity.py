"""Benchmark of the story similarity on SemEval-2022 Task 8 style article pairs.

    python -m rashomon.bench.similarity PAIRS.csv [--cv] [--cache /tmp/enc.npz]

Reads a CSV with columns ``pair_id, lang1, lang2, text1, text2, Overall``
(Overall: 1 = same story .. 4 = unrelated), builds features through the same
code path as the pipeline (encoding repair, title split, ``compute_features``),
scores each pair with ``StorySimilarity.score`` and prints Pearson against
-Overall, per language pair and overall, next to the plain-cosine baseline.

The shipped model is trained on pairs.csv, so its in-sample figure flatters
it. ``--cv`` refits the same combiner per grouped fold and scores each pair
with a model that never saw its texts; the last line is then that figure.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence, TextIO

import numpy as np

from rashomon.embed import Encoder, get_encoder
from rashomon.stories.combiner import CombinerSpec, connected_groups, cross_validated_scores, grouped_folds, pearson
from rashomon.stories.features import StoryFeatures, compute_features, split_title
from rashomon.stories.similarity import StorySimilarity

BASELINE_CHARS = 1500
CV_FOLDS = 10
CV_SEED = 0
ENCODE_BATCH = 64  # articles per compute_features call, as the pipeline batches


@dataclass(frozen=True)
class Pair:
    pair_id: str
    lang1: str
    lang2: str
    text1: str
    text2: str
    overall: float

    @property
    def languages(self) -> str:
        return f"{self.lang1}-{self.lang2}"


def read_pairs(path: str | Path) -> list[Pair]:
    csv.field_size_limit(10**9)
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            Pair(row["pair_id"], row["lang1"], row["lang2"], row["text1"], row["text2"], float(row["Overall"]))
            for row in csv.DictReader(handle)
        ]


def repair(text: str) -> str:
    """Undo double-encoded UTF-8 and nothing else (quotes, widths, ligatures stay)."""
    import ftfy

    return ftfy.fix_text(
        text, uncurl_quotes=False, fix_character_width=False, fix_latin_ligatures=False, normalization=None
    )


@dataclass
class PairSet:
    """The pairs, their distinct articles' features, and which two each pair joins."""

    pairs: list[Pair]
    texts: list[str]  # repaired, one per distinct article
    features: list[StoryFeatures]
    left: np.ndarray  # index into texts/features per pair
    right: np.ndarray
    seconds_per_article: float

    @property
    def overall(self) -> np.ndarray:
        return np.array([p.overall for p in self.pairs], dtype=np.float64)

    def groups(self) -> np.ndarray:
        return connected_groups([str(i) for i in self.left], [str(i) for i in self.right])


def build_pair_set(pairs: Sequence[Pair], encoder: Encoder) -> PairSet:
    """Repair, split titles and compute features once per distinct article."""
    index: dict[tuple[str, str], int] = {}
    texts: list[str] = []
    languages: list[str] = []
    sides: list[tuple[int, int]] = []
    for pair in pairs:
        ids = []
        for text, language in ((pair.text1, pair.lang1), (pair.text2, pair.lang2)):
            key = (repair(text).strip(), language)
            if key not in index:
                index[key] = len(texts)
                texts.append(key[0])
                languages.append(language)
            ids.append(index[key])
        sides.append((ids[0], ids[1]))
    articles = [(*split_title(text), None, language) for text, language in zip(texts, languages)]
    started = time.perf_counter()
    features: list[StoryFeatures] = []
    for start in range(0, len(articles), ENCODE_BATCH):
        batch = [(title, body, published, lang) for title, body, published, lang in articles[start : start + ENCODE_BATCH]]
        features.extend(compute_features(batch, encoder))
    elapsed = time.perf_counter() - started
    left = np.array([s[0] for s in sides], dtype=np.int64)
    right = np.array([s[1] for s in sides], dtype=np.int64)
    return PairSet(list(pairs), texts, features, left, right, elapsed / max(len(articles), 1))


def score_pairs(pair_set: PairSet, similarity: StorySimilarity) -> np.ndarray:
    """``similarity.score`` for every pair: the function clustering uses."""
    return np.array(
        [similarity.score(pair_set.features[i], pair_set.features[j]) for i, j in zip(pair_set.left, pair_set.right)]
    )


def baseline_scores(pair_set: PairSet, encoder: Encoder) -> np.ndarray:
    """Plain encoder cosine over each repaired text's first 1,500 characters."""
    vectors = encoder.encode([text[:BASELINE_CHARS] for text in pair_set.texts])
    return np.einsum("nd,nd->n", vectors[pair_set.left], vectors[pair_set.right])


def spec_of(similarity: StorySimilarity) -> CombinerSpec:
    """The training choices recorded in a model, to refit them per fold."""
    if "spec" not in similarity.info:
        raise ValueError("this similarity model records no training spec; --cv needs one")
    return CombinerSpec.from_dict(similarity.info["spec"])


def cross_validated(pair_set: PairSet, spec: CombinerSpec, folds: int = CV_FOLDS, seed: int = CV_SEED) -> np.ndarray:
    """Each pair scored by ``StorySimilarity.score`` refitted (projection too) without its fold."""
    fold_of = grouped_folds(pair_set.groups(), folds, seed)
    return cross_validated_scores(pair_set.features, pair_set.left, pair_set.right, pair_set.overall, fold_of, spec)


def print_breakdown(pairs: Sequence[Pair], target: np.ndarray, columns: dict[str, np.ndarray], out: TextIO) -> None:
    """Pearson per language pair (largest first), one column per scorer."""
    names = list(columns)
    print(f"{'languages':<10} {'n':>5} " + " ".join(f"{n:>12}" for n in names), file=out)
    by_languages: dict[str, list[int]] = {}
    for row, pair in enumerate(pairs):
        by_languages.setdefault(pair.languages, []).append(row)
    for languages, rows in sorted(by_languages.items(), key=lambda item: (-len(item[1]), item[0])):
        values = " ".join(f"{pearson(columns[n][rows], target[rows]):>12.3f}" for n in names)
        print(f"{languages:<10} {len(rows):>5} {values}", file=out)
    values = " ".join(f"{pearson(columns[n], target):>12.3f}" for n in names)
    print(f"{'all':<10} {len(pairs):>5} {values}", file=out)


def run_similarity_bench(
    pairs_path: str | Path,
    out: TextIO = sys.stdout,
    *,
    cv: bool = False,
    encoder: Encoder | None = None,
    similarity: StorySimilarity | None = None,
) -> float:
    """Print the benchmark; return the Pearson of the last line (out-of-fold with ``cv``)."""
    encoder = encoder or get_encoder()
    similarity = similarity or StorySimilarity.load()
    pairs = read_pairs(pairs_path)
    pair_set = build_pair_set(pairs, encoder)
    target = -pair_set.overall
    columns = {"score": score_pairs(pair_set, similarity)}
    if cv:
        columns["score_oof"] = cross_validated(pair_set, spec_of(similarity))
    columns["baseline"] = baseline_scores(pair_set, encoder)

    print(f"pairs={len(pairs)} articles={len(pair_set.texts)} "
          f"features_ms_per_article={1000 * pair_set.seconds_per_article:.1f}", file=out)
    print_breakdown(pairs, target, columns, out)
    print(f"baseline_cosine_first_{BASELINE_CHARS}_chars={pearson(columns['baseline'], target):.4f}", file=out)
    in_sample = pearson(columns["score"], target)
    print(f"score_pearson={in_sample:.4f}" + (" (in-sample: the shipped model was trained on these pairs)" if cv else ""), file=out)
    result = in_sample
    if cv:
        result = pearson(columns["score_oof"], target)
        print(f"out_of_fold: {CV_FOLDS} folds grouped by shared article, seed {CV_SEED}, {spec_of(similarity).describe()}", file=out)
    print(f"pearson={result:.4f}", file=out)
    return result


class CachedEncoder:
    """Wraps an encoder with a file cache keyed by text, for fast repeated runs."""

    def __init__(self, inner: Encoder, path: str | Path):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.path = Path(path)
        self._rows: dict[str, np.ndarray] = {}
        self._unsaved = 0
        if self.path.exists():
            with np.load(self.path) as data:
                self._rows = dict(zip(data["keys"].tolist(), data["vectors"]))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [hashlib.sha1(f"{self.name}\0{t}".encode("utf-8")).hexdigest() for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._rows))
        if missing:
            text_of = dict(zip(keys, texts))
            for key, vector in zip(missing, self.inner.encode([text_of[k] for k in missing])):
                self._rows[key] = vector
            self._unsaved += len(missing)
            if self._unsaved >= 5000:
                self.save()
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._rows[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        if not self._rows:
            return
        keys = list(self._rows)
        with open(self.path, "wb") as handle:
            np.savez(handle, keys=np.array(keys), vectors=np.vstack([self._rows[k] for k in keys]))
        self._unsaved = 0


@contextmanager
def encoder_cached_in(path: str | Path | None) -> Iterator[Encoder]:
    """The default encoder, its vectors kept in ``path`` between runs when a path is given.

    The cache is written on the way out after an error too, so a bad line at the
    end of a corpus does not throw away the encoding of everything before it.
    """
    encoder = CachedEncoder(get_encoder(), path) if path else get_encoder()
    try:
        yield encoder
    finally:
        if isinstance(encoder, CachedEncoder):
            encoder.save()


@contextmanager
def bench_encoder(cache: str | Path | None, refuse: Callable[[Exception], object]) -> Iterator[Encoder]:
    """``encoder_cached_in`` for a bench: data it cannot use (ValueError, KeyError) goes to ``refuse``.

    ``refuse`` says so in one line and exits 2; the CLI and the ``python -m``
    entries word that line each their own way.
    """
    with encoder_cached_in(cache) as encoder:
        try:
            yield encoder
        except (ValueError, KeyError) as problem:
            refuse(problem)
            raise


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pairs", help="CSV of article pairs (SemEval-2022 Task 8 layout)")
    parser.add_argument("--cv", action="store_true", help="also refit per grouped fold; last line is out-of-fold")
    parser.add_argument("--model", help="similarity JSON (default: the shipped one)")
    parser.add_argument("--cache", help="cache encodings in this .npz (development only)")
    args = parser.parse_args(argv)
    with encoder_cached_in(args.cache) as encoder:
        run_similarity_bench(args.pairs, cv=args.cv, encoder=encoder, similarity=StorySimilarity.load(args.model))


if __name__ == "__main__":
    main()
