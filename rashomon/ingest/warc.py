"""WARC archives (.warc, .warc.gz): each HTML page and text/plain resource is an article.

warcio parses the records. What it does without any bound is done here instead, so that no archive can make
ingest hold more than a few records' worth of memory:

- the gzip layer: ``InflatingReader`` inflates it with a cap on the compression ratio of the whole archive, and
  warcio's reader is handed plain bytes with its own decompression off;
- header lines: warcio reads WARC and HTTP headers, and the blank lines between records, with ``readline()`` and
  no length, so a "line" of 256 MiB of zeros was gathered whole (several times over, as it grew); here each line
  is capped, and so are the header bytes of one record;
- a page's body: HTTP chunked framing and gzip/deflate content coding are undone here, up to ``--max-bytes``
  (warcio reads a whole chunk, up to 2 GiB, at once, and inflates it in one call).
"""

from __future__ import annotations

import logging
import zlib
from typing import Any, BinaryIO, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecordLoader
from warcio.utils import BUFF_SIZE

from rashomon.ingest.decoding import SNIFF_BYTES, decode_html, decode_text, looks_binary
from rashomon.ingest.html import article_from_html
from rashomon.ingest.inflate import InflatingReader, OverLimit, inflate_body
from rashomon.ingest.problems import IngestProblem, human_limit, over_limit
from rashomon.ingest.records import build_article
from rashomon.model import Article, Rejection

# warcio logs every target URI holding a space whole (it can be megabytes of article text, control characters
# included) on the terminal; the record is still read, and what we refuse gets our own one line instead.
logging.getLogger("warcio.recordloader").setLevel(logging.ERROR)

# Web servers refuse a request header line over 8 KiB (nginx) or 8,190 bytes (Apache), and responses are no
# longer; archives also carry long WARC-Target-URI and Link lines. 64 KiB keeps every real line and refuses what is
# really a body, or a bomb, with no line break.
MAX_HEADER_LINE_BYTES = 64_000
# A record's WARC and HTTP header lines together (and the blank lines before it): real ones are a few kB, tens of
# kB with many Set-Cookie or Link headers. More is a list of millions of short lines, each kept by warcio.
MAX_RECORD_HEADER_BYTES = 1_000_000
# Servers send one content coding; a second is seen, rarely, on proxied responses. Each is inflated up to
# --max-bytes, so each more would be one more full inflation of the record.
MAX_CONTENT_CODINGS = 2
# The longest chunk-size line of HTTP chunked framing that is read (as warcio does).
_MAX_CHUNK_SIZE_LINE = 64

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def read_warc_records(label: str, stream: BinaryIO, max_bytes: int) -> Iterator[Article | Rejection]:
    inflating = InflatingReader(stream, floor_bytes=max_bytes)
    archive = _BoundedArchiveIterator(inflating)
    records_read = 0
    found_a_page = False
    try:
        for record in archive:
            records_read += 1
            # The budget for the header bytes read from here to the next record handed out (this record's
            # rest is read with read(), the next one's headers with readline()).
            archive.reader.header_bytes_left = MAX_RECORD_HEADER_BYTES
            item = _item_from_warc_record(record, max_bytes)
            if item is not None:
                found_a_page = True
                yield item
    except _HeaderOverLimit as problem:
        raise IngestProblem(f"refused: record {records_read + 1} {problem}") from None
    except ArchiveLoadFailed:
        if records_read == 0:
            raise IngestProblem("not a WARC archive (it does not start with a WARC record)") from None
        raise IngestProblem(f"corrupt WARC archive: unreadable record header after record {records_read}") from None
    except zlib.error as error:
        if records_read == 0 and inflating.produced == 0:
            # Starts like gzip, and is not: no more a WARC archive than any other file.
            raise IngestProblem("not a WARC archive (it does not start with a WARC record)") from None
        raise IngestProblem(f"corrupt WARC archive after record {records_read} ({str(error)[:100]})") from None
    except (EOFError, OSError, ValueError) as error:
        raise IngestProblem(f"corrupt WARC archive after record {records_read} ({str(error)[:100]})") from None
    except _TruncatedRecord:
        raise IngestProblem(f"corrupt WARC archive: record {records_read} is cut short") from None
    if not found_a_page:
        raise IngestProblem("no HTML pages or text/plain resources in this WARC archive")


class _HeaderOverLimit(Exception):
    pass


class _TruncatedRecord(Exception):
    pass


class _BoundedLineReader(BufferedReader):
    """warcio's buffered reader with no decompression of its own, whose ``readline()`` (every header line, and the
    lines between records) stops at ``MAX_HEADER_LINE_BYTES`` and at what is left of the record's header budget."""

    def __init__(self, stream: Any):
        super().__init__(stream, block_size=BUFF_SIZE)
        self.header_bytes_left = MAX_RECORD_HEADER_BYTES

    def readline(self, length: int | None = None) -> bytes:
        allowed = min(MAX_HEADER_LINE_BYTES, self.header_bytes_left)
        wanted = allowed + 1 if length is None or length < 0 else min(length, allowed + 1)
        pieces = []
        got = 0
        # warcio's readline(length) can stop short of both the length and a line break at a buffer boundary;
        # asking again until either keeps a long line from passing as several short ones.
        while got < wanted:
            piece = super().readline(wanted - got)
            if not piece:
                break
            pieces.append(piece)
            got += len(piece)
            if piece.endswith(b"\n"):
                break
        line = b"".join(pieces)
        if len(line) > MAX_HEADER_LINE_BYTES:
            raise _HeaderOverLimit(f"has a header line longer than {human_limit(MAX_HEADER_LINE_BYTES)}")
        if len(line) > allowed:
            raise _HeaderOverLimit(f"has more than {human_limit(MAX_RECORD_HEADER_BYTES)} of header lines")
        self.header_bytes_left -= len(line)
        return line


class _RecordLoader(ArcWarcRecordLoader):
    def load_http_headers(self, rec_type: str, uri: str | None, stream: Any, length: int | None) -> Any:
        # warcio reads HTTP headers only for http(s) target URIs, and fails on a record that has none (calling
        # None.startswith), which ended the whole archive; a record with no target is not a page to keep.
        if uri is None:
            return None
        return super().load_http_headers(rec_type, uri, stream, length)


class _BoundedArchiveIterator(ArchiveIterator):
    def __init__(self, stream: InflatingReader):
        super().__init__(stream)
        # In place of warcio's DecompressingBufferedReader, which would inflate gzip without bound: the stream is
        # already inflated, with bounds.
        self.reader = _BoundedLineReader(self.fh)
        self.loader = _RecordLoader(verify_http=False, arc2warc=False)

    def _consume_blanklines(self) -> tuple[bytes | None, int]:
        # warcio's, less the warning it writes to stderr (several lines, with the raw bytes of the line) when a
        # record is not followed by a blank line; like warcio, that one line is skipped.
        empty_size = 0
        first_line = True
        while True:
            line = self.reader.readline()
            if not line:
                return None, empty_size
            if not line.rstrip() or first_line:
                empty_size += len(line)
                first_line = False
                continue
            return line, empty_size


def _item_from_warc_record(record: Any, max_bytes: int) -> Article | Rejection | None:
    """An Article or Rejection for a page, None for everything a crawl also holds
    (requests, metadata, redirects, images, scripts), which is not news."""
    if record.rec_type == "response":
        if record.http_headers is None or not record.http_headers.get_statuscode().startswith("2"):
            return None
        content_type = record.http_headers.get_header("Content-Type") or ""
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
    else:
        return None
    media_type, charset = _parse_content_type(content_type)
    is_html = media_type in _HTML_TYPES
    # A text/plain *response* is mostly robots.txt; a text/plain *resource* was
    # archived on purpose.
    is_plain_resource = record.rec_type == "resource" and media_type == "text/plain"
    if not (is_html or is_plain_resource):
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or "<no WARC-Target-URI>"
    body = record.raw_stream.read(max_bytes + 1)
    if len(body) > max_bytes:
        return Rejection(url, over_limit("record", len(body), max_bytes))
    if getattr(record.raw_stream, "limit", 0) > 0:
        # A cut-off gzip member reads without complaint; the bytes its Content-Length promised and never
        # delivered are the only sign.
        raise _TruncatedRecord()
    try:
        payload = _decoded_body(record, body, max_bytes)
    except OverLimit as problem:
        return Rejection(url, f"record {problem}")
    except IngestProblem as problem:
        return Rejection(url, str(problem))
    if not payload.strip():
        return Rejection(url, "empty record")
    if looks_binary(payload[:SNIFF_BYTES]):
        return Rejection(url, "binary content, not text")
    try:
        if is_html:
            return article_from_html(decode_html(payload, charset), url, url=url)
        return build_article(decode_text(payload, charset), url, {"url": url})
    except IngestProblem as problem:
        return Rejection(url, str(problem))


def _decoded_body(record: Any, body: bytes, max_bytes: int) -> bytes:
    """A response's body as the server meant it: chunked framing removed, content coding undone."""
    headers = record.http_headers
    if record.rec_type != "response" or headers is None:
        return body
    if "chunked" in _header_tokens(headers.get_header("Transfer-Encoding")):
        body = _dechunked(body)
    codings = [coding for coding in _header_tokens(headers.get_header("Content-Encoding")) if coding != "identity"]
    if len(codings) > MAX_CONTENT_CODINGS:
        raise IngestProblem(f"body has {len(codings)} content codings, over the {MAX_CONTENT_CODINGS} read")
    for coding in reversed(codings):
        if coding not in ("gzip", "x-gzip", "deflate"):
            raise IngestProblem(f"body is encoded as {coding[:40]}, which is not read")
        try:
            body = inflate_body(body, coding, max_bytes)
        except OverLimit:
            raise
        except IngestProblem:
            # As warcio reads it: a body that says it is compressed and is not was stored decoded by its
            # archiver. If it is not text either, the binary check says so.
            return body
    return body


def _header_tokens(value: str | None) -> list[str]:
    return [token.strip().lower() for token in (value or "").split(",") if token.strip()]


def _dechunked(body: bytes) -> bytes:
    """``body`` without HTTP/1.1 chunked framing. As warcio reads it: a body that does not start as chunks was
    stored de-chunked by its archiver and is taken as it is; where the framing breaks later, the rest is kept as
    it is; a last chunk cut short is kept as far as it goes."""
    pieces: list[bytes] = []
    pos = 0
    while True:
        line_end = body.find(b"\r\n", pos, pos + _MAX_CHUNK_SIZE_LINE)
        size_field = body[pos:line_end].split(b";")[0].strip() if line_end >= 0 else b""
        if not size_field or not all(chr(byte) in "0123456789abcdefABCDEF" for byte in size_field):
            break
        size = int(size_field, 16)
        if size == 0:
            return b"".join(pieces)
        start = line_end + 2
        pieces.append(body[start : start + size])
        pos = start + size
        if pos >= len(body):
            return b"".join(pieces)
        if body[pos : pos + 2] != b"\r\n":
            break
        pos += 2
    if not pieces:
        return body
    return b"".join(pieces) + body[pos:]


def _parse_content_type(header: str) -> tuple[str, str | None]:
    media_type, *parameters = header.split(";")
    charset = None
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media_type.strip().lower(), charset
