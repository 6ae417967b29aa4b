"""An encoder with a file cache keyed by text: the one encoder cache the training scripts and benches share
(``--cache``), so a repeated run encodes nothing it encoded before."""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np

from rashomon.embed import Encoder, get_encoder

# Written to disk every so many new vectors, so a run killed late keeps most of its work.
SAVE_EVERY = 5000


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
            if self._unsaved >= SAVE_EVERY:
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
    """``encoder_cached_in`` for a bench or a training run: data it cannot use (ValueError, KeyError) goes to
    ``refuse``, which says so in one line and exits 2."""
    with encoder_cached_in(cache) as encoder:
        try:
            yield encoder
        except (ValueError, KeyError) as problem:
            refuse(problem)
            raise
