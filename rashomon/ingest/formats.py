"""One reader per file format, registered by extension.

A reader turns one opened input into Articles and per-record Rejections. When
the whole input is unreadable it raises ``IngestProblem``; the caller turns
that into a Rejection labelled with the input, so readers stay short.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from rashomon.ingest.decoding import (
    JsonProblem,
    byte_order_mark,
    decode_html,
    decode_text,
    iter_raw_lines,
    json_array_items,
    parse_json,
)
from rashomon.ingest.delimited import read_delimited
from rashomon.ingest.html import article_from_html
from rashomon.ingest.problems import IngestProblem, guarded, over_limit
from rashomon.ingest.records import article_from_record, build_article
from rashomon.model import Article, Rejection

Item = Article | Rejection
# (label, stream, max_bytes): label is the path, or "<stdin>", as the user knows it.
ReadFunction = Callable[[str, BinaryIO, int], Iterator[Item]]


@dataclass(frozen=True)
class Reader:
    read: ReadFunction
    # Loaded into memory at once, so --max-bytes applies to the whole file.
    # Streaming readers (one record at a time) apply it to each record.
    whole_file: bool = True
    # Compressed or container formats skip the "is this text?" sniff.
    binary: bool = False


READERS: dict[str, Reader] = {}


def register(*extensions: str, whole_file: bool = True, binary: bool = False) -> Callable[[ReadFunction], ReadFunction]:
    """Add a reader for files ending in ``extensions`` (lower case, with the dot)."""

    def add(read: ReadFunction) -> ReadFunction:
        for extension in extensions:
            READERS[extension] = Reader(read, whole_file=whole_file, binary=binary)
        return read

    return add


def extension_for(name: str) -> str | None:
    """The registered extension ``name`` ends with; the longest wins (.warc.gz)."""
    lowered = name.lower()
    matches = [ext for ext in READERS if lowered.endswith(ext) and len(lowered) > len(ext)]
    return max(matches, key=len) if matches else None


def supported_extensions() -> str:
    return ", ".join(READERS)


def read_whole(stream: BinaryIO, max_bytes: int) -> bytes:
    # The size was checked with stat before opening; reading at most one byte
    # past the limit also covers a file that grew since, and stdin.
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise IngestProblem(over_limit("input", len(data), max_bytes))
    if not data.strip():
        raise IngestProblem("empty file")
    return data


@register(".txt", ".text", ".md")
def read_text(label: str, stream: BinaryIO, max_bytes: int) -> Iterator[Item]:
    text = decode_text(read_whole(stream, max_bytes))
    if not text.strip():
        raise IngestProblem("empty file")
    yield build_article(text, label, {})


@register(".html", ".htm", ".xhtml")
def read_html(label: str, stream: BinaryIO, max_bytes: int) -> Iterator[Item]:
    html = decode_html(read_whole(stream, max_bytes))
    yield article_from_html(html, label)


@register(".json")
def read_json(label: str, stream: BinaryIO, max_bytes: int) -> Iterator[Item]:
    data = read_whole(stream, max_bytes)
    text = decode_text(data)
    try:
        document = parse_json(text)
    except JsonProblem as problem:
        if problem.reason == "Extra data" and _looks_like_json_lines(text):
            # JSON Lines saved as .json is common enough to just read it.
            yield from read_jsonl(label, io.BytesIO(data), max_bytes)
            return
        items = json_array_items(text) if problem.too_deep else None
        if items is None:
            raise
        # A list with one item nested too deep: each item on its own, so that only that one is refused.
        for number, item_text in enumerate(items, 1):
            yield from guarded(f"{label}#{number}", _list_item_from_text(item_text, f"{label}#{number}"))
        return
    if isinstance(document, dict):
        yield article_from_record(document, label)
    elif isinstance(document, list):
        # The list is in memory already: its size is bounded by --max-bytes, as the whole file is (the worst case,
        # a list of empty objects, takes about 20 bytes of memory per byte of file), so no separate item limit.
        if not document:
            raise IngestProblem("the JSON list is empty")
        for number, item in enumerate(document, 1):
            yield from guarded(f"{label}#{number}", _record_item(item, f"{label}#{number}", "list item"))
    else:
        raise IngestProblem("JSON must be an object or a list of objects")


def _list_item_from_text(text: str, where: str) -> Iterator[Item]:
    yield from _record_item(parse_json(text), where, "list item")


def _record_item(record: Any, where: str, what: str) -> Iterator[Item]:
    if not isinstance(record, dict):
        raise IngestProblem(f"{what} is not a JSON object")
    yield article_from_record(record, where)


def _looks_like_json_lines(text: str) -> bool:
    return all(line.lstrip().startswith("{") for line in text.splitlines() if line.strip())


@register(".jsonl", ".ndjson", whole_file=False)
def read_jsonl(label: str, stream: BinaryIO, max_bytes: int) -> Iterator[Item]:
    _require_utf8_stream(stream, "JSON Lines")
    found_a_line = False
    for line in iter_raw_lines(stream, max_bytes):
        where = f"{label}:{line.number}"
        if line.too_long:
            yield Rejection(where, over_limit("line", line.size, max_bytes))
            found_a_line = True
            continue
        data = _without_utf8_mark(line.data) if line.number == 1 else line.data
        if not data.strip():
            continue
        found_a_line = True
        # Each line is its own error boundary: whatever one line does, the next is read.
        yield from guarded(where, _json_line_items(data.rstrip(b"\r\n"), where))
    if not found_a_line:
        raise IngestProblem("empty file")


def _json_line_items(data: bytes, where: str) -> Iterator[Item]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise IngestProblem(f"not valid UTF-8: byte 0x{data[error.start]:02X} at column {error.start + 1}") from None
    try:
        record = parse_json(text)
    except JsonProblem as problem:
        if problem.column is None:
            raise
        raise IngestProblem(f"line is not valid JSON ({problem.reason} at column {problem.column})") from None
    yield from _record_item(record, where, "line")


@register(".csv", whole_file=False)
def read_csv(label: str, stream: BinaryIO, max_bytes: int) -> Iterator[Item]:
    yield from read_delimited(label, stream, max_bytes, delimiter=",")


@register(".tsv", whole_file=False)
def read_tsv(label: str, stream: BinaryIO, max_bytes: int) -> Iterator[Item]:
    yield from read_delimited(label, stream, max_bytes, delimiter="\t")


def _require_utf8_stream(stream: BinaryIO, format_name: str) -> None:
    mark = byte_order_mark(stream.read(4))
    stream.seek(0)
    if mark is not None and mark.name != "UTF-8":
        raise IngestProblem(f"{format_name} must be UTF-8, and this file is {mark.name}")


def _without_utf8_mark(data: bytes) -> bytes:
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


@register(".warc", ".warc.gz", whole_file=False, binary=True)
def read_warc(label: str, stream: BinaryIO, max_bytes: int) -> Iterator[Item]:
    from rashomon.ingest.warc import read_warc_records  # warcio is loaded only by runs that read archives

    yield from read_warc_records(label, stream, max_bytes)
