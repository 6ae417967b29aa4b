"""Decompression that cannot be made to produce more than its input justifies.

A few hundred kilobytes of gzip can hold gigabytes (deflate reaches about 1,000:1 on repeated bytes), so every
decompression in ingest goes through here: a stream is inflated a block at a time with a cap on the output of each
call, and refused once its output passes both ``floor_bytes`` and ``MAX_COMPRESSION_RATIO`` times the compressed
bytes read; a single body is inflated up to a byte limit and no further.
"""

from __future__ import annotations

import zlib
from typing import BinaryIO

from rashomon.ingest.problems import IngestProblem, human_limit

# Web pages and WARC headers inflate 4-10:1 (a crawl's .warc.gz is typically a fifth of its size), text with much
# repetition 20-30:1; past 100:1 is what a gzip of zeros looks like, not a web archive.
MAX_COMPRESSION_RATIO = 100
GZIP_MAGIC = b"\x1f\x8b"
# Compressed bytes read from the file at a time.
_READ_BYTES = 64 * 1024
# zlib: 16 + window bits reads a gzip wrapper; 32 + window bits reads gzip or zlib, whichever the data has.
_GZIP_WBITS = 16 + zlib.MAX_WBITS
_GZIP_OR_ZLIB_WBITS = 32 + zlib.MAX_WBITS


class DecompressionBomb(IngestProblem):
    pass


class InflatingReader:
    """The bytes of ``raw``, gunzipped when it starts as gzip (every member of it, as a .warc.gz is one member per
    record), else as they are. ``read(size)`` returns at most ``size`` bytes; ``zlib.error`` means the gzip data
    is corrupt, ``DecompressionBomb`` that it inflates past what its size allows."""

    def __init__(self, raw: BinaryIO, floor_bytes: int):
        self.raw = raw
        self.floor_bytes = floor_bytes  # output always allowed, whatever the ratio: the --max-bytes of one record
        self.compressed_read = 0
        self.produced = 0
        self.pending = b""  # compressed bytes read and not yet inflated
        self.gzipped: bool | None = None  # decided on the first read
        self.member: zlib._Decompress | None = None  # zlib's decompressor for the gzip member being inflated

    def tell(self) -> int:
        return self.produced

    def read(self, size: int = _READ_BYTES) -> bytes:
        if size is None or size < 0:
            size = _READ_BYTES
        if size == 0:
            return b""  # and never zlib's max_length=0, which means "no limit"
        if self.gzipped is None:
            self.pending = self.raw.read(_READ_BYTES)
            self.gzipped = self.pending.startswith(GZIP_MAGIC)
        if not self.gzipped:
            return self._read_plain(size)
        while True:
            if self.member is None:
                self.member = self._next_member()
                if self.member is None:
                    return self._read_plain(size) if self.pending else b""
            if not self.pending:
                self.pending = self.raw.read(_READ_BYTES)
                if not self.pending:
                    # The member is cut short. What it gave stands; the reader of the stream finds the record
                    # shorter than its header says.
                    self.member = None
                    return b""
            fed = len(self.pending)
            output = self.member.decompress(self.pending, size)
            if self.member.eof:
                self.pending = self.member.unused_data
                self.member = None
            else:
                self.pending = self.member.unconsumed_tail
            self.compressed_read += fed - len(self.pending)
            self.produced += len(output)
            self._check_ratio()
            if output:
                return output

    def _next_member(self) -> zlib._Decompress | None:
        """A decompressor for the next gzip member; None at the end, or when what follows is not gzip."""
        while len(self.pending) < len(GZIP_MAGIC):
            more = self.raw.read(_READ_BYTES)
            if not more:
                break
            self.pending += more
        if not self.pending.startswith(GZIP_MAGIC):
            # Bytes after the last member that are not another member are handed on as they are: the WARC
            # parser says where they fail to be a record, as warcio's own reader does.
            self.gzipped = False
            return None
        return zlib.decompressobj(_GZIP_WBITS)

    def _read_plain(self, size: int) -> bytes:
        if self.pending:
            output, self.pending = self.pending[:size], self.pending[size:]
        else:
            output = self.raw.read(size)
        self.compressed_read += len(output)
        self.produced += len(output)
        return output

    def _check_ratio(self) -> None:
        allowed = max(self.floor_bytes, MAX_COMPRESSION_RATIO * self.compressed_read)
        if self.produced > allowed:
            raise DecompressionBomb(
                f"refused: decompresses past {allowed:,} bytes (compression ratio over {MAX_COMPRESSION_RATIO}:1)"
            )


class OverLimit(IngestProblem):
    pass


def inflate_body(data: bytes, coding: str, max_bytes: int) -> bytes:
    """An HTTP body's bytes decoded from ``coding`` (gzip, x-gzip or deflate), never more than ``max_bytes``.

    Raises ``OverLimit`` when the decoded body would be longer, ``IngestProblem`` when it is not valid.
    """
    attempts = [_GZIP_OR_ZLIB_WBITS]
    if coding == "deflate":
        attempts.append(-zlib.MAX_WBITS)  # many servers send raw deflate, without the zlib wrapper
    for wbits in attempts:
        decompressor = zlib.decompressobj(wbits)
        try:
            output = decompressor.decompress(data, max_bytes + 1)
        except zlib.error as error:
            problem = error
            continue
        if len(output) > max_bytes or decompressor.unconsumed_tail:
            raise OverLimit(f"decompresses past the {human_limit(max_bytes)} limit (--max-bytes)")
        return output
    reason = str(problem).removeprefix("Error -3 while decompressing data: ")
    raise IngestProblem(f"body is not valid {coding} ({reason})")
