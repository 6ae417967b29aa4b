"""CSV and TSV files: one article per row, and every row its own error boundary.

The csv module finds where a row ends only while parsing it, so a row it cannot finish (a quote never closed, a
row over ``--max-bytes``) left the whole rest of the file unread, or silently merged into one row. Rows are
therefore split here first, by the csv module's own quoting rules (the excel dialect, not strict: a quote opens a
quoted field only at the start of a field, ``""`` inside one is a quote, a line break inside one is text), reading
the stream in bounded blocks; each row is then parsed alone and becomes one Article or one Rejection.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from rashomon.ingest.decoding import byte_order_mark, describe_undecodable
from rashomon.ingest.problems import IngestProblem, guarded, over_limit
from rashomon.ingest.records import article_from_record
from rashomon.model import Article, Rejection

# Excel's own limit (16,384 columns); no spreadsheet export has more, and a row of a million empty fields would
# cost the csv module a list of a million strings before anyone looked at it.
MAX_FIELDS_PER_ROW = 16_384
# Read this much of the file at a time; a row longer than it is gathered across blocks.
_BLOCK_BYTES = 1 << 16

_QUOTE = ord('"')
_NEWLINE = ord("\n")
_CARRIAGE_RETURN = ord("\r")

# Where the splitter is inside a row: the csv module's states, as far as row boundaries depend on them.
_FIELD_START, _UNQUOTED, _QUOTED, _QUOTE_IN_QUOTED = range(4)


@dataclass(frozen=True)
class RawRow:
    first_line: int  # the 1-based line the row starts on
    offset: int  # byte offset of the row's first byte in the stream
    data: bytes  # the row with its line break; empty when it is too large to keep
    size: int  # the row's full size in bytes
    fields: int
    problem: str | None = None  # why the row cannot be read
    whole_file_problem: bool = False  # the problem is the file's (a quote never closed), not this row's


class ByteReader(Protocol):
    """What rows are split from: a binary file, or a UTF-16 file transcoded to UTF-8 as it is read."""

    def read(self, size: int, /) -> bytes: ...


def split_rows(stream: ByteReader, delimiter: str, max_row_bytes: int, *, offset: int = 0) -> Iterator[RawRow]:
    """Rows of a UTF-8 (or ASCII-compatible) CSV stream, as the csv module would end them, never holding more
    than ``max_row_bytes`` of one. ``offset`` is where ``stream`` starts in the file (after a byte order mark)."""
    splitter = _RowSplitter(delimiter.encode("ascii"), max_row_bytes, offset)
    while block := stream.read(_BLOCK_BYTES):
        yield from splitter.feed(block)
    yield from splitter.finish()


class _RowSplitter:
    def __init__(self, delimiter: bytes, max_row_bytes: int, offset: int):
        self.delimiter = delimiter[0]
        self.delimiter_bytes = delimiter
        # In an unquoted field only a line break (the row ends) or a delimiter followed by a quote (a quoted field
        # starts) changes anything, so the scan jumps between those; the delimiters in between are counted.
        self.unquoted_stop = re.compile(b"\n|" + re.escape(delimiter + b'"'))
        self.max_row_bytes = max_row_bytes
        self.state = _FIELD_START
        self.block_offset = offset  # stream offset of the current block
        self.line = 1  # line number at self.counted_to in the current block
        self.counted_to = 0
        self._start_row(offset)

    def _start_row(self, offset: int) -> None:
        self.row_offset = offset
        self.row_line = self.line
        self.pieces: list[bytes] = []
        self.row_size = 0
        self.fields = 1
        self.quote_line = 0  # where the last quoted field opened
        # (opened, closed): the lines of a multi-line quoted field closed by a quote with a stray character after it
        self.badly_closed: tuple[int, int] | None = None

    def _line_at(self, block: bytes, pos: int) -> int:
        self.line += block.count(b"\n", self.counted_to, pos)
        self.counted_to = pos
        return self.line

    def _keep(self, block: bytes, start: int, end: int) -> None:
        self.row_size += end - start
        if self.row_size <= self.max_row_bytes and self.fields <= MAX_FIELDS_PER_ROW:
            self.pieces.append(block[start:end])
        else:
            self.pieces = []  # refused anyway: keep nothing of it

    def feed(self, block: bytes) -> Iterator[RawRow]:
        self.counted_to = 0
        row_start = 0  # where the current row's part of this block begins
        pos = 0
        size = len(block)
        while pos < size:
            if self.state == _QUOTED:
                quote = block.find(b'"', pos)
                if quote < 0:
                    pos = size
                    break
                pos = quote + 1
                self.state = _QUOTE_IN_QUOTED
                continue
            if self.state == _QUOTE_IN_QUOTED:
                char = block[pos]
                if char == _QUOTE:  # "" inside a quoted field
                    self.state = _QUOTED
                    pos += 1
                    continue
                if char == self.delimiter:
                    self.fields += 1
                    self.state = _FIELD_START
                    pos += 1
                    continue
                if char not in (_NEWLINE, _CARRIAGE_RETURN) and self._line_at(block, pos) > self.quote_line:
                    # The csv module reads on after a stray character (non-strict); when the quote that closed
                    # the field is lines away from the one that opened it, the lines between were merged.
                    self.badly_closed = self.badly_closed or (self.quote_line, self.line)
                self.state = _UNQUOTED
            if self.state == _FIELD_START:
                if block[pos] == _QUOTE:
                    self.state = _QUOTED
                    self.quote_line = self._line_at(block, pos)
                    pos += 1
                    continue
                self.state = _UNQUOTED
            # _UNQUOTED
            stop = self.unquoted_stop.search(block, pos)
            end = stop.start() if stop else size
            self.fields += block.count(self.delimiter_bytes, pos, end)
            if stop is None:
                # A delimiter at the block's end may be followed by a quote at the next one's start.
                self.state = _FIELD_START if block[size - 1] == self.delimiter and size > pos else _UNQUOTED
                pos = size
                break
            if block[end] == _NEWLINE:
                row_end = end + 1
                self._keep(block, row_start, row_end)
                yield self._row()
                self._line_at(block, row_end)
                row_start = pos = row_end
                self._start_row(self.block_offset + row_end)
                self.state = _FIELD_START
                continue
            # a delimiter, then a quote: a quoted field starts
            self.fields += 1
            self.state = _QUOTED
            self.quote_line = self._line_at(block, end + 1)
            pos = end + 2
        self._keep(block, row_start, size)
        self._line_at(block, size)
        self.block_offset += size

    def finish(self) -> Iterator[RawRow]:
        if self.row_size == 0:
            return
        if self.state == _QUOTED:
            yield self._row(
                f"line {self.quote_line}: quoted field never closed (runs to the end of the file)", whole_file=True
            )
        else:
            yield self._row()

    def _row(self, problem: str | None = None, *, whole_file: bool = False) -> RawRow:
        if problem is None and self.badly_closed:
            opened, closed = self.badly_closed
            problem = (
                f"line {opened}: quoted field runs to a stray quote on line {closed}, "
                f"merging {closed - opened + 1} lines into one row"
            )
        elif problem is None and self.row_size > self.max_row_bytes:
            problem = over_limit("row", self.row_size, self.max_row_bytes)
        elif problem is None and self.fields > MAX_FIELDS_PER_ROW:
            problem = f"row has {self.fields:,} fields, over the {MAX_FIELDS_PER_ROW:,} a row may have"
        data = b"".join(self.pieces) if problem is None else b""
        return RawRow(self.row_line, self.row_offset, data, self.row_size, self.fields, problem, whole_file)


def read_delimited(label: str, stream: BinaryIO, max_bytes: int, *, delimiter: str) -> Iterator[Article | Rejection]:
    # Rows are split before the csv module sees them, so no field can be longer than --max-bytes; the csv
    # module's own cap (128 KiB) is shorter than many articles.
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes))
    source, offset = _utf8_source(stream)
    rows = split_rows(source, delimiter, max_bytes, offset=offset)
    last_line = 1
    try:
        header = next(rows, None)
        if header is None:
            raise IngestProblem("empty file")
        if header.problem:
            raise IngestProblem(header.problem if header.whole_file_problem else f"header: {header.problem}")
        try:
            header_cells = _parse_row(_decode_row(header), delimiter)
        except _MalformedRow as malformed:
            raise IngestProblem(f"header: {malformed}") from None
        columns = [name.strip().lower() for name in header_cells]
        if "text" not in columns:
            raise IngestProblem(f'no "text" column (columns: {", ".join(header_cells)})')
        for number, row in enumerate(rows, 1):
            last_line = row.first_line
            where = f"{label}#{number}"
            if row.problem:
                yield Rejection(label if row.whole_file_problem else where, row.problem)
                continue
            # Invalid UTF-8 is the file's problem, not the row's: a file in another encoding would give one
            # line per row, where one line saying "save the file as UTF-8" is what helps.
            text = _decode_row(row)
            yield from guarded(where, _row_items(text, columns, delimiter, where))
    except UnicodeDecodeError as error:  # from the UTF-16 decoder in _utf8_source
        raise IngestProblem(f"not valid {error.encoding.upper()} near line {last_line}") from None


def _row_items(text: str, columns: list[str], delimiter: str, where: str) -> Iterator[Article | Rejection]:
    cells = _parse_row(text, delimiter)
    if any(cell.strip() for cell in cells):
        yield article_from_record(dict(zip(columns, cells)), where)


class _MalformedRow(IngestProblem):
    pass


def _parse_row(text: str, delimiter: str) -> list[str]:
    try:
        parsed = list(csv.reader([text], delimiter=delimiter))
    except csv.Error as error:
        reason = str(error)
        if reason.startswith("new-line character seen in unquoted field"):
            # The csv module's advice about universal-newline mode means nothing to the user.
            reason = "a carriage return alone inside an unquoted field (old Mac line endings?)"
        raise _MalformedRow(f"malformed row ({reason})") from None
    # The splitter ends rows where the csv module does, so this is one row (none for a blank line).
    return [cell for row in parsed for cell in row]


def _decode_row(row: RawRow) -> str:
    try:
        return row.data.decode("utf-8")
    except UnicodeDecodeError as error:
        problem = describe_undecodable(
            row.data,
            error,
            "UTF-8",
            base_offset=row.offset,
            first_line=row.first_line,
            suffix="; save the file as UTF-8",
        )
        raise IngestProblem(problem) from None


def _utf8_source(stream: BinaryIO) -> tuple[ByteReader, int]:
    """The stream as UTF-8 bytes, and the offset its first byte has in the file."""
    mark = byte_order_mark(stream.read(4))
    stream.seek(0)
    if mark is None:
        return stream, 0
    if mark.name == "UTF-8":
        stream.seek(len(mark.mark))
        return stream, len(mark.mark)
    # Excel's "Unicode text" export (UTF-16): decoded as it is read, then split as UTF-8 like any other file.
    return _Utf8Transcoder(io.TextIOWrapper(stream, encoding=mark.name.lower(), newline="")), 0


class _Utf8Transcoder:
    def __init__(self, text: io.TextIOWrapper):
        self.text = text

    def read(self, size: int) -> bytes:
        return self.text.read(size).encode("utf-8")
