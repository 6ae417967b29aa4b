"""Reader of IOB named-entity files in WikiANN's layout (``../shared/data/wikiann/<code>/{train,val}.conllu``).

One token per line, ``index<TAB>token<TAB>tag`` (tags ``O``, ``B-PER``, ``I-ORG``, ...); sentences are separated
by blank lines. Lines with two columns (``token<TAB>tag``) are read too, so any CoNLL-style IOB file works.
The training script tunes on a hashed split of the training file (``split_of``); the validation file is only ever
scored, never tuned on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rashomon.datasets.splits import hashed_split

DEFAULT_DATA_ROOT = Path("../shared/data/wikiann")
# The share of training sentences held out to choose the CRF's regularisation.
TUNE_PERCENT = 10
SPLIT_SEED = 16


@dataclass(frozen=True)
class Sentence:
    words: tuple[str, ...]
    tags: tuple[str, ...]

    def key(self) -> str:
        return " ".join(self.words)


def read_iob(path: Path | str, limit: int | None = None) -> list[Sentence]:
    """The sentences of an IOB file (the first ``limit`` when given); a malformed line raises with its number."""
    sentences: list[Sentence] = []
    words: list[str] = []
    tags: list[str] = []

    def close() -> None:
        if words:
            sentences.append(Sentence(tuple(words), tuple(tags)))
            words.clear()
            tags.clear()

    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\n")
            if not line.strip():
                close()
                if limit is not None and len(sentences) >= limit:
                    break
                continue
            columns = line.split("\t")
            if len(columns) not in (2, 3):
                raise ValueError(f"{path}:{number}: expected 'index<TAB>token<TAB>tag', got {line[:60]!r}")
            tag = columns[-1].strip()
            if tag != "O" and tag[:2] not in ("B-", "I-"):
                raise ValueError(f"{path}:{number}: not an IOB tag: {tag!r}")
            words.append(columns[-2])
            tags.append(tag)
        close()
    return sentences[:limit] if limit is not None else sentences


def split_of(sentence: Sentence) -> str:
    """'tune' or 'train' for a sentence of a training file, by a hash of its words (same text, same side)."""
    return "tune" if hashed_split(sentence.key(), SPLIT_SEED, TUNE_PERCENT, 0) == "test" else "train"
