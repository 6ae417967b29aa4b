"""The hand-checked analysis gold set (``tests/fixtures/gold/gold.jsonl``, guide in ``GUIDE.md``) read back.

The gold set holds no article text: each line names a text in the shared,
read-only datasets (``semeval2022-task8/pairs.csv`` by ``pair_id`` and ``side``,
``semeval2023-task3/<lang>/train-articles/<file>`` by ``file``) with the SHA-256
of the exact text it was annotated on, after :func:`rashomon.datasets.repair_text`.
:func:`load_gold` reads the texts back, checks the hashes and turns every mention
(string + occurrence index) and quote (snippet + occurrence index) into character
offsets. The scorer is ``rashomon.bench.analysis``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from rashomon.datasets import repair_text
from rashomon.datasets.semeval2022 import Pair, read_pairs

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_GOLD = REPO_ROOT / "tests" / "fixtures" / "gold" / "gold.jsonl"
DEFAULT_DATA_ROOT = REPO_ROOT.parent / "shared" / "data"

PAIRS_DATASET = "semeval2022-task8"
ARTICLES_DATASET = "semeval2023-task3"
PAIRS_FILE = "pairs.csv"
TYPES = ("person", "organisation", "place", "group", "other")


class GoldDataMissing(FileNotFoundError):
    """A text the gold set refers to is not where the data root says."""


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------ gold


@dataclass(frozen=True)
class GoldMention:
    gid: str
    text: str
    occurrence: int
    start: int
    end: int


@dataclass(frozen=True)
class GoldEntity:
    gid: str
    type: str
    mentions: tuple[GoldMention, ...]


@dataclass(frozen=True)
class GoldQuote:
    speaker_gid: str | None
    speaker_text: str
    snippet: str
    occurrence: int
    direct: bool
    start: int
    end: int
    alt_speaker_gids: tuple[str, ...] = ()

    @property
    def speaker_gids(self) -> tuple[str, ...]:
        return ((self.speaker_gid,) if self.speaker_gid else ()) + self.alt_speaker_gids


@dataclass(frozen=True)
class GoldDoc:
    doc_id: str
    dataset: str
    ref: Mapping[str, Any]
    language: str
    sha256: str
    text: str
    entities: tuple[GoldEntity, ...]
    quotes: tuple[GoldQuote, ...]

    @property
    def mentions(self) -> list[GoldMention]:
        return sorted((m for e in self.entities for m in e.mentions), key=lambda m: (m.start, m.end))

    def entity(self, gid: str) -> GoldEntity | None:
        return next((e for e in self.entities if e.gid == gid), None)


def find_occurrence(text: str, needle: str, occurrence: int) -> int:
    """Start of the ``occurrence``-th (0-based) match of ``needle``, counting every start position."""
    if not needle:
        raise ValueError("empty string")
    pos = -1
    for _ in range(occurrence + 1):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            raise ValueError(f"{needle!r} has no occurrence {occurrence}")
    return pos


def gold_doc_from_record(record: Mapping[str, Any], text: str, *, check_hash: bool = True) -> GoldDoc:
    """A gold line (dict) plus its text -> GoldDoc with offsets; raises ValueError on any inconsistency."""
    doc_id = record["doc_id"]
    digest = sha256(text)
    if check_hash and record.get("sha256") != digest:
        raise ValueError(
            f"{doc_id}: sha256 of the text is {digest}, the gold set expects {record.get('sha256')} "
            "(the data changed, or the text was not repaired as rashomon.datasets.repair_text does)"
        )
    entities = []
    for ent in record.get("entities", []):
        if ent["type"] not in TYPES:
            raise ValueError(f"{doc_id}: entity {ent['gid']} has unknown type {ent['type']!r}")
        mentions = []
        for m in ent["mentions"]:
            try:
                start = find_occurrence(text, m["text"], m["occurrence"])
            except ValueError as exc:
                raise ValueError(f"{doc_id}: mention of {ent['gid']}: {exc}") from None
            mentions.append(GoldMention(ent["gid"], m["text"], m["occurrence"], start, start + len(m["text"])))
        entities.append(GoldEntity(ent["gid"], ent["type"], tuple(mentions)))
    quotes = []
    for q in record.get("quotes", []):
        occurrence = q.get("occurrence", 0)
        try:
            start = find_occurrence(text, q["snippet"], occurrence)
        except ValueError as exc:
            raise ValueError(f"{doc_id}: quote snippet: {exc}") from None
        quotes.append(
            GoldQuote(
                speaker_gid=q.get("speaker_gid"),
                speaker_text=q.get("speaker_text") or "",
                snippet=q["snippet"],
                occurrence=occurrence,
                direct=bool(q.get("direct")),
                start=start,
                end=start + len(q["snippet"]),
                alt_speaker_gids=tuple(q.get("alt_speaker_gids") or ()),
            )
        )
    return GoldDoc(
        doc_id=doc_id,
        dataset=record.get("dataset", ""),
        ref=dict(record.get("ref", {})),
        language=record["language"],
        sha256=digest,
        text=text,
        entities=tuple(entities),
        quotes=tuple(quotes),
    )


class _TextSource:
    """Reads the referenced texts, each dataset file once."""

    def __init__(self, data_root: str | Path):
        self.root = Path(data_root)
        self._pairs: dict[str, Pair] | None = None

    def _missing(self, path: Path) -> GoldDataMissing:
        return GoldDataMissing(
            f"gold text source {path} not found: the gold set refers to the shared datasets "
            f"under the data root {self.root} (expected <repo>/../shared/data); pass the right data root"
        )

    def pairs(self) -> dict[str, Pair]:
        if self._pairs is None:
            path = self.root / PAIRS_DATASET / PAIRS_FILE
            if not path.is_file():
                raise self._missing(path)
            self._pairs = {pair.pair_id: pair for pair in read_pairs(path)}
        return self._pairs

    def text(self, record: Mapping[str, Any]) -> str:
        dataset, ref = record["dataset"], record["ref"]
        if dataset == PAIRS_DATASET:
            row = self.pairs().get(ref["pair_id"])
            if row is None:
                raise GoldDataMissing(f"{record['doc_id']}: pair {ref['pair_id']} is not in {PAIRS_FILE}")
            raw = {1: row.text1, 2: row.text2}[int(ref["side"])]
        elif dataset == ARTICLES_DATASET:
            path = self.root / ARTICLES_DATASET / ref["file"]
            if not path.is_file():
                raise self._missing(path)
            raw = path.read_text(encoding="utf-8")
        else:
            raise ValueError(f"{record['doc_id']}: unknown dataset {dataset!r}")
        return repair_text(raw)


def read_gold_records(gold_path: str | Path) -> list[dict[str, Any]]:
    records = []
    with open(gold_path, encoding="utf-8") as handle:
        for n, line in enumerate(handle, 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{gold_path}:{n}: {exc}") from None
    ids = Counter(r["doc_id"] for r in records)
    dup = sorted(d for d, c in ids.items() if c > 1)
    if dup:
        raise ValueError(f"{gold_path}: duplicate doc_id {dup}")
    return records


def load_gold(gold_path: str | Path = DEFAULT_GOLD, data_root: str | Path = DEFAULT_DATA_ROOT) -> list[GoldDoc]:
    """The gold set with its texts read back from the shared data, every sha256 checked.

    Raises GoldDataMissing (a FileNotFoundError) when a referenced dataset file is
    absent, ValueError when a text's hash or an annotation does not fit.
    """
    source = _TextSource(data_root)
    return [gold_doc_from_record(r, source.text(r)) for r in read_gold_records(gold_path)]
