"""Assemble cleaned text from pieces of the original, keeping the way back."""

from __future__ import annotations

from typing import NamedTuple

from rashomon.model import OffsetMap


class Piece(NamedTuple):
    """Cleaned text standing for ``original[orig_start:orig_end]``.

    When the lengths match the piece is a verbatim copy (or maps one to one); when
    they differ it is a repair or a collapsed run and positions inside it are
    interpolated by ``OffsetMap``.
    """

    text: str
    orig_start: int
    orig_end: int

    @property
    def is_copy(self) -> bool:
        return len(self.text) == self.orig_end - self.orig_start


class CleanTextBuilder:
    """Appends pieces in order and produces the cleaned text and its ``OffsetMap``."""

    def __init__(self) -> None:
        self._chunks: list[str] = []
        self._pieces: list[tuple[int, int, int, int]] = []
        self._length = 0

    def __len__(self) -> int:
        return self._length

    def append(self, text: str, orig_start: int, orig_end: int) -> None:
        if not text:
            return
        clean_len, orig_len = len(text), orig_end - orig_start
        if self._pieces and clean_len == orig_len:
            c0, o0, last_clean, last_orig = self._pieces[-1]
            # Merging neighbouring copies keeps the map as small as the edits are few.
            if last_clean == last_orig and o0 + last_orig == orig_start:
                self._pieces[-1] = (c0, o0, last_clean + clean_len, last_orig + orig_len)
                self._chunks.append(text)
                self._length += clean_len
                return
        self._pieces.append((self._length, orig_start, clean_len, orig_len))
        self._chunks.append(text)
        self._length += clean_len

    def append_pieces(self, pieces: list[Piece]) -> None:
        for piece in pieces:
            self.append(*piece)

    def build(self) -> tuple[str, OffsetMap]:
        return "".join(self._chunks), OffsetMap(list(self._pieces))
