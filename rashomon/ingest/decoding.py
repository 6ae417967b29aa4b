"""Bytes to text, strictly: a wrong guess would corrupt every offset downstream."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from rashomon.ingest.problems import IngestProblem

SNIFF_BYTES = 8192

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BYTE_ORDER_MARKS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

# Formats people drop into an article folder by mistake; most also contain NUL
# bytes early, but PDF headers may not.
_BINARY_SIGNATURES: tuple[bytes, ...] = (
    b"\x89PNG\r\n\x1a\n",
    b"%PDF-",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"PK\x03\x04",
    b"\x1f\x8b",
)

# Browsers decode these labels with a superset codec (WHATWG Encoding
# Standard), and pages labelled latin-1 routinely contain cp1252 quotes.
_BROWSER_CODEC_FOR: dict[str, str] = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
}

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class ByteOrderMark:
    mark: bytes
    codec: str
    name: str  # as users know it, for messages


def byte_order_mark(head: bytes) -> ByteOrderMark | None:
    for mark, codec, name in _BYTE_ORDER_MARKS:
        if head.startswith(mark):
            return ByteOrderMark(mark, codec, name)
    return None


def looks_binary(head: bytes) -> bool:
    """True for content that is not text in any encoding we accept.

    UTF-16/32 text is full of NUL bytes, so a byte order mark vouches for it.
    """
    if byte_order_mark(head) is not None:
        return False
    return head.startswith(_BINARY_SIGNATURES) or b"\x00" in head[:SNIFF_BYTES]


def describe_undecodable(
    data: bytes,
    error: UnicodeDecodeError,
    encoding_name: str,
    *,
    base_offset: int = 0,
    first_line: int = 1,
    suffix: str = "",
) -> str:
    """One line naming where decoding failed, so the user can find the byte.

    ``data`` may be a piece of a larger input that starts at byte
    ``base_offset`` and line ``first_line`` of it.
    """
    offset = base_offset + error.start
    line = first_line + data.count(b"\n", 0, error.start)
    bad_byte = data[error.start] if error.start < len(data) else None
    byte_part = f"byte 0x{bad_byte:02X} at offset {offset}" if bad_byte is not None else f"truncated at offset {offset}"
    return f"not valid {encoding_name}: {byte_part} (line {line}){suffix}"


def _decode_strictly(data: bytes, codec: str, name: str, *, suffix: str = "") -> str:
    mark = byte_order_mark(data)
    body_offset = 0
    if mark is not None:
        codec, name, body_offset = mark.codec, mark.name, len(mark.mark)
    body = data[body_offset:]
    try:
        return body.decode(codec)
    except UnicodeDecodeError as error:
        raise IngestProblem(describe_undecodable(body, error, name, base_offset=body_offset, suffix=suffix)) from None


def _codec_for_label(label: str) -> str:
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        raise IngestProblem(f"declares an unknown charset {label!r}") from None
    return _BROWSER_CODEC_FOR.get(codec, codec)


def decode_text(data: bytes, declared_charset: str | None = None) -> str:
    """Plain text: a byte order mark or a declared charset, otherwise UTF-8.

    Legacy codepages are never guessed: a silent wrong guess produces mojibake
    that no later stage can tell from the author's text.
    """
    if declared_charset and byte_order_mark(data) is None:
        codec = _codec_for_label(declared_charset)
        return _decode_strictly(data, codec, declared_charset.upper(), suffix=" (declared charset)")
    return _decode_strictly(data, "utf-8", "UTF-8", suffix="; save the file as UTF-8")


def declared_html_charset(head: bytes) -> str | None:
    """The charset an HTML document declares for itself, if any."""
    found = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return found.group(1).decode("ascii") if found else None


def decode_html(data: bytes, transport_charset: str | None = None) -> str:
    """HTML: byte order mark, else the HTTP charset, else ``<meta charset>``, else UTF-8."""
    if byte_order_mark(data) is not None:
        return _decode_strictly(data, "utf-8", "UTF-8")
    label = transport_charset or declared_html_charset(data[:SNIFF_BYTES])
    if not label:
        return _decode_strictly(data, "utf-8", "UTF-8", suffix=", and the HTML declares no charset")
    codec = _codec_for_label(label)
    if codec.startswith(("utf-16", "utf-32")):
        # A page cannot declare UTF-16 in-band without a byte order mark; a
        # label that says so is wrong and browsers read it as UTF-8.
        codec = "utf-8"
    return _decode_strictly(data, codec, label.upper(), suffix=" (declared charset)")


@dataclass(frozen=True)
class RawLine:
    number: int  # 1-based
    offset: int  # byte offset of the line's start in the stream
    data: bytes  # empty when the line was over the limit and skipped
    size: int  # the line's full size in bytes, newline included
    too_long: bool


def iter_raw_lines(stream: BinaryIO, max_line_bytes: int) -> Iterator[RawLine]:
    """Lines of a byte stream, never holding more than ``max_line_bytes`` of one."""
    offset = 0
    number = 0
    while True:
        data = stream.readline(max_line_bytes + 1)
        if not data:
            return
        number += 1
        size = len(data)
        too_long = size > max_line_bytes
        if too_long:
            if not data.endswith(b"\n"):
                size += _skip_rest_of_line(stream, max_line_bytes)
            data = b""
        yield RawLine(number, offset, data, size, too_long)
        offset += size


def _skip_rest_of_line(stream: BinaryIO, chunk_bytes: int) -> int:
    skipped = 0
    while True:
        chunk = stream.readline(chunk_bytes)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped
